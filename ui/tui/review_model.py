"""A save opened for review: the review screen's one door to the engine.

It holds the records and the refolded session (so the state at any point comes from
`Session.state_at`, which starts from the nearest checkpoint), and indexes built once
when the save opens: where each turn starts and where each decision is. With them a
step through the log, a turn jump or a "decisions so far" panel costs the same at
event 25,000 of a 50,000-event save as at event 250 of 500. Filtering by team and
searching build a list of matching sequence numbers, once per filter.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from engine import aar, saved
from engine.events import DecisionRecorded, InjectDelivered, NoDecision, NoteAdded, Rated
from engine.explain import Explanation, explain
from engine.saved import ScriptChanged
from engine.script import Exercise
from engine.session import Record, Session
from engine.state import State, apply
from engine.store import SaveError, SaveHeader, read
from engine.wording import log_text
from ui.controller import OpenError, script_of_save, shown_path
from ui.paths import BUNDLED

Progress = Callable[[int, int], None]
# Stepping forward by up to this many events applies them to the state shown
# instead of starting again from a checkpoint.
FORWARD_LIMIT = 64


def involves(record: Record, team: str) -> bool:
    """Whether a record is part of `team`'s story (turn starts and ends and the end of
    the exercise belong to every team's)."""
    event = record.event
    if isinstance(event, InjectDelivered):
        return team in event.to
    if isinstance(event, DecisionRecorded | NoDecision | Rated | NoteAdded):
        return event.team == team
    return True


@dataclass
class ReviewModel:
    exercise: Exercise
    header: SaveHeader
    records: list[Record]
    head: str
    session: Session
    path: str
    warnings: list[str] = field(default_factory=list)
    turn_starts: list[int] = field(default_factory=list)  # seq of each TurnStarted
    decisions: list[int] = field(default_factory=list)  # seq of each decision / no decision
    _team_decisions: dict[str, list[int]] = field(default_factory=dict)
    _team_rows: dict[str, list[int]] = field(default_factory=dict)
    _texts: list[str] | None = None

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, *, script: str | None = None, force: bool = False,
             search: Sequence[Path] = (BUNDLED,), progress: Progress | None = None
             ) -> ReviewModel:
        """Read and refold a save (any save: finished, unfinished, or torn at its end);
        raise OpenError, whose words are for the user."""
        try:
            save = read(path)
        except SaveError as exc:
            raise OpenError("This save cannot be reviewed", [str(exc)]) from None
        loaded = script_of_save(save.header, path, script, search, force, hint=[
            "From the command line: ttx review SAVE --force, or ttx review SAVE --script FILE"])
        try:
            session = saved.replay(save, loaded, force=force, progress=progress)
        except ScriptChanged as exc:
            raise OpenError("The script changed since this session was saved",
                            [str(exc), "From the command line: ttx review SAVE --force"]
                            ) from None
        except SaveError as exc:
            raise OpenError("This save cannot be reviewed", [str(exc)]) from None
        warnings = []
        if save.torn is not None:
            warnings.append(f"The last line ({save.torn.size} bytes) was cut short by a "
                            "crash and is left out.")
        model = cls(loaded.exercise, save.header, save.records, save.head, session,
                    shown_path(path), warnings)
        for record in model.records:
            kind = record.event.type
            if kind == "turn_started":
                model.turn_starts.append(record.seq)
            elif kind in ("decision", "no_decision"):
                model.decisions.append(record.seq)
        return model

    # ------------------------------------------------------------ states

    @property
    def final(self) -> State:
        return self.session.state

    def state_at(self, seq: int) -> State:
        """The state after the first `seq` events: a fresh copy the caller may keep."""
        return self.session.state_at(seq)

    def moved(self, state: State, seq: int, target: int) -> State:
        """The state after `target` events, given `state` (owned by the caller) after
        `seq`: a short step forward folds the events in between into `state` itself."""
        if seq <= target <= seq + FORWARD_LIMIT and state.events == seq:
            for record in self.records[seq:target]:
                apply(state, record.event)
            return state
        return self.state_at(target)

    def record(self, seq: int) -> Record:
        return self.records[seq - 1]

    def explain(self, seq: int, state: State) -> Explanation:
        """Why event `seq` happened and what it did; `state` is the state after it."""
        return explain(self.exercise, state, self.record(seq))

    # ------------------------------------------------------------ the timeline

    def rows(self, team: str | None = None, query: str = "") -> Sequence[int]:
        """The sequence numbers the timeline shows: all, or `team`'s story, narrowed to
        the records whose line contains `query` (any case)."""
        shown: Sequence[int]
        if team is None:
            shown = range(1, len(self.records) + 1)
        else:
            if team not in self._team_rows:
                self._team_rows[team] = [r.seq for r in self.records if involves(r, team)]
            shown = self._team_rows[team]
        needle = query.strip().casefold()
        if not needle:
            return shown
        texts = self.search_texts()
        return [seq for seq in shown if needle in texts[seq - 1]]

    def search_texts(self) -> list[str]:
        """Every record's log line, folded for searching (built on the first search)."""
        if self._texts is None:
            self._texts = [log_text(self.exercise, r).casefold() for r in self.records]
        return self._texts

    def turn_start(self, seq: int, turns: int) -> int:
        """The first event of the turn `turns` turns away from the one `seq` is in
        (0: its own turn; clamped to the first and last turn)."""
        if not self.turn_starts:
            return 1
        here = max(bisect.bisect_right(self.turn_starts, seq) - 1, 0)
        return self.turn_starts[min(max(here + turns, 0), len(self.turn_starts) - 1)]

    def decisions_until(self, seq: int, team: str | None, count: int) -> list[Record]:
        """The last `count` decisions (and no-decisions) up to event `seq`, newest first."""
        if team is None:
            seqs = self.decisions
        else:
            if team not in self._team_decisions:
                self._team_decisions[team] = [s for s in self.decisions
                                              if involves(self.record(s), team)]
            seqs = self._team_decisions[team]
        end = bisect.bisect_right(seqs, seq)
        return [self.record(s) for s in reversed(seqs[max(end - count, 0):end])]

    # ------------------------------------------------------------ the report

    def report_path(self, fmt: str = "html") -> Path:
        """Where the report goes by default: next to the save."""
        save = Path(self.path)
        return save.with_name(f"{save.stem}-report.{fmt}")

    def write_report(self, target: str | Path) -> Path:
        """Write the after-action report (HTML, or Markdown for a `.md` path) of the
        whole session; raise OSError when it cannot be written."""
        from ui.report.render import render  # Jinja2: paid for only when a report is asked

        path = Path(target).expanduser()
        fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "html"
        report = aar.build(self.exercise, self.header, self.records, self.head, self.final,
                           save_path=self.path, report_date=date.today())
        text = render(report, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
