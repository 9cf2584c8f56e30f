"""`decisions costs`: the cost of ownership of every record's options, and what the accepted
records' chosen options add up to, by team."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..costs import DEFAULT_HORIZON, costs_of
from ..render.costs import CostsView, as_markdown, as_text
from ..settings.costs import MAX_HORIZON
from .common import Exit2, Outcome, Shown, formats, open_decisions


def _note(f: CostsView) -> str:
    notes = []
    if f.rates is None:
        notes.append("note: decisions/config.yaml has no costs: section, so nothing is "
                     "priced; add person_week and run_hour under costs: to compare options")
    if f.errors:
        notes.append(f"note: {f.errors} record error(s) left out records that do not load; "
                     "run `decisions validate`")
    return "".join(n + "\n" for n in notes)


def text(f: CostsView) -> Shown:
    return Shown(as_text(f), _note(f))


def markdown(f: CostsView) -> Shown:
    return Shown(as_markdown(f), _note(f))


def json_(f: CostsView) -> Shown:
    return Shown(json.dumps(f.as_dict(), indent=2, ensure_ascii=False) + "\n", _note(f))


@click.command()
@click.option("--team", help="Only this team's records.")
@click.option("--horizon", type=int, metavar="N",
              help=f"Compare over N years (1 to {MAX_HORIZON}) instead of config.yaml's "
                   "costs.horizon_years.")
@formats("markdown fits a pull-request comment; json is for other tools.", text=text,
         json=json_, markdown=markdown)
@click.pass_obj
def costs(root: Path, team: str | None, horizon: int | None) -> Outcome:
    """Cost of ownership of every option over the horizon, and the totals by team.

    Each option: one-off fees, the build priced at costs.person_week with its yearly
    upkeep, the licence, and the operating hours at costs.run_hour, summed over the
    horizon, with the cumulative cost at the end of each year. The totals sum the chosen
    options of accepted records. The site's "How costs are counted" page has the sum.

    Exit status: 0, or 2 for a usage error or an unusable config.yaml.
    """
    if horizon is not None and not 1 <= horizon <= MAX_HORIZON:
        raise Exit2(f"--horizon must be 1 to {MAX_HORIZON} years, not {horizon}")
    decisions = open_decisions(root)
    config = decisions.config
    rates = config.rates
    if horizon is None:
        found = list(decisions.costs.values())
        horizon = rates.horizon if rates else DEFAULT_HORIZON
    else:
        found = list(costs_of(decisions.entries, rates, horizon).values())
    teams = sorted({t.name for t in config.teams} | {rc.record.team for rc in found})
    if team is not None:
        if team not in teams:
            raise Exit2(f"no team '{team}'; teams: {', '.join(teams) or 'none'}")
        found = [rc for rc in found if rc.record.team == team]
        teams = [team]
    return Outcome(CostsView(found, teams, config.currency, horizon, rates,
                           len(decisions.errors)))
