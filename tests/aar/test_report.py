"""`ttx report`: an HSEEP after-action report / improvement plan whose every number can
be traced to the save it was made from."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

from engine import aar
from engine.store import read
from tests.aar.conftest import Played
from ui.report import md, render
from ui.review import open_review

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


def test_overview_names_exercise_seed_teams_and_who_played_them(drill: Played) -> None:
    o = report_of(drill).overview
    save = read(drill.save)
    assert (o.exercise, o.title, o.seed, o.mode) == ("drill", "Harbour Drill", 11, "facilitate")
    assert o.conducted == save.header.created
    assert [(t.id, t.played_by) for t in o.teams] == [("alpha", "person"), ("bravo", "person")]
    assert (o.turns_played, o.turns, o.ended, o.end_reason) == (3, 3, True, "last_turn")


def test_event_count_and_head_hash_are_the_saves(drill: Played) -> None:
    o = report_of(drill).overview
    save = read(drill.save)
    assert o.events == len(save.records) == len(drill.session.records)
    assert o.head == save.head


def test_each_objective_shows_each_teams_latest_rating_and_its_history(drill: Played) -> None:
    report = report_of(drill)
    by_id = {o.id: o for o in report.objectives}
    comms = {r.team: r for r in by_id["comms"].ratings}
    assert comms["alpha"].rating == "P"
    assert comms["bravo"].rating == "S"  # the evaluator's later S replaces the option's U
    assert [s.rating for s in comms["bravo"].steps] == ["U", "S"]
    assert "Recovered by noon" in comms["bravo"].notes[0]
    assert {r.team: r.rating for r in by_id["share"].ratings} == {"alpha": "P", "bravo": "M"}
    assert all(r.rating is None and r.label == "Not rated" for r in by_id["plan"].ratings)
    assert by_id["comms"].injects == ("Satellite link down",)


def test_strengths_and_areas_for_improvement_follow_the_ratings(drill: Played) -> None:
    report = report_of(drill)
    strengths = {(f.team, f.objective, f.rating) for f in report.strengths}
    improvements = {(f.team, f.objective, f.rating) for f in report.improvements}
    assert strengths == {("alpha", "comms", "P"), ("alpha", "share", "P"),
                         ("bravo", "comms", "S")}
    assert improvements == {("bravo", "share", "M")}
    (bravo_share,) = report.improvements
    assert "Keep it national" in bravo_share.observation  # what the team chose
    assert "Name one picture manager" in bravo_share.analysis  # what was expected


def test_improvement_plan_is_prefilled_from_m_and_u_ratings(drill: Played) -> None:
    report = report_of(drill)
    save = read(drill.save)
    (row,) = report.plan
    assert (row.team, row.objective, row.rating) == ("bravo", "share", "M")
    assert row.organisation == "Bravo Coast Guard"
    assert row.element == "Planning"  # Intelligence and Information Sharing -> plans
    assert row.element in aar.POETE
    assert "Name one picture manager and share the track" in row.corrective_action
    due = date.fromisoformat(save.header.created[:10]) + timedelta(days=aar.DUE_AFTER_DAYS)
    assert row.completion == due.isoformat()
    assert row.contact == "" and row.start == ""


def test_zero_to_ten_scale_plans_for_half_or_less() -> None:
    ex_text = "scale: \"0-10\"\n"
    from engine.loader import parse_script

    ex = parse_script("format: ttx/1\nid: x\ntitle: X\nturns: 1\n" + ex_text +
                      "teams: [{id: a, name: A}]\ninjects: [{id: i, title: I, turn: 1}]\n")
    assert aar.needs_improvement(ex, 5) and aar.needs_improvement(ex, 0)
    assert not aar.needs_improvement(ex, 6)
    assert aar.rating_label(ex, 7) == "7 out of 10"


def test_timeline_lists_injects_and_decisions_in_log_order(drill: Played) -> None:
    entries = report_of(drill).timeline
    injects = [(e.turn, e.title) for e in entries if e.kind == "inject"]
    assert injects == [(1, "Satellite link down"), (2, "Unknown contact"), (3, "End of play")]
    decisions = [(e.turn, e.team, e.detail.split("\u201d")[0].lstrip("\u201c"))
                 for e in entries if e.kind == "decision"]
    assert decisions == [(1, "alpha", "Fall back to HF"), (1, "bravo", "Wait for the repair"),
                         (2, "alpha", "Share the track now"), (2, "bravo", "Keep it national")]
    # the option's own rating is told with its decision; the evaluator's stands alone
    assert "Rated P: Keep comms up." in next(e.detail for e in entries if e.kind == "decision")
    ratings = [e for e in entries if e.kind == "rating"]
    assert [(r.team, r.title) for r in ratings] == [("bravo", "Bravo Coast Guard rated S on "
                                                              "Keep comms up")]
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


def test_markdown_has_the_aar_sections_in_order(drill: Played) -> None:
    text = markdown_of(drill)
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["1. Exercise overview", "2. Objectives and core capabilities",
                        "3. Analysis of core capabilities", "4. Metrics by team",
                        "5. Timeline of injects and decisions", "6. Observations and hot wash",
                        "Appendix A: Improvement plan", "Appendix B: Verification"]


def test_markdown_numbers_match_the_save(drill: Played) -> None:
    text = markdown_of(drill)
    save = read(drill.save)
    verification = section(text, "## Appendix B: Verification")
    assert f"{len(save.records)} events" in verification
    assert save.head in verification
    overview = dict((r[0], r[1]) for r in table_rows(section(text, "## 1. Exercise overview")))
    assert overview["Seed"] == "11"
    assert overview["Turns played"] == "3 of 3"


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
        "Issue / area for improvement", "Corrective action", "Capability element",
        "Primary responsible organisation", "Point of contact", "Start date",
        "Completion date"]
    (row,) = table_rows(block)
    assert row[2] == "Planning" and row[3] == "Bravo Coast Guard"


def test_markdown_escapes_what_would_break_a_table() -> None:
    assert md("a | b") == "a \\| b"
    assert md("<b>x</b>") == "\\<b\\>x\\</b\\>"
    assert md("one\ntwo") == "one<br>two"
    assert md(None) == ""


def test_markdown_keeps_notes_with_pipes_inside_their_cell(drill: Played) -> None:
    text = markdown_of(drill)
    comms = table_rows(section(text, "### Keep comms up"))
    bravo = next(r for r in comms if r[0] == "Bravo Coast Guard")
    assert len(bravo) == 4
    assert "Recovered by noon \\| used the HF \\<backup\\>" in bravo[2]


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
    from ui.charts import layout

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
    # overview, organisations, objectives, 3 analyses, 3 metric charts, the plan
    assert len(tables) == 10
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
