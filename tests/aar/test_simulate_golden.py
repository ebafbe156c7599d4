"""Simulate's statistics are pinned: the same script and seeds give exactly the numbers
recorded here, so a faster simulator (compiled effects, another way of spreading runs
over processes) can be proved to answer as this one does. The pins are SHA-256 digests
of the summary as canonical JSON, for two fixed test scripts (not the bundled
exercises, whose content is edited). After a deliberate change to the rules, print the
new digests with `TTX_PRINT_GOLDEN=1 pytest tests/aar/test_simulate_golden.py -s`."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.aar.test_simulate import run_all

SCRIPTS = {
    "drill": Path(__file__).parents[1] / "ui" / "data" / "drill.yaml",
    "everything": Path(__file__).parents[1] / "engine" / "data" / "everything.yaml",
}
PINNED = {  # 2026-12-04, the simulator before any speed work
    "drill": "60dbc6de4ddd81646696df9ffc6655752cd665f94294d6fcf3c40572b3412788",
    "everything": "6cdc31436275c8221fdd8550c4a1fd8db3d6b00e8411e085c7e18bef071f69d9",
}


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", SCRIPTS)
def test_the_same_seeds_give_the_same_statistics(name: str, jobs: int) -> None:
    summary = run_all(SCRIPTS[name].read_text(encoding="utf-8"), 400, first=11, balance=40,
                      jobs=jobs)
    digest = hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()
    if os.environ.get("TTX_PRINT_GOLDEN"):
        print(f"{name}: {digest}")
    assert digest == PINNED[name]
