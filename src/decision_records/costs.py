"""Cost of ownership and weighted scores, worked out from the records alone (no I/O).

The cost of ownership of an option over a horizon of H years is

    one_off + build_person_weeks * person_week * (1 + build_upkeep * (H - 1))
            + licence_per_year * H + run_hours_per_month * 12 * H * run_hour

and at the end of year k the same sum with k for H: the one-off fees and the build fall in
year 1, the upkeep of what was built in every later year. The arithmetic is decimal and
exact: a figure YAML read as a float (0.2) is taken as the digits written (Decimal('0.2'),
not its binary neighbour), and no sum or product is rounded (every figure is bounded by the
model, and the context keeps 60 digits); figures are rounded to the cent only when shown.
Weighted scores are fractions, exact too, so "less than 10 points apart" means what it says.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from .model import Entry, Option, Record

FIGURES = ("one_off", "licence_per_year", "build_person_weeks", "run_hours_per_month")
# Figures an option needs for its total to be complete; one_off is often rightly absent.
REQUIRED = FIGURES[1:]
PARTS = ("one_off", "build", "upkeep", "licence", "run")
DEFAULT_HORIZON = 3  # years, when config.yaml does not say
CLOSE = 10  # points: a winner less than this far ahead of the second is fragile
TOP_SCORE = 5

# Products of three bounded figures of up to 17 digits each never need more than 60.
_CONTEXT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN,
                           traps=[decimal.InvalidOperation, decimal.Overflow,
                                  decimal.DivisionByZero])
CENT = Decimal("0.01")
ZERO = Decimal(0)


def exact(value: float | int) -> Decimal:
    """A figure as written: a float by its shortest round-trip digits (0.2 -> 0.2)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def rounded(value: Decimal) -> Decimal:
    """To the cent, halves away from zero, as people round money."""
    return value.quantize(CENT, rounding=decimal.ROUND_HALF_UP, context=_CONTEXT)


def money(value: Decimal) -> str:
    """12400 -> '12,400'; 12400.5 -> '12,400.50': whole amounts without cents."""
    r = rounded(value)
    return f"{r:,.0f}" if r == r.to_integral_value() else f"{r:,.2f}"


def quantity(value: Decimal) -> str:
    """Person-weeks or hours as written: 4 -> '4', 0.5 -> '0.5', 12000 -> '12,000'."""
    r = value.normalize(_CONTEXT)
    return f"{r:,.0f}" if r == r.to_integral_value() else f"{r:,f}"


def number(value: Decimal | None) -> int | float | None:
    """A figure for JSON: whole amounts as integers, the rest to the cent."""
    if value is None:
        return None
    r = rounded(value)
    return int(r) if r == r.to_integral_value() else float(r)


@dataclass(frozen=True)
class Rates:
    """The organisation's rates (config.yaml `costs:`), exact."""

    person_week: Decimal
    run_hour: Decimal
    horizon: int
    upkeep: Decimal

    @classmethod
    def of(cls, person_week: float, run_hour: float, horizon: int, upkeep: float) -> Rates:
        return cls(exact(person_week), exact(run_hour), horizon, exact(upkeep))

    def over(self, horizon: int) -> Rates:
        return replace(self, horizon=horizon)


@dataclass(frozen=True)
class CostFigures:
    """What a record says an option costs (None: left out)."""

    one_off: Decimal | None
    licence_per_year: Decimal | None
    build_person_weeks: Decimal | None
    run_hours_per_month: Decimal | None

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(f for f in REQUIRED if getattr(self, f) is None)

    @property
    def complete(self) -> bool:
        return not self.missing

    def of(self, name: str) -> Decimal:
        value: Decimal | None = getattr(self, name)
        return ZERO if value is None else value


def figures_of(option: Option) -> CostFigures | None:
    """The option's figures, or None when it gives none: it is not costed (not free)."""
    cost = option.cost
    if cost is None:
        return None
    values = [getattr(cost, f) for f in FIGURES]
    if all(v is None for v in values):
        return None
    return CostFigures(*(None if v is None else exact(v) for v in values))


@dataclass(frozen=True)
class Parts:
    """Each part of the sum over the horizon, in the currency."""

    one_off: Decimal
    build: Decimal  # the build itself, in year 1
    upkeep: Decimal  # the share of it spent again in each later year
    licence: Decimal
    run: Decimal

    @property
    def total(self) -> Decimal:
        return _CONTEXT.add(_CONTEXT.add(_CONTEXT.add(self.one_off, self.build),
                                         _CONTEXT.add(self.upkeep, self.licence)), self.run)


@dataclass(frozen=True)
class Ownership:
    """One option's cost of ownership over the horizon."""

    name: str
    approach: str
    figures: CostFigures | None  # None: not costed
    parts: Parts | None  # None: not costed, or no rates to price it with
    per_year: tuple[Decimal, ...]  # the cumulative cost at the end of each year

    @property
    def costed(self) -> bool:
        return self.figures is not None

    @property
    def complete(self) -> bool:
        return self.figures is not None and self.figures.complete

    @property
    def tco(self) -> Decimal | None:
        return None if self.parts is None else self.parts.total


def ownership(option: Option, rates: Rates | None) -> Ownership:
    figures = figures_of(option)
    if figures is None or rates is None:
        return Ownership(option.name, option.approach, figures, None, ())
    c = _CONTEXT
    h = Decimal(rates.horizon)
    build = c.multiply(figures.of("build_person_weeks"), rates.person_week)
    upkeep_a_year = c.multiply(build, rates.upkeep)
    licence = figures.of("licence_per_year")
    run_a_year = c.multiply(c.multiply(figures.of("run_hours_per_month"), Decimal(12)),
                            rates.run_hour)
    one_off = figures.of("one_off")
    parts = Parts(one_off, build, c.multiply(upkeep_a_year, h - 1), c.multiply(licence, h),
                  c.multiply(run_a_year, h))
    # the end of year k: one_off + build + (k - 1) * upkeep + k * (licence + run)
    first = c.add(c.add(one_off, build), c.add(licence, run_a_year))
    slope = c.add(upkeep_a_year, c.add(licence, run_a_year))
    per_year = [first]
    for _ in range(1, rates.horizon):
        per_year.append(c.add(per_year[-1], slope))
    return Ownership(option.name, option.approach, figures, parts, tuple(per_year))


def break_even(a: Sequence[Decimal], b: Sequence[Decimal]) -> int | None:
    """The first year end at which the option cheaper at the end of year 1 costs as much as
    the other or more; None when they do not cross within the horizon (or start equal).
    Both lines are straight after year 1, so they cross at most once."""
    if not a or not b or a[0] == b[0]:
        return None
    first_a = a[0] < b[0]
    for year, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        if (x >= y) if first_a else (y >= x):
            return year
    return None


@dataclass(frozen=True)
class Crossing:
    """Where another option's cumulative cost crosses the chosen one's."""

    other: str
    year: int
    chosen_cheaper_first: bool


@dataclass(frozen=True)
class RecordCosts:
    """A record's options over the horizon, and what the comparison says."""

    entry: Entry
    options: tuple[Ownership, ...]
    horizon: int

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def record(self) -> Record:
        return self.entry.record

    @property
    def chosen(self) -> Ownership | None:
        name = self.record.decision.chosen
        return next((o for o in self.options if o.name == name), None)

    @property
    def priced(self) -> bool:
        """Whether any option has a cost of ownership (figures, and rates to price them)."""
        return any(o.tco is not None for o in self.options)

    @property
    def costed(self) -> bool:
        """Whether any option gives figures."""
        return any(o.costed for o in self.options)

    @property
    def cheapest(self) -> Ownership | None:
        """The priced option that costs least over the horizon (the first of equals)."""
        priced = [o for o in self.options if o.tco is not None]
        return min(priced, key=lambda o: o.tco or ZERO) if priced else None

    @property
    def extra(self) -> Decimal | None:
        """What the chosen option costs beyond the cheapest over the horizon (0 when it is
        the cheapest), or None when the chosen option is not priced."""
        chosen, cheapest = self.chosen, self.cheapest
        if chosen is None or chosen.tco is None or cheapest is None or cheapest.tco is None:
            return None
        return _CONTEXT.subtract(chosen.tco, cheapest.tco)

    def as_dict(self) -> dict[str, object]:
        cheapest = self.cheapest
        return {"id": self.id, "team": self.record.team, "status": self.record.status,
                "means": self.record.means, "chosen": self.record.decision.chosen,
                "cheapest": cheapest.name if cheapest else None,
                "options": [{"name": o.name, "approach": o.approach, "tco": number(o.tco),
                             "per_year": [number(v) for v in o.per_year],
                             "complete": o.complete} for o in self.options]}

    def crossings(self) -> list[Crossing]:
        """Each priced option whose cumulative cost crosses the chosen one's in the horizon."""
        chosen = self.chosen
        if chosen is None or not chosen.per_year:
            return []
        out = []
        for o in self.options:
            if o is chosen or not o.per_year:
                continue
            year = break_even(chosen.per_year, o.per_year)
            if year is not None:
                out.append(Crossing(o.name, year, chosen.per_year[0] < o.per_year[0]))
        return out


def record_costs(entry: Entry, rates: Rates | None, horizon: int) -> RecordCosts:
    return RecordCosts(entry, tuple(ownership(o, rates) for o in entry.record.options),
                       horizon)


def costs_of(entries: Iterable[Entry], rates: Rates | None,
             horizon: int | None = None) -> dict[str, RecordCosts]:
    """Record id -> its costs, over the rates' horizon or the one given."""
    if rates is not None and horizon is not None:
        rates = rates.over(horizon)
    h = rates.horizon if rates is not None else horizon or DEFAULT_HORIZON
    return {e.id: record_costs(e, rates, h) for e in entries}


# --- what the organisation committed to ---------------------------------------------------


@dataclass(frozen=True)
class Spend:
    """The chosen options of a group of accepted records, summed."""

    key: str
    licence_per_year: Decimal
    build_person_weeks: Decimal
    run_hours_per_month: Decimal
    tco: Decimal | None  # None when nothing in the group is priced
    records: int
    not_costed: int  # records whose chosen option gives no figures

    def as_dict(self, key_name: str) -> dict[str, object]:
        out: dict[str, object] = {key_name: self.key} if key_name else {}
        out.update({"licence_per_year": number(self.licence_per_year),
                    "build_person_weeks": number(self.build_person_weeks),
                    "run_hours_per_month": number(self.run_hours_per_month),
                    "tco": number(self.tco)})
        return out


def committed(costs: Iterable[RecordCosts]) -> list[RecordCosts]:
    """Accepted records: what the organisation pays for and runs now."""
    return [c for c in costs if c.record.means == "accepted"]


def total(key: str, group: Iterable[RecordCosts], priced: bool = True) -> Spend:
    """The chosen options of the group summed; `priced`: whether rates price them (else the
    total cost of ownership is None)."""
    c = _CONTEXT
    licence = build = run = tco = ZERO
    records = not_costed = 0
    for rc in group:
        records += 1
        chosen = rc.chosen
        if chosen is None or chosen.figures is None:
            not_costed += 1
            continue
        f = chosen.figures
        licence = c.add(licence, f.of("licence_per_year"))
        build = c.add(build, f.of("build_person_weeks"))
        run = c.add(run, f.of("run_hours_per_month"))
        if chosen.tco is not None:
            tco = c.add(tco, chosen.tco)
    return Spend(key, licence, build, run, tco if priced else None, records, not_costed)


def by(costs: Iterable[RecordCosts], key: Callable[[RecordCosts], str], priced: bool = True,
       keys: Iterable[str] = ()) -> list[Spend]:
    """The totals of each group, in the order of their keys; `keys` listed even when empty."""
    groups: dict[str, list[RecordCosts]] = {k: [] for k in keys}
    for rc in costs:
        groups.setdefault(key(rc), []).append(rc)
    return [total(k, groups[k], priced) for k in sorted(groups)]


def as_dict(costs: Sequence[RecordCosts], teams: Sequence[str], currency: str, horizon: int,
            priced: bool) -> dict[str, object]:
    """`decisions costs --format json` and /costs.json: every record's options, then what
    the accepted records' chosen options add up to, by team and in all (of those listed)."""
    accepted = committed(costs)
    return {
        "currency": currency, "horizon_years": horizon,
        "records": [rc.as_dict() for rc in costs],
        "teams": [s.as_dict("team") for s in by(accepted, lambda rc: rc.record.team, priced,
                                                 teams)],
        "total": total("", accepted, priced).as_dict(""),
    }


# --- weighted drivers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One option against the weighted drivers."""

    name: str
    scores: tuple[int | None, ...]  # per weighted driver; None: not scored
    points: int  # the sum of weight * score

    def percent(self, most: int) -> Fraction:
        return Fraction(100 * self.points, most) if most else Fraction(0)


@dataclass(frozen=True)
class Flip:
    """A change of one score by one that changes the winner."""

    option: str
    driver: str
    before: int
    after: int
    winner: str  # the option ahead (or level with the old winner) after the change
    tie: bool

    def sentence(self) -> str:
        verb = "raising" if self.after > self.before else "lowering"
        what = (f"makes {self.winner} tie with the winner" if self.tie
                else f"makes {self.winner} the winner")
        return (f"{verb} {self.option}'s score for '{self.driver}' from {self.before} to "
                f"{self.after} {what}")


@dataclass(frozen=True)
class Ranking:
    """The options scored against the weighted drivers, best first."""

    drivers: tuple[tuple[str, int], ...]  # (name, weight)
    options: tuple[Scored, ...]  # in the record's order

    @property
    def most(self) -> int:
        """The points of an option scored 5 on every driver."""
        return TOP_SCORE * sum(w for _, w in self.drivers)

    @property
    def order(self) -> list[Scored]:
        return sorted(self.options, key=lambda s: -s.points)

    def percent(self, s: Scored) -> Fraction:
        return s.percent(self.most)

    @property
    def leaders(self) -> list[str]:
        """The options with the most points: one, or several level at the top."""
        best = max(s.points for s in self.options)
        return [s.name for s in self.options if s.points == best]

    @property
    def gap(self) -> Fraction:
        """Points (of 100) between the first and the second."""
        first, second = self.order[:2]
        return self.percent(first) - self.percent(second)

    @property
    def close(self) -> bool:
        return self.gap < CLOSE

    @property
    def flip(self) -> Flip | None:
        """The first single change of a score by one (within 0 to 5) that puts another
        option ahead of the winner, else one that levels them; None when none does.

        Only two kinds of change can: raising another option's score, or lowering the
        winner's; each is one comparison, so the search is linear in the scores.
        """
        order = self.order
        top, rest = order[0], order[1:]
        ties: list[Flip] = []
        for o in rest:
            for (driver, w), s in zip(self.drivers, o.scores, strict=True):
                if s is not None and s < TOP_SCORE and o.points + w >= top.points:
                    flip = Flip(o.name, driver, s, s + 1, o.name, o.points + w == top.points)
                    if not flip.tie:
                        return flip
                    ties.append(flip)
        runner = rest[0]
        for (driver, w), s in zip(self.drivers, top.scores, strict=True):
            if s is not None and s > 0 and top.points - w <= runner.points:
                flip = Flip(top.name, driver, s, s - 1, runner.name,
                            top.points - w == runner.points)
                if not flip.tie:
                    return flip
                ties.append(flip)
        return ties[0] if ties else None

    @property
    def fragile(self) -> bool:
        return self.close or self.flip is not None


def rank(record: Record) -> Ranking | None:
    """The ranking of a record whose options are scored against weighted drivers; None when
    it has no weighted driver or no option carries a score. A missing score counts as 0;
    a score for a driver that is not a weighted driver of the record is left out (the
    driver-score rule reports it)."""
    weighted = record.weighted
    if not weighted or not any(o.scores for o in record.options):
        return None
    drivers = tuple((d.name, d.weight) for d in weighted)
    options = []
    for o in record.options:
        scores = tuple(o.scores.get(name) for name, _ in drivers)
        points = sum(w * (s or 0) for (_, w), s in zip(drivers, scores, strict=True))
        options.append(Scored(o.name, scores, points))
    return Ranking(drivers, tuple(options))


def points(value: Fraction) -> str:
    """A share of 100 to one decimal, halves up: 265/4 -> '66.3'."""
    exact_value = _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    return f"{exact_value.quantize(Decimal('0.1'), rounding=decimal.ROUND_HALF_UP):f}"


def percent(value: Fraction) -> str:
    """265/4 -> '66.3 %'."""
    return f"{points(value)} %"
