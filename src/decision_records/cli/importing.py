"""`decisions import`: Markdown ADRs -> YAML records. The work is done in adr_import."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from ..adr_import.batch import run
from ..adr_import.summary import report
from ..chars import escape, one_line_problem
from ..findings import display
from .common import Exit2, echo, open_config, today_or_exit

SOURCE_URL_EXAMPLE = "https://github.com/acme/shop/tree/main/doc/adr/"


def source_url_problem(url: str) -> str | None:
    """Why `url` cannot be the web address of a folder, or None."""
    if one_line_problem(url) is not None or any(c.isspace() for c in url):
        return "a web address is one line without spaces"
    try:
        parts = urlsplit(url)
    except ValueError as e:
        return str(e)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "give an http or https address with a host"
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return "the address of a folder has no ?query or #fragment"
    return None


@click.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Write nothing; print each record that would be written.")
@click.option("--team", help="The owning team for every imported record (a team in "
                             "decisions/config.yaml). Without it, team is left as a TODO.")
@click.option("--root", "within", metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Copy the images the ADRs show from anywhere inside DIR, which must hold "
                   "every PATH. Without it, only from inside each folder named (for a file "
                   "named alone, its own folder).")
@click.option("--source-url", metavar="URL",
              help="The web address of the folder imported, e.g. "
                   f"{SOURCE_URL_EXAMPLE}: links to files the site does not publish (specs, "
                   "source code next to the ADRs) point there. Without it, they are left out "
                   "and their text kept.")
@click.pass_obj
def import_adrs(root: Path, paths: tuple[Path, ...], dry_run: bool, team: str | None,
                within: Path | None, source_url: str | None) -> None:
    """Import Markdown ADRs (Nygard/adr-tools, MADR 2 to 4, log4brains) as records.

    PATHS are ADR files or folders, searched recursively (*.md, *.markdown and files
    without an extension; every other file is listed as skipped). Each ADR becomes one
    record under the next free number. Nothing in the decisions folder is overwritten,
    and files imported before (the record keeps the source path in `imported.source`)
    are skipped. Images the ADRs show are copied to docs/assets/imported/ when they are
    PNG, JPEG, GIF or WebP pictures of at most 10 MiB inside the folder imported (or
    --root), reached without a symbolic link; any other is listed as not copied, and the
    record keeps its text.

    What an ADR does not say (team, category, deciders, a second option, ...) is written
    as a TODO placeholder, and what had to be inferred is listed in `imported.guesses`;
    `decisions validate` reports both until someone checks them. The summary lists every
    file, the guesses and the links that could not be resolved.

    Links between ADRs point at the new records. Links to files the site does not publish
    (anything outside docs/ and the decisions folder: specs, source code, ADRs not imported)
    point at --source-url, the web address of the folder imported; without it they are left
    out, their text kept, and listed, as are links that lead out of the repository. A link
    whose path leads to no file but whose file name is that of exactly one imported ADR
    points at its record, and is listed among the guesses.

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
    if within is not None:
        top = Path(os.path.realpath(within))
        for path in paths:
            real = Path(os.path.realpath(path))
            if real != top and top not in real.parents:
                raise Exit2(f"{display(path)} is not inside --root {display(within)}; give a "
                            "root that holds every path imported")
    if source_url is not None:
        problem = source_url_problem(source_url)
        if problem is not None:
            raise Exit2(f"--source-url {escape(repr(source_url))}: {problem}, e.g. "
                        f"{SOURCE_URL_EXAMPLE}")
        folders = {os.path.realpath(p if p.is_dir() else p.parent) for p in paths}
        if len(folders) > 1:
            raise Exit2(f"--source-url is the web address of one folder, and the paths are in "
                        f"{len(folders)}; import one folder at a time")
        source_url = source_url if source_url.endswith("/") else source_url + "/"
    result = run(list(paths), root, team=team, today=today_or_exit(), dry_run=dry_run,
                 within=within, source_url=source_url, statuses=config.status_table)
    echo(report(result), nl=False)
    sys.exit(1 if result.failed else 0)
