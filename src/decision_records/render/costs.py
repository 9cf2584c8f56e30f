"""The cost of ownership and the weighted scores in words, Markdown and HTML: `decisions
costs`, the review report, a record page's sections and the /costs/ page.

The figures come from `Decisions.costs` and `Decisions.rankings`, worked out once per build;
this module only words and draws them. Charts are SVG drawn here, with no script.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..costs import (
    DEFAULT_HORIZON,
    PARTS,
    Ownership,
    Ranking,
    Rates,
    RecordCosts,
    Spend,
    as_dict,
    by,
    committed,
    money,
    percent,
    points,
    quantity,
    total,
)
from ..model import APPROACHES, LIVE, Entry, short_id
from ..rules.costs import fragility
from ..textsafe import md_inline
from .context import RenderContext
from .templates import render
from .urls import COSTS_GUIDE_URI, COSTS_JSON_URI, COSTS_URI, INDEX_URI, timeline_uri

PART_LABEL = {"one_off": "One-off", "build": "Build", "upkeep": "Upkeep",
              "licence": "Licence", "run": "Run"}
SHOWN = 50  # records a list on /costs/ names; the rest are counted


def years(n: int) -> str:
    return f"{n} year{'s' * (n != 1)}"


def rates_line(rates: Rates, currency: str) -> str:
    """'person-week 4,000 USD, run hour 100 USD, build upkeep 0.2 a year after the first'."""
    return (f"person-week {money(rates.person_week)} {currency}, run hour "
            f"{money(rates.run_hour)} {currency}, build upkeep {quantity(rates.upkeep)} of the "
            "build a year after the first")


TIMES, MINUS = "\u00d7", "\u2212"  # the signs people write sums with


def formula(rates: Rates) -> str:
    """The sum with this organisation's figures in it."""
    h, x = rates.horizon, TIMES
    return (f"one-off + build person-weeks {x} {money(rates.person_week)} {x} (1 + "
            f"{quantity(rates.upkeep)} {x} ({h} {MINUS} 1)) + licence a year {x} {h} + run "
            f"hours a month {x} 12 {x} {h} {x} {money(rates.run_hour)}")


def verdict(rc: RecordCosts, currency: str) -> str:
    """What the comparison says of the chosen option, in a sentence ('' without figures)."""
    if not rc.priced:
        return ""
    chosen = rc.chosen
    over = f"over {years(rc.horizon)}"
    if chosen is None:
        return ""
    if chosen.tco is None:
        return f"The chosen option, {chosen.name}, is not costed, so it cannot be compared."
    cheapest = rc.cheapest
    extra = rc.extra
    if cheapest is None or extra is None or extra == 0:
        others = sum(1 for o in rc.options if o.tco is not None) - 1
        if not others:
            return f"The chosen option is the only one costed: {money(chosen.tco)} " \
                   f"{currency} {over}."
        return f"The chosen option is the cheapest {over}."
    return (f"The chosen option costs {money(extra)} {currency} more than the cheapest, "
            f"{cheapest.name}, {over}.")


def crossings(rc: RecordCosts) -> list[str]:
    """Break-even sentences: where another option's cumulative cost crosses the chosen one's."""
    out = []
    for c in rc.crossings():
        if c.chosen_cheaper_first:
            out.append(f"Break-even with {c.other} at the end of year {c.year}: until then "
                       f"the chosen option costs less, from then on {c.other} costs as much "
                       "or less.")
        else:
            out.append(f"Break-even with {c.other} at the end of year {c.year}: until then "
                       f"{c.other} costs less, from then on the chosen option costs as much "
                       "or less.")
    return out


def incomplete(o: Ownership) -> str:
    """'no licence_per_year, counted as 0' for an option whose figures leave some out."""
    if o.figures is None or o.figures.complete:
        return ""
    return f"no {', '.join(o.figures.missing)}, counted as 0"


def robustness(ranking: Ranking) -> str:
    """How firmly the top-scored option leads, in a sentence."""
    if ranking.fragile:
        return "A fragile winner: " + fragility(ranking) + "."
    first, second = ranking.order[:2]
    return (f"{first.name} leads {second.name} by {points(ranking.gap)} points of 100, and no "
            "change of one score by one changes the winner.")


# --- text and Markdown (decisions costs, the review report) ------------------------------


@dataclass(frozen=True)
class CostsView:
    """What `decisions costs` shows: the records' costs and the rates behind them."""

    costs: list[RecordCosts]
    teams: list[str]
    currency: str
    horizon: int
    rates: Rates | None
    errors: int = 0  # records left out because they did not load

    @property
    def priced(self) -> bool:
        return self.rates is not None

    def as_dict(self) -> dict[str, object]:
        return as_dict(self.costs, self.teams, self.currency, self.horizon, self.priced)

    @property
    def team_totals(self) -> list[Spend]:
        return by(committed(self.costs), lambda rc: rc.record.team, self.priced, self.teams)

    @property
    def total(self) -> Spend:
        return total("", committed(self.costs), self.priced)


def _tco(value: Decimal | None) -> str:
    return "-" if value is None else money(value)


def as_text(f: CostsView) -> str:
    out = []
    if f.rates is not None:
        out.append(f"Cost of ownership over {years(f.horizon)}, in {f.currency} "
                   f"({rates_line(f.rates, f.currency)}); * the chosen option")
    else:
        out.append("Nothing is priced: decisions/config.yaml has no costs: section")
    for rc in f.costs:
        r = rc.record
        out.append("")
        out.append(f"{rc.id} ({r.status}, team {r.team})")
        for o in rc.options:
            mark = "*" if o.name == r.decision.chosen else " "
            shown = ("not costed" if not o.costed else _tco(o.tco) if f.priced
                     else "not priced")
            note = incomplete(o)
            out.append(f"  {mark} {o.approach:<6}{shown:>14}  {o.name}"
                       + (f" ({note})" if note else ""))
        for line in [verdict(rc, f.currency), *crossings(rc)]:
            if line:
                out.append(f"    {line}")
    out += ["", "Accepted records' chosen options, by team:",
            f"{'team':<16}{'licence a year':>16}{'build weeks':>13}{'run h/month':>13}"
            f"{f'over {years(f.horizon)}':>16}"]
    for s in [*f.team_totals, f.total]:
        out.append(f"{s.key or 'total':<16}{money(s.licence_per_year):>16}"
                   f"{quantity(s.build_person_weeks):>13}{quantity(s.run_hours_per_month):>13}"
                   f"{_tco(s.tco):>16}")
    return "\n".join(out) + "\n"


def _md_amount(value: Decimal | None) -> str:
    return "-" if value is None else money(value)


def spend_markdown(spends: Sequence[Spend], overall: Spend, horizon: int,
                   first: str = "Team") -> str:
    rows = [f"| {first} | Licence a year | Build person-weeks | Run hours a month | "
            f"Cost over {years(horizon)} |", "|---|--:|--:|--:|--:|"]
    for s in spends:
        rows.append(f"| {md_inline(s.key)} | {money(s.licence_per_year)} | "
                    f"{quantity(s.build_person_weeks)} | {quantity(s.run_hours_per_month)} | "
                    f"{_md_amount(s.tco)} |")
    rows.append(f"| **Total** | {money(overall.licence_per_year)} | "
                f"{quantity(overall.build_person_weeks)} | "
                f"{quantity(overall.run_hours_per_month)} | {_md_amount(overall.tco)} |")
    return "\n".join(rows) + "\n"


def as_markdown(f: CostsView) -> str:
    out = []
    if f.rates is None:
        out.append("Nothing is priced: `decisions/config.yaml` has no `costs:` section.\n\n")
    else:
        out.append(f"Cost of ownership over {years(f.horizon)}, in {md_inline(f.currency)} "
                   f"({md_inline(rates_line(f.rates, f.currency))}), of the chosen options of "
                   "accepted records:\n\n")
    out.append(spend_markdown(f.team_totals, f.total, f.horizon))
    if f.costs:
        out += ["\n<details><summary>Records behind the figures</summary>\n\n",
                f"| Record | Status | Chosen | Over {years(f.horizon)} | Cheapest | "
                "Chosen costs more by |\n|---|---|---|--:|---|--:|\n"]
        for rc in f.costs:
            chosen, cheapest = rc.chosen, rc.cheapest
            out.append(f"| {md_inline(short_id(rc.id))} {md_inline(rc.record.title)} | "
                       f"{rc.record.status} | {md_inline(rc.record.decision.chosen)} | "
                       f"{_md_amount(chosen.tco if chosen else None)} | "
                       f"{md_inline(cheapest.name) if cheapest else '-'} | "
                       f"{_md_amount(rc.extra)} |\n")
        out.append("\n</details>\n")
    return "".join(out)


def record_markdown(rc: RecordCosts, currency: str, rates: Rates | None,
                    ranking: Ranking | None) -> str:
    """A record's cost of ownership table and, with scores, its ranking (review report)."""
    out = []
    if rc.costed and rates is not None:
        out.append(f"**Cost of ownership over {years(rc.horizon)}** "
                   f"({md_inline(currency)}; {md_inline(rates_line(rates, currency))}):\n\n")
        out.append("| Option | Approach | " + " | ".join(PART_LABEL[p] for p in PARTS)
                   + " | Total |\n|---|---|" + "--:|" * (len(PARTS) + 1) + "\n")
        for o in rc.options:
            name = md_inline(o.name)
            name = f"**{name}** (chosen)" if o.name == rc.record.decision.chosen else name
            if o.parts is None:
                cells = ["not costed"] + [""] * len(PARTS)
            else:
                note = incomplete(o)
                cells = [money(getattr(o.parts, p)) for p in PARTS]
                cells.append(f"**{money(o.parts.total)}**"
                             + (f" ({md_inline(note)})" if note else ""))
            out.append(f"| {name} | {o.approach} | " + " | ".join(cells) + " |\n")
        words = [verdict(rc, currency), *crossings(rc)]
        out.append("\n" + " ".join(md_inline(w) for w in words if w) + "\n")
    elif rc.costed:
        out.append("**Cost of ownership**: not priced, since `decisions/config.yaml` has no "
                   "`costs:` section.\n")
    if ranking is not None:
        order = ranking.order
        listed = "; ".join(f"{i}. {md_inline(s.name)} {percent(ranking.percent(s))}"
                           for i, s in enumerate(order, 1))
        icon = "⚠️ " if ranking.fragile else ""
        out.append(f"\n**Weighted drivers:** {listed}. {icon}{md_inline(robustness(ranking))}\n")
    return "".join(out)


# --- the record page ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Cell:
    amount: str
    detail: str = ""


@dataclass(frozen=True)
class _Row:
    name: str
    approach: str
    chosen: bool
    cheapest: bool
    cells: list[_Cell]  # one a part; empty: not costed
    total: str
    note: str
    per_year: list[str]


@dataclass(frozen=True)
class _Line:
    css: str  # dr-line-N: its colour and dash pattern
    path: str
    marks: str  # its marker at each point and beside its name, as one path
    label: str
    label_y: int
    full: str  # the name, when the label had to be cut


@dataclass(frozen=True)
class _CostChart:
    id: str
    title: str
    desc: str
    lines: list[_Line]
    ticks: list[tuple[int, str]]  # (y, label)
    years: list[tuple[int, int]]  # (x, year)
    width: int = 700
    height: int = 226
    left: int = 64
    right: int = 470
    top: int = 14
    bottom: int = 196
    label_x: int = 494  # the lines' names, beside their ends


# A marker drawn from a point, one shape a line, so lines differ by more than colour.
MARKERS = ("m-4,-4h8v8h-8z", "m0,-5l5,9h-10z", "m0,-5l5,5l-5,5l-5,-5z", "m-4,-4l8,8m0,-8l-8,8",
           "m-5,0a5,5 0 1,0 10,0a5,5 0 1,0 -10,0")
LINES = 5


def _nice(top: Decimal) -> Decimal:
    """The least of 1, 2, 2.5 or 5 times a power of ten at or above top."""
    if top <= 0:
        return Decimal(1)
    exp = len(str(int(top))) - 1
    for step in (1, 2, Decimal("2.5"), 5, 10):
        v = Decimal(step) * Decimal(10) ** exp
        if v >= top:
            return v
    return Decimal(10) ** (exp + 1)


def short_money(value: Decimal) -> str:
    """An axis label: 175000 -> '175k', 1200000 -> '1.2M'."""
    for size, suffix in ((Decimal(10) ** 9, "G"), (Decimal(10) ** 6, "M"), (Decimal(1000), "k")):
        if value >= size:
            return f"{(value / size).normalize():f}{suffix}"
    return f"{value.normalize():f}"


def year_labels(horizon: int, most: int = 6) -> list[int]:
    """The years named under the chart: all of a short horizon, every few of a long one
    (and the last), so that no two names run into each other."""
    step = -(-horizon // most)
    years = list(range(1, horizon + 1, step))
    if years[-1] != horizon:
        if horizon - years[-1] <= step / 2:
            years.pop()
        years.append(horizon)
    return years


def _clip(name: str, length: int = 28) -> str:
    return name if len(name) <= length else name[: length - 1] + "…"


def _spread(ys: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions near ys, at least gap apart, within low..high, in the same order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    last = low - gap
    for i in order:
        placed[i] = max(ys[i], last + gap)
        last = placed[i]
    over = last - high
    if over > 0:  # pushed past the bottom: move the whole run up
        for i in order:
            placed[i] -= over
    return placed


def cost_chart(rc: RecordCosts, currency: str, chart_id: str) -> _CostChart | None:
    """Each priced option's cumulative cost at the end of each year, as lines; None for
    fewer than two lines, which the cost table says as well."""
    priced = [o for o in rc.options if o.per_year]
    if len(priced) < 2:
        return None
    c = _CostChart(chart_id, "", "", [], [], [])  # for its measures
    h = rc.horizon
    top = _nice(max(v for o in priced for v in o.per_year))
    span_x = c.right - c.left
    span_y = c.bottom - c.top

    def x_of(year: int) -> float:
        return c.left + (span_x / 2 if h == 1 else (year - 1) / (h - 1) * span_x)

    def y_of(value: Decimal) -> float:
        return c.bottom - float(value / top) * span_y

    lines = []
    ends = [y_of(o.per_year[-1]) for o in priced]
    label_ys = _spread(ends, 13, c.top + 4, c.bottom)
    for i, o in enumerate(priced):
        pts = [(round(x_of(k)), round(y_of(v))) for k, v in enumerate(o.per_year, 1)]
        marker = MARKERS[i % len(MARKERS)]
        label_y = round(label_ys[i]) + 4
        chosen = o.name == rc.record.decision.chosen
        label = _clip(o.name) + (" ✓" if chosen else "")
        lines.append(_Line(
            f"dr-line-{i % LINES}",
            "M" + "L".join(f"{x},{y}" for x, y in pts),
            "".join(f"M{x},{y}{marker}" for x, y in [*pts, (c.label_x + 5, label_y - 4)]),
            label, label_y, o.name if _clip(o.name) != o.name else ""))
    ticks = [(round(y_of(v)), short_money(v)) for v in (Decimal(0), top / 2, top)]
    year_marks = [(round(x_of(k)), k) for k in year_labels(h)]
    names = ", ".join(o.name for o in priced)
    return _CostChart(chart_id, f"Cumulative cost of ownership at the end of each year, in "
                  f"{currency} (✓ the chosen option)",
                  f"One line an option: {names}. The table below the chart lists its figures.",
                  lines, ticks, year_marks)


@dataclass(frozen=True)
class CostSection:
    horizon: int
    currency: str
    rates: Rates | None
    rows: list[_Row]
    verdict: str
    crossings: list[str]
    chart: _CostChart | None
    formula: str
    guide_href: str
    priced: bool
    years: list[int] = field(default_factory=list)


def cost_section(entry: Entry, ctx: RenderContext, from_uri: str) -> CostSection | None:
    """A record page's Cost of ownership section; None when no option gives a figure."""
    rc = ctx.decisions.costs.get(entry.id)
    if rc is None or not rc.costed:
        return None
    rates = ctx.config.rates
    currency = ctx.currency
    cheapest = rc.cheapest
    rows = []
    for o in rc.options:
        cells: list[_Cell] = []
        if o.figures is not None:
            f = o.figures
            if o.parts is not None:
                p = o.parts
                cells = [
                    _Cell(money(p.one_off)),
                    _Cell(money(p.build), f"{quantity(f.of('build_person_weeks'))} person-weeks"),
                    _Cell(money(p.upkeep)),
                    _Cell(money(p.licence), f"{money(f.of('licence_per_year'))} a year"),
                    _Cell(money(p.run), f"{quantity(f.of('run_hours_per_month'))} h a month"),
                ]
            else:  # figures without rates: shown as written
                cells = [_Cell(money(f.of("one_off"))),
                         _Cell(f"{quantity(f.of('build_person_weeks'))} person-weeks"),
                         _Cell(""), _Cell(f"{money(f.of('licence_per_year'))} a year"),
                         _Cell(f"{quantity(f.of('run_hours_per_month'))} h a month")]
        rows.append(_Row(o.name, o.approach, o.name == entry.record.decision.chosen,
                         cheapest is not None and o is cheapest and len(rc.options) > 1,
                         cells, "" if o.tco is None else money(o.tco), incomplete(o),
                         [money(v) for v in o.per_year]))
    return CostSection(
        rc.horizon, currency, rates, rows, verdict(rc, currency), crossings(rc),
        cost_chart(rc, currency, "cost-chart") if rates else None,
        formula(rates) if rates else "", ctx.urls.href(from_uri, COSTS_GUIDE_URI),
        rates is not None, list(range(1, rc.horizon + 1)))


@dataclass(frozen=True)
class ScoreSection:
    drivers: list[tuple[str, int, list[str]]]  # name, weight, each option's score ('' none)
    options: list[tuple[str, bool, str, bool]]  # name, chosen, percent, leader
    robustness: str
    fragile: bool


def score_section(entry: Entry, ctx: RenderContext) -> ScoreSection | None:
    ranking = ctx.decisions.rankings.get(entry.id)
    if ranking is None:
        return None
    leaders = set(ranking.leaders)
    chosen = entry.record.decision.chosen
    return ScoreSection(
        [(name, w, ["" if s.scores[i] is None else str(s.scores[i]) for s in ranking.options])
         for i, (name, w) in enumerate(ranking.drivers)],
        [(s.name, s.name == chosen, percent(ranking.percent(s)), s.name in leaders)
         for s in ranking.options],
        robustness(ranking), ranking.fragile)


# --- the /costs/ page ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    label: str
    href: str
    spend: Spend


@dataclass(frozen=True)
class _Listed:
    href: str
    short: str
    title: str
    value: str = ""
    note: str = ""


@dataclass(frozen=True)
class _CostBar:
    label: str
    total: str
    y: str
    segments: list[tuple[str, str, str, str]]  # css, x, width, title
    text_x: str


def _index(ctx: RenderContext, **filters: str) -> str:
    query = "&".join([ctx.filtered("accepted"), *(f"{k}={v}" for k, v in filters.items())])
    return ctx.urls.href(COSTS_URI, INDEX_URI) + "?" + query


def _parts(group: Sequence[RecordCosts]) -> dict[str, Decimal]:
    sums = dict.fromkeys(PARTS, Decimal(0))
    for rc in group:
        chosen = rc.chosen
        if chosen is not None and chosen.parts is not None:
            for p in PARTS:
                sums[p] += getattr(chosen.parts, p)
    return sums


def approach_bars(accepted: Sequence[RecordCosts], currency: str, horizon: int,
                  ) -> tuple[list[_CostBar], str, list[tuple[str, list[str], str]]]:
    """One bar an approach, split into the parts of the sum (where the money goes), its
    description, and the same figures as table rows (approach, parts, total)."""
    sums = {a: _parts([rc for rc in accepted if rc.record.chosen_approach == a])
            for a in APPROACHES}
    totals = {a: sum(s.values(), Decimal(0)) for a, s in sums.items()}
    rows = [(a, [money(sums[a][p]) for p in PARTS], money(totals[a])) for a in APPROACHES]
    top = max(totals.values(), default=Decimal(0))
    if top <= 0:
        return [], "", rows
    bars = []
    left, width = 70, 400
    for i, a in enumerate(APPROACHES):
        x = Decimal(left)
        segments = []
        for p in PARTS:
            v = sums[a][p]
            if v <= 0:
                continue
            w = v / top * width
            segments.append((f"dr-part-{p.replace('_', '-')}", f"{x:.1f}", f"{w:.1f}",
                             f"{a}, {PART_LABEL[p].lower()}: {money(v)} {currency}"))
            x += w
        bars.append(_CostBar(a, money(totals[a]), f"{12 + i * 34}", segments, f"{x + 6:.1f}"))
    desc = "; ".join(f"{a}: {money(totals[a])} {currency} ("
                     + ", ".join(f"{PART_LABEL[p].lower()} {money(sums[a][p])}" for p in PARTS)
                     + ")" for a in APPROACHES)
    return bars, desc + f", over {years(horizon)}. The table below lists the same figures.", rows


def render_costs_page(ctx: RenderContext) -> str:
    d = ctx.decisions
    rates = ctx.config.rates
    priced = rates is not None
    costs = list(d.costs.values())
    accepted = committed(costs)
    horizon = rates.horizon if rates else DEFAULT_HORIZON
    currency = ctx.currency

    def groups(key: str, spends: list[Spend]) -> list[_Group]:
        return [_Group(s.key, _index(ctx, **{key: s.key}), s) for s in spends]

    by_approach = [s for s in by(accepted, lambda rc: rc.record.chosen_approach or "none",
                                 priced) if s.key in APPROACHES]
    years_ = sorted({rc.record.date.year for rc in accepted})
    running = Decimal(0)
    over_time = []
    for year in years_:
        s = total(str(year), [rc for rc in accepted if rc.record.date.year == year], priced)
        running += s.licence_per_year
        over_time.append((_Group(str(year), ctx.urls.href(COSTS_URI, timeline_uri(year)), s),
                          money(running)))
    def record(entry: Entry, value: str = "", note: str = "") -> _Listed:
        return _Listed(ctx.urls.record(COSTS_URI, entry.id), entry.short, entry.record.title,
                       value, note)

    largest = sorted((rc for rc in accepted if rc.chosen and rc.chosen.tco is not None),
                     key=lambda rc: -(rc.chosen.tco or 0) if rc.chosen else 0)[:10]
    not_costed = [rc for rc in accepted if rc.chosen is None or not rc.chosen.costed]
    close = [(rc_id, r) for rc_id, r in d.rankings.items() if r.fragile
             and d.by_id[rc_id].record.means in LIVE]
    bars, bars_desc, part_rows = approach_bars(accepted, currency, horizon)
    return render(
        "costs.html", priced=priced, currency=currency, horizon=horizon,
        rates=rates_line(rates, currency) if rates else "", formula=formula(rates) if rates
        else "", overall=total("", accepted, priced),
        guide_href=ctx.urls.href(COSTS_URI, COSTS_GUIDE_URI),
        json_href=ctx.urls.href(COSTS_URI, COSTS_JSON_URI),
        by_approach=groups("approach", by_approach),
        by_team=groups("team", by(accepted, lambda rc: rc.record.team, priced)),
        by_category=groups("category", by(accepted, lambda rc: rc.record.category, priced)),
        over_time=over_time, bars=bars, bars_desc=bars_desc, part_rows=part_rows,
        part_label=PART_LABEL,
        parts=PARTS, money=money, quantity=quantity,
        largest=[record(rc.entry, money(rc.chosen.tco) if rc.chosen and rc.chosen.tco
                        is not None else "", rc.record.decision.chosen) for rc in largest],
        not_costed=[record(rc.entry, note=rc.record.decision.chosen)
                    for rc in not_costed[:SHOWN]],
        not_costed_count=len(not_costed),
        close=[record(d.by_id[rc_id], note=robustness(r)) for rc_id, r in close[:SHOWN]],
        close_count=len(close))


def render_costs_json(ctx: RenderContext) -> str:
    """/costs.json: what `decisions costs --format json` prints, one record a line."""
    d = ctx.decisions
    rates = ctx.config.rates
    data = as_dict(list(d.costs.values()), sorted({t.name for t in ctx.config.teams}),
                   ctx.currency, rates.horizon if rates else DEFAULT_HORIZON, rates is not None)
    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    records = data["records"]
    assert isinstance(records, list)
    return (f'{{"currency":{compact(data["currency"])},"horizon_years":{data["horizon_years"]},'
            '"records":[\n' + ",\n".join(compact(r) for r in records) + "\n],"
            f'"teams":{compact(data["teams"])},"total":{compact(data["total"])}}}\n')
