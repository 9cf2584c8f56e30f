"""The weekly refresh workflow: it is scheduled, and every command the workflows run exists
(each `decisions` subcommand and option, each `make` target), so a renamed flag fails here
instead of in a Monday-morning run nobody watches."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from conftest import REPO
from decision_records.cli.main import main
from test_security_workflows import WORKFLOWS, jobs, load, triggers

REFRESH = REPO / ".github" / "workflows" / "refresh.yml"
MAKE_TARGETS = set(re.findall(r"^([A-Za-z][\w-]*):", (REPO / "Makefile").read_text(
    encoding="utf-8"), re.MULTILINE))
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ">", ">>", "<"}
# actions the refresh workflow may use: GitHub's own, and only these
ACTIONS = {"actions/checkout", "actions/setup-python", "actions/upload-artifact",
           "actions/download-artifact"}


def invocations(script: str) -> list[list[str]]:
    """Each `decisions ...` and `make ...` command of a script, as its words up to the end
    of the command."""
    out = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
        for i, word in enumerate(words):
            if word == "make" or word == "decisions" or word.endswith("/bin/decisions"):
                command = []
                for w in words[i:]:
                    if w in SEPARATORS:
                        break
                    command.append(w)
                out.append(command)
    return out


def problems(command: list[str]) -> list[str]:
    """What does not exist in one command: a subcommand, an option, a choice, a target."""
    if command[0] == "make":
        targets = [w for w in command[1:] if not w.startswith("-") and "=" not in w]
        return [f"make target {t}" for t in targets if t not in MAKE_TARGETS]
    if len(command) < 2 or command[1] not in main.commands:
        return [f"decisions subcommand {command[1:2]}"]
    sub = main.commands[command[1]]
    options = {opt: p for p in sub.params if isinstance(p, click.Option) for opt in p.opts}
    found = []
    words = command[2:]
    for i, word in enumerate(words):
        if not word.startswith("-"):
            continue
        name, _, value = word.partition("=")
        param = options.get(name)
        if param is None:
            found.append(f"decisions {command[1]} option {name}")
            continue
        if not param.is_flag and not value:
            value = words[i + 1] if i + 1 < len(words) else ""
        if isinstance(param.type, click.Choice) and value not in param.type.choices:
            found.append(f"decisions {command[1]} {name} {value}")
    return found


def scripts(path: Path) -> list[str]:
    return [str(step["run"]) for _, job in jobs(path) for step in job.get("steps", [])
            if "run" in step]


def test_the_refresh_workflow_is_scheduled_weekly_and_can_be_started_by_hand() -> None:
    data = load(REFRESH)
    assert triggers(data) == {"schedule", "workflow_dispatch"}
    on = data.get("on", data.get(True))
    crons = [item["cron"] for item in on["schedule"]]
    assert len(crons) == 1
    minute, hour, day, month, weekday = crons[0].split()
    # once a week: a fixed minute and hour on one day of the week, any day of the month
    assert minute.isdigit() and hour.isdigit() and day == "*" and month == "*"
    assert re.fullmatch(r"[0-6]", weekday), crons[0]


def test_the_refresh_workflow_runs_enrich_and_review() -> None:
    commands = [c for s in scripts(REFRESH) for c in invocations(s)]
    assert [".venv/bin/decisions", "enrich", "--refresh"] in commands
    assert [".venv/bin/decisions", "review", "--format", "markdown"] in commands
    text = REFRESH.read_text(encoding="utf-8")
    assert "gh pr create" in text and "gh pr edit" in text
    assert "git push --force" in text and "BRANCH: decisions/refresh-signals" in text


def test_the_refresh_workflow_uses_only_githubs_own_actions() -> None:
    used = {str(step["uses"]).partition("@")[0] for _, job in jobs(REFRESH)
            for step in job.get("steps", []) if "uses" in step}
    assert used <= ACTIONS, used - ACTIONS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_command_a_workflow_runs_exists(path: Path) -> None:
    commands = [c for s in scripts(path) for c in invocations(s)]
    assert commands, f"{path.name} runs neither make nor decisions"
    missing = [p for c in commands for p in problems(c)]
    assert not missing, f"{path.name}: {missing}"


@pytest.mark.parametrize(("script", "missing"), [
    (".venv/bin/decisions enrich --refresh", []),
    (".venv/bin/decisions revue --format markdown > x", ["decisions subcommand ['revue']"]),
    (".venv/bin/decisions enrich --refersh", ["decisions enrich option --refersh"]),
    (".venv/bin/decisions review --format html", ["decisions review --format html"]),
    (".venv/bin/decisions review --format=json | tee x", []),
    ("make install && make nothing", ["make target nothing"]),
    ("decisions report --base \"origin/$BASE_REF\" > report.md || status=$?", []),
])
def test_the_command_check_can_fail(script: str, missing: list[str]) -> None:
    assert [p for c in invocations(script) for p in problems(c)] == missing
