"""SBOMs as cdxgen and syft write them (tests/fixtures/sboms/), and what coverage says when an
SBOM's dependency graph had to be read by its roots or gave nothing at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, render_context, run_cli
from decision_records.coverage.manifests import parse_cyclonedx, parser_for
from decision_records.coverage.scan import read_snapshot
from decision_records.loader import load_decisions
from decision_records.render.coverage import render_coverage_page

SBOMS = REPO / "tests" / "fixtures" / "sboms"
FIXTURE = REPO / "tests" / "fixtures" / "coverage"


@pytest.mark.parametrize(("name", "expected", "note"), [
    # the subject depends only on itself; its sub-projects name the direct dependencies,
    # and redis has no entry in the graph at all (nothing depends on it)
    ("cdxgen-multi.cdx.json",
     ["pypi:django", "pypi:stripe", "pypi:redis", "npm:react", "npm:express"],
     "names nothing its subject (pkg:generic/shop@latest) depends on: read as direct the 1 "
     "component nothing else depends on, and what the graph's 2 other roots (sub-projects) "
     "depend on"),
    # the subject names its direct dependencies: only those, and no note
    ("cdxgen-single.cdx.json", ["npm:express", "npm:@opensearch-project/opensearch"], None),
    # the subject has no entry; flask and requests need werkzeug and urllib3
    ("syft.cdx.json", ["pypi:flask", "pypi:requests", "pypi:gunicorn"],
     "names nothing its subject (af63bd4c8601b7f1) depends on: read as direct the 3 "
     "components nothing else depends on"),
    ("syft.spdx.json", ["pypi:flask", "pypi:requests", "pypi:gunicorn"],
     "the relationships name nothing the described package depends on: read as direct the "
     "3 packages nothing else depends on"),
    ("maven-only.cdx.json",
     ["maven:org.apache.kafka:kafka-clients", "maven:org.postgresql:postgresql"], None),
    ("gems-only.cdx.json", [], "no dependency read: of the 2 components listed, 2 read as "
     "direct, none with a PyPI, npm, GitHub, Go, crates.io, Maven Central or NuGet package "
     "URL"),
])
def test_sboms_as_the_generators_write_them(name: str, expected: list[str],
                                            note: str | None) -> None:
    parser = parser_for(name)
    assert parser is not None
    parsed = parser(name, (SBOMS / name).read_text(encoding="utf-8"))
    assert [f.ref for f in parsed.found] == expected
    assert parsed.findings == []
    assert [note in n.message for n in parsed.notes] == ([True] if note else [])


def _bom(**keys: object) -> str:
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", **keys})


@pytest.mark.parametrize(("text", "expected", "note"), [
    (_bom(), [], "no dependency read: the SBOM lists no components"),
    (_bom(components=[]), [], "no dependency read: the SBOM lists no components"),
    # a graph in which every component depends on another: no root, nothing direct
    (_bom(components=[{"bom-ref": "a", "purl": "pkg:pypi/a@1"},
                      {"bom-ref": "b", "purl": "pkg:pypi/b@1"}],
          dependencies=[{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": ["a"]}]),
     [], "of the 2 components listed, 0 read as direct"),
    # the subject names a module of its own (Gradle's shape): what the module depends on
    (_bom(metadata={"component": {"bom-ref": "app", "components": [{"bom-ref": "app-core"}]}},
          components=[{"bom-ref": "a", "purl": "pkg:pypi/a@1"},
                      {"bom-ref": "b", "purl": "pkg:pypi/b@1"}],
          dependencies=[{"ref": "app", "dependsOn": ["app-core"]},
                        {"ref": "app-core", "dependsOn": ["a"]},
                        {"ref": "a", "dependsOn": ["b"]}]),
     ["pypi:a"], None),
    # no metadata.component, but a graph
    (_bom(components=[{"bom-ref": "a", "purl": "pkg:npm/a@1"},
                      {"bom-ref": "b", "purl": "pkg:npm/b@1"}],
          dependencies=[{"ref": "a", "dependsOn": ["b"]}]),
     ["npm:a"], "names nothing a subject (there is no metadata.component) depends on"),
])
def test_graphs_that_name_no_direct_dependency(text: str, expected: list[str],
                                               note: str | None) -> None:
    parsed = parse_cyclonedx("bom.json", text)
    assert [f.ref for f in parsed.found] == expected
    assert parsed.findings == []
    assert any(note in n.message for n in parsed.notes) if note else parsed.notes == []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "storefront"
    shutil.copytree(FIXTURE / "decisions", root / "decisions")
    shutil.rmtree(root / "decisions" / "coverage")
    (root / "decisions" / "coverage").mkdir()
    for name in ("cdxgen-multi.cdx.json", "gems-only.cdx.json"):
        shutil.copy(SBOMS / name, root / "decisions" / "coverage" / name.replace("-", "", 1))
    (root / "app").mkdir()
    (root / "app" / "requirements.txt").write_text("django\n", encoding="utf-8")
    return root


def test_notes_reach_every_output_and_fail_nothing(repo: Path) -> None:
    text = run_cli("coverage", "app", "--strict", cwd=repo)
    # django and stripe are decided on in the fixture's records; the rest are uncovered
    assert "Traceback" not in text.stderr
    lines = [line for line in text.stderr.splitlines() if ": note: " in line]
    assert lines == [
        "decisions/coverage/cdxgenmulti.cdx.json:144:1: note: the dependency graph names "
        "nothing its subject (pkg:generic/shop@latest) depends on: read as direct the 1 "
        "component nothing else depends on, and what the graph's 2 other roots (sub-projects) "
        "depend on",
        "decisions/coverage/gemsonly.cdx.json:1:1: note: no dependency read: of the 2 "
        "components listed, 2 read as direct, none with a PyPI, npm, GitHub, Go, crates.io, "
        "Maven Central or NuGet package URL; check what wrote the SBOM"]
    data = json.loads(run_cli("coverage", "app", "--format", "json", cwd=repo).stdout)
    assert [n["path"] for n in data["notes"]] == [
        "decisions/coverage/cdxgenmulti.cdx.json", "decisions/coverage/gemsonly.cdx.json"]
    assert data["findings"] == []
    markdown = run_cli("coverage", "app", "--format", "markdown", cwd=repo).stdout
    assert "### How some manifests were read (2)" in markdown
    assert "- `decisions/coverage/gemsonly.cdx.json:1:1`: no dependency read" in markdown
    # a note is no failure: only the uncovered packages fail --strict here
    deps = {d["ref"]: d["status"] for d in data["dependencies"]}
    assert "npm:react" in deps and "pypi:asgiref" not in deps
    assert text.returncode == (1 if "uncovered" in deps.values() else 0)


def test_notes_reach_the_site_and_survive_the_snapshot(repo: Path) -> None:
    (repo / "decisions" / "coverage" / "bad.json").write_text("{oops", encoding="utf-8")
    run_cli("coverage", "app", "--write", cwd=repo)
    snapshot = json.loads((repo / "decisions" / "coverage.json").read_text(encoding="utf-8"))
    assert len(snapshot["notes"]) == 2
    html = render_coverage_page(render_context(load_decisions(repo / "decisions", None)))
    # the page reads decisions/coverage/ again: what the snapshot says of its files is
    # replaced, not shown twice (a file that named nothing, or could not be read)
    assert '<h2 id="notes">How some manifests were read (2)</h2>' in html
    assert html.count("decisions/coverage/bad.json:1:2") == 1
    assert ("<li><code>decisions/coverage/gemsonly.cdx.json:1:1</code> no dependency read: "
            in html)
    shutil.rmtree(repo / "decisions" / "coverage")
    inventory = read_snapshot(repo / "decisions")
    assert inventory is not None
    assert [n.line for n in inventory.notes] == [144, 1]
