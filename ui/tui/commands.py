"""The command palette (ctrl+p): every action of the current screen, by name.

Commands come from the screen's own key bindings, so the palette and the footer can
never disagree, plus whatever a screen adds through `palette_commands()` (e.g. the
console's "Deliver: <inject>" for every scripted inject).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Protocol, runtime_checkable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

PaletteCommand = tuple[str, str, Callable[[], Any]]  # title, help, callback


@runtime_checkable
class HasPaletteCommands(Protocol):
    def palette_commands(self) -> list[PaletteCommand]: ...


def own_actions(node: object) -> set[str]:
    """The actions bound by this project's classes, not by Textual's base classes."""
    return {b.action for cls in type(node).__mro__ if cls.__module__.startswith("ui.")
            for b in vars(cls).get("BINDINGS", []) if isinstance(b, Binding)}


class TTXCommands(Provider):
    def commands(self) -> Iterator[PaletteCommand]:
        screen = self.screen
        seen: set[str] = set()
        ours = own_actions(screen) | own_actions(self.app)
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not active.enabled:
                continue
            if active.node not in (screen, self.app) or binding.action not in ours:
                continue  # a widget's keys (cursor, page), Textual's own (focus next, copy)
            if binding.action in seen or binding.description in ("Quit",):
                continue
            seen.add(binding.action)
            keys = self.app.get_key_display(binding)
            title = f"{binding.description} ({keys})"
            yield (title, binding.tooltip or binding.description,
                   partial(self.app.run_action, binding.action, active.node))
        if isinstance(screen, HasPaletteCommands):
            yield from screen.palette_commands()

    # Titles and help carry script names (inject titles, option labels). Textual reads a
    # str prompt or help as markup, and so does Matcher.highlight: both are handed
    # over as Content, which it shows as it is.

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title,
                               help=Content(help_text))  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlighted(matcher, title), callback, text=title,
                          help=Content(help_text))  # type: ignore[arg-type]


def highlighted(matcher: Matcher, title: str) -> Content:
    """`Matcher.highlight` without reading the title as markup."""
    content = Content(title)
    score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets if score else ():
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
