"""The `decisions` command: thin click commands over the package."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from . import __version__
from .findings import count
from .loader import ConfigError, Decisions, display, load_decisions, today
from .model import Record


class Exit2(click.ClickException):
    """A usage or configuration problem: exit status 2."""

    exit_code = 2


def _today() -> dt.date:
    try:
        return today()
    except ValueError as e:
        raise Exit2(str(e)) from None


def open_decisions(root: Path, only: list[Path] | None = None) -> Decisions:
    if not root.is_dir():
        raise Exit2(f"{display(root)}: no decisions folder here; run from the project root "
                    "or pass --dir")
    try:
        return load_decisions(root, _today(), only)
    except ConfigError as e:
        raise Exit2(f"{e}\nfix decisions/config.yaml first") from None
    except OSError as e:
        raise Exit2(f"{display(root)}: cannot read: {e.strerror or e}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="decisions")
@click.option("--dir", "root", type=click.Path(path_type=Path, file_okay=False),
              default="decisions", show_default=True, envvar="DECISIONS_DIR",
              help="The decisions folder (records, config.yaml, signals.json). "
                   "Env: DECISIONS_DIR.")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Build-vs-buy and boring-technology decision records.

    Records are YAML files in decisions/, one per decision, named NNNN-slug.yaml.
    """
    ctx.obj = root


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: one line per problem; json: for tools.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.pass_obj
def validate(root: Path, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check records: YAML, fields, cross-record rules.

    With PATHS, report only problems in those files (all records are still loaded for the
    cross-record checks). Problems print as path:line:col: severity: field: message [rule].

    Exit status: 0 valid (warnings allowed unless --strict), 1 a record is invalid,
    2 usage error or unreadable config.
    """
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise Exit2(f"{display(missing[0])}: no such file")
    decisions = open_decisions(root, list(paths) if paths else None)
    errors, warnings = count(decisions.findings)
    failed = errors > 0 or (strict and warnings > 0)
    if fmt == "json":
        click.echo(json.dumps({
            "records": decisions.checked, "errors": errors, "warnings": warnings,
            "valid": not failed, "findings": [f.as_dict() for f in decisions.findings],
        }, indent=2))
    else:
        for f in decisions.findings:
            click.echo(f.format())
        scope = f"{len(paths)} of {decisions.checked}" if paths else f"{decisions.checked}"
        summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        click.echo(f"{scope} records checked: {summary}"
                   + (" (warnings count as errors under --strict)" if strict and warnings else ""),
                   err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--team", help="Only this team.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown fits a pull-request comment.")
@click.pass_obj
def budget(root: Path, team: str | None, fmt: str) -> None:
    """Innovation tokens per team: budget, spent, pending, released, remaining.

    Worked out from the records: accepted records spend their chosen option's tokens,
    proposed ones are pending, `tokens_released` gives tokens back, superseded and
    deprecated records no longer spend. Lists the records behind every figure.

    Exit status: 0, or 1 when a team has spent more than its budget.
    """
    from .ledger import compute
    from .render.budget import as_markdown, as_text

    decisions = open_decisions(root)
    ledger = compute(decisions.entries, decisions.config)
    teams = list(ledger.teams)
    if team is not None:
        teams = [t for t in teams if t.team == team]
        if not teams:
            known = ", ".join(t.team for t in ledger.teams) or "none"
            raise Exit2(f"no team '{team}'; teams: {known}")
    if fmt == "json":
        click.echo(json.dumps(ledger.as_dict(teams), indent=2))
    elif fmt == "markdown":
        click.echo(as_markdown(ledger, teams), nl=False)
    else:
        click.echo(as_text(ledger, teams), nl=False)
    errors = [f for f in decisions.errors if f.rule != "budget-overdrawn"]
    if errors:
        click.echo(f"note: {len(errors)} record error(s) left out records that do not load; "
                   "run `decisions validate`", err=True)
    sys.exit(1 if any(t.overdrawn for t in teams) else 0)


def schema_text() -> str:
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Decision record"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


@main.command()
def schema() -> None:
    """Print the JSON Schema of a record (committed as docs/decision.schema.json)."""
    click.echo(schema_text(), nl=False)


@main.command()
@click.argument("title")
@click.option("--team", help="The owning team (from decisions/config.yaml).")
@click.option("--category", help="e.g. database, alerting, observability, hosting.")
@click.pass_obj
def new(root: Path, title: str, team: str | None, category: str | None) -> None:
    """Start a record: write TITLE under the next free number and print its path.

    The file comes from a commented template; replace every TODO, then run
    `decisions validate`.
    """
    from .newrecord import create

    if not root.is_dir():
        raise Exit2(f"{display(root)}: no decisions folder here; run from the project root "
                    "or pass --dir")
    if len(title.strip()) < 3:
        raise click.UsageError("the title needs at least three characters")
    path = create(root, title.strip(), team, category, _today())
    click.echo(display(path))
