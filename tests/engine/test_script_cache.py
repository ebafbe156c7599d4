"""The cache of validated scripts: a big script seen before is not parsed again, and a
cache entry is only ever a shortcut (missing, corrupt, forged or stale: ignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import loader, script_cache
from engine.diagnostics import ScriptError
from engine.loader import load
from engine.script import Exercise
from tests.generate import write_script


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TTX_NO_SCRIPT_CACHE", raising=False)
    return tmp_path / "cache" / "coalition-ttx" / "scripts"


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = write_script(tmp_path / "big.yaml", injects=40, teams=6, metrics=5)
    assert path.stat().st_size >= script_cache.SMALLEST
    return path


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: object, name: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(loader, "_parse", refuse)


def test_a_big_script_seen_before_comes_from_the_cache(
        cache: Path, big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load(big)
    assert len(list(cache.glob("*.json"))) == 1
    no_parsing(monkeypatch)
    again = load(big)
    assert again.exercise == first.exercise and again.sha256 == first.sha256


def test_lint_still_gets_the_parsed_document(cache: Path, big: Path) -> None:
    load(big)
    assert load(big, keep_document=True).document is not None


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": "ttx/1"}'])
def test_a_corrupt_entry_is_ignored_and_written_again(
        cache: Path, big: Path, damage: bytes) -> None:
    first = load(big)
    entry, = cache.glob("*.json")
    entry.write_bytes(damage)
    assert load(big).exercise == first.exercise
    assert entry.read_bytes() != damage


def test_a_forged_entry_that_breaks_the_cross_references_is_ignored(
        cache: Path, big: Path) -> None:
    load(big)
    entry, = cache.glob("*.json")
    forged = entry.read_text(encoding="utf-8").replace('"turn":1,', '"turn":9999,', 1)
    assert forged != entry.read_text(encoding="utf-8")
    entry.write_text(forged, encoding="utf-8")
    assert all(i.turn != 9999 for i in load(big).exercise.injects)


def test_a_changed_engine_or_script_is_a_new_entry(
        cache: Path, big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(big)
    monkeypatch.setattr(script_cache, "engine_digest", lambda: "another engine")
    load(big)
    big.write_text(big.read_text(encoding="utf-8").replace("title:", "title:", 1) + "\n",
                   encoding="utf-8")
    load(big)
    assert len(list(cache.glob("*.json"))) == 3


def test_small_scripts_and_a_turned_off_cache_write_nothing(
        cache: Path, big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(Path(__file__).parents[1] / "ui" / "data" / "drill.yaml")
    monkeypatch.setenv("TTX_NO_SCRIPT_CACHE", "1")
    load(big)
    assert not cache.exists()


def test_a_missing_attachment_is_still_refused_where_it_is_named(
        cache: Path, tmp_path: Path) -> None:
    path = write_script(tmp_path / "with-map.yaml", injects=40, teams=6, metrics=5)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "attachments:\n- {id: map, title: Map, file: map.pdf}\n",
                    encoding="utf-8")
    (tmp_path / "map.pdf").write_bytes(b"%PDF")
    load(path)  # cached while the file is there
    (tmp_path / "map.pdf").unlink()
    with pytest.raises(ScriptError) as refused:
        load(path)
    diagnostic, = refused.value.diagnostics
    assert "no file 'map.pdf'" in diagnostic.message and diagnostic.line > 1


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[2] / "exercises").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_bundled_exercise_comes_back_from_the_cache_unchanged(path: Path) -> None:
    """What the cache keeps (the model as JSON) reads back as the very exercise: a model
    feature that did not survive the round trip would make a cached script play
    differently."""
    exercise = loader.parse_script(path.read_bytes(), str(path))
    assert Exercise.model_validate_json(
        exercise.model_dump_json(by_alias=True)) == exercise
