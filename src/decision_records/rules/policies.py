"""Policy rules from "Production Oriented Development" and "Choose Boring Technology".

Each rule has a page in docs/rules/ with an example (the list is in rules/__init__.py); its
severity is set in decisions/config.yaml under `rules:`. They apply to records that
are in force or proposed: a rejected or retired record is history, not a plan.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..costs import RecordCosts, money
from ..findings import Finding
from ..model import LIVE
from ..review import due
from .base import Context


def cheaper_product(rc: RecordCosts | None, currency: str) -> str:
    """'; 'X' (buy) costs 12,400 USD less over 3 years' for the cheapest buy or adopt option
    that costs less than the chosen one over the horizon, else ''."""
    chosen = rc.chosen if rc else None
    if rc is None or chosen is None or chosen.tco is None:
        return ""
    products = [o for o in rc.options if o.approach in ("buy", "adopt") and o.tco is not None
                and o.tco < chosen.tco]
    if not products:
        return ""
    best = min(products, key=lambda o: o.tco or 0)
    assert best.tco is not None
    return (f"; '{best.name}' ({best.approach}) costs {money(chosen.tco - best.tco)} "
            f"{currency} less over {rc.horizon} year{'s' * (rc.horizon != 1)}")


def buy_before_build(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        r, chosen = e.record, e.record.chosen
        if r.means not in LIVE or chosen is None or chosen.approach != "build":
            continue
        cheaper = cheaper_product(ctx.decisions.costs_for(e), ctx.config.currency)
        if r.core:
            # the business's own capability may be built, unless a product is cheaper and
            # the record does not say why it will not do
            if cheaper and not r.decision.why_not_buy:
                yield ctx.report("buy-before-build", e.path, ("decision", "chosen"),
                                 f"'{chosen.name}' is built{cheaper}: say in "
                                 "decision.why_not_buy why the product will not do")
            continue
        if not any(o.approach in ("buy", "adopt") for o in r.options):
            yield ctx.report("buy-before-build", e.path, ("options",),
                             "building a capability that is not core needs at least one buy or "
                             "adopt option considered; add one (or set core: true)")
        if not r.decision.why_not_buy:
            yield ctx.report("buy-before-build", e.path, ("decision", "chosen"),
                             f"'{chosen.name}' builds a capability that is not core{cheaper}: "
                             "say in decision.why_not_buy why no product can be bought or "
                             "adopted")


def boring_first(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        r = e.record
        if r.means not in LIVE:
            continue
        for i, o in enumerate(r.options):
            if o.innovation_tokens == 0 or o.name != r.decision.chosen:
                continue
            missing = [f for f in ("why_not_existing_stack", "replaces") if not getattr(o, f)]
            if missing:
                yield ctx.report(
                    "boring-first", e.path, ("options", i, "innovation_tokens"),
                    f"'{o.name}' spends {o.innovation_tokens} innovation token"
                    f"{'s' * (o.innovation_tokens != 1)}: add {' and '.join(missing)} (what would "
                    "it take to do this with what we already run, and what does it replace?)")


def operate_what_you_own(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        r, chosen = e.record, e.record.chosen
        runs_it = chosen is not None and chosen.approach in ("adopt", "build")
        if r.means == "accepted" and chosen and runs_it and not r.on_call:
            yield ctx.report("operate-what-you-own", e.path, ("team",),
                             f"'{chosen.name}' is run by us ({chosen.approach}): name who is "
                             f"paged when it breaks in on_call (team {r.team} owns it)")


def exit_plan(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        r, chosen = e.record, e.record.chosen
        if (r.means == "accepted" and chosen and chosen.approach == "buy"
                and not r.decision.exit_plan):
            yield ctx.report("exit-plan", e.path, ("decision", "chosen"),
                             f"'{chosen.name}' is bought: say in decision.exit_plan how we would "
                             "leave the vendor")


def review_due(ctx: Context) -> Iterator[Finding | None]:
    """The records the review lists as due (review.due), one finding each."""
    for d in due(ctx.decisions, ctx.today):
        if d.review_by <= d.entry.record.date:
            continue  # a review_by before the record's own date is a review-date error
        yield ctx.report("review-due", d.entry.path, ("review_by",),
                         f"review was due on {d.review_by} ({d.days} day{'s' * (d.days != 1)} "
                         "ago): revisit the decision, then set a new review_by or change its "
                         "status")
