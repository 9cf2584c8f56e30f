"""Benchmark: this project's site build against plain MkDocs + Material on the same pages.

    python benchmarks/site.py --records 1000 --records 10000 [--repeat 1]

For each N: generate N realistic records (benchmarks/realistic.py: copies of the shipped
records, about 680 words, three options and five packages each), then build, as
`python -m mkdocs build` subprocesses in this same run:

- ours: a copy of the repository's mkdocs.yml and docs/, with DECISIONS_DIR set to
  the generated records and DECISIONS_TODAY pinned;
- plain: benchmarks/plain.py's site, one hand-written Markdown page per record with the
  record's words, the same theme, search and tags plugins and Markdown extensions, no
  decisions plugin.

Measured per build: wall time from starting the process to its exit (best of --repeat;
plain and ours alternate); peak memory, the resident-set high-water mark of the build
process as the kernel reports it when the process is reaped (wait4's ru_maxrss; one fresh
process per build); the site's size on disk (all files, total and per record); the search
index: Material's search/search_index.json and/or a Pagefind bundle pagefind/, whichever
exist (the bytes one query downloads are measured by benchmarks/browser.py); and, as a check
that the pages are equal, the words a reader sees in the article of 15 record pages.

Targets: ours/plain at most 1.5 at 1,000 and at 10,000 records; peak memory at most 600 MB
at 10,000; at most 30 KB of site per record at 1,000. MB here is 10^6 bytes, KB 1024.
Exit status 1 when a target is missed (after printing everything), 2 when a build fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ours  # noqa: E402
import plain  # noqa: E402
import realistic  # noqa: E402

RATIO_TARGET = 1.5
MEMORY_TARGET_MB = 600  # at 10,000 records
SIZE_TARGET_KB = 30  # per record, at 1,000 records
BUILD_TIMEOUT = 3600  # seconds; a build past this is reported and stopped


class BuildFailed(Exception):
    pass


def size_of(path: Path) -> tuple[int, int]:
    """(bytes, files) under path."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def build(config: Path, site: Path, env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak resident bytes) of one `mkdocs build` in a fresh process."""
    shutil.rmtree(site, ignore_errors=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = start + BUILD_TIMEOUT
        while True:  # wait4 gives this one process's rusage, its peak RSS among it
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise BuildFailed(f"{config}: still building after {BUILD_TIMEOUT} s; stopped")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-15:]
            raise BuildFailed(f"{config}: mkdocs build exited {proc.returncode}:\n"
                              + "\n".join(tail))
    return seconds, usage.ru_maxrss * 1024  # Linux reports KiB


def search_index(site: Path) -> str:
    parts = []
    lunr = site / "search" / "search_index.json"
    if lunr.exists():
        parts.append(f"search_index.json {lunr.stat().st_size / 1e6:.1f} MB")
    pagefind = site / "pagefind"
    if pagefind.is_dir():
        size, files = size_of(pagefind)
        parts.append(f"pagefind/ {size / 1e6:.1f} MB in {files} files")
    return ", ".join(parts) or "none"


_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.DOTALL)
_MAIN = re.compile(r"<main\b[^>]*>(.*?)</main>", re.DOTALL)
_DROP = re.compile(r"<(script|style|svg)\b.*?</\1>", re.DOTALL)


def shown_words(page: Path) -> int:
    """Words in a built page's article (or main) as a reader sees them."""
    text = page.read_text(encoding="utf-8")
    m = _ARTICLE.search(text) or _MAIN.search(text)
    body = _DROP.sub(" ", m[1] if m else text)
    words = html.unescape(re.sub(r"<[^>]+>", " ", body)).split()
    return sum(1 for w in words if any(c.isalnum() for c in w))


def prepare(work: Path, n: int) -> tuple[Path, Path, dict[str, str], dict[str, int]]:
    """(our mkdocs.yml, the plain mkdocs.yml, environment, word counts) for N records."""
    records = realistic.write(work / "decisions", n)
    env = ours.environment(work / "decisions")
    config = ours.copy_project(work / "ours")
    plain_cfg, words = plain.write_site(work / "plain", records)
    return config, plain_cfg, env, words


@dataclass
class Result:
    n: int
    ours: float  # seconds
    plain: float
    ours_mem: int  # peak resident bytes
    plain_mem: int
    ours_size: int  # bytes on disk
    plain_size: int
    ours_files: int
    plain_files: int
    ours_index: str
    plain_index: str
    words: dict[str, int]
    shown: dict[str, int]

    @property
    def ratio(self) -> float:
        return self.ours / self.plain

    def per_record(self, size: int) -> float:
        return size / self.n / 1024


def measure(n: int, repeat: int, work: Path) -> Result:
    ours_cfg, plain_cfg, env, words = prepare(work, n)
    ours_site, plain_site = work / "ours-site", work / "plain-site"
    ours_t = plain_t = float("inf")
    ours_m = plain_m = 0
    for _ in range(repeat):
        t, m = build(plain_cfg, plain_site, env)
        plain_t, plain_m = min(plain_t, t), max(plain_m, m)
        t, m = build(ours_cfg, ours_site, env)
        ours_t, ours_m = min(ours_t, t), max(ours_m, m)
    ours_size, ours_files = size_of(ours_site)
    plain_size, plain_files = size_of(plain_site)
    sample = [realistic.plan_id(k) for k in range(1, min(n, 15) + 1)]
    shown = {}
    for name, site in (("ours", ours_site), ("plain", plain_site)):
        pages = [p for i in sample if (p := site / "decisions" / i / "index.html").exists()]
        shown[name] = round(sum(map(shown_words, pages)) / len(pages)) if pages else 0
    return Result(n, ours_t, plain_t, ours_m, plain_m, ours_size, plain_size, ours_files,
                  plain_files, search_index(ours_site), search_index(plain_site), words, shown)


def _mb(b: float) -> str:
    return f"{b / 1e6:.0f} MB" if b >= 1e8 else f"{b / 1e6:.1f} MB"


def _ok(good: bool) -> str:
    return "ok" if good else "MISSED"


def report(r: Result) -> bool:
    """Print one size's figures; whether its targets are met."""
    ok = True
    print(f"{r.n:,} records (record text {r.words['record_words']} words; words shown on a "
          f"record page: ours {r.shown['ours']}, plain {r.shown['plain']})")
    line = f"  build        ours {r.ours:.1f} s, plain {r.plain:.1f} s, ratio {r.ratio:.2f}"
    if r.n in (1000, 10000):
        ok &= r.ratio <= RATIO_TARGET
        line += f" (target <= {RATIO_TARGET}) {_ok(r.ratio <= RATIO_TARGET)}"
    print(line)
    line = f"  peak memory  ours {_mb(r.ours_mem)}, plain {_mb(r.plain_mem)}"
    if r.n == 10000:
        good = r.ours_mem <= MEMORY_TARGET_MB * 1e6
        ok &= good
        line += f" (target <= {MEMORY_TARGET_MB} MB) {_ok(good)}"
    print(line)
    per = r.per_record(r.ours_size)
    line = f"  site         ours {_mb(r.ours_size)} in {r.ours_files} files, {per:.1f} KB a record"
    if r.n == 1000:
        ok &= per <= SIZE_TARGET_KB
        line += f" (target <= {SIZE_TARGET_KB}) {_ok(per <= SIZE_TARGET_KB)}"
    print(f"{line}; plain {_mb(r.plain_size)}, {r.per_record(r.plain_size):.1f} KB a record")
    print(f"  search index ours {r.ours_index}; plain {r.plain_index}", flush=True)
    return ok


def table(results: list[Result]) -> None:
    print("\n| records | this site | plain MkDocs + Material | ratio | peak memory, ours / plain "
          "| site a record, ours / plain | search index (ours) |")
    print("|--:|--:|--:|--:|--:|--:|--|")
    for r in results:
        print(f"| {r.n:,} | {r.ours:.1f} s | {r.plain:.1f} s | {r.ratio:.2f} | "
              f"{_mb(r.ours_mem)} / {_mb(r.plain_mem)} | {r.per_record(r.ours_size):.1f} KB / "
              f"{r.per_record(r.plain_size):.1f} KB | {r.ours_index} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, action="append",
                        help="record counts to build (repeatable); default 1000 and 10000")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each; the best counts")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    counts = args.records or [1000, 10000]
    print(f"site benchmark, {dt.date.today()}, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, best of {args.repeat}")
    results = []
    ok = True
    for n in counts:
        try:
            if args.keep:
                work = args.keep / str(n)
                shutil.rmtree(work, ignore_errors=True)
                work.mkdir(parents=True)
                r = measure(n, args.repeat, work)
            else:
                with tempfile.TemporaryDirectory(prefix=f"bench-site-{n}-") as tmp:
                    r = measure(n, args.repeat, Path(tmp))
        except BuildFailed as e:
            print(f"{n:,} records: {e}")
            return 2
        results.append(r)
        ok &= report(r)
    table(results)
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
