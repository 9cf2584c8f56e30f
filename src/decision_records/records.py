"""The loaded set of records and what follows from all of them, each worked out once.

Who supersedes whom, the innovation-token ledger, the cost of ownership of every option and
the weighted scores are facts of the whole set: every consumer (rules, pages, radar, CLI,
report) asks this object instead of working them out again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .config import Config
from .costs import Ranking, RecordCosts, costs_of, rank
from .findings import Finding
from .ledger import Ledger, compute
from .model import IN_FORCE, Entry
from .signals.snapshot import Snapshot


@dataclass(eq=False)
class Decisions:
    """Everything in a decisions folder: settings, valid records and the problems found.

    The loader fills `findings` once the checks have run; nothing changes it afterwards.
    """

    root: Path
    config: Config
    entries: list[Entry]
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0  # record files looked at, valid or not
    snapshot: Snapshot = field(default_factory=Snapshot)  # decisions/signals.json
    # record files that are not entries: unreadable, not a record, or misnamed
    failed: list[Path] = field(default_factory=list)

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def get(self, record_id: str) -> Entry | None:
        return self.by_id.get(record_id)

    @cached_property
    def superseded_by(self) -> dict[str, tuple[Entry, ...]]:
        """Record id -> the records in force that name it in `supersedes`, in file order.

        A supersession takes effect once the superseding record is (or was) accepted; ids
        that name no record are left out (a rule reports them).
        """
        by: dict[str, dict[str, Entry]] = defaultdict(dict)
        for e in self.entries:
            if e.record.means in IN_FORCE:
                for target in e.record.supersedes:
                    if target in self.by_id:
                        by[target][e.id] = e
        return {target: tuple(named.values()) for target, named in by.items()}

    @cached_property
    def ledger(self) -> Ledger:
        return compute(self.entries, self.config.budgets)

    @cached_property
    def costs(self) -> dict[str, RecordCosts]:
        """Record id -> its options' cost of ownership over the configured horizon."""
        return costs_of(self.entries, self.config.rates)

    def costs_for(self, entry: Entry) -> RecordCosts:
        """One record's costs: taken from `costs` once the site has worked out every record's,
        else worked out for it alone (the checks need a few, not 10,000)."""
        if "costs" in self.__dict__:
            return self.costs[entry.id]
        return costs_of((entry,), self.config.rates)[entry.id]

    @cached_property
    def rankings(self) -> dict[str, Ranking]:
        """Record id -> its options' weighted scores (only records that score options)."""
        out = {}
        for e in self.entries:
            ranking = rank(e.record)
            if ranking is not None:
                out[e.id] = ranking
        return out

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]
