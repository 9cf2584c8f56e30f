"""`decisions enrich` against hostile or broken surroundings: a config that points the token
elsewhere, redirects, servers that stall, Ctrl-C, records that fail to load, registry text
that tries to print lines of its own."""

from __future__ import annotations

import datetime as dt
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import CONFIG, cli_env, run_cli, write_decisions
from decision_records.settings.signals import URL_ENV, SignalsConfig
from decision_records.signals.clients import Fetcher, GitHubGate
from decision_records.signals.enrich import Summary, enrich
from decision_records.signals.http import make_session
from decision_records.signals.snapshot import Snapshot, SnapshotEntry, dump_snapshot
from test_signals_enrich import RECORD, SIGNALS_CONFIG, TOKEN, fixture, serve_all, snapshot_of

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
REPO_DOC = fixture("github/psf-requests.json")


def clean_env(**extra: str) -> dict[str, str]:
    """cli_env without any DECISIONS_*_URL from the surrounding environment."""
    env = {k: v for k, v in cli_env().items() if k not in URL_ENV.values()}
    return {**env, **extra}


def fetcher_for(settings: SignalsConfig, token: str | None = TOKEN) -> Fetcher:
    session = make_session(settings.retries, settings.backoff, settings.max_retry_after)
    return Fetcher(settings, lambda: session, NOW, token, GitHubGate())


def authorizations(server: HTTPServer) -> list[str | None]:
    return [request.headers.get("Authorization") for request, _ in server.log]


def held(ref: str) -> SnapshotEntry:
    when = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    return SnapshotEntry(status="ok", checked=when, fetched=when, source=ref, signals={"stars": 1})


# --- row 1: where the token goes ---------------------------------------------------------------


def test_a_github_url_from_config_yaml_gets_no_token(tmp_path: Path,
                                                     httpserver: HTTPServer) -> None:
    """A pull request that points signals.github_url at its own server learns nothing."""
    httpserver.expect_request("/repos/o/r").respond_with_data(REPO_DOC)
    base = httpserver.url_for("").rstrip("/")
    config = CONFIG + f"signals:\n  github_url: {base}\n  retries: 0\n"
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD}, config)
    result = run_cli("enrich", "github:o/r", cwd=folder.parent,
                     env=clean_env(GITHUB_TOKEN=TOKEN))
    assert result.returncode == 0, result.stderr
    assert authorizations(httpserver) == [None]  # asked, but without the token
    assert snapshot_of(folder)["github:o/r"]["status"] == "ok"
    notes = [line for line in result.stderr.splitlines() if "GITHUB_TOKEN" in line]
    assert notes == ["  GITHUB_TOKEN not sent: signals.github_url in config.yaml is not the "
                     "GitHub API, and a token goes only there or to a base URL set in "
                     "DECISIONS_GITHUB_URL"]
    assert TOKEN not in result.stderr + result.stdout


def test_the_same_url_from_the_environment_gets_the_token(tmp_path: Path,
                                                          httpserver: HTTPServer) -> None:
    httpserver.expect_request("/repos/o/r").respond_with_data(REPO_DOC)
    httpserver.expect_request("/repos/o/r/releases/latest").respond_with_data("{}", status=404)
    httpserver.expect_request("/repos/o/r/contributors").respond_with_data("[]")
    base = httpserver.url_for("").rstrip("/")
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD}, SIGNALS_CONFIG)
    result = run_cli("enrich", "github:o/r", cwd=folder.parent,
                     env=clean_env(GITHUB_TOKEN=TOKEN, DECISIONS_GITHUB_URL=base))
    assert result.returncode == 0, result.stderr
    assert authorizations(httpserver) == [f"Bearer {TOKEN}"] * 3
    assert "GITHUB_TOKEN" not in result.stderr


@pytest.mark.parametrize(("config", "env", "refused"), [
    ({}, {}, None),  # the public API
    ({"github_url": "https://api.github.com/"}, {}, None),
    ({"github_url": "http://api.github.com"}, {}, "config.yaml"),  # plain http
    ({"github_url": "https://api.github.com.evil.example"}, {}, "config.yaml"),
    ({"github_url": "https://api.github.com:8443"}, {}, "config.yaml"),
    ({}, {"DECISIONS_GITHUB_URL": "https://github.example.com/api/v3"}, None),
    ({}, {"DECISIONS_GITHUB_URL": "http://127.0.0.1:8080"}, None),  # loopback
    ({}, {"DECISIONS_GITHUB_URL": "http://[::1]:8080"}, None),
    ({}, {"DECISIONS_GITHUB_URL": "http://localhost:8080"}, None),
    ({}, {"DECISIONS_GITHUB_URL": "http://10.0.0.1:8080"}, "plain http"),
    ({}, {"DECISIONS_GITHUB_URL": "http://github.example.com"}, "plain http"),
    # another variable from the environment does not make config.yaml's URL trusted
    ({"github_url": "https://evil.example"}, {"DECISIONS_PYPI_URL": "https://pypi.example"},
     "config.yaml"),
])
def test_token_refusals(config: dict[str, str], env: dict[str, str],
                        refused: str | None) -> None:
    settings = SignalsConfig.model_validate(config).with_env(env)
    refusal = settings.github_token_refusal()
    assert (refusal is None) == (refused is None), refusal
    fetcher = fetcher_for(settings)
    assert fetcher.github_token == (None if refused else TOKEN)
    if refused:
        assert refusal is not None and refused in refusal
        assert fetcher.notes == [f"GITHUB_TOKEN not sent: {refusal}"]


def test_config_yaml_cannot_claim_its_url_came_from_the_environment() -> None:
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        SignalsConfig.model_validate({"_github_url_from_env": True})


@pytest.fixture
def other_host() -> Iterator[HTTPServer]:
    """A second server: another origin (its own port) than httpserver's."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_token_never_follows_a_redirect_to_another_origin(httpserver: HTTPServer,
                                                          other_host: HTTPServer) -> None:
    other_host.expect_request("/repos/moved/away").respond_with_data(REPO_DOC)
    httpserver.expect_request("/repos/psf/requests").respond_with_data(
        "", status=301, headers={"Location": other_host.url_for("/repos/moved/away")})
    # a redirect within the same origin keeps the token (GitHub answers renames so)
    httpserver.expect_request("/repos/old/name").respond_with_data(
        "", status=301, headers={"Location": "/repositories/42"})
    httpserver.expect_request("/repositories/42").respond_with_data(REPO_DOC)
    base = httpserver.url_for("").rstrip("/")
    settings = SignalsConfig(retries=0).with_env({"DECISIONS_GITHUB_URL": base})
    fetcher = fetcher_for(settings)
    moved = fetcher.fetch("github:psf/requests")
    assert moved.outcome == "ok"
    assert authorizations(other_host) == [None]
    assert fetcher.notes == ["GITHUB_TOKEN not sent to 127.0.0.1: a redirect led away from "
                             "the GitHub API's host"]
    renamed = fetcher.fetch("github:old/name")
    assert renamed.outcome == "ok"
    assert authorizations(httpserver)[-2:] == [f"Bearer {TOKEN}"] * 2


# --- row 5: a record that fails to load -------------------------------------------------------


def test_nothing_is_pruned_while_a_record_fails_to_load(tmp_path: Path,
                                                        httpserver: HTTPServer) -> None:
    serve_all(httpserver)
    broken = RECORD.replace("      - npm:left-pad\n", "      - npm:is-number\n") + "  : [\n"
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD,
                                        "0002-broken.yaml": broken}, SIGNALS_CONFIG)
    before = {"npm:is-number": held("npm:is-number"), "pypi:gone": held("pypi:gone")}
    (folder / "signals.json").write_text(dump_snapshot(Snapshot(packages=before)),
                                         encoding="utf-8")
    base = httpserver.url_for("").rstrip("/")
    env = clean_env(**{var: base for var in URL_ENV.values()})
    result = run_cli("enrich", cwd=folder.parent, env=env)
    assert result.returncode == 0, result.stderr
    after = snapshot_of(folder)
    assert {"npm:is-number", "pypi:gone"} <= set(after)  # kept: 0002 may still name them
    assert "npm:left-pad" in after  # and the rest was fetched as usual
    assert ("  nothing pruned: 1 record file did not load (decisions/0002-broken.yaml); "
            "signals of references no loaded record names are kept") in result.stderr.splitlines()

    (folder / "0002-broken.yaml").unlink()  # with every record loading, pruning resumes
    result = run_cli("enrich", cwd=folder.parent, env=env)
    assert "nothing pruned" not in result.stderr
    assert not {"npm:is-number", "pypi:gone"} & set(snapshot_of(folder))


# --- row 6: a deadline per request, and Ctrl-C -------------------------------------------------


@contextmanager
def raw_server(talk: Callable[[socket.socket, threading.Event], None]
               ) -> Iterator[tuple[str, threading.Event]]:
    """A local server whose every connection reads the request and then runs talk."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop, accepted = threading.Event(), threading.Event()

    def handle(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                talk(conn, stop)
            except OSError:
                pass  # the client hung up: what a deadline does

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.set()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join()
        listener.close()


def dribble(head: bytes, every: float) -> Callable[[socket.socket, threading.Event], None]:
    """Send head whole, then one byte every `every` seconds, forever."""

    def talk(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head)
        while not stop.wait(every):
            conn.sendall(b" ")

    return talk


def dribble_head(conn: socket.socket, stop: threading.Event) -> None:
    """The status line itself, one byte at a time."""
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
        if stop.wait(0.2):
            return
        conn.sendall(bytes([byte]))


SLOW_BODY = dribble(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000\r\n\r\n{", 0.2)
SLOW_CHUNKS = dribble(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      b"Connection: close\r\n\r\n{", 0.2)


@pytest.mark.parametrize("talk", [SLOW_BODY, SLOW_CHUNKS, dribble_head],
                         ids=["body", "body-until-close", "status-line"])
def test_a_dribbling_server_meets_the_deadline(talk: Callable[[socket.socket,
                                                                threading.Event], None]) -> None:
    with raw_server(talk) as (base, _):
        settings = SignalsConfig(pypi_url=base, retries=2, backoff=0, read_timeout=5,
                                 deadline=1.0)
        start = time.monotonic()
        result = fetcher_for(settings).fetch("pypi:slow")
        took = time.monotonic() - start
    assert result.outcome == "error"
    host = base.removeprefix("http://")
    assert result.reason == (f"no complete answer from {host} within 1 s (signals.deadline): "
                             "the server is slow or stalling; try again later, or raise "
                             "signals.deadline")
    assert 0.9 < took < 2.0


def test_retry_waits_count_towards_the_deadline(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/pypi/busy/json").respond_with_data(
        "busy", status=503, headers={"Retry-After": "5"})
    base = httpserver.url_for("").rstrip("/")
    settings = SignalsConfig(pypi_url=base, retries=3, deadline=2)
    start = time.monotonic()
    result = fetcher_for(settings).fetch("pypi:busy")
    assert result.outcome == "error" and "within 2 s (signals.deadline)" in (result.reason or "")
    assert time.monotonic() - start < 1.0  # no point waiting 5 s with 2 s to go
    assert len(httpserver.log) == 1


def test_the_deadline_reaches_the_summary_as_one_failed_reference() -> None:
    with raw_server(SLOW_BODY) as (base, _):
        settings = SignalsConfig(pypi_url=base, npm_url=base, retries=0, deadline=0.5)
        _, summary = enrich(Snapshot(), ["pypi:slow"], settings, now=NOW, follow_links=False)
    assert list(summary.failed) == ["pypi:slow"]
    assert "signals.deadline" in summary.lines()[1]


def test_ctrl_c_stops_at_once_and_keeps_the_snapshot(tmp_path: Path) -> None:
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD},
                             CONFIG + "signals:\n  retries: 0\n  read_timeout: 30\n")
    snapshot = dump_snapshot(Snapshot(packages={"pypi:requests": held("pypi:requests")}))
    (folder / "signals.json").write_text(snapshot, encoding="utf-8")
    with raw_server(SLOW_BODY) as (base, accepted):
        env = clean_env(GITHUB_TOKEN=TOKEN, **{var: base for var in URL_ENV.values()})
        proc = subprocess.Popen([sys.executable, "-m", "decision_records", "enrich", "--refresh"],
                                cwd=folder.parent, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8")
        try:
            assert accepted.wait(30), "enrich never connected"
            time.sleep(0.5)  # the requests are under way, reading a byte at a time
            assert proc.poll() is None
            start = time.monotonic()
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=10)
            took = time.monotonic() - start
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert took < 2.0, err
    assert proc.returncode != 0
    assert "Traceback" not in err and "Exception" not in err, err
    # interrupted means unchanged: nothing half-fetched is saved
    assert (folder / "signals.json").read_text(encoding="utf-8") == snapshot
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


# --- row 7: registry text prints no line of its own --------------------------------------------


def test_registry_text_cannot_start_a_line(tmp_path: Path, httpserver: HTTPServer) -> None:
    hostile = {"info": {"name": "x"},
               "releases": {"1.0\n::error file=x::pwned\r::add-mask::\x1b[2J\u202e": 5}}
    httpserver.expect_request("/pypi/x/json").respond_with_data(json.dumps(hostile))
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD}, SIGNALS_CONFIG)
    base = httpserver.url_for("").rstrip("/")
    result = run_cli("enrich", "pypi:x", cwd=folder.parent,
                     env=clean_env(DECISIONS_PYPI_URL=base))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[1] == ("  failed: pypi:x: unexpected response: release '1.0\\n::error "
                        "file=x::pwned\\r::add-mask::\\x1b[2J\\u202e' is not a list")
    assert len(lines) == 2
    assert not any(line.lstrip().startswith("::") for line in lines)


def test_summary_lines_are_single_lines() -> None:
    summary = Summary(notes=["GITHUB_TOKEN not sent to evil\n::warning::x"])
    summary.failed["npm:a"] = "bad\r\n::error::y\x07"
    summary.not_found.append("npm:b\u2028::notice::z")
    for line in summary.lines():
        assert line == line.strip("\n") and len(line.splitlines()) == 1
        assert not line.startswith("::") and "\x07" not in line
