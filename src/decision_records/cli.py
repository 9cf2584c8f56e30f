"""The `decisions` command: thin click commands over the package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .clikit import Exit2, open_decisions, require_folder, today_or_exit
from .findings import count
from .import_command import import_adrs
from .loader import display
from .model import APPROACHES, Record
from .rules import RULES
from .signals.command import enrich


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
    outside = [p for p in paths if p.resolve().parent != root.resolve()]
    if outside:
        raise Exit2(f"{display(outside[0])} is not in the decisions folder {display(root)}; "
                    "records are checked in their folder (pass --dir)")
    decisions = open_decisions(root, list(paths) if paths else None)
    errors, warnings = count(decisions.findings)
    failed = errors > 0 or (strict and warnings > 0)
    if fmt == "json":
        click.echo(json.dumps({
            "records": decisions.checked, "errors": errors, "warnings": warnings,
            "valid": not failed,
            "findings": [{**f.as_dict(), "help": RULES[f.rule].doc} for f in decisions.findings],
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


@main.command()
@click.option("--base", metavar="REF",
              help="Compare with this git ref. Default: the merge base with origin/main, or "
                   "main.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="markdown fits a pull-request comment or job summary.")
@click.pass_obj
def report(root: Path, base: str | None, fmt: str) -> None:
    """Review summary of the records added, changed or removed since a git ref.

    For each changed record: validation and policy findings with positions, each option's
    maturity from decisions/signals.json, and the owning team's innovation tokens before
    and after the change.

    Exit status: 0, 1 when a changed record has an error, 2 when git cannot answer (not a
    repository, unknown ref, shallow clone without the base).
    """
    from . import report as rep

    decisions = open_decisions(root)
    try:
        commit = rep.resolve_base(root, base)
        changes = rep.changed_records(root, commit)
        before = rep.base_decisions(root, commit, today_or_exit())
    except rep.ReportError as e:
        raise Exit2(str(e)) from None
    items = rep.build(changes, decisions, before, rep.maturity_lookup(decisions, today_or_exit()))
    text = rep.as_json(commit, items) if fmt == "json" else rep.as_markdown(commit, items)
    click.echo(text, nl=False)
    sys.exit(1 if any(it.errors for it in items) else 0)


def schema_text() -> str:
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Decision record"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


@main.command()
def schema() -> None:
    """Print the JSON Schema of a record (committed as docs/decision.schema.json)."""
    click.echo(schema_text(), nl=False)


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


@main.command()
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
    from .newrecord import create

    require_folder(root)
    if interactive is None:
        interactive = sys.stdin.isatty()
    if interactive:
        config = open_decisions(root).config
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

main.add_command(enrich)
main.add_command(import_adrs)
