"""Maturity signals on the site: badges under each option, and the /signals/ page.

Pure functions of the records and the snapshot; every value from a registry is escaped,
since a package's metadata is written by strangers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import TYPE_CHECKING

from ..model import Option, short_id
from ..signals.maturity import (
    CATEGORIES,
    TOKENS,
    Figures,
    OptionVerdict,
    Verdict,
    ago,
    assess,
    assess_option,
)
from ..signals.settings import Thresholds
from ..signals.snapshot import Snapshot
from .record import package_link, record_uri
from .text import esc, filter_select, href, sortable_head

if TYPE_CHECKING:
    from ..model import Entry
    from ..site import Site

SIGNALS_URI = "signals.md"
CATEGORY_HELP = {
    "boring": "old, maintained, widely backed: spends no innovation token",
    "established": "settled but short of boring on some figure: spends no token",
    "emerging": "young or still pre-1.0: suggests one innovation token",
    "risky": "archived, deprecated, dormant or with unfixed advisories: one token and a "
             "second look",
    "unknown": "the snapshot holds nothing to judge by",
}


def badge(category: str) -> str:
    return (f'<span class="dr-maturity dr-maturity-{esc(category)}" '
            f'title="{esc(CATEGORY_HELP.get(category, ""))}">{esc(category)}</span>')


def _figures(f: Figures, today: dt.date) -> list[str]:
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


def _package(v: Verdict, today: dt.date) -> str:
    figures = " · ".join(esc(x) for x in _figures(v.figures, today))
    reasons = "".join(f"<li>{esc(r)}</li>" for r in v.reasons)
    return (f'<li class="dr-signal">{package_link(v.ref)} {badge(v.category)}'
            + (f' <span class="dr-figures dr-muted">{figures}</span>' if figures else "")
            + (f'<ul class="dr-reasons">{reasons}</ul>' if reasons else "") + "</li>")


def _suggestion(verdict: OptionVerdict, option: Option) -> str:
    tokens = TOKENS[verdict.category]
    if tokens is None:
        return "no token suggestion without data"
    text = f"suggests {tokens} innovation token{'s' * (tokens != 1)}"
    if option.innovation_tokens < tokens:
        text += f" (declares {option.innovation_tokens})"
    return text


def option_badges(option: Option, snapshot: Snapshot | None, thresholds: Thresholds,
                  today: dt.date) -> str:
    """The maturity of an option's packages as safe HTML; empty for an option without any."""
    snapshot = snapshot or Snapshot()
    if option.packages and all(snapshot.get(ref) is None for ref in option.packages):
        # nothing fetched yet: one line, not a list of identical "unknown" badges
        links = " ".join(package_link(ref) for ref in option.packages)
        return (f'<p class="dr-signals dr-muted" data-search-exclude>{links}<br>'
                "Maturity: not in the snapshot "
                "yet (<code>decisions enrich</code> fetches it)</p>")
    verdict = assess_option(option.packages, snapshot, thresholds, today)
    if verdict is None:
        return ""
    items = "".join(_package(v, today) for v in verdict.packages)
    warn = " dr-signals-warning" if verdict.category == "risky" else ""
    return (f'<div class="dr-signals{warn}" data-search-exclude>'
            '<p class="dr-signals-head"><strong>Maturity:'
            f"</strong> {badge(verdict.category)} {esc(_suggestion(verdict, option))}</p>"
            f'<ul class="dr-signal-list">{items}</ul></div>')


_COLUMNS = [("package", "Package"), ("category", "Category"), ("reasons", "Why"),
            ("first", "First release"), ("last", "Last release"),
            ("maintainers", "Maintainers"), ("stars", "Stars"), ("records", "Used by"),
            ("fetched", "Data of")]


def _used_by(site: Site) -> dict[str, list[Entry]]:
    by: dict[str, list[Entry]] = defaultdict(list)
    for e in site.decisions.entries:
        for ref in sorted({r for o in e.record.options for r in o.packages}):
            by[ref].append(e)
    return by




def _cell(value: object, sort: object = None) -> str:
    key = "" if sort is None else f' data-value="{esc(sort)}"'
    return f"<td{key}>{esc(value)}</td>"


def render_signals_page(site: Site) -> str:
    """The /signals/ page: every referenced package, its category and the records using it."""
    snapshot = site.decisions.snapshot
    thresholds = site.decisions.config.signals.thresholds
    today = site.today
    by = _used_by(site)
    verdicts = {ref: assess(ref, snapshot, thresholds, today) for ref in by}
    rows = []
    for ref in sorted(by, key=str.lower):
        v, f = verdicts[ref], verdicts[ref].figures
        kind = ref.partition(":")[0]
        links = ", ".join(
            f'<a href="{esc(href(SIGNALS_URI, record_uri(e.id), site.directory_urls))}" '
            f'title="{esc(e.record.title)}">{esc(short_id(e.id))}</a>'
            for e in by[ref])
        stars = f"{f.stars:,}" if f.stars is not None else (
            "no GitHub data in the snapshot" if f.github_missing else "")
        rows.append(
            f'<tr data-category="{esc(v.category)}" data-kind="{esc(kind)}">'
            f"<td>{package_link(ref)}</td>"
            f'<td data-value="{CATEGORIES.index(v.category)}">{badge(v.category)}</td>'
            f"<td>{'<br>'.join(esc(r) for r in v.reasons)}</td>"
            + _cell(f.first.isoformat() if f.first else "")
            + _cell(f.last.isoformat() if f.last else "")
            + _cell("" if f.maintainers is None else f.maintainers, f.maintainers)
            + _cell(stars, f.stars)
            + f"<td>{links}</td>"
            + _cell(f.fetched.date().isoformat() if f.fetched else "") + "</tr>")
    head = sortable_head(_COLUMNS)
    present = [c for c in CATEGORIES if any(v.category == c for v in verdicts.values())]
    kinds = sorted({ref.partition(":")[0] for ref in by})
    filters = " ".join([
        filter_select("category", "Category", present), filter_select("kind", "Source", kinds),
        '<button type="button" class="md-button dr-clear" data-clear>Clear filters</button>'])
    dates = sorted(e.fetched.date() for e in snapshot.packages.values() if e.fetched)
    span = (f"fetched between {dates[0].isoformat()} and {dates[-1].isoformat()}" if dates
            else "empty: run `decisions enrich` to fill it")
    legend = "".join(f"<li>{badge(c)} {esc(CATEGORY_HELP[c])}</li>" for c in CATEGORIES)
    front = {"title": "Maturity signals", "hide": ["navigation", "toc"],
             "search": {"exclude": True}}
    return (
        "---\n" + json.dumps(front) + "\n---\n\n"
        f"Every package and repository the decisions refer to, judged by the signals in "
        f"`decisions/signals.json` (the snapshot is {esc(span)}). The site never fetches "
        "anything: `decisions enrich` refreshes the snapshot, and the change is reviewed "
        "like any other.\n\n"
        f'<ul class="dr-legend" markdown="0">{legend}</ul>\n\n'
        f'<form class="dr-filters" markdown="0" onsubmit="return false">{filters}</form>\n\n'
        f'<p class="dr-count" markdown="0" aria-live="polite">Showing <span data-count>'
        f"{len(rows)}</span> of {len(rows)}</p>\n\n"
        f'<div class="dr-table-wrap" markdown="0"><table class="dr-index" data-index>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>\n"
    )
