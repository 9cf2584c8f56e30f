"""`decisions new` with flags and with answers typed at its prompts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import TODAY_ENV, MakeDecisions
from decision_records.cli.main import main
from decision_records.loader import load_decisions
from decision_records.newrecord import COMMENT_COLUMN, render_template

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


@pytest.mark.parametrize(("typed", "expected"), [
    ("PagerDuty=buy\nOur own pager = build\n\n", [("PagerDuty", "buy"),
                                                    ("Our own pager", "build")]),
    # a name that only contains '=' is still asked for its approach
    ("a=b\nadopt\nPagerDuty=buy\n\n", [("a=b", "adopt"), ("PagerDuty", "buy")]),
])
def test_an_option_typed_as_the_flag_takes_it(make_decisions: MakeDecisions, typed: str,
                                              expected: list[tuple[str, str]]) -> None:
    """The README shows --option 'PagerDuty=buy'; typed at the prompt it means the same."""
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Buy paging", "--team", "sre", "--category", "alerting",
                     "--interactive", input=typed)
    assert code == 0, out
    (path,) = root.glob("0001-*.yaml")
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [(o["name"], o["approach"]) for o in record["options"]] == expected


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


@pytest.mark.parametrize(("team", "column"), [
    ("sre", COMMENT_COLUMN), ("platform-engineering", len("team: platform-engineering  "))])
def test_trailing_comments_start_at_one_column(team: str, column: int) -> None:
    text = render_template("Buy a paging service", team, "observability",
                           dt.date(2026, 11, 26), [("PagerDuty", "buy"), ("Own", "build")])
    starts = {line.index(" # ") + 1 for line in text.splitlines()
              if " # " in line and not line.lstrip().startswith("#")}
    assert starts == {column}, text


def test_a_long_title_is_cut_at_the_end_of_its_first_phrase(
        make_decisions: MakeDecisions) -> None:
    """`new` and `import` make file names the same way (recordfile.slug)."""
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Use Kafka for order events: a longer explanation that runs on past "
                     "sixty characters", "--team", "sre", "--no-interactive")
    assert code == 0, out
    assert Path(out.strip()).name == "0001-use-kafka-for-order-events.yaml"
