"""Crash safety: a session killed with SIGKILL at any moment loses nothing it confirmed.

A child process plays a session with fsync on, printing each command's last
sequence number and the save's head hash once `execute` has returned. The test
kills it at random moments, several times over the same save (each new child
resumes where the last one died). After every kill the save must open: a torn
tail at most, every confirmed line intact and byte-identical to what the child
confirmed; and after the last one, the session resumes and `ttx verify` passes.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from engine import saved, store
from engine.commands import Note
from engine.loader import load
from ui.cli import main as ttx

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """\
format: ttx/1
id: endless
title: An exercise long enough never to end under test
turns: 1000
teams:
  - {id: blue, name: Blue}
  - {id: red, name: Red, policy: random}
metrics:
  - {id: trust, initial: 50}
  - {id: tempo, scope: global, min: -1000000, max: 1000000}
objectives:
  - {id: share, title: Share}
injects:
  - id: brief
    title: The daily brief
    once: false
    when: {turn: {at_least: 1}}
    effects: [{metric: tempo, add: 1}]
    options:
      - id: calm
        label: Stay calm
        rating: {share: S}
        effects: [{metric: trust, team: self, add: 1}]
      - id: gamble
        label: Gamble
        outcomes:
          - {chance: 0.5, effects: [{metric: tempo, add: 5}], next: [echo]}
          - {chance: 0.5, effects: [{metric: trust, team: others, add: -2}]}
  - id: echo
    title: Echo
    follow_up: true
    once: false
    options:
      - {id: ack, label: Acknowledge}
"""

# The child: start or resume the save, then run commands until killed. Big notes and
# ad-hoc texts make many writes span several pages, so a kill can land inside one.
CHILD = """
import random, sys
from engine import saved
from engine.commands import Advance, CommandError, Decide, DeliverAdhoc, Note
from engine.loader import load

script_path, save_path, mode, seed = sys.argv[1:5]
script = load(script_path)
if mode == "start":
    live = saved.start(script, seed=5, bots=frozenset({"red"}), mode="facilitate",
                       path=save_path)
else:
    live, _ = saved.resume(save_path, script)
session = live.session
rng = random.Random(int(seed))
print(len(session.records), live.writer.head, flush=True)
while True:
    pending = session.pending()
    roll = rng.random()
    try:
        if pending and roll < 0.45:
            team, delivery = rng.choice(pending)
            inject = session.exercise.inject(delivery.inject)
            option = rng.choice(inject.options).id
            records = session.execute(Decide(team, delivery=delivery.number, option=option))
        elif roll < 0.65:
            records = session.execute(Advance())
        elif roll < 0.8:
            records = session.execute(DeliverAdhoc(title="flash", text="y" * rng.randrange(
                1, 30000)))
        else:
            records = session.execute(Note("n" * rng.randrange(1, 30000)))
    except CommandError:
        continue
    print(records[-1].seq, live.writer.head, flush=True)
"""


def line_hashes(path: Path) -> list[str]:
    """SHA-256 of each complete line (index 0: the header)."""
    lines = path.read_bytes().split(b"\n")[:-1]
    return [hashlib.sha256(line).hexdigest() for line in lines]


def run_and_kill(script: Path, save: Path, mode: str, seed: int,
                 rng: random.Random) -> list[tuple[int, str]]:
    """Run the child until it has confirmed some commands, SIGKILL it at a random
    moment, and return every (seq, head) it confirmed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(script), str(save), mode,
                              str(seed)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    confirmed = []
    watchdog = threading.Timer(60, child.kill)  # a hung child must not hang the suite
    watchdog.start()
    try:
        wanted = rng.randint(1, 40)
        while len(confirmed) < wanted:
            line = child.stdout.readline()
            if not line:
                break
            seq, head = line.split()
            confirmed.append((int(seq), head))
        time.sleep(rng.random() * 0.03)
    finally:
        child.send_signal(signal.SIGKILL)
        rest, err = child.communicate(timeout=30)
        watchdog.cancel()
    assert child.returncode == -signal.SIGKILL, err
    for line in rest.splitlines(keepends=True):
        if line.endswith("\n"):
            seq, head = line.split()
            confirmed.append((int(seq), head))
    assert confirmed, f"the child confirmed nothing before it was killed:\n{err}"
    return confirmed


def test_a_session_killed_again_and_again_keeps_every_confirmed_event(tmp_path):
    script = tmp_path / "endless.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    save = tmp_path / "session.jsonl"
    rng = random.Random(1949)
    kept: list[store.Record] = []
    torn_seen = 0
    for round_ in range(5):
        confirmed = run_and_kill(script, save, "start" if round_ == 0 else "resume",
                                 seed=round_, rng=rng)
        opened = store.read(save)  # opens: no SaveError
        torn_seen += opened.torn is not None
        hashes = line_hashes(save)
        for seq, head in confirmed:
            assert seq <= len(opened.records), f"round {round_}: event {seq} was lost"
            assert hashes[seq] == head, f"round {round_}: line of event {seq} changed"
        assert opened.records[:len(kept)] == kept, "an earlier round's events changed"
        kept = opened.records

    loaded = load(script)
    live, before = saved.resume(save, loaded)
    live.session.execute(Note("after five crashes"))
    live.close()
    after = store.read(save)
    assert after.torn is None
    assert after.records[:len(before.records)] == before.records
    assert live.session.state == saved.replay(after, loaded).state
    assert ttx(["verify", str(save)]) == 0, f"torn tails seen: {torn_seen}"
