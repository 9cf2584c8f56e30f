"""decisions/signals.json: the committed snapshot of maturity signals, one entry a reference.

The site build and `decisions validate` read only this file, so they stay deterministic and
offline; `decisions enrich` is the only writer. It is written with sorted keys, an indent of
two and a final newline, so a pull request shows a readable diff of what changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, Field, ValidationError

from ..errors import DecisionsError
from ..files import MiB, Refused, read_limited, write_atomic
from ..findings import Finding, display
from ..model import Strict
from .sources.base import Signals

SNAPSHOT_NAME = "signals.json"
# About 1 KB a package reference: room for some 30,000 references, read in well under a second.
SNAPSHOT_MAX_BYTES = 32 * MiB
MAX_ENTRY_VALUES = 1_000  # values in one entry, counted before it is checked; real ones hold 20

Status = Literal["ok", "not-found", "error"]
# the maturity categories: signals/maturity.py judges, a history remembers them
Category = Literal["boring", "established", "emerging", "risky", "unknown"]
HISTORY_MAX = 12  # category changes kept a reference; the oldest go first
HISTORY_REASONS_MAX = 4  # reasons kept a change, each cut to HISTORY_REASON_CHARS
HISTORY_REASON_CHARS = 300


class CategoryChange(Strict):
    """A reference's maturity category from a day on, as `decisions enrich` first saw it."""

    date: dt.date = Field(description="The day the category was first seen (UTC).")
    category: Category = Field(description="The category from that day on.")
    reasons: list[str] = Field(
        default_factory=list, max_length=HISTORY_REASONS_MAX,
        description="The maturity model's reasons for it then, a few short sentences.",
    )


class SnapshotEntry(Strict):
    """What is known about one package reference, and how it was learnt."""

    status: Status = Field(
        description="The last certain answer: ok or not-found (HTTP 404); error when there "
        "has never been one. A failed refresh keeps the status and sets `error` alongside.",
    )
    checked: AwareDatetime = Field(description="When the last attempt was made (UTC).")
    fetched: AwareDatetime | None = Field(
        None, description="When the registry last answered for certain (200, 304 or 404); "
        "the signals date from then.",
    )
    source: str = Field(description="The URL the signals were read from.")
    etag: str | None = Field(None, description="ETag of that response, for conditional GETs.")
    signals: Signals = Field(
        default_factory=dict, description="The extracted figures; kept from the last good "
        "fetch when a later attempt fails.",
    )
    error: str | None = Field(
        None, description="Why the last attempt failed; absent when it succeeded.",
    )
    history: list[CategoryChange] | None = Field(
        None, max_length=HISTORY_MAX, description="The category changes seen so far, oldest "
        "first: one item each time `decisions enrich` finds a category other than the last "
        "one kept. Absent in snapshots written before it was kept.",
    )

    @property
    def changes(self) -> list[CategoryChange]:
        return self.history or []


class Snapshot(Strict):
    """Every reference's entry, keyed by reference ('pypi:requests')."""

    format: Literal[1] = Field(1, description="Version of this file's layout.")
    packages: dict[str, SnapshotEntry] = Field(
        default_factory=dict, description="Reference -> entry.",
    )

    def get(self, ref: str) -> SnapshotEntry | None:
        return self.packages.get(ref)

    def with_entries(self, entries: dict[str, SnapshotEntry]) -> Snapshot:
        return Snapshot(packages={**self.packages, **entries})

    def only(self, refs: set[str]) -> Snapshot:
        return Snapshot(packages={r: e for r, e in self.packages.items() if r in refs})


class SnapshotError(DecisionsError):
    """signals.json cannot be read; str() is one line naming the file and what to do."""

    def __init__(self, path: Path, problem: str, line: int = 1, col: int = 1) -> None:
        self.path, self.line, self.col, self.problem = display(path), line, col, problem
        super().__init__(
            f"{self.path}:{line}:{col}: {problem}; restore it from git "
            f"(git checkout -- {self.path}) or delete it and run `decisions enrich`")


    def finding(self) -> Finding:
        """The problem as a finding, for `decisions validate` and the site build."""
        return Finding(self.path, self.line, self.col, "error", "signals-snapshot",
                       f"{self.problem}; restore it from git (git checkout -- {self.path}) "
                       "or delete it and run `decisions enrich`")


def snapshot_path(root: Path) -> Path:
    return root / SNAPSHOT_NAME


def load_snapshot(root: Path) -> Snapshot:
    """The snapshot in the decisions folder root; empty when the file does not exist.

    Raises SnapshotError for a file that is not a snapshot (never a traceback).
    """
    path = snapshot_path(root)
    try:
        raw = read_limited(path, SNAPSHOT_MAX_BYTES, SNAPSHOT_NAME, "")
    except FileNotFoundError:
        return Snapshot()
    except Refused as e:  # a link, a pipe, a folder or too large: never opened or read whole
        raise SnapshotError(path, e.problem) from None
    except OSError as e:
        raise SnapshotError(path, f"cannot read: {e.strerror or e}") from None
    return parse_snapshot(raw, path)


def parse_snapshot(raw: bytes, path: Path) -> Snapshot:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SnapshotError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise SnapshotError(path, f"not valid JSON ({e.msg})", e.lineno, e.colno) from None
    except RecursionError:
        raise SnapshotError(path, "not valid JSON (nested too deeply)") from None
    except ValueError:  # an integer of more digits than Python converts
        limit = sys.get_int_max_str_digits()
        at = re.search(rb"(?<![0-9])[0-9]{%d}" % (limit + 1), raw)
        offset = at.start() if at else 0
        line_start = raw.rfind(b"\n", 0, offset) + 1
        raise SnapshotError(path, f"not valid JSON (a number longer than the {limit:,} digits "
                            "this reads)", raw.count(b"\n", 0, offset) + 1,
                            len(raw[line_start:offset].decode()) + 1) from None
    return _validated(data, path)


def _values(value: object, limit: int) -> int:
    """How many values `value` holds, itself included; counting stops past `limit`."""
    n, todo = 0, [value]
    while todo and n <= limit:
        here = todo.pop()
        n += 1
        if isinstance(here, dict):
            todo.extend(here.values())
        elif isinstance(here, list):
            todo.extend(here)
    return n


def _not_a_snapshot(path: Path, where: tuple[object, ...], problem: str) -> SnapshotError:
    shown = ".".join(str(p) for p in where) or "top level"
    if len(shown) > 120:  # a key can be a megabyte long
        shown = f"{shown[:60]}...{shown[-40:]}"
    return SnapshotError(path, f"not a signals snapshot: {shown}: {problem}")


def _validated(data: object, path: Path) -> Snapshot:
    """The snapshot, its entries checked one at a time, each of a bounded size: pydantic
    lists every problem of what it is given at once, and two million empty entries made
    six million problems, 6 GB."""
    if isinstance(data, dict):
        unknown = next((key for key in data if key not in Snapshot.model_fields), None)
        if unknown is not None:
            raise _not_a_snapshot(path, (unknown,), "Extra inputs are not permitted")
        packages = data.get("packages")
        if isinstance(packages, dict):
            entries = {}
            for ref, entry in packages.items():
                if _values(entry, MAX_ENTRY_VALUES) > MAX_ENTRY_VALUES:
                    raise _not_a_snapshot(path, ("packages", ref), f"more than "
                                          f"{MAX_ENTRY_VALUES:,} values, far more than an "
                                          "entry holds")
                try:
                    entries[ref] = SnapshotEntry.model_validate(entry)
                except ValidationError as e:
                    first = e.errors(include_url=False)[0]
                    raise _not_a_snapshot(path, ("packages", ref, *first["loc"]),
                                          first["msg"]) from None
            data = {**data, "packages": entries}
    try:
        return Snapshot.model_validate(data)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        raise _not_a_snapshot(path, tuple(first["loc"]), first["msg"]) from None


def dump_snapshot(snapshot: Snapshot) -> str:
    """The file's text: sorted keys, indent 2, UTF-8 kept readable, trailing newline."""
    data = snapshot.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def save_snapshot(root: Path, snapshot: Snapshot) -> Path:
    """Write the snapshot in one step: an interrupted run leaves the old file whole."""
    path = snapshot_path(root)
    write_atomic(path, dump_snapshot(snapshot))
    return path


def utc_now() -> dt.datetime:
    """Now in UTC to the second: finer times only make the diffs noisier."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
