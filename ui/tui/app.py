"""The Textual app: which screen opens first, where sessions open, theme and help.

Screens do the work; this file only routes between them and owns the open session
(so that it is closed, and its save file released, whatever way the app ends).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from engine.controls import escape_controls
from ui.controller import OpenError, SessionController, SessionPort
from ui.paths import BUNDLED
from ui.tui import preferences
from ui.tui.commands import TTXCommands
from ui.tui.messages import OpenRequest, OpenSession

LIGHT, DARK = "textual-light", "textual-dark"
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Settings:
    exercise_dirs: tuple[Path, ...] = (BUNDLED,)
    saves_dir: Path = Path("saves")
    fsync: bool = True
    theme: str = DARK
    confirm_turn: bool = True  # ask before ending a turn even with nothing pending
    preferences: Path | None = None  # where theme and confirm_turn persist (None: nowhere)
    preferences_problem: str | None = None  # why the file there could not be used


@dataclass
class Launch:
    """What `ttx` was asked to open: a session request, or (None) the launcher."""

    request: OpenRequest | None = None
    settings: Settings = field(default_factory=Settings)


class TTXApp(App[None]):
    TITLE = "Coalition TTX"
    # Absolute, so an app built on this one elsewhere (a seat's) finds the same styles.
    CSS_PATH = [HERE / "app.tcss", HERE / "widgets" / "widgets.tcss"]  # noqa: RUF012
    COMMANDS = App.COMMANDS | {TTXCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Light/dark theme", show=False),
        Binding("q", "request_quit", "Quit", tooltip="Quit Coalition TTX (asks first)"),
        Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True,
                tooltip="Quit Coalition TTX (asks first)"),
        Binding("ctrl+l", "messages", "Messages", show=False,
                tooltip="Every message shown so far, after its toast has gone"),
    ]

    def __init__(self, launch: Launch | None = None) -> None:
        super().__init__()
        self.launch = launch or Launch()
        self.settings = self.launch.settings
        self.controller: SessionPort | None = None
        self.theme = self.settings.theme
        self.messages: list[str] = []  # every notification of this run, kept for ctrl+l

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications here carry names, titles and error messages: data, so never
        markup (whatever a caller asks) and never a control character."""
        message, title = escape_controls(message), escape_controls(title)
        stamp = datetime.now().strftime("%H:%M:%S")
        self.messages.append(f"{stamp} {title + ': ' if title else ''}{message}")
        del self.messages[:-500]
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_messages(self) -> None:
        from ui.tui.screens.notice import NoticeScreen

        if not isinstance(self.screen, NoticeScreen):
            self.push_screen(NoticeScreen("Messages", self.messages[::-1] or
                                          ["No messages yet."]))

    def on_mount(self) -> None:
        if self.settings.preferences_problem:
            self.notify(self.settings.preferences_problem, severity="warning")
        self.open_first()

    def open_first(self) -> None:
        """The first screen: the launcher, or the session `ttx` was asked to open."""
        if self.launch.request is None:
            from ui.tui.screens.launcher import LauncherScreen

            self.push_screen(LauncherScreen())
        else:
            self.open(self.launch.request)

    # ------------------------------------------------------------ sessions

    def open(self, request: OpenRequest) -> None:
        if request.kind == "review":
            assert request.save is not None
            self.action_review(request.save, request.script, request.force)
            return
        from ui.tui.screens.loading import LoadingScreen

        self.push_screen(LoadingScreen(request))

    def on_open_session(self, message: OpenSession) -> None:
        self.open(message.request)

    def opened(self, controller: SessionController) -> None:
        """The loading screen's worker succeeded: show the session in its place."""
        self.close_session()
        self.controller = controller
        if controller.mode == "play":
            from ui.tui.screens.solo import SoloScreen

            self.switch_screen(SoloScreen(controller))
        else:
            from ui.tui.screens.console import ConsoleScreen

            self.switch_screen(ConsoleScreen(controller))
        self.set_timer(0.3, freeze_long_lived)

    def open_failed(self, error: OpenError) -> None:
        from ui.tui.screens.errors import ErrorScreen

        self.switch_screen(ErrorScreen(error))

    def close_session(self) -> None:
        if self.controller is not None:
            self.controller.close()
            self.controller = None

    @property
    def has_launcher(self) -> bool:
        from ui.tui.screens.launcher import LauncherScreen

        return any(isinstance(s, LauncherScreen) for s in self.screen_stack)

    def back_to_launcher(self) -> None:
        """Close the session and return to the launcher (or quit if there is none)."""
        from ui.tui.screens.launcher import LauncherScreen

        self.close_session()
        if not self.has_launcher:
            self.exit()
            return
        while not isinstance(self.screen, LauncherScreen):
            self.pop_screen()

    def leave_session(self) -> None:
        """Close the session (it stays resumable from the launcher) and show the
        launcher, opening one if `ttx` started straight into the session."""
        from ui.tui.screens.launcher import LauncherScreen

        self.close_session()
        if not self.has_launcher:
            self.switch_screen(LauncherScreen())
            return
        while not isinstance(self.screen, LauncherScreen):
            self.pop_screen()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette entries (theme, keys, maximise, screenshot), with Quit
        asking first like `q` does."""
        for command in super().get_system_commands(screen):
            if command.title == "Quit":
                yield SystemCommand("Quit", "Quit Coalition TTX (asks first)",
                                    self.action_request_quit)
            else:
                yield command

    def action_request_quit(self) -> None:
        """Quit, after a yes: one stray key must not close the app in a session."""
        from ui.tui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen("Quit Coalition TTX?", [
            "Every session is saved as it goes; resume it from the launcher."], yes="Quit"),
            answered)

    def on_unmount(self) -> None:
        self.close_session()

    # ------------------------------------------------------------ app-wide actions

    def action_help(self) -> None:
        from ui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        about = getattr(self.screen, "ABOUT", "")
        self.push_screen(HelpScreen(self.screen, type(self.screen).__name__
                                    .removesuffix("Screen"), about))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK
        self.update_settings(theme=self.theme)

    def update_settings(self, **changes: Any) -> None:
        """Change settings for this run, and keep them for the next if they persist."""
        self.settings = replace(self.settings, **changes)
        if self.settings.preferences is None:
            return
        problem = preferences.save(self.settings.preferences, preferences.Preferences(
            theme=self.settings.theme, confirm_turn=self.settings.confirm_turn))
        if problem:
            self.notify(problem, severity="warning")

    def action_review(self, path: str, script: str | None = None, force: bool = False) -> None:
        """Open a save in the after-action review (it reads the save itself, with a
        progress bar, and writes nothing to it)."""
        from ui.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(path, script=script, force=force))


def freeze_long_lived() -> None:
    """Move what lives now out of the garbage collector's sight: a long session, or a
    save under review, and its screen once painted are tens of thousands of objects
    that live as long as their screen, and the collector's full passes over them
    (100 ms on a 2,000-event session) stall keypresses. Called once the screen has
    painted, so its widgets are frozen too."""
    gc.collect()
    gc.freeze()


def ttx(node: DOMNode) -> TTXApp:
    """The running TTXApp, typed (screens call its routing methods)."""
    app = node.app
    assert isinstance(app, TTXApp)
    return app
