"""Drift since the decision, the category history behind it, `decisions review` and the
pages that show them: each kind of degradation checked with a snapshot from before and one
from after."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import (
    CONFIG,
    TODAY,
    render_context,
    run_cli,
    site_for_test,
    variant,
    write_decisions,
)
from decision_records.loader import load_decisions
from decision_records.render.pages import render_review, render_summary
from decision_records.render.record import render_record
from decision_records.review import Review, review
from decision_records.settings.signals import Thresholds
from decision_records.signals.clients import FetchResult
from decision_records.signals.enrich import merge, with_history
from decision_records.signals.maturity import assess
from decision_records.signals.snapshot import (
    HISTORY_MAX,
    CategoryChange,
    Signals,
    Snapshot,
    SnapshotEntry,
    dump_snapshot,
    parse_snapshot,
)
from test_signals_enrich import RECORD as ENRICH_RECORD
from test_signals_enrich import SIGNALS_CONFIG, env_for, fixture, serve_all

T = Thresholds()
FETCHED = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
SINCE = dt.date(2026, 10, 2)
# boring on TODAY: old, released this year, three owners, a licence
GOOD: Signals = {"first_release": "2011-02-14", "last_release": "2026-05-14", "maintainers": 3,
                 "licence": "Apache-2.0", "latest_version": "2.34.2", "pre_1_0_only": False}
RECORD = variant("      - pypi:requests\n      - github:psf/requests\n", "      - pypi:p\n")


def entry(signals: Signals | None = None, status: str = "ok",
          history: list[CategoryChange] | None = None) -> SnapshotEntry:
    return SnapshotEntry.model_validate({"status": status, "checked": FETCHED, "fetched": FETCHED,
                                         "source": "http://x/", "signals": signals or {},
                                         "history": history})


def was(category: str, day: dt.date = dt.date(2025, 1, 6)) -> list[CategoryChange]:
    return [CategoryChange(date=day, category=category, reasons=["as it was"])]  # type: ignore[arg-type]


def load(tmp_path: Path, snapshot: Snapshot, record: str = RECORD,
         today: dt.date = TODAY) -> Review:
    root = write_decisions(tmp_path, {"0001-buy-paging.yaml": record})
    (root / "signals.json").write_text(dump_snapshot(snapshot), encoding="utf-8")
    decisions = load_decisions(root, today)
    return review(decisions, today)


# --- the history in the snapshot ----------------------------------------------------------


def test_old_snapshots_without_history_still_load_and_stay_as_they_were() -> None:
    text = json.dumps({"format": 1, "packages": {"pypi:p": {
        "status": "ok", "checked": "2026-11-20T08:00:00Z", "fetched": "2026-11-20T08:00:00Z",
        "source": "http://x/", "signals": GOOD}}}, indent=2, sort_keys=True) + "\n"
    loaded = parse_snapshot(text.encode(), Path("signals.json"))
    assert loaded.packages["pypi:p"].changes == []
    assert dump_snapshot(loaded) == text  # no empty "history" key appears


def test_history_round_trips_through_the_file() -> None:
    snapshot = Snapshot(packages={"pypi:p": entry(GOOD, history=was("boring"))})
    text = dump_snapshot(snapshot)
    assert '"history": [' in text and '"date": "2025-01-06"' in text
    assert parse_snapshot(text.encode(), Path("signals.json")) == snapshot


def test_a_bad_history_is_a_one_line_error() -> None:
    data = {"format": 1, "packages": {"pypi:p": {
        "status": "ok", "checked": "2026-11-20T08:00:00Z", "source": "http://x/",
        "history": [{"date": "2026-13-01", "category": "boring"}]}}}
    with pytest.raises(Exception) as e:
        parse_snapshot(json.dumps(data).encode(), Path("signals.json"))
    assert str(e.value).startswith("signals.json:1:1: not a signals snapshot: "
                                   "packages.pypi:p.history.0.date")
    assert "\n" not in str(e.value)


DAY = dt.date(2026, 11, 26)
RISKY: Signals = {**GOOD, "deprecated": "use q instead"}


@pytest.mark.parametrize(("name", "before", "signals", "status", "after"), [
    ("first sight notes the category of the day", None, GOOD, "ok",
     [(DAY, "boring")]),
    ("the same category adds nothing", was("boring"), GOOD, "ok",
     [(dt.date(2025, 1, 6), "boring")]),
    ("a change is added with its day", was("boring"), RISKY, "ok",
     [(dt.date(2025, 1, 6), "boring"), (DAY, "risky")]),
    ("a second run the same day replaces that day's change", was("boring") + was("risky", DAY),
     GOOD, "ok", [(dt.date(2025, 1, 6), "boring")]),
    ("a second run the same day with news keeps one change for the day",
     was("boring", dt.date(2024, 1, 1)) + was("emerging", DAY), RISKY, "ok",
     [(dt.date(2024, 1, 1), "boring"), (DAY, "risky")]),
    ("nothing to judge by adds nothing", was("boring"), {}, "error",
     [(dt.date(2025, 1, 6), "boring")]),
    ("a 404 is news", was("boring"), GOOD, "not-found",
     [(dt.date(2025, 1, 6), "boring"), (DAY, "unknown")]),
])
def test_history_notes_category_changes(name: str, before: list[CategoryChange] | None,
                                        signals: Signals, status: str,
                                        after: list[tuple[dt.date, str]]) -> None:
    snapshot = Snapshot(packages={"pypi:p": entry(signals, status, before)})
    new = with_history(snapshot, T, DAY).packages["pypi:p"]
    assert [(c.date, c.category) for c in new.changes] == after, name
    if after and after[-1][0] == DAY:
        assert list(new.changes[-1].reasons) == list(
            assess("pypi:p", snapshot, T, DAY).reasons)


def test_history_is_capped_and_keeps_the_latest() -> None:
    many = [CategoryChange(date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                           category="boring" if i % 2 else "established", reasons=[])
            for i in range(HISTORY_MAX)]
    snapshot = Snapshot(packages={"pypi:p": entry(RISKY, history=many)})
    changes = with_history(snapshot, T, DAY).packages["pypi:p"].changes
    assert len(changes) == HISTORY_MAX
    assert changes[0] == many[1] and (changes[-1].date, changes[-1].category) == (DAY, "risky")


def test_history_keeps_few_short_reasons() -> None:
    long = {**GOOD, "deprecated": "x" * 1000, "inactive": True, "yanked": True,
            "vulnerabilities": ["PYSEC-1"], "last_release": "2020-01-01"}
    snapshot = Snapshot(packages={"pypi:p": entry(long)})
    change = with_history(snapshot, T, DAY).packages["pypi:p"].changes[-1]
    assert len(change.reasons) == 4 and all(len(r) <= 300 for r in change.reasons)


@pytest.mark.parametrize("outcome", ["ok", "not-modified", "not-found", "error",
                                     "rate-limited"])
def test_a_fetch_never_loses_the_history(outcome: str) -> None:
    previous = entry(GOOD, history=was("boring"))
    result = FetchResult("pypi:p", outcome, source="http://x/",  # type: ignore[arg-type]
                         signals=GOOD if outcome == "ok" else None, reason="boom")
    merged = merge(previous, result, FETCHED)
    assert merged is not None and merged.changes == previous.changes


# --- drift: each kind, before and after ----------------------------------------------------

ARCHIVED_REPO: Signals = {"name": "o/r", "created": "2012-01-10", "pushed": "2026-11-01",
                          "stars": 60000, "licence": "Apache-2.0", "archived": True}

KINDS: list[tuple[str, dict[str, SnapshotEntry], list[str], str, str]] = [
    ("archived", {"pypi:p": entry({**GOOD, "repository": "github:o/r"}),
                  "github:o/r": entry(ARCHIVED_REPO)},
     ["archived"], "risky", "archived on GitHub (o/r)"),
    ("deprecated", {"pypi:p": entry({**GOOD, "deprecated": "use q instead"})},
     ["deprecated"], "risky", "deprecated: use q instead"),
    ("yanked", {"pypi:p": entry({**GOOD, "yanked": True})},
     ["yanked"], "risky", "latest release 2.34.2 was yanked from PyPI"),
    ("unfixed advisories", {"pypi:p": entry({**GOOD, "vulnerabilities": ["PYSEC-2026-1"]})},
     ["advisories"], "risky", "latest release 2.34.2 has 1 unfixed advisory (PYSEC-2026-1)"),
    ("inactive", {"pypi:p": entry({**GOOD, "inactive": True})},
     ["inactive"], "risky", "marked inactive (Development Status :: 7 - Inactive)"),
    ("dormant: no release for years", {"pypi:p": entry({**GOOD, "last_release": "2022-06-01"})},
     ["dormant"], "risky", "last release 2022-06-01, 4 years ago: none within 3 years"),
    ("gone from its registry", {"pypi:p": entry(GOOD, status="not-found")},
     ["not-found"], "unknown", "not found on PyPI"),
]


@pytest.mark.parametrize(("kind", "after", "flags", "now", "reason"), KINDS,
                         ids=[k[0] for k in KINDS])
def test_each_kind_of_degradation_is_drift(tmp_path: Path, kind: str,
                                           after: dict[str, SnapshotEntry], flags: list[str],
                                           now: str, reason: str) -> None:
    # before: the package as it was, its history saying boring since before the decision
    before = Snapshot(packages={"pypi:p": entry(GOOD, history=was("boring"))})
    assert load(tmp_path / "before", before).drifted == []
    # after: enrich saw the change on SINCE and noted it in the history
    changed = Snapshot(packages={**after, "pypi:p": after["pypi:p"].model_copy(
        update={"history": was("boring")})})
    noted = with_history(changed, T, SINCE)
    drifted = load(tmp_path / "after", noted).drifted
    assert len(drifted) == 1, kind
    d = drifted[0]
    assert (d.ref, d.was, d.assumed_from, d.now, d.since) == (
        "pypi:p", "boring", "history", now, SINCE)
    assert list(d.flags) == flags and reason in d.reasons
    gone = "gone" if now == "unknown" else now
    assert d.sentence == (f"boring when 0001 was accepted (2026-03-02); {gone} since "
                          f"2026-10-02: {'; '.join(d.reasons)}")


@pytest.mark.parametrize(("name", "record", "history", "expected"), [
    ("no history, 0 tokens: established assumed", RECORD, None, ("established", "tokens")),
    ("no history, a token: emerging assumed",
     RECORD.replace("    innovation_tokens: 0\n", "    innovation_tokens: 1\n", 1),
     None, ("emerging", "tokens")),
    ("history starting after the decision: the tokens decide", RECORD,
     was("boring", dt.date(2026, 6, 1)), ("established", "tokens")),
    ("history from before the decision wins", RECORD, was("emerging", dt.date(2025, 1, 1)),
     ("emerging", "history")),
    ("a history of unknown says nothing", RECORD, was("unknown", dt.date(2025, 1, 1)),
     ("established", "tokens")),
])
def test_what_the_decision_assumed(tmp_path: Path, name: str, record: str,
                                   history: list[CategoryChange] | None,
                                   expected: tuple[str, str]) -> None:
    snapshot = Snapshot(packages={"pypi:p": entry({**GOOD, "yanked": True}, history=history)})
    (d,) = load(tmp_path, snapshot, record).drifted
    assert (d.was, d.assumed_from) == expected, name
    assert d.since is None  # the history has not seen it become risky yet
    if d.assumed_from == "tokens":
        tokens = 0 if d.was == "established" else 1
        assert d.sentence.startswith(
            f"{d.was} when 0001 was accepted (2026-03-02), assumed from the {tokens} "
            f"innovation token{'s' * (tokens != 1)} it declared; risky now: ")


WAIVED = RECORD + "waivers:\n  - rule: risky-choice\n    reason: We know it is on its way out.\n"


@pytest.mark.parametrize(("name", "record", "history"), [
    ("risky when it was accepted, by the history", RECORD, was("risky", dt.date(2025, 1, 1))),
    ("risky accepted knowingly, by a waiver", WAIVED, None),
    ("a proposed record is not in force", variant("status: accepted\n", "status: proposed\n",
                                                  RECORD), None),
    ("a rejected option's package does not count",
     RECORD.replace("      - pypi:p\n", "      - pypi:ok\n").replace(
         "      - npm:react\n", "      - pypi:p\n"), None),
])
def test_no_drift(tmp_path: Path, name: str, record: str,
                  history: list[CategoryChange] | None) -> None:
    snapshot = Snapshot(packages={"pypi:p": entry({**GOOD, "yanked": True}, history=history),
                                  "pypi:ok": entry(GOOD)})
    assert load(tmp_path, snapshot, record).drifted == [], name


def test_emerging_or_established_today_is_no_drift(tmp_path: Path) -> None:
    young = {**GOOD, "first_release": "2026-01-01"}
    snapshot = Snapshot(packages={"pypi:p": entry(young, history=was("boring"))})
    assert load(tmp_path, snapshot).drifted == []


# --- decisions review ---------------------------------------------------------------------

DUE_RECORD = variant("review_by: 2027-03-02\n", "review_by: 2026-11-01\n",
                     variant("title: Buy a paging service\n", "title: Keep the | pipes\n"))
IMPORTED = RECORD.replace("title: Buy a paging service\n", "title: Imported one\n") + (
    "imported:\n  source: adr/0003-x.md\n  date: 2026-11-01\n  guesses:\n"
    "    - field: team\n      note: guessed from the folder\n")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD,
                                      "0002-keep-pipes.yaml": DUE_RECORD,
                                      "0003-imported.yaml": IMPORTED}, CONFIG)
    snapshot = Snapshot(packages={
        "pypi:p": entry({**GOOD, "yanked": True}, history=was("boring") + was("risky", SINCE)),
        "pypi:requests": entry(GOOD), "github:psf/requests": entry(GOOD)})
    (root / "signals.json").write_text(dump_snapshot(snapshot), encoding="utf-8")
    return root


def test_review_json_has_the_documented_shape(folder: Path) -> None:
    result = run_cli("review", "--format", "json", cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"due", "drifted", "end_of_life", "imported"}
    assert data["due"] == [{"id": "0002-keep-pipes", "title": "Keep the | pipes",
                            "team": "platform", "review_by": "2026-11-01",
                            "days_overdue": 25}]
    (drift,) = [d for d in data["drifted"] if d["id"] == "0001-buy-paging"]
    assert drift == {
        "id": "0001-buy-paging", "title": "Buy a paging service", "team": "platform",
        "ref": "pypi:p", "was": "boring", "assumed_from": "history", "accepted": "2026-03-02",
        "now": "risky", "since": "2026-10-02", "kinds": ["yanked"],
        "reasons": ["latest release 2.34.2 was yanked from PyPI"]}
    assert [d["id"] for d in data["drifted"]] == ["0001-buy-paging", "0003-imported"]
    (imported,) = data["imported"]
    assert imported["id"] == "0003-imported" and imported["guesses"] == 1
    assert imported["source"] == "adr/0003-x.md"


def test_review_text(folder: Path) -> None:
    result = run_cli("review", cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "due      0002-keep-pipes: review was due on 2026-11-01 (25 days ago)"
    assert lines[1] == ("drifted  0001-buy-paging: pypi:p: boring when 0001 was accepted "
                        "(2026-03-02); risky since 2026-10-02: latest release 2.34.2 was "
                        "yanked from PyPI")
    assert lines[3].startswith("imported 0003-imported: 0 to fill in, 1 to confirm")
    assert lines[-1] == ("1 due, 2 drifted, 0 at or near end of life, 1 imported awaiting "
                         "review")


def test_review_markdown_escapes_and_is_stable(folder: Path) -> None:
    first = run_cli("review", "--format", "markdown", cwd=folder.parent)
    assert first.returncode == 0, first.stderr
    md = first.stdout
    assert "### Past their review date (1)" in md
    assert "| 0002 Keep the \\| pipes | platform | 2026-11-01 |" in md
    assert "### Drifted since the decision (2)" in md
    assert "| `pypi:p` | boring when 0001 was accepted \\(2026-03-02\\) | risky since " \
           "2026-10-02 | latest release 2.34.2 was yanked from PyPI |" in md
    assert "### Imported, awaiting review (1)" in md
    # a later day changes nothing in the text: the pull request is left alone
    later = run_cli("review", "--format", "markdown", cwd=folder.parent,
                    env={"DECISIONS_TODAY": "2026-11-27", "PATH": "/usr/bin"})
    assert later.stdout == md


def test_review_respects_decisions_today(folder: Path) -> None:
    before = run_cli("review", "--format", "json", cwd=folder.parent,
                     env={"DECISIONS_TODAY": "2026-10-01"})
    assert json.loads(before.stdout)["due"] == []
    bad = run_cli("review", cwd=folder.parent, env={"DECISIONS_TODAY": "someday"})
    assert bad.returncode == 2 and "DECISIONS_TODAY" in bad.stderr


@pytest.mark.parametrize("args", [["review", "--format", "html"], ["review", "--nope"],
                                  ["review", "extra"]])
def test_review_usage_errors_exit_2(folder: Path, args: list[str]) -> None:
    assert run_cli(*args, cwd=folder.parent).returncode == 2


def test_review_of_nothing(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    for fmt, expected in (("text", "nothing needs a review\n"),
                          ("json", '{\n  "due": [],\n  "drifted": [],\n  "end_of_life": [],\n  '
                                   '"imported": []\n}\n')):
        result = run_cli("review", "--format", fmt, cwd=tmp_path)
        assert (result.returncode, result.stdout) == (0, expected)
    md = run_cli("review", "--format", "markdown", cwd=tmp_path).stdout
    assert md.startswith("Nothing needs a review")


@pytest.mark.parametrize("snapshot", ['{"format": 1, "packages": {"pypi:p": 5}}', "[", ""])
def test_an_unreadable_snapshot_is_said_not_taken_for_no_drift(folder: Path,
                                                               snapshot: str) -> None:
    """A list without drift because signals.json did not load would be a false all-clear."""
    (folder / "signals.json").write_text(snapshot, encoding="utf-8")
    result = run_cli("review", cwd=folder.parent)
    assert result.returncode == 0 and "drifted  " not in result.stdout
    assert ("note: decisions/signals.json could not be read, so drift was not checked; "
            "run `decisions validate`") in result.stderr


def test_review_of_a_missing_folder_exits_2(tmp_path: Path) -> None:
    result = run_cli("review", cwd=tmp_path)
    assert result.returncode == 2 and "no decisions folder" in result.stderr


def test_registry_text_stays_on_one_line(folder: Path) -> None:
    snapshot = Snapshot(packages={"pypi:p": entry(
        {**GOOD, "deprecated": "gone\n::error::pwned | <b>x</b>"})})
    (folder / "signals.json").write_text(dump_snapshot(snapshot), encoding="utf-8")
    text = run_cli("review", cwd=folder.parent).stdout
    assert not any(line.startswith("::") for line in text.splitlines())
    md = run_cli("review", "--format", "markdown", cwd=folder.parent).stdout
    assert "<b>" not in md and "\\|" in md


# --- the pages ------------------------------------------------------------------------------


def test_pages_show_drift_and_count_it(folder: Path) -> None:
    site = site_for_test(folder)
    ctx = site.context
    page = render_review(ctx)
    assert "Drifted since the decision (2)" in page
    assert "latest release 2.34.2 was yanked from PyPI" in page
    assert "boring when 0001 was accepted (2026-03-02)" in page
    assert "risky since 2026-10-02" in page
    assert 'href="../signals/#pypi-p"' in page and "Overdue (1)" in page
    entry = ctx.decisions.get("0001-buy-paging")
    assert entry is not None
    record = render_record(entry, ctx)
    assert "Drift since the decision" in record and "risky since 2026-10-02" in record
    # the drift sits under the chosen option's maturity badges
    assert record.index("dr-maturity-risky") < record.index("Drift since the decision") < \
        record.index('id="decision"')
    other = ctx.decisions.get("0002-keep-pipes")
    assert other is not None and "Drift since the decision" not in render_record(other, ctx)
    home = render_summary(ctx)
    assert "1 past their review date" in home and "2 drifted since they were decided" in home
    assert "1 imported, awaiting review" in home and 'href="review/#drifted"' in home


def test_record_pages_depend_on_the_snapshot(folder: Path) -> None:
    """Under `mkdocs serve --dirty`, a new snapshot rebuilds the record pages showing drift."""
    before = site_for_test(folder).page_keys()
    (folder / "signals.json").write_text(dump_snapshot(Snapshot()) + " ", encoding="utf-8")
    after = site_for_test(folder).page_keys()
    assert before["decisions/0001-buy-paging.md"] != after["decisions/0001-buy-paging.md"]


def test_no_drift_no_section(tmp_path: Path) -> None:
    root = write_decisions(tmp_path, {"0001-buy-paging.yaml": RECORD})
    snapshot = Snapshot(packages={"pypi:p": entry(GOOD)})
    (root / "signals.json").write_text(dump_snapshot(snapshot), encoding="utf-8")
    ctx = render_context(load_decisions(root, TODAY))
    assert "Drifted since" not in render_review(ctx)
    assert "Needs a human" not in render_summary(ctx)


# --- end to end: enrich notes the change, review reports it ---------------------------------


def test_enrich_keeps_the_history_that_review_reads(tmp_path: Path,
                                                    httpserver: HTTPServer) -> None:
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": ENRICH_RECORD}, SIGNALS_CONFIG)
    serve_all(httpserver)
    first = run_cli("enrich", cwd=tmp_path, env=env_for(httpserver))
    assert first.returncode == 0, first.stderr
    data = json.loads((folder / "signals.json").read_text(encoding="utf-8"))
    for ref, held in data["packages"].items():
        (change,) = held["history"]
        assert change["date"] == held["fetched"][:10], ref
    assert data["packages"]["pypi:requests"]["history"][0]["category"] == "boring"
    # as if that run had been before the decision
    for held in data["packages"].values():
        held["history"][0]["date"] = "2025-01-06"
    (folder / "signals.json").write_text(json.dumps(data), encoding="utf-8")
    assert run_cli("review", "--format", "json", cwd=tmp_path).stdout.count('"ref"') == 0

    # the latest release of requests is yanked
    doc = json.loads(fixture("pypi/requests.json"))
    doc["info"]["yanked"] = True
    httpserver.clear()
    httpserver.expect_request("/pypi/requests/json").respond_with_json(doc)  # matched first
    serve_all(httpserver)
    again = run_cli("enrich", "--refresh", cwd=tmp_path, env=env_for(httpserver))
    assert again.returncode == 0, again.stderr
    packages = json.loads((folder / "signals.json").read_text(encoding="utf-8"))["packages"]
    history = packages["pypi:requests"]["history"]
    assert [c["category"] for c in history] == ["boring", "risky"]
    assert history[1]["reasons"] == ["latest release 2.34.2 was yanked from PyPI"]
    assert len(packages["npm:left-pad"]["history"]) == 1  # nothing changed there
    drifted = json.loads(run_cli("review", "--format", "json", cwd=tmp_path).stdout)["drifted"]
    assert [(d["ref"], d["was"], d["assumed_from"], d["now"], d["since"]) for d in drifted] == [
        ("pypi:requests", "boring", "history", "risky", history[1]["date"])]


# --- --max-bytes: the pull request's body, cut at a whole entry --------------------------

MORE = re.compile(r"^(\d+) more not shown: `decisions review` prints the whole list\.$", re.M)
# a long title with a mention (which the list puts in a code span) and characters of
# three UTF-8 bytes, so a cut by bytes would land inside one or the other
LONG_TITLE = "Ask @platform-team about 日本語の名前 and keep `code` with @sre " * 2


def overdue_folder(root: Path, count: int) -> Path:
    """A decisions folder of `count` accepted records, all past their review date."""
    text = variant("review_by: 2027-03-02\n", "review_by: 2025-01-01\n",
                   variant("title: Buy a paging service\n", "title: TITLE\n"))
    return write_decisions(root, {
        f"{i:04d}-overdue.yaml": text.replace("TITLE", f"'{i} {LONG_TITLE.strip()}'")
        for i in range(1, count + 1)})


def rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines()
            if line.startswith("| ") and not line.startswith("| Record |")]


@pytest.mark.parametrize("limit", [1000, 2500, 6000, 12000])
def test_max_bytes_stops_at_a_whole_entry_and_counts_the_rest(tmp_path: Path,
                                                             limit: int) -> None:
    overdue_folder(tmp_path, 100)
    whole = run_cli("review", "--format", "markdown", cwd=tmp_path).stdout
    assert len(whole.encode()) > 12000 and len(rows(whole)) == 100
    cut = run_cli("review", "--format", "markdown", "--max-bytes", str(limit), cwd=tmp_path)
    assert cut.returncode == 0, cut.stderr
    body = cut.stdout
    assert len(body.encode("utf-8")) <= limit
    kept = rows(body)
    (more,) = MORE.findall(body)
    assert kept and len(kept) + int(more) == 100
    assert kept == rows(whole)[:len(kept)]  # whole rows, in order: no span cut open
    assert all(line.count("`") % 2 == 0 for line in kept)
    # and as many as fit: the next row (and its line break) would not have, even with the
    # count of those left out a digit shorter
    after = rows(whole)[len(kept)]
    assert len(body.encode()) + len(after.encode()) + 1 - 1 > limit
    assert body.endswith("`decisions review` prints this list.\n")


def test_max_bytes_leaves_a_list_that_fits_as_it_is(tmp_path: Path) -> None:
    overdue_folder(tmp_path, 20)
    whole = run_cli("review", "--format", "markdown", cwd=tmp_path).stdout
    size = len(whole.encode())
    for limit, same in ((size, True), (60000, True), (size - 1, False)):
        cut = run_cli("review", "--format", "markdown", "--max-bytes", str(limit),
                      cwd=tmp_path).stdout
        assert (cut == whole) is same and bool(MORE.search(cut)) is not same


def test_max_bytes_cuts_across_the_tables(folder: Path) -> None:
    """Due, drifted and imported are cut in that order; a table left without a row is left
    out whole, heading included."""
    due = (folder / "0002-keep-pipes.yaml").read_text(encoding="utf-8")
    for n in range(10, 20):
        (folder / f"{n:04d}-due.yaml").write_text(
            due.replace("title: Keep the | pipes", f"title: '{LONG_TITLE.strip()}'"),
            encoding="utf-8")
    whole = run_cli("review", "--format", "markdown", cwd=folder.parent).stdout
    assert len(rows(whole)) == 14 and len(whole.encode()) > 2000
    headings = ["### Past their review date (11)", "### Drifted since the decision (2)",
                "### Imported, awaiting review (1)"]
    assert all(h in whole for h in headings)
    for limit, tables in ((len(whole.encode()) - 1, 2), (1000, 1)):
        cut = run_cli("review", "--format", "markdown", "--max-bytes", str(limit),
                      cwd=folder.parent).stdout
        kept = rows(cut)
        assert kept == rows(whole)[:len(kept)] and len(cut.encode()) <= limit
        assert MORE.findall(cut) == [str(14 - len(kept))]
        assert [h for h in headings if h in cut] == headings[:tables], cut


@pytest.mark.parametrize(("args", "message"), [
    (["--max-bytes", "60000"], "--max-bytes cuts the Markdown list: give it with --format "
                               "markdown"),
    (["--max-bytes", "60000", "--format", "json"], "--max-bytes cuts the Markdown list"),
    (["--max-bytes", "10", "--format", "markdown"], "10 is not in the range x>=1000"),
])
def test_max_bytes_mistakes_exit_2(folder: Path, args: list[str], message: str) -> None:
    result = run_cli("review", *args, cwd=folder.parent)
    assert result.returncode == 2 and message in result.stderr, result.stderr
