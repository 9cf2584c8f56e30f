"""Whether the site can render a text as Markdown in linear time: six limits, checked in one
pass.

Python-Markdown turns record text into HTML (render/text.py). It is quick on ordinary text
but not on every text: it recurses once per level of nested lists (500 levels raise
RecursionError); it scans from every unclosed `[` or `(` to the end of the paragraph (20,000
`[` take a minute); it rebuilds a paragraph's text for every piece of markup in it; it spends
up to a tenth of a millisecond on each paragraph, list item, heading or table cell; and it
scans from every unclosed code fence to the end of the text. Each limit bounds one of those
costs, so that any text within them converts in time linear in its length: about 3 s for a
mebibyte at all limits at once (docs/rules/markdown-limits.md). Real records come nowhere
near them. Validation reports the first place a text goes over a limit (rule
`markdown-limits`), and the renderer shows such a text as written instead of converting it.

A leaf, like `chars`: the rules and the renderer both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DEPTH = 20  # lists and quotes inside one another
MAX_OPEN = 5  # brackets, `[` and `(`, open at once in a paragraph
MAX_PARAGRAPH = 500  # Markdown characters in a paragraph, table pipes aside
MAX_FENCES = 40  # lines that open or close a fenced code block, in a text
MAX_BLOCKS = 10_000  # paragraphs, blank lines, list items, headings, table cells..., in a text
MAX_TEXT = 100_000  # Markdown characters in a text

# Anything Markdown could read as markup: inline syntax, HTML, entities, block starts,
# indented code and hard line breaks. A text with none of it needs no Markdown pass.
MARKUP = re.compile(r"[\\`*_\[\]<>&!|#~]|^[ \t]*(?:[-+=>]|\d+[.)])|^ {4}|\t| \n", re.MULTILINE)

_START = r"[ \t>*+\-=#\d.)]"  # what a line can start with before its text
_BLOCK = "#>*+-=.)"  # each of these in a line's start makes a block: marker, heading, rule...
_TOKEN = re.compile(
    r"(?P<gap>\n(?:[ \t]*\n)+)"  # blank lines: a new paragraph
    rf"|(?P<start>^{_START}+)"
    r"|(?P<fence>^(?:`{3,}|~{3,}))"
    r"|(?P<escape>\\[\\`*_{}\[\]()>#+\-.!|])"  # an escaped bracket opens nothing
    r"|(?P<open>[\[(])|(?P<close>[\])])|(?P<pipe>\|)"
    r"|[\\`*_<>&!#~\t]|  (?=\n)",  # the rest of inline syntax, and hard line breaks
    re.MULTILINE)
# \d, not [0-9]: Python-Markdown reads a list item's number with \d too
_MARKER = re.compile(r">|[-+*](?=[ \t])|\d+[.)](?=[ \t])")
_DEEP = re.compile(rf"\n{_START}{{{MAX_DEPTH + 1}}}")  # a start long enough to nest too deep
_SPECIAL = b"\\`*_<>&!#~\t[]()" + _BLOCK.encode()


@dataclass(frozen=True)
class Excess:
    """The first place a text goes over a limit, and what to do about it."""

    offset: int  # in the text
    message: str

    def line_col(self, text: str) -> tuple[int, int]:
        """1-based line and column of the place within the text."""
        start = text.rfind("\n", 0, self.offset) + 1
        return text.count("\n", 0, self.offset) + 1, self.offset - start + 1


def excess(text: str) -> Excess | None:
    """Where `text` first goes over a limit, or None when the site can render it."""
    if within(text) or not MARKUP.search(text):
        return None
    return scan(text)


def within(text: str) -> bool:
    """Whether no part of `text` can go over a limit, by counting characters: true of nearly
    every text, found in a few passes at C speed. The counts bound what `scan` counts, so
    this holds as well for any value read out of a file that passes (escapes aside).
    """
    raw = text.encode()  # the characters counted are ASCII, and no other encodes to them
    if raw.count(b"[") + raw.count(b"(") > MAX_OPEN:
        return False
    marks = len(raw) - len(raw.translate(None, _SPECIAL)) + raw.count(b" \n")
    if marks > MAX_PARAGRAPH:
        return False
    # a block needs a character of its own (a short text needs no count)
    if len(raw) > MAX_BLOCKS and marks + raw.count(b"|") + raw.count(b"\n") > MAX_BLOCKS:
        return False
    return (raw.count(b"```") + raw.count(b"~~~") <= MAX_FENCES
            and _DEEP.search("\n" + text) is None)


def _levels(start: str) -> tuple[int, int]:
    """(quote and list markers, levels of indentation) at a line's start: every four columns
    beyond the one space that follows each marker are a level."""
    markers = len(_MARKER.findall(start))
    spaces = start.count(" ") + 4 * start.count("\t")
    return markers, max(0, spaces - markers) // 4


def scan(text: str) -> Excess | None:
    """The exact count behind `excess`: one pass, stopping at the first excess."""
    paragraph = blocks = total = fences = deepest = 0
    opened = {"[": 0, "(": 0}  # each kind is closed by its own kind only
    for m in _TOKEN.finditer(text):
        kind, at = m.lastgroup, m.start()
        weight, block = 1, 0  # Markdown characters in the paragraph, blocks made
        if kind == "gap":
            paragraph = opened["["] = opened["("] = 0
            weight, block = 0, m.group().count("\n") - 1
        elif kind == "start":
            # indentation only goes down into the lists and quotes already open;
            # markers open new ones
            markers, levels = _levels(m.group())
            depth = markers + min(levels, deepest)
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return Excess(at, f"lists and quotes nest {depth} levels deep here; the site "
                              f"renders at most {MAX_DEPTH}")
            weight = block = sum(map(m.group().count, _BLOCK))
        elif kind == "fence":
            fences += 1
            block = 1
            if fences > MAX_FENCES:
                return Excess(at, f"more than {MAX_FENCES} lines open or close a code block "
                              "(``` or ~~~) in this text; the site renders at most that many")
        elif kind == "open":
            opened[m.group()] += 1
            if opened["["] + opened["("] > MAX_OPEN:
                return Excess(at, f"more than {MAX_OPEN} brackets ('[' or '(') are open at once "
                              "in this paragraph; close them, or escape them as '\\[' or '\\('")
        elif kind == "close":
            closed = "[" if m.group() == "]" else "("
            opened[closed] = max(0, opened[closed] - 1)
        elif kind == "pipe":  # a table costs per cell, not per paragraph
            weight, block = 0, 1
        paragraph += weight
        blocks += block
        total += max(weight, block)
        if paragraph > MAX_PARAGRAPH:
            return Excess(at, f"this paragraph holds more than {MAX_PARAGRAPH:,} Markdown "
                          "characters (such as * _ ` [ # > and list markers); split it with "
                          "blank lines, or link to a longer document")
        if blocks > MAX_BLOCKS:
            return Excess(at, f"this text makes more than {MAX_BLOCKS:,} paragraphs, list "
                          "items, headings, table cells and blank lines; shorten it, or link "
                          "to a longer document")
        if total > MAX_TEXT:
            return Excess(at, f"this text holds more than {MAX_TEXT:,} Markdown characters "
                          "(such as * _ ` [ | # > and list markers); shorten it, or link to a "
                          "longer document")
    return None
