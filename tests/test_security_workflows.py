"""The GitHub Actions workflows keep their hardening: least privilege per job, no event
values spliced into scripts, a time limit on every job, no credentials left in checkouts,
every action pinned to a commit, and a clean bill from the ecosystem's own checkers (zizmor,
and the CI schemas of check-jsonschema).

`workflow_problems` and `gitlab_ci_problems` take a folder, so workflows written anywhere
(scaffolded into a temporary project, say) can be checked the same way as ours.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO
from decision_records.siteconfig import SHARED_DOCS

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
# Triggers that run with the base repository's secrets and write token on a fork's
# behalf: none of the workflows needs one.
PRIVILEGED_TRIGGERS = {"pull_request_target", "workflow_run"}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def jobs(path: Path) -> list[tuple[str, dict[str, Any]]]:
    found = load(path).get("jobs")
    assert isinstance(found, dict) and found, f"{path.name}: no jobs"
    return list(found.items())


def triggers(data: dict[str, Any]) -> set[str]:
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` key as true
    if isinstance(on, str):
        return {on}
    return set(on) if isinstance(on, (dict, list)) else set()


def writes(permissions: object) -> set[str]:
    if permissions == "write-all":
        return {"*"}
    if isinstance(permissions, dict):
        return {scope for scope, level in permissions.items() if level == "write"}
    return set()


# What a script may call in a job that holds a write permission: tools of the runner that
# read no code from the checkout. Anything else (make, python, pip, .venv/..., a script
# of the repository) runs code a change could have put there.
WRITER_TOOLS = {"set", "git", "gh", "cp", "cat", "echo", "exit", "[", "fi", "}"}
# The one job that writes a branch and a pull request: it must only ever run those tools.
PULL_REQUEST_WRITER = ("refresh.yml", "propose")


def runs_repository_code(job: dict[str, Any]) -> bool:
    """Checks the repository out or runs a script: the code of a push or a pull request."""
    return any("run" in step or str(step.get("uses", "")).startswith("actions/checkout")
               for step in job.get("steps", []))


_OPENS = {"if", "then", "else", "elif", "while", "until", "do", "!", "{"}
_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;"}


def commands(script: str) -> list[str]:
    """The program each simple command of a script starts with: a shell reading good enough
    for the few lines the workflows hold (quotes, comments, `;`, `&&`, pipes, `$(...)`,
    if/then/else, line continuations)."""
    text = script.replace("\\\n", " ")
    # command substitutions, also those inside double quotes, which the lexer keeps whole
    out = re.findall(r"\$\(\s*([^\s()\"';|&<>]+)", text)
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:  # an unclosed quote: read it by words
            tokens = line.split()
        start, redirect = True, False
        for token in tokens:
            if redirect:
                redirect = False
            elif token in _SEPARATORS:
                start = True
            elif token.strip("0123456789") in {">", ">>", "<", ">&"}:
                redirect = True
            elif start and token in _OPENS:
                continue
            elif start and not re.fullmatch(r"[A-Za-z_]\w*=.*", token):
                out.append(token)
                start = False
    return out


def runs_only_writer_tools(job: dict[str, Any]) -> bool:
    for step in job.get("steps", []):
        uses = str(step.get("uses", ""))
        if uses and not uses.startswith(("actions/checkout@", "actions/download-artifact@")):
            return False
        if "run" in step and not set(commands(str(step["run"]))) <= WRITER_TOOLS:
            return False
    return True


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"pages.yml", "pull-request.yml", "refresh.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_privileged_triggers(path: Path) -> None:
    assert not triggers(load(path)) & PRIVILEGED_TRIGGERS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_granted_per_job(path: Path) -> None:
    data = load(path)
    top = data.get("permissions")
    assert top is not None, f"{path.name}: no top-level permissions (the default may write)"
    assert top == {} or (isinstance(top, dict) and set(top.values()) <= {"read", "none"}), top
    for name, job in jobs(path):
        assert "permissions" in job, f"{path.name}: job {name} names no permissions"
        granted = writes(job["permissions"])
        assert "*" not in granted, (name, granted)
        if (path.name, name) == PULL_REQUEST_WRITER:
            # it writes the refresh branch, so it runs git and gh and nothing else
            assert runs_only_writer_tools(job), name
            continue
        assert "contents" not in granted, (name, granted)
        # a job holding a write permission runs only actions, never the repository's code
        assert not (granted and runs_repository_code(job)), (name, granted)


def test_only_the_pages_deploy_and_refresh_jobs_write() -> None:
    granted = {(p.name, name): writes(job["permissions"]) for p in WORKFLOWS
               for name, job in jobs(p) if writes(job.get("permissions"))}
    assert granted == {("pages.yml", "deploy"): {"pages", "id-token"},
                       PULL_REQUEST_WRITER: {"contents", "pull-requests"}}
    build = dict(jobs(REPO / ".github" / "workflows" / "pages.yml"))["build"]
    assert build["permissions"] == {"contents": "read"}
    refresh = dict(jobs(REPO / ".github" / "workflows" / "refresh.yml"))["refresh"]
    assert refresh["permissions"] == {"contents": "read"}


def test_the_writing_workflow_runs_on_no_one_elses_change() -> None:
    """The refresh workflow holds a write token: only the schedule and a maintainer's
    dispatch start it, never a push or a pull request, whose code it would run."""
    assert triggers(load(REPO / ".github" / "workflows" / "refresh.yml")) == {
        "schedule", "workflow_dispatch"}


@pytest.mark.parametrize(("script", "tools"), [
    ("git push --force origin \"$BRANCH\"", True),
    ("gh pr edit \"$open\" --body-file x", True),
    ("if [ -n \"$open\" ]; then\n  gh pr view 1\nfi", True),
    ("open=\"$(gh pr list --json number)\"", True),
    ("make install", False),
    (".venv/bin/decisions review", False),
    ("git add x && python3 -c 'print(1)'", False),
    ("echo ok | bash", False),
    ("cp a b; ./script.sh", False),
    ('[ "$(python -c 1)" = x ]', False),
    ("git commit -m \"a; python\"  # then make", True),
])
def test_the_writer_check_tells_tools_from_repository_code(script: str, tools: bool) -> None:
    """The check above can fail: a write job that ran repository code would be caught."""
    assert runs_only_writer_tools({"steps": [{"run": script}]}) is tools


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_has_a_time_limit(path: Path) -> None:
    for name, job in jobs(path):
        limit = job.get("timeout-minutes")
        assert isinstance(limit, int) and 0 < limit <= 60, f"{path.name}: job {name}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    for name, job in jobs(path):
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout"):
                assert (step.get("with") or {}).get("persist-credentials") is False, name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expressions_inside_scripts(path: Path) -> None:
    """${{ }} in a script is pasted in before the shell parses it: a branch name or title
    with quotes and `;` would run as commands. Values go in through env: instead."""
    for name, job in jobs(path):
        for step in job.get("steps", []):
            script = step.get("run")
            if script is not None:
                assert "${{" not in str(script), f"{path.name}: job {name}: {script!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_env_values_are_used_quoted(path: Path) -> None:
    """A variable set from an expression is only ever expanded inside double quotes."""
    for name, job in jobs(path):
        for step in job.get("steps", []):
            script = str(step.get("run") or "")
            for var, value in (step.get("env") or {}).items():
                if "${{" not in str(value):
                    continue
                for m in re.finditer(rf"\$\{{?{re.escape(var)}\b", script):
                    before = script[:m.start()].split("\n")[-1]
                    assert before.count('"') % 2 == 1, f"{path.name}: {name}: ${var} unquoted"


# --- the ecosystem's own checkers -------------------------------------------------------

# Both come with the test extras; where they are missing the tests skip with one line,
# except in CI (CI=true), where a workflow would otherwise go unchecked.
CHECKERS = ("zizmor", "check-jsonschema")


def checker(name: str) -> str:
    """The path of a checker from the test extras: .venv's first, then PATH's."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        why = f"{name} is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the CI files cannot be checked in CI: {why}")
        pytest.skip(f"CI file check skipped: {why}")
    return found


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    # NO_COLOR: plain text to read in an assertion message
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=300,
                          env=env)


def _schema_problems(files: list[Path], schema: str) -> list[str]:
    done = _run([checker("check-jsonschema"), "--builtin-schema", schema,
                 *map(str, files)])
    return [] if done.returncode == 0 else [f"check-jsonschema: {done.stdout}{done.stderr}"]


def workflow_problems(folder: Path) -> list[str]:
    """What zizmor (offline, no configuration file: only inline ignore comments count) and
    GitHub's workflow schema say about every workflow file in folder; [] when both pass."""
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))
    if not files:
        return [f"{folder}: no workflow files to check"]
    done = _run([checker("zizmor"), "--offline", "--no-config", "--format", "plain",
                 *map(str, files)])
    found = [] if done.returncode == 0 else [f"zizmor: {done.stdout}{done.stderr}"]
    return found + _schema_problems(files, "vendor.github-workflows")


def gitlab_ci_problems(folder: Path) -> list[str]:
    """What GitLab's CI schema says about every `.gitlab-ci.yml` under folder; [] when
    they pass."""
    files = sorted(folder.rglob(".gitlab-ci.yml"))
    if not files:
        return [f"{folder}: no .gitlab-ci.yml to check"]
    return _schema_problems(files, "vendor.gitlab-ci")


def test_the_workflows_pass_zizmor_and_githubs_schema() -> None:
    assert workflow_problems(REPO / ".github" / "workflows") == []


# A workflow the docs show for readers to copy starts with a comment naming where it goes.
DOC_WORKFLOW = re.compile(r"^```yaml\n(# \.github/workflows/[^\n]*\n.*?)^```", re.M | re.S)


def test_the_workflows_the_docs_show_pass_them_too(tmp_path: Path) -> None:
    # this repository's pages and the guides every site gets from the package
    pages = sorted([*(REPO / "docs").rglob("*.md"), *SHARED_DOCS.rglob("*.md")])
    shown = [m[1] for p in pages for m in DOC_WORKFLOW.finditer(p.read_text(encoding="utf-8"))]
    assert shown, "the docs show no workflow: the pattern above no longer finds them"
    for i, text in enumerate(shown):
        (tmp_path / f"shown-{i}.yml").write_text(text, encoding="utf-8")
    assert workflow_problems(tmp_path) == []


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    """A tag can be moved to other code after review; a full commit hash cannot."""
    for path in WORKFLOWS:
        for name, job in jobs(path):
            for step in job.get("steps", []):
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), (
                        path.name, name, step["uses"])
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


GOOD_WORKFLOW = """\
name: ok
on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - run: echo ok
"""


@pytest.mark.parametrize(("files", "expected"), [
    ({"ok.yml": GOOD_WORKFLOW}, []),
    ({"ok.yml": GOOD_WORKFLOW.replace("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
                                      "@v4")}, ["zizmor", "unpinned-uses"]),
    ({"ok.yml": GOOD_WORKFLOW.replace("      - run: echo ok\n",
                                      "      - run: echo \"${{ github.head_ref }}\"\n")},
     ["zizmor", "template-injection"]),
    ({"ok.yml": GOOD_WORKFLOW.replace("runs-on:", "runs_on:")}, ["check-jsonschema"]),
    ({"notes.txt": "not a workflow"}, ["no workflow files"]),
])
def test_the_workflow_check_can_fail(tmp_path: Path, files: dict[str, str],
                                     expected: list[str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = "\n".join(workflow_problems(tmp_path))
    assert all(word in found for word in expected), found
    assert bool(found) == bool(expected), found


@pytest.mark.parametrize(("text", "expected"), [
    ("test:\n  image: python:3.12\n  script:\n    - make test\n", []),
    ("test:\n  image: python:3.12\n  scripts:\n    - make test\n", ["scripts"]),
    (None, ["no .gitlab-ci.yml"]),
])
def test_the_gitlab_ci_check_can_fail(tmp_path: Path, text: str | None,
                                      expected: list[str]) -> None:
    if text is not None:
        (tmp_path / "service").mkdir()
        (tmp_path / "service" / ".gitlab-ci.yml").write_text(text, encoding="utf-8")
    found = "\n".join(gitlab_ci_problems(tmp_path))
    assert all(word in found for word in expected), found
    assert bool(found) == bool(expected), found
