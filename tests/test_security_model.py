"""What a record may hold: ASCII record numbers, bounded lists and strings, one-line fields
without line breaks or hidden characters, and a warning for hidden characters elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TODAY, VALID_RECORD, MakeDecisions, record
from decision_records.findings import parse_field
from decision_records.loader import load_decisions
from decision_records.newrecord import next_number

P = "decisions/0001-case.yaml"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # findings name decisions/... as a user sees them


def _findings(root: Path) -> list[str]:
    return [f.format() for f in load_decisions(root, TODAY).findings]


# --- record numbers and ids are ASCII digits -----------------------------------------------


def test_fullwidth_digits_are_not_a_record_number(make_decisions: MakeDecisions) -> None:
    name = "\uff10\uff10\uff11\uff13-x.yaml"  # 0013 in fullwidth digits
    root = make_decisions({"0001-case.yaml": VALID_RECORD, name: VALID_RECORD})
    decisions = load_decisions(root, TODAY)
    assert [e.id for e in decisions.entries] == ["0001-case"]
    assert [(Path(f.path).name, f.rule) for f in decisions.findings] == [(name, "file-name")]


def test_a_trailing_newline_in_a_file_name_is_not_a_record(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": VALID_RECORD, "0002-x.yaml\n": VALID_RECORD})
    decisions = load_decisions(root, TODAY)
    assert [e.id for e in decisions.entries] == ["0001-case"]
    assert [f.rule for f in decisions.findings] == ["stray-file"]


def test_next_number_ignores_fullwidth_digits(tmp_path: Path) -> None:
    (tmp_path / "0001-a.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "\uff10\uff10\uff15\uff10-b.yaml").write_text("x", encoding="utf-8")
    assert next_number(tmp_path) == 2


def test_a_fullwidth_digit_in_supersedes_is_a_schema_error(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": record(supersedes=["000\uff11-case"])})
    assert _findings(root) == [
        f"{P}:66:5: error: supersedes[0]: '000\uff11-case' is not valid: a record id is the "
        "file name without .yaml, e.g. '0003-buy-paging' [schema]"]


def test_field_paths_take_ascii_indexes_only() -> None:
    assert parse_field("options[1].name") == ("options", 1, "name")
    assert 1 not in parse_field("options[\uff11].name")
    assert 1 not in parse_field("options[\u0661].name")  # ARABIC-INDIC DIGIT ONE
