"""The signal-source interface: every kind is one class, known everywhere from the list.

Product cycles (`eol:PRODUCT@CYCLE`, whose name holds an '@' and whose document lists every
cycle of a product) and deps.dev's four ecosystems (one service, one setting, four kinds)
are the sources that test the interface's reach.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from decision_records.coverage.manifests import purl_ref
from decision_records.refs import BY_KIND, FORMS, Ref
from decision_records.settings.signals import URL_ENV, SignalsConfig, url_settings
from decision_records.signals.clients import Fetcher, GitHubGate
from decision_records.signals.http import make_session
from decision_records.signals.sources.registry import SOURCES

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
FIXTURES = Path(__file__).parent / "fixtures" / "signals"
TOKEN = "secret-token-123"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "normalised"), [
    ("eol:postgresql@16", "eol:postgresql@16"),
    ("eol:kubernetes@1.31", "eol:kubernetes@1.31"),
    ("eol:apache-kafka@3.9", "eol:apache-kafka@3.9"),
    ("go:github.com/gin-gonic/gin", "go:github.com/gin-gonic/gin"),
    ("go:k8s.io/client-go", "go:k8s.io/client-go"),
    ("cargo:Serde", "cargo:serde"),
    ("maven:org.apache.kafka:kafka-clients", "maven:org.apache.kafka:kafka-clients"),
    ("nuget:Newtonsoft.Json", "nuget:newtonsoft.json"),
    ("pypi:PyMongo", "pypi:pymongo"),  # the first sources still parse
])
def test_every_kind_parses_and_has_one_spelling(text: str, normalised: str) -> None:
    ref = Ref.parse(text)
    assert (str(ref), ref.normalised) == (text, normalised)
    assert ref.page.startswith("https://")


@pytest.mark.parametrize("text", [
    "eol:postgresql", "eol:@16", "eol:PostgreSQL@16", "eol:postgresql@16@17",
    "go:gin", "go:Github.com/x", "maven:kafka-clients", "maven:org.apache.kafka:",
    "cargo:1serde", "nuget:.hidden", "eol:postgresql@16 ", "go:github.com/a b",
])
def test_names_outside_a_kinds_rule_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"write .*'eol:PRODUCT@CYCLE'"):
        Ref.parse(text)


def test_messages_name_every_form() -> None:
    assert FORMS == ("'pypi:NAME', 'npm:NAME', 'github:OWNER/REPO', 'go:MODULE', "
                     "'cargo:NAME', 'maven:GROUP:ARTIFACT', 'nuget:NAME' or "
                     "'eol:PRODUCT@CYCLE'")


@pytest.mark.parametrize(("purl", "ref"), [
    ("pkg:golang/github.com/gin-gonic/gin@v1.11.0", "go:github.com/gin-gonic/gin"),
    ("pkg:golang/k8s.io/client-go@v0.31.2", "go:k8s.io/client-go"),
    ("pkg:cargo/Serde@1.0.228", "cargo:serde"),
    ("pkg:maven/org.apache.kafka/kafka-clients@4.1.0?type=jar",
     "maven:org.apache.kafka:kafka-clients"),
    ("pkg:maven/kafka-clients@4.1.0", None),  # Maven needs its group
    ("pkg:nuget/Newtonsoft.Json@13.0.4", "nuget:newtonsoft.json"),
    ("pkg:gem/rails@7.1.0", None),
])
def test_sbom_package_urls_map_to_the_new_kinds(purl: str, ref: str | None) -> None:
    assert purl_ref(purl) == ref


def settings_for(base: str, **extra: object) -> SignalsConfig:
    urls = {s.setting: base for s in SOURCES}
    return SignalsConfig.model_validate({**urls, "retries": 0, **extra})


def fetcher_for(httpserver: HTTPServer, token: str | None = None,
                **extra: object) -> Fetcher:
    base = httpserver.url_for("").rstrip("/")
    settings = settings_for(base, **extra)
    if token:
        settings = settings.with_env({"DECISIONS_GITHUB_URL": base})
    session = make_session(0, 0)
    return Fetcher(settings, lambda: session, NOW, token, GitHubGate())


def test_a_product_cycle_is_read_from_its_products_document(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/products/postgresql").respond_with_data(
        fixture("endoflife/postgresql.json"), content_type="application/json")
    httpserver.expect_request("/api/v1/products/nothing").respond_with_data(
        fixture("endoflife/not-found.json"), status=404, content_type="application/json")
    fetcher = fetcher_for(httpserver)
    base = httpserver.url_for("").rstrip("/")

    found = fetcher.fetch("eol:postgresql@13")
    assert (found.outcome, found.source) == ("ok", f"{base}/api/v1/products/postgresql")
    assert found.signals == {
        "product": "PostgreSQL", "cycle": "13", "released": "2020-09-24",
        "eol": "2025-11-13", "maintained": False, "latest_version": "13.23",
        "latest_release": "2025-11-13",
        "identifiers": ["cpe:/a:postgresql:postgresql", "cpe:2.3:a:postgresql:postgresql",
                        "pkg:docker/library/postgres", "pkg:docker/bitnami/postgresql"]}
    unknown = fetcher.fetch("eol:postgresql@9.6")  # the product answers, not the cycle
    assert (unknown.outcome, unknown.reason) == (
        "not-found", "9.6 is not a cycle of postgresql on endoflife.date (its cycles: 18, "
        "17, 16, 15, 14, 13, 12, 10)")
    gone = fetcher.fetch("eol:nothing@1")  # the server's 404
    assert (gone.outcome, gone.reason) == ("not-found", "HTTP 404 from endoflife.date")


def test_a_deps_dev_package_reads_its_default_version(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v3/systems/go/packages/github.com/gin-gonic/gin"
                              ).respond_with_data(fixture("depsdev/go-gin.json"))
    httpserver.expect_request(
        "/v3/systems/go/packages/github.com/gin-gonic/gin/versions/v1.11.0"
    ).respond_with_data(fixture("depsdev/go-gin-v1.11.0.json"))
    result = fetcher_for(httpserver).fetch("go:github.com/gin-gonic/gin")
    assert result.outcome == "ok", result.reason
    assert result.signals == {
        "name": "github.com/gin-gonic/gin", "latest_version": "v1.11.0",
        "first_release": "2016-12-04", "last_release": "2025-09-20", "releases": 6,
        "releases_last_year": 0, "pre_1_0_only": False, "licence": "MIT",
        "vulnerabilities": [], "repository": "github:gin-gonic/gin"}


def test_no_token_goes_to_another_apis_host(httpserver: HTTPServer) -> None:
    """The Scorecard score of a GitHub repository comes from deps.dev's project document;
    GitHub's token and headers stay with GitHub."""
    seen: dict[str, dict[str, str]] = {}

    def record(request: Request) -> Response:
        seen[request.path] = dict(request.headers)
        body = (fixture("github/psf-requests.json") if request.path.startswith("/repos/")
                else fixture("depsdev/project-postgres.json"))
        return Response(body, content_type="application/json")

    httpserver.expect_request("/repos/psf/requests").respond_with_handler(record)
    # deps.dev on another origin: the same server under another host name
    other = httpserver.url_for("").rstrip("/").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/v3/projects/github.com/psf/requests"
                              ).respond_with_handler(record)
    fetcher = fetcher_for(httpserver, TOKEN, depsdev_url=other)
    result = fetcher.fetch("github:psf/requests")
    assert result.outcome == "ok", result.reason
    assert result.signals and result.signals["scorecard"] == 4.6
    assert result.signals["scorecard_date"] == "2026-11-16"
    assert seen["/repos/psf/requests"]["Authorization"] == f"Bearer {TOKEN}"
    project = seen["/v3/projects/github.com/psf/requests"]
    assert "Authorization" not in project and "X-Github-Api-Version" not in project


def test_sources_sharing_an_api_share_its_setting() -> None:
    fields = url_settings(SOURCES)
    assert list(fields) == ["pypi_url", "npm_url", "github_url", "depsdev_url",
                            "endoflife_url"]
    assert fields["endoflife_url"][1].description == (
        "Base URL of the endoflife.date API (v1) (env: DECISIONS_ENDOFLIFE_URL).")
    assert URL_ENV == {"pypi_url": "DECISIONS_PYPI_URL", "npm_url": "DECISIONS_NPM_URL",
                       "github_url": "DECISIONS_GITHUB_URL",
                       "depsdev_url": "DECISIONS_DEPSDEV_URL",
                       "endoflife_url": "DECISIONS_ENDOFLIFE_URL"}
    assert {BY_KIND[k].setting for k in ("go", "cargo", "maven", "nuget")} == {"depsdev_url"}
    env = SignalsConfig().with_env({"DECISIONS_DEPSDEV_URL": "http://127.0.0.1:9",
                                    "DECISIONS_ENDOFLIFE_URL": "http://127.0.0.1:8"})
    assert (env.depsdev_url, env.endoflife_url) == ("http://127.0.0.1:9", "http://127.0.0.1:8")
    assert json.loads(SignalsConfig().model_dump_json())["eol_warning_days"] == 180
