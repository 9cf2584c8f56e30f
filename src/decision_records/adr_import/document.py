"""A Markdown ADR's structure: front matter, title, the text before the first section, sections.

Only what ADR templates use is recognised: ATX headings (`## Context`), single-line setext
headings, fenced code (whose lines are never headings or list items), list items and inline
links. HTML comments are dropped first: the MADR templates are full of instructions in them,
and a commented-out heading must not start a section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..yamlfile import YamlProblem, parse

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# Lines that open another kind of block, so they cannot be the text of a setext heading.
_NOT_SETEXT_TEXT = re.compile(r"^ {0,3}([*+-]|\d{1,9}[.)]|>|\||<)([ \t]|$)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_SPACE = re.compile(r"\s+")


@dataclass
class Section:
    """A heading with the text under it and its subsections."""

    heading: str
    level: int
    body: str = ""
    children: list[Section] = field(default_factory=list)

    def content(self, level: int) -> str:
        """The body and the subsections as Markdown, subsection headings at `level`."""
        parts = [self.body] if self.body else []
        parts.extend(c.markdown(level) for c in self.children)
        return "\n\n".join(parts)

    def markdown(self, level: int) -> str:
        """The whole section as Markdown with its own heading at `level`."""
        head = "#" * min(level, 6) + " " + self.heading
        rest = self.content(level + 1)
        return f"{head}\n\n{rest}" if rest else head


@dataclass
class Document:
    title: str | None
    front: dict[str, Any]
    front_problem: str | None  # why the front matter could not be read, if it could not
    front_raw: str
    preamble: str  # between the title and the first section: metadata lists, `Date:` lines
    sections: list[Section]


@dataclass(frozen=True)
class Block:
    """A top-level list item (its text on one line) or a run of other Markdown, as written."""

    kind: Literal["item", "text"]
    text: str


def tidy(text: str) -> str:
    """Trailing spaces and surrounding blank lines removed, runs of blank lines made one."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def plain(text: str) -> str:
    """Inline Markdown made plain for fields shown as plain text (titles, option names)."""
    text = LINK.sub(lambda m: m[1] or m[2], text)
    return one_line(_EMPHASIS.sub("", text))


def _front_matter(text: str) -> tuple[str | None, str]:
    """(front matter text or None, the rest)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    return None, text


def _headings(lines: list[str]) -> list[tuple[int, int, str, int]]:
    """(line index, level, text, lines taken) of each heading outside fenced code."""
    found: list[tuple[int, int, str, int]] = []
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence) \
                    and line.strip() == opening[1]:
                fence = ""
        elif opening:
            fence = opening[1]
        elif atx := _ATX.match(line):
            found.append((i, len(atx[1]), (atx[2] or "").strip(), 1))
        elif (i + 1 < len(lines) and line.strip() and not _NOT_SETEXT_TEXT.match(line)
              and (m := _SETEXT.match(lines[i + 1]))
              and (i == 0 or not lines[i - 1].strip() or (found and found[-1][0] == i - 1))):
            # Only a line standing alone: `---` under a paragraph's last line is far more
            # often a rule than a heading in the ADRs we meet.
            found.append((i, 1 if m[1][0] == "=" else 2, line.strip(), 2))
            i += 1
        i += 1
    return found


def parse_document(text: str, is_section_name: Callable[[str], bool]) -> Document:
    """The structure of an ADR. `is_section_name` keeps `# Context` from becoming the title."""
    front_raw, body = _front_matter(text)
    front: dict[str, Any] = {}
    problem = None
    if front_raw is not None and front_raw.strip():
        try:
            data = parse(front_raw)
            front = {str(k): v for k, v in data.items()}
        except YamlProblem as p:
            if p.rule != "empty":  # only comments: nothing to read, nothing lost
                problem = f"line {p.line + 1}: {p.message}"
    lines = _COMMENT.sub("", body).split("\n")
    heads = _headings(lines)
    title = None
    first = 0
    if heads and heads[0][1] == 1 and not is_section_name(heads[0][2]):
        title = plain(heads[0][2])
        first = 1
    start = heads[0][0] + heads[0][3] if title is not None else 0
    end = heads[first][0] if len(heads) > first else len(lines)
    preamble = tidy("\n".join(lines[start:end]))
    sections: list[Section] = []
    stack: list[Section] = []
    for n in range(first, len(heads)):
        at, level, heading, taken = heads[n]
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        section = Section(heading, level, tidy("\n".join(lines[at + taken:stop])))
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else sections).append(section)
        stack.append(section)
    return Document(title, front, problem, front_raw or "", preamble, sections)


def blocks(body: str) -> list[Block]:
    """A section body split into top-level list items and runs of other Markdown."""
    out: list[Block] = []
    item: list[str] | None = None
    text: list[str] = []
    gap = False  # a blank line since the last item line
    fence = ""

    def close_item() -> None:
        nonlocal item
        if item is not None:
            out.append(Block("item", one_line(" ".join(item))))
            item = None

    def close_text() -> None:
        if any(t.strip() for t in text):
            out.append(Block("text", tidy("\n".join(text))))
        text.clear()

    for line in body.split("\n"):
        opening = _FENCE.match(line)
        if fence:
            text.append(line)
            if opening and opening[1][0] == fence[0] and line.strip() == opening[1]:
                fence = ""
            continue
        m = _ITEM.match(line)
        if m:
            close_text()
            close_item()
            item = [m[1] or ""]
            gap = False
        elif item is not None and not line.strip():
            gap = True
        elif item is not None and (line.startswith("  ") or line.startswith("\t") or not gap):
            item.append(line.strip())
            gap = False
        else:
            close_item()
            if opening:
                fence = opening[1]
            text.append(line)
    close_item()
    close_text()
    return out


def links(text: str) -> list[tuple[str, str]]:
    """(text, target) of each inline link."""
    return [(plain(m[1]), m[2]) for m in LINK.finditer(text)]
