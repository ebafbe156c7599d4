"""Hypothesis strategies for the engine's property tests, and the driver that plays them.

`scripts()` draws valid `ttx/1` scripts as plain dicts (teams, team and global
metrics, objectives, injects with turn/when/follow-ups/outcomes/ratings/effects,
end rules). `actions()` draws abstract actions: indices and texts rather than
commands, because which commands make sense depends on the state the session has
reached. `drive` turns each action into a command against the live state, so the
same script, seed and actions always make the same commands (in any process).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml
from hypothesis import strategies as st

from engine.commands import (
    Advance,
    Command,
    CommandError,
    Decide,
    Deliver,
    DeliverAdhoc,
    End,
    Note,
    Rate,
    Withdraw,
)
from engine.script import Effect, Exercise, scale_values
from engine.session import Session

TEAM_IDS = ("north", "south", "east", "west-1", "x_2")
METRIC_IDS = ("trust", "interop", "morale", "readiness")
OBJECTIVE_IDS = ("share", "coord", "comms")
INJECT_IDS = ("i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9")
OPTION_IDS = ("o0", "o1", "o2")
CHANCES = ((1.0,), (0.5, 0.5), (0.25, 0.75), (0.7, 0.3), (0.2, 0.3, 0.5), (0.1, 0.1, 0.8))

# Text authors and facilitators type: any printable text, including non-Latin
# scripts, quotes, backslashes and YAML/JSON punctuation.
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=12).filter(lambda s: s.strip() == s and s != "")
free_text = st.one_of(words, st.text(max_size=20))  # control characters and blanks too
# Scripts may hold blanks, newlines and tabs but no other control character.
script_text = st.one_of(words, st.text(st.characters(exclude_categories=("Cs", "Cc"),
                                                     include_characters="\n\t "), max_size=20))


def _comparison(draw: st.DrawFn, low: int, high: int) -> dict[str, int]:
    names = draw(st.lists(st.sampled_from(["below", "above", "at_least", "at_most", "equals"]),
                          min_size=1, max_size=2, unique=True))
    return {n: draw(st.integers(low, high)) for n in names}


def _condition(draw: st.DrawFn, ctx: dict[str, Any], depth: int = 2) -> dict[str, Any]:
    kinds = ["delivered", "chose", "turn"] + (["metric", "metric"] if ctx["metrics"] else [])
    if depth > 0:
        kinds += ["all", "any", "not"]
    kind = draw(st.sampled_from(kinds))
    if kind == "metric":
        metric = draw(st.sampled_from(ctx["metrics"]))
        cond: dict[str, Any] = {"metric": metric["id"]}
        if metric.get("scope") != "global":
            cond["team"] = draw(st.sampled_from(["any", "all", *ctx["teams"]]))
        return cond | _comparison(draw, metric["min"] - 5, metric["max"] + 5)
    if kind == "delivered":
        return {"delivered": draw(st.sampled_from(ctx["injects"]))}
    if kind == "chose":
        inject = draw(st.sampled_from(ctx["injects"]))
        chose: dict[str, Any] = {"inject": inject}
        options = ctx["options"][inject]
        if options and draw(st.booleans()):
            chose["option"] = draw(st.sampled_from(options))
        if draw(st.booleans()):
            chose["team"] = draw(st.sampled_from(["any", "all", *ctx["teams"]]))
        return {"chose": chose}
    if kind == "turn":
        return {"turn": _comparison(draw, 0, ctx["turns"] + 1)}
    if kind == "not":
        return {"not": _condition(draw, ctx, depth - 1)}
    subs = draw(st.integers(1, 3))
    return {kind: [_condition(draw, ctx, depth - 1) for _ in range(subs)]}


def _effect(draw: st.DrawFn, ctx: dict[str, Any]) -> dict[str, Any]:
    metric = draw(st.sampled_from(ctx["metrics"]))
    effect: dict[str, Any] = {"metric": metric["id"]}
    if metric.get("scope") != "global":
        effect["team"] = draw(st.sampled_from(["self", "others", "all", *ctx["teams"]]))
    if draw(st.booleans()):
        effect["add"] = draw(st.integers(-30, 30))
    else:
        effect["set"] = draw(st.integers(metric["min"] - 5, metric["max"] + 5))
    return effect


def _effects(draw: st.DrawFn, ctx: dict[str, Any], most: int = 2) -> list[dict[str, Any]]:
    if not ctx["metrics"]:
        return []
    return [_effect(draw, ctx) for _ in range(draw(st.integers(0, most)))]


def _rating(draw: st.DrawFn, ctx: dict[str, Any]) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(ctx["objectives"]), max_size=3, unique=True)) \
        if ctx["objectives"] else []
    return {obj: draw(st.sampled_from(scale_values(ctx["scale"]))) for obj in chosen}


def _metric(draw: st.DrawFn, metric_id: str, teams: list[str]) -> dict[str, Any]:
    low = draw(st.integers(-10, 10))
    high = low + draw(st.integers(0, 120))
    metric: dict[str, Any] = {"id": metric_id, "min": low, "max": high}
    if draw(st.booleans()):
        metric["label"] = draw(words)
    scope = draw(st.sampled_from(["team", "global", None]))
    if scope is not None:
        metric["scope"] = scope
    value = st.integers(low, high)
    if scope != "global" and draw(st.booleans()):
        given = draw(st.lists(st.sampled_from(teams), unique=True))
        initial: dict[str, int] = {t: draw(value) for t in given}
        if len(given) < len(teams) or draw(st.booleans()):
            initial["default"] = draw(value)
        metric["initial"] = initial
    elif low <= 0 <= high and draw(st.booleans()):
        pass  # the default initial value, 0
    else:
        metric["initial"] = draw(value)
    return metric


@st.composite
def scripts(draw: st.DrawFn, max_turns: int = 5, max_injects: int = 8) -> dict[str, Any]:
    """A valid `ttx/1` script as a dict (dump it with `to_yaml`)."""
    teams = draw(st.lists(st.sampled_from(TEAM_IDS), min_size=1, max_size=4, unique=True))
    metric_ids = draw(st.lists(st.sampled_from(METRIC_IDS), max_size=3, unique=True))
    metrics = [_metric(draw, m, teams) for m in metric_ids]
    objectives = draw(st.lists(st.sampled_from(OBJECTIVE_IDS), max_size=3, unique=True))
    injects = list(INJECT_IDS[:draw(st.integers(1, max_injects))])
    turns = draw(st.integers(1, max_turns))
    scale = draw(st.sampled_from(["hseep", "0-10"]))
    options = {i: list(OPTION_IDS[:draw(st.integers(0, len(OPTION_IDS)))]) for i in injects}
    ctx = {"teams": teams, "metrics": metrics, "objectives": objectives, "injects": injects,
           "options": options, "turns": turns, "scale": scale}

    script: dict[str, Any] = {"format": "ttx/1", "id": "gen", "title": draw(words),
                              "turns": turns}
    if draw(st.booleans()):
        script["summary"] = draw(script_text)
    if draw(st.booleans()):
        script["turn_labels"] = draw(st.lists(words, max_size=turns))
    if scale != "hseep" or draw(st.booleans()):
        script["scale"] = scale
    if draw(st.booleans()):
        script["seed"] = draw(st.integers(0, 2**32))
    script["teams"] = []
    for team in teams:
        entry: dict[str, Any] = {"id": team, "name": draw(words)}
        if draw(st.booleans()):
            entry["role"] = draw(words)
        if draw(st.booleans()):
            entry["playable"] = draw(st.booleans())
        policies = ["first", "random"] + [f"{d}:{m}" for d in ("best", "worst")
                                          for m in metric_ids]
        if draw(st.booleans()):
            entry["policy"] = draw(st.sampled_from(policies))
        script["teams"].append(entry)
    if metrics:
        script["metrics"] = metrics
    if objectives:
        script["objectives"] = [{"id": o, "title": draw(words), "capability": draw(words),
                                 "weight": draw(st.sampled_from([1, 2, 0.5]))}
                                for o in objectives]
    script["injects"] = [_inject(draw, ctx, i) for i in injects]
    end = [{"when": _condition(draw, ctx), "outcome": draw(words)}
           for _ in range(draw(st.integers(0, 2)))]
    if end:
        script["end"] = end
    return script


def _inject(draw: st.DrawFn, ctx: dict[str, Any], inject_id: str) -> dict[str, Any]:
    inject: dict[str, Any] = {"id": inject_id, "title": draw(words)}
    trigger = draw(st.sampled_from(["turn", "turn", "when", "both", "follow_up"]))
    if trigger in ("turn", "both"):
        inject["turn"] = draw(st.integers(1, ctx["turns"]))
    if trigger in ("when", "both"):
        inject["when"] = _condition(draw, ctx)
    if trigger == "follow_up":
        inject["follow_up"] = True
    if draw(st.booleans()):
        inject["once"] = draw(st.booleans())
    if draw(st.booleans()):
        inject["to"] = draw(st.lists(st.sampled_from(ctx["teams"]), min_size=1, unique=True))
    if draw(st.booleans()):
        inject["text"] = draw(script_text)
    if draw(st.booleans()):
        inject |= {"channel": draw(words), "from": draw(words), "expected": draw(script_text)}
    if ctx["objectives"] and draw(st.booleans()):
        inject["objectives"] = draw(st.lists(st.sampled_from(ctx["objectives"]), unique=True))
    effects = _effects(draw, ctx)
    if effects:
        inject["effects"] = effects
    options = []
    for option_id in ctx["options"][inject_id]:
        option: dict[str, Any] = {"id": option_id, "label": draw(words)}
        if effects := _effects(draw, ctx):
            option["effects"] = effects
        if draw(st.booleans()):
            option["outcomes"] = [
                {"chance": chance, "effects": _effects(draw, ctx),
                 "next": draw(st.lists(st.sampled_from(ctx["injects"]), max_size=2))}
                for chance in draw(st.sampled_from(CHANCES))]
        if rating := _rating(draw, ctx):
            option["rating"] = rating
        if nxt := draw(st.lists(st.sampled_from(ctx["injects"]), max_size=2)):
            option["next"] = nxt
        options.append(option)
    if options:
        inject["options"] = options
    return inject


def to_yaml(script: dict[str, Any]) -> str:
    return yaml.safe_dump(script, sort_keys=False, allow_unicode=True)


# ------------------------------------------------------------------ actions

Action = tuple[Any, ...]

_index = st.integers(0, 40)
actions_one = st.one_of(
    st.tuples(st.just("decide"), _index, _index, st.one_of(st.none(), free_text)),
    st.tuples(st.just("decide"), _index, _index, st.none()),
    st.tuples(st.just("decide"), _index, _index, st.none()),
    st.tuples(st.just("advance")),
    st.tuples(st.just("advance")),
    st.tuples(st.just("deliver"), _index),
    st.tuples(st.just("adhoc"), free_text, _index, st.lists(st.tuples(_index, _index,
                                                                         st.integers(-20, 20)),
                                                               max_size=2)),
    st.tuples(st.just("rate"), _index, _index, _index, free_text),
    st.tuples(st.just("note"), free_text, st.sampled_from(["note", "hotwash"]),
              st.one_of(st.none(), _index)),
    st.tuples(st.just("end"), st.integers(0, 9), st.one_of(st.none(), words)),
    st.tuples(st.just("withdraw"), _index, free_text),
    st.tuples(st.just("withdraw"), _index, free_text),  # as likely as a decision
)


def actions(max_size: int = 40) -> st.SearchStrategy[list[Action]]:
    return st.lists(actions_one, max_size=max_size)


def command_for(session: Session, action: Sequence[Any]) -> Command | None:
    """The command an abstract action stands for in the session's current state."""
    ex = session.exercise
    state = session.state
    kind = action[0]
    teams = ex.team_ids
    if kind == "decide":
        _, i, j, response = action
        open_ = [(t, d) for t in teams for d in session.open_deliveries(t)]
        if not open_:  # nothing open: try something the rules must refuse or accept
            return Decide(team=teams[i % len(teams)], delivery=j % (len(state.deliveries) + 2),
                          option="o0", response=response)
        team, delivery = open_[i % len(open_)]
        inject = ex.inject(delivery.inject)
        options = inject.options if inject is not None else []
        k = j % (len(options) + 1)
        option = options[k].id if k < len(options) else None
        if option is None and response is None:
            response = "We hold and report."
        by_number = i % 2 == 0
        return Decide(team=team, delivery=delivery.number if by_number else None,
                      inject=None if by_number else delivery.inject, option=option,
                      response=response)
    if kind == "advance":
        return Advance()
    if kind == "deliver":
        return Deliver(ex.injects[action[1] % len(ex.injects)].id)
    if kind == "adhoc":
        _, title, mask, raw_effects = action
        to = tuple(t for n, t in enumerate(teams) if mask >> n & 1)
        effects = []
        for m, t, add in raw_effects:
            if not ex.metrics:
                break
            metric = ex.metrics[m % len(ex.metrics)]
            targets = [*teams, "self", "others", "all"]
            team = None if metric.scope == "global" else targets[t % len(targets)]
            effects.append(Effect(metric=metric.id, team=team, add=add))
        return DeliverAdhoc(title=title, text=f"ad hoc {title}", channel="phone",
                            sender="EXCON", to=to, effects=tuple(effects))
    if kind == "rate":
        _, i, j, k, note = action
        objectives = [o.id for o in ex.objectives] or ["no-such-objective"]
        ratings: list[Any] = [*scale_values(ex.scale), "X", 11]
        return Rate(teams[i % len(teams)], objectives[j % len(objectives)],
                    ratings[k % len(ratings)], note)
    if kind == "note":
        _, text, note_kind, team = action
        return Note(text, note_kind, None if team is None else teams[team % len(teams)])
    if kind == "end":
        return End(action[2]) if action[1] == 0 else None
    if kind == "withdraw":  # a correction of this turn's decision, rating or note
        _, i, reason = action
        open_ = sorted(state.correctable) or [len(session.records) + 1]
        return Withdraw(open_[i % len(open_)], reason)
    raise ValueError(f"unknown action {action!r}")


def drive(session: Session, actions: Sequence[Sequence[Any]]) -> list[Command]:
    """Carry out `actions`; return the commands the session accepted.

    A refused command must leave the session exactly as it was.
    """
    done = []
    for action in actions:
        command = command_for(session, action)
        if command is None:
            continue
        before = (len(session.records), session.state.events)
        try:
            session.execute(command)
        except CommandError:
            assert (len(session.records), session.state.events) == before
            continue
        done.append(command)
    return done


def play_out(session: Session, limit: int = 200) -> None:
    """Advance until the exercise ends (bots and no-decisions close every turn)."""
    for _ in range(limit):
        if session.state.ended:
            return
        session.execute(Advance())
    raise AssertionError("the exercise did not end")


def exercise_of(script: dict[str, Any]) -> Exercise:
    from engine.loader import parse_script

    return parse_script(to_yaml(script), "<generated>")


def actions_to_json(actions: Sequence[Sequence[Any]]) -> str:
    return json.dumps([list(a) for a in actions], ensure_ascii=False)


def actions_from_json(text: str) -> list[tuple[Any, ...]]:
    def fix(value: Any) -> Any:
        return [tuple(v) for v in value] if isinstance(value, list) else value

    return [tuple(fix(v) for v in a) for a in json.loads(text)]


def record_session(script_path: str, actions_path: str, save_path: str, seed: int,
                   bots: Sequence[str]) -> None:
    """Play `actions` on a script to its end, writing a save (run in a child process)."""
    from pathlib import Path

    from engine import saved
    from engine.loader import load

    live = saved.start(load(script_path), seed=seed, bots=frozenset(bots), mode="run",
                       path=save_path, fsync=False)
    try:
        drive(live.session, actions_from_json(Path(actions_path).read_text(encoding="utf-8")))
        play_out(live.session)
    finally:
        live.close()
