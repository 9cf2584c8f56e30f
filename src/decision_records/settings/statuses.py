"""The `statuses:` settings in decisions/config.yaml: the organisation's own statuses.

Each names a status records may have and the built-in status it means (see statuses.py for
how the list and the five built-in words combine), with an optional badge colour and a
description for the statuses page and the schema editors see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ..model import MAX_NAME, MAX_TEXT, Name, Strict
from ..statuses import COLOUR, STATUSES, Status, Statuses, StatusName

MAX_STATUSES = 50

Loc = tuple[str | int, ...]


def _colour(value: object) -> object:
    if value is None:  # `colour: #2e7d32` unquoted: YAML reads the rest of the line as a comment
        raise PydanticCustomError(
            "colour_comment", "no colour: YAML reads an unquoted # as the start of a comment; "
            "write it in quotes, e.g. colour: '#2e7d32'", {})
    if isinstance(value, str) and not COLOUR.match(value):
        raise PydanticCustomError(
            "colour", "'{value}' is not a colour: write #rrggbb, six hex digits, e.g. '#2e7d32'",
            {"value": value[:40]})
    return value


# on the whole field, None included: a colour left out is no value, but `colour:` followed
# by an unquoted #... is None in YAML, and a mistake
Colour = Annotated[str | None, BeforeValidator(_colour)]


class StatusSetting(Strict):
    """A status of the organisation's own, and what it means to the tools."""

    name: Name = Field(description="The status as records write it, e.g. trial or in-review: "
                       f"lowercase words joined by '-', at most {MAX_NAME} characters.")
    means: Status = Field(
        description="What it means to the tools: proposed (pending), accepted (in force: "
        "spends tokens, covers packages, is reviewed), rejected, superseded or deprecated.",
    )
    colour: Colour = Field(
        None, description="The badge's colour, '#rrggbb' in quotes; its text is black or "
        "white, whichever contrasts more (always at least 4.5:1). Default: the colour of "
        "what it means.",
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True,
                                                  max_length=MAX_TEXT)] | None = Field(
        None, description="What the status says about a record, shown on the statuses page "
        f"and in editors. At most {MAX_TEXT:,} characters.",
    )

    def named(self) -> StatusName:
        return StatusName(self.name, self.means, self.description or "", self.colour)


def table(settings: Sequence[StatusSetting]) -> Statuses:
    return Statuses.of(s.named() for s in settings)


def problems(settings: Sequence[StatusSetting]) -> list[tuple[Loc, str]]:
    """What the list gets wrong, each at its place: a name listed twice, a built-in word
    given another meaning."""
    out: list[tuple[Loc, str]] = []
    first: dict[str, int] = {}
    for i, s in enumerate(settings):
        if s.name in first:
            out.append((("statuses", i, "name"), f"'{s.name}' is listed twice (also "
                        f"statuses[{first[s.name]}]); list each status once"))
        first.setdefault(s.name, i)
        if s.name in STATUSES and s.means != s.name:
            out.append((("statuses", i, "means"), f"'{s.name}' is a built-in status and "
                        f"can only mean {s.name}; give the status meaning {s.means} another "
                        "name"))
    return out


def not_offered(settings: Sequence[StatusSetting], name: str) -> tuple[Loc, str]:
    """Where the list takes a status out of use, and how: for a built-in word, the first
    entry giving its meaning another name; for any other name, the list itself."""
    if name in STATUSES:
        i, other = next((i, s) for i, s in enumerate(settings) if s.means == name)
        return (("statuses", i, "means"), f"statuses[{i}] names '{other.name}' for {name}, "
                f"which takes the built-in word out of use; add {{name: {name}, means: {name}}} "
                "to keep it, or change those records")
    return (("statuses",), "it is not listed (renamed or removed?); list it again, or change "
            "those records")
