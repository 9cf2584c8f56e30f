"""One record -> its finished page: the HTML of the article, its table of contents, and the
words search should find it by.

The page needs no Markdown pass: record text is converted here, safely, field by field, and
the rest comes from templates/record.html.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..model import Cost, Entry, Record, short_id
from ..rules import page_of
from .budget import tokens_note
from .context import RenderContext
from .costs import cost_section, score_section
from .signals import option_badges
from .templates import render, safe
from .text import DIAGRAM, Resolve, safe_html, safe_inline
from .urls import BUDGET_URI, REVIEW_URI, record_uri

DIAGRAMS_JS = "assets/diagrams.js"  # draws the page's Mermaid blocks; only where there are some

APPROACH_LABEL = {"buy": "Buy", "adopt": "Adopt", "build": "Build"}


def _cost(cost: Cost, currency: str) -> str:
    parts = []
    if cost.licence_per_year is not None:
        parts.append(f"{cost.licence_per_year:,.0f} {currency} a year")
    if cost.one_off is not None:
        parts.append(f"{cost.one_off:,.0f} {currency} once")
    if cost.build_person_weeks is not None:
        parts.append(f"{cost.build_person_weeks:g} person-weeks to build")
    if cost.run_hours_per_month is not None:
        parts.append(f"{cost.run_hours_per_month:g} h a month to run")
    return "; ".join(parts)


@dataclass(frozen=True)
class _RecordLink:
    href: str
    short: str
    title: str


def link_resolver(ctx: RenderContext, from_uri: str) -> Resolve:
    """Links in record text are relative to the record file: map them to the site's URLs."""

    def resolve(url: str) -> str | None:
        path, sep, fragment = url.partition("#")
        target = posixpath.normpath(posixpath.join("decisions", unquote(path)))
        tail = sep + fragment
        if target.startswith("decisions/") and target.endswith(".yaml"):
            record_id = target.removeprefix("decisions/").removesuffix(".yaml")
            if ctx.decisions.get(record_id) is not None:
                return ctx.urls.record(from_uri, record_id) + tail
            return None
        if target.startswith("docs/"):
            return ctx.urls.href(from_uri, target.removeprefix("docs/")) + tail
        repository = ctx.urls.in_repository(target)
        return repository + tail if repository else None

    return resolve


def _rule_href(ctx: RenderContext, from_uri: str) -> Callable[[str], str]:
    def href(rule: str) -> str:
        return ctx.urls.href(from_uri, page_of(rule).removeprefix("docs/"))

    return href


def _links_to(ctx: RenderContext, from_uri: str, ids: list[str]) -> list[_RecordLink]:
    out = []
    for record_id in ids:
        other = ctx.decisions.get(record_id)
        out.append(_RecordLink(ctx.urls.record(from_uri, record_id), short_id(record_id),
                               other.record.title if other else record_id))
    return out


def render_record(entry: Entry, ctx: RenderContext) -> str:
    """The article of a record's page, without its title (the theme adds it)."""
    r = entry.record
    uri = record_uri(entry.id)
    resolve = link_resolver(ctx, uri)
    verb = {"proposed": "Proposed", "rejected": "Rejected"}.get(r.means, "Chosen")
    links = [(link.title, resolve(link.url) or link.url) if not link.url.startswith(
        ("http:", "https:", "mailto:")) else (link.title, link.url) for link in r.links]
    html = render(
        "record.html", entry=entry, problems=ctx.problems_of(entry),
        rule_href=_rule_href(ctx, uri),
        superseded_by=_links_to(ctx, uri, [e.id for e in ctx.decisions.superseded_by.get(
            entry.id, ())]),
        supersedes=_links_to(ctx, uri, r.supersedes),
        tokens_note=tokens_note(entry, ctx), budget_href=ctx.urls.href(uri, BUDGET_URI),
        costs=cost_section(entry, ctx, uri), scores=score_section(entry, ctx),
        block=lambda text: safe(safe_html(text, resolve)),
        inline=lambda text: safe(safe_inline(text, resolve)),
        cost=lambda c: _cost(c, ctx.currency), badges=lambda o: safe(option_badges(o, ctx, uri)),
        approach_label=APPROACH_LABEL, verb=verb, links=links,
        imported_href=ctx.urls.in_repository(r.imported.source) if r.imported else None,
        edit_href=ctx.urls.edit(entry), drifts=ctx.drifts.get(entry.id, []),
        review_href=ctx.urls.href(uri, REVIEW_URI) + "#drifted")
    if DIAGRAM in html:
        html += f'<script src="{ctx.urls.href(uri, DIAGRAMS_JS)}"></script>'
    return html


def search_text(record: Record) -> str:
    """Every word of a record that search should find it by, in reading order, after its
    title (which the search document carries as its heading)."""
    parts = [record.team, record.category, " ".join(record.tags),
             ", ".join(record.deciders), ", ".join(record.consulted), record.context,
             *record.driver_texts]
    for o in record.options:
        parts += [o.name, o.summary, *o.pros, *o.cons, " ".join(o.packages),
                  o.why_not_existing_stack or "", o.replaces or "",
                  o.cost.notes if o.cost and o.cost.notes else ""]
    d = record.decision
    parts += [d.rationale, d.why_not_buy or "", d.exit_plan or "", *record.consequences.good,
              *record.consequences.bad, record.on_call or "",
              *(f"{w.rule} {w.reason}" for w in record.waivers),
              record.tokens_released.reason if record.tokens_released else "",
              *(link.title for link in record.links), record.status]
    return "\n".join(p for p in parts if p)


def broken_page(path: Path, text: str, ctx: RenderContext) -> str:
    """The page of a record file that could not be read into the model: its problems and text."""
    uri = record_uri(path.stem)
    return render("broken.html", name=path.name, problems=ctx.problems_at(path),
                  rule_href=_rule_href(ctx, uri), text=text)
