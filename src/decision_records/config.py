"""The organisation settings (decisions/config.yaml): teams, budgets, statuses, rules,
signals, radar, costs."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .costs import Rates
from .ledger import Budgets
from .model import MAX_NAME, MAX_TEXT, Name, OneLine, Severity, Strict, TeamLine
from .settings.costs import CostsConfig
from .settings.coverage import CoverageConfig
from .settings.signals import SignalsConfig
from .settings.statuses import MAX_STATUSES, StatusSetting, table
from .statuses import Statuses

# Most teams and categories a config may list: far beyond any organisation's, and few enough
# that checking every record against them stays quick.
MAX_TEAMS = 1_000
MAX_CATEGORIES = 1_000

QuadrantId = Annotated[str, StringConstraints(max_length=MAX_NAME,
                                              pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
QuadrantName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=60), OneLine]
CategoryName = Annotated[str, StringConstraints(max_length=MAX_NAME,
                                                pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class RadarQuadrant(Strict):
    """One quarter of the radar."""

    id: QuadrantId = Field(description="Lowercase id, used in `categories` and in the JSON; "
                           f"at most {MAX_NAME} characters.")
    name: QuadrantName = Field(description="Name shown on the radar, e.g. 'Platforms'; one "
                               "line, at most 60 characters.")


# Thoughtworks' four quadrants, in Zalando's order: bottom right, bottom left, top left, top
# right (Backstage draws its quadrant list in the same places).
DEFAULT_QUADRANTS: tuple[RadarQuadrant, ...] = (
    RadarQuadrant(id="languages-and-frameworks", name="Languages & Frameworks"),
    RadarQuadrant(id="platforms", name="Platforms"),
    RadarQuadrant(id="techniques", name="Techniques"),
    RadarQuadrant(id="tools", name="Tools"),
)
DEFAULT_CATEGORIES: dict[str, str] = {
    **dict.fromkeys(["architecture", "delivery", "process", "practice", "practices",
                     "reliability", "security", "testing", "methodology"], "techniques"),
    **dict.fromkeys(["alerting", "build", "ci", "ci-cd", "developer-tools", "documentation",
                     "feature-flags", "monitoring", "observability", "source-control",
                     "tooling", "tools"], "tools"),
    **dict.fromkeys(["cache", "caching", "cloud", "compute", "data", "database", "hosting",
                     "infrastructure", "messaging", "networking", "platform", "queue",
                     "search", "storage"], "platforms"),
    **dict.fromkeys(["backend", "framework", "frameworks", "frontend", "language",
                     "languages", "library", "libraries", "mobile", "ui"],
                    "languages-and-frameworks"),
}


class RadarConfig(Strict):
    """How decision records become radar entries (`radar:` in decisions/config.yaml)."""

    quadrants: list[RadarQuadrant] = Field(
        default_factory=lambda: list(DEFAULT_QUADRANTS), min_length=4, max_length=4,
        description="The four quadrants, in Zalando's order: bottom right, bottom left, top "
        "left, top right. Default: languages-and-frameworks, platforms, techniques, tools.",
    )
    categories: dict[CategoryName, QuadrantId] = Field(
        default_factory=lambda: dict(DEFAULT_CATEGORIES), validate_default=True,
        max_length=MAX_CATEGORIES,
        description="Record category -> quadrant id. Entries here are added to the built-in "
        "map (database: platforms, observability: tools, architecture: techniques, "
        f"language: languages-and-frameworks, ...) and win over it. At most {MAX_CATEGORIES:,}.",
    )
    default_quadrant: QuadrantId = Field(
        "tools", description="Quadrant id of a category that `categories` does not map; at "
        f"most {MAX_NAME} characters.",
    )

    @field_validator("categories")
    @classmethod
    def _merge_builtin(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        # only the built-in entries that point at a configured quadrant survive a renaming
        quadrants = info.data.get("quadrants")
        ids = {q.id for q in quadrants} if quadrants else {q.id for q in DEFAULT_QUADRANTS}
        return {**{c: q for c, q in DEFAULT_CATEGORIES.items() if q in ids}, **value}

    @model_validator(mode="after")
    def _known_quadrants(self) -> RadarConfig:
        ids = [q.id for q in self.quadrants]
        if len(set(ids)) != len(ids):
            raise ValueError(f"quadrant ids must differ: {', '.join(ids)}")
        known = ", ".join(ids)
        if self.default_quadrant not in ids:
            raise ValueError(f"default_quadrant '{self.default_quadrant}' is not a quadrant id; "
                             f"use one of: {known}")
        wrong = sorted(c for c, q in self.categories.items() if q not in ids)
        if wrong:
            raise ValueError(f"categories {', '.join(wrong)} map to no quadrant; use one of: "
                             f"{known}")
        return self

    def quadrant_for(self, category: str) -> str:
        return self.categories.get(category, self.default_quadrant)

    def quadrant_index(self, quadrant_id: str) -> int:
        return next(i for i, q in enumerate(self.quadrants) if q.id == quadrant_id)

    def quadrant_name(self, quadrant_id: str) -> str:
        return self.quadrants[self.quadrant_index(quadrant_id)].name



# A budget is a handful of tokens; a figure beyond any float (10**400) ended the budget page's
# drawing in an OverflowError.
MAX_BUDGET = 1_000
Budget = Annotated[int, Field(ge=0, le=MAX_BUDGET, strict=True)]


class Team(Strict):
    """A team that owns decisions."""

    name: Name = Field(description="Lowercase team name, as used in records' `team`; at most "
                       f"{MAX_NAME} characters.")
    tokens: Budget | None = Field(
        None, description="This team's innovation-token budget; default_tokens when absent. "
        f"At most {MAX_BUDGET}.",
    )
    description: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = Field(
        None, description=f"What the team does. At most {MAX_TEXT:,} characters.",
    )


def _off(value: object) -> object:
    """YAML 1.1 reads a bare `off` as false; in a severity it can only mean "off"."""
    return "off" if value is False else value


class Config(Strict):
    """Organisation settings, in decisions/config.yaml."""

    teams: list[Team] = Field(
        default_factory=list, max_length=MAX_TEAMS,
        description=f"The teams that own decisions. At most {MAX_TEAMS:,}.",
    )
    default_tokens: Budget = Field(
        3, description="Innovation tokens of a team without its own budget "
        f"(McKinley: about three). At most {MAX_BUDGET}.",
    )
    categories: list[Name] | None = Field(
        None, max_length=MAX_CATEGORIES,
        description=f"Allowed categories; any lowercase name when absent. At most "
        f"{MAX_CATEGORIES:,}.",
    )
    statuses: list[StatusSetting] = Field(
        default_factory=list, max_length=MAX_STATUSES,
        description="The organisation's own statuses, each {name, means, colour, "
        "description}, `means` one of proposed, accepted, rejected, superseded, deprecated. "
        "For each meaning, records use the names listed with it, or the built-in word when "
        "none is listed: adding trial meaning accepted retires accepted unless it is listed "
        f"too. At most {MAX_STATUSES}.",
    )
    currency: TeamLine = Field(
        "USD", description="Currency of cost figures and of the rates under `costs:`; one "
        f"line, at most {MAX_NAME} characters.",
    )
    costs: CostsConfig | None = Field(
        None, description="The rates that turn options' figures into their cost of "
        "ownership (person_week, run_hour, horizon_years, build_upkeep). Without them nothing "
        "is priced and the rules about costs do not apply.",
    )
    rules: dict[str, Annotated[Severity, BeforeValidator(_off)]] = Field(
        default_factory=dict, description="Severity per rule id: error, warning or off.",
    )
    signals: SignalsConfig = Field(
        default_factory=SignalsConfig, description="Maturity signals: where `decisions enrich` "
        "fetches them from, how, and the thresholds of the maturity categories.",
    )
    radar: RadarConfig = Field(
        default_factory=RadarConfig, description="The technology radar: its quadrants and "
        "which quadrant each record category falls in.",
    )
    coverage: CoverageConfig = Field(
        default_factory=CoverageConfig, description="Decision coverage (`decisions coverage`): "
        "which manifests to scan, and the packages that need no record, each with its reason.",
    )

    @cached_property
    def status_table(self) -> Statuses:
        """The statuses records may have: the organisation's, and the built-in words for the
        meanings it names none for."""
        return table(self.statuses)

    def team(self, name: str) -> Team | None:
        return next((t for t in self.teams if t.name == name), None)

    @property
    def budgets(self) -> Budgets:
        """Each listed team's token budget (the first entry of a team listed twice)."""
        teams: dict[str, int | None] = {}
        for t in self.teams:
            teams.setdefault(t.name, t.tokens)
        return Budgets(self.default_tokens, teams)

    @property
    def rates(self) -> Rates | None:
        """The rates of `costs:` as exact figures, or None when the section is absent."""
        c = self.costs
        if c is None:
            return None
        return Rates.of(c.person_week, c.run_hour, c.horizon_years, c.build_upkeep)
