"""WCAG 2.1 AA on every kind of page, light and dark, and the site with a keyboard alone.

axe-core (the copy axe-playwright-python bundles) runs its WCAG 2.0 and 2.1 A and AA rules on
each kind of page of a site built from this repository's records, one of them made to drift
and to have problems, in Chromium with the system's colour scheme set to light and then to
dark: the site follows it. A serious or critical violation fails. axe cannot read colours in
SVG, so the charts' labels and marks are measured here. Then a reader with a keyboard alone
filters the index, pages through it and opens a record, and searches and opens a result,
and every control they reach shows where the focus is.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, TODAY, TODAY_ENV, record, run_cli, write_decisions
from decision_records.loader import load_decisions
from test_browser import _serve_build, browser  # noqa: F401 (a fixture)

browser_test = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
DRIFTING = "0010-use-the-cloud-load-balancer"
# Every kind of page the site has, by what it shows. Every shipped record has a cost table and
# chart; these three have weighted drivers too, and a product cycle in each state.
COSTED = {"ending": "0008-move-to-managed-kafka",
          "fragile": "0014-adopt-opensearch-for-product-search",
          "ended": "0005-use-managed-postgresql"}
PAGES = {
    "home": "",
    "index": "decisions/",
    "record with drift and problems": f"decisions/{DRIFTING}/",
    "record with drivers and a cycle near its end": f"decisions/{COSTED['ending']}/",
    "record with a fragile winner": f"decisions/{COSTED['fragile']}/",
    "record with a cycle past its end": f"decisions/{COSTED['ended']}/",
    "costs": "costs/",
    "budget": "budget/",
    "radar": "radar/",
    "signals": "signals/",
    "coverage": "coverage/",
    "review": "review/",
    "problems": "problems/",
    "timeline": "timeline/",
    "timeline year": "timeline/2026/",
    "tags": "tags/",
    "rules": "rules/",
    "a rule": "rules/boring-first/",
    "guide": "propose/",
}
SCHEMES = ("light", "dark")


def drifting_records(folder: Path) -> None:
    """This repository's records, with boto3 yanked (so 0010, which chose it as boring,
    drifted) and 0010 imported with a guess to confirm and a placeholder left: a record page
    with drift and problems, a review queue with every table, and a problems banner."""
    shutil.copytree(REPO / "decisions", folder)
    signals = folder / "signals.json"
    data = json.loads(signals.read_text(encoding="utf-8"))
    data["packages"]["pypi:boto3"]["signals"]["yanked"] = True
    signals.write_text(json.dumps(data), encoding="utf-8")
    path = folder / f"{DRIFTING}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  - Samuel Adeyemi\n") == 1
    path.write_text(text.replace("  - Samuel Adeyemi\n", "  - TODO\n") + (
        "imported:\n  source: adr/0010-load-balancer.md\n  date: 2026-11-01\n  guesses:\n"
        "    - field: team\n      note: guessed from the folder\n"), encoding="utf-8")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The drifting records, built as `mkdocs serve` builds them (an error does not stop it)."""
    out = tmp_path_factory.mktemp("a11y-site")
    drifting_records(out / "decisions")
    yield from _serve_build(out / "decisions", out, strict=False)


def test_the_drifting_records_have_what_the_pages_should_show(tmp_path: Path) -> None:
    drifting_records(tmp_path / "decisions")
    review = json.loads(run_cli("review", "--format", "json", cwd=tmp_path).stdout)
    assert [d["id"] for d in review["drifted"]] == [DRIFTING]
    assert [d["id"] for d in review["imported"]] == [DRIFTING]
    problems = run_cli("validate", cwd=tmp_path).stdout
    assert f"{DRIFTING}.yaml:11:5: error: consulted[1]: fill in this placeholder" in problems


def open_page(browser: Any, url: str, scheme: str) -> Any:  # noqa: F811 (not the fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url, wait_until="networkidle")
    return page


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A and AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                       "resultTypes": ["violations"]})
    return list(results.response["violations"])


def summary(violations: list[dict[str, Any]]) -> list[str]:
    """One line an element: the rule, its impact, where, and what axe says is wrong."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            why = "; ".join(c["message"] for c in node["any"] + node["all"] + node["none"])
            lines.append(f"{v['id']} ({v['impact']}) {' '.join(node['target'])}: {why}")
    return lines


@browser_test
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_wcag_violation(browser: Any, site_url: str, name: str,  # noqa: F811
                                   scheme: str) -> None:
    page = open_page(browser, site_url + PAGES[name], scheme)
    try:
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
        if name != "problems":  # every page says there is an error, the problems page too
            assert page.locator(".dr-problem-banner").count() == 1
        found = [v for v in audit(page) if v["impact"] in FAILING]
        assert summary(found) == [], f"{name}, {scheme}"
    finally:
        page.context.close()


# --- the charts: axe reads no colour in SVG ----------------------------------------------

_RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def _rgb(css: str, under: tuple[float, ...] | None = None) -> tuple[float, ...]:
    """A computed colour as RGB, over `under` when it is see-through."""
    m = _RGB.fullmatch(css.strip())
    assert m, css
    r, g, b = (float(v) for v in m.groups()[:3])
    alpha = float(m.group(4)) if m.group(4) is not None else 1.0
    if under is None:
        assert alpha == 1.0, css
        return (r, g, b)
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip((r, g, b), under, strict=True))


def _luminance(rgb: tuple[float, ...]) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_wcags_ratio() -> None:
    white, black = (255.0, 255.0, 255.0), (0.0, 0.0, 0.0)
    assert contrast(white, black) == pytest.approx(21)
    assert contrast(_rgb("rgb(117, 117, 117)"), white) == pytest.approx(4.61, abs=0.01)
    assert _rgb("rgba(0, 0, 0, 0.5)", white) == (127.5, 127.5, 127.5)


_PAINT = """(selector) => [...document.querySelectorAll(selector)].map(el => {
    const s = getComputedStyle(el);
    return {what: el.getAttribute('class') || el.tagName, fill: s.fill, stroke: s.stroke,
            width: parseFloat(s.strokeWidth), text: el.textContent.trim()};
})"""


def _paint(value: str, background: tuple[float, ...]) -> tuple[float, ...] | None:
    return None if value in ("none", "") else _rgb(value, background)


@browser_test
@pytest.mark.parametrize("scheme", SCHEMES)
def test_chart_labels_and_marks_stand_out(browser: Any, site_url: str,  # noqa: F811
                                          scheme: str) -> None:
    """Chart text is 4.5:1 on the page; each mark that carries meaning (line, bar segments,
    budget mark, rings, blips) has its fill or its outline at 3:1."""
    low: list[str] = []
    for url, texts, marks in [
        ("budget/", "svg.dr-chart text",
         "svg.dr-chart .dr-chart-line, svg.dr-chart .dr-chart-budget, svg.dr-bar rect, "
         "svg.dr-bar line"),
        ("radar/", ".dr-radar-ring-name, .dr-radar-quadrant",
         ".dr-radar-ring, .dr-blip circle, .dr-blip path"),
    ]:
        page = open_page(browser, site_url + url, scheme)
        try:
            bg = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
            found = page.evaluate(_PAINT, texts)
            assert found
            for t in found:
                ratio = contrast(_paint(t["fill"], bg) or bg, bg)
                if ratio < 4.5:
                    low.append(f"{url} text {t['text']!r}: {ratio:.2f}")
            found = page.evaluate(_PAINT, marks)
            assert len(found) > 5
            for m in found:
                fill, stroke = _paint(m["fill"], bg), _paint(m["stroke"], bg)
                best = max(contrast(fill, bg) if fill else 1.0,
                           contrast(stroke, bg) if stroke and m["width"] >= 1 else 1.0)
                if best < 3:
                    low.append(f"{url} {m['what']}: {best:.2f}")
            # a blip's number on its blip
            for n in page.evaluate("""() => [...document.querySelectorAll('.dr-blip')]
                    .filter(a => a.querySelector('text')).map(a => [
                        getComputedStyle(a.querySelector('text')).fill,
                        getComputedStyle(a.querySelector('circle, path')).fill])"""):
                ratio = contrast(_rgb(n[0]), _rgb(n[1]))
                if ratio < 4.5:
                    low.append(f"{url} blip number: {ratio:.2f}")
        finally:
            page.context.close()
    assert low == [], scheme


# --- the charts' text alternatives ---------------------------------------------------------


class _Ids(HTMLParser):
    """Every element's attributes, by id where it has one, and the text inside each id'd
    element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[dict[str, str | None]] = []
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append({"tag": tag, **found})
        name = found.get("id")
        if name:
            self.attrs[name] = {"tag": tag, **found}
            self.text.setdefault(name, "")
        if tag not in ("br", "wbr", "img", "input", "meta", "link", "line", "path", "circle",
                       "rect"):
            self._open.append(name)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in ("line", "path", "circle", "rect"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for name in self._open:
            if name:
                self.text[name] += data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("a11y-built")
    drifting_records(out / "decisions")
    mp = pytest.MonkeyPatch()
    mp.setenv("DECISIONS_DIR", str(out / "decisions"))
    mp.setenv("DECISIONS_TODAY", TODAY_ENV)
    mp.setenv("NO_MKDOCS_2_WARNING", "1")
    try:
        build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(out / "site")))
    finally:
        mp.undo()
    return out


def _ids(built: Path, url: str) -> _Ids:
    parser = _Ids()
    parser.feed((built / "site" / url / "index.html").read_text(encoding="utf-8"))
    return parser


def test_the_tokens_chart_has_a_title_a_description_and_its_table(built: Path) -> None:
    page = _ids(built, "budget")
    (svg,) = [a for a in page.tags if a.get("class") == "dr-chart"]
    assert svg["role"] == "img"
    assert page.text[str(svg["aria-labelledby"])] == (
        "Innovation tokens in use across the organisation over time")
    desc = page.text[str(svg["aria-describedby"])]
    assert "against a budget of 12 (dashed line)" in desc and "table below" in desc
    html = (built / "site" / "budget" / "index.html").read_text(encoding="utf-8")
    assert '<a href="#tokens-in-use-by-date">The same figures as a table</a>' in html
    assert page.attrs["tokens-in-use-by-date"]["tag"] == "table"
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td class=\"dr-num\">(\d+)</td>"
                      r"<td class=\"dr-num\">([+-]\d+)</td></tr>", html)
    history = load_decisions(built / "decisions", TODAY).ledger.history
    assert len(history) > 3
    assert [(d, int(v)) for d, v, _ in rows] == [(d.isoformat(), v) for d, v in history]
    assert [int(c) for _, _, c in rows] == [v - w for (_, v), (_, w) in
                                            zip(history, [(None, 0), *history], strict=False)]


def test_the_radar_is_named_described_and_points_to_its_tables(built: Path) -> None:
    page = _ids(built, "radar")
    (svg,) = [a for a in page.tags if a.get("class") == "dr-radar-svg"]
    assert svg["role"] == "group"  # its blips are links, which an image would hide
    assert page.text[str(svg["aria-labelledby"])].startswith("Technology radar: ")
    desc = page.text[str(svg["aria-describedby"])]
    assert "a triangle pointing up moved in" in desc and "Adopt, Trial, Assess, Hold" in desc
    html = (built / "site" / "radar" / "index.html").read_text(encoding="utf-8")
    for ring, name in (("adopt", "Adopt"), ("trial", "Trial"), ("assess", "Assess"),
                       ("hold", "Hold")):
        assert f'<a href="#{ring}">{name}</a>' in html
        assert page.attrs[ring]["tag"] == "h2"


# --- a keyboard alone ---------------------------------------------------------------------

# Styles a focus indicator changes; an element whose every one is as it was unfocused shows
# no focus (WCAG 2.4.7).
_SNAPSHOT = """() => {
  const props = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor',
                 'color', 'borderTopColor', 'borderBottomColor', 'textDecorationLine'];
  // Material shows a focused palette switch (a hidden radio button) on the label after it
  const shown = el => el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL'
                      && el.type === 'radio' ? [el, el.nextElementSibling] : [el];
  const snap = el => shown(el).map(e => { const s = getComputedStyle(e);
                                         return props.map(p => s[p]).join('|'); }).join('/');
  window.__unfocused = window.__unfocused || new WeakMap();
  for (const el of document.querySelectorAll('a[href], button, input, select, [tabindex]')) {
    if (el !== document.activeElement) window.__unfocused.set(el, snap(el));
  }
  window.__focusShows = () => {
    const el = document.activeElement;
    const before = window.__unfocused.get(el);
    return {tag: el.tagName, text: (el.innerText || el.value || el.getAttribute('aria-label')
            || el.getAttribute('name') || '').trim().slice(0, 40),
            known: before !== undefined, shows: before !== undefined && before !== snap(el)};
  };
}"""


def _focus_shows(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("window.__focusShows()"))


def _tab_to(page: Any, selector: str, limit: int = 60, back: bool = False) -> list[str]:
    """Press Tab (or Shift+Tab) until the focus is on `selector`; returns the controls passed
    that showed no focus."""
    unseen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            shown = _focus_shows(page)
            if not shown["shows"]:
                unseen.append(str(shown))
            return unseen
        shown = _focus_shows(page)
        if shown["known"] and not shown["shows"]:
            unseen.append(str(shown))
    raise AssertionError(f"{selector} not reached in {limit} key presses")


@pytest.fixture(scope="module")
def many_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """230 records, accepted and proposed in turn: the index holds three pages of them."""
    out = tmp_path_factory.mktemp("a11y-many")
    records = {f"{n:04d}-record-{n}.yaml": record(
        status="accepted" if n % 2 else "proposed", title=f"Record number {n}",
        date=f"20{15 + n % 10}-0{1 + n % 9}-1{n % 10}") for n in range(1, 231)}
    folder = write_decisions(out, records)
    yield from _serve_build(folder, out, strict=False)


@browser_test
def test_a_keyboard_alone_filters_the_index_pages_through_it_and_opens_a_record(
        browser: Any, many_url: str) -> None:  # noqa: F811
    page = open_page(browser, many_url + "decisions/", "light")
    try:
        status = page.locator("[data-count]").locator("xpath=..")
        page.wait_for_function("document.querySelector('[data-count]')?.textContent === '230'")
        assert status.get_attribute("aria-live") == "polite"
        assert status.inner_text() == "Showing 230 of 230, page 1 of 3"
        page.evaluate(_SNAPSHOT)
        unseen = _tab_to(page, "select[data-filter=status]")
        assert page.evaluate("document.activeElement.labels[0].innerText").startswith("Status")
        # on a closed list, an arrow key picks the choice after "all"
        page.keyboard.press("ArrowDown")
        chosen = page.evaluate("document.activeElement.value")
        assert chosen in ("accepted", "proposed")
        page.wait_for_function("document.querySelector('[data-count]')?.textContent === '115'")
        assert status.inner_text() == "Showing 115 of 230, page 1 of 2"
        assert f"status={chosen}" in page.url
        page.evaluate(_SNAPSHOT)  # the rows are new
        unseen += _tab_to(page, "th[data-sort=date] button")
        page.keyboard.press("Enter")
        assert page.locator("th[data-sort=date]").get_attribute("aria-sort") == "ascending"
        page.evaluate(_SNAPSHOT)
        unseen += _tab_to(page, "[data-page=next]", limit=260)
        page.keyboard.press("Enter")
        assert status.inner_text() == "Showing 115 of 230, page 2 of 2"
        assert page.locator("[data-page-label]").inner_text() == "Page 2 of 2 (rows 101\u2013115)"
        assert "page=2" in page.url
        # Next is disabled on the last page; the focus went to Previous, not to the page
        assert page.evaluate("document.activeElement.dataset.page") == "prev"
        page.evaluate(_SNAPSHOT)
        unseen += _tab_to(page, "tbody tr:last-child td:nth-child(2) a", back=True, limit=5)
        title = page.evaluate("document.activeElement.textContent")
        dates = page.locator("tbody td:last-child").all_inner_texts()
        assert len(dates) == 15 and dates == sorted(dates)  # oldest first: the newest last
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/decisions/\d{4}-record-\d+/$"))
        assert page.locator("h1").inner_text() == title
        assert chosen in page.locator(".dr-meta").first.inner_text().lower()
        assert unseen == [], "controls that showed no focus"
    finally:
        page.context.close()


@browser_test
@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_keyboard_alone_searches_and_opens_a_result(browser: Any,  # noqa: F811
                                                      site_url: str,
                                                      scheme: str) -> None:
    page = open_page(browser, site_url, scheme)
    try:
        page.evaluate(_SNAPSHOT)
        unseen = _tab_to(page, "input.md-search__input", limit=20)
        page.keyboard.type("game days", delay=20)  # Material searches on key events
        # results come as the words are typed: wait for those of the whole query
        page.wait_for_function("""() => {
            const first = document.querySelector('.md-search-result__item');
            return first !== null && first.innerText.includes('chaos engineering game days');
        }""")
        page.evaluate(_SNAPSHOT)
        page.keyboard.press("ArrowDown")  # Material moves the focus into the results
        shown = _focus_shows(page)
        assert shown["tag"] == "A" and "chaos engineering" in shown["text"], shown
        if not shown["shows"]:
            unseen.append(str(shown))
        href = page.evaluate("document.activeElement.href")
        page.keyboard.press("Enter")
        page.wait_for_url(href)
        assert "/decisions/0015-chaos-engineering-game-days/" in page.url
        assert "game days" in page.locator("h1").inner_text()
        assert unseen == [], "controls that showed no focus"
    finally:
        page.context.close()
