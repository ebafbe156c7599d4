"""Opening a session: the save is read and refolded in a worker thread while a progress
bar moves; then the console or the solo screen replaces this one, or the errors do."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from ui.controller import OpenError, SessionController
from ui.tui.app import ttx
from ui.tui.messages import OpenRequest
from ui.tui.widgets.footer import TTXFooter


class LoadingScreen(Screen[None]):
    CSS_PATH = "loading.tcss"

    def __init__(self, request: OpenRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        what = self.request.save or self.request.script or ""
        verb = "Resuming" if self.request.kind == "resume" else "Starting"
        with Middle(), Center():
            yield Static(f"{verb} {Path(what).name}…", id="loading-title", markup=False)
            yield ProgressBar(id="loading-bar", show_eta=False)
            yield Static("Reading the save", id="loading-step")
        yield TTXFooter()

    def on_mount(self) -> None:
        self.ttx = ttx(self)  # read here: the worker thread has no active app
        self.open_session()

    @work(thread=True, exclusive=True, group="open")
    def open_session(self) -> None:
        req, app = self.request, self.ttx
        try:
            if req.kind == "resume":
                assert req.save is not None
                controller = SessionController.resume(
                    req.save, script=req.script, force=req.force,
                    search=app.settings.exercise_dirs, progress=self._progress_from_thread,
                    fsync=app.settings.fsync)
            else:
                assert req.script is not None
                controller = SessionController.start(
                    req.script, mode="play" if req.kind == "play" else "facilitate",
                    seed=req.seed, team=req.team, bots=req.bots,
                    saves_dir=app.settings.saves_dir, fsync=app.settings.fsync)
        except OpenError as exc:
            if exc.open_read_only and exc.read_only:
                app.call_from_thread(self.open_read_only, exc.read_only, exc.details[0])
            else:
                app.call_from_thread(app.open_failed, exc)
            return
        app.call_from_thread(app.opened, controller)

    def open_read_only(self, path: str, note: str) -> None:
        from ui.tui.screens.review import ReviewScreen

        self.app.switch_screen(ReviewScreen(path, script=self.request.script,
                                            force=self.request.force, note=note))

    def _progress_from_thread(self, done: int, total: int) -> None:
        self.app.call_from_thread(self.progress, done, total)

    def progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one("#loading-step", Static).update(f"Replaying {done:,} of {total:,} events")
