"""The orientation wizard « Que vous est-il arrivé ? »: a decision tree read from YAML.

Format (`content/orientation.yaml`):

    start: <node id>
    nodes:
      <id>: {question: str, hint?: str, choices: [{label: str, next: <node id>}]}
      <id>: {result: {fiche: <slug>, channel: str}}   # channel: one plain sentence

The tree must be sound: every `next` and `fiche` exists, no cycle, every node reachable
from `start`. Otherwise `load_orientation` raises `ContentError` listing every problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from sitegen import ContentError
from sitegen.content import SLUG_RE, Fiche
from sitegen.helplines import HelpLines

SENSITIVE_MARKER = "violence"


@dataclass(frozen=True)
class Choice:
    label: str
    next: str


@dataclass(frozen=True)
class Node:
    """A question (with choices) or a result (a fiche and a channel)."""

    id: str
    question: str | None = None
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    fiche: str | None = None
    channel: str | None = None
    sensitive: bool = False

    @property
    def is_result(self) -> bool:
        return self.fiche is not None


@dataclass(frozen=True)
class Orientation:
    start: str
    nodes: dict[str, Node]

    def url(self, node_id: str) -> str:
        """The page of a node; the start node lives at /orientation/."""
        return "/orientation/" if node_id == self.start else f"/orientation/{node_id}/"

    def parents(self) -> dict[str, str]:
        """Each node's question « Question précédente » leads back to: the first question that
        offers it, in file order (a node reached from several questions gets the first one;
        with JavaScript, the wizard goes back to the question actually answered)."""
        found: dict[str, str] = {}
        for node in self.nodes.values():
            for choice in node.choices:
                found.setdefault(choice.next, node.id)
        return found


def _parse_node(node_id: str, raw: Any, problems: list[str]) -> Node | None:
    where = f"orientation.yaml: nœud « {node_id} »"
    if not SLUG_RE.match(str(node_id)):
        problems.append(f"{where}: identifiant invalide (minuscules, chiffres, tirets)")
    if not isinstance(raw, dict):
        problems.append(f"{where}: doit être une question ou un résultat")
        return None
    explicit_sensitive = raw.get("sensitive", False) is True
    if "result" in raw:
        if "question" in raw or "choices" in raw:
            problems.append(f"{where}: un résultat ne peut pas aussi poser une question")
        result = raw["result"]
        if (
            not isinstance(result, dict)
            or not isinstance(result.get("fiche"), str)
            or not isinstance(result.get("channel"), str)
            or not result["channel"].strip()
        ):
            problems.append(f"{where}: « result » doit avoir « fiche » et « channel »")
            return None
        return Node(
            id=node_id,
            fiche=result["fiche"],
            channel=result["channel"].strip(),
            sensitive=explicit_sensitive,
        )
    question, choices = raw.get("question"), raw.get("choices")
    if not isinstance(question, str) or not question.strip():
        problems.append(f"{where}: « question » manquante")
        return None
    if not isinstance(choices, list) or not choices:
        problems.append(f"{where}: « choices » doit être une liste non vide")
        return None
    parsed = []
    for index, choice in enumerate(choices):
        if (
            not isinstance(choice, dict)
            or not isinstance(choice.get("label"), str)
            or not isinstance(choice.get("next"), str)
        ):
            problems.append(f"{where}: choices[{index}] doit avoir « label » et « next »")
            continue
        parsed.append(Choice(choice["label"].strip(), choice["next"]))
    hint = raw.get("hint")
    return Node(
        id=node_id,
        question=question.strip(),
        hint=hint.strip() if isinstance(hint, str) and hint.strip() else None,
        choices=tuple(parsed),
        sensitive=explicit_sensitive,
    )


def _find_cycles(start: str, nodes: dict[str, Node]) -> list[list[str]]:
    """Cycles reachable from `start` (iterative DFS with colours)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node_id, index = stack.pop()
        if index == 0:
            state[node_id] = 1
            path.append(node_id)
        children = [c.next for c in nodes[node_id].choices if c.next in nodes]
        if index < len(children):
            stack.append((node_id, index + 1))
            child = children[index]
            if state.get(child) == 1:
                cycles.append([*path[path.index(child) :], child])
            elif child not in state:
                stack.append((child, 0))
        else:
            state[node_id] = 2
            path.pop()
    return cycles


def _reachable(start: str, nodes: dict[str, Node]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for choice in nodes[todo.pop()].choices:
            if choice.next in nodes and choice.next not in seen:
                seen.add(choice.next)
                todo.append(choice.next)
    return seen


def _mark_sensitive(nodes: dict[str, Node], fiches: dict[str, Fiche]) -> dict[str, Node]:
    """Pages that get the « Quitter rapidement » button: nodes flagged `sensitive: true`,
    whose id names violence, or leading to a sensitive fiche — and everything below a
    sensitive question (someone answering about violence stays protected)."""
    sensitive = {
        node_id
        for node_id, node in nodes.items()
        if node.sensitive
        or SENSITIVE_MARKER in node_id
        or (node.fiche is not None and fiches[node.fiche].sensitive)
    }
    todo = [node_id for node_id in sensitive if not nodes[node_id].is_result]
    while todo:
        for choice in nodes[todo.pop()].choices:
            if choice.next not in sensitive:
                sensitive.add(choice.next)
                todo.append(choice.next)
    return {
        node_id: replace(node, sensitive=node_id in sensitive) for node_id, node in nodes.items()
    }


def parse_orientation(raw: Any, fiches: dict[str, Fiche]) -> Orientation:
    """Validate a parsed YAML document against the known fiches."""
    problems: list[str] = []
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("nodes"), dict)
        or not isinstance(raw.get("start"), str)
    ):
        raise ContentError(["orientation.yaml: « start » et « nodes » sont obligatoires"])
    nodes: dict[str, Node] = {}
    for node_id, node_raw in raw["nodes"].items():
        node = _parse_node(str(node_id), node_raw, problems)
        if node is not None:
            nodes[node.id] = node
    start = raw["start"]
    if start not in nodes:
        problems.append(f"orientation.yaml: « start » désigne un nœud inconnu : {start}")
    elif nodes[start].is_result:
        problems.append("orientation.yaml: « start » doit être une question")
    for node in nodes.values():
        for choice in node.choices:
            if choice.next not in nodes and choice.next not in raw["nodes"]:
                problems.append(
                    f"orientation.yaml: « {node.id} » → « next » inconnu : {choice.next}"
                )
        if node.fiche is not None and node.fiche not in fiches:
            problems.append(f"orientation.yaml: « {node.id} » → fiche inconnue : {node.fiche}")
    if start in nodes:
        for cycle in _find_cycles(start, nodes):
            problems.append("orientation.yaml: cycle " + " → ".join(cycle))
        unreachable = sorted(set(nodes) - _reachable(start, nodes))
        if unreachable:
            problems.append(
                f"orientation.yaml: nœuds inaccessibles depuis « {start} » : {unreachable}"
            )
    if problems:
        raise ContentError(problems)
    return Orientation(start, _mark_sensitive(nodes, fiches))


def load_orientation(path: Path, fiches: dict[str, Fiche]) -> Orientation:
    """Read and validate the wizard tree."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError([f"{path.name}: illisible : {error}"]) from error
    return parse_orientation(raw, fiches)


def tree_json(
    orientation: Orientation, fiches: dict[str, Fiche], help_lines: HelpLines | None = None
) -> dict[str, Any]:
    """What the wizard's JS module needs to render any node in place. Sentences that may name
    a help line also come as segments ([{text}, {text, href}]) so the script links them."""
    help_lines = help_lines or HelpLines([])
    nodes: dict[str, Any] = {}
    parents = orientation.parents()
    for node in orientation.nodes.values():
        entry: dict[str, Any] = {"url": orientation.url(node.id), "sensitive": node.sensitive}
        if node.id in parents:
            entry["parent"] = parents[node.id]
        if node.is_result:
            fiche = fiches[node.fiche or ""]
            entry["result"] = {
                "channel": node.channel,
                "channelParts": help_lines.segments(node.channel or ""),
                "fiche": {"title": fiche.title, "summary": fiche.summary, "url": fiche.url},
                "chat": f"/discuter/?sujet={fiche.chat_topic}",
            }
        else:
            entry["question"] = node.question
            entry["hint"] = node.hint
            entry["hintParts"] = help_lines.segments(node.hint or "")
            entry["choices"] = [{"label": c.label, "next": c.next} for c in node.choices]
        nodes[node.id] = entry
    return {"start": orientation.start, "nodes": nodes}
