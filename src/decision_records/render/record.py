"""One record -> the Markdown source of its page (front matter, headings, safe HTML)."""

from __future__ import annotations

import json

from ..model import Cost, Entry, Option, short_id
from ..rules import RULES
from .budget import record_note
from .context import RenderContext
from .signals import option_badges
from .text import esc, md_text, package_link, safe_html, safe_inline
from .urls import record_uri

APPROACH_LABEL = {"buy": "Buy", "adopt": "Adopt", "build": "Build"}
APPROACH_HELP = {
    "buy": "a hosted or managed product",
    "adopt": "existing software we run ourselves",
    "build": "written by us",
}


def status_badge(status: str) -> str:
    return f'<span class="dr-badge dr-status-{esc(status)}">{esc(status)}</span>'


def _list(items: list[str], cls: str) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{safe_inline(i)}</li>" for i in items)
    return f'<ul class="{cls}">{lis}</ul>'


def _cost(cost: Cost | None, currency: str) -> str:
    if cost is None:
        return ""
    parts = []
    if cost.licence_per_year is not None:
        parts.append(f"{cost.licence_per_year:,.0f} {esc(currency)} a year")
    if cost.build_person_weeks is not None:
        parts.append(f"{cost.build_person_weeks:g} person-weeks to build")
    if cost.run_hours_per_month is not None:
        parts.append(f"{cost.run_hours_per_month:g} h a month to run")
    notes = f" <span class='dr-muted'>({esc(cost.notes)})</span>" if cost.notes else ""
    return (f'<p class="dr-cost" data-search-exclude><strong>Cost:</strong> '
            f'{"; ".join(parts)}{notes}</p>')


def _option(opt: Option, chosen: bool, ctx: RenderContext) -> str:
    head = [
        f'<span class="dr-approach dr-approach-{opt.approach}" title="'
        f'{APPROACH_HELP[opt.approach]}">{APPROACH_LABEL[opt.approach]}</span>',
        f'<span class="dr-tokens" title="innovation tokens this option spends">'
        f'{opt.innovation_tokens} token{"s" * (opt.innovation_tokens != 1)}</span>',
    ]
    if chosen:
        head.insert(0, '<span class="dr-chosen-mark">✓ chosen</span>')
    body = [
        f'<div class="dr-option{" dr-chosen" if chosen else ""}">',
        f'<p class="dr-option-name"><strong>{esc(opt.name)}</strong></p>',
        f'<p class="dr-option-head">{" ".join(head)}</p>',
        f"<p>{safe_inline(opt.summary)}</p>",
    ]
    if opt.pros:
        body.append("<p><strong>Pros</strong></p>" + _list(opt.pros, "dr-pros"))
    if opt.cons:
        body.append("<p><strong>Cons</strong></p>" + _list(opt.cons, "dr-cons"))
    body.append(_cost(opt.cost, ctx.currency))
    extras = option_badges(opt, ctx)
    if opt.packages and not extras:  # the maturity badges list the packages themselves
        links = " ".join(map(package_link, opt.packages))
        body.append(f'<p class="dr-packages" data-search-exclude>{links}</p>')
    body.append(extras)
    for label, text in (("Why not the existing stack", opt.why_not_existing_stack),
                        ("Replaces", opt.replaces)):
        if text:
            body.append(f"<p><strong>{label}:</strong></p>{safe_html(text)}")
    body.append("</div>")
    return "".join(body)


def _link(ctx: RenderContext, record_id: str) -> str:
    """A Markdown link to another record (MkDocs resolves and checks it)."""
    other = ctx.decisions.get(record_id)
    title = other.record.title if other else record_id
    return f"[{md_text(short_id(record_id))} {md_text(title)}]({record_id}.md)"


def _rule_href(entry: Entry, rule: str, ctx: RenderContext) -> str:
    doc = RULES[rule].doc if rule in RULES else "docs/rules/index.md"
    return ctx.urls.href(record_uri(entry.id), doc.removeprefix("docs/"))


def _html_block(html: str) -> str:
    return f'<div class="dr-text" markdown="0">{html}</div>\n'


def render_record(entry: Entry, ctx: RenderContext) -> str:
    r = entry.record
    front = {"title": esc(r.title), "tags": list(r.tags)}
    meta = [
        status_badge(r.status),
        f"<span><strong>Team</strong> {esc(r.team)}</span>",
        f"<span><strong>Date</strong> {r.date.isoformat()}</span>",
        f"<span><strong>Category</strong> {esc(r.category)}</span>",
    ]
    if r.review_by:
        meta.append(f"<span><strong>Review by</strong> {r.review_by.isoformat()}</span>")
    if r.core:
        meta.append('<span class="dr-badge dr-core">core capability</span>')
    people = [f"<span><strong>Deciders</strong> {esc(', '.join(r.deciders))}</span>"]
    if r.consulted:
        people.append(f"<span><strong>Consulted</strong> {esc(', '.join(r.consulted))}</span>")
    if r.on_call:
        people.append(f"<span><strong>On call</strong> {esc(r.on_call)}</span>")

    out = [
        "---\n" + json.dumps(front) + "\n---\n",
        f'<p class="dr-id" data-search-exclude>{esc(entry.id)}</p>\n',
        f'<p class="dr-meta">{" ".join(meta)}</p>\n',
        f'<p class="dr-meta">{" ".join(people)}</p>\n',
    ]
    by = ctx.decisions.superseded_by.get(entry.id, ())
    if by:
        links = ", ".join(_link(ctx, b.id) for b in by)
        out.append(f'\n!!! warning "Superseded"\n    Superseded by {links}.\n\n')
    if r.supersedes:
        links = ", ".join(_link(ctx, s) for s in r.supersedes)
        out.append(f'\n!!! info "Supersedes"\n    This decision replaces {links}.\n\n')
    out.append(record_note(entry, ctx))
    out.append("\n## Context\n\n" + _html_block(safe_html(r.context)))
    if r.drivers:
        out.append("\n## Decision drivers\n\n" + _html_block(_list(r.drivers, "dr-drivers")))
    chosen = r.decision.chosen
    cards = "".join(_option(o, o.name == chosen, ctx) for o in r.options)
    out.append(f'\n## Options\n\n<div class="dr-options" markdown="0">{cards}</div>\n')
    verb = {"proposed": "Proposed", "rejected": "Rejected"}.get(r.status, "Chosen")
    decision = [f"<p><strong>{verb}:</strong> {esc(chosen)}</p>", safe_html(r.decision.rationale)]
    if r.decision.why_not_buy:
        decision.append("<p><strong>Why not buy:</strong></p>" + safe_html(r.decision.why_not_buy))
    if r.decision.exit_plan:
        decision.append("<p><strong>Exit plan:</strong></p>" + safe_html(r.decision.exit_plan))
    out.append("\n## Decision\n\n" + _html_block("".join(decision)))
    good, bad = r.consequences.good, r.consequences.bad
    if good or bad:
        parts = []
        if good:
            parts.append("<p><strong>Good</strong></p>" + _list(good, "dr-pros"))
        if bad:
            parts.append("<p><strong>Bad</strong></p>" + _list(bad, "dr-cons"))
        out.append("\n## Consequences\n\n" + _html_block("".join(parts)))
    if r.waivers:
        items = "".join(
            f'<li><a href="{esc(_rule_href(entry, w.rule, ctx))}"><code>{esc(w.rule)}</code></a>'
            f": {safe_inline(w.reason)}</li>" for w in r.waivers)
        out.append("\n## Rules waived\n\n" + _html_block(
            "<p>This record knowingly does not follow these rules, for the reasons given:</p>"
            f"<ul>{items}</ul>"))
    if r.tokens_released:
        rel = r.tokens_released
        out.append("\n## Tokens released\n\n" + _html_block(
            f"<p>On {rel.date.isoformat()}: {safe_inline(rel.reason)}</p>"))
    if r.links:
        # the model only admits http(s), mailto and relative URLs
        items = "".join(f'<li><a href="{esc(link.url)}">{esc(link.title)}</a></li>'
                        for link in r.links)
        out.append("\n## Links\n\n" + _html_block(f"<ul>{items}</ul>"))
    edit = ctx.urls.edit(entry)
    if edit:
        out.append(f'\n<p class="dr-edit" data-search-exclude><a href="{esc(edit)}">'
                   "Edit this record</a> "
                   f"(<code>decisions/{esc(entry.path.name)}</code>)</p>\n")
    return "".join(out)
