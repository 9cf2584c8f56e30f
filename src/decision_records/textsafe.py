"""Text the project did not write (record fields, config values, registry replies), made safe
to print on one line of a terminal or a CI log, or to put inside a line of Markdown.

Pure functions on top of `chars`, which names the characters that are not plain text.

- `one_line`: nothing can start a new line (a CI runner reads a line starting with `::` as a
  workflow command), move the cursor, or reorder what is shown (bidi controls). Each such
  character becomes a visible escape, so tampering shows instead of vanishing.
- `md_inline`: line breaks collapsed to a space, `one_line` for the rest, then every
  Markdown or HTML construct shown as literal text; URLs, e-mail addresses, @mentions,
  #123 references and commit hashes go into code spans, where GitHub makes no link,
  mention or image of them.
- `md_code`: a code span that the text inside cannot close early.
- `no_command`: printed output in which no line is a CI runner's workflow command.
"""

from __future__ import annotations

import re
from typing import Literal

from .chars import LINE_BREAKS, escape


def one_line(text: str) -> str:
    """text as one printable line: a tab as a space, line breaks, controls, invisible and
    bidi characters as visible escapes (chars.escape). Text without any comes back as it is."""
    return escape(text.replace("\r\n", "\n").replace("\t", " "))


# ASCII punctuation that means something inline in GitHub Markdown (emphasis, code, links,
# images, HTML, entities, tables, strikethrough, math, footnotes, mentions, references).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~^&$@])")
# A word GitHub would turn into a link or a notification by itself, even with its
# punctuation escaped: URLs (bare or <autolinks>), www. hosts, e-mail addresses and
# @mentions, #123 and GH-123 references, and commit hashes.
_LINKISH = re.compile(
    r"://|www\.|@\w|#\d|\bgh-\d|(?<![0-9a-z])(?=[0-9a-f]{0,39}\d)(?=[0-9a-f]{0,39}[a-f])"
    r"[0-9a-f]{7,40}(?![0-9a-z])", re.IGNORECASE)
# Words and the separators between them; a pipe is always its own piece, so a code span
# never holds one (inside a table cell no escape of it is reliable there).
_PIECES = re.compile(r"(\s+|\|)")
_BREAK_RUN = re.compile(f"\\s*[{''.join(sorted(LINE_BREAKS))}]\\s*")


def md_inline(text: str) -> str:
    """text as literal inline Markdown on one line, safe in a table cell or a heading."""
    out = []
    for piece in _PIECES.split(one_line(_BREAK_RUN.sub(" ", text))):
        if not piece:
            continue
        if piece == "|":
            out.append("\\|")
        elif piece.isspace():
            out.append(" ")
        elif _LINKISH.search(piece):
            out.append(_span(piece))
        else:
            out.append(_SPECIAL.sub(r"\\\1", piece))
    return "".join(out)


def md_code(text: str) -> str:
    """text in a code span no backtick inside can close; pipes make it escaped plain text
    instead, since a table cell gives no safe way to write a pipe inside a code span."""
    text = one_line(_BREAK_RUN.sub(" ", text))
    if not text.strip() or "|" in text:
        return md_inline(text)
    return _span(text)


def _span(text: str) -> str:
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    # a space on both sides is stripped again by the parser; it keeps an edge backtick
    # or space from merging with the fence
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# What a GitHub Actions runner reads as a workflow command in a line of a job's output: `::`
# once the white space .NET or JavaScript would trim is gone (an escaped line break cannot
# start a line, but a path or value can start one, or follow an indent), and `##[`, the
# older form, anywhere. Lines are split at \n and \r; scanning stays within one line.
_COMMAND = re.compile(r"(?:^|(?<=[\n\r]))((?:[^\S\n\r]|\ufeff)*):(?=:)|##\[")
_ESCAPES = {"text": ("\\x3a", "##\\x5b"), "markdown": ("\\:", "##\\["),
            "json": (":", "##\\u005b")}


def no_command(text: str, style: Literal["text", "markdown", "json"] = "text") -> str:
    """text, to be printed, with each `::` that starts a line and each `##[` escaped: as
    `\\x3a` and `\\x5b` in plain text, with Markdown's backslash (which renders as the
    character) in Markdown, and as `\\u005b` in JSON, where `##[` can only be inside a string
    and a line cannot start with `:`. Text without either comes back as it is."""
    colon, bracket = _ESCAPES[style]

    def escaped(m: re.Match[str]) -> str:
        return bracket if m[1] is None else m[1] + colon

    return _COMMAND.sub(escaped, text)
