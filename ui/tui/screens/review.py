"""The after-action review of a save (`ttx review SAVE`, or `v` in the launcher).

A timeline of every event; a cursor steps through it by event or by turn, or jumps to
the start or the end, and everything else shows the session as it was right after
the event under the cursor: metrics with their history so far, the ratings board,
the decisions and notes so far, and why that event happened and what it did. The
timeline can be narrowed to one team's story and searched; `x` writes the
after-action report (HTML or Markdown) of the whole session.

Cost: the state at a point comes from the session's checkpoints (a step forward folds
the events in between into the state shown), the timeline draws only its visible
lines and the side panels only what fits, so a step costs the same anywhere in a
save of any length. To time one, drive it as a person does and wait for the paint:

    async with app.run_test() as pilot:      # app opened on `ttx review SAVE`
        await pilot.app.workers.wait_for_complete(); await pilot.pause()
        screen = app.screen                  # a ReviewScreen, `screen.loaded` True
        screen.goto(25_000)                  # the point to measure at
        await pilot.pause()
        t = time.perf_counter()
        await pilot.press("down")            # step_event(1); "right": step_turn(1)
        await pilot.pause()                  # the screen has repainted
        elapsed = time.perf_counter() - t
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static

from engine import wording
from engine.diagnostics import ScriptError
from engine.events import DecisionRecorded, InjectDelivered, NoDecision
from engine.saved import ScriptChanged
from engine.state import State
from engine.store import SaveError
from ui.controller import OpenError, make_branch
from ui.tui.app import freeze_long_lived, ttx
from ui.tui.messages import OpenRequest, OpenSession
from ui.tui.review_model import ReviewModel
from ui.tui.screens.errors import ErrorScreen
from ui.tui.screens.report_form import ReportScreen
from ui.tui.screens.session import BREAKPOINTS, short_title
from ui.tui.widgets.describe import log_line
from ui.tui.widgets.explain import ExplainPane
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.inject_detail import InjectDetail
from ui.tui.widgets.metric_lines import MetricLines
from ui.tui.widgets.ratings import RatingsBoard
from ui.tui.widgets.recent import RecentList
from ui.tui.widgets.timeline import Timeline

EVENT = Binding.Group("Event", compact=True)
TURN = Binding.Group("Turn", compact=True)
MATCH = Binding.Group("Match", compact=True)


class ReviewScreen(Screen[None]):
    CSS_PATH = "review.tcss"
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    ABOUT = ("After-action review. The timeline holds every event of the save; step through "
             "it (↓↑ by event, →← by turn, home/end) and every panel shows the session as it "
             "was right after the highlighted event, which the Explain panel explains. f "
             "narrows the timeline to one team, / searches it, x writes the report.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "step_event(1)", "Next event", key_display="↓", group=EVENT,
                tooltip="Step to the next event"),
        Binding("up,k", "step_event(-1)", "Previous event", key_display="↑", group=EVENT,
                tooltip="Step back to the previous event"),
        Binding("right,t", "step_turn(1)", "Next turn", key_display="→", group=TURN,
                tooltip="Jump to the start of the next turn"),
        Binding("left,T", "step_turn(-1)", "Previous turn", key_display="←", group=TURN,
                tooltip="Jump to the start of this turn, or of the one before"),
        Binding("home,g", "start", "Start", key_display="home",
                tooltip="Jump to the first event"),
        Binding("end,G", "end", "End", key_display="end", tooltip="Jump to the last event"),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("f", "filter_team(1)", "Team", tooltip="Show one team's story (f again: the "
                "next team, then all)"),
        Binding("F", "filter_team(-1)", "Previous team", show=False,
                tooltip="Filter by the previous team"),
        Binding("slash", "search", "Search", key_display="/", tooltip="Search the log"),
        Binding("n", "next_match(1)", "Next match", group=MATCH, show=False,
                tooltip="Jump to the next search match"),
        Binding("N", "next_match(-1)", "Previous match", group=MATCH, show=False,
                tooltip="Jump to the previous search match"),
        Binding("i", "toggle_inject", "Inject", show=False,
                tooltip="Show the inject in full (or the explanation again)"),
        Binding("x", "export", "Report", tooltip="Write the after-action report (HTML or "
                "Markdown)"),
        Binding("b", "branch", "Branch", tooltip="What if? Play on from this event in a new "
                "session (same seed)"),
        Binding("escape", "back", "Back", show=False, tooltip="Leave the review"),
    ]

    def __init__(self, path: str, *, script: str | None = None, force: bool = False,
                 note: str | None = None) -> None:
        super().__init__()
        self.path, self.script, self.force = path, script, force
        self.note = note  # why this save is open here rather than resumed
        self.model: ReviewModel | None = None
        self.rows: Sequence[int] = ()  # the timeline's sequence numbers
        self.row = 0  # the cursor's row in `rows`
        self.seq = 0  # the event under review (0: none yet)
        self.state: State | None = None  # the session right after event `seq`
        self.team: str | None = None  # the team filter
        self.needle = ""  # what was searched for
        self.matches: Sequence[int] = ()
        self.inject_shown = False
        self._shown: dict[str, object] = {}  # panel -> what it shows now

    @property
    def loaded(self) -> bool:
        return self.model is not None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(f"Review · {Path(self.path).name}", id="status", markup=False)
        with Vertical(id="loading"):
            yield Static(f"Opening {Path(self.path).name} for review…", id="loading-title",
                         markup=False)
            yield ProgressBar(id="loading-bar", show_eta=False)
            yield Static("Reading the save", id="loading-step")
        with Container(id="body"):
            yield Timeline(id="timeline")
            yield ExplainPane(id="explain")
            yield InjectDetail(id="delivery")
            yield MetricLines(id="metrics-box")
            with VerticalScroll(id="ratings-box"):
                yield RatingsBoard(id="ratings")
            with VerticalScroll(id="decisions-box"):
                yield RecentList("No decision yet.", id="decisions")
            with VerticalScroll(id="notes-box"):
                yield RecentList("No note yet.", id="notes")
        with Horizontal(id="search-bar"):
            yield Static("Search:", id="search-label")
            yield Input(id="search", placeholder="words in the log; enter finds, esc cancels")
        yield TTXFooter()

    def on_mount(self) -> None:
        for selector, title in (("#timeline", "Timeline"), ("#explain", "Explain"),
                                ("#delivery", "Inject"), ("#metrics-box", "Metrics"),
                                ("#ratings-box", "Ratings"),
                                ("#decisions-box", "Decisions so far"),
                                ("#notes-box", "Notes so far")):
            self.query_one(selector).border_title = title
        # Start reading once the loading panel is on screen: the reader holds the GIL
        # for long stretches, and would otherwise delay the first paint.
        self.call_after_refresh(self.open_save, ttx(self).settings.exercise_dirs)

    # ------------------------------------------------------------ opening (worker)

    @work(thread=True, exclusive=True, group="review")
    def open_save(self, search: tuple[Path, ...]) -> None:
        try:
            model = ReviewModel.open(self.path, script=self.script, force=self.force,
                                     search=search, progress=self._progress_from_thread)
        except OpenError as exc:
            self.app.call_from_thread(self.failed, exc)
            return
        self.app.call_from_thread(self.opened, model)

    def _progress_from_thread(self, done: int, total: int) -> None:
        self.app.call_from_thread(self.progress, done, total)

    def progress(self, done: int, total: int) -> None:
        if not self.is_attached:  # left while the worker read
            return
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one("#loading-step", Static).update(f"Replaying {done:,} of {total:,} events")

    def failed(self, error: OpenError) -> None:
        if self.app.screen is not self:
            return
        self.app.switch_screen(ErrorScreen(error, "Nothing was written. `ttx verify SAVE` "
                                                  "checks a save line by line."))

    def opened(self, model: ReviewModel) -> None:
        if not self.is_attached:
            return
        self.model = model
        self.query_one("#loading").display = False
        self.query_one("#body").display = True
        if self.note:
            self.notify(self.note, title="Read-only", severity="warning", timeout=30)
        for warning in model.warnings:
            self.notify(warning, title="Save", severity="warning")
        self.rows = model.rows()
        self.query_one(Timeline).focus()
        if not self.rows:
            self.query_one("#status", Static).update(f"{model.exercise.title} · review · "
                                                     "this save holds no event yet")
        self.goto(1)
        self.refresh_bindings()
        self.set_timer(0.3, freeze_long_lived)

    def on_unmount(self) -> None:
        gc.unfreeze()  # the save under review can go once the screen has gone

    # ------------------------------------------------------------ moving

    def goto(self, seq: int) -> None:
        """Review the session right after event `seq` (if the timeline is filtered, the
        nearest shown event at or before it; failing that, the first shown)."""
        if self.model is None or not self.rows:
            return
        row = max(bisect.bisect_right(self.rows, seq) - 1, 0)
        self.goto_row(row)

    def goto_row(self, row: int) -> None:
        if self.model is None or not self.rows:
            return
        self.row = min(max(row, 0), len(self.rows) - 1)
        target = self.rows[self.row]
        if self.state is None:
            self.state = self.model.state_at(target)
        else:
            self.state = self.model.moved(self.state, self.seq, target)
        self.seq = target
        self.paint()

    def action_step_event(self, delta: int) -> None:
        self.goto_row(self.row + delta)

    def action_step_turn(self, delta: int) -> None:
        """Forward: the next turn's first event. Back: this turn's first event, or the
        previous turn's when already there."""
        if self.model is None or not self.rows:
            return
        if delta > 0:
            target = self.model.turn_start(self.seq, delta)
            if target <= self.seq:  # in the last turn: go to its end
                self.goto_row(len(self.rows) - 1)
                return
        else:
            start = self.model.turn_start(self.seq, 0)
            here = bisect.bisect_left(self.rows, start)  # this turn's first row shown
            target = start if here < self.row else self.model.turn_start(self.seq, delta)
        self.goto_row(min(bisect.bisect_left(self.rows, target), len(self.rows) - 1))

    def action_start(self) -> None:
        self.goto_row(0)

    def action_end(self) -> None:
        self.goto_row(len(self.rows) - 1)

    def action_page(self, delta: int) -> None:
        height = self.query_one(Timeline).scrollable_content_region.height
        self.goto_row(self.row + delta * max(height - 1, 1))

    def on_timeline_picked(self, message: Timeline.Picked) -> None:
        self.goto_row(message.row)

    # ------------------------------------------------------------ painting

    def paint(self) -> None:
        """Show the session right after event `seq`. Each panel is drawn again only
        when what it shows changed (most events move a metric or two and no rating)."""
        model, state = self.model, self.state
        if model is None or state is None:
            return
        ex, seq = model.exercise, self.seq
        timeline = self.query_one(Timeline)
        if timeline.rows is not self.rows:
            timeline.show(ex, model.records, self.rows, self.row, self.needle)
        else:
            timeline.move_to(self.row)
        self.query_one(ExplainPane).show(ex, model.explain(seq, state))
        self._show_delivery()
        self.query_one(MetricLines).show(ex, state, self.team)
        if self._changed("ratings", len(state.ratings)):
            self.query_one(RatingsBoard).show(ex, state)
        decisions = self.query_one("#decisions", RecentList)
        made = model.decisions_until(seq, self.team, decisions.capacity())
        if self._changed("decisions", (self.team, tuple(r.seq for r in made))):
            decisions.show([log_line(ex, r) for r in made])
        notes = self.query_one("#notes", RecentList)
        if self._changed("notes", (self.team, len(state.notes), notes.capacity())):
            notes.show(self._notes(state, notes.capacity()), wrap=True)
        status = self._status(state)
        if self._changed("status", status):
            self.query_one("#status", Static).update(status)

    def _changed(self, panel: str, key: object) -> bool:
        """Whether `panel` must be drawn again to show `key` (and remember it)."""
        if self._shown.get(panel, self) == key:
            return False
        self._shown[panel] = key
        return True

    def on_resize(self) -> None:
        self._shown.clear()  # panels fit a different number of lines
        self.call_after_refresh(self.paint)

    def _notes(self, state: State, count: int) -> list[Text]:
        out: list[Text] = []
        for turn, note in reversed(state.notes):
            if len(out) >= count:
                break
            if self.team is not None and note.team != self.team:
                continue
            line = Text(f"T{turn} ", style="dim")
            line.append("hot wash" if note.kind == "hotwash" else "note", style="bold")
            if note.team:
                line.append(f" ({note.team})", style="bold")
            line.append(f": {note.text}")
            out.append(line)
        return out

    def _show_delivery(self) -> None:
        """The inject pane, when it shows: the delivery the event is about, as it
        stood right after the event."""
        if self.model is None or self.state is None or not (
                self.has_class("-wide") or self.inject_shown):
            return
        state, event = self.state, self.model.record(self.seq).event
        number = event.delivery if isinstance(
            event, InjectDelivered | DecisionRecorded | NoDecision) else None
        if not self._changed("delivery", (number, self.seq)):
            return
        detail = self.query_one(InjectDetail)
        if number is not None and 1 <= number <= len(state.deliveries):
            detail.show_delivery(self.model.exercise, state.delivery(number))
        else:
            detail.clear()

    def _status(self, state: State) -> str:
        assert self.model is not None
        ex = self.model.exercise
        where = (f"{ex.turn_label(state.turn)} · turn {state.turn}/{ex.turns}" if state.turn
                 else "before play")
        parts = [f"{short_title(ex.title)} · review", where + (" · ended" if state.ended else ""),
                 f"event {self.seq:,} of {len(self.model.records):,}"]
        if self.team is not None:
            parts.append(f"team {wording.team_name(ex, self.team)} "
                         f"({len(self.rows):,} events)")
        if self.needle:
            where_match = bisect.bisect_left(self.matches, self.seq)
            here = (f"{where_match + 1} of " if where_match < len(self.matches)
                    and self.matches[where_match] == self.seq else "")
            parts.append(f"“{self.needle}”: {here}{len(self.matches):,} matches")
        return " · ".join(parts)

    # ------------------------------------------------------------ team filter

    def action_filter_team(self, delta: int) -> None:
        if self.model is None:
            return
        choices: list[str | None] = [None, *self.model.exercise.team_ids]
        self.team = choices[(choices.index(self.team) + delta) % len(choices)]
        self.rows = self.model.rows(self.team)
        self.matches = self.model.rows(self.team, self.needle) if self.needle else []
        self.goto(self.seq)  # the status line says whose story the timeline tells

    # ------------------------------------------------------------ search

    def action_search(self) -> None:
        if self.model is None:
            return
        box = self.query_one("#search", Input)
        self.query_one("#search-bar").display = True
        box.value = self.needle
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_search()
        self.find(event.value.strip())

    def _close_search(self) -> None:
        self.query_one("#search-bar").display = False
        self.query_one(Timeline).focus()

    def find(self, query: str) -> None:
        """Search the (filtered) log for `query`; an empty query clears the search."""
        if self.model is None:
            return
        if not query:
            self.needle, self.matches = "", []
            self.query_one(Timeline).show(self.model.exercise, self.model.records, self.rows,
                                          self.row)
            self.paint()
            return
        self.query_one("#status", Static).update(f"Searching for “{query}”…")
        self._shown.pop("status", None)
        self._search(query, self.team)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, team: str | None) -> None:
        assert self.model is not None
        matches = list(self.model.rows(team, query))
        self.app.call_from_thread(self._found, query, team, matches)

    def _found(self, query: str, team: str | None, matches: list[int]) -> None:
        if team != self.team or self.model is None:
            return  # the filter changed while searching
        if not matches:
            self.notify(f"No event matches “{query}”.", title="Search", severity="warning")
            self.paint()
            return
        self.needle, self.matches = query, matches
        self.query_one(Timeline).show(self.model.exercise, self.model.records, self.rows,
                                      self.row, query)
        after = bisect.bisect_left(matches, self.seq)
        self.goto(matches[after] if after < len(matches) else matches[0])

    def action_next_match(self, delta: int) -> None:
        if not self.matches:
            self.notify("Search first (/).", severity="warning", timeout=2)
            return
        # the first match after the event reviewed, or the last before it; wrapping round
        if delta > 0:
            i = bisect.bisect_right(self.matches, self.seq)
        else:
            i = bisect.bisect_left(self.matches, self.seq) - 1
        self.goto(self.matches[i % len(self.matches)])

    # ------------------------------------------------------------ the rest

    def action_toggle_inject(self) -> None:
        self.inject_shown = not self.inject_shown
        self.set_class(self.inject_shown, "-inject")
        self._show_delivery()

    def action_export(self) -> None:
        model = self.model
        if model is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.export(path)

        self.app.push_screen(ReportScreen(model.report_path("html")), chosen)

    @work(thread=True, exclusive=True, group="report")
    def export(self, path: Path) -> None:
        """Write the report in a worker (rendering a big session takes a while)."""
        assert self.model is not None
        try:
            written = self.model.write_report(path)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Cannot write {path}: {exc.strerror}",
                                      title="Report", severity="error")
            return
        self.app.call_from_thread(self.notify, f"Written to {written}", title="Report")

    def action_branch(self) -> None:
        self.branch(self.seq)

    @work(thread=True, exclusive=True, group="branch")
    def branch(self, at: int) -> None:
        """Write a what-if branch of the save from event `at`, then open it to play on."""
        settings = ttx(self).settings
        try:
            path, fork = make_branch(self.path, at, self.script, self.force,
                                     settings.saves_dir, settings.fsync)
        except (OSError, SaveError, ScriptError, ScriptChanged) as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Branch", severity="error")
            return
        self.app.call_from_thread(self.notify, f"Branch from event {fork}: {path}",
                                  title="Branch")
        self.app.call_from_thread(self.app.post_message,
                                  OpenSession(OpenRequest("resume", save=str(path))))

    def action_back(self) -> None:
        if self.query_one("#search-bar").display:
            self._close_search()
            return
        if ttx(self).has_launcher:
            self.app.pop_screen()
        else:
            self.app.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back",):
            return True
        if action == "next_match":
            return bool(self.matches) or None
        return self.loaded or None
