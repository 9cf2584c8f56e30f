"""`decisions coverage`: are the dependencies in the code the ones the records decided on?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from ..coverage.match import Coverage, join
from ..coverage.output import as_markdown, as_text, findings_text
from ..coverage.scan import configured, scan
from ..coverage.snapshot import SNAPSHOT, dump_coverage
from ..files import write_atomic
from ..findings import display
from ..loader import CONFIG_NAME
from .common import Exit2, Outcome, Shown, formats, open_decisions


@dataclass(frozen=True)
class CoverageRun:
    coverage: Coverage
    wrote: str = ""  # the snapshot written, if any


def _wrote(r: CoverageRun) -> str:
    return f"wrote {r.wrote}\n" if r.wrote else ""


def _note(r: CoverageRun) -> str:
    return findings_text(r.coverage) + _wrote(r)


def text(r: CoverageRun) -> Shown:
    return Shown(as_text(r.coverage), _note(r))


def markdown(r: CoverageRun) -> Shown:
    return Shown(as_markdown(r.coverage), _wrote(r))


def json_(r: CoverageRun) -> Shown:
    return Shown(dump_coverage(r.coverage.output()), _wrote(r))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True,
              help="Also exit 1 when a dependency is uncovered or a manifest cannot be read.")
@click.option("--write", is_flag=True,
              help=f"Also write the result to {SNAPSHOT} in the decisions folder, which the "
                   "site's coverage page shows.")
@formats("markdown fits a pull-request comment.", text=text, json=json_, markdown=markdown)
@click.pass_obj
def coverage(root: Path, paths: tuple[Path, ...], strict: bool, write: bool) -> Outcome:
    """Join the dependencies in the code's manifests with the decision records.

    Reads requirements*.txt (with -r includes), pyproject.toml, package.json, and CycloneDX
    (bom.json, *.cdx.json) and SPDX (*.spdx.json) SBOMs under PATHs (default: coverage.paths
    in config.yaml, else the folder that holds the decisions folder), skipping .git, .venv,
    node_modules and the like, plus what other repositories left in the decisions folder's
    coverage/ folder. Each dependency is covered (chosen in an accepted record), pending
    (chosen in a proposed one), contradicted (the records decided against it) or uncovered
    (no record names it); accepted records that nothing uses are listed as unused.

    Exit status: 0; 1 when a dependency is contradicted, or under --strict uncovered or in a
    manifest that cannot be read; 2 for a path that does not exist or an unusable config.
    """
    decisions = open_decisions(root)
    settings = decisions.config.coverage
    base = root.resolve().parent
    targets = list(paths)
    if not targets:  # config.yaml arrives with pull requests: its paths stay in the repository
        targets, problems = configured(settings.paths, base, root / CONFIG_NAME)
        if problems:
            raise Exit2("\n".join(f.format() for f in problems))
    try:
        inventory = scan(targets, base, settings.repository or base.name,
                         [base / e for e in settings.exclude], root)
    except (FileNotFoundError, ValueError) as e:
        raise Exit2(f"{e}\ngive a manifest or a folder that holds some") from None
    result = join(inventory, decisions)
    wrote = ""
    if write:
        snapshot = root / SNAPSHOT
        try:
            write_atomic(snapshot, dump_coverage(result.snapshot()))
        except OSError as e:
            raise Exit2(f"{display(snapshot)}: cannot write: {e.strerror or e}") from None
        wrote = display(snapshot)
    failed = bool(result.of("contradicted")) or (strict and bool(
        result.of("uncovered") or result.findings))
    return Outcome(CoverageRun(result, wrote), 1 if failed else 0)
