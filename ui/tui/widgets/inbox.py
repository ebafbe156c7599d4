"""A player's inbox: every inject addressed to their team, newest turn first, each with
its channel and sender, marked open (a decision is awaited), answered, or for reading."""

from __future__ import annotations

from collections.abc import Callable, Collection

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine import wording
from engine.script import Exercise
from engine.state import Delivery, State
from ui.tui.widgets.events_list import delivery_id


class Inbox(OptionList):
    DEFAULT_CLASSES = "inbox"

    def __init__(self, *, id: str | None = None,
                 on_select: Callable[[int], None] | None = None) -> None:
        """`on_select(delivery number)` runs as the highlight moves, in the same frame."""
        super().__init__(id=id)
        self._on_select = on_select

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and self._on_select is not None:
            key = self.options[highlighted].id or ""
            if key.startswith("d"):
                self._on_select(int(key[1:]))

    def show(self, exercise: Exercise, state: State, team: str, awaiting: Collection[int],
             select: str | None = None) -> None:
        """`awaiting`: numbers of the deliveries on which the team still has to choose;
        `select`: the row to highlight if it is there."""
        keep = self.highlighted_option.id if self.highlighted_option else None
        mine = [d for d in state.deliveries if team in d.to]
        rows: list[Option] = []
        turn = None
        for d in sorted(mine, key=lambda d: (-d.turn, d.number)):
            if d.turn != turn:
                turn = d.turn
                rows.append(Option(Content.styled(
                    f"{exercise.turn_label(d.turn)} · turn {d.turn}", "bold $text-primary"),
                    disabled=True))
            rows.append(Option(self._row(exercise, d, team, d.number in awaiting),
                               id=delivery_id(d.number)))
        self.set_options(rows)
        ids = [o.id for o in rows if not o.disabled]
        first_open = next((delivery_id(n) for n in sorted(awaiting)), None)
        target = next((x for x in (select, keep, first_open) if x in ids),
                      ids[0] if ids else None)
        if target is not None:
            self.highlighted = self.get_option_index(target)

    def _row(self, ex: Exercise, d: Delivery, team: str, open_: bool) -> Content:
        msg = wording.message(ex, d)
        if open_:
            mark = ("● ", "bold $text-warning")
        elif team in d.decisions:
            mark = ("✓ ", "$text-success")
        else:
            mark = ("  ", "")
        via = " · ".join(x for x in (msg.channel, msg.sender) if x) or "—"
        return Content.assemble(mark, (msg.title, "bold" if open_ else ""), "\n  ",
                                (via, "dim"))
