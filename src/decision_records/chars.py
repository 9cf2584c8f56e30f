"""Characters that make text display differently from what it is, and how to show them safely.

Records come by pull request from anyone in the organisation, and reviewers read them as
rendered text. A right-to-left override (U+202E) reverses what follows it on screen, a zero
width space splits a name into two that look like one, and a line break or an escape code in
a value printed by `decisions validate` can forge a line of CI output. This module names
those characters, finds them in values, and escapes them in everything printed.

It is a leaf: it imports nothing of the package, so the model and the findings can share it.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible or direction-changing characters: nothing shows where they are, or what follows
# them is drawn in another order than it is stored. (Ranges are inclusive.)
HIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN: invisible except at the end of a line
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG / JUNGSEONG FILLER: blank "letters"
    (0x180E, 0x180E),  # MONGOLIAN VOWEL SEPARATOR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE, NON-JOINER, JOINER, LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # bidirectional embeddings and overrides
    (0x2060, 0x2064),  # WORD JOINER and the invisible operators
    (0x2066, 0x2069),  # bidirectional isolates
    (0x206A, 0x206F),  # deprecated format characters
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE (a byte order mark inside text)
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF9, 0xFFFB),  # interlinear annotation marks
    (0xE0000, 0xE007F),  # tag characters: invisible copies of ASCII
)
ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

_HIDDEN = "".join(
    re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
    for a, b in HIDDEN_RANGES
)
# Control characters (C0, DEL, C1), line and paragraph separators and the hidden ones: none of
# them belongs in a one-line value, and none is printed as it is. Lone surrogates (which
# cannot even be encoded for output) are escaped too.
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_HIDDEN}\\ud800-\\udfff]")
# In multi-line text, tabs and line feeds are ordinary.
_SUSPECT_IN_TEXT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{_HIDDEN}]")
# What a file must contain for any of its values to hold such a character: the character
# itself, or a backslash starting an escape in a double-quoted YAML string.
SUSPECT_IN_FILE = re.compile(f"[\\\\\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{_HIDDEN}]")

_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
}


def describe(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE': the code point and its Unicode name."""
    cp = ord(char)
    name = unicodedata.name(char, None) or _NAMES.get(cp) or (
        "CONTROL CHARACTER" if unicodedata.category(char) == "Cc" else "UNASSIGNED CHARACTER")
    return f"U+{cp:04X} {name}"


def _escaped(m: re.Match[str]) -> str:
    char = m.group()
    cp = ord(char)
    if char in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char]
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def escape(text: str) -> str:
    """Text that prints as one line and shows what it holds: control, line-breaking,
    invisible and bidirectional characters as escapes ('\\n', '\\x1b', '\\u202e').
    """
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def _joins_script(text: str, i: int) -> bool:
    """A zero-width (non-)joiner between two non-ASCII letters, marks or symbols: how Persian,
    Indic scripts and emoji sequences (woman + ZWJ + laptop) use it, not a hidden gap in a word.
    """
    if i == 0 or i + 1 >= len(text):
        return False
    return all(
        not c.isascii() and unicodedata.category(c)[0] in "LMS"
        for c in (text[i - 1], text[i + 1])
    )


def _find(pattern: re.Pattern[str], text: str) -> list[int]:
    return [m.start() for m in pattern.finditer(text)
            if not (m.group() in ZERO_WIDTH_JOINERS and _joins_script(text, m.start()))]


def _where(text: str, i: int) -> str:
    """'character 7' in one line; 'line 2, column 6 of the text' further down."""
    line = text.count("\n", 0, i)
    if not line:
        return f"character {i + 1}"
    column = i - text.rfind("\n", 0, i)
    return f"line {line + 1}, column {column} of the text"


def _more(found: list[int]) -> str:
    extra = len(found) - 1
    return f" (and {extra} more)" if extra else ""


def one_line_problem(text: str) -> str | None:
    """Why `text` is not one line of plain text, or None when it is."""
    if not _UNSAFE.search(text):
        return None
    found = _find(_UNSAFE, text)
    if not found:
        return None
    i = found[0]
    char = text[i]
    if char in LINE_BREAKS:
        advice = ("this field is one line; remove the line break (longer text belongs in "
                  "context or rationale)")
    elif char == "\t":
        advice = "this field is one line of plain text; use a space instead of the tab"
    elif unicodedata.category(char) == "Cc":
        advice = "this field is plain text; remove the control character"
    else:
        advice = "it is invisible or reorders text, so the value displays differently from " \
                 "what it is; remove it"
    return f"{describe(char)} at {_where(text, i)}{_more(found)}: {advice}"


def plain_line(text: str) -> str:
    """`text` with what `one_line_problem` refuses taken out: line breaks and tabs become
    spaces, hidden and control characters go."""
    found = set(_find(_UNSAFE, text))
    return "".join((" " if c in LINE_BREAKS or c == "\t" else "") if i in found else c
                   for i, c in enumerate(text))


def hidden_problem(text: str) -> str | None:
    """Why multi-line `text` displays differently from what it is, or None."""
    if not _SUSPECT_IN_TEXT.search(text):
        return None
    found = _find(_SUSPECT_IN_TEXT, text)
    if not found:
        return None
    i = found[0]
    return (f"{describe(text[i])} at {_where(text, i)}{_more(found)}: an invisible, "
            "direction-changing or control character makes the text display differently "
            "from what it is; remove it")
