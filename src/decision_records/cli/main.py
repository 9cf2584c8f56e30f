"""The `decisions` command group: one module per command, registered here."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from .budget import budget
from .costs import costs
from .coverage import coverage
from .enrich import enrich
from .importing import import_adrs
from .init import init
from .new import new
from .renumber import renumber
from .report import report
from .review import review
from .schema import schema
from .validate import validate


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


for command in (validate, new, budget, costs, coverage, report, review, renumber, schema, enrich,
                import_adrs, init):
    main.add_command(command)
