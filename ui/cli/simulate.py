"""`ttx simulate`: many bot playthroughs in memory, spread over processes, summarised.

Seeds are cut into fixed chunks whatever the number of jobs, and the chunks' tallies
are merged in seed order, so `--jobs 2` prints exactly what `--jobs 1` prints.
Balance replays stop for a decision once it is known not to be dominant; which
chunks knew that first changes only the time taken, never the answer.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from engine.diagnostics import ScriptError
from engine.loader import load
from engine.script import Exercise
from engine.simstats import PairKey, Tally, end_rates, summary, tally_seeds, uniform_policies
from engine.simulate import PolicyError, Simulator, parse_policies

CHUNK = 250

_worker: tuple[Exercise, dict[tuple[tuple[str, str], ...], Simulator]] | None = None


def command(args: argparse.Namespace) -> int:
    try:
        ex = load(args.script).exercise
        policy = parse_policies(ex, args.policy)
    except ScriptError as exc:
        print(exc, file=sys.stderr)
        return 1
    except PolicyError as exc:
        print(f"ttx: {exc}", file=sys.stderr)
        return 2
    first = args.seed if args.seed is not None else (ex.seed if ex.seed is not None else 1)
    balance = min(args.balance_seeds, args.runs)
    started = time.perf_counter()
    # Workers are forked before the progress bar starts its thread: forking a process
    # with threads can copy a lock held mid-write into the child.
    profiles = uniform_policies(ex) if args.uniform_runs else {}
    with workers(ex, args.jobs) as pool, \
            _progress(args.runs + len(profiles) * args.uniform_runs) as advance:
        tally = simulate(ex, policy, first, args.runs, balance, args.jobs, advance, pool)
        uniform = {name: simulate(ex, p, first, args.uniform_runs, 0, args.jobs, advance, pool)
                   for name, p in profiles.items()}
    elapsed = time.perf_counter() - started
    report = summary(ex, tally, policy=policy, first_seed=first, balance_seeds=balance)
    report["ends"] = end_rates(ex, tally, uniform)
    report["uniform_runs"] = args.uniform_runs if profiles else 0
    if any(e["dominant"] or e["unreachable"] for e in report["ends"]):
        report["balanced"] = False
    report["seconds"] = round(elapsed, 3)
    report["jobs"] = args.jobs
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(ex, report))
    return 1 if args.strict and not report["balanced"] else 0


def simulate(ex: Exercise, policy: dict[str, str], first: int, runs: int, balance: int,
             jobs: int, advance: Callable[[int], None] = lambda n: None,
             pool: ProcessPoolExecutor | None = None) -> Tally:
    """Tally `runs` playthroughs from seed `first`, in `jobs` processes (from `pool`,
    or a pool made here)."""
    chunks = [range(s, min(s + CHUNK, first + runs)) for s in range(first, first + runs, CHUNK)]
    below = first + balance
    done: dict[int, Tally] = {}
    seen = Tally()  # everything finished so far, in any order: only to know what settled
    settled: set[PairKey] = set()

    def finished(index: int, tally: Tally) -> None:
        done[index] = tally
        seen.merge(tally)
        settled.update(p for p in seen.points if p not in settled and seen.settled(ex, p))
        advance(len(chunks[index]))

    if jobs == 1 or len(chunks) == 1:
        simulator = Simulator(ex, policy)
        for i, chunk in enumerate(chunks):
            finished(i, tally_seeds(simulator, chunk, balance_below=below,
                                    settled=frozenset(settled)))
    elif pool is None:
        with workers(ex, jobs) as own:
            assert own is not None
            for i, tally in _in_pool(own, policy, chunks, below, jobs, settled):
                finished(i, tally)
    else:
        for i, tally in _in_pool(pool, policy, chunks, below, jobs, settled):
            finished(i, tally)
    total = Tally()
    for i in range(len(chunks)):
        total.merge(done[i])
    return total


@contextmanager
def workers(ex: Exercise, jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of `jobs` started worker processes that know the exercise (None for one
    job: the runs then stay in this process)."""
    if jobs == 1:
        yield None
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_init, initargs=(ex,))
    try:
        pool.submit(_ready).result()  # starts every worker now
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_pool(pool: ProcessPoolExecutor, policy: dict[str, str], chunks: list[range],
             below: int, jobs: int, settled: set[PairKey]) -> Iterator[tuple[int, Tally]]:
    """Run chunks in the pool, at most two per worker in flight, each sent with what
    has settled so far; yield (chunk index, tally) as they finish."""
    pending: dict[Future[Tally], int] = {}
    queue = list(enumerate(chunks))
    while queue or pending:
        while queue and len(pending) < 2 * jobs:
            i, chunk = queue.pop(0)
            pending[pool.submit(_work, policy, chunk, below, frozenset(settled))] = i
        ready, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in ready:
            yield pending.pop(future), future.result()


def _ready() -> None:
    """A task that does nothing: submitting it starts the workers."""


def _init(ex: Exercise) -> None:
    """A worker's exercise, and its simulators (compiled once per policy it is sent)."""
    global _worker
    _worker = (ex, {})
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _work(policy: dict[str, str], chunk: range, below: int,
          settled: frozenset[PairKey]) -> Tally:
    assert _worker is not None, "initialised by the pool"
    ex, simulators = _worker
    key = tuple(sorted(policy.items()))
    if key not in simulators:
        simulators[key] = Simulator(ex, policy)
    return tally_seeds(simulators[key], chunk, balance_below=below, settled=settled)


class _progress:
    """A rich progress bar on stderr while runs finish (shown only on a terminal)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if sys.__stderr__ is None or not sys.__stderr__.isatty() \
                or os.environ.get("TTX_NO_PROGRESS"):
            return lambda n: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        # The terminal itself, not `ttx`'s escaping stderr (which makes whatever a
        # script holds inert): the bar is this program's own drawing, and holds no text
        # from the script or a save.
        self.bar = Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TimeRemainingColumn(),
                            console=Console(file=sys.__stderr__), transient=True)
        self.bar.start()
        task = self.bar.add_task("runs", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# ------------------------------------------------------------------ text report


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.{digits}f}"


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.rjust(w) if i in right else c.ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in rows]


def format_report(ex: Exercise, r: dict[str, Any]) -> str:
    n = r["runs"]
    out = [f"{ex.title} ({ex.id}): {n:,} runs, seeds {r['seeds']['first']}.."
           f"{r['seeds']['last']}, {r['seconds']:.1f} s ({r['jobs']} job"
           f"{'s' if r['jobs'] != 1 else ''})",
           "Policies: " + ", ".join(f"{t} {p}" for t, p in r["policies"].items()), "",
           "Outcomes"]
    rows = [["runs", "share", "outcome"]]
    for o in r["outcomes"]:
        text = o["outcome"] or f"ran to the last turn ({ex.turns})"
        rows.append([f"{o['runs']:,}", f"{o['share']:.1%}", " ".join(text.split())])
    out += _table(rows, {0, 1})
    turns = r["turns"]
    out.append(f"  turns played: min {_num(turns['min'])}, median {_num(turns['median'])}, "
               f"max {_num(turns['max'])}")
    out += ["", "Final metrics"]
    rows = [["metric", "min", "median", "max", "mean"]]
    for m in r["metrics"]:
        name = m["metric"] if m["team"] is None else f"{m['metric']}[{m['team']}]"
        rows.append([name, *(_num(m.get(k)) for k in ("min", "median", "max", "mean"))])
    out += _table(rows, {1, 2, 3, 4})
    out += ["", "Final weighted score per team"]
    rows = [["team", "min", "median", "max", "mean", "unrated runs"]]
    for s in r["scores"]:
        rows.append([s["team"], *(_num(s.get(k)) for k in ("min", "median", "max", "mean")),
                     f"{s['unrated_runs']:,}"])
    out += _table(rows, {1, 2, 3, 4, 5})
    out += ["", "Options: pick rate, and mean effect on the deciding team's final weighted "
            "score", "  (mean score in runs where the team chose the option minus in runs "
            "where it decided on the inject but chose otherwise; no effect shown: no runs on "
            "one side)"]
    fixed = [t for t, p in r["policies"].items() if p != "random"]
    if fixed:
        out.append(f"  ({', '.join(fixed)}: a fixed policy rarely varies its pick; "
                   "--policy TEAM=random explores every option)")
    out += _options_table(ex, r["options"])
    out += _ends_table(r)
    never = r["never_delivered"]
    out += ["", "Injects never delivered in any run: " + (", ".join(never) if never else
                                                          "none")]
    bal = r["balance"]
    out.append("")
    if bal["seeds"]:
        out.append(f"Balance: every decision of the first {bal['seeds']:,} runs replayed with "
                   "each option (same dice, other bots unchanged)")
        if not bal["dominant"]:
            out.append("  no option is best under every seed")
        for d in bal["dominant"]:
            out.append(f"  warning: {d['team']} choosing {d['option']!r} on {d['inject']!r} "
                       f"is best under every seed ({d['decisions_replayed']:,} decisions "
                       "replayed): a dominant option, not a dilemma")
    else:
        out.append("Balance: not checked (--balance-seeds 0)")
    if not r["balanced"]:
        out += ["", "Verdict: NOT balanced"]
    elif bal["seeds"]:
        out += ["", "Verdict: balanced (every inject delivered in some run, no option best "
                "under every seed, no end reached always or never by one policy)"]
    else:
        out += ["", "Verdict: every inject delivered in some run (dominant options not "
                "checked)"]
    return "\n".join(out)


def _ends_table(r: dict[str, Any]) -> list[str]:
    """Rows: the script's policies, then each uniform policy; columns: the ends."""
    ends = r["ends"]
    runs = r.get("uniform_runs", 0)
    out = ["", "Ends: share of runs reaching each end, under the script's policies and with "
           f"every team on one policy ({runs:,} runs each)" if runs else
           "Ends: share of runs reaching each end (uniform policies not played: "
           "--uniform-runs 0)"]
    for e in ends:
        name = f"end {e['end'] + 1}" if e["end"] is not None else "last turn"
        text = e["outcome"] or "no end rule held: ran to the last turn"
        out.append(f"  {name}: {' '.join(text.split())}")
    names = list(ends[0]["rates"]) if ends else []
    rows = [["policy", *(f"end {e['end'] + 1}" if e["end"] is not None else "last turn"
                         for e in ends)]]
    for name in names:
        rows.append([name, *(f"{e['rates'][name]:.0%}" for e in ends)])
    out += _table(rows, set(range(1, len(ends) + 1)))
    for e in ends:
        label = f"end {e['end'] + 1}" if e["end"] is not None else ""
        for policy in e["dominant"]:
            out.append(f"  warning: {label} is reached in every run with every team on "
                       f"{policy}: a dominant strategy, not a dilemma")
        if e["unreachable"]:
            out.append(f"  warning: {label} is reached in no run under any policy: "
                       "unreachable")
    return out


def _options_table(ex: Exercise, options: list[dict[str, Any]]) -> list[str]:
    teams = [t for t in ex.team_ids if any(o["team"] == t for o in options)]
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for o in options:
        rate = "-" if o["pick_rate"] is None else f"{o['pick_rate']:.0%}"
        effect = o["mean_effect"]
        text = rate if effect is None else f"{rate} {effect:+.2f}"
        cells.setdefault((o["inject"], o["option"]), {})[o["team"]] = text
    rows = [["inject / option", *teams]]
    for inject in ex.injects:
        if not any(key[0] == inject.id for key in cells):
            continue
        rows.append([inject.id, *([""] * len(teams))])
        for option in inject.options:
            got = cells.get((inject.id, option.id), {})
            rows.append(["  " + option.id, *(got.get(t, "") for t in teams)])
    return _table(rows, set(range(1, len(teams) + 1)))
