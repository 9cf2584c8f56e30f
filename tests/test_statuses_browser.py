"""The shipped records' own status, `trial`, in Chromium: its badge and the index's filters."""

from __future__ import annotations

from typing import Any

import pytest

from test_browser import browser, page, shipped_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def _ids(tab: Any) -> list[str]:
    return sorted(tab.locator("table[data-index] tbody tr td:first-child").all_inner_texts())


def test_the_index_filters_by_status_and_by_what_it_means(page: Any,  # noqa: F811
                                                          shipped_url: str) -> None:  # noqa: F811
    page.goto(shipped_url + "decisions/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '17'")
    page.select_option("select[data-filter=status]", "trial")
    assert _ids(page) == ["0017"]
    badge = page.locator("table[data-index] tbody .dr-badge").first
    assert badge.inner_text().lower() == "trial"
    colours = badge.evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert colours == ["rgb(0, 105, 92)", "rgb(255, 255, 255)"]
    page.get_by_role("button", name="Clear filters").click()
    page.select_option("select[data-filter=means]", "accepted")
    accepted = _ids(page)
    assert "0017" in accepted and len(accepted) == 14  # 13 accepted and the trial
    assert "means=accepted" in page.url


def test_the_costs_page_links_to_the_records_whose_status_means_accepted(
        page: Any, shipped_url: str) -> None:  # noqa: F811
    page.goto(shipped_url + "costs/", wait_until="networkidle")
    page.locator("a[href*='means=accepted'][href*='team=devex']").first.click()
    # the costs page is still there for a moment after the click: it has no count yet
    page.wait_for_function("document.querySelector('[data-count]')?.textContent === '4'")
    assert _ids(page) == ["0001", "0009", "0016", "0017"]  # 0017 is a trial
