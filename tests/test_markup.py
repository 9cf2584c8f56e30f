"""Record text the Markdown converter cannot take in linear time is shown as written,
quickly and without raising."""

from __future__ import annotations

import html
import random
import time
from collections.abc import Callable

import pytest

from decision_records import markup
from decision_records.markup import (
    MAX_BLOCKS,
    MAX_DEPTH,
    MAX_FENCES,
    MAX_OPEN,
    MAX_PARAGRAPH,
    MAX_TEXT,
    excess,
)
from decision_records.render import text as text_module
from decision_records.render.text import safe_html

MiB = 1 << 20
WORDS = "lorem ipsum dolor sit amet "
BOUND = 10.0  # seconds: generous on a shared machine; each shape takes 2.5 s at most


def _run(unit: str) -> str:
    """A mebibyte of `unit`, repeated."""
    return (unit * (MiB // len(unit) + 1))[:MiB]


def _paragraph(head: str) -> str:
    """`head`, then words, as one paragraph of a mebibyte."""
    return (head + " " + WORDS * (MiB // len(WORDS)))[:MiB]


def _lines(line: Callable[[int], str]) -> str:
    """Lines `line(0)`, `line(1)`, ... up to a mebibyte."""
    out, size = [], 0
    while size < MiB:
        out.append(line(len(out)))
        size += len(out[-1]) + 1
    return "\n".join(out)


# (shape, about a mebibyte of it, whether validation refuses it). Before the limits, each
# refused shape took from 10 s to many minutes to convert, or raised RecursionError.
SHAPES: list[tuple[str, str, bool]] = [
    ("[ run", _run("["), True),
    ("]( run", _run("]("), True),
    ("[a]( run", _run("[a]("), True),
    ("![ run", _run("!["), True),
    ("[x][ run", _run("[x]["), True),
    ("[[a] run", _run("[[a]"), True),
    ("[ on every line", _run("[\n"), True),
    ("* run", _run("*"), True),
    ("*a run", _run("*a"), True),
    ("**a run", _run("**a"), True),
    ("_a run", _run("_a"), True),
    ("`a run", _run("`a"), True),
    ("< run", _run("<"), True),
    ("<a run", _run("<a "), True),
    ("& run", _run("&"), True),
    ("&amp run", _run("&amp"), True),
    ("\\ run", _run("\\"), True),
    ("> run", _run(">"), True),
    ("> nested a level a line", _lines(lambda i: "> " * i + "x"), True),
    ("- nested by indentation", _lines(lambda i: "    " * i + "- x"), True),
    ("1. nested by indentation", _lines(lambda i: "    " * i + "1. x"), True),
    ("- > nested", _lines(lambda i: "    " * i + "- > x"), True),
    ("- on one line", _run("- "), True),
    ("1. on one line", _run("1. "), True),
    ("table of many columns", "|".join(["a"] * (MiB // 4)) + "\n" + "|".join(["-"] * (MiB // 4)),
     True),
    ("table of many rows", "a|b\n-|-\n" + _run("x|y\n"), True),
    ("# headings in a paragraph", _run("# a\n"), True),
    ("=== headings in a paragraph", _run("a\n===\n"), True),
    ("rules in a paragraph", _run("* * *\n"), True),
    ("code fences", _run("```\n"), True),
    ("unclosed code fences", _run("```a\n"), True),
    ("paragraphs", _run("*a*\n\n"), True),
    ("blank lines", "*a*" + _run("\n")[3:], True),
    # the most the limits let through, each with a mebibyte of words to scan
    ("` run, one fence line", _run("`"), False),
    (f"{MAX_OPEN} [ open", _paragraph("*a* " + "[" * MAX_OPEN), False),
    (f"{MAX_OPEN} ( after ]", _paragraph("[a](" * MAX_OPEN), False),
    ("backtick runs of every length", _paragraph(" ".join("`" * n for n in range(1, 31))), False),
    (f"{MAX_PARAGRAPH - 1} escapes", _paragraph("\\\\" * (MAX_PARAGRAPH - 1)), False),
    (f"{MAX_PARAGRAPH - 1} hard breaks", _paragraph("a  \n" * (MAX_PARAGRAPH - 1)), False),
    (f"{MAX_FENCES} unclosed fences", "```a\n" * MAX_FENCES + _paragraph("*a*"), False),
    (f"lists {MAX_DEPTH} deep", "\n".join("    " * i + "- x" for i in range(MAX_DEPTH))
     + "\n\n" + _paragraph("*a*"), False),
    (f"{MAX_BLOCKS // 2 - 10:,} paragraphs", ("*a* b\n\n" * (MAX_BLOCKS // 2 - 10))
     + _paragraph("")[: MiB // 2], False),
    (f"{MAX_BLOCKS - 10:,} table cells", "a|*b*\n-|-\n" + "x|y\n" * (MAX_BLOCKS // 2 - 10),
     False),
    (f"{MAX_TEXT - 2_000:,} Markdown characters", ("`a` b " * 245 + "\n\n") * 200
     + _paragraph("")[: MiB // 2], False),
    ("lines", "*a*\n" + _run("a\n"), False),
    ("words", "*a* " + _run("word "), False),
]


@pytest.mark.parametrize(("shape", "text", "refused"), SHAPES, ids=[s[0] for s in SHAPES])
def test_every_shape_renders_in_linear_time_and_is_refused_when_it_must_be(
        shape: str, text: str, refused: bool) -> None:
    assert (excess(text) is not None) == refused
    start = time.process_time()
    out = safe_html(text)
    seconds = time.process_time() - start
    assert seconds < BOUND, f"{shape}: {seconds:.1f} s"
    if refused:  # shown as written, every character escaped
        assert out == f"<pre><code>{html.escape(text, quote=False)}</code></pre>"
    else:
        assert not out.startswith("<pre><code>")


def test_a_text_that_slips_past_the_limits_is_shown_as_written(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The forgiving build renders records with errors too. Should the limits ever miss a
    shape, the converter's failure costs the text its formatting, not the page."""
    monkeypatch.setattr(text_module, "excess", lambda text: None)
    nested = "- " * 500 + "x"  # RecursionError in Python-Markdown
    assert safe_html(nested) == f"<pre><code>{nested}</code></pre>"
    assert safe_html("*fine*") == "<p><em>fine</em></p>"  # and it converts the next text


def test_the_quick_bound_never_passes_what_the_scan_refuses() -> None:
    """`within` counts characters at C speed, for nearly every text; it must bound what the
    exact scan counts. A seeded stream of Markdown-heavy texts, some within."""
    rng = random.Random(24)
    pieces = ["[", "]", "(", ")", "\\[", "*", "_", "`", "```", "~~~", "<", "&", "|", "#", "!",
              "> ", "- ", "1. ", "    ", "\t", "  \n", "\n", "\n\n", "\n \n", "a", "word ", "=",
              "---", ".", "+ ", "\u0661. "]  # Arabic-Indic: lists read \d
    within = 0
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 300)))
        if markup.within(text):
            within += 1
            assert markup.scan(text) is None, repr(text)
    assert within > 300
