"""The maturity model as a table of cases; the validation rules and the rendering on top."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import decision_records.rules.signals as checks
from conftest import CONFIG, TODAY, VALID_RECORD, render_context, variant, write_decisions
from decision_records.config import Config
from decision_records.findings import Finding
from decision_records.loader import load_decisions
from decision_records.model import Option
from decision_records.records import Decisions
from decision_records.render.context import RenderContext
from decision_records.render.signals import option_badges
from decision_records.rules import RULES
from decision_records.rules.base import Context, Reporter
from decision_records.settings.signals import Thresholds
from decision_records.signals.maturity import ago, assess, assess_option
from decision_records.signals.snapshot import Signals, Snapshot, SnapshotEntry
from decision_records.signals.sources.npm import parse_npm
from decision_records.signals.sources.pypi import parse_pypi

FIXTURES = Path(__file__).parent / "fixtures" / "signals"
FETCHED = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
T = Thresholds()


def entry(signals: Signals | None = None, status: str = "ok", error: str | None = None,
          fetched: dt.datetime | None = FETCHED) -> SnapshotEntry:
    return SnapshotEntry.model_validate({"status": status, "checked": FETCHED, "fetched": fetched,
                                         "source": "http://x/", "signals": signals or {},
                                         "error": error})


def snap(**entries: SnapshotEntry) -> Snapshot:
    """snap(pypi__x=...) -> a snapshot keyed 'pypi:x' ('__' stands for ':', '_' for '/')."""
    return Snapshot(packages={k.replace("__", ":").replace("_", "/"): v
                              for k, v in entries.items()})


OLD: Signals = {"first_release": "2011-02-14", "last_release": "2026-05-14", "maintainers": 3,
       "licence": "Apache-2.0", "latest_version": "2.34.2", "pre_1_0_only": False}
REPO: Signals = {"name": "o/r", "created": "2012-01-10", "pushed": "2026-11-01", "stars": 60000,
        "licence": "Apache-2.0"}
GH_DOWN = "cannot connect to api.example: the host name does not resolve"

CASES: list[tuple[str, str, Snapshot, str, list[str]]] = [
    ("boring: old, recent, several owners", "pypi:p", snap(pypi__p=entry(OLD)), "boring", [
        "first release 2011-02-14, 15 years ago", "last release 2026-05-14, 6 months ago",
        "3 owners on PyPI", "licence Apache-2.0"]),
    ("established: one owner, its GitHub data missing", "pypi:p",
     snap(pypi__p=entry({**OLD, "maintainers": 1, "repository": "github:o/r"}),
          github__o_r=entry(status="error", error=GH_DOWN, fetched=None)),
     "established", [
         "first release 2011-02-14, 15 years ago", "last release 2026-05-14, 6 months ago",
         "not boring: 1 owner (fewer than 2), no GitHub data in the snapshot for github:o/r"]),
    ("boring: one owner but many stars on the linked repository", "pypi:p",
     snap(pypi__p=entry({**OLD, "maintainers": 1, "repository": "github:o/r"}),
          github__o_r=entry(REPO)), "boring", [
         "first release 2011-02-14, 15 years ago", "last release 2026-05-14, 6 months ago",
         "60,000 GitHub stars", "licence Apache-2.0"]),
    ("boring: owned by a PyPI organization", "pypi:p",
     snap(pypi__p=entry({**OLD, "maintainers": None, "organization": "django"})), "boring", [
         "first release 2011-02-14, 15 years ago", "last release 2026-05-14, 6 months ago",
         "owned by the PyPI organization django", "licence Apache-2.0"]),
    ("established: no licence, no repository", "pypi:p",
     snap(pypi__p=entry({**OLD, "licence": None, "maintainers": 1})), "established", [
         "first release 2011-02-14, 15 years ago", "last release 2026-05-14, 6 months ago",
         "not boring: 1 owner (fewer than 2), no GitHub repository linked; "
         "no licence declared"]),
    ("established: not old enough, last release a while ago", "pypi:p",
     snap(pypi__p=entry({**OLD, "first_release": "2023-01-01",
                         "last_release": "2024-06-01"})), "established", [
         "first release 2023-01-01, 3 years ago", "last release 2024-06-01, 2 years ago",
         "not boring: first released less than 5 years ago; no release within 2 years"]),
    ("emerging: young", "pypi:p",
     snap(pypi__p=entry({**OLD, "first_release": "2025-02-19"})), "emerging", [
         "first release 2025-02-19, 1 year ago: less than 2 years"]),
    ("emerging: young and only pre-1.0 releases", "pypi:p",
     snap(pypi__p=entry({**OLD, "first_release": "2023-02-01", "pre_1_0_only": True,
                         "latest_version": "0.26.0"})),
     "emerging", ["only pre-1.0 releases (latest 0.26.0)"]),
    ("established: old but still pre-1.0 (a versioning habit)", "pypi:p",
     snap(pypi__p=entry({**OLD, "pre_1_0_only": True, "latest_version": "0.26.0"})),
     "established", ["first release 2011-02-14, 15 years ago",
                     "last release 2026-05-14, 6 months ago",
                     "not boring: only pre-1.0 releases (latest 0.26.0)"]),
    ("risky: unfixed advisories and dormant", "pypi:p",
     snap(pypi__p=entry({**OLD, "last_release": "2014-06-20", "latest_version": "2.6.1",
                         "vulnerabilities": ["PYSEC-2017-94", "PYSEC-2018-97"]})), "risky", [
         "latest release 2.6.1 has 2 unfixed advisories (PYSEC-2017-94, PYSEC-2018-97)",
         "last release 2014-06-20, 12 years ago: none within 3 years"]),
    ("risky: one advisory", "pypi:p",
     snap(pypi__p=entry({**OLD, "vulnerabilities": ["GHSA-xxxx"]})), "risky", [
         "latest release 2.34.2 has 1 unfixed advisory (GHSA-xxxx)"]),
    ("risky: deprecated on npm", "npm:p",
     snap(npm__p=entry({**OLD, "deprecated": "use String.prototype.padStart()"})), "risky", [
         "deprecated: use String.prototype.padStart()"]),
    ("risky: the linked repository is archived", "pypi:p",
     snap(pypi__p=entry({**OLD, "repository": "github:o/r"}),
          github__o_r=entry({**REPO, "archived": True})), "risky", [
         "archived on GitHub (o/r)"]),
    ("risky: marked inactive", "pypi:p", snap(pypi__p=entry({**OLD, "inactive": True})),
     "risky", ["marked inactive (Development Status :: 7 - Inactive)"]),
    ("boring: a repository by its stars", "github:o/r", snap(github__o_r=entry(REPO)),
     "boring", ["repository created 2012-01-10, 14 years ago",
                "last push 2026-11-01, 25 days ago", "60,000 GitHub stars",
                "licence Apache-2.0"]),
    ("risky: a repository without a push for years", "github:o/r",
     snap(github__o_r=entry({**REPO, "pushed": "2020-01-01"})), "risky", [
         "last push 2020-01-01, 6 years ago: none within 3 years"]),
    ("unknown: not in the snapshot", "pypi:p", snap(), "unknown", [
        "no PyPI data in the snapshot; run `decisions enrich`"]),
    ("unknown: GitHub unreachable", "github:o/r",
     snap(github__o_r=entry(status="error", error=GH_DOWN, fetched=None)), "unknown", [
         f"no GitHub data in the snapshot (last fetch failed: {GH_DOWN})"]),
    ("unknown: not found", "npm:p", snap(npm__p=entry(status="not-found")), "unknown", [
        "not found on npm"]),
    ("unknown: a registry document without dates", "npm:p",
     snap(npm__p=entry({"latest_version": "7.0.0", "no_release_dates": True,
                        "licence": "MIT"})), "unknown", [
         "the registry document has no release dates"]),
    ("established data kept after a failed refresh", "pypi:p",
     snap(pypi__p=entry({**OLD, "maintainers": 1}, error="HTTP 500 from PyPI (after retries)")),
     "established", [
         "first release 2011-02-14, 15 years ago", "last release 2026-05-14, 6 months ago",
         "not boring: 1 owner (fewer than 2), no GitHub repository linked",
         "data from 2026-11-20; the last refresh failed: HTTP 500 from PyPI (after retries)"]),
]


@pytest.mark.parametrize(("ref", "snapshot", "category", "reasons"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_model(ref: str, snapshot: Snapshot, category: str, reasons: list[str]) -> None:
    verdict = assess(ref, snapshot, T, TODAY)
    assert (verdict.category, list(verdict.reasons)) == (category, reasons)


def test_thresholds_come_from_the_config() -> None:
    strict = Thresholds(boring_min_age_years=20, risky_years_without_release=0.25)
    verdict = assess("pypi:p", snap(pypi__p=entry(OLD)), strict, TODAY)
    assert verdict.category == "risky"
    assert verdict.reasons == ("last release 2026-05-14, 6 months ago: none within 0.25 years",)
    verdict = assess("pypi:p", snap(pypi__p=entry(OLD)), Thresholds(boring_min_age_years=20),
                     TODAY)
    assert verdict.category == "established"


@pytest.mark.parametrize(("days", "text"), [
    (0, "today"), (1, "1 day ago"), (29, "29 days ago"), (31, "1 month ago"),
    (400, "1 year ago"), (3653, "10 years ago"), (-1, "in the future")])
def test_ago(days: int, text: str) -> None:
    assert ago(TODAY - dt.timedelta(days=days), TODAY) == text


def test_an_option_takes_its_worst_known_package() -> None:
    s = snap(pypi__a=entry(OLD),
             pypi__b=entry({**OLD, "first_release": "2025-01-01", "pre_1_0_only": True}),
             github__o_r=entry(status="error", error=GH_DOWN, fetched=None))
    assert assess_option([], s, T, TODAY) is None
    boring = assess_option(["pypi:a", "github:o/r"], s, T, TODAY)
    assert boring is not None and (boring.category, boring.tokens) == ("boring", 0)
    mixed = assess_option(["pypi:a", "pypi:b"], s, T, TODAY)
    assert mixed is not None and (mixed.category, mixed.tokens) == ("emerging", 1)
    assert mixed.reasons == (
        "pypi:b: first release 2025-01-01, 1 year ago: less than 2 years",
        "pypi:b: only pre-1.0 releases (latest 2.34.2)")
    unknown = assess_option(["github:o/r"], s, T, TODAY)
    assert unknown is not None and (unknown.category, unknown.tokens) == ("unknown", None)


# --- the recorded documents, parsed and judged ----------------------------------------------

FETCH_TIME = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)


@pytest.mark.parametrize(("ref", "file", "category"), [
    ("pypi:requests", "pypi/requests.json", "boring"),
    ("pypi:mkdocs", "pypi/mkdocs.json", "boring"),
    ("pypi:pyrefly", "pypi/pyrefly.json", "emerging"),
    ("pypi:pycrypto", "pypi/pycrypto.json", "risky"),
    ("npm:left-pad", "npm/left-pad.documented.json", "risky"),
    ("npm:is-number", "npm/is-number.json", "unknown"),
])
def test_recorded_documents(ref: str, file: str, category: str) -> None:
    doc = json.loads((FIXTURES / file).read_text(encoding="utf-8"))
    parse = parse_pypi if ref.startswith("pypi") else parse_npm
    signals = parse(doc, FETCH_TIME)
    assert assess(ref, snap(**{ref.replace(":", "__"): entry(signals)}), T, TODAY).category == (
        category)


def test_npm_documented_shape_parses_fully() -> None:
    doc = json.loads((FIXTURES / "npm/left-pad.documented.json").read_text(encoding="utf-8"))
    assert parse_npm(doc, FETCH_TIME) == {
        "name": "left-pad", "latest_version": "1.3.0", "first_release": "2014-03-14",
        "last_release": "2018-04-09", "releases": 15, "releases_last_year": 0,
        "pre_1_0_only": False, "maintainers": 3,
        "deprecated": "use String.prototype.padStart()", "licence": "WTFPL",
        "repository": "github:stevemao/left-pad"}


def test_npm_document_without_created_time_gives_no_dates() -> None:
    doc = json.loads((FIXTURES / "npm/left-pad.json").read_text(encoding="utf-8"))
    signals = parse_npm(doc, FETCH_TIME)
    assert "first_release" not in signals and "last_release" not in signals
    assert signals["no_release_dates"] is True


def test_pypi_advisory_aliases_count_once() -> None:
    doc = json.loads((FIXTURES / "pypi/pycrypto.json").read_text(encoding="utf-8"))
    assert len(doc["vulnerabilities"]) == 4  # each advisory listed under two ids
    assert parse_pypi(doc, FETCH_TIME)["vulnerabilities"] == ["PYSEC-2017-94", "PYSEC-2018-97"]


# --- validation -------------------------------------------------------------------------------


def run_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
               snapshot: Snapshot | None) -> list[Finding]:
    monkeypatch.chdir(tmp_path)
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": text}, CONFIG)
    decisions = load_decisions(folder, today=TODAY)
    return [f for check in SIGNAL_CHECKS for f in check(_context(decisions, snapshot))
            if f is not None]


SIGNAL_CHECKS = (checks.package_not_found, checks.tokens_below_signals, checks.risky_choice)


def _context(decisions: Decisions, snapshot: Snapshot | None) -> Context:
    with_snapshot = Decisions(decisions.root, decisions.config, decisions.entries,
                              snapshot=snapshot or Snapshot())
    return Context(with_snapshot, TODAY, Reporter(decisions.config, RULES))


def test_not_found_is_an_error_at_the_package(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    s = snap(pypi__requests=entry(OLD), github__psf_requests=entry(REPO),
             npm__react=entry(status="not-found"))
    assert [f.format() for f in run_checks(tmp_path, monkeypatch, VALID_RECORD, s)] == [
        "decisions/0001-buy-paging.yaml:46:9: error: options[1].packages[0]: npm:react does not "
        "exist on npm (HTTP 404 on 2026-11-20); check the spelling or remove the reference, "
        "then run `decisions enrich npm:react` [package-not-found]"]


def test_unreachable_github_is_no_finding(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    s = snap(pypi__requests=entry(OLD), npm__react=entry(OLD),
             github__psf_requests=entry(status="error", error=GH_DOWN, fetched=None))
    assert run_checks(tmp_path, monkeypatch, VALID_RECORD, s) == []


def test_no_snapshot_no_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_checks(tmp_path, monkeypatch, VALID_RECORD, None) == []


def test_tokens_below_signals_and_risky_choice(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    s = snap(pypi__requests=entry({**OLD, "inactive": True}), npm__react=entry(OLD),
             github__psf_requests=entry(REPO))
    assert [f.format() for f in run_checks(tmp_path, monkeypatch, VALID_RECORD, s)] == [
        "decisions/0001-buy-paging.yaml:37:24: warning: options[0].innovation_tokens: "
        "'PagerDuty' declares 0 innovation tokens but its signals suggest 1 (risky: "
        "pypi:requests: marked inactive (Development Status :: 7 - Inactive)); raise "
        "innovation_tokens, or, if the team knows it well, waive the rule for this record in "
        "`waivers` with the reason [tokens-below-signals]",
        "decisions/0001-buy-paging.yaml:51:11: warning: decision.chosen: 'PagerDuty' is "
        "classified risky (pypi:requests: marked inactive (Development Status :: 7 - "
        "Inactive)); revisit the decision, or accept the risk in `waivers` with the reason "
        "[risky-choice]"]


def test_history_is_not_held_to_the_signals(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    s = snap(pypi__requests=entry({**OLD, "inactive": True}), npm__react=entry(OLD))
    rejected = variant("status: accepted\n", "status: rejected\n")
    assert run_checks(tmp_path, monkeypatch, rejected, s) == []


def test_rules_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = CONFIG + "rules:\n  tokens-below-signals: off\n  risky-choice: warning\n"
    folder = write_decisions(tmp_path, {"0001-buy-paging.yaml": VALID_RECORD}, config)
    decisions = load_decisions(folder, today=TODAY)
    s = snap(pypi__requests=entry({**OLD, "inactive": True}), npm__react=entry(OLD))
    ctx = _context(decisions, s)
    found = [f.rule for c in SIGNAL_CHECKS for f in c(ctx) if f is not None]
    assert found == ["risky-choice"]


def test_thresholds_in_config_are_checked(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = CONFIG + "signals:\n  thresholds:\n    boring_min_stars: -1\n    typo: 3\n"
    folder = write_decisions(tmp_path, {}, config)
    from decision_records.loader import ConfigError

    with pytest.raises(ConfigError) as err:
        load_decisions(folder, today=TODAY)
    text = str(err.value)
    assert "signals.thresholds.boring_min_stars" in text and "unknown field 'typo'" in text


# --- rendering ----------------------------------------------------------------------------------


def _render_context(snapshot: Snapshot) -> RenderContext:
    decisions = Decisions(Path("decisions"), Config(), [], snapshot=snapshot)
    return render_context(decisions, TODAY)


def test_option_badges_escape_and_say_what_is_missing() -> None:
    option = Option(name="X", approach="adopt", summary="s", innovation_tokens=0,
                    packages=["npm:evil", "github:o/r"])
    s = snap(npm__evil=entry({**OLD, "deprecated": "<script>alert(1)</script>",
                              "repository": "github:o/r"}),
             github__o_r=entry(status="error", error=GH_DOWN, fetched=None))
    html = option_badges(option, _render_context(s), "decisions/0001-x.md")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="dr-maturity dr-maturity-risky"' in html
    assert "suggests 1 innovation token (declares 0)" in html
    # each package links to its row on the signals page, which has the figures
    assert '<a href="../../signals/#npm-evil"><code>npm:evil</code></a>' in html
    assert "<li><code>npm:evil</code>: deprecated: &lt;script&gt;" in html
    empty = Option(name="Y", approach="buy", summary="s")
    assert option_badges(empty, _render_context(s), "decisions/0001-x.md") == ""
