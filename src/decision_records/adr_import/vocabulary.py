"""The words ADRs use: section headings, statuses, relations between records, dates, titles.

Kept apart from the mapping so that teaching the importer another wording is a one-line
change to a table here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from ..model import STATUSES, Status, Statuses
from .document import LINK, one_line, plain

# A heading, lowercased and without numbering -> what the section holds. Headings not listed
# are kept as written under "Imported sections".
SECTION_KINDS: dict[str, str] = {
    "status": "status", "state": "status",
    "context": "context", "context and problem statement": "context",
    "problem statement": "context", "context and problem": "context", "background": "context",
    "problem": "context", "issue": "context", "motivation": "context",
    "decision drivers": "drivers", "drivers": "drivers", "decision criteria": "drivers",
    "considered options": "options", "options": "options", "options considered": "options",
    "alternatives": "alternatives", "considered alternatives": "alternatives",
    "alternatives considered": "alternatives", "other options": "alternatives",
    "other options considered": "alternatives", "other alternatives": "alternatives",
    "rejected alternatives": "alternatives", "rejected options": "alternatives",
    "decision": "decision", "decision outcome": "decision", "outcome": "decision",
    "consequences": "consequences", "implications": "consequences",
    "positive consequences": "good", "negative consequences": "bad",
    "consequences positive": "good", "consequences negative": "bad",
    "pros and cons of the options": "pros-cons", "pros and cons": "pros-cons",
    "pros and cons of the alternatives": "pros-cons",
    "links": "links", "references": "links", "related decisions": "links",
    "related adrs": "links", "related": "links", "see also": "links",
}
# Headings that say good or bad only under Consequences (or under an option): `### Positive`.
POINT_HEADINGS: dict[str, str] = {
    "positive": "good", "pros": "good", "pro": "good", "good": "good", "benefits": "good",
    "advantages": "good", "upsides": "good", "positive consequences": "good",
    "negative": "bad", "cons": "bad", "con": "bad", "bad": "bad", "drawbacks": "bad",
    "disadvantages": "bad", "downsides": "bad", "negative consequences": "bad",
    "neutral": "neutral",
}

# The model's own words: a status written as one of them is read, not guessed.
STANDARD = frozenset(STATUSES) | {"superseded by"}
STATUS_WORDS: list[tuple[str, Status]] = sorted([
    ("accepted", "accepted"), ("approved", "accepted"), ("adopted", "accepted"),
    ("agreed", "accepted"), ("decided", "accepted"), ("implemented", "accepted"),
    ("done", "accepted"), ("active", "accepted"), ("complete", "accepted"),
    ("completed", "accepted"), ("in effect", "accepted"), ("in use", "accepted"),
    ("final", "accepted"), ("live", "accepted"), ("valid", "accepted"),
    ("proposed", "proposed"), ("proposal", "proposed"), ("draft", "proposed"),
    ("open", "proposed"), ("pending", "proposed"), ("in progress", "proposed"),
    ("in review", "proposed"), ("under review", "proposed"), ("under discussion", "proposed"),
    ("work in progress", "proposed"), ("wip", "proposed"), ("on hold", "proposed"),
    ("deferred", "proposed"), ("postponed", "proposed"), ("suggested", "proposed"),
    ("new", "proposed"), ("todo", "proposed"), ("planned", "proposed"),
    ("in discussion", "proposed"), ("review", "proposed"), ("rfc", "proposed"),
    ("rejected", "rejected"), ("declined", "rejected"), ("refused", "rejected"),
    ("not accepted", "rejected"), ("abandoned", "rejected"), ("cancelled", "rejected"),
    ("canceled", "rejected"), ("dropped", "rejected"), ("won't do", "rejected"),
    ("superseded", "superseded"), ("superceded", "superseded"), ("replaced", "superseded"),
    ("superseeded", "superseded"), ("supersceded", "superseded"),
    ("deprecated", "deprecated"), ("depreciated", "deprecated"), ("obsolete", "deprecated"),
    ("retired", "deprecated"), ("withdrawn", "deprecated"), ("archived", "deprecated"),
    ("outdated", "deprecated"), ("no longer valid", "deprecated"), ("revoked", "deprecated"),
], key=lambda pair: -len(pair[0]))  # longest first: 'not accepted' before 'accepted'
_WORDS = dict(STATUS_WORDS)

SUPERSEDES, SUPERSEDED_BY = "supersedes", "superseded by"
# A relation verb as written, lowercased -> its kind. Supersession is resolved into
# `supersedes`; the others become links titled with the verb.
RELATION_NAMES = {
    "supersedes": SUPERSEDES, "supercedes": SUPERSEDES, "replaces": SUPERSEDES,
    "superseded by": SUPERSEDED_BY, "superceded by": SUPERSEDED_BY, "replaced by": SUPERSEDED_BY,
    "amends": "amends", "amended by": "amended by", "refines": "refines",
    "refined by": "refined by", "extends": "extends", "extended by": "extended by",
    "clarifies": "clarifies", "clarified by": "clarified by", "related to": "related to",
    "related": "related to", "relates to": "related to", "see also": "see also",
    "depends on": "depends on", "drives": "drives", "driven by": "driven by",
    "updates": "updates", "updated by": "updated by", "implements": "implements",
}
RELATION_VERBS = sorted(RELATION_NAMES, key=len, reverse=True)

_FILE_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[-_.]|$)")
_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y",
                 "%d. %B %Y", "%B %dst, %Y", "%B %dnd, %Y", "%B %drd, %Y", "%B %dth, %Y")
_MONTH_FORMATS = ("%B %Y", "%b %Y", "%B, %Y", "%b, %Y")

# `ADR-12:`, `12.`, `Architecture Decision Record 12:`, `[ADR-0012]`, `#12 -`, `RFC 3:` ...
# Spaces are taken possessively (`\s*+`): what follows each run is never a space, and giving
# spaces back would read the run again once per space in it.
_TITLE_NUMBER = re.compile(
    r"^\s*+\[?(?:(?:architecture|architectural)\s++decision(?:\s++record)?|decision\s++record"
    r"|decision|adr|rfc|record)\s*+[-#]?\s*+(?P<n1>\d+)[a-z]?\]?"
    r"(?:\s*+[.:)\-\u2013\u2014|]++\s*+|\s++)"
    r"|^\s*+#?(?P<n2>\d+)(?:\s*+[.:)\-\u2013\u2014|]++\s++|[.:)]\s*+(?=\S))",
    re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*+(?P<n>\d+)\s++(?=\S)")
_FILE_NUMBER = re.compile(r"^(?:adr|rfc)?[-_ ]?0*(\d+)", re.IGNORECASE)
FILE_PREFIX = re.compile(r"^(?:(?:adr|rfc)[-_ ]?)?(?:\d{4}-?\d{2}-?\d{2}|\d+)[-_ .]+",
                         re.IGNORECASE)
# File names of templates: `template.md`, `0000-template.md`, `adr-template-minimal.md`,
# `xxxx-title.md`, `NNNN-name.md`.
_TEMPLATE_NAME = re.compile(
    r"^(?:\d+[-_ .]+)?(?:(?:adr|madr|nygard|log4brains|decision|record)[-_ ]?)?template\b"
    r"|(?:^|[-_ .])(?:adr|madr|nygard|log4brains|decision|record)[-_ ]template(?:[-_ .]|$)"
    r"|(?:^|[-_ .])(?:x{3,}|n{3,}|X{3,}|N{3,})(?:[-_ .]|$)",
    re.IGNORECASE)
_HEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*+\.?\s+")
_NOT_WORD = re.compile(r"[^\w\s]+")
_DATES = ((re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), (1, 2, 3)),
          (re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})"), (1, 2, 3)),
          (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), (3, 2, 1)))
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$|^(\d{1,2})[-/.](\d{4})$")
_YEAR = re.compile(r"^(?:19|20|21)\d\d$")
_STRUCK = re.compile(r"~~.*?~~")
_STATUS_LABEL = re.compile(r"^(status|state)\s*+:?\s*+")
_FIRST_WORD = re.compile(r"[^\w']+")
_ADR_LIKE = re.compile(r"^(?:(?:adr|rfc)[-_ ]?)?\d+[-_ .]", re.IGNORECASE)


def section_kind(heading: str) -> str | None:
    return SECTION_KINDS.get(heading_key(heading))


def point_heading(heading: str) -> str | None:
    """good, bad or neutral for `### Positive` and the like under Consequences or an option."""
    key = heading_key(heading)
    return SECTION_KINDS.get(key) if SECTION_KINDS.get(key) in ("good", "bad") else \
        POINT_HEADINGS.get(key)


def heading_key(heading: str) -> str:
    """'2. Decision Outcome:' -> 'decision outcome'."""
    name = _HEADING_NUMBER.sub("", plain(heading).lower())
    name = _NOT_WORD.sub(" ", name)
    return " ".join(name.split())


def parse_date(value: Any) -> dt.date | None:
    """A full date from front matter or a `Date:` line, in the formats ADRs use."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = plain(value)
    for pattern, (y, mo, d) in _DATES:
        if m := pattern.search(text):
            try:
                return dt.date(int(m[y]), int(m[mo]), int(m[d]))
            except ValueError:
                return None
    text = _ORDINAL.sub(r"\1", text.strip(" ."))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def partial_date(value: Any) -> tuple[dt.date, str] | None:
    """A year-month or year-only date, as its first day, with a note saying so."""
    if isinstance(value, int) and 1900 < value < 2200:  # YAML reads `date: 2019` as a number
        return dt.date(value, 1, 1), f"the source gives only the year ({value}); set to " \
                                     "1 January"
    if not isinstance(value, str):
        return None
    text = plain(value).strip(" .")
    if m := _YEAR_MONTH.fullmatch(text):
        year, month = (m[1], m[2]) if m[1] else (m[4], m[3])
        try:
            return dt.date(int(year), int(month), 1), \
                f"the source gives only the month ({text}); set to its first day"
        except ValueError:
            return None
    for fmt in _MONTH_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
            return day, f"the source gives only the month ({text}); set to its first day"
        except ValueError:
            continue
    if _YEAR.fullmatch(text):
        return dt.date(int(text), 1, 1), f"the source gives only the year ({text}); set to " \
                                         "1 January"
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


def status_phrase(text: str) -> str:
    """The words of a status line: links, struck-out words and decoration removed."""
    text = _STRUCK.sub(" ", text)  # `~~Proposed~~ Accepted`
    text = LINK.sub(" ", text)
    return one_line(plain(text)).lower().strip(" .:;,!*_-")


_NAME_GAPS = re.compile(r"[\s_]+")


def own_status(text: str, statuses: Statuses) -> str | None:
    """The organisation's status the text names, word for word ('In review' is in-review),
    or None."""
    words = _STATUS_LABEL.sub("", status_phrase(text))
    name = _NAME_GAPS.sub("-", words)
    return name if statuses.get(name) is not None else None


def map_status(text: str) -> tuple[Status | None, str]:
    """(status, how it was read): 'standard' for the model's own word, 'mapped' for another
    known word, 'close' for a misspelling of one, 'unknown' (set to proposed); None when
    there is no wording at all."""
    words = status_phrase(text)
    words = _STATUS_LABEL.sub("", words)
    if not words:
        return None, "standard"
    for phrase, status in STATUS_WORDS:
        if re.match(re.escape(phrase) + r"(?!\w)", words):
            return status, "standard" if phrase in STANDARD else "mapped"
    first = _FIRST_WORD.split(words, maxsplit=1)[0]
    close = difflib.get_close_matches(first, [w for w in _WORDS if " " not in w], n=1,
                                      cutoff=0.8)
    if close and len(first) >= 4:
        return _WORDS[close[0]], "close"
    return "proposed", "unknown"


def clean_title(title: str, file_name: str) -> str:
    """A title without its numbering (`ADR-12:`, `12.`, `Architecture Decision Record 12:`);
    a bare `12 ` only when the file name carries the same number."""
    m = _TITLE_NUMBER.match(title)
    if m:
        return title[m.end():].strip()
    bare = _BARE_NUMBER.match(title)
    number = _FILE_NUMBER.match(file_name)
    if bare and number and int(bare["n"]) == int(number[1]):
        return title[bare.end():].strip()
    return title


def template_name(file_name: str) -> bool:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name[1:] else file_name
    return bool(_TEMPLATE_NAME.search(stem))


def adr_like_name(file_name: str) -> bool:
    """Numbered the way ADR collections number their files: 0012-x, adr-12-x, 20200924-x."""
    return bool(_ADR_LIKE.match(file_name))
