/**
 * Orientation wizard « Que vous est-il arrivé ? », enhanced in place.
 * Without JavaScript every node is a page (/orientation/<id>/) of plain links. With it, the
 * tree (/orientation/arbre.json) is fetched once and each answer renders the next node in
 * place: no reload, focus on the new heading, history.pushState so Back and Reload work.
 * Every text is set with textContent.
 */

const SITE_NAME = "moncommissariat";
const WIZARD_TITLE = "Que vous est-il arrivé ?";
// What a sensitive step calls itself in the tab and the history (same as the built pages).
const NEUTRAL_TITLE = "Informations pratiques";

function element(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function nodeLink(tree, id, label) {
  return element("a", { href: tree.nodes[id].url, "data-next": id }, label);
}

function restartLine(tree, id) {
  const line = element("p", { class: "orientation__recommencer" });
  const parent = tree.nodes[id]?.parent;
  if (parent) {
    const back = nodeLink(tree, parent, "Question précédente");
    back.setAttribute("data-back", "");
    line.append(back, " · ");
  }
  line.append(nodeLink(tree, tree.start, "Recommencer"));
  return line;
}

/** A sentence with its help-line numbers as tel:/sms: links (built from the tree's parts). */
function withPhoneLinks(tag, attributes, parts, text) {
  const node = element(tag, attributes);
  if (!Array.isArray(parts) || parts.length === 0) {
    node.textContent = text;
    return node;
  }
  for (const part of parts) {
    node.append(part.href ? element("a", { href: part.href, class: "numero" }, part.text) : part.text);
  }
  return node;
}

function renderQuestion(tree, id, node) {
  const parts = [];
  if (node.question !== WIZARD_TITLE) {
    parts.push(element("p", { class: "orientation__surtitre" }, WIZARD_TITLE));
  }
  parts.push(element("h1", { id: "orientation-titre", tabindex: "-1" }, node.question));
  if (node.hint) {
    parts.push(withPhoneLinks("p", { class: "orientation__aide" }, node.hintParts, node.hint));
  }
  const list = element("ul", { class: "choix", "aria-labelledby": "orientation-titre" });
  for (const choice of node.choices) {
    const item = element("li");
    item.append(nodeLink(tree, choice.next, choice.label));
    list.append(item);
  }
  parts.push(list);
  if (id !== tree.start) parts.push(restartLine(tree, id));
  return { parts, title: node.question };
}

function renderResult(tree, id, node) {
  const { result } = node;
  const ficheLine = element("p", { class: "resultat__fiche" });
  ficheLine.append(element("a", { href: result.fiche.url }, result.fiche.title));
  const helpLine = element("p", {}, "Besoin d'aide ? ");
  helpLine.append(element("a", { href: result.chat }, "Discuter avec un policier"));
  const parts = [
    element("p", { class: "orientation__surtitre" }, WIZARD_TITLE),
    element("h1", { id: "orientation-titre", tabindex: "-1" }, "Notre conseil"),
    withPhoneLinks("p", { class: "resultat" }, result.channelParts, result.channel),
    element("p", {}, "Toutes les explications sont dans cette fiche :"),
    ficheLine,
    element("p", {}, result.fiche.summary),
    helpLine,
    restartLine(tree, id),
  ];
  return { parts, title: `Notre conseil : ${result.fiche.title}` };
}

function show(root, tree, id) {
  const node = tree.nodes[id];
  const { parts, title } = node.result ? renderResult(tree, id, node) : renderQuestion(tree, id, node);
  root.replaceChildren(...parts);
  root.dataset.node = id;
  document.title = node.sensitive ? NEUTRAL_TITLE : `${title} — ${SITE_NAME}`;
  for (const exit of document.querySelectorAll("[data-quick-exit]")) exit.hidden = !node.sensitive;
  root.querySelector("h1").focus();
}

async function loadTree(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

async function enhance(root) {
  const tree = await loadTree(root.dataset.tree);
  if (!tree || !tree.nodes || !tree.nodes[root.dataset.node]) return; // plain links keep working
  // Keep what quick-exit.js recorded in this entry (mcBack).
  history.replaceState({ ...(history.state || {}), orientationNode: root.dataset.node }, "", window.location.href);

  root.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // let "open in a new tab" work
    }
    const link = event.target instanceof Element ? event.target.closest("a[data-next]") : null;
    const id = link?.dataset.next;
    if (!id || !tree.nodes[id]) return;
    event.preventDefault();
    // « Question précédente » after an answer given here: Back returns to the question asked.
    if (link.hasAttribute("data-back") && history.state?.orientationFrom) {
      history.back();
      return;
    }
    const previousBack = history.state?.mcBack;
    history.pushState({ orientationNode: id, orientationFrom: root.dataset.node }, "", tree.nodes[id].url);
    window.dispatchEvent(
      new CustomEvent("moncommissariat:etape", {
        detail: { sensitive: tree.nodes[id].sensitive, previousBack },
      }),
    );
    show(root, tree, id);
  });

  window.addEventListener("popstate", (event) => {
    const id = event.state?.orientationNode;
    if (id && tree.nodes[id]) show(root, tree, id);
  });
}

const root = document.getElementById("orientation");
if (root) enhance(root);
