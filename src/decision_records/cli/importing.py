"""`decisions import`: Markdown ADRs -> YAML records. The work is done in adr_import."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..adr_import.batch import run
from ..adr_import.summary import report
from ..findings import display
from .common import Exit2, echo, open_config, today_or_exit


@click.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Write nothing; print each record that would be written.")
@click.option("--team", help="The owning team for every imported record (a team in "
                             "decisions/config.yaml). Without it, team is left as a TODO.")
@click.pass_obj
def import_adrs(root: Path, paths: tuple[Path, ...], dry_run: bool, team: str | None) -> None:
    """Import Markdown ADRs (Nygard/adr-tools, MADR 2 to 4, log4brains) as records.

    PATHS are ADR files or folders, searched recursively (*.md, *.markdown and files
    without an extension; every other file is listed as skipped). Each ADR becomes one
    record under the next free number. Nothing in the decisions folder is overwritten,
    and files imported before (the record keeps the source path in `imported.source`)
    are skipped. Images the ADRs show are copied to docs/assets/imported/.

    What an ADR does not say (team, category, deciders, a second option, ...) is written
    as a TODO placeholder, and what had to be inferred is listed in `imported.guesses`;
    `decisions validate` reports both until someone checks them. The summary lists every
    file, the guesses and the links that could not be resolved.

    Exit status: 0 done (records may still need attention), 1 a file could not be read
    or written, 2 usage error or unreadable config.
    """
    if not root.is_dir():
        raise Exit2(f"{display(root)}: no decisions folder here; create it, run from the "
                    "project root or pass --dir")
    config = open_config(root)
    if team is not None:
        team = team.strip()
        teams = [t.name for t in config.teams]
        if not team:
            raise click.UsageError("--team needs a team name")
        if teams and team not in teams:
            raise Exit2(f"no team '{team}' in {display(root / 'config.yaml')}; teams: "
                        f"{', '.join(teams)}")
    result = run(list(paths), root, team=team, today=today_or_exit(), dry_run=dry_run)
    echo(report(result), nl=False)
    sys.exit(1 if result.failed else 0)
