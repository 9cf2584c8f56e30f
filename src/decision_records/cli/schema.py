"""`decisions schema`: the JSON Schema editors use to complete and check records."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..model import Record
from ..statuses import BUILT_IN, Statuses
from .common import open_config


def schema_text(statuses: Statuses = BUILT_IN) -> str:
    """The schema, its `status` listing the organisation's statuses (what each means, and
    its description, in the field's description)."""
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Decision record"
    if statuses != BUILT_IN:
        status = schema["properties"]["status"]
        status["enum"] = list(statuses.words)
        status["description"] = "One of the statuses decisions/config.yaml lists: " + "; ".join(
            s.name + (f", which means {s.means}" if s.name != s.means else "")
            + (f" ({s.description.rstrip('.')})" if s.description else "")
            for s in statuses.names) + "."
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


@click.command()
@click.pass_obj
def schema(root: Path) -> None:
    """Print the JSON Schema of a record (committed as docs/decision.schema.json).

    Run in a repository whose decisions/config.yaml lists statuses of its own, the schema
    lists those.
    """
    statuses = open_config(root).status_table if root.is_dir() else BUILT_IN
    click.echo(schema_text(statuses), nl=False)
