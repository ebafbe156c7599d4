"""`ttx diff` as text: the first divergence, then per team only what differs."""

from __future__ import annotations

from typing import Any

from engine.script import Exercise


def _choice(d: dict[str, Any] | None) -> str:
    if d is None:
        return "(no further decision: the session ended or stopped)"
    if d.get("no_decision"):
        return f"{d['team']} made no decision on {d['inject']!r}"
    what = f"chose {d['option']!r}" if d["option"] else "answered"
    text = f"{d['team']} {what} on {d['inject']!r}"
    return text + (f" (\u201c{d['response']}\u201d)" if d["response"] else "")


def _rating(value: object) -> str:
    return "-" if value is None else str(value)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_diff(ex: Exercise, r: dict[str, Any]) -> str:
    a, b = r["a"], r["b"]
    out = [f"{ex.title} ({ex.id})",
           f"  A: {a['save']} (seed {a['seed']}), {r['decisions_a']} decisions, "
           f"turn {r['turns_a']}{', ended' if r['ended_a'] else ''}",
           f"  B: {b['save']} (seed {b['seed']}), {r['decisions_b']} decisions, "
           f"turn {r['turns_b']}{', ended' if r['ended_b'] else ''}"]
    fork = r.get("branch")
    if fork is not None:
        child = "B" if fork["parent"] == "A" else "A"
        out.append(f"  {child} is a what-if branch of {fork['parent']} from event "
                   f"{fork['fork']}: " + ("the history before it is the same; what follows "
                                          "is compared" if fork["shared_history_intact"] else
                                          f"but {fork['parent']} changed before the fork"))
    if a["script_sha256"] != b["script_sha256"]:
        out.append("  note: the two saves were recorded with different versions of the script")
    out.append("")
    d = r["first_divergence"]
    if d is None:
        out.append("Decisions: identical in every step")
    else:
        out += [f"Decisions first diverged at decision #{d['index']} (turn {d['turn']}, "
                f"{ex.turn_label(d['turn']) if d['turn'] else ''}):",
                f"  A: {_choice(d['a'])}", f"  B: {_choice(d['b'])}"]
    dice = r["first_dice_divergence"]
    if dice is not None:
        out.append(f"Dice first parted at decision #{dice['index']} (turn {dice['turn']}): "
                   f"{dice['team']}'s {dice['option']!r} on {dice['inject']!r} rolled "
                   f"outcome {dice['outcome_a']} in A, {dice['outcome_b']} in B")
    if r["outcome_a"] != r["outcome_b"]:
        out.append(f"Outcome: A {r['outcome_a'] or '(ran to the end)'}; "
                   f"B {r['outcome_b'] or '(ran to the end)'}")
    changed = [m for m in r["global_metrics"] if m["delta"]]
    if changed:
        out += ["", "Global metrics (A -> B):"]
        out += [f"  {m['metric']}: {m['a']} -> {m['b']} ({m['delta']:+d})" for m in changed]
    for team in r["teams"]:
        metrics = [m for m in team["metrics"] if m["delta"]]
        ratings = [x for x in team["ratings"] if not x["same"]]
        lines = [f"  {m['metric']}: {m['a']} -> {m['b']} ({m['delta']:+d})" for m in metrics]
        lines += [f"  rating {x['objective']}: {_rating(x['a'])} -> {_rating(x['b'])}"
                  for x in ratings]
        if team["score_a"] != team["score_b"]:
            lines.append(f"  weighted score: {_num(team['score_a'])} -> "
                         f"{_num(team['score_b'])}")
        out += ["", f"{team['name']} [{team['team']}]" + ("" if lines else ": no differences")]
        out += lines
    return "\n".join(out)
