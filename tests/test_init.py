"""`decisions init` and `decisions init --check`, through click's runner in temporary folders.

tests/test_adoption.py does the same from a built wheel in a virtual environment of its own;
these are the fast cases, one thing each.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import TODAY_ENV, run_cli
from decision_records.cli.main import main
from decision_records.loader import load_decisions
from decision_records.scaffold import ANSWERS, _env, first_record_name, tool_files

FIRST = f"decisions/{first_record_name()}"
FLAGS = ("--org", "Acme", "--team", "platform=3", "--team", "data=2")
GITHUB = [".github/workflows/decisions-publish.yml", ".github/workflows/decisions-refresh.yml",
          ".github/workflows/decisions-review.yml"]
ORG_FILES = ["mkdocs.yml", "requirements.txt", "README.md", ".gitignore", ANSWERS,
             "docs/index.md", "decisions/config.yaml", FIRST]
TOOL_FILES = [".pre-commit-config.yaml", "docs/decision.schema.json"]


def init(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("init", str(repo), *args, cwd=repo.parent)


def files(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes()
            for p in sorted(repo.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("ci", "ci_files"), [("github", GITHUB), ("gitlab", [".gitlab-ci.yml"]),
                                              ("none", [])])
def test_init_writes_a_repository_whose_records_pass(tmp_path: Path, ci: str,
                                                     ci_files: list[str]) -> None:
    repo = tmp_path / "decisions-site"
    result = init(repo, *FLAGS, "--ci", ci, "--requirement", "decision-records==9.9.9")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(files(repo)) == sorted(ORG_FILES + TOOL_FILES + ci_files)
    assert [line.split()[1] for line in result.stdout.splitlines()
            if line.startswith("wrote ")] == ORG_FILES + TOOL_FILES + ci_files
    decisions = load_decisions(repo / "decisions")
    assert [e.id for e in decisions.entries] == [Path(FIRST).stem]
    assert decisions.findings == []  # `validate --strict` has nothing to say
    config = yaml.safe_load((repo / "decisions" / "config.yaml").read_text(encoding="utf-8"))
    assert config["teams"] == [{"name": "platform", "tokens": 3}, {"name": "data", "tokens": 2}]
    assert (repo / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == \
        "decision-records==9.9.9"
    record = yaml.safe_load((repo / FIRST).read_text(encoding="utf-8"))
    assert record["team"] == "platform" and len(record["options"]) == 3
    assert str(record["date"]) == TODAY_ENV


def test_a_second_run_changes_nothing_and_needs_no_flags(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "github").returncode == 0
    before = files(repo)
    again = init(repo, *FLAGS, "--ci", "github")
    bare = init(repo, "--no-interactive")  # organisation and CI from the answers file
    for result in (again, bare):
        assert result.returncode == 0, result.stderr
        assert not [line for line in result.stdout.splitlines()
                    if line and not line.startswith("kept ")], result.stdout
    assert files(repo) == before
    (repo / GITHUB[0]).unlink()
    result = init(repo, "--no-interactive")
    assert f"wrote {GITHUB[0]}" in result.stdout and files(repo) == before


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    result = init(repo, *FLAGS, "--ci", "gitlab", "--dry-run")
    assert result.returncode == 0
    assert "would write .gitlab-ci.yml" in result.stdout
    assert not repo.exists()


@pytest.mark.parametrize(("args", "missing"), [
    ((), "--org, --team, --ci"),
    (("--org", "Acme", "--ci", "none"), "--team"),
    (("--team", "sre=2", "--ci", "none"), "--org"),
    (("--org", "Acme", "--team", "sre=2"), "--ci"),
])
def test_missing_answers_without_a_terminal_are_a_usage_error(
        tmp_path: Path, args: tuple[str, ...], missing: str) -> None:
    result = init(tmp_path / "repo", *args, "--no-interactive")
    assert result.returncode == 2
    assert f"give {missing}" in result.stderr
    assert not (tmp_path / "repo").exists()


def test_a_terminal_is_asked_for_what_is_missing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    typed = "\nAcme\nplatform\nplatform=3 data=2\ngitlab\n"  # an empty name and a bad team
    result = CliRunner().invoke(main, ["init", str(repo), "--interactive"], input=typed,
                                env={"DECISIONS_TODAY": TODAY_ENV})
    assert result.exit_code == 0, result.output
    assert "Error: 'platform': write NAME=TOKENS, e.g. platform=3" in result.output
    assert (repo / ".gitlab-ci.yml").is_file()
    answers = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))
    assert answers == {"org": "Acme", "ci": "gitlab"}


@pytest.mark.parametrize("org", ["Acme: Corp # not a comment", "O'Brien & Söhne", "- Acme",
                                 "yes", "null", "{Acme}", "\"Acme\"", "*Acme* [x](y)",
                                 "Acme\\n", "1.5"])
def test_any_one_line_org_name_reads_back_exactly(tmp_path: Path, org: str) -> None:
    repo = tmp_path / "repo"
    assert init(repo, "--org", org, "--team", "sre=2", "--ci", "none").returncode == 0
    site = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    assert site["site_name"] == f"{org} technology decisions"
    assert set(site) == {"site_name", "theme", "plugins", "markdown_extensions"}
    answers = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))
    assert answers == {"org": org, "ci": "none"}
    assert load_decisions(repo / "decisions").findings == []


@pytest.mark.parametrize(("args", "message"), [
    (("--org", "Acme\nci: gitlab"), "--org: "),
    (("--org", "Acme\u202e"), "--org: "),
    (("--org", "x" * 101), "at most 100 characters"),
    (("--org", "  "), "give the organisation's name"),
    (("--team", "sre=2\nstatus: accepted"), "write NAME=TOKENS"),
    (("--team", "SRE=2"), "a team name is lowercase words"),
    (("--team", "sre"), "write NAME=TOKENS"),
    (("--team", "sre=-1"), "write NAME=TOKENS"),
    (("--team", "sre=٣"), "write NAME=TOKENS"),  # an Arabic-Indic three is no token count
    (("--team", "sre=100"), "at most 99 innovation tokens"),
    (("--team", "sre=2", "--team", "sre=3"), "team sre given twice"),
    (("--requirement", "decision-records==1.0\n--index-url https://evil.example.com"),
     "--requirement"),
    (("--requirement", "-e ."), "not a requirement pip reads"),
])
def test_bad_answers_exit_2_with_one_line(tmp_path: Path, args: tuple[str, ...],
                                          message: str) -> None:
    defaults = {"--org": "Acme", "--team": "sre=2", "--ci": "none"}
    given = {a for a in args if a.startswith("--")}
    extra = [x for k, v in defaults.items() if k not in given for x in (k, v)]
    result = init(tmp_path / "repo", *args, *extra, "--no-interactive")
    assert result.returncode == 2, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert message in line and "Traceback" not in line
    assert not (tmp_path / "repo").exists()


def test_the_requirement_may_be_a_git_url(tmp_path: Path) -> None:
    spec = "decision-records @ git+https://git.example.com/tools/decision-records@v1.2.0"
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "none", "--requirement", spec).returncode == 0
    assert (repo / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == spec


def test_an_existing_file_is_kept_and_records_are_not_renumbered(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "decisions").mkdir(parents=True)
    (repo / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    (repo / "decisions" / "0001-our-own.yaml").write_text("title: x\n", encoding="utf-8")
    result = init(repo, *FLAGS, "--ci", "none")
    assert result.returncode == 0
    assert "kept mkdocs.yml (it exists)" in result.stdout
    assert f"skipped {FIRST}: decisions/ has records already" in result.stdout
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Ours\n"
    assert not (repo / FIRST).exists()


def test_a_linked_folder_is_not_followed(tmp_path: Path) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    repo.mkdir()
    elsewhere.mkdir()
    (repo / ".github").symlink_to(elsewhere, target_is_directory=True)
    result = init(repo, *FLAGS, "--ci", "github")
    assert result.returncode == 0
    assert f"skipped {GITHUB[0]} (.github is a symbolic link, not followed)" in result.stdout
    assert list(elsewhere.iterdir()) == []


def test_org_and_ci_that_contradict_the_answers_file_exit_2(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "github").returncode == 0
    result = init(repo, *FLAGS, "--ci", "gitlab")
    assert result.returncode == 2
    assert "--ci 'gitlab' is not what .decisions-init.yaml says ('github')" in result.stderr


def test_check_is_quiet_until_a_tool_file_changes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "github").returncode == 0
    result = init(repo, "--check")
    assert result.returncode == 0, result.stdout
    assert "The 5 files `decisions init` keeps up to date match this version." in result.stdout
    # the organisation's own files are theirs to edit
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write("site_url: https://decisions.example.com/\n")
    (repo / FIRST).unlink()
    assert init(repo, "--check").returncode == 0
    review = repo / GITHUB[2]
    review.write_text(review.read_text(encoding="utf-8").replace('"3.12"', '"3.11"'),
                      encoding="utf-8")
    (repo / ".pre-commit-config.yaml").unlink()
    result = init(repo, "--check")
    assert result.returncode == 1
    out = result.stdout
    assert f"--- {GITHUB[2]} (yours)\n+++ {GITHUB[2]} (decision-records " in out
    assert '\n-          python-version: "3.11"\n+          python-version: "3.12"\n' in out
    assert ".pre-commit-config.yaml differs from what this version writes:\nmissing" in out
    assert "2 of 5 files differ." in out


def test_check_escapes_what_the_file_holds(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "gitlab").returncode == 0
    (repo / ".gitlab-ci.yml").write_text("x\x1b[2J\u202e\n", encoding="utf-8")
    out = init(repo, "--check").stdout
    assert "\x1b" not in out and "\u202e" not in out and "+x\\x1b[2J\\u202e" not in out
    assert "-x\\x1b[2J\\u202e" in out


@pytest.mark.parametrize(("content", "message"), [
    (None, ".decisions-init.yaml: not found"),
    ("org: Acme\nci: jenkins\n", "ci: Value error, one of github, gitlab, none"),
    ("org: [1]\nci: none\n", "org: Input should be a valid string"),
    ("a: [\n", "cannot be read"),
])
def test_check_without_usable_answers_exits_2(tmp_path: Path, content: str | None,
                                              message: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    if content is not None:
        (repo / ANSWERS).write_text(content, encoding="utf-8")
    result = init(repo, "--check")
    assert result.returncode == 2
    assert message in result.stderr


def _ci_commands(text: str) -> set[str]:
    """Every `decisions SUB` a CI file runs, from its run and script lines."""
    data = yaml.safe_load(text)
    lines: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("run", "script", "before_script"):
            lines.extend(node.splitlines())

    walk(data)
    return {m for line in lines for m in re.findall(r"(?:^|\s)decisions ([a-z-]+)", line)}


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_every_command_the_ci_runs_exists(ci: str) -> None:
    runs = set().union(*(_ci_commands(p.text) for p in tool_files(ci)
                         if p.path.endswith((".yml", ".yaml"))))
    assert runs >= {"validate", "enrich", "report", "review"}, runs
    assert runs <= set(main.commands), runs - set(main.commands)


def _tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.is_file() else shutil.which(name) or name


def test_the_github_workflows_pass_zizmor_and_the_schema(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "github").returncode == 0
    workflows = [str(repo / p) for p in GITHUB]
    lint = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", *workflows],
                          capture_output=True, text=True, timeout=120, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "No findings to report" in lint.stdout
    schema = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", *workflows],
                            capture_output=True, text=True, timeout=120, check=False)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    for path in GITHUB:  # every action pinned to a full commit
        uses = re.findall(r"uses: (\S+)", (repo / path).read_text(encoding="utf-8"))
        assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_the_gitlab_pipeline_passes_the_schema(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "gitlab").returncode == 0
    schema = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                             str(repo / ".gitlab-ci.yml")],
                            capture_output=True, text=True, timeout=120, check=False)
    assert schema.returncode == 0, schema.stdout + schema.stderr


def test_a_template_value_without_a_filter_fails() -> None:
    """Every value in a starter template says where it goes (YAML, Markdown); one that does
    not is a mistake in the template, caught before anything is written."""
    with pytest.raises(TypeError, match="without a filter"):
        _env().from_string("site_name: {{ org }}\n").render(org="Acme\nci: gitlab")
    assert _env().from_string("site_name: {{ org | yaml }}\n").render(org="Acme\nci: x") == \
        'site_name: "Acme\\nci: x"\n'


def test_the_costs_section_works_once_uncommented(tmp_path: Path) -> None:
    """config.yaml comes with the rates commented out: nothing is priced until the
    organisation sets its own, and uncommenting them as they stand gives a valid config whose
    first record still passes."""
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "none").returncode == 0
    path = repo / "decisions" / "config.yaml"
    assert load_decisions(repo / "decisions").config.rates is None
    text = path.read_text(encoding="utf-8")
    block = [line for line in text.splitlines()
             if line.startswith(("# currency:", "# costs:", "#   "))
             and not line.startswith("#   - ")]  # the statuses' example
    assert len(block) == 6, block
    for line in block:
        text = text.replace(line + "\n", line[2:] + "\n")
    path.write_text(text, encoding="utf-8")
    decisions = load_decisions(repo / "decisions")
    rates = decisions.config.rates
    assert rates is not None
    assert (rates.person_week, rates.run_hour, rates.horizon, rates.upkeep) == (
        4000, 100, 3, Decimal("0.2"))
    assert decisions.findings == []


def test_the_statuses_example_works_once_uncommented(tmp_path: Path) -> None:
    """Uncommented as it stands, the example adds trial and keeps the first record's
    accepted; the schema for it then lists trial, and `init --check` says so."""
    repo = tmp_path / "repo"
    assert init(repo, *FLAGS, "--ci", "none").returncode == 0
    path = repo / "decisions" / "config.yaml"
    text = path.read_text(encoding="utf-8")
    block = [line for line in text.splitlines()
             if line.startswith(("# statuses:", "#   - "))]
    assert len(block) == 3, block
    for line in block:
        text = text.replace(line + "\n", line[2:] + "\n")
    path.write_text(text, encoding="utf-8")
    decisions = load_decisions(repo / "decisions")
    assert decisions.config.status_table.named("accepted") == ("accepted", "trial")
    assert decisions.findings == []
    assert init(repo, "--check").returncode == 1  # the schema now lists trial
