"""Problems found in a user's file, located as `path:line:col` (1-based)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col,
                "severity": self.severity, "message": self.message}


MAX_SHOWN = 100  # a hostile file can hold thousands of errors; nobody reads past these


class ScriptError(Exception):
    """Raised with every problem of a file, so a user can fix them all in one go (the
    first MAX_SHOWN of them in file order; `omitted` counts the rest)."""

    def __init__(self, diagnostics: list[Diagnostic], more: int = 0) -> None:
        ordered = sorted(diagnostics)
        self.diagnostics = ordered[:MAX_SHOWN]
        self.omitted = len(ordered) - len(self.diagnostics) + more
        super().__init__("\n".join([str(d) for d in self.diagnostics] + more_line(self.omitted)))


def more_line(omitted: int) -> list[str]:
    """The line that stands for diagnostics not shown, if any."""
    return [f"... and {omitted:,} more"] if omitted > 0 else []
