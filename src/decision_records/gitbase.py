"""What git says about the decisions folder: the base a change is compared with, the record
files that differ from it, and the record files it holds. Nothing is checked out: git is
asked, and its answers are read.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .findings import display
from .model import RECORD_FILE


class GitError(Exception):
    """Git cannot answer (bad ref, not a repository, shallow clone, git missing)."""


def git(cwd: Path, *args: str) -> str:
    """git's standard output; GitError with git's last line of complaint when it fails."""
    try:
        # errors="replace": a file shown from an old commit need not be UTF-8 text
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip()
                       else f"git {' '.join(args)} failed")
    return done.stdout


def resolve_base(root: Path, base: str | None, command: str = "report") -> str:
    """The commit to compare with: --base, else the merge base with origin/main or main."""
    try:
        git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError(f"{display(root)} is not inside a git repository; "
                       f"`decisions {command}` compares records with a git ref") from None
    candidates = [base] if base else ["origin/main", "main"]
    for ref in candidates:
        try:
            commit = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except GitError:
            continue
        if base:
            return commit
        try:
            return git(root, "merge-base", "HEAD", commit).strip()
        except GitError:
            continue
    shallow = git(root, "rev-parse", "--is-shallow-repository").strip() == "true"
    hint = (" This is a shallow clone: fetch the base too (git fetch --unshallow, or "
            "fetch-depth: 0 in actions/checkout)." if shallow else "")
    if base:
        raise GitError(f"no commit '{base}' in this repository.{hint}")
    raise GitError("found neither origin/main nor main to compare with; pass --base REF."
                   + hint)


def toplevel(root: Path) -> tuple[Path, str]:
    """The repository's top folder, and root as a path from it."""
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    return top, os.path.relpath(root.resolve(), top)


@dataclass(frozen=True)
class Change:
    path: Path  # where the record is (or was) in the working tree
    kind: str  # added | modified | removed

    @property
    def id(self) -> str:
        return self.path.name[:-5]


def changed_records(root: Path, base: str) -> list[Change]:
    """Record files under root that differ from base, uncommitted and untracked ones included."""
    top, rel = toplevel(root)
    kinds = {"A": "added", "M": "modified", "D": "removed", "T": "modified"}
    changes: dict[Path, str] = {}
    out = git(top, "diff", "--name-status", "--no-renames", base, "--", rel)
    for line in out.splitlines():
        status, _, name = line.partition("\t")
        changes[top / name] = kinds.get(status[:1], "modified")
    for name in git(top, "ls-files", "--others", "--exclude-standard", "--", rel).splitlines():
        changes[top / name] = "added"
    # named through root as the user gave it, so they match the loader's findings
    return [Change(Path(display(root / p.name)), kind) for p, kind in sorted(changes.items())
            if p.parent.resolve() == root.resolve() and RECORD_FILE.match(p.name)]


def record_names_at(root: Path, base: str) -> list[str]:
    """The record file names in root's folder at commit base (none when it did not exist)."""
    top, rel = toplevel(root)
    spec = base if rel == "." else f"{base}:{Path(rel).as_posix()}"
    try:
        out = git(top, "ls-tree", "-z", "--name-only", spec)
    except GitError:
        return []  # the folder is new since base
    return sorted(n for n in out.split("\0") if RECORD_FILE.match(n))
