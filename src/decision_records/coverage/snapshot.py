"""The JSON of `decisions coverage`: one model, written and read back.

`decisions coverage --write` writes it to decisions/coverage.json, the snapshot the site's
coverage page shows; `--format json` prints the same document without `kinds` and
`repositories`, and that is what other repositories' CI drops in decisions/coverage/. Both
are written from `CoverageSnapshot` and read back through it. Reading asks only for what it
takes again, the references and their manifests (a document written by hand, or by another
version, may hold no more); any other key it finds must hold what the model says. Written
with an indent of two and a final newline, in the order of the model's fields.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, ValidationError

from ..findings import Finding
from ..model import MAX_PACKAGE
from .manifests import MAX_COMPONENTS, RULE, JsonProblem, Note, Shape, load_json, shape_problem

SNAPSHOT = "coverage.json"  # decisions/coverage.json: what the site shows


class MentionItem(Shape):
    """A record that names the dependency in one of its options."""

    id: str
    status: str
    means: str | None = None  # what the status means (older files lack it)
    option: str
    chosen: bool


class DependencyItem(Shape):
    """A dependency the manifests name, its status and the records that name it."""

    ref: str = Field(max_length=MAX_PACKAGE)
    status: str | None = None
    manifests: list[str] | None = Field(None, fail_fast=True)
    records: list[MentionItem] | None = Field(None, fail_fast=True)


class UnusedItem(Shape):
    """A package accepted records chose that no manifest names, and those records' ids."""

    ref: str = Field(max_length=MAX_PACKAGE)
    records: list[str] = Field(fail_fast=True)


class IgnoredItem(Shape):
    """A dependency coverage.ignore leaves out, with its reason."""

    ref: str = Field(max_length=MAX_PACKAGE)
    reason: str | None = None
    manifests: list[str] | None = Field(None, fail_fast=True)


class FindingItem(Shape):
    """A manifest that could not be read (a Finding)."""

    path: str
    line: int
    col: int
    severity: str = "error"
    rule: str = RULE
    message: str
    field: str = ""

    @classmethod
    def of(cls, f: Finding) -> FindingItem:
        return cls(path=f.path, line=f.line, col=f.col, severity=f.severity, rule=f.rule,
                   message=f.message, field=f.field)


class NoteItem(Shape):
    """How a manifest was read, where a reader could mistake it (a Note)."""

    path: str
    line: int
    col: int
    message: str

    @classmethod
    def of(cls, n: Note) -> NoteItem:
        return cls(path=n.path, line=n.line, col=n.col, message=n.message)


class CoverageSnapshot(Shape):
    """`decisions coverage --format json`, and with `kinds` and `repositories` the snapshot.

    Every list stops at its first bad item (fail_fast): pydantic lists every problem of what
    it is given, and 100,000 broken items made half a gigabyte of them."""

    dependencies: list[DependencyItem] = Field(fail_fast=True)
    unused: list[UnusedItem] | None = Field(None, fail_fast=True)
    summary: dict[str, int] | None = None
    ignored: list[IgnoredItem] | None = Field(None, fail_fast=True)
    findings: list[FindingItem] | None = Field(None, fail_fast=True)
    notes: list[NoteItem] | None = Field(None, fail_fast=True)
    # the kinds of package the manifests can name
    kinds: list[str] | None = Field(None, fail_fast=True)
    # repository -> its manifests
    repositories: dict[str, Annotated[list[str], Field(fail_fast=True)]] | None = None


def dump_coverage(doc: CoverageSnapshot) -> str:
    """The document's text; a key left as None (kinds and repositories outside the
    snapshot) is left out."""
    return json.dumps(doc.model_dump(mode="json", exclude_none=True), indent=2) + "\n"


def _objects(data: dict[str, Any]) -> int:
    """How many objects reading a coverage JSON makes, counted before it does."""

    def length(value: object) -> int:
        return len(value) if isinstance(value, list | dict) else 1

    n = 0
    for key in ("dependencies", "unused", "ignored", "findings", "notes"):
        items = data.get(key)
        for item in items if isinstance(items, list) else ():
            inner = [item.get(k) for k in ("manifests", "records")] if isinstance(
                item, dict) else []
            n += max(sum(length(v) for v in inner if isinstance(v, list)), 1)
    for key in ("repositories", "summary", "kinds"):
        value = data.get(key)
        if isinstance(value, dict):
            n += sum(length(v) for v in value.values())
        elif isinstance(value, list):
            n += len(value)
    return n


def read_coverage(text: str) -> CoverageSnapshot:
    """The document in text. Raises JsonProblem, whose message says what to do."""
    try:
        data: Any = load_json(text)
    except JsonProblem as e:
        if e.message.startswith("not valid"):
            raise JsonProblem(e.line, e.col, e.message + "; write it again with "
                              "`decisions coverage --write`") from None
        raise
    if not isinstance(data, dict) or "dependencies" not in data:
        raise JsonProblem(1, 1, 'not the JSON of `decisions coverage` (no "dependencies" list)')
    objects = _objects(data)
    if objects > MAX_COMPONENTS:
        raise JsonProblem(1, 1, f"{objects:,} dependencies, manifests and findings, above the "
                          f"{MAX_COMPONENTS:,} one file is read up to, so none is read; split it")
    try:
        # a mapping's entries one at a time, so that a bad one is the only problem listed
        for key in ("summary", "repositories"):
            value = data.get(key)
            for name, entry in value.items() if isinstance(value, dict) else ():
                CoverageSnapshot.model_validate({"dependencies": [], key: {name: entry}})
        return CoverageSnapshot.model_validate(data)
    except ValidationError as e:
        raise JsonProblem(1, 1, f"not the JSON of `decisions coverage`: {shape_problem(e)}; "
                          "write it again with `decisions coverage --format json`") from None
