"""`decisions new` writes what was typed as YAML values, never as YAML text.

The title, team, category and option names go into the template through the YAML serializer,
so a value reads back exactly as typed and cannot add a key; team and category are checked
against the config, and line breaks or hidden characters are refused with exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import TODAY, TODAY_ENV, MakeDecisions
from decision_records.cli.main import main
from decision_records.newrecord import render_template
from decision_records.recordfile import scalar

CONFIG = """\
teams:
  - name: sre
  - name: data-platform
categories: [alerting, database]
"""
TEMPLATE_KEYS = list(yaml.safe_load(render_template("Buy a thing", "sre", "alerting", TODAY)))


def _run(root: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--dir", str(root), "new", *args], input=input,
                                env={"DECISIONS_TODAY": TODAY_ENV})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _written(root: Path) -> list[Path]:
    return sorted(root.glob("0*.yaml"))


HOSTILE_TEAMS = [
    "sre\nstatus: accepted",
    "sre\n",
    "sre # comment",
    "sre\u2028status: accepted",
    "SRE",
    "ops",
    "sre\u202e",
    "",
]


@pytest.mark.parametrize("team", HOSTILE_TEAMS, ids=range(len(HOSTILE_TEAMS)))
def test_a_team_not_in_the_config_exits_2(make_decisions: MakeDecisions, team: str) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Buy paging", "--team", team, "--no-interactive")
    assert code == 2, out
    assert out.count("\n") == 1 and out.startswith("Error: --team "), out
    assert "known teams: sre, data-platform" in out
    assert _written(root) == []


def test_the_team_message_escapes_what_was_typed(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Buy paging", "--team", "sre\nstatus: accepted", "--no-interactive")
    assert (code, out) == (2, "Error: --team 'sre\\nstatus: accepted' is not a team in "
                              "decisions/config.yaml; known teams: sre, data-platform\n")


def test_without_teams_in_the_config_a_team_is_still_a_name(
    make_decisions: MakeDecisions,
) -> None:
    root = make_decisions({}, config="default_tokens: 3\n")
    code, out = _run(root, "Buy paging", "--team", "sre\nstatus: accepted", "--no-interactive")
    assert (code, out) == (2, "Error: --team 'sre\\nstatus: accepted': a team name is lowercase "
                              "words joined by '-', e.g. 'platform'\n")
    code, out = _run(root, "Buy paging", "--team", "ops", "--no-interactive")
    assert code == 0, out


@pytest.mark.parametrize("category", ["hosting", "alerting\nstatus: accepted", "Alerting"])
def test_a_category_not_in_the_config_exits_2(make_decisions: MakeDecisions,
                                              category: str) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, "Buy paging", "--category", category, "--no-interactive")
    assert code == 2, out
    assert out.count("\n") == 1 and out.startswith("Error: --category "), out
    assert "known categories: alerting, database" in out
    assert _written(root) == []


def test_without_categories_in_the_config_a_category_is_a_name(
    make_decisions: MakeDecisions,
) -> None:
    root = make_decisions({}, config="teams: [{name: sre}]\n")
    code, out = _run(root, "Buy paging", "--category", "data base", "--no-interactive")
    assert (code, out) == (2, "Error: --category 'data base': a category is lowercase words "
                              "joined by '-', e.g. 'feature-flags'\n")
    code, out = _run(root, "Buy paging", "--category", "data-store", "--no-interactive")
    assert code == 0, out


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["Buy\npaging: yes"], "Error: TITLE: U+000A LINE FEED at character 4: "),
        (["Buy \u202egnigap"], "Error: TITLE: U+202E RIGHT-TO-LEFT OVERRIDE at character 5: "),
        (["Buy " + "x" * 300], "Error: TITLE: at most 200 characters, not 304"),
        (["Buy paging", "--option", "Pager\nDuty=buy"],
         "Error: --option: U+000A LINE FEED at character 6: "),
        (["Buy paging", "--option", "Pager\x1bDuty=buy"],
         "Error: --option: U+001B ESCAPE at character 6: "),
        (["Buy paging", "--option", "x" * 101 + "=buy"],
         "Error: --option: at most 100 characters, not 101"),
    ],
    ids=["title-newline", "title-bidi", "title-long", "option-newline", "option-escape",
         "option-long"],
)
def test_titles_and_option_names_are_one_line(
    make_decisions: MakeDecisions, args: list[str], start: str,
) -> None:
    root = make_decisions({}, config=CONFIG)
    code, out = _run(root, *args, "--no-interactive")
    assert code == 2, out
    assert out.startswith(start), out
    assert out.count("\n") == 1, out
    assert _written(root) == []


TYPED = [
    'Use "boring" C:\\ paths: yes',
    "Adopt Kafka: #1 choice & *the* best!",
    "- a list? [no] {no} | > % @ `tick` ~",
    "yes",
    "null",
    "0012-looks-like-an-id",
    "'single' and \"double\" quotes",
    "Caf\u00e9 f\u00fcr \u6771\u4eac \U0001f469\u200d\U0001f4bb",
    "Ends with a backslash \\",
    "x" * 200,
]


@pytest.mark.parametrize("title", TYPED, ids=range(len(TYPED)))
def test_every_value_typed_reads_back_exactly(make_decisions: MakeDecisions, title: str) -> None:
    root = make_decisions({}, config=CONFIG)
    option = title[:100]
    code, out = _run(root, "--team", "data-platform", "--category", "database",
                     "--option", f"{option}=buy", "--option", "Build: it = ours=build",
                     "--no-interactive", "--", title)
    assert code == 0, out
    (path,) = _written(root)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data) == TEMPLATE_KEYS
    assert data["title"] == title
    assert data["team"] == "data-platform" and data["category"] == "database"
    assert [(o["name"], o["approach"]) for o in data["options"]] == [
        (option, "buy"), ("Build: it = ours", "build")]


def test_prompted_values_read_back_exactly(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=CONFIG)
    answers = 'Use "boring" C:\\ paths: yes\nsre\nalerting\nA: b # c\nbuy\n- d\nbuild\n\n'
    code, out = _run(root, "--interactive", input=answers)
    assert code == 0, out
    (path,) = _written(root)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["title"] == 'Use "boring" C:\\ paths: yes'
    assert [o["name"] for o in data["options"]] == ["A: b # c", "- d"]


def test_a_hostile_prompted_value_is_asked_again(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config="default_tokens: 3\n")
    answers = "Buy paging\nsre ops\nsre\nalerting\nA\nbuy\nB\nbuild\n\n"
    code, out = _run(root, "--interactive", input=answers)
    assert code == 0, out
    assert "Error: 'sre ops': a team name is lowercase words joined by '-'" in out
    (path,) = _written(root)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["team"] == "sre"


# --- the serializer itself ----------------------------------------------------------------

VALUES = [
    *TYPED, "sre", "TODO-team", "", " padded ", "a\nb", "a\r\nb", "tab\there", "\x00\x07\x1b",
    "\x85\u2028\u2029", "\ufeffbom", "\u202eoverride", "key: value\nother: 1", "---", "...",
    "&anchor", "*alias", "!tag", "%directive", "@at", "#hash", "<<", "=", "?", ":", "-",
    "1e3", "0x1F", "2026-01-01", "true", "~", "\"", "'", "\\", "\\n", "\U0001f600", "a" * 500,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_yaml_scalar_round_trips_on_one_line(value: str, quoted: bool) -> None:
    text = scalar(value, quoted=quoted)
    assert "\n" not in text and "\r" not in text
    assert not any(c in text for c in "\x85\u2028\u2029")
    if quoted:
        assert text.startswith('"')
    parsed: Any = yaml.safe_load(f"key: {text}  # a comment\nnext: 1\n")
    assert parsed == {"key": value, "next": 1}


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_no_value_adds_a_key_to_the_template(value: str) -> None:
    text = render_template(value, value, value, TODAY, [(value, "buy"), (value, "build")])
    data = yaml.safe_load(text)
    assert list(data) == TEMPLATE_KEYS
    assert (data["title"], data["team"], data["category"]) == (value, value, value)
    assert [o["name"] for o in data["options"]] == [value, value]
