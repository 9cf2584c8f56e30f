"""Validation rules that read the signals snapshot (never the network)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import LIVE
from ..refs import label_of
from ..signals.maturity import OptionVerdict, cycle_of, until
from .base import Context


def _verdict(ctx: Context, packages: list[str]) -> OptionVerdict | None:
    return ctx.verdicts.option(packages)


def package_not_found(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        for i, option in enumerate(e.record.options):
            for j, ref in enumerate(option.packages):
                entry = ctx.snapshot.get(ref)
                # only a real 404 counts: an unreachable registry proves nothing
                if entry is None or entry.status != "not-found":
                    continue
                when = entry.fetched.date().isoformat() if entry.fetched else "the last run"
                yield ctx.report(
                    "package-not-found", e.path, ("options", i, "packages", j),
                    f"{ref} does not exist on {label_of(ref)} (HTTP 404 on {when}); "
                    "check the spelling or remove the reference, then run "
                    f"`decisions enrich {ref}`")


def tokens_below_signals(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        if e.record.means not in LIVE:
            continue  # history: a rejected or retired record spends nothing
        for i, option in enumerate(e.record.options):
            verdict = _verdict(ctx, option.packages)
            if verdict is None or verdict.tokens is None:
                continue
            if option.innovation_tokens < verdict.tokens:
                declared = option.innovation_tokens
                yield ctx.report(
                    "tokens-below-signals", e.path, ("options", i, "innovation_tokens"),
                    f"'{option.name}' declares {declared} innovation token"
                    f"{'s' * (declared != 1)} but its signals suggest {verdict.tokens} "
                    f"({verdict.category}: {'; '.join(verdict.reasons)}); raise "
                    "innovation_tokens, or, if the team knows it well, waive the rule for this "
                    "record in `waivers` with the reason")


def risky_choice(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        chosen = e.record.chosen
        if e.record.means not in LIVE or chosen is None:
            continue
        verdict = _verdict(ctx, chosen.packages)
        if verdict is not None and verdict.category == "risky" and any(
                v.flags != ("end-of-life",) for v in verdict.packages if v.category == "risky"):
            # a cycle past its end of life alone is the end-of-life rule's to say
            yield ctx.report(
                "risky-choice", e.path, ("decision", "chosen"),
                f"'{chosen.name}' is classified risky ({'; '.join(verdict.reasons)}); revisit "
                "the decision, or accept the risk in `waivers` with the reason")


def end_of_life(ctx: Context) -> Iterator[Finding | None]:
    """An accepted record whose chosen option names a product cycle past its end of life, or
    a proposed one that would choose such a cycle."""
    for e in ctx.entries:
        chosen = e.record.chosen
        if e.record.means not in LIVE or chosen is None:
            continue
        i = next(n for n, o in enumerate(e.record.options) if o is chosen)
        for j, ref in enumerate(chosen.packages):
            held = ctx.snapshot.get(ref)
            cycle = cycle_of(held.signals) if held and held.status == "ok" else None
            if cycle is None or not cycle.has_ended(ctx.today):
                continue
            verb = "chose" if e.record.means == "accepted" else "would choose"
            what = (f"reached its end of life on {cycle.eol.isoformat()} "
                    f"({until(cycle.eol, ctx.today)})" if cycle.eol
                    else "has reached its end of life")
            yield ctx.report(
                "end-of-life", e.path, ("options", i, "packages", j),
                f"'{chosen.name}' {verb} {ref}, and {cycle.name} {what}; move to a supported "
                "cycle (a new record that supersedes this one), or accept the risk in "
                "`waivers` with the reason")
