"""The loader refuses every script that breaks SCRIPT_FORMAT.md, at `file:line:col`.

"Unknown keys are errors (a typo must not pass silently). Every `id` is
`[a-z0-9][a-z0-9_-]*`, unique in its list. Every reference (team, metric, objective,
inject id) must resolve, or validation fails at the referring key's line and column."

Each test shows the offending YAML and asserts the exact line and column of the
diagnostic: `at(text, marker)` is where `marker` starts in the text shown.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from engine.diagnostics import ScriptError
from engine.loader import load, parse_script
from engine.yamlread import MAX_BYTES, MAX_DEPTH

from .conftest import ONE_INJECT, PREAMBLE, at, build, refusals, yaml_text

VALID = PREAMBLE + ONE_INJECT


def refused_at(text: str, marker: str, says: str, nth: int | None = None) -> None:
    """The script is refused with exactly one diagnostic, at `marker`, saying `says`."""
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, marker, nth), str(diagnostic)
    assert says in diagnostic.message, str(diagnostic)
    assert diagnostic.path == "demo.yaml"
    assert str(diagnostic).startswith(f"demo.yaml:{diagnostic.line}:{diagnostic.col}: ")


def test_the_shared_preamble_is_a_valid_script() -> None:
    """Every refusal below is one change away from this valid script."""
    ex = build(VALID)
    assert ex.team_ids == ["north", "south", "east"]


def test_diagnostics_print_as_file_line_col_message() -> None:
    """The position helper agrees with positions counted by hand: `format` is line 1."""
    text = VALID.replace("format: ttx/1", "format: ttx/2")
    [diagnostic] = refusals(text)
    assert str(diagnostic).startswith("demo.yaml:1:9: format:")
    assert at(text, "ttx/2") == (1, 9)


# ------------------------------------------------------------------- unknown keys


def test_an_unknown_top_level_key_is_an_error_at_the_key() -> None:
    """"Unknown keys are errors (a typo must not pass silently)." """
    text = VALID + "colour: red\n"
    refused_at(text, "colour:", "unknown key 'colour'")


def test_a_misspelt_key_is_an_unknown_key_not_a_silent_default() -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    follow-up: false\n")
    refused_at(text, "follow-up:", "unknown key 'follow-up'")


@pytest.mark.parametrize(("where", "old", "new"), [
    ("team", "{id: east, name: East}", "{id: east, name: East, colour: red}"),
    ("metric", "{id: trust, initial: 50}", "{id: trust, initial: 50, colour: red}"),
    ("objective", "{id: warn, title: Warn}", "{id: warn, title: Warn, colour: red}"),
    ("option", "{id: a, label: A}", "{id: a, label: A, colour: red}"),
    ("effect", "{id: a, label: A}",
     "{id: a, label: A, effects: [{metric: trust, team: self, add: 1, colour: red}]}"),
    ("outcome", "{id: a, label: A}", "{id: a, label: A, outcomes: [{chance: 1, colour: red}]}"),
    ("condition", "    turn: 1\n", "    turn: 1\n    when: {delivered: one, colour: red}\n"),
    ("nested condition", "    turn: 1\n",
     "    turn: 1\n    when: {not: {all: [{turn: {at_least: 1, colour: red}}]}}\n"),
])
def test_an_unknown_nested_key_is_an_error_at_the_key(where: str, old: str, new: str) -> None:
    text = VALID.replace(old, new)
    assert text != VALID
    refused_at(text, "colour:", "unknown key 'colour'")


def test_an_unknown_key_in_an_end_rule_is_an_error_at_the_key() -> None:
    text = VALID + "end:\n  - {when: {turn: {at_least: 2}}, outcome: Done, colour: red}\n"
    refused_at(text, "colour:", "unknown key 'colour'")


# ------------------------------------------------------------- duplicate keys


def test_a_duplicate_top_level_key_is_refused_at_its_second_occurrence() -> None:
    text = VALID + "title: Again\n"
    refused_at(text, "title: Again", "duplicate key 'title'")


def test_a_duplicate_key_inside_a_flow_mapping_is_refused_at_its_second_occurrence() -> None:
    text = VALID.replace("{id: a, label: A}", "{id: a, label: A, label: B}")
    refused_at(text, "label:", "duplicate key 'label'", nth=2)


def test_a_duplicate_key_inside_a_block_mapping_is_refused() -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    title: Again\n")
    refused_at(text, "title: Again", "duplicate key 'title'")


# --------------------------------------------------------------- duplicate ids


def test_team_ids_are_unique_the_second_is_refused_at_its_id() -> None:
    """"Every `id` is ..., unique in its list." """
    text = VALID.replace("  - {id: east, name: East}\n",
                         "  - {id: east, name: East}\n  - {id: north, name: Again}\n")
    refused_at(text, "north, name: Again", "duplicate id 'north'")


def test_metric_ids_are_unique() -> None:
    text = VALID.replace("  - {id: interop,", "  - {id: trust, scope: global}\n  - {id: interop,")
    refused_at(text, "trust, scope: global", "duplicate id 'trust'")


def test_objective_ids_are_unique() -> None:
    text = VALID.replace("  - {id: warn, title: Warn}\n",
                         "  - {id: warn, title: Warn}\n  - {id: share, title: Again}\n")
    refused_at(text, "share, title: Again", "duplicate id 'share'")


def test_inject_ids_are_unique() -> None:
    text = VALID + "  - {id: one, title: Again, turn: 2}\n"
    refused_at(text, "one, title: Again", "duplicate id 'one'")


def test_option_ids_are_unique_within_an_inject() -> None:
    text = VALID + "      - {id: a, label: Again}\n"
    refused_at(text, "a, label: Again", "duplicate id 'a'")


def test_option_ids_may_repeat_across_injects() -> None:
    """Unique "in its list": two injects may both offer an option `a`."""
    ex = build(VALID + "  - {id: two, title: Two, turn: 2, options: [{id: a, label: A}]}\n")
    assert [o.id for i in ex.injects for o in i.options] == ["a", "a"]


@pytest.mark.parametrize("bad", ["North", "-north", "_north", "no rth", "nörth", "north!"])
def test_an_id_outside_the_pattern_is_refused_at_the_value(bad: str) -> None:
    """"Every `id` is `[a-z0-9][a-z0-9_-]*`"."""
    text = VALID.replace("{id: east,", f"{{id: '{bad}',")
    refused_at(text, f"'{bad}'", "id")


@pytest.mark.parametrize("good", ["north", "0day", "a-b_c", "x9"])
def test_ids_inside_the_pattern_are_accepted(good: str) -> None:
    ex = build(VALID.replace("{id: a, label: A}", f"{{id: '{good}', label: A}}"))
    assert ex.injects[0].options[0].id == good


def test_an_invalid_inject_id_is_refused() -> None:
    refused_at(VALID.replace("  - id: one\n", "  - id: Bad_One\n"), "Bad_One", "id")


# -------------------------------------------------------------- dangling references


def test_a_team_in_to_must_exist() -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    to: [north, west]\n")
    refused_at(text, "west", "no team 'west'")


def test_an_effects_team_must_exist() -> None:
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: [{metric: trust, team: west, add: 1}]}")
    refused_at(text, "west", "no team 'west'")


def test_an_inject_effects_team_must_exist() -> None:
    text = VALID.replace("    turn: 1\n",
                         "    turn: 1\n    effects: [{metric: trust, team: west, add: 1}]\n")
    refused_at(text, "west", "no team 'west'")


def test_a_conditions_team_must_exist() -> None:
    text = VALID + "  - {id: two, title: T, when: {metric: trust, team: west, below: 3}}\n"
    refused_at(text, "west", "no team 'west'")


def test_a_chose_conditions_team_must_exist() -> None:
    text = VALID + "  - {id: two, title: T, when: {chose: {inject: one, team: west}}}\n"
    refused_at(text, "west", "no team 'west'")


def test_an_effects_metric_must_exist() -> None:
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: [{metric: morale, team: self, add: 1}]}")
    refused_at(text, "morale", "no metric 'morale'")


def test_a_conditions_metric_must_exist() -> None:
    text = VALID + "  - {id: two, title: T, when: {metric: morale, team: any, below: 3}}\n"
    refused_at(text, "morale", "no metric 'morale'")


def test_an_objective_in_an_injects_objectives_must_exist() -> None:
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    objectives: [share, drill]\n")
    refused_at(text, "drill", "no objective 'drill'")


def test_an_objective_in_an_options_rating_must_exist() -> None:
    text = VALID.replace("{id: a, label: A}", "{id: a, label: A, rating: {drill: P}}")
    refused_at(text, "P}", "no objective 'drill'")


def test_an_inject_in_an_options_next_must_exist() -> None:
    text = VALID.replace("{id: a, label: A}", "{id: a, label: A, next: [one, ghost]}")
    refused_at(text, "ghost", "no inject 'ghost'")


def test_an_inject_in_an_outcomes_next_must_exist() -> None:
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, outcomes: [{chance: 1, next: [ghost]}]}")
    refused_at(text, "ghost", "no inject 'ghost'")


def test_an_inject_in_chose_must_exist() -> None:
    text = VALID + "  - {id: two, title: T, when: {chose: {inject: ghost}}}\n"
    refused_at(text, "ghost", "no inject 'ghost'")


def test_an_option_in_chose_must_be_an_option_of_that_inject() -> None:
    text = VALID + "  - {id: two, title: T, when: {chose: {inject: one, option: zz}}}\n"
    refused_at(text, "zz", "has no option 'zz'")


def test_an_inject_in_delivered_must_exist() -> None:
    text = VALID + "  - {id: two, title: T, when: {delivered: ghost}}\n"
    refused_at(text, "ghost", "no inject 'ghost'")


def test_references_inside_nested_conditions_and_end_rules_must_exist() -> None:
    text = VALID + "end:\n  - when: {any: [{turn: {at_least: 2}}, {not: {delivered: ghost}}]}\n" \
                   "    outcome: Done\n"
    refused_at(text, "ghost", "no inject 'ghost'")


def test_a_best_policy_must_name_a_metric() -> None:
    text = VALID.replace("{id: east, name: East}", "{id: east, name: East, policy: 'best:morale'}")
    refused_at(text, "'best:morale'", "no metric 'morale'")


def test_a_worst_policy_must_name_a_metric() -> None:
    text = VALID.replace("{id: east, name: East}", "{id: east, name: East, policy: worst:morale}")
    refused_at(text, "worst:morale", "no metric 'morale'")


def test_a_policy_is_one_of_first_random_best_worst() -> None:
    text = VALID.replace("{id: east, name: East}", "{id: east, name: East, policy: clever}")
    refused_at(text, "clever", "policy")


def test_a_global_metric_takes_no_team_in_an_effect() -> None:
    """"{metric: interoperability, set: 50}      # global metric: no team" """
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: [{metric: interop, team: self, add: 1}]}")
    refused_at(text, "self", "global metric")


def test_a_team_metric_needs_a_team_in_an_effect() -> None:
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: [{metric: trust, add: 1}]}")
    refused_at(text, "{metric: trust", "team metric")


def test_an_effect_has_add_or_set_not_both() -> None:
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: [{metric: interop, add: 1, set: 2}]}")
    refused_at(text, "{metric: interop", "exactly one of add or set")


# ------------------------------------------------------------------ chances


def outcomes(*chances: str) -> str:
    listed = ", ".join(f"{{chance: {c}}}" for c in chances)
    return VALID.replace("{id: a, label: A}", f"{{id: a, label: A, outcomes: [{listed}]}}")


def test_chances_must_sum_to_one_refused_at_the_outcomes_list() -> None:
    """"`outcomes` chances are in (0, 1] and sum to 1 (within 1e-9)." """
    text = outcomes("0.5", "0.4")
    refused_at(text, "[{chance: 0.5", "sum to 0.9")


def test_chances_summing_above_one_are_refused() -> None:
    refused_at(outcomes("0.7", "0.7"), "[{chance: 0.7", "not 1")


@pytest.mark.parametrize("chances", [
    ("0.1", "0.2", "0.7"),  # 0.9999999999999999 in binary floating point
    ("0.3333333333", "0.3333333333", "0.3333333334"),
    ("0.3333333333", "0.3333333333", "0.3333333333"),  # 1 - 1e-10: within 1e-9
    ("1",),
])
def test_chances_summing_to_one_within_1e_9_are_accepted(chances: tuple[str, ...]) -> None:
    ex = build(outcomes(*chances))
    assert len(ex.injects[0].options[0].outcomes) == len(chances)


def test_chances_off_by_more_than_1e_9_are_refused() -> None:
    refused_at(outcomes("0.333333", "0.333333", "0.333333"), "[{chance:", "not 1")


def test_a_chance_of_zero_is_refused_at_the_chance() -> None:
    refused_at(outcomes("0", "1"), "0}, {chance: 1", "greater than 0")


def test_a_chance_above_one_is_refused_at_the_chance() -> None:
    text = outcomes("1.5", "-0.5")
    [above, below] = refusals(text)
    assert (above.line, above.col) == at(text, "1.5")
    assert "less than or equal to 1" in above.message
    assert (below.line, below.col) == at(text, "-0.5")


# ------------------------------------------------------------------- ratings


def test_an_hseep_rating_is_p_s_m_or_u() -> None:
    """"`scale: hseep` (default) rates P, S, M, U" """
    text = VALID.replace("{id: a, label: A}", "{id: a, label: A, rating: {share: X}}")
    refused_at(text, "X}", "not on the hseep scale")


def test_a_number_is_not_an_hseep_rating() -> None:
    text = VALID.replace("{id: a, label: A}", "{id: a, label: A, rating: {share: 4}}")
    refused_at(text, "4}", "not on the hseep scale")


@pytest.mark.parametrize("rating", ["P", "S", "M", "U"])
def test_each_hseep_rating_is_accepted(rating: str) -> None:
    text = VALID.replace("{id: a, label: A}", f"{{id: a, label: A, rating: {{share: {rating}}}}}")
    ex = build(text)
    assert ex.injects[0].options[0].rating == {"share": rating}


@pytest.mark.parametrize("bad", ["11", "-1", "P", "5.5"])
def test_a_0_10_rating_is_an_integer_0_to_10(bad: str) -> None:
    """"`scale: "0-10"` rates integers 0..10." """
    text = VALID.replace("{id: a, label: A}", f"{{id: a, label: A, rating: {{share: {bad}}}}}") \
        + "scale: '0-10'\n"
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, f"{bad}}}")


@pytest.mark.parametrize("good", [0, 7, 10])
def test_0_10_ratings_from_0_to_10_are_accepted(good: int) -> None:
    text = VALID.replace("{id: a, label: A}", f"{{id: a, label: A, rating: {{share: {good}}}}}")
    assert build(text + "scale: '0-10'\n").injects[0].options[0].rating == {"share": good}


def test_the_scale_is_hseep_or_0_10() -> None:
    refused_at(VALID + "scale: '0-100'\n", "'0-100'", "scale")


# --------------------------------------------------------------- YAML safety


@pytest.mark.parametrize("tagged", [
    "!!python/object:os.system {}",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system ''",
    "!custom text",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
])
def test_non_standard_tags_are_refused_at_the_tagged_value(tagged: str) -> None:
    """A script is plain data: only strings, numbers, booleans, null, lists, maps."""
    text = VALID + f"summary: {tagged}\n"
    refused_at(text, tagged.split()[0], "is not allowed")


def test_plain_standard_tags_are_accepted() -> None:
    ex = build(VALID.replace("turns: 3", "turns: !!int '3'") + "summary: !!str 42\n")
    assert (ex.turns, ex.summary) == (3, "42")


def test_a_file_over_5_mib_is_refused(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(yaml_text(VALID).encode() + b"#" + b"x" * MAX_BYTES)
    with pytest.raises(ScriptError) as refused:
        load(path)
    [diagnostic] = refused.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.col) == (str(path), 1, 1)
    assert "larger than 5 MiB" in diagnostic.message
    assert MAX_BYTES == 5 * 1024 * 1024


def test_a_file_of_exactly_5_mib_is_read(tmp_path) -> None:
    head = yaml_text(VALID).encode() + b"#"
    path = tmp_path / "full.yaml"
    path.write_bytes(head + b"x" * (5 * 1024 * 1024 - len(head) - 1) + b"\n")
    assert path.stat().st_size == 5 * 1024 * 1024
    assert load(path).exercise.id == "demo"


def nested(levels: int) -> str:
    """`summary:` holding `levels` nested lists: the top mapping is one more level."""
    return VALID + "summary: " + "[" * levels + "]" * levels + "\n"


def test_nesting_over_64_levels_is_refused_where_level_65_opens() -> None:
    assert MAX_DEPTH == 64
    text = nested(64)  # top-level mapping + 64 lists = 65 levels
    [diagnostic] = refusals(text)
    line, col = at(text, "summary: ")
    assert (diagnostic.line, diagnostic.col) == (line, col + len("summary: ") + 63)
    assert "deeper than 64 levels" in diagnostic.message


def test_nesting_of_64_levels_is_not_a_nesting_error() -> None:
    [diagnostic] = refusals(nested(63))  # 64 levels: only the type of `summary` is wrong
    assert "nesting" not in diagnostic.message
    assert "summary" in diagnostic.message


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_an_alias_bomb_is_refused_with_bounded_work() -> None:
    """Nine levels of nine aliases would expand to 9^9 (387 million) strings. The
    loader refuses it while reading, with little memory and time; the bound on time
    is generous so the test never flakes, the bound on memory is the real check."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        [diagnostic] = refusals(BILLION_LAUGHS)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bomb" in diagnostic.message or "expands" in diagnostic.message
    assert diagnostic.line <= 9
    assert elapsed < 5.0
    assert peak < 20 * 1024 * 1024


def test_an_alias_used_within_reason_is_fine() -> None:
    """Anchors and aliases are ordinary YAML; only their abuse is refused."""
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: &up [{metric: interop, add: 1}]}\n"
                         "      - {id: b, label: B, effects: *up}")
    ex = build(text)
    assert ex.injects[0].options[1].effects == ex.injects[0].options[0].effects


def test_an_alias_without_an_anchor_is_refused_at_the_alias() -> None:
    refused_at(VALID + "summary: *nowhere\n", "*nowhere", "no anchor")


# ------------------------------------------------------------------- top level


def test_format_must_be_exactly_ttx_1() -> None:
    """"format: ttx/1                 # required, exactly this string" """
    refused_at(VALID.replace("format: ttx/1", "format: ttx/2"), "ttx/2", "format")


def test_format_is_required() -> None:
    [diagnostic] = refusals(VALID.replace("format: ttx/1\n", ""))
    assert (diagnostic.line, diagnostic.col) == (1, 1)
    assert "missing required key 'format'" in diagnostic.message


@pytest.mark.parametrize("key", ["id", "title", "turns"])
def test_required_top_level_keys_are_reported_missing_at_the_script(key: str) -> None:
    text = "\n".join(line for line in VALID.splitlines() if not line.startswith(f"{key}:"))
    [diagnostic] = refusals(text + "\n")
    assert (diagnostic.line, diagnostic.col) == (1, 1)
    assert f"missing required key {key!r}" in diagnostic.message


def test_teams_and_injects_are_required() -> None:
    text = "format: ttx/1\nid: demo\ntitle: Demo\nturns: 1\n"
    diagnostics = refusals(text)
    assert {d.message for d in diagnostics} == {
        "missing required key 'teams'", "missing required key 'injects'"}


def test_at_least_one_team_and_one_inject() -> None:
    text = VALID.replace("teams:\n  - {id: north, name: North}\n  - {id: south, name: South}\n"
                         "  - {id: east, name: East}\n", "teams: []\n")
    refused_at(text, "[]", "at least 1")


def test_a_missing_key_in_a_team_is_reported_at_that_team() -> None:
    text = VALID.replace("{id: east, name: East}", "{id: east, role: Nameless}")
    refused_at(text, "{id: east", "missing required key 'name'")


def test_a_missing_key_in_an_option_is_reported_at_that_option() -> None:
    text = VALID.replace("{id: a, label: A}", "{id: a}")
    refused_at(text, "{id: a}", "missing required key 'label'")


def test_a_missing_outcome_text_in_an_end_rule_is_reported_at_the_rule() -> None:
    text = VALID + "end:\n  - {when: {turn: {at_least: 2}}}\n"
    refused_at(text, "{when:", "missing required key 'outcome'")


def test_turns_is_at_least_one() -> None:
    refused_at(VALID.replace("turns: 3", "turns: 0"), "0\n", "greater than or equal to 1")


def test_turns_is_a_number_not_text() -> None:
    refused_at(VALID.replace("turns: 3", "turns: '3'"), "'3'", "integer")


def test_the_seed_is_an_integer() -> None:
    refused_at(VALID + "seed: 1.5\n", "1.5", "integer")


def test_turn_labels_longer_than_turns_are_refused_at_the_first_label_too_many() -> None:
    """"turn_labels: ... # optional; a label per turn, fewer is fine" - more is not."""
    text = VALID + 'turn_labels: ["D-1", "D", "D+1", "D+2"]\n'
    refused_at(text, '"D+2"', "turn_labels")


def test_fewer_turn_labels_than_turns_are_fine() -> None:
    ex = build(VALID + 'turn_labels: ["D-1 0600"]\n')
    assert [ex.turn_label(t) for t in (1, 2, 3)] == ["D-1 0600", "Turn 2", "Turn 3"]


def test_an_inject_needs_turn_when_or_follow_up() -> None:
    """"An inject has `turn`, `when`, both ..., or `follow_up: true`." """
    text = VALID.replace("    turn: 1\n", "")
    refused_at(text, "id: one", "turn, when, or follow_up")


def test_a_follow_up_inject_has_no_turn_or_when() -> None:
    """"follow_up: true: delivered only via `next` or by hand" """
    text = VALID.replace("    turn: 1\n", "    turn: 1\n    follow_up: true\n")
    refused_at(text, "id: one", "follow_up")


def test_an_injects_turn_is_within_the_exercise() -> None:
    refused_at(VALID.replace("    turn: 1\n", "    turn: 4\n"), "4\n", "past the last turn")


def test_a_condition_needs_a_comparison() -> None:
    text = VALID + "  - {id: two, title: T, when: {metric: trust, team: any}}\n"
    refused_at(text, "{metric: trust", "below, above, at_least, at_most or equals")


def test_a_condition_is_one_of_the_listed_kinds() -> None:
    text = VALID + "  - {id: two, title: T, when: {expression: 'trust < 3'}}\n"
    refused_at(text, "{expression", "a condition needs one of the keys")


# ---------------------------------------------------------------------- metrics


def test_a_metrics_initial_value_must_be_within_min_and_max() -> None:
    """"Values are integers, clamped to [min, max]": an initial value outside is a typo."""
    text = VALID.replace("{id: trust, initial: 50}", "{id: trust, min: 0, max: 10, initial: 50}")
    refused_at(text, "50}", "outside [0, 10]")


def test_a_per_team_initial_value_must_be_within_min_and_max() -> None:
    text = VALID.replace("{id: trust, initial: 50}",
                         "{id: trust, initial: {north: 70, default: 101}}")
    refused_at(text, "101", "outside [0, 100]")


def test_per_team_initial_values_with_a_default_are_accepted() -> None:
    """"initial: 60  # a number, or per team: {northland: 70, default: 50}" """
    text = VALID.replace("{id: trust, initial: 50}",
                         "{id: trust, initial: {north: 70, default: 40}}")
    ex = build(text)
    metric = ex.metric("trust")
    assert metric is not None and metric.initial == {"north": 70, "default": 40}


def test_per_team_initial_values_without_a_default_must_name_every_team() -> None:
    text = VALID.replace("{id: trust, initial: 50}", "{id: trust, initial: {north: 70}}")
    refused_at(text, "{north: 70}", "south, east")


def test_per_team_initial_values_name_teams() -> None:
    text = VALID.replace("{id: trust, initial: 50}", "{id: trust, initial: {west: 7, default: 1}}")
    refused_at(text, "7,", "no team 'west'")


def test_effects_add_and_set_integers() -> None:
    text = VALID.replace("{id: a, label: A}",
                         "{id: a, label: A, effects: [{metric: interop, add: 1.5}]}")
    refused_at(text, "1.5", "integer")


def test_a_global_metric_has_one_initial_value() -> None:
    text = VALID.replace("{id: interop, scope: global, initial: 10}",
                         "{id: interop, scope: global, initial: {default: 10}}")
    refused_at(text, "{default: 10}", "global metric")


def test_metric_values_are_integers() -> None:
    text = VALID.replace("{id: trust, initial: 50}", "{id: trust, initial: 50.5}")
    refused_at(text, "50.5", "integer")


# ----------------------------------------------------------------- bytes and text


def test_non_utf8_bytes_are_refused_where_they_are() -> None:
    """"An exercise is one YAML file (UTF-8, one document)." """
    text = yaml_text(VALID).replace("title: Demo", "title: Caf\xe9 Demo")
    [diagnostic] = refusals(text.encode("latin-1"))
    assert (diagnostic.line, diagnostic.col) == at(text, "\xe9")
    assert "UTF-8" in diagnostic.message


def test_the_column_of_a_bad_byte_counts_characters_like_every_other_diagnostic() -> None:
    """After "title: Démo " (12 characters, 13 bytes) the bad byte is column 13."""
    raw = "format: ttx/1\ntitle: Démo ".encode() + b"\xff\n"
    [diagnostic] = refusals(raw)
    assert (diagnostic.line, diagnostic.col) == (2, 13)


def test_a_byte_order_mark_does_not_shift_the_position_of_a_bad_byte() -> None:
    [diagnostic] = refusals(b"\xef\xbb\xbfid: x\xff\n")
    assert (diagnostic.line, diagnostic.col) == (1, 6)


def test_utf8_text_with_accents_is_fine() -> None:
    assert build(VALID.replace("title: Demo", "title: Café Démo")).title == "Café Démo"


def test_a_second_yaml_document_is_refused_where_it_starts() -> None:
    text = VALID + "---\nformat: ttx/1\n"
    refused_at(text, "---", "one YAML document")


def test_an_explicit_single_document_is_fine() -> None:
    assert build("---\n" + yaml_text(VALID) + "...\n").id == "demo"


def test_a_yaml_syntax_error_is_reported_where_the_parser_stops() -> None:
    text = VALID.replace("title: Demo", "title: Demo: the drill")
    refused_at(text, ": the drill", "YAML syntax")


def test_a_tab_in_the_indentation_is_a_syntax_error_at_the_tab() -> None:
    text = VALID.replace("id: demo\n", "id: demo\n\tsummary: x\n")
    refused_at(text, "\tsummary", "YAML syntax")


def test_an_unclosed_flow_mapping_is_a_syntax_error() -> None:
    text = VALID + "  - {id: two, title: Two, turn: 1\n"
    [diagnostic] = refusals(text)
    assert diagnostic.line == yaml_text(text).count("\n") + 1  # the end of the file
    assert "YAML syntax" in diagnostic.message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just words\n", "42\n"])
def test_a_script_is_a_mapping(text: str) -> None:
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == (1, 1)
    assert "mapping" in diagnostic.message


def test_a_file_that_cannot_be_read_is_a_diagnostic_not_a_traceback(tmp_path) -> None:
    with pytest.raises(ScriptError) as refused:
        load(tmp_path / "missing.yaml")
    assert "cannot read" in str(refused.value)


# ------------------------------------------------------------------ all at once


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    """A user fixes a file in one go: three typos give three diagnostics, in file order."""
    text = VALID.replace("{id: east, name: East}", "{id: east, nam: East}") \
        .replace("{id: a, label: A}", "{id: a, lable: A}") + "colour: red\n"
    diagnostics = refusals(text)
    found = {(d.line, d.col): d.message for d in diagnostics}
    assert found[at(text, "nam:")] == "unknown key 'nam'"
    assert found[at(text, "lable:")] == "unknown key 'lable'"
    assert found[at(text, "colour:")] == "unknown key 'colour'"
    assert diagnostics == sorted(diagnostics)


def test_every_broken_reference_is_reported_at_once() -> None:
    text = VALID.replace("    turn: 1\n",
                         "    turn: 1\n    to: [west]\n    objectives: [drill]\n") \
        .replace("{id: a, label: A}", "{id: a, label: A, next: [ghost]}") \
        + "  - {id: one, title: Again, when: {delivered: phantom}}\n"
    diagnostics = refusals(text)
    assert [((d.line, d.col), d.message) for d in diagnostics] == [
        (at(text, "west"), "no team 'west'"),
        (at(text, "drill"), "no objective 'drill'"),
        (at(text, "ghost"), "no inject 'ghost'"),
        (at(text, "one, title: Again"), "duplicate id 'one'"),
        (at(text, "phantom"), "no inject 'phantom'"),
    ]


def test_parse_script_accepts_text_and_bytes_alike() -> None:
    assert parse_script(yaml_text(VALID)) == parse_script(yaml_text(VALID).encode())
