"""A fuzz pass over every reader of files from elsewhere: records, config.yaml, signals.json,
coverage.json, each manifest format coverage reads (requirements*.txt, pyproject.toml with
Poetry, package.json, CycloneDX and SPDX JSON, another repository's coverage JSON) and ADRs
through `decisions import` (tests/readers.py says how each is read).

Hypothesis makes the inputs: the shipped files of each kind mutated by byte flips,
truncation, splicing, a slice repeated many times, the format's metacharacters, deep nesting,
long runs of one character, invalid UTF-8, NUL bytes, byte-order marks, CRLF and huge
numbers, and plain random bytes. For every reader it asserts:

- no traceback: no exception leaves the reader, and no answer admits an internal error
  (a finding or a refusal is an answer);
- linear time: an input grown eight times (a slice of it repeated) takes less than
  `QUADRATIC` times the processor time, once it takes long enough to measure;
- bounded memory: the reader's largest inputs, in a child process, raise its peak resident
  memory by no more than `Reader.memory` bytes a byte read, over a fixed allowance;

and, end to end, that a fuzzed record `decisions validate` accepts without an error
renders its page with every text converted (what validates, renders).

In `make test` the run is small, derandomized and so the same every time (about 35 s on two
cores). For a longer, random run set the number of examples a reader gets:

    DECISIONS_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py

The no-traceback test gets that many, the rendering test a tenth, the linear-time test a
fiftieth and the memory test a five-hundredth of them, grown to 4 MiB (or what the reader
reads) instead of an eighth of it. A failure prints the smallest input Hypothesis found; add
it to tests/test_fuzz_found.py.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import render_context
from decision_records.loader import load_decisions
from decision_records.render import text as render_text
from decision_records.render.record import render_record
from memory import LINUX, Peak, peaks
from readers import READERS, SHIPPED, TODAY, Reader

# A failing input of tens of kilobytes is printed all the same, with Hypothesis's warning
pytestmark = pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")

EXAMPLES = int(os.environ.get("DECISIONS_FUZZ_EXAMPLES") or 0)  # 0: the small fixed run
LONG = EXAMPLES > 0
QUADRATIC = 30  # 8 times the input in less than 30 times the time (linear: 8, quadratic: 64)
FLOOR = 0.025  # seconds of processor time below which a timing says nothing
MIB = 1 << 20
GROWN = MIB // 2  # the size inputs are grown to for the timings, or the reader's cap
# the size of the largest inputs measured for memory: an eighth of what the reader reads, at
# most this; with DECISIONS_FUZZ_EXAMPLES, up to 4 MiB or what it reads
MEMORY = 4 * MIB if LONG else MIB // 2
ALLOWANCE = 16 * MIB  # what any reader may take besides: caches, the first page rendered


def fuzz_settings(examples: int, share: float = 1.0, deadline: float | None = 5.0) -> settings:
    """Derandomized with `examples` examples; with DECISIONS_FUZZ_EXAMPLES, random, with
    that many times `share` (at least `examples`)."""
    return settings(
        max_examples=max(examples, int(EXAMPLES * share)) if LONG else examples,
        derandomize=not LONG, database=None, print_blob=LONG,
        deadline=None if deadline is None else deadline * 1000,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.large_base_example, HealthCheck.filter_too_much])


# --- inputs ------------------------------------------------------------------------------

RUNS = tuple(bytes([c]) for c in b" \n\t[{(<-#*`\\'\"a9|>_!:.,=")
NESTS = ((b"[", b"]"), (b'{"a":', b"}"), (b"{a = ", b"}"), (b"a:\n" + b" " * 2, b""),
         (b"- ", b""), (b"> ", b""), (b"  ", b""), (b"(", b")"), (b"<a>", b"</a>"),
         (b"*", b"*"), (b"[", b"](x)"))
BAD_UTF8 = (b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff", b"\xe2\x82",
            b"\xc3")
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf")
NUMBERS = (b"9", b"1e9", b"-0.", b"0x", b"1_0")


@functools.cache
def _seed_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _at(draw: st.DrawFn, data: bytes) -> int:
    return draw(st.integers(0, len(data)))


def _count(draw: st.DrawFn, most: int) -> int:
    """How many times: mostly a few, sometimes many (sizes are what hostile input plays on)."""
    return draw(st.one_of(st.integers(1, 8), st.integers(1, most)))


def _insert(draw: st.DrawFn, data: bytes, piece: bytes) -> bytes:
    at = _at(draw, data)
    return data[:at] + piece + data[at:]


Mutation = Callable[[st.DrawFn, bytes, Reader], bytes]


def _flip(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]


def _truncate(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return data[:_at(draw, data)]


def _splice(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    other = _seed_bytes(draw(st.sampled_from(reader.seeds)))
    start = _at(draw, other)
    return _insert(draw, data, other[start:start + draw(st.integers(0, 4096))])


def _repeat(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    start = _at(draw, data)
    end = min(len(data), start + draw(st.integers(1, 256)))
    piece = data[start:end] or b"x"
    return data[:start] + piece * _count(draw, 100_000 // len(piece)) + data[end:]


def _token(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return _insert(draw, data, draw(st.sampled_from(reader.tokens)) * _count(draw, 2_000))


def _nest(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    opening, closing = draw(st.sampled_from(NESTS))
    n = _count(draw, 2_000)
    start = _at(draw, data)
    end = draw(st.integers(start, len(data)))
    return data[:start] + opening * n + data[start:end] + closing * n + data[end:]


def _run(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return _insert(draw, data, draw(st.sampled_from(RUNS)) * _count(draw, 100_000))


def _bad_utf8(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return _insert(draw, data, draw(st.sampled_from(BAD_UTF8)))


def _nul(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return _insert(draw, data, b"\x00" * _count(draw, 16))


def _bom(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    bom = draw(st.sampled_from(BOMS))
    return bom + data if draw(st.booleans()) else _insert(draw, data, bom)


def _line_ends(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return data.replace(b"\n", draw(st.sampled_from((b"\r\n", b"\r", b"\n\r", b"\x85"))))


def _number(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    digits = draw(st.sampled_from(NUMBERS)) + b"9" * _count(draw, 20_000)
    return _insert(draw, data, digits)


def _random(draw: st.DrawFn, data: bytes, reader: Reader) -> bytes:
    return _insert(draw, data, draw(st.binary(max_size=512)))


MUTATIONS: tuple[Mutation, ...] = (_flip, _truncate, _splice, _repeat, _token, _nest, _run,
                                   _bad_utf8, _nul, _bom, _line_ends, _number, _random)


@st.composite
def mutated(draw: st.DrawFn, reader: Reader, least: int = 1) -> bytes:
    """A shipped file of the reader's kind, mutated `least` to four times."""
    data = _seed_bytes(draw(st.sampled_from(reader.seeds)))
    for _ in range(draw(st.integers(least, 4))):
        data = draw(st.sampled_from(MUTATIONS))(draw, data, reader)
    return data


def inputs(reader: Reader) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated(reader), mutated(reader), mutated(reader),
                     st.binary(max_size=4096))


def read(reader: Reader, data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        return reader.read(Path(folder), data)


IDS = [r.name for r in READERS]


# --- no traceback ------------------------------------------------------------------------

@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_no_input_makes_a_reader_raise(reader: Reader) -> None:
    @fuzz_settings(60)
    @given(inputs(reader))
    def check(data: bytes) -> None:
        read(reader, data)

    check()


# --- linear time -------------------------------------------------------------------------

GROW_HERE = "GROWHERE"
NUMBER = b"\x00n\x00"  # in a slice: the how-many-th copy it is, so that keys differ


def _containers(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths of the non-empty lists and mappings in a parsed document."""
    if isinstance(value, dict | list) and value:
        yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        yield from _containers(item, (*path, key))


@st.composite
def _structure_grown(draw: st.DrawFn, reader: Reader) -> tuple[bytes, bytes, bytes] | None:
    """A shipped document with one of its lists or mappings grown by copies of one of its
    items (mutated or not; a mapping's copies under keys of their own), written out again:
    what grows is the format itself, many components, entries or options."""
    seed = draw(st.sampled_from([p for p in reader.seeds if p.parent.name != "cases"]))
    try:
        doc = (json.loads if reader.form == "json" else yaml.safe_load)(_seed_bytes(seed))
    except (ValueError, yaml.YAMLError):
        return None
    paths = list(_containers(doc))
    if not paths:
        return None
    path = draw(st.sampled_from(paths))
    parent, here = None, doc
    for part in path:
        parent, here = here, here[part]
    if isinstance(here, dict):
        key = draw(st.sampled_from(list(here)))
        value = draw(st.sampled_from([here[key], {}, None]))
        one = json.dumps(f"{key}-").encode() + b": " + json.dumps(value, default=str).encode()
        one = one.replace(b'-"', b'-' + NUMBER + b'"', 1)
        last = json.dumps(key).encode() + b": " + json.dumps(value, default=str).encode()
        brackets = (b"{", b"}")
    else:
        one = last = json.dumps(draw(st.sampled_from(here)), default=str).encode()
        brackets = (b"[", b"]")
    if draw(st.booleans()):
        one = draw(st.sampled_from(MUTATIONS))(draw, one, reader)
    if parent is None:
        doc = GROW_HERE
    else:
        parent[path[-1]] = GROW_HERE
    text = (json.dumps(doc, indent=draw(st.sampled_from((None, 2)))) if reader.form == "json"
            else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    head, _, tail = text.partition(f'"{GROW_HERE}"' if reader.form == "json" else GROW_HERE)
    # JSON is YAML too, in flow style
    return head.encode() + brackets[0], one + b", ", last + brackets[1] + tail.encode()


@st.composite
def grown(draw: st.DrawFn, reader: Reader) -> tuple[bytes, bytes, bytes]:
    """(head, slice, tail) of a file: the slice is what is repeated to grow it. A list of
    the document grown by one of its items, or whole lines of a file (mutated or not), so
    that what grows is often still the format, or any bytes or the whole file."""
    if reader.form != "text" and draw(st.booleans()):
        parts = draw(_structure_grown(reader))
        if parts is not None:
            return parts
    data = draw(mutated(reader, least=0))
    if draw(st.integers(0, 3)):
        starts = [0, *(i + 1 for i, c in enumerate(data) if c == 10)]
        first = draw(st.integers(0, len(starts) - 1))
        last = draw(st.integers(first, len(starts) - 1))
        start, end = starts[first], starts[last] if last > first else len(data)
    else:
        start = _at(draw, data)
        end = draw(st.integers(start, len(data)))
    if end == start:  # the whole input, repeated
        return b"", data or b"x", b""
    return data[:start], data[start:end], data[end:]


def _grow(parts: tuple[bytes, bytes, bytes], size: int) -> bytes:
    head, piece, tail = parts
    if NUMBER not in piece:
        return head + piece * max(1, (size - len(head) - len(tail)) // len(piece)) + tail
    before, after = piece.split(NUMBER, 1)
    pieces, room, i = [], size - len(head) - len(tail), 0
    while room > 0 or not pieces:
        pieces.append(b"%s%d%s" % (before, i, after))
        room -= len(pieces[-1])
        i += 1
    return head + b"".join(pieces) + tail


def _cpu(reader: Reader, data: bytes) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.process_time()
        reader.read(Path(folder), data)
        return time.process_time() - start


@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_every_reader_takes_linear_time(reader: Reader) -> None:
    size = min(GROWN, reader.cap - 64 * 1024)

    @fuzz_settings(4, share=1 / 50, deadline=None)
    @given(grown(reader))
    def check(parts: tuple[bytes, bytes, bytes]) -> None:
        small, large = _grow(parts, size // 8), _grow(parts, size)
        small_time = min(_cpu(reader, small), _cpu(reader, small))
        large_time = _cpu(reader, large)
        if large_time >= QUADRATIC * max(small_time, FLOOR):  # measure again before failing
            large_time = min(large_time, _cpu(reader, large))
        ratio = large_time / max(small_time, FLOOR)
        assert ratio < QUADRATIC, (
            f"{len(small):,} bytes in {small_time:.3f} s, {len(large):,} in "
            f"{large_time:.3f} s: {ratio:.0f} times the time for "
            f"{len(large) / len(small):.0f} times the input")

    check()


# --- bounded memory ----------------------------------------------------------------------

_SETUP = "import pathlib, tempfile\nfrom readers import BY_NAME"
_PREPARE = "name, _, body = data.partition(b'\\0')\nfolder = pathlib.Path(tempfile.mkdtemp())"
_READ = "BY_NAME[name.decode()].read(folder, body)"

# What costs the most memory a byte, in each kind of format: the most values
MOST_VALUES = {"json": (b"[", b"[],", b"[]]"), "yaml": (b"[", b"a,", b"a]"),
               "text": (b"", b"- []\n", b"a = []\n")}


def _largest(reader: Reader) -> list[bytes]:
    """The reader's largest inputs: a mutated file grown to the size measured, and its
    format's most values in that size."""
    size = min(MEMORY, reader.cap - 64 * 1024) if LONG else min(MEMORY, reader.cap // 8)
    found: list[bytes] = []

    @fuzz_settings(1, share=1 / 500, deadline=None)
    @given(grown(reader))
    def collect(parts: tuple[bytes, bytes, bytes]) -> None:
        found.append(_grow(parts, size))

    collect()
    return [*found, _grow(MOST_VALUES[reader.form], size)]


@pytest.fixture(scope="module")
def memory() -> dict[str, list[tuple[bytes, Peak]]]:
    """Each reader's largest inputs and their peaks, measured in one child process."""
    cases = [(r.name, data) for r in READERS for data in _largest(r)]
    measured = peaks(_SETUP, _PREPARE, _READ,
                     [name.encode() + b"\0" + data for name, data in cases])
    out: dict[str, list[tuple[bytes, Peak]]] = {}
    for (name, data), m in zip(cases, measured, strict=True):
        out.setdefault(name, []).append((data, m))
    return out


@LINUX
@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_every_reader_takes_bounded_memory(reader: Reader,
                                           memory: dict[str, list[tuple[bytes, Peak]]]) -> None:
    for data, m in memory[reader.name]:
        assert m.grew < reader.memory * len(data) + ALLOWANCE, (
            f"{len(data):,} bytes ({data[:40]!r}...) took {m.grew / MIB:.0f} MiB more, "
            f"above {reader.memory} bytes a byte and {ALLOWANCE // MIB} MiB: {m.result}")


# --- what validates, renders -------------------------------------------------------------

MARKDOWN_PIECES = ("\n", "\n\n", "- ", "  - ", "* ", "1. ", "> ", "# ", "```", "`", "*", "**",
                   "_", "[", "](", ")", "![", "](x.png)", "<b>", "&amp;", "&#106;", "|", "---",
                   "\\", "    ", "\t", "http://example.com", "javascript:alert(1)", "é", "日本",
                   "🙂", "  \n", "~~", "<!--", "[x]: /y", " ", "word", "Word.")
TEXT_FIELDS = (("context",), ("decision", "rationale"), ("options", 0, "summary"),
               ("options", 1, "pros", 0), ("consequences", "bad", 0), ("drivers", 0))


def _shipped_records() -> list[Path]:
    return sorted(SHIPPED.glob("0*.yaml"))


@st.composite
def fuzzed_records(draw: st.DrawFn) -> bytes:
    """A shipped record with Markdown-like text in some of its fields, or one byte-mutated."""
    path = draw(st.sampled_from(_shipped_records()))
    if draw(st.integers(0, 3)) == 0:
        return draw(mutated(next(r for r in READERS if r.name == "record")))
    data: Any = yaml.safe_load(_seed_bytes(path))
    for where in draw(st.sets(st.sampled_from(TEXT_FIELDS), min_size=1)):
        text = "".join(draw(st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(
            max_size=8)), max_size=200))) or "word"
        text = text if text.strip() else text + "word"  # an empty text is refused, rightly
        here = data
        try:
            for part in where[:-1]:
                here = here[part]
            if isinstance(here, dict) or (isinstance(where[-1], int)
                                          and where[-1] < len(here)):
                here[where[-1]] = text
        except (KeyError, IndexError, TypeError):
            continue  # the record has no such field
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def test_what_validates_renders(tmp_path: Path) -> None:
    shown: list[str] = []
    as_written = render_text._as_written

    def spy(text: str) -> str:
        shown.append(text)
        return as_written(text)

    outcomes: list[bool] = []

    @fuzz_settings(80, share=1 / 10)
    @given(fuzzed_records())
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "decisions"
            root.mkdir()
            (root / "config.yaml").write_bytes(_seed_bytes(SHIPPED / "config.yaml"))
            path = root / "0001-fuzzed.yaml"
            path.write_bytes(data)
            decisions = load_decisions(root, TODAY)
            errors = [f for f in decisions.findings if f.severity == "error"]
            outcomes.append(not errors)
            if errors:
                return
            [entry] = decisions.entries
            shown.clear()
            html = render_record(entry, render_context(decisions))
            assert html
            assert not shown, f"validated, but shown as written: {shown[0][:200]!r}"

    with mock.patch.object(render_text, "_as_written", spy):
        check()
    # the property says something only if many of the records do validate
    assert sum(outcomes) >= len(outcomes) // 4, f"{sum(outcomes)} of {len(outcomes)} validated"

