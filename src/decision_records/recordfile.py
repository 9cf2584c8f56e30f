"""Record files: their names, the next free number, and their YAML text.

`decisions new`, `decisions import` and `decisions renumber` all write `NNNN-slug.yaml` files
into the decisions folder, and this module is what they share: the slug made from a title,
the record id and file name, the next free number, creating a file under it (and under the
next one when another writer took it first), and the YAML text itself.

The text is written by `dump`, not by a general YAML library, so that comments can sit in
it: the header, and a comment beside any value. Block style throughout, `|` blocks for
multi-line Markdown, plain scalars where the YAML loader reads them back as the same string,
double quotes otherwise. A one-line value is read back before it is used, so that no value
can end its scalar early or add a key, whatever it holds.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .files import write_new
from .findings import Loc
from .model import RECORD_FILE
from .yamlfile import Loader

SCHEMA_LINE = "# yaml-language-server: $schema=../docs/decision.schema.json"
# Placeholders both `new` and `import` write where a value is unknown: `decisions validate`
# reports each under the `todo` rule until someone fills it in.
TODO_TEAM = "TODO-team"
TODO_CATEGORY = "todo"
# Where `decisions import` copies a record's images, from the folder that holds decisions/;
# `decisions renumber` moves the record's folder there with the record.
IMAGES = PurePosixPath("docs", "assets", "imported")
SLUG_LIMIT = 60

_SLUG_GAP = re.compile(r"[^a-z0-9]+")
# Where a long title's first phrase ends: `: `, ` - `, `(`, `;`, `,`, a dash, `. `.
_PHRASE_END = re.compile(r"(?<!\s)\s*(?::\s|\s[-\u2013\u2014]\s|[(;,\u2013\u2014]|\.\s)")
_STOP_WORDS = frozenset("a an and as at be but by for from in into is of on or the to with "
                        "we our via vs".split())
# Characters a YAML stream may not hold as they are (outside YAML's printable set), plus the
# ones YAML treats as line breaks, which would change the text inside a block or a plain scalar.
_ESCAPE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


# --- names and numbers -------------------------------------------------------------------------


def slug(text: str, limit: int = SLUG_LIMIT) -> str:
    """A file-name slug, in ASCII, cut at a word boundary and, for a long title, at the end of
    its first phrase (`Use Kafka for order events: ...` -> `use-kafka-for-order-events`)."""

    def words_of(part: str) -> list[str]:
        ascii_text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        return [w for w in _SLUG_GAP.split(ascii_text.lower()) if w]

    words = words_of(text)
    if len("-".join(words)) > limit:
        # the words before each phrase end, gathered piece by piece rather than from the
        # start each time; past the limit, no later phrase end can fit
        head: list[str] = []
        at = 0
        for m in _PHRASE_END.finditer(text):
            head += words_of(text[at:m.start()])
            at = m.start()
            size = len("-".join(head))
            if size > limit:
                break
            if size >= 12:
                words = head
                break
    out: list[str] = []
    for word in words:
        if len("-".join([*out, word])) > limit:
            break
        out.append(word)
    if len(out) < len(words):
        while len(out) > 1 and out[-1] in _STOP_WORDS:
            out.pop()
    return "-".join(out) or "decision"


def record_id(number: int, slug: str) -> str:
    """`0012-use-kafka`: the file name without `.yaml`."""
    return f"{number:04d}-{slug}"


def file_name(number: int, slug: str) -> str:
    return f"{record_id(number, slug)}.yaml"


def number_of(name: str) -> int | None:
    """The number of a record file name (`0012-x.yaml` -> 12), None for any other name."""
    m = RECORD_FILE.match(name)
    return int(m["number"]) if m else None


def slug_of(rid: str) -> str:
    """`0012-use-kafka` -> `use-kafka`."""
    return rid.split("-", 1)[1]


def next_number(root: Path) -> int:
    """One more than the highest number of a record file in `root`."""
    numbers = [n for p in root.glob("*.yaml") if (n := number_of(p.name)) is not None]
    return max(numbers, default=0) + 1


def create(root: Path, slug: str, text: Callable[[int], str], number: int | None = None,
           above: Callable[[], int] = lambda: 0) -> Path:
    """Create the record file `slug` under `number` (the next free one by default), written
    in one step and never over another file. When another writer took the name since it
    was chosen, the next free number is tried, one past `above()` at least (the numbers a
    caller has handed out but not written yet); `text(n)` is the file's text under number n.
    Raises OSError when the file cannot be written."""
    n = next_number(root) if number is None else number
    while True:
        path = root / file_name(n, slug)
        try:
            write_new(path, text(n))
            return path
        except FileExistsError:
            n = max(next_number(root), n + 1, above() + 1)


# --- YAML text ------------------------------------------------------------------------------


class Quoted(str):
    """A string always written in double quotes, such as a title in the template."""

    __slots__ = ()


class BlockText(str):
    """A string always written as a `|` block, even on one line: text meant to grow."""

    __slots__ = ()


def dump(data: Mapping[str, Any], header: Sequence[str] = (),
         comments: Mapping[Loc, str] | None = None, align: int | None = None) -> str:
    """YAML for `data`, after `header` comment lines. `comments` go beside the values at
    those field paths, e.g. {("options", 0, "approach"): "check"}: two spaces after the value,
    or with `align` all at one column (that one, or two past the longest line that has one).
    """
    out: list[tuple[str, str]] = [(f"# {line}".rstrip(), "") for line in header]
    _mapping(data, 0, (), out, comments or {}, "")
    if align is not None:
        align = max([align, *(len(code) + 2 for code, note in out if note)])
    return "".join(
        f"{code.ljust(align)}# {note}\n" if note and align is not None else
        f"{code}  # {note}\n" if note else f"{code}\n" for code, note in out)


_Lines = list[tuple[str, str]]  # (the line, its comment or "")


def _mapping(m: Mapping[str, Any], indent: int, loc: Loc, out: _Lines,
             comments: Mapping[Loc, str], first: str) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(m.items()):
        _entry(f"{first if i == 0 else pad}{key}:", value, indent, (*loc, key), out, comments)


def _entry(head: str, value: Any, indent: int, loc: Loc, out: _Lines,
           comments: Mapping[Loc, str]) -> None:
    note = comments.get(loc, "")
    if isinstance(value, Mapping):
        if not value:
            out.append((f"{head} {{}}", note))
            return
        out.append((head, note))
        _mapping(value, indent + 2, loc, out, comments, " " * (indent + 2))
    elif isinstance(value, list):
        if not value:
            out.append((f"{head} []", note))
            return
        out.append((head, note))
        _sequence(value, indent + 2, loc, out, comments)
    else:
        first, rest = _scalar(value, indent + 2)
        out.append((f"{head} {first}", note))
        out.extend((line, "") for line in rest)


def _sequence(items: list[Any], indent: int, loc: Loc, out: _Lines,
              comments: Mapping[Loc, str]) -> None:
    pad = " " * indent
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and item:
            _mapping(item, indent + 2, (*loc, i), out, comments, pad + "- ")
        elif isinstance(item, Mapping | list):
            raise TypeError("nested empty collections and lists of lists are not emitted")
        else:
            first, rest = _scalar(item, indent + 2)
            out.append((f"{pad}- {first}", comments.get((*loc, i), "")))
            out.extend((line, "") for line in rest)


def _scalar(value: Any, indent: int) -> tuple[str, list[str]]:
    """(text after 'key: ', the lines that follow it) for one value."""
    if isinstance(value, bool):
        return ("true" if value else "false"), []
    if isinstance(value, int | float):
        return repr(value), []
    if isinstance(value, dt.date):
        return value.isoformat(), []
    if not isinstance(value, str):
        raise TypeError(f"cannot emit {type(value).__name__}")
    if isinstance(value, Quoted):
        return scalar(value, quoted=True), []
    if ("\n" in value.rstrip("\n") or isinstance(value, BlockText)) and _literal_ok(value):
        chomp = "" if value.endswith("\n") else "-"
        pad = " " * indent
        lines = [pad + line if line else "" for line in value.rstrip("\n").split("\n")]
        return f"|{chomp}", lines
    return scalar(value), []


def scalar(value: str, quoted: bool = False) -> str:
    """`value` as one line of YAML that reads back as exactly `value` after `key: `.

    Plain when the loader reads the plain text back as the same string (`team: sre`),
    otherwise (or when `quoted`) in double quotes with every line break and character YAML
    cannot hold escaped. Checked by reading it back: a value holding a line break, a quote or
    a `: ` cannot end the scalar or add a key.
    """
    text = value if not quoted and plain_ok(value) else double_quoted(value)
    if any(c in text for c in _LINE_BREAKS) or _read_back(f"key: {text}") != {"key": value}:
        raise ValueError(f"cannot write {value!r} as one line of YAML")  # never seen
    return text


def _read_back(text: str) -> Any:
    try:
        return yaml.load(text, Loader=Loader)
    except (yaml.YAMLError, ValueError):  # ValueError: an integer longer than Python converts
        return None


def _literal_ok(text: str) -> bool:
    # A block keeps text as written, so it cannot hold escapes, more than one trailing newline
    # (that needs `|+`) or a first line starting with a space (that needs an indent indicator).
    if _ESCAPE.search(text) or "\r" in text or text.endswith("\n\n"):
        return False
    if text[:1] in (" ", "\t", "\n", ""):
        return False
    return all(line.strip() or not line for line in text.split("\n"))


def plain_ok(text: str) -> bool:
    """Whether `text` can be written without quotes and read back as the same string."""
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return False
    if "\n" in text or "\t" in text or "\r" in text or _ESCAPE.search(text):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    # YAML would read 'yes', '1.0', 'null' or '2020-01-01' as something else
    return bool(_read_back(text) == text)


def double_quoted(text: str) -> str:
    """A double-quoted YAML scalar: escapes for backslash, quotes and unprintable characters."""
    out = []
    for ch in text:
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif _ESCAPE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code <= 0xFF else
                       f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
