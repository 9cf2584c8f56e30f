"""An ADR's metadata: front matter, and `- Status: accepted` / `Date: ...` lines under the title.

MADR 3 and 4 keep it in front matter, MADR 2 and log4brains in a list under the title, Nygard
in a `Date:` line; all of them land in one mapping of normalised keys (`decision-makers`,
`deciders`, `authors`, ...) for the fields to take their values from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .document import AdrDocument, tidy

# The value is the rest of the line without the spaces around it, taken as runs of spaces
# each followed by a word: a lazy value tried against `\s*$` after each character would read a
# run of spaces once per character in it.
_META_LINE = re.compile(
    r"^\s*(?P<item>[*+-]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z _-]{0,30}?)(?:\*\*|__)?"
    r"\s*:(?:\*\*|__)?\s*+(?P<value>(?:\s*+\S)*+)\s*+$")
KNOWN_META = frozenset({"status", "date", "deciders", "decision-makers", "consulted", "informed",
                        "tags", "technical-story", "title", "author", "authors", "decided-by"})
_KEY_GAP = re.compile(r"[\s_]+")


@dataclass(frozen=True)
class MetaLine:
    """`- Deciders: Ana, Ben` as (key, value, whether it is a list item)."""

    key: str  # normalised: 'deciders'
    value: str
    item: bool


@dataclass(frozen=True)
class Metadata:
    values: Mapping[str, Any]  # normalised key -> value, front matter first
    from_list: frozenset[str]  # keys read from a `- Key: value` list (MADR 2, log4brains)
    preamble: str  # the text under the title without the metadata lines
    check: tuple[str, ...] = ()  # notes for a person: front matter that could not be read
    kept: tuple[str, ...] = ()  # Markdown kept under "Imported sections"


def meta_key(key: str) -> str:
    key = _KEY_GAP.sub("-", key.strip().lower())
    return {"decision-maker": "decision-makers", "decider": "deciders",
            "author": "authors"}.get(key, key)


def meta_line(line: str) -> MetaLine | None:
    m = _META_LINE.match(line)
    return MetaLine(meta_key(m["key"]), m["value"], bool(m["item"])) if m else None


def read_metadata(doc: AdrDocument) -> Metadata:
    """Front matter, then `- Status: accepted` / `Date: ...` lines of the preamble."""
    values: dict[str, Any] = {meta_key(key): value for key, value in doc.front.items()}
    check: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    if doc.front_problem:
        check = (f"front matter not readable ({doc.front_problem}); kept under Imported "
                 "sections",)
        kept = (f"#### Front matter\n\n```yaml\n{doc.front_raw}\n```",)
    from_list: set[str] = set()
    rest: list[str] = []
    for line in doc.preamble.split("\n"):
        m = meta_line(line)
        if m and m.value and (m.key in KNOWN_META or m.item) and m.key not in values:
            values[m.key] = m.value
            if m.item:
                from_list.add(m.key)
        else:
            rest.append(line)
    return Metadata(MappingProxyType(values), frozenset(from_list), tidy("\n".join(rest)),
                    check, kept)
