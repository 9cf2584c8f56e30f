"""Record fields -> YAML text in the style of hand-written records.

Block style throughout, `|` blocks for multi-line Markdown, plain scalars where YAML reads them
back as the same string, double quotes otherwise. Our own emitter rather than yaml.safe_dump
so that comments can sit beside the values they are about (e.g. every guessed `approach`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from ..findings import Loc
from ..yamlfile import Loader

# Characters a YAML stream may not hold as they are (outside YAML's printable set), plus the
# ones YAML treats as line breaks, which would change the text inside a block or a plain scalar.
_ESCAPE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def dump(data: Mapping[str, Any], header: Sequence[str] = (),
         comments: Mapping[Loc, str] | None = None) -> str:
    """YAML for `data`, after `header` comment lines; `comments` go beside the values at those
    field paths, e.g. {("options", 0, "approach"): "check"}."""
    out = [f"# {line}".rstrip() for line in header]
    _mapping(data, 0, (), out, comments or {}, "")
    return "\n".join(out) + "\n"


def _mapping(m: Mapping[str, Any], indent: int, loc: Loc, out: list[str],
             comments: Mapping[Loc, str], first: str) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(m.items()):
        _entry(f"{first if i == 0 else pad}{key}:", value, indent, (*loc, key), out, comments)


def _entry(head: str, value: Any, indent: int, loc: Loc, out: list[str],
           comments: Mapping[Loc, str]) -> None:
    note = f"  # {comments[loc]}" if loc in comments else ""
    if isinstance(value, Mapping):
        if not value:
            out.append(f"{head} {{}}{note}")
            return
        out.append(head + note)
        _mapping(value, indent + 2, loc, out, comments, " " * (indent + 2))
    elif isinstance(value, list):
        if not value:
            out.append(f"{head} []{note}")
            return
        out.append(head + note)
        _sequence(value, indent + 2, loc, out, comments)
    else:
        first, rest = scalar(value, indent + 2)
        out.append(f"{head} {first}{note}")
        out.extend(rest)


def _sequence(items: list[Any], indent: int, loc: Loc, out: list[str],
              comments: Mapping[Loc, str]) -> None:
    pad = " " * indent
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and item:
            _mapping(item, indent + 2, (*loc, i), out, comments, pad + "- ")
        elif isinstance(item, Mapping | list):
            raise TypeError("nested empty collections and lists of lists are not emitted")
        else:
            first, rest = scalar(item, indent + 2)
            out.append(f"{pad}- {first}")
            out.extend(rest)


def scalar(value: Any, indent: int) -> tuple[str, list[str]]:
    """(text after 'key: ', the lines that follow it) for one value."""
    if isinstance(value, bool):
        return ("true" if value else "false"), []
    if isinstance(value, int | float):
        return repr(value), []
    if isinstance(value, dt.date):
        return value.isoformat(), []
    if not isinstance(value, str):
        raise TypeError(f"cannot emit {type(value).__name__}")
    if "\n" in value.rstrip("\n") and _literal_ok(value):
        chomp = "" if value.endswith("\n") else "-"
        pad = " " * indent
        lines = [pad + line if line else "" for line in value.rstrip("\n").split("\n")]
        return f"|{chomp}", lines
    return (value if plain_ok(value) else quoted(value)), []


def _literal_ok(text: str) -> bool:
    # A block keeps text as written, so it cannot hold escapes, more than one trailing newline
    # (that needs `|+`) or a first line starting with a space (that needs an indent indicator).
    if _ESCAPE.search(text) or "\r" in text or text.endswith("\n\n"):
        return False
    if text[:1] in (" ", "\t", "\n"):
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
    try:
        # YAML would read 'yes', '1.0', 'null' or '2020-01-01' as something else
        return bool(yaml.load(text, Loader=Loader) == text)
    except (yaml.YAMLError, ValueError):  # ValueError: an integer longer than Python converts
        return False


def quoted(text: str) -> str:
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
