"""decisions/signals.json: reading, writing, merging, and the /signals/ page built from it."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from conftest import CONFIG, TODAY, VALID_RECORD, render_context, write_decisions
from decision_records.loader import load_decisions
from decision_records.render.signals import render_signals_page
from decision_records.signals.clients import FetchResult
from decision_records.signals.enrich import is_fresh, merge
from decision_records.signals.snapshot import (
    Snapshot,
    SnapshotEntry,
    SnapshotError,
    dump_snapshot,
    load_snapshot,
    save_snapshot,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
EARLIER = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
OK = SnapshotEntry(status="ok", checked=EARLIER, fetched=EARLIER, source="http://x/pypi/a/json",
                   etag='"e1"', signals={"first_release": "2011-02-14", "maintainers": 3})

EXPECTED_TEXT = """\
{
  "format": 1,
  "packages": {
    "npm:@scope/b": {
      "checked": "2026-11-27T12:00:00Z",
      "error": "HTTP 500 from npm (after retries)",
      "signals": {},
      "source": "http://x/@scope%2fb",
      "status": "error"
    },
    "pypi:a": {
      "checked": "2026-11-01T09:30:00Z",
      "etag": "\\"e1\\"",
      "fetched": "2026-11-01T09:30:00Z",
      "signals": {
        "first_release": "2011-02-14",
        "maintainers": 3
      },
      "source": "http://x/pypi/a/json",
      "status": "ok"
    }
  }
}
"""


def sample() -> Snapshot:
    failed = SnapshotEntry(status="error", checked=NOW, source="http://x/@scope%2fb",
                           error="HTTP 500 from npm (after retries)")
    return Snapshot(packages={"pypi:a": OK, "npm:@scope/b": failed})


def test_missing_snapshot_reads_as_empty(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path) == Snapshot()


def test_stable_sorted_format_and_round_trip(tmp_path: Path) -> None:
    path = save_snapshot(tmp_path, sample())
    assert path.read_text(encoding="utf-8") == EXPECTED_TEXT
    assert load_snapshot(tmp_path) == sample()
    assert dump_snapshot(load_snapshot(tmp_path)) == EXPECTED_TEXT


@pytest.mark.parametrize(("content", "message"), [
    (b'{"format": 1, "packages": {', "decisions/signals.json:1:28: not valid JSON (Expecting "
     "property name enclosed in double quotes)"),
    (b"\xff\xfe", "decisions/signals.json:1:1: not UTF-8 text"),
    (b'{"format": 2}', "decisions/signals.json:1:1: not a signals snapshot: format: Input "
     "should be 1"),
    (b'{"packages": {"pypi:a": {"status": "fine"}}}', "decisions/signals.json:1:1: not a "
     "signals snapshot: packages.pypi:a.status: Input should be 'ok', 'not-found' or 'error'"),
    (b"[" * 100_000, "decisions/signals.json:1:1: not valid JSON (nested too deeply)"),
])
def test_corrupt_snapshot_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            content: bytes, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "signals.json").write_bytes(content)
    with pytest.raises(SnapshotError) as err:
        load_snapshot(folder)
    text = str(err.value)
    assert "\n" not in text
    assert text == (f"{message}; restore it from git (git checkout -- decisions/signals.json) "
                    "or delete it and run `decisions enrich`")
    finding = err.value.finding()
    assert (finding.rule, finding.severity, finding.path) == (
        "signals-snapshot", "error", "decisions/signals.json")


def test_interrupted_write_leaves_the_old_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    save_snapshot(tmp_path, sample())

    def boom(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        save_snapshot(tmp_path, Snapshot())
    assert (tmp_path / "signals.json").read_text(encoding="utf-8") == EXPECTED_TEXT
    assert [p.name for p in tmp_path.iterdir()] == ["signals.json"]


# --- merging a fetch into the snapshot: nothing held is ever lost -------------------------------


@pytest.mark.parametrize("result", [
    FetchResult("pypi:a", "error", "http://x/pypi/a/json", reason="cannot connect to x: refused"),
    FetchResult("pypi:a", "error", "http://x/pypi/a/json", reason="malformed JSON in the response"),
    FetchResult("pypi:a", "not-modified", "http://x/pypi/a/json"),
    FetchResult("pypi:a", "rate-limited", "http://x/pypi/a/json"),
])
def test_failures_keep_the_old_entry(result: FetchResult) -> None:
    merged = merge(OK, result, NOW)
    assert merged is not None
    assert (merged.signals, merged.status, merged.source) == (OK.signals, "ok", OK.source)
    if result.outcome == "error":
        assert (merged.error, merged.fetched, merged.checked, merged.etag) == (
            result.reason, EARLIER, NOW, '"e1"')
        assert not is_fresh(merged, NOW, 7)  # retried on the next run
    elif result.outcome == "not-modified":
        assert (merged.fetched, merged.error, merged.etag) == (NOW, None, '"e1"')
        assert is_fresh(merged, NOW, 7)
    else:
        assert merged == OK


def test_merge_of_new_references() -> None:
    ok = merge(None, FetchResult("pypi:a", "ok", "u", signals={"x": 1}, etag='"2"'), NOW)
    assert ok == SnapshotEntry(status="ok", checked=NOW, fetched=NOW, source="u", etag='"2"',
                               signals={"x": 1})
    gone = merge(OK, FetchResult("pypi:a", "not-found", "u", reason="HTTP 404 from PyPI"), NOW)
    assert gone is not None and (gone.status, gone.signals, gone.fetched) == (
        "not-found", OK.signals, NOW)
    failed = merge(None, FetchResult("pypi:a", "error", "u", reason="boom"), NOW)
    assert failed == SnapshotEntry(status="error", checked=NOW, source="u", error="boom")
    assert merge(None, FetchResult("github:a/b", "rate-limited", "u"), NOW) is None


@pytest.mark.parametrize(("age_days", "fresh"), [(0, True), (6.9, True), (7, False), (30, False)])
def test_freshness(age_days: float, fresh: bool) -> None:
    entry = OK.model_copy(update={"fetched": NOW - dt.timedelta(days=age_days)})
    assert is_fresh(entry, NOW, 7) is fresh
    assert not is_fresh(None, NOW, 7)


# --- the /signals/ page -----------------------------------------------------------------------


def test_signals_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": VALID_RECORD}, CONFIG)
    decisions = load_decisions(folder, today=TODAY)
    snapshot = Snapshot(packages={
        "pypi:requests": OK.model_copy(update={"signals": {
            "first_release": "2011-02-14", "last_release": "2026-05-14", "maintainers": 3,
            "licence": "Apache-2.0", "repository": "github:psf/requests"}}),
        "npm:react": SnapshotEntry(status="not-found", checked=NOW, fetched=NOW, source="u"),
    })
    decisions.snapshot = snapshot
    page = render_signals_page(render_context(decisions, TODAY))
    assert page.startswith('<p>Every package and repository the decisions refer to')
    assert '<table class="dr-index dr-signals-table" data-index>' in page
    assert ('<th data-sort="package" aria-sort="none"><button type="button">Package</button>'
            "</th>") in page
    assert len(re.findall(r"<tr id=\"[a-z0-9-]+\" data-category=", page)) == 3
    assert '<tr id="pypi-requests" data-category="boring" data-kind="pypi">' in page
    assert '<tr id="npm-react" data-category="unknown" data-kind="npm">' in page
    assert "no GitHub data in the snapshot" in page  # github:psf/requests has no entry
    assert '<a href="../decisions/0001-buy-paging/" title="Buy a paging service">0001</a>' in page
    assert "fetched between 2026-11-01 and 2026-11-27" in page


def test_a_time_without_timezone_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "signals.json").write_text(
        '{"format": 1, "packages": {"pypi:x": {"checked": "2024-01-01T00:00:00", '
        '"source": "http://x/", "status": "ok"}}}', encoding="utf-8")
    with pytest.raises(SnapshotError) as err:
        load_snapshot(folder)
    assert "timezone" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("setting", ["max_age_days: .inf", "max_response_mb: .nan",
                                     "connect_timeout: 1e300"])
def test_unbounded_signal_settings_are_config_errors(tmp_path: Path, setting: str) -> None:
    from decision_records.loader import ConfigError, load_config

    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "config.yaml").write_text(f"signals:\n  {setting}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(folder)
    assert err.value.findings[0].line == 2
