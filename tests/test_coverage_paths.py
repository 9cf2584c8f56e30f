"""Coverage reads only inside the repository: coverage.paths, `-r` includes and the
decisions/coverage/ folder can name `..`, absolute paths and symbolic links, and none of them
is followed out. Real git repositories in temporary folders, real links."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, render_context, run_cli
from decision_records.coverage.scan import Outside, within
from decision_records.loader import load_decisions
from decision_records.render.coverage import render_coverage_page
from test_report import git

FIXTURE = REPO / "tests" / "fixtures" / "coverage"
SECRET = "pypi:hunter2-password"  # what a file outside the repository names


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding requirement-shaped secrets."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for name in ("requirements.txt", "secrets.txt"):
        (folder / name).write_text("hunter2-password\n", encoding="utf-8")
    (folder / "shop.json").write_text(json.dumps(
        {"dependencies": [{"ref": SECRET, "manifests": ["requirements.txt"]}]}),
        encoding="utf-8")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the fixture's records and one requirements file, committed."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(FIXTURE / "decisions", root / "decisions")
    shutil.rmtree(root / "decisions" / "coverage")
    (root / "app").mkdir()
    (root / "app" / "requirements.txt").write_text("django\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def configure(repo: Path, *paths: str) -> None:
    config = repo / "decisions" / "config.yaml"
    listed = "".join(f"    - {json.dumps(p)}\n" for p in paths)
    text = config.read_text(encoding="utf-8")
    assert "coverage:\n" in text
    config.write_text(text.replace("coverage:\n", f"coverage:\n  paths:\n{listed}", 1),
                      encoding="utf-8")


def coverage_json(repo: Path, *args: str) -> tuple[Any, str, int]:
    result = run_cli("coverage", *args, "--format", "json", cwd=repo)
    assert "Traceback" not in result.stderr
    return (json.loads(result.stdout) if result.stdout else {}), result.stderr, \
        result.returncode


@pytest.mark.parametrize(("path", "words"), [
    ("../outside", "'../outside' is not scanned: it leads out of the repository"),
    ("app/../../outside", "'app/../../outside' is not scanned: it leads out of the repository"),
    ("{outside}", "is not scanned: {outside} is outside"),
    ("linked", "'linked' is not scanned: linked is a symbolic link"),
    ("linked/requirements.txt", "is not scanned: linked is a symbolic link"),
    ("app/linked", "is not scanned: app/linked is a symbolic link"),
])
def test_configured_paths_stay_inside_the_repository(repo: Path, outside: Path, path: str,
                                                      words: str) -> None:
    (repo / "linked").symlink_to(outside, target_is_directory=True)
    (repo / "app" / "linked").symlink_to(outside, target_is_directory=True)
    configure(repo, "app", path.format(outside=outside))
    result = run_cli("coverage", "--format", "json", cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    line = result.stderr.splitlines()[0].removeprefix("Error: ")  # click says it first
    # the finding points at the entry in config.yaml and says what to do
    assert line.startswith("decisions/config.yaml:")
    assert ": error: coverage.paths[1]: " in line
    assert words.format(outside=outside) in line
    assert line.endswith("name a file or folder inside the repository, relative to its root, "
                         "with no symbolic link on the way [config]")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize("path", ["a" * 300, "app/" + "é" * 200])
def test_a_configured_path_no_file_can_have_is_a_usage_error(repo: Path, path: str) -> None:
    """A name longer than the file system takes (255 bytes) ended in a traceback."""
    configure(repo, path)
    result = run_cli("coverage", "--format", "json", cwd=repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert "no such file or folder" in result.stderr


def test_paths_with_dots_inside_the_repository_are_read(repo: Path) -> None:
    configure(repo, "app/../app", "./app/requirements.txt")
    data, stderr, code = coverage_json(repo)
    assert code == 0, stderr
    assert [d["ref"] for d in data["dependencies"]] == ["pypi:django"]


@pytest.mark.parametrize(("include", "words"), [
    ("-r ../../outside/requirements.txt", "-r ../../outside/requirements.txt: not read, it "
     "leads out of the repository"),
    ("-r {outside}/secrets.txt", "-r {outside}/secrets.txt: not read, {outside}/secrets.txt "
     "is outside"),
    ("--requirement=linked/secrets.txt", "-r linked/secrets.txt: not read, app/linked is a "
     "symbolic link"),
    ("-r ../linked/secrets.txt", "-r ../linked/secrets.txt: not read, linked is a symbolic "
     "link"),
    ("-r linked/../../../outside/secrets.txt", "not read, app/linked is a symbolic link"),
])
def test_includes_stay_inside_the_repository(repo: Path, outside: Path, include: str,
                                             words: str) -> None:
    (repo / "linked").symlink_to(outside, target_is_directory=True)
    (repo / "app" / "linked").symlink_to(outside, target_is_directory=True)
    (repo / "app" / "requirements.txt").write_text(
        f"django\n{include.format(outside=outside)}\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "include")
    data, _, _ = coverage_json(repo, "app")
    assert [d["ref"] for d in data["dependencies"]] == ["pypi:django"]
    [finding] = data["findings"]
    assert (finding["path"], finding["line"], finding["col"]) == ("app/requirements.txt", 2, 1)
    assert words.format(outside=outside) in finding["message"]
    assert finding["message"].endswith("only files inside the repository are read, and no "
                                       "link is followed; copy the file in, or remove the "
                                       "line")
    assert "hunter2" not in json.dumps(data)


def test_an_include_that_is_a_link_is_not_followed(repo: Path, outside: Path) -> None:
    (repo / "app" / "base.txt").symlink_to(outside / "secrets.txt")
    (repo / "app" / "requirements.txt").write_text("django\n-r base.txt\n", encoding="utf-8")
    data, _, _ = coverage_json(repo, "app")
    assert "hunter2" not in json.dumps(data["dependencies"])
    [finding] = data["findings"]
    assert (finding["path"], finding["line"]) == ("app/requirements.txt", 2)
    assert "-r base.txt: not read, app/base.txt is a symbolic link" in finding["message"]


def test_a_collected_folder_that_is_a_link_is_not_read(repo: Path, outside: Path) -> None:
    folder = repo / "decisions" / "coverage"
    folder.symlink_to(outside, target_is_directory=True)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "collected folder as a link")
    data, _, _ = coverage_json(repo, "app")
    assert "hunter2" not in json.dumps(data)
    [finding] = data["findings"]
    assert finding["path"] == "decisions/coverage"
    assert finding["message"].startswith("a symbolic link, not read")
    # the site's page, built from the decisions folder, publishes none of it either
    run_cli("coverage", "app", "--write", cwd=repo)
    html = render_coverage_page(render_context(load_decisions(repo / "decisions", None)))
    assert "hunter2" not in html
    assert "decisions/coverage" in html and "a symbolic link, not read" in html


def test_links_inside_the_collected_folder_are_findings(repo: Path, outside: Path) -> None:
    folder = repo / "decisions" / "coverage"
    folder.mkdir()
    (folder / "shop.json").symlink_to(outside / "shop.json")
    (folder / "requirements.txt").symlink_to(outside / "requirements.txt")
    data, _, _ = coverage_json(repo, "app")
    assert "hunter2" not in json.dumps(data["dependencies"])
    assert sorted(f["path"] for f in data["findings"]) == [
        "decisions/coverage/requirements.txt", "decisions/coverage/shop.json"]


@pytest.mark.parametrize(("relative", "ok"), [
    ("a/b", True), ("a/../a/b", True), ("./a", True), ("missing/../a", True),
    ("..", False), ("a/../..", False), ("/", False), ("l/b", False), ("a/l2", False),
])
def test_within(tmp_path: Path, relative: str, ok: bool) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    os.symlink(tmp_path / "a", tmp_path / "l")
    os.symlink(tmp_path / "a" / "b", tmp_path / "a" / "l2")
    if ok:
        assert within(tmp_path, relative).is_relative_to(tmp_path.resolve())
    else:
        with pytest.raises(Outside):
            within(tmp_path, relative)


def test_a_folder_named_on_the_command_line_outside_the_repository(tmp_path: Path,
                                                                     outside: Path) -> None:
    """The documented workflow of another repository: the decisions checked out inside the
    code, the code named on the command line. Its includes are read inside it, not beyond."""
    code = tmp_path / "code"
    shutil.copytree(FIXTURE / "decisions", code / "decisions-repo" / "decisions")
    shutil.rmtree(code / "decisions-repo" / "decisions" / "coverage")
    (code / "app").mkdir()
    (code / "app" / "requirements.txt").write_text(
        "-r base.txt\n-r ../../outside/secrets.txt\n", encoding="utf-8")
    (code / "app" / "base.txt").write_text("django\n", encoding="utf-8")
    result = run_cli("--dir", "decisions-repo/decisions", "coverage", ".", "--format", "json",
                     cwd=code)
    data = json.loads(result.stdout)
    assert [d["ref"] for d in data["dependencies"]] == ["pypi:django"]
    assert [(f["path"].endswith("app/requirements.txt"), f["line"]) for f in data["findings"]
            ] == [(True, 2)]
    assert "hunter2" not in result.stdout
