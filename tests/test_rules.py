"""Cross-record rules, checked in process on temporary decisions folders."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from conftest import CONFIG, TODAY, record, variant, write_decisions
from decision_records.findings import Finding
from decision_records.loader import ConfigError, load_decisions
from decision_records.records import Decisions


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path, so findings name files as decisions/NAME."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(
    root: Path, records: Mapping[str, str | bytes], config: str | None = CONFIG,
    only: list[str] | None = None,
) -> Decisions:
    folder = write_decisions(root, records, config)
    return load_decisions(
        folder, today=TODAY, only=None if only is None else [folder / n for n in only],
    )


def lines(decisions: Decisions) -> list[str]:
    return [f.format() for f in decisions.findings]


def by_rule(decisions: Decisions, rule: str) -> list[Finding]:
    return [f for f in decisions.findings if f.rule == rule]


def test_valid_records_give_no_findings(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        "0002-buy-database.yaml": record(title="Buy a database"),
    })
    assert lines(result) == []
    assert result.checked == 2
    assert sorted(e.id for e in result.entries) == ["0001-buy-paging", "0002-buy-database"]


# --- numbers -------------------------------------------------------------------------------


def test_duplicate_number_reports_both_files_naming_both(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        "0001-build-paging.yaml": record(title="Build a pager"),
        "0002-other.yaml": record(title="Something else"),
    })
    found = by_rule(result, "duplicate-number")
    assert sorted(f.path for f in found) == [
        "decisions/0001-build-paging.yaml", "decisions/0001-buy-paging.yaml",
    ]
    for f in found:
        assert f.severity == "error"
        assert "0001-buy-paging.yaml" in f.message
        assert "0001-build-paging.yaml" in f.message
        assert "next free: 0003" in f.message
    assert len(result.findings) == 2


def test_same_number_with_more_digits_is_a_duplicate(here: Path) -> None:
    result = check(here, {"0007-a.yaml": record(), "00007-b.yaml": record()})
    assert len(by_rule(result, "duplicate-number")) == 2


@pytest.mark.parametrize("broken", [
    "title: [unclosed\n",  # not YAML
    "title: only a title\n",  # YAML, but not a record
])
def test_a_record_that_does_not_load_still_holds_its_number(here: Path, broken: str) -> None:
    """After a merge, the other branch's record may be the one with an error: the collision
    is reported on both files all the same."""
    result = check(here, {"0004-buy-paging.yaml": record(), "0004-build-paging.yaml": broken})
    found = by_rule(result, "duplicate-number")
    assert sorted(f.path for f in found) == [
        "decisions/0004-build-paging.yaml", "decisions/0004-buy-paging.yaml",
    ]
    assert all("next free: 0005" in f.message for f in found)


# --- supersession --------------------------------------------------------------------------


def test_supersedes_unknown_id_suggests_the_closest(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        "0002-buy-database.yaml": record(title="Buy a database"),
        "0003-build-paging.yaml": record(supersedes=["0001-buy-pagin"]),
    })
    assert lines(result) == [
        "decisions/0003-build-paging.yaml:66:5: error: supersedes[0]: no record "
        "'0001-buy-pagin'; did you mean '0001-buy-paging'? [supersedes-unknown]",
    ]


def test_supersedes_unknown_id_without_a_close_one(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        "0002-x.yaml": record(supersedes=["9999-nothing-like-it"]),
    })
    assert [f.message for f in result.findings] == ["no record '9999-nothing-like-it'"]


@pytest.mark.parametrize(
    "chain",
    [["0001-a", "0002-b"], ["0001-a", "0002-b", "0003-c"], ["0001-a"]],
    ids=["two", "three", "self"],
)
def test_supersession_cycle_is_reported_once(here: Path, chain: list[str]) -> None:
    files = {
        f"{rid}.yaml": record(status="superseded", supersedes=[chain[(i + 1) % len(chain)]])
        for i, rid in enumerate(chain)
    }
    result = check(here, files)
    cycles = by_rule(result, "supersession-cycle")
    assert len(cycles) == 1, lines(result)
    arrow = " -> ".join([*chain, chain[0]])
    assert cycles[0].format() == (
        f"decisions/{chain[0]}.yaml:66:5: error: supersedes[0]: supersession cycle: {arrow}; "
        "a record cannot replace itself [supersession-cycle]"
    )


def test_cycle_inside_a_longer_chain_is_reported_once(here: Path) -> None:
    result = check(here, {
        "0001-a.yaml": record(status="superseded"),
        "0002-b.yaml": record(status="superseded", supersedes=["0001-a", "0003-c"]),
        "0003-c.yaml": record(status="superseded", supersedes=["0002-b"]),
        "0004-d.yaml": record(supersedes=["0003-c"]),
    })
    cycles = by_rule(result, "supersession-cycle")
    assert len(cycles) == 1, lines(result)
    assert "0002-b -> 0003-c -> 0002-b" in cycles[0].message


def test_superseded_record_that_nobody_names(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(status="superseded"),
        "0002-buy-database.yaml": record(title="Buy a database"),
    })
    assert lines(result) == [
        "decisions/0001-buy-paging.yaml:3:9: error: status: status is superseded but no "
        "accepted record lists '0001-buy-paging' in its supersedes; add it there or change "
        "the status [superseded-status]",
    ]


def test_accepted_record_superseded_by_an_accepted_one_must_say_so(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        "0002-build-paging.yaml": record(supersedes=["0001-buy-paging"]),
    })
    assert lines(result) == [
        "decisions/0001-buy-paging.yaml:3:9: error: status: 0002-build-paging supersedes this "
        "record, so its status must be superseded (it is accepted) [superseded-status]",
    ]


def test_superseded_by_an_accepted_record_is_fine(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(status="superseded"),
        "0002-build-paging.yaml": record(supersedes=["0001-buy-paging"]),
    })
    assert lines(result) == []


@pytest.mark.parametrize("status", ["proposed", "rejected"])
def test_a_record_not_in_force_does_not_supersede(here: Path, status: str) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        "0002-build-paging.yaml": record(status=status, supersedes=["0001-buy-paging"]),
    })
    assert lines(result) == []


# --- files in the folder -------------------------------------------------------------------


def test_stray_file_is_reported(here: Path) -> None:
    result = check(here, {"0001-buy-paging.yaml": record(), "notes.txt": "some notes\n"})
    assert lines(result) == [
        "decisions/notes.txt:1:1: error: not a record, config.yaml, signals.json, "
        "coverage.json or the coverage/ folder; move it out of decisions/ [stray-file]",
    ]


def test_subfolder_is_a_stray(here: Path) -> None:
    (write_decisions(here, {}) / "drafts").mkdir()
    result = check(here, {"0001-buy-paging.yaml": record()})
    assert [(f.path, f.rule) for f in result.findings] == [("decisions/drafts", "stray-file")]


@pytest.mark.parametrize(
    "name",
    ["Bad_Name.yaml", "12-x.yaml", "0001_buy.yaml", "0001-Buy-Paging.yaml", "0001-buy.yml",
     "0001-.yaml", "buy-paging.yaml"],
)
def test_misnamed_record_file(here: Path, name: str) -> None:
    result = check(here, {name: record(), "0002-buy-database.yaml": record()})
    assert lines(result) == [
        f"decisions/{name}:1:1: error: '{name}' is not a record file name; name it "
        "NNNN-slug.yaml (four or more digits, then lowercase words joined by '-'), e.g. "
        "0012-buy-feature-flags.yaml [file-name]",
    ]
    assert result.checked == 2


def test_misnamed_file_is_still_validated(here: Path) -> None:
    result = check(here, {"Bad_Name.yaml": variant("status: accepted\n", "status: approved\n")})
    assert sorted(f.rule for f in result.findings) == ["file-name", "schema"]


def test_a_corrupt_snapshot_is_one_clear_error(here: Path) -> None:
    result = check(here, {"0001-buy-paging.yaml": record(),
                          "signals.json": '{"pypi:requests": {"stars": 1}}\n'})
    (line,) = lines(result)
    assert line.startswith("decisions/signals.json:1:1: error: not a signals snapshot: ")
    assert line.endswith("or delete it and run `decisions enrich` [signals-snapshot]")


def test_hidden_files_config_and_signals_are_ignored(here: Path) -> None:
    result = check(here, {
        "0001-buy-paging.yaml": record(),
        ".DS_Store": b"\x00\x01binary",
        ".0001-buy-paging.yaml.swp": b"\x00vim swap",
        ".hidden.yaml": "not: [valid\n",
        "signals.json": '{"format": 1, "packages": {}}\n',
    })
    assert lines(result) == []
    assert result.checked == 1


def test_no_config_means_any_team_and_category(here: Path) -> None:
    text = variant("team: platform\n", "team: payments\n", record())
    result = check(here, {"0001-buy-paging.yaml": text}, config=None)
    assert lines(result) == []


# --- severities from the config ------------------------------------------------------------

EARLY_REVIEW = variant("review_by: 2027-03-02\n", "review_by: 2026-01-01\n")


def test_rule_default_severity_is_error(here: Path) -> None:
    result = check(here, {"0001-buy-paging.yaml": EARLY_REVIEW})
    assert [(f.rule, f.severity) for f in result.findings] == [("review-date", "error")]


def test_config_can_make_a_rule_a_warning(here: Path) -> None:
    config = CONFIG + "rules:\n  review-date: warning\n"
    result = check(here, {"0001-buy-paging.yaml": EARLY_REVIEW}, config=config)
    assert lines(result) == [
        "decisions/0001-buy-paging.yaml:61:12: warning: review_by: review_by 2026-01-01 must "
        "fall after date 2026-03-02 [review-date]",
    ]
    assert result.errors == []


@pytest.mark.parametrize(
    "setting", ["off", "'off'", '"off"'], ids=["plain-off", "single-quoted", "double-quoted"],
)
def test_config_can_turn_a_rule_off(here: Path, setting: str) -> None:
    """`off` is written as the config comment documents it: error | warning | off."""
    config = CONFIG + f"rules:\n  review-date: {setting}\n"
    result = check(here, {"0001-buy-paging.yaml": EARLY_REVIEW}, config=config)
    assert lines(result) == []


def test_rules_off_leaves_other_rules_alone(here: Path) -> None:
    config = CONFIG + "rules:\n  review-date: 'off'\n"
    text = variant("team: platform\n", "team: payments\n", EARLY_REVIEW)
    result = check(here, {"0001-buy-paging.yaml": text}, config=config)
    assert [f.rule for f in result.findings] == ["unknown-team"]


def test_unknown_rule_in_config_is_a_config_error(here: Path) -> None:
    config = CONFIG + "rules:\n  review-date: warning\n  review-data: error\n"
    with pytest.raises(ConfigError) as info:
        check(here, {"0001-buy-paging.yaml": record()}, config=config)
    [finding] = info.value.findings
    assert finding.path == "decisions/config.yaml"
    assert (finding.line, finding.col) == (13, 3)  # the misspelt rule id, not its value
    assert finding.rule == "config"
    assert finding.field == "rules.review-data"
    assert finding.message.startswith("unknown rule 'review-data'; known rules: ")
    assert "review-date" in finding.message


# --- only= ---------------------------------------------------------------------------------


def test_only_limits_findings_to_the_named_files(here: Path) -> None:
    records = {
        "0001-buy-paging.yaml": EARLY_REVIEW,
        "0002-buy-database.yaml": variant("team: platform\n", "team: payments\n"),
        "0003-build-paging.yaml": record(supersedes=["0009-nothing"]),
    }
    result = check(here, records, only=["0002-buy-database.yaml"])
    assert [(f.path, f.rule) for f in result.findings] == [
        ("decisions/0002-buy-database.yaml", "unknown-team"),
    ]
    assert result.checked == 3  # every record is still loaded
    everything = check(here, records)
    assert {f.path for f in everything.findings} == {f"decisions/{n}" for n in records}


def test_only_keeps_cross_record_findings_on_the_named_file(here: Path) -> None:
    records = {
        "0001-buy-paging.yaml": record(),
        "0002-build-paging.yaml": record(supersedes=["0001-buy-paging"]),
    }
    assert lines(check(here, records, only=["0002-build-paging.yaml"])) == []
    assert [f.rule for f in check(here, records, only=["0001-buy-paging.yaml"]).findings] == [
        "superseded-status",
    ]
