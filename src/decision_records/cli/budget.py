"""`decisions budget`: innovation tokens per team, and the records behind every figure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from ..ledger import Ledger, TeamBudget
from ..render.budget import as_markdown, as_text
from .common import Exit2, Outcome, Shown, formats, open_decisions


@dataclass(frozen=True)
class BudgetFigures:
    ledger: Ledger
    teams: list[TeamBudget]
    errors: int  # records left out because they did not load


def _note(f: BudgetFigures) -> str:
    if not f.errors:
        return ""
    return (f"note: {f.errors} record error(s) left out records that do not load; "
            "run `decisions validate`\n")


def text(f: BudgetFigures) -> Shown:
    return Shown(as_text(f.ledger, f.teams), _note(f))


def markdown(f: BudgetFigures) -> Shown:
    return Shown(as_markdown(f.ledger, f.teams), _note(f))


def json_(f: BudgetFigures) -> Shown:
    return Shown(json.dumps(f.ledger.as_dict(f.teams), indent=2) + "\n", _note(f))


@click.command()
@click.option("--team", help="Only this team.")
@formats("markdown fits a pull-request comment.", text=text, json=json_, markdown=markdown)
@click.pass_obj
def budget(root: Path, team: str | None) -> Outcome:
    """Innovation tokens per team: budget, spent, pending, released, remaining.

    Worked out from the records exactly as the site's Innovation tokens page explains under
    "How tokens are counted". Lists the records behind every figure.

    Exit status: 0, or 1 when a team has spent more than its budget.
    """
    decisions = open_decisions(root)
    ledger = decisions.ledger
    teams = list(ledger.teams)
    if team is not None:
        teams = [t for t in teams if t.team == team]
        if not teams:
            known = ", ".join(t.team for t in ledger.teams) or "none"
            raise Exit2(f"no team '{team}'; teams: {known}")
    errors = [f for f in decisions.errors if f.rule != "budget-overdrawn"]
    return Outcome(BudgetFigures(ledger, teams, len(errors)),
                   1 if any(t.overdrawn for t in teams) else 0)
