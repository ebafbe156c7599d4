"""Bot policies: how a team no person plays chooses among an inject's options."""

from __future__ import annotations

from collections.abc import Sequence

from .effects import script_ops, value_after
from .events import Roll
from .rolls import roll_choice
from .script import Exercise, Inject, Option
from .state import State


def pick(ex: Exercise, policy: str, inject: Inject, team: str, state: State,
         roll_key: str) -> tuple[int, Roll | None] | None:
    """The index in `inject.options` of the option a bot takes, and its roll; None when
    the team may take none of them (`for`), so the bot records no decision."""
    allowed = inject.options_for(team)
    if not allowed:
        return None
    i, roll = choose(ex, policy, allowed, team, state, roll_key)
    return next(k for k, o in enumerate(inject.options) if o is allowed[i]), roll


def choose(ex: Exercise, policy: str, options: Sequence[Option], team: str, state: State,
           roll_key: str) -> tuple[int, Roll | None]:
    """The index in `options` (those the team may take, in file order) of the one
    `policy` picks, and the roll it drew (random only).

    `best:<m>`/`worst:<m>` judge each option by its `effects` alone (not its
    outcomes) applied to the current state with clamping; ties go to the first.
    """
    if policy == "first":
        return 0, None
    if policy == "random":
        roll = roll_choice(len(options), roll_key)
        return roll.pick, roll
    direction, metric_id = policy.split(":", 1)
    metric = ex.metric(metric_id)
    assert metric is not None, "validated by the loader"
    key = (metric_id, None if metric.scope == "global" else team)
    scores = [value_after(state.metrics, script_ops(ex, o.effects, [team]), key)
              for o in options]
    target = max(scores) if direction == "best" else min(scores)
    return scores.index(target), None
