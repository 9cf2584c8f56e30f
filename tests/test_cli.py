"""The `decisions` command run as a user runs it: `python -m decision_records ...`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import (
    CONFIG,
    REPO,
    VALID_RECORD,
    MakeDecisions,
    cli_env,
    record,
    run_cli,
    variant,
    write_decisions,
)

SCHEMA_LINE = "# yaml-language-server: $schema=../docs/decision.schema.json"
EARLY_REVIEW = variant("review_by: 2027-03-02\n", "review_by: 2026-01-01\n")
WARN_CONFIG = CONFIG + "rules:\n  review-date: warning\n"


@pytest.fixture
def valid_folder(tmp_path: Path) -> Path:
    write_decisions(tmp_path, {
        "0001-buy-paging.yaml": record(),
        "0002-buy-database.yaml": record(title="Buy a database"),
    })
    return tmp_path


# --- help ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--help"], ["--dir", "DECISIONS_DIR", "--version", "validate", "schema", "new"]),
        (["-h"], ["--dir", "validate"]),
        (["validate", "--help"], ["--format", "--strict", "PATHS", "Exit status"]),
        (["schema", "--help"], ["JSON Schema"]),
        (["new", "--help"], ["TITLE", "--team", "--category"]),
    ],
    ids=["main", "main-short", "validate", "schema", "new"],
)
def test_help(tmp_path: Path, args: list[str], mentions: list[str]) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for word in mentions:
        assert word in result.stdout


# A few run as `python -m decision_records` in a process of their own, as a user runs them:
# the exit statuses and streams of a real process; the rest run through click's runner.


def test_version(tmp_path: Path) -> None:
    result = run_cli("--version", cwd=tmp_path, process=True)
    assert result.returncode == 0
    assert re.fullmatch(r"decisions, version \d+\.\d+\.\d+\S*\n", result.stdout)


# --- validate: exit status -----------------------------------------------------------------


def test_validate_valid_folder_exits_0(valid_folder: Path) -> None:
    result = run_cli("validate", cwd=valid_folder, process=True)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    assert result.stderr == "2 records checked: 0 errors, 0 warnings\n"


def test_validate_empty_folder_exits_0(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 records checked" in result.stderr


def test_validate_invalid_folder_exits_1(valid_folder: Path) -> None:
    write_decisions(valid_folder, {"0003-bad.yaml": variant("status: accepted\n", "status: ok\n")})
    result = run_cli("validate", cwd=valid_folder, process=True)
    assert result.returncode == 1
    assert result.stdout.startswith("decisions/0003-bad.yaml:3:9: error: status: ")
    assert result.stderr == "3 records checked: 1 error, 0 warnings\n"


def test_validate_missing_folder_exits_2(tmp_path: Path) -> None:
    result = run_cli("--dir", "nowhere", "validate", cwd=tmp_path, process=True)
    assert result.returncode == 2
    assert "nowhere: no decisions folder here" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_default_folder_missing_exits_2(tmp_path: Path) -> None:
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "decisions: no decisions folder here" in result.stderr


def test_dir_from_environment(tmp_path: Path) -> None:
    write_decisions(tmp_path / "elsewhere", {"0001-buy-paging.yaml": EARLY_REVIEW})
    env = cli_env(DECISIONS_DIR=str(Path("elsewhere") / "decisions"))
    result = run_cli("validate", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stdout.startswith("elsewhere/decisions/0001-buy-paging.yaml:61:12: error: ")


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ("teams:\n  - name: platform\n    tokens: three\n",
         "decisions/config.yaml:3:13: error: teams[0].tokens: "),
        ("teams:\n  - name: Platform\n",
         "decisions/config.yaml:2:11: error: teams[0].name: 'Platform' is not valid: "),
        ("default_tokens: 3\ncurency: EUR\n",
         "decisions/config.yaml:2:1: error: curency: unknown field 'curency'; did you mean "
         "'currency'? [config]"),
        ("teams: [unclosed\n", "decisions/config.yaml:2:1: error: invalid YAML: "),
        ("- platform\n", "decisions/config.yaml:1:1: error: the top level is a list"),
    ],
    ids=["bad-int", "bad-team-name", "unknown-key", "syntax", "list"],
)
def test_invalid_config_exits_2_with_its_position(
    valid_folder: Path, config: str, where: str,
) -> None:
    write_decisions(valid_folder, {}, config=config)
    result = run_cli("validate", cwd=valid_folder)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert where in result.stderr, result.stderr
    assert "fix decisions/config.yaml first" in result.stderr


def test_config_with_only_comments_means_defaults(tmp_path: Path) -> None:
    """Every key of config.yaml is optional, so a config of comments is a valid config."""
    config = "# Organisation settings. Every key is optional.\n# teams: []\n"
    write_decisions(tmp_path, {"0001-buy-paging.yaml": record()}, config=config)
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_validate_missing_path_exits_2(valid_folder: Path) -> None:
    result = run_cli("validate", "decisions/0009-nope.yaml", cwd=valid_folder)
    assert result.returncode == 2
    assert "decisions/0009-nope.yaml: no such file" in result.stderr


def test_validate_path_reports_only_that_file(valid_folder: Path) -> None:
    write_decisions(valid_folder, {
        "0003-bad.yaml": variant("status: accepted\n", "status: ok\n"),
        "0004-also-bad.yaml": EARLY_REVIEW,
    })
    result = run_cli("validate", "decisions/0004-also-bad.yaml", cwd=valid_folder)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "decisions/0004-also-bad.yaml:61:12: error: review_by: review_by 2026-01-01 must fall "
        "after date 2026-03-02 [review-date]",
    ]
    assert result.stderr.startswith("1 of 4 records checked: 1 error")
    clean = run_cli("validate", "decisions/0001-buy-paging.yaml", cwd=valid_folder)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_strict_turns_a_warning_into_exit_1(tmp_path: Path) -> None:
    write_decisions(tmp_path, {"0001-buy-paging.yaml": EARLY_REVIEW}, config=WARN_CONFIG)
    lenient = run_cli("validate", cwd=tmp_path)
    assert lenient.returncode == 0
    assert lenient.stdout == (
        "decisions/0001-buy-paging.yaml:61:12: warning: review_by: review_by 2026-01-01 must "
        "fall after date 2026-03-02 [review-date]\n"
    )
    strict = run_cli("validate", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stdout == lenient.stdout
    assert "warnings count as errors under --strict" in strict.stderr


def test_json_format(tmp_path: Path) -> None:
    write_decisions(tmp_path, {
        "0001-buy-paging.yaml": EARLY_REVIEW,
        "0002-bad.yaml": variant("team: platform\n", "team: payments\n"),
    }, config=WARN_CONFIG)
    result = run_cli("validate", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"records", "errors", "warnings", "valid", "findings"}
    assert (data["records"], data["errors"], data["warnings"], data["valid"]) == (2, 1, 1, False)
    for finding in data["findings"]:
        assert set(finding) >= {"path", "line", "col", "severity", "rule", "message", "field"}
    assert [(f["path"], f["line"], f["col"], f["severity"], f["rule"], f["field"])
            for f in data["findings"]] == [
        ("decisions/0001-buy-paging.yaml", 61, 12, "warning", "review-date", "review_by"),
        ("decisions/0002-bad.yaml", 5, 7, "error", "unknown-team", "team"),
    ]


@pytest.mark.parametrize(("repository", "mkdocs_yml", "expected"), [
    # outside a repository nothing says where the page is published: no link, not a path
    # (docs/rules/...) that an organisation's repository does not have
    (False, None, None),
    (True, None, None),
    (True, "site_url: https://decisions.example.com/\n",
     "https://decisions.example.com/rules/"),  # review-date is explained on the index
])
def test_json_help_links_the_rule_where_it_can_be_read(
        tmp_path: Path, repository: bool, mkdocs_yml: str | None, expected: str | None) -> None:
    write_decisions(tmp_path, {"0001-buy-paging.yaml": EARLY_REVIEW}, config=WARN_CONFIG)
    if repository:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    if mkdocs_yml is not None:
        (tmp_path / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    data = json.loads(run_cli("validate", "--format", "json", cwd=tmp_path).stdout)
    assert [f["help"] for f in data["findings"]] == [expected]


def test_json_format_valid_folder(valid_folder: Path) -> None:
    result = run_cli("validate", "--format", "json", cwd=valid_folder)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "records": 2, "errors": 0, "warnings": 0, "valid": True, "findings": [],
    }


def test_json_format_strict_warning_is_not_valid(tmp_path: Path) -> None:
    write_decisions(tmp_path, {"0001-buy-paging.yaml": EARLY_REVIEW}, config=WARN_CONFIG)
    result = run_cli("validate", "--format", "json", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout)["valid"] is False


# --- schema --------------------------------------------------------------------------------


def test_committed_schema_is_current() -> None:
    """The schema of this repository's records: with the example organisation's statuses."""
    committed = (REPO / "docs" / "decision.schema.json").read_text(encoding="utf-8")
    result = run_cli("schema", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout == committed, (
        "docs/decision.schema.json is stale: run `make schema` and commit the result"
    )


def test_schema_is_json_for_a_record(tmp_path: Path) -> None:
    schema = json.loads(run_cli("schema", cwd=tmp_path).stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert {"title", "status", "options", "decision"} <= set(schema["required"])


# --- new -----------------------------------------------------------------------------------


def test_new_takes_the_next_number_and_validates_to_todos_only(valid_folder: Path) -> None:
    result = run_cli("new", "Buy a paging service", "--team", "platform", cwd=valid_folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "decisions/0003-buy-a-paging-service.yaml\n"
    path = valid_folder / "decisions" / "0003-buy-a-paging-service.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_LINE + "\n")
    assert "team: platform" in text
    assert 'title: "Buy a paging service"' in text

    check = run_cli("validate", "decisions/0003-buy-a-paging-service.yaml", cwd=valid_folder)
    assert check.returncode == 1
    found = check.stdout.splitlines()
    assert found, check.stderr
    for line in found:
        assert line.startswith("decisions/0003-buy-a-paging-service.yaml:")
        assert line.endswith(" [todo]"), line
    assert "[schema]" not in check.stdout


def test_new_twice_gives_two_numbers(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    first = run_cli("new", "Buy a paging service", cwd=tmp_path)
    second = run_cli("new", "Buy a paging service", cwd=tmp_path)
    assert (first.returncode, second.returncode) == (0, 0)
    assert first.stdout == "decisions/0001-buy-a-paging-service.yaml\n"
    assert second.stdout == "decisions/0002-buy-a-paging-service.yaml\n"
    assert len(list((tmp_path / "decisions").glob("*.yaml"))) == 3  # with config.yaml


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café für Ünïcode déploiement", "cafe-fur-unicode-deploiement"),
        ("Adopt PostgreSQL 16 (again!)", "adopt-postgresql-16-again"),
        ("東京 region", "region"),
        ("日本語のタイトル", "decision"),
    ],
    ids=["accents", "punctuation", "partly-ascii", "no-ascii"],
)
def test_new_slugs_unicode_to_ascii(tmp_path: Path, title: str, slug: str) -> None:
    write_decisions(tmp_path, {})
    result = run_cli("new", title, "--team", "platform", "--category", "database", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"decisions/0001-{slug}.yaml\n"
    assert result.stdout.isascii()
    text = (tmp_path / "decisions" / f"0001-{slug}.yaml").read_text(encoding="utf-8")
    assert title in text  # the title itself keeps its characters


def test_new_title_with_quotes_stays_valid_yaml(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    title = 'Use "boring" C:\\ paths: yes'
    result = run_cli("new", title, "--team", "platform", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    check = run_cli("validate", "--format", "json", cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(check.stdout)["findings"]}
    assert rules == {"todo"}


def test_new_without_folder_exits_2(tmp_path: Path) -> None:
    result = run_cli("new", "Buy a paging service", cwd=tmp_path)
    assert result.returncode == 2
    assert "no decisions folder here" in result.stderr
    assert not (tmp_path / "decisions").exists()


def test_new_with_a_too_short_title_exits_2(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    result = run_cli("new", " x ", cwd=tmp_path)
    assert result.returncode == 2
    assert list((tmp_path / "decisions").glob("0*.yaml")) == []


@pytest.mark.parametrize(
    "args", [["validate"], ["new", "Buy a paging service"]], ids=["validate", "new"],
)
@pytest.mark.parametrize("pinned", ["yesterday", "2026-02-30"])
def test_decisions_today_not_a_date_exits_2(
    valid_folder: Path, args: list[str], pinned: str,
) -> None:
    result = run_cli(*args, cwd=valid_folder, env=cli_env(DECISIONS_TODAY=pinned))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"DECISIONS_TODAY={pinned!r} is not a YYYY-MM-DD date" in result.stderr
    assert sorted(p.name for p in (valid_folder / "decisions").glob("0*.yaml")) == [
        "0001-buy-paging.yaml", "0002-buy-database.yaml",
    ]


def test_today_pins_the_future_date_rule(tmp_path: Path) -> None:
    text = variant("date: 2026-03-02\n", "date: 2026-11-26\n")
    write_decisions(tmp_path, {"0001-buy-paging.yaml": text})
    assert run_cli("validate", cwd=tmp_path).returncode == 0
    earlier = run_cli("validate", cwd=tmp_path, env=cli_env(DECISIONS_TODAY="2026-11-25"))
    assert earlier.returncode == 1
    assert "[future-date]" in earlier.stdout


def test_valid_record_constant_is_valid(make_decisions: MakeDecisions) -> None:
    folder = make_decisions({"0001-buy-a-paging-service.yaml": VALID_RECORD})
    result = run_cli("validate", "--strict", cwd=folder.parent)
    assert (result.returncode, result.stdout) == (0, "")


def test_validate_refuses_a_record_outside_the_folder(tmp_path: Path) -> None:
    from conftest import VALID_RECORD, write_decisions

    write_decisions(tmp_path, {"0001-buy-paging.yaml": VALID_RECORD})
    stray = tmp_path / "0002-elsewhere.yaml"
    stray.write_text(VALID_RECORD, encoding="utf-8")
    result = run_cli("validate", str(stray), cwd=tmp_path)
    assert result.returncode == 2
    assert "is not in the decisions folder decisions" in result.stderr
