"""What every `decisions` command shares: exit status 2, today, the loaded folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .loader import ConfigError, Decisions, display, load_decisions, today


class Exit2(click.ClickException):
    """A usage or configuration problem: exit status 2."""

    exit_code = 2


def today_or_exit() -> dt.date:
    try:
        return today()
    except ValueError as e:
        raise Exit2(str(e)) from None


def require_folder(root: Path) -> None:
    if not root.is_dir():
        raise Exit2(f"{display(root)}: no decisions folder here; run from the project root "
                    "or pass --dir")


def open_decisions(root: Path, only: list[Path] | None = None) -> Decisions:
    require_folder(root)
    try:
        return load_decisions(root, today_or_exit(), only)
    except ConfigError as e:
        raise Exit2(f"{e}\nfix decisions/config.yaml first") from None
    except OSError as e:
        raise Exit2(f"{display(root)}: cannot read: {e.strerror or e}") from None
