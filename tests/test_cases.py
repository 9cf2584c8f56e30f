"""Bad records, one per file under tests/cases/, each with the exact finding it must produce.

Each case is copied into a temporary decisions folder as decisions/0001-case.yaml and checked
by running `python -m decision_records validate` there, as a user would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import VALID_RECORD, run_cli, variant, write_decisions

CASES_DIR = Path(__file__).parent / "cases"
P = "decisions/0001-case.yaml"

CASES: list[tuple[str, str]] = [
    # --- YAML that a record never needs -------------------------------------------------
    ("duplicate-key",
     f"{P}:24:5: error: duplicate key 'approach'; each key may appear once per mapping "
     "[duplicate-key]"),
    ("alias",
     f"{P}:6:11: error: anchors and aliases (&name, *name) are not allowed; "
     "write the value out [yaml-alias]"),
    ("billion-laughs",
     f"{P}:65:7: error: anchors and aliases (&name, *name) are not allowed; "
     "write the value out [yaml-alias]"),
    ("merge-key",
     f"{P}:48:7: error: merge keys (<<) are not allowed in records; write the values out "
     "[yaml-alias]"),
    ("python-object",
     f"{P}:2:8: error: Python-specific tag '!!python/object/apply:os.system' is not allowed; "
     "records are plain data [yaml-tag]"),
    ("python-name",
     f"{P}:11:11: error: Python-specific tag '!!python/name:os.system' is not allowed; "
     "records are plain data [yaml-tag]"),
    ("custom-tag",
     f"{P}:5:7: error: tag '!team' is not allowed; use plain strings, numbers, lists and "
     "mappings [yaml-tag]"),
    ("binary-tag",
     f"{P}:16:10: error: tag '!!binary' is not allowed; use plain strings, numbers, lists and "
     "mappings [yaml-tag]"),
    # --- files that are not a mapping of fields -------------------------------------------
    ("empty",
     f"{P}:1:1: error: the file is empty; it must be a YAML mapping of fields [empty]"),
    ("comments-only",
     f"{P}:1:1: error: the file is empty; it must be a YAML mapping of fields [empty]"),
    ("top-level-list",
     f"{P}:2:1: error: the top level is a list; it must be a mapping of fields (key: value) "
     "[yaml-top]"),
    ("top-level-scalar",
     f"{P}:2:1: error: the top level is a single value; it must be a mapping of fields "
     "(key: value) [yaml-top]"),
    # --- encodings (these case files are written as bytes) --------------------------------
    ("latin1", f"{P}:7:12: error: not UTF-8 text (byte 0xe9); save the file as UTF-8 [encoding]"),
    ("nul-byte",
     f"{P}:17:22: error: binary content (NUL byte); the file must be YAML text [encoding]"),
    ("utf16-bom", f"{P}:1:1: error: not UTF-8 text (byte 0xff); save the file as UTF-8 [encoding]"),
    ("control-char",
     f"{P}:7:13: error: invalid YAML: control character 0x07 is not allowed; remove it "
     "[yaml]"),
    # --- YAML syntax ------------------------------------------------------------------------
    ("tab-indent",
     f"{P}:7:1: error: invalid YAML: found character that cannot start any token "
     "(while scanning for the next token) [yaml]"),
    ("unclosed-bracket",
     f"{P}:13:5: error: invalid YAML: did not find expected ',' or ']' "
     "(while parsing a flow sequence) [yaml]"),
    ("two-documents",
     f"{P}:65:1: error: invalid YAML: expected a single document in the stream, but found "
     "another document [yaml]"),
    # --- the record model -------------------------------------------------------------------
    ("unknown-field-did-you-mean",
     f"{P}:52:3: error: decision.rational: unknown field 'rational'; did you mean "
     "'rationale'? [schema]"),
    ("unknown-top-level-field",
     f"{P}:6:1: error: priority: unknown field 'priority'; known fields: title, status, date, "
     "team, deciders, consulted, category, tags, core, context, drivers, options, decision, "
     "consequences, on_call, review_by, supersedes, tokens_released, ring, links, "
     "waivers, imported [schema]"),
    ("missing-title", f"{P}:2:1: error: title: missing required field 'title' [schema]"),
    ("missing-rationale",
     f"{P}:50:1: error: decision.rationale: missing required field 'rationale' [schema]"),
    ("status-not-in-enum",
     f"{P}:3:9: error: status: 'approved' is not a status; use one of: proposed, accepted, "
     "rejected, superseded, deprecated [schema]"),
    ("bad-date",
     f"{P}:4:7: error: date: Input should be a valid date or datetime, month value is outside "
     "expected range of 1-12 (got '2024-13-40') [schema]"),
    ("datetime-not-date",
     f"{P}:4:7: error: date: Datetimes provided to dates should have zero time - e.g. be exact "
     "dates (got 2026-03-02T10:30:00) [schema]"),
    ("one-option",
     f"{P}:21:1: error: options: List should have at least 2 items after validation, not 1 "
     "[schema]"),
    ("approach-rent",
     f"{P}:23:15: error: options[0].approach: Input should be 'buy', 'adopt' or 'build' "
     "(got 'rent') [schema]"),
    ("tokens-4",
     f"{P}:47:24: error: options[1].innovation_tokens: Input should be less than or equal to 3 "
     "(got 4) [schema]"),
    ("tokens-negative",
     f"{P}:47:24: error: options[1].innovation_tokens: Input should be greater than or equal "
     "to 0 (got -1) [schema]"),
    ("tokens-float",
     f"{P}:47:24: error: options[1].innovation_tokens: Input should be a valid integer "
     "(got 1.5) [schema]"),
    ("tokens-string",
     f"{P}:47:24: error: options[1].innovation_tokens: Input should be a valid integer "
     "(got '1') [schema]"),
    ("package-pip",
     f"{P}:30:9: error: options[0].packages[0]: 'pip:requests' is not valid: a package "
     "reference is 'pypi:NAME', 'npm:NAME', 'github:OWNER/REPO', 'go:MODULE', 'cargo:NAME', "
     "'maven:GROUP:ARTIFACT', 'nuget:NAME' or 'eol:PRODUCT@CYCLE' [schema]"),
    ("tag-uppercase",
     f"{P}:13:5: error: tags[0]: 'On-Call' is not valid: a tag is lowercase words joined by "
     "'-', e.g. 'on-call' [schema]"),
    ("yaml11-no",
     f"{P}:60:10: error: on_call: expected text, but YAML reads this as false (yes, no, on, "
     "off, true and false are booleans); put it in quotes [schema]"),
    # --- limits and one-line fields (tests/test_security_model.py has the whole table) -----
    ("tags-too-many",
     f"{P}:12:1: error: tags: at most 20 tags, not 21; keep the few that help people find the "
     "record [schema]"),
    ("title-newline",
     f"{P}:2:8: error: title: U+000A LINE FEED at character 13: this field is one line; remove "
     "the line break (longer text belongs in context or rationale) [schema]"),
    ("bidi-option-name",
     f"{P}:38:11: error: options[1].name: U+202E RIGHT-TO-LEFT OVERRIDE at character 11: it is "
     "invisible or reorders text, so the value displays differently from what it is; remove it "
     "[schema]"),
    ("hidden-in-context",
     f"{P}:16:10: warning: context: U+200B ZERO WIDTH SPACE at character 30: an invisible, "
     "direction-changing or control character makes the text display differently from what it "
     "is; remove it [hidden-characters]"),
    # --- rules within one record ------------------------------------------------------------
    ("chosen-not-option",
     f"{P}:51:11: error: decision.chosen: 'Pagerduty' is not one of the options; did you mean "
     "'PagerDuty'? [chosen-option]"),
    ("duplicate-option",
     f"{P}:38:11: error: options[1].name: option 'PagerDuty' appears twice; give each option "
     "its own name [duplicate-option]"),
    ("future-date",
     f"{P}:4:7: error: date: 2026-11-27 is in the future; date is when the status last changed "
     "[future-date]"),
    ("review-before-date",
     f"{P}:61:12: error: review_by: review_by 2026-01-01 must fall after date 2026-03-02 "
     "[review-date]"),
    ("todo-left",
     f"{P}:19:5: error: drivers[0]: fill in this placeholder: TODO list what matters most "
     "[todo]"),
    ("import-guess",
     f"{P}:51:11: warning: decision.chosen: guessed on import ('We will use PagerDuty' names "
     "this option); check it, then remove its entry from imported.guesses [import-guess]"),
    ("unknown-team",
     f"{P}:5:7: error: team: team 'payments' is not in config.yaml; known teams: platform, "
     "commerce [unknown-team]"),
    ("team-case",
     f"{P}:5:7: error: team: team 'Platform' is not in config.yaml; team names are lowercase: "
     "write 'platform' [unknown-team]"),
    ("unknown-category",
     f"{P}:11:11: error: category: category 'alertng' is not in config.yaml; did you mean "
     "'alerting'? [unknown-category]"),
    ("tokens-released-early",
     f"{P}:66:9: error: tokens_released.date: tokens released on 2026-01-15, before the "
     "record's date 2026-03-02 [tokens-release]"),
    ("tokens-released-zero",
     f"{P}:65:1: error: tokens_released: the chosen option 'PagerDuty' spends no tokens, so "
     "there are none to release [tokens-release]"),
]


def _validate_case(tmp_path: Path, content: bytes) -> tuple[int, str, str]:
    write_decisions(tmp_path, {"0001-case.yaml": content})
    # --strict: a case that is only a warning (a guess left from an import) must fail too
    result = run_cli("--dir", "decisions", "validate", "--strict", cwd=tmp_path)
    return result.returncode, result.stdout, result.stderr


def test_every_case_file_is_in_the_table() -> None:
    on_disk = {p.stem for p in CASES_DIR.glob("*.yaml")}
    in_table = [name for name, _ in CASES]
    assert len(in_table) == len(set(in_table)), "a case is listed twice"
    assert on_disk == set(in_table)


def test_valid_record_passes(tmp_path: Path) -> None:
    code, out, err = _validate_case(tmp_path, VALID_RECORD.encode())
    assert (code, out) == (0, ""), out + err
    assert "1 record checked: 0 errors, 0 warnings" in err


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[name for name, _ in CASES])
def test_bad_record(tmp_path: Path, case: str, expected: str) -> None:
    code, out, err = _validate_case(tmp_path, (CASES_DIR / f"{case}.yaml").read_bytes())
    assert "Traceback" not in out
    assert "Traceback" not in err, err
    assert code == 1, out + err
    assert expected in out.splitlines(), f"expected:\n{expected}\ngot:\n{out}"


@pytest.mark.parametrize("depth", [50, 500, 5000], ids=["depth-50", "depth-500", "depth-5000"])
def test_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path, depth: int) -> None:
    """Deeply nested lists are a YAML problem (or a schema error), never a RecursionError."""
    text = variant("title: Buy a paging service\n", f"title: {'[' * depth}{']' * depth}\n")
    code, out, err = _validate_case(tmp_path, text.encode())
    assert "Traceback" not in out + err, err[-2000:]
    assert code == 1
    assert out.startswith(f"{P}:2:"), out


@pytest.mark.parametrize(
    "key", ["404", "on"], ids=["int", "yaml11-bool"],
)
def test_non_string_key_is_reported_at_the_key(tmp_path: Path, key: str) -> None:
    """A key YAML reads as a number or a boolean is reported at that key, line 65."""
    code, out, err = _validate_case(tmp_path, (VALID_RECORD + f"{key}: x\n").encode())
    assert "Traceback" not in out + err, err
    assert code == 1
    assert out.startswith(f"{P}:65:1: error: "), out

