"""The facilitator console: the turn, its events list, the selected inject in full,
metrics with their history, the ratings board and the log, on one screen; every
facilitator action one key away (and in the command palette)."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from engine import wording
from engine.events import DecisionRecorded, ExerciseEnded, InjectDelivered, Withdrawn
from engine.session import Record
from engine.state import Delivery
from ui.controller import SessionPort, shown_path
from ui.tui.app import ttx
from ui.tui.commands import PaletteCommand
from ui.tui.messages import SessionUpdated
from ui.tui.screens.adhoc import AdhocForm, AdhocScreen
from ui.tui.screens.confirm import ConfirmScreen
from ui.tui.screens.correction import CorrectionForm, CorrectionScreen
from ui.tui.screens.decision import DecisionForm, DecisionScreen
from ui.tui.screens.deliver import DeliverScreen, InjectRow
from ui.tui.screens.end_exercise import EndExerciseScreen
from ui.tui.screens.note import NoteForm, NoteScreen
from ui.tui.screens.notice import NoticeScreen
from ui.tui.screens.rating import RatingForm, RatingScreen
from ui.tui.screens.session import SessionScreen
from ui.tui.screens.timer import TimerForm, TimerScreen
from ui.tui.widgets.eventlog import EventLog
from ui.tui.widgets.events_list import EventsList, delivery_id, inject_id
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.inject_detail import InjectDetail
from ui.tui.widgets.metrics import MetricsTable
from ui.tui.widgets.plain import plain
from ui.tui.widgets.ratings import RatingsBoard


class ConsoleScreen(SessionScreen):
    CSS_PATH = "console.tcss"
    ABOUT = ("The facilitator console. Select an inject in the events list (↑↓); the keys "
             "act on it. Everything you do is written to the save before it shows here.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "deliver", "Deliver", tooltip="Deliver a scripted inject now"),
        Binding("a", "adhoc", "Ad-hoc", tooltip="Write an ad-hoc inject"),
        Binding("c", "decide", "Decide", tooltip="Record a team's decision"),
        Binding("r", "rate", "Rate", tooltip="Rate a team on an objective"),
        Binding("n", "note", "Note", tooltip="Add a hot-wash or evaluator note"),
        Binding("t", "advance", "Next turn", tooltip="End this turn and start the next"),
        Binding("e", "end", "End", tooltip="End the exercise"),
        Binding("s", "scores", "Scores", tooltip="Show the score card", show=False),
        Binding("m", "module", "Module", tooltip="This turn's situation, questions and timing"),
        Binding("w", "correct", "Fix", tooltip="Withdraw this turn's decision, rating or "
                "note"),
        Binding("k", "timer", "Timer", tooltip="Set the turn's timer every seat counts "
                "down (hosted sessions)"),
    ]
    WHILE_RUNNING = frozenset({"deliver", "adhoc", "decide", "advance", "end", "timer"})

    def __init__(self, controller: SessionPort) -> None:
        super().__init__(controller)
        self.selected: tuple[str, int | str] | None = None  # ("d", number) | ("i", id)

    def compose(self) -> ComposeResult:
        yield Static(id="status", markup=False)
        with Container(id="body"):
            yield EventsList(id="events", on_select=self.select_row)
            yield InjectDetail(id="detail")
            with Container(id="side"):
                with VerticalScroll(id="metrics-box"):
                    yield MetricsTable(id="metrics")
                with VerticalScroll(id="ratings-box"):
                    yield RatingsBoard(id="ratings")
            yield EventLog(id="log")
        yield TTXFooter()

    def on_mount(self) -> None:
        for selector, title in (("#events", "This turn"), ("#detail", "Inject"),
                                ("#metrics-box", "Metrics"), ("#ratings-box", "Ratings"),
                                ("#log", "Log")):
            self.query_one(selector).border_title = title
        self.query_one(EventLog).show(self.controller.exercise, self.controller.records)
        self.refresh_session()
        self.query_one(EventsList).focus()
        self.set_interval(30, self.show_status)  # the turn's minutes keep counting

    def show_status(self) -> None:
        c = self.controller
        seats = c.seat_status()
        self.query_one("#status", Static).update(plain(
            f"{self.status_text()} · {self.pending_text()} · {len(c.records)} events · "
            f"{shown_path(c.path)}" + (f" · {seats}" if seats else "")))

    def pending_text(self) -> str:
        """Decisions still open, counted as the end-turn dialog counts them: people's,
        then the bots' (which bots make when the turn ends)."""
        c = self.controller
        pending = c.pending()
        bots = sum(1 for t, _ in pending if c.is_bot(t))
        people = len(pending) - bots
        return f"{people} to decide" + (f" (+{bots} by bots)" if bots else "")

    # ------------------------------------------------------------ painting

    def refresh_session(self) -> None:
        c = self.controller
        ex, state = c.exercise, c.state
        pending = c.pending()
        self.show_status()
        open_by = {d.number: [t for t, x in pending if x.number == d.number]
                   for _, d in pending}
        self.query_one(EventsList).show(ex, state, c.turn_plan(),
                                        lambda d: open_by.get(d.number, []), self.row_id())
        self.query_one(MetricsTable).show(ex, state)
        self.query_one(RatingsBoard).show(ex, state)
        self.show_selected()
        self.refresh_bindings()

    def show_selected(self) -> None:
        c, detail = self.controller, self.query_one(InjectDetail)
        if self.selected is None:
            detail.clear()
        elif self.selected[0] == "d":
            d = c.state.delivery(int(self.selected[1]))
            detail.show_delivery(c.exercise, d, c.deciders(d),
                                 [t for t in d.to if c.is_bot(t)])
        else:
            inject = c.exercise.inject(str(self.selected[1]))
            if inject is not None:
                detail.show_inject(c.exercise, c.state, inject)

    def on_session_updated(self, message: SessionUpdated) -> None:
        log, c = self.query_one(EventLog), self.controller
        if any(isinstance(r.event, Withdrawn) for r in message.records):
            log.show(c.exercise, c.records)  # redrawn, so the withdrawn line is marked
        else:
            log.append(c.exercise, message.records)
        self.refresh_session()

    def select_row(self, row: str) -> None:
        """The events list's highlight moved (called in the same frame)."""
        selected = ("d", int(row[1:])) if row.startswith("d") else ("i", row[2:])
        if selected != self.selected:
            self.selected = selected
            self.show_selected()

    # ------------------------------------------------------------ what is selected

    def row_id(self) -> str | None:
        if self.selected is None:
            return None
        kind, key = self.selected
        return delivery_id(int(key)) if kind == "d" else inject_id(str(key))

    def selected_delivery(self) -> Delivery | None:
        if self.selected and self.selected[0] == "d":
            return self.controller.state.delivery(int(self.selected[1]))
        return None

    def selected_inject_id(self) -> str | None:
        if self.selected and self.selected[0] == "i":
            return str(self.selected[1])
        d = self.selected_delivery()
        return d.inject if d is not None and d.adhoc is None else None

    def teams(self) -> list[tuple[str, str]]:
        return [(t.id, t.name) for t in self.controller.exercise.teams]

    # ------------------------------------------------------------ actions

    def action_deliver(self, inject: str | None = None) -> None:
        c = self.controller
        if inject is not None:
            self._delivered(self.attempt(partial(c.deliver, inject)))
            return
        rows = [InjectRow(i.id, i.title, f"turn {i.turn}" if i.turn is not None else
                          "follow-up" if i.follow_up else "triggered",
                          c.state.delivered.get(i.id, 0)) for i in c.exercise.injects]
        self.app.push_screen(DeliverScreen(rows, self.selected_inject_id(), self.submitter(
            lambda iid: self._delivered(c.deliver(iid)))))

    def _delivered(self, records: list[Record] | None) -> None:
        """Select what was just delivered (the list repaints when the records arrive)."""
        for record in records or []:
            if isinstance(record.event, InjectDelivered):
                self.selected = ("d", record.event.delivery)

    def action_adhoc(self) -> None:
        c = self.controller

        def send(form: AdhocForm) -> None:
            self._delivered(c.adhoc(form.title, form.text, form.channel, form.sender,
                                    form.to, form.effects))

        self.app.push_screen(AdhocScreen(self.teams(), [m.id for m in c.exercise.metrics],
                                         self.submitter(send)))

    def action_decide(self) -> None:
        c = self.controller
        d = self.selected_delivery()
        if d is None or not c.deciders(d):
            pending = c.pending()
            open_now = [x for _, x in pending] or [
                x for x in c.state.this_turn() if c.deciders(x)]
            if not open_now:
                self.notify("No delivery this turn awaits a decision.", severity="warning")
                return
            d = open_now[0]
            self.query_one(EventsList).select_delivery(d.number)
            self.selected = ("d", d.number)
            self.show_selected()
        ex = c.exercise
        inject = ex.inject(d.inject)
        options = [(o.id, o.label) for o in inject.options] if inject else []
        teams = [(t, wording.team_name(ex, t)) for t in c.deciders(d)]
        undecided = [t for t, x in c.pending() if x.number == d.number]

        def record(form: DecisionForm) -> None:
            records = c.decide(form.team, d.number, form.option, form.response)
            for r in records:
                if isinstance(r.event, DecisionRecorded):
                    rolled = wording.outcome_text(ex, r.event)
                    self.notify(f"{wording.decision(ex, r.event)}"
                                + (f"\n{rolled}" if rolled else ""),
                                title=f"{wording.team_name(ex, r.event.team)}")

        self.app.push_screen(DecisionScreen(
            f"#{d.number} {wording.title(ex, d)}", teams, options,
            undecided[0] if undecided else None, self.submitter(record)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.controller.may(action):  # a seat's role: its keys are not shown
            return False
        if action == "module":  # shown only for a script that has modules
            return bool(self.controller.exercise.modules)
        if action == "correct":
            return None if self.controller.read_only is not None else True
        return super().check_action(action, parameters)

    def action_timer(self) -> None:
        c = self.controller
        module = c.exercise.module(c.state.turn)

        def set_timer(form: TimerForm) -> None:
            c.set_timer(form.minutes, form.auto_advance)
            self.show_status()

        self.app.push_screen(TimerScreen(module.minutes if module else None, False,
                                         self.submitter(set_timer)))

    def action_module(self) -> None:
        """The module of this turn, to read out: its situation and discussion questions."""
        c = self.controller
        module = c.exercise.module(c.state.turn)
        if module is None:
            self.notify("This turn has no module (situation update) in the script.")
            return
        spent, planned = c.turn_minutes()
        lines = [wording.prose(module.situation) or "(no situation text)", ""]
        lines += [f"• {q}" for q in module.questions] or ["(no discussion questions)"]
        lines += ["", f"Time: {spent} min spent of {planned or '?'} planned."]
        self.app.push_screen(NoticeScreen(
            f"{c.exercise.turn_label(c.state.turn)}: {module.title}", lines))

    def action_correct(self) -> None:
        c = self.controller
        items = c.correctable()
        if not items:
            self.notify("Nothing to correct: no decision, rating or note this turn yet.")
            return

        def withdraw(form: CorrectionForm) -> None:
            c.withdraw(form.event, form.reason)
            self.notify(f"Withdrawn: event {form.event}. Record the right one if needed.")

        self.app.push_screen(CorrectionScreen(items, self.submitter(withdraw)))

    def action_rate(self) -> None:
        c = self.controller
        ex = c.exercise
        if not ex.objectives:
            self.notify("This exercise has no objectives to rate.", severity="warning")
            return
        d = self.selected_delivery()
        inject = ex.inject(self.selected_inject_id() or "")
        team = d.to[0] if d is not None else None
        objective = inject.objectives[0] if inject and inject.objectives else None

        def rate(form: RatingForm) -> None:
            c.rate(form.team, form.objective, form.rating, form.note, form.observed)

        tasks = {o.id: [(t.id, t.text) for t in o.critical_tasks] for o in ex.objectives}
        self.app.push_screen(RatingScreen(
            self.teams(), [(o.id, o.title) for o in ex.objectives], c.scale(), team,
            objective, self.submitter(rate), tasks))

    def action_note(self) -> None:
        c = self.controller

        def note(form: NoteForm) -> None:
            c.note(form.text, form.kind, form.team, form.objective)

        kind = "hotwash" if c.state.ended or c.state.turn >= c.exercise.turns else "note"
        self.app.push_screen(NoteScreen(self.teams(), kind, self.submitter(note),
                                        [(o.id, o.title) for o in c.exercise.objectives]))

    def action_advance(self) -> None:
        c = self.controller
        pending = c.pending()
        if not pending:
            if not ttx(self).settings.confirm_turn:
                self._advance()
                return

            def sure(yes: bool | None) -> None:
                if yes:
                    self._advance()

            last = c.state.turn >= c.exercise.turns
            self.app.push_screen(ConfirmScreen(
                f"End turn {c.state.turn}" + (" (the last)?" if last else
                                              f" and start turn {c.state.turn + 1}?"),
                ["Nothing is pending. (The palette turns this question off: "
                 "'Ask before ending a turn'.)"], yes="End turn"), sure)
            return
        people = [(t, d) for t, d in pending if not c.is_bot(t)]
        lines = [f"#{d.number} {wording.title(c.exercise, d)}: {t}"
                 + (" (bot decides)" if c.is_bot(t) else " → no decision")
                 for t, d in pending]
        question = (f"{len(people)} decision(s) are still pending. End turn "
                    f"{c.state.turn} anyway?" if people else
                    f"Bots decide {len(pending)} pending decision(s). End turn {c.state.turn}?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._advance()

        self.app.push_screen(ConfirmScreen(question, lines, yes="End turn"), answered)

    def _advance(self) -> None:
        c = self.controller
        records = self.attempt(c.advance)
        if records is None:
            return
        ended = next((r.event for r in records if isinstance(r.event, ExerciseEnded)), None)
        if ended is not None:
            self.notify(wording.ended_reason(ended) + (f": {ended.outcome}"
                                                        if ended.outcome else ""),
                        title="Exercise ended")
            self.action_scores()
            return
        new = [r.event for r in records if isinstance(r.event, InjectDelivered)]
        self.selected = ("d", new[0].delivery) if new else None
        self.notify(f"{len(new)} inject(s) delivered.",
                    title=c.exercise.turn_label(c.state.turn) + f" · turn {c.state.turn}")

    def action_end(self) -> None:
        c = self.controller

        def end(outcome: str) -> None:
            c.end(outcome)

        def done(outcome: str | None) -> None:
            if outcome is not None:
                self.action_scores()

        self.app.push_screen(EndExerciseScreen(len(c.pending()), self.submitter(end)), done)

    def action_scores(self) -> None:
        from ui.tui.screens.end import EndScreen

        self.app.push_screen(EndScreen(self.controller))

    # ------------------------------------------------------------ palette

    def palette_commands(self) -> list[PaletteCommand]:
        """Deliver any scripted inject by name, straight from the palette."""
        asks = ttx(self).settings.confirm_turn
        toggle: PaletteCommand = (
            f"Ask before ending a turn: {'on (turn off)' if asks else 'off (turn on)'}",
            "whether t asks when nothing is pending", self.toggle_confirm_turn)
        if self.controller.state.ended or not self.controller.may("deliver"):
            return [toggle]
        return [toggle, *[(f"Deliver: {i.title}", f"deliver inject {i.id} now",
                           partial(self.action_deliver, i.id))
                          for i in self.controller.exercise.injects]]

    def toggle_confirm_turn(self) -> None:
        app = ttx(self)
        asks = not app.settings.confirm_turn
        app.update_settings(confirm_turn=asks)
        self.notify("t will ask before ending a turn." if asks else
                    "t ends a turn at once when nothing is pending.")
