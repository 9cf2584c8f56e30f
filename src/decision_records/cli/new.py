"""`decisions new`: a commented template under the next free number."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..chars import escape, one_line_problem
from ..findings import display
from ..model import APPROACHES, MAX_LINE, MAX_TITLE, NAME
from ..newrecord import create_record
from .common import Exit2, echo, open_config, require_folder, today_or_exit

_NAME = re.compile(NAME)  # used with fullmatch: `$` alone would let a final newline through


def _line_problem(value: str, max_length: int) -> str | None:
    """Why `value` (already stripped) cannot be a one-line field of a record, or None."""
    problem = one_line_problem(value)
    if problem is None and len(value) > max_length:
        problem = f"at most {max_length} characters, not {len(value)}; shorten it"
    return problem


def _team_problem(value: str, teams: list[str], shown: str) -> str | None:
    if teams:
        return None if value in teams else (
            f"{shown} is not a team in decisions/config.yaml; known teams: {', '.join(teams)}")
    return None if _NAME.fullmatch(value) else (
        f"{shown}: a team name is lowercase words joined by '-', e.g. 'platform'")


def _category_problem(value: str, categories: list[str] | None, shown: str) -> str | None:
    if categories is not None:
        return None if value in categories else (
            f"{shown} is not a category in decisions/config.yaml; known categories: "
            f"{', '.join(categories) or 'none'}")
    return None if _NAME.fullmatch(value) else (
        f"{shown}: a category is lowercase words joined by '-', e.g. 'feature-flags'")


def _asking(check: Callable[[str], str | None]) -> Callable[[str], str]:
    """A prompt's value_proc: a problem makes click say it and ask again."""

    def proc(value: str) -> str:
        problem = check(value)
        if problem is not None:
            raise click.UsageError(problem)
        return value

    return proc


def _option_flag(ctx: click.Context, param: click.Parameter,
                 values: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        name, sep, approach = value.rpartition("=")
        if not sep or not name.strip() or approach not in APPROACHES:
            raise click.BadParameter(f"{escape(repr(value))}: write NAME=APPROACH, APPROACH "
                                     f"one of {', '.join(APPROACHES)}", ctx, param)
        problem = _line_problem(name.strip(), MAX_LINE)
        if problem is not None:
            raise Exit2(f"--option: {problem}")
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

    The team must be one of config.yaml's teams, and the category one of its categories
    when it lists them; titles and option names are one line of plain text.
    """
    require_folder(root)
    if interactive is None:
        interactive = sys.stdin.isatty()
    config = open_config(root)  # its teams and categories, and its word for proposed
    teams = [t.name for t in config.teams]
    cats = config.categories
    if team is not None and (problem := _team_problem(
            team, teams, f"--team '{escape(team)}'")):
        raise Exit2(problem)
    if category is not None and (problem := _category_problem(
            category, cats, f"--category '{escape(category)}'")):
        raise Exit2(problem)
    if interactive:
        title = title or click.prompt(
            "Title (what is decided, e.g. 'Buy a paging service')",
            value_proc=_asking(lambda v: _title_problem(v.strip())))
        team = team or click.prompt(
            "Owning team", type=click.Choice(teams) if teams else None,
            value_proc=None if teams else _asking(
                lambda v: _team_problem(v, [], f"'{escape(v)}'")))
        category = category or click.prompt(
            "Category", type=click.Choice(cats) if cats else None,
            value_proc=None if cats else _asking(
                lambda v: _category_problem(v, None, f"'{escape(v)}'")))
        while True:
            n = len(options) + 1
            check = _asking(lambda v: _line_problem(v.strip(), MAX_LINE) if v.strip() else None)
            name = (click.prompt(f"Option {n} name", value_proc=check) if n <= 2 else
                    click.prompt(f"Option {n} name (empty to finish)", default="",
                                 show_default=False, value_proc=check))
            if not name.strip():
                break
            flag = _typed_flag(name)
            if flag is not None:  # 'PagerDuty=buy', as the --option flag takes it
                options.append(flag)
                continue
            approach = click.prompt("  approach", type=click.Choice(list(APPROACHES)))
            options.append((name.strip(), approach))
    if not title or len(title.strip()) < 3:
        raise click.UsageError("give a TITLE of at least three characters")
    problem = _title_problem(title.strip())
    if problem is not None:
        raise Exit2(f"TITLE: {problem}")
    path = create_record(root, title.strip(), team, category, today_or_exit(), options,
                         config.status_table)
    echo(display(path))


def _typed_flag(value: str) -> tuple[str, str] | None:
    """(name, approach) when an answer is written NAME=APPROACH, else None."""
    name, sep, approach = value.rpartition("=")
    if sep and name.strip() and approach.strip() in APPROACHES:
        return name.strip(), approach.strip()
    return None


def _title_problem(title: str) -> str | None:
    if len(title) < 3:
        return "give a title of at least three characters"
    return _line_problem(title, MAX_TITLE)
