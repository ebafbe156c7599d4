"""The after-action review: a finished save opens at its first event; stepping by event
and by turn shows the session as it was then; an event is explained; the timeline is
filtered by team and searched; the report is written from the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from engine import saved
from engine.commands import Advance, Decide, Note, Rate
from engine.events import DecisionRecorded, ExerciseEnded, InjectDelivered, TurnStarted
from engine.loader import load
from engine.session import Session
from engine.store import read
from tests.ui.support import (
    app_for,
    make_save,
    run_async,
    screen_text,
    settle,
    synthetic_script,
    widget_text,
)
from ui.cli import build_parser
from ui.tui.app import TTXApp
from ui.tui.commands import TTXCommands
from ui.tui.messages import OpenRequest
from ui.tui.review_model import involves
from ui.tui.screens.errors import ErrorScreen
from ui.tui.screens.help import HelpScreen
from ui.tui.screens.launcher import LauncherScreen
from ui.tui.screens.report_form import ReportScreen
from ui.tui.screens.review import ReviewScreen
from ui.tui.widgets.explain import ExplainPane
from ui.tui.widgets.inject_detail import InjectDetail
from ui.tui.widgets.metric_lines import MetricLines
from ui.tui.widgets.recent import RecentList
from ui.tui.widgets.timeline import Timeline

SIZE = (140, 40)


def finished_save(workdir: Path) -> Path:
    """The drill played to its end: bots play north and the coast guard; south (a
    person) sends a patrol that runs aground (seed 7), which queues a follow-up and
    drops south's trust below 45, so `grumble` is triggered in turn 2."""
    live = saved.start(load("exercises/drill.yaml"), seed=7, bots=frozenset({"north", "coast"}),
                       mode="facilitate", path=workdir / "saves" / "drill.jsonl", fsync=False)
    try:
        for command in (Decide("south", delivery=1, option="patrol"),
                        Note("Liaison officers arrived late"),
                        Rate("south", "share", "M", "kept its tracks to itself"), Advance(),
                        Advance(), Note("The patrol plan was never briefed", "hotwash",
                                        "south"), Advance()):
            live.session.execute(command)
    finally:
        live.close()
    return Path(live.path)


def replayed(save: Path) -> Session:
    """The engine's own replay of the save, to compare the screen with."""
    return saved.replay(read(save), load("exercises/drill.yaml"))


def review(workdir: Path, save: Path) -> TTXApp:
    return app_for(workdir, OpenRequest("review", save=str(save.relative_to(workdir))))


def screen_of(app: TTXApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen) and screen.loaded
    return screen


def seq_of(session: Session, kind: type, **match: object) -> int:
    return next(r.seq for r in session.records if isinstance(r.event, kind)
                and all(getattr(r.event, k) == v for k, v in match.items()))


def explanation(app: TTXApp) -> str:
    return widget_text(app.screen.query_one(ExplainPane).body)


def status(app: TTXApp) -> str:
    return widget_text(app.screen.query_one("#status"))


def shown_metrics(app: TTXApp) -> dict[str, int]:
    """The metrics board as drawn, as {"trust[south]": 40, "interop": 35}: each metric's
    name on lines of its own, then a line per team."""
    ex = screen_of(app).model.exercise  # type: ignore[union-attr]
    teams = [*ex.team_ids, "global"]
    board = app.screen.query_one(MetricLines)
    out: dict[str, int] = {}
    metric, name = "", ""
    for strip in board.render_lines(board.region.reset_offset):
        words = strip.text.strip("│╭╮╰╯─ ").split()
        if len(words) > 1 and words[0] in teams and re.fullmatch(r"-?\d+", words[1]):
            found = next((m.id for m in ex.metrics if m.name == name.strip()), None)
            metric, name = found or metric, ""
            out[metric if words[0] == "global" else f"{metric}[{words[0]}]"] = int(words[1])
        elif words and words[0] not in ("Team", "Metrics"):  # the header, the title
            name += " " + " ".join(words)
    return out


def engine_metrics(session: Session, seq: int) -> dict[str, int]:
    state = session.state_at(seq)
    return {(f"{m}[{t}]" if t else m): v for (m, t), v in state.metrics.items()}


def notices(app: TTXApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def timeline_lines(app: TTXApp) -> list[str]:
    timeline = app.screen.query_one(Timeline)
    return [s.text.strip("│ ") for s in timeline.render_lines(timeline.region.reset_offset)]


@run_async
async def test_a_finished_save_opens_at_its_first_event(workdir: Path) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        total = len(read(save).records)
        assert screen.seq == 1
        assert f"Harbour Drill · review · H 0800 · turn 1/3 · event 1 of {total}" in status(app)
        lines = timeline_lines(app)
        assert "1 T1 ── H 0800 (turn 1 of 3) ──" in lines[1]
        assert "2 T1 #1 Radar gap in the approaches → north" in lines[2]
        assert explanation(app).startswith("Event 1 · turn 1 · H 0800 Turn 1 of 3 starts")
        assert shown_metrics(app) == engine_metrics(replayed(save), 1)


@run_async
async def test_stepping_by_event_shows_the_state_as_it_was_then(workdir: Path) -> None:
    save = finished_save(workdir)
    engine = replayed(save)
    patrol = seq_of(engine, DecisionRecorded, team="south")
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        for seq in range(2, patrol + 1):
            await pilot.press("down")
            assert screen.seq == seq
            assert shown_metrics(app) == engine_metrics(engine, seq)
        # the patrol ran aground: south's trust fell by 10 this turn, on screen and in the engine
        assert engine.state_at(patrol).value("trust", "south") == 40
        assert re.search(r"south\s+40\s+-10", widget_text(app.screen.query_one(MetricLines)))
        decided = widget_text(app.screen.query_one("#decisions", RecentList))
        assert f"{patrol} T1 #1 south chose “Send a patrol" in decided
        await pilot.press("up", "up")
        assert screen.seq == patrol - 2
        assert shown_metrics(app) == engine_metrics(engine, patrol - 2)
        assert "No decision yet." in widget_text(app.screen.query_one("#decisions", RecentList))


@run_async
async def test_stepping_by_turn_and_to_either_end(workdir: Path) -> None:
    save = finished_save(workdir)
    engine = replayed(save)
    starts = [r.seq for r in engine.records if isinstance(r.event, TurnStarted)]
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("right")
        assert screen.seq == starts[1] and "H 1200 · turn 2/3" in status(app)
        assert shown_metrics(app) == engine_metrics(engine, starts[1])
        await pilot.press("right")
        assert screen.seq == starts[2]
        await pilot.press("down", "left")  # back to the start of this turn...
        assert screen.seq == starts[2]
        await pilot.press("left")  # ...and from there to the turn before
        assert screen.seq == starts[1]
        await pilot.press("end")
        assert screen.seq == len(engine.records)
        assert isinstance(engine.records[-1].event, ExerciseEnded)
        assert "turn 3/3 · ended" in status(app)
        assert shown_metrics(app) == engine_metrics(engine, len(engine.records))
        await pilot.press("home")
        assert screen.seq == 1


@run_async
async def test_selecting_a_triggered_inject_explains_why_and_what_it_did(workdir: Path) -> None:
    save = finished_save(workdir)
    engine = replayed(save)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        screen.goto(seq_of(engine, InjectDelivered, inject="grumble"))
        await pilot.pause()
        said = explanation(app)
        assert "Inject #5 “Partners grumble about sharing” delivered to North Navy, South " \
               "Navy, Coast Guard" in said
        assert "Triggered: its condition held at the start of turn 2." in said
        assert "Condition: Partner trust of any team below 45" in said
        assert "It held because: trust[south] = 40 (below 45)" in said
        # the decision that made it hold: the roll and the outcome it chose, and the change
        screen.goto(seq_of(engine, DecisionRecorded, team="south"))
        await pilot.pause()
        said = explanation(app)
        assert "Roll r = 0.8003 (key 7:outcome:1:radar-gap:1:south) picked outcome 2 of 2, " \
               "which covers 0.50 ≤ r < 1.00: The patrol boat runs aground on the bar." in said
        assert re.search(r"Partner trust South Navy 50 → 40 -10", said)
        assert "Queued for next turn: “Patrol boat aground”" in said


@run_async
async def test_the_inject_in_full_takes_the_explanations_place_on_demand(workdir: Path
                                                                         ) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # the radar gap's delivery
        detail = app.screen.query_one(InjectDetail)
        assert not detail.display
        await pilot.press("i")
        assert detail.display and not app.screen.query_one(ExplainPane).display
        shown = widget_text(detail.body)
        assert "Channel: intel" in shown and "The coastal radar has a blind arc" in shown
        await pilot.press("down", "down")  # south's decision on it, as it stood then
        shown = widget_text(detail.body)
        assert "south ✓ chose “Send a patrol boat to look”" in shown
        assert "north —" in shown  # the bot decides at the end of the turn
        await pilot.press("i")
        assert app.screen.query_one(ExplainPane).display and not detail.display


@run_async
async def test_clicking_an_event_in_the_timeline_reviews_it(workdir: Path) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(Timeline, offset=(10, 3))  # border, then events 1, 2, 3
        await pilot.pause()
        assert screen_of(app).seq == 3
        assert "Press asks about the drill" in explanation(app)


@run_async
async def test_the_timeline_can_be_narrowed_to_one_teams_story(workdir: Path) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("f")  # north
        await pilot.press("f")  # south
        assert "team South Navy" in status(app)
        engine = replayed(save)
        assert list(screen.rows) == [r.seq for r in engine.records if involves(r, "south")]
        assert 0 < len(screen.rows) < len(engine.records)
        shown = "\n".join(timeline_lines(app))
        assert "Radar gap in the approaches" in shown  # sent to north and south
        assert "Press asks about the drill" not in shown  # sent to the coast guard only
        decided = widget_text(app.screen.query_one("#decisions", RecentList))
        assert "north" not in decided and "coast" not in decided
        await pilot.press("end")
        notes = widget_text(app.screen.query_one("#notes", RecentList))
        assert "hot wash (south): The patrol plan was never briefed" in notes
        assert "Liaison officers arrived late" not in notes  # about the whole exercise
        await pilot.press("f", "f")  # coast, then every team again
        assert screen.team is None and len(screen.rows) == len(read(save).records)


@run_async
async def test_searching_the_log_jumps_between_matches(workdir: Path) -> None:
    save = finished_save(workdir)
    engine = replayed(save)
    tows = [r.seq for r in engine.records if isinstance(r.event, DecisionRecorded)
            and r.event.option == "tow"]
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"TUG", "enter")
        await settle(pilot)
        assert screen.seq == tows[0]
        assert f"“TUG”: 1 of {len(tows)} matches" in status(app)
        await pilot.press("n")
        assert screen.seq == tows[1]
        await pilot.press("N", "N")  # back past the first: wraps to the last
        assert screen.seq == tows[-1]
        # a search with no match says so and leaves the review where it was
        await pilot.press("slash", *"submarine", "enter")
        await settle(pilot)
        assert screen.seq == tows[-1] and screen.needle == "TUG"
        assert "No event matches “submarine”." in notices(app)
        assert f"“TUG”: {len(tows)} of {len(tows)} matches" in status(app)


@run_async
async def test_the_report_is_written_next_to_the_save(workdir: Path) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.query_one(Input).value == "saves/drill-report.html"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        report = workdir / "saves" / "drill-report.html"
        html = report.read_text(encoding="utf-8")
        assert "Harbour Drill" in html and read(save).head in html
        assert "Written to saves/drill-report.html" in notices(app)


@run_async
async def test_the_report_goes_where_asked_as_markdown(workdir: Path) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        box = app.screen.query_one(Input)
        box.value = "out/aar.txt"
        await pilot.press("enter")
        assert isinstance(app.screen, ReportScreen)  # the suffix picks the format
        assert "end the file name in .html or .md" in screen_text(app)
        box.value = "out/aar.md"
        await pilot.press("enter")
        await settle(pilot)
        text = (workdir / "out" / "aar.md").read_text(encoding="utf-8")
        assert text.lstrip().startswith("#") and read(save).head in text


@run_async
async def test_from_the_launcher_a_finished_session_opens_in_review_and_back(workdir: Path
                                                                             ) -> None:
    finished_save(workdir)
    app = app_for(workdir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # to the saves
        table = app.screen.query_one("#saves", DataTable)
        table.move_cursor(row=table.get_row_index("saves/drill.jsonl"))
        await pilot.press("v")
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("right")
        assert "turn 2/3" in status(app) and screen.seq > 1
        await pilot.press("escape")
        assert isinstance(app.screen, LauncherScreen)


@run_async
async def test_every_review_key_is_in_the_footer_help_and_palette(workdir: Path) -> None:
    save = finished_save(workdir)
    app = review(workdir, save)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [t for t, _, _ in TTXCommands(app.screen).commands()]
        for wanted in ("Next event (↓)", "Previous event (↑)", "Next turn (→)",
                       "Previous turn (←)", "Start (home)", "End (end)", "Team (f)",
                       "Search (/)", "Report (x)", "Help (?)"):
            assert wanted in titles
        footer = screen_text(app).splitlines()[-1]
        for shown in ("↓↑ Event", "→← Turn", "home Start", "end End", "f Team", "/ Search",
                      "x Report", "? Help"):
            assert shown in footer
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Jump to the start of the next turn" in screen_text(app)


@run_async
async def test_a_damaged_save_shows_what_is_wrong_and_writes_nothing(workdir: Path) -> None:
    save = finished_save(workdir)
    save.write_bytes(save.read_bytes().replace(b'"turn":1', b'"turn":5', 1))
    before = save.read_bytes()
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "This save cannot be reviewed" in screen_text(app)
        await pilot.press("escape")  # opened from the command line: quit, exit code 1
    assert app.return_code == 1
    assert save.read_bytes() == before


@run_async
async def test_a_changed_script_is_refused_unless_forced(workdir: Path) -> None:
    save = finished_save(workdir)
    script = workdir / "exercises" / "drill.yaml"
    script.write_text(script.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "ttx review SAVE --force" in screen_text(app)
    app = app_for(workdir, OpenRequest("review", save=str(save), force=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_of(app).seq == 1


def test_the_command_line_opens_a_save_in_review() -> None:
    args = build_parser().parse_args(["review", "saves/x.jsonl", "--script", "s.yaml",
                                      "--force"])
    from ui.tui.launch import request_from

    assert request_from(args) == OpenRequest("review", save="saves/x.jsonl", script="s.yaml",
                                             force=True)


# ------------------------------------------------------------------ cost of a step


@pytest.fixture
def long_save(workdir: Path) -> Path:
    """About 1,200 events: more than four checkpoints (every 256 events)."""
    script = synthetic_script(workdir / "synthetic.yaml", teams=6, turns=20, injects=4)
    return make_save(workdir / "long.jsonl", [Advance()] * 20, script=script,
                     bots=frozenset(f"t{i}" for i in range(6)))


@run_async
async def test_a_step_draws_only_what_changed_and_refolds_at_most_a_checkpoint_apart(
        workdir: Path, long_save: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.session
    import ui.tui.review_model

    folded: list[object] = []

    def counting(apply):  # type: ignore[no-untyped-def]
        def counted(state, event):  # type: ignore[no-untyped-def]
            folded.append(event)
            return apply(state, event)
        return counted

    app = app_for(workdir, OpenRequest("review", save=str(long_save)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        total = len(screen.model.records)  # type: ignore[union-attr]
        assert total > 1000
        screen.goto(total // 2)
        await pilot.pause()
        monkeypatch.setattr(engine.session, "apply", counting(engine.session.apply))
        monkeypatch.setattr(ui.tui.review_model, "apply", counting(ui.tui.review_model.apply))
        timeline = app.screen.query_one(Timeline)
        height = timeline.scrollable_content_region.height
        for key in ("down", "up", "right", "left", "end", "home"):
            folded.clear()
            drawn = timeline.drawn
            await pilot.press(key)
            await pilot.pause()
            assert timeline.drawn - drawn <= height, key  # only lines on screen
            assert len(folded) < 256, key  # from the nearest checkpoint at most
            assert screen.state is not None and screen.state.events == screen.seq
        folded.clear()
        await pilot.press("down")  # one step forward folds one event
        assert len(folded) == 1


@run_async
async def test_b_branches_from_the_event_under_review_and_plays_on(workdir: Path) -> None:
    from ui.tui.screens.console import ConsoleScreen

    save = finished_save(workdir)
    engine = replayed(save)
    patrol = seq_of(engine, DecisionRecorded, team="south")
    app = review(workdir, save)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        for _ in range(2, patrol):
            await pilot.press("down")
        assert screen.seq == patrol - 1  # just before south sent the patrol
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        branch = read(app.screen.controller.path)
        assert branch.header.fork == patrol - 1 and branch.header.parent == str(save.resolve())
        assert "south" not in app.screen.controller.state.delivery(1).decisions  # undone
        app.screen.controller.decide("south", 1, "share-tracks")  # what if it had shared?
        assert read(app.screen.controller.path).records[-2].event.option == "share-tracks"


@run_async
async def test_a_withdrawn_event_reads_as_withdrawn_in_the_timeline(workdir: Path) -> None:
    from engine.commands import Withdraw

    live = saved.start(load("exercises/drill.yaml"), seed=7, bots=frozenset(),
                       mode="facilitate", path=workdir / "saves" / "c.jsonl", fsync=False)
    try:
        live.session.execute(Decide("north", delivery=1, option="patrol"))
        wrong = seq_of(live.session, DecisionRecorded, team="north")
        live.session.execute(Withdraw(wrong, "keyed for the wrong team"))
    finally:
        live.close()
    app = review(workdir, Path(live.path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = [" ".join(s.text.split()) for s in app.screen.query_one(Timeline)
                 .render_lines(app.screen.query_one(Timeline).region.reset_offset)]
        assert any(f"✗ {wrong} T1 #1 north chose" in line for line in lines), lines
        assert any(f"T1 correction: event {wrong} withdrawn" in line for line in lines)
