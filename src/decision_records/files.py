"""Writing files so that an interrupted run never leaves a broken or half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _temp(path: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def write_atomic(path: Path, text: str) -> None:
    """Replace path with text in one step (temp file in the same folder, then rename)."""
    tmp = _temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_new(path: Path, text: str) -> None:
    """Create path with text in one step; FileExistsError if it exists (never overwrites)."""
    tmp = _temp(path, text)
    try:
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
