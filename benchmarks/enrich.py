"""Benchmark: `decisions enrich` over 100 references against a server with 100 ms latency.

    python benchmarks/enrich.py

A local threaded HTTP server answers every request after 100 ms with a recorded PyPI
document. Measured in this process:

- single: one request, best of a few (serial time = 100 x single);
- cold: 100 references, none in the snapshot, fetched `concurrency` at a time;
- warm: the same 100 again with every entry fresh.

Targets (issue "Ecosystem-maturity signals"): cold at most 0.35 of the serial time; warm
makes no request at all and takes under 0.5 s. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from decision_records.settings.signals import SignalsConfig
from decision_records.signals.enrich import enrich
from decision_records.signals.snapshot import Snapshot, load_snapshot, save_snapshot

DOCUMENT = (Path(__file__).parent.parent / "tests" / "fixtures" / "signals" / "pypi"
            / "mkdocs.json").read_bytes()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    latency = 0.1
    requests = 0
    lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"  # keep-alive, as the real registries
    # headers and body in one segment: otherwise Nagle and delayed ACKs add 40 ms a request
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests += 1
        time.sleep(self.server.latency)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(DOCUMENT)))
        self.send_header("ETag", '"bench"')
        self.end_headers()
        self.wfile.write(DOCUMENT)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the figures are the output


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--refs", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--target", type=float, default=0.35)
    parser.add_argument("--warm-target", type=float, default=0.5)
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.latency = args.latency
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = SignalsConfig(pypi_url=base, github_url=base, npm_url=base,
                             concurrency=args.concurrency, retries=0)
    refs = [f"pypi:package-{i:03d}" for i in range(args.refs)]
    now = dt.datetime.now(dt.UTC)
    # the benchmark is about fetching; the documents' GitHub links are not followed
    run = functools.partial(enrich, settings=settings, now=now, follow_links=False)
    try:
        singles = []
        for i in range(5):
            start = time.perf_counter()
            _, s = run(Snapshot(), [f"pypi:single-{i}"])
            singles.append(time.perf_counter() - start)
            assert s.fetched, s.lines()
        single = min(singles)
        serial = single * args.refs

        start = time.perf_counter()
        cold_snapshot, cold = run(Snapshot(), refs)
        cold_t = time.perf_counter() - start
        if len(cold.fetched) != args.refs:
            print("cold run failed:", *cold.lines(), sep="\n")
            return 2

        with tempfile.TemporaryDirectory() as tmp:
            save_snapshot(Path(tmp), cold_snapshot)
            before = server.requests
            start = time.perf_counter()
            loaded = load_snapshot(Path(tmp))
            warm_snapshot, warm = run(loaded, refs)
            save_snapshot(Path(tmp), warm_snapshot)
            warm_t = time.perf_counter() - start
            warm_requests = server.requests - before
    finally:
        server.shutdown()
        server.server_close()

    ratio = cold_t / serial
    ok_cold = ratio <= args.target
    ok_warm = warm_requests == 0 and warm_t < args.warm_target and len(warm.fresh) == args.refs
    print(f"references:        {args.refs} (latency {args.latency * 1000:.0f} ms a request, "
          f"concurrency {args.concurrency})")
    print(f"single request:    {single * 1000:.1f} ms")
    print(f"serial (100 x 1):  {serial:.2f} s")
    print(f"cold:              {cold_t:.2f} s")
    print(f"ratio cold/serial: {ratio:.3f}  (target <= {args.target})  "
          f"{'ok' if ok_cold else 'MISSED'}")
    print(f"warm:              {warm_t * 1000:.1f} ms, {warm_requests} requests "
          f"(target 0 requests, < {args.warm_target * 1000:.0f} ms)  "
          f"{'ok' if ok_warm else 'MISSED'}")
    return 0 if ok_cold and ok_warm else 1


if __name__ == "__main__":
    sys.exit(main())
