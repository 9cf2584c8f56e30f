"""Writing files so that an interrupted run never leaves a broken or half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _mode(path: Path) -> int:
    """The file's current mode, or what a plain open() would give a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _temp(path: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode(path))  # mkstemp makes 0600 files; a committed file needs 0644
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
