/**
 * Orientation wizard « Que vous est-il arrivé ? », enhanced in place.
 * Without JavaScript every node is a page (/orientation/<id>/) of plain links. With it, the
 * tree (/orientation/arbre.json) is fetched once and each answer renders the next node in
 * place: no reload, focus on the new heading, history.pushState so Back and Reload work.
 * Every text is set with textContent.
 */

const SITE_NAME = "moncommissariat";
const WIZARD_TITLE = "Que vous est-il arrivé ?";

function element(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function nodeLink(tree, id, label) {
  return element("a", { href: tree.nodes[id].url, "data-next": id }, label);
}

function restartLine(tree) {
  const line = element("p", { class: "orientation__recommencer" });
  line.append(nodeLink(tree, tree.start, "Recommencer"));
  return line;
}

function renderQuestion(tree, id, node) {
  const parts = [];
  if (node.question !== WIZARD_TITLE) {
    parts.push(element("p", { class: "orientation__surtitre" }, WIZARD_TITLE));
  }
  parts.push(element("h1", { id: "orientation-titre", tabindex: "-1" }, node.question));
  if (node.hint) parts.push(element("p", { class: "orientation__aide" }, node.hint));
  const list = element("ul", { class: "choix", "aria-labelledby": "orientation-titre" });
  for (const choice of node.choices) {
    const item = element("li");
    item.append(nodeLink(tree, choice.next, choice.label));
    list.append(item);
  }
  parts.push(list);
  if (id !== tree.start) parts.push(restartLine(tree));
  return { parts, title: node.question };
}

function renderResult(tree, node) {
  const { result } = node;
  const ficheLine = element("p", { class: "resultat__fiche" });
  ficheLine.append(element("a", { href: result.fiche.url }, result.fiche.title));
  const helpLine = element("p", {}, "Besoin d'aide ? ");
  helpLine.append(element("a", { href: result.chat }, "Discuter avec un policier"));
  const parts = [
    element("p", { class: "orientation__surtitre" }, WIZARD_TITLE),
    element("h1", { id: "orientation-titre", tabindex: "-1" }, "Notre conseil"),
    element("p", { class: "resultat" }, result.channel),
    element("p", {}, "Toutes les explications sont dans cette fiche :"),
    ficheLine,
    element("p", {}, result.fiche.summary),
    helpLine,
    restartLine(tree),
  ];
  return { parts, title: `Notre conseil : ${result.fiche.title}` };
}

function show(root, tree, id) {
  const node = tree.nodes[id];
  const { parts, title } = node.result ? renderResult(tree, node) : renderQuestion(tree, id, node);
  root.replaceChildren(...parts);
  root.dataset.node = id;
  document.title = `${title} — ${SITE_NAME}`;
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
  history.replaceState({ orientationNode: root.dataset.node }, "", window.location.href);

  root.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // let "open in a new tab" work
    }
    const link = event.target instanceof Element ? event.target.closest("a[data-next]") : null;
    const id = link?.dataset.next;
    if (!id || !tree.nodes[id]) return;
    event.preventDefault();
    history.pushState({ orientationNode: id }, "", tree.nodes[id].url);
    show(root, tree, id);
  });

  window.addEventListener("popstate", (event) => {
    const id = event.state?.orientationNode;
    if (id && tree.nodes[id]) show(root, tree, id);
  });
}

const root = document.getElementById("orientation");
if (root) enhance(root);
