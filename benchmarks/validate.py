"""Benchmark: `decisions validate` against plain `yaml.load(CSafeLoader)` of the same files.

    python benchmarks/validate.py --records 10000

The files are realistic records (benchmarks/realistic.py: copies of the shipped records,
about 680 words, three options and five packages each, with their own titles, dates,
teams and statuses). Both are timed in this process on the same files, alternately, best
of --repeat runs. Target (issue "Core"): ratio at most 1.5 at 10,000 records.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from decision_records.loader import load_decisions
from realistic import TODAY, write


def baseline(paths: list[Path]) -> None:
    for p in paths:
        with p.open("rb") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", type=float, default=1.5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "decisions"
        paths = write(root, args.records)
        today = TODAY
        result = load_decisions(root, today)
        if result.errors:
            print("generated records are not valid:", result.errors[0].format())
            return 2
        ours_t = base_t = float("inf")
        for _ in range(args.repeat):  # alternate so both see the same cache and load
            base_t = min(base_t, best(lambda: baseline(paths), 1))
            ours_t = min(ours_t, best(lambda: load_decisions(root, today), 1))

    ratio = ours_t / base_t
    n = args.records
    print(f"records:                  {n}")
    print(f"decisions validate:       {ours_t:.3f} s  ({ours_t / n * 1000:.3f} ms/record)")
    print(f"yaml.load(CSafeLoader):   {base_t:.3f} s  ({base_t / n * 1000:.3f} ms/record)")
    print(f"ratio:                    {ratio:.2f}  (target <= {args.target})")
    return 0 if ratio <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
