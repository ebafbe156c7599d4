"""The ad-hoc inject form: a message the facilitator writes on the spot, off the MSEL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input, SelectionList, TextArea

from ui.tui.screens.form import FormScreen, Invalid, labelled, team_choices
from ui.tui.widgets.checklist import Checklist

EffectSpec = tuple[str, str | None, str, int]  # metric, team or None, add | set, value

_EFFECT = re.compile(r"^\s*([a-z0-9][a-z0-9_-]*)(?:@([a-z0-9][a-z0-9_-]*))?\s*"
                     r"([+-]|=)\s*(\d+)\s*$")


def parse_effects(text: str) -> list[EffectSpec]:
    """`trust@northmark -5, interoperability +3, fuel@all =50` -> effect specs.

    Only the notation is checked here; whether the metric and team exist is the
    engine's business (it refuses the command with a message if not).
    """
    out: list[EffectSpec] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = _EFFECT.match(part)
        if m is None:
            raise Invalid(f"effect {part!r}: write metric[@team] +N, -N or =N")
        metric, team, sign, number = m.groups()
        value = int(number)
        if sign == "=":
            out.append((metric, team, "set", value))
        else:
            out.append((metric, team, "add", value if sign == "+" else -value))
    return out


@dataclass(frozen=True)
class AdhocForm:
    title: str
    text: str
    channel: str
    sender: str
    to: tuple[str, ...]
    effects: tuple[EffectSpec, ...]


class AdhocScreen(FormScreen[AdhocForm]):
    HEADING = "Write an ad-hoc inject"

    def __init__(self, teams: Sequence[tuple[str, str]], metrics: Sequence[str],
                 submit: Callable[[AdhocForm], str | None] | None = None) -> None:
        super().__init__(submit)
        self.teams = list(teams)
        self.metrics = list(metrics)

    def fields(self) -> Iterable[Widget]:
        yield labelled("Title", Input(id="title", placeholder="e.g. Partner ministry calls"))
        yield labelled("Channel", Input(id="channel", placeholder="email, phone, news, intel…"))
        yield labelled("From", Input(id="sender", placeholder="who sends it (optional)"))
        yield labelled("Addressed to", Checklist(
            *[(*choice, True) for choice in team_choices(self.teams)], id="to"),
            "space toggles a team; all teams are addressed by default")
        yield labelled("Text", TextArea(id="text"))
        yield labelled("Effects", Input(
            id="effects", placeholder="optional: trust@northmark -5, interoperability +3"),
            f"metric[@team|self|others|all] +N, -N or =N; metrics: {', '.join(self.metrics)}")

    def collect(self) -> AdhocForm:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            raise Invalid("an ad-hoc inject needs a title")
        to = tuple(self.query_one("#to", SelectionList).selected)
        if not to:
            raise Invalid("address at least one team")
        if len(to) == len(self.teams):
            to = ()  # every team
        return AdhocForm(
            title=title, text=self.query_one("#text", TextArea).text.strip(),
            channel=self.query_one("#channel", Input).value.strip(),
            sender=self.query_one("#sender", Input).value.strip(), to=to,
            effects=tuple(parse_effects(self.query_one("#effects", Input).value)))
