"""The HTML report in a real browser: Debian's headless Chromium opens the file
offline and lays out its charts (`.ci/run` / `run-tests` install Chromium when they
can; without it this test is skipped, saying so)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.aar.conftest import Played
from ui.report.charts import PALETTE
from ui.report.render import render
from ui.tui.review import open_review

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; "
    "run-tests installs it when run as root): the report is not checked in a browser")

# Runs after the page has loaded and been laid out: what the browser actually drew.
PROBE = """<script>
const charts = [...document.querySelectorAll("figure.chart")].map(fig => {
  const svg = fig.querySelector("svg");
  const box = svg.getBoundingClientRect();
  return {team: fig.dataset.team, width: box.width, height: box.height,
          lines: [...svg.querySelectorAll("polyline.series")].map(line => {
            const b = line.getBBox();
            return {points: line.points.numberOfItems, width: b.width, height: b.height,
                    stroke: getComputedStyle(line).stroke};
          }),
          dots: svg.querySelectorAll("circle.point").length};
});
const pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = JSON.stringify(charts);
document.body.appendChild(pre);
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--disable-sync",
         "--disable-component-update", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=90)


def test_browser_draws_every_chart_with_every_point(drill: Played, tmp_path: Path) -> None:
    html = render(open_review(str(drill.save)).report, "html")
    page = tmp_path / "aar.html"
    page.write_text(html.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    done = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    probe = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, flags=re.S)
    assert probe is not None, "the page did not run to the end"
    charts = json.loads(probe.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert [c["team"] for c in charts] == ["alpha", "bravo", ""]
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 150  # laid out, visible size
        assert all(line["points"] == 4 for line in chart["lines"])  # start + 3 turns
        assert chart["dots"] == 4 * len(chart["lines"])
        assert all(line["width"] > 100 for line in chart["lines"])  # spans the turns
        assert all(line["stroke"] not in ("none", "") for line in chart["lines"])
    assert [len(c["lines"]) for c in charts] == [2, 2, 1]
    # bravo's trust fell (50 -> 40) and then stayed: its line has height, alpha's fuel too
    assert charts[1]["lines"][0]["height"] > 0


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB(A) PNG (what Chromium writes) into rows of raw pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        size = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + size]
        header = body if kind == b"IHDR" else header
        chunks += [body] if kind == b"IDAT" else []
        pos += size + 12
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    assert header[8] == 8 and header[9] in (2, 6), "8-bit RGB or RGBA"
    bpp = 3 if header[9] == 2 else 4
    raw, stride, rows = zlib.decompress(b"".join(chunks)), width * bpp, []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[k] for k in range(stride) if k % bpp < 3))
        prev = line
    return width, height, rows


def test_browser_paints_the_chart_lines(drill: Played, tmp_path: Path) -> None:
    """A screenshot of the first chart alone: its two lines are painted in their colours."""
    html = render(open_review(str(drill.save)).report, "html")
    only_chart = html.replace("</style>", "body > header, section:not(#metrics), "
                              "#metrics > h2, #metrics > p, figure.chart ~ figure.chart "
                              "{display: none}</style>")
    page = tmp_path / "chart.html"
    page.write_text(only_chart, encoding="utf-8")
    shot = tmp_path / "chart.png"
    done = chromium(tmp_path, "--hide-scrollbars", "--window-size=760,420",
                    f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (760, 420)
    pixels = [row[i:i + 3] for row in rows for i in range(0, len(row), 3)]

    def near(color: str) -> int:
        want = bytes.fromhex(color.lstrip("#"))
        return sum(all(abs(p[k] - want[k]) < 40 for k in range(3)) for p in pixels)

    assert near(PALETTE[0]) > 300  # alpha's trust: a line across the chart, and its dots
    assert near(PALETTE[1]) > 300  # alpha's fuel
