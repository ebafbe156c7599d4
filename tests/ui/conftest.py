"""Fixtures for the TUI tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.support import DRILL


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory holding a copy of the test exercise and no saves:
    paths on screen are then short and the same on every run."""
    (tmp_path / "exercises").mkdir()
    shutil.copy(DRILL, tmp_path / "exercises" / "drill.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path
