"""The signal-source interface: a new source is one class, known everywhere from the list.

The source here is shaped like the next ones (product cycles, `eol:PRODUCT@CYCLE`, whose name
holds an '@' and whose document lists every cycle of a product): if the interface did not
fit them, this test would need more than the class and a settings model made from it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import create_model
from pytest_httpserver import HTTPServer

from decision_records.refs import BY_KIND, Ref
from decision_records.settings.signals import URL_ENV, SignalsConfig, url_settings
from decision_records.signals.clients import Fetcher, GitHubGate
from decision_records.signals.http import make_session
from decision_records.signals.sources.base import Missing, Reading, Signals, SignalSource
from decision_records.signals.sources.registry import SOURCES

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)


class Cycles(SignalSource):
    kind = "cycles"
    label = "Cycles"
    name_rule = r"[a-z0-9][a-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9._-]*"
    example = "cycles:PRODUCT@CYCLE"
    setting = "cycles_url"
    env = "DECISIONS_CYCLES_URL"
    default_url = "https://cycles.invalid"
    api = "a product-cycles API"
    first = ("released", "cycle released")
    last = (("latest_release", "latest patch"),)

    def page(self, name: str) -> str:
        return f"https://cycles.invalid/{name.replace('@', '/')}"

    def url(self, base: str, name: str) -> str:
        return f"{base.rstrip('/')}/products/{name.partition('@')[0]}"

    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        cycle = name.partition("@")[2]
        found = next((c for c in doc["releases"] if c["name"] == cycle), None)
        if found is None:
            raise Missing(f"{cycle} is not a cycle of {name.partition('@')[0]}")
        notes = reading.follow(reading.url + "/notes")  # a second document of the same API
        return {"released": found["released"], "latest_release": found["latest"],
                "notes": notes is not None}


CYCLES = Cycles()
SOURCES_TOO = {**BY_KIND, CYCLES.kind: CYCLES}
# the settings as they would be with the source in the list: one more base URL setting
Settings = create_model("Settings", __base__=SignalsConfig, **url_settings([CYCLES]))


@pytest.mark.parametrize(("text", "valid"), [
    ("cycles:postgresql@16", True),
    ("cycles:kubernetes@1.31", True),
    ("cycles:postgresql", False),
    ("cycles:@16", False),
    ("pypi:requests", True),  # the listed sources still parse
])
def test_a_source_brings_its_own_name_rule(text: str, valid: bool) -> None:
    if valid:
        assert str(Ref.parse(text, SOURCES_TOO)) == text
    else:
        with pytest.raises(ValueError, match=r"write .*'cycles:PRODUCT@CYCLE'"):
            Ref.parse(text, SOURCES_TOO)
    with pytest.raises(ValueError):  # not in the list, not a reference
        Ref.parse("cycles:postgresql@16")


def test_a_source_is_read_through_the_fetcher(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/products/postgresql").respond_with_json({"releases": [
        {"name": "16", "released": "2023-09-14", "latest": "2025-11-13"},
        {"name": "13", "released": "2020-09-24", "latest": "2025-11-13"}]})
    httpserver.expect_request("/products/postgresql/notes").respond_with_json({})
    httpserver.expect_request("/products/nothing").respond_with_json({}, status=404)
    settings = Settings.model_validate({"cycles_url": base, "retries": 0})
    session = make_session(0, 0)
    fetcher = Fetcher(settings, lambda: session, NOW, None, GitHubGate(), sources=SOURCES_TOO)

    found = fetcher.fetch("cycles:postgresql@16")
    assert (found.outcome, found.source) == ("ok", f"{base}/products/postgresql")
    assert found.signals == {"released": "2023-09-14", "latest_release": "2025-11-13",
                             "notes": True}
    missing = fetcher.fetch("cycles:postgresql@9.6")  # the product answers, not the cycle
    assert (missing.outcome, missing.reason) == ("not-found",
                                                 "9.6 is not a cycle of postgresql")
    gone = fetcher.fetch("cycles:nothing@1")  # the server's 404
    assert (gone.outcome, gone.reason) == ("not-found", "HTTP 404 from Cycles")


def test_sources_sharing_an_api_share_its_setting() -> None:
    class Other(Cycles):  # a second kind the same service answers for
        kind = "others"
        api = "the same service"

    fields = url_settings([*SOURCES, CYCLES, Other()])
    assert list(fields) == ["pypi_url", "npm_url", "github_url", "cycles_url"]
    assert fields["cycles_url"][1].description == (
        "Base URL of a product-cycles API (env: DECISIONS_CYCLES_URL).")
    assert URL_ENV == {"pypi_url": "DECISIONS_PYPI_URL", "npm_url": "DECISIONS_NPM_URL",
                       "github_url": "DECISIONS_GITHUB_URL"}
    assert list(SignalsConfig.model_fields)[:3] == ["pypi_url", "npm_url", "github_url"]
