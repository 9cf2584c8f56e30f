"""Moving the records a branch added under a number the base branch also gave out.

Two pull requests that each take the next free number merge without a conflict, since their
files have different names. Once both are in, the records added since the base whose number
a record of the base still holds move to the next free numbers, and every mention of their
old ids in any record (`supersedes`, links such as `0016-x.yaml`, text, comments) is
rewritten. Only those ids change: the rest of each file stays byte for byte, so the diff is
the renames and the rewritten ids. Run again, it finds nothing to move.

A number alone ("see 0016") is not rewritten: after a merge it may as well mean the base's
record. Those in a moved record are listed, for a person to check.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DecisionsError
from .files import MiB, Refused, read_limited, write_temp
from .findings import display
from .gitbase import record_names_at
from .recordfile import IMAGES, number_of, record_id, slug_of

# Record files are read whole; the loader refuses anything larger than this anyway.
MAX_BYTES = 1 * MiB


class Unreadable(DecisionsError):
    """A record that has to move cannot be read, so its references cannot be rewritten."""


@dataclass(frozen=True)
class Move:
    old: str  # record ids, file names without .yaml
    new: str
    holder: str  # the base's record that keeps the number


@dataclass(frozen=True)
class RenumberNote:
    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{display(self.path)}:{self.line}:{self.col}: note: {self.message}"


@dataclass
class Plan:
    base: str  # the commit compared with
    moves: list[Move] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)  # file as it is now -> new text
    references: dict[Path, int] = field(default_factory=dict)  # ids rewritten in each file
    notes: list[RenumberNote] = field(default_factory=list)
    # record ids added since base that share a number no record of base holds: which one
    # keeps it is not for this command to guess
    unresolved: list[list[str]] = field(default_factory=list)

    def target(self, path: Path) -> Path:
        """Where the record file at `path` ends up."""
        old = path.name.removesuffix(".yaml")
        for m in self.moves:
            if m.old == old:
                return path.with_name(f"{m.new}.yaml")
        return path


def _number(name: str) -> int:
    number = number_of(name)
    assert number is not None
    return number


def _records(root: Path) -> list[str]:
    """Record file names in root: regular files only, as the loader takes them."""
    return sorted(p.name for p in root.iterdir()
                  if number_of(p.name) is not None and p.is_file() and not p.is_symlink())


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def plan(root: Path, base: str) -> Plan:
    """What renumbering root against the commit `base` would change; nothing is written."""
    here = _records(root)
    at_base = set(record_names_at(root, base))
    kept = {_number(n): n.removesuffix(".yaml") for n in here if n in at_base}
    taken = {_number(n) for n in [*here, *at_base]}
    free = max(taken, default=0) + 1
    result = Plan(base)
    for name in sorted((n for n in here if n not in at_base and _number(n) in kept),
                       key=lambda n: (_number(n), n)):
        old = name.removesuffix(".yaml")
        result.moves.append(Move(old, record_id(free, slug_of(old)), kept[_number(name)]))
        free += 1
    added: dict[int, list[str]] = defaultdict(list)
    for name in here:
        if name not in at_base and _number(name) not in kept:
            added[_number(name)].append(name.removesuffix(".yaml"))
    result.unresolved = [ids for _, ids in sorted(added.items()) if len(ids) > 1]
    if not result.moves:
        return result
    new_of = {m.old: m.new for m in result.moves}
    # a whole id: not part of a longer id or word on either side
    ids = re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(map(re.escape, new_of)) +
                     r")(?![A-Za-z0-9_]|-[A-Za-z0-9])")
    for name in here:
        path = root / name
        try:
            text = read_limited(path, MAX_BYTES, "a record", "").decode("utf-8")
        except (Refused, OSError, UnicodeDecodeError) as e:
            why = e.reason if isinstance(e, UnicodeDecodeError) else (
                e.strerror if isinstance(e, OSError) and e.strerror else str(e))
            if name.removesuffix(".yaml") in new_of:
                raise Unreadable(f"{display(path)}: cannot read it ({why}) to move it; "
                                 "fix what `decisions validate` reports, then run "
                                 "`decisions renumber` again") from None
            result.notes.append(RenumberNote(path, 1, 1, f"not read, so not rewritten ({why}); "
                                             "`decisions validate` says what is wrong with it"))
            continue
        new_text, n = ids.subn(lambda m: new_of[m[1]], text)
        old = name.removesuffix(".yaml")
        if n or old in new_of:
            result.texts[path] = new_text
            result.references[path] = n
        if old in new_of:
            number = old.split("-", 1)[0]
            alone = re.compile(rf"(?<![A-Za-z0-9_.-]){number}(?![0-9]|-[a-z0-9])")
            for m in alone.finditer(new_text):
                line, col = _line_col(new_text, m.start())
                result.notes.append(RenumberNote(
                    result.target(path), line, col,
                    f"mentions {number} by number alone; if it means this record, write "
                    f"{new_of[old].split('-', 1)[0]}"))
    return result


class NotWritten(DecisionsError):
    """The plan could not be written, and nothing was changed."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{display(path)}: {why}")
        self.path, self.why = path, why


def apply(root: Path, plan: Plan) -> None:
    """Write the plan all or nothing: the records rewritten in place, the moved ones under
    their new names (created, never overwriting anything), then their imported images'
    folders. Raises NotWritten when nothing was changed.

    Each new text first goes to a temporary file beside its record, each moved record's new
    name is created as a link to its temporary file, and each record rewritten in place keeps
    a second name (a hard link) to its old text. Only once all of that worked are the
    rewritten records renamed into place and the old names removed; a failure before then
    removes what was made, and a failed rename puts back the records already renamed.
    """
    made: list[Path] = []  # temporary files and new names: removed whatever happens
    created: list[Path] = []  # new names of moved records: kept once all is done
    kept: dict[Path, Path] = {}  # record rewritten in place -> a link to its old text
    staged: list[tuple[Path, Path]] = []  # (temporary file, the record it replaces)
    where = root
    try:
        for path, text in plan.texts.items():
            where = plan.target(path)
            tmp = write_temp(path, text)
            made.append(tmp)
            if where != path:
                os.link(tmp, where)  # FileExistsError when anything has that name
                created.append(where)
            else:
                old = path.with_name(f"{tmp.name}.old")
                os.link(path, old)
                made.append(old)
                kept[path] = old
                staged.append((tmp, path))
    except OSError as e:
        _remove([*created, *made])
        raise NotWritten(where, e.strerror or str(e)) from None
    except BaseException:
        _remove([*created, *made])
        raise
    done: list[Path] = []
    try:
        for tmp, where in staged:
            os.replace(tmp, where)
            done.append(where)
    except BaseException as e:
        for path in done:
            os.replace(kept[path], path)
        _remove([*created, *made])
        if isinstance(e, OSError):
            raise NotWritten(where, e.strerror or str(e)) from None
        raise
    for path in plan.texts:
        if plan.target(path) != path:
            path.unlink()
    _remove(made)
    images = root.parent.joinpath(*IMAGES.parts)
    for m in plan.moves:
        old, new = images / m.old, images / m.new
        if old.is_dir() and not old.is_symlink() and not os.path.lexists(new):
            old.rename(new)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
