"""What needs a human now: decisions past their review date, decisions whose chosen packages
have degraded since they were accepted (drift), decisions whose chosen product cycle reaches
its end of life soon or has reached it, and imported records still to complete.

`decisions review`, the site's review queue and the home page read this one list.

Drift compares, for every accepted record, each package of its chosen option as the
snapshot judges it today with what the decision assumed when it was accepted (its `date`):

- the category in force that day, from the package's history in the snapshot (the last
  change dated on or before it), when the history reaches back that far;
- otherwise what the record declared: a waiver of `risky-choice` means the risk was known
  (risky); 0 innovation tokens means the package was taken for boring or established
  (established is assumed, the lower of the two); a token or more means emerging.

A package is drifted when it is risky today (archived, deprecated, inactive, yanked, with
unfixed advisories, or without a release for years) or gone from its registry, and the
decision did not already take it for risky. A product cycle past its end of life is listed
under end of life instead, with the cycles that reach it within `signals.eol_warning_days`.
Pure: the snapshot is read, never fetched.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from .findings import display
from .model import Entry
from .records import Decisions
from .signals.maturity import Cycle, Flag, Verdicts, cycle_of, until
from .signals.snapshot import Category, SnapshotEntry

Assumed = Literal["history", "tokens", "waiver"]


@dataclass(frozen=True)
class Due:
    """An accepted record whose review date has passed."""

    entry: Entry
    review_by: dt.date
    days: int  # since the review date

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.entry.id, "title": self.entry.record.title,
                "team": self.entry.record.team, "review_by": self.review_by.isoformat(),
                "days_overdue": self.days}


@dataclass(frozen=True)
class Drift:
    """One package of an accepted record's chosen option that has degraded since."""

    entry: Entry
    ref: str
    was: Category
    assumed_from: Assumed
    now: Category
    since: dt.date | None  # first seen in its present category, when the history says
    reasons: tuple[str, ...]
    flags: tuple[Flag, ...]

    @property
    def assumption(self) -> str:
        """What was assumed and why: 'established when 0012 was accepted (2022-04-20)'."""
        r = self.entry.record
        text = f"{self.was} when {self.entry.short} was accepted ({r.date.isoformat()})"
        if self.assumed_from == "tokens":
            chosen = r.chosen
            tokens = chosen.innovation_tokens if chosen else 0
            text += (f", assumed from the {tokens} innovation token{'s' * (tokens != 1)} it "
                     "declared")
        elif self.assumed_from == "waiver":
            text += ", assumed from its waiver of risky-choice"
        return text

    @property
    def current(self) -> str:
        """'risky since 2026-10-02' or 'risky now' (no history of the change yet)."""
        now = "gone" if self.flags == ("not-found",) else self.now
        return f"{now} since {self.since.isoformat()}" if self.since else f"{now} now"

    @property
    def sentence(self) -> str:
        return f"{self.assumption}; {self.current}: {'; '.join(self.reasons)}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.entry.id, "title": self.entry.record.title,
                "team": self.entry.record.team, "ref": self.ref, "was": self.was,
                "assumed_from": self.assumed_from,
                "accepted": self.entry.record.date.isoformat(), "now": self.now,
                "since": self.since.isoformat() if self.since else None,
                "kinds": list(self.flags), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class CycleEnding:
    """A product cycle an accepted record chose that ends within the warning window, or has
    ended."""

    entry: Entry
    ref: str
    cycle: Cycle
    days_left: int | None  # negative once passed; None when the source gives no date
    today: dt.date

    @property
    def sentence(self) -> str:
        """'PostgreSQL 13: end of life 2025-11-13, 17 days ago'."""
        return f"{self.cycle.name}: {self.cycle.eol_text(self.today)}"

    @property
    def when(self) -> str:
        """'17 days ago', 'in 90 days'; '' without a date."""
        return until(self.cycle.eol, self.today) if self.cycle.eol else ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.entry.id, "title": self.entry.record.title,
                "team": self.entry.record.team, "ref": self.ref,
                "cycle": self.cycle.name,
                "eol": self.cycle.eol.isoformat() if self.cycle.eol else None,
                "days_left": self.days_left}


@dataclass(frozen=True)
class UnfinishedImport:
    """An imported record with placeholders, guesses or other problems left."""

    entry: Entry
    todo: int
    guesses: int
    other: int

    def as_dict(self) -> dict[str, Any]:
        imported = self.entry.record.imported
        return {"id": self.entry.id, "title": self.entry.record.title,
                "team": self.entry.record.team,
                "source": imported.source if imported else None,
                "todo": self.todo, "guesses": self.guesses, "other": self.other}


@dataclass(frozen=True)
class Review:
    """Everything that needs a human now, each list in a stable order."""

    due: list[Due]
    drifted: list[Drift]
    imported: list[UnfinishedImport]
    end_of_life: list[CycleEnding] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.due) + len(self.drifted) + len(self.end_of_life) + len(self.imported)

    @property
    def drifted_records(self) -> int:
        return len({d.entry.id for d in self.drifted})

    def as_dict(self) -> dict[str, Any]:
        return {"due": [d.as_dict() for d in self.due],
                "drifted": [d.as_dict() for d in self.drifted],
                "end_of_life": [e.as_dict() for e in self.end_of_life],
                "imported": [i.as_dict() for i in self.imported]}


def category_on(entry: SnapshotEntry | None, day: dt.date) -> Category | None:
    """The category the snapshot's history had in force on `day`; None when it does not
    reach back that far (or says only that nothing could be judged)."""
    found: Category | None = None
    for change in entry.changes if entry else []:
        if change.date > day:
            break
        found = change.category
    return None if found == "unknown" else found


def since(entry: SnapshotEntry | None, category: Category) -> dt.date | None:
    """The first day of the latest run of `category` in the history, if it is the last."""
    changes = entry.changes if entry else []
    if not changes or changes[-1].category != category:
        return None
    start = changes[-1].date
    for change in reversed(changes):
        if change.category != category:
            break
        start = change.date
    return start


def assumed(entry: Entry, snapshot_entry: SnapshotEntry | None) -> tuple[Category, Assumed]:
    """What the decision took a chosen package for when it was accepted, and from where."""
    known = category_on(snapshot_entry, entry.record.date)
    if known is not None:
        return known, "history"
    if any(w.rule == "risky-choice" for w in entry.record.waivers):
        return "risky", "waiver"
    chosen = entry.record.chosen
    return ("established" if chosen is None or chosen.innovation_tokens == 0 else "emerging",
            "tokens")


def drift_of(entry: Entry, decisions: Decisions, verdicts: Verdicts) -> list[Drift]:
    """The drifted packages of one record; none unless it is accepted."""
    chosen = entry.record.chosen
    if entry.record.means != "accepted" or chosen is None:
        return []
    out = []
    for ref in dict.fromkeys(chosen.packages):
        verdict = verdicts.package(ref)
        if not verdict.flags or verdict.flags == ("end-of-life",):
            continue  # neither risky nor gone; or a cycle's end of life, listed on its own
        held = decisions.snapshot.get(ref)
        was, source = assumed(entry, held)
        if was == "risky":
            continue  # the decision knew
        reasons = verdict.reasons
        out.append(Drift(entry, ref, was, source, verdict.category,
                         since(held, verdict.category), reasons, verdict.flags))
    return out


def end_of_life(decisions: Decisions, today: dt.date, warning_days: int) -> list[CycleEnding]:
    """The product cycles accepted records chose that end within warning_days or have ended,
    soonest end first (those without a date, which have ended, first of all)."""
    out = []
    for e in decisions.entries:
        chosen = e.record.chosen
        if e.record.means != "accepted" or chosen is None:
            continue
        for ref in dict.fromkeys(chosen.packages):
            held = decisions.snapshot.get(ref)
            cycle = cycle_of(held.signals) if held and held.status == "ok" else None
            if cycle is None:
                continue
            left = (cycle.eol - today).days if cycle.eol else None
            if (left is not None and left <= warning_days) or (left is None and cycle.ended):
                out.append(CycleEnding(e, ref, cycle, left, today))
    return sorted(out, key=lambda x: (x.days_left is not None, x.days_left or 0, x.entry.id,
                                      x.ref))


def due(decisions: Decisions, today: dt.date) -> list[Due]:
    """Accepted records whose review_by has passed, oldest first (as the review-due rule)."""
    out = [Due(e, e.record.review_by, (today - e.record.review_by).days)
           for e in decisions.entries
           if e.record.means == "accepted" and e.record.review_by is not None
           and e.record.review_by < today]
    return sorted(out, key=lambda d: (d.review_by, d.entry.id))


def imported(decisions: Decisions) -> list[UnfinishedImport]:
    """Imported records with placeholders, guesses or other problems left, in number order."""
    by_path: dict[str, Counter[str]] = defaultdict(Counter)
    for f in decisions.findings:
        by_path[f.path][f.rule] += 1
    out = []
    for e in decisions.entries:
        if e.record.imported is None:
            continue
        rules = Counter(by_path.get(display(e.path), {}))
        todo, guesses = rules.pop("todo", 0), rules.pop("import-guess", 0)
        if todo or guesses or rules:
            out.append(UnfinishedImport(e, todo, guesses, sum(rules.values())))
    return out


def review(decisions: Decisions, today: dt.date, verdicts: Verdicts | None = None) -> Review:
    """The whole list. `verdicts` lets a caller that has judged the packages share them."""
    signals = decisions.config.signals
    verdicts = verdicts or Verdicts(decisions.snapshot, signals.thresholds, today,
                                    signals.eol_warning_days)
    drifted = [d for e in decisions.entries for d in drift_of(e, decisions, verdicts)]
    return Review(due(decisions, today), drifted, imported(decisions),
                  end_of_life(decisions, today, signals.eol_warning_days))
