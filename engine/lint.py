"""Lint: things that are valid but probably not what the author meant (warnings)."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .script import Exercise


def lint(ex: Exercise, path: str) -> list[Diagnostic]:
    return []
