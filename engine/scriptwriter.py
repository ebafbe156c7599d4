"""Scripts written for people: keys in the format's order, long text in block scalars,
short lists in flow style, and the schema comment editors use for completion."""

from __future__ import annotations

from typing import Any

import yaml

SCHEMA_COMMENT = "# yaml-language-server: $schema=./ttx-1.schema.json\n"
_TOP = ["format", "id", "title", "summary", "turns", "turn_labels", "seed", "scale",
        "exercise", "glossary", "briefing", "attachments", "teams", "metrics", "objectives",
        "modules", "injects", "end"]
_INJECT = ["id", "title", "turn", "when", "once", "follow_up", "channel", "from", "to",
           "text", "expected", "questions", "facilitator_notes", "attachments", "variants",
           "objectives", "effects", "options"]
_OTHER = ["id", "name", "title", "label", "role", "playable", "policy", "brief", "scope",
          "min", "max", "initial", "capability", "weight", "critical_tasks", "improvement"]
FOLD_AT = 100  # longer one-line text is folded into a block, as people write it


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # `  - id:` under a key, as people write it


def _dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    order = (_TOP if "format" in data else
             _INJECT if {"turn", "follow_up", "text", "when"} & set(data) else _OTHER)
    items = sorted(data.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                   else len(order))
    return dumper.represent_mapping("tag:yaml.org,2002:map", items, flow_style=False)


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(isinstance(x, str | int | float) and not isinstance(x, bool)
               and "\n" not in str(x) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data.rstrip("\n") or data.endswith("\n") else (
        ">" if len(data) > FOLD_AT else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(dict, _dict)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(str, _str)


def to_yaml(data: Any, indent: int = 2) -> str:
    """`data` as block YAML (no schema comment), ending with a newline."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=88, indent=indent)


def script_yaml(data: dict[str, Any], source: str | None = None) -> str:
    """A whole script: the schema comment, where it came from, then its keys."""
    head = SCHEMA_COMMENT + (f"# Made by `ttx msel import` from {source}\n" if source else "")
    return head + to_yaml(data)
