"""`decisions new` with flags and with answers typed at its prompts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import TODAY_ENV, MakeDecisions
from decision_records.cli.main import main
from decision_records.loader import load_decisions

CONFIG = """\
teams:
  - name: sre
    tokens: 2
categories: [alerting, database]
"""


def _run(root: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--dir", str(root), "new", *args], input=input,
                                env={"DECISIONS_TODAY": TODAY_ENV})
    return result.exit_code, result.output


def _only_todos(root: Path) -> set[str]:
    return {f.rule for f in load_decisions(root).findings}


def test_flags_write_a_record_that_fails_only_on_todos(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Buy a paging service", "--team", "sre", "--category", "alerting",
                     "--option", "PagerDuty=buy", "--option", "Our own pager=build",
                     "--no-interactive")
    assert code == 0, out
    path = Path(out.strip())
    assert path.name == "0001-buy-a-paging-service.yaml"
    text = path.read_text(encoding="utf-8")
    assert '  - name: "PagerDuty"\n    approach: buy' in text
    assert '  - name: "Our own pager"\n    approach: build' in text
    assert _only_todos(root) == {"todo"}


def test_prompts_ask_for_what_is_missing(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=CONFIG)
    answers = "Adopt a graph database\nsre\ndatabase\nNeo4j\nadopt\nPostgreSQL\nadopt\n" \
              "ArangoDB\nadopt\n\n"
    code, out = _run(root, "--interactive", input=answers)
    assert code == 0, out
    (path,) = root.glob("0001-*.yaml")
    assert path.name == "0001-adopt-a-graph-database.yaml"
    text = path.read_text(encoding="utf-8")
    assert "team: sre" in text and "category: database" in text
    assert text.count("approach: adopt") == 3
    assert _only_todos(root) == {"todo"}


def test_a_wrong_team_is_asked_again(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "--interactive",
                     input="Buy paging\nSRE\nsre\nalerting\nA\nbuy\nB\nbuild\n\n")
    assert code == 0
    assert "Error: 'SRE' is not 'sre'." in out


@pytest.mark.parametrize("bad", ["PagerDuty", "PagerDuty=rent", "=buy"])
def test_bad_option_flag_is_a_usage_error(make_decisions: MakeDecisions, bad: str) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Buy paging", "--option", bad, "--no-interactive")
    assert code == 2
    assert "write NAME=APPROACH" in out


def test_no_title_without_a_terminal_is_a_usage_error(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "--no-interactive")
    assert code == 2 and "give a TITLE" in out
