"""The launcher (`ttx` alone): the exercises one can run and the saves one can resume.

Scripts and saves are read by a worker thread (a save is read whole, so a damaged one
is found here, before anyone tries to open it). Nothing offered here writes to an
existing save: a damaged one can only be looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from engine.wording import prose
from ui import controller as catalog
from ui.controller import ExerciseInfo, OpenError, SaveInfo, shown_path
from ui.tui.app import ttx
from ui.tui.messages import OpenRequest, OpenSession
from ui.tui.screens.errors import ErrorScreen
from ui.tui.screens.setup import SetupForm, SetupScreen
from ui.tui.widgets.footer import TTXFooter
from ui.tui.widgets.plain import plain_text
from ui.tui.widgets.themed import ThemedStatic


class About(ThemedStatic):
    """The highlighted exercise or save, in full."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item: ExerciseInfo | SaveInfo | None = None

    def build(self) -> RenderableType:
        item = self.item
        accent, bad = self.tone("text-accent"), self.tone("text-error")
        if isinstance(item, ExerciseInfo):
            if not item.ok:
                return Group(Text(shown_path(item.path), style=f"bold {bad}"),
                             Text(f"{item.problem_count} problem(s); it cannot start:\n",
                                  style=bad),
                             Text("\n".join(item.problems)))
            teams = "\n".join(f"  • {t.name} ({t.id})" + (f" — {t.role}" if t.role else "")
                              + ("" if t.playable else "  [bot only]") for t in item.teams)
            return Group(Text(item.title, style=f"bold {accent}"), Text(""),
                         Text(prose(item.summary) or "(no summary)"), Text(""),
                         Text(f"{item.turns} turns · {item.injects} injects · "
                              f"{item.objectives} objectives", style="bold"),
                         Text("Teams:", style="bold"), Text(teams), Text(""),
                         Text(shown_path(item.path), style="dim"),
                         Text("\nf facilitate · p play solo", style="dim"))
        if isinstance(item, SaveInfo):
            if item.problem:
                return Group(Text("Damaged save", style=f"bold {bad}"), Text(""),
                             Text(item.problem), Text(""),
                             Text("It cannot be resumed, and nothing here will write to it. "
                                  "`ttx verify` tells more.", style="dim"))
            status = "finished" if item.finished else f"in progress (turn {item.turn})"
            lines = [Text(item.exercise, style=f"bold {accent}"),
                     Text(f"{item.mode} session · started {item.date} · {status}"),
                     Text(f"{item.events} events", style="dim")]
            if item.outcome:
                lines.append(Text(f"Outcome: {item.outcome}"))
            if item.torn:
                lines.append(Text("Its last line was cut short by a crash; resuming drops "
                                  "that unacknowledged line.", style="italic"))
            lines.append(Text("Teams: " + ", ".join(f"{t} ({who})" for t, who in item.teams)))
            lines += [Text(""), Text(shown_path(item.path), style="dim"),
                      Text("\nr resume · v review" if item.resumable else "\nv review",
                           style="dim")]
            return Group(*lines)
        return Text("Loading…", style="dim")


class LauncherScreen(Screen[None]):
    CSS_PATH = "launcher.tcss"
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it so)
        (0, "-narrow"), (110, "-normal")]
    ABOUT = ("The launcher. Pick an exercise to facilitate or play solo, or a save to "
             "resume; tab moves between the two lists.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "facilitate", "Facilitate", tooltip="Run the exercise as facilitator"),
        Binding("p", "play", "Play solo", tooltip="Play one team against bots"),
        Binding("r", "resume", "Resume", tooltip="Reopen an unfinished session"),
        Binding("v", "review", "Review", tooltip="Review a save"),
        Binding("enter", "open", "Open", show=False),
        Binding("ctrl+r", "reload", "Reload", tooltip="Read the exercises and saves again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exercises: dict[str, ExerciseInfo] = {}
        self.saves: dict[str, SaveInfo] = {}
        self.current: ExerciseInfo | SaveInfo | None = None

    def compose(self) -> ComposeResult:
        yield Static("Coalition TTX · tabletop exercises for alliance training", id="banner")
        with Container(id="body"):
            with Container(id="lists"):
                yield DataTable(id="exercises", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="about-box"):
                yield About(id="about")
        yield TTXFooter()

    def on_mount(self) -> None:
        ex = self.query_one("#exercises", DataTable)
        ex.add_columns("Turns", "Teams", "Exercise")
        sv = self.query_one("#saves", DataTable)
        sv.add_columns("Started", "Turn", "Status", "Exercise")
        ex.border_title = "Exercises"
        sv.border_title = f"Saves in {ttx(self).settings.saves_dir}/"
        self.query_one("#about-box").border_title = "Details"
        ex.focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    # ------------------------------------------------------------ reading (worker)

    def action_reload(self) -> None:
        settings = ttx(self).settings
        self.load(settings.exercise_dirs, settings.saves_dir)

    @work(thread=True, exclusive=True, group="catalog")
    def load(self, dirs: tuple[Path, ...], saves_dir: Path) -> None:
        exercises = catalog.list_exercises(dirs)
        saves = catalog.list_saves(saves_dir)
        self.app.call_from_thread(self.fill, exercises, saves)

    def fill(self, exercises: list[ExerciseInfo], saves: list[SaveInfo]) -> None:
        if not self.is_attached:  # the launcher was closed while the worker read
            return
        self.exercises = {e.path: e for e in exercises}
        self.saves = {s.path: s for s in saves}
        table = self.query_one("#exercises", DataTable)
        keep = self._cursor_key(table)
        table.clear()
        for e in exercises:
            if e.ok:
                table.add_row(str(e.turns), str(len(e.teams)), plain_text(e.title), key=e.path)
            else:
                table.add_row("–", "–", Text(f"⚠ {e.title}: {e.problem_count} problem(s)",
                                             style="bold red"), key=e.path)
        self._restore(table, keep)
        table = self.query_one("#saves", DataTable)
        keep = self._cursor_key(table)
        table.clear()
        for s in saves:
            if s.problem:
                table.add_row("–", "–", Text("damaged", style="bold red"),
                              Text(Path(s.path).name, style="red"), key=s.path)
            else:
                status = "finished" if s.finished else "in progress"
                table.add_row(plain_text(s.date), str(s.turn),
                              Text(status, style="dim" if s.finished else "bold"),
                              plain_text(s.exercise), key=s.path)
        if not saves:
            self.query_one("#saves", DataTable).border_subtitle = "none yet"
        self._restore(table, keep)
        focused = self.focused if isinstance(self.focused, DataTable) else None
        self._show_row(focused or self.query_one("#exercises", DataTable))

    def _cursor_key(self, table: DataTable[object]) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _restore(self, table: DataTable[object], key: str | None) -> None:
        if key is not None and key in table.rows:
            table.move_cursor(row=table.get_row_index(key))

    # ------------------------------------------------------------ selection

    def _show_row(self, table: DataTable[object]) -> None:
        key = self._cursor_key(table)
        item: ExerciseInfo | SaveInfo | None = None
        if key is not None:
            item = self.exercises.get(key) if table.id == "exercises" else self.saves.get(key)
        self.current = item
        about = self.query_one(About)
        about.item = item
        about.rerender()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is self.focused:
            self._show_row(event.data_table)

    def on_descendant_focus(self) -> None:
        if isinstance(self.focused, DataTable):
            self._show_row(self.focused)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("facilitate", "play"):
            return isinstance(self.current, ExerciseInfo) or None
        if action == "resume":
            return (isinstance(self.current, SaveInfo) and self.current.resumable) or None
        if action == "review":
            return (isinstance(self.current, SaveInfo) and self.current.problem is None) or None
        return True

    # ------------------------------------------------------------ actions

    def action_open(self) -> None:
        if isinstance(self.current, ExerciseInfo):
            self.action_facilitate()
        elif isinstance(self.current, SaveInfo):
            if self.current.resumable or self.current.problem:
                self.action_resume()
            else:
                self.action_review()

    def _startable(self) -> ExerciseInfo | None:
        item = self.current
        if not isinstance(item, ExerciseInfo):
            self.notify("Select an exercise first.", severity="warning")
            return None
        if not item.ok:
            self.app.push_screen(ErrorScreen(
                OpenError(f"{shown_path(item.path)} has problems; fix them and try again",
                          item.problems, item.problem_count),
                "Fix the script (ttx validate shows the same list), then ctrl+r to reload."))
            return None
        return item

    def action_facilitate(self) -> None:
        item = self._startable()
        if item is None:
            return

        def chosen(form: SetupForm | None) -> None:
            if form is not None:
                self.post_message(OpenSession(OpenRequest(
                    "facilitate", script=item.path, seed=form.seed, bots=form.bots)))

        self.app.push_screen(SetupScreen(item, solo=False), chosen)

    def action_play(self) -> None:
        item = self._startable()
        if item is None:
            return
        if not any(t.playable for t in item.teams):
            self.notify("No team of this exercise may be played solo.", severity="warning")
            return

        def chosen(form: SetupForm | None) -> None:
            if form is not None:
                self.post_message(OpenSession(OpenRequest(
                    "play", script=item.path, seed=form.seed, team=form.team)))

        self.app.push_screen(SetupScreen(item, solo=True), chosen)

    def action_resume(self) -> None:
        item = self.current
        if not isinstance(item, SaveInfo):
            self.notify("Select a save first.", severity="warning")
            return
        if item.problem:
            self.app.push_screen(ErrorScreen(
                OpenError("This save is damaged and cannot be resumed", [item.problem]),
                "The file is left exactly as it is. `ttx verify` checks it line by line."))
            return
        if item.finished:
            self.notify("This session has ended: review it instead (v).", severity="warning")
            return
        self.post_message(OpenSession(OpenRequest("resume", save=item.path)))

    def action_review(self) -> None:
        item = self.current
        if not isinstance(item, SaveInfo) or item.problem:
            self.notify("Select a readable save first.", severity="warning")
            return
        ttx(self).action_review(item.path)
