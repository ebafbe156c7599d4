"""Browser seats: the seat console served to browsers by textual-serve.

`ttx host --web PORT` starts this in a child process. Each browser tab gets its own
`ttx join URL` (textual-serve runs the command per connection and streams its
screen), which asks for the join code on the page; the console then talks to the
host like any other seat, with the same rights checked on the host.
"""

from __future__ import annotations

import argparse
import shlex
import socket
import sys
from collections.abc import Sequence

from textual_serve.server import Server


def public_host(bind: str) -> str:
    """The name browsers reach this machine by: a wildcard bind means every interface,
    which browsers on the room's network reach by this machine's name."""
    if bind in ("", "0.0.0.0", "::"):
        return socket.getfqdn()
    return f"[{bind}]" if ":" in bind else bind


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.live.web",
                                     description="Serve the seat console to browsers.")
    parser.add_argument("url", help="the host's WebSocket address")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    command = shlex.join([sys.executable, "-m", "ui.cli", "join", args.url])
    Server(command, host=args.bind, port=args.port, title="Coalition TTX seat",
           public_url=f"http://{public_host(args.bind)}:{args.port}").serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
