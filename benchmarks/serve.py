"""Benchmark: the editing loop, from saving a record to seeing the change under `mkdocs serve`.

    python benchmarks/serve.py [--records 1000] [--edits 3]

Generates N realistic records (benchmarks/realistic.py) and, for each site in turn, starts
`python -m mkdocs serve --dev-addr 127.0.0.1:PORT` (a free port) and waits until it answers:

- ours: a copy of the repository's mkdocs.yml and docs/, DECISIONS_DIR set to the
  records; an edit changes one word of a record's title (its adjective) by writing the YAML
  file beside the folder and renaming it over the record, as an editor's atomic save does;
- plain: the same records as plain MkDocs + Material pages (benchmarks/plain.py); an edit
  changes the same word in the page's `# heading`.

After each save it requests the page, /decisions/<id>/, every 50 ms (a request made while
MkDocs rebuilds waits for the build) until the new word is in it, and records the time from
the rename to that answer. Each edit is on another record; best and median of --edits.
Then the server gets SIGINT, as Ctrl-C, and is killed only if it has not stopped in 20 s.

Target (ours): median at most 3 s. Exit status 1 when missed, 2 when a server does not
start or a change never shows (each with the server's last lines).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ours  # noqa: E402
import plain  # noqa: E402
import realistic  # noqa: E402

TARGET = 3.0  # seconds, median, ours
POLL = 0.05  # seconds between requests
# no proxy from the environment: the server is on this machine
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, timeout: float) -> tuple[int, str]:
    try:
        with OPENER.open(url, timeout=max(timeout, 0.1)) as r:
            return r.status, r.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


class Server:
    """`mkdocs serve` of one config in a child process, its output in a log file."""

    def __init__(self, config: Path, env: dict[str, str], log: Path,
                 extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(config),
             "--dev-addr", f"127.0.0.1:{self.port}", *extra],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def tail(self, lines: int = 12) -> str:
        self._log.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return "\n".join("    " + line for line in text[-lines:])

    def wait_ready(self, path: str, timeout: float) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise Failed(f"mkdocs serve exited with {self.proc.returncode}:\n{self.tail()}")
            status, _ = fetch(self.base + path, timeout - (time.perf_counter() - start))
            if status == 200:
                return time.perf_counter() - start
            time.sleep(0.2)
        raise Failed(f"mkdocs serve did not serve {path} within {timeout:.0f} s "
                     f"(raise --start-timeout):\n{self.tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def save(path: Path, text: str, scratch: Path) -> None:
    """Write text to path the way editors save: a new file renamed over the old one."""
    tmp = scratch / path.name
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def time_edit(server: Server, url_path: str, path: Path, edit: Callable[[str], str],
              word: str, scratch: Path, timeout: float) -> float:
    text = edit(path.read_text(encoding="utf-8"))
    if word not in text:
        raise Failed(f"the edit did not put {word!r} into {path.name}")
    save(path, text, scratch)
    start = time.perf_counter()
    while True:
        elapsed = time.perf_counter() - start
        if elapsed > timeout:
            raise Failed(f"{word!r} did not show on {url_path} within {timeout:.0f} s "
                         f"(raise --timeout):\n{server.tail()}")
        if server.proc.poll() is not None:
            raise Failed(f"mkdocs serve exited with {server.proc.returncode}:\n{server.tail()}")
        status, body = fetch(server.base + url_path, timeout - elapsed)
        if status == 200 and word in body:
            return time.perf_counter() - start
        time.sleep(POLL)


# the options `make serve` gives mkdocs serve (the Makefile's serve target)
OURS_SERVE_ARGS = ("--dirty",)


def replace_in_line(prefix: str, old: str, new: str) -> Callable[[str], str]:
    """An edit: `old` becomes `new` in the first line starting with `prefix`."""
    def edit(text: str) -> str:
        pattern = re.compile(rf"^({re.escape(prefix)}.*?)\b{re.escape(old)}\b", re.M)
        return pattern.sub(lambda m: m[1] + new, text, count=1)
    return edit


def run_site(name: str, config: Path, env: dict[str, str], targets: list[tuple[str, Path, str]],
             scratch: Path, args: argparse.Namespace) -> tuple[float, list[float]]:
    """(seconds until the server answered, seconds of each edit)."""
    prefix = "title: " if name == "ours" else "# "
    # ours runs as `make serve` runs it; plain MkDocs with its defaults, as a user would
    extra = OURS_SERVE_ARGS if name == "ours" else ()
    server = Server(config, env, scratch / f"{name}-serve.log", extra)
    try:
        record_id = targets[0][0]
        ready = server.wait_ready(f"/decisions/{record_id}/", args.start_timeout)
        print(f"{name}: serving after {ready:.1f} s", flush=True)
        times = []
        for k, (record_id, path, adjective) in enumerate(targets, 1):
            word = f"revised{k}q{os.getpid() % 1000}{name}"
            t = time_edit(server, f"/decisions/{record_id}/", path,
                          replace_in_line(prefix, adjective, word), word, scratch, args.timeout)
            times.append(t)
            print(f"{name}: edit {k} of {len(targets)} seen after {t:.2f} s", flush=True)
            time.sleep(1)  # let the watcher settle before the next save
        return ready, times
    finally:
        server.stop()


def summary(times: list[float]) -> str:
    return f"best {min(times):.2f} s, median {statistics.median(times):.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds to wait for one change to show")
    parser.add_argument("--start-timeout", type=float, default=900,
                        help="seconds to wait for a server's first build")
    args = parser.parse_args()
    n = args.records
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        work = Path(tmp)
        scratch = work / "scratch"
        scratch.mkdir()
        records = work / "decisions"
        realistic.write(records, n)
        config = ours.copy_project(work / "ours")
        plain_config, _ = plain.write_site(work / "plain", sorted(records.glob("[0-9]*.yaml")))
        env = ours.environment(records)
        numbers = [max(1, n // 2 + k) for k in range(args.edits)]
        plans = [realistic.plan(k) for k in numbers]
        ours_targets = [(p.id, records / p.file_name, p.adjective) for p in plans]
        plain_targets = [(p.id, plain.page_path(work / "plain", p.id), p.adjective)
                         for p in plans]
        print(f"serve benchmark: {n:,} records, {args.edits} edits, a request every "
              f"{POLL * 1000:.0f} ms", flush=True)
        try:
            ours_ready, ours_t = run_site("ours", config, env, ours_targets, scratch, args)
            plain_ready, plain_t = run_site("plain", plain_config, env, plain_targets, scratch,
                                            args)
        except Failed as e:
            print(f"FAILED: {e}")
            return 2
    ok = statistics.median(ours_t) <= TARGET
    print(f"\nsaved to seen, {n:,} records (first build: ours {ours_ready:.1f} s, "
          f"plain {plain_ready:.1f} s)")
    print(f"  ours                     {summary(ours_t)} (target median <= {TARGET:.0f} s) "
          f"{'ok' if ok else 'MISSED'}")
    print(f"  plain MkDocs + Material  {summary(plain_t)}")
    print("target met" if ok else "target NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
