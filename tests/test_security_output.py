"""Nothing a record holds can forge a line of `decisions validate` output.

CI runs `validate` on pull requests from anyone, and GitHub Actions turns any output line that
starts with `::` into a workflow command (an annotation, a masked value, ...). Every key, value
and path a finding echoes is escaped, so each line starts with the path it is about; the JSON
output stays exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import VALID_RECORD, run_cli, variant, write_decisions
from decision_records.findings import Finding

P = "decisions/0001-case.yaml"
FORGED = "::error file=README.md,line=1::Looks good"

# (id, the record text); the hostile text is written with YAML's double-quoted escapes
HOSTILE: list[tuple[str, str]] = [
    ("key-newline", VALID_RECORD + f'"x\\n{FORGED}": 1\n'),
    ("key-carriage-return", VALID_RECORD + f'"x\\r{FORGED}": 1\n'),
    ("key-line-separator", VALID_RECORD + f'"x\\L{FORGED}": 1\n'),
    ("key-next-line", VALID_RECORD + f'"x\\N{FORGED}": 1\n'),
    ("key-escape-codes", VALID_RECORD + f'"\\e[2K\\r{FORGED}": 1\n'),
    ("nested-key", variant("    approach: buy\n",
                           f'    approach: buy\n    "y\\n{FORGED}": 2\n')),
    ("chosen", variant("  chosen: PagerDuty\n", f'  chosen: "Pager\\n{FORGED}"\n')),
    ("team", variant("team: platform\n", f'team: "platform\\n{FORGED}"\n')),
    ("status", variant("status: accepted\n", f'status: "approved\\n{FORGED}"\n')),
    ("tag", variant("  - on-call\n", f'  - "on-call\\n{FORGED}"\n')),
    ("supersedes", VALID_RECORD + f'supersedes: ["0002-x\\n{FORGED}"]\n'),
    ("waiver-rule", VALID_RECORD + f'waivers:\n  - rule: "x\\n{FORGED}"\n    reason: r\n'),
    ("date", variant("date: 2026-03-02\n", f'date: "2026\\n{FORGED}"\n')),
    ("bidi-key", VALID_RECORD + '"\\u202e::rorre": 1\n'),
]


def _lines(out: str) -> list[str]:
    # splitlines() breaks at every character a terminal or a log viewer might break at
    return out.splitlines()


@pytest.mark.parametrize("text", [t for _, t in HOSTILE], ids=[i for i, _ in HOSTILE])
def test_every_line_starts_with_the_record_path(tmp_path: Path, text: str) -> None:
    write_decisions(tmp_path, {"0001-case.yaml": text})
    result = run_cli("--dir", "decisions", "validate", cwd=tmp_path)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout, result.stderr
    for line in _lines(result.stdout):
        assert line.startswith(f"{P}:"), line
    for line in _lines(result.stderr):
        assert not line.lstrip().startswith("::"), line


@pytest.mark.parametrize("text", [t for _, t in HOSTILE], ids=[i for i, _ in HOSTILE])
def test_json_output_is_json_with_no_command_lines(tmp_path: Path, text: str) -> None:
    write_decisions(tmp_path, {"0001-case.yaml": text})
    result = run_cli("--dir", "decisions", "validate", "--format", "json", cwd=tmp_path)
    assert json.loads(result.stdout)["findings"], result.stdout
    for line in _lines(result.stdout):
        assert not line.strip().startswith("::"), line


def test_json_output_keeps_the_exact_key(tmp_path: Path) -> None:
    write_decisions(tmp_path, {"0001-case.yaml": HOSTILE[0][1]})
    result = run_cli("--dir", "decisions", "validate", "--format", "json", cwd=tmp_path)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["field"] == f"x\n{FORGED}"
    assert finding["message"].startswith(f"unknown field 'x\n{FORGED}'")


def test_a_hostile_file_name_is_escaped(tmp_path: Path) -> None:
    write_decisions(tmp_path, {"0001-case.yaml": VALID_RECORD,
                               f"notes\n{FORGED}.txt": "x: 1\n",
                               f"0002-x\n{FORGED}.yaml": VALID_RECORD})
    result = run_cli("--dir", "decisions", "validate", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = _lines(result.stdout)
    assert len(lines) == 2, result.stdout
    for line in lines:
        assert line.startswith("decisions/"), line
    assert "\\n::error" in result.stdout


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\tb", "a\\r\\tb"),
        ("\x1b[2K", "\\x1b[2K"),
        ("\x85\u2028\u2029", "\\x85\\u2028\\u2029"),
        ("\u202eabc\u2066", "\\u202eabc\\u2066"),
        ("\u200b\ufeff\U000e0041", "\\u200b\\ufeff\\U000e0041"),
        ("caf\u00e9 \u6771\u4eac \U0001f600", "caf\u00e9 \u6771\u4eac \U0001f600"),
        ("C:\\path", "C:\\path"),
    ],
    ids=["newline", "cr-tab", "ansi", "c1-and-separators", "bidi", "invisible", "visible",
         "backslash"],
)
def test_format_escapes_every_part(raw: str, shown: str) -> None:
    f = Finding(f"d/{raw}.yaml", 1, 1, "error", "schema", f"m {raw}", f"k{raw}")
    assert f.format() == f"d/{shown}.yaml:1:1: error: k{shown}: m {shown} [schema]"
    assert f.as_dict()["message"] == f"m {raw}"  # JSON output keeps the exact text
