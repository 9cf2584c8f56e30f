"""`decisions new`: a commented template under the next free number."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..findings import display
from ..model import APPROACHES
from ..newrecord import create
from .common import open_config, require_folder, today_or_exit


def _option_flag(ctx: click.Context, param: click.Parameter,
                 values: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        name, sep, approach = value.rpartition("=")
        if not sep or not name.strip() or approach not in APPROACHES:
            raise click.BadParameter(f"{value!r}: write NAME=APPROACH, APPROACH one of "
                                     f"{', '.join(APPROACHES)}", ctx, param)
        out.append((name.strip(), approach))
    return out


@click.command()
@click.argument("title", required=False)
@click.option("--team", help="The owning team (from decisions/config.yaml).")
@click.option("--category", help="e.g. database, alerting, observability, hosting.")
@click.option("--option", "options", multiple=True, callback=_option_flag, metavar="NAME=APPROACH",
              help="An option considered, e.g. --option 'PagerDuty=buy' (repeat it; "
                   "APPROACH is buy, adopt or build).")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask for what is missing. Default: ask when run on a terminal.")
@click.pass_obj
def new(root: Path, title: str | None, team: str | None, category: str | None,
        options: list[tuple[str, str]], interactive: bool | None) -> None:
    """Start a record under the next free number and print its path.

    On a terminal it asks for the title, team, category and the options' names and
    approaches; otherwise give them as arguments. The file comes from a commented template:
    replace every TODO (`decisions validate` lists the ones left), then open a pull request.
    """
    require_folder(root)
    if interactive is None:
        interactive = sys.stdin.isatty()
    if interactive:
        config = open_config(root)
        title = title or click.prompt("Title (what is decided, e.g. 'Buy a paging service')")
        teams = [t.name for t in config.teams]
        team = team or click.prompt("Owning team", type=click.Choice(teams) if teams else str)
        cats = config.categories
        category = category or click.prompt("Category", type=click.Choice(cats) if cats else str)
        while True:
            n = len(options) + 1
            name = (click.prompt(f"Option {n} name") if n <= 2 else
                    click.prompt(f"Option {n} name (empty to finish)", default="",
                                 show_default=False))
            if not name.strip():
                break
            approach = click.prompt("  approach", type=click.Choice(list(APPROACHES)))
            options.append((name.strip(), approach))
    if not title or len(title.strip()) < 3:
        raise click.UsageError("give a TITLE of at least three characters")
    path = create(root, title.strip(), team, category, today_or_exit(), options)
    click.echo(display(path))
