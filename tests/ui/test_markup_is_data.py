"""Script text is shown as text, never run as markup: a team, option, inject or
objective called `[@click=app.quit]...[/]` shows those characters literally in every
screen, and clicking them does nothing (as markup it would be a link that quits).
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.ui.support import DRILL, app_for, run_async, screen_text, settle
from ui.tui.app import TTXApp
from ui.tui.commands import TTXCommands
from ui.tui.messages import OpenRequest
from ui.tui.screens.confirm import ConfirmScreen
from ui.tui.screens.console import ConsoleScreen
from ui.tui.screens.end import EndScreen
from ui.tui.screens.launcher import LauncherScreen
from ui.tui.screens.review import ReviewScreen
from ui.tui.screens.setup import SetupScreen
from ui.tui.screens.solo import SoloScreen
from ui.tui.screens.solo_briefing import SoloBriefingScreen

LINK = "[@click=app.quit]"
SIZE = (160, 45)


def hostile_drill(workdir: Path) -> str:
    """The test drill with every name a script author chooses turned into a link."""
    text = DRILL.read_text(encoding="utf-8")
    for plain in ("Harbour Drill", "North Navy", "South Navy", "Coast Guard",
                  "Partner trust", "Interoperability", "Share the maritime picture",
                  "Keep coalition comms working", "Radar gap in the approaches",
                  "Share own tracks with all partners", "Send a patrol boat to look",
                  "Common radio net fails", "Give a short factual comment"):
        text = text.replace(plain, f'"{LINK}{plain}[/]"' if f"{plain}," in text
                            or f"{plain}}}" in text or f": {plain}\n" in text else plain)
    path = workdir / "exercises" / "drill.yaml"
    path.write_text(text, encoding="utf-8")
    return "exercises/drill.yaml"


async def click_links_in(pilot: Pilot[None], app: TTXApp, *selectors: str) -> None:
    """In each widget, the link text must show literally; click every place it shows
    (as markup it would be a link, and the click would quit the app)."""
    for selector in selectors:
        for _ in range(30):  # a pane may still be filling in (a worker, a timer)
            rows = screen_text(app).splitlines()
            region = app.screen.query_one(selector).region
            spots = [(x + 2, y) for y in range(region.y, region.bottom)
                     for x in range(region.x, region.right) if rows[y].startswith(LINK, x)]
            if spots:
                break
            await pilot.pause(0.1)
        assert spots, f"{selector} does not show the link text literally:\n" + "\n".join(
            rows[region.y:region.bottom])
        for x, y in spots[:1]:  # one click: two on one row would be a double-click
            await pilot.click(offset=(x, y))
            await pilot.pause()
            assert app.is_running and app.return_code is None, f"clicking {selector} quit"


@run_async
async def test_the_launcher_and_setup_show_names_literally(workdir: Path) -> None:
    hostile_drill(workdir)
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LauncherScreen)
        await click_links_in(pilot, app, "#about", "#exercises")
        for key, teams in (("f", "#bots"), ("p", "#team")):  # the setup dialogs list teams
            while not isinstance(app.screen, LauncherScreen):  # close, discarding choices
                await pilot.press("y" if isinstance(app.screen, ConfirmScreen) else "escape")
                await settle(pilot)
            assert isinstance(app.screen, LauncherScreen)
            app.screen.query_one("#exercises").focus()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, SetupScreen)
            await click_links_in(pilot, app, "#form-title", teams)


@run_async
async def test_the_console_and_its_dialogs_show_names_literally(workdir: Path) -> None:
    script = hostile_drill(workdir)
    app = app_for(workdir, OpenRequest("facilitate", script=script))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        await click_links_in(pilot, app, "#events", "#detail", "#status")
        for key, shown in (("c", ("#form-title", "#team", "#option")), ("r", ("#team",)),
                           ("a", ("#to",)), ("d", ("#injects",))):
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.screen, ConsoleScreen), key
            await click_links_in(pilot, app, *shown)
            for _ in range(4):  # a click may have opened a drop-down: close it, then the
                if not isinstance(app.screen, ConsoleScreen):  # form (discarding a choice)
                    await pilot.press("y" if isinstance(app.screen, ConfirmScreen)
                                      else "escape")
                    await settle(pilot)
            assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, EndScreen)
        await click_links_in(pilot, app, "#end-title", "#scorecard")


@run_async
async def test_the_command_palette_shows_names_literally(workdir: Path) -> None:
    """Textual reads a palette entry's str text as markup (and so does its highlighter):
    inject titles reach it as Content, listed and when found by typing."""
    script = hostile_drill(workdir)
    app = app_for(workdir, OpenRequest("facilitate", script=script))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listed = [hit async for hit in TTXCommands(app.screen).discover()]
        assert any(f"Deliver: {LINK}Radar gap" in str(hit.prompt) for hit in listed)
        await pilot.press("ctrl+p", *"radar")
        for _ in range(30):
            await pilot.pause(0.05)
            if "Radar gap" in screen_text(app):
                break
        assert f"Deliver: {LINK}Radar gap" in screen_text(app)


@run_async
async def test_solo_play_and_review_show_names_literally(workdir: Path) -> None:
    script = hostile_drill(workdir)
    app = app_for(workdir, OpenRequest("play", script=script, team="north"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SoloBriefingScreen)
        await click_links_in(pilot, app, "#solo-briefing-text")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SoloScreen)
        await click_links_in(pilot, app, "#status", "#inbox", "#briefing", "#choices")
        path = app.controller.live.path  # type: ignore[union-attr]
        app.close_session()
    app = app_for(workdir, OpenRequest("review", save=path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await click_links_in(pilot, app, "#status", "#timeline")
