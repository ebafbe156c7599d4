"""Preferences outlive a session: `t`'s question and the theme, kept in one JSON file
in the user's config directory; a bad file means the defaults and a warning."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.ui.support import facilitate, run_async, settle
from ui.tui import preferences
from ui.tui.app import LIGHT, TTXApp
from ui.tui.launch import settings_from
from ui.tui.preferences import Preferences
from ui.tui.screens.console import ConsoleScreen


def test_a_missing_file_is_the_defaults_and_a_saved_one_reads_back(tmp_path: Path) -> None:
    where = tmp_path / "nested" / "preferences.json"
    assert preferences.load(where) == (Preferences(), None)
    assert preferences.save(where, Preferences(theme=LIGHT, confirm_turn=False)) is None
    assert preferences.load(where) == (Preferences(theme=LIGHT, confirm_turn=False), None)
    assert [p.name for p in where.parent.iterdir()] == ["preferences.json"]  # no temp left


def test_a_broken_file_is_the_defaults_with_a_reason(tmp_path: Path) -> None:
    where = tmp_path / "preferences.json"
    for text in ("{not json", '{"confirm_turn": "maybe"}', "[1, 2]"):
        where.write_text(text, encoding="utf-8")
        prefs, problem = preferences.load(where)
        assert prefs == Preferences()
        assert problem is not None and problem.startswith(f"{where}: not valid preferences")
    where.write_text('{"confirm_turn": false, "from_a_later_version": 1}', encoding="utf-8")
    assert preferences.load(where) == (Preferences(confirm_turn=False), None)


def test_the_command_line_reads_them_from_the_config_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    where = tmp_path / "coalition-ttx" / "preferences.json"
    assert preferences.location() == where
    preferences.save(where, Preferences(theme=LIGHT, confirm_turn=False))
    settings = settings_from(argparse.Namespace(exercises=[], saves="saves"))
    assert (settings.theme, settings.confirm_turn, settings.preferences) == (
        LIGHT, False, where)
    where.write_text("{", encoding="utf-8")
    assert "not valid preferences" in (settings_from(
        argparse.Namespace(exercises=[], saves="saves")).preferences_problem or "")


@run_async
async def test_turning_the_question_off_and_the_theme_is_kept(workdir: Path) -> None:
    where = workdir / "config" / "preferences.json"
    app: TTXApp = facilitate(workdir)
    app.launch.settings = app.settings = replace(app.settings, preferences=where)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        screen.toggle_confirm_turn()
        await pilot.press("ctrl+t")
        await settle(pilot)
    assert json.loads(where.read_text(encoding="utf-8")) == {"theme": LIGHT,
                                                               "confirm_turn": False}
