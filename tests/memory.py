"""Peak resident memory of a call, measured in a fresh interpreter (Linux).

The child's own high-water mark is read from /proc/self/status after resetting it through
/proc/self/clear_refs: ru_maxrss would also count the test process's, which a child
inherits at exec, and the imports and the input itself are left out of what is measured.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

LINUX = pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"),
                           reason="measures memory through /proc (Linux)")

# `setup` runs once (imports); then for each input, held as `data` (bytes), `prepare` runs
# (what should not count: decoding, a folder), the peak is reset, and `call`, an expression
# giving a str, is evaluated. A line of JSON per input says what was measured.
_CHILD = """
import json, pickle, sys
sys.path.insert(0, {tests!r})
def high_water():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM:"))
inputs = pickle.load(sys.stdin.buffer)
{setup}
for data in inputs:
{prepare}
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = high_water()
    result = {call}
    after = high_water()
    print(json.dumps([before, after, result]), flush=True)
    del result
"""


@dataclass(frozen=True)
class Peak:
    before: int  # bytes resident when the call starts
    after: int  # the most resident at any time during the call
    result: str  # what the call returned

    @property
    def grew(self) -> int:
        """How much the call added to the resident memory at its highest."""
        return self.after - self.before


def peaks(setup: str, prepare: str, call: str, inputs: Sequence[bytes],
          timeout: float = 300) -> list[Peak]:
    """Run `setup`, then for each input `prepare` and `call` (an expression giving a str)
    in one fresh interpreter, and measure each call's peak."""
    body = "\n".join("    " + line for line in (prepare or "pass").splitlines())
    code = _CHILD.format(tests=str(TESTS), setup=setup, prepare=body, call=call)
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(list(inputs)),
                          capture_output=True, timeout=timeout, check=False,
                          env={**os.environ})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return [Peak(*json.loads(line)) for line in done.stdout.decode("utf-8").splitlines()]


def peak(setup: str, prepare: str, call: str, data: bytes) -> Peak:
    """The peak of one call on one input (see `peaks`)."""
    [measured] = peaks(setup, prepare, call, [data])
    return measured
