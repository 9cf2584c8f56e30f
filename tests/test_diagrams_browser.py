"""Mermaid diagrams in records, drawn in Chromium by the copy the site serves.

A record with fenced `mermaid` blocks is added to the browser tests' fixture records; every
request the pages make is recorded, and none may leave the site.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, TODAY_ENV
from test_browser import FIXTURE, _Quiet, browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

DIAGRAM_RECORD = """\
title: Route alerts through one paging service
status: proposed
date: 2025-03-01
team: sre
deciders: [Ada Lovelace]
category: alerting
context: |
  Alerts go out three ways today.

  ```mermaid
  flowchart LR
    Monitors[Quokkamonitors] --> Router{Alert router}
    Router -->|night| Pager[Paging service]
    Router -->|day| Chat[Team chat]
  ```

  The router is the only piece we would own.
options:
  - name: Paging service
    approach: buy
    summary: A hosted paging service.
  - name: Our own pager
    approach: build
    summary: A pager we write.
decision:
  chosen: Paging service
  rationale: |
    Labels are text, never markup, and nothing in a diagram runs:

    ```mermaid
    %%{init: {"securityLevel": "loose"}}%%
    sequenceDiagram
      Engineer->>Router: <img src=x onerror="window.pwned=1"> acknowledge
      Router->>Engineer: javascript:alert(1)
    ```

    ```mermaid
    flowchart TD
      A[Click me] --> B
      click A call pwn()
      click B href "javascript:window.pwned=2"
    ```
  exit_plan: Alerts leave through one webhook; another service takes the same one.
"""

BROKEN_DIAGRAM = "  ```mermaid\n  flowchart LR\n    A -->\n  ```\n"


def _serve_at_its_address(decisions: Path, out: Path) -> Iterator[str]:
    """Build the records with `site_url` set to where they are served: Material's instant
    navigation, which swaps pages in place, works only with it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(out / "site")))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    mp = pytest.MonkeyPatch()
    mp.setenv("DECISIONS_DIR", str(decisions))
    mp.setenv("DECISIONS_TODAY", TODAY_ENV)
    mp.setenv("NO_MKDOCS_2_WARNING", "1")
    try:
        build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(out / "site"),
                          site_url=url, strict=True))
    finally:
        mp.undo()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def diagram_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("diagram-site")
    folder = out / "decisions"
    shutil.copytree(FIXTURE, folder)
    (folder / "0006-route-alerts-through-one-paging-service.yaml").write_text(
        DIAGRAM_RECORD.replace("  The router is", BROKEN_DIAGRAM + "\n  The router is"),
        encoding="utf-8")
    yield from _serve_at_its_address(folder, out)


RECORD = "decisions/0006-route-alerts-through-one-paging-service/"


def _watch(tab: Any, base: str) -> tuple[list[str], list[str], list[str]]:
    """(requests to other hosts, every request, console errors and page errors)."""
    outside: list[str] = []
    requests: list[str] = []
    problems: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(base) and not r.url.startswith(("data:", "blob:")) else None)
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    return outside, requests, problems


def _drawn(tab: Any) -> list[str]:
    """The text of each diagram drawn, once all of them are."""
    tab.wait_for_function("document.querySelectorAll('.dr-diagram').length === 4 && "
                           "[...document.querySelectorAll('.dr-diagram')]"
                           ".every(d => d.dataset.theme)")
    texts: list[str] = tab.eval_on_selector_all(".dr-diagram", "ds => ds.map(d => d.textContent)")
    return texts


def test_a_record_draws_its_diagrams_with_the_sites_own_mermaid(
        page: Any, diagram_url: str) -> None:  # noqa: F811
    outside, requests, problems = _watch(page, diagram_url)
    page.goto(diagram_url + RECORD, wait_until="networkidle")
    texts = _drawn(page)
    flow = page.locator(".dr-diagram").first.locator("svg")
    assert flow.count() == 1 and flow.is_visible()
    for label in ("Quokkamonitors", "Alert router", "Paging service", "Team chat", "night"):
        assert label in texts[0], texts[0]
    assert page.locator("pre.dr-mermaid").first.is_hidden()  # the drawing replaces the source
    assert "Engineer" in texts[2] and "acknowledge" in texts[2]
    assert "Click me" in texts[3]
    # the broken one keeps its source, with a note
    assert page.locator("pre.dr-mermaid").nth(1).is_visible()
    assert "could not be drawn" in texts[1]
    mermaid = [u for u in requests if u.endswith("/assets/mermaid/mermaid.min.js")]
    assert len(mermaid) == 1 and mermaid[0].startswith(diagram_url)
    assert outside == [], "the site must not reach other hosts"
    assert problems == []


def test_nothing_in_a_diagram_runs_or_links_out(page: Any,  # noqa: F811
                                                diagram_url: str) -> None:
    page.goto(diagram_url + RECORD, wait_until="networkidle")
    _drawn(page)
    page.evaluate("""() => document.querySelectorAll('.dr-diagram *').forEach(el => {
        for (const kind of ['mouseover', 'mousedown', 'click']) {
            el.dispatchEvent(new MouseEvent(kind, {bubbles: true, cancelable: true}));
        }})""")
    page.locator(".dr-diagram g.node").first.click()
    assert page.evaluate("() => window.pwned") is None
    found = page.evaluate("""() => ({
        images: document.querySelectorAll('.dr-diagram img, .dr-diagram image').length,
        handlers: [...document.querySelectorAll('.dr-diagram *')].flatMap(
            el => [...el.attributes].filter(a => a.name.startsWith('on'))).length,
        links: [...document.querySelectorAll('.dr-diagram [href]')]
            .filter(a => !a.getAttribute('href').startsWith('#')).length,
        foreign: document.querySelectorAll('.dr-diagram foreignObject').length})""")
    assert found == {"images": 0, "handlers": 0, "links": 0, "foreign": 0}
    assert page.url.endswith(RECORD)


def test_a_page_without_a_diagram_loads_no_mermaid(page: Any,  # noqa: F811
                                                   diagram_url: str) -> None:
    outside, requests, problems = _watch(page, diagram_url)
    for url in ("", "decisions/", "decisions/0002-buy-a-managed-queue/", "budget/", "propose/"):
        page.goto(diagram_url + url, wait_until="networkidle")
    assert not [u for u in requests if "mermaid" in u or "diagrams.js" in u], requests
    assert outside == [] and problems == []


def test_instant_navigation_to_a_record_draws_its_diagram(page: Any,  # noqa: F811
                                                          diagram_url: str) -> None:
    """Material swaps pages in place: the record's script runs then, and only then."""
    outside, requests, problems = _watch(page, diagram_url)
    page.goto(diagram_url + "decisions/", wait_until="networkidle")
    assert not [u for u in requests if "mermaid" in u]
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '6'")
    page.evaluate("window.samePage = true")  # gone if the browser loads a new document
    page.get_by_role("link", name="Route alerts through one paging service").click()
    page.wait_for_url(re.compile(re.escape(RECORD) + "$"))
    assert "Quokkamonitors" in _drawn(page)[0]
    assert page.evaluate("window.samePage") is True
    page.go_back()  # away, and back again
    page.wait_for_url(re.compile(r"/decisions/$"))
    # the URL changes before Material swaps the content in: forward only once the index shows
    page.wait_for_function("document.querySelector('[data-count]') !== null && "
                           "document.querySelectorAll('.dr-diagram').length === 0")
    page.go_forward()
    page.wait_for_url(re.compile(re.escape(RECORD) + "$"))
    assert "Quokkamonitors" in _drawn(page)[0]
    assert page.evaluate("window.samePage") is True
    assert len([u for u in requests if u.endswith("mermaid.min.js")]) == 1
    assert outside == [] and problems == []


def test_the_drawing_follows_the_readers_colour_scheme(browser: Any,  # noqa: F811
                                                       diagram_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(diagram_url + RECORD, wait_until="networkidle")
        _drawn(pg)
        assert pg.locator(".dr-diagram").first.get_attribute("data-theme") == "default"
        light = pg.locator(".dr-diagram svg").first.evaluate(
            "s => getComputedStyle(s.querySelector('.node rect, .node polygon')).fill")
        # what Material's palette toggle does: the scheme changes on the body, in place
        pg.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        pg.wait_for_function("document.querySelector('.dr-diagram').dataset.theme === 'dark'")
        dark = pg.locator(".dr-diagram svg").first.evaluate(
            "s => getComputedStyle(s.querySelector('.node rect, .node polygon')).fill")
        assert light != dark
        assert "Quokkamonitors" in pg.locator(".dr-diagram").first.text_content()
    finally:
        context.close()


def test_without_javascript_the_source_is_readable(browser: Any,  # noqa: F811
                                                   diagram_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(diagram_url + RECORD)
        source = pg.locator("pre.dr-mermaid").first
        assert source.is_visible()
        assert "Monitors[Quokkamonitors] --> Router{Alert router}" in source.inner_text()
    finally:
        context.close()
