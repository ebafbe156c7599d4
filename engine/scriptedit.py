"""Edit a script's text in place: change, add or drop one key of an inject, append
injects, and leave every other character (comments, layout, key order) as it was.

Used by `ttx msel import --into`, so merging a sheet back into a script an author
wrote by hand changes the fields the sheet changed and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from .scriptwriter import to_yaml


@dataclass(frozen=True)
class Edit:
    inject: str
    key: str
    value: Any  # None: drop the key


def apply(text: str, edits: Iterable[Edit], added: list[dict[str, Any]]) -> str:
    """`text` with `edits` made and `added` injects appended to `injects:`."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # marks count characters
    injects = _value(root, "injects") if root is not None else None
    assert isinstance(injects, yaml.SequenceNode), "a validated script has injects"
    items = {}
    for item in injects.value:
        ident = _value(item, "id")
        if isinstance(ident, yaml.ScalarNode):
            items[ident.value] = item
    splices: list[tuple[int, int, str]] = []
    for edit in edits:
        splices.append(_splice(text, items[edit.inject], edit))
    if added:
        splices.append(_append(text, injects, added))
    for start, end, new in sorted(splices, key=lambda s: s[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    pair = _pair(node, key)
    return pair[1] if pair else None


def _pair(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None


def _end(text: str, node: yaml.Node) -> int:
    """Where the node's own characters end (a block scalar's marks run on over the
    blank lines and indentation after it)."""
    start, end = node.start_mark.index, node.end_mark.index
    return start + len(text[start:end].rstrip())


def _splice(text: str, item: yaml.Node, edit: Edit) -> tuple[int, int, str]:
    pair = _pair(item, edit.key)
    if pair is not None:
        key, value = pair
        if edit.value is None:  # drop the whole `key: value` line(s)
            line = text.rfind("\n", 0, key.start_mark.index) + 1
            stop = text.find("\n", _end(text, value))
            return line, (len(text) if stop < 0 else stop + 1), ""
        return (value.start_mark.index, _end(text, value),
                render(edit.value, key.start_mark.column))
    if edit.value is None:
        return 0, 0, ""
    anchor = _pair(item, "title") or _pair(item, "id")
    assert anchor is not None
    column = anchor[0].start_mark.column
    stop = text.find("\n", _end(text, anchor[1]))
    where = len(text) if stop < 0 else stop + 1
    added = f"{' ' * column}{edit.key}: {render(edit.value, column)}\n"
    return where, where, added if stop >= 0 else "\n" + added


def _append(text: str, injects: yaml.SequenceNode, added: list[dict[str, Any]]
            ) -> tuple[int, int, str]:
    last = injects.value[-1]
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    dash = text[line_start:last.start_mark.index].find("-")
    indent = " " * max(dash, 0)
    block = "".join(indent + line if line.strip() else line
                    for line in to_yaml(added).splitlines(keepends=True))
    stop = text.find("\n", _end(text, last))
    where = len(text) if stop < 0 else stop + 1
    return where, where, ("" if stop >= 0 else "\n") + "\n" + block


def render(value: Any, column: int) -> str:
    """A value to follow `key: ` at `column`: a flow list, a number, a plain or
    quoted one-line string, or a literal block (without its final line break, which
    the text after it supplies)."""
    if isinstance(value, list):
        return "[" + ", ".join(render(v, column) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, str):
        return json.dumps(value)
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    if "\n" in body or trailing:
        lines = body.split("\n")
        if trailing <= 1 and lines[0][:1] not in (" ", "\t") and all(
                line == line.rstrip() for line in lines):
            pad = " " * (column + 2)
            head = "|" if trailing == 1 else "|-"
            return head + "".join("\n" + (pad + line if line else "") for line in lines)
        return json.dumps(value, ensure_ascii=False)
    plain = value
    try:
        if yaml.safe_load(f"k: {plain}") == {"k": value} and "#" not in plain:
            return plain
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)
