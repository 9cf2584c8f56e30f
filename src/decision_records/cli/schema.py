"""`decisions schema`: the JSON Schema editors use to complete and check records."""

from __future__ import annotations

import json

import click

from ..model import Record


def schema_text() -> str:
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Decision record"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


@click.command()
def schema() -> None:
    """Print the JSON Schema of a record (committed as docs/decision.schema.json)."""
    click.echo(schema_text(), nl=False)
