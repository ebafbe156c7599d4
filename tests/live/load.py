"""A bounded load test of a live session, on loopback only: one real host process,
many real seats in this process (asyncio), every team answering every inject.

It counts lost and duplicated commands (every acknowledged decision is in the save
exactly once, every seat got every event it may see exactly once) and measures, for
each command, the time from sending it to the last seat entitled to see its events
having received them. The benchmark prints the figures; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import bisect
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from engine.store import read
from tests.generate import write_script
from tests.live.hosting import HostProcess
from ui.live.protocol import (
    OUTBOUND,
    Ack,
    AdvanceCmd,
    Command,
    DecideCmd,
    EndCmd,
    Events,
    Hello,
    Refused,
    Send,
    View,
    Welcome,
)


@dataclass
class Seen:
    """What one connection received: its progress through the log, timestamped."""

    name: str
    team: str | None
    full: bool
    seqs: list[int] = field(default_factory=list)  # every event seq received (full)
    marks: list[tuple[int, float]] = field(default_factory=list)  # (max seq, when)
    view: View | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def at(self, seq: int) -> float | None:
        """When this connection first had seen event `seq`."""
        i = bisect.bisect_left([m[0] for m in self.marks], seq)
        return self.marks[i][1] if i < len(self.marks) else None


@dataclass
class LoadResult:
    seats: int
    teams: int
    commands: int
    lost: int
    duplicated: int
    p50_ms: float
    p99_ms: float
    seconds: float


class Seat:
    def __init__(self, ws: ClientConnection, seen: Seen) -> None:
        self.ws, self.seen = ws, seen
        self.ids = 0
        self.waiting: dict[int, asyncio.Future[Ack | Refused]] = {}

    async def read(self) -> None:
        async for raw in self.ws:
            message = OUTBOUND.validate_json(raw)
            now = time.perf_counter()
            s = self.seen
            if isinstance(message, Ack | Refused) and message.id in self.waiting:
                self.waiting.pop(message.id).set_result(message)
            elif (isinstance(message, Welcome) and message.records) or isinstance(message, Events):
                s.seqs += [r.seq for r in message.records]
                s.marks.append((message.records[-1].seq, now))
            elif isinstance(message, View):
                s.view = message
                s.marks.append((message.seq, now))
                s.changed.set()

    async def send(self, command: Command) -> Ack | Refused:
        self.ids += 1
        future: asyncio.Future[Ack | Refused] = asyncio.get_running_loop().create_future()
        self.waiting[self.ids] = future
        await self.ws.send(Send(id=self.ids, command=command).model_dump_json())
        return await future


async def _join(url: str, code: str, seen: Seen) -> Seat:
    ws = await connect(url, max_size=None, proxy=None)
    await ws.send(Hello(code=code).model_dump_json())
    seat = Seat(ws, seen)
    asyncio.get_running_loop().create_task(seat.read())
    return seat


async def _play(host: HostProcess, seats: int, turns: int) -> tuple[list[Seen], list[
        tuple[float, int, set[str]]], Counter[str], float]:
    codes = host.codes
    teams = list(codes["teams"])
    plan = [("facilitator", None, True), ("evaluator", None, True)]
    plan += [(f"team:{t}", t, False) for t in teams]
    while len(plan) < seats:  # more people at a team's table, then observers
        extra = len(plan) - 2 - len(teams)
        plan.append((f"team:{teams[extra]}", teams[extra], False) if extra < len(teams)
                    else ("observer", None, False))
    joined = []
    for name, team, full in plan:
        code = codes[name] if name in codes else codes["teams"][team]
        joined.append(await _join(host.url, code, Seen(name, team, full)))
    facilitator, players = joined[0], {s.seen.team: s for s in reversed(joined)
                                       if s.seen.team}
    sent: list[tuple[float, int, set[str]]] = []  # (when, last seq, who must see it)
    acked: Counter[str] = Counter()
    start = time.perf_counter()

    async def answer(seat: Seat) -> None:
        team = seat.seen.team
        assert team is not None
        while seat.seen.view is None or seat.seen.view.player is None:
            await asyncio.sleep(0.01)
        view = seat.seen.view.player
        for msg in view.inbox:
            if msg.turn == view.turn and msg.decision is None:
                when = time.perf_counter()
                option = msg.options[0].id if msg.options else None
                ack = await seat.send(DecideCmd(team=team, delivery=msg.delivery,
                                                option=option,
                                                response=None if option else "ack"))
                if isinstance(ack, Ack):
                    acked[team] += 1
                    sent.append((when, ack.last, {f"team:{team}"}))

    for turn in range(1, turns + 1):
        await _until(lambda turn=turn: all(  # type: ignore[misc]
            p.seen.view and p.seen.view.player
            and (p.seen.view.player.turn == turn or p.seen.view.ended)
            for p in players.values()))
        if any(p.seen.view and p.seen.view.ended for p in players.values()):
            break  # the script's end condition came first
        await asyncio.gather(*(answer(p) for p in players.values()))
        when = time.perf_counter()
        last = await facilitator.send(AdvanceCmd() if turn < turns else EndCmd())
        assert isinstance(last, Ack), last
        sent.append((when, last.last, {s.seen.name for s in joined}))
    await asyncio.sleep(0.5)
    seconds = time.perf_counter() - start
    for seat in joined:
        await seat.ws.close()
    return [s.seen for s in joined], sent, acked, seconds


async def _until(check: object) -> None:
    while not check():  # type: ignore[operator]
        await asyncio.sleep(0.01)


def run_load(work: Path, seats: int = 50, teams: int = 20, turns: int = 3) -> LoadResult:
    # More turns in the script than are played, so its end condition rarely comes first.
    script = write_script(work / "load.yaml", injects=30 * turns, teams=teams, metrics=6,
                          turns=turns + 3)
    host = HostProcess(script, work, "--saves", str(work)).start()
    try:
        seen, sent, acked, seconds = asyncio.run(_play(host, seats, turns))
    finally:
        host.stop()
    records = read(host.save()).records
    decided = Counter((r.event.team, r.event.delivery) for r in records
                      if r.event.type == "decision")
    by_team = Counter(team for team, _ in decided)
    lost = sum(max(0, acked[t] - by_team[t]) for t in acked)
    duplicated = sum(n - 1 for n in decided.values() if n > 1)
    for s in seen:
        if s.full:  # every event once, in order
            duplicated += len(s.seqs) - len(set(s.seqs))
            lost += len(records) - len(set(s.seqs))
    latencies = []
    for when, last, who in sent:
        watchers = [s for s in seen if s.full or s.name in who
                    or (s.name == "observer" and len(who) > 1)]
        times = [s.at(last) for s in watchers]
        lost += sum(t is None for t in times)
        latencies.append(max(t for t in times if t is not None) - when)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return LoadResult(len(seen), teams, len(sent), lost, duplicated,
                      statistics.median(latencies) * 1000, p99 * 1000, seconds)
