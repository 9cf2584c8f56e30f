"""The record's fields, each worked out from what the ADR's metadata and sections say.

Each function returns the value and `Notes`: the placeholders it wrote, the guesses it made,
the notes for a person and the original wording it keeps under "Imported sections".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..chars import plain_line
from ..errors import DecisionsError
from ..model import Status, Statuses
from ..recordfile import TODO_TEAM
from .document import LINK, AdrDocument, one_line, plain, unescape
from .metadata import meta_key
from .relations import Relation, relation_line, unique
from .sections import AdrReading
from .vocabulary import (
    FILE_PREFIX,
    SUPERSEDED_BY,
    clean_title,
    file_date,
    map_status,
    own_status,
    parse_date,
    partial_date,
)

TODO_DECIDERS = "TODO who decided"
TODO_CONTEXT = "TODO What was the situation and the problem? The source has no context section."
IMPORTED_HEADING = "### Imported sections"
# Metadata keys that become fields; the others are listed under "Metadata".
_FIELD_KEYS = frozenset({"title", "status", "date", "decision-makers", "deciders",
                         "decided-by", "authors", "consulted", "tags", "technical-story"})

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Names split at commas, semicolons, line breaks and "and" / "&" between spaces on the line.
_NAME_SEP = re.compile(r"[,;\n]|(?<![^\S\n])[^\S\n]++and\s++|(?<![^\S\n])[^\S\n]*+&\s*+")
_PLACEHOLDER = re.compile(r"^[\[{<].*[\]}>]")
_PLACEHOLDER_TITLE = re.compile(r"^(?:(?:number|nnnn|xxxx|n+|x+)\.?\s+)?title", re.IGNORECASE)
_TAG_SEP = re.compile(r"[,\s]+")


class NotAnAdr(DecisionsError):
    """The file is not an ADR this importer can place; the message says why."""


@dataclass(frozen=True)
class Notes:
    todo: tuple[str, ...] = ()  # required fields written as TODO
    check: tuple[str, ...] = ()  # notes for a person, not about one value
    guesses: tuple[tuple[str, str], ...] = ()  # (field path, note)
    metadata: tuple[str, ...] = ()  # list lines under "Metadata" in the imported part
    kept: tuple[str, ...] = ()  # Markdown chunks under "Imported sections"

    def __add__(self, other: Notes) -> Notes:
        return Notes(self.todo + other.todo, self.check + other.check,
                     self.guesses + other.guesses, self.metadata + other.metadata,
                     self.kept + other.kept)


def stem(file_name: str) -> str:
    return file_name.rsplit(".", 1)[0] if "." in file_name[1:] else file_name


def markdown(text: str) -> str:
    """Multi-line Markdown ends with a newline (it is written as a `|` block); one line not."""
    text = text.strip("\n")
    return text + "\n" if "\n" in text else text


def names(value: Any) -> list[str]:
    """People or tags from front matter (a list or a string) or a metadata line."""
    if value is None:
        return []
    if isinstance(value, list):
        raw = [str(v) for v in value if v is not None]
    else:
        raw = _NAME_SEP.split(str(value))
    return [name for name in (plain(r).strip(" -*") for r in raw) if name]


def title(doc: AdrDocument, meta: Mapping[str, Any], file_name: str) -> tuple[str, Notes]:
    raw = doc.title or (str(meta["title"]) if "title" in meta else "")
    # one line of plain text: a byte order mark or a control character is no part of a title
    text = plain_line(clean_title(plain(raw), file_name)).strip()
    if _PLACEHOLDER.fullmatch(text) or _PLACEHOLDER_TITLE.fullmatch(text):
        raise NotAnAdr("an ADR template: the title is a placeholder")
    notes = Notes()
    if not text:
        text = FILE_PREFIX.sub("", stem(file_name))
        text = unescape(text.replace("-", " ").replace("_", " ")).strip()
        text = text[:1].upper() + text[1:]
        notes += Notes(guesses=(("title", "taken from the file name: the source has no "
                                          "title"),))
    if len(text) > 200:
        notes += Notes(check=("title: shortened to 200 characters (full title kept)",),
                       kept=(f"#### Full title\n\n{text}",))
        text = text[:199].rsplit(" ", 1)[0] + "\u2026"
    if len(text) < 3:
        notes += Notes(todo=(f"title (the source's {text!r} is too short)",))
        text = f"TODO a title ({text!r} is too short)"
    return text, notes


def form(doc: AdrDocument, reading: AdrReading, from_list: frozenset[str], file_name: str) -> str:
    """The layout recognised, for the summary: 'Nygard', 'MADR 2', ..."""
    if not reading.structured:
        return "ADR (no sections recognised)"
    front = {meta_key(k) for k in doc.front}
    if {"status", "date", "deciders", "decision-makers"} & front:
        four = "decision-makers" in front or any(
            c.heading.lower() == "confirmation" for s in doc.sections for c in s.children)
        return "MADR 4" if four else "MADR 3"
    if "status" in from_list:
        if "tags" in from_list or file_date(file_name):
            return "log4brains"
        return "MADR 2"
    if "status" in reading.kinds and "decision" in reading.kinds:
        return "Nygard"
    if reading.kinds & {"options", "alternatives", "pros-cons"}:
        return "MADR-like"
    return "ADR (unrecognised layout)"


@dataclass(frozen=True)
class StatusRead:
    """What an ADR's status line says: what it means, and the organisation's status it
    names word for word (None: the record takes the organisation's word for the meaning)."""

    means: Status
    name: str | None = None


def _as(meaning: Status, statuses: Statuses) -> str:
    """'trial (which means accepted here)', or the meaning itself where it is its own word;
    with the other names the organisation has for it."""
    names = statuses.named(meaning)
    word = names[0]
    out = word if word == meaning else f"{word} (which means {meaning} here)"
    others = names[1:]
    if others:
        out += f"; {' and '.join(others)} mean{'s' * (len(others) == 1)} {meaning} too"
    return out


def status(raw: Any, relations: tuple[Relation, ...], statuses: Statuses
           ) -> tuple[StatusRead, tuple[Relation, ...], Notes]:
    """The status, and the relations with any the status line names. A status the
    organisation lists (config.yaml `statuses:`) is taken as it is; any other wording is
    read as one of the five meanings, with the organisation's word for it."""
    text = "" if raw is None else one_line(str(raw))
    if text:
        alone, found = relation_line(text)
        relations = unique([*relations, *found])
        if alone:
            text = ""  # 'superseded by [ADR-0005](0005-x.md)': the relation says it all
    own = own_status(text, statuses) if text else None
    if own is not None:
        means = statuses.means(own)
        assert means is not None
        kept = (f"- Original status: {text}",) if LINK.search(text) else ()
        return StatusRead(means, own), relations, Notes(metadata=kept)
    value, how = map_status(text)
    if value is None:
        if any(r.kind == SUPERSEDED_BY for r in relations):
            return StatusRead("superseded"), relations, Notes()
        return StatusRead("proposed"), relations, Notes(guesses=(
            ("status", f"the source states no status; set to {_as('proposed', statuses)}"),))
    shown = one_line(plain(text))
    guesses: tuple[tuple[str, str], ...] = ()
    read = _as(value, statuses)
    if how == "mapped" or (how == "standard" and read != value):
        guesses = (("status", f"the source says {shown!r}, read as {read}"),)
    elif how == "close":
        guesses = (("status", f"the source says {shown!r}, read as {read} (the closest "
                              "known word)"),)
    elif how == "unknown":
        guesses = (("status", f"{shown!r} is not a known status; set to "
                              f"{_as('proposed', statuses)}"),)
    kept = (f"- Original status: {text}",) if how != "standard" or LINK.search(text) else ()
    return StatusRead(value), relations, Notes(guesses=guesses, metadata=kept)


def date(raw: Any, file_name: str, today: dt.date) -> tuple[dt.date, Notes]:
    value = parse_date(raw)
    note = ""
    metadata: tuple[str, ...] = ()
    if value is None and raw is not None and (part := partial_date(raw)):
        value, note = part
    if raw is not None and value is None:
        metadata = (f"- Original date: {one_line(str(raw))}",)
        note = f"the source's date {one_line(str(raw))!r} could not be read; "
    if value is None and (value := file_date(file_name)) is not None:
        note += "taken from the file name"
    if value is None:
        return today, Notes(guesses=(("date", note + ("" if note else "the source gives no "
                                                       "date; ") + "set to the import day"),),
                            metadata=metadata)
    if value > today:
        return today, Notes(guesses=(("date", f"the source says {value}, which is in the "
                                              "future; set to the import day"),),
                            metadata=(*metadata, f"- Original date: {value.isoformat()}"))
    return value, Notes(guesses=(("date", note),) if note else (), metadata=metadata)


def team(given: str | None) -> tuple[str, Notes]:
    if given:
        return given, Notes()
    return TODO_TEAM, Notes(todo=("team (or pass --team)",))


def deciders(meta: Mapping[str, Any]) -> tuple[list[str], Notes]:
    people: list[str] = []
    for key in ("decision-makers", "deciders", "decided-by"):
        people.extend(p for p in names(meta.get(key)) if p not in people)
    authors = names(meta.get("authors"))
    if not people and authors:
        return authors, Notes(guesses=(("deciders", "the source names its author(s), not who "
                                                    "decided"),))
    notes = Notes(metadata=(f"- Authors: {', '.join(authors)}",) if authors else ())
    if not people:
        return [TODO_DECIDERS], notes + Notes(todo=("deciders",))
    return people, notes


def _tag(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")


def tags(meta: Mapping[str, Any]) -> list[str]:
    raw = meta.get("tags")
    if raw is None:
        return []
    words = raw if isinstance(raw, list) else _TAG_SEP.split(str(raw).strip("[] "))
    out: list[str] = []
    for word in words:
        tag = _tag(str(word))
        if tag and tag not in out:
            out.append(tag)
    return out


def context(reading: AdrReading, preamble: str, notes: Notes) -> tuple[str, Notes]:
    """The context: the text above the first section, the technical story and the context
    sections, then, under "Imported sections", the metadata no field took (after the lines in
    `notes`) and every section kept as written."""
    parts = [preamble] if preamble else []
    story = reading.meta.get("technical-story")
    if story:
        parts.append(f"Technical story: {one_line(str(story))}")
    parts.extend(reading.context)
    todo: tuple[str, ...] = ()
    if not reading.context and not preamble:
        parts.insert(0, TODO_CONTEXT)
        todo = ("context (the source has no context section)",)
    metadata = list(notes.metadata)
    for key, value in reading.meta.items():
        if key not in _FIELD_KEYS:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            metadata.append(f"- {key.replace('-', ' ').capitalize()}: {one_line(shown)}")
    kept = [*reading.kept, *notes.kept]
    if metadata:
        kept.insert(0, "#### Metadata\n\n" + "\n".join(metadata))
    if kept:
        parts.append(IMPORTED_HEADING + "\n\n" + "\n\n".join(kept))
    return markdown("\n\n".join(parts)), Notes(todo=todo)
