"""The `ttx/1` exercise script format as pydantic models.

These models are the single source of truth for the format: the loader validates
with them and `ttx schema` prints their JSON Schema. Structural rules live here;
rules that need the whole script (references, uniqueness) live in `references.py`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    Tag,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
# Bounds keep arithmetic and reports sane whatever a script says; no real exercise
# comes near them. Floats are finite (the reader also refuses .nan and .inf).
LIMIT = 10**9
MAX_TURNS = 1000
Bounded = Annotated[StrictInt, Field(ge=-LIMIT, le=LIMIT)]
Number = (Annotated[StrictInt, Field(ge=-LIMIT, le=LIMIT)]
          | Annotated[StrictFloat, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)])
HSEEP_RATINGS = {"P": 4, "S": 3, "M": 2, "U": 1}
HSEEP_LABELS = {"P": "Performed without challenges", "S": "Performed with some challenges",
                "M": "Performed with major challenges", "U": "Unable to be performed"}


class Model(BaseModel):
    """Base for every script model: unknown keys are errors, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- conditions


class Comparison(Model):
    """Comparators shared by metric and turn conditions; all given must hold."""

    below: Number | None = None
    above: Number | None = None
    at_least: Number | None = None
    at_most: Number | None = None
    equals: Number | None = None

    @model_validator(mode="after")
    def _needs_one(self) -> Comparison:
        if not self.comparators():
            raise ValueError("say how to compare: below, above, at_least, at_most or equals")
        return self

    def comparators(self) -> list[tuple[str, float]]:
        return self._comparators

    @cached_property
    def _comparators(self) -> list[tuple[str, float]]:  # frozen: compute once
        names = ("below", "above", "at_least", "at_most", "equals")
        return [(n, float(v)) for n in names if (v := getattr(self, n)) is not None]


class MetricCondition(Comparison):
    """Holds when a metric compares as given (for `team: any|all|<id>` on team metrics)."""

    metric: Id
    team: str | None = None


class Chose(Model):
    inject: Id
    option: Id | None = None
    team: str = "any"


class ChoseCondition(Model):
    """Holds when a team chose an option (or any option) of an inject, ever so far."""

    chose: Chose


class DeliveredCondition(Model):
    """Holds when an inject has been delivered at least once, by any means."""

    delivered: Id


class TurnComparison(Comparison):
    pass


class TurnCondition(Model):
    turn: TurnComparison


class AllCondition(Model):
    all: list[Condition] = Field(min_length=1)


class AnyCondition(Model):
    any: list[Condition] = Field(min_length=1)


class NotCondition(Model):
    not_: Condition = Field(alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_CONDITION_KEYS = ("metric", "chose", "delivered", "turn", "all", "any", "not")


def _condition_kind(value: Any) -> str | None:
    """Pick the condition's model by which key it carries, so errors name one model."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True)
    if isinstance(value, dict):
        for key in _CONDITION_KEYS:
            if key in value:
                return key
    return None


Condition = Annotated[
    Annotated[MetricCondition, Tag("metric")]
    | Annotated[ChoseCondition, Tag("chose")]
    | Annotated[DeliveredCondition, Tag("delivered")]
    | Annotated[TurnCondition, Tag("turn")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition needs one of the keys: " + ", ".join(_CONDITION_KEYS),
    ),
]

# ---------------------------------------------------------------- effects


class Effect(Model):
    """Change one metric: `add` (may be negative) or `set`, then clamp."""

    metric: Id
    team: str | None = None
    add: Bounded | None = None
    set: Bounded | None = None

    @model_validator(mode="after")
    def _add_or_set(self) -> Effect:
        if (self.add is None) == (self.set is None):
            raise ValueError("an effect needs exactly one of add or set")
        return self


# ---------------------------------------------------------------- teams, metrics


class Team(Model):
    id: Id
    name: str
    role: str | None = None
    playable: StrictBool = True
    policy: str = Field("first", pattern=r"^(first|random|(best|worst):[a-z0-9][a-z0-9_-]*)$")
    brief: str | None = None  # private: this team's players and the facilitator only


class Metric(Model):
    id: Id
    label: str | None = None
    scope: Literal["team", "global"] = "team"
    min: Bounded = 0
    max: Bounded = 100
    initial: Bounded | dict[str, Bounded] = 0

    @model_validator(mode="after")
    def _range(self) -> Metric:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self

    @property
    def name(self) -> str:
        return self.label or self.id

    def initial_for(self, team: str) -> int:
        """Where a team starts on this metric: its own value, else `default`, else 0."""
        init = self.initial
        return init if isinstance(init, int) else init.get(team, init.get("default", 0))


class CriticalTask(Model):
    """An observable task of an objective's evaluation guide (EEG)."""

    id: Id
    text: str


class Objective(Model):
    id: Id
    title: str
    capability: str | None = None
    weight: Number = Field(1, gt=0)
    critical_tasks: list[CriticalTask] = Field(default_factory=list)
    improvement: str | None = None  # the corrective action the IP proposes on M or U


# ---------------------------------------------------------------- injects

Rating = StrictInt | str


class Outcome(Model):
    chance: Number = Field(gt=0, le=1)
    text: str | None = None
    effects: list[Effect] = Field(default_factory=list)
    next: list[Id] = Field(default_factory=list)


class Option(Model):
    id: Id
    label: str
    effects: list[Effect] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    rating: dict[str, Rating] = Field(default_factory=dict)
    next: list[Id] = Field(default_factory=list)
    for_: list[str] | None = Field(None, alias="for", min_length=1)  # teams that may take it

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def allows(self, team: str) -> bool:
        """Whether `team` may take this option (`for`; default: every addressed team)."""
        return self.for_ is None or team in self.for_

    @field_validator("outcomes")
    @classmethod
    def _chances_sum_to_one(cls, outcomes: list[Outcome]) -> list[Outcome]:
        if outcomes:
            total = sum(o.chance for o in outcomes)
            if abs(total - 1.0) > 1e-9:
                raise ValueError(f"outcome chances sum to {total:g}, not 1")
        return outcomes


class Inject(Model):
    id: Id
    title: str
    turn: StrictInt | None = Field(None, ge=1, le=MAX_TURNS)
    when: Condition | None = None
    once: StrictBool = True
    follow_up: StrictBool = False
    channel: str | None = None
    from_: str | None = Field(None, alias="from")
    to: list[str] | None = Field(None, min_length=1)
    text: str = ""
    expected: str | None = None
    objectives: list[Id] = Field(default_factory=list)
    effects: list[Effect] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)  # for the facilitator to pose
    facilitator_notes: str | None = None  # facilitator and evaluators only
    attachments: list[Id] = Field(default_factory=list)
    variants: dict[str, str] = Field(default_factory=dict)  # team -> its text instead

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def options_for(self, team: str) -> list[Option]:
        """The options `team` may take, in file order."""
        return [o for o in self.options if o.allows(team)]

    def text_for(self, team: str) -> str:
        """What `team` reads: its variant, or the inject's text."""
        return self.variants.get(team, self.text)

    @model_validator(mode="after")
    def _has_a_trigger(self) -> Inject:
        if self.follow_up and (self.turn is not None or self.when is not None):
            raise ValueError("a follow_up inject is delivered only via `next` or by hand: "
                             "drop its turn/when")
        if not self.follow_up and self.turn is None and self.when is None:
            raise ValueError("an inject needs turn, when, or follow_up: true")
        return self

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class EndRule(Model):
    when: Condition
    outcome: str


# ---------------------------------------------------------------- materials

class Contact(Model):
    name: str
    role: str | None = None
    email: str | None = None


class Overview(Model):
    """`exercise:`, the cover of every generated document."""

    type: Literal["tabletop", "seminar", "workshop", "game", "drill"] | None = None
    mission_areas: list[str] = Field(default_factory=list)
    scope: str | None = None
    threat: str | None = None
    location: str | None = None
    sponsor: str | None = None
    contact: Contact | None = None
    minutes: StrictInt | None = Field(None, ge=1, le=LIMIT)
    assumptions: list[str] = Field(default_factory=list)


class Attachment(Model):
    id: Id
    title: str
    file: str  # relative to the script; the loader checks it exists


class Module(Model):
    """One turn's situation update and timing."""

    turn: StrictInt = Field(ge=1, le=MAX_TURNS)
    title: str
    situation: str = ""
    minutes: StrictInt | None = Field(None, ge=1, le=LIMIT)
    questions: list[str] = Field(default_factory=list)


class Exercise(Model):
    """One exercise script (the master scenario events list and its setting)."""

    format: Literal["ttx/1"]
    id: Id
    title: str
    summary: str = ""
    turns: StrictInt = Field(ge=1, le=MAX_TURNS)
    turn_labels: list[str] = Field(default_factory=list)
    seed: StrictInt | None = Field(None, ge=-(2**63), lt=2**63)
    scale: Literal["hseep", "0-10"] = "hseep"
    teams: list[Team] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    injects: list[Inject] = Field(min_length=1)
    end: list[EndRule] = Field(default_factory=list)
    exercise: Overview | None = None
    glossary: dict[str, str] = Field(default_factory=dict)
    briefing: str = ""
    attachments: list[Attachment] = Field(default_factory=list)
    modules: list[Module] = Field(default_factory=list)

    # More turn_labels than turns is refused in references.py, at the first label too many.

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Derived forms of this script's parts, computed once (compiled effects and
        conditions): kept here so that they live and die with the exercise they come
        from. Never pickled (it holds closures); a copy rebuilds what it needs."""
        return {}

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k != "memo"}
        return state

    # Lookups by id, built once: scripts run to thousands of injects.
    @cached_property
    def _teams(self) -> dict[str, Team]:
        return {t.id: t for t in self.teams}

    @cached_property
    def _metrics(self) -> dict[str, Metric]:
        return {m.id: m for m in self.metrics}

    @cached_property
    def metric_keys(self) -> frozenset[tuple[str, str | None]]:
        """Every (metric, team) a change may name: (metric, None) for a global metric,
        (metric, team) for a team metric and each team."""
        return frozenset((m.id, None) if m.scope == "global" else (m.id, t)
                         for m in self.metrics
                         for t in ([None] if m.scope == "global" else self.team_ids))

    @cached_property
    def _objectives(self) -> dict[str, Objective]:
        return {o.id: o for o in self.objectives}

    @cached_property
    def _injects(self) -> dict[str, Inject]:
        return {i.id: i for i in self.injects}

    @cached_property
    def _by_turn(self) -> dict[int, list[Inject]]:
        by_turn: dict[int, list[Inject]] = {}
        for inject in self.injects:
            if inject.turn is not None:
                by_turn.setdefault(inject.turn, []).append(inject)
        return by_turn

    @cached_property
    def _order(self) -> dict[str, int]:
        return {inject.id: i for i, inject in enumerate(self.injects)}

    def scheduled(self, turn: int) -> list[Inject]:
        """Injects with this `turn`, in file order (a turn start's first group)."""
        return self._by_turn.get(turn, [])

    @cached_property
    def unscheduled_triggers(self) -> list[Inject]:
        """Injects with `when` and no `turn`, in file order (a turn start's third group)."""
        return [i for i in self.injects if i.turn is None and i.when is not None]

    def file_order(self, inject: Inject) -> int:
        return self._order[inject.id]

    def team(self, team_id: str) -> Team | None:
        return self._teams.get(team_id)

    def metric(self, metric_id: str) -> Metric | None:
        return self._metrics.get(metric_id)

    def objective(self, objective_id: str) -> Objective | None:
        return self._objectives.get(objective_id)

    def inject(self, inject_id: str) -> Inject | None:
        return self._injects.get(inject_id)

    def module(self, turn: int) -> Module | None:
        return next((m for m in self.modules if m.turn == turn), None)

    def attachment(self, attachment_id: str) -> Attachment | None:
        return next((a for a in self.attachments if a.id == attachment_id), None)

    def turn_label(self, turn: int) -> str:
        if 1 <= turn <= len(self.turn_labels):
            return self.turn_labels[turn - 1]
        return f"Turn {turn}"

    @cached_property
    def team_ids(self) -> list[str]:
        return [t.id for t in self.teams]


def rating_score(scale: str, rating: Rating) -> int | None:
    """The numeric score of a rating on a scale, or None when it is not on it."""
    if scale == "hseep":
        return HSEEP_RATINGS.get(rating) if isinstance(rating, str) else None
    if isinstance(rating, int) and not isinstance(rating, bool) and 0 <= rating <= 10:
        return rating
    return None


def scale_values(scale: str) -> list[Rating]:
    """Every rating a scale allows, best first."""
    if scale == "hseep":
        return list(HSEEP_RATINGS)
    return list(range(10, -1, -1))


AllCondition.model_rebuild()
AnyCondition.model_rebuild()
NotCondition.model_rebuild()
Inject.model_rebuild()
EndRule.model_rebuild()
Exercise.model_rebuild()
