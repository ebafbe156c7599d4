"""`ttx msel`: the MSEL as a spreadsheet and back. Exported workbooks round-trip every
inject; a planner's own sheet, with its own column names, becomes a script that
plays; merging a sheet back changes exactly the cells that were edited; every
problem names its cell, and nothing a file holds can raise a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from engine.loader import load
from engine.script import Exercise, Inject
from tests.aar.test_report import ROOT
from ui.cli import main as ttx

BUNDLED = sorted((ROOT / "exercises").glob("*.yaml"))
FIELDS = ("id", "turn", "to", "channel", "from_", "title", "text", "expected", "objectives")


def fields(inject: Inject) -> dict[str, Any]:
    return {f: getattr(inject, f) for f in FIELDS}


def injects(ex: Exercise) -> dict[str, dict[str, Any]]:
    return {i.id: fields(i) for i in ex.injects}


def exported(script: Path, tmp_path: Path, suffix: str = ".xlsx") -> Path:
    target = tmp_path / f"{script.stem}{suffix}"
    assert ttx(["msel", "export", str(script), "-o", str(target)]) == 0
    return target


def edit_cells(book: Path, changes: dict[tuple[str, str], Any]) -> None:
    """Set (inject id, column header) cells of an exported workbook's MSEL sheet."""
    wb = load_workbook(book)
    ws = wb["MSEL"]
    columns = {c.value: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):
        for (ident, header), value in changes.items():
            if ws.cell(row, 1).value == ident:
                ws.cell(row, columns[header]).value = value
    wb.save(book)


def workbook(path: Path, rows: list[list[Any]], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("script", BUNDLED, ids=lambda p: p.stem)
def test_export_then_import_gives_back_the_same_injects(script: Path, tmp_path: Path) -> None:
    book = exported(script, tmp_path)
    made = tmp_path / "made.yaml"
    assert ttx(["msel", "import", str(book), "-o", str(made)]) == 0
    original, back = load(script).exercise, load(made).exercise
    assert injects(back) == injects(original)
    assert [(t.id, t.name, t.role) for t in back.teams] == \
        [(t.id, t.name, t.role) for t in original.teams]
    assert [(o.id, o.title, o.capability, o.weight) for o in back.objectives] == \
        [(o.id, o.title, o.capability, o.weight) for o in original.objectives]
    assert back.turn_labels == original.turn_labels


@pytest.mark.parametrize(("script", "suffix"), [(p, ".xlsx") for p in BUNDLED]
                         + [(BUNDLED[0], ".csv")], ids=lambda v: getattr(v, "stem", v))
def test_merging_the_export_into_its_script_changes_nothing(script: Path, suffix: str,
                                                            tmp_path: Path, capsys) -> None:
    copy = tmp_path / script.name
    shutil.copy(script, copy)
    sheet = exported(script, tmp_path, suffix)
    assert ttx(["msel", "import", str(sheet), "--into", str(copy)]) == 0
    assert copy.read_bytes() == script.read_bytes()
    assert "no changes" in capsys.readouterr().out


def test_three_edited_cells_change_exactly_those_three_fields(tmp_path: Path) -> None:
    script = tmp_path / "tidewater.yaml"
    shutil.copy(ROOT / "exercises" / "tidewater.yaml", script)
    before = load(script).exercise
    book = exported(script, tmp_path)
    edit_cells(book, {("landfall", "Title"): "Typhoon Mirel hits Port Sarenne",
                      ("first-assessment", "Text"): "Line one.\nLine two: with a colon.",
                      ("airport-closed", "To"): "kestava; Arlen Joint Task Force / morvay, hcc"})
    assert ttx(["msel", "import", str(book), "--into", str(script)]) == 0
    after = load(script).exercise
    changed = {(i.id, f) for i, j in zip(before.injects, after.injects, strict=True)
               for f in Inject.model_fields if getattr(i, f) != getattr(j, f)}
    assert changed == {("landfall", "title"), ("first-assessment", "text"),
                       ("airport-closed", "to")}
    assert after.inject("airport-closed").to == ["kestava", "arlen", "morvay", "hcc"]  # type: ignore[union-attr]
    assert after.model_dump(exclude={"injects"}) == before.model_dump(exclude={"injects"})
    old = (ROOT / "exercises" / "tidewater.yaml").read_text().splitlines()
    new = script.read_text().splitlines()
    assert len(new) == len(old) - 1  # a 3-line text became a 2-line one; comments all kept
    assert [line for line in old if line.lstrip().startswith("#")] == \
        [line for line in new if line.lstrip().startswith("#")]


def test_new_rows_are_added_missing_injects_reported_and_check_writes_nothing(
        tmp_path: Path, capsys) -> None:
    script = tmp_path / "s.yaml"
    shutil.copy(ROOT / "exercises" / "pacific-shield.yaml", script)
    book = exported(script, tmp_path)
    wb = load_workbook(book)
    ws = wb["MSEL"]
    ws.delete_rows(3)  # the second inject in delivery order
    ws.append(["port-visit", 6, None, "Calder Navy", "northmark, tarrow", "email",
               "A port visit is offered", "Calder offers Port Verrin for a crew rest.", None,
               "command-relationship"])
    wb.save(book)
    assert ttx(["msel", "import", str(book), "--into", str(script), "--check"]) == 0
    out = capsys.readouterr().out
    assert "added port-visit: A port visit is offered" in out
    assert "not in the sheet (kept): link-gateway" in out and "nothing written" in out
    assert script.read_bytes() == (ROOT / "exercises" / "pacific-shield.yaml").read_bytes()
    assert ttx(["msel", "import", str(book), "--into", str(script)]) == 0
    ex = load(script).exercise
    assert ex.inject("link-gateway") is not None
    added = ex.inject("port-visit")
    assert added is not None and (added.turn, added.to) == (6, ["northmark", "tarrow"])


# ------------------------------------------------------------------ the workbook


def test_the_workbook_is_for_people(tmp_path: Path) -> None:
    ex = load(ROOT / "exercises" / "iron-relay.yaml").exercise
    wb = load_workbook(exported(ROOT / "exercises" / "iron-relay.yaml", tmp_path))
    assert wb.sheetnames == ["MSEL", "Teams", "Objectives"]
    ws = wb["MSEL"]
    assert [c.value for c in ws[1]] == ["Inject #", "Turn", "Turn label", "From", "To",
                                        "Channel", "Title", "Text", "Expected action",
                                        "Objectives", "Capabilities", "Trigger",
                                        "Follow-up of", "Notes"]
    assert ws.freeze_panes == "A2" and ws["H2"].alignment.wrap_text
    assert ws.column_dimensions["H"].width > ws.column_dimensions["B"].width
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    turns = [r[1] for r in rows]
    scheduled = [t for t in turns if t is not None]
    assert scheduled == sorted(scheduled) and turns[: len(scheduled)] == scheduled
    by_id = {r[0]: r for r in rows}
    assert by_id["inner-circle-revealed"][11] == \
        "Kingdom of Aldmere chose “Share with Brisca only” on “National indicators”" or \
        "chose" in by_id["inner-circle-revealed"][11]
    assert by_id["source-burned"][12]  # a follow-up names what leads to it
    assert [r[0] for r in wb["Teams"].iter_rows(min_row=2, values_only=True)] == ex.team_ids
    assert len(list(wb["Objectives"].iter_rows(min_row=2))) == len(ex.objectives)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    script = tmp_path / "f.yaml"
    script.write_text("format: ttx/1\nid: f\ntitle: F\nturns: 1\nteams: [{id: a, name: A}]\n"
                      "injects:\n  - {id: i, title: '=HYPERLINK(\"http://x\")', turn: 1, "
                      "text: '@SUM(A1)'}\n", encoding="utf-8")
    for suffix in (".xlsx", ".csv"):
        sheet = exported(script, tmp_path, suffix)
        if suffix == ".xlsx":
            cell = load_workbook(sheet)["MSEL"]["G2"]
            assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
        else:
            assert "'=HYPERLINK" in sheet.read_text(encoding="utf-8")
        made = tmp_path / f"made{suffix}.yaml"
        assert ttx(["msel", "import", str(sheet), "-o", str(made)]) == 0
        assert injects(load(made).exercise) == injects(load(script).exercise)


# ------------------------------------------------------------------ planners' sheets


PLANNER_CSV = Path(__file__).parent / "data" / "county-flood.csv"  # as a planner wrote it


def test_a_planners_csv_with_its_own_column_names_becomes_a_script_that_plays(
        tmp_path: Path) -> None:
    sheet = tmp_path / "county-flood.csv"
    shutil.copy(PLANNER_CSV, sheet)
    made = tmp_path / "flood.yaml"
    assert ttx(["msel", "import", str(sheet), "-o", str(made)]) == 0
    text = made.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    ex = load(made).exercise
    assert ex.turns == 3 and ex.turn_labels == ["Day 1 0800", "Day 1 1400", "Day 2 0800"]
    assert ex.team_ids == ["fire", "police", "public-works"]
    first = ex.injects[0]
    assert (first.id, first.turn, first.to, first.channel, first.from_) == (
        "inject-1", 1, ["fire", "police"], "Phone", "County EOC")
    assert first.facilitator_notes == "Prompt if no warning in 10 min"
    assert first.objectives == ["operational-coordination"]
    assert ex.injects[3].to is None  # "all"
    assert ttx(["run", str(made), "--save", str(tmp_path / "s.jsonl")]) == 0


def test_a_planners_workbook_with_move_numbers_and_other_aliases(tmp_path: Path) -> None:
    book = workbook(tmp_path / "msel.xlsx", [
        ["Control Number", "Move", "From Org", "To Org", "Method", "Title", "Inject",
         "Expected Outcome", "Objective", "Notes"],
        ["A-01", 1, "NDMA", "Navy, Coast Guard", "radio", "Storm warning",
         "A storm is coming.\nSecure the harbour.", "Boats in by dusk", "Warning", None],
        [None, None, None, None, None, None, None, None, None, None],  # a blank spacer row
        ["A-02", 2.0, "NDMA", "Coast Guard", "radio", "Boat missing",
         "A fishing boat is missing.", "Search", "Search and rescue", "Has a radio?"],
    ], title="MSEL")
    made = tmp_path / "m.yaml"
    assert ttx(["msel", "import", str(book), "-o", str(made)]) == 0
    ex = load(made).exercise
    assert [(i.id, i.turn) for i in ex.injects] == [("a-01", 1), ("a-02", 2)]
    assert ex.injects[0].text == "A storm is coming.\nSecure the harbour."
    assert "text: |-" in made.read_text(encoding="utf-8")  # a block scalar, for people
    assert [o.title for o in ex.objectives] == ["Warning", "Search and rescue"]


# ------------------------------------------------------------------ problems


def test_every_problem_names_its_cell_all_at_once(tmp_path: Path, capsys) -> None:
    book = workbook(tmp_path / "bad.xlsx", [
        ["Inject #", "Turn", "To", "Title", "Text"],
        ["a", "two", "north", "A", "Text A"],
        ["b", 0, "north", "B", "Text B"],
        ["a", 1, "north", "C", None],
    ], title="MSEL")
    assert ttx(["msel", "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert f"{book}:MSEL!B2: turn 'two' is not a whole number" in err
    assert f"{book}:MSEL!B3: turn 0 is out of range (1 to 1000)" in err
    assert f"{book}:MSEL!A4: duplicate inject number 'a' (also in row 2)" in err
    assert f"{book}:MSEL!E4: empty text" in err
    assert "4 problem(s); nothing written" in err and "Traceback" not in err
    assert not (tmp_path / "bad.yaml").exists()


def test_an_unknown_team_merging_into_a_script_names_its_cell(tmp_path: Path, capsys) -> None:
    script = tmp_path / "s.yaml"
    shutil.copy(ROOT / "exercises" / "iron-relay.yaml", script)
    sheet = exported(script, tmp_path, ".csv")
    text = sheet.read_text(encoding="utf-8").replace(",aldmere,", ",narnia,", 1)
    sheet.write_text(text, encoding="utf-8")
    assert ttx(["msel", "import", str(sheet), "--into", str(script)]) == 1
    err = capsys.readouterr().err
    assert "unknown team 'narnia'" in err and f"{sheet}:" in err
    line, col = err.split(f"{sheet}:")[1].split(":")[:2]
    assert int(line) > 1 and int(col) == 5  # the To column
    assert script.read_bytes() == (ROOT / "exercises" / "iron-relay.yaml").read_bytes()


def test_a_missing_required_column(tmp_path: Path, capsys) -> None:
    sheet = tmp_path / "cols.csv"
    sheet.write_text("Title,To\nA,north\n", encoding="utf-8")
    assert ttx(["msel", "import", str(sheet)]) == 1
    assert f"{sheet}:1:1: missing required column: Turn" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "content", "says"), [
    ("noise.xlsx", b"just some text, not a workbook", "not a spreadsheet"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
     "encrypted workbook or an old .xls"),
    ("broken.xlsx", b"PK\x03\x04" + b"\0" * 64, "not a readable .xlsx workbook"),
    ("binary.csv", b"a,b\x00c\n", "not a CSV file"),
    ("latin.csv", "Turn,Text\n1,caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
])
def test_files_that_are_not_spreadsheets_are_messages(tmp_path: Path, capsys, name: str,
                                                      content: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert ttx(["msel", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_formula_is_never_evaluated(tmp_path: Path, capsys) -> None:
    book = workbook(tmp_path / "f.xlsx", [["Turn", "Text"], [1, "=1+1"]], title="MSEL")
    assert ttx(["msel", "import", str(book)]) == 1
    assert f"{book}:MSEL!B2: a formula with no computed value" in capsys.readouterr().err


def test_merging_needs_the_inject_number_column(tmp_path: Path, capsys) -> None:
    sheet = tmp_path / "nums.csv"
    sheet.write_text("Turn,Title,Text\n1,A,Some text\n", encoding="utf-8")
    script = tmp_path / "s.yaml"
    shutil.copy(ROOT / "exercises" / "iron-relay.yaml", script)
    assert ttx(["msel", "import", str(sheet), "--into", str(script)]) == 1
    assert f"{sheet}:1:1: missing required column: Inject #" in capsys.readouterr().err


# ------------------------------------------------------------------ any text at all

_TEXT = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]) | st.just("\n"),
                max_size=60).filter(lambda t: t.strip() != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _TEXT, st.none() | _TEXT, st.none() | _TEXT),
                min_size=1, max_size=4))
def test_any_text_round_trips_through_a_workbook_and_a_csv(rows: list[tuple[Any, ...]]) -> None:
    script = {"format": "ttx/1", "id": "any", "title": "Any", "turns": 2,
              "teams": [{"id": "a", "name": "A, the first"}, {"id": "b", "name": "B"}],
              "injects": [{"id": f"i{n}", "title": title, "turn": 1 + n % 2, "text": text,
                           **({"expected": expected} if expected else {}),
                           **({"from": sender} if sender else {})}
                          for n, (title, text, expected, sender) in enumerate(rows)]}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "any.yaml"
        path.write_text(yaml.safe_dump(script, allow_unicode=True), encoding="utf-8")
        original = injects(load(path).exercise)
        for suffix in (".xlsx", ".csv"):
            sheet = exported(path, folder, suffix)
            made = folder / f"made{suffix}.yaml"
            assert ttx(["msel", "import", str(sheet), "-o", str(made), "--force"]) == 0
            assert injects(load(made).exercise) == original
            before = path.read_bytes()
            assert ttx(["msel", "import", str(sheet), "--into", str(path)]) == 0
            assert path.read_bytes() == before


def test_a_turn_past_the_scripts_last_is_refused_at_its_cell(tmp_path: Path, capsys) -> None:
    script = tmp_path / "s.yaml"
    shutil.copy(ROOT / "exercises" / "common-ground.yaml", script)
    book = exported(script, tmp_path)
    edit_cells(book, {("cost-overrun", "Turn"): 9})
    assert ttx(["msel", "import", str(book), "--into", str(script)]) == 1
    assert f"{book}:MSEL!B2: turn 9 is past the script's last turn (7)" in \
        capsys.readouterr().err
