"""This project's site as the benchmarks build it: a copy of mkdocs.yml and docs/ (the
decisions plugin brings the rest from the installed package)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from realistic import TODAY_ENV

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dest: Path) -> Path:
    """Copy the repository's mkdocs.yml and docs/ into dest; the config's path."""
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest / "mkdocs.yml"


def environment(records: Path) -> dict[str, str]:
    """The environment of a build or server: records from `records`, today pinned."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DECISIONS_TODAY": TODAY_ENV,
            "DECISIONS_DIR": str(records)}
