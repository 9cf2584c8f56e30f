"""What the fuzz pass (tests/test_fuzz.py) found: the smallest inputs it made, each through
the reader it broke, with the answer the reader gives now. Each failed before its fix: with
a traceback, an answer admitting an internal error, or gigabytes of memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from memory import LINUX, peaks
from readers import BY_NAME

MIB = 1 << 20
NYGARD = (b"# %s\n\n## Status\n\nAccepted\n\n## Context\n\nOrders arrive in bursts.\n\n"
          b"## Decision\n\nWe will use a queue.\n%s")

# (reader, input, what its answer says)
FOUND = [
    # JSON: an integer of more digits than Python converts raised ValueError
    ("cyclonedx", b"9" * 4301, "app/bom.cdx.json:1:1: error: not valid JSON: a number longer "
     "than the 4,300 digits this reads; fix the file [manifest]"),
    ("package.json", b'{"a": [1,\n  ' + b"9" * 5000 + b"]}", "app/package.json:2:3: error: "
     "not valid JSON: a number longer than the 4,300 digits this reads; fix the file"),
    ("collected", b"9" * 4301, "decisions/coverage/shop-api.json:1:1: error: not valid JSON: "
     "a number longer than the 4,300 digits this reads; write it again"),
    ("signals", b"9" * 4301, "signals.json:1:1: error: not valid JSON (a number longer than "
     "the 4,300 digits this reads); restore it from git"),
    ("signals", b'{"format": 1,\n "x": -' + b"9" * 4301 + b"}", "signals.json:2:8: error: "
     "not valid JSON (a number longer than the 4,300 digits this reads)"),
    # a budget of more tokens than a float holds ended the budget page in an OverflowError
    ("config", b"teams:\n  - name: platform\n    tokens: " + b"9" * 400 + b"\n",
     "decisions/config.yaml:3:13: error: teams[0].tokens: Input should be less than or equal "
     "to 1000 (got 999"),
    ("config", b"default_tokens: " + b"9" * 400 + b"\n", "decisions/config.yaml:1:17: error: "
     "default_tokens: Input should be less than or equal to 1000"),
    # an include no file can be named (too long, a NUL) raised OSError or ValueError
    ("requirements", b"-r" + b"9" * 256 + b" requirements.txt\n", "app/requirements.txt:1:1: "
     "error: -r " + "9" * 256 + " requirements.txt: no such file beside requirements.txt"),
    ("requirements", b"-r a\x00b.txt\n", "app/requirements.txt:1:1: error: -r a\\x00b.txt: no "
     "such file beside requirements.txt; fix the path [manifest]"),
    # decisions import: a link to a name too long for a file raised OSError
    ("adr", NYGARD % (b"Use a queue", b"\nSee [the notes](" + b"a" * 300 + b".md).\n"),
     "/adr/0001-fuzzed.md: " + "a" * 300 + ".md (no such file)"),
    # decisions import: a value over a record's limits, or with a hidden character in a
    # one-line field, made an "internal error ... please report this" record or none at all
    ("adr", NYGARD % (b"Use a queue " + b"for order events " * 6, b""),
     "check: options[0].name: shortened to 100 characters; the source has the whole text"),
    ("adr", b"# Pick a queue\n\n## Status\n\nAccepted\n\n## Considered Options\n\n* Kafka - "
     + b"fast " * 500 + b'\n* RabbitMQ\n\n## Decision Outcome\n\nChosen option: "Kafka"\n',
     "check: options[0].summary: shortened to 2,000 characters; the source has the whole text"),
    ("adr", NYGARD % (b"Use a queue", b"\n## Consequences\n\n" + b"".join(
        b"* Good: point %d\n" % i for i in range(60))),
     "check: consequences.good: the first 50 of 60 kept; the source has the rest"),
    ("adr", b"# Use a queue\n\n* Status: accepted\n* Deciders: " + b"Ada " * 40
     + b'\n\n## Context and Problem Statement\n\nx\n\n## Decision Outcome\n\nChosen option: "A"\n',
     "check: deciders[0]: shortened to 100 characters; the source has the whole text"),
    ("adr", b"x" * 524_288,
     "check: context: shortened to 500,000 characters; the source has the whole text"),
    ("adr", NYGARD % (b"Use a\xef\xbb\xbf queue", b""),
     "/decisions/0001-use-a-queue.yaml (Nygard)"),
    ("adr", b"# Pick a site generator\n\n## Status\n\nAccepted\n\n## Decision Drivers\n\n"
     b"* Builds from plain Markdown\n*", "check: drivers[1]: an empty item left out"),
    # ... and a value that reads as an integer of more than 4,300 digits (ValueError)
    ("adr", b"9" * 4301 + b"\n", "/decisions/0001-fuzzed.yaml (ADR (no sections recognised))"),
]


@pytest.mark.parametrize(("reader", "data", "answer"), FOUND,
                         ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(FOUND)])
def test_what_the_fuzz_pass_found(reader: str, data: bytes, answer: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert answer in BY_NAME[reader].read(Path(folder), data)


def _many(value: bytes, n: int) -> bytes:
    """A JSON object of n keys, each holding value."""
    return b"{" + b", ".join(b'"k%d": %s' % (i, value) for i in range(n)) + b"}"


# (reader, input): memory a few times the input's size, with room for the imports' caches
FOUND_MEMORY = [
    # pydantic listed every problem of the whole snapshot at once: three for each empty entry
    # (2 million of them took 6.5 GB), or one for each bad value of one entry's signals
    ("signals", b'{"format": 1, "packages": ' + _many(b"{}", 100_000) + b"}"),
    ("signals", b'{"format": 1, "packages": {"pypi:a": {"status": "ok", "checked": '
     b'"2026-01-01T00:00:00Z", "source": "x", "signals": ' + _many(b"{}", 100_000) + b"}}}"),
]


@LINUX
@pytest.mark.parametrize(("reader", "data"), FOUND_MEMORY,
                         ids=[f"{r}-{i}" for i, (r, _) in enumerate(FOUND_MEMORY)])
def test_what_the_fuzz_pass_found_takes_bounded_memory(reader: str, data: bytes) -> None:
    [measured] = peaks("import pathlib, tempfile\nfrom readers import BY_NAME",
                       "folder = pathlib.Path(tempfile.mkdtemp())",
                       f"BY_NAME[{reader!r}].read(folder, data)", [data])
    assert measured.grew < 40 * len(data) + 48 * MIB, (
        f"{len(data):,} bytes took {measured.grew / MIB:.0f} MiB: {measured.result[-200:]}")
