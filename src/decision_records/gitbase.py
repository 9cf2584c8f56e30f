"""What git says about the decisions folder: the base a change is compared with, the record
files that differ from it, and the record files it holds. Nothing is checked out: git is
asked, and its answers are read.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import DecisionsError
from .findings import display
from .model import RECORD_FILE


class GitError(DecisionsError):
    """Git cannot answer (bad ref, not a repository, shallow clone, git missing)."""


def _run(cwd: Path, args: tuple[str, ...]) -> bytes:
    """git's standard output as bytes; GitError with git's last line of complaint."""
    try:
        # --literal-pathspecs: a folder named `[ab]*` is that folder, not a pattern
        done = subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd,
                              capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} gave no answer within 60 s") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(said.splitlines()[-1] if said else f"git {' '.join(args)} failed")
    return done.stdout


def git(cwd: Path, *args: str) -> str:
    """git's standard output as text (a file shown from an old commit need not be UTF-8,
    so what is not becomes U+FFFD); GitError when git fails. Never for paths: see listed."""
    return _run(cwd, args).decode("utf-8", "replace")


def listed(cwd: Path, *args: str) -> list[str]:
    """What a git command lists with -z (which args must ask for): NUL-separated, so git
    neither quotes nor escapes the paths, each decoded as the file system's names are
    (os.fsdecode), so a name that is not UTF-8 still opens the file it came from."""
    return [os.fsdecode(name) for name in _run(cwd, args).split(b"\0") if name]


class TooLarge(DecisionsError):
    """A file at a commit larger than it is read up to; args[0] is its size in bytes."""


REGULAR = (b"100644", b"100755")  # git's modes of a regular file; a link is 120000


def file_at(top: Path, commit: str, name: str, limit: int) -> bytes | None:
    """The bytes of the file `name` (from the repository's top) at commit; None when it was
    no regular file there: missing, a symbolic link, a folder or a submodule (git keeps no
    file below a link, so none was reached through one). Its mode and size are asked first,
    as a commit can hold a blob of any size. Raises TooLarge."""
    try:
        listing = _run(top, ("ls-tree", "-z", "-l", commit, "--", name))
    except GitError:
        return None
    for entry in listing.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) != 4 or os.fsdecode(path) != name:
            continue
        mode, kind, blob, size = fields
        if kind != b"blob" or mode not in REGULAR or not size.isdigit():
            return None
        if int(size) > limit:
            raise TooLarge(int(size))
        try:
            return _run(top, ("cat-file", "blob", blob.decode("ascii")))
        except GitError:
            return None
    return None


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
    # one line, its name as the file system holds it (spaces at either end included)
    top = Path(os.fsdecode(_run(root, ("rev-parse", "--show-toplevel")).removesuffix(b"\n")))
    return top, os.path.relpath(root.resolve(), top)


@dataclass(frozen=True)
class RecordChange:
    path: Path  # where the record is (or was) in the working tree
    kind: str  # added | modified | removed

    @property
    def id(self) -> str:
        return self.path.name[:-5]


def changed_records(root: Path, base: str) -> list[RecordChange]:
    """Record files under root that differ from base, uncommitted and untracked ones included."""
    top, rel = toplevel(root)
    kinds = {"A": "added", "M": "modified", "D": "removed", "T": "modified"}
    changes: dict[Path, str] = {}
    # -z: each status, then its path, every one ended by NUL
    fields = listed(top, "diff", "-z", "--name-status", "--no-renames", base, "--", rel)
    for status, name in zip(fields[::2], fields[1::2], strict=False):
        changes[top / name] = kinds.get(status[:1], "modified")
    for name in listed(top, "ls-files", "-z", "--others", "--exclude-standard", "--", rel):
        changes[top / name] = "added"
    # named through root as the user gave it, so they match the loader's findings
    return [RecordChange(Path(display(root / p.name)), kind) for p, kind in sorted(changes.items())
            if p.parent.resolve() == root.resolve() and RECORD_FILE.match(p.name)]


def record_names_at(root: Path, base: str) -> list[str]:
    """The record file names in root's folder at commit base (none when it did not exist)."""
    top, rel = toplevel(root)
    spec = base if rel == "." else f"{base}:{Path(rel).as_posix()}"
    try:
        names = listed(top, "ls-tree", "-z", "--name-only", spec)
    except GitError:
        return []  # the folder is new since base
    return sorted(n for n in names if RECORD_FILE.match(n))
