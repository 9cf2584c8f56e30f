"""Reading only regular files of a bounded size, and writing files so that an interrupted run
never leaves a broken or half-written one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import DecisionsError

MiB = 1024 * 1024

# Open flags for reading a file that lstat found regular, in case it was swapped since:
# O_NOFOLLOW fails on a symbolic link, O_NONBLOCK keeps a named pipe from blocking the open
# (fstat then refuses it), O_NOCTTY keeps a terminal device from becoming ours.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = (os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | _CLOEXEC | getattr(os, "O_BINARY", 0))
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC

# Symbolic links are refused, wherever they point. A record is what a reviewer read in the
# pull request; git shows a link only as its target's path. A link out of the folder reads a
# file nobody reviewed (a secret, echoed back in messages) or a device (/dev/zero never
# ends); a link inside it is a second copy of a record under another number. Telling inside
# from outside would mean resolving the target, which can change between the check and the
# read; no record needs a link, so none is followed.
_LINK_ADVICE = ("links are not followed (they can point anywhere, even outside the "
                "repository): commit the file itself in its place")
_KINDS = (
    (stat.S_ISLNK, "a symbolic link", _LINK_ADVICE),
    (stat.S_ISDIR, "a directory", "move it out of the decisions folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)", "remove it"),
    (stat.S_ISSOCK, "a socket", "remove it"),
    (stat.S_ISCHR, "a character device", "remove it"),
    (stat.S_ISBLK, "a block device", "remove it"),
)


class Refused(DecisionsError):
    """A file that was not read: not a regular file (rule file-type) or over its size limit
    (rule file-size). `problem` says what it is, `advice` what to do; str() is both.
    """

    def __init__(self, rule: str, problem: str, advice: str) -> None:
        super().__init__(f"{problem}; {advice}" if advice else problem)
        self.rule, self.problem, self.advice = rule, problem, advice


def size_text(n: int) -> str:
    """1048576 -> '1 MiB'; 1000 -> '1,000 bytes'."""
    return f"{n // MiB} MiB" if n and n % MiB == 0 else f"{n:,} bytes"


def _not_regular(mode: int) -> Refused:
    for test, what, advice in _KINDS:
        if test(mode):
            return Refused("file-type", f"{what}, not a regular file", advice)
    return Refused("file-type", "not a regular file", "remove it")


def _too_large(size: int | None, limit: int, what: str, advice: str) -> Refused:
    problem = (f"the file is {size:,} bytes, more than the {size_text(limit)} {what} may be"
               if size is not None else  # it grew while being read: the size is unknown
               f"the file is larger than the {size_text(limit)} {what} may be")
    return Refused("file-size", problem, advice)


def read_limited(path: Path, limit: int, what: str, advice: str, *,
                 dir_fd: int | None = None) -> bytes:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes.

    Nothing but a regular file is opened: lstat first (a link is not followed), then an open
    that cannot follow a link or block on a pipe, then fstat on what was opened, in case the
    name was swapped in between. At most limit + 1 bytes are read, whatever the size said.
    `what` ('a record') and `advice` go into the message when the file is too large. With
    `dir_fd` (from `open_folder`), `path` is a name in that folder.

    Raises Refused, or OSError (FileNotFoundError when there is no such name).
    """
    at = {"dir_fd": dir_fd} if dir_fd is not None else {}
    st = os.lstat(path, **at)
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(st.st_mode)
    if st.st_size > limit:
        raise _too_large(st.st_size, limit, what, advice)
    try:
        fd = os.open(path, _READ_FLAGS, **at)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK):  # replaced by a link since the lstat
            raise _not_regular(stat.S_IFLNK) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(MiB, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    if got > limit:
        raise _too_large(None, limit, what, advice)
    return b"".join(chunks)


def open_folder(base: Path, parts: Sequence[str], *, create: bool = False) -> int:
    """A descriptor of the folder base/parts[0]/parts[1]/..., for `read_limited` and
    `write_new_in`. `base` is opened as named (whoever runs the command chose it); below it
    each part is entered without following a link, so nothing read or written through the
    descriptor is outside base. `create` makes the parts that are missing.

    Raises Refused when a part is a link or not a folder (the message names the part from
    base, `docs/assets`), or OSError (FileNotFoundError for a missing part without `create`).
    The caller closes the descriptor.
    """
    fd = os.open(base, _FOLDER_FLAGS)
    try:
        for i, part in enumerate(parts):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=fd)
            mode = os.lstat(part, dir_fd=fd).st_mode
            if not stat.S_ISDIR(mode):
                what = next((what for test, what, _ in _KINDS if test(mode)), "a file")
                raise Refused("file-type", f"{'/'.join(parts[:i + 1])} is {what}, not a "
                              "folder", _LINK_ADVICE if stat.S_ISLNK(mode) else "")
            try:
                inner = os.open(part, _FOLDER_FLAGS | _NOFOLLOW, dir_fd=fd)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):  # swapped since
                    raise Refused("file-type", f"{'/'.join(parts[:i + 1])} is a symbolic "
                                  "link, not a folder", _LINK_ADVICE) from None
                raise
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_new_in(folder: int, name: str, data: bytes) -> None:
    """Create the file `name` in the folder open as `folder` with `data`, in one step (a
    temporary file, then a hard link to the name); FileExistsError if the name is taken by
    anything, a link included. Never overwrites, never follows a link."""
    tmp = f".{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600,
                 dir_fd=folder)
    try:
        try:
            os.fchmod(fd, _new_mode())
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    finally:
        os.unlink(tmp, dir_fd=folder)


def _new_mode() -> int:
    """What a plain open() would give a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _mode(path: Path) -> int:
    """The file's current mode, or what a plain open() would give a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return _new_mode()


def write_temp(path: Path, text: str) -> Path:
    """text in a new temporary file beside `path` (a hidden name in the same folder, with the
    mode `path` has or a new file would get), for a rename onto `path` later."""
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
    tmp = write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_new(path: Path, text: str) -> None:
    """Create path with text in one step; FileExistsError if it exists (never overwrites)."""
    tmp = write_temp(path, text)
    try:
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
