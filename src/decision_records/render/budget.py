"""The token ledger as text, Markdown, the /budget/ page and a note on each record page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..ledger import COUNTING, Ledger, TeamBudget, totals
from ..model import short_id
from .record import record_uri
from .text import esc, href, md_text

if TYPE_CHECKING:
    from ..model import Entry
    from ..site import Site

BUDGET_URI = "budget.md"
EFFECT_LABEL = {"spent": "spends", "pending": "pending", "released": "released"}


def _state(t: TeamBudget) -> str:
    if t.overdrawn:
        return f"OVERDRAWN by {t.spent - t.budget}"
    if t.remaining == 0:
        return "at its limit"
    return ""


def _s(n: int) -> str:
    return "s" if n != 1 else ""


def as_text(ledger: Ledger, teams: list[TeamBudget]) -> str:
    head = f"{'team':<16}{'budget':>7}{'spent':>7}{'pending':>9}{'released':>10}{'remaining':>11}"
    out = [head]
    for t in teams:
        note = _state(t) + ("; default budget" if t.default_budget else "")
        out.append(f"{t.team:<16}{t.budget:>7}{t.spent:>7}{t.pending:>9}{t.released:>10}"
                   f"{t.remaining:>11}" + (f"  ({note.strip('; ')})" if note else ""))
        for line in t.lines:
            out.append(f"  {EFFECT_LABEL[line.effect]:<9}{line.tokens:>2}  {line.date}  "
                       f"{line.id}")
    total = totals(teams)
    out.append(f"{'total':<16}{total['budget']:>7}{total['spent']:>7}{total['pending']:>9}"
               f"{total['released']:>10}{total['remaining']:>11}")
    return "\n".join(out) + "\n"


def as_markdown(ledger: Ledger, teams: list[TeamBudget]) -> str:
    rows = ["| Team | Budget | Spent | Pending | Released | Remaining |",
            "|---|--:|--:|--:|--:|--:|"]
    for t in teams:
        state = _state(t)
        remaining = f"**{t.remaining}** ({state})" if state else str(t.remaining)
        rows.append(f"| {t.team} | {t.budget} | {t.spent} | {t.pending} | {t.released} | "
                    f"{remaining} |")
    total = totals(teams)
    rows.append(f"| **Total** | {total['budget']} | {total['spent']} | {total['pending']} | "
                f"{total['released']} | {total['remaining']} |")
    detail = ["", "<details><summary>Records behind the figures</summary>", "",
              "| Team | Record | Status | Effect | Tokens | Date |", "|---|---|---|---|--:|---|"]
    for t in teams:
        for line in t.lines:
            detail.append(f"| {t.team} | {short_id(line.id)} {md_text(line.title)} | "
                          f"{line.status} | "
                          f"{line.effect} | {line.tokens} | {line.date} |")
    detail += ["", "</details>"]
    return "\n".join(rows + (detail if any(t.lines for t in teams) else [])) + "\n"


def _bar(t: TeamBudget) -> str:
    """Spent, pending and remaining out of the budget, as an SVG bar (no script needed)."""
    scale = max(t.budget, t.spent + t.pending, 1)
    width = 300
    unit = width / scale
    parts = []
    x = 0.0
    segments = [("spent", t.spent, "dr-bar-spent"), ("pending", t.pending, "dr-bar-pending"),
                ("remaining", max(t.remaining - t.pending, 0), "dr-bar-free")]
    for label, n, cls in segments:
        if n <= 0:
            continue
        w = n * unit
        parts.append(f'<rect class="{cls}" x="{x:.1f}" y="0" width="{w:.1f}" height="18">'
                     f"<title>{n} {label}</title></rect>")
        x += w
    limit = t.budget * unit
    parts.append(f'<line class="dr-bar-limit" x1="{limit:.1f}" x2="{limit:.1f}" y1="-3" '
                 f'y2="21"><title>budget: {t.budget}</title></line>')
    summary = (f"{t.team}: {t.spent} of {t.budget} tokens spent, {t.pending} pending, "
               f"{t.remaining} remaining")
    return (f'<svg class="dr-bar" viewBox="0 -4 {width} 26" role="img" '
            f'aria-label="{esc(summary)}" preserveAspectRatio="none">{"".join(parts)}</svg>')


def _chart(ledger: Ledger, today: dt.date, budget: int) -> str:
    """The organisation's tokens in use over time, a step line drawn at build time."""
    points = list(ledger.history)
    if not points:
        return "<p>No tokens have been spent yet.</p>"
    w, h, pad = 640, 200, 36
    start = points[0][0]
    end = max(today, points[-1][0])
    span = max((end - start).days, 1)
    top = max([budget, *(v for _, v in points)], default=1) or 1

    def xy(day: dt.date, value: int) -> tuple[float, float]:
        return (pad + (day - start).days / span * (w - 2 * pad),
                h - pad - value / top * (h - 2 * pad))

    path: list[str] = []
    prev = 0
    for day, value in points:
        x, y = xy(day, value)
        _, py = xy(day, prev)
        path.append(f"{'M' if not path else 'L'}{x:.1f},{py:.1f} L{x:.1f},{y:.1f}")
        prev = value
    x_end, y_end = xy(end, prev)
    path.append(f"L{x_end:.1f},{y_end:.1f}")
    bx0, by = xy(start, budget)
    bx1, _ = xy(end, budget)
    axis_y = h - pad
    years = range(start.year + (start.month > 1 or start.day > 1), end.year + 1)
    ticks = "".join(
        f'<text x="{xy(dt.date(year, 1, 1), 0)[0]:.1f}" y="{axis_y + 16}" '
        f'text-anchor="middle">{year}</text>' for year in years)
    levels = "".join(
        f'<text x="{pad - 6}" y="{xy(start, v)[1] + 4:.1f}" text-anchor="end">{v}</text>'
        for v in sorted({0, top // 2, top}))
    desc = "; ".join(f"{d.isoformat()}: {v}" for d, v in points)
    return (
        f'<svg class="dr-chart" viewBox="0 0 {w} {h}" role="img" aria-label="Innovation tokens '
        f'in use across the organisation over time: {esc(desc)}">'
        f'<line class="dr-axis" x1="{pad}" y1="{axis_y}" x2="{w - pad}" y2="{axis_y}"/>'
        f'<line class="dr-chart-budget" x1="{bx0:.1f}" y1="{by:.1f}" x2="{bx1:.1f}" '
        f'y2="{by:.1f}"><title>organisation budget: {budget}</title></line>'
        f'<path class="dr-chart-line" d="{" ".join(path)}"/>{ticks}{levels}</svg>'
    )


def render_budget_page(site: Site) -> str:
    ledger = site.ledger
    total = ledger.total
    out = ['---\n{"title": "Innovation tokens"}\n---\n\n',
           "Each team has a small budget of **innovation tokens**. Choosing technology the "
           "company does not yet run well (a new database, a new language, a young tool) "
           "spends them; boring technology costs nothing. The figures below are worked out "
           "from the decision records alone, the same way as `decisions budget`.\n\n",
           f'<div class="dr-total" markdown="0" data-total data-budget="{total["budget"]}" '
           f'data-spent="{total["spent"]}" data-pending="{total["pending"]}" '
           f'data-released="{total["released"]}" data-remaining="{total["remaining"]}">'
           f'<span class="dr-stat"><span class="dr-stat-n">{total["spent"]}</span> spent</span>'
           f'<span class="dr-stat"><span class="dr-stat-n">{total["pending"]}</span> pending'
           f'</span><span class="dr-stat"><span class="dr-stat-n">{total["remaining"]}</span> '
           f'remaining</span><span class="dr-stat"><span class="dr-stat-n">{total["budget"]}'
           "</span> budget</span></div>\n\n## Teams\n\n"]
    cards = []
    for t in ledger.teams:
        state = _state(t)
        rows = "".join(
            f'<li><span class="dr-effect dr-effect-{line.effect}">{EFFECT_LABEL[line.effect]} '
            f"{line.tokens}</span> "
            f'<a href="{esc(href(BUDGET_URI, record_uri(line.id), site.directory_urls))}">'
            f"{esc(short_id(line.id))} {esc(line.title)}</a> "
            f'<span class="dr-muted">{line.date.isoformat()}</span></li>'
            for line in t.lines)
        note = " (default budget)" if t.default_budget else ""
        cards.append(
            f'<div class="dr-team{" dr-overdrawn" if t.overdrawn else ""}" data-team="'
            f'{esc(t.team)}" data-budget="{t.budget}" data-spent="{t.spent}" '
            f'data-pending="{t.pending}" data-released="{t.released}" '
            f'data-remaining="{t.remaining}">'
            f'<p class="dr-team-name"><strong>{esc(t.team)}</strong>{note}'
            + (f' <span class="dr-badge dr-status-rejected">{esc(state)}</span>'
               if t.overdrawn else (f' <span class="dr-muted">{state}</span>' if state else ""))
            + "</p>" + _bar(t)
            + f'<p class="dr-team-figures"><span>budget <b>{t.budget}</b></span> '
            f"<span>spent <b>{t.spent}</b></span> <span>pending <b>{t.pending}</b></span> "
            f"<span>released <b>{t.released}</b></span> "
            f"<span>remaining <b>{t.remaining}</b></span></p>"
            + (f'<ul class="dr-lines">{rows}</ul>' if rows else
               '<p class="dr-muted">No record spends or releases tokens.</p>')
            + "</div>")
    out.append(f'<div class="dr-teams" markdown="0">{"".join(cards)}</div>\n\n')
    out.append('<p class="dr-legend" markdown="0"><span class="dr-key dr-bar-spent"></span> '
               'spent <span class="dr-key dr-bar-pending"></span> pending (proposals) '
               '<span class="dr-key dr-bar-free"></span> remaining; the mark is the budget.'
               "</p>\n\n")
    out.append("## Tokens in use over time\n\n"
               "Tokens spent across the organisation, by the date of each record, net of "
               "tokens released.\n\n"
               f'<div markdown="0">{_chart(ledger, site.today, total["budget"])}</div>\n\n')
    out.append(RULES_TEXT)
    return "".join(out)


RULES_TEXT = "## How tokens are counted\n\n" + COUNTING


def record_note(entry: Entry, site: Site) -> str:
    """What this decision does to its team's tokens, for the record page."""
    tokens = entry.record.chosen_tokens
    team = site.ledger.team(entry.record.team)
    if team is None:
        return ""
    r = entry.record
    left = f"team {esc(r.team)} has {team.remaining} of {team.budget} left"
    if r.status == "proposed":
        after = team.remaining - tokens
        text = (f"Would spend <b>{tokens}</b> innovation token{_s(tokens)} if accepted; "
                f"{left} now, {after} after." if tokens else
                f"Spends no innovation tokens if accepted; {left}.")
    elif r.tokens_released is not None:
        text = (f"Spent <b>{tokens}</b> innovation token{_s(tokens)}, given back on "
                f"{r.tokens_released.date.isoformat()}; {left}.")
    elif r.status == "accepted":
        text = (f"Spends <b>{tokens}</b> innovation token{_s(tokens)}; after it, {left}."
                if tokens else f"Spends no innovation tokens; {left}.")
    elif r.status == "rejected":
        text = f"Rejected, so it spends nothing; {left}."
    else:
        text = f"No longer spends tokens ({r.status}); {left}."
    link = esc(href(record_uri(entry.id), BUDGET_URI, site.directory_urls))
    return (f'<p class="dr-tokens-note" markdown="0" data-search-exclude>{text} '
            f'<a href="{link}">Budgets</a></p>\n')
