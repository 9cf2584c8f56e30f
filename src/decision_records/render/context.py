"""What every renderer receives: the loaded records and what the pages need to know of them.

Frozen and built once per build, so a renderer is a function of this and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..config import Config
from ..findings import Finding, display
from ..ledger import Ledger
from ..model import Entry, Option
from ..radar import RadarEntry, radar_entries
from ..records import Decisions
from ..review import Drift, Review, review
from ..signals.maturity import Verdicts
from ..signals.snapshot import Category
from ..statuses import Statuses
from .urls import Urls


@dataclass(frozen=True)
class RenderContext:
    decisions: Decisions
    today: dt.date
    urls: Urls
    verdicts: Verdicts = field(init=False)

    def __post_init__(self) -> None:
        config = self.decisions.config
        object.__setattr__(self, "verdicts", Verdicts(
            self.decisions.snapshot, config.signals.thresholds, self.today,
            config.signals.eol_warning_days))

    @property
    def config(self) -> Config:
        return self.decisions.config

    @property
    def entries(self) -> list[Entry]:
        return self.decisions.entries

    @property
    def ledger(self) -> Ledger:
        return self.decisions.ledger

    @property
    def statuses(self) -> Statuses:
        return self.decisions.config.status_table

    def filtered(self, meaning: str) -> str:
        """The index's query for the records whose status means `meaning`: by its meaning
        where the organisation has statuses of its own, else by the status itself."""
        return f"means={meaning}" if self.statuses.own else f"status={meaning}"

    @property
    def currency(self) -> str:
        return self.decisions.config.currency

    def category_of(self, option: Option) -> Category | None:
        """The maturity category of an option's packages (boring, ...), None without any."""
        return self.verdicts.category(option.packages)

    @cached_property
    def radar_entries(self) -> list[RadarEntry]:
        """The radar's entries: its page and its two JSON files show the same ones."""
        return radar_entries(self.decisions, self.category_of)

    @cached_property
    def review(self) -> Review:
        """What needs a human now: the review queue, the home page and record pages show it."""
        return review(self.decisions, self.today, self.verdicts)

    @cached_property
    def drifts(self) -> dict[str, list[Drift]]:
        """Record id -> its drifted packages (only records that have some)."""
        by: dict[str, list[Drift]] = defaultdict(list)
        for d in self.review.drifted:
            by[d.entry.id].append(d)
        return dict(by)

    @cached_property
    def problems(self) -> dict[str, list[Finding]]:
        """Findings by the file they are about, as the loader names it."""
        by: dict[str, list[Finding]] = defaultdict(list)
        for f in self.decisions.findings:
            by[f.path].append(f)
        return dict(by)

    def problems_at(self, path: Path) -> list[Finding]:
        return self.problems.get(display(path), [])

    def problems_of(self, entry: Entry) -> list[Finding]:
        return self.problems_at(entry.path)
