"""`decisions enrich` end to end, against a local server standing in for the registries."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from conftest import CONFIG, cli_env, run_cli, variant, write_decisions
from decision_records.settings.signals import SignalsConfig
from decision_records.signals.enrich import enrich
from decision_records.signals.snapshot import Snapshot, SnapshotEntry, dump_snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "signals"
TOKEN = "secret-token-123"
RECORD = variant("      - npm:react\n", "      - npm:left-pad\n")
REFS = ["github:psf/requests", "npm:left-pad", "pypi:requests"]
LINKED = "github:stevemao/left-pad"  # the repository npm:left-pad is published from
SIGNALS_CONFIG = CONFIG + "signals:\n  retries: 1\n  backoff: 0\n  read_timeout: 5\n"
RESET = int(dt.datetime(2026, 11, 30, 9, 33, tzinfo=dt.UTC).timestamp())


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD}, SIGNALS_CONFIG)


def env_for(httpserver: HTTPServer, **extra: str) -> dict[str, str]:
    base = httpserver.url_for("").rstrip("/")
    urls = {"DECISIONS_PYPI_URL": base, "DECISIONS_GITHUB_URL": base, "DECISIONS_NPM_URL": base}
    return cli_env(**{**urls, "GITHUB_TOKEN": TOKEN, **extra})


def serve_all(httpserver: HTTPServer, etags: bool = False) -> None:
    """The three references of RECORD, with ETags and 304s when asked."""
    docs = {"/pypi/requests/json": "pypi/requests.json",
            "/left-pad": "npm/left-pad.documented.json",
            "/repos/psf/requests": "github/psf-requests.json",
            "/repos/stevemao/left-pad": "github/stevemao-left-pad.json"}
    for path, name in docs.items():
        etag = f'"{name}"'
        if etags:
            httpserver.expect_request(path, headers={"If-None-Match": etag}).respond_with_data(
                "", status=304, headers={"ETag": etag})
        headers = {"ETag": etag} if etags else {}
        httpserver.expect_request(path).respond_with_response(
            Response(fixture(name), headers=headers, content_type="application/json"))
    httpserver.expect_request("/repos/psf/requests/releases/latest").respond_with_data(
        fixture("github/psf-requests-release.json"), content_type="application/json")
    httpserver.expect_request("/repos/stevemao/left-pad/releases/latest").respond_with_data(
        fixture("github/not-found.json"), status=404, content_type="application/json")
    for repo in ("psf/requests", "stevemao/left-pad"):
        httpserver.expect_request(f"/repos/{repo}/contributors").respond_with_data(
            "[{}]", content_type="application/json")


def enrich_cli(folder: Path, httpserver: HTTPServer, *args: str,
               **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli("enrich", *args, cwd=folder.parent, env=env_for(httpserver, **env))


def snapshot_of(folder: Path) -> dict[str, dict[str, object]]:
    data = json.loads((folder / "signals.json").read_text(encoding="utf-8"))
    return data["packages"]  # type: ignore[no-any-return]


def test_cold_then_warm_then_refresh_with_304(folder: Path, httpserver: HTTPServer) -> None:
    serve_all(httpserver, etags=True)
    cold = enrich_cli(folder, httpserver)
    assert cold.returncode == 0, cold.stderr
    assert cold.stderr == ("enrich: fetched 4, unchanged via 304 0, not found 0, failed 0, "
                           "skipped fresh 0\n")
    assert sorted(snapshot_of(folder)) == sorted([*REFS, LINKED])
    entry = snapshot_of(folder)["npm:left-pad"]
    assert entry["status"] == "ok" and entry["etag"] == '"npm/left-pad.documented.json"'
    text = (folder / "signals.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and text == dump_snapshot(Snapshot.model_validate_json(text))

    requests_so_far = len(httpserver.log)
    warm = enrich_cli(folder, httpserver)
    assert warm.stderr == ("enrich: fetched 0, unchanged via 304 0, not found 0, failed 0, "
                           "skipped fresh 4\n")
    assert len(httpserver.log) == requests_so_far  # no request at all
    assert (folder / "signals.json").read_text(encoding="utf-8") == text

    refreshed = enrich_cli(folder, httpserver, "--refresh")
    assert refreshed.stderr == ("enrich: fetched 0, unchanged via 304 4, not found 0, "
                                "failed 0, skipped fresh 0\n")
    after = snapshot_of(folder)
    assert after["pypi:requests"]["signals"] == json.loads(text)["packages"]["pypi:requests"][
        "signals"]
    for out in (cold, warm, refreshed):
        assert TOKEN not in out.stdout + out.stderr
    assert TOKEN not in (folder / "signals.json").read_text(encoding="utf-8")


def test_not_found_failures_and_nothing_lost(folder: Path, httpserver: HTTPServer) -> None:
    held = SnapshotEntry(status="ok", checked=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                         fetched=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), source="old",
                         signals={"first_release": "2011-02-14", "stars": 5})
    (folder / "signals.json").write_text(dump_snapshot(Snapshot(packages={
        "pypi:requests": held, "github:psf/requests": held})), encoding="utf-8")
    httpserver.expect_request("/pypi/requests/json").respond_with_data("{broken", status=200)
    httpserver.expect_request("/repos/psf/requests").respond_with_data("", status=500)
    httpserver.expect_request("/left-pad").respond_with_data("{}", status=404)
    result = enrich_cli(folder, httpserver)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "enrich: fetched 0, unchanged via 304 0, not found 1, failed 2, skipped fresh 0",
        "  not found: npm:left-pad",
        "  failed: github:psf/requests: HTTP 500 from GitHub (after retries)",
        "  failed: pypi:requests: malformed JSON in the response (line 1, column 2: Expecting "
        "property name enclosed in double quotes)",
    ]
    after = snapshot_of(folder)
    for ref in ("pypi:requests", "github:psf/requests"):
        assert after[ref]["signals"] == held.signals and after[ref]["status"] == "ok"
        assert after[ref]["fetched"] == "2026-01-01T00:00:00Z"
        assert after[ref]["error"]
    assert after["npm:left-pad"]["status"] == "not-found"


def test_rate_limit_stops_github_only(folder: Path, httpserver: HTTPServer) -> None:
    held = SnapshotEntry(status="ok", checked=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                         fetched=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), source="old",
                         signals={"stars": 5})
    (folder / "signals.json").write_text(dump_snapshot(Snapshot(packages={
        "github:psf/requests": held})), encoding="utf-8")
    httpserver.expect_request("/repos/psf/requests").respond_with_data(
        fixture("github/rate-limit.json"), status=403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(RESET)})
    httpserver.expect_request("/pypi/requests/json").respond_with_data(
        fixture("pypi/requests.json"))
    httpserver.expect_request("/left-pad").respond_with_data(
        fixture("npm/left-pad.documented.json"))
    result = enrich_cli(folder, httpserver)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "enrich: fetched 2, unchanged via 304 0, not found 0, failed 0, skipped fresh 0, "
        "skipped for GitHub's rate limit 2",
        "GitHub rate limit reached: GitHub fetching stopped for this run (2 not fetched, kept "
        "as they were); it resets at 2026-11-30 09:33 UTC",
    ]
    assert snapshot_of(folder)["github:psf/requests"] == json.loads(
        held.model_dump_json(exclude_none=True))
    assert [r.path for r, _ in httpserver.log].count("/repos/psf/requests") == 1


def test_offline_fetches_and_changes_nothing(folder: Path, httpserver: HTTPServer) -> None:
    result = enrich_cli(folder, httpserver, "--offline")
    assert result.returncode == 0
    assert result.stderr == ("offline: nothing fetched, decisions/signals.json unchanged; a run "
                             "would fetch 3 of 3 references\n")
    assert not (folder / "signals.json").exists()
    assert httpserver.log == []


def test_refs_limit_the_run(folder: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/left-pad").respond_with_data(
        fixture("npm/left-pad.documented.json"))
    httpserver.expect_request("/repos/stevemao/left-pad").respond_with_data(
        fixture("github/request-request.json"))
    result = enrich_cli(folder, httpserver, "npm:left-pad")
    assert result.returncode == 0, result.stderr
    # the package and the repository it is published from
    assert sorted(snapshot_of(folder)) == ["github:stevemao/left-pad", "npm:left-pad"]


@pytest.mark.parametrize(("args", "message"), [
    (["pip:requests"], "'pip:requests' is not a package reference"),
    (["--bogus"], "No such option '--bogus'"),
])
def test_usage_errors_exit_2(folder: Path, httpserver: HTTPServer, args: list[str],
                             message: str) -> None:
    result = enrich_cli(folder, httpserver, *args)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_base_url_and_corrupt_snapshot_exit_2(folder: Path, httpserver: HTTPServer) -> None:
    bad = enrich_cli(folder, httpserver, DECISIONS_NPM_URL="ftp://example")
    assert (bad.returncode, bad.stderr) == (
        2, "Error: DECISIONS_NPM_URL: not an http(s) base URL\n")
    (folder / "signals.json").write_text("{nope", encoding="utf-8")
    corrupt = enrich_cli(folder, httpserver)
    assert corrupt.returncode == 2
    assert corrupt.stderr == (
        "Error: decisions/signals.json:1:2: not valid JSON (Expecting property name enclosed "
        "in double quotes); restore it from git (git checkout -- decisions/signals.json) or "
        "delete it and run `decisions enrich`\n")
    assert (folder / "signals.json").read_text(encoding="utf-8") == "{nope"


def test_token_stays_out_of_logs(httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    serve_all(httpserver)
    base = httpserver.url_for("").rstrip("/")
    settings = SignalsConfig(pypi_url=base, npm_url=base, retries=0).with_env(
        {"DECISIONS_GITHUB_URL": base})
    snapshot, summary = enrich(Snapshot(), REFS, settings, now=dt.datetime.now(dt.UTC),
                               token=TOKEN)
    assert len(summary.fetched) == 4
    assert any(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r, _ in httpserver.log)
    assert TOKEN not in caplog.text and TOKEN not in dump_snapshot(snapshot)
    assert "Bearer" not in caplog.text


def test_concurrency_is_bounded(httpserver: HTTPServer) -> None:
    serve_all(httpserver)
    base = httpserver.url_for("").rstrip("/")
    seen: list[str] = []
    settings = SignalsConfig(pypi_url=base, github_url=base, npm_url=base, concurrency=1)
    snapshot, _ = enrich(Snapshot(), REFS, settings, now=dt.datetime.now(dt.UTC),
                         progress=lambda ref, total: seen.append(f"{ref}/{total}"))
    # the linked repository joins the count once it is known
    assert sorted(seen) == sorted([*(f"{r}/3" for r in REFS), f"{LINKED}/4"])
    assert sorted(snapshot.packages) == sorted([*REFS, LINKED])


@pytest.mark.online
def test_real_pypi(request: pytest.FixtureRequest) -> None:
    """Touches the real PyPI: run with `pytest -m online`."""
    if "online" not in str(request.config.getoption("-m") or "").replace("not online", ""):
        pytest.skip("touches the internet; run with -m online")
    snapshot, summary = enrich(Snapshot(), ["pypi:requests"], SignalsConfig(),
                               now=dt.datetime.now(dt.UTC), follow_links=False)
    assert summary.fetched == ["pypi:requests"], summary.lines()
    entry = snapshot.get("pypi:requests")
    assert entry is not None and entry.signals["first_release"] == "2011-02-14"
