"""Validation rules that read the signals snapshot (never the network).

Importing this module registers the rules and checks (as policies.py does). A check does
nothing until the loader puts a snapshot on the context.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import LIVE
from ..rules import Check, Context, Rule, register
from .maturity import SOURCE, OptionVerdict, assess_option
from .snapshot import Snapshot

RULES = [
    Rule("signals-snapshot", "error",
         "decisions/signals.json is readable JSON in the snapshot format.", False),
    Rule("package-not-found", "error",
         "Every package reference exists: the registry did not answer 404 for it."),
    Rule("tokens-below-signals", "warning",
         "An option spends at least the innovation tokens its maturity signals suggest."),
    Rule("risky-choice", "warning",
         "The chosen option of a live record is not classified risky by its signals."),
]


def _verdict(ctx: Context, snapshot: Snapshot, packages: list[str]) -> OptionVerdict | None:
    """The maturity of a set of packages, worked out once per run (records share them)."""
    key = ("maturity", tuple(packages))
    if key not in ctx.cache:
        ctx.cache[key] = assess_option(packages, snapshot, ctx.config.signals.thresholds,
                                       ctx.today)
    verdict: OptionVerdict | None = ctx.cache[key]
    return verdict


def _snapshot(ctx: Context) -> Snapshot | None:
    return ctx.snapshot if isinstance(ctx.snapshot, Snapshot) else None


def package_not_found(ctx: Context) -> Iterator[Finding | None]:
    snapshot = _snapshot(ctx)
    if snapshot is None:
        return
    for e in ctx.entries:
        for i, option in enumerate(e.record.options):
            for j, ref in enumerate(option.packages):
                entry = snapshot.get(ref)
                # only a real 404 counts: an unreachable registry proves nothing
                if entry is None or entry.status != "not-found":
                    continue
                kind = ref.partition(":")[0]
                when = entry.fetched.date().isoformat() if entry.fetched else "the last run"
                yield ctx.report(
                    "package-not-found", e.path, ("options", i, "packages", j),
                    f"{ref} does not exist on {SOURCE.get(kind, kind)} (HTTP 404 on {when}); "
                    "check the spelling or remove the reference, then run "
                    f"`decisions enrich {ref}`")


def tokens_below_signals(ctx: Context) -> Iterator[Finding | None]:
    snapshot = _snapshot(ctx)
    if snapshot is None:
        return
    for e in ctx.entries:
        if e.record.status not in LIVE:
            continue  # history: a rejected or retired record spends nothing
        for i, option in enumerate(e.record.options):
            verdict = _verdict(ctx, snapshot, option.packages)
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
    snapshot = _snapshot(ctx)
    if snapshot is None:
        return
    for e in ctx.entries:
        chosen = e.record.chosen
        if e.record.status not in LIVE or chosen is None:
            continue
        verdict = _verdict(ctx, snapshot, chosen.packages)
        if verdict is not None and verdict.category == "risky":
            yield ctx.report(
                "risky-choice", e.path, ("decision", "chosen"),
                f"'{chosen.name}' is classified risky ({'; '.join(verdict.reasons)}); revisit "
                "the decision, or accept the risk in `waivers` with the reason")


CHECKS: list[Check] = [package_not_found, tokens_below_signals, risky_choice]
register(RULES, CHECKS)
