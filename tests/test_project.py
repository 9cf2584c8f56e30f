"""The files around the code: workflows, pre-commit hooks, docs that must not drift."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from conftest import REPO
from decision_records.cli.main import main

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
MAKE_TARGETS = set(re.findall(r"^([A-Za-z.][\w./-]*):", (REPO / "Makefile").read_text(),
                              re.MULTILINE))
COMMANDS = set(main.commands)


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _run_lines(workflow: dict[Any, Any]) -> list[str]:
    lines = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "uses" in step or "run" in step, step
            for line in str(step.get("run", "")).splitlines():
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_structure_and_commands_exist(path: Path) -> None:
    wf = _load(path)
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict) and triggers
    assert wf["jobs"]
    for line in _run_lines(wf):
        for match in re.finditer(r"(?:^|\s|/)decisions ([a-z-]+)", line):
            assert match.group(1) in COMMANDS, f"{path.name}: {line}"
        for match in re.finditer(r"\bmake ([\w./-]+)", line):
            assert match.group(1) in MAKE_TARGETS, f"{path.name}: {line}"


def test_pull_request_workflow_checks_and_reports() -> None:
    wf = _load(REPO / ".github" / "workflows" / "pull-request.yml")
    assert "pull_request" in wf.get("on", wf.get(True))
    steps = wf["jobs"]["review"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = " ".join(_run_lines(wf))
    for needed in ("decisions validate --strict", "make test", "decisions enrich",
                   "decisions report", "GITHUB_STEP_SUMMARY"):
        assert needed in runs
    enrich = next(s for s in steps if "decisions enrich" in str(s.get("run", "")))
    assert enrich["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


def test_pages_workflow_deploys_with_the_official_actions() -> None:
    wf = _load(REPO / ".github" / "workflows" / "pages.yml")
    assert wf.get("on", wf.get(True))["push"]["branches"] == ["main"]
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert any(u.startswith(action + "@") for u in uses), action
    # granted per job: the deploy job writes, the build job only reads
    assert wf["permissions"] == {}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "decisions-validate"
    assert shlex.split(hook["entry"])[:2] == ["decisions", "validate"]
    assert re.match(hook["files"], "decisions/0001-buy-x.yaml")
    assert not re.match(hook["files"], "docs/index.md")
    own = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (local,) = own["repos"][0]["hooks"]
    assert local["id"] == hook["id"] and local["files"] == hook["files"]
    assert shlex.split(local["entry"])[1:] == ["validate"]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("```", 2)[1]
    assert [line.split("#")[0].strip() for line in quick.splitlines()[1:] if line.strip()] == [
        "make serve", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_is_documented(name: str) -> None:
    command = main.commands[name]
    assert command.help and len(command.help) > 40, name
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`decisions {name}" in readme, f"README does not document `decisions {name}`"


def test_readme_shows_the_current_budget_markdown(tmp_path: Path) -> None:
    from conftest import run_cli

    result = run_cli("--dir", str(REPO / "decisions"), "budget", "--format", "markdown",
                     cwd=tmp_path)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert table, result.stderr
    for line in table:
        assert f"   {line}" in readme, f"README's budget example is stale: {line}"


def test_the_console_script_runs(tmp_path: Path) -> None:
    """`decisions`, as pip installs it beside the interpreter."""
    script = Path(sys.executable).parent / "decisions"
    done = subprocess.run([str(script), "--version"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.startswith("decisions, version "), done.stderr
