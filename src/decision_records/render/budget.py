"""The token ledger as text, Markdown, the /budget/ page and a note on each record page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from ..ledger import COUNTING, Ledger, TeamBudget, totals
from ..model import Entry, short_id
from ..textsafe import md_inline
from .context import RenderContext
from .templates import render, safe
from .text import safe_html
from .urls import BUDGET_URI

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
            detail.append(f"| {t.team} | {short_id(line.id)} {md_inline(line.title)} | "
                          f"{line.status} | "
                          f"{line.effect} | {line.tokens} | {line.date} |")
    detail += ["", "</details>"]
    return "\n".join(rows + (detail if any(t.lines for t in teams) else [])) + "\n"


@dataclass(frozen=True)
class _Segment:
    css: str
    label: str
    n: int
    x: float
    width: float


@dataclass(frozen=True)
class _Bar:
    segments: list[_Segment]
    limit: float
    width: int = 300


def _bar(t: TeamBudget) -> _Bar:
    """Spent, pending and remaining out of the budget, for an SVG bar (no script needed)."""
    scale = max(t.budget, t.spent + t.pending, 1)
    unit = 300 / scale
    segments, x = [], 0.0
    for label, n, css in [("spent", t.spent, "dr-bar-spent"), ("pending", t.pending,
                                                                  "dr-bar-pending"),
                          ("remaining", max(t.remaining - t.pending, 0), "dr-bar-free")]:
        if n > 0:
            segments.append(_Segment(css, label, n, x, n * unit))
            x += n * unit
    return _Bar(segments, t.budget * unit)


@dataclass(frozen=True)
class _Chart:
    budget: int
    description: str
    points: list[tuple[dt.date, int, int]]  # date, tokens in use, change: the chart's table
    first: dt.date
    last: dt.date
    path: str
    budget_x0: float
    budget_x1: float
    budget_y: float
    years: list[tuple[float, int]]
    levels: list[tuple[float, int]]
    width: int = 640
    height: int = 200
    pad: int = 36

    @property
    def axis_y(self) -> int:
        return self.height - self.pad


def _chart(ledger: Ledger, today: dt.date, budget: int) -> _Chart | None:
    """The organisation's tokens in use over time, a step line drawn at build time."""
    points = list(ledger.history)
    if not points:
        return None
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
    years = range(start.year + (start.month > 1 or start.day > 1), end.year + 1)
    peak_day, peak = max(points, key=lambda p: (p[1], -p[0].toordinal()))
    return _Chart(
        budget=budget,
        description=(f"{points[0][1]} on {start.isoformat()}, {prev} on {end.isoformat()}; "
                     f"at most {peak}, first on {peak_day.isoformat()}"),
        points=[(day, value, value - (points[i - 1][1] if i else 0))
                for i, (day, value) in enumerate(points)],
        first=start, last=end, path=" ".join(path), budget_x0=bx0, budget_x1=bx1, budget_y=by,
        years=[(xy(dt.date(year, 1, 1), 0)[0], year) for year in years],
        levels=[(xy(start, v)[1] + 4, v) for v in sorted({0, top // 2, top})])


def render_budget_page(ctx: RenderContext) -> str:
    ledger = ctx.ledger
    return render(
        "budget.html", total=ledger.total, teams=ledger.teams, state=_state, bar_of=_bar,
        effect_label=EFFECT_LABEL, short_id=short_id,
        record_href=lambda rid: ctx.urls.record(BUDGET_URI, rid),
        chart=_chart(ledger, ctx.today, ledger.total["budget"]), counting=safe(safe_html(COUNTING)))


def tokens_note(entry: Entry, ctx: RenderContext) -> Markup | str:
    """What this decision does to its team's tokens, for the record page."""
    team = ctx.ledger.team(entry.record.team)
    if team is None:
        return ""
    r = entry.record
    tokens = r.chosen_tokens
    left = f"team {r.team} has {team.remaining} of {team.budget} left"
    spend = Markup("<b>{}</b> innovation token{}").format(tokens, _s(tokens))
    if r.means == "proposed":
        after = team.remaining - tokens
        if tokens:
            return Markup("Would spend {} if accepted; {} now, {} after.").format(
                spend, left, after)
        return f"Spends no innovation tokens if accepted; {left}."
    if r.tokens_released is not None:
        return Markup("Spent {}, given back on {}; {}.").format(
            spend, r.tokens_released.date.isoformat(), left)
    if r.means == "accepted":
        if tokens:
            return Markup("Spends {}; after it, {}.").format(spend, left)
        return f"Spends no innovation tokens; {left}."
    if r.means == "rejected":
        return f"{r.status.capitalize()}, so it spends nothing; {left}."
    return f"No longer spends tokens ({r.status}); {left}."
