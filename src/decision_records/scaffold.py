"""A new decisions repository from the package's starter templates (`decisions init`).

Two kinds of file come out. The organisation's own (mkdocs.yml, config.yaml, the first record,
the home page, the README, the pinned requirement) are written once and are theirs to edit.
The tool's (the CI files, the pre-commit config, the record schema) depend only on this
version of the package and on the CI chosen: `decisions init --check` compares those with what
this version writes, so an upgrade shows what changed in them.

Nothing is ever overwritten: a file that exists is kept. The answers (organisation, CI) are
written to `.decisions-init.yaml`, so that a later run and `--check` need no flags.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import yaml
from packaging.requirements import InvalidRequirement, Requirement
from pydantic import ValidationError, field_validator

from . import __version__
from .chars import escape, one_line_problem
from .cli.schema import schema_text
from .errors import DecisionsError
from .files import Refused, read_limited, write_new
from .model import MAX_NAME, NAME, RECORD_FILE, Strict
from .recordfile import file_name, scalar, slug
from .statuses import BUILT_IN, Statuses
from .textsafe import md_inline

STARTER = Path(__file__).resolve().parent / "starter"
ANSWERS = ".decisions-init.yaml"
CI_CHOICES = ("github", "gitlab", "none")
MAX_ORG = 100
MAX_TOKENS = 99  # McKinley's companies have about three; more is surely a typing mistake
FIRST_TITLE = "Keep technology decisions as reviewed records in git"
_NAME = re.compile(NAME)


class InitError(DecisionsError):
    """An answer that cannot be used, or a file that cannot be read: one line, exit 2."""


@dataclass(frozen=True)
class Answers:
    org: str
    teams: tuple[tuple[str, int], ...]
    ci: str
    requirement: str


@dataclass(frozen=True)
class Planned:
    """A file `init` would write: its path from the repository's root, its text, and
    whether the tool owns it (then `--check` compares it with what is there)."""

    path: str
    text: str
    tool: bool


# --- answers -------------------------------------------------------------------------------

def org_problem(org: str) -> str | None:
    problem = one_line_problem(org)
    if problem is None and not org.strip():
        problem = "give the organisation's name"
    if problem is None and len(org) > MAX_ORG:
        problem = f"at most {MAX_ORG} characters, not {len(org)}; shorten it"
    return problem


def parse_team(value: str) -> tuple[str, int]:
    """'platform=3' -> ('platform', 3); InitError with what to write otherwise."""
    name, sep, tokens = value.strip().partition("=")
    name, tokens = name.strip(), tokens.strip()
    shown = f"'{escape(value)}'"
    if not sep or not tokens.isascii() or not tokens.isdigit():
        raise InitError(f"{shown}: write NAME=TOKENS, e.g. platform=3")
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise InitError(f"{shown}: a team name is lowercase words joined by '-' (at most "
                        f"{MAX_NAME} characters), e.g. 'platform'")
    if int(tokens) > MAX_TOKENS:
        raise InitError(f"{shown}: at most {MAX_TOKENS} innovation tokens a team")
    return name, int(tokens)


def parse_teams(values: list[str]) -> tuple[tuple[str, int], ...]:
    teams = [parse_team(v) for value in values for v in value.replace(",", " ").split()]
    names = [n for n, _ in teams]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InitError(f"team {', '.join(twice)} given twice")
    return tuple(teams)


def requirement_problem(spec: str) -> str | None:
    problem = one_line_problem(spec)
    if problem is not None:
        return problem
    try:
        Requirement(spec)
    except InvalidRequirement as e:
        return f"not a requirement pip reads: {str(e).splitlines()[0]}"
    return None


def default_requirement() -> str:
    """This package as installed: its distribution's name and exact version."""
    dist = metadata.packages_distributions().get(__package__ or "decision_records", [])
    name = dist[0] if dist else "decision-records"
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        version = __version__
    return f"{name}=={version}"


class _Recorded(Strict):
    """`.decisions-init.yaml`: what the first run was told."""

    org: str
    ci: str

    @field_validator("org")
    @classmethod
    def _org(cls, value: str) -> str:
        problem = org_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("ci")
    @classmethod
    def _ci(cls, value: str) -> str:
        if value not in CI_CHOICES:
            raise ValueError(f"one of {', '.join(CI_CHOICES)}")
        return value


def recorded(repo: Path) -> tuple[str, str] | None:
    """(org, ci) from the answers file, None when there is none."""
    path = repo / ANSWERS
    if not path.exists() and not path.is_symlink():
        return None
    try:
        data = yaml.safe_load(read_limited(path, 64 * 1024, "the answers file",
                                           "write it again").decode("utf-8"))
        answers = _Recorded.model_validate(data)
    except (OSError, Refused, UnicodeDecodeError, yaml.YAMLError) as e:
        raise InitError(f"{ANSWERS}: cannot be read: {e}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise InitError(f"{ANSWERS}: {where}: {first['msg']}; fix it or delete it") from None
    return answers.org, answers.ci


# --- rendering -----------------------------------------------------------------------------

class _Written(str):
    """A value a filter made safe for the place it goes."""


def _only_written(value: Any) -> Any:
    # every value in a template goes through a filter that knows its place (YAML, Markdown)
    if isinstance(value, _Written):
        return value
    raise TypeError(f"a starter template prints {value!r} without a filter")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(STARTER), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             finalize=_only_written)
    env.filters.update(
        yaml=lambda v: _Written(scalar(str(v))),
        md=lambda v: _Written(md_inline(str(v))),
        int=lambda v: _Written(str(int(v))),
        iso=lambda v: _Written(v.isoformat()),
        requirement=lambda v: _Written(v) if requirement_problem(v) is None else _refuse(v),
    )
    return env


def _refuse(value: str) -> _Written:
    raise InitError(f"--requirement {value!r}: {requirement_problem(value)}")


def first_record_name() -> str:
    return file_name(1, slug(FIRST_TITLE))


def tool_files(ci: str, statuses: Statuses = BUILT_IN) -> list[Planned]:
    """The files the tool owns: they depend only on this version, the CI chosen and, for the
    record schema, the organisation's statuses (config.yaml's `statuses:`)."""
    out = [Planned(".pre-commit-config.yaml", (STARTER / "pre-commit-config.yaml").read_text(
        encoding="utf-8"), True), Planned("docs/decision.schema.json", schema_text(statuses),
                                          True)]
    if ci == "github":
        for path in sorted((STARTER / "github").glob("*.yml")):
            out.append(Planned(f".github/workflows/{path.name}",
                               path.read_text(encoding="utf-8"), True))
    elif ci == "gitlab":
        out.append(Planned(".gitlab-ci.yml", (STARTER / "gitlab-ci.yml").read_text(
            encoding="utf-8"), True))
    return out


def plan(answers: Answers, today: dt.date, with_record: bool = True,
         statuses: Statuses = BUILT_IN) -> list[Planned]:
    """Every file of a new repository, the organisation's first."""
    env = _env()
    team = answers.teams[0][0] if answers.teams else ""

    def render(name: str, **values: Any) -> str:
        return env.get_template(name).render(**values)

    out = [
        Planned("mkdocs.yml", render("mkdocs.yml.j2",
                                     site_name=f"{answers.org} technology decisions"), False),
        Planned("requirements.txt", render("requirements.txt.j2",
                                           requirement=answers.requirement), False),
        Planned("README.md", render("README.md.j2", org=answers.org), False),
        Planned(".gitignore", (STARTER / "gitignore").read_text(encoding="utf-8"), False),
        Planned(ANSWERS, render("answers.yaml.j2", org=answers.org, ci=answers.ci), False),
        Planned("docs/index.md", render("index.md.j2", org=answers.org), False),
        Planned("decisions/config.yaml", render("config.yaml.j2", teams=answers.teams), False),
    ]
    if with_record and team:
        out.append(Planned(f"decisions/{first_record_name()}", render(
            "first-record.yaml.j2", title=FIRST_TITLE, org=answers.org, team=team,
            deciders=f"The {team} team", date=today,
            review_by=today + dt.timedelta(days=365)), False))
    return out + tool_files(answers.ci, statuses)


# --- writing and checking --------------------------------------------------------------------

@dataclass(frozen=True)
class WriteOutcome:
    path: str
    action: str  # wrote | kept | skipped
    why: str = ""


def _linked_parent(repo: Path, relative: str) -> str | None:
    """The first folder on the way to the file that is a symbolic link (never followed)."""
    parts = relative.split("/")[:-1]
    for i in range(len(parts)):
        if (repo.joinpath(*parts[: i + 1])).is_symlink():
            return "/".join(parts[: i + 1])
    return None


def has_records(repo: Path) -> bool:
    folder = repo / "decisions"
    return folder.is_dir() and not folder.is_symlink() and any(
        RECORD_FILE.match(p.name) for p in folder.iterdir())


def write(repo: Path, planned: list[Planned], dry_run: bool) -> Iterator[WriteOutcome]:
    """Write each planned file that does not exist yet; keep every other."""
    for p in planned:
        link = _linked_parent(repo, p.path)
        target = repo / p.path
        if link is not None:
            yield WriteOutcome(p.path, "skipped", f"{link} is a symbolic link, not followed")
        elif target.exists() or target.is_symlink():
            yield WriteOutcome(p.path, "kept", "it exists")
        elif dry_run:
            yield WriteOutcome(p.path, "wrote")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                write_new(target, p.text)
            except FileExistsError:  # made since the check above
                yield WriteOutcome(p.path, "kept", "it exists")
                continue
            yield WriteOutcome(p.path, "wrote")


@dataclass(frozen=True)
class Difference:
    path: str
    diff: str  # a unified diff, or why there is none (missing, unreadable)


def check(repo: Path, ci: str, statuses: Statuses = BUILT_IN) -> list[Difference]:
    """The tool's files that differ from what this version writes, or are missing."""
    out = []
    version = default_requirement().replace("==", " ", 1)
    for p in tool_files(ci, statuses):
        path = repo / p.path
        if not path.exists() and not path.is_symlink():
            out.append(Difference(p.path, "missing: `decisions init` writes it\n"))
            continue
        try:
            text = read_limited(path, 4 * 1024 * 1024, "a file decisions init wrote",
                                "delete it and run `decisions init`").decode("utf-8")
        except (OSError, Refused, UnicodeDecodeError) as e:
            out.append(Difference(p.path, f"cannot be read: {e}\n"))
            continue
        if text != p.text:
            # the file is the repository's: its lines are printed with controls escaped
            lines = difflib.unified_diff(text.splitlines(), p.text.splitlines(),
                                         fromfile=f"{p.path} (yours)",
                                         tofile=f"{p.path} ({version})", lineterm="")
            out.append(Difference(p.path, "".join(escape(line) + "\n" for line in lines)))
    return out
