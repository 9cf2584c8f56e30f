"""What every `decisions` command shares: exit status 2, today, the loaded folder, --format."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from ..config import Config
from ..errors import DecisionsError
from ..findings import display
from ..loader import ConfigError, load_config, load_decisions, today
from ..records import Decisions
from ..textsafe import no_command

F = TypeVar("F", bound=Callable[..., Any])


class Exit2(click.ClickException, DecisionsError):
    """A usage or configuration problem: exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return no_command(self.message)  # it names paths, which may start like a command


Style = Literal["text", "markdown", "json"]
# How each --format escapes a would-be workflow command; any other format is plain text.
STYLES: dict[str, Style] = {"markdown": "markdown", "json": "json"}


def echo(text: str, *, err: bool = False, nl: bool = True, style: Style = "text") -> None:
    """Print text of which no line is a CI runner's workflow command (textsafe.no_command):
    the paths and values it holds came from the repository, which a pull request writes."""
    click.echo(no_command(text, style), err=err, nl=nl)


def today_or_exit() -> dt.date:
    try:
        return today()
    except ValueError as e:
        raise Exit2(str(e)) from None


def require_folder(root: Path) -> None:
    if not root.is_dir():
        raise Exit2(f"{display(root)}: no decisions folder here; run from the project root "
                    "or pass --dir")


def open_config(root: Path) -> Config:
    require_folder(root)
    try:
        return load_config(root)
    except ConfigError as e:
        raise Exit2(f"{e}\nfix decisions/config.yaml first") from None


def open_decisions(root: Path, only: list[Path] | None = None) -> Decisions:
    require_folder(root)
    try:
        return load_decisions(root, today_or_exit(), only)
    except ConfigError as e:
        raise Exit2(f"{e}\nfix decisions/config.yaml first") from None
    except OSError as e:
        raise Exit2(f"{display(root)}: cannot read: {e.strerror or e}") from None


@dataclass(frozen=True)
class Shown:
    """What a formatter prints: the result on stdout, a note for people on stderr."""

    out: str
    err: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a command hands to its formatter, and the exit status."""

    result: Any
    code: int = 0


Formatter = Callable[[Any], "str | Shown"]


def formats(help: str, **formatters: Formatter) -> Callable[[F], F]:
    """Add --format (the first formatter is the default); the command returns an Outcome.

    One formatter a format, so a new format is one function, not an elif in each command.
    """
    default = next(iter(formatters))

    def wrap(fn: F) -> F:
        @click.option("--format", "fmt", type=click.Choice(list(formatters)), default=default,
                      show_default=True, help=help)
        @functools.wraps(fn)
        def command(*args: Any, fmt: str, **kwargs: Any) -> None:
            outcome: Outcome = fn(*args, **kwargs)
            shown = formatters[fmt](outcome.result)
            if isinstance(shown, str):
                shown = Shown(shown)
            echo(shown.out, nl=False, style=STYLES.get(fmt, "text"))
            if shown.err:
                echo(shown.err, err=True, nl=False)
            sys.exit(outcome.code)

        return command  # type: ignore[return-value]

    return wrap
