"""The maturity model: snapshot entries -> a category with its reasons. Pure: no I/O, and
`today` is always passed in.

Categories, in rising order of concern: boring, established, emerging, risky; unknown when
the snapshot holds nothing to judge by. The rules, with the thresholds from the config:

- risky: archived on GitHub, deprecated or unpublished on npm, marked inactive on PyPI, the
  latest release yanked on PyPI or with unfixed advisories, or no release (no push, for a
  repository without release data) for `risky_years_without_release`;
- emerging: first release less than `emerging_max_age_years` ago, or only pre-1.0 releases;
- boring: first release at least `boring_min_age_years` ago, a release (or push) within
  `boring_max_years_since_release`, `boring_min_maintainers` maintainers (or a PyPI
  organization as owner) or `boring_min_stars` stars, a licence, and, where the repository
  has an OpenSSF Scorecard score, at least `boring_min_scorecard`;
- established: everything else that has dates to judge by.

A product cycle (`eol:`) is judged by its support dates alone: past its end of life (or no
longer maintained, without a date) risky; reaching it within `signals.eol_warning_days`
emerging; otherwise boring. Those dates say when to move on, not how new the technology is,
so such a verdict suggests no innovation token.

A package published from a GitHub repository (its `repository` signal) also draws on that
repository's entry: stars and archival live there, not in the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..refs import kind_of, source_of
from ..settings.signals import Thresholds
from .snapshot import Category, Snapshot, SnapshotEntry
from .sources.base import FIRST_RELEASE, LAST_RELEASE, Signals, SignalSource

CATEGORIES: tuple[Category, ...] = ("boring", "established", "emerging", "risky", "unknown")
# suggested innovation tokens; unknown suggests nothing
TOKENS: dict[Category, int | None] = {
    "boring": 0, "established": 0, "emerging": 1, "risky": 1, "unknown": None,
}
_RANK: dict[Category, int] = {"unknown": -1, "boring": 0, "established": 1, "emerging": 2,
                              "risky": 3}
# Why a verdict is risky, one flag per kind of trouble (Verdict.flags); "not-found" marks a
# reference its registry answered 404 for.
Flag = Literal["archived", "deprecated", "inactive", "yanked", "advisories", "dormant",
               "not-found", "end-of-life"]
EOL_WARNING_DAYS = 180  # the default of signals.eol_warning_days
CATEGORY_HELP: dict[str, str] = {
    "boring": "old, maintained, widely backed: spends no innovation token",
    "established": "settled but short of boring on some figure: spends no token",
    "emerging": "young or still pre-1.0: suggests one innovation token",
    "risky": "archived, deprecated, yanked, dormant, with unfixed advisories, or a product "
             "cycle past its end of life: a second look",
    "unknown": "the snapshot holds nothing to judge by",
}



@dataclass(frozen=True)
class KeyFigures:
    """The key figures shown beside a verdict; None where unknown."""

    first: dt.date | None = None
    first_label: str = "first release"
    last: dt.date | None = None
    last_label: str = "last release"
    maintainers: int | None = None
    stars: int | None = None
    latest_version: str | None = None
    fetched: dt.datetime | None = None
    github_missing: bool = False  # a repository is involved but the snapshot has no data on it


@dataclass(frozen=True)
class Verdict:
    """One package reference judged: its category and why, in short sentences."""

    ref: str
    category: Category
    reasons: tuple[str, ...]
    figures: KeyFigures = KeyFigures()
    flags: tuple[Flag, ...] = ()  # the kinds of trouble behind a risky (or gone) verdict
    # judged by a product cycle's support dates, which say when to move on, not how new
    # the technology is: such a verdict suggests no innovation token
    support: bool = False

    @property
    def tokens(self) -> int | None:
        return 0 if self.support and self.category != "unknown" else TOKENS[self.category]


@dataclass(frozen=True)
class OptionVerdict:
    """An option judged by its worst-placed package."""

    category: Category
    packages: tuple[Verdict, ...]

    @property
    def tokens(self) -> int | None:
        """The tokens its packages suggest: a product cycle's support dates suggest none."""
        novelty = [v for v in self.packages if not v.support]
        if novelty:
            return TOKENS[worst(novelty)]
        return max((t for v in self.packages if (t := v.tokens) is not None), default=None)

    @property
    def reasons(self) -> tuple[str, ...]:
        """The deciding packages' reasons, each prefixed with its reference."""
        return tuple(f"{v.ref}: {r}" for v in self.packages if v.category == self.category
                     for r in v.reasons)


def ago(then: dt.date, today: dt.date) -> str:
    """'today', '12 days ago', '5 months ago', '14 years ago' (or 'in ...' for the future)."""
    days = (today - then).days
    if days < 0:
        return "in the future"
    if days == 0:
        return "today"
    for unit, size in (("year", 365.25), ("month", 30.44)):
        n = int(days / size)
        if n >= 1:
            return f"{n} {unit}{'s' * (n != 1)} ago"
    return f"{days} day{'s' * (days != 1)} ago"


def until(day: dt.date, today: dt.date) -> str:
    """'in 90 days', 'today', '17 days ago'; months, then years, further out."""
    days = (day - today).days
    n = abs(days)
    if n == 0:
        return "today"
    if n <= 365:
        span = f"{n} day{'s' * (n != 1)}"
    elif n <= 730:
        span = f"{int(n / 30.44)} months"
    else:
        span = f"{int(n / 365.25)} years"
    return f"in {span}" if days > 0 else f"{span} ago"


@dataclass(frozen=True)
class Cycle:
    """A product cycle's support dates, as the snapshot holds them (`eol:` references)."""

    name: str  # 'PostgreSQL 13'
    released: dt.date | None
    support_ends: dt.date | None
    eol: dt.date | None
    ended: bool  # the source said it has ended, without a date
    maintained: bool | None
    latest: str | None
    latest_date: dt.date | None

    def has_ended(self, today: dt.date) -> bool:
        return self.eol <= today if self.eol else self.ended

    def eol_text(self, today: dt.date) -> str:
        """'end of life 2025-11-13, 17 days ago'; 'no end of life announced'."""
        if self.eol:
            return f"end of life {self.eol.isoformat()}, {until(self.eol, today)}"
        return "end of life reached (no date given)" if self.ended else (
            "no end of life announced")

    def line(self, today: dt.date) -> str:
        """Every date of the cycle in one line, for a record page."""
        parts = [f"{self.name}: {self.eol_text(today)}"]
        if self.support_ends:
            verb = "ended" if self.support_ends <= today else "ends"
            parts.append(f"active support {verb} {self.support_ends.isoformat()}")
        if self.released:
            parts.append(f"released {self.released.isoformat()}")
        if self.latest:
            when = f" ({self.latest_date.isoformat()})" if self.latest_date else ""
            parts.append(f"latest patch {self.latest}{when}")
        return "; ".join(parts)


def cycle_of(signals: Signals) -> Cycle | None:
    """The support dates in a reference's figures; None for a reference that has none."""
    if not any(k in signals for k in ("eol", "ended", "maintained", "support_ends")):
        return None
    product, cycle = _text(signals.get("product")), _text(signals.get("cycle"))
    name = " ".join(p for p in (product, cycle) if p) or "the cycle"
    maintained = signals.get("maintained")
    return Cycle(name, _date(signals.get("released")), _date(signals.get("support_ends")),
                 _date(signals.get("eol")), signals.get("ended") is True,
                 maintained if isinstance(maintained, bool) else None,
                 _text(signals.get("latest_version")), _date(signals.get("latest_release")))


def _years(then: dt.date, today: dt.date) -> float:
    return (today - then).days / 365.25


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def assess(ref: str, snapshot: Snapshot, thresholds: Thresholds, today: dt.date,
           warning_days: int = EOL_WARNING_DAYS) -> Verdict:
    """Judge one reference from the snapshot alone; a product cycle ending within
    `warning_days` is at least emerging."""
    source = source_of(ref)  # None for a kind no source has: judged like a registry's
    label = source.label if source else kind_of(ref)
    repository = source.repository if source else False
    entry = snapshot.get(ref)
    if entry is None:
        return Verdict(ref, "unknown", (f"no {label} data in the snapshot; run "
                                        "`decisions enrich`",),
                       KeyFigures(github_missing=repository))
    if entry.status == "not-found":
        return Verdict(ref, "unknown", (f"not found on {label}",), flags=("not-found",))
    if not entry.signals:
        why = f" (last fetch failed: {entry.error})" if entry.error else ""
        return Verdict(ref, "unknown", (f"no {label} data in the snapshot{why}",),
                       KeyFigures(github_missing=repository))
    cycle = cycle_of(entry.signals)
    if cycle is not None:
        return _judge_cycle(ref, cycle, entry, warning_days, today)
    return _judge(ref, label, source, entry, snapshot, thresholds, today)


def _judge_cycle(ref: str, cycle: Cycle, entry: SnapshotEntry, warning_days: int,
                 today: dt.date) -> Verdict:
    """A product cycle by its support: past its end of life risky, ending within the warning
    window emerging, otherwise boring (the product's own maturity is its other packages')."""
    figures = KeyFigures(cycle.released, "cycle released", cycle.latest_date, "latest patch",
                         latest_version=cycle.latest, fetched=entry.fetched)
    flags: tuple[Flag, ...] = ()
    what = f"{cycle.name}: {cycle.eol_text(today)}"
    if cycle.has_ended(today):
        category: Category = "risky"
        flags = ("end-of-life",)
        reasons = [f"{what}: move to a supported cycle"]
    elif cycle.eol and (cycle.eol - today).days <= warning_days:
        category, reasons = "emerging", [
            f"{what}: within {warning_days} days (signals.eol_warning_days)"]
    elif cycle.eol is None and cycle.maintained is False:
        category, flags = "risky", ("end-of-life",)
        reasons = [f"{cycle.name}: no longer maintained"]
    else:
        category, reasons = "boring", [what]
        if cycle.latest:
            reasons.append(f"latest patch {cycle.latest}"
                           + (f" ({cycle.latest_date.isoformat()})" if cycle.latest_date else ""))
    if entry.error:
        reasons.append(f"data from {_day(entry.fetched)}; the last refresh failed: "
                       f"{entry.error}")
    return Verdict(ref, category, tuple(reasons), figures, flags, support=True)


def _linked(repository: bool, entry: SnapshotEntry,
            snapshot: Snapshot) -> tuple[SnapshotEntry | None, str | None]:
    """(the GitHub entry behind a registry package, or None; a reason when it is missing)."""
    if repository:
        return entry, None
    repo = entry.signals.get("repository")
    if not isinstance(repo, str):
        return None, None
    linked = snapshot.get(repo)
    if linked is None or not linked.signals or linked.status != "ok":
        return None, f"no GitHub data in the snapshot for {repo}"
    return linked, None


def _judge(ref: str, label: str, source: SignalSource | None, entry: SnapshotEntry,
           snapshot: Snapshot, t: Thresholds, today: dt.date) -> Verdict:
    s = entry.signals
    repository = source.repository if source else False
    who = source.maintainers if source else "maintainer"
    gh, gh_missing = _linked(repository, entry, snapshot)
    g = gh.signals if gh else {}

    first_key, first_label = source.first if source else FIRST_RELEASE
    first = _date(s.get(first_key))
    lasts = source.last if source else LAST_RELEASE
    last, last_label = next(((d, label) for key, label in lasts
                             for d in [_date(s.get(key))] if d), (None, lasts[0][1]))
    maintainers, stars = _int(s.get("maintainers")), _int(g.get("stars"))
    version = _text(s.get("latest_version"))
    figures = KeyFigures(first, first_label, last, last_label, maintainers, stars, version,
                         entry.fetched, github_missing=gh_missing is not None)

    def verdict(category: Category, reasons: Iterable[str],
                flags: tuple[Flag, ...] = ()) -> Verdict:
        out = list(reasons)
        if entry.error:  # older data still stands; say so
            out.append(f"data from {_day(entry.fetched)}; the last refresh failed: "
                       f"{entry.error}")
        return Verdict(ref, category, tuple(out), figures, flags)

    risky = _risky(s, g, last, last_label, t, today)
    if risky:
        return verdict("risky", [why for _, why in risky], tuple(f for f, _ in risky))
    if first is None:
        why = ("the registry document has no release dates" if s.get("no_release_dates")
               else f"no {first_label} date in the snapshot")
        return verdict("unknown", [why])
    age = _years(first, today)
    first_text = f"{first_label} {first.isoformat()}, {ago(first, today)}"
    last_text = f"{last_label} {last.isoformat()}, {ago(last, today)}" if last else (
        f"no {last_label} date in the snapshot")
    emerging = []
    if age < t.emerging_max_age_years:
        emerging.append(f"{first_text}: less than {t.emerging_max_age_years:g} years")
    pre_1_0 = (f"only pre-1.0 releases (latest {version})" if version
               else "only pre-1.0 releases") if s.get("pre_1_0_only") is True else None
    # A young project that has not reached 1.0 is still settling; an old one that never
    # bumped its major version (prometheus-client, datadog) is a versioning habit.
    if pre_1_0 and age < t.boring_min_age_years:
        emerging.append(pre_1_0)
    if emerging:
        return verdict("emerging", emerging)

    org = _text(s.get("organization"))
    support = _support(maintainers, stars, gh_missing, t, org,
                       who=who, label=label, repository=repository)
    licence = s.get("licence") or g.get("licence")
    shortfalls = []
    if age < t.boring_min_age_years:
        shortfalls.append(f"first released less than {t.boring_min_age_years:g} years ago")
    if last is None or _years(last, today) > t.boring_max_years_since_release:
        shortfalls.append(f"no {last_label.split()[-1]} within "
                          f"{t.boring_max_years_since_release:g} years")
    if not support[1]:
        shortfalls.append(support[0])
    if not licence:
        shortfalls.append("no licence declared")
    card = g.get("scorecard")
    card = card if isinstance(card, int | float) and not isinstance(card, bool) else None
    if card is not None and card < t.boring_min_scorecard:
        shortfalls.append(f"OpenSSF Scorecard {card:g} (below {t.boring_min_scorecard:g})")
    if pre_1_0:
        shortfalls.append(pre_1_0)
    facts = [first_text, last_text]
    if not shortfalls:
        card_fact = [f"OpenSSF Scorecard {card:g}"] if card is not None else []
        return verdict("boring", [*facts, support[0], f"licence {licence}", *card_fact])
    facts += [f"not boring: {'; '.join(shortfalls)}"]
    return verdict("established", facts)


def _risky(s: Signals, g: Signals, last: dt.date | None, last_label: str,
           t: Thresholds, today: dt.date) -> list[tuple[Flag, str]]:
    out: list[tuple[Flag, str]] = []
    if g.get("archived") is True:
        out.append(("archived", f"archived on GitHub ({g.get('name') or 'repository'})"))
    if isinstance(s.get("deprecated"), str):
        out.append(("deprecated", f"deprecated: {s['deprecated']}"))
    if s.get("inactive") is True:
        out.append(("inactive", "marked inactive (Development Status :: 7 - Inactive)"))
    version = s.get("latest_version") or "?"
    if s.get("yanked") is True:
        out.append(("yanked", f"latest release {version} was yanked from PyPI"))
    vulns = s.get("vulnerabilities")
    if isinstance(vulns, list) and len(vulns) >= t.risky_min_advisories:
        n = len(vulns)
        out.append(("advisories", f"latest release {version} has {n} unfixed "
                    f"advisor{'y' if n == 1 else 'ies'} ({', '.join(map(str, vulns))})"))
    if last is not None and _years(last, today) >= t.risky_years_without_release:
        out.append(("dormant", f"{last_label} {last.isoformat()}, {ago(last, today)}: none "
                    f"within {t.risky_years_without_release:g} years"))
    return out


def _support(maintainers: int | None, stars: int | None, gh_missing: str | None,
             t: Thresholds, organization: str | None, *, who: str, label: str,
             repository: bool) -> tuple[str, bool]:
    """(a sentence about who keeps it going, whether that is enough for boring).

    A project owned by a PyPI organization counts as having several maintainers: the
    organization, not one account, answers for it.
    """
    if organization:
        return f"owned by the PyPI organization {organization}", True
    if maintainers is not None and maintainers >= t.boring_min_maintainers:
        return f"{_plural(maintainers, who)} on {label}", True
    if stars is not None and stars >= t.boring_min_stars:
        return _plural(stars, "GitHub star"), True
    parts = []
    if maintainers is not None:
        parts.append(f"{_plural(maintainers, who)} (fewer than {t.boring_min_maintainers})")
    if stars is not None:
        parts.append(f"{_plural(stars, 'GitHub star')} (fewer than {t.boring_min_stars:,})")
    elif gh_missing:
        parts.append(gh_missing)
    elif not repository:
        parts.append("no GitHub repository linked")
    return ", ".join(parts) or "no maintainer or star count", False


def _day(t: dt.datetime | None) -> str:
    return t.date().isoformat() if t else "an unknown date"


def worst(verdicts: Iterable[Verdict]) -> Category:
    """The most concerning known category; unknown only when nothing is known."""
    return max((v.category for v in verdicts), key=_RANK.__getitem__, default="unknown")


def assess_option(packages: Iterable[str], snapshot: Snapshot, thresholds: Thresholds,
                  today: dt.date, warning_days: int = EOL_WARNING_DAYS) -> OptionVerdict | None:
    """Judge an option by its packages; None for an option without any."""
    return Verdicts(snapshot, thresholds, today, warning_days).option(packages)


class Verdicts:
    """Every verdict of one run, each worked out once: many records share their packages."""

    def __init__(self, snapshot: Snapshot, thresholds: Thresholds, today: dt.date,
                 warning_days: int = EOL_WARNING_DAYS) -> None:
        self.snapshot, self.thresholds, self.today = snapshot, thresholds, today
        self.warning_days = warning_days
        self._packages: dict[str, Verdict] = {}
        self._options: dict[tuple[str, ...], OptionVerdict | None] = {}

    def package(self, ref: str) -> Verdict:
        verdict = self._packages.get(ref)
        if verdict is None:
            verdict = self._packages[ref] = assess(ref, self.snapshot, self.thresholds,
                                                   self.today, self.warning_days)
        return verdict

    def option(self, packages: Iterable[str]) -> OptionVerdict | None:
        """An option judged by its packages; None for an option without any."""
        key = tuple(packages)
        if key not in self._options:
            verdicts = tuple(self.package(ref) for ref in key)
            self._options[key] = OptionVerdict(worst(verdicts), verdicts) if verdicts else None
        return self._options[key]

    def category(self, packages: Iterable[str]) -> Category | None:
        verdict = self.option(packages)
        return verdict.category if verdict else None
