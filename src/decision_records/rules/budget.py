"""The innovation-token budget rules: they read the ledger the records add up to."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import short_id
from .base import Context


def budgets(ctx: Context) -> Iterator[Finding | None]:
    by_id = ctx.decisions.by_id
    for team in ctx.ledger.teams:
        spending = [line for line in team.lines if line.effect == "spent"]
        if team.overdrawn:
            names = ", ".join(short_id(line.id) for line in spending)
            last = by_id[spending[-1].id]
            yield ctx.report("budget-overdrawn", last.path, ("team",),
                             f"team {team.team} spends {team.spent} innovation tokens but has "
                             f"{team.budget} (records {names}); release tokens, supersede a "
                             "record, or raise the team's budget in config.yaml")
        for line in team.lines:
            if line.effect == "pending" and team.spent + line.tokens > team.budget:
                over = team.spent + line.tokens - team.budget
                yield ctx.report("budget-proposal", by_id[line.id].path, ("decision", "chosen"),
                                 f"accepting this would spend {line.tokens} token"
                                 f"{'s' * (line.tokens != 1)} and overdraw team {team.team} by "
                                 f"{over} ({team.remaining} of {team.budget} left)")
        if team.default_budget and team.lines:
            first = by_id[team.lines[0].id]
            yield ctx.report("budget-default", first.path, ("team",),
                             f"team {team.team} has no token budget in config.yaml; using "
                             f"default_tokens ({team.budget})")
