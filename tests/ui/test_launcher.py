"""The launcher: exercises and saves listed, sessions started and resumed from it, and
broken scripts or damaged saves shown for what they are (and never written to)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList

from engine.commands import Advance, End, Note
from engine.store import read
from tests.ui.support import (
    app_for,
    make_save,
    past_the_briefing,
    run_async,
    screen_text,
    settle,
    widget_text,
)
from ui.tui.commands import TTXCommands
from ui.tui.messages import OpenRequest
from ui.tui.screens.console import ConsoleScreen
from ui.tui.screens.errors import ErrorScreen
from ui.tui.screens.launcher import About, LauncherScreen
from ui.tui.screens.setup import SetupScreen
from ui.tui.screens.solo import SoloScreen

SIZE = (140, 40)


def rows(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def saves_with_one_of_each(workdir: Path) -> tuple[Path, Path]:
    (workdir / "saves").mkdir()
    unfinished = make_save(workdir / "saves" / "unfinished.jsonl",
                           [Note("Liaison officers arrived late"), Advance()],
                           created="2025-03-01T09:00:00+00:00")
    finished = make_save(workdir / "saves" / "finished.jsonl", [End("Called off")],
                         created="2025-03-02T14:30:00+00:00")
    return unfinished, finished


@run_async
async def test_lists_exercises_and_saves(workdir: Path) -> None:
    saves_with_one_of_each(workdir)
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LauncherScreen)
        exercises = rows(app.screen.query_one("#exercises", DataTable))
        assert exercises == [["3", "3", "Harbour Drill"]]
        saves = rows(app.screen.query_one("#saves", DataTable))
        assert ["2025-03-02 14:30", "1", "finished", "harbour-drill"] in saves
        assert ["2025-03-01 09:00", "2", "in progress", "harbour-drill"] in saves
        about = widget_text(app.screen.query_one(About))
        assert "Two navies and a coast guard share one harbour" in about  # the summary
        assert "3 turns · 6 injects · 2 objectives" in about
        assert "Coast Guard (coast) — Host nation [bot only]" in about


@run_async
async def test_start_a_facilitated_session(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, SetupScreen)
        await pilot.press(*"42", "enter")  # seed 42; the coast guard is a bot
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        save = read(app.screen.controller.path)
        assert save.header.mode == "facilitate" and save.header.seed == 42
        assert save.header.teams == {"north": "person", "south": "person", "coast": "bot"}
        assert Path(save.path).parent.resolve() == workdir / "saves"


@run_async
async def test_start_solo_play_choosing_a_team(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        setup = app.screen
        assert isinstance(setup, SetupScreen)
        teams = setup.query_one("#team", OptionList)
        assert [o.id for o in teams.options] == ["north", "south"]  # coast: not playable
        await pilot.press("down", "enter")
        await past_the_briefing(pilot)
        assert isinstance(app.screen, SoloScreen)
        assert app.screen.controller.player == "south"
        assert read(app.screen.controller.path).header.mode == "play"


@run_async
async def test_resume_an_unfinished_save(workdir: Path) -> None:
    saves_with_one_of_each(workdir)
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # to the saves
        table = app.screen.query_one("#saves", DataTable)
        table.move_cursor(row=table.get_row_index("saves/unfinished.jsonl"))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        state = app.screen.controller.state
        assert state.turn == 2 and state.notes[0][1].text == "Liaison officers arrived late"
        assert "note: Liaison officers arrived late" in screen_text(app)


@run_async
async def test_a_broken_script_shows_its_diagnostics_instead_of_starting(workdir: Path) -> None:
    app = app_for(workdir, broken=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#exercises", DataTable)
        assert "⚠ broken.yaml: 1 problem(s)" in [r[2] for r in rows(table)]
        table.move_cursor(row=table.get_row_index(str(Path("more/broken.yaml"))))
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, ErrorScreen)
        text = screen_text(app)
        assert "more/broken.yaml:12:5: unknown key 'colour'" in text
        assert "12 |     colour: red" in text
        assert not (workdir / "saves").exists()
        await pilot.press("escape")
        assert isinstance(app.screen, LauncherScreen)


@run_async
async def test_a_damaged_save_is_shown_and_never_written(workdir: Path) -> None:
    unfinished, _ = saves_with_one_of_each(workdir)
    lines = unfinished.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"turn":1', b'"turn":9')
    unfinished.write_bytes(b"\n".join(lines))
    before = unfinished.read_bytes()
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        table = app.screen.query_one("#saves", DataTable)
        table.move_cursor(row=table.get_row_index("saves/unfinished.jsonl"))
        await settle(pilot)
        assert ["–", "–", "damaged", "unfinished.jsonl"] in rows(table)
        text = widget_text(app.screen.query_one(About))
        assert "unfinished.jsonl:3: corrupt line (its hash does not match its content)" in text
        launcher = app.screen
        assert launcher.check_action("resume", ()) is None  # offered as unavailable
        launcher.action_resume()
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "This save is damaged and cannot be resumed" in screen_text(app)
    assert unfinished.read_bytes() == before


@run_async
async def test_a_finished_save_is_not_offered_for_resuming(workdir: Path) -> None:
    saves_with_one_of_each(workdir)
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        table = app.screen.query_one("#saves", DataTable)
        table.move_cursor(row=table.get_row_index("saves/finished.jsonl"))
        await settle(pilot)
        assert app.screen.check_action("resume", ()) is None
        assert app.screen.check_action("review", ()) is True
        assert "Outcome: Called off" in screen_text(app)


@run_async
async def test_resuming_a_damaged_save_from_the_command_line_shows_why(workdir: Path) -> None:
    unfinished, _ = saves_with_one_of_each(workdir)
    unfinished.write_bytes(unfinished.read_bytes()[:-40])  # cut mid-line, then damaged
    lines = unfinished.read_bytes().split(b"\n")
    unfinished.write_bytes(b"\n".join([*lines[:2], lines[3], *lines[2:]]))
    before = unfinished.read_bytes()
    app = app_for(workdir, OpenRequest("resume", save=str(unfinished)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "broken hash chain" in screen_text(app)
        await pilot.press("escape")  # nothing to go back to: ttx exits 1
    assert app.return_code == 1
    assert unfinished.read_bytes() == before


@run_async
async def test_a_finished_session_cannot_be_resumed(workdir: Path) -> None:
    _, finished = saves_with_one_of_each(workdir)
    app = app_for(workdir, OpenRequest("resume", save=str(finished)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        why = widget_text(app.screen.query_one("#error-lines"))
        assert "finished.jsonl: this session has ended; open it in review instead" in why


@run_async
async def test_every_launcher_action_is_in_the_command_palette(workdir: Path) -> None:
    saves_with_one_of_each(workdir)
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [t for t, _, _ in TTXCommands(app.screen).commands()]
        for described in ("Facilitate", "Play solo", "Reload"):
            assert any(t.startswith(described) for t in titles)
        await pilot.press("tab")
        await settle(pilot)
        titles = [t for t, _, _ in TTXCommands(app.screen).commands()]
        assert any(t.startswith("Review") for t in titles)  # the highlighted save


@run_async
async def test_the_theme_switches_between_dark_and_light(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert not app.current_theme.dark and app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.current_theme.dark
