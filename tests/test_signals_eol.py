"""Product cycles and the deps.dev ecosystems end to end: `decisions enrich` against a local
server replaying replies in each API's shape (tests/fixtures/signals/endoflife/ and depsdev/),
then what the cycles mean: maturity, the review list, the record page and the review queue,
and the end-of-life finding, for a cycle that ended, one ending within the warning window and
one far away.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from conftest import (
    CONFIG,
    TODAY,
    cli_env,
    record,
    render_context,
    run_cli,
    site_for_test,
    variant,
    write_decisions,
)
from decision_records.plugin import DOCS as PACKAGE_DOCS
from decision_records.render.pages import render_review, render_summary
from decision_records.render.record import render_record
from decision_records.rules import RULES
from decision_records.settings.signals import Thresholds
from decision_records.signals.maturity import assess
from decision_records.signals.snapshot import Snapshot, SnapshotEntry, dump_snapshot
from decision_records.signals.sources.base import Missing, ParseError
from decision_records.signals.sources.depsdev import parse_package, parse_version
from decision_records.signals.sources.endoflife import parse_product
from decision_records.signals.sources.github import project_scorecard

FIXTURES = Path(__file__).parent / "fixtures" / "signals"
CONFIG_FAST = CONFIG + "signals:\n  retries: 1\n  backoff: 0\n  read_timeout: 5\n"
PACKAGES = "      - pypi:requests\n      - github:psf/requests\n"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def choosing(refs: list[str], *, status: str = "accepted", title: str) -> str:
    """A valid record whose chosen option names these references."""
    return variant(PACKAGES, "".join(f"      - {r}\n" for r in refs),
                   record(status=status, title=title))


RECORDS = {
    # ended a year before today (2026-11-26)
    "0001-keep-postgresql-13.yaml": choosing(
        ["eol:postgresql@13", "github:postgres/postgres"], title="Keep PostgreSQL 13"),
    # ends in 55 days: within the 180-day window
    "0002-stream-with-kafka.yaml": choosing(
        ["eol:apache-kafka@3.9", "maven:org.apache.kafka:kafka-clients"],
        title="Stream with Kafka"),
    # ends in 2028: far away
    "0003-move-to-postgresql-16.yaml": choosing(
        ["eol:postgresql@16", "go:github.com/gin-gonic/gin", "cargo:serde",
         "nuget:Newtonsoft.Json"], title="Move to PostgreSQL 16"),
    # a proposal that would choose a cycle that ended on 2025-10-28
    "0004-run-kubernetes-1-31.yaml": choosing(
        ["eol:kubernetes@1.31"], status="proposed", title="Run Kubernetes 1.31"),
}


def serve(httpserver: HTTPServer) -> None:
    """Every document the records above lead to, in the APIs' shapes."""
    json_type = {"content_type": "application/json"}
    for product in ("postgresql", "apache-kafka", "kubernetes"):
        httpserver.expect_request(f"/api/v1/products/{product}").respond_with_data(
            fixture(f"endoflife/{product}.json"), **json_type)
    packages = {
        "maven/packages/org.apache.kafka:kafka-clients": ("maven-kafka-clients", "4.1.0"),
        "go/packages/github.com/gin-gonic/gin": ("go-gin", "v1.11.0"),
        "cargo/packages/serde": ("cargo-serde", "1.0.228"),
        "nuget/packages/Newtonsoft.Json": ("nuget-newtonsoft", "13.0.4"),
    }
    for path, (name, version) in packages.items():
        httpserver.expect_request(f"/v3/systems/{path}").respond_with_data(
            fixture(f"depsdev/{name}.json"), **json_type)
        httpserver.expect_request(f"/v3/systems/{path}/versions/{version}").respond_with_data(
            fixture(f"depsdev/{name}-{version}.json"), **json_type)
    httpserver.expect_request("/v3/projects/github.com/postgres/postgres").respond_with_data(
        fixture("depsdev/project-postgres.json"), **json_type)
    httpserver.expect_request("/v3/projects/github.com/gin-gonic/gin").respond_with_data(
        fixture("depsdev/project-gin.json"), **json_type)
    for repo in ("postgres/postgres", "gin-gonic/gin", "apache/kafka", "serde-rs/serde",
                 "jamesnk/newtonsoft.json", "jonschlinkert/is-number"):
        body = json.loads(fixture("github/psf-requests.json"))
        body["full_name"] = repo
        httpserver.expect_request(f"/repos/{repo}").respond_with_json(body)
    # the records' other option (an npm document recorded for another package will do)
    httpserver.expect_request("/react").respond_with_data(fixture("npm/is-number.json"),
                                                          **json_type)


def env_for(httpserver: HTTPServer) -> dict[str, str]:
    base = httpserver.url_for("").rstrip("/")
    return cli_env(DECISIONS_PYPI_URL=base, DECISIONS_NPM_URL=base, DECISIONS_GITHUB_URL=base,
                   DECISIONS_DEPSDEV_URL=base, DECISIONS_ENDOFLIFE_URL=base)


@pytest.fixture
def enriched(tmp_path: Path, httpserver: HTTPServer) -> Path:
    folder = write_decisions(tmp_path, RECORDS, CONFIG_FAST)
    serve(httpserver)
    result = run_cli("enrich", cwd=tmp_path, env=env_for(httpserver))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("enrich: fetched 15, unchanged via 304 0, not found 0, failed 0, "
                             "skipped fresh 0\n"), result.stderr
    return folder


def packages(folder: Path) -> dict[str, Any]:
    data = json.loads((folder / "signals.json").read_text(encoding="utf-8"))
    return data["packages"]  # type: ignore[no-any-return]


def test_enrich_keeps_each_cycles_dates_and_each_packages_figures(enriched: Path) -> None:
    held = packages(enriched)
    assert held["eol:postgresql@13"]["signals"] == {
        "product": "PostgreSQL", "cycle": "13", "released": "2020-09-24", "eol": "2025-11-13",
        "maintained": False, "latest_version": "13.23", "latest_release": "2025-11-13",
        "identifiers": ["cpe:/a:postgresql:postgresql", "cpe:2.3:a:postgresql:postgresql",
                        "pkg:docker/library/postgres", "pkg:docker/bitnami/postgresql"]}
    kafka = held["eol:apache-kafka@3.9"]["signals"]
    assert (kafka["product"], kafka["eol"], kafka["maintained"]) == (
        "Apache Kafka", "2027-01-20", True)
    assert held["eol:kubernetes@1.31"]["signals"]["support_ends"] == "2025-08-28"
    clients = held["maven:org.apache.kafka:kafka-clients"]["signals"]
    assert (clients["latest_version"], clients["first_release"], clients["licence"],
            clients["vulnerabilities"], clients["repository"]) == (
        "4.1.0", "2015-02-27", "Apache-2.0", [], "github:apache/kafka")
    assert held["cargo:serde"]["signals"]["licence"] == "MIT OR Apache-2.0"
    assert held["nuget:Newtonsoft.Json"]["signals"]["repository"] == (
        "github:jamesnk/newtonsoft.json")
    # the repositories the packages name were fetched too, with their Scorecard scores
    assert held["github:postgres/postgres"]["signals"]["scorecard"] == 4.6
    assert held["github:gin-gonic/gin"]["signals"]["scorecard"] == 6.7
    assert "scorecard" not in held["github:apache/kafka"]["signals"]  # no project document
    history = held["eol:postgresql@13"]["history"]
    assert history[-1]["category"] == "risky"


def test_review_lists_the_cycles_ended_and_ending(enriched: Path) -> None:
    root = enriched.parent
    data = json.loads(run_cli("review", "--format", "json", cwd=root).stdout)
    assert [{k: e[k] for k in ("id", "ref", "eol", "days_left")}
            for e in data["end_of_life"]] == [
        {"id": "0001-keep-postgresql-13", "ref": "eol:postgresql@13", "eol": "2025-11-13",
         "days_left": -378},
        {"id": "0002-stream-with-kafka", "ref": "eol:apache-kafka@3.9", "eol": "2027-01-20",
         "days_left": 55},
    ]  # not 0003 (2028), not the proposal 0004
    assert data["drifted"] == []  # an ended cycle is listed once, here

    text = run_cli("review", cwd=root).stdout.splitlines()
    assert "eol      0001-keep-postgresql-13: eol:postgresql@13: PostgreSQL 13: end of life " \
        "2025-11-13, 12 months ago" in text
    assert "eol      0002-stream-with-kafka: eol:apache-kafka@3.9: Apache Kafka 3.9: end of " \
        "life 2027-01-20, in 55 days" in text
    markdown = run_cli("review", "--format", "markdown", "--max-bytes", "65536",
                       cwd=root).stdout
    assert "### At or near end of life (2)" in markdown
    assert "| 0001 Keep PostgreSQL 13 | `eol:postgresql@13` PostgreSQL 13 | 2025-11-13 " \
        "(passed) |" in markdown
    assert "| 0002 Stream with Kafka | `eol:apache-kafka@3.9` Apache Kafka 3.9 | " \
        "2027-01-20 |" in markdown
    # the refresh pull request's body changes when the list does, not every day
    later = run_cli("review", "--format", "markdown", cwd=root,
                    env=cli_env(DECISIONS_TODAY="2026-12-10")).stdout
    assert later == run_cli("review", "--format", "markdown", cwd=root).stdout


def test_the_finding_is_on_ended_cycles_only(enriched: Path) -> None:
    out = run_cli("validate", "--format", "json", cwd=enriched.parent).stdout
    found = [(f["path"], f["field"], f["message"]) for f in json.loads(out)["findings"]
             if f["rule"] in ("end-of-life", "risky-choice")]
    assert found == [
        ("decisions/0001-keep-postgresql-13.yaml", "options[0].packages[0]",
         "'PagerDuty' chose eol:postgresql@13, and PostgreSQL 13 reached its end of life on "
         "2025-11-13 (12 months ago); move to a supported cycle (a new record that "
         "supersedes this one), or accept the risk in `waivers` with the reason"),
        ("decisions/0004-run-kubernetes-1-31.yaml", "options[0].packages[0]",
         "'PagerDuty' would choose eol:kubernetes@1.31, and Kubernetes 1.31 reached its end "
         "of life on 2025-10-28 (12 months ago); move to a supported cycle (a new record "
         "that supersedes this one), or accept the risk in `waivers` with the reason"),
    ]
    text = run_cli("validate", cwd=enriched.parent).stdout
    assert "decisions/0001-keep-postgresql-13.yaml:30:9: warning: " in text


def test_pages_show_each_cycles_dates(enriched: Path) -> None:
    ctx = render_context(site_for_test(enriched).context.decisions)  # today is TODAY
    pages = {}
    for name in ("0001-keep-postgresql-13", "0002-stream-with-kafka",
                 "0003-move-to-postgresql-16"):
        entry = ctx.decisions.get(name)
        assert entry is not None
        pages[name] = render_record(entry, ctx)
    assert ('<li class="dr-cycle dr-cycle-ended"><code>eol:postgresql@13</code>: '
            "PostgreSQL 13: end of life 2025-11-13, 12 months ago; released 2020-09-24; "
            "latest patch 13.23 (2025-11-13)</li>") in pages["0001-keep-postgresql-13"]
    assert ('<li class="dr-cycle dr-cycle-ending"><code>eol:apache-kafka@3.9</code>: '
            "Apache Kafka 3.9: end of life 2027-01-20, in 55 days;") in pages[
        "0002-stream-with-kafka"]
    assert ('<li class="dr-cycle dr-cycle-supported"><code>eol:postgresql@16</code>: '
            "PostgreSQL 16: end of life 2028-11-09, in 23 months;") in pages[
        "0003-move-to-postgresql-16"]
    # an ended cycle makes the option risky; a cycle suggests no innovation token
    assert "dr-maturity-risky" in pages["0001-keep-postgresql-13"]
    assert "suggests 0 innovation tokens" in pages["0001-keep-postgresql-13"]
    queue = render_review(ctx)
    assert "At or near end of life (2)" in queue
    assert "<td>2025-11-13</td><td data-value=\"-378\">12 months ago</td>" in queue
    assert "<td>2027-01-20</td><td data-value=\"55\">in 55 days</td>" in queue
    assert "0003" not in queue.split("At or near end of life")[1].split("</table>")[0]
    assert "2 at or near a product cycle&#39;s end of life" in render_summary(ctx) or \
        "2 at or near a product cycle's end of life" in render_summary(ctx)


def test_messy_replies_fail_one_reference_each(tmp_path: Path, httpserver: HTTPServer) -> None:
    refs = ["eol:redis@7.2", "eol:mysql@8.4", "eol:nothing@1", "eol:postgresql@9.6",
            "eol:python@3.11", "eol:opensearch@1", "cargo:tokio", "nuget:ghost",
            "maven:org.example:broken"]
    folder = write_decisions(tmp_path, {"0001-messy.yaml": choosing(refs, title="Messy")},
                             CONFIG_FAST)
    json_type = {"content_type": "application/json"}
    replies = {
        "/api/v1/products/redis": (fixture("endoflife/wrong-types.json"), 200),
        "/api/v1/products/mysql": (fixture("endoflife/malformed.json"), 200),
        "/api/v1/products/nothing": (fixture("endoflife/not-found.json"), 404),
        "/api/v1/products/postgresql": (fixture("endoflife/postgresql.json"), 200),
        "/api/v1/products/opensearch": (fixture("endoflife/not-a-product.json"), 200),
        "/v3/systems/cargo/packages/tokio": (fixture("depsdev/wrong-types.json"), 200),
        "/v3/systems/nuget/packages/ghost": (fixture("depsdev/not-found.json"), 404),
        "/v3/systems/maven/packages/org.example:broken": (
            fixture("depsdev/not-a-package.json"), 200),
        "/react": ("{}", 404),
    }
    for path, (body, status) in replies.items():
        httpserver.expect_request(path).respond_with_data(body, status=status, **json_type)
    # rate limited once, with the wait it asks for; then the answer
    httpserver.expect_oneshot_request("/api/v1/products/python").respond_with_response(
        Response('{"message": "Too Many Requests"}', status=429,
                 headers={"Retry-After": "1"}, content_type="application/json"))
    httpserver.expect_request("/api/v1/products/python").respond_with_data(
        fixture("endoflife/python.json"), **json_type)
    result = run_cli("enrich", cwd=tmp_path, env=env_for(httpserver))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "enrich: fetched 3, unchanged via 304 0, not found 4, failed 3, skipped fresh 0",
        "  not found: eol:nothing@1, eol:postgresql@9.6, npm:react, nuget:ghost",
        "  failed: eol:mysql@8.4: malformed JSON in the response (line 1, column 110: "
        "Invalid control character at)",
        "  failed: eol:opensearch@1: unexpected response: not an endoflife.date product "
        "document (no result.releases list)",
        "  failed: maven:org.example:broken: unexpected response: not a deps.dev package "
        "document (no versions list)",
    ]
    held = packages(folder)
    # the wrong types are left out, and the label with control characters is not kept
    assert held["eol:redis@7.2"]["signals"] == {"product": "redis", "cycle": "7.2"}
    assert held["eol:python@3.11"]["signals"]["eol"] == "2027-10-31"
    assert held["cargo:tokio"]["signals"] == {"latest_version": "1.48.0", "releases": 1,
                                              "no_release_dates": True,
                                              "pre_1_0_only": False}
    assert held["eol:postgresql@9.6"]["status"] == "not-found"
    assert [r.path for r, _ in httpserver.log].count("/api/v1/products/python") == 2


@pytest.mark.parametrize("doc", [
    {}, {"result": None}, {"result": []}, {"result": {"releases": None}},
    {"result": {"releases": [None, 1, "16", [], {"name": None}]}},
    {"result": {"releases": [{"name": "16", "latest": [], "eolFrom": {"date": 1},
                              "releaseDate": "2023-02-30", "isLts": "true"}],
                "identifiers": [{"type": "purl", "id": "pkg:" + "x" * 500}, None]}},
])
def test_no_shape_of_a_product_document_raises_anything_else(doc: dict[str, Any]) -> None:
    try:
        signals = parse_product("postgresql@16", doc)
    except (ParseError, Missing):
        return
    assert signals == {"product": "postgresql", "cycle": "16"}


@pytest.mark.parametrize("doc", [
    {"versions": []}, {"versions": [{"versionKey": None}]},
    {"versions": [{"versionKey": {"version": "x" * 500}, "publishedAt": "2020-13-45"}]},
    {"packageKey": "go", "versions": [{"versionKey": {"version": "v1.0.0"},
                                       "publishedAt": "9999-12-31T23:59:59Z"}]},
])
def test_no_shape_of_a_package_document_raises(doc: dict[str, Any]) -> None:
    now = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    signals = parse_package(doc, now)
    assert all(len(str(v)) <= 64 for v in signals.values())
    for details in ({}, {"licenses": "MIT"}, {"licenses": [None, "x" * 900]},
                    {"advisoryKeys": [{"id": 7}, "GHSA", {"id": "GHSA-1"}, {"id": "GHSA-1"}]},
                    {"relatedProjects": [{"projectKey": "github.com/a/b"},
                                         {"projectKey": {"id": "gitlab.com/a/b"}}]},
                    {"isDeprecated": True, "deprecatedReason": ["old"]}):
        out = parse_version(details)
        assert all(v is None or len(str(v)) <= 200 for v in out.values())
        if "advisoryKeys" in details:
            assert out["vulnerabilities"] == ["GHSA-1"]  # listed twice, counted once


@pytest.mark.parametrize(("doc", "expected"), [
    ({"scorecard": {"overallScore": 7.35, "date": "2026-11-16T00:00:00Z"}},
     {"scorecard": 7.3, "scorecard_date": "2026-11-16"}),
    ({"scorecard": {"overallScore": "9.9"}}, {}),
    ({"scorecard": {"overallScore": 11}}, {}),
    ({"scorecard": {"overallScore": float("nan")}}, {}),
    ({"scorecard": {"overallScore": True}}, {}),
    ({"scorecard": []}, {}), ([], {}), ({}, {}),
])
def test_a_scorecard_is_kept_only_as_a_score_out_of_ten(doc: object,
                                                         expected: dict[str, Any]) -> None:
    assert project_scorecard(doc) == expected


def cycle_entry(eol: str | None, **more: Any) -> SnapshotEntry:
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    signals: dict[str, Any] = {"product": "PostgreSQL", "cycle": "14",
                               "released": "2021-09-30", "maintained": True, **more}
    if eol:
        signals["eol"] = eol
    return SnapshotEntry(status="ok", checked=now, fetched=now, source="x", signals=signals)


@pytest.mark.parametrize(("entry", "category", "reason"), [
    (cycle_entry("2025-11-13"), "risky",
     "PostgreSQL 14: end of life 2025-11-13, 12 months ago: move to a supported cycle"),
    (cycle_entry(TODAY.isoformat()), "risky",
     "PostgreSQL 14: end of life 2026-11-26, today: move to a supported cycle"),
    (cycle_entry("2027-05-25"), "emerging",
     "PostgreSQL 14: end of life 2027-05-25, in 180 days: within 180 days "
     "(signals.eol_warning_days)"),
    (cycle_entry("2027-05-26"), "boring", "PostgreSQL 14: end of life 2027-05-26, in 181 days"),
    (cycle_entry("2028-11-09"), "boring", "PostgreSQL 14: end of life 2028-11-09, in 23 months"),
    (cycle_entry(None), "boring", "PostgreSQL 14: no end of life announced"),
    (cycle_entry(None, ended=True, maintained=False), "risky",
     "PostgreSQL 14: end of life reached (no date given): move to a supported cycle"),
    (cycle_entry(None, maintained=False), "risky", "PostgreSQL 14: no longer maintained"),
])
def test_a_cycle_is_judged_by_its_end_of_life(entry: SnapshotEntry, category: str,
                                              reason: str) -> None:
    snapshot = Snapshot(packages={"eol:postgresql@14": entry})
    verdict = assess("eol:postgresql@14", snapshot, Thresholds(), TODAY)
    assert (verdict.category, verdict.reasons[0]) == (category, reason)
    assert verdict.tokens == 0


def test_the_warning_window_is_a_setting(tmp_path: Path) -> None:
    folder = write_decisions(tmp_path, {"0001-stream-with-kafka.yaml": choosing(
        ["eol:apache-kafka@3.9"], title="Stream with Kafka")},
        CONFIG + "signals:\n  eol_warning_days: 30\n")
    (folder / "signals.json").write_text(dump_snapshot(Snapshot(packages={
        "eol:apache-kafka@3.9": cycle_entry("2027-01-20")})), encoding="utf-8")
    data = json.loads(run_cli("review", "--format", "json", cwd=tmp_path).stdout)
    assert data["end_of_life"] == []  # 55 days away, beyond 30
    later = json.loads(run_cli("review", "--format", "json", cwd=tmp_path,
                               env=cli_env(DECISIONS_TODAY="2026-12-25")).stdout)
    assert [e["days_left"] for e in later["end_of_life"]] == [26]


def test_a_low_scorecard_keeps_a_repository_from_boring() -> None:
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    signals: dict[str, Any] = {"created": "2010-09-21", "pushed": "2026-11-19",
                               "stars": 18000, "licence": "other"}
    for score, category in ((4.6, "established"), (5.0, "boring"), (None, "boring")):
        figures = {**signals, **({"scorecard": score} if score is not None else {})}
        entry = SnapshotEntry(status="ok", checked=now, fetched=now, source="x", signals=figures)
        verdict = assess("github:postgres/postgres",
                         Snapshot(packages={"github:postgres/postgres": entry}),
                         Thresholds(), TODAY)
        assert verdict.category == category, verdict.reasons
        if score == 4.6:
            assert "OpenSSF Scorecard 4.6 (below 5)" in verdict.reasons[-1]


def test_the_rule_has_its_page_and_its_line() -> None:
    rule = RULES["end-of-life"]
    assert (rule.default, rule.doc) == ("warning", "docs/rules/end-of-life.md")
    page = (PACKAGE_DOCS / "rules" / "end-of-life.md").read_text(encoding="utf-8")
    assert "```yaml" in page and "[end-of-life]" in page
    assert "[end-of-life](end-of-life.md)" in (
        PACKAGE_DOCS / "rules" / "index.md").read_text(encoding="utf-8")


SBOM = {
    "bomFormat": "CycloneDX", "specVersion": "1.6",
    "components": [
        {"bom-ref": "db", "type": "container", "name": "postgres", "version": "16.2",
         "purl": "pkg:docker/library/postgres@16.2-alpine?arch=amd64"},
        {"bom-ref": "broker", "type": "application", "name": "kafka", "version": "3.7.0",
         "cpe": "cpe:2.3:a:apache:kafka:3.7.0:*:*:*:*:*:*:*"},
        {"bom-ref": "k8s", "type": "library", "name": "k8s.io/kubernetes",
         "purl": "pkg:golang/k8s.io/kubernetes@v1.31.2"},
        {"bom-ref": "other", "type": "container", "name": "redis",
         "purl": "pkg:docker/library/redis@7.2.4"},
    ],
}


def test_coverage_reports_sbom_products_against_the_cycles_records_name(
        enriched: Path) -> None:
    sboms = enriched.parent / "deploy"
    sboms.mkdir()
    (sboms / "bom.json").write_text(json.dumps(SBOM), encoding="utf-8")
    result = run_cli("coverage", "deploy", "--format", "json", cwd=enriched.parent)
    assert "Traceback" not in result.stderr
    deps = {d["ref"]: d["status"] for d in json.loads(result.stdout)["dependencies"]}
    assert {r: s for r, s in deps.items() if r.startswith("eol:")} == {
        "eol:postgresql@16": "covered",  # 0003 chose it; the image's tag is 16.2-alpine
        "eol:kubernetes@1.31": "pending",  # only the proposal 0004 chose it
        "eol:apache-kafka@3.7": "uncovered",  # by its CPE: the records name 3.9
    }  # redis: no record names the product, so it is not looked for
    assert deps["go:k8s.io/kubernetes"] == "uncovered"  # the module, as a Go package
