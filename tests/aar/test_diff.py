"""`ttx diff`: two sessions of one exercise, where their decisions first parted and
how far apart each team ended."""

from __future__ import annotations

import json
from pathlib import Path

from engine.commands import Decide, Rate
from tests.aar.conftest import DRILL, STANDARD, play, write_drill
from tests.aar.test_report import ttx

# The same session as STANDARD except that bravo shares the track in turn 2.
SHARED = [STANDARD[0],
          [Decide("alpha", inject="contact", option="share-now"),
           Decide("bravo", inject="contact", option="share-now"),
           Rate("bravo", "comms", "S", note="Recovered by noon")],
          STANDARD[2]]


def test_identical_sessions_have_no_differences(tmp_path: Path) -> None:
    script = write_drill(tmp_path)
    play(script, tmp_path / "a.jsonl", STANDARD)
    play(script, tmp_path / "b.jsonl", STANDARD)
    done = ttx("diff", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["same_decisions"] and result["first_divergence"] is None
    assert all(m["delta"] == 0 for t in result["teams"] for m in t["metrics"])
    assert all(r["same"] for t in result["teams"] for r in t["ratings"])


def test_first_divergence_and_per_team_differences(tmp_path: Path) -> None:
    script = write_drill(tmp_path)
    a = play(script, tmp_path / "a.jsonl", STANDARD)
    b = play(script, tmp_path / "b.jsonl", SHARED)
    done = ttx("diff", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--json")
    result = json.loads(done.stdout)
    first = result["first_divergence"]
    assert (first["index"], first["turn"]) == (4, 2)  # the fourth decision, in turn 2
    assert (first["a"]["team"], first["a"]["inject"], first["a"]["option"]) == \
        ("bravo", "contact", "keep")
    assert first["b"]["option"] == "share-now"
    teams = {t["team"]: t for t in result["teams"]}
    alpha_trust = next(m for m in teams["alpha"]["metrics"] if m["metric"] == "trust")
    sa, sb = a.session.state, b.session.state
    assert (alpha_trust["a"], alpha_trust["b"]) == (sa.value("trust", "alpha"),
                                                    sb.value("trust", "alpha"))
    assert alpha_trust["delta"] == 5  # bravo no longer costs alpha 5 trust
    assert alpha_trust["first_differs_after_turn"] == 2
    bravo_share = next(r for r in teams["bravo"]["ratings"] if r["objective"] == "share")
    assert (bravo_share["a"], bravo_share["b"], bravo_share["same"]) == ("M", "P", False)
    interop = result["global_metrics"][0]
    assert (interop["a"], interop["b"]) == (55, 65)
    assert teams["bravo"]["score_delta"] > 0


def test_text_output_names_the_divergence(tmp_path: Path) -> None:
    script = write_drill(tmp_path)
    play(script, tmp_path / "a.jsonl", STANDARD)
    play(script, tmp_path / "b.jsonl", SHARED)
    done = ttx("diff", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"))
    assert "Decisions first diverged at decision #4 (turn 2" in done.stdout
    assert "A: bravo chose 'keep' on 'contact'" in done.stdout
    assert "B: bravo chose 'share-now' on 'contact'" in done.stdout
    assert "rating share: M -> P" in done.stdout


def test_sessions_of_different_exercises_are_refused(tmp_path: Path) -> None:
    play(write_drill(tmp_path), tmp_path / "a.jsonl", STANDARD)
    other = write_drill(tmp_path, DRILL.replace("id: drill", "id: other-drill"), "other.yaml")
    play(other, tmp_path / "b.jsonl", STANDARD)
    done = ttx("diff", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"))
    assert done.returncode == 1
    assert "two sessions of one exercise" in done.stderr and "Traceback" not in done.stderr


def test_a_session_cut_short_diverges_where_it_stopped(tmp_path: Path) -> None:
    script = write_drill(tmp_path)
    play(script, tmp_path / "a.jsonl", STANDARD)
    play(script, tmp_path / "b.jsonl", STANDARD[:1])  # stopped after turn 1
    result = json.loads(ttx("diff", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"),
                            "--json").stdout)
    first = result["first_divergence"]
    assert first["index"] == 3 and first["b"] is None
    assert (result["turns_a"], result["turns_b"], result["ended_b"]) == (3, 2, False)
