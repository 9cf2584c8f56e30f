"""What the fuzz pass (tests/test_fuzz.py) found: the smallest inputs it made, each through
the reader it broke, with the answer the reader gives now. Each failed before its fix: with
a traceback, an answer admitting an internal error, or gigabytes of memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from readers import BY_NAME

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
]


@pytest.mark.parametrize(("reader", "data", "answer"), FOUND,
                         ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(FOUND)])
def test_what_the_fuzz_pass_found(reader: str, data: bytes, answer: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert answer in BY_NAME[reader].read(Path(folder), data)
