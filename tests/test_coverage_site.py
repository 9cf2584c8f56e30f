"""The site's /coverage/ page in a real MkDocs build, from the committed snapshot only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from test_site import build_site, page

FIXTURE = REPO / "tests" / "fixtures" / "coverage"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture repository's snapshot written, then the manifests removed: the site is
    built from decisions/ alone."""
    root = tmp_path_factory.mktemp("coverage") / "storefront"
    shutil.copytree(FIXTURE, root)
    assert run_cli("coverage", "--write", cwd=root).returncode == 1
    for folder in ("app", "service", "worker", "web", "sbom", "broken"):
        shutil.rmtree(root / folder)
    mp = pytest.MonkeyPatch()
    try:
        return build_site(root / "decisions", root / "site", mp)
    finally:
        mp.undo()


def test_the_page_shows_every_status_with_links(built: Path) -> None:
    html = page(built, "coverage")
    rows = re.findall(r'<tr id="([a-z0-9-]+)" data-status="(\w+)" data-repository="([\w-]+)" '
                      r'data-kind="(\w+)">', html)
    assert {s for _, s, _, _ in rows} == {"covered", "pending", "contradicted", "uncovered"}
    assert ("pypi-pymongo-storefront", "contradicted", "storefront", "pypi") in rows
    assert ("pypi-pymongo-admin", "contradicted", "admin", "pypi") in rows  # another repo
    assert ("npm-express-payments", "uncovered", "payments", "npm") in rows
    # a package that records name links to its row on the signals page; others to the registry
    assert '<a href="../signals/#pypi-pymongo"><code>pypi:pymongo</code></a>' in html
    assert '<a href="https://pypi.org/project/celery/"><code>pypi:celery</code></a>' in html
    assert ('<a href="../decisions/0001-adopt-mongodb-for-the-catalogue/" title="Adopt MongoDB '
            'for the product catalogue">0001</a> (rejected; MongoDB, chosen)') in html
    # filterable like the other tables
    for name in ("status", "repository", "kind"):
        assert f'<select data-filter="{name}">' in html
    assert '<table class="dr-index dr-coverage-table" data-index>' in html
    assert '<h2 id="unused">Unused decisions (2)</h2>' in html
    assert 'href="../decisions/0008-buy-hosted-observability/">0008 Buy hosted' in html
    assert "Test runner; which one a team uses is its own business." in html
    assert 'href="../decision-coverage/"' in html


def test_the_page_follows_the_records_of_the_build(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "storefront"
    shutil.copytree(FIXTURE, root)
    run_cli("coverage", "--write", cwd=root)
    proposed = root / "decisions" / "0003-adopt-opensearch-for-search.yaml"
    proposed.write_text(proposed.read_text(encoding="utf-8").replace(
        "status: proposed", "status: accepted\nreview_by: 2027-10-01"), encoding="utf-8")
    html = page(build_site(root / "decisions", tmp_path / "site", monkeypatch), "coverage")
    assert 'id="pypi-opensearch-py-storefront" data-status="covered"' in html
    assert 'data-status="pending"' not in html


def test_a_repository_dropped_after_the_snapshot_is_shown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "storefront"
    shutil.copytree(FIXTURE, root)
    run_cli("coverage", "--write", cwd=root)
    shutil.copy(FIXTURE / "sbom" / "bom.json", root / "decisions" / "coverage" /
                "checkout.cdx.json")
    html = page(build_site(root / "decisions", tmp_path / "site", monkeypatch), "coverage")
    assert 'id="pypi-stripe-checkout" data-status="uncovered"' in html
    assert 'id="pypi-django-checkout" data-status="covered"' in html


def test_without_coverage_data_the_page_says_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decisions = tmp_path / "decisions"
    shutil.copytree(FIXTURE / "decisions", decisions)
    shutil.rmtree(decisions / "coverage")
    html = page(build_site(decisions, tmp_path / "site", monkeypatch), "coverage")
    assert "No coverage data yet." in html and "decisions coverage --write" in html


def test_hostile_package_names_are_escaped(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    decisions = tmp_path / "decisions"
    shutil.copytree(FIXTURE / "decisions", decisions)
    (decisions / "coverage" / "evil.json").write_text(
        '{"dependencies": [{"ref": "npm:<img src=x onerror=alert(1)>", '
        '"manifests": ["<b>x</b>"]}, {"ref": "pypi:ok", "manifests": ["a\\"><script>"]}]}',
        encoding="utf-8")
    html = page(build_site(decisions, tmp_path / "site", monkeypatch), "coverage")
    assert "<script>" not in html.split("<article")[1].split("</article>")[0]
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_a_collected_file_of_the_wrong_shape_is_listed_not_fatal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What another repository's CI drops in decisions/coverage/ is not ours to trust: a
    BOM of the wrong shape is listed on the page, and the other repositories still show."""
    root = tmp_path / "storefront"
    shutil.copytree(FIXTURE, root)
    run_cli("coverage", "--write", cwd=root)
    (root / "decisions" / "coverage" / "checkout.cdx.json").write_text(
        '{"bomFormat": "CycloneDX", "components": [{"purl": ["pkg:pypi/stripe"]}]}',
        encoding="utf-8")
    html = page(build_site(root / "decisions", tmp_path / "site", monkeypatch, strict=False),
                "coverage")
    assert "Manifests that could not be read (1)" in html
    assert ("<code>decisions/coverage/checkout.cdx.json:1:1</code> not a CycloneDX BOM this "
            "can read: components[0].purl: Input should be a valid string") in html
    assert 'id="pypi-pymongo-admin" data-status="contradicted"' in html
