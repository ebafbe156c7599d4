"""`ttx join`: each role's console against a real host on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot

from tests.live.hosting import PACIFIC, hosting
from tests.ui.support import run_async, screen_text
from ui.tui.app import Launch, Settings
from ui.tui.screens.console import ConsoleScreen
from ui.tui.screens.join import JoinScreen
from ui.tui.screens.seat import SeatScreen
from ui.tui.seat_app import SeatApp
from ui.tui.widgets.seat_message import SeatMessage


def rendered(widget: SeatMessage) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(widget.build())
    return console.export_text()


def seat_app(url: str, code: str | None) -> SeatApp:
    return SeatApp(url, code, Launch(None, Settings(fsync=False)))


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if check():
            return
    raise AssertionError("timed out:\n" + screen_text(pilot.app))  # type: ignore[arg-type]


@run_async
async def test_a_team_seat_reads_its_inbox_and_decides_for_its_team(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        app = seat_app(host.url, host.code("northmark"))
        async with app.run_test(size=(120, 32)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SeatScreen)
                        and "Data-link gateway" in screen_text(app))
            text = screen_text(app)
            assert "team Royal Northmark Navy" in text and "Briefing and this turn" in text
            message = rendered(app.screen.query_one(SeatMessage))
            assert "Your brief (Royal Northmark Navy only)" in message
            assert "Vessaland only" not in message
            await pilot.press("down")  # the newest inject
            await until(pilot, lambda: "Your options" in screen_text(app))
            await pilot.press("d")
            await until(pilot, lambda: "Record a decision" in screen_text(app))
            await pilot.press("tab", "down", "ctrl+s")
            await until(pilot, lambda: "Your team's decision" in screen_text(app))
            assert "✓ T1 Data-link gateway" in screen_text(app)
            assert "What came of it is told when the turn ends." in screen_text(app)
        assert "decision" in host.save().read_text()


@run_async
async def test_an_evaluator_seat_rates_and_notes_but_never_decides_or_advances(
        tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        app = seat_app(host.url, host.code("evaluator"))
        async with app.run_test(size=(160, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen)
                        and "evaluator seat" in screen_text(app))
            screen = app.screen
            shown = {b.binding.action for b in screen.active_bindings.values()}
            assert {"rate", "note"} <= shown
            assert not {"deliver", "adhoc", "decide", "advance", "end", "correct",
                        "timer"} & shown


@run_async
async def test_a_facilitator_seat_sees_who_joined_and_sets_the_timer(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        app = seat_app(host.url, host.code("facilitator"))
        async with app.run_test(size=(160, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen)
                        and "1/6 seats joined" in screen_text(app))
            assert host.url in screen_text(app).replace("\n", "")
            await pilot.press("k")
            await until(pilot, lambda: "Set the turn's timer" in screen_text(app))
            await pilot.press("end", *["backspace"] * 4, "4", "5", "ctrl+s")
            await until(pilot, lambda: "44:5" in screen_text(app))


@run_async
async def test_a_wrong_code_is_asked_again_with_the_reason(tmp_path: Path) -> None:
    with hosting(PACIFIC, tmp_path) as host:
        app = seat_app(host.url, None)
        async with app.run_test(size=(100, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, JoinScreen))
            await pilot.press(*"NOTACODE", "enter")
            await until(pilot, lambda: "opens no seat" in screen_text(app))
            for key in host.code("observer"):
                await pilot.press(key)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SeatScreen)
                        and "observer" in screen_text(app))
            await asyncio.sleep(0)
