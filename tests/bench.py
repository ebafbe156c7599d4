"""Benchmarks at scale: each figure is a ratio measured side by side in one run.

    python -m tests.bench            # full sizes (5,000 injects, 50,000 events, 10,000 runs)
    python -m tests.bench --quick    # small sizes, for CI: proves the benchmark still runs

Each figure is the median of repeated runs. Goals are printed next to the figures;
nothing here fails on time (timed tests flake), it reports.
"""

from __future__ import annotations

import argparse
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
from engine.loader import load
from engine.store import read
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


def bench_load(script: Path, repeats: int) -> list[Row]:
    raw = script.read_bytes()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    bare = median_time(lambda: yaml.load(raw, Loader=loader), repeats)
    ours = median_time(lambda: load(script), repeats)
    ratio = ours / bare
    return [Row(f"load+validate / yaml.load(CSafeLoader) [{len(raw) / 2**20:.1f} MiB]",
                f"{ratio:.2f} ({ours:.2f}s/{bare:.2f}s)", "<= 1.5", ratio <= 1.5)]


def bench_replay(script: Path, save: Path, repeats: int) -> list[Row]:
    lines = save.read_bytes().splitlines()
    loaded = load(script)
    bare = median_time(lambda: [json.loads(line) for line in lines], repeats)
    ours = median_time(lambda: saved.replay(read(save), loaded), repeats)
    ratio = ours / bare
    return [Row(f"replay {len(lines) - 1:,}-event save / json.loads per line",
                f"{ratio:.2f} ({ours:.2f}s/{bare:.2f}s)", "<= 2.0", ratio <= 2.0)]


_RSS_CHILD = """
import resource, sys
from engine import saved
from engine.loader import load
from engine.store import read
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
saved.replay(read(sys.argv[2]), load(sys.argv[1]))
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_rss(script: Path, save: Path) -> list[Row]:
    out = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(script), str(save)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    base, peak = (int(x) / 1024 for x in out)  # ru_maxrss is in KiB on Linux
    return [Row("peak RSS replaying the large save", f"{peak:.0f} MB ({base:.0f} at start)",
                "< 200 MB", peak < 200)]


def bench_simulate(runs: int, repeats: int) -> list[Row]:
    rows = []
    env = {**os.environ, "TTX_NO_PROGRESS": "1"}
    for script in sorted((ROOT / "exercises").glob("*.yaml")):
        for jobs in (1, 2):
            def simulate(script: Path = script, jobs: int = jobs) -> None:
                subprocess.run([sys.executable, "-m", "ui.cli", "simulate", str(script),
                                "--runs", str(runs), "--jobs", str(jobs), "--balance-seeds",
                                "0"], capture_output=True, check=True, cwd=ROOT, env=env)
            took = median_time(simulate, max(1, repeats - 2))
            # The goal is about 10,000 runs; a quick run's figure includes start-up.
            judged = runs >= 10_000
            rows.append(Row(f"ttx simulate {script.stem}, {runs:,} runs, --jobs {jobs}",
                            f"{took:.2f}s ({runs / took:,.0f} runs/s)",
                            "10k < 10 s" if judged else "(quick)",
                            took < 10 if judged else None))
    return rows


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
        t0 = time.perf_counter()
        script = write_script(work / "big.yaml", injects=sizes.injects, teams=sizes.teams,
                              metrics=sizes.metrics)
        save = big_save(script, work / "big.jsonl", events=sizes.events)
        small = big_save(script, work / "small.jsonl", events=sizes.small_events)
        print(f"generated inputs in {time.perf_counter() - t0:.1f}s: {sizes.injects} injects, "
              f"{sizes.teams} teams, {sizes.metrics} metrics; saves of "
              f"{len(read(save).records):,} and {len(read(small).records):,} events")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        rows: list[Row] = []
        for bench in (lambda: bench_load(script, sizes.repeats),
                      lambda: bench_replay(script, save, sizes.repeats),
                      lambda: bench_rss(script, save),
                      lambda: bench_simulate(sizes.runs, sizes.repeats),
                      lambda: bench_startup(sizes.repeats)):
            for row in bench():
                print(row.line(), flush=True)
                rows.append(row)
    unmet = [r.figure for r in rows if r.met is False]
    print(f"{len(rows) - len(unmet)} of {len(rows)} goals met" if rows else "no figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
