"""A Markdown ADR's structure: front matter, title, the text before the first section, sections.

The block structure comes from a CommonMark tokenizer (markdown-it-py), whose tokens carry the
source lines they span: headings at any level, fenced and indented code (never headings or list
items), nested lists and lazy continuation lines are read as a Markdown renderer reads them,
and every piece of text is then taken from the source as written, so nothing is re-rendered.
HTML comments are dropped first: the MADR templates are full of instructions in them, and a
commented-out heading must not start a section. Reference-style links are made inline, since
their definitions may end up in another field than the link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..yamlfile import YamlProblem, parse

# Only the blocks are read (headings, lists, code, where each starts and ends); the inline
# pass is left out, since nothing here uses it and it takes time quadratic in a run of `[`.
# Tables are read as paragraphs: a heading, a list or a fence ends either, and a table of
# 250,000 rows would otherwise be 1.25 million tokens.
_MD = MarkdownIt("commonmark", {"html": True}).disable("inline")
_MARKER = re.compile(r"^([ \t]*)([*+-]|\d{1,9}[.)])([ \t]*)(.*)$")
# An inline link or image, one level of brackets allowed in its text (`[![x](a.png)](b)`),
# its target bare or in <>, an optional title. ADR text comes from elsewhere: every
# repetition is possessive (nothing after it could match what it gave back), so a run of
# `[` or of spaces is read once instead of once per position it could end at.
_TEXT = r"(?:[^\[\]\\]++|\\.|\[(?:[^\[\]\\]++|\\.)*+\])*+"
LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>" + _TEXT + r")\]\(\s*+(?:<(?P<angle>[^<>\n]*+)>"
    r"|(?P<bare>(?:[^\s()\\]++|\\.|\((?:[^\s()\\]++|\\.)*+\))*+))"
    r"(?P<title>\s++(?:\"[^\"\n]*+\"|'[^'\n]*+'|\([^()\n]*+\)))?+\s*+\)")
_REF_DEF = re.compile(r"^ {0,3}\[(?P<label>[^\]^][^\]]*+)\]:[ \t]*+(?:<(?P<angle>[^<>\n]*+)>|"
                      r"(?P<bare>\S++))(?:[ \t]++(?:\"[^\"]*+\"|'[^']*+'|\([^)]*+\)))?+[ \t]*+$")
_REF_USE = re.compile(r"(?P<bang>!?)\[(?P<text>" + _TEXT + r")\](?:\[(?P<label>[^\]]*+)\]"
                      r"|(?![(\[:]))")
_TICKS = re.compile(r"`+")
_EMPHASIS = re.compile(r"(\*\*|__|~~|`)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


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
class AdrDocument:
    title: str | None  # as written (inline Markdown); `plain` makes it text
    front: dict[str, Any]
    front_problem: str | None  # why the front matter could not be read, if it could not
    front_raw: str
    preamble: str  # between the title and the first section: metadata lists, `Date:` lines
    sections: list[Section]


@dataclass(frozen=True)
class Block:
    """A top-level list item or a run of other Markdown, as written.

    For an item, `text` is its first paragraph on one line and `body` the Markdown below it
    (nested lists, code blocks, more paragraphs), un-indented; `marker` is its bullet.
    """

    kind: Literal["item", "text"]
    text: str
    body: str = ""
    marker: str = ""

    @property
    def items(self) -> list[Block]:
        """The items of the lists nested in this item."""
        return [b for b in blocks(self.body) if b.kind == "item"]

    def markdown(self) -> str:
        """The block as Markdown: an item with its bullet and its nested content indented."""
        if self.kind == "text":
            return self.text
        bullet = self.marker if self.marker in ("*", "+", "-") else "-"
        rest = "".join(f"\n  {line}" if line else "\n" for line in self.body.split("\n")) \
            if self.body else ""
        return f"{bullet} {self.text}{rest}"


def tidy(text: str) -> str:
    """Trailing spaces and surrounding blank lines removed, runs of blank lines made one."""
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def unescape(text: str) -> str:
    r"""Markdown backslash escapes and HTML entities made plain: `Span\<T\>` -> `Span<T>`."""
    return html.unescape(_ESCAPE.sub(r"\1", text))


def plain(text: str) -> str:
    """Inline Markdown made plain for fields shown as plain text (titles)."""
    text = LINK.sub(lambda m: m["text"] or target(m), text)
    return one_line(unescape(_EMPHASIS.sub("", text)))


def target(m: re.Match[str]) -> str:
    """The target of a LINK match, as written."""
    return m["angle"] if m["angle"] is not None else (m["bare"] or "")


def tokens(text: str) -> list[Token]:
    return _MD.parse(text)


def code_lines(toks: list[Token]) -> set[int]:
    """Line numbers inside fenced or indented code, at any depth."""
    out: set[int] = set()
    for tok in toks:
        if tok.type in ("fence", "code_block") and tok.map:
            out.update(range(tok.map[0], tok.map[1]))
    return out


def code_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each code span: a run of backticks up to the next run of the same
    length. Each run is looked at once, where a pattern would search the rest of the text
    again from every opening run that is never closed."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    closer: list[int | None] = [None] * len(runs)  # the next run of the same length
    after: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        size = runs[i][1] - runs[i][0]
        closer[i] = after.get(size)
        after[size] = i
    i = 0
    while i < len(runs):
        j = closer[i]
        if j is None:
            i += 1
            continue
        yield runs[i][0], runs[j][1]
        i = j + 1


def drop_comments(text: str) -> str:
    """The text without its HTML comments; an unclosed `<!--` is left as it is."""
    pieces, at = [], 0
    while (start := text.find("<!--", at)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        pieces.append(text[at:start])
        at = end + 3
    pieces.append(text[at:])
    return "".join(pieces)


def outside_code(text: str, change: Callable[[str], str]) -> str:
    """`change` applied to the text outside code blocks and code spans."""
    lines = text.split("\n")
    code = code_lines(tokens(text))
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            joined = "\n".join(run)
            pieces, at = [], 0
            for start, end in code_spans(joined):
                pieces += [change(joined[at:start]), joined[start:end]]
                at = end
            pieces.append(change(joined[at:]))
            out.append("".join(pieces))
            run.clear()

    for i, line in enumerate(lines):
        if i in code:
            flush()
            out.append(line)
        else:
            run.append(line)
    flush()
    return "\n".join(out)


def _label(text: str) -> str:
    return one_line(text).casefold()


def inline_references(text: str) -> str:
    """`[text][label]` and `[label]` with a `[label]: target` definition -> `[text](target)`;
    the definitions are dropped."""
    if "]:" not in text:  # no definition: spare the tokenizer a pass over the whole text
        return text
    lines = text.split("\n")
    code = code_lines(tokens(text))
    defs: dict[str, str] = {}
    kept: list[str] = []
    for i, line in enumerate(lines):
        m = None if i in code else _REF_DEF.match(line)
        if m:
            url = m["angle"] if m["angle"] is not None else m["bare"]
            defs.setdefault(_label(m["label"]), f"<{url}>" if " " in url else url)
        else:
            kept.append(line)
    if not defs:
        return text

    def use(m: re.Match[str]) -> str:
        label = m["label"] or m["text"]
        url = defs.get(_label(label))
        return m[0] if url is None else f"{m['bang']}[{m['text']}]({url})"

    return outside_code("\n".join(kept), lambda chunk: _REF_USE.sub(use, chunk))


def _front_matter(text: str) -> tuple[str | None, str]:
    """(front matter text or None, the rest)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    return None, text


def _headings(toks: list[Token]) -> list[tuple[int, int, str, int]]:
    """(line index, level, text, lines taken) of each top-level heading."""
    found: list[tuple[int, int, str, int]] = []
    for i, tok in enumerate(toks):
        if tok.type != "heading_open" or tok.level != 0 or not tok.map:
            continue
        content = toks[i + 1].content if i + 1 < len(toks) else ""
        if tok.markup in ("=", "-") and "\n" in content:
            # `---` under a paragraph is far more often a rule than a heading in the ADRs we
            # meet: only a line standing alone becomes a setext heading.
            continue
        found.append((tok.map[0], int(tok.tag[1]), content.strip(), tok.map[1] - tok.map[0]))
    return found


def parse_document(text: str, is_section_name: Callable[[str], bool]) -> AdrDocument:
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
    body = inline_references(drop_comments(body))
    lines = body.split("\n")
    heads = _headings(tokens(body))
    title = None
    first = 0
    # The first heading is the title unless it names a section; below level 1 only when every
    # other heading is deeper (`## ADR 12: Use X` over `#### Status`).
    if heads and not is_section_name(heads[0][2]) and (
            heads[0][1] == 1 or all(h[1] > heads[0][1] for h in heads[1:])):
        title = heads[0][2]
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
    return AdrDocument(title, front, problem, front_raw or "", preamble, sections)


def _dedent(line: str, width: int) -> str:
    line = line.expandtabs(4)
    strip = len(line) - len(line.lstrip(" "))
    return line[min(strip, width):]


def _item(lines: list[str], marker: str) -> Block:
    m = _MARKER.match(lines[0].expandtabs(4))
    if m is None:  # cannot happen for a list item token; keep the text whatever it is
        return Block("item", one_line(" ".join(lines)), marker=marker)
    gap = m[3] if len(m[3]) <= 4 else " "
    width = len(m[1]) + len(m[2]) + len(gap)
    content = [m[4] if len(m[3]) <= 4 else m[3][1:] + m[4]]
    content += [_dedent(line, width) for line in lines[1:]]
    text = "\n".join(content)
    toks = tokens(text)
    head, rest = "", text
    if toks and toks[0].type == "paragraph_open" and toks[0].map:
        stop = toks[0].map[1]
        head = one_line(" ".join(content[:stop]))
        rest = "\n".join(content[stop:])
    return Block("item", head, tidy(rest), marker)


def blocks(body: str) -> list[Block]:
    """A section body split into top-level list items and runs of other Markdown."""
    lines = body.split("\n")
    toks = tokens(body)
    out: list[Block] = []
    run: list[int] = []  # first and last line of a run of non-list blocks

    def close_text() -> None:
        if run:
            text = tidy("\n".join(lines[run[0]:run[1]]))
            if text:
                out.append(Block("text", text))
            run.clear()

    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.level != 0 or tok.nesting == -1 or not tok.map:
            i += 1
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            close_text()
            i += 1
            while i < len(toks) and not (toks[i].level == 0 and toks[i].nesting == -1):
                item = toks[i]
                if item.type == "list_item_open" and item.level == 1 and item.map:
                    marker = item.info + item.markup if item.info else item.markup
                    out.append(_item(lines[item.map[0]:item.map[1]], marker))
                i += 1
            continue
        if run:
            run[1] = tok.map[1]
        else:
            run.extend(tok.map)
        i += 1
    close_text()
    return out


def links(text: str) -> list[tuple[str, str]]:
    """(text, target) of each inline link or image."""
    return [(plain(m["text"]), target(m)) for m in LINK.finditer(text)]
