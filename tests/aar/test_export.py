"""`ttx export`: decisions, ratings and metrics per turn as flat tables that load as
they are into a spreadsheet (CSV) or pandas (JSON records)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from engine.events import DecisionRecorded, NoDecision, Rated
from engine.export import DECISION_COLUMNS, METRIC_COLUMNS, RATING_COLUMNS, tables
from engine.store import read
from tests.aar.conftest import Played
from tests.aar.test_report import ttx


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_files_have_one_row_per_fact(drill: Played, tmp_path: Path) -> None:
    out = tmp_path / "export"
    done = ttx("export", str(drill.save), "-o", str(out))
    assert done.returncode == 0, done.stderr
    save = read(drill.save)
    decisions = read_csv(out / "decisions.csv")
    assert len(decisions) == sum(isinstance(r.event, DecisionRecorded | NoDecision)
                                 for r in save.records)
    assert [(d["turn"], d["team"], d["option"], d["by"]) for d in decisions] == [
        ("1", "alpha", "hf", "person"), ("1", "bravo", "wait", "person"),
        ("2", "alpha", "share-now", "person"), ("2", "bravo", "keep", "person"),
        ("3", "alpha", "", "none"), ("3", "bravo", "", "none")]  # nobody answered `wrap`
    assert decisions[1]["option_label"] == "Wait for the repair"
    assert decisions[1]["changes"] == "trust[bravo] 50->40"
    ratings = read_csv(out / "ratings.csv")
    assert len(ratings) == sum(isinstance(r.event, Rated) for r in save.records)
    assert [(r["team"], r["objective"], r["rating"], r["score"], r["source"])
            for r in ratings] == [("alpha", "comms", "P", "4", "option"),
                                  ("bravo", "comms", "U", "1", "option"),
                                  ("alpha", "share", "S", "3", "evaluator"),
                                  ("alpha", "share", "P", "4", "option"),
                                  ("bravo", "share", "M", "2", "option"),
                                  ("bravo", "comms", "S", "3", "evaluator")]


def test_csv_headers_are_the_documented_columns(drill: Played, tmp_path: Path) -> None:
    ttx("export", str(drill.save), "-o", str(tmp_path))
    for name, columns in (("decisions", DECISION_COLUMNS), ("ratings", RATING_COLUMNS),
                          ("metrics", METRIC_COLUMNS)):
        header = (tmp_path / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(columns)


def test_metrics_per_turn_are_the_history_in_long_form(drill: Played, tmp_path: Path) -> None:
    ttx("export", str(drill.save), "-o", str(tmp_path))
    rows = read_csv(tmp_path / "metrics.csv")
    history = drill.session.state.history
    # (start + 3 turns) x (2 team metrics x 2 teams + 1 global metric)
    assert len(rows) == 4 * 5
    for row in rows:
        team = row["team"] or None
        assert int(row["value"]) == history[int(row["turn"])][(row["metric"], team)]
    assert {r["turn_label"] for r in rows} == {"Start", "Day 1", "Day 2", "Day 3"}


def test_json_holds_the_same_tables(drill: Played, tmp_path: Path) -> None:
    ttx("export", str(drill.save), "--format", "json", "-o", str(tmp_path / "j"))
    ttx("export", str(drill.save), "-o", str(tmp_path / "c"))
    for name in ("decisions", "ratings", "metrics"):
        records = json.loads((tmp_path / "j" / f"{name}.json").read_text(encoding="utf-8"))
        rows = read_csv(tmp_path / "c" / f"{name}.csv")
        assert len(records) == len(rows)
        assert all(set(r) == set(c) for r, c in zip(records, rows, strict=True))
        assert [str(r["turn"]) for r in records] == [c["turn"] for c in rows]


def test_json_to_stdout_matches_the_engine_tables(drill: Played) -> None:
    done = ttx("export", str(drill.save), "--format", "json", "-o", "-")
    assert done.returncode == 0, done.stderr
    state = drill.session.state
    expected = tables(drill.script.exercise, drill.session.records, state)
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))
    assert ttx("export", str(drill.save), "-o", "-").returncode == 2  # CSV is many files


def test_a_persons_undecided_delivery_is_a_row_marked_none(tmp_path: Path) -> None:
    from engine.commands import Decide
    from tests.aar.conftest import play, write_drill

    played = play(write_drill(tmp_path), tmp_path / "s.jsonl",
                  [[Decide("alpha", inject="outage", option="hf")]])
    rows = tables(played.script.exercise, played.session.records, played.session.state)
    bravo = [r for r in rows["decisions"] if r["team"] == "bravo"]
    assert [(r["inject"], r["by"], r["option"]) for r in bravo] == [("outage", "none", None)]


def test_notes_and_hot_wash_are_a_table_of_their_own(tmp_path: Path) -> None:
    from engine.commands import Note
    from tests.aar.conftest import play, write_drill

    played = play(write_drill(tmp_path), tmp_path / "s.jsonl",
                  [[Note("radio discipline slipped", "note", "alpha"),
                    Note("we should have called earlier", "hotwash")]])
    done = ttx("export", str(played.save), "-o", str(tmp_path / "c"))
    assert done.returncode == 0, done.stderr
    rows = read_csv(tmp_path / "c" / "notes.csv")
    assert [(r["turn"], r["kind"], r["team"], r["text"]) for r in rows] == [
        ("1", "note", "alpha", "radio discipline slipped"),
        ("1", "hotwash", "", "we should have called earlier")]
    done = ttx("export", str(played.save), "--format", "json", "-o", "-")
    assert [n["text"] for n in json.loads(done.stdout)["notes"]] == [
        "radio discipline slipped", "we should have called earlier"]
    done = ttx("replay", str(played.save), "--json")
    assert json.loads(done.stdout)["notes"] == [
        {"turn": 1, "kind": "note", "team": "alpha", "text": "radio discipline slipped"},
        {"turn": 1, "kind": "hotwash", "team": None, "text": "we should have called earlier"}]


def test_csv_cells_never_read_as_formulas_and_numbers_stay_numbers(tmp_path: Path) -> None:
    """OWASP's CSV injection guidance: a text cell starting with = + - @ tab or CR is
    prefixed with a quote; numeric cells (a negative metric too) are left alone."""
    from engine.commands import Decide, Note, Rate
    from tests.aar.conftest import play, write_drill

    texts = ["=HYPERLINK(\"http://x\")", "+1+1", "-2-2", "@SUM(A1)", "\tx"]
    played = play(write_drill(tmp_path), tmp_path / "s.jsonl",
                  [[Decide("alpha", inject="outage", response=t) for t in texts[:1]]
                   + [Note(t) for t in texts[1:]]
                   + [Rate("bravo", "comms", "S", note="=1+1")]])
    out = tmp_path / "c"
    assert ttx("export", str(played.save), "-o", str(out)).returncode == 0
    notes = [r["text"] for r in read_csv(out / "notes.csv")]
    assert notes == ["'" + t for t in texts[1:]]
    assert read_csv(out / "decisions.csv")[0]["response"] == "'" + texts[0]
    assert read_csv(out / "ratings.csv")[-1]["note"] == "'=1+1"
    from ui.cli.export_files import cell

    assert (cell(-3), cell(-2.5), cell(0), cell("-3"), cell("\rx"), cell(None)) == (
        -3, -2.5, 0, "'-3", "'\rx", "")


def test_export_without_output_writes_next_to_the_save(drill: Played, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = ttx("export", str(drill.save), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert (drill.save.with_name(drill.save.stem + "-export") / "decisions.csv").exists()
    assert list(elsewhere.iterdir()) == []
