"""No line any `decisions` command prints is a GitHub Actions workflow command, whatever
the paths it names are called.

The runner reads a line as a command when, after leading white space, it starts with `::`
(`::error file=x::...` makes an annotation, `::add-mask::` hides text, `::stop-commands::`
silences the rest), and in the older form when `##[` appears anywhere in it. A record
folder, a manifest, an SBOM or an ADR can be named like that; the files here really are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CONFIG, REPO, VALID_RECORD, run_cli, write_decisions
from decision_records.findings import Finding
from decision_records.textsafe import no_command
from test_report import git

# Folder and file names a pull request can commit; each would be a command at a line start.
NAMES = {
    "error": "::error file=x::",
    "indented": "  ::error file=x::",
    "legacy": "x##[error]y",
}
COVERAGE = REPO / "tests" / "fixtures" / "coverage"
ADR = (REPO / "tests" / "fixtures" / "adr" / "nygard" /
       "0001-record-architecture-decisions.md").read_text(encoding="utf-8")


def commands(text: str) -> list[str]:
    """The lines of text a runner would take for workflow commands."""
    # the runner splits at \n and \r, and trims what .NET and JavaScript call white space
    lines = text.replace("\r", "\n").split("\n")
    return [line for line in lines
            if line.lstrip().lstrip("\ufeff").startswith("::") or "##[" in line]


Setup = Callable[[Path, str], tuple[list[str], Path]]


def _assert_none(result: subprocess.CompletedProcess[str]) -> None:
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert commands(out) == [], out


def _validate_in_folder(tmp: Path, name: str) -> tuple[list[str], Path]:
    folder = tmp / name
    folder.mkdir()
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "0001-case.yaml").write_text(VALID_RECORD.replace("team: platform\n", ""),
                                           encoding="utf-8")
    return ["--dir", name, "validate"], tmp


def _misnamed_record(tmp: Path, name: str) -> tuple[list[str], Path]:
    folder = write_decisions(tmp, {f"{name}.yaml": VALID_RECORD})
    return ["--dir", ".", "validate"], folder


def _broken_config(tmp: Path, name: str) -> tuple[list[str], Path]:
    folder = tmp / name
    folder.mkdir()
    # two findings: the second starts a line of the error message of its own
    (folder / "config.yaml").write_text("default_tokens: many\nteams: 5\n", encoding="utf-8")
    return ["--dir", name, "budget"], tmp


def _new_record(tmp: Path, name: str) -> tuple[list[str], Path]:
    folder = tmp / name
    folder.mkdir()
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    return ["--dir", name, "new", "Buy a pager", "--team", "platform", "--category",
            "alerting", "--option", "PagerDuty=buy", "--option", "Ours=build"], tmp


def _coverage(tmp: Path, name: str) -> tuple[list[str], Path]:
    shutil.copytree(COVERAGE / "decisions", tmp / "decisions")
    service = tmp / name
    service.mkdir()
    shutil.copy(COVERAGE / "broken" / "requirements" / "requirements.txt", service)
    (service / "bom.cdx.json").write_text('{"bomFormat": "CycloneDX", "components": [',
                                          encoding="utf-8")
    (service / "package.json").write_text('{"dependencies": {"left-pad": "1.3.0"}}',
                                          encoding="utf-8")
    return ["coverage", name], tmp


def _import(tmp: Path, name: str) -> tuple[list[str], Path]:
    write_decisions(tmp, {})
    adrs = tmp / name
    adrs.mkdir()
    text = ADR.replace("## Decision\n", f"## Decision\n\n{NAMES['error']}boom\n")
    (adrs / "0001-record-architecture-decisions.md").write_text(text, encoding="utf-8")
    return ["import", "--dry-run", name], tmp


def _report(tmp: Path, name: str) -> tuple[list[str], Path]:
    root = tmp / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(COVERAGE / "decisions", root / "decisions")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    (root / name).mkdir()
    (root / name / "requirements.txt").write_text("pymemcache\nhttpx ==== 1\n",
                                                  encoding="utf-8")
    return ["report", "--base", "HEAD"], root


def _review(tmp: Path, name: str) -> tuple[list[str], Path]:
    folder = tmp / name
    folder.mkdir()
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "0001-case.yaml").write_text(VALID_RECORD.replace("review_by: 2027-03-02",
                                                                "review_by: 2025-01-01"),
                                           encoding="utf-8")
    (folder / "0002-broken.yaml").write_text("title: [\n", encoding="utf-8")
    return ["--dir", name, "review"], tmp


def _enrich(tmp: Path, name: str) -> tuple[list[str], Path]:
    folder = tmp / name
    folder.mkdir()
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "0001-case.yaml").write_text(VALID_RECORD, encoding="utf-8")
    return ["--dir", name, "enrich", "--offline"], tmp


# each setup, and the --format values of its command (none: it has no --format)
SETUPS = {"validate": (_validate_in_folder, ["text", "json"]),
          "misnamed-record": (_misnamed_record, ["text", "json"]),
          "config": (_broken_config, ["text", "markdown", "json"]),
          "new": (_new_record, []),
          "coverage": (_coverage, ["text", "markdown", "json"]),
          "import": (_import, []),
          "report": (_report, ["markdown", "json"]),
          "review": (_review, ["text", "markdown", "json"]),
          "enrich": (_enrich, [])}
RUNS = [pytest.param(setup, fmt, id=f"{key}-{fmt or 'plain'}")
        for key, (setup, formats) in SETUPS.items() for fmt in formats or [None]]


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
@pytest.mark.parametrize(("setup", "fmt"), RUNS)
def test_no_printed_line_is_a_workflow_command(tmp_path: Path, setup: Setup, fmt: str | None,
                                               name: str) -> None:
    args, cwd = setup(tmp_path, name)
    result = run_cli(*args, *(["--format", fmt] if fmt else []), cwd=cwd)
    assert "no such option" not in result.stderr.lower(), result.stderr
    _assert_none(result)


def test_the_commands_really_name_the_hostile_paths(tmp_path: Path) -> None:
    """The test above is not vacuous: the commands print the name, and most of them at the
    start of a line (escaped there)."""
    name = NAMES["error"]
    for key, (setup, _) in SETUPS.items():
        here = tmp_path / key
        here.mkdir()
        args, cwd = setup(here, name)
        result = run_cli(*args, cwd=cwd)
        out = result.stdout + result.stderr
        if key not in {"review"}:  # it names no path, only records
            assert "error file=x::" in out, (key, out)
        if key not in {"review", "report", "enrich"}:  # these name it inside a line
            assert "\\x3a:error file=x::" in out, (key, out)


@pytest.mark.parametrize(("text", "style", "expected"), [
    ("::error file=x::boom", "text", "\\x3a:error file=x::boom"),
    ("ok\n  ::warning::x\n", "text", "ok\n  \\x3a:warning::x\n"),
    ("a\r\ufeff::x::y", "text", "a\r\ufeff\\x3a:x::y"),
    ("a ##[error]b", "text", "a ##\\x5berror]b"),
    (":: x", "text", "\\x3a: x"),
    ("::x::y\n", "markdown", "\\::x::y\n"),
    ("| a ##[error]b |\n", "markdown", "| a ##\\[error]b |\n"),
    ('{\n  "a": "##[error]b"\n}\n', "json", '{\n  "a": "##\\u005berror]b"\n}\n'),
    ("plain: text, a: b", "text", "plain: text, a: b"),
])
def test_no_command(text: str, style: str, expected: str) -> None:
    assert no_command(text, style) == expected  # type: ignore[arg-type]
    assert no_command(expected, style) == expected  # once is enough
    if style == "json":
        assert json.loads(no_command(text, style)) == json.loads(text)


def test_a_finding_never_starts_a_workflow_command() -> None:
    line = Finding("  ::error file=x::/0001-x.yaml", 1, 1, "error", "schema",
                   "##[error]boom").format()
    assert commands(line) == [], line
