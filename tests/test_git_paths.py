"""Paths git would quote (non-ASCII, tabs, line breaks, bytes that are not UTF-8) reach
`decisions report` and `decisions renumber` as the files they name, in real git
repositories: git is read NUL-separated, and names are decoded without losing a byte."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from test_renumber import two_branches
from test_report import FIXTURE as RECORDS
from test_report import git

COVERAGE = REPO / "tests" / "fixtures" / "coverage"

# Folder names git prints quoted and escaped unless asked for NUL-separated output (and two
# it prints as they are, for comparison). Linux file systems take any byte but / and NUL.
FOLDERS = {
    "accents": "café",
    "cjk": "日本",
    "space": "with space",
    "tab": "tab\there",
    "newline": "new\nline",
    "quote": 'say "hi"',
    "backslash": "back\\slash",
    "glob": "[ab]*?",  # pathspec magic unless git is told to take paths literally
    "latin-1": os.fsdecode(b"caf\xe9 latin-1"),  # not UTF-8: kept as surrogate escapes
    "trailing-space": "ends with a space ",
}


def _coverage_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(COVERAGE / "decisions", root / "decisions")
    shutil.copytree(COVERAGE / "app", root / "app")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    return root


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "untracked"])
@pytest.mark.parametrize("folder", FOLDERS.values(), ids=FOLDERS.keys())
def test_report_reads_manifests_under_any_folder(tmp_path: Path, folder: str,
                                                 committed: bool) -> None:
    root = _coverage_repo(tmp_path)
    (root / folder).mkdir()
    (root / folder / "requirements.txt").write_text("httpx==0.27.0\n", encoding="utf-8")
    if committed:
        git(root, "add", ".")
        git(root, "commit", "-qm", "a service in a folder of its own")
    result = run_cli("report", "--base", "main", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    deps = {d["ref"]: d for d in json.loads(result.stdout)["dependencies"]}
    assert set(deps) == {"pypi:httpx"}, result.stdout
    assert deps["pypi:httpx"]["manifests"] == [f"{folder}/requirements.txt"]


@pytest.mark.parametrize("folder", ["日本/tab\tand\nnewline", FOLDERS["latin-1"]])
def test_a_manifest_changed_under_a_quoted_folder_lists_only_what_it_adds(
        tmp_path: Path, folder: str) -> None:
    """The base's text is found under the same name: what it had is not listed again."""
    root = _coverage_repo(tmp_path)
    service = root / folder
    service.mkdir(parents=True)
    (service / "requirements.txt").write_text("flask==3.0\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "a service")
    base = git(root, "rev-parse", "HEAD").strip()
    (service / "requirements.txt").write_text("flask==3.0\nhttpx==0.27.0\n", encoding="utf-8")
    result = run_cli("report", "--base", base, "--format", "json", cwd=root)
    assert [d["ref"] for d in json.loads(result.stdout)["dependencies"]] == ["pypi:httpx"]


@pytest.mark.parametrize("folder", FOLDERS.values(), ids=FOLDERS.keys())
def test_report_finds_the_records_of_a_decisions_folder_under_any_folder(
        tmp_path: Path, folder: str) -> None:
    root = tmp_path / "repo"
    records = root / folder / "decisions"
    records.parent.mkdir(parents=True)
    git(root, "init", "-q")
    shutil.copytree(RECORDS, records)
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    git(root, "rm", "-q", "--", f"{folder}/decisions/0004-build-our-own-paging.yaml")
    git(root, "commit", "-qm", "drop one")
    result = run_cli("--dir", str(records), "report", "--format", "json", cwd=root)
    data = json.loads(result.stdout)
    assert [(r["id"], r["change"]) for r in data["records"]] == [
        ("0004-build-our-own-paging", "removed")], result.stderr


@pytest.mark.parametrize("folder", FOLDERS.values(), ids=FOLDERS.keys())
def test_renumber_works_in_a_repository_under_any_folder(tmp_path: Path, folder: str) -> None:
    root = two_branches(tmp_path / folder)
    git(root, "checkout", "-q", "feature")
    git(root, "merge", "-q", "--no-edit", "main")
    result = run_cli("renumber", "--dry-run", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    moved = [(m["from"], m["to"]) for m in json.loads(result.stdout)["moved"]]
    assert moved == [("0002-build-a-status-page", "0004-build-a-status-page"),
                     ("0003-buy-a-status-page", "0005-buy-a-status-page")]
