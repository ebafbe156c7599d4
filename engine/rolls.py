"""Chance, made explicit: every draw is a hash of its identity, never global state.

Following OpenSpiel's `chance_outcomes`, an option's outcomes are a list of
(index, probability) pairs; `draw` turns a roll's identity into r in [0, 1) and
`pick` maps r onto the list. The same identity gives the same r on every machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .events import Roll
from .script import Option


def roll_key(seed: int, kind: str, turn: int, inject: str, n: int, team: str) -> str:
    return f"{seed}:{kind}:{turn}:{inject}:{n}:{team}"


def draw(key: str) -> float:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def chance_outcomes(option: Option) -> list[tuple[int, float]]:
    return [(i, float(o.chance)) for i, o in enumerate(option.outcomes)]


def pick(outcomes: Sequence[tuple[int, float]], r: float) -> int:
    """The first outcome whose running total of chances exceeds r."""
    total = 0.0
    for index, chance in outcomes:
        total += chance
        if total > r:
            return index
    return outcomes[-1][0]  # chances sum to 1 within 1e-9; r fell in the rounding gap


def roll_outcome(option: Option, key: str) -> Roll:
    r = draw(key)
    return Roll(kind="outcome", key=key, r=r, pick=pick(chance_outcomes(option), r))


def roll_choice(count: int, key: str) -> Roll:
    r = draw(key)
    return Roll(kind="policy", key=key, r=r, pick=min(int(r * count), count - 1))
