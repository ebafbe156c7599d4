"""What-if branches: a new save that starts as its parent did up to an event and plays
on from there with the same seed; its header names the parent and the fork."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine import saved, store
from engine.commands import Advance, Decide
from engine.loader import load
from tests.aar.conftest import write_drill

ROOT = Path(__file__).resolve().parents[2]


def ttx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def parent_save(tmp_path: Path) -> Path:
    script = load(write_drill(tmp_path))
    live = saved.start(script, seed=11, bots=frozenset(), mode="facilitate",
                       path=tmp_path / "parent.jsonl", fsync=False)
    s = live.session
    s.execute(Decide(team="alpha", inject="outage", option="hf"))
    s.execute(Decide(team="bravo", inject="outage", option="wait"))
    s.execute(Advance())
    s.execute(Decide(team="alpha", inject="contact", option="share-now"))
    live.close()
    return Path(live.path)


def test_a_branch_keeps_the_parents_history_and_names_it(tmp_path: Path) -> None:
    parent = parent_save(tmp_path)
    save = store.read(parent)
    script = load(tmp_path / "drill.yaml")
    at = next(r.seq for r in save.records if getattr(r.event, "team", None) == "bravo")
    live, fork = saved.branch(save, script, at, path=tmp_path / "b.jsonl", fsync=False)
    live.session.execute(Decide(team="bravo", inject="outage", option="hf"))  # what if
    live.close()
    branch = store.read(tmp_path / "b.jsonl")
    assert fork == at - 1  # moved back to the start of bravo's decision
    assert branch.records[:fork] == save.records[:fork]
    h = branch.header
    assert (h.parent, h.fork, h.seed) == (str(parent.resolve()), fork, save.header.seed)
    assert h.parent_head == store.line_hashes(parent)[fork]
    assert saved.verify(branch, script) == []
    assert saved.replay(branch, script).state.delivery(1).decisions["bravo"].option == "hf"


def test_a_save_that_is_not_a_branch_reads_as_before(tmp_path: Path) -> None:
    parent = parent_save(tmp_path)
    first = parent.read_text(encoding="utf-8").splitlines()[0]
    assert "parent" not in json.loads(first)  # absent, not null: older readers agree


def test_ttx_branch_plays_on_and_diff_compares_from_the_fork(tmp_path: Path) -> None:
    parent = parent_save(tmp_path)
    decisions = tmp_path / "d.yaml"
    decisions.write_text("- {turn: 1, team: bravo, inject: outage, option: hf}\n",
                         encoding="utf-8")
    done = ttx("branch", str(parent), "--at", "5", "--save", str(tmp_path / "b.jsonl"),
               "--play-on", "--decisions", str(decisions), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "branch of" in done.stdout and "ttx diff" in done.stdout
    assert ttx("verify", str(tmp_path / "b.jsonl"), cwd=ROOT).returncode == 0
    diff = ttx("diff", str(parent), str(tmp_path / "b.jsonl"), cwd=ROOT).stdout
    assert "B is a what-if branch of A from event" in diff
    assert "the history before it is the same" in diff
    assert "Decisions first diverged" in diff


def test_branching_past_the_end_or_after_it_ended_is_a_message(tmp_path: Path) -> None:
    parent = parent_save(tmp_path)
    done = ttx("branch", str(parent), "--at", "999", cwd=tmp_path)
    assert done.returncode == 1 and "is not in this save" in done.stderr
    assert "Traceback" not in done.stderr
