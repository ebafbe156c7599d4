"""Hostile scripts get one clear diagnostic each, at a real `line:col`, at bounded cost.

Text that could drive a terminal, values that do not convert, numbers no exercise
needs, floods of items and files that are not files: each is refused by the loader
before it can crash a later command (lint, run, report) or cost unbounded time.
"""

from __future__ import annotations

import os
import time

import pytest
import yaml

from engine import yamlread
from engine.diagnostics import MAX_SHOWN, ScriptError
from engine.loader import load
from engine.yamlread import MAX_ITEMS

from .conftest import ONE_INJECT, PREAMBLE, at, build, refusals, yaml_text

VALID = PREAMBLE + ONE_INJECT


def refused_at(text: str, marker: str, says: str) -> None:
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, marker), str(diagnostic)
    assert says in diagnostic.message, str(diagnostic)
    assert "\n" not in str(diagnostic)


# ------------------------------------------------------------- control characters


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\x08", "\x7f", "\x9b"])
def test_a_control_character_in_a_value_is_refused_where_it_is(char: str) -> None:
    text = VALID.replace("title: Demo", f"title: Demo{char}[31mred")
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, char)
    assert f"U+{ord(char):04X}" in diagnostic.message
    assert diagnostic.message.isprintable()


@pytest.mark.parametrize("char", ["\x07", "\x1b"])
def test_without_libyaml_a_control_character_is_refused_the_same(
        char: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML's pure-Python reader (where libyaml is absent) checks the text as soon as
    it is built: still one located diagnostic, never a traceback."""
    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    text = VALID.replace("title: Demo", f"title: Demo{char}[31mred")
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, char)
    assert f"U+{ord(char):04X}" in diagnostic.message


def test_an_escaped_control_character_in_a_quoted_string_is_refused_at_the_string() -> None:
    """YAML's own escapes (`"\\e"`) make control characters too."""
    text = VALID.replace("title: Demo", 'title: "Demo \\e[2J"')
    refused_at(text, '"Demo', "control character U+001B")


def test_a_control_character_in_a_key_is_refused() -> None:
    text = VALID + "sum\x07mary: x\n"
    [diagnostic] = refusals(text)
    assert "U+0007" in diagnostic.message


def test_newlines_and_tabs_in_text_are_fine() -> None:
    ex = build(VALID + 'summary: "one\\ttwo\\nthree"\n')
    assert ex.summary == "one\ttwo\nthree"


# ------------------------------------------------------------- scalars that do not convert


@pytest.mark.parametrize("value", ["!!int abc", '!!int ""', "!!float x", "!!bool maybe",
                                   "0x_", "0b_", "!!int 0x_"])
def test_a_tagged_or_malformed_scalar_that_does_not_convert_is_refused_there(value: str) -> None:
    text = VALID.replace("turns: 3", f"turns: {value}")
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, value)


def test_an_integer_over_the_interpreters_digit_limit_is_refused() -> None:
    digits = "9" * 5000
    text = VALID.replace("turns: 3", f"turns: {digits}")
    [diagnostic] = refusals(text)
    assert (diagnostic.line, diagnostic.col) == at(text, digits)
    assert len(str(diagnostic)) < 200  # the number is cut short in the message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_not_a_number_and_infinity_are_refused_anywhere(value: str) -> None:
    text = VALID.replace("{id: share, title: Share, weight: 2}",
                         f"{{id: share, title: Share, weight: {value}}}")
    refused_at(text, value, "not a finite number")


# ------------------------------------------------------------- bounds


def test_turns_are_at_most_1000() -> None:
    build(VALID.replace("turns: 3", "turns: 1000"))
    refused_at(VALID.replace("turns: 3", "turns: 1001"), "1001", "less than or equal to 1000")


@pytest.mark.parametrize(("old", "new", "marker"), [
    ("{id: trust, initial: 50}", "{id: trust, max: 1000000001}", "1000000001"),
    ("{id: trust, initial: 50}", "{id: trust, min: -1000000001}", "-1000000001"),
    ("{id: a, label: A}", "{id: a, label: A, effects: [{metric: trust, add: 2000000000}]}",
     "2000000000"),
    ("{id: a, label: A}", "{id: a, label: A, effects: [{metric: trust, set: -2000000000}]}",
     "-2000000000"),
])
def test_metric_numbers_stay_within_a_billion(old: str, new: str, marker: str) -> None:
    refused_at(VALID.replace(old, new), marker, "1000000000")


def test_a_threshold_beyond_a_billion_is_refused() -> None:
    text = VALID.replace("    turn: 1\n", "    when: {metric: trust, team: north, "
                         "below: 10000000000}\n")
    refused_at(text, "10000000000", "1000000000")


def test_a_weight_is_finite_and_positive() -> None:
    text = VALID.replace("weight: 2", "weight: -2")
    refused_at(text, "-2", "greater than 0")


# ------------------------------------------------------------- strict booleans


@pytest.mark.parametrize(("old", "new", "marker"), [
    ("    turn: 1\n", '    turn: 1\n    once: "off"\n', '"off"'),
    ("    turn: 1\n", "    turn: 1\n    once: 1\n", "once: 1"),
    ("{id: east, name: East}", '{id: east, name: East, playable: "no"}', '"no"'),
])
def test_booleans_are_true_or_false_not_text_or_numbers(old: str, new: str, marker: str) -> None:
    text = VALID.replace(old, new)
    [diagnostic] = refusals(text)
    line, _ = at(text, marker)
    assert diagnostic.line == line
    assert "boolean" in diagnostic.message


# ------------------------------------------------------------- floods and files


def test_a_list_of_more_than_the_cap_is_refused_at_the_first_item_too_many() -> None:
    text = yaml_text(VALID) + "turn_labels:\n" + "  - x\n" * (MAX_ITEMS + 5000)
    start = time.perf_counter()
    [diagnostic] = refusals(text)
    assert time.perf_counter() - start < 5  # generous: the point is "not minutes"
    assert "items in one list" in diagnostic.message
    assert diagnostic.line == text[: text.index("turn_labels")].count("\n") + 2 + MAX_ITEMS


def test_after_100_diagnostics_the_rest_are_counted_not_listed() -> None:
    teams = "".join(f"  - {{id: T{i}, name: T}}\n" for i in range(300))
    text = yaml_text(VALID).replace(
        "teams:\n  - {id: north, name: North}\n", "teams:\n  - {id: north, name: North}\n"
        + teams)
    with pytest.raises(ScriptError) as refused:
        build(text)
    assert len(refused.value.diagnostics) == MAX_SHOWN
    assert refused.value.omitted == 200
    assert str(refused.value).endswith("\n... and 200 more")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path) -> None:
    fifo = tmp_path / "script.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScriptError) as refused:
        load(fifo)
    assert "not a regular file" in str(refused.value)


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(ScriptError) as refused:
        load("/dev/zero")
    assert str(refused.value) == ("/dev/zero:1:1: cannot read: not a regular file "
                                  "(a device, pipe or socket is never read)")


def test_a_huge_sparse_file_is_refused_by_its_size_before_it_is_read(tmp_path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(1 << 30)
    start = time.perf_counter()
    with pytest.raises(ScriptError) as refused:
        load(path)
    assert time.perf_counter() - start < 1
    assert "larger than 5 MiB" in str(refused.value)


def test_a_directory_is_refused(tmp_path) -> None:
    with pytest.raises(ScriptError) as refused:
        load(tmp_path)
    assert "is a directory" in str(refused.value)
