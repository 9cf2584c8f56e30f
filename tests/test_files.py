"""Atomic writes keep the file's mode and never leave a partial file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from decision_records.files import write_atomic, write_new


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "signals.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["signals.json"]


def test_a_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", "x")
        write_new(tmp_path / "b.yaml", "y")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.yaml").stat().st_mode & 0o777 == 0o644


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "0001-x.yaml"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_new(path, "theirs")
    assert path.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["0001-x.yaml"]
