"""The cost of ownership and the weighted scores on the site: a record's sections and chart,
the /costs/ page and costs.json, worked out once per build."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from conftest import (
    CONFIG,
    REPO,
    VALID_RECORD,
    run_cli,
    site_for_test,
    variant,
    write_decisions,
)
from decision_records import costs as costs_module
from decision_records import records as records_module
from decision_records.render.costs import render_costs_json, year_labels
from decision_records.render.urls import COSTS_JSON_URI, COSTS_URI
from decision_records.site import Site

COSTS = "costs:\n  person_week: 4000\n  run_hour: 100\n"


@pytest.fixture(scope="module")
def shipped() -> Site:
    return site_for_test(REPO / "decisions")


def _page(site: Site, uri: str) -> str:
    (found,) = [p for p in site.pages() if p.uri == uri]
    return found.render()


def _record_page(site: Site, record_id: str) -> str:
    return _page(site, f"decisions/{record_id}.md")


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def test_a_record_page_shows_each_part_of_the_sum_and_the_total(shipped: Site) -> None:
    html = _record_page(shipped, "0005-use-managed-postgresql")
    table = html[html.index('id="cost-table"'):html.index("</table>", html.index(
        'id="cost-table"'))]
    rows = [_text(r) for r in re.findall(r"<tr.*?</tr>", table)]
    assert rows == [
        "Option One-off Build Upkeep Licence Run Total",
        "Managed PostgreSQL buy ✓ chosen cheapest 0 16,000 4 person-weeks 6,400 126,000 "
        "42,000 a year 21,600 6 h a month 170,000",
        "Self-run PostgreSQL on VMs adopt 0 32,000 8 person-weeks 12,800 60,000 20,000 a year "
        "90,000 25 h a month 194,800",
        "MongoDB Atlas buy 12,000 104,000 26 person-weeks 41,600 165,000 55,000 a year 28,800 "
        "8 h a month 351,400",
    ]
    text = _text(html)
    x, minus = "\u00d7", "\u2212"
    assert (f"Over 3 years, in USD: one-off + build person-weeks {x} 4,000 {x} (1 + 0.2 {x} (3 "
            f"{minus} 1)) + licence a year {x} 3 + run hours a month {x} 12 {x} 3 {x} 100") in text
    assert "The chosen option is the cheapest over 3 years." in text


def test_the_break_even_year_and_what_the_choice_costs_beyond_the_cheapest(
        shipped: Site) -> None:
    text = _text(_record_page(shipped, "0008-move-to-managed-kafka"))
    assert ("The chosen option costs 38,000 USD more than the cheapest, Managed message queue, "
            "over 3 years. Break-even with Managed message queue at the end of year 2: until "
            "then the chosen option costs less, from then on Managed message queue costs as "
            "much or less.") in text


def test_the_chart_is_an_svg_with_a_title_a_description_and_its_table(shipped: Site) -> None:
    html = _record_page(shipped, "0008-move-to-managed-kafka")
    svg = re.search(r"<svg class=\"dr-cost-chart\".*?</svg>", html, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert 'role="img" aria-labelledby="cost-chart-title cost-chart-desc"' in chart
    assert ('<title id="cost-chart-title">Cumulative cost of ownership at the end of each '
            "year, in USD (✓ the chosen option)</title>") in chart
    assert ('<desc id="cost-chart-desc">One line an option: Managed Kafka service, Keep running '
            "our own Kafka, Managed message queue. The table below the chart lists its "
            "figures.</desc>") in chart
    # each line is named beside its end, and has a marker shape of its own
    labels = re.findall(r'<text class="dr-line-label"[^>]*>([^<]*)</text>', chart)
    assert labels == ["Managed Kafka service ✓", "Keep running our own Kafka",
                      "Managed message queue"]
    marks = re.findall(r'class="dr-line-mark" d="([^"]*)"', chart)
    shapes = {m.split("M")[1].lstrip("0123456789,") for m in marks}
    assert len(marks) == 3 and len(shapes) == 3, marks
    assert "<script" not in chart and "http" not in chart.replace(
        "http://www.w3.org/2000/svg", "")
    assert '<a href="#cost-per-year">' in html
    per_year = html[html.index('id="cost-per-year"'):]
    per_year = per_year[:per_year.index("</table>")]
    assert [_text(r) for r in re.findall(r"<tr>.*?</tr>", per_year)] == [
        "Option Year 1 Year 2 Year 3",
        "Managed Kafka service 62,800 109,600 156,400",
        "Keep running our own Kafka 66,000 122,400 178,800",
        "Managed message queue 73,600 96,000 118,400",
    ]


def test_the_weighted_drivers_table_and_how_robust_the_winner_is(shipped: Site) -> None:
    text = _text(_record_page(shipped, "0014-adopt-opensearch-for-product-search"))
    assert ("Weighted score 87.4 % 63.2 % 80.0 %") in text
    assert ("A fragile winner: 'Managed OpenSearch' leads 'Algolia' by 7.4 points of 100 "
            "(87.4 % against 80.0 %), less than 10.") in text
    text = _text(_record_page(shipped, "0005-use-managed-postgresql"))
    assert ("Managed PostgreSQL leads MongoDB Atlas by 28.8 points of 100, and no change of one "
            "score by one changes the winner.") in text
    assert "Upgrade off PostgreSQL 10 before it reaches end of life (weight 5)" in text


def test_a_record_without_figures_has_no_cost_section(tmp_path: Path) -> None:
    record = variant("    cost:\n      licence_per_year: 12000\n      build_person_weeks: 1\n"
                     "      run_hours_per_month: 2\n      notes: Twenty seats.\n", "")
    site = site_for_test(write_decisions(tmp_path, {"0001-buy-paging.yaml": record},
                                         CONFIG + COSTS))
    html = _record_page(site, "0001-buy-paging")
    assert "cost-of-ownership" not in html and "dr-cost-chart" not in html


def test_without_rates_the_figures_show_as_written_and_nothing_is_priced(
        tmp_path: Path) -> None:
    site = site_for_test(write_decisions(tmp_path, {"0001-buy-paging.yaml": VALID_RECORD}))
    html = _record_page(site, "0001-buy-paging")
    text = _text(html)
    assert "they are not priced, since decisions/config.yaml has no costs: section" in text
    assert ("PagerDuty buy ✓ chosen 0 1 person-weeks 12,000 a year 2 h a month") in text
    assert "Build our own build not costed" in text
    assert "dr-cost-chart" not in html and "Total" not in text.split("Cost of ownership")[1]
    costs_page = _text(_page(site, COSTS_URI))
    assert "Not priced" in costs_page and "12,000 USD a year in licences" in costs_page


def test_names_in_the_chart_and_tables_are_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> & co"
    record = variant("  - name: PagerDuty\n", f"  - name: '{hostile}'\n")
    record = variant("  chosen: PagerDuty\n", f"  chosen: '{hostile}'\n", record)
    record = variant("      - npm:react\n", "      - npm:react\n    cost:\n"
                     "      licence_per_year: 0\n      build_person_weeks: 8\n"
                     "      run_hours_per_month: 10\n", record)
    site = site_for_test(write_decisions(tmp_path, {"0001-buy-paging.yaml": record},
                                         CONFIG + COSTS))
    html = _record_page(site, "0001-buy-paging")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    # a name too long for the chart is cut there, and whole in its title
    assert ('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>&lt;script&gt;alert(1)'
            "&lt;/script&gt; &amp;… ✓</text>") in html
    assert "<script>" not in _page(site, COSTS_URI)


def test_the_costs_page_sums_what_decisions_costs_sums(shipped: Site, tmp_path: Path) -> None:
    shutil.copytree(REPO / "decisions", tmp_path / "decisions")
    expected = json.loads(run_cli("costs", "--format", "json", cwd=tmp_path).stdout)
    text = _text(_page(shipped, COSTS_URI))
    total = expected["total"]
    assert (f"{total['licence_per_year']:,} USD a year in licences "
            f"{total['build_person_weeks']:,} person-weeks to build "
            f"{total['run_hours_per_month']:,} hours a month to run "
            f"{total['tco']:,} USD over 3 years") in text
    for team in expected["teams"]:  # the row: team, records, then the four figures
        row = (rf"{team['team']} \d+ {team['licence_per_year']:,} "
               rf"{team['build_person_weeks']:,} {team['run_hours_per_month']:,} "
               rf"{team['tco']:,}")
        assert re.search(row, text), row
    # /costs.json is what the command prints
    assert json.loads(render_costs_json(shipped.context)) == expected
    assert COSTS_JSON_URI in shipped.files()


def test_each_group_on_the_costs_page_links_to_its_records(shipped: Site) -> None:
    """The records whose status means accepted: the shipped ones include a trial, so the
    index filters by what the status means."""
    html = _page(shipped, COSTS_URI)
    assert '<a href="../decisions/?means=accepted&amp;team=data">data</a>' in html
    assert '<a href="../decisions/?means=accepted&amp;approach=buy">buy</a>' in html
    assert '<a href="../decisions/?means=accepted&amp;category=database">database</a>' in html
    assert '<a href="../timeline/2022/">2022</a>' in html
    assert ('<a href="../decisions/0014-adopt-opensearch-for-product-search/">0014 Adopt '
            "managed OpenSearch for product search</a>") in html  # a close call
    assert 'aria-labelledby="cost-bars-title cost-bars-desc"' in html
    assert '<a href="#by-approach-parts">' in html


def test_the_costs_page_stays_small_with_many_records(tmp_path: Path) -> None:
    """Tables by group, lists capped: 2,000 records make no row a record."""
    records = {f"{n:04d}-buy-paging.yaml": VALID_RECORD for n in range(1, 2001)}
    site = site_for_test(write_decisions(tmp_path, records, CONFIG + COSTS))
    html = _page(site, COSTS_URI)
    assert len(html) < 40_000, len(html)
    assert "2000 accepted records" in _text(html)


def test_costs_are_worked_out_once_per_build(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page and data file of the site reads the same figures: each option's cost of
    ownership and each record's ranking is worked out once, not per page."""
    records = {f"{n:04d}-buy-paging.yaml": VALID_RECORD for n in range(1, 21)}
    calls = {"ownership": 0, "rank": 0}
    for module, name in ((costs_module, "ownership"), (records_module, "rank")):
        real = getattr(module, name)

        def counted(*args: object, _real: object = real, _name: str = name) -> object:
            calls[_name] += 1
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(module, name, counted)
    site = site_for_test(write_decisions(tmp_path, records, CONFIG + COSTS))  # rules read them
    site.files()
    for page in site.pages():
        page.render()
    assert calls == {"ownership": 40, "rank": 20}  # 20 records of two options, once



@pytest.mark.parametrize(("horizon", "years"), [
    (1, [1]), (3, [1, 2, 3]), (6, [1, 2, 3, 4, 5, 6]), (7, [1, 3, 5, 7]),
    (12, [1, 3, 5, 7, 9, 12]), (20, [1, 5, 9, 13, 17, 20]),
])
def test_the_chart_names_few_enough_years_to_read(horizon: int, years: list[int]) -> None:
    assert year_labels(horizon) == years


def test_a_chart_over_one_year_and_over_twenty(tmp_path: Path) -> None:
    record = variant("      - npm:react\n", "      - npm:react\n    cost:\n"
                     "      licence_per_year: 0\n      build_person_weeks: 8\n"
                     "      run_hours_per_month: 10\n")
    for horizon in (1, 20):
        folder = write_decisions(tmp_path / str(horizon), {"0001-buy-paging.yaml": record},
                                 CONFIG + COSTS + f"  horizon_years: {horizon}\n")
        html = _record_page(site_for_test(folder), "0001-buy-paging")
        chart = html[html.index("<svg class=\"dr-cost-chart\""):]
        assert chart.count('class="dr-line-path"') == 2
        per_year = html[html.index('id="cost-per-year"'):]
        assert per_year.count("<th>Year ") == horizon
