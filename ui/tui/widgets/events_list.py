"""This turn's master scenario events list: what was delivered (with who still has to
decide), what is still to deliver, follow-ups queued for next turn, what comes later."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from engine import wording
from engine.script import Exercise, Inject
from engine.state import Delivery, State
from ui.controller import TurnPlan


def delivery_id(number: int) -> str:
    return f"d{number}"


def inject_id(inject: str) -> str:
    return f"i:{inject}"


class EventsList(OptionList):
    """Rows are deliveries (`d<n>`) and scripted injects (`i:<id>`); section titles
    are disabled rows. Highlighting a row calls `on_select` with its id."""

    DEFAULT_CLASSES = "events-list"

    def __init__(self, *, id: str | None = None,
                 on_select: Callable[[str], None] | None = None) -> None:
        """`on_select(row id)` runs as the highlight moves, before the next frame is
        painted, so list and detail change together (messages arrive a frame later)."""
        super().__init__(id=id)
        self._seen: set[str] = set()
        self._on_select = on_select

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and self._on_select is not None:
            option = self.options[highlighted]
            if not option.disabled and option.id is not None:
                self._on_select(option.id)

    def show(self, exercise: Exercise, state: State, plan: TurnPlan,
             awaiting: Callable[[Delivery], Collection[str]], select: str | None = None) -> None:
        """`awaiting(delivery)`: the teams that still have to choose among its options;
        `select`: the row to highlight if it is there (else the one highlighted now)."""
        keep = self.highlighted_option.id if self.highlighted_option else None
        rows: list[Option] = []
        self._seen = set()
        now = state.this_turn()
        rows.append(self._section(f"Delivered in turn {state.turn} ({len(now)})"))
        for d in now:
            rows.append(Option(self._delivery(exercise, d, awaiting(d)),
                               id=delivery_id(d.number)))
        self._injects(rows, "Condition not met (deliver by hand)", plan.waiting, exercise,
                      tag="this turn")
        self._injects(rows, "Follow-ups queued for next turn", plan.queued, exercise)
        self._injects(rows, f"Coming in turn {state.turn + 1}", plan.upcoming, exercise,
                      tag="next")
        self._injects(rows, "On call (deliver by hand)", plan.on_call, exercise)
        self.set_options(rows)
        ids = [o.id for o in rows if not o.disabled]
        target = next((x for x in (select, keep) if x in ids), ids[0] if ids else None)
        if target is not None:
            self.highlighted = self.get_option_index(target)

    def _section(self, title: str) -> Option:
        return Option(Content.styled(title, "bold $text-primary"), disabled=True)

    def _delivery(self, ex: Exercise, d: Delivery, awaiting: Collection[str]) -> Content:
        if awaiting:  # the dot and how many teams still have to decide
            mark = (f"●{len(awaiting)} " if len(awaiting) < 10 else "●+ ", "bold $text-warning")
        elif d.decisions:
            mark = ("✓  ", "$text-success")
        else:
            mark = ("·  ", "dim")
        return Content.assemble(mark, (f"#{d.number} ", "dim"), wording.title(ex, d))

    def _injects(self, rows: list[Option], title: str, injects: Sequence[Inject],
                 ex: Exercise, tag: str = "") -> None:
        fresh = [i for i in injects if i.id not in self._seen]
        if not fresh:
            return
        rows.append(self._section(f"{title} ({len(fresh)})"))
        for inject in fresh:
            self._seen.add(inject.id)
            when = (f"T{inject.turn} ", "dim") if inject.turn is not None and not tag else ""
            rows.append(Option(Content.assemble("  ", when, inject.title),
                               id=inject_id(inject.id)))

    def select_delivery(self, number: int) -> None:
        try:
            self.highlighted = self.get_option_index(delivery_id(number))
        except OptionDoesNotExist:  # not in this turn's list
            return
