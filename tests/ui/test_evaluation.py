"""The console follows the EEG: the rating form lists the objective's critical tasks and
records which were observed, evaluator ratings are marked final, and control staff see
each turn's module (situation, questions, timing) and each inject's notes."""

from __future__ import annotations

from pathlib import Path

import yaml
from textual.widgets import Select, SelectionList

from engine.events import NoteAdded, Rated
from engine.store import read
from tests.engine.test_player_view import materials_script
from tests.ui.support import OpenRequest, app_for, run_async, screen_text, settle
from ui.controller import SessionController
from ui.tui.app import TTXApp
from ui.tui.screens.notice import NoticeScreen
from ui.tui.screens.rating import RatingScreen
from ui.tui.widgets.inject_detail import InjectDetail

SIZE = (160, 45)


def exercise(workdir: Path) -> TTXApp:
    script = materials_script()
    script["objectives"][0]["critical_tasks"].append({"id": "t2", "text": "Log the tracks"})
    script["objectives"].append({"id": "act", "title": "Act"})  # no EEG tasks
    (workdir / "exercises" / "views.yaml").write_text(yaml.safe_dump(script, sort_keys=False))
    (workdir / "exercises" / "views.py").write_text("a handout")
    return app_for(workdir, OpenRequest("facilitate", script="exercises/views.yaml"))


def controller(app: TTXApp) -> SessionController:
    assert app.controller is not None
    return app.controller


def text_of(widget: object) -> str:
    lines = widget.render_lines(widget.region.reset_offset)  # type: ignore[attr-defined]
    return " ".join(" ".join(" ".join(s.text for s in lines).split()).split())


@run_async
async def test_the_rating_form_records_the_critical_tasks_observed(workdir: Path) -> None:
    app = exercise(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        form = app.screen
        assert isinstance(form, RatingScreen)
        form.query_one("#objective", Select).value = "share"
        await pilot.pause()
        tasks = form.query_one("#observed", SelectionList)
        assert [str(tasks.get_option_at_index(i).prompt) for i in range(tasks.option_count)] \
            == ["SECRET task", "Log the tracks"]
        tasks.select("t2")
        await pilot.pause()
        shown = screen_text(app)  # ticked or not reads without colour
        assert "▐✓▌ Log the tracks" in shown and "▐ ▌ SECRET task" in shown
        form.query_one("#team", Select).value = "bravo"
        form.query_one("#rating", Select).value = "S"
        await pilot.press("ctrl+s")
        await settle(pilot)
        rated = read(controller(app).path).records[-1].event
        assert isinstance(rated, Rated) and rated.observed == ("t2",)
        assert controller(app).state.latest[("bravo", "share")].observed == ("t2",)
        board = next(line for line in screen_text(app).splitlines() if "share " in line)
        assert "S✓" in board
        assert "✓ rated by an evaluator (final)" in screen_text(app)


@run_async
async def test_an_objective_without_critical_tasks_hides_the_observed_row(
        workdir: Path) -> None:
    app = exercise(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        form = app.screen
        form.query_one("#objective", Select).value = "act"
        await pilot.pause()
        assert not form.query_one("#observed-row").display
        form.query_one("#objective", Select).value = "share"
        await pilot.pause()
        assert form.query_one("#observed-row").display


@run_async
async def test_the_detail_shows_notes_questions_and_variants_to_control_staff(
        workdir: Path) -> None:
    app = exercise(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.screen.query_one(InjectDetail)
        words = text_of(detail.body)
        for marker in ("Facilitator notes", "SECRET notes", "Questions to pose",
                       "SECRET question for the facilitator", "Alpha reads instead",
                       "VARIANT-alpha-i0"):
            assert marker in words, marker


@run_async
async def test_m_shows_the_module_with_its_questions_and_time_against_the_plan(
        workdir: Path) -> None:
    app = exercise(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = screen_text(app)
        assert "MODULE-1 · 0/30 min" in status
        await pilot.press("m")
        await pilot.pause()
        notice = app.screen
        assert isinstance(notice, NoticeScreen)
        assert notice.title_text.endswith("MODULE-1")
        body = "\n".join(notice.lines)
        assert "SITUATION-1" in body and "• QUESTION-1" in body
        assert "0 min spent of 30 planned" in body
        await pilot.press("enter")
        controller(app).advance()
        await settle(pilot)
        assert "MODULE-2 · 0/30 min" in screen_text(app)


@run_async
async def test_a_hot_wash_note_can_name_the_objective_it_is_evidence_for(
        workdir: Path) -> None:
    app = exercise(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        form = app.screen
        form.query_one("#kind", Select).value = "hotwash"
        form.query_one("#team", Select).value = "bravo"
        form.query_one("#objective", Select).value = "share"
        await pilot.press(*"We waited for the lead nation", "enter")
        await settle(pilot)
        note = read(controller(app).path).records[-1].event
        assert isinstance(note, NoteAdded)
        assert (note.kind, note.team, note.objective) == ("hotwash", "bravo", "share")
