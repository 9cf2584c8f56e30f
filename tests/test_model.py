"""The record model: documented for editors, strict, and the shipped records follow it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from conftest import REPO, TODAY, VALID_RECORD, variant
from decision_records.config import Config
from decision_records.findings import Finding, field_path
from decision_records.loader import load_decisions
from decision_records.model import Record
from decision_records.yamlfile import parse


def _properties(model: type[BaseModel]) -> list[tuple[str, str, str]]:
    """(model name, property name, description) for a model and every model it uses.

    A property that only refers to another model ({"$ref": ...}) shows that model's
    description in editors, so that one counts.
    """
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})

    def description(prop: dict[str, Any]) -> str:
        if prop.get("description"):
            return str(prop["description"])
        refs = [prop, *prop.get("anyOf", []), *prop.get("allOf", [])]
        for ref in (r["$ref"] for r in refs if "$ref" in r):
            return str(defs[ref.rsplit("/", 1)[-1]].get("description", ""))
        return ""

    out = [(model.__name__, name, description(p)) for name, p in schema["properties"].items()]
    for def_name, definition in defs.items():
        for name, prop in definition.get("properties", {}).items():
            out.append((def_name, name, description(prop)))
    return out


PROPERTIES = _properties(Record) + _properties(Config)


@pytest.mark.parametrize(
    ("model", "name", "description"), PROPERTIES, ids=[f"{m}.{n}" for m, n, _ in PROPERTIES],
)
def test_every_property_has_a_description(model: str, name: str, description: str) -> None:
    assert description.strip(), f"{model}.{name} has no description (editors show it)"


@pytest.mark.parametrize("model", [Record, Config], ids=["Record", "Config"])
def test_every_model_has_a_description(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    assert schema.get("description")
    for def_name, definition in schema.get("$defs", {}).items():
        if definition.get("type") == "object":
            assert definition.get("description"), f"{def_name} has no description"


def test_schema_forbids_unknown_properties() -> None:
    schema = Record.model_json_schema()
    assert schema["additionalProperties"] is False
    for definition in schema["$defs"].values():
        if definition.get("type") == "object":
            assert definition["additionalProperties"] is False


def test_valid_record_parses_into_the_model() -> None:
    record = Record.model_validate(parse(VALID_RECORD))
    assert record.chosen is not None and record.chosen.name == "PagerDuty"
    assert record.option("Build our own") is not None
    assert record.option("Rent") is None
    assert [o.approach for o in record.options] == ["buy", "build"]
    assert record.options[0].packages == ["pypi:requests", "github:psf/requests"]
    assert record.options[1].packages == ["npm:react"]


def test_record_is_frozen() -> None:
    record = Record.model_validate(parse(VALID_RECORD))
    with pytest.raises(ValidationError):
        record.title = "Something else"  # type: ignore[misc]


@pytest.mark.parametrize(
    "package",
    ["pypi:requests", "pypi:zope.interface", "npm:react", "npm:@types/node",
     "github:psf/requests", "github:owner/repo.js"],
)
def test_package_refs_accepted(package: str) -> None:
    text = variant("      - npm:react\n", f"      - {package}\n")
    assert Record.model_validate(parse(text)).options[1].packages == [package]


@pytest.mark.parametrize(
    "package",
    ["pip:requests", "requests", "pypi:", "npm:React", "github:psf", "github:psf/requests/x",
     "https://github.com/psf/requests"],
)
def test_package_refs_refused(package: str) -> None:
    text = variant("      - npm:react\n", f"      - '{package}'\n")
    with pytest.raises(ValidationError):
        Record.model_validate(parse(text))


def test_field_path_and_finding_format() -> None:
    assert field_path(("options", 0, "packages", 1)) == "options[0].packages[1]"
    assert field_path(()) == ""
    finding = Finding("decisions/0001-x.yaml", 3, 9, "error", "schema", "bad", "status")
    assert finding.format() == "decisions/0001-x.yaml:3:9: error: status: bad [schema]"
    bare = Finding("decisions/notes.txt", 1, 1, "error", "stray-file", "move it")
    assert bare.format() == "decisions/notes.txt:1:1: error: move it [stray-file]"


def test_shipped_decisions_validate_strictly() -> None:
    """The records in decisions/ have no errors and no warnings (`validate --strict`)."""
    decisions = load_decisions(REPO / "decisions", today=TODAY)
    assert [f.format() for f in decisions.findings] == []
