"""`ttx host SCRIPT|SAVE`: start or resume a session and serve it to its seats.

The host opens the session as `ttx facilitate` or `ttx resume` would (so it holds the
save's lock: one writer), prints a join code per seat, and serves them over WebSocket
until SIGINT or SIGTERM, when it closes every connection and releases the save. With
`--web PORT` it also serves the seat console to browsers, through textual-serve, in a
child process it starts and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import signal
import socket
import subprocess
import sys
from pathlib import Path

from websockets.asyncio.server import serve

from engine.diagnostics import ScriptError
from engine.files import Unreadable, read_capped
from engine.saved import ScriptChanged
from engine.store import SaveError, read
from ui.controller import OpenError, SessionController
from ui.live.host import Host
from ui.live.protocol import MAX_MESSAGE
from ui.live.seats import SeatBook, SeatFileError, write_private
from ui.live.web import public_host
from ui.paths import script_for

EXIT_PROBLEM = 1


def open_session(args: argparse.Namespace) -> tuple[SessionController, bytes, str]:
    """The session to host, the script's bytes (sent to the facilitator and evaluator
    seats) and its name."""
    target = Path(args.target)
    if target.suffix == ".jsonl":
        session = SessionController.resume(target, script=args.script, force=args.force,
                                           begin=not args.lobby)
        try:
            header = read(target).header
            script_path = script_for(header, args.script, force=args.force).path
        except (SaveError, ScriptError, ScriptChanged) as exc:  # opened a moment ago
            session.close()
            raise OpenError("The script of this save cannot be read", [str(exc)]) from None
    else:
        session = SessionController.start(target, mode="facilitate", seed=args.seed,
                                          bots=args.bots, saves_dir=args.saves,
                                          begin=not args.lobby)
        script_path = str(target)
    try:
        raw = read_capped(script_path)
    except Unreadable as exc:
        session.close()
        raise OpenError("Cannot read the script", [f"{script_path}: {exc.reason}"]) from None
    if hashlib.sha256(raw).hexdigest() != session.live.header.script_sha256 and not args.force:
        session.close()
        raise OpenError("The script changed while the host was opening it",
                        [f"{script_path}: start the host again"])
    return session, raw, Path(script_path).name


def host_log(save: str) -> logging.Logger:
    """The host's log: `SAVE.host.log` and stderr; never the save."""
    log = logging.getLogger(f"ttx.host.{save}")
    log.setLevel(logging.INFO)
    log.propagate = False
    form = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for handler in (logging.FileHandler(save + ".host.log", encoding="utf-8"),
                    logging.StreamHandler(sys.stderr)):
        handler.setFormatter(form)
        log.addHandler(handler)
    return log


def port_problem(bind: str, port: int) -> str | None:
    """Why the host could not listen there, found before a save is created for nothing."""
    if port == 0:
        return None
    try:
        socket.create_server((bind, port), reuse_port=False).close()
    except OSError as exc:
        return f"cannot listen on {bind}:{port}: {exc.strerror or exc}"
    return None


def command(args: argparse.Namespace) -> int:
    for bind, port in ((args.bind, args.port), (args.bind, args.web or 0)):
        problem = port_problem(bind, port)
        if problem is not None:
            print(f"ttx host: {problem}", file=sys.stderr)
            return EXIT_PROBLEM
    try:
        session, raw, name = open_session(args)
    except OpenError as exc:
        print(f"ttx host: {exc.title}", file=sys.stderr)
        for line in exc.details:
            print(f"  {line}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        book = SeatBook.open(session.path, session.exercise)
        log = host_log(session.path)
        host = Host(session, book, raw.decode("utf-8", "replace"), name, log)
        asyncio.run(_serve(host, args))
    except SeatFileError as exc:
        print(f"ttx host: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    except OSError as exc:
        print(f"ttx host: cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        session.close()
    return 0


async def _serve(host: Host, args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serve(host.handler, args.bind, args.port, max_size=MAX_MESSAGE) as server:
        port = server.sockets[0].getsockname()[1] if server.sockets else args.port
        url = f"ws://{public_host(args.bind)}:{port}/"  # for people, on any machine
        codes = host.book.codes_json(url)
        # The browser seats' consoles run here: they reach the host by its own address.
        web = _start_web(args, f"ws://{_local_host(args.bind)}:{port}/") if args.web else None
        if web is not None:
            codes["web"] = f"http://{public_host(args.bind)}:{args.web}/"
        if args.codes_json:
            write_private(args.codes_json, json.dumps(codes, indent=2))
        _print_codes(host, codes)
        host.log.info("serving %s on %s", host.session.path, url)
        ticking = asyncio.create_task(host.keep_time())
        try:
            await stop.wait()
        finally:
            ticking.cancel()
            host.log.info("stopping: every seat is told the host went away")
            if web is not None:
                web.terminate()
                try:
                    web.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    web.kill()


def _local_host(bind: str) -> str:
    """How a process on this machine reaches a host bound to `bind`."""
    if bind in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{bind}]" if ":" in bind else bind


def _start_web(args: argparse.Namespace, url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ui.live.web", "--bind", args.bind,
                             "--port", str(args.web), url],
                            stdin=subprocess.DEVNULL)


def _print_codes(host: Host, codes: dict[str, object]) -> None:
    session = host.session
    print(f"Hosting {session.exercise.title} ({session.path}) at {codes['url']}")
    if "web" in codes:
        print(f"Browsers: {codes['web']} (the page asks for the join code)")
    print("Join with: ttx join URL --code CODE")
    teams = codes["teams"]
    assert isinstance(teams, dict)
    for seat in ("facilitator", "evaluator", "observer"):
        print(f"  {seat:<12} {codes[seat]}")
    for team, code in teams.items():
        print(f"  team {team:<7} {code}")
    print("Ctrl+C stops the host; `ttx host SAVE` resumes it." if host.started else
          "Seats are in the lobby until the facilitator starts turn 1.", flush=True)
