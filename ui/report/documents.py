"""`ttx docs`: the exercise's documents as Markdown and as one printable HTML file
each (print CSS, page breaks, nothing fetched from anywhere). The structure comes
from `engine.documents`; this module only renders it, escaping all script text."""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

from engine.controls import escape_controls
from engine.diagnostics import ScriptError
from engine.documents import (
    KINDS,
    Block,
    Bullets,
    Document,
    Heading,
    Lines,
    PageBreak,
    Para,
    Table,
    documents,
)
from engine.loader import load
from engine.wording import prose
from ui.report.render import md

CSS = """
  :root { --ink: #1b1f24; --muted: #5b6470; --rule: #c9d1d9; --accent: #0b4f8a; }
  body { font: 12pt/1.45 Georgia, "Times New Roman", serif; color: var(--ink);
         max-width: 48em; margin: 2em auto; padding: 0 1.5em; }
  header { border-bottom: 3px solid var(--accent); margin-bottom: 1.5em; }
  header .kind { font: 600 10pt system-ui, sans-serif; letter-spacing: .08em;
                 text-transform: uppercase; color: var(--accent); }
  h1 { font-size: 22pt; margin: .2em 0 .4em; }
  h2 { font-size: 15pt; color: var(--accent); border-bottom: 1px solid var(--rule);
       margin-top: 1.6em; }
  h3 { font-size: 13pt; margin-top: 1.2em; } h4 { font-size: 12pt; margin-top: 1em; }
  table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; font-size: 10.5pt; }
  th, td { border: 1px solid var(--rule); padding: 4px 6px; text-align: left;
           vertical-align: top; }
  th { background: #f1f4f7; }
  table.kv th:empty { display: none; }
  p.note { border-left: 4px solid #b86e00; padding-left: .6em; }
  p.muted { color: var(--muted); font-size: 10pt; }
  .line { border-bottom: 1px solid var(--rule); height: 2em; }
  .page-break { break-after: page; page-break-after: always; height: 0; }
  p { white-space: pre-line; }
  @page { size: A4; margin: 18mm 16mm; }
  @media print { body { margin: 0; max-width: none; padding: 0; }
                 h2, h3, h4 { break-after: avoid; } tr, .line { break-inside: avoid; } }
"""


def _h(text: str) -> str:
    return html.escape(escape_controls(text))


def to_html(doc: Document) -> str:
    parts = ['<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
             f"<title>{_h(doc.subtitle)}: {_h(doc.title)}</title>",
             f"<style>{CSS}</style>\n</head>\n<body>",
             f'<header><div class="kind">{_h(doc.subtitle)}</div><h1>{_h(doc.title)}</h1>'
             "</header>"]
    parts += [_html_block(b) for b in doc.blocks]
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{_h(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        style = f' class="{block.style}"' if block.style else ""
        return f"<p{style}>{_h(prose(block.text))}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_h(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        kv = not any(block.header)
        head = "" if kv else "<tr>" + "".join(f"<th>{_h(h)}</th>" for h in block.header) \
            + "</tr>"
        rows = "".join("<tr>" + "".join(
            (f"<th>{_h(c)}</th>" if kv and i == 0 else f"<td>{_h(c)}</td>")
            for i, c in enumerate(row)) + "</tr>" for row in block.rows)
        css = ' class="kv"' if kv else ""
        return f"<table{css}>{head}{rows}</table>"
    if isinstance(block, Lines):
        return '<div class="lines">' + '<div class="line"></div>' * block.count + "</div>"
    return '<div class="page-break"></div>'


def to_markdown(doc: Document) -> str:
    out = [f"# {md(doc.title)}", "", f"*{md(doc.subtitle)}*", ""]
    for block in doc.blocks:
        out += _md_block(block)
    return "\n".join(out).rstrip() + "\n"


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"{'#' * block.level} {md(block.text)}", ""]
    if isinstance(block, Para):
        text = md(prose(block.text))
        return [f"> {text}" if block.style == "note" else text, ""]
    if isinstance(block, Bullets):
        return [f"- {md(i)}" for i in block.items] + [""]
    if isinstance(block, Table):
        header = block.header if any(block.header) else ("", "")
        lines = ["| " + " | ".join(md(h) for h in header) + " |",
                 "| " + " | ".join("---" for _ in header) + " |"]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in block.rows]
        return [*lines, ""]
    if isinstance(block, Lines):
        return ["_" * 70 + "  " for _ in range(block.count)] + [""]
    assert isinstance(block, PageBreak)
    return ["---", ""]


def command(args: argparse.Namespace) -> int:
    try:
        script = load(args.script)
    except ScriptError as exc:
        print(exc, file=sys.stderr)
        return 1
    kinds = tuple(args.kind) if args.kind else KINDS
    out = Path(args.output) if args.output else Path(f"{script.exercise.id}-docs")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for doc in documents(script.exercise, kinds):
            for suffix, text in (("md", to_markdown(doc)), ("html", to_html(doc))):
                path = out / f"{doc.slug}.{suffix}"
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path}", file=sys.stderr)
    except OSError as exc:
        print(f"ttx: cannot write into {out}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0
