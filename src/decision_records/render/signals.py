"""Maturity signals on the site: badges under each option, and the /signals/ page.

The view data is worked out here; the markup is in templates/badges.html and signals.md,
where every value from a registry is escaped, since a package's metadata is written by
strangers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..model import Entry, Option
from ..signals.maturity import CATEGORIES, TOKENS, Figures, OptionVerdict, Verdict, ago
from .context import RenderContext
from .templates import render
from .urls import SIGNALS_URI

COLUMNS = [("package", "Package"), ("category", "Category"), ("reasons", "Why"),
           ("first", "First release"), ("last", "Last release"),
           ("maintainers", "Maintainers"), ("stars", "Stars"), ("records", "Used by"),
           ("fetched", "Data of")]


def figures(f: Figures, today: dt.date) -> list[str]:
    """The key figures of a package in words: first and last release, maintainers, stars."""
    out = []
    if f.first:
        out.append(f"{f.first_label} {f.first.isoformat()} ({ago(f.first, today)})")
    if f.last:
        out.append(f"{f.last_label} {f.last.isoformat()} ({ago(f.last, today)})")
    if f.latest_version:
        out.append(f"latest {f.latest_version}")
    if f.maintainers is not None:
        out.append(f"{f.maintainers:,} maintainer{'s' * (f.maintainers != 1)}")
    if f.stars is not None:
        out.append(f"{f.stars:,} stars")
    elif f.github_missing:
        out.append("no GitHub data in the snapshot")
    if f.fetched:
        out.append(f"data of {f.fetched.date().isoformat()}")
    return out


def _suggestion(verdict: OptionVerdict, option: Option) -> str:
    tokens = TOKENS[verdict.category]
    if tokens is None:
        return "no token suggestion without data"
    text = f"suggests {tokens} innovation token{'s' * (tokens != 1)}"
    if option.innovation_tokens < tokens:
        text += f" (declares {option.innovation_tokens})"
    return text


def option_badges(option: Option, ctx: RenderContext) -> str:
    """The maturity of an option's packages as safe HTML; empty for an option without any."""
    snapshot = ctx.decisions.snapshot
    # nothing fetched yet: one line, not a list of identical "unknown" badges
    fetched = not option.packages or any(snapshot.get(r) is not None for r in option.packages)
    verdict = ctx.verdicts.option(option.packages)
    return render("badges.html", option=option, fetched=fetched, verdict=verdict,
                  suggestion=_suggestion(verdict, option) if verdict else "",
                  figures_of=lambda f: figures(f, ctx.today))


@dataclass(frozen=True)
class _User:
    entry: Entry
    href: str


@dataclass(frozen=True)
class _Row:
    ref: str
    verdict: Verdict
    used_by: list[_User]

    @property
    def kind(self) -> str:
        return self.ref.partition(":")[0]

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
    rows = [_Row(ref, ctx.verdicts.package(ref),
                 [_User(e, ctx.urls.record(SIGNALS_URI, e.id)) for e in by[ref]])
            for ref in sorted(by, key=str.lower)]
    dates = sorted(e.fetched.date() for e in ctx.decisions.snapshot.packages.values()
                   if e.fetched)
    span = (f"fetched between {dates[0].isoformat()} and {dates[-1].isoformat()}" if dates
            else "empty: run `decisions enrich` to fill it")
    return render(
        "signals.md", rows=rows, span=span, categories=list(CATEGORIES), columns=COLUMNS,
        present=[c for c in CATEGORIES if any(r.verdict.category == c for r in rows)],
        kinds=sorted({r.kind for r in rows}))
