"""The HTTP clients against a real local server: statuses, retries, limits, bad bodies."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from decision_records.refs import Ref
from decision_records.settings.signals import SignalsConfig
from decision_records.signals.clients import Fetcher, FetchResult, GitHubGate
from decision_records.signals.enrich import Summary
from decision_records.signals.http import USER_AGENT, make_session

FIXTURES = Path(__file__).parent / "fixtures" / "signals"
NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
TOKEN = "secret-token-123"
RESET = int(dt.datetime(2026, 11, 30, 9, 33, 20, tzinfo=dt.UTC).timestamp())


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def settings_for(base: str, **extra: object) -> SignalsConfig:
    """Settings for a local server; its GitHub URL comes from the environment, as it must
    for a token to be sent there."""
    return SignalsConfig.model_validate({
        "pypi_url": base, "github_url": base, "npm_url": base, "retries": 2, "backoff": 0,
        "connect_timeout": 2, "read_timeout": 2, **extra}).with_env(
            {"DECISIONS_GITHUB_URL": base})


def make_fetcher(base: str, token: str | None = None, **extra: object) -> Fetcher:
    settings = settings_for(base, **extra)
    session = make_session(settings.retries, settings.backoff, settings.max_retry_after)
    return Fetcher(settings, lambda: session, NOW, token, GitHubGate())


@pytest.fixture
def base(httpserver: HTTPServer) -> str:
    return httpserver.url_for("").rstrip("/")


def json_response(name: str, status: int = 200, **headers: str) -> Response:
    return Response(fixture(name), status, headers=headers, content_type="application/json")


# --- 200: the three registries ---------------------------------------------------------------


def test_pypi_200_parses_the_recorded_document(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/pypi/requests/json").respond_with_response(
        json_response("pypi/requests.json", ETag='"r1"'))
    result = make_fetcher(base).fetch("pypi:requests")
    assert result == FetchResult(
        "pypi:requests", "ok", f"{base}/pypi/requests/json", etag='"r1"', signals={
            "name": "requests", "latest_version": "2.34.2", "first_release": "2011-02-14",
            "last_release": "2026-05-14", "releases": 158, "releases_last_year": 6,
            "pre_1_0_only": False, "maintainers": 3, "vulnerabilities": [],
            "licence": "Apache-2.0", "repository": "github:psf/requests"})


def test_npm_scoped_name_is_one_path_segment(httpserver: HTTPServer, base: str) -> None:
    # the server decodes %2f; the raw request line shows what was sent
    httpserver.expect_request("/@types/left-pad").respond_with_response(
        json_response("npm/types-left-pad.json"))
    result = make_fetcher(base).fetch("npm:@types/left-pad")
    assert result.outcome == "ok"
    raw = httpserver.log[-1][0].environ["RAW_URI"]
    assert raw.lower() == "/@types%2fleft-pad"
    assert result.signals is not None and result.signals["name"] == "@types/left-pad"


def test_github_200_with_token_fetches_release_and_contributors(
    httpserver: HTTPServer, base: str,
) -> None:
    httpserver.expect_request("/repos/psf/requests").respond_with_response(
        json_response("github/psf-requests.json", ETag='W/"g1"'))
    httpserver.expect_request("/repos/psf/requests/releases/latest").respond_with_response(
        json_response("github/psf-requests-release.json"))
    httpserver.expect_request("/repos/psf/requests/contributors").respond_with_response(
        Response("[{}]", headers={"Link": f'<{base}/repos/psf/requests/contributors?per_page=1'
                                          '&page=2>; rel="next", <'
                                          f'{base}/repos/psf/requests/contributors?per_page=1'
                                          '&page=771>; rel="last"'},
                 content_type="application/json"))
    result = make_fetcher(base, token=TOKEN).fetch("github:psf/requests")
    assert result.outcome == "ok" and result.etag == 'W/"g1"'
    assert result.signals == {
        "name": "psf/requests", "created": "2011-02-13", "pushed": "2026-11-20", "stars": 53000,
        "licence": "Apache-2.0", "homepage": "https://requests.readthedocs.io",
        "last_release": "2026-05-14", "latest_version": "v2.34.2", "contributors": 771}
    for request, _ in httpserver.log:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert request.headers["Accept"] == "application/vnd.github+json"
        assert request.headers["User-Agent"] == USER_AGENT


def test_github_without_token_costs_one_request(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/repos/request/request").respond_with_response(
        json_response("github/request-request.json"))
    result = make_fetcher(base).fetch("github:request/request")
    assert result.signals is not None and result.signals["archived"] is True
    assert len(httpserver.log) == 1
    assert "Authorization" not in httpserver.log[0][0].headers


def test_token_goes_to_github_only(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/pypi/mkdocs/json").respond_with_response(
        json_response("pypi/mkdocs.json"))
    httpserver.expect_request("/is-number").respond_with_response(
        json_response("npm/is-number.json"))
    fetcher = make_fetcher(base, token=TOKEN)
    assert fetcher.fetch("pypi:mkdocs").outcome == "ok"
    assert fetcher.fetch("npm:is-number").outcome == "ok"
    for request, _ in httpserver.log:
        assert "Authorization" not in request.headers
        assert request.headers["User-Agent"] == USER_AGENT


# --- 304, 404 ------------------------------------------------------------------------------


def test_304_answers_a_conditional_request(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/repos/psf/requests", headers={"If-None-Match": 'W/"g1"'}
                              ).respond_with_data("", status=304, headers={"ETag": 'W/"g1"'})
    result = make_fetcher(base, token=TOKEN).fetch("github:psf/requests", etag='W/"g1"')
    assert (result.outcome, result.etag, result.signals) == ("not-modified", 'W/"g1"', None)
    assert len(httpserver.log) == 1  # no release or contributor requests on a 304


@pytest.mark.parametrize(("ref", "path"), [
    ("pypi:no-such-package-x", "/pypi/no-such-package-x/json"),
    ("npm:no-such-package-x", "/no-such-package-x"),
    ("github:nobody/nothing", "/repos/nobody/nothing"),
])
def test_404_is_not_found(httpserver: HTTPServer, base: str, ref: str, path: str) -> None:
    body = fixture("github/not-found.json") if ref.startswith("github") else '{"message":"x"}'
    httpserver.expect_request(path).respond_with_data(body, status=404)
    result = make_fetcher(base).fetch(ref)
    assert result.outcome == "not-found"
    assert result.reason is not None and "HTTP 404" in result.reason


# --- retries --------------------------------------------------------------------------------


def test_500_then_success_is_retried(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_oneshot_request("/pypi/mkdocs/json").respond_with_data("oops", status=500)
    httpserver.expect_oneshot_request("/pypi/mkdocs/json").respond_with_data("oops", status=503)
    httpserver.expect_request("/pypi/mkdocs/json").respond_with_response(
        json_response("pypi/mkdocs.json"))
    result = make_fetcher(base).fetch("pypi:mkdocs")
    assert result.outcome == "ok"
    assert [r.status_code for _, r in httpserver.log] == [500, 503, 200]


def test_500_every_time_is_an_error_after_the_retries(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/pypi/mkdocs/json").respond_with_data("oops", status=502)
    result = make_fetcher(base).fetch("pypi:mkdocs")
    assert (result.outcome, result.reason) == ("error", "HTTP 502 from PyPI (after retries)")
    assert len(httpserver.log) == 3  # the first try and two retries


def test_429_with_retry_after_is_honoured_for_pypi(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_oneshot_request("/pypi/mkdocs/json").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_request("/pypi/mkdocs/json").respond_with_response(
        json_response("pypi/mkdocs.json"))
    start = time.perf_counter()
    result = make_fetcher(base).fetch("pypi:mkdocs")
    assert result.outcome == "ok"
    assert time.perf_counter() - start >= 0.9


def test_retry_after_beyond_the_limit_is_not_waited_for(httpserver: HTTPServer,
                                                        base: str) -> None:
    httpserver.expect_request("/pypi/mkdocs/json").respond_with_data(
        "come back tomorrow", status=503, headers={"Retry-After": "86400"})
    start = time.perf_counter()
    result = make_fetcher(base).fetch("pypi:mkdocs")
    assert result.outcome == "error" and time.perf_counter() - start < 2
    assert len(httpserver.log) == 1


# --- GitHub's rate limit ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit_stops_github_and_the_rest_carries_on(
    httpserver: HTTPServer, base: str, status: int,
) -> None:
    httpserver.expect_request("/repos/psf/requests").respond_with_response(json_response(
        "github/rate-limit.json", status, **{"x-ratelimit-remaining": "0",
                                             "x-ratelimit-reset": str(RESET)}))
    httpserver.expect_request("/pypi/mkdocs/json").respond_with_response(
        json_response("pypi/mkdocs.json"))
    fetcher = make_fetcher(base, token=TOKEN)
    summary = Summary(token=True)
    for ref in ["github:psf/requests", "github:request/request", "pypi:mkdocs"]:
        summary.add(fetcher.fetch(ref))
    # one request to GitHub, not retried; the second repository is not even asked for
    paths = [r.path for r, _ in httpserver.log]
    assert paths == ["/repos/psf/requests", "/pypi/mkdocs/json"]
    assert summary.fetched == ["pypi:mkdocs"]
    assert summary.rate_limited == ["github:psf/requests", "github:request/request"]
    assert summary.rate_limit_message() == (
        "GitHub rate limit reached: GitHub fetching stopped for this run (2 not fetched, kept "
        "as they were); it resets at 2026-11-30 09:33 UTC")


def test_403_without_spent_limit_is_a_plain_error(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/repos/psf/requests").respond_with_data(
        '{"message": "Forbidden"}', status=403, headers={"x-ratelimit-remaining": "4999"})
    fetcher = make_fetcher(base)
    result = fetcher.fetch("github:psf/requests")
    assert (result.outcome, result.reason) == ("error", "HTTP 403 from GitHub")
    assert not fetcher.gate.closed


# --- bad responses ------------------------------------------------------------------------------


def test_slow_response_past_the_read_timeout(httpserver: HTTPServer, base: str) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return json_response("pypi/mkdocs.json")

    httpserver.expect_request("/pypi/mkdocs/json").respond_with_handler(slow)
    start = time.perf_counter()
    result = make_fetcher(base, read_timeout=0.2, retries=0).fetch("pypi:mkdocs")
    assert result.outcome == "error"
    assert result.reason is not None and "read timeout" in result.reason
    assert time.perf_counter() - start < 1.0


def test_malformed_json(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/left-pad").respond_with_data(
        '{"name": "left-pad", "versions": {', content_type="application/json")
    result = make_fetcher(base).fetch("npm:left-pad")
    assert result.outcome == "error"
    assert result.reason == ("malformed JSON in the response (line 1, column 35: Expecting "
                             "property name enclosed in double quotes)")


@pytest.mark.parametrize(("body", "reason"), [
    ("[1, 2]", "expected a JSON object, got list"),
    ('{"info": "nope"}', "unexpected response: 'info' is not an object"),
    ('{"info": {}, "releases": {"1.0": 5}}', "unexpected response: release '1.0' is not a list"),
])
def test_json_of_the_wrong_shape(httpserver: HTTPServer, base: str, body: str,
                                 reason: str) -> None:
    httpserver.expect_request("/pypi/x/json").respond_with_data(body)
    assert make_fetcher(base).fetch("pypi:x").reason == reason


@pytest.fixture
def truncating_server() -> Iterator[str]:
    """A server that promises 5,000 bytes, sends 40 and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 5000\r\n\r\n" + b'{"info": {"name": "x"}, "rele')

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


def test_truncated_body(truncating_server: str) -> None:
    result = make_fetcher(truncating_server, retries=0).fetch("pypi:x")
    assert result.outcome == "error"
    assert result.reason == "the response from 127.0.0.1:" + truncating_server.rsplit(
        ":", 1)[1] + " was cut short (truncated body)"


def test_enormous_body_declared(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/pypi/big/json").respond_with_data("x" * 3_000_000)
    result = make_fetcher(base, max_response_mb=1).fetch("pypi:big")
    assert result.reason == ("the response is 3 MB, more than the 1 MB read at most "
                             "(signals.max_response_mb); not read")


def test_enormous_body_streamed_without_a_length(httpserver: HTTPServer, base: str) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(400):  # 40 MB if nobody stops reading
                sent.append(1)
                yield b" " * 100_000
        return Response(chunks(), content_type="application/json")

    httpserver.expect_request("/pypi/big/json").respond_with_handler(endless)
    result = make_fetcher(base, max_response_mb=1).fetch("pypi:big")
    assert result.reason == ("the response is larger than the 1 MB read at most "
                             "(signals.max_response_mb); reading stopped")


def test_unreachable_host_is_tried_once_per_run() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed again: nothing listens there
    fetcher = make_fetcher(f"http://127.0.0.1:{port}", retries=1)
    first = fetcher.fetch("github:a/b")
    start = time.perf_counter()
    second = fetcher.fetch("github:c/d")
    assert first.outcome == second.outcome == "error"
    refused = f"cannot connect to 127.0.0.1:{port}: connection refused"
    assert first.reason == second.reason == refused
    assert time.perf_counter() - start < 0.05


def test_no_token_in_logs_or_reasons(httpserver: HTTPServer, base: str,
                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/repos/psf/requests").respond_with_data(
        f"not json {TOKEN}", status=200)
    httpserver.expect_request("/repos/a/b").respond_with_data("", status=500)
    fetcher = make_fetcher(base, token=TOKEN)
    results = [fetcher.fetch("github:psf/requests"), fetcher.fetch("github:a/b")]
    assert all(r.outcome == "error" for r in results)
    assert TOKEN not in caplog.text
    assert TOKEN not in json.dumps([r.reason for r in results])
    assert "GET" in caplog.text  # the requests were logged, without headers


def test_parse_ref_rejects_what_the_model_rejects() -> None:
    assert str(Ref.parse("npm:@scope/name")) == "npm:@scope/name"
    with pytest.raises(ValueError, match="is not a package reference"):
        Ref.parse("pip:requests")


@pytest.mark.parametrize("doc", [
    {"info": {"name": "x", "classifiers": 5}, "releases": {}},
    {"info": {"name": "x"}, "releases": {"1.0": [{"upload_time_iso_8601":
                                                  "0001-01-01T00:00:00+01:00"}]}},
    {"info": {"name": "x"}, "releases": {"1.0": "not a list"}},
], ids=["classifiers-number", "year-one", "release-not-list"])
def test_an_oddly_shaped_reply_fails_that_reference_alone(httpserver: HTTPServer, base: str,
                                                          doc: dict[str, object]) -> None:
    import json as _json

    httpserver.expect_request("/pypi/x/json").respond_with_data(
        _json.dumps(doc), content_type="application/json")
    result = make_fetcher(base).fetch("pypi:x")
    assert result.outcome in ("error", "ok")  # never an exception out of the worker
    if result.outcome == "error":
        assert result.reason and "\n" not in result.reason
