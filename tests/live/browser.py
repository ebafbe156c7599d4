"""Headless Chromium, driven over the DevTools protocol (CDP) with the same
websockets library the seats use: open a page, type into it, read what its
WebSockets receive, take a screenshot."""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any, ClassVar

from websockets.sync.client import ClientConnection, connect

from tests.live.hosting import free_port


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    def __init__(self, url: str, profile: Path, size: tuple[int, int] = (1280, 800)) -> None:
        binary = chromium()
        assert binary is not None
        port = free_port()
        self.proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--no-first-run", f"--user-data-dir={profile}",
             f"--remote-debugging-port={port}", f"--window-size={size[0]},{size[1]}", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._stack = ExitStack()
        self.ws = self._page(port)
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def _page(self, port: int, timeout: float = 20) -> ClientConnection:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
                    pages = [p for p in json.load(r) if p.get("type") == "page"]
                if pages:
                    return self._stack.enter_context(connect(
                        pages[0]["webSocketDebuggerUrl"], proxy=None, max_size=None))
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not open its debugging port")
            time.sleep(0.1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        self.ws.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=20))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression,
                         returnByValue=True)["result"].get("value")

    def until(self, expression: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"never true in the page: {expression}")
            time.sleep(0.1)

    def type(self, text: str) -> None:
        self.call("Input.insertText", text=text)

    KEYS: ClassVar[dict[str, tuple[str, str, int, str]]] = {  # name: key, code, keyCode, text
        "enter": ("Enter", "Enter", 13, "\r"), "tab": ("Tab", "Tab", 9, "\t"),
        "down": ("ArrowDown", "ArrowDown", 40, ""), "up": ("ArrowUp", "ArrowUp", 38, ""),
        "ctrl+s": ("s", "KeyS", 83, ""),
    }

    def press(self, name: str) -> None:
        key, code, number, text = self.KEYS[name]
        modifiers = 2 if name.startswith("ctrl+") else 0
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=code,
                      windowsVirtualKeyCode=number, modifiers=modifiers,
                      text=text if kind == "keyDown" else "")

    def press_enter(self) -> None:
        self.press("enter")

    def received(self) -> str:
        """Everything the page's WebSockets received so far, as text."""
        self.call("Runtime.evaluate", expression="0")  # collect pending events
        out = []
        for event in self.events:
            if event.get("method") == "Network.webSocketFrameReceived":
                frame = event["params"]["response"]
                data = frame["payloadData"]
                if frame.get("opcode") == 2:
                    data = base64.b64decode(data).decode("utf-8", "replace")
                out.append(data)
        return "".join(out)

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot")["data"]))

    def close(self) -> None:
        try:
            self._stack.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
