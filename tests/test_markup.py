"""Record text the Markdown converter cannot take in linear time: validation names the place
(rule markdown-limits), and the renderer shows the text as written, quickly and without
raising."""

from __future__ import annotations

import html
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, VALID_RECORD, run_cli, site_for_test, variant, write_decisions
from decision_records import markup
from decision_records.loader import load_config
from decision_records.markup import (
    MAX_BLOCKS,
    MAX_DEPTH,
    MAX_FENCES,
    MAX_OPEN,
    MAX_PARAGRAPH,
    MAX_TEXT,
    excess,
)
from decision_records.model import validate_record
from decision_records.render import record as record_page
from decision_records.render import text as text_module
from decision_records.render.text import safe_html
from decision_records.rules.core import markdown_texts
from decision_records.yamlfile import Locator

MiB = 1 << 20
WORDS = "lorem ipsum dolor sit amet "
BOUND = 10.0  # seconds: generous on a shared machine, where no shape took 2.5 s


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


def test_the_shipped_records_are_within_the_limits() -> None:
    statuses = load_config(REPO / "decisions").status_table
    for path in sorted((REPO / "decisions").glob("0*.yaml")):
        record = validate_record(yaml.safe_load(path.read_text(encoding="utf-8")), statuses)
        assert [loc for loc, text in markdown_texts(record) if excess(text)] == [], path.name


def _context(text: str) -> str:
    """VALID_RECORD with `text` as its context, a literal block from line 17, column 3."""
    block = "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))
    return variant("context: |\n  Alerts reach people by e-mail only, and night-time alerts "
                   "are missed.\n", "context: |\n" + block)


NESTED = "\n".join("    " * i + "- x" for i in range(MAX_DEPTH + 3))
# (case, record text, the finding's line:col and message). The context's line k, column c is
# the file's line 16 + k, column 2 + c.
FINDINGS: list[tuple[str, str, str]] = [
    ("20,000 [", _context("[" * 20_000),
     f"17:8: error: context: more than {MAX_OPEN} brackets ('[' or '(') are open at once in "
     "this paragraph; close them, or escape them as '\\[' or '\\('"),
    ("a list 500 levels deep on one line", _context("Steps:\n\n" + "- " * 500 + "x"),
     f"19:3: error: context: lists and quotes nest 500 levels deep here; the site renders at "
     f"most {MAX_DEPTH}"),
    ("a list nested by indentation", _context(NESTED),
     f"{16 + MAX_DEPTH + 1}:3: error: context: lists and quotes nest {MAX_DEPTH + 1} levels "
     f"deep here; the site renders at most {MAX_DEPTH}"),
    ("a dense paragraph", _context("ok\n\n" + "*a" * 600),
     f"19:{2 + 2 * MAX_PARAGRAPH + 1}: error: context: this paragraph holds more than "
     f"{MAX_PARAGRAPH} Markdown characters"),
    ("code fences", _context("```a\n" * (MAX_FENCES + 1)),
     f"{16 + MAX_FENCES + 1}:3: error: context: more than {MAX_FENCES} lines open or close a "
     "code block"),
    ("paragraphs", _context("Some *text*.\n\n" * (MAX_BLOCKS + 2)),  # where a line ends
     f"{16 + 2 * MAX_BLOCKS + 1}:15: error: context: this text makes more than {MAX_BLOCKS:,} "
     "paragraphs"),
    ("a pro written plain", variant("      - Mature escalation policies\n",
                                    "      - Mature [[[[[[ policies\n"),
     "26:21: error: options[0].pros[0]: more than 5 brackets"),
    ("a rationale quoted", variant("  rationale: |\n    Paging is not core to our business and a "
                                   "product does it well.\n",
                                   "  rationale: 'Not core: [[[[[[.'\n"),
     "52:30: error: decision.rationale: more than 5 brackets"),
    ("escapes in double quotes: the field, and the place in the text", variant(
        "  exit_plan: Schedules export as iCal and alerts are plain webhooks.\n",
        '  exit_plan: "a\\n\\x5b\\x5b\\x5b\\x5b\\x5b\\x5b"\n'),
     "54:14: error: decision.exit_plan: line 2, column 6 of the text: more than 5 brackets"),
]


@pytest.mark.parametrize(("case", "text", "finding"), FINDINGS, ids=[f[0] for f in FINDINGS])
def test_validation_names_the_place(case: str, text: str, finding: str,
                                    tmp_path: Path) -> None:
    write_decisions(tmp_path, {"0001-paging.yaml": text})
    result = run_cli("validate", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"decisions/0001-paging.yaml:{finding}"), lines[0]
    assert lines[0].endswith(" [markdown-limits]")


def test_the_limits_cannot_be_waived_or_turned_off(tmp_path: Path) -> None:
    text = _context("[" * 6) + "waivers:\n  - rule: markdown-limits\n    reason: We like it.\n"
    config = "rules:\n  markdown-limits: off\n"
    write_decisions(tmp_path, {"0001-paging.yaml": text}, config=config)
    result = run_cli("validate", cwd=tmp_path)
    assert "[markdown-limits]" in result.stdout
    assert "'markdown-limits' is a rule that cannot be waived [waiver]" in result.stdout


FULL = VALID_RECORD.replace("  exit_plan:", "  why_not_buy: Buying covers it.\n  exit_plan:") + (
    "waivers:\n  - rule: review-due\n    reason: Reviewed *weekly*.\n"
    "tokens_released:\n  date: 2026-04-01\n  reason: It is boring now.\n")


def test_the_rule_reads_every_text_the_page_renders_as_markdown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_decisions(tmp_path, {"0001-paging.yaml": FULL})
    site = site_for_test(tmp_path / "decisions")
    [entry] = site.context.entries
    rendered: list[str] = []

    def spy(convert: Callable[..., str]) -> Callable[..., str]:
        def call(text: str, *args: Any) -> str:
            rendered.append(text)
            return convert(text, *args)
        return call

    monkeypatch.setattr(record_page, "safe_html", spy(record_page.safe_html))
    monkeypatch.setattr(record_page, "safe_inline", spy(record_page.safe_inline))
    record_page.render_record(entry, site.context)
    assert sorted(rendered) == sorted(text for _, text in markdown_texts(entry.record))
    assert {"Buying covers it.", "Reviewed *weekly*.", "It is boring now."} <= set(rendered)


@pytest.mark.parametrize(("yaml_text", "loc", "place", "expected"), [
    ("a: |\n  first\n    second [ here\n", ("a",), (2, 12), (3, 14)),
    ("a: |-\n  first\n\n  third\n", ("a",), (3, 2), (4, 4)),
    ('b: "x [y"\n', ("b",), (1, 3), (1, 7)),
    ("b: 'it''s [y'\n", ("b",), (1, 6), None),  # '' before the place: not as written
    ("c: plain [z\n", ("c",), (1, 7), (1, 10)),
    ("e:\n  - item [q\n", ("e", 0), (1, 6), (2, 10)),
    ("d: >\n  folded\n  x\n", ("d",), (1, 1), None),
    ("f: a\n  b\n", ("f",), (1, 1), None),  # a plain string over two lines is folded
    ("a: |\n  x\n", ("zz",), (1, 1), None),
], ids=["literal", "literal-blank-line", "double-quoted", "single-quoted-escape", "plain",
        "in-a-list", "folded", "plain-folded", "no-such-field"])
def test_a_place_in_a_string_is_found_in_the_file(
        yaml_text: str, loc: tuple[str | int, ...], place: tuple[int, int],
        expected: tuple[int, int] | None, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    assert Locator(path).position_in(loc, *place) == expected
