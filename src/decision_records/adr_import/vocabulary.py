"""The words ADRs use: section headings, statuses, relations between records, dates.

Kept apart from the mapping so that teaching the importer another wording is a one-line
change to a table here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..model import Status
from .document import one_line, plain

# A heading, lowercased and without numbering -> what the section holds. Headings not listed
# are kept as written under "Imported sections".
SECTION_KINDS: dict[str, str] = {
    "status": "status",
    "context": "context", "context and problem statement": "context",
    "problem statement": "context", "context and problem": "context", "background": "context",
    "problem": "context",
    "decision drivers": "drivers", "drivers": "drivers", "decision criteria": "drivers",
    "considered options": "options", "options": "options", "options considered": "options",
    "alternatives": "options", "considered alternatives": "options",
    "alternatives considered": "options",
    "decision": "decision", "decision outcome": "decision", "outcome": "decision",
    "consequences": "consequences",
    "positive consequences": "good", "negative consequences": "bad",
    "pros and cons of the options": "pros-cons", "pros and cons": "pros-cons",
    "pros and cons of the alternatives": "pros-cons",
    "links": "links", "references": "links", "related decisions": "links",
}

STATUS_WORDS: list[tuple[str, Status]] = sorted([
    ("accepted", "accepted"), ("approved", "accepted"), ("adopted", "accepted"),
    ("agreed", "accepted"), ("decided", "accepted"), ("implemented", "accepted"),
    ("done", "accepted"), ("active", "accepted"),
    ("proposed", "proposed"), ("proposal", "proposed"), ("draft", "proposed"),
    ("open", "proposed"), ("pending", "proposed"), ("in progress", "proposed"),
    ("in review", "proposed"), ("under review", "proposed"), ("under discussion", "proposed"),
    ("work in progress", "proposed"), ("wip", "proposed"),
    ("rejected", "rejected"), ("declined", "rejected"), ("refused", "rejected"),
    ("not accepted", "rejected"),
    ("superseded", "superseded"), ("superceded", "superseded"), ("replaced", "superseded"),
    ("deprecated", "deprecated"), ("obsolete", "deprecated"), ("retired", "deprecated"),
    ("withdrawn", "deprecated"),
], key=lambda pair: -len(pair[0]))  # longest first: 'not accepted' before 'accepted'

SUPERSEDES, SUPERSEDED_BY = "supersedes", "superseded by"
RELATION_NAMES = {
    "supersedes": SUPERSEDES, "supercedes": SUPERSEDES, "replaces": SUPERSEDES,
    "superseded by": SUPERSEDED_BY, "superceded by": SUPERSEDED_BY, "replaced by": SUPERSEDED_BY,
}

_FILE_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[-_.]|$)")
_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y")


def section_kind(heading: str) -> str | None:
    name = re.sub(r"^\d+(\.\d+)*\.?\s+", "", plain(heading).lower()).strip(" :")
    return SECTION_KINDS.get(name)


def parse_date(value: Any) -> dt.date | None:
    """A date from front matter or a `Date:` line, in the formats ADRs use."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = plain(value)
    patterns = ((r"(\d{4})-(\d{1,2})-(\d{1,2})", (1, 2, 3)), (r"(\d{4})/(\d{1,2})/(\d{1,2})",
                (1, 2, 3)), (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (3, 2, 1)))
    for pattern, (y, mo, d) in patterns:
        if m := re.search(pattern, text):
            try:
                return dt.date(int(m[y]), int(m[mo]), int(m[d]))
            except ValueError:
                return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(" ."), fmt).date()
        except ValueError:
            continue
    return None


def file_date(name: str) -> dt.date | None:
    """log4brains names files after their date: 20200924-use-markdown.md."""
    m = _FILE_DATE.match(name)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def map_status(text: str) -> tuple[Status | None, bool]:
    """(status, whether the wording was recognised); None when there is no wording at all."""
    words = one_line(plain(text)).lower().strip(" .:")
    if not words:
        return None, True
    for phrase, status in STATUS_WORDS:
        if re.match(re.escape(phrase) + r"\b", words):
            return status, True
    return "proposed", False
