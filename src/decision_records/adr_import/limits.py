"""What an ADR gives, made to fit what a record may hold.

A record's fields have limits (100 characters for an option's name, 2,000 for a pro, 50
items in a list, one line of plain text in a name) that an ADR knows nothing of: a heading
of 150 characters names an option, a list runs to 80 consequences, a title carries a byte
order mark, an empty bullet makes an empty item. The model says which value goes over which
limit; each is cut to fit, at a word where it can be, or left out when it is an empty item of
a list, and a note says so. The source keeps the whole text.

The batch fits each record twice: as mapped, before it is numbered, and once its links are
rewritten, which can make a text longer.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..chars import plain_line
from ..loader import untagged
from ..model import Record
from .draft import ImportedRecord

_FITTED = ("string_too_long", "too_long", "one_line", "string_too_short")


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word when one ends in the last fifth,
    with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    word = head.rsplit(" ", 1)[0]
    return (word if len(word) >= limit * 4 // 5 else head).rstrip() + "\u2026"


def _where(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def fitted(record: ImportedRecord) -> tuple[ImportedRecord, list[str]]:
    """`record` with every value a record holds only shorter or as plain text cut or
    cleaned, and a note for each. What else the model refuses is left for it to say."""
    data = record.data()
    notes = _fit(data)
    return (record.with_data(data) if notes else record), notes


def _fit(fields: dict[str, Any]) -> list[str]:
    """Cut or clean, in place, every value of `fields` that a record holds only shorter or
    as plain text; a note for each."""
    notes: list[str] = []
    for _ in range(3):  # a value cleaned of hidden characters can still be too long
        try:
            Record.model_validate(fields)
            return notes
        except ValidationError as e:
            errors = [x for x in e.errors(include_url=False) if x["type"] in _FITTED]
        if not errors:
            return notes
        empty: list[tuple[list[Any], int]] = []  # left out after the loop, last first
        for error in errors:
            loc = untagged(tuple(error["loc"]))  # a driver's form is no key of the record
            *path, last = loc
            parent: Any = fields
            for part in path:
                parent = parent[part]
            value, limit = parent[last], int((error.get("ctx") or {}).get("max_length", 0))
            where = _where(loc)
            if error["type"] == "one_line" and isinstance(value, str):
                parent[last] = plain_line(value)
                notes.append(f"{where}: hidden characters or line breaks taken out")
            elif error["type"] == "string_too_long" and isinstance(value, str):
                parent[last] = cut(value, limit)
                notes.append(f"{where}: shortened to {limit:,} characters; the source has "
                             "the whole text")
            elif error["type"] == "too_long" and isinstance(value, list):
                parent[last] = value[:limit]
                notes.append(f"{where}: the first {limit} of {len(value)} kept; the source "
                             "has the rest")
            elif (error["type"] == "string_too_short" and isinstance(parent, list)
                  and isinstance(value, str) and not value.strip()):
                empty.append((parent, int(last)))
                notes.append(f"{where}: an empty item left out")
        for items, i in sorted(empty, key=lambda e: -e[1]):
            del items[i]
    return notes
