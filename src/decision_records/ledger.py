"""Innovation-token arithmetic, derived from the records alone (no I/O).

After Dan McKinley's "Choose Boring Technology": each team has a small budget of tokens.
How they are counted is written once, in COUNTING below: the budget page shows it, and
`effects()` is its code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .model import Entry

Effect = Literal["spent", "pending", "released"]

COUNTING = """\
- **Spent**: an accepted record spends the `innovation_tokens` of the option it chose. A
  boring choice (technology the company already runs well) is 0.
- **Pending**: a proposed record shows what accepting it would spend. Validation warns
  when a proposal would take its team over budget, and fails when accepted records already
  have.
- **Released**: a record that sets `tokens_released` (a date and a reason) gives its
  tokens back: the technology has become boring for the team, or it has been retired.
  This is our extension of Dan McKinley's rule, which treats the supply as fixed.
- A **superseded** or **deprecated** record no longer spends; the record that replaces it
  spends its own tokens.
- **Remaining** is the budget minus what is spent. Budgets are set per team in
  `decisions/config.yaml` (`default_tokens` for a team without its own).
- A status of the organisation's own (`statuses:` in `decisions/config.yaml`) counts as
  the status it means: a `trial` that means accepted spends.
"""


@dataclass(frozen=True)
class Budgets:
    """The budgets the ledger counts against: each listed team's own (None: the default)."""

    default: int
    teams: Mapping[str, int | None]

    def of(self, team: str) -> tuple[int, bool]:
        """(budget, whether it is the default)."""
        own = self.teams.get(team)
        return (self.default, True) if own is None else (own, False)


@dataclass(frozen=True)
class Line:
    """One record's part in a team's figures."""

    id: str
    title: str
    status: str  # as the record says it: the organisation's name
    tokens: int
    date: dt.date  # the record's date; for a release, the day the tokens came back
    effect: Effect
    means: str = ""  # what the status means: proposed, accepted, ...

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "status": self.status,
                "means": self.means, "tokens": self.tokens, "date": self.date.isoformat(),
                "effect": self.effect}


@dataclass(frozen=True)
class TeamBudget:
    team: str
    budget: int
    spent: int
    pending: int
    released: int
    lines: tuple[Line, ...]
    default_budget: bool = False  # no `tokens` for this team in config.yaml
    listed: bool = True  # the team is in config.yaml

    @property
    def remaining(self) -> int:
        return self.budget - self.spent

    @property
    def overdrawn(self) -> bool:
        return self.spent > self.budget

    def as_dict(self) -> dict[str, object]:
        return {"team": self.team, "budget": self.budget, "spent": self.spent,
                "pending": self.pending, "released": self.released,
                "remaining": self.remaining, "default_budget": self.default_budget,
                "records": [line.as_dict() for line in self.lines]}


@dataclass(frozen=True)
class Ledger:
    teams: tuple[TeamBudget, ...]
    history: tuple[tuple[dt.date, int], ...] = field(default=())  # org tokens in use over time

    def team(self, name: str) -> TeamBudget | None:
        return next((t for t in self.teams if t.team == name), None)

    @property
    def total(self) -> dict[str, int]:
        return totals(self.teams)

    def as_dict(self, teams: Iterable[TeamBudget] | None = None) -> dict[str, object]:
        """The figures of all teams, or of some, with the totals of those listed."""
        chosen = list(self.teams if teams is None else teams)
        return {"teams": [t.as_dict() for t in chosen], "total": totals(chosen)}


def totals(teams: Iterable[TeamBudget]) -> dict[str, int]:
    teams = list(teams)
    out = {k: sum(getattr(t, k) for t in teams) for k in ("budget", "spent", "pending",
                                                          "released")}
    out["remaining"] = out["budget"] - out["spent"]
    return out


def effects(entry: Entry) -> list[Line]:
    """What one record does to its team's budget (an empty list: nothing)."""
    r = entry.record
    tokens = r.chosen_tokens
    if tokens == 0:
        return []
    if r.means == "proposed":
        return [Line(entry.id, r.title, r.status, tokens, r.date, "pending", r.means)]
    if r.tokens_released is not None:
        return [Line(entry.id, r.title, r.status, tokens, r.tokens_released.date, "released",
                     r.means)]
    if r.means == "accepted":
        return [Line(entry.id, r.title, r.status, tokens, r.date, "spent", r.means)]
    return []  # rejected, superseded, deprecated


def compute(entries: Iterable[Entry], budgets: Budgets) -> Ledger:
    by_team: dict[str, list[Line]] = {name: [] for name in budgets.teams}
    events: list[tuple[dt.date, int]] = []
    for e in entries:
        lines = effects(e)
        by_team.setdefault(e.record.team, []).extend(lines)
        for line in lines:
            if line.effect == "spent":
                events.append((line.date, line.tokens))
            elif line.effect == "released":  # in use from the record's date to the release
                events += [(e.record.date, line.tokens), (line.date, -line.tokens)]
    teams = []
    for name in sorted(by_team):
        lines = sorted(by_team[name], key=lambda line: (line.date, line.id))
        budget, default = budgets.of(name)
        teams.append(TeamBudget(
            team=name, budget=budget,
            spent=sum(x.tokens for x in lines if x.effect == "spent"),
            pending=sum(x.tokens for x in lines if x.effect == "pending"),
            released=sum(x.tokens for x in lines if x.effect == "released"),
            lines=tuple(lines), default_budget=default, listed=name in budgets.teams,
        ))
    history: list[tuple[dt.date, int]] = []
    level = 0
    for day, delta in sorted(events):
        level += delta
        if history and history[-1][0] == day:
            history[-1] = (day, level)
        else:
            history.append((day, level))
    return Ledger(tuple(teams), tuple(history))
