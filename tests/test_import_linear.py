"""Everything `decisions import` runs over ADR text takes time linear in it.

Every regular expression of the importer (each compiled at the top of an `adr_import`
module; `test_no_expression_is_written_inline` keeps it that way) and each scanner that
replaced one is fed 1 MiB of hostile text and must finish within 2 s of CPU time. Each input
is a run of something an expression could try from every position it reaches: `[` a million
times, `<img src=` over and over, spaces between a word and what would complete it. The
whole import then reads ADRs of a megabyte built the same way.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, ModuleType

import pytest

from conftest import REPO, TODAY, write_decisions
from decision_records import adr_import, recordfile
from decision_records.adr_import import choice, document, links, vocabulary
from decision_records.adr_import.batch import run

MiB = 1024 * 1024
BOUND = 2.0  # seconds of CPU time for 1 MiB
# Every module of the importer, and recordfile, which makes the slug of an imported title
# and writes every value of the record.
MODULES: tuple[ModuleType, ...] = (
    *(importlib.import_module(f"{adr_import.__name__}.{m.name}")
      for m in pkgutil.iter_modules(adr_import.__path__)), recordfile)


def _run(piece: str, size: int = MiB) -> str:
    """`piece` over and over, `size` characters."""
    return (piece * (size // len(piece) + 1))[:size]


def _ramp(size: int = MiB) -> str:
    """Backtick runs of every length 1, 2, 3 ... each once, so that none is ever closed."""
    out, n, total = [], 1, 0
    while total < size:
        out.append("`" * n + "a")
        total += n + 1
        n += 1
    return "".join(out)[:size]


def _gap(before: str, after: str) -> Callable[[int], str]:
    """`before`, spaces, `after`: what an expression reads the spaces for."""
    return lambda size: before + " " * (size - len(before) - len(after)) + after


def _mix(*parts: str | Callable[[int], str]) -> str:
    """1 MiB in equal parts, each a run of a piece or a made part. A part of 100 KiB or more
    is enough: read again from each of its positions it is billions of steps."""
    size = MiB // len(parts)
    return "".join(part(size) if callable(part) else _run(part, size) for part in parts)


@functools.cache
def hostile() -> dict[str, str]:
    """Inputs of 1 MiB. Expressions anchored at the start (`^` without MULTILINE) only see
    the first part of each, so those parts come first."""
    return {
        "[": "[" * MiB,
        "brackets": _mix("![", "](", "[a", "[[a]", "[a][", "[a]( ", "(", "<", "\\", '"'),
        "[a](spaces": _mix(_gap("[a](", "x"), _gap("[a](<", "")),
        "html": _mix("<img src=", '<img src="', '<img alt="', "<!--"),
        "backtick ramp": _ramp(),
        "emphasis": _mix("~~a", "**", "__", lambda size: "*" * (size - 1) + "x",
                         lambda size: ":" * (size - 1) + "x"),
        "ADR spaces": _mix(_gap("ADR", "12"), _gap("we", "x"), _gap("has", "x"),
                           _gap("[a] ", "x")),
        "Status: spaces": _mix(_gap("Status: a", "b"), _gap("\nStatus:", "")),
        "good spaces": _mix(_gap("good", "x"), _gap("\n# a", "x"), _gap("1.", "x")),
        "spaces": _gap("", "was chosen x")(MiB),
        "whitespace": _mix("\n", "\n ", "\t", " \n"),
        "phrases": _mix("we will ", "a was ", "x was chosen ", " and ", " & ", " -", ", ",
                        " (chosen)", "Chosen option: x\n", "Superseded by [a](b) ", "1.",
                        "1"),
    }


def _cpu(work: Callable[[], object], limit: float = 10 * BOUND) -> float:
    """CPU seconds `work` takes; stopped (and failed) after `limit` wall seconds, so that a
    quadratic expression fails the test instead of hanging it."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.process_time()
    try:
        work()
    except TimeoutError:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.process_time() - start


def _expressions() -> Iterator[tuple[str, re.Pattern[str]]]:
    seen: set[int] = set()
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and id(value) not in seen:
                seen.add(id(value))
                yield f"{module.__name__.rsplit('.', 1)[1]}.{name}", value


EXPRESSIONS = list(_expressions())
# The scanners that replaced expressions, and the pieces of the import that drive them.
PARSERS: list[tuple[str, Callable[[str], object]]] = [
    ("document.code_spans", lambda text: list(document.code_spans(text))),
    ("document.drop_comments", document.drop_comments),
    ("document.plain", document.plain),
    ("document.inline_references", document.inline_references),
    ("links.html_images", lambda text: list(links.html_images(text))),
    ("choice.adoptions", lambda text: list(choice.adoptions(text))),
    ("recordfile.slug", recordfile.slug),
    ("vocabulary.clean_title", lambda text: vocabulary.clean_title(text, "0001-x.md")),
    ("vocabulary.map_status", vocabulary.map_status),
]


def _slow(work: Callable[[str], object]) -> dict[str, float]:
    took = {name: _cpu(functools.partial(work, text)) for name, text in hostile().items()}
    return {name: round(t, 2) for name, t in took.items() if t > BOUND}


@pytest.mark.parametrize("pattern", [p for _, p in EXPRESSIONS], ids=[n for n, _ in EXPRESSIONS])
def test_every_expression_is_linear(pattern: re.Pattern[str]) -> None:
    assert _slow(lambda text: sum(1 for _ in pattern.finditer(text))) == {}


@pytest.mark.parametrize("parse", [p for _, p in PARSERS], ids=[n for n, _ in PARSERS])
def test_every_scanner_is_linear(parse: Callable[[str], object]) -> None:
    assert _slow(parse) == {}


def test_the_expressions_are_all_found() -> None:
    names = {name for name, _ in EXPRESSIONS}
    assert {"links._IMG", "links._SRC", "document.LINK", "document._REF_USE",
            "choice._ACTIVE", "choice._PASSIVE", "metadata._META_LINE",
            "vocabulary._TITLE_NUMBER"} <= names
    assert len(EXPRESSIONS) > 50


def _inline_expressions(path: Path) -> list[str]:
    """`re.sub("...", ...)` and the like inside functions: an expression the test above would
    not see. A pattern built around `re.escape(word)` matches that word and is allowed."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for call in ast.walk(node):
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "re"
                    and call.func.attr != "escape" and call.args
                    and not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                and n.func.attr == "escape" for n in ast.walk(call.args[0]))):
                found.append(f"{path.name}:{call.lineno}")
    return found


def test_no_expression_is_written_inline() -> None:
    folder = REPO / "src" / "decision_records" / "adr_import"
    assert Path(adr_import.__file__).parent == folder
    assert [where for path in sorted(folder.glob("*.py"))
            for where in _inline_expressions(path)] == []


# --- the whole import -------------------------------------------------------------------------

ADRS: list[tuple[str, str]] = [
    # (where the hostile text goes, the text) for ADRs just under the 1,000,000-byte cap
    ("context", "[" * 990_000),
    ("context", _run("<img src=", 990_000)),
    ("context", _run("<!--", 990_000)),
    ("context", "[a](" + " " * 990_000 + "x"),
    ("context", _ramp(990_000)),
    ("context", _run("Superseded by [a](b) ", 990_000)),
    ("decision", "We" + " " * 990_000 + "x"),
    ("decision", _run("a was ", 990_000)),
    ("preamble", "Status: a" + " " * 990_000 + "b"),
    ("title", "ADR" + " " * 990_000 + "12"),
]


def _adr(where: str, text: str) -> str:
    if where == "title":
        return f"# {text}\n\n## Status\n\nAccepted\n"
    if where == "preamble":
        return f"# Use X\n\n{text}\n\n## Status\n\nAccepted\n"
    if where == "decision":
        return ("# Use X\n\n## Status\n\nAccepted\n\n## Considered Options\n\n* A\n* B\n\n"
                f"## Decision Outcome\n\n{text}\n")
    return f"# Use X\n\n## Status\n\nAccepted\n\n## Context\n\n{text}\n"


@pytest.mark.parametrize(("where", "text"), ADRS,
                         ids=[f"{w}-{t[:12]!r}" for w, t in ADRS])
def test_a_hostile_adr_of_a_megabyte_imports_in_linear_time(
        tmp_path: Path, where: str, text: str) -> None:
    write_decisions(tmp_path, {})
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "0001-use-x.md").write_text(_adr(where, text), encoding="utf-8")

    def work() -> None:
        with contextlib.chdir(tmp_path):
            result = run([Path("adr")], Path("decisions"), team=None, today=TODAY,
                         dry_run=True)
        assert len(result.outcomes) == 1

    # The tokenizer costs some 20 microseconds a line: a bound that linear time meets with
    # room to spare, and that quadratic time (hours here) cannot.
    assert _cpu(work, limit=60) < 15


def test_the_clock_catches_a_quadratic_expression() -> None:
    """`_cpu` counts, and stops what would run on: `\\s*x` over 128 KiB of spaces reads the
    rest of the run from each space, some eight billion steps."""
    quadratic = re.compile(r"\s*x")
    assert _cpu(lambda: sum(1 for _ in quadratic.finditer(" " * 128 * 1024)), limit=2.5) > BOUND
