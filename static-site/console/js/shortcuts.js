/**
 * The console's keyboard shortcuts (listed in the « Raccourcis clavier » dialog of index.html
 * and in docs/console.md). Alt + a key works everywhere, the reply box included; « ? » only
 * outside a text field; « / » is the reply box's own (conversation-view.js). Letters and
 * digits are read from `event.code`, so they stay on the same keys with an AZERTY keyboard.
 */

import { $ } from "./dom.js";

function typingInField(target) {
  return Boolean(target && target.closest && target.closest("input, textarea, select, [contenteditable='true']"));
}

export function openHelp() {
  const dialog = $("#shortcuts-dialog");
  if (!dialog.open) dialog.showModal();
  $("#shortcuts-close").focus();
}

/** @param {() => object|null} workspace the workspace when the conversations view is shown */
export function installShortcuts(workspace) {
  $("#shortcuts-open").addEventListener("click", openHelp);
  $("#shortcuts-close").addEventListener("click", () => $("#shortcuts-dialog").close());
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (!event.altKey && !event.ctrlKey && !event.metaKey && event.key === "?" && !typingInField(event.target)) {
      event.preventDefault();
      openHelp();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.code === "KeyK") {
      event.preventDefault();
      openHelp();
      return;
    }
    const space = workspace();
    if (!space) return;
    const actions = {
      ArrowDown: () => space.cycle(1),
      ArrowUp: () => space.cycle(-1),
      KeyR: () => space.focusReply(),
      KeyN: () => space.takeNext(false),
      KeyP: () => space.takeNext(true),
      KeyM: () => space.openCanned(),
    };
    const digit = /^Digit([1-9])$/.exec(event.code);
    const action = digit ? () => space.goToPosition(Number(digit[1])) : actions[event.code];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
