"""The trainee's debrief: each choice beside the expected action, the ones that
differed first. Shown once the exercise has ended (it reads `expected` and option
ratings, which players never see while it runs)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from engine.debrief import DebriefRow, debrief
from ui.tui.widgets.themed import TeamView

MARKS = {"differed": "✗ differed", "as expected": "✓ as expected", "compare": "? compare"}


class Debrief(TeamView):
    DEFAULT_CLASSES = "debrief"

    def build(self) -> RenderableType:
        if self._view is None:
            return ""
        rows = debrief(*self._view)
        if not rows:
            return Text("No message asked your team for a decision.", style="dim")
        order = {"differed": 0, "compare": 1, "as expected": 2}
        rows = sorted(rows, key=lambda r: (order[r.verdict], r.delivery))
        differed = sum(r.verdict == "differed" for r in rows)
        parts: list[RenderableType] = [Text(
            f"{differed} of {len(rows)} choices differed from what the script expects; "
            "✓ as expected, ✗ differed, ? yours to compare (no rated option to judge by).",
            style="dim")]
        for row in rows:
            parts += self._row(row)
        return Group(*parts)

    def _row(self, row: DebriefRow) -> list[RenderableType]:
        tone = {"differed": "text-error", "as expected": "text-success",
                "compare": "text-warning"}[row.verdict]
        out: list[RenderableType] = [
            Text(""),
            Text.assemble((MARKS[row.verdict], f"bold {self.tone(tone)}"),
                          (f"  turn {row.turn}: ", "dim"), (row.title, "bold")),
            Text(f"  You {row.decision}."),
        ]
        if row.expected:
            out.append(Text(f"  Expected: {row.expected}"))
        if row.better:
            which = "Rated higher than yours" if row.chose_option else "Rated best"
            out.append(Text(f"  {which}: " + "; ".join(f"“{b}”" for b in row.better),
                            style="dim"))
        return out
