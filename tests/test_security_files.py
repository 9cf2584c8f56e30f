"""Only regular files of a bounded size are read from the decisions folder.

A pull request can commit a symbolic link (to /dev/zero, to a file outside the repository, to
another record), and a checkout can hold a named pipe or a folder named like a record. None of
them is opened: each is one finding at path:1:1 saying what it is, and `validate` finishes at
once. A file larger than its limit is refused without reading the rest of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import VALID_RECORD, cli_env, variant, write_decisions
from decision_records.files import MiB, Refused, read_limited
from decision_records.loader import RECORD_MAX_BYTES
from decision_records.signals.snapshot import SNAPSHOT_MAX_BYTES

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX files")

LINK = ("a symbolic link, not a regular file; links are not followed (they can point "
        "anywhere, even outside the repository): commit the file itself in its place")
SECRET = "hunter2-do-not-print"


def _validate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`decisions validate` that must finish quickly: a hang fails the test, not the run."""
    result = subprocess.run(
        [sys.executable, "-m", "decision_records", "--dir", "decisions", "validate", *args],
        cwd=cwd, env=cli_env(), capture_output=True, text=True, encoding="utf-8", timeout=30,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_decisions(tmp_path, {"0001-case.yaml": VALID_RECORD})


def test_a_link_to_dev_zero_is_not_read(folder: Path) -> None:
    (folder / "0002-zero.yaml").symlink_to("/dev/zero")
    result = _validate(folder.parent)
    assert result.returncode == 1
    assert result.stdout == f"decisions/0002-zero.yaml:1:1: error: {LINK} [file-type]\n"


def test_a_link_to_a_file_outside_is_not_read(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "secrets.yaml"
    outside.parent.mkdir()
    outside.write_text(variant("status: accepted\n", f"status: {SECRET}\n"), encoding="utf-8")
    (folder / "0002-outside.yaml").symlink_to(outside)
    result = _validate(folder.parent)
    assert SECRET not in result.stdout + result.stderr
    assert result.stdout == f"decisions/0002-outside.yaml:1:1: error: {LINK} [file-type]\n"


def test_a_link_to_a_record_inside_is_refused_too(folder: Path) -> None:
    (folder / "0002-copy.yaml").symlink_to("0001-case.yaml")
    result = _validate(folder.parent)
    assert result.stdout == f"decisions/0002-copy.yaml:1:1: error: {LINK} [file-type]\n"


def test_a_dangling_link_is_refused(folder: Path) -> None:
    (folder / "0002-gone.yaml").symlink_to("nowhere.yaml")
    result = _validate(folder.parent)
    assert result.stdout == f"decisions/0002-gone.yaml:1:1: error: {LINK} [file-type]\n"


def test_a_named_pipe_does_not_hang_validate(folder: Path) -> None:
    os.mkfifo(folder / "0002-pipe.yaml")
    result = _validate(folder.parent)
    assert result.returncode == 1
    assert result.stdout == ("decisions/0002-pipe.yaml:1:1: error: a named pipe (FIFO), not a "
                             "regular file; remove it [file-type]\n")


def test_a_folder_named_like_a_record(folder: Path) -> None:
    (folder / "0002-folder.yaml").mkdir()
    result = _validate(folder.parent)
    assert result.stdout == ("decisions/0002-folder.yaml:1:1: error: a directory, not a "
                             "regular file; move it out of the decisions folder [file-type]\n")


def test_special_files_with_other_names_are_stray_and_not_opened(folder: Path) -> None:
    (folder / "README.md").symlink_to("/dev/zero")
    os.mkfifo(folder / "notes")
    result = _validate(folder.parent)
    lines = result.stdout.splitlines()
    assert [line.rsplit(" ", 1)[-1] for line in lines] == ["[stray-file]", "[stray-file]"]


def test_each_problem_is_one_line(folder: Path, tmp_path: Path) -> None:
    (folder / "0002-zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "0003-pipe.yaml")
    (folder / "0004-folder.yaml").mkdir()
    (folder / "0005-copy.yaml").symlink_to("0001-case.yaml")
    result = _validate(folder.parent)
    assert [line.split(":", 1)[0] for line in result.stdout.splitlines()] == [
        "decisions/0002-zero.yaml", "decisions/0003-pipe.yaml", "decisions/0004-folder.yaml",
        "decisions/0005-copy.yaml"]
    assert "4 errors" in result.stderr


def test_a_record_over_the_limit_is_refused(folder: Path) -> None:
    assert MiB == RECORD_MAX_BYTES
    text = VALID_RECORD + "# " + "x" * RECORD_MAX_BYTES + "\n"
    (folder / "0002-big.yaml").write_text(text, encoding="utf-8")
    result = _validate(folder.parent)
    assert result.stdout == (
        f"decisions/0002-big.yaml:1:1: error: the file is {len(text):,} bytes, more than the "
        "1 MiB a record may be; keep it short and link to long documents in `links` "
        "[file-size]\n")


def test_a_record_just_under_the_limit_is_read(folder: Path) -> None:
    text = VALID_RECORD + "# " + "x" * (RECORD_MAX_BYTES - len(VALID_RECORD) - 3) + "\n"
    assert len(text.encode()) == RECORD_MAX_BYTES
    (folder / "0002-big.yaml").write_text(text, encoding="utf-8")
    result = _validate(folder.parent)
    assert "[file-size]" not in result.stdout
    assert "[large-record]" in result.stdout


def test_read_limited_stops_after_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"0123456789")
    assert read_limited(path, 10, "a record", "") == b"0123456789"
    with pytest.raises(Refused) as info:
        read_limited(path, 9, "a record", "shorten it")
    assert info.value.rule == "file-size"
    assert str(info.value) == "the file is 10 bytes, more than the 9 bytes a record may be; " \
                              "shorten it"


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge"
    with path.open("wb") as f:
        f.truncate(64 * 1024**3)  # 64 GiB of nothing: reading it would take minutes
    with pytest.raises(Refused) as info:
        read_limited(path, MiB, "a record", "")
    assert info.value.rule == "file-size"


def test_a_file_that_grows_past_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The size lstat gives is not trusted: at most limit + 1 bytes are read."""
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    real_lstat = os.lstat

    def small(p: object) -> os.stat_result:
        st = real_lstat(p)  # type: ignore[arg-type]
        return os.stat_result((st.st_mode, *st[1:6], 5, *st[7:]))

    reads: list[int] = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "lstat", small)
    monkeypatch.setattr(os, "read", counted)
    with pytest.raises(Refused) as info:
        read_limited(path, 10, "a record", "")
    assert str(info.value).startswith("the file is larger than the 10 bytes a record may be")
    assert sum(reads) <= 11


def test_validate_path_to_a_link_reports_the_link(folder: Path) -> None:
    (folder / "0002-zero.yaml").symlink_to("/dev/zero")
    result = _validate(folder.parent, "decisions/0002-zero.yaml")
    assert result.returncode == 1, result.stderr
    assert result.stdout == f"decisions/0002-zero.yaml:1:1: error: {LINK} [file-type]\n"


def test_validate_path_to_a_pipe_reports_the_pipe(folder: Path) -> None:
    os.mkfifo(folder / "0002-pipe.yaml")
    result = _validate(folder.parent, "decisions/0002-pipe.yaml")
    assert result.returncode == 1, result.stderr
    assert result.stdout.endswith("[file-type]\n")


# --- config.yaml --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["link", "dangling-link", "pipe", "folder"])
def test_a_config_that_is_not_a_file_exits_2(tmp_path: Path, kind: str) -> None:
    folder = write_decisions(tmp_path, {"0001-case.yaml": VALID_RECORD}, config=None)
    config = folder / "config.yaml"
    if kind == "link":
        config.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        config.symlink_to("/nowhere/config.yaml")
    elif kind == "pipe":
        os.mkfifo(config)
    else:
        config.mkdir()
    result = _validate(tmp_path)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("Error: decisions/config.yaml:1:1: error: "), result.stderr
    assert first.endswith(" [file-type]")


def test_a_config_over_the_limit_exits_2(tmp_path: Path) -> None:
    folder = write_decisions(tmp_path, {"0001-case.yaml": VALID_RECORD}, config=None)
    (folder / "config.yaml").write_text("teams: []\n" + "#" * MiB + "\n", encoding="utf-8")
    result = _validate(tmp_path)
    assert result.returncode == 2
    assert "decisions/config.yaml:1:1: error: the file is " in result.stderr
    assert result.stderr.splitlines()[0].endswith("[file-size]")


# --- signals.json -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["link", "pipe", "folder", "too-large"])
def test_a_snapshot_that_cannot_be_read_safely_is_a_finding(folder: Path, kind: str) -> None:
    signals = folder / "signals.json"
    if kind == "link":
        signals.symlink_to("/dev/zero")
    elif kind == "pipe":
        os.mkfifo(signals)
    elif kind == "folder":
        signals.mkdir()
    else:
        with signals.open("wb") as f:
            f.truncate(SNAPSHOT_MAX_BYTES + 1)
    result = _validate(folder.parent)
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("decisions/signals.json:1:1: error: ")
    assert line.endswith("or delete it and run `decisions enrich` [signals-snapshot]")
    expected = {"link": "a symbolic link, not a regular file",
                "pipe": "a named pipe (FIFO), not a regular file",
                "folder": "a directory, not a regular file",
                "too-large": f"the file is {SNAPSHOT_MAX_BYTES + 1:,} bytes, more than the "
                             "32 MiB signals.json may be"}[kind]
    assert f"error: {expected}; " in line
