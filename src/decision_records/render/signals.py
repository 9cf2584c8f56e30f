"""Maturity signals on the site: badges under each option, and the /signals/ page.

The view data is worked out here; the markup is in templates/badges.html and signals.md,
where every value from a registry is escaped, since a package's metadata is written by
strangers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..model import Entry, Option
from ..refs import kind_of
from ..signals.maturity import CATEGORIES, OptionVerdict, Verdict, cycle_of
from .context import RenderContext
from .templates import render
from .urls import SIGNALS_URI

COLUMNS = [("package", "Package"), ("category", "Category"), ("reasons", "Why"),
           ("first", "First release"), ("last", "Last release"),
           ("maintainers", "Maintainers"), ("stars", "Stars"), ("records", "Used by"),
           ("fetched", "Data of")]


def package_anchor(ref: str) -> str:
    """The id of a package's row on the signals page: 'pypi-requests', 'github-psf-requests'."""
    return re.sub(r"[^a-z0-9]+", "-", ref.lower()).strip("-")


def _suggestion(verdict: OptionVerdict, option: Option) -> str:
    tokens = verdict.tokens
    if tokens is None:
        return "no token suggestion without data"
    text = f"suggests {tokens} innovation token{'s' * (tokens != 1)}"
    if option.innovation_tokens < tokens:
        text += f" (declares {option.innovation_tokens})"
    return text


def option_badges(option: Option, ctx: RenderContext, from_uri: str) -> str:
    """The maturity of an option's packages as safe HTML; empty for an option without any.

    Each package links to its row on the signals page, which has its figures and the reasons
    for its category; a record page keeps the reasons that call for attention (emerging,
    risky, unknown), and stays small.
    """
    snapshot = ctx.decisions.snapshot
    # nothing fetched yet: one line, not a list of identical "unknown" badges
    fetched = not option.packages or any(snapshot.get(r) is not None for r in option.packages)
    verdict = ctx.verdicts.option(option.packages)
    return render("badges.html", option=option, fetched=fetched, verdict=verdict,
                  cycles=_cycles(option, ctx),
                  suggestion=_suggestion(verdict, option) if verdict else "",
                  signals_href=ctx.urls.href(from_uri, SIGNALS_URI), anchor=package_anchor)


@dataclass(frozen=True)
class _Cycle:
    ref: str
    text: str  # 'PostgreSQL 13: end of life 2025-11-13, 17 days ago; ...'
    state: str  # ended, ending (within the warning window) or supported


def _cycles(option: Option, ctx: RenderContext) -> list[_Cycle]:
    """The support dates of each product cycle the option names, as the snapshot has them."""
    out = []
    for ref in dict.fromkeys(option.packages):
        held = ctx.decisions.snapshot.get(ref)
        cycle = cycle_of(held.signals) if held and held.status == "ok" else None
        if cycle is None:
            continue
        window = ctx.config.signals.eol_warning_days
        state = ("ended" if cycle.has_ended(ctx.today) else "ending" if cycle.eol and (
            cycle.eol - ctx.today).days <= window else "supported")
        out.append(_Cycle(ref, cycle.line(ctx.today), state))
    return out


@dataclass(frozen=True)
class _User:
    entry: Entry
    href: str


USED_BY_SHOWN = 12  # records linked per package; the rest are counted


@dataclass(frozen=True)
class _PackageRow:
    ref: str
    verdict: Verdict
    used_by: list[_User]
    more: int  # records using it beyond those linked

    @property
    def anchor(self) -> str:
        return package_anchor(self.ref)

    @property
    def kind(self) -> str:
        return kind_of(self.ref)

    @property
    def stars(self) -> str:
        f = self.verdict.figures
        if f.stars is not None:
            return f"{f.stars:,}"
        return "no GitHub data in the snapshot" if f.github_missing else ""


def _used_by(ctx: RenderContext) -> dict[str, list[Entry]]:
    by: dict[str, list[Entry]] = defaultdict(list)
    for e in ctx.entries:
        for ref in sorted({r for o in e.record.options for r in o.packages}):
            by[ref].append(e)
    return by


def render_signals_page(ctx: RenderContext) -> str:
    """The /signals/ page: every referenced package, its category and the records using it."""
    by = _used_by(ctx)
    rows = [_PackageRow(
        ref, ctx.verdicts.package(ref),
        [_User(e, ctx.urls.record(SIGNALS_URI, e.id)) for e in by[ref][:USED_BY_SHOWN]],
        max(len(by[ref]) - USED_BY_SHOWN, 0)) for ref in sorted(by, key=str.lower)]
    dates = sorted(e.fetched.date() for e in ctx.decisions.snapshot.packages.values()
                   if e.fetched)
    span = (f"fetched between {dates[0].isoformat()} and {dates[-1].isoformat()}" if dates
            else "empty: run `decisions enrich` to fill it")
    return render(
        "signals.html", rows=rows, span=span, categories=list(CATEGORIES), columns=COLUMNS,
        present=[c for c in CATEGORIES if any(r.verdict.category == c for r in rows)],
        kinds=sorted({r.kind for r in rows}))
