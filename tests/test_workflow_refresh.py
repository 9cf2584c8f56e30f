"""The weekly refresh workflow: it is scheduled, and every command the workflows run exists
(each `decisions` subcommand and option, each `make` target), so a renamed flag fails here
instead of in a Monday-morning run nobody watches."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import click
import pytest

from conftest import REPO, TODAY_ENV
from decision_records.cli.main import main
from decision_records.signals.snapshot import Snapshot, dump_snapshot
from test_review import MORE, overdue_folder, rows
from test_security_workflows import WORKFLOWS, commands, jobs, load, triggers

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


def step(job: str, name: str) -> str:
    (found,) = [str(s["run"]) for s in dict(jobs(REFRESH))[job]["steps"]
                if s.get("name") == name]
    return found


# a pull request's body holds 65,536 characters; UTF-8 bytes are never fewer
BODY_LIMIT = 65536


def test_the_body_is_cut_where_code_may_run_and_passed_on_as_it_is() -> None:
    """The read-only job finishes the body; the job with the write token only hands it to
    gh, and runs nothing that could cut or rewrite it."""
    made = step("refresh", "List what needs a review")
    (limit,) = re.findall(r'review --format markdown --max-bytes (\d+) > '
                          r'"\$RUNNER_TEMP/refresh/body\.md"', made)
    assert int(limit) <= BODY_LIMIT - 4096  # room for anything GitHub counts differently
    propose = step("propose", "Open or update the refresh pull request")
    assert set(commands(propose)) <= {"set", "gh", "git", "cp", "cat", "echo", "exit", "[",
                                      "fi"}, commands(propose)
    assert 'body="$made/body.md"' in propose
    assert propose.count('--body-file "$body"') == 2
    assert "review.md" not in propose


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout as the refresh job sees it: decisions/ with 600 records past their review
    date (whose list is far longer than a body holds) and the project's .venv."""
    folder = overdue_folder(tmp_path, 600)
    (folder / "signals.json").write_text(dump_snapshot(Snapshot()), encoding="utf-8")
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    return tmp_path


def test_the_refresh_job_makes_a_body_of_whole_entries(project: Path, tmp_path_factory:
                                                       pytest.TempPathFactory) -> None:
    """The step's own shell, run as the runner would: the body fits, ends in whole rows
    (no code span or character cut open) and counts what it leaves out; the artifact has
    the whole list."""
    runner_temp = tmp_path_factory.mktemp("runner")
    summary = runner_temp / "summary.md"
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(summary),
           "DECISIONS_TODAY": TODAY_ENV}
    env.pop("DECISIONS_DIR", None)
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c",
                           step("refresh", "List what needs a review")],
                          cwd=project, env=env, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    made = runner_temp / "refresh"
    whole = (made / "review.md").read_text(encoding="utf-8")
    raw = (made / "body.md").read_bytes()
    assert len(whole.encode()) > BODY_LIMIT and len(raw) <= 60000
    body = raw.decode("utf-8")  # strict: no character cut in half
    kept = rows(body)
    assert kept == rows(whole)[:len(kept)] and len(rows(whole)) == 600
    assert MORE.findall(body) == [str(600 - len(kept))]
    assert all(line.count("`") % 2 == 0 for line in kept)  # every mention stays in its span
    assert summary.read_text(encoding="utf-8") == whole  # the whole list fits 1 MiB
    assert sorted(p.name for p in made.iterdir()) == ["body.md", "review.json", "review.md",
                                                        "signals.json"]
