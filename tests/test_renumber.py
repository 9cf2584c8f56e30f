"""`decisions renumber` in a real temporary git repository: two branches that took the same
numbers, merged, and the branch's records moved to the next free numbers."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from conftest import CONFIG, record, run_cli
from test_report import git

# A record of the branch that a later one supersedes, with its id in a comment and its
# number alone in its text (which is only pointed out, never rewritten).
STATUS_PAGE = record(title="Build a status page", status="superseded").replace(
    "# yaml-language-server: $schema=../docs/decision.schema.json\n",
    "# yaml-language-server: $schema=../docs/decision.schema.json\n"
    "# 0002-build-a-status-page: drafted before the vendor trial\n", 1).replace(
    "  Alerts reach people by e-mail only,", "  As 0002 says, alerts reach people by e-mail only,",
    1)
# The record that supersedes it, and links to it twice; and ids that only look alike.
REPLACEMENT = record(title="Buy a status page", supersedes=["0002-build-a-status-page"]).replace(
    "  Alerts reach people by e-mail only,",
    "  [The first plan](0002-build-a-status-page.yaml) kept 0002-build-a-status-page-v2 and\n"
    "  0002-build-a-status-pages out. Alerts reach people by e-mail only,", 1).replace(
    "    url: https://example.com/paging\n", "    url: https://example.com/paging\n"
    "  - title: The first plan\n    url: ./0002-build-a-status-page.yaml\n", 1)


def two_branches(tmp_path: Path) -> Path:
    """main gives out 0002 and 0003 while the branch `feature` takes the same numbers."""
    root = tmp_path / "repo"
    folder = root / "decisions"
    folder.mkdir(parents=True)
    git(root, "init", "-q")
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "0001-buy-a-paging-service.yaml").write_text(record(), encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    (folder / "0002-build-a-status-page.yaml").write_text(STATUS_PAGE, encoding="utf-8")
    (folder / "0003-buy-a-status-page.yaml").write_text(REPLACEMENT, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "status page")
    git(root, "checkout", "-q", "main")
    (folder / "0002-adopt-a-wiki.yaml").write_text(record(title="Adopt a wiki"),
                                                   encoding="utf-8")
    (folder / "0003-adopt-a-chat-tool.yaml").write_text(record(title="Adopt a chat tool"),
                                                        encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "wiki and chat")
    return root


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    """The branch has merged main, cleanly, since the file names differ."""
    root = two_branches(tmp_path)
    git(root, "checkout", "-q", "feature")
    git(root, "merge", "-q", "--no-edit", "main")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "decisions").iterdir())}


def test_validate_finds_the_collision_and_names_the_command(merged: Path) -> None:
    result = run_cli("validate", cwd=merged)
    assert result.returncode == 1
    assert ("decisions/0002-build-a-status-page.yaml:1:1: error: number 0002 is used by "
            "0002-adopt-a-wiki.yaml, 0002-build-a-status-page.yaml; run `decisions renumber` "
            "to move the records your branch added (next free: 0004) [duplicate-number]"
            ) in result.stdout


def test_renumber_moves_the_branch_records_and_rewrites_references(merged: Path) -> None:
    before = _files(merged)
    result = run_cli("renumber", cwd=merged)
    assert result.returncode == 0, result.stderr
    base = git(merged, "rev-parse", "main").strip()[:12]
    assert result.stdout == (
        "moved decisions/0002-build-a-status-page.yaml -> "
        f"decisions/0004-build-a-status-page.yaml (0002-adopt-a-wiki has its number on {base})\n"
        "moved decisions/0003-buy-a-status-page.yaml -> "
        f"decisions/0005-buy-a-status-page.yaml (0003-adopt-a-chat-tool has its number on "
        f"{base})\n"
        "rewrote 1 reference in decisions/0004-build-a-status-page.yaml\n"
        "rewrote 3 references in decisions/0005-buy-a-status-page.yaml\n")
    assert result.stderr == (
        "decisions/0004-build-a-status-page.yaml:18:6: note: mentions 0002 by number alone; "
        "if it means this record, write 0004\n"
        "check the result with `decisions validate`, then commit the renamed files\n")
    after = _files(merged)
    assert sorted(after) == ["0001-buy-a-paging-service.yaml", "0002-adopt-a-wiki.yaml",
                             "0003-adopt-a-chat-tool.yaml", "0004-build-a-status-page.yaml",
                             "0005-buy-a-status-page.yaml", "config.yaml"]
    # the ids change and nothing else: not the look-alikes, not a byte of the rest
    assert after["0004-build-a-status-page.yaml"] == before[
        "0002-build-a-status-page.yaml"].replace(b"# 0002-build-a-status-page:",
                                                 b"# 0004-build-a-status-page:")
    assert after["0005-buy-a-status-page.yaml"] == before["0003-buy-a-status-page.yaml"].replace(
        b"(0002-build-a-status-page.yaml)", b"(0004-build-a-status-page.yaml)").replace(
        b"./0002-build-a-status-page.yaml", b"./0004-build-a-status-page.yaml").replace(
        b"  - 0002-build-a-status-page\n", b"  - 0004-build-a-status-page\n")
    assert b"0002-build-a-status-page-v2 and\n  0002-build-a-status-pages out" in after[
        "0005-buy-a-status-page.yaml"]
    for kept in ("0001-buy-a-paging-service.yaml", "0002-adopt-a-wiki.yaml",
                 "0003-adopt-a-chat-tool.yaml", "config.yaml"):
        assert after[kept] == before[kept]
    valid = run_cli("validate", "--strict", cwd=merged)
    assert valid.returncode == 0, valid.stdout

    again = run_cli("renumber", cwd=merged)
    assert again.returncode == 0
    assert again.stdout.startswith("nothing to renumber: no record added since ")
    assert _files(merged) == after


def test_dry_run_changes_nothing_and_json_lists_the_moves(merged: Path) -> None:
    before = _files(merged)
    result = run_cli("renumber", "--dry-run", "--format", "json", cwd=merged)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["dry_run"] is True
    assert [(m["from"], m["to"], m["number_kept_by"]) for m in data["moved"]] == [
        ("0002-build-a-status-page", "0004-build-a-status-page", "0002-adopt-a-wiki"),
        ("0003-buy-a-status-page", "0005-buy-a-status-page", "0003-adopt-a-chat-tool")]
    assert data["rewritten"] == [
        {"path": "decisions/0004-build-a-status-page.yaml", "references": 1},
        {"path": "decisions/0005-buy-a-status-page.yaml", "references": 3}]
    text = run_cli("renumber", "--dry-run", cwd=merged)
    assert text.stdout.splitlines()[0].startswith(
        "would move decisions/0002-build-a-status-page.yaml -> ")
    assert _files(merged) == before


def test_after_both_landed_on_main_the_base_is_the_first_parent(tmp_path: Path) -> None:
    """The branch merged into main as it is: compare with main before the branch came in."""
    merged = two_branches(tmp_path)
    git(merged, "merge", "-q", "--no-edit", "feature")
    assert run_cli("renumber", cwd=merged).stdout.startswith("nothing to renumber")
    result = run_cli("renumber", "--base", "HEAD^1", cwd=merged)
    assert result.returncode == 0, result.stderr
    assert "-> decisions/0004-build-a-status-page.yaml" in result.stdout
    assert run_cli("validate", "--strict", cwd=merged).returncode == 0


def test_records_that_collide_only_with_each_other_are_listed_not_guessed(
        merged: Path) -> None:
    """Against a base older than both branches (a stale origin/main, say), both records of
    each number are new: renumber cannot tell which keeps it, so it says so and moves none."""
    before = _files(merged)
    first = git(merged, "rev-list", "--max-parents=0", "HEAD").strip()
    result = run_cli("renumber", "--base", first, cwd=merged)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"0002-adopt-a-wiki and 0002-build-a-status-page: both added since {first[:12]} under "
        "one number no record there has, so renumber cannot tell which keeps it; run it again "
        "with --base set to the branch that has one of them (after `git fetch`), or renumber "
        "the other by hand",
        f"0003-adopt-a-chat-tool and 0003-buy-a-status-page: both added since {first[:12]} "
        "under one number no record there has, so renumber cannot tell which keeps it; run it "
        "again with --base set to the branch that has one of them (after `git fetch`), or "
        "renumber the other by hand"]
    data = json.loads(run_cli("renumber", "--base", first, "--format", "json",
                              cwd=merged).stdout)
    assert data["moved"] == [] and data["unresolved"] == [
        ["0002-adopt-a-wiki", "0002-build-a-status-page"],
        ["0003-adopt-a-chat-tool", "0003-buy-a-status-page"]]
    assert _files(merged) == before
    assert run_cli("renumber", "--base", "main", cwd=merged).returncode == 0


def test_imported_images_move_with_their_record(merged: Path) -> None:
    images = merged / "docs" / "assets" / "imported" / "0002-build-a-status-page"
    images.mkdir(parents=True)
    (images / "plan.png").write_bytes(b"png")
    assert run_cli("renumber", cwd=merged).returncode == 0
    moved = merged / "docs" / "assets" / "imported" / "0004-build-a-status-page" / "plan.png"
    assert moved.read_bytes() == b"png" and not images.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--base", "no-such-branch"], "Error: no commit 'no-such-branch' in this repository."),
    (["--base", "HEAD~99"], "Error: no commit 'HEAD~99' in this repository."),
], ids=["unknown-branch", "too-far-back"])
def test_a_bad_ref_exits_2_with_one_line(merged: Path, args: list[str], message: str) -> None:
    before = _files(merged)
    result = run_cli("renumber", *args, cwd=merged)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert _files(merged) == before


def test_outside_git_exits_2(tmp_path: Path) -> None:
    (tmp_path / "decisions").mkdir()
    result = run_cli("renumber", cwd=tmp_path,
                     env={"GIT_CEILING_DIRECTORIES": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "is not inside a git repository; `decisions renumber` compares" in result.stderr


@pytest.mark.parametrize(("args", "command"), [
    (["report", "--base", "main"], "`decisions renumber --base main`"),
    (["report"], "`decisions renumber`"),
    (["--dir", "../repo/decisions", "report", "--base", "main"],
     "`decisions --dir ../repo/decisions renumber --base main`"),
], ids=["base", "default-base", "dir"])
def test_the_report_suggests_the_exact_command(merged: Path, args: list[str],
                                               command: str) -> None:
    result = run_cli(*args, cwd=merged)
    assert result.returncode == 1
    assert (f"**A record number is taken twice.** Merge the base branch, then run {command}: "
            ) in result.stdout
    data = json.loads(run_cli(*args, "--format", "json", cwd=merged).stdout)
    assert data["renumber"] == command.strip("`")
    run_cli("renumber", cwd=merged)
    fixed = run_cli(*args, cwd=merged)
    assert fixed.returncode == 0 and "taken twice" not in fixed.stdout


# --- all or nothing -------------------------------------------------------------------------


def _followers(merged: Path) -> None:
    """Two records the branch added under free numbers, each naming a record that moves, so
    that renumbering rewrites them in place."""
    folder = merged / "decisions"
    (folder / "0006-page-the-status-team.yaml").write_text(
        record(title="Page the status team").replace(
            "    url: https://example.com/paging\n", "    url: https://example.com/paging\n"
            "  - title: The plan\n    url: ./0002-build-a-status-page.yaml\n", 1),
        encoding="utf-8")
    (folder / "0007-review-the-status-page.yaml").write_text(
        record(title="Review the status page").replace(
            "    url: https://example.com/paging\n", "    url: https://example.com/paging\n"
            "  - title: The vendor\n    url: ./0003-buy-a-status-page.yaml\n", 1),
        encoding="utf-8")


def _everything(root: Path) -> dict[str, bytes | None]:
    """Every name in decisions/ (hidden ones too) with the bytes of each regular file."""
    return {p.name: p.read_bytes() if p.is_file() else None
            for p in sorted((root / "decisions").iterdir())}


def test_a_name_taken_by_a_folder_stops_renumber_before_anything_changes(merged: Path) -> None:
    _followers(merged)
    images = merged / "docs" / "assets" / "imported" / "0002-build-a-status-page"
    images.mkdir(parents=True)
    (images / "plan.png").write_bytes(b"png")
    # the second record to move would go to 0009; a folder has that name
    (merged / "decisions" / "0009-buy-a-status-page.yaml").mkdir()
    before = _everything(merged)
    result = run_cli("renumber", cwd=merged)
    assert _everything(merged) == before
    assert (images / "plan.png").read_bytes() == b"png"
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: decisions/0009-buy-a-status-page.yaml: cannot write: File exists; nothing was "
        "changed, run `decisions renumber` again once it is fixed")


def test_a_rename_that_fails_puts_back_the_records_already_renamed(
        merged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _followers(merged)
    before = _everything(merged)
    real = os.replace
    calls: list[str] = []

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 2:  # the second record rewritten in place
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = run_cli("renumber", cwd=merged)
    assert calls[:2] == ["0006-page-the-status-team.yaml", "0007-review-the-status-page.yaml"]
    assert _everything(merged) == before
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: decisions/0007-review-the-status-page.yaml: cannot write: Input/output error; "
        "nothing was changed, run `decisions renumber` again once it is fixed")


def test_renumber_rewrites_the_records_that_stay_too(merged: Path) -> None:
    _followers(merged)
    folder = merged / "decisions"
    page, review = "0006-page-the-status-team.yaml", "0007-review-the-status-page.yaml"
    before = {name: (folder / name).read_bytes() for name in (page, review)}
    assert run_cli("renumber", cwd=merged).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "0001-buy-a-paging-service.yaml", "0002-adopt-a-wiki.yaml", "0003-adopt-a-chat-tool.yaml",
        page, review, "0008-build-a-status-page.yaml", "0009-buy-a-status-page.yaml",
        "config.yaml"]
    assert (folder / page).read_bytes() == before[page].replace(
        b"./0002-build-a-status-page.yaml", b"./0008-build-a-status-page.yaml")
    assert (folder / review).read_bytes() == before[review].replace(
        b"./0003-buy-a-status-page.yaml", b"./0009-buy-a-status-page.yaml")
