"""`decisions init`: a new decisions repository, and `--check` after an upgrade."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .. import scaffold
from ..chars import escape
from ..config import Config
from ..findings import display
from ..loader import ConfigError, load_config
from ..statuses import BUILT_IN, Statuses
from .common import Exit2, today_or_exit

NEXT = """
Next, to preview the site and check the records:
  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
  .venv/bin/mkdocs serve
  .venv/bin/decisions validate --strict
"""


def _asking(parse: Callable[[str], object]) -> Callable[[str], str]:
    """A prompt's value_proc: an answer that cannot be used makes click say why and ask again."""

    def proc(value: str) -> str:
        try:
            parse(value)
        except scaffold.InitError as e:
            raise click.UsageError(str(e)) from None
        return value

    return proc


def _org(value: str) -> str:
    problem = scaffold.org_problem(value)
    if problem is not None:
        raise scaffold.InitError(f"--org: {problem}")
    return value.strip()


def _existing_config(repo: Path) -> Config | None:
    """The repository's decisions/config.yaml, if it has one."""
    folder = repo / "decisions"
    if not (folder / "config.yaml").is_file():
        return None
    try:
        return load_config(folder)
    except ConfigError as e:
        raise Exit2(f"{e}\nfix decisions/config.yaml first") from None


def _config_teams(repo: Path) -> tuple[tuple[str, int], ...]:
    """The teams of an existing decisions/config.yaml, with their budgets."""
    config = _existing_config(repo)
    if config is None:
        return ()
    return tuple((t.name, config.default_tokens if t.tokens is None else t.tokens)
                 for t in config.teams)


def _statuses(repo: Path) -> Statuses:
    """The statuses the record schema lists: the organisation's, once config.yaml has any."""
    config = _existing_config(repo)
    return BUILT_IN if config is None else config.status_table


def _check(repo: Path, ci: str) -> None:
    differences = scaffold.check(repo, ci, _statuses(repo))
    for d in differences:
        click.echo(f"{d.path} differs from what this version writes:\n{d.diff}")
    total = len(scaffold.tool_files(ci))
    if differences:
        click.echo(f"{len(differences)} of {total} files differ. To take this version's file, "
                   "delete yours and run `decisions init`; it writes only what is missing.")
        sys.exit(1)
    click.echo(f"The {total} files `decisions init` keeps up to date match this version.")


@click.command("init")
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--org", help="The organisation's name, shown on the site (e.g. 'Acme').")
@click.option("--team", "teams", multiple=True, metavar="NAME=TOKENS",
              help="A team and its innovation tokens, e.g. --team platform=3 (repeat it).")
@click.option("--ci", type=click.Choice(scaffold.CI_CHOICES),
              help="Write CI for GitHub Actions, GitLab CI, or none.")
@click.option("--requirement", metavar="SPEC",
              help="How CI installs this tool, written to requirements.txt, e.g. "
                   "'decision-records @ git+https://git.example.com/tools/decision-records@v1.2.0'."
                   " Default: this installed version, NAME==VERSION.")
@click.option("--dry-run", is_flag=True, help="List what would be written; write nothing.")
@click.option("--check", is_flag=True,
              help="Show the files this version writes differently (CI, pre-commit, schema), "
                   "as a diff; exit 1 when any differs.")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask for what is missing. Default: ask when run on a terminal.")
def init(directory: Path, org: str | None, teams: tuple[str, ...], ci: str | None,
         requirement: str | None, dry_run: bool, check: bool,
         interactive: bool | None) -> None:
    """Write a new decisions repository in DIRECTORY (default: here).

    It writes mkdocs.yml (the site, built by this package's MkDocs plugin),
    decisions/config.yaml with the teams and their innovation tokens, a first record
    accepting this way of recording decisions, docs/index.md, a README, requirements.txt
    pinning this tool, .pre-commit-config.yaml and the CI: for GitHub, the pull-request
    check with the review report, the Pages deploy and the weekly refresh; for GitLab, one
    .gitlab-ci.yml doing the same. A file that exists is never overwritten: it is listed as
    kept, so running it again changes nothing.

    On a terminal it asks for what is missing; otherwise --org, --team and --ci are needed
    the first time (later runs read them back from .decisions-init.yaml and
    decisions/config.yaml). After upgrading this tool, `decisions init --check` shows which
    of the files the tool keeps up to date (CI, pre-commit, the record schema) this version
    writes differently. Exit status: 0, 1 when --check finds a difference, 2 for a usage
    error.
    """
    repo = directory
    if repo.exists() and not repo.is_dir():
        raise Exit2(f"{display(repo)}: not a folder")
    try:
        recorded = scaffold.recorded(repo) if repo.is_dir() else None
        if check:
            if recorded is None:
                raise Exit2(f"{display(repo / scaffold.ANSWERS)}: not found; run `decisions "
                            "init` in the repository's root first")
            _check(repo, recorded[1])
            return
        answers = _answers(repo, recorded, org, teams, ci, requirement, interactive)
        _write(repo, answers, dry_run)
    except scaffold.InitError as e:
        raise Exit2(str(e)) from None


def _answers(repo: Path, recorded: tuple[str, str] | None, org: str | None,
             teams: tuple[str, ...], ci: str | None, requirement: str | None,
             interactive: bool | None) -> scaffold.Answers:
    if org is not None:
        org = _org(org)
    if recorded is not None:
        for flag, given, kept in (("--org", org, recorded[0]), ("--ci", ci, recorded[1])):
            if given is not None and given != kept:
                raise Exit2(f"{flag} '{escape(given)}' is not what {scaffold.ANSWERS} says "
                            f"('{escape(kept)}'); change that file to change it")
        org, ci = recorded
    parsed = scaffold.parse_teams(list(teams)) if teams else _config_teams(repo)
    if interactive is None:
        interactive = sys.stdin.isatty()
    if interactive:
        org = org or _org(click.prompt("Organisation name (shown on the site)",
                                       value_proc=_asking(_org)))
        if not parsed:
            answer = click.prompt("Teams and their innovation tokens (e.g. platform=3 data=2)",
                                  value_proc=_asking(lambda v: scaffold.parse_teams([v])))
            parsed = scaffold.parse_teams([answer])
        ci = ci or click.prompt("CI", type=click.Choice(scaffold.CI_CHOICES),
                                default="github")
    missing = [flag for flag, value in (("--org", org), ("--team", parsed), ("--ci", ci))
               if not value]
    if missing or org is None or ci is None:
        raise click.UsageError(f"give {', '.join(missing)} (or run it on a terminal, which "
                               "asks)")
    spec = requirement if requirement is not None else scaffold.default_requirement()
    problem = scaffold.requirement_problem(spec)
    if problem is not None:
        raise Exit2(f"--requirement '{escape(spec)}': {problem}")
    return scaffold.Answers(org, parsed, ci, spec)


def _write(repo: Path, answers: scaffold.Answers, dry_run: bool) -> None:
    planned = scaffold.plan(answers, today_or_exit(), statuses=_statuses(repo))
    record = f"decisions/{scaffold.first_record_name()}"
    if not (repo / record).exists() and scaffold.has_records(repo):
        planned = [p for p in planned if p.path != record]
        click.echo(f"skipped {record}: decisions/ has records already")
    if not dry_run:
        repo.mkdir(parents=True, exist_ok=True)
    wrote = 0
    for outcome in scaffold.write(repo, planned, dry_run):
        if outcome.action == "wrote":
            wrote += 1
            click.echo(f"{'would write' if dry_run else 'wrote'} {outcome.path}")
        else:
            click.echo(f"{outcome.action} {outcome.path} ({outcome.why})")
    if wrote and not dry_run:
        click.echo(NEXT, nl=False)
