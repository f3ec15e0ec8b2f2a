/**
 * Going offline or signing out with conversations open asks first: give them back to the
 * queue (a colleague takes them, the citizen is told), or stay. A native <dialog> (modal:
 * focus stays inside, Échap means « rester »).
 */

import { $, setText } from "./dom.js";

/** Resolves "requeue" or "stay". `reason`: "offline" or "sign-out". */
export function askToLeave(count, reason) {
  const dialog = $("#leave-dialog");
  const plural = count > 1;
  setText(
    $("#leave-text"),
    `Vous avez ${count} conversation${plural ? "s" : ""} en cours. ${
      reason === "sign-out" ? "Avant de vous déconnecter" : "Avant de passer hors ligne"
    }, remettez-${plural ? "les" : "la"} dans la file d'attente : un ou une collègue ${
      plural ? "les" : "la"
    } reprendra et l'usager en sera informé.`,
  );
  setText($("#leave-requeue"), reason === "sign-out" ? "Remettre dans la file et me déconnecter" : "Remettre dans la file et passer hors ligne");
  return new Promise((resolve) => {
    const done = (choice) => {
      dialog.removeEventListener("close", onClose);
      $("#leave-requeue").onclick = null;
      $("#leave-stay").onclick = null;
      if (dialog.open) dialog.close();
      resolve(choice);
    };
    const onClose = () => done("stay");
    dialog.addEventListener("close", onClose);
    $("#leave-requeue").onclick = () => done("requeue");
    $("#leave-stay").onclick = () => done("stay");
    dialog.showModal();
    $("#leave-stay").focus();
  });
}
