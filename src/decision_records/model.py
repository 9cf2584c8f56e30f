"""The decision record, field by field, and the record file it was loaded from.

Every field carries a description: it ends up in the JSON Schema that editors use to
complete and check records (``docs/decision.schema.json``). This is the bottom floor of the
package: it imports nothing of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Status = Literal["proposed", "accepted", "rejected", "superseded", "deprecated"]
Approach = Literal["buy", "adopt", "build"]
Severity = Literal["error", "warning", "off"]
Ring = Literal["adopt", "trial", "assess", "hold"]

STATUSES: tuple[str, ...] = ("proposed", "accepted", "rejected", "superseded", "deprecated")
APPROACHES: tuple[str, ...] = ("buy", "adopt", "build")
# A supersession takes effect once the superseding record is (or was) in force.
IN_FORCE = frozenset({"accepted", "superseded", "deprecated"})
# Records that are plans, held to the policies; rejected and retired ones are history.
LIVE = frozenset({"proposed", "accepted"})

# `NNNN-slug.yaml`: at least four digits so that 10,000 and more records sort and fit.
# Digits are ASCII [0-9]: `\d` would also take fullwidth or Arabic-Indic digits, which int()
# reads as numbers, so a file could take a number that looks like none. `\Z`, not `$`,
# which would also match before a newline at the end of the name.
RECORD_FILE = re.compile(r"^(?P<number>[0-9]{4,})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.yaml\Z")
# checked by pydantic's regex engine, where `\d` is Unicode too and `$` is the very end
RECORD_ID = r"^[0-9]{4,}-[a-z0-9]+(?:-[a-z0-9]+)*$"
PACKAGE_REF = (
    r"^(pypi:[A-Za-z0-9][A-Za-z0-9._-]*"
    r"|npm:(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*"
    r"|github:[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)$"
)
NAME = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Markdown = Annotated[str, StringConstraints(min_length=1)]
RecordId = Annotated[str, StringConstraints(pattern=RECORD_ID)]
PackageRef = Annotated[str, StringConstraints(pattern=PACKAGE_REF)]
Name = Annotated[str, StringConstraints(pattern=NAME)]
Tokens = Annotated[int, Field(ge=0, le=3, strict=True)]


class Strict(BaseModel):
    """The base of every model read from a file: unknown keys are errors, values immutable."""

    # no inf or nan: every figure ends up in a sum, a timeout, a size or a date
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Cost(Strict):
    """What an option costs. All figures are estimates; leave out what does not apply."""

    licence_per_year: float | None = Field(
        None, ge=0, description="Yearly licence, subscription or hosting fee, in the currency "
        "named in the config (default USD).",
    )
    build_person_weeks: float | None = Field(
        None, ge=0, description="Engineering time to build or integrate it, in person-weeks.",
    )
    run_hours_per_month: float | None = Field(
        None, ge=0, description="Hours a month the owning team spends operating it "
        "(upgrades, incidents, on-call load).",
    )
    notes: str | None = Field(None, description="Anything the figures do not say.")


class Option(Strict):
    """One of the alternatives that was considered."""

    name: Text = Field(description="Short name of the option, e.g. 'PagerDuty' or 'Build our own'.")
    approach: Approach = Field(
        description="buy: a hosted or managed product; adopt: run an existing open-source or "
        "vendor product ourselves; build: write it.",
    )
    summary: Text = Field(description="One or two sentences on what this option is.")
    pros: list[Text] = Field(default_factory=list, description="Arguments for this option.")
    cons: list[Text] = Field(default_factory=list, description="Arguments against this option.")
    packages: list[PackageRef] = Field(
        default_factory=list,
        description="Packages or repositories behind the option, as 'pypi:NAME', "
        "'npm:NAME' or 'github:OWNER/REPO'; they bring in maturity signals.",
    )
    cost: Cost | None = Field(None, description="What the option costs, where known.")
    innovation_tokens: Tokens = Field(
        0, description="Innovation tokens that choosing this option spends (0 to 3): "
        "0 for boring technology the organisation already runs well.",
    )
    why_not_existing_stack: Markdown | None = Field(
        None, description="For an option that spends tokens: why the technology we already "
        "run cannot do this job.",
    )
    replaces: Markdown | None = Field(
        None, description="For an option that spends tokens: what it replaces and how the old "
        "thing is retired.",
    )


class Decision(Strict):
    """What was decided and why."""

    chosen: Text = Field(
        description="The name of the option this record chooses (for a proposal, the option "
        "it proposes; for a rejected record, the option that was turned down).",
    )
    rationale: Markdown = Field(description="Why this option, in Markdown.")
    why_not_buy: Markdown | None = Field(
        None, description="When a non-core capability is built: why no product can be bought "
        "or adopted instead.",
    )
    exit_plan: Markdown | None = Field(
        None, description="When a product is bought: how the organisation would leave the vendor.",
    )


class Consequences(Strict):
    """What follows from the decision."""

    good: list[Text] = Field(default_factory=list, description="Expected benefits.")
    bad: list[Text] = Field(
        default_factory=list, description="Costs, risks and trade-offs accepted.",
    )


class TokensReleased(Strict):
    """Tokens given back (our extension of McKinley's rule)."""

    date: dt.date = Field(description="When the tokens were given back.")
    reason: Text = Field(
        description="Why: the technology has become boring for the team, or it was retired.",
    )


class Waiver(Strict):
    """A rule this record knowingly does not follow, and why (shown on its page)."""

    rule: Name = Field(description="The rule id, e.g. risky-choice or tokens-below-signals.")
    reason: Text = Field(description="Why the finding is accepted for this record.")


class Link(Strict):
    """A related document."""

    title: Text = Field(description="What the link points at.")
    url: Annotated[str, StringConstraints(pattern=r"^(https?://|\.{0,2}/|mailto:)\S+$")] = Field(
        description="An http(s) URL or a path relative to the site.",
    )


class Guess(Strict):
    """A value `decisions import` inferred rather than read: reported until a person confirms it."""

    field: Text = Field(
        description="The guessed field, as validation names it: 'decision.chosen', "
        "'options[1].approach', 'status'.",
    )
    note: Text = Field(description="What the guess was made from, e.g. \"'We will use Kafka' "
                       "names this option\".")


class Imported(Strict):
    """Where a record imported from a Markdown ADR came from, and what is still a guess."""

    source: Text = Field(
        description="The ADR file, as a path from the repository root (the folder that holds "
        "decisions/), or as it was given when it lies outside the repository.",
    )
    date: dt.date = Field(description="The day the ADR was imported.")
    guesses: list[Guess] = Field(
        default_factory=list, description="Values inferred on import. Each one is reported "
        "(rule import-guess) until a person checks the value and removes its entry.",
    )


class Record(Strict):
    """A build-vs-buy or technology decision. The record's id is its file name without .yaml."""

    title: Title = Field(
        description="What was decided, as a short sentence, e.g. 'Buy a paging service'.",
    )
    status: Status = Field(
        description="proposed, accepted, rejected, superseded (by a later record naming this one "
        "in `supersedes`) or deprecated (no longer followed, nothing replaces it).",
    )
    date: dt.date = Field(description="ISO date (YYYY-MM-DD) of the last status change.")
    team: Text = Field(
        description="The owning team, which operates the choice; must be a team in "
        "decisions/config.yaml.",
    )
    deciders: list[Text] = Field(min_length=1, description="Who made the decision.")
    consulted: list[Text] = Field(
        default_factory=list, description="Who was asked for an opinion (the people closest to "
        "the work).",
    )
    category: Name = Field(
        description="What kind of capability, e.g. database, alerting, observability, "
        "feature-flags, hosting.",
    )
    tags: list[Name] = Field(default_factory=list, description="Free keywords for search and tags.")
    core: bool = Field(
        False, description="True when the capability is core to the business, where building "
        "can beat buying.",
    )
    context: Markdown = Field(description="The situation and the problem, in Markdown.")
    drivers: list[Text] = Field(
        default_factory=list, description="The forces and criteria that shaped the choice.",
    )
    options: list[Option] = Field(min_length=2, description="The options considered (two or more).")
    decision: Decision = Field(description="The chosen option and the rationale.")
    consequences: Consequences = Field(
        default_factory=Consequences, description="What follows from the decision.",
    )
    on_call: Text | None = Field(
        None, description="Who is paged when the chosen technology breaks (rotation or team).",
    )
    review_by: dt.date | None = Field(
        None, description="When the decision should be revisited (things change, things break).",
    )
    supersedes: list[RecordId] = Field(
        default_factory=list, description="Ids of earlier records this one replaces; those must "
        "have status superseded.",
    )
    tokens_released: TokensReleased | None = Field(
        None, description="Set when the tokens this decision spent are given back.",
    )
    ring: Ring | None = Field(
        None, description="Override of the radar ring derived from the status and maturity.",
    )
    links: list[Link] = Field(default_factory=list, description="Related documents.")
    waivers: list[Waiver] = Field(
        default_factory=list, description="Rules this record knowingly does not follow, each "
        "with its reason; their findings are not reported for this record.",
    )
    imported: Imported | None = Field(
        None, description="Set by `decisions import`: the ADR this record came from and the "
        "values it had to guess.",
    )

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def chosen(self) -> Option | None:
        return self.option(self.decision.chosen)

    @property
    def chosen_tokens(self) -> int:
        """The innovation tokens of the chosen option: what accepting the record spends."""
        chosen = self.chosen
        return chosen.innovation_tokens if chosen else 0


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

    @property
    def short(self) -> str:
        return short_id(self.id)
