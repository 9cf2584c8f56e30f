"""One kind of problem report: a finding at path:line:col with a rule id and a message."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from .chars import escape
from .textsafe import no_command

Level = Literal["error", "warning"]
Loc = tuple[str | int, ...]


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(Path(path).absolute()) if rel.startswith("..") else rel


def field_path(loc: Loc) -> str:
    """('options', 0, 'name') -> 'options[0].name'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_PART = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")  # ASCII digits: int() takes any Unicode digit


def parse_field(path: str) -> Loc:
    """'options[0].name' -> ('options', 0, 'name'): the inverse of field_path."""
    return tuple(int(i) if i else name for name, i in _PART.findall(path))


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    severity: Level
    rule: str
    message: str
    field: str = ""

    def format(self) -> str:
        """One line that starts with the path, whatever the path, field or message hold.

        Keys, values and file names come from pull requests; a line break or an escape code
        in them could start a line of its own (GitHub Actions reads `::error ...` as a
        workflow command) or rewrite what a terminal shows. They are escaped ('\\n',
        '\\x1b', '\\u202e'), and so is a path that starts like a command (`::error`, or
        `##[` anywhere); `as_dict` keeps the exact text for JSON.
        """
        where = f"{escape(self.field)}: " if self.field else ""
        return no_command(
            f"{escape(self.path)}:{self.line}:{self.col}: {self.severity}: {where}"
            f"{escape(self.message)} [{self.rule}]"
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for f in findings:
        if f.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings
