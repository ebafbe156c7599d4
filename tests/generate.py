"""Generators of large, valid inputs for benchmarks and scale tests (never checked in).

`big_script` writes an exercise with thousands of injects, many teams and metrics,
triggers, follow-ups and rolled outcomes; `big_save` plays it with bots until the
save holds the requested number of events.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from engine import saved
from engine.commands import Advance
from engine.loader import load


def big_script_data(injects: int = 5000, teams: int = 20, metrics: int = 30,
                    turns: int = 150, seed: int = 1) -> dict[str, object]:
    rng = random.Random(seed)
    team_ids = [f"t{i:02d}" for i in range(teams)]
    policies = ["first", "random", "best:m00", "worst:m01"]
    metric_defs = []
    for i in range(metrics):
        scope = "global" if i % 5 == 4 else "team"
        metric_defs.append({"id": f"m{i:02d}", "label": f"Metric {i}", "scope": scope,
                            "min": 0, "max": 100, "initial": 50})
    team_metrics = [m["id"] for m in metric_defs if m["scope"] == "team"]
    global_metrics = [m["id"] for m in metric_defs if m["scope"] == "global"]
    objectives = [{"id": f"o{i}", "title": f"Objective {i}",
                   "capability": "Operational Coordination", "weight": 1 + i % 3}
                  for i in range(10)]

    def effect() -> dict[str, object]:
        if rng.random() < 0.2:
            return {"metric": rng.choice(global_metrics), "add": rng.randint(-5, 5)}
        return {"metric": rng.choice(team_metrics), "team": rng.choice(["self", "others", "all"]),
                "add": rng.randint(-8, 8)}

    follow_ups = [f"f{i:04d}" for i in range(injects // 10)]
    items: list[dict[str, object]] = []
    for i in range(injects - len(follow_ups)):
        inj: dict[str, object] = {
            "id": f"i{i:04d}", "title": f"Inject {i}", "channel": rng.choice(["intel", "email"]),
            "from": "Exercise Control", "to": rng.sample(team_ids, rng.randint(3, 6)),
            "text": f"Situation report {i}. " * 4, "expected": "Teams coordinate.",
            "objectives": [f"o{i % 10}"], "effects": [effect()],
        }
        if i % 7 == 3:
            inj["when"] = {"metric": rng.choice(team_metrics), "team": "any",
                           "below": rng.randint(30, 45)}
            inj["once"] = True
        else:
            inj["turn"] = 1 + i % turns
        options = []
        for k in range(rng.randint(2, 3)):
            opt: dict[str, object] = {"id": f"o{k}", "label": f"Option {k}",
                                      "effects": [effect() for _ in range(rng.randint(1, 2))],
                                      "rating": {f"o{i % 10}": rng.choice("PSMU")}}
            if k == 1:
                opt["outcomes"] = [{"chance": 0.6, "effects": [effect()]},
                                   {"chance": 0.4, "effects": [effect()],
                                    "next": [rng.choice(follow_ups)]}]
            options.append(opt)
        inj["options"] = options
        items.append(inj)
    for fid in follow_ups:
        items.append({"id": fid, "title": f"Follow-up {fid}", "follow_up": True,
                      "text": "Consequences arrive.",
                      "options": [{"id": "ack", "label": "Acknowledge",
                                   "effects": [effect()]}]})
    return {
        "format": "ttx/1", "id": "big", "title": "Generated large exercise",
        "summary": "Generated for benchmarks.", "turns": turns, "seed": seed,
        "teams": [{"id": t, "name": f"Team {t}", "policy": policies[i % len(policies)]}
                  for i, t in enumerate(team_ids)],
        "metrics": metric_defs, "objectives": objectives, "injects": items,
        "end": [{"when": {"all": [{"metric": global_metrics[0], "at_least": 100},
                                  {"turn": {"at_least": turns - 2}}]},
                 "outcome": "Saturation."}],
    }


def write_script(path: Path, **kwargs: int) -> Path:
    data = big_script_data(**kwargs)
    Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=Dumper, sort_keys=False, width=100),
                    encoding="utf-8")
    return path


def big_save(script_path: Path, save_path: Path, events: int = 50_000, seed: int = 7) -> Path:
    """Play the script with bots for every team until the save holds >= `events` events."""
    script = load(script_path)
    bots = frozenset(script.exercise.team_ids)
    live = saved.start(script, seed=seed, bots=bots, mode="run", path=save_path, fsync=False)
    try:
        while len(live.session.records) < events and not live.session.state.ended:
            live.session.execute(Advance())
    finally:
        live.close()
    return save_path
