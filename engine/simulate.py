"""Bot playthroughs in memory: every team played by its policy, no save, no fsync.

A run is a `Playout`: the rules compiled, no events (`playout.py`). `play` also
answers "what if this team had chosen otherwise, with the same dice?" for the
decisions a probe selects: a roll depends only on the seed and the roll's identity
(turn, inject, delivery count, team), never on how a decision was made, so the run
played again with that one decision forced differs from the real one by the forced
choice and what follows from it, nothing else. (Tests check both against sessions
whose bots decide inside the rules, and forced decisions sent as `Decide` commands.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .playout import Decided, Playout, RunResult
from .script import Exercise

POLICY_HELP = "first | random | best:<metric> | worst:<metric>"


class PolicyError(ValueError):
    """A `--policy TEAM=POLICY` that does not fit the script; the message is for users."""


def parse_policies(ex: Exercise, specs: list[str]) -> dict[str, str]:
    """Each team's policy: the script's, overridden by `TEAM=POLICY` specs."""
    chosen = {t.id: t.policy for t in ex.teams}
    for spec in specs:
        team, sep, policy = spec.partition("=")
        team, policy = team.strip(), policy.strip()
        if not sep or not team or not policy:
            raise PolicyError(f"--policy {spec!r}: write TEAM=POLICY ({POLICY_HELP})")
        if ex.team(team) is None:
            raise PolicyError(f"--policy {spec!r}: no team {team!r} "
                              f"(teams: {', '.join(ex.team_ids)})")
        if not _valid_policy(ex, policy):
            metrics = ", ".join(m.id for m in ex.metrics) or "none"
            raise PolicyError(f"--policy {spec!r}: {policy!r} is not a policy "
                              f"({POLICY_HELP}; metrics: {metrics})")
        chosen[team] = policy
    return chosen


def _valid_policy(ex: Exercise, policy: str) -> bool:
    if policy in ("first", "random"):
        return True
    direction, _, metric = policy.partition(":")
    return direction in ("best", "worst") and ex.metric(metric) is not None


@dataclass(frozen=True)
class Point:
    """One decision of one seed, replayed with each option in turn.

    `scores[k]` is the deciding team's final weighted score had it chosen option k,
    every other decision following the policies with the same dice (None: the team
    ended unrated); `chosen` is the option its policy picked.
    """

    inject: str
    team: str
    chosen: int
    scores: tuple[float | None, ...]


Probe = Callable[[str, str], bool]  # (inject, team) -> replay this decision's options?


class Simulator:
    """Bot playthroughs of one exercise under fixed policies, one seed at a time."""

    def __init__(self, ex: Exercise, policy: Mapping[str, str] | None = None) -> None:
        """`policy`: each team's, instead of the script's (every team named)."""
        self.exercise = ex
        self.policy = dict(policy) if policy is not None else {t.id: t.policy
                                                               for t in ex.teams}
        self.playout = Playout(ex, self.policy)

    def run(self, seed: int) -> RunResult:
        """One playthrough, compiled (`playout.py`): what `Start`, then `Advance` to the
        end with the bots deciding inside the rules, gives."""
        return self.playout.run(seed)

    def play(self, seed: int, probe: Probe | None = None) -> tuple[RunResult, list[Point]]:
        """One playthrough and, for each decision `probe` selects, the final score each
        of its options would have given the deciding team (one deviation at a time: the
        run played again with that decision forced, the same dice, the other bots as
        before)."""
        if probe is None:
            return self.run(seed), []
        ex = self.exercise
        trail: list[Decided] = []
        played = self.playout.run(seed, trail=trail)
        points = []
        for number, team, inject_id, chosen in trail:
            inject = ex.inject(inject_id)
            assert inject is not None
            if len(inject.options_for(team)) < 2 or not probe(inject_id, team):
                continue
            scores: list[float | None] = []
            for index, option in enumerate(inject.options):
                if not option.allows(team):
                    scores.append(None)
                    continue
                branch = played if index == chosen else \
                    self.playout.run(seed, force=(number, team, index))
                scores.append(dict(branch.scores)[team])
            points.append(Point(inject_id, team, chosen, tuple(scores)))
        return played, points
