"""The MSEL (master scenario events list) as a table, both ways.

Export: one row per inject in delivery order (turn, then file order; triggered and
follow-up injects after the scheduled ones, their trigger in words), plus the teams
and objectives. Import: rows from a planner's sheet, with the column names of the
HSEEP MSEL and of common tools matched case-insensitively, become a script's data,
or field changes to an existing script (matched by inject id). Spreadsheet I/O lives
in `ui/msel_files.py`; this module sees rows of plain values and a function that says
where a cell is, so every problem names its cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from .explain import condition_text
from .script import Exercise, Inject

COLUMNS = ("Inject #", "Turn", "Turn label", "From", "To", "Channel", "Title", "Text",
           "Expected action", "Objectives", "Capabilities", "Trigger", "Follow-up of", "Notes")
TEAM_COLUMNS = ("id", "name", "role")
OBJECTIVE_COLUMNS = ("id", "title", "capability", "weight")

# Canonical field -> the header names that mean it (compared lower-cased, spaces folded).
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("inject #", "msel #", "event #", "control number", "#", "inject number",
               "inject id", "id"),
    "turn": ("turn", "move"),
    "turn_label": ("turn label", "move label"),
    "time": ("time", "scenario time", "exercise date"),
    "from": ("from", "from org", "sender"),
    "to": ("to", "to org", "recipient", "recipients", "player", "players"),
    "channel": ("method", "delivery method", "channel"),
    "title": ("title", "subject"),
    "text": ("text", "description", "inject", "message", "script"),
    "expected": ("expected action", "expected player action", "expected outcome"),
    "objectives": ("objectives", "objective"),
    "capability": ("capability",),  # objectives, when a sheet has no objectives column
    "notes": ("notes", "controller notes", "facilitator notes"),
}
# Fields an import carries into a script's inject (the rest are for people to read).
CARRIED = ("turn", "from", "to", "channel", "title", "text", "expected", "objectives",
           "notes")
_KEY = {"from": "from", "notes": "facilitator_notes"}  # field -> script key, when not equal
ALL_TEAMS = {"all", "all teams", "everyone", "all players"}
MAX_TURN = 1000

Where = Callable[[str, int, int], str]  # (sheet, row, column), 1-based -> "FILE:SHEET!C7"


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Sheet:
    """A sheet as rows of plain cell values; row 1 holds the headers."""

    name: str
    rows: list[list[Any]]


# ------------------------------------------------------------------ export


def msel_rows(ex: Exercise) -> list[list[Any]]:
    """The MSEL sheet: headers, then one row per inject in delivery order."""
    order = sorted(range(len(ex.injects)), key=lambda i: (
        ex.injects[i].turn is None, ex.injects[i].turn or 0, i))
    callers = _callers(ex)
    caps = {o.id: o.capability for o in ex.objectives}
    rows: list[list[Any]] = [list(COLUMNS)]
    for i in order:
        inject = ex.injects[i]
        trigger = (condition_text(ex, inject.when) if inject.when is not None else
                   "follow-up only (named in an option's next)" if inject.follow_up else "")
        rows.append([
            inject.id, inject.turn if inject.turn is not None else None,
            ex.turn_label(inject.turn) if inject.turn is not None else None,
            inject.from_, ", ".join(inject.to) if inject.to is not None else None,
            inject.channel, inject.title, inject.text, inject.expected,
            ", ".join(inject.objectives) or None,
            "; ".join(dict.fromkeys(c for o in inject.objectives if (c := caps.get(o))))
            or None,
            trigger or None, ", ".join(callers.get(inject.id, [])) or None,
            inject.facilitator_notes])
    return rows


def team_rows(ex: Exercise) -> list[list[Any]]:
    return [list(TEAM_COLUMNS)] + [[t.id, t.name, t.role] for t in ex.teams]


def objective_rows(ex: Exercise) -> list[list[Any]]:
    return [list(OBJECTIVE_COLUMNS)] + [[o.id, o.title, o.capability, o.weight]
                                        for o in ex.objectives]


def _callers(ex: Exercise) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for inject in ex.injects:
        for option in inject.options:
            for target in [*option.next, *(n for o in option.outcomes for n in o.next)]:
                name = f"{inject.id}/{option.id}"
                if name not in out.setdefault(target, []):
                    out[target].append(name)
    return out


# ------------------------------------------------------------------ reading a sheet


@dataclass
class Row:
    """One MSEL row: its sheet row number and its carried fields (None: empty)."""

    line: int
    values: dict[str, Any]
    columns: dict[str, int]  # field -> column number, for problems


@dataclass
class Table:
    sheet: str
    rows: list[Row]
    teams: list[dict[str, Any]] | None = None  # from a Teams sheet
    objectives: list[dict[str, Any]] | None = None  # from an Objectives sheet
    labels: dict[int, str] = field(default_factory=dict)  # turn -> label
    problems: list[Problem] = field(default_factory=list)


def normal_header(value: Any) -> str:
    return " ".join(str(value or "").lower().replace("_", " ").split()).rstrip(":.")


def header_map(headers: Sequence[Any]) -> dict[str, int]:
    """Field -> 0-based column index, for the headers a field has an alias among."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = normal_header(header)
        for key, aliases in ALIASES.items():
            if name in aliases and key not in found:
                found[key] = index
    if "objectives" not in found and "capability" in found:
        found["objectives"] = found["capability"]
    found.pop("capability", None)
    return found


def cell_text(value: Any) -> str | None:
    """A cell as text (None when empty); dates and times as people write them."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else \
            value.strftime("%Y-%m-%d")
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if text.strip() else None


def read_table(sheets: Sequence[Sheet], where: Where) -> Table:
    """The MSEL rows of a workbook (its first sheet, or the one named MSEL), with its
    Teams and Objectives sheets when present; problems are collected, not raised."""
    by_name = {s.name.lower(): s for s in sheets}
    main = by_name.get("msel") or sheets[0]
    table = Table(main.name, [])
    if not main.rows:
        table.problems.append(Problem(where(main.name, 1, 1), "the sheet is empty"))
        return table
    columns = header_map(main.rows[0])
    if "text" not in columns and "title" not in columns:
        table.problems.append(Problem(where(main.name, 1, 1), "missing required column: Text "
                                      "(or Description, Inject, Message, Script) or Title"))
    if "turn" not in columns and "time" not in columns:
        table.problems.append(Problem(where(main.name, 1, 1), "missing required column: Turn "
                                      "(or Move), or Time (or Scenario Time, Exercise Date)"))
    if table.problems:
        return table
    for number, cells in enumerate(main.rows[1:], start=2):
        values = {k: cell_text(cells[i]) if i < len(cells) else None
                  for k, i in columns.items()}
        if all(v is None for v in values.values()):
            continue  # blank rows between blocks are common in planners' sheets
        table.rows.append(Row(number, values, {k: i + 1 for k, i in columns.items()}))
    _turns(table, where)
    if "teams" in by_name:
        table.teams = _records(by_name["teams"], TEAM_COLUMNS)
    if "objectives" in by_name:
        table.objectives = _records(by_name["objectives"], OBJECTIVE_COLUMNS)
    return table


def _records(sheet: Sheet, columns: Sequence[str]) -> list[dict[str, Any]]:
    if not sheet.rows:
        return []
    index = {normal_header(h): i for i, h in enumerate(sheet.rows[0])}
    out = []
    for cells in sheet.rows[1:]:
        record = {c: cells[index[c]] if c in index and index[c] < len(cells) else None
                  for c in columns}
        if any(cell_text(v) for v in record.values()):
            out.append(record)
    return out


def _turns(table: Table, where: Where) -> None:
    """Turns from the Turn column, or each distinct Time in order as a turn."""
    has_turn = any("turn" in r.columns for r in table.rows[:1])
    times: dict[str, int] = {}
    for row in table.rows:
        if not has_turn:
            moment = row.values.get("time")
            if moment is not None:
                turn = times.setdefault(moment, len(times) + 1)
                table.labels.setdefault(turn, moment)
            row.values["turn"] = times.get(moment) if moment is not None else None
            continue
        raw = row.values.get("turn")
        if raw is None:
            continue
        try:
            turn = int(float(raw))
            if turn != float(raw):
                raise ValueError
        except ValueError:
            table.problems.append(Problem(where(table.sheet, row.line, row.columns["turn"]),
                                          f"turn {raw!r} is not a whole number"))
            row.values["turn"] = None
            continue
        if not 1 <= turn <= MAX_TURN:
            table.problems.append(Problem(where(table.sheet, row.line, row.columns["turn"]),
                                          f"turn {turn} is out of range (1 to {MAX_TURN})"))
            row.values["turn"] = None
            continue
        row.values["turn"] = turn
        label = row.values.get("turn_label")
        if label is not None:
            table.labels.setdefault(turn, label)


# ------------------------------------------------------------------ names to ids


def slug(text: str) -> str:
    made = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return made or "x"


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[,;/]", text or "") if part.strip()]


@dataclass
class Names:
    """Resolves what a sheet calls a team or an objective (id or name) to an id."""

    by_name: dict[str, str] = field(default_factory=dict)

    def add(self, ident: str, *names: str | None) -> None:
        for name in (ident, *names):
            if name:
                self.by_name.setdefault(name.strip().lower(), ident)

    def get(self, name: str) -> str | None:
        return self.by_name.get(name.strip().lower())


def unique_ids(wanted: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for want in wanted:
        ident, n = want, 2
        while ident in seen:
            ident, n = f"{want}-{n}", n + 1
        seen.add(ident)
        out.append(ident)
    return out


def inject_id(value: str) -> str:
    made = slug(value)
    return f"inject-{made}" if made.isdigit() else made


# ------------------------------------------------------------------ a new script


def build_script(table: Table, exercise_id: str, title: str, where: Where
                 ) -> tuple[dict[str, Any], list[str]]:
    """A `ttx/1` script's data from a sheet, and notes for the author (e.g. rows with
    no turn became follow-ups). Problems go to `table.problems`."""
    teams, team_names = _teams(table, where)
    objectives, objective_names = _objectives(table, where)
    wanted = []
    for row in table.rows:
        number = row.values.get("number")
        wanted.append(inject_id(number) if number else
                      slug(row.values.get("title") or row.values.get("text") or "inject")[:40])
    _duplicates(table, where)
    ids = unique_ids(wanted)
    notes: list[str] = []
    injects = []
    for ident, row in zip(ids, table.rows, strict=True):
        inject = _inject(table, row, ident, team_names, objective_names, where)
        if inject.get("follow_up"):
            notes.append(f"{ident}: no turn in the sheet, so it is a follow-up (name it in "
                         "an option's `next`, or give it a `turn` or `when`)")
        injects.append(inject)
    turns = max([r.values["turn"] for r in table.rows if r.values.get("turn")] or [1])
    data: dict[str, Any] = {"format": "ttx/1", "id": exercise_id, "title": title,
                            "turns": turns}
    labels = [table.labels.get(t) for t in range(1, turns + 1)]
    if any(labels):
        last = max(i for i, label in enumerate(labels) if label)
        data["turn_labels"] = [label or f"Turn {i + 1}" for i, label in
                               enumerate(labels[: last + 1])]
    data["teams"] = teams
    if objectives:
        data["objectives"] = objectives
    data["injects"] = injects
    return data, notes


def _duplicates(table: Table, where: Where) -> None:
    seen: dict[str, int] = {}
    for row in table.rows:
        number = row.values.get("number")
        if number is None:
            continue
        ident = inject_id(number)
        if ident in seen:
            table.problems.append(Problem(where(table.sheet, row.line, row.columns["number"]),
                                          f"duplicate inject number {number!r} (also in row "
                                          f"{seen[ident]})"))
        else:
            seen[ident] = row.line


def _teams(table: Table, where: Where) -> tuple[list[dict[str, Any]], Names]:
    names = Names()
    teams: list[dict[str, Any]] = []
    if table.teams is not None:
        for record in table.teams:
            name = cell_text(record["name"]) or cell_text(record["id"]) or "team"
            ident = slug(cell_text(record["id"]) or name)
            team: dict[str, Any] = {"id": ident, "name": name}
            if cell_text(record["role"]):
                team["role"] = cell_text(record["role"])
            teams.append(team)
            names.add(ident, name, cell_text(record["id"]))
        return teams, names
    found: dict[str, str] = {}
    for row in table.rows:
        for token in split_list(row.values.get("to")):
            if token.lower() not in ALL_TEAMS:
                found.setdefault(token.lower(), token)
    for ident, token in zip(unique_ids(slug(t) for t in found.values()), found.values(),
                            strict=True):
        teams.append({"id": ident, "name": token})
        names.add(ident, token)
    if not teams:
        teams.append({"id": "players", "name": "Players"})
        names.add("players")
    return teams, names


def _objectives(table: Table, where: Where) -> tuple[list[dict[str, Any]], Names]:
    names = Names()
    objectives: list[dict[str, Any]] = []
    if table.objectives is not None:
        for record in table.objectives:
            title = cell_text(record["title"]) or cell_text(record["id"]) or "objective"
            ident = slug(cell_text(record["id"]) or title)
            objective: dict[str, Any] = {"id": ident, "title": title}
            if cell_text(record["capability"]):
                objective["capability"] = cell_text(record["capability"])
            weight = record["weight"]
            if isinstance(weight, int | float) and not isinstance(weight, bool) and weight != 1:
                objective["weight"] = int(weight) if float(weight).is_integer() else weight
            objectives.append(objective)
            names.add(ident, title, cell_text(record["id"]))
        return objectives, names
    found: dict[str, str] = {}
    for row in table.rows:
        for token in split_list(row.values.get("objectives")):
            found.setdefault(token.lower(), token)
    for ident, token in zip(unique_ids(slug(t) for t in found.values()), found.values(),
                            strict=True):
        objectives.append({"id": ident, "title": token})
        names.add(ident, token)
    return objectives, names


def resolve(table: Table, row: Row, key: str, names: Names, what: str, where: Where
            ) -> list[str] | None:
    """The ids a list cell names; None when it names every team (or is empty)."""
    cell = row.values.get(key)
    if cell is None:
        return None
    ids: list[str] = []
    for token in split_list(cell):
        if key == "to" and token.lower() in ALL_TEAMS:
            return None
        ident = names.get(token)
        if ident is None:
            table.problems.append(Problem(where(table.sheet, row.line, row.columns[key]),
                                          f"unknown {what} {token!r}"))
        elif ident not in ids:
            ids.append(ident)
    return ids


def _inject(table: Table, row: Row, ident: str, teams: Names, objectives: Names,
            where: Where) -> dict[str, Any]:
    v = row.values
    text, title = v.get("text"), v.get("title")
    if text is None and "text" in row.columns:
        table.problems.append(Problem(where(table.sheet, row.line, row.columns["text"]),
                                      "empty text"))
    inject: dict[str, Any] = {"id": ident, "title": title or _title_of(text or ident)}
    if v.get("turn") is not None:
        inject["turn"] = v["turn"]
    else:
        inject["follow_up"] = True
    for key in ("channel", "from"):
        if v.get(key) is not None:
            inject[key] = v[key]
    to = resolve(table, row, "to", teams, "team", where)
    if to:
        inject["to"] = to
    if text is not None:
        inject["text"] = text
    if v.get("expected") is not None:
        inject["expected"] = v["expected"]
    objectives_of = resolve(table, row, "objectives", objectives, "objective", where)
    if objectives_of:
        inject["objectives"] = objectives_of
    if v.get("notes") is not None:
        inject["facilitator_notes"] = v["notes"]
    return inject


def _title_of(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else text
    return first if len(first) <= 60 else first[:57].rsplit(" ", 1)[0] + "..."


# ------------------------------------------------------------------ merging into a script


@dataclass(frozen=True)
class Change:
    inject: str
    key: str  # the script key
    old: Any
    new: Any


@dataclass
class Merge:
    changes: list[Change] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the script, not in the sheet
    notes: list[str] = field(default_factory=list)


def merge(ex: Exercise, table: Table, where: Where) -> Merge:
    """What the sheet changes in the script: fields of injects matched by id, new
    injects for new rows, and the script's injects the sheet does not list. An empty
    cell never removes anything; problems go to `table.problems`."""
    teams, objectives = Names(), Names()
    for t in ex.teams:
        teams.add(t.id, t.name)
    for o in ex.objectives:
        objectives.add(o.id, o.title)
    out = Merge()
    if table.rows and "number" not in table.rows[0].columns:
        table.problems.append(Problem(where(table.sheet, 1, 1), "missing required column: "
                                      "Inject # (or MSEL #, Event #, Control Number): "
                                      "--into matches rows by it"))
        return out
    _duplicates(table, where)
    seen: set[str] = set()
    for row in table.rows:
        number = row.values.get("number")
        if number is None:
            table.problems.append(Problem(where(table.sheet, row.line, row.columns["number"]),
                                          "no inject number: --into matches rows by it"))
            continue
        turn = row.values.get("turn")
        if turn is not None and turn > ex.turns:
            table.problems.append(Problem(where(table.sheet, row.line, row.columns["turn"]),
                                          f"turn {turn} is past the script's last turn "
                                          f"({ex.turns})"))
            continue
        ident = inject_id(number)
        seen.add(ident)
        inject = ex.inject(ident)
        if inject is None:
            out.added.append(_inject(table, row, ident, teams, objectives, where))
            continue
        out.changes += _changes(table, row, inject, teams, objectives, where, out.notes)
    out.missing = [i.id for i in ex.injects if i.id not in seen]
    return out


def _changes(table: Table, row: Row, inject: Inject, teams: Names, objectives: Names,
             where: Where, notes: list[str]) -> list[Change]:
    v = row.values
    current: dict[str, Any] = {
        "turn": inject.turn, "from": inject.from_, "to": inject.to,
        "channel": inject.channel, "title": inject.title, "text": inject.text,
        "expected": inject.expected, "objectives": inject.objectives,
        "notes": inject.facilitator_notes}
    out = []
    for key in CARRIED:
        if key not in row.columns:
            continue
        if key in ("to", "objectives"):
            names, what = (teams, "team") if key == "to" else (objectives, "objective")
            new: Any = resolve(table, row, key, names, what, where)
            if v.get(key) is None:
                continue  # empty: not carried
            if key == "to" and new is None:
                if current["to"] is not None:
                    out.append(Change(inject.id, "to", current["to"], None))
                continue
            if sorted(new or []) != sorted(current[key] or []):
                out.append(Change(inject.id, _KEY.get(key, key), current[key], new))
            continue
        new = v.get(key)
        if new is None:
            continue
        if key == "turn":
            if inject.turn is None:
                notes.append(f"{inject.id}: the sheet gives turn {new}, but in the script it "
                             "is triggered or a follow-up: left as it is")
                continue
            if new != inject.turn:
                out.append(Change(inject.id, "turn", inject.turn, new))
            continue
        if str(new).strip() != str(current[key] or "").strip():
            out.append(Change(inject.id, _KEY.get(key, key), current[key], new))
    return out
