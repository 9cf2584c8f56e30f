"""The site as readers use it: headless Chromium (Debian's) driven by Playwright.

Run only these with `make test-browser` (or `.venv/bin/python -m pytest -m browser`).
Screenshots are written to test-output/screenshots/. Where no browser can be had, the
tests skip with one line, except in CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, TODAY_ENV, run_cli
from decision_records.plugin import DOCS as PACKAGE_DOCS

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FIXTURE = REPO / "tests" / "fixtures" / "site" / "decisions"
SHOTS = REPO / "test-output" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {why}")
    pytest.skip(f"browser tests skipped: {why}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (make test installs it)")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (make test installs Debian's chromium as root)")
    with sync_playwright() as p:
        # Playwright's own browser download does not work here: drive Debian's Chromium.
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve_build(decisions: Path, out: Path, strict: bool) -> Iterator[str]:
    """Build the records into out/site and serve it on a free local port."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    mp = pytest.MonkeyPatch()
    mp.setenv("DECISIONS_DIR", str(decisions))
    mp.setenv("DECISIONS_TODAY", TODAY_ENV)
    mp.setenv("NO_MKDOCS_2_WARNING", "1")
    try:
        build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(out / "site"),
                          strict=strict))
    finally:
        mp.undo()
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(_Quiet, directory=str(out / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture records, built strict as CI builds them."""
    yield from _serve_build(FIXTURE, tmp_path_factory.mktemp("browser-site"), strict=True)


@pytest.fixture(scope="module")
def broken_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture records with one that breaks a rule, built as `mkdocs serve` builds."""
    out = tmp_path_factory.mktemp("broken-site")
    folder = out / "decisions"
    shutil.copytree(FIXTURE, folder)
    bad = folder / "0002-buy-a-managed-queue.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("team: platform", "team: platfrom"),
                   encoding="utf-8")
    yield from _serve_build(folder, out, strict=False)


def test_every_page_says_when_records_have_errors(page: Any, broken_url: str,
                                                  base_url: str) -> None:
    page.goto(broken_url + "budget/")
    banner = page.locator(".dr-problem-banner")
    banner.wait_for()
    assert banner.inner_text().startswith("1 error in the records")
    banner.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/problems/$"))
    assert "team 'platfrom' is not in config.yaml" in page.locator("article").inner_text()
    page.goto(broken_url + "decisions/0002-buy-a-managed-queue/")
    assert "platfrom" in page.locator(".dr-problems").inner_text()
    page.goto(base_url + "budget/", wait_until="networkidle")  # no errors: no banner
    assert page.locator(".dr-problem-banner").count() == 0


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_finds_a_word_only_in_one_rationale(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("zanzibarquokka", delay=20)  # Material searches on key events
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert results.count() == 1
    assert "Buy a managed queue" in results.first.inner_text()
    results.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/decisions/0002-buy-a-managed-queue/"))
    assert "Buy a managed queue" in page.locator("h1").inner_text()


def test_search_finds_the_guides_too(page: Any, base_url: str) -> None:
    """The hand-written pages are in the index beside the records: here, the import guide."""
    page.goto(base_url + "budget/")
    page.locator("input.md-search__input").click()
    page.keyboard.type("log4brains", delay=20)
    link = page.locator(".md-search-result__item a[href*='/import/']").first
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"/import/"))
    assert "Importing Markdown ADRs" in page.locator("h1").inner_text()


def _visible_ids(page: Any) -> list[str]:
    return page.locator("table[data-index] tbody tr:visible td:first-child").all_inner_texts()


def test_index_filters_clear_and_sort(page: Any, base_url: str) -> None:
    # the filters answer once the script has loaded the index's data: wait for that
    page.goto(base_url + "decisions/", wait_until="networkidle")
    assert sorted(_visible_ids(page)) == ["0001", "0002", "0003", "0004", "0005"]
    page.select_option("select[data-filter=status]", "accepted")
    assert sorted(_visible_ids(page)) == ["0002", "0005"]
    page.select_option("select[data-filter=team]", "platform")
    assert _visible_ids(page) == ["0002"]
    assert page.locator("[data-count]").inner_text() == "1"
    assert "status=accepted" in page.url and "team=platform" in page.url
    page.get_by_role("button", name="Clear filters").click()
    assert len(_visible_ids(page)) == 5
    page.locator("th[data-sort=date] button").click()
    dates = page.locator("table[data-index] tbody tr td:last-child").all_inner_texts()
    assert dates == sorted(dates)
    assert page.locator("th[data-sort=date]").get_attribute("aria-sort") == "ascending"
    page.locator("th[data-sort=date] button").click()
    dates = page.locator("table[data-index] tbody tr td:last-child").all_inner_texts()
    assert dates == sorted(dates, reverse=True)


def test_a_shared_filter_link_opens_filtered(page: Any, base_url: str) -> None:
    page.goto(base_url + "decisions/?team=sre")
    # the filter from the address applies once the script has run; wait for it, not the load
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '2'")
    assert sorted(_visible_ids(page)) == ["0004", "0005"]


def test_budget_page_shows_the_cli_figures(page: Any, base_url: str, tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "decisions")
    expected = json.loads(run_cli("budget", "--format", "json", cwd=tmp_path).stdout)
    page.goto(base_url + "budget/")
    for team in expected["teams"]:
        card = page.locator(f".dr-team[data-team={team['team']}]")
        text = card.locator(".dr-team-figures").inner_text()
        shown = {k: int(v) for k, v in re.findall(r"(\w+) (-?\d+)", text)}
        assert shown == {k: team[k] for k in ("budget", "spent", "pending", "released",
                                              "remaining")}
        assert card.locator("svg.dr-bar").is_visible()
    _shot(page, "budget")


def test_record_page_options_chosen_and_superseded_link(page: Any, base_url: str) -> None:
    page.goto(base_url + "decisions/0002-buy-a-managed-queue/")
    assert page.locator(".dr-option").count() == 2
    chosen = page.locator(".dr-option.dr-chosen")
    assert chosen.count() == 1
    assert "Managed queue" in chosen.inner_text() and "✓ chosen" in chosen.inner_text()
    badge = chosen.locator(".dr-maturity").first  # boto3 is in the fixture snapshot
    assert badge.is_visible() and badge.inner_text().lower() in ("boring", "established")
    _shot(page, "record")
    # the figures behind the badge are one click away, on the package's row of /signals/
    chosen.get_by_role("link", name="pypi:boto3").click()
    page.wait_for_url(re.compile(r"/signals/#pypi-boto3$"))
    assert "2014-11-11" in page.locator("tr#pypi-boto3").inner_text()
    page.goto(base_url + "decisions/0001-self-host-the-message-queue/")
    chosen = page.locator(".dr-option.dr-chosen")
    risky = chosen.locator(".dr-maturity").first  # pika: no release since 2019
    assert risky.inner_text().lower() == "risky"
    assert "pypi:pika: last release" in chosen.inner_text()  # the reason is on the record
    page.get_by_role("link", name=re.compile("Buy a managed queue")).first.click()
    page.wait_for_url(re.compile(r"/decisions/0002-buy-a-managed-queue/"))


def test_injected_script_does_not_run(page: Any, base_url: str) -> None:
    page.goto(base_url + "decisions/0005-hostile-markdown/")
    page.mouse.move(300, 300)
    for el in page.locator("article b, article a, article img").all()[:20]:
        el.hover()
    assert page.evaluate("() => [window.pwned, window.titlePwned]") == [None, None]
    assert "<script>" in page.locator("article").inner_text()  # shown as text


PAGES = ["", "decisions/", "review/", "timeline/", "budget/", "tags/", "propose/",
         "rules/", "decisions/0001-self-host-the-message-queue/",
         "decisions/0002-buy-a-managed-queue/", "decisions/0003-adopt-a-graph-database/",
         "decisions/0004-build-our-own-paging/", "decisions/0005-hostile-markdown/"]


def test_no_console_errors_and_no_failed_requests(page: Any, base_url: str) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(base_url) and not r.url.startswith("data:") else None)
    for url in PAGES:
        page.goto(base_url + url, wait_until="networkidle")
    assert problems == []
    assert outside == [], "the site must not reach other hosts"


def test_screenshots_of_home_and_index(page: Any, base_url: str) -> None:
    page.goto(base_url, wait_until="networkidle")
    _shot(page, "home")
    page.goto(base_url + "decisions/", wait_until="networkidle")
    _shot(page, "index")
    for name in ("home", "index"):
        assert (SHOTS / f"{name}.png").stat().st_size > 10_000


def _index_page(page: Any, records: list[list[object]], query: str = "") -> None:
    """The index page's markup, fed a compact data file of the given rows (no network)."""
    data = {"status": ["proposed", "accepted"], "team": ["t0", "t1", "t2"], "category": ["c"],
            "approach": ["", "buy", "adopt", "build"], "records": records}
    heads = "".join(f'<th data-sort="{k}" aria-sort="none"><button>{k}</button></th>'
                    for k in ("id", "title", "status", "team", "category", "approach", "tokens",
                              "date"))
    html = (
        '<form><select data-filter="status"><option value="">all</option>'
        '<option value="accepted">accepted</option></select>'
        '<select data-filter="team"><option value="">all</option>'
        '<option value="t1">t1</option></select>'
        '<button type="button" data-clear>Clear filters</button></form>'
        '<p>Showing <span data-count>0</span></p>'
        '<table data-index data-source="index.json" data-record-href="{id}/" data-page-size="100">'
        f"<thead><tr>{heads}</tr></thead><tbody></tbody></table>"
        '<nav data-pager hidden><button data-page="prev">Previous</button> '
        '<span data-page-label></span> <button data-page="next">Next</button></nav>'
        f"<script>{(PACKAGE_DOCS / 'assets' / 'decisions.js').read_text()}</script>")
    page.route(re.compile(r"^http://decisions\.test/decisions/(\?.*)?$"),
               lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.route("http://decisions.test/decisions/index.json", lambda route: route.fulfill(
        body=json.dumps(data), content_type="application/json"))
    page.goto("http://decisions.test/decisions/" + query)


def _records(n: int) -> list[list[object]]:
    """Newest first, as the site writes them: odd numbers accepted, teams in turn."""
    return [[f"{i:05d}-record-{i}", f"Title <b>{i}</b>", i % 2, i % 3, 0, 1, i % 4,
             f"20{10 + i % 15}-01-01"] for i in range(n, 0, -1)]


def test_the_index_pages_filters_and_sorts_every_record_of_its_data(page: Any) -> None:
    """The page holds 100 rows at a time; filters and sorting work over all 1,200."""
    _index_page(page, _records(1200))
    rows = page.locator("tbody tr")
    pager = page.locator("[data-pager]")
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '1200'")
    assert rows.count() == 100 and _visible_ids(page)[:2] == ["01200", "01199"]
    assert page.locator("[data-page-label]").inner_text() == "Page 1 of 12 (rows 1\u2013100)"
    page.locator('[data-page="next"]').click()
    assert _visible_ids(page)[0] == "01100" and "page=2" in page.url
    page.select_option("select[data-filter=status]", "accepted")
    assert page.locator("[data-count]").inner_text() == "600"
    assert page.locator("[data-page-label]").inner_text() == "Page 1 of 6 (rows 1\u2013100)"
    assert "page=" not in page.url and "status=accepted" in page.url
    page.select_option("select[data-filter=team]", "t1")
    assert page.locator("[data-count]").inner_text() == "200"
    page.locator("th[data-sort=id] button").click()
    assert _visible_ids(page)[:2] == ["00001", "00007"]  # ascending, accepted and t1 only
    page.get_by_role("button", name="Clear filters").click()
    assert page.locator("[data-count]").inner_text() == "1200"
    # titles are text: markup in them is shown, never run
    assert page.locator("tbody tr td:nth-child(2) a").first.inner_text() == "Title <b>1</b>"
    assert page.locator("tbody tr td:nth-child(2) b").count() == 0
    assert pager.is_visible()


def test_a_shared_index_view_opens_where_it_was_left(page: Any) -> None:
    _index_page(page, _records(1200), "?status=accepted&page=3")
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '600'")
    assert page.locator("[data-page-label]").inner_text() == "Page 3 of 6 (rows 201\u2013300)"


def test_the_built_index_listing_every_record_offers_nothing_more(page: Any,
                                                                   base_url: str) -> None:
    """Under a complete index a newcomer once saw "Show 0 more (0 not listed)"; the pager that
    replaced that button stays out of sight while one page holds every record."""
    page.goto(base_url + "decisions/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '5'")
    assert page.locator("[data-pager]").is_hidden()
    assert page.get_by_role("button", name=re.compile(r"more|Next|Previous")).count() == 0
    text = page.locator("article").inner_text()
    assert "not listed" not in text and not re.search(r"Show \d+ more", text)


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The records this repository ships, built strict."""
    yield from _serve_build(REPO / "decisions", tmp_path_factory.mktemp("shipped-site"),
                            strict=True)


@pytest.mark.parametrize(("url", "rows", "column"), [
    ("signals/", 40, "Why"),  # every package of the shipped records; the reasons wrap
    ("coverage/", 20, "Records"),  # what two repositories use; long SBOM paths wrap
])
@pytest.mark.parametrize("width", [1400, 1280])
def test_the_wide_tables_fit_the_page(browser: Any, shipped_url: str, width: int, url: str,
                                      rows: int, column: str) -> None:
    """Long cells wrap instead of running off the right edge."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(shipped_url + url, wait_until="networkidle")
        box = pg.evaluate("""(column) => {
            const table = document.querySelector('table.dr-index');
            const wrap = table.closest('.dr-table-wrap');
            const last = [...table.querySelectorAll('thead th')]
                .find(th => th.innerText.trim() === column);
            const cells = [...table.querySelectorAll('td')]
                .filter(td => td.scrollWidth > td.clientWidth + 1).length;
            return {viewport: document.documentElement.clientWidth,
                    table: table.getBoundingClientRect().right,
                    column: last.getBoundingClientRect().right,
                    scroll: wrap.scrollWidth, shown: wrap.clientWidth, overflowing: cells,
                    rows: table.querySelectorAll('tbody tr').length};
        }""", column)
        assert box["rows"] > rows
        assert box["column"] <= box["table"] <= box["viewport"], box
        assert box["scroll"] <= box["shown"], box  # nothing to scroll sideways
        assert box["overflowing"] == 0, box
        if width == 1400:
            _shot(pg, url.strip("/") + "-1400")
    finally:
        context.close()


def test_one_page_of_rows_shows_no_pager(page: Any) -> None:
    _index_page(page, _records(40))
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '40'")
    assert page.locator("tbody tr").count() == 40
    assert page.locator("[data-pager]").is_hidden()


@pytest.mark.parametrize(("url", "charts"), [
    ("decisions/0008-move-to-managed-kafka/", 1),  # break-even: the lines cross
    ("decisions/0014-adopt-opensearch-for-product-search/", 1),  # weighted drivers too
    ("costs/", 1),
])
def test_costs_and_their_charts_show_and_fit_at_1280(page: Any, shipped_url: str, url: str,
                                                    charts: int) -> None:
    outside: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(shipped_url) and not r.url.startswith("data:") else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(shipped_url + url, wait_until="networkidle")
    svgs = page.locator("svg.dr-cost-chart")
    assert svgs.count() == charts
    for i in range(charts):
        svg = svgs.nth(i)
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["width"] >= 400 and box["height"] >= 80, box
        assert svg.locator("title").first.text_content() and svg.locator("desc").count() == 1
    fit = page.evaluate("""() => {
        const doc = document.documentElement;
        const labels = [...document.querySelectorAll('svg.dr-cost-chart .dr-line-label')]
            .map(t => t.getBoundingClientRect());
        const overlaps = labels.some((a, i) => labels.slice(i + 1).some(b =>
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
        const svgs = [...document.querySelectorAll('svg.dr-cost-chart')]
            .map(s => s.getBoundingClientRect().right);
        const tables = [...document.querySelectorAll('table.dr-costs')].map(t => {
            const wrap = t.closest('.dr-table-wrap');
            return wrap ? wrap.scrollWidth - wrap.clientWidth : 0; });
        return {scroll: doc.scrollWidth, width: doc.clientWidth, overlaps,
                svgRight: Math.max(0, ...svgs), tablesOver: Math.max(0, ...tables)};
    }""")
    assert fit["scroll"] <= fit["width"], fit  # no horizontal scroll bar at 1280 px
    assert fit["svgRight"] <= fit["width"] and fit["tablesOver"] <= 1, fit
    assert not fit["overlaps"], fit
    table = page.locator("table.dr-costs").first
    assert table.is_visible()
    assert outside == [], "the site must not reach other hosts"
    assert problems == []
    _shot(page, "costs-" + url.strip("/").replace("/", "-"))
