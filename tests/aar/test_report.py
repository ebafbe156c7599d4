"""`ttx report`: an HSEEP after-action report / improvement plan whose every number can
be traced to the save it was made from."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from engine import aar
from engine.commands import Decide
from engine.store import read
from tests.aar.conftest import DRILL, STANDARD, Played, play, write_drill
from ui.report.render import md, render
from ui.tui.review import open_review

ROOT = Path(__file__).resolve().parents[2]


def ttx(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def report_of(played: Played) -> aar.AfterActionReport:
    return open_review(str(played.save)).report


def markdown_of(played: Played) -> str:
    return render(report_of(played), "md")


def section(text: str, heading: str) -> str:
    """The Markdown between `heading` and the next heading of the same or higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1:]
    stop = re.search(rf"^#{{1,{len(level)}}} ", rest, flags=re.M)
    return rest[: stop.start()] if stop else rest


def table_rows(block: str) -> list[list[str]]:
    rows = [line for line in block.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]
    return [r for r in cells[2:]]  # skip the header and the --- line


# ------------------------------------------------------------------ the data model


def test_overview_is_the_scripts_exercise_block_and_how_the_session_ran(
        drill: Played) -> None:
    o = report_of(drill).overview
    save = read(drill.save)
    assert (o.exercise, o.title, o.kind, o.minutes) == ("drill", "Harbour Drill", "tabletop",
                                                        120)
    assert o.mission_areas == ("Response",) and o.sponsor == "Joint Harbour Command"
    assert o.contact == ("Cdr A. Example", "Exercise director", "director@example.org")
    assert o.assumptions == ("The outage lasts the whole exercise.",)
    assert o.capabilities == ("Intelligence and Information Sharing",
                              "Operational Communications", "Planning")
    assert o.conducted == save.header.created
    assert [(t.id, t.played_by) for t in o.teams] == [("alpha", "person"), ("bravo", "person")]
    assert (o.turns_played, o.turns, o.ended, o.end_reason) == (3, 3, True, "last_turn")


def test_engine_details_are_kept_for_the_appendix(drill: Played) -> None:
    e = report_of(drill).engine
    save = read(drill.save)
    assert (e.seed, e.mode) == (11, "facilitate")
    assert e.events == len(save.records) == len(drill.session.records)
    assert e.head == save.head and e.script_sha256 == save.header.script_sha256


def test_the_final_rating_is_the_evaluators_over_any_suggestion(drill: Played) -> None:
    by_id = {o.id: o for o in report_of(drill).objectives}
    share = {r.team: r for r in by_id["share"].ratings}
    assert (share["alpha"].rating, share["alpha"].by) == ("S", "evaluator")  # not the P after
    assert [(st.rating, st.by) for st in share["alpha"].steps] == [("S", "evaluator"),
                                                                   ("P", "option")]
    comms = {r.team: r for r in by_id["comms"].ratings}
    assert (comms["bravo"].rating, comms["bravo"].by) == ("S", "evaluator")
    assert [s.rating for s in comms["bravo"].steps] == ["U", "S"]
    assert (share["bravo"].rating, share["bravo"].by) == ("M", "option")
    assert all(r.rating is None and r.label == "Not rated" for r in by_id["plan"].ratings)
    assert by_id["comms"].injects == ("Satellite link down",)


def test_critical_tasks_observed_are_the_evaluators_record(drill: Played) -> None:
    comms = next(o for o in report_of(drill).objectives if o.id == "comms")
    assert comms.critical_tasks == ("Fall back to HF within 15 minutes",
                                    "Tell every partner of the outage")
    rows = {r.team: r for r in comms.ratings}
    assert rows["bravo"].observed == ("Fall back to HF within 15 minutes",)
    assert rows["alpha"].observed == ()  # rated by an option: nobody recorded tasks


def test_observations_carry_their_evidence_in_the_log(drill: Played) -> None:
    report = report_of(drill)
    records = {r.seq: r.event for r in read(drill.save).records}
    share = next(o for o in report.objectives if o.id == "share")
    bravo = next(f for f in share.improvements if f.team == "bravo")
    chose, hotwash = bravo.evidence
    assert chose.text == "Chose “Keep it national” on “Unknown contact”"
    assert getattr(records[chose.seq], "option", None) == "keep"  # the decision itself
    assert hotwash.text == "Hot wash: We waited for the lead nation before sharing."
    assert getattr(records[hotwash.seq], "objective", None) == "share"
    assert "Name one picture manager" in bravo.analysis  # what was expected


def test_strengths_and_areas_for_improvement_follow_the_final_ratings(drill: Played) -> None:
    report = report_of(drill)
    strengths = {(f.team, f.objective, f.rating) for f in report.strengths}
    improvements = {(f.team, f.objective, f.rating) for f in report.improvements}
    assert strengths == {("alpha", "comms", "P"), ("alpha", "share", "S"),
                         ("bravo", "comms", "S")}
    assert improvements == {("bravo", "share", "M")}


def test_the_recommendation_is_the_objectives_improvement_or_to_be_decided(
        drill: Played, tmp_path: Path) -> None:
    (finding,) = report_of(drill).improvements
    assert finding.recommendation == "Name a coalition picture manager in the standing plan."
    text = write_drill(tmp_path, DRILL.replace(
        " improvement: Name a coalition picture manager in the standing plan.", ""),
        name="bare.yaml")
    bare = play(text, tmp_path / "bare.jsonl", STANDARD)
    (finding,) = report_of(bare).improvements
    assert finding.recommendation == aar.TO_BE_DECIDED


def test_the_plan_merges_rows_per_issue_and_leaves_dates_blank(tmp_path: Path) -> None:
    both_keep = [STANDARD[0], [Decide("alpha", inject="contact", option="keep"),
                               Decide("bravo", inject="contact", option="keep")], []]
    played = play(write_drill(tmp_path), tmp_path / "keep.jsonl", both_keep)
    plan = {row.objective: row for row in report_of(played).plan}
    assert list(plan) == ["share", "comms"]  # bravo waited on the outage too: U on comms
    row = plan["share"]
    assert (row.objective, row.teams, row.ratings) == ("share", ("alpha", "bravo"),
                                                       ("M", "M"))
    assert row.organisations == ("Alpha Navy", "Bravo Coast Guard")
    assert row.capability == "Intelligence and Information Sharing"
    assert row.element == "Planning" and row.element in aar.POETE
    assert row.corrective_action == "Name a coalition picture manager in the standing plan."
    assert (row.contact, row.start, row.completion) == ("", "", "")


def test_bot_played_teams_are_marked_and_kept_out_of_the_plan(tmp_path: Path) -> None:
    played = play(write_drill(tmp_path), tmp_path / "bot.jsonl",
                  [[Decide("alpha", inject="outage", option="hf")],
                   [Decide("alpha", inject="contact", option="keep")], []],
                  bots=frozenset({"bravo"}))
    report = report_of(played)
    assert all(f.bot for f in report.improvements if f.team == "bravo")
    assert [p.teams for p in report.plan] == [("alpha",)]
    assert all(not f.bot for f in (*report.summary.strengths, *report.summary.improvements))
    bravo = next(t for t in report.overview.teams if t.id == "bravo")
    assert bravo.played_by == "bot" and bravo.plays == "chooses among its options at random"


def test_the_executive_summary_says_what_was_exercised_and_how_it_went(
        drill: Played) -> None:
    s = report_of(drill).summary
    assert s.exercised.startswith("This tabletop exercise (Response) exercised 3 objectives "
                                  "and 3 core capabilities")
    assert "with 2 teams, over 3 of 3 turns" in s.exercised
    assert "Of 6 team-objective pairs played by people, 4 were rated" in s.picture
    assert "3 met the objective" in s.picture and "1 fell short" in s.picture
    # P before S; then the heavier objective (share weighs 2)
    assert [(f.team, f.objective) for f in s.strengths] == [
        ("alpha", "comms"), ("alpha", "share"), ("bravo", "comms")]
    assert [(f.team, f.objective) for f in s.improvements] == [("bravo", "share")]


def test_the_conclusion_names_what_was_met_planned_and_never_evaluated(
        drill: Played) -> None:
    conclusion = report_of(drill).conclusion
    assert "Every team rated met “Keep comms up”." in conclusion
    assert "carries “Share the picture”" in conclusion
    assert "No evaluation was recorded for “Plan the boarding”" in conclusion


def test_hot_wash_notes_keep_the_team_and_objective_they_are_about(drill: Played) -> None:
    report = report_of(drill)
    assert [(n.team, n.objective_title, n.text) for n in report.hotwash] == [
        (None, None, "HF worked; the satellite plan did not."),
        ("bravo", "Share the picture", "We waited for the lead nation before sharing.")]


def test_zero_to_ten_scale_plans_for_half_or_less() -> None:
    from engine.loader import parse_script

    ex = parse_script("format: ttx/1\nid: x\ntitle: X\nturns: 1\nscale: \"0-10\"\n"
                      "teams: [{id: a, name: A}]\ninjects: [{id: i, title: I, turn: 1}]\n")
    assert aar.needs_improvement(ex, 5) and aar.needs_improvement(ex, 0)
    assert not aar.needs_improvement(ex, 6)
    assert aar.rating_label(ex, 7) == "7 out of 10"


def test_timeline_lists_injects_and_decisions_in_log_order(drill: Played) -> None:
    entries = report_of(drill).timeline
    injects = [(e.turn, e.title) for e in entries if e.kind == "inject"]
    assert injects == [(1, "Satellite link down"), (2, "Unknown contact"), (3, "End of play")]
    decisions = [(e.turn, e.team, e.detail.split("”")[0].lstrip("“"))
                 for e in entries if e.kind == "decision"]
    assert decisions == [(1, "alpha", "Fall back to HF"), (1, "bravo", "Wait for the repair"),
                         (2, "alpha", "Share the track now"), (2, "bravo", "Keep it national")]
    assert entries[-1].kind == "end"
    seqs = [e.seq for e in entries]
    assert seqs == sorted(seqs)


def test_charts_are_the_metric_history_per_team(drill: Played) -> None:
    report = report_of(drill)
    state = drill.session.state
    assert [c.team for c in report.charts] == ["alpha", "bravo", None]
    alpha = report.charts[0]
    assert alpha.x_labels == ("Start", "Day 1", "Day 2", "Day 3")
    series = {s.metric: s.values for s in alpha.series}
    assert series["trust"] == tuple(h[("trust", "alpha")] for h in state.history)
    assert series["trust"] == (60, 65, 60, 60)  # bravo kept the track: others -5
    assert series["fuel"] == (80, 75, 75, 75)  # the outage's own effect on the addressed
    assert {s.metric: s.values for s in report.charts[2].series}["interop"] == (40, 45, 55, 55)


# ------------------------------------------------------------------ Markdown


def test_markdown_has_the_hseep_sections_in_order(drill: Played) -> None:
    text = markdown_of(drill)
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["Executive summary", "1. Exercise overview",
                        "2. Analysis of core capabilities", "3. Conclusion",
                        "4. Hot wash and evaluator notes", "Appendix A: Improvement plan",
                        "Appendix B: Participants",
                        "Appendix C: Timeline of injects and decisions",
                        "Appendix D: Metrics by team",
                        "Appendix E: Engine details and verification"]


def test_engine_details_stay_out_of_the_body(drill: Played) -> None:
    text = markdown_of(drill)
    body = text[: text.index("## Appendix A")]
    save = read(drill.save)
    for detail in ("Seed", save.head, "random", "facilitate"):
        assert detail not in body, detail
    engine = dict((r[0], r[1]) for r in table_rows(
        section(text, "## Appendix E: Engine details and verification")))
    assert engine["Seed"] == "11" and engine["Head hash"] == f"`{save.head}`"
    assert f"ttx verify {drill.save} --head {save.head}" in text


def test_markdown_overview_holds_the_exercise_block(drill: Played) -> None:
    overview = dict((r[0], r[1]) for r in table_rows(section(markdown_of(drill),
                                                             "## 1. Exercise overview")))
    assert overview["Type"] == "tabletop"
    assert overview["Sponsor"] == "Joint Harbour Command"
    assert overview["Threat or hazard"] == "A satellite outage during a contact of interest."
    assert overview["Turns played"] == "3 of 3"
    assert overview["Participating organisations"] == "Alpha Navy, Bravo Coast Guard"


def test_markdown_metric_tables_hold_every_value(drill: Played) -> None:
    text = markdown_of(drill)
    bravo = table_rows(section(text, "### Bravo Coast Guard"))
    trust = next(r for r in bravo if r[0] == "Partner trust")
    state = drill.session.state
    assert [int(v) for v in trust[1:5]] == [h[("trust", "bravo")] for h in state.history]
    assert len(trust[5].strip("`")) == 4  # one sparkline bar per point


def test_markdown_plan_table_has_the_hseep_columns(drill: Played) -> None:
    block = section(markdown_of(drill), "## Appendix A: Improvement plan")
    header = next(line for line in block.splitlines() if line.startswith("|"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "Core capability", "Issue / area for improvement", "Corrective action",
        "Capability element", "Primary responsible organisation", "Organisation POC",
        "Start date", "Completion date"]
    (row,) = table_rows(block)
    assert row[4] == "Bravo Coast Guard" and row[5:] == ["", "", ""]
    assert row[2] == "Name a coalition picture manager in the standing plan."


def test_markdown_escapes_what_would_break_a_table() -> None:
    assert md("a | b") == "a \\| b"
    assert md("<b>x</b>") == "\\<b\\>x\\</b\\>"
    assert md("one\ntwo") == "one<br>two"
    assert md(None) == ""


# ------------------------------------------------------------------ HTML


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    return parser


def test_html_is_self_contained_with_one_chart_per_team_and_global(drill: Played) -> None:
    text = render(report_of(drill), "html")
    tags = parse_html(text)
    assert tags.scripts == 0
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing to fetch
    charts = [a for t, a in tags.tags if t == "figure" and a.get("class") == "chart"]
    assert [c["data-team"] for c in charts] == ["alpha", "bravo", ""]
    lines = [a for t, a in tags.tags if t == "polyline"]
    assert len(lines) == 2 + 2 + 1  # two team metrics per team, one global
    assert all(len(a["points"].split()) == 4 for a in lines)  # start + three turns
    assert sum(1 for t, a in tags.tags if t == "circle") == 5 * 4


def test_html_points_sit_at_their_values(drill: Played) -> None:
    """Each point's height is its value on the metric's range (0-100 here)."""
    report = report_of(drill)
    tags = parse_html(render(report, "html"))
    line = next(a for t, a in tags.tags if t == "polyline")  # alpha's trust
    ys = [float(p.split(",")[1]) for p in line["points"].split()]
    from ui.report.charts import layout

    l0 = layout(report.charts[0])
    values = [round((l0.bottom - y) / (l0.bottom - l0.top) * 100) for y in ys]
    assert values == [60, 65, 60, 60]


def test_html_verification_block_matches_the_save(drill: Played) -> None:
    text = render(report_of(drill), "html")
    save = read(drill.save)
    assert re.search(rf'id="event-count">{len(save.records)}<', text)
    assert re.search(rf'id="head-hash">{save.head}<', text)


def test_html_escapes_notes(drill: Played) -> None:
    text = render(report_of(drill), "html")
    assert "&lt;backup&gt;" in text and "<backup>" not in text


# ------------------------------------------------------------------ command line


def test_ttx_report_writes_files_and_stdout(drill: Played, tmp_path: Path) -> None:
    out = tmp_path / "out" / "aar.html"
    done = ttx("report", str(drill.save), "--format", "html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    done = ttx("report", str(drill.save))
    assert done.returncode == 0
    assert done.stdout.startswith("# After-Action Report / Improvement Plan: Harbour Drill")


def test_ttx_report_refuses_a_broken_save_without_a_traceback(tmp_path: Path,
                                                               drill: Played) -> None:
    done = ttx("report", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 1
    assert "cannot read" in done.stderr and "Traceback" not in done.stderr
    lines = drill.save.read_bytes().splitlines(keepends=True)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(b"".join(lines[:3]) + lines[3].replace(b'"turn":1', b'"turn":2')
                         + b"".join(lines[4:]))
    done = ttx("report", str(tampered))
    assert done.returncode == 1
    assert "tampered.jsonl:4" in done.stderr and "Traceback" not in done.stderr


def test_markdown_renders_as_tables_on_a_code_host(drill: Played) -> None:
    """Rendered as GitHub does (markdown-it's GFM preset): every table keeps its shape,
    and a note's `|` and `<backup>` stay text inside their cell."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("gfm-like").render(markdown_of(drill))
    tables = re.findall(r"<table>(.*?)</table>", html, flags=re.S)
    # overview, objectives, the ratings summary, 3 analyses, the plan, participants,
    # 3 metric charts, engine details
    assert len(tables) == 12
    for table in tables:
        widths = {len(re.findall(r"<t[hd][ >]", row))
                  for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)}
        assert len(widths) == 1, table[:200]
    assert "Recovered by noon | used the HF &lt;backup&gt;" in html


def test_html_hand_entered_ratings_are_legible_in_the_timeline(drill: Played) -> None:
    """The `.rating` badge is white text on a coloured background: an element with the
    class but no `rating-X` colour (the timeline entry of an evaluator rating was one)
    renders white on white."""
    text = render(report_of(drill), "html")
    tags = parse_html(text)
    badges = [a["class"].split() for t, a in tags.tags if "rating" in a.get("class", "").split()]
    assert badges and all(any(c.startswith("rating-") for c in b) for b in badges)
    entries = [a["class"] for t, a in tags.tags if t == "li" and a.get("class", "")
               .startswith("ev-")]
    assert "ev-rating" in entries  # the drill has an evaluator rating in its timeline
    assert "ol.timeline li.ev-rating" in text  # styled as an entry, not as a badge
