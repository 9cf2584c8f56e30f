"""Benchmark: the coverage parsers on hostile manifests, time and peak memory.

    python benchmarks/coverage.py [--timeout 60] [--only WORDS]

Each case runs in a fresh interpreter: the hostile texts of tests/test_coverage_hostile.py
(about 1 MiB each; processor seconds of the parse), then SBOMs built to exhaust memory,
up to the largest file `decisions coverage` reads (peak RSS of the process, and its growth
over the text itself). A case that runs past --timeout is killed and shown as such.
Targets (issue "Hardening, round 3"): 1 MiB of any hostile text in under 2 s; peak memory
a small multiple of the file, and under 1 GB for the largest file read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

MIB = 1 << 20


def _keys(n: int) -> str:
    """An object of n distinct five-letter keys: the most objects a byte that the value
    count lets through."""
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    keys = (f'"{letters[i // 36**4 % 36]}{letters[i // 36**3 % 36]}{letters[i // 1296 % 36]}'
            f'{letters[i // 36 % 36]}{letters[i % 36]}":0' for i in range(n))
    return '{"bomFormat": "CycloneDX", "x": {' + ",".join(keys) + "}}"


def _empty(head: str, n: int) -> str:
    return head + ",".join(["{}"] * n) + "]}"


CDX = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ['
SPDX = '{"spdxVersion": "SPDX-2.3", "packages": ['
MEMORY: dict[str, Callable[[], str]] = {
    "CycloneDX: 3,000,000 empty components (9 MB)": lambda: _empty(CDX, 3_000_000),
    "SPDX: 3,000,000 empty packages (9 MB)": lambda: _empty(SPDX, 3_000_000),
    "CycloneDX: 1,000,000 empty components (3 MB)": lambda: _empty(CDX, 1_000_000),
    "CycloneDX: 2,400,000 empty components (7 MB, under the value count)":
        lambda: _empty(CDX, 2_400_000),
    "CycloneDX: 4,900,000 distinct keys (49 MB, under both caps)": lambda: _keys(4_900_000),
    "CycloneDX: 100,000 components with purls (the most read)": lambda: CDX + ",".join(
        f'{{"bom-ref": "c{i}", "purl": "pkg:pypi/package-number-{i}@1.0.{i}"}}'
        for i in range(100_000)) + "]}",
}

_CHILD = """
import json, sys, time
sys.path.insert(0, {tests!r})
from decision_records.coverage.manifests import parse_cyclonedx, parse_spdx
kind, name = sys.argv[1], sys.argv[2]
if kind == "time":
    from test_coverage_hostile import CASES
    parser, make = next((p, m) for n, p, m in CASES if n == name)
    text = make()
else:  # the text comes ready on stdin, so that making it leaves no mark on the peak
    text = sys.stdin.read()
    parser = parse_spdx if name.startswith("SPDX") else parse_cyclonedx
def high_water() -> int:
    # this process's own peak: ru_maxrss also counts the parent's, inherited at exec
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM:"))
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak starts again from here
before = high_water()
start = time.process_time()
parsed = parser("m", text)
seconds = time.process_time() - start
peak = high_water()
print(json.dumps({{"seconds": seconds, "bytes": len(text.encode()), "before": before,
                  "peak": peak, "found": len(parsed.found),
                  "finding": parsed.findings[0].message[:90] if parsed.findings else ""}}))
"""


def run(kind: str, name: str, timeout: float) -> dict[str, Any] | None:
    code = _CHILD.format(tests=str(HERE.parent / "tests"))
    text = MEMORY[name]() if kind == "memory" else ""
    try:
        result = subprocess.run([sys.executable, "-c", code, kind, name], input=text,
                                capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["?"])[-1]}
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", default="", help="run only the cases whose name has this")
    args = parser.parse_args()
    from test_coverage_hostile import CASES
    print(f"{'seconds':>8} {'MiB':>5}  case")
    for name, _, _ in CASES:
        if args.only in name:
            r = run("time", name, args.timeout)
            if r is None or "error" in r:
                print(f"{'>' + str(int(args.timeout)) if r is None else 'error':>8} {'':>5}  "
                      f"{name}  {r['error'] if r else ''}")
            else:
                print(f"{r['seconds']:8.2f} {r['bytes'] / MIB:5.2f}  {name}")
    print(f"\n{'peak MiB':>8} {'growth':>7} {'file MB':>8}  case")
    for name in MEMORY:
        if args.only in name:
            r = run("memory", name, args.timeout)
            if r is None or "error" in r:
                print(f"{'>' + str(int(args.timeout)) + 's' if r is None else 'error':>8}  "
                      f"{name}  {r['error'] if r else ''}")
                continue
            peak, before, size = r["peak"], r["before"], r["bytes"]
            outcome = r["finding"] or f"{r['found']} found"
            print(f"{peak / MIB:8.0f} {(peak - before) / size:6.1f}x {size / 1e6:8.1f}  {name}"
                  f"  ({r['seconds']:.1f} s; {outcome})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
