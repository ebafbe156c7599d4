"""Benchmarks at scale: each figure is a ratio measured side by side in one run.

    python -m tests.bench            # full sizes (5,000 injects, 50,000 events, 10,000 runs)
    python -m tests.bench --quick    # small sizes, for CI: proves the benchmark still runs

Each figure is the median of repeated runs. Goals are printed next to the figures;
nothing here fails on time (timed tests flake), it reports.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from engine import saved
from engine.gcpause import paused_gc
from engine.loader import load
from engine.store import read, stream
from tests.generate import big_save, write_script

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Sizes:
    injects: int
    teams: int
    metrics: int
    events: int
    small_events: int
    runs: int
    repeats: int


FULL = Sizes(injects=5000, teams=20, metrics=30, events=50_000, small_events=500, runs=10_000,
             repeats=5)
QUICK = Sizes(injects=200, teams=6, metrics=8, events=2_000, small_events=200, runs=200,
              repeats=3)


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass
class Row:
    figure: str
    value: str
    goal: str
    met: bool | None

    def line(self) -> str:
        mark = {True: "met", False: "NOT MET", None: ""}[self.met]
        return f"{self.figure:<58} {self.value:>22}  {self.goal:<12} {mark}"


def _validated(script: Path) -> None:
    """What `ttx validate` does: parse, validate and cross-check, then lint."""
    from engine.lint import lint

    loaded = load(script, keep_document=True)
    lint(loaded.exercise, str(script), loaded.document)


def bench_load(scripts: list[Path], repeats: int) -> list[Row]:
    """`ttx validate`'s work and the bare load, against `yaml.load(CSafeLoader)` of the
    same file, at two sizes."""
    rows, ratios = [], []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    os.environ["TTX_NO_SCRIPT_CACHE"] = "1"  # the parse itself, not the cache
    try:
        for script in scripts:
            raw = script.read_bytes()
            size = f"{len(raw) / 2**20:.1f} MiB"
            bare = median_time(lambda raw=raw: yaml.load(raw, Loader=loader), repeats)
            loading = median_time(lambda script=script: load(script), repeats)
            validating = median_time(lambda script=script: _validated(script), repeats)
            ratios.append(validating / bare)
            rows.append(Row(f"load+validate / yaml.load(CSafeLoader) [{size}]",
                            f"{loading / bare:.2f} ({loading:.2f}s/{bare:.2f}s)", "(measured)",
                            None))
            rows.append(_ratio(f"ttx validate (with lint) / yaml.load [{size}]", validating,
                               bare, 0.5))
    finally:
        del os.environ["TTX_NO_SCRIPT_CACHE"]
    return [*rows, _growth("validate", ratios)]


def _ratio(figure: str, ours: float, bare: float, most: float) -> Row:
    return Row(figure, f"{ours / bare:.2f} ({ours:.2f}s/{bare:.2f}s)", f"<= {most}",
               ours / bare <= most)


def _growth(what: str, ratios: list[float]) -> Row:
    """How a ratio grew from the small input to the large one (flat is 1)."""
    growth = ratios[-1] / ratios[0]
    return Row(f"{what}: ratio growth, large / small", f"{growth:.2f}", "<= 1.2",
               growth <= 1.2)


def _per_save(what: str, floor_name: str, saves: list[Path],
              bare: Callable[[list[bytes]], object], ours: Callable[[Path], object],
              most: float, repeats: int) -> list[Row]:
    """`ours` on each save against `bare` on its lines, and the growth."""
    rows, ratios = [], []
    for save in saves:
        lines = save.read_bytes().splitlines()
        floor = median_time(lambda lines=lines: bare(lines), repeats)
        took = median_time(lambda save=save: ours(save), repeats)
        ratios.append(took / floor)
        rows.append(_ratio(f"{what} {len(lines) - 1:,}-event save / {floor_name}", took,
                           floor, most))
    return [*rows, _growth(what, ratios)]


def bench_replay(script: Path, saves: list[Path], repeats: int) -> list[Row]:
    """Replaying a save against `json.loads` of its lines, at two sizes."""
    loaded = load(script)
    return _per_save("replay", "json.loads per line", saves,
                     lambda lines: [json.loads(line) for line in lines],
                     lambda save: saved.replay(read(save), loaded), 2.0, repeats)


def _hashed_and_parsed(lines: list[bytes]) -> None:
    for line in lines:
        hashlib.sha256(line).hexdigest()
        json.loads(line)


def _verify(save: Path, script: Path) -> None:
    """What `ttx verify` does: stream the save through the audit."""
    with paused_gc():
        assert saved.verify(stream(save), load(script)) == []


def bench_verify(script: Path, saves: list[Path], repeats: int) -> list[Row]:
    """`ttx verify`'s work (read and check every line, load the script, decide every
    command again) against a loop that SHA-256es and parses every line, at two sizes."""
    load(script)  # as a second verify finds it: in the cache of validated scripts
    return _per_save("verify", "sha256+json per line", saves, _hashed_and_parsed,
                     lambda save: _verify(save, script), 3.0, repeats)


def bench_script_cache(scripts: list[Path], repeats: int) -> list[Row]:
    """Loading a script seen before (the cache) against parsing and validating it, at
    two sizes."""
    rows, ratios = [], []
    for script in scripts:
        raw = script.read_bytes()
        os.environ["TTX_NO_SCRIPT_CACHE"] = "1"
        try:
            first = median_time(lambda script=script: load(script), repeats)
        finally:
            del os.environ["TTX_NO_SCRIPT_CACHE"]
        load(script)
        seen = median_time(lambda script=script: load(script), repeats)
        ratios.append(seen / first)
        rows.append(_ratio(f"load a seen script (cache) / parse+validate "
                           f"[{len(raw) / 2**20:.1f} MiB]", seen, first, 0.2))
    return [*rows, _growth("cache", ratios)]


# VmHWM (the peak resident set) starts afresh at exec, unlike ru_maxrss, which a
# child inherits from the parent that forked it.
_RSS_CHILD = """
import sys
from engine import saved
from engine.loader import load
from engine.gcpause import paused_gc
from engine.store import read, stream

def hwm():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))

base = hwm()
saved.replay(read(sys.argv[2]), load(sys.argv[1]))
print(base, hwm())
"""


def bench_rss(script: Path, save: Path) -> list[Row]:
    out = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(script), str(save)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    base, peak = (int(x) / 1024 for x in out)  # kB
    return [Row("peak RSS replaying the large save", f"{peak:.0f} MB ({base:.0f} at start)",
                "< 200 MB", peak < 200)]


def bench_simulate(runs: int, repeats: int) -> list[Row]:
    """`ttx simulate` of each bundled exercise as a user runs it (a whole process), at a
    tenth of the runs and at all of them: the growth shows what start-up costs."""
    rows = []
    env = {**os.environ, "TTX_NO_PROGRESS": "1"}
    for script in sorted((ROOT / "exercises").glob("*.yaml")):
        for jobs in (1, 2):
            def simulate(n: int, script: Path = script, jobs: int = jobs) -> None:
                subprocess.run([sys.executable, "-m", "ui.cli", "simulate", str(script),
                                "--runs", str(n), "--jobs", str(jobs), "--balance-seeds",
                                "0", "--uniform-runs", "0"], capture_output=True, check=True,
                               cwd=ROOT, env=env)
            few = median_time(lambda: simulate(max(1, runs // 10)), repeats)
            took = median_time(lambda: simulate(runs), max(1, repeats - 2))
            judged = jobs == 2 and runs >= 10_000
            rows.append(Row(f"ttx simulate {script.stem}, {runs:,} runs, --jobs {jobs}",
                            f"{took:.2f}s ({few:.2f}s for {runs // 10:,}; "
                            f"{runs / took:,.0f} runs/s)",
                            "< 1 s" if judged else "(measured)", took < 1 if judged else None))
    return rows


async def _review_steps(save: Path, at: int, presses: int) -> dict[str, float]:
    """Median seconds per step around event `at`: keypress to repainted (Pilot), and
    the screen's own work (the action called directly)."""
    from ui.tui.app import Launch, TTXApp
    from ui.tui.messages import OpenRequest

    app = TTXApp(Launch(OpenRequest("review", save=str(save))))
    figures: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        for key, back, name in (("down", "up", "event"), ("right", "left", "turn")):
            screen.goto(at)  # type: ignore[attr-defined]
            await pilot.pause()
            pressed, direct = [], []
            for i in range(presses):
                start = time.perf_counter()
                await pilot.press(key if i % 2 == 0 else back)
                await pilot.pause()
                pressed.append(time.perf_counter() - start)
                action = getattr(screen, f"action_step_{name}")
                start = time.perf_counter()
                action(1 if i % 2 == 0 else -1)
                direct.append(time.perf_counter() - start)
                await pilot.pause()
            figures[f"{name} press"] = statistics.median(pressed)
            figures[f"{name} work"] = statistics.median(direct)
    return figures


async def _first_paint(save: Path) -> tuple[float, float]:
    import asyncio

    from ui.tui.app import Launch, TTXApp
    from ui.tui.messages import OpenRequest

    gc.collect()  # not the previous apps' garbage (a fresh `ttx review` has none)
    start = time.perf_counter()
    app = TTXApp(Launch(OpenRequest("review", save=str(save))))
    async with app.run_test(size=(160, 50)) as pilot:
        # Painted: the loading panel is laid out on screen. (Pilot.pause() would wait
        # for an idle queue, which the loading worker's progress keeps busy.)
        while not any(w.region.area for w in app.screen.query("#loading")):
            await asyncio.sleep(0.002)
        painted = time.perf_counter() - start
        await app.workers.wait_for_complete()
        await pilot.pause()
        return painted, time.perf_counter() - start


def bench_review(save: Path, small: Path, presses: int) -> list[Row]:
    import asyncio

    big_n, small_n = len(read(save).records), len(read(small).records)
    big = asyncio.run(_review_steps(save, big_n // 2, presses))
    little = asyncio.run(_review_steps(small, small_n // 2, presses))
    rows = []
    for name in ("event", "turn"):
        for kind, label in (("press", "keypress to repaint"), ("work", "screen's own work")):
            ratio = big[f"{name} {kind}"] / little[f"{name} {kind}"]
            rows.append(Row(
                f"review {name} step at {big_n // 2:,}/{big_n:,} vs {small_n // 2}/{small_n}"
                f" ({label})",
                f"{ratio:.2f} ({big[f'{name} {kind}'] * 1000:.1f}/"
                f"{little[f'{name} {kind}'] * 1000:.1f}ms)", "<= 1.2", ratio <= 1.2))
    painted, ready = asyncio.run(_first_paint(save))
    rows.append(Row("review: first paint / ready, opening the large save",
                    f"{painted * 1000:.0f}ms / {ready:.1f}s", "<= 0.3 s", painted <= 0.3))
    return rows


_HOSTILE_CHILD = """
import sys, time
from ui.cli import main
start = time.perf_counter()
with open("/dev/null", "w") as sys.stdout:
    main(["validate", sys.argv[1]])
with open("/proc/self/status") as status:
    peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
print(time.perf_counter() - start, peak, file=sys.stderr)
"""


def hostile_files(work: Path) -> dict[str, Path]:
    """Files under the 5 MiB cap built to cost time or memory, and one far over it."""
    head = "format: ttx/1\nid: h\ntitle: H\nturns: 1\n"
    texts = {
        "1.2M list items": head + "teams:\n" + "- 1\n" * 1_200_000,
        "30,000 teams with errors": head + "teams:\n" + "".join(
            f"  - {{id: T{i}, nam: x}}\n" for i in range(30_000)),
        "400,000 values in flow lists": head + "x: [" + ",".join(
            ["[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]"] * 20_000) + "]\n",
        "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 10)}]\n" for c in "bcdefghij"),
    }
    paths = {}
    for i, (name, text) in enumerate(texts.items()):
        paths[name] = work / f"hostile{i}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    paths["1 GiB sparse file"] = work / "huge.yaml"
    with open(paths["1 GiB sparse file"], "wb") as f:
        f.truncate(1 << 30)
    return paths


def bench_hostile(work: Path) -> list[Row]:
    """`ttx validate` of hostile files: each refused, at what cost (whole process)."""
    rows = []
    for name, path in hostile_files(work).items():
        err = subprocess.run([sys.executable, "-c", _HOSTILE_CHILD, str(path)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stderr.split()
        seconds, peak = float(err[-2]), int(err[-1]) / 1024
        rows.append(Row(f"validate refuses: {name}", f"{seconds:.2f}s, {peak:.0f} MB peak",
                        "< 1 s, < 300 MB", seconds < 1 and peak < 300))
    return rows


def bench_live(work: Path, turns: int) -> list[Row]:
    """50 seats of a 20-team exercise on one host, every team answering every inject."""
    from tests.live.load import run_load

    (work / "live").mkdir()
    r = run_load(work / "live", seats=50, teams=20, turns=turns)
    return [Row(f"live: {r.seats} seats, {r.teams} teams, {r.commands} commands: "
                "lost / duplicated", f"{r.lost} / {r.duplicated}", "0 / 0",
                r.lost == 0 and r.duplicated == 0),
            Row("live: command to every seat seeing its events, p50 / p99",
                f"{r.p50_ms:.0f} ms / {r.p99_ms:.0f} ms ({r.seconds:.1f}s in all)",
                "(measured)", None)]


def bench_startup(repeats: int) -> list[Row]:
    def run(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run([sys.executable, *args], capture_output=True, check=True,
                                      cwd=ROOT)
    help_time = median_time(run("-m", "ui.cli", "--help"), repeats + 4)
    bare = median_time(run("-c", "import pydantic, yaml"), repeats + 4)
    ratio = help_time / bare
    return [Row("ttx --help / python -c 'import pydantic, yaml'",
                f"{ratio:.2f} ({help_time * 1000:.0f}ms/{bare * 1000:.0f}ms)", "<= 1.3",
                ratio <= 1.3)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # a cache of its own
        t0 = time.perf_counter()
        script = write_script(work / "big.yaml", injects=sizes.injects, teams=sizes.teams,
                              metrics=sizes.metrics)
        tenth = write_script(work / "tenth.yaml", injects=sizes.injects // 10,
                             teams=sizes.teams, metrics=sizes.metrics)
        save = big_save(script, work / "big.jsonl", events=sizes.events)
        small = big_save(script, work / "small.jsonl", events=sizes.small_events)
        print(f"generated inputs in {time.perf_counter() - t0:.1f}s: {sizes.injects} injects, "
              f"{sizes.teams} teams, {sizes.metrics} metrics; saves of "
              f"{len(read(save).records):,} and {len(read(small).records):,} events")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        rows: list[Row] = []
        for bench in (lambda: bench_load([tenth, script], sizes.repeats),
                      lambda: bench_script_cache([tenth, script], sizes.repeats),
                      lambda: bench_replay(script, [small, save], sizes.repeats),
                      lambda: bench_verify(script, [small, save], sizes.repeats),
                      lambda: bench_rss(script, save),
                      lambda: bench_simulate(sizes.runs, sizes.repeats),
                      lambda: bench_review(save, small, 5 if args.quick else 11),
                      lambda: bench_startup(sizes.repeats),
                      lambda: bench_live(work, 2 if args.quick else 5),
                      lambda: bench_hostile(work)):
            for row in bench():
                print(row.line(), flush=True)
                rows.append(row)
    unmet = [r.figure for r in rows if r.met is False]
    print(f"{len(rows) - len(unmet)} of {len(rows)} goals met" if rows else "no figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
