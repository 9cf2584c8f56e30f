"""Benchmark: this project's site build against a plain MkDocs + Material build of the same pages.

    python benchmarks/site.py --records 1000 [--records 10000 ...]

For each N: write N synthetic records; build (a) this project's site from them (hooks load,
validate and render the records); (b) a plain MkDocs + Material site whose docs/ holds the
very same generated pages as Markdown files, kept out of the navigation, with the same theme,
search and tags plugins and no hooks. Both builds run as `mkdocs build` subprocesses, best of
--repeat. Targets (issue "The site"): ratio at most 1.25 at 1,000 records; 10,000 records take
at most 11 times as long as 1,000; at most 30 KB of site per record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from decision_records.site import load_site  # noqa: E402
from synthetic import write  # noqa: E402

TODAY = "2026-11-26"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _build(config: Path, site: Path, env: dict[str, str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                        "-d", str(site)], check=True, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def prepare(work: Path, n: int) -> tuple[Path, Path, dict[str, str]]:
    """(our mkdocs.yml, the plain mkdocs.yml, environment) for N records under work/."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DECISIONS_TODAY": TODAY,
           "DECISIONS_DIR": str(work / "decisions")}
    write(work / "decisions", n)
    ours = work / "ours"
    shutil.copytree(ROOT / "docs", ours / "docs")
    shutil.copytree(ROOT / "hooks", ours / "hooks")
    shutil.copy(ROOT / "mkdocs.yml", ours / "mkdocs.yml")

    plain = work / "plain"
    shutil.copytree(ROOT / "docs", plain / "docs")
    os.environ.update(DECISIONS_TODAY=TODAY)
    site, _ = load_site(work / "decisions")
    for uri, content in site.pages().items():
        target = plain / "docs" / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks")
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return ours / "mkdocs.yml", plain / "mkdocs.yml", env


def measure(n: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours_cfg, plain_cfg, env = prepare(work, n)
        plain_t = _build(plain_cfg, work / "plain-site", env, repeat)
        ours_t = _build(ours_cfg, work / "ours-site", env, repeat)
        size = _size(work / "ours-site")
        index = (work / "ours-site" / "search" / "search_index.json").stat().st_size
    return {"n": n, "ours": ours_t, "plain": plain_t, "ratio": ours_t / plain_t,
            "size": size, "per_record": size / n, "index": index}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, action="append",
                        help="record counts to build (repeatable); default 1000 and 10000")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    counts = args.records or [1000, 10000]
    print(f"site benchmark, {dt.date.today()}, best of {args.repeat}")
    results = []
    ok = True
    for n in counts:
        r = measure(n, args.repeat)
        results.append(r)
        print(f"{n:>6} records: ours {r['ours']:.1f} s, plain MkDocs+Material {r['plain']:.1f} s, "
              f"ratio {r['ratio']:.2f}; site {r['size'] / 1e6:.1f} MB "
              f"({r['per_record'] / 1024:.1f} KB/record), search index "
              f"{r['index'] / 1e6:.1f} MB", flush=True)
        if n == 1000:
            ok &= r["ratio"] <= 1.25
        ok &= r["per_record"] <= 30 * 1024
    by_n = {r["n"]: r for r in results}
    if 1000 in by_n and 10000 in by_n:
        growth = by_n[10000]["ours"] / by_n[1000]["ours"]
        ok &= growth <= 11
        print(f"10,000 / 1,000 build time: {growth:.1f} (target <= 11)")
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
