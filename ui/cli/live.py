"""The `ttx host` and `ttx join` arguments (parsing only: `ttx --help` stays fast)."""

from __future__ import annotations

from typing import Any


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("host", help="serve a live session: one host, a seat per role "
                       "(facilitator, evaluator, each team, observer), joined with "
                       "`ttx join` or a browser")
    p.add_argument("target", metavar="SCRIPT|SAVE",
                   help="a script starts a new session; a save (.jsonl) resumes one")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8765, metavar="N",
                   help="WebSocket port (default 8765; 0 picks a free one)")
    p.add_argument("--web", type=int, metavar="PORT",
                   help="also serve the seat console to browsers on this port")
    p.add_argument("--codes-json", metavar="FILE",
                   help="also write the address and join codes to FILE (owner-only)")
    p.add_argument("--lobby", action="store_true",
                   help="seats join first; the facilitator starts turn 1")
    p.add_argument("--seed", type=int)
    p.add_argument("--bots", metavar="TEAM", nargs="*", default=[],
                   help="teams played by bots (new session only)")
    p.add_argument("--script", metavar="FILE", help="a save's script (default: as recorded)")
    p.add_argument("--force", action="store_true",
                   help="resume even if the script changed since the save was made")
    p.add_argument("--saves", default="saves", metavar="DIR")
    p = sub.add_parser("join", help="take a seat in a live session (TUI): the "
                       "facilitator's console, an evaluator's, a team's or an observer's, "
                       "as the join code says")
    p.add_argument("url", metavar="URL", help="the host's address, as `ttx host` prints it")
    p.add_argument("--code", help="the seat's join code (default: asked for on screen)")
