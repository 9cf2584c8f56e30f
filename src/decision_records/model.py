"""The decision record, field by field, and the record file it was loaded from.

Every field carries a description: it ends up in the JSON Schema that editors use to
complete and check records (``docs/decision.schema.json``). This is the bottom floor of the
package: it imports only `chars`, the leaf that names hidden characters, and `refs`, which
says what a package reference is.

Every list and string has a maximum length that no real record comes near (the shipped
records use a quarter of each at most), so that a hostile or broken record is one clear
finding instead of a slow validation or site build. Each limit is stated in its field's
description. One-line fields (names, titles, people, tags) refuse line breaks, control
characters and invisible or bidirectional characters, naming the character found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from . import refs
from .chars import one_line_problem
from .statuses import BUILT_IN, StatusName

# what a status means, for the modules that read it with the record model
from .statuses import IN_FORCE as IN_FORCE
from .statuses import LIVE as LIVE
from .statuses import STATUSES as STATUSES
from .statuses import Status as Status
from .statuses import Statuses as Statuses

Approach = Literal["buy", "adopt", "build"]
Severity = Literal["error", "warning", "off"]
Ring = Literal["adopt", "trial", "assess", "hold"]

APPROACHES: tuple[str, ...] = ("buy", "adopt", "build")

# `NNNN-slug.yaml`: at least four digits so that 10,000 and more records sort and fit.
# Digits are ASCII [0-9]: `\d` would also take fullwidth or Arabic-Indic digits, which int()
# reads as numbers, so a file could take a number that looks like none. `\Z`, not `$`,
# which would also match before a newline at the end of the name.
RECORD_FILE = re.compile(r"^(?P<number>[0-9]{4,})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.yaml\Z")
# checked by pydantic's regex engine, where `\d` is Unicode too and `$` is the very end
RECORD_ID = r"^[0-9]{4,}-[a-z0-9]+(?:-[a-z0-9]+)*$"
NAME = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Longest strings, in characters (the longest in the shipped records in brackets).
MAX_NAME = 64  # a lowercase name: team, category, tag, rule id [21]
MAX_LINE = 100  # an option's name, decision.chosen, a person, on_call [55]
MAX_TITLE = 200  # the title, a link's title [69]
MAX_TEXT = 2_000  # a sentence or two: summary, pros, cons, drivers, reasons [207]
MAX_PATH = 1_000  # a file path or a URL [64]
MAX_PACKAGE = 300  # a package reference: npm allows 214 characters, GitHub 39 + 100 [45]
MAX_MARKDOWN = 500_000  # context, rationale and the other Markdown fields [921]
# Longest lists, in items (the most in the shipped records in brackets).
MAX_TAGS = 20  # [4]
MAX_OPTIONS = 20  # [4]
MAX_PACKAGES = 20  # an option's packages [4]
MAX_SUPERSEDES = 20  # [1]
MAX_ITEMS = 50  # drivers, pros, cons, consequences, deciders, consulted, links, waivers [5]
MAX_GUESSES = 100  # imported.guesses: a few a field at most
# Largest figures: far beyond any real estimate, small enough that every sum over 10,000
# records stays exact in the arithmetic of costs.py.
MAX_MONEY = 1_000_000_000_000  # an amount in the config's currency, whatever it is
MAX_EFFORT = 100_000  # person-weeks, or hours a month


def _refuse_hidden(value: str) -> str:
    problem = one_line_problem(value)
    if problem is not None:
        raise PydanticCustomError("one_line", "{problem}", {"problem": problem})
    return value


def _refuse_hidden_before(value: object) -> object:
    """The same, before a pattern would refuse the value with a vaguer message."""
    return _refuse_hidden(value) if isinstance(value, str) else value


def _line(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# One line of plain text: surrounding whitespace is dropped, and what is left may hold no
# line break, control character or hidden character (see chars.py).
OneLine = AfterValidator(_refuse_hidden)
Title = Annotated[str, _line(MAX_TITLE, min_length=3), OneLine]
Line = Annotated[str, _line(MAX_LINE), OneLine]
LongLine = Annotated[str, _line(MAX_TITLE), OneLine]
PathLine = Annotated[str, _line(MAX_PATH), OneLine]
TeamLine = Annotated[str, _line(MAX_NAME), OneLine]
# Free text: may span lines; hidden characters in it are a warning (rule hidden-characters).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                        max_length=MAX_TEXT)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MARKDOWN)]
# Patterns refuse anything else; the check before them names a hidden character instead.
RecordId = Annotated[str, StringConstraints(max_length=MAX_LINE, pattern=RECORD_ID),
                     BeforeValidator(_refuse_hidden_before)]
PackageRef = Annotated[str, StringConstraints(max_length=MAX_PACKAGE, pattern=refs.PATTERN),
                       BeforeValidator(_refuse_hidden_before)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME, pattern=NAME),
                 BeforeValidator(_refuse_hidden_before)]
Url = Annotated[str, StringConstraints(max_length=MAX_PATH,
                                       pattern=r"^(https?://|\.{0,2}/|mailto:)\S+$"),
                BeforeValidator(_refuse_hidden_before)]
Tokens = Annotated[int, Field(ge=0, le=3, strict=True)]


def _refuse_bool(value: object) -> object:
    """YAML reads yes, no, on, off, true and false as booleans, which a number field would
    otherwise take for 1 and 0."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_bool", "expected a number, but YAML reads this as {value} (yes, no, on, "
            "off, true and false are booleans); write the figure", {"value": str(value).lower()})
    return value


NotBool = BeforeValidator(_refuse_bool)
# A cost figure: finite (the model refuses .nan and .inf), not negative, not absurd.
Money = Annotated[float, Field(ge=0, le=MAX_MONEY), NotBool]
Effort = Annotated[float, Field(ge=0, le=MAX_EFFORT), NotBool]
Weight = Annotated[int, Field(ge=1, le=5, strict=True), NotBool]
Score = Annotated[int, Field(ge=0, le=5, strict=True), NotBool]
ScoreKey = Annotated[str, _line(MAX_LINE), OneLine]

ONE_LINE = "one line, no control or invisible characters"


class Strict(BaseModel):
    """The base of every model read from a file: unknown keys are errors, values immutable."""

    # no inf or nan: every figure ends up in a sum, a timeout, a size or a date
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Cost(Strict):
    """What an option costs, as estimates; write 0 for a figure that does not apply."""

    one_off: Money | None = Field(
        None, description="Setup, migration or exit fees paid once, in the currency named in "
        f"the config (default USD); at most {MAX_MONEY:,}.",
    )
    licence_per_year: Money | None = Field(
        None, description="Yearly licence, subscription or hosting fee, in the currency "
        f"named in the config (default USD); at most {MAX_MONEY:,}. Left out, it counts as 0 "
        "and marks the option's cost of ownership incomplete (so do the next two).",
    )
    build_person_weeks: Effort | None = Field(
        None, description="Engineering time to build or integrate it, in person-weeks; at "
        f"most {MAX_EFFORT:,}.",
    )
    run_hours_per_month: Effort | None = Field(
        None, description="Hours a month the owning team spends operating it "
        f"(upgrades, incidents, on-call load); at most {MAX_EFFORT:,}.",
    )
    notes: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = Field(
        None, description=f"Anything the figures do not say. At most {MAX_TEXT:,} characters.",
    )


class Option(Strict):
    """One of the alternatives that was considered."""

    name: Line = Field(description="Short name of the option, e.g. 'PagerDuty' or 'Build our "
                       f"own'; {ONE_LINE}, at most {MAX_LINE} characters.")
    approach: Approach = Field(
        description="buy: a hosted or managed product; adopt: run an existing open-source or "
        "vendor product ourselves; build: write it.",
    )
    summary: Text = Field(description="One or two sentences on what this option is. At most "
                          f"{MAX_TEXT:,} characters.")
    pros: list[Text] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Arguments for this option. "
        f"At most {MAX_ITEMS}, of at most {MAX_TEXT:,} characters each.",
    )
    cons: list[Text] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Arguments against this "
        f"option. At most {MAX_ITEMS}, of at most {MAX_TEXT:,} characters each.",
    )
    packages: list[PackageRef] = Field(
        default_factory=list, max_length=MAX_PACKAGES,
        description=f"Packages or repositories behind the option, as {refs.FORMS}; they "
        "bring in maturity signals. At most "
        f"{MAX_PACKAGES}, of at most {MAX_PACKAGE} characters each.",
    )
    cost: Cost | None = Field(None, description="What the option costs, where known.")
    scores: dict[ScoreKey, Score] = Field(
        default_factory=dict, max_length=MAX_ITEMS,
        description="How well the option meets each weighted driver, from 0 (not at all) to "
        "5 (fully), by the driver's name. At most "
        f"{MAX_ITEMS}.",
    )
    innovation_tokens: Tokens = Field(
        0, description="Innovation tokens that choosing this option spends (0 to 3): "
        "0 for boring technology the organisation already runs well.",
    )
    why_not_existing_stack: Markdown | None = Field(
        None, description="For an option that spends tokens: why the technology we already "
        f"run cannot do this job. At most {MAX_MARKDOWN:,} characters.",
    )
    replaces: Markdown | None = Field(
        None, description="For an option that spends tokens: what it replaces and how the old "
        f"thing is retired. At most {MAX_MARKDOWN:,} characters.",
    )


class Driver(Strict):
    """A decision driver with a weight: options can then be scored against it."""

    name: Line = Field(description="The driver, e.g. 'Cost over three years'; what options' "
                       f"`scores` name it by; {ONE_LINE}, at most {MAX_LINE} characters.")
    weight: Weight = Field(description="How much it matters, from 1 (a little) to 5 (most).")


def _driver_kind(value: object) -> str | None:
    if isinstance(value, str):
        return "text"
    return "weighted" if isinstance(value, dict | Driver) else None


# A driver is a line of text, or a weighted driver; the tag chooses which is checked, so a
# mistake is reported once, for the form it was written in.
DriverItem = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Driver, Tag("weighted")],
    Discriminator(_driver_kind, custom_error_type="driver_form",
                  custom_error_message="a driver is a line of text, or a mapping "
                  "{name: ..., weight: 1 to 5}"),
]
UNION_TAGS = frozenset({"text", "weighted"})  # they appear in error locations; not fields


class Decision(Strict):
    """What was decided and why."""

    chosen: Line = Field(
        description="The name of the option this record chooses (for a proposal, the option "
        "it proposes; for a rejected record, the option that was turned down); "
        f"{ONE_LINE}, at most {MAX_LINE} characters.",
    )
    rationale: Markdown = Field(
        description=f"Why this option, in Markdown. At most {MAX_MARKDOWN:,} characters.",
    )
    why_not_buy: Markdown | None = Field(
        None, description="When a non-core capability is built: why no product can be bought "
        f"or adopted instead. At most {MAX_MARKDOWN:,} characters.",
    )
    exit_plan: Markdown | None = Field(
        None, description="When a product is bought: how the organisation would leave the "
        f"vendor. At most {MAX_MARKDOWN:,} characters.",
    )


class Consequences(Strict):
    """What follows from the decision."""

    good: list[Text] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Expected benefits. At most "
        f"{MAX_ITEMS}, of at most {MAX_TEXT:,} characters each.",
    )
    bad: list[Text] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Costs, risks and trade-offs "
        f"accepted. At most {MAX_ITEMS}, of at most {MAX_TEXT:,} characters each.",
    )


class TokensReleased(Strict):
    """Tokens given back (our extension of McKinley's rule)."""

    date: dt.date = Field(description="When the tokens were given back.")
    reason: Text = Field(
        description="Why: the technology has become boring for the team, or it was retired. "
        f"At most {MAX_TEXT:,} characters.",
    )


class Waiver(Strict):
    """A rule this record knowingly does not follow, and why (shown on its page)."""

    rule: Name = Field(description="The rule id, e.g. risky-choice or tokens-below-signals; at "
                       f"most {MAX_NAME} characters.")
    reason: Text = Field(description="Why the finding is accepted for this record. At most "
                         f"{MAX_TEXT:,} characters.")


class Link(Strict):
    """A related document."""

    title: LongLine = Field(description=f"What the link points at; {ONE_LINE}, at most "
                            f"{MAX_TITLE} characters.")
    url: Url = Field(
        description=f"An http(s) URL or a path relative to the site; at most {MAX_PATH:,} "
        "characters.",
    )


class Guess(Strict):
    """A value `decisions import` inferred rather than read: reported until a person confirms it."""

    field: LongLine = Field(
        description="The guessed field, as validation names it: 'decision.chosen', "
        f"'options[1].approach', 'status'; at most {MAX_TITLE} characters.",
    )
    note: Text = Field(description="What the guess was made from, e.g. \"'We will use Kafka' "
                       f"names this option\". At most {MAX_TEXT:,} characters.")


class Imported(Strict):
    """Where a record imported from a Markdown ADR came from, and what is still a guess."""

    source: PathLine = Field(
        description="The ADR file, as a path from the repository root (the folder that holds "
        "decisions/), or as it was given when it lies outside the repository; "
        f"{ONE_LINE}, at most {MAX_PATH:,} characters.",
    )
    date: dt.date = Field(description="The day the ADR was imported.")
    guesses: list[Guess] = Field(
        default_factory=list, max_length=MAX_GUESSES, description="Values inferred on import. "
        "Each one is reported (rule import-guess) until a person checks the value and removes "
        f"its entry. At most {MAX_GUESSES}.",
    )


class Record(Strict):
    """A build-vs-buy or technology decision. The record's id is its file name without .yaml."""

    title: Title = Field(
        description="What was decided, as a short sentence, e.g. 'Buy a paging service'; "
        f"{ONE_LINE}, 3 to {MAX_TITLE} characters.",
    )
    status: Annotated[str, StringConstraints(max_length=MAX_NAME)] = Field(
        description="proposed, accepted, rejected, superseded (by a later record naming this one "
        "in `supersedes`) or deprecated (no longer followed, nothing replaces it); or a status "
        "of the organisation's own, listed under `statuses:` in decisions/config.yaml, which "
        f"means one of those. At most {MAX_NAME} characters.",
        json_schema_extra={"enum": list(STATUSES)},
    )
    date: dt.date = Field(description="ISO date (YYYY-MM-DD) of the last status change.")
    team: TeamLine = Field(
        description="The owning team, which operates the choice; must be a team in "
        f"decisions/config.yaml. {ONE_LINE.capitalize()}, at most {MAX_NAME} characters.",
    )
    deciders: list[Line] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Who made the decision: 1 to "
        f"{MAX_ITEMS} people or groups, each {ONE_LINE}, at most {MAX_LINE} characters.",
    )
    consulted: list[Line] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Who was asked for an opinion "
        f"(the people closest to the work). At most {MAX_ITEMS}, each {ONE_LINE}, at most "
        f"{MAX_LINE} characters.",
    )
    category: Name = Field(
        description="What kind of capability, e.g. database, alerting, observability, "
        f"feature-flags, hosting; at most {MAX_NAME} characters.",
    )
    tags: list[Name] = Field(
        default_factory=list, max_length=MAX_TAGS, description="Free keywords for search and "
        f"tags. At most {MAX_TAGS}, of at most {MAX_NAME} characters each.",
    )
    core: bool = Field(
        False, description="True when the capability is core to the business, where building "
        "can beat buying.",
    )
    context: Markdown = Field(
        description="The situation and the problem, in Markdown. At most "
        f"{MAX_MARKDOWN:,} characters.",
    )
    drivers: list[DriverItem] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="The forces and criteria that "
        "shaped the choice: each a text of at most "
        f"{MAX_TEXT:,} characters, or {{name, weight}} to score the options against it "
        f"(options' `scores`). At most {MAX_ITEMS}.",
    )
    options: list[Option] = Field(
        min_length=2, max_length=MAX_OPTIONS, description="The options considered: 2 to "
        f"{MAX_OPTIONS}.",
    )
    decision: Decision = Field(description="The chosen option and the rationale.")
    consequences: Consequences = Field(
        default_factory=Consequences, description="What follows from the decision.",
    )
    on_call: Line | None = Field(
        None, description="Who is paged when the chosen technology breaks (rotation or team); "
        f"{ONE_LINE}, at most {MAX_LINE} characters.",
    )
    review_by: dt.date | None = Field(
        None, description="When the decision should be revisited (things change, things break).",
    )
    supersedes: list[RecordId] = Field(
        default_factory=list, max_length=MAX_SUPERSEDES, description="Ids of earlier records "
        f"this one replaces; those must have status superseded. At most {MAX_SUPERSEDES}, "
        f"of at most {MAX_LINE} characters each.",
    )
    tokens_released: TokensReleased | None = Field(
        None, description="Set when the tokens this decision spent are given back.",
    )
    ring: Ring | None = Field(
        None, description="Override of the radar ring derived from the status and maturity.",
    )
    links: list[Link] = Field(
        default_factory=list, max_length=MAX_ITEMS,
        description=f"Related documents. At most {MAX_ITEMS}.",
    )
    waivers: list[Waiver] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Rules this record knowingly "
        "does not follow, each with its reason; their findings are not reported for this "
        f"record. At most {MAX_ITEMS}.",
    )
    imported: Imported | None = Field(
        None, description="Set by `decisions import`: the ADR this record came from and the "
        "values it had to guess.",
    )

    # The statuses this record was checked against (the organisation's, from the validation
    # context): what its status means is looked up there, so a copy with another status
    # means what that one does. A factory, not a default: pydantic deep-copies a default into
    # every record (8 % of validating 3,000 records), and the statuses are never changed.
    _statuses: Statuses = PrivateAttr(default_factory=lambda: BUILT_IN)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str, info: ValidationInfo) -> str:
        statuses = statuses_of(info)
        if statuses.get(value) is None:
            raise PydanticCustomError("status", "{message}",
                                      {"message": unknown_status(value, statuses)})
        return value

    def model_post_init(self, context: object, /) -> None:
        if isinstance(context, dict) and isinstance(context.get("statuses"), Statuses):
            self._statuses = context["statuses"]

    @property
    def status_info(self) -> StatusName:
        """The status as the organisation defines it: its meaning, colour and description."""
        found = self._statuses.get(self.status)
        if found is None:  # only a copy made with model_copy(update=...) can get here
            raise ValueError(f"status '{self.status}' is not one of {self._statuses.words}")
        return found

    @property
    def means(self) -> Status:
        """What the status means: proposed, accepted, rejected, superseded or deprecated."""
        return self.status_info.means

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def chosen(self) -> Option | None:
        return self.option(self.decision.chosen)

    @property
    def weighted(self) -> list[Driver]:
        """The drivers that carry a weight, in the record's order."""
        return [d for d in self.drivers if isinstance(d, Driver)]

    @property
    def driver_texts(self) -> list[str]:
        """Every driver as words: its text, or a weighted driver's name."""
        return [d if isinstance(d, str) else d.name for d in self.drivers]

    @property
    def chosen_approach(self) -> str:
        """buy, adopt or build: how the chosen option is had; '' when it names no option."""
        chosen = self.chosen
        return chosen.approach if chosen else ""

    @property
    def chosen_tokens(self) -> int:
        """The innovation tokens of the chosen option: what accepting the record spends."""
        chosen = self.chosen
        return chosen.innovation_tokens if chosen else 0


def statuses_of(info: ValidationInfo) -> Statuses:
    """The statuses a validation checks against: the organisation's, handed in as the
    context {"statuses": ...}, else the five built-in ones."""
    context = info.context
    found = context.get("statuses") if isinstance(context, dict) else None
    return found if isinstance(found, Statuses) else BUILT_IN


def unknown_status(value: str, statuses: Statuses) -> str:
    """Why a status is refused, and what the record may say instead."""
    words = statuses.words
    shown = value if len(value) <= 60 else value[:60] + "..."
    close = difflib.get_close_matches(value.casefold(), words, n=1, cutoff=0.8)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    where = "" if statuses == BUILT_IN else ", as decisions/config.yaml lists them"
    return f"'{shown}' is not a status{hint}; use one of: {', '.join(words)}{where}"


def validate_record(data: object, statuses: Statuses = BUILT_IN) -> Record:
    """A record from parsed YAML, its status checked against the organisation's statuses.
    Raises pydantic's ValidationError."""
    return Record.model_validate(data, context={"statuses": statuses})


def short_id(record_id: str) -> str:
    """'0012-monolith-first' -> '0012', the number people quote."""
    return record_id.split("-", 1)[0]


@dataclass(frozen=True)
class Entry:
    """A record file that parsed and matched the model."""

    id: str  # the file name without .yaml
    number: int
    path: Path
    record: Record
    placeholders: bool = False  # the text has TODO somewhere: worth the `todo` rule's walk
    size: int = 0  # characters in the file
    hidden: bool = False  # the text may hold hidden characters: worth their rule's walk
    markup: bool = False  # the text may go over a Markdown limit: worth its rule's walk

    @property
    def short(self) -> str:
        return short_id(self.id)
