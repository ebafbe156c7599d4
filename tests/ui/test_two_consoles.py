"""Two consoles on one save: the first writes, the second is refused with the holder
named and may follow the session read-only; the save verifies afterwards.

The first console is a real `ttx facilitate` in its own process and pseudo-terminal;
the second is this test's app, resuming the same save.
"""

from __future__ import annotations

from pathlib import Path

from engine.events import NoteAdded
from tests.ui.support import app_for, run_async, screen_text, settle
from tests.ui.terminal import Terminal, count, save_in, wait_for
from ui.cli import main as ttx
from ui.tui.messages import OpenRequest
from ui.tui.screens.errors import ErrorScreen
from ui.tui.screens.review import ReviewScreen


@run_async
async def test_a_second_console_is_refused_with_the_holder_named(workdir: Path) -> None:
    saves = workdir / "saves"
    first = Terminal(["--saves", str(saves), "facilitate", "exercises/drill.yaml"], workdir)
    try:
        wait_for("the first console", lambda: save_in(saves) is not None
                 and b"Radar gap" in first.output, first)
        save = save_in(saves)
        assert save is not None
        app = app_for(workdir, OpenRequest("resume", save=save.path))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ErrorScreen)
            shown = " ".join(screen_text(app).replace("│", "").split())
            assert "This save is open in another session" in shown
            assert f"process {first.process.pid}" in shown
            assert "Open read-only" in shown  # offered in the footer
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert app.screen.model is not None
        first.press("n", then="Add a note")
        first.type("written while the second console looked on\r")
        wait_for("the note", lambda: count(saves, NoteAdded) == 1, first)
    finally:
        first.kill()
    assert ttx(["verify", save.path]) == 0


@run_async
async def test_a_save_this_user_cannot_write_opens_read_only_with_a_note(
        workdir: Path, monkeypatch) -> None:
    app = app_for(workdir, OpenRequest("facilitate", script="exercises/drill.yaml"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        path = app.controller.live.path  # type: ignore[union-attr]
        app.close_session()
    # Tests may run as root, who can write any file: deny the write the way the
    # operating system would for a user without the permission.
    monkeypatch.setattr("ui.controller.os.access", lambda p, mode: False)
    app = app_for(workdir, OpenRequest("resume", save=path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert any("not write it, so it is open read-only" in n.message
                   for n in app._notifications)


@run_async
async def test_a_full_disk_keeps_the_session_on_screen_read_only(workdir: Path,
                                                                  monkeypatch) -> None:
    import errno

    from engine import store
    from ui.tui.screens.console import ConsoleScreen

    app = app_for(workdir, OpenRequest("facilitate", script="exercises/drill.yaml"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        events = len(app.screen.controller.records)

        def full(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(store.os, "write", full)
        await pilot.press("n", *"lost?", "enter")
        await settle(pilot)
        if not isinstance(app.screen, ConsoleScreen):  # the form stays open on refusal
            await pilot.press("escape", "y")  # and asks before discarding what was typed
            await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen) and app.is_running
        shown = " ".join(screen_text(app).split())
        assert "READ-ONLY" in shown
        assert any("No space left on device" in n.message and "intact up to event #"
                   f"{events}" in n.message for n in app._notifications)
        assert app.screen.check_action("advance", ()) is None  # writing keys disabled
        await pilot.press("t")
        await settle(pilot)
        assert len(app.screen.controller.records) == events


@run_async
async def test_resuming_a_torn_save_says_what_was_cut_until_dismissed(workdir: Path) -> None:
    from engine.store import read
    from ui.tui.screens.console import ConsoleScreen
    from ui.tui.screens.notice import NoticeScreen

    app = app_for(workdir, OpenRequest("facilitate", script="exercises/drill.yaml"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        path = app.controller.live.path  # type: ignore[union-attr]
        app.close_session()
    events = len(read(path).records)
    with open(path, "ab") as save:
        save.write(b'{"seq":99,"turn":1,"type":"note","payl')  # a write cut by a crash
    app = app_for(workdir, OpenRequest("resume", save=path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        shown = " ".join(screen_text(app).split())
        assert f"from line {events + 2}, 38 bytes" in shown
        assert f"continues from event #{events}" in shown
        await pilot.pause(1)
        assert isinstance(app.screen, NoticeScreen)  # no timeout: it waits for the user
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
    assert read(path).torn is None
