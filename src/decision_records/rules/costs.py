"""The rules about the numbers of a choice: weighted scores and the cost of ownership.

The scores are a record's own (options' `scores` against its weighted drivers); the costs
need the organisation's rates (`costs:` in config.yaml), so without them no cost rule
fires. The rankings and costs come from `Decisions`, worked out once for every consumer.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..costs import Ranking, figures_of, percent, points
from ..findings import Finding
from ..model import LIVE, Driver
from .base import Context, closest


def driver_scores(ctx: Context) -> Iterator[Finding | None]:
    """Scores name weighted drivers of the record; weighted drivers have different names."""
    for e in ctx.entries:
        r = e.record
        weighted: set[str] = set()
        for i, d in enumerate(r.drivers):
            if isinstance(d, Driver):
                if d.name in weighted:
                    yield ctx.report("driver-score", e.path, ("drivers", i, "name"),
                                     f"'{d.name}' is listed twice as a weighted driver; give "
                                     "each a name of its own")
                weighted.add(d.name)
        texts = {d for d in r.drivers if isinstance(d, str)}
        for i, o in enumerate(r.options):
            for name in o.scores:
                if name in weighted:
                    continue
                if name in texts:
                    why = ("is a driver without a weight: write it as {name: ..., weight: 1 to "
                           "5} to score options against it")
                elif weighted:
                    listed = ", ".join(f"'{w}'" for w in sorted(weighted))
                    why = (f"is not a weighted driver of this record (they are {listed})"
                           + closest(name, sorted(weighted)))
                else:
                    why = ("is not a driver of this record: list it under drivers as {name: "
                           "..., weight: 1 to 5}")
                yield ctx.report("driver-score", e.path, ("options", i, "scores", name),
                                 f"'{name}' {why}")


def scores_incomplete(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        ranking = ctx.decisions.rankings.get(e.id)
        if ranking is None:
            continue
        for i, s in enumerate(ranking.options):
            missing = [name for (name, _), v in zip(ranking.drivers, s.scores, strict=True)
                       if v is None]
            if missing:
                where = ("options", i, "scores") if e.record.options[i].scores else (
                    "options", i, "name")
                names = ", ".join(f"'{m}'" for m in missing)
                yield ctx.report("scores-incomplete", e.path, where,
                                 f"'{s.name}' has no score for {names}, which counts as 0; "
                                 "score it from 0 to 5 against every weighted driver")


def chosen_not_top_scored(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        ranking = ctx.decisions.rankings.get(e.id)
        if ranking is None or e.record.means not in LIVE:
            continue
        chosen = next((s for s in ranking.options if s.name == e.record.decision.chosen), None)
        leaders = ranking.leaders
        if chosen is None or chosen.name in leaders:
            continue
        best = next(s for s in ranking.options if s.name == leaders[0])
        yield ctx.report(
            "chosen-not-top-scored", e.path, ("decision", "chosen"),
            f"'{chosen.name}' scores {percent(ranking.percent(chosen))} against the weighted "
            f"drivers, '{best.name}' {percent(ranking.percent(best))}: say in the rationale "
            "why it is chosen all the same and waive this rule for the record, or correct "
            "the scores")


def fragile_winner(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        ranking = ctx.decisions.rankings.get(e.id)
        if ranking is None or e.record.means not in LIVE or not ranking.fragile:
            continue
        yield ctx.report("fragile-winner", e.path, ("drivers",),
                         fragility(ranking) + "; check the weights and scores, and say in the "
                         "rationale why the choice holds")


def fragility(ranking: Ranking) -> str:
    """Why a winner is fragile, in words: how close the second is, and the change of one
    score that would change the winner."""
    first, second = ranking.order[:2]
    parts = []
    if first.points == second.points:
        parts.append(f"'{first.name}' and '{second.name}' are level at "
                     f"{percent(ranking.percent(first))}")
    elif ranking.close:
        parts.append(f"'{first.name}' leads '{second.name}' by {points(ranking.gap)} points "
                     f"of 100 ({percent(ranking.percent(first))} against "
                     f"{percent(ranking.percent(second))}), less than 10")
    flip = ranking.flip
    if flip is not None:
        parts.append(flip.sentence())
    return "; ".join(parts)


def not_costed(ctx: Context) -> Iterator[Finding | None]:
    """An accepted record's chosen buy or build option gives no cost figures."""
    if ctx.config.rates is None:
        return
    for e in ctx.entries:
        r, chosen = e.record, e.record.chosen
        if r.means != "accepted" or chosen is None or chosen.approach not in ("buy", "build"):
            continue
        if figures_of(chosen) is not None:  # not the whole costs of every record, in validate
            continue
        i = r.options.index(chosen)
        verb = "is bought" if chosen.approach == "buy" else "is built"
        yield ctx.report("not-costed", e.path,
                         ("options", i, "cost") if chosen.cost else ("options", i, "name"),
                         f"'{chosen.name}' {verb} but gives no cost figures: add its cost "
                         "(licence_per_year, build_person_weeks, run_hours_per_month, and "
                         "one_off where it applies) so its cost of ownership can be counted")
