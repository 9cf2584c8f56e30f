"""The pages about many records: the index, the review queue, the timeline, the home figures."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..config import Config
from ..model import APPROACHES, STATUSES, Entry, short_id
from ..rules import RULES, severity
from .context import RenderContext
from .record import status_badge
from .templates import render
from .text import esc, filter_select, sortable_head
from .urls import INDEX_URI, REVIEW_URI, TIMELINE_URI

REVIEW_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True)
class Row:
    """A record in a table of records: the entry, its link and the extra column's value."""

    entry: Entry
    href: str
    value: str


def rows(ctx: RenderContext, from_uri: str, entries: list[Entry], field: str) -> list[Row]:
    return [Row(e, ctx.urls.record(from_uri, e.id), str(getattr(e.record, field) or ""))
            for e in entries]


def _front(title: str, search: bool = True, wide: bool = False) -> str:
    front: dict[str, object] = {"title": title}
    if wide:  # a table of many columns needs the room the side bars take
        front["hide"] = ["navigation", "toc"]
    if not search:  # long listings would swamp the search results; the records are indexed
        front["search"] = {"exclude": True}
    return "---\n" + json.dumps(front) + "\n---\n\n"


def _a(ctx: RenderContext, from_uri: str, e: Entry, text: str) -> str:
    return f'<a href="{esc(ctx.urls.record(from_uri, e.id))}">{text}</a>'




_COLUMNS = [("id", "Id"), ("title", "Title"), ("status", "Status"), ("team", "Team"),
            ("category", "Category"), ("approach", "Approach"), ("tokens", "Tokens"),
            ("date", "Date")]


def render_index(ctx: RenderContext) -> str:
    entries = ctx.entries
    teams = sorted({e.record.team for e in entries})
    categories = sorted({e.record.category for e in entries})
    statuses = [s for s in STATUSES if any(e.record.status == s for e in entries)]
    approaches = [a for a in APPROACHES if any(_approach(e) == a for e in entries)]
    rows = []
    for e in reversed(entries):  # newest number first, as people look for recent decisions
        r = e.record
        chosen = r.chosen
        tokens = chosen.innovation_tokens if chosen else 0
        approach = _approach(e)
        rows.append(
            f'<tr data-status="{r.status}" data-team="{esc(r.team)}" '
            f'data-category="{esc(r.category)}" data-approach="{approach}">'
            f"<td>{_a(ctx, INDEX_URI, e, short_id(e.id))}</td>"
            f"<td>{_a(ctx, INDEX_URI, e, esc(r.title))}</td>"
            f"<td>{status_badge(r.status)}</td><td>{esc(r.team)}</td>"
            f"<td>{esc(r.category)}</td><td>{approach}</td>"
            f'<td class="dr-num">{tokens}</td><td>{r.date.isoformat()}</td></tr>'
        )
    head = sortable_head(_COLUMNS)
    filters = " ".join([
        filter_select("status", "Status", statuses), filter_select("team", "Team", teams),
        filter_select("category", "Category", categories),
        filter_select("approach", "Approach", approaches),
        '<button type="button" class="md-button dr-clear" data-clear>Clear filters</button>',
    ])
    return (
        _front("All decisions", search=False, wide=True)
        + f"{len(entries)} decision records, newest first. Filter and sort them here, or use "
        "the search box for words inside the records. The same data, as JSON: "
        f"[decisions.json](../decisions.json).\n\n"
        f'<form class="dr-filters" markdown="0" onsubmit="return false">{filters}</form>\n\n'
        f'<p class="dr-count" markdown="0" aria-live="polite">Showing <span data-count>'
        f"{len(entries)}</span> of {len(entries)}</p>\n\n"
        f'<div class="dr-table-wrap" markdown="0"><table class="dr-index" data-index>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>\n\n"
        '<p markdown="0"><button type="button" class="md-button" data-more hidden>Show more'
        "</button></p>\n"
    )


def _approach(e: Entry) -> str:
    chosen = e.record.chosen
    return chosen.approach if chosen else ""


def _table(ctx: RenderContext, from_uri: str, entries: list[Entry], extra: str) -> str:
    if not entries:
        return ""
    rows = "".join(
        f"<tr><td>{_a(ctx, from_uri, e, esc(short_id(e.id)))}</td>"
        f"<td>{_a(ctx, from_uri, e, esc(e.record.title))}</td>"
        f"<td>{status_badge(e.record.status)}</td><td>{esc(e.record.team)}</td>"
        f"<td>{getattr(e.record, extra) or ''}</td></tr>"
        for e in entries
    )
    label = {"review_by": "Review by", "date": "Date"}[extra]
    return (f'<table markdown="0"><thead><tr><th>Id</th><th>Title</th><th>Status</th>'
            f"<th>Team</th><th>{label}</th></tr></thead><tbody>{rows}</tbody></table>\n")


def review_queue(ctx: RenderContext) -> list[Entry]:
    """Accepted records whose review date has passed or falls within 30 days, oldest first."""
    horizon = ctx.today + REVIEW_WINDOW
    due = [e for e in ctx.entries
           if e.record.status == "accepted" and e.record.review_by is not None
           and e.record.review_by <= horizon]
    return sorted(due, key=lambda e: (e.record.review_by, e.id))


def render_review(ctx: RenderContext) -> str:
    due = review_queue(ctx)
    overdue = [e for e in due if e.record.review_by and e.record.review_by < ctx.today]
    soon = [e for e in due if e not in overdue]
    return render("review.md", window=REVIEW_WINDOW.days, today=ctx.today.isoformat(),
                  overdue=rows(ctx, REVIEW_URI, overdue, "review_by"),
                  soon=rows(ctx, REVIEW_URI, soon, "review_by"))


def render_timeline(ctx: RenderContext) -> str:
    by_month: dict[str, list[Entry]] = defaultdict(list)
    for e in ctx.entries:
        by_month[e.record.date.strftime("%Y-%m")].append(e)
    out = [_front("Timeline", search=False),
           "Decisions by the month of their last status change, newest first.\n"]
    if not by_month:
        out.append("\nThere are no decisions yet.\n")
    for month in sorted(by_month, reverse=True):
        entries = sorted(by_month[month], key=lambda e: (e.record.date, e.id), reverse=True)
        label = dt.date.fromisoformat(month + "-01").strftime("%B %Y")
        out.append(f"\n## {label}\n\n" + _table(ctx, TIMELINE_URI, entries, "date"))
    return "".join(out)


def render_summary(ctx: RenderContext, from_uri: str = "index.md", latest: int = 8) -> str:
    """Figures for the home page: counts by status and the latest decisions."""
    entries = ctx.entries
    counts: Counter[str] = Counter(e.record.status for e in entries)
    recent = sorted(entries, key=lambda e: (e.record.date, e.id), reverse=True)[:latest]
    return render("summary.md", total=len(entries),
                  counts=[(s, counts[s]) for s in STATUSES if counts[s]],
                  index_href=ctx.urls.href(from_uri, INDEX_URI),
                  latest=rows(ctx, from_uri, recent, "date"))


def render_rules(config: Config) -> str:
    """Every rule with its default and its severity here (from the config)."""
    rows = ["| Rule | Default | Here | What it checks |", "|---|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: (r.configurable, r.id)):
        here = severity(rule.id, config)
        name = (f"[{rule.id}]({rule.id}.md)" if rule.doc.endswith(f"/{rule.id}.md")
                else f"`{rule.id}`")
        fixed = "" if rule.configurable else " (fixed)"
        rows.append(f"| {name} | {rule.default}{fixed} | {here} | {rule.summary} |")
    return "\n".join(rows) + "\n"


def render_json(ctx: RenderContext) -> str:
    # one compact record a line: small to download, still readable line by line
    lines = ",\n".join(
        json.dumps({"id": e.id, **e.record.model_dump(mode="json")}, sort_keys=True,
                   ensure_ascii=False, separators=(",", ":"))
        for e in ctx.entries
    )
    return '{"records":[\n' + lines + "\n]}\n"
