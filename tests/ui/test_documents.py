"""`ttx docs`: the four documents, as Markdown and self-contained printable HTML; player
documents hold nothing a team may not see."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.engine.test_player_view import materials_script
from ui.cli import main as ttx


def written(tmp_path: Path) -> dict[str, str]:
    script = materials_script()
    script["teams"][0]["name"] = "<script>alert(1)</script> [@click=app.quit]x[/]"
    path = tmp_path / "views.yaml"
    path.write_text(yaml.safe_dump(script, sort_keys=False), encoding="utf-8")
    (tmp_path / "views.py").write_text("a handout", encoding="utf-8")
    assert ttx(["docs", str(path), "-o", str(tmp_path / "out")]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()}


def test_every_document_is_written_as_markdown_and_html(tmp_path) -> None:
    files = written(tmp_path)
    stems = {"situation-manual", "handbook", "eeg-share", "team-pack-alpha",
             "team-pack-bravo", "team-pack-charlie"}
    assert set(files) == {f"{s}.{x}" for s in stems for x in ("md", "html")}


def test_player_documents_hold_nothing_players_may_not_see(tmp_path) -> None:
    files = written(tmp_path)
    for name, text in files.items():
        if name.startswith(("situation-manual", "team-pack")):
            assert "SECRET" not in text, name
            assert "TITLE-" not in text and "TEXT-" not in text  # no inject at all
            team = name.split(".")[0].removeprefix("team-pack-")
            for other in ("alpha", "bravo", "charlie"):
                assert (f"BRIEF-{other}" in text) == (other == team), (name, other)
            for marker in ("BRIEFING for all", "SITUATION-3", "QUESTION-1", "MODULE-2",
                           "SCOPE", "ASSUMPTION", "HADR"):
                assert marker in text, (name, marker)


def test_the_handbook_and_the_eeg_carry_what_control_staff_need(tmp_path) -> None:
    files = written(tmp_path)
    handbook = files["handbook.md"]
    for marker in ("SECRET notes", "SECRET expected", "SECRET task", "SECRET improvement",
                   "TITLE-f1", "VARIANT-alpha-i0", "follow-up of", "Branch map",
                   "Planned time: 30 minutes"):
        assert marker in handbook, marker
    eeg = files["eeg-share.md"]
    assert "SECRET task" in eeg and "| P | S | M | U |" in eeg.replace("Team | ", "")


def test_html_is_self_contained_printable_and_escapes_script_text(tmp_path) -> None:
    for name, text in written(tmp_path).items():
        if not name.endswith(".html"):
            continue
        assert "<script>" not in text and "&lt;script&gt;" in text, name
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), name
        assert "@media print" in text and "@page" in text
    assert 'class="page-break"' in written(tmp_path)["handbook.html"]
