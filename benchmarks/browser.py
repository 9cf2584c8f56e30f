"""Benchmark: what a reader waits for in a browser, on the 10,000-record site.

    python benchmarks/browser.py [--records 10000] [--site DIR] [--runs 5]

Builds the site from N realistic records (benchmarks/realistic.py), or takes --site, a site
already built from the same N (`--records` must match), and serves it from a small threaded
HTTP server on 127.0.0.1 (plain files, no compression, HTTP/1.1 keep-alive, right content
types for .js, .json, .wasm and Pagefind's files). Headless Debian Chromium, driven by
Playwright, opens the pages; every run gets a new browser context with the HTTP cache
disabled, so each starts cold. Bytes are the response bodies the server sent during the run
(every request, including those of workers and of the search bundle), counted by the server.

(a) search: open / and, as soon as the header's search box takes input, type the word only
    record N/2 + 1 has (20 ms between keys, as Material searches on key events); the time
    runs from navigation start to a result link to that record being in the page (a
    MutationObserver in the page takes performance.now()); bytes up to then.
(b) index: /decisions/ until the load event (the navigation timing's loadEventEnd); bytes.
(c) filter: on that loaded index, set the status filter to FILTER_VALUE and dispatch
    `change`; the time runs until the count has changed and every visible row has that
    status (checking visibility lays the page out, so this includes layout), and then until
    the next frame has been produced, which is what the target applies to.

Median of --runs each. Targets: (a) at most 2 s and 2 MB, (b) at most 2 s, (c) at most
100 ms. Exit status 1 when a target is missed, 2 when the benchmark cannot run. The browser
talks only to 127.0.0.1; a request anywhere else is counted and reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ours  # noqa: E402
import realistic  # noqa: E402

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # reported by main()
    sync_playwright = None

# What the benchmark looks for; adjust here when the pages change.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's; never a download
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
HOME_URL = "/"
SEARCH_BUTTON = 'label.md-header__button[for="__search"]'  # opens search on narrow screens
SEARCH_INPUT = "input.md-search__input"
SEARCH_RESULT_LINK = "a.md-search-result__link"  # its href contains the record id
TYPE_DELAY_MS = 20
INDEX_URL = "/decisions/"
FILTER_SELECT = 'select[data-filter="status"]'
FILTER_VALUE = "rejected"  # a few percent of the records; another option when absent
COUNT = "[data-count]"
ROWS = "table[data-index] tbody tr"
ROW_STATUS = "status"  # rows carry data-status; not checked when rows lack it

SEARCH_MS, SEARCH_BYTES, INDEX_MS, FILTER_MS = 2000, 2_000_000, 2000, 100
TIMEOUT_MS = 120_000
SEARCH_TIMEOUT_MS = 180_000  # a search past this counts as missed, not as a failure

_BINARY = "application/octet-stream"  # Pagefind's files: compressed by Pagefind, not by HTTP
CONTENT_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
                 ".wasm": "application/wasm", ".css": "text/css", ".svg": "image/svg+xml",
                 ".html": "text/html", ".xml": "application/xml", ".pf_meta": _BINARY,
                 ".pf_index": _BINARY, ".pf_fragment": _BINARY, ".pagefind": _BINARY}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int]] = []

    def take(self) -> list[tuple[str, int]]:
        """The (path, body bytes) served since the last call."""
        with self.lock:
            out, self.sent = self.sent, []
        return out


class Handler(SimpleHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map,
                                                **CONTENT_TYPES}

    def copyfile(self, source: Any, outputfile: Any) -> None:
        n = 0
        while chunk := source.read(1 << 16):
            outputfile.write(chunk)
            n += len(chunk)
        with self.server.lock:
            self.server.sent.append((self.path, n))

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> tuple[Server, str]:
    server = Server(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build_site(work: Path, n: int) -> Path:
    records = work / "decisions"
    realistic.write(records, n)
    config = ours.copy_project(work / "ours")
    site = work / "site"
    print(f"building the site of {n:,} records ...", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d",
                    str(site)], check=True, env=ours.environment(records))
    print(f"built in {time.perf_counter() - start:.1f} s", flush=True)
    return site


FOUND_SCRIPT = """
(() => {
  const wanted = %s;
  window.__found = null;
  const look = () => {
    if (window.__found === null && document.querySelector(wanted)) {
      window.__found = performance.now();
    }
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true,
                                                attributes: true, attributeFilter: ["href"]});
})();
"""

FILTER_SCRIPT = """
async ([selectSel, value, countSel, rowsSel, statusKey]) => {
  const select = document.querySelector(selectSel);
  const count = document.querySelector(countSel);
  if (!select || !count) return {error: "no " + (select ? countSel : selectSel)};
  const values = Array.from(select.options).map((o) => o.value);
  if (!values.includes(value)) value = values.find((v) => v && v !== select.value);
  const before = count.textContent;
  const done = () => {
    if (count.textContent === before) return false;
    const rows = Array.from(document.querySelectorAll(rowsSel))
      .filter((r) => r.getClientRects().length > 0);
    return rows.every((r) => !(statusKey in r.dataset) || r.dataset[statusKey] === value);
  };
  return await new Promise((resolve) => {
    let dom = null;
    const finish = () => {
      if (dom !== null || !done()) return;
      dom = performance.now() - start;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve({
        value, before, after: count.textContent, dom,
        painted: performance.now() - start,
        rows: Array.from(document.querySelectorAll(rowsSel))
          .filter((r) => r.getClientRects().length > 0).length,
      }), 0));
    };
    const observer = new MutationObserver(finish);
    observer.observe(document.body, {childList: true, subtree: true, characterData: true,
                                     attributes: true});
    setTimeout(() => { if (dom === null) resolve({error: "no update within 10 s", value}); },
               10000);
    const start = performance.now();
    select.value = value;
    select.dispatchEvent(new Event("change", {bubbles: true}));
    finish();
  });
}
"""


class Run:
    """One cold browser context, its requests to other hosts counted."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.outside: list[str] = []
        self.context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:"))
                        else self.outside.append(r.url))
        self.page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.context.close()


def search_run(browser: Any, base: str, server: Server, record_id: str,
               word: str) -> tuple[float, float, list[tuple[str, int]], list[str]]:
    """(ms from navigation start to the result, wall ms, files served, outside requests)."""
    link = f'{SEARCH_RESULT_LINK}[href*="{record_id}"]'
    with Run(browser, base) as run:
        page = run.page
        page.add_init_script(FOUND_SCRIPT % repr(link))
        server.take()
        start = time.perf_counter()
        page.goto(base + HOME_URL, wait_until="commit")
        box = page.locator(SEARCH_INPUT)
        box.wait_for(state="attached")
        if not box.is_visible():
            page.locator(SEARCH_BUTTON).click()
        box.click()
        page.keyboard.type(word, delay=TYPE_DELAY_MS)
        try:
            page.locator(link).first.wait_for(state="attached", timeout=SEARCH_TIMEOUT_MS)
        except PlaywrightTimeout:
            return float("inf"), float("inf"), server.take(), run.outside
        wall = (time.perf_counter() - start) * 1000
        found = page.evaluate("window.__found")
        files = server.take()
        return float(found if found is not None else wall), wall, files, run.outside


def index_run(browser: Any, base: str, server: Server) -> tuple[float, int, dict[str, Any],
                                                                 list[str]]:
    """(ms to the load event, bytes, filter result, outside requests)."""
    with Run(browser, base) as run:
        page = run.page
        server.take()
        page.goto(base + INDEX_URL, wait_until="load")
        load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        loaded = sum(n for _, n in server.take())
        page.wait_for_selector(FILTER_SELECT, state="attached")
        time.sleep(0.5)  # let the page settle, as a reader would before choosing a filter
        result = page.evaluate(FILTER_SCRIPT, [FILTER_SELECT, FILTER_VALUE, COUNT, ROWS,
                                               ROW_STATUS])
        return float(load), loaded, result, run.outside


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def check(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000,
                        help="records to build, or that --site was built from")
    parser.add_argument("--site", type=Path, help="an already built site of --records records")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if sync_playwright is None:
        print("the playwright package is missing: make install brings it")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium (make browser does)")
        return 2
    number = args.records // 2 + 1
    target = realistic.plan(number)
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        site = args.site or build_site(Path(tmp), args.records)
        if not (site / "decisions" / target.id / "index.html").exists():
            print(f"{site} has no page for {target.id}: it was not built from "
                  f"{args.records} realistic records (pass the --records it was built from)")
            return 2
        server, base = serve(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    return measure(browser, base, server, target, args)
                except PlaywrightError as e:
                    print(f"FAILED in the browser: {str(e).splitlines()[0]}")
                    return 2
                finally:
                    browser.close()
        finally:
            server.shutdown()
            server.server_close()


def measure(browser: Any, base: str, server: Server, target: realistic.Plan,
            args: argparse.Namespace) -> int:
    print(f"browser benchmark: {args.records:,} records, {args.runs} cold runs each, "
          f"Chromium at {CHROMIUM}; search word {target.word} (only in {target.id})",
          flush=True)
    search_ms, search_wall, search_bytes, outside = [], [], [], []
    files: list[tuple[str, int]] = []
    for _ in range(args.runs):
        ms, wall, files, out = search_run(browser, base, server, target.id, target.word)
        search_ms.append(ms)
        search_wall.append(wall)
        search_bytes.append(sum(n for _, n in files))
        outside += out
        if ms == float("inf"):
            print(f"(a) no result link within {SEARCH_TIMEOUT_MS / 1000:.0f} s; "
                  "not repeated", flush=True)
            break
    index_ms, index_bytes, dom_ms, painted_ms = [], [], [], []
    rows = ""
    for _ in range(args.runs):
        load, loaded, result, out = index_run(browser, base, server)
        if "error" in result:
            print(f"FAILED: filter on {INDEX_URL}: {result['error']}")
            return 2
        index_ms.append(load)
        index_bytes.append(loaded)
        dom_ms.append(result["dom"])
        painted_ms.append(result["painted"])
        rows = (f"status={result['value']}: count {result['before']} -> {result['after']}, "
                f"{result['rows']} rows visible")
        outside += out

    a_ok = median(search_ms) <= SEARCH_MS and median(search_bytes) <= SEARCH_BYTES
    b_ok = median(index_ms) <= INDEX_MS
    c_ok = median(painted_ms) <= FILTER_MS
    biggest = sorted(files, key=lambda f: -f[1])[:4]
    found = (f"{median(search_ms):.0f} ms to the result ({median(search_wall):.0f} ms by the "
             "wall clock)" if median(search_ms) < float("inf") else
             f"no result within {SEARCH_TIMEOUT_MS / 1000:.0f} s")
    print(f"(a) search from {HOME_URL}: {found}, {median(search_bytes) / 1e6:.2f} MB"
          f" in {len(files)} requests (targets <= {SEARCH_MS} ms, <= {SEARCH_BYTES / 1e6:.0f} MB)"
          f" {check(a_ok)}")
    print("    largest: " + ", ".join(f"{path} {n / 1e6:.2f} MB" for path, n in biggest))
    print(f"(b) {INDEX_URL} to load: {median(index_ms):.0f} ms, "
          f"{median(index_bytes) / 1e6:.2f} MB (target <= {INDEX_MS} ms) {check(b_ok)}")
    print(f"(c) filter on {INDEX_URL}: {median(painted_ms):.1f} ms to the next frame "
          f"({median(dom_ms):.1f} ms to updated rows and count), {rows} "
          f"(target <= {FILTER_MS} ms) {check(c_ok)}")
    print(f"runs: (a) {', '.join(f'{v:.0f}' for v in search_ms)} ms; "
          f"(b) {', '.join(f'{v:.0f}' for v in index_ms)} ms; "
          f"(c) {', '.join(f'{v:.1f}' for v in painted_ms)} ms")
    if outside:
        print(f"requests to other hosts: {len(outside)}, e.g. {outside[0]}")
    ok = a_ok and b_ok and c_ok
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
