"""The pages about many records: the index and its data, the review queue, the timeline, the
problems, the home figures, the rules table and decisions.json.

Each page's markup is a template; this module works out what goes in it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..config import Config
from ..findings import Finding, count
from ..model import APPROACHES, STATUSES, Entry
from ..review import CycleEnding, Drift
from ..rules import RULES, page_of, severity
from ..statuses import MEANING
from .context import RenderContext
from .signals import package_anchor
from .templates import render
from .urls import (
    INDEX_DATA_URI,
    INDEX_URI,
    JSON_URI,
    PROBLEMS_URI,
    REVIEW_URI,
    SIGNALS_URI,
    TIMELINE_URI,
    timeline_uri,
)

REVIEW_WINDOW = dt.timedelta(days=30)
PAGE_SIZE = 100  # rows in the index table at a time; the rest come from its data file
PROBLEMS_SHOWN = 2000  # findings listed on the Problems page; validate lists them all
COLUMNS = [("id", "Id"), ("title", "Title"), ("status", "Status"), ("team", "Team"),
           ("category", "Category"), ("approach", "Approach"), ("tokens", "Tokens"),
           ("date", "Date")]


@dataclass(frozen=True)
class Row:
    """A record in a table of records: the entry, its link and the extra column's value."""

    entry: Entry
    href: str
    value: str = ""


def rows(ctx: RenderContext, from_uri: str, entries: list[Entry], field: str = "") -> list[Row]:
    return [Row(e, ctx.urls.record(from_uri, e.id),
                str(getattr(e.record, field) or "") if field else "") for e in entries]


def newest_first(entries: list[Entry]) -> list[Entry]:
    """By number, highest first: people look for the recent decisions."""
    return list(reversed(entries))


# --- the index ---------------------------------------------------------------------------


def render_index(ctx: RenderContext) -> str:
    entries = ctx.entries
    approaches = [a for a in APPROACHES if any(
        e.record.chosen_approach == a for e in entries)]
    sample = "0000-sample"  # the URL of any record, with its id as the placeholder
    return render(
        "index.html", total=len(entries), columns=COLUMNS, page_size=PAGE_SIZE,
        rows=rows(ctx, INDEX_URI, newest_first(entries)[:PAGE_SIZE]),
        years=[(y.year, y.count, y.href) for y in _years(ctx, INDEX_URI)],
        json_href=ctx.urls.href(INDEX_URI, JSON_URI),
        statuses=_present(ctx.statuses.words, {e.record.status for e in entries}),
        meanings=_present(STATUSES, {e.record.means for e in entries}) if ctx.statuses.own
        else [],
        teams=sorted({e.record.team for e in entries}),
        categories=sorted({e.record.category for e in entries}), approaches=approaches,
        data_href=ctx.urls.href(INDEX_URI, INDEX_DATA_URI),
        record_href=ctx.urls.record(INDEX_URI, sample).replace(sample, "{id}"))


def render_index_data(ctx: RenderContext) -> str:
    """The index's rows as compact JSON: lookup tables, then one short array a record.

    [id, title, status, team, category, approach, tokens, date], the four middle fields as
    positions in their tables; newest first, as the page lists them. Beside the statuses,
    `means` holds what each means and `colours` its badge's [background, text], if its own.
    """
    entries = newest_first(ctx.entries)
    statuses = ctx.statuses
    tables: dict[str, list[str]] = {
        "status": _present(statuses.words, {e.record.status for e in entries}),
        "team": sorted({e.record.team for e in entries}),
        "category": sorted({e.record.category for e in entries}),
        "approach": ["", *APPROACHES],
    }
    where = {name: {v: i for i, v in enumerate(values)} for name, values in tables.items()}
    # beside each status: what it means and its colours (the badge), [] when it has none
    shown = [statuses.get(name) for name in tables["status"]]
    extra = {"means": [s.means if s else "" for s in shown],
             "colours": [[s.colour, s.text_colour] if s and s.colour else [] for s in shown]}
    records = []
    for e in entries:
        r = e.record
        records.append([e.id, r.title, where["status"][r.status], where["team"][r.team],
                        where["category"][r.category],
                        where["approach"][r.chosen_approach],
                        r.chosen_tokens, r.date.isoformat()])
    lines = ",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":"))
                       for x in records)
    head = json.dumps({**tables, **extra}, ensure_ascii=False, separators=(",", ":"))[:-1]
    return head + ',"records":[\n' + lines + "\n]}\n"


def _present(order: tuple[str, ...], found: set[str]) -> list[str]:
    return [v for v in order if v in found]


# --- the timeline ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Month:
    label: str
    anchor: str
    count: int
    rows: list[Row]


@dataclass(frozen=True)
class _Year:
    year: int
    href: str
    months: list[_Month]

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months)


def _by_year(ctx: RenderContext) -> dict[int, dict[str, list[Entry]]]:
    years: dict[int, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in ctx.entries:
        years[e.record.date.year][e.record.date.strftime("%Y-%m")].append(e)
    return years


def _years(ctx: RenderContext, from_uri: str, only: int | None = None) -> list[_Year]:
    """Each year with its months; the rows of only one year's months when `only` says so."""
    out = []
    for year, months in sorted(_by_year(ctx).items(), reverse=True):
        parts = []
        for month in sorted(months, reverse=True):
            entries = sorted(months[month], key=lambda e: (e.record.date, e.id), reverse=True)
            day = dt.date.fromisoformat(month + "-01")
            shown = rows(ctx, timeline_uri(year), entries, "date") if year == only else []
            parts.append(_Month(day.strftime("%B %Y"), day.strftime("%B-%Y").lower(),
                                len(entries), shown))
        out.append(_Year(year, ctx.urls.href(from_uri, timeline_uri(year)), parts))
    return out


def render_timeline(ctx: RenderContext) -> str:
    return render("timeline.html", years=_years(ctx, TIMELINE_URI))


def timeline_years(ctx: RenderContext) -> list[int]:
    return sorted({e.record.date.year for e in ctx.entries}, reverse=True)


def render_timeline_year(ctx: RenderContext, year: int) -> str:
    """A year's page: its decisions by month, with links to the years beside it."""
    uri = timeline_uri(year)
    years = _years(ctx, uri, only=year)
    i = next(i for i, y in enumerate(years) if y.year == year)
    y = years[i]
    return render("timeline-year.html", year=year, count=y.count, months=y.months,
                  all_href=ctx.urls.href(uri, TIMELINE_URI),
                  newer=years[i - 1] if i else None,
                  older=years[i + 1] if i + 1 < len(years) else None)


# --- the review queue and the problems ---------------------------------------------------


def due_soon(ctx: RenderContext) -> list[Entry]:
    """Accepted records whose review date falls within 30 days, soonest first (those whose
    date has passed are `ctx.review.due`)."""
    horizon = ctx.today + REVIEW_WINDOW
    soon = [e for e in ctx.entries
            if e.record.means == "accepted" and e.record.review_by is not None
            and ctx.today <= e.record.review_by <= horizon]
    return sorted(soon, key=lambda e: (e.record.review_by, e.id))


@dataclass(frozen=True)
class _Imported:
    entry: Entry
    href: str
    todo: int
    guesses: int
    other: int


@dataclass(frozen=True)
class _Drifted:
    drift: Drift
    href: str
    signals_href: str


def awaiting_review(ctx: RenderContext) -> list[_Imported]:
    """Imported records with placeholders or guesses left, in number order."""
    return [_Imported(i.entry, ctx.urls.record(REVIEW_URI, i.entry.id), i.todo, i.guesses,
                      i.other) for i in ctx.review.imported]


def drifted(ctx: RenderContext) -> list[_Drifted]:
    """Accepted records whose chosen packages degraded since, one row a package."""
    signals = ctx.urls.href(REVIEW_URI, SIGNALS_URI)
    return [_Drifted(d, ctx.urls.record(REVIEW_URI, d.entry.id),
                     f"{signals}#{package_anchor(d.ref)}") for d in ctx.review.drifted]


@dataclass(frozen=True)
class _Ending:
    item: CycleEnding
    href: str
    signals_href: str


def ending(ctx: RenderContext) -> list[_Ending]:
    """Accepted records whose chosen product cycle ends soon or has ended, one row a cycle."""
    signals = ctx.urls.href(REVIEW_URI, SIGNALS_URI)
    return [_Ending(e, ctx.urls.record(REVIEW_URI, e.entry.id),
                    f"{signals}#{package_anchor(e.ref)}") for e in ctx.review.end_of_life]


def render_review(ctx: RenderContext) -> str:
    overdue = [d.entry for d in ctx.review.due]
    return render("review.html", window=REVIEW_WINDOW.days, today=ctx.today.isoformat(),
                  overdue=rows(ctx, REVIEW_URI, overdue, "review_by"),
                  soon=rows(ctx, REVIEW_URI, due_soon(ctx), "review_by"), drifted=drifted(ctx),
                  ending=ending(ctx), eol_window=ctx.config.signals.eol_warning_days,
                  imported=awaiting_review(ctx), import_href=ctx.urls.href(REVIEW_URI,
                                                                           "import.md"),
                  refresh_href=ctx.urls.href(REVIEW_URI, "refresh.md"))


@dataclass(frozen=True)
class _LinkedFinding:
    finding: Finding
    href: str | None
    rule_href: str


def render_problems(ctx: RenderContext, pages: dict[str, str]) -> str:
    """Every finding with a link to the page that shows it. `pages`: file path -> record id."""
    findings = ctx.decisions.findings
    shown = []
    for f in findings[:PROBLEMS_SHOWN]:
        record_id = pages.get(f.path)
        href = ctx.urls.record(PROBLEMS_URI, record_id) if record_id else None
        shown.append(_LinkedFinding(f, href, ctx.urls.href(
            PROBLEMS_URI, page_of(f.rule).removeprefix("docs/"))))
    errors, warnings = count(findings)
    return render("problems.html", shown=shown, hidden=len(findings) - len(shown), errors=errors,
                  warnings=warnings, today=ctx.today.isoformat())


def render_problems_data(ctx: RenderContext) -> str:
    """The counts behind the banner every page shows while records have errors."""
    errors, warnings = count(ctx.decisions.findings)
    return json.dumps({"errors": errors, "warnings": warnings, "text": problems_line(ctx),
                       "page": ctx.urls.url(PROBLEMS_URI)}) + "\n"


def problems_line(ctx: RenderContext) -> str:
    """'3 errors and 1 warning in the records', or '' when there are none."""
    errors, warnings = count(ctx.decisions.findings)
    parts = [f"{n} {word}{'s' * (n != 1)}" for n, word in ((errors, "error"),
                                                          (warnings, "warning")) if n]
    return " and ".join(parts) + " in the records" if parts else ""


# --- the home page, the rules and the JSON -----------------------------------------------


def render_summary(ctx: RenderContext, from_uri: str = "index.md", latest: int = 8) -> str:
    """Figures for the home page: counts by status and the latest decisions."""
    entries = ctx.entries
    counts: Counter[str] = Counter(e.record.status for e in entries)
    statuses = ctx.statuses
    recent = sorted(entries, key=lambda e: (e.record.date, e.id), reverse=True)[:latest]
    return render("summary.md", total=len(entries),
                  counts=[(s, counts[s], statuses.get(s)) for s in statuses.words if counts[s]],
                  index_href=ctx.urls.href(from_uri, INDEX_URI),
                  latest=rows(ctx, from_uri, recent, "date"), problems=problems_line(ctx),
                  problems_href=ctx.urls.href(from_uri, PROBLEMS_URI),
                  review=review_counts(ctx), review_href=ctx.urls.href(from_uri, REVIEW_URI))


def review_counts(ctx: RenderContext) -> list[tuple[str, int, str]]:
    """(anchor on the review queue, count, words) for each non-empty part of the review."""
    r = ctx.review
    n = r.drifted_records
    parts = [("overdue", len(r.due), "past their review date"),
             ("drifted", n, f"drifted since {'they were' if n != 1 else 'it was'} decided"),
             ("end-of-life", len(r.end_of_life), "at or near a product cycle's end of life"),
             ("imported", len(r.imported), "imported, awaiting review")]
    return [p for p in parts if p[1]]


def render_statuses(ctx: RenderContext, from_uri: str) -> str:
    """The statuses records may have here: each name, its meaning, how many records use it
    and what it says (config.yaml's description, or the meaning's)."""
    counts: Counter[str] = Counter(e.record.status for e in ctx.entries)
    return render("statuses.html", statuses=[(s, counts[s.name]) for s in ctx.statuses.names],
                  index_href=ctx.urls.href(from_uri, INDEX_URI), meaning=MEANING)


def render_rules(config: Config) -> str:
    """Every rule with its default and its severity here (from the config)."""
    lines = ["| Rule | Default | Here | What it checks |", "|---|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: (r.configurable, r.id)):
        here = severity(rule.id, config)
        name = (f"[{rule.id}]({rule.id}.md)" if rule.doc.endswith(f"/{rule.id}.md")
                else f"`{rule.id}`")
        fixed = "" if rule.configurable else " (fixed)"
        lines.append(f"| {name} | {rule.default}{fixed} | {here} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def render_json(ctx: RenderContext) -> str:
    # one compact record a line: small to download, still readable line by line; a field at
    # its default (empty, false, none) is left out, as the YAML leaves it out. `means` says
    # what the status means, so another tool needs no config.yaml to read it
    lines = ",\n".join(
        json.dumps({"id": e.id, **e.record.model_dump(mode="json", exclude_defaults=True),
                    "means": e.record.means},
                   sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        for e in ctx.entries
    )
    return '{"records":[\n' + lines + "\n]}\n"

