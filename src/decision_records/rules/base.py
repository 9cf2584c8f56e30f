"""What every rule module shares: the rule, what a check sees, and how it reports."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..config import Config
from ..findings import Finding, Loc, display, field_path
from ..ledger import Ledger
from ..model import Entry, Severity
from ..records import Decisions
from ..signals.maturity import Verdicts
from ..signals.snapshot import Snapshot
from ..yamlfile import Locator

INDEX_PAGE = "docs/rules/index.md"


@dataclass(frozen=True)
class Rule:
    id: str
    default: Severity
    summary: str
    configurable: bool = True  # problems of the file or model itself are always errors
    doc: str = INDEX_PAGE  # the page that explains it; policy rules have one each


def severity(rule: Rule, config: Config) -> Severity:
    return config.rules.get(rule.id, rule.default) if rule.configurable else rule.default


class Reporter:
    """Builds findings at field paths, composing a file again only when it was long ago."""

    KEPT = 64  # composed files kept: a file's node tree is large, and findings come in runs

    def __init__(self, config: Config, rules: Mapping[str, Rule],
                 waived: Mapping[Path, set[str]] | None = None) -> None:
        self.config = config
        self.rules = rules
        # rules each record waives: no finding, so no composing its file again to place one
        self.waived = waived or {}
        self._locators: OrderedDict[Path, Locator] = OrderedDict()

    def _locator(self, path: Path) -> Locator:
        locator = self._locators.pop(path, None) or Locator(path)
        self._locators[path] = locator
        if len(self._locators) > self.KEPT:
            self._locators.popitem(last=False)
        return locator

    def __call__(self, rule: str, path: Path, loc: Loc, message: str,
                 at: tuple[int, int] | None = None) -> Finding | None:
        """A finding at the value of `loc`, or at the place `at` (line and column) inside
        its string: the file's own line and column when the string is written there as it
        reads, else the value's, with the place named in the message."""
        level = severity(self.rules[rule], self.config)
        if level == "off" or rule in self.waived.get(path, ()):
            return None
        locator = self._locator(path)
        place = locator.position_in(loc, *at) if at else None
        if at and place is None:
            message = f"line {at[0]}, column {at[1]} of the text: {message}"
        line, col = place or (locator.position(loc) if loc else (1, 1))
        return Finding(display(path), line, col, level, rule, message, field_path(loc))


@dataclass
class Context:
    """What a check sees: the loaded records with their settings, today, and where to report."""

    decisions: Decisions
    today: dt.date
    report: Reporter

    @property
    def entries(self) -> list[Entry]:
        return self.decisions.entries

    @property
    def config(self) -> Config:
        return self.decisions.config

    @property
    def root(self) -> Path:
        return self.decisions.root

    @property
    def snapshot(self) -> Snapshot:
        return self.decisions.snapshot

    @property
    def ledger(self) -> Ledger:
        return self.decisions.ledger

    @cached_property
    def verdicts(self) -> Verdicts:
        """Maturity verdicts, shared by every check of the run."""
        signals = self.config.signals
        return Verdicts(self.snapshot, signals.thresholds, self.today, signals.eol_warning_days)


Check = Callable[[Context], Iterator[Finding | None]]


def closest(word: str, choices: list[str]) -> str:
    """'; did you mean 'x'?' when a choice is close to the word, else ''."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def is_todo(text: str) -> bool:
    """A placeholder left by `decisions new` or `decisions import`."""
    return text.lstrip().startswith("TODO") or text.strip() == "todo"
