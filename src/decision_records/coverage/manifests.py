"""Dependency manifests into package references: one pure parser a format.

Each parser takes a manifest's path (as it is shown) and its text, and returns the
dependencies it names, with the line where known, and a finding for what cannot be read.
Nothing here opens a file: `scan.py` does, and follows `-r` includes.

Direct dependencies only. A manifest says what a team chose to depend on; a lockfile or a
full SBOM also lists what those packages pull in, which nobody decided on one by one
(`urllib3` comes with `requests`). So lockfiles (`uv.lock`, `poetry.lock`,
`package-lock.json`) are not read, and an SBOM whose dependency graph names the direct
dependencies of its subject gives only those; one without a graph gives every component.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

from packageurl import PackageURL
from packaging.requirements import InvalidRequirement, Requirement
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import refs
from ..chars import escape
from ..errors import DecisionsError
from ..findings import Finding

RULE = "manifest"  # the rule id of a manifest that cannot be read

# What one manifest may ask of the parsers. Each parser is linear, but some are slow by the
# byte (packaging and tomllib spend microseconds a token, and a hostile file packs a token in
# every byte or two), and every object read costs memory: these keep a hostile file to about
# a second and a small multiple of its size, far above what real manifests hold.
MAX_DEPENDENCIES = 10_000  # a requirements file, pyproject.toml or package.json
MAX_REQUIREMENT_TEXT = 256 * 1024  # characters of requirement strings read from one file
MAX_REQUIREMENTS_FILE = 4 * 1024 * 1024  # characters; hash-pinned ones run to hundreds of KiB
MAX_PYPROJECT = 256 * 1024  # bytes; real ones are a few KiB
MAX_KEY_PARTS = 16  # parts of one dotted TOML key: tomllib is quadratic in them
MAX_COMPONENTS = 100_000  # components (packages), dependency entries or relationships
MAX_JSON_VALUES = 5_000_000  # values in one JSON document, counted before it is parsed


@dataclass(frozen=True, order=True)
class Note:
    """How a manifest was read, when a reader could take it for something else: not a
    problem to fix, so it never fails a check, but it is shown wherever findings are."""

    path: str
    line: int
    col: int
    message: str

    def format(self) -> str:
        """One line that starts with the path, escaped as findings are."""
        return f"{escape(self.path)}:{self.line}:{self.col}: note: {escape(self.message)}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Found:
    """One dependency as a manifest names it."""

    ref: str  # normalised: 'pypi:pymongo', 'npm:@scope/name', 'github:owner/repo'
    manifest: str  # the manifest's path, as shown
    line: int = 0  # 1-based; 0 when the format does not tell


@dataclass(frozen=True)
class Product:
    """An SBOM component by a package URL or CPE that may name a product endoflife.date
    tracks (a container image, a server): matched with the records' `eol:` references by
    the identifiers their snapshot entries hold (coverage/match.py)."""

    identifier: str  # without its version: 'pkg:docker/library/postgres', 'cpe:apache:kafka'
    version: str
    manifest: str
    line: int = 0


@dataclass
class Parsed:
    found: list[Found] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    includes: list[tuple[str, int]] = field(default_factory=list)  # (-r target, line)
    kinds: tuple[str, ...] = ()  # the kinds of package this manifest can name
    notes: list[Note] = field(default_factory=list)
    cut: bool = False  # the file named more dependencies than are read from one
    products: list[Product] = field(default_factory=list)  # SBOM components, for eol: refs

    def problem(self, path: str, line: int, col: int, message: str) -> None:
        self.findings.append(Finding(path, line, col, "error", RULE, message))

    def note(self, path: str, line: int, message: str) -> None:
        self.notes.append(Note(path, line or 1, 1, message))

    def full(self, path: str, line: int) -> bool:
        """Whether this manifest has named as many dependencies as one may; the first time,
        a finding at `line` says the rest was not read."""
        if len(self.found) < MAX_DEPENDENCIES:
            return False
        if not self.cut:
            self.cut = True
            self.problem(path, line or 1, 1, f"more than {MAX_DEPENDENCIES:,} dependencies: "
                         "the rest of the file is not read; split it into smaller files")
        return True


# --- line numbers, each found in one pass over the text -----------------------------------

def _lines_of(text: str, pattern: re.Pattern[str], wanted: Collection[str]) -> dict[str, list[int]]:
    """The lines (1-based, ascending) where each wanted value is the text of `pattern`'s
    group that matched. One pass however many values are looked up: looking each up from
    the top of the file was quadratic."""
    out: dict[str, list[int]] = {}
    line, last = 1, 0
    for m in pattern.finditer(text):
        value = m[m.lastindex or 0]
        if value in wanted:
            line += text.count("\n", last, m.start())
            last = m.start()
            out.setdefault(value, []).append(line)
    return out


def _first_from(lines: list[int] | None, start: int) -> int:
    """The first of `lines` at or after line `start`; 0 when there is none."""
    if not lines:
        return 0
    i = bisect_left(lines, start)
    return lines[i] if i < len(lines) else 0


# the sources whose package URLs are read: 'PyPI, npm or GitHub'
PURL_SOURCES = refs.either([s.label for s in refs.BY_PURL.values()])


def _pypi(name: str) -> str:
    return refs.normalise(f"pypi:{name}")


def _shown(value: object, limit: int = 80) -> str:
    """A value in a message, cut short: the file is there to read the rest."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1 if offset >= 0 else 0


# --- requirements files (pip's format) ----------------------------------------------------

# the first option on a requirement line (`--hash=...`, `--config-settings ...`) ends it;
# one whitespace character, not a run, so that a long run costs no backtracking
_OPTION = re.compile(r"\s--?[A-Za-z]")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INCLUDE = ("-r", "--requirement")
_EDITABLE = ("-e", "--editable")
_CONSTRAINT = ("-c", "--constraint")
def _uncomment(line: str) -> str:
    """The line without its comment. pip's rule: `#` starts one at the start of a line or
    after whitespace, so the `#egg=` or `#sha256=` of a URL stays. (pip says it with a
    regular expression that backtracks over every run of spaces: quadratic in a long one.)"""
    at = line.find("#")
    while at > 0 and not line[at - 1].isspace():
        at = line.find("#", at + 1)
    return line if at < 0 else line[:at].rstrip()


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, the line with its continuations joined and comments gone)."""
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), 1):  # as pip splits it
        line = _uncomment(raw) if "#" in raw else raw
        if line.endswith("\\"):
            if not parts:
                start = number
            parts.append(line[:-1])
            continue
        if parts:
            parts.append(line)
            joined = " ".join(p.strip() for p in parts).strip()
            parts = []
        else:
            start, joined = number, line.strip()
        if joined:
            yield start, joined
    if parts:
        joined = " ".join(p.strip() for p in parts).strip()
        if joined:
            yield start, joined


def _option(line: str, names: tuple[str, ...]) -> str | None:
    """The value of `-r file`, `-rfile`, `--requirement=file`, or None for another line."""
    for name in names:
        if line == name:
            return ""
        if line.startswith(name):
            rest = line[len(name):]
            if name.startswith("--"):
                if rest[:1] in ("=", " ", "\t"):
                    return rest[1:].strip()
            else:
                return rest.lstrip("= \t").strip()
    return None


def _invalid(e: InvalidRequirement) -> tuple[str, int]:
    """packaging's message, and the column its caret points at (1 when it has none)."""
    lines = str(e).splitlines()
    if len(lines) >= 3 and lines[-1].strip().startswith("^"):
        return lines[0], max(lines[-1].index("^") - 3, 1)  # the copy is indented by four
    return lines[0] if lines else "not a requirement", 1


@dataclass
class _Requirements:
    """Requirement strings read through packaging, up to what one file may ask of it:
    packaging spends microseconds a token, and extras, version clauses and marker terms
    can put a token in every other byte."""

    path: str
    out: Parsed
    text_left: int = MAX_REQUIREMENT_TEXT
    spent: bool = False

    def read(self, spec: str, line: int) -> Requirement | InvalidRequirement | None:
        """The requirement, or why it is not one; None once the file has had its share."""
        self.text_left -= len(spec)
        if self.text_left < 0 or self.out.full(self.path, line):
            if not self.spent and not self.out.cut:
                self.spent = True
                self.out.problem(self.path, line, 1, "more than "
                                 f"{MAX_REQUIREMENT_TEXT // 1024} KiB of requirements: the "
                                 "rest of the file is not read; split it into smaller files")
            return None
        try:
            return Requirement(spec)
        except InvalidRequirement as e:
            return e


def parse_requirements(path: str, text: str) -> Parsed:
    """A pip requirements file: requirement specifiers, `-r` includes, `-e` lines.

    Comments, `--hash` continuations, environment markers, extras and `name @ URL` are
    pip's; every requirement string goes through `packaging`. Options that are not
    dependencies (`--index-url`, `-c constraints.txt`, ...) are left out. An editable line
    or a bare URL names a package only through `#egg=NAME`; a local path (`-e .`) is the
    project itself.
    """
    out = Parsed(kinds=("pypi",))
    if len(text) > MAX_REQUIREMENTS_FILE:  # a microsecond a line even for blank ones
        out.problem(path, 1, 1, f"{len(text):,} characters, more than the "
                    f"{MAX_REQUIREMENTS_FILE // 2**20} MiB a requirements file is read up to; "
                    "split it into smaller files")
        return out
    reader = _Requirements(path, out)
    for number, line in _logical_lines(text):
        include = _option(line, _INCLUDE)
        if include is not None:
            if include:
                out.includes.append((include, number))
            else:
                out.problem(path, number, 1, "-r names no file")
            continue
        if _option(line, _CONSTRAINT) is not None:
            continue  # constraints pin versions; they add no dependency
        editable = _option(line, _EDITABLE)
        if editable is not None:
            egg = _EGG.search(editable)
            if egg and not out.full(path, number):
                out.found.append(Found(_pypi(egg.group(1)), path, number))
            continue
        if line.startswith("-"):
            continue  # --index-url, --find-links, --pre, --trusted-host, ...
        cut = _OPTION.search(line)
        spec = line[:cut.start()].rstrip() if cut else line
        if "://" in spec.split("@", 1)[0] or spec.startswith((".", "/")):
            egg = _EGG.search(spec)  # a bare URL or path: named only by #egg=
            if egg and not out.full(path, number):
                out.found.append(Found(_pypi(egg.group(1)), path, number))
            continue
        requirement = reader.read(spec, number)
        if requirement is None:
            break
        if isinstance(requirement, InvalidRequirement):
            message, col = _invalid(requirement)
            out.problem(path, number, col, f"not a requirement pip would read: {message}; "
                        "fix the line or remove it")
            continue
        out.found.append(Found(_pypi(requirement.name), path, number))
    return out


# --- pyproject.toml --------------------------------------------------------------------

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
# Possessive quantifiers and a part's start as the only place a match begins: every search
# below is one pass, whatever runs of spaces, quotes or brackets the file holds.
_TOML_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\\\n]*+"|'[^'\n]*+')"""
_TOML_DOTTED = re.compile(rf"""(?<![A-Za-z0-9_"'-])(?:{_TOML_PART}[ \t]*+\.[ \t]*+)"""
                          rf"{{{MAX_KEY_PARTS}}}{_TOML_PART}")
_TOML_HEADER = re.compile(r"^[ \t]*+\[([^\[\]\n]*+)\]", re.MULTILINE)
_TOML_STRING = re.compile(r""""([^"\\\n]*+)"|'([^'\n]*+)'""")
_TOML_KEY = re.compile(r"""^[ \t]*+(?:"([^"\n]*+)"|'([^'\n]*+)'|([A-Za-z0-9_.-]++))[ \t]*+=""",
                       re.MULTILINE)


def _toml(out: Parsed, path: str, text: str) -> dict[str, Any] | None:
    """The TOML document, or None with a finding. What tomllib is slow on is refused first:
    a long file (about a microsecond a byte) and a long dotted key (quadratic in its parts)."""
    if len(text) > MAX_PYPROJECT:
        out.problem(path, 1, 1, f"{len(text):,} characters, more than the "
                    f"{MAX_PYPROJECT // 1024} KiB a pyproject.toml is read up to; leave it "
                    "out with coverage.exclude in decisions/config.yaml")
        return None
    dotted = _TOML_DOTTED.search(text)
    if dotted:
        before = text.rfind("\n", 0, dotted.start())
        out.problem(path, _line_at(text, dotted.start()), dotted.start() - before,
                    f"a dotted key of more than {MAX_KEY_PARTS} parts is not read; "
                    "write the table as a [header]")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = _TOML_AT.search(str(e))
        line, col = (int(at.group(1)), int(at.group(2))) if at else (
            _line_at(text, len(text)), 1)
        message = _TOML_AT.sub("", str(e)).strip()
        out.problem(path, line, col, f"not valid TOML: {message}; fix the file")
    except RecursionError:
        out.problem(path, 1, 1, "not TOML this can read: arrays or tables nested too deeply")
    except ValueError as e:  # a number of more digits than Python converts
        out.problem(path, 1, 1, f"not TOML this can read: {str(e).split(':')[0]}; fix the "
                    "file")
    return None


def parse_pyproject(path: str, text: str) -> Parsed:
    """pyproject.toml: [project] dependencies and optional dependencies, PEP 735
    [dependency-groups], and Poetry's dependency tables (`python` is not a package).

    [build-system] requires is left out: it is how the project is packaged, not what it runs.
    """
    out = Parsed(kinds=("pypi",))
    data = _toml(out, path, text)
    if data is None:
        return out
    lines = _header_lines(text)
    lists: list[tuple[object, str, int]] = []  # (requirement strings, where, line of table)
    tables: list[tuple[dict[str, Any], int]] = []  # Poetry tables and their lines
    project = data.get("project")
    if isinstance(project, dict):
        start = lines.get("project", 0)
        if "dependencies" in project:
            lists.append((project["dependencies"], "project.dependencies", start))
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            start = lines.get("project.optional-dependencies", 0) or start
            lists.extend((values, f"project.optional-dependencies.{group}", start)
                         for group, values in optional.items())
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        start = lines.get("dependency-groups", 0)
        lists.extend((values, f"dependency-groups.{group}", start)
                     for group, values in groups.items())
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        for key in ("dependencies", "dev-dependencies"):
            table = poetry.get(key)
            if isinstance(table, dict):
                tables.append((table, lines.get(f"tool.poetry.{key}", 0)))
        poetry_groups = poetry.get("group")
        if isinstance(poetry_groups, dict):
            for group, table in poetry_groups.items():
                if isinstance(table, dict) and isinstance(table.get("dependencies"), dict):
                    header = f"tool.poetry.group.{group}.dependencies"
                    tables.append((table["dependencies"], lines.get(header, 0)))
    strings = _lines_of(text, _TOML_STRING, {v for values, _, _ in lists
                                             if isinstance(values, list) for v in values
                                             if isinstance(v, str)})
    keys = _lines_of(text, _TOML_KEY, {name for table, _ in tables for name in table})
    reader = _Requirements(path, out)
    for values, where, start in lists:
        if not _requirement_list(out, path, reader, strings, values, where, start):
            return out
    for table, start in tables:
        for name in table:
            if name.lower() == "python":
                continue  # the interpreter's version, not a package
            line = _first_from(keys.get(name), max(start, 1)) or start
            if out.full(path, line):
                return out
            out.found.append(Found(_pypi(name), path, line))
    return out


def _header_lines(text: str) -> dict[str, int]:
    """The line of each table header's first appearance, in one pass."""
    out: dict[str, int] = {}
    line, last = 1, 0
    for m in _TOML_HEADER.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        out.setdefault(m.group(1).strip(), line)
    return out


def _requirement_list(out: Parsed, path: str, reader: _Requirements,
                      strings: dict[str, list[int]], values: object, where: str,
                      start: int) -> bool:
    """Add a list's requirements; False once the file has had its share of them."""
    if not isinstance(values, list):
        out.problem(path, start or 1, 1, f"{where} should be a list of requirement strings")
        return True
    for value in values:
        if isinstance(value, dict):
            continue  # {include-group = "..."} in dependency-groups: that group is read too
        if not isinstance(value, str):
            out.problem(path, start or 1, 1, f"{where}: {_shown(value)} is not a requirement "
                        "string")
            continue
        line = _first_from(strings.get(value), start)
        requirement = reader.read(value, line or start or 1)
        if requirement is None:
            return False
        if isinstance(requirement, InvalidRequirement):
            out.problem(path, line or start or 1, 1, f"{where}: {_shown(value)} is not a "
                        f"requirement: {_invalid(requirement)[0]}")
            continue
        out.found.append(Found(_pypi(requirement.name), path, line or start))
    return True


# --- JSON: package.json, SBOMs, and the coverage JSON of other repositories ----------------

class JsonProblem(DecisionsError, ValueError):
    """A JSON document that is not read, and where the reason is."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def json_values(text: str) -> int:
    """At least the number of values in a JSON document, counted without parsing it: each
    value but the first of an array or object follows a comma (commas in strings only make
    the count larger)."""
    return text.count(",") + text.count("{") + text.count("[") + 1


def load_json(text: str) -> Any:
    """The JSON document in text. Its values are counted first: `json` makes an object of
    each, some 70 bytes for the three of `{},`, so a document of many small values is
    refused before it can take gigabytes. Raises JsonProblem."""
    values = json_values(text)
    if values > MAX_JSON_VALUES:
        raise JsonProblem(1, 1, f"{values:,} JSON values or more, above the "
                          f"{MAX_JSON_VALUES:,} a file is read up to; split it into smaller "
                          "files, or leave it out with coverage.exclude in "
                          "decisions/config.yaml")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise JsonProblem(e.lineno, e.colno, f"not valid JSON: {e.msg}") from None
    except RecursionError:
        raise JsonProblem(1, 1, "JSON nested too deeply to read") from None
    except ValueError:  # an integer of more digits than Python converts
        limit = sys.get_int_max_str_digits()
        at = re.search(rf"(?<![0-9])[0-9]{{{limit + 1}}}", text)
        offset = at.start() if at else 0
        raise JsonProblem(_line_at(text, offset), offset - text.rfind("\n", 0, offset),
                          f"not valid JSON: a number longer than the {limit:,} digits this "
                          "reads") from None


def _json(out: Parsed, path: str, text: str) -> Any:
    try:
        return load_json(text)
    except JsonProblem as e:
        fix = "; fix the file" if e.message.startswith("not valid") else ""
        out.problem(path, e.line, e.col, e.message + fix)
    return None


NPM_KINDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_JSON_KEY = re.compile(r'"([^"\\\n]*+)"\s*+:')


def _npm_alias(name: str, spec: object) -> str:
    """`"alias": "npm:real-name@^1"` installs real-name under another name."""
    if isinstance(spec, str) and spec.startswith("npm:"):
        target = spec[4:]
        at = target.rfind("@")
        return target[:at] if at > 0 else target
    return name


def parse_package_json(path: str, text: str) -> Parsed:
    """package.json: dependencies, devDependencies, peerDependencies, optionalDependencies."""
    out = Parsed(kinds=("npm",))
    data = _json(out, path, text)
    if data is None:
        return out
    if not isinstance(data, dict):
        out.problem(path, 1, 1, "a package.json holds an object")
        return out
    tables: list[tuple[dict[str, Any], int]] = []
    for kind in NPM_KINDS:
        table = data.get(kind)
        if table is None:
            continue
        start = _line_at(text, text.find(f'"{kind}"'))
        if not isinstance(table, dict):
            out.problem(path, start or 1, 1, f"{kind} should be an object of package names "
                        "and version ranges, as npm writes it")
            continue
        tables.append((table, start))
    keys = _lines_of(text, _JSON_KEY, {name for table, _ in tables for name in table})
    for table, start in tables:
        for name, spec in table.items():
            line = _first_from(keys.get(name), start) or start
            if out.full(path, line):
                return out
            out.found.append(Found(refs.normalise(f"npm:{_npm_alias(name, spec)}"), path, line))
    return out


# --- SBOMs: CycloneDX and SPDX JSON, through package URLs ------------------------------

# The common shape of a package URL, read without packageurl's normalisation, which takes
# tens of microseconds a purl: an SBOM of a container lists thousands. Any other shape goes
# to packageurl, which says what is wrong with it.
_PURL = re.compile(r"pkg:([A-Za-z][A-Za-z0-9.+-]*+)/(?:([^/@?#]++)/)?([^/@?#]++)(?:[@?#].*+)?",
                   re.DOTALL)


def purl_ref(purl: str) -> str | None:
    """'pkg:pypi/PyMongo@4.6' -> 'pypi:pymongo'; None for an ecosystem no record can name.

    Raises ValueError for a string that is not a package URL.
    """
    m = _PURL.fullmatch(purl)
    if m:
        kind, name = m[1].lower(), unquote(m[3])
        namespace = unquote(m[2]) if m[2] else None
    else:
        p = PackageURL.from_string(purl)
        kind, namespace, name = p.type, p.namespace, p.name
    source = refs.BY_PURL.get(kind)
    found = source.purl_name(namespace, name) if source else None
    return refs.normalise(f"{source.kind}:{found}") if source and found is not None else None


_CPE = re.compile(r"cpe:(?:2\.3:|/)[aho]?:([^:]+):([^:]+)(?::([^:]*))?", re.IGNORECASE)
IDENTIFIER_CHARS = 200


def product_key(identifier: str) -> tuple[str, str | None] | None:
    """A package URL or CPE without its version, and the version:
    'pkg:docker/library/postgres@16.2?arch=amd64' -> ('pkg:docker/library/postgres', '16.2');
    'cpe:2.3:a:postgresql:postgresql:16.2:*:...' and 'cpe:/a:postgresql:postgresql' ->
    ('cpe:postgresql:postgresql', '16.2' or None). None for anything else."""
    text = identifier.strip()
    if len(text) > IDENTIFIER_CHARS:
        return None
    m = _CPE.match(text)
    if m:
        version = m[3] if m[3] and m[3] not in ("*", "-") else None
        return f"cpe:{m[1].lower()}:{m[2].lower()}", version
    if not text.lower().startswith("pkg:"):
        return None
    base, _, version = text.partition("?")[0].partition("#")[0].partition("@")
    return unquote(base).lower(), unquote(version) or None


def _product(out: Parsed, path: str, identifier: object, version: object) -> None:
    """Keep a component's package URL or CPE, with its version, as a possible product."""
    key = product_key(identifier) if isinstance(identifier, str) else None
    found = key[1] if key and key[1] else (version if isinstance(version, str) else None)
    if key and found and len(out.products) < MAX_DEPENDENCIES:
        out.products.append(Product(key[0], found.strip()[:64], path))


class Shape(BaseModel):
    """The part of a JSON document that is read: other keys are left alone, but a key that
    is read must hold what its format says, or the file is a finding (never a traceback)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


_S = TypeVar("_S", bound=Shape)


def shape_problem(e: ValidationError) -> str:
    """The first thing wrong with a document's shape, where it is, and how many more."""
    first = e.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    if len(where) > 120:  # nesting is the file's to choose; the start and end say where
        where = f"{where[:40]}...{where[-60:]}"
    more = e.error_count() - 1
    message = re.sub(r" or instance of \w+", "", first["msg"])  # the class is ours
    return (f"{where.lstrip('.') or 'the document'}: {message}"
            + (f" (and {more} more)" if more else ""))


class CdxComponent(Shape):
    bom_ref: str | None = Field(None, alias="bom-ref")
    purl: str | None = None
    cpe: str | None = None
    version: str | None = None
    components: list[CdxComponent] | None = None

    def walk(self) -> Iterator[CdxComponent]:
        """This component and those nested in it, without recursion: nesting is the file's
        to choose."""
        todo = [self]
        while todo:
            c = todo.pop()
            yield c
            todo.extend(reversed(c.components or []))


class CdxDependency(Shape):
    ref: str
    depends_on: list[str] | None = Field(None, alias="dependsOn")


class CdxMetadata(Shape):
    component: CdxComponent | None = None


class CdxBom(Shape):
    """A CycloneDX JSON BOM, as far as it is read."""

    metadata: CdxMetadata | None = None
    components: list[CdxComponent] | None = None
    dependencies: list[CdxDependency] | None = None


def _document(out: Parsed, path: str, text: str, kind: str, key: str,
              value: str) -> dict[str, Any] | None:
    """The JSON object in `text`, when its `key` starts with `value`: the key that says
    which format a document is in."""
    data = _json(out, path, text)
    if data is None:
        return None
    if not isinstance(data, dict) or not str(data.get(key, "")).startswith(value):
        out.problem(path, 1, 1, f'not {kind} ("{key}": "{value}" is missing)')
        return None
    return data


def _within(out: Parsed, path: str, counts: dict[str, int]) -> bool:
    """Whether each list read from an SBOM is short enough to be read; a finding if not.
    Counted before the document becomes objects, which is what takes the memory."""
    for what, n in counts.items():
        if n > MAX_COMPONENTS:
            out.problem(path, 1, 1, f"{what}: {n:,} or more, above the {MAX_COMPONENTS:,} "
                        "an SBOM is read up to, so none is read; split it (one SBOM a "
                        "service or image)")
            return False
    return True


def _count_nested(items: object, key: str) -> int:
    """How many items a list holds, counting those nested under `key` in each; stops
    counting past the limit."""
    n, todo = 0, [items]
    while todo and n <= MAX_COMPONENTS:
        here = todo.pop()
        if isinstance(here, list):
            n += len(here)
            todo.extend(i.get(key) for i in here if isinstance(i, dict))
    return n


def _validate(out: Parsed, path: str, model: type[_S], data: dict[str, Any],
              kind: str) -> _S | None:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        out.problem(path, 1, 1, f"not {kind} this can read: {shape_problem(e)}; fix what "
                    "wrote it")
        return None


def _graph_note(subject: str | None, lonely: int, roots: int) -> str:
    who = f"its subject ({subject})" if subject else "a subject (there is no metadata.component)"
    return (f"the dependency graph names nothing {who} depends on: read as direct the "
            f"{lonely:,} component{'s' * (lonely != 1)} nothing else depends on"
            + (f", and what the graph's {roots:,} other root{'s' * (roots != 1)} "
               "(sub-projects) depend on" if roots else ""))


def _direct_of(graph: dict[str, set[str]], subject: str | None, projects: set[str],
               listed: list[str]) -> tuple[set[str] | None, str | None]:
    """The refs read as direct dependencies, and a note when that took a guess.

    None without a graph (every component is read). When the subject's own entry names
    other components, those; a sub-project of the subject (in metadata.component.components,
    where build tools list modules) stands for what it depends on. When it names none,
    as a multi-ecosystem project's BOM from cdxgen has it (the subject depending only on
    itself), the components nothing depends on, plus what the graph's other roots (the
    other sub-projects) depend on.
    """
    if not graph:
        return None, None
    own = graph.get(subject, set()) - {subject} if subject else set()
    note = None
    if not own:
        depended = {d for ref, deps in graph.items() for d in deps if d != ref}
        components = set(listed)
        lonely = {r for r in listed if r not in depended}
        roots = [r for r in graph if r not in depended and r != subject
                 and (r in projects or r not in components)]
        own = lonely | {d for r in roots for d in graph[r]}
        note = _graph_note(subject, len(lonely), len(roots))
    direct, todo, seen = set(), list(own), set()
    while todo:  # a sub-project of the subject is read as what it depends on
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if ref in projects or ref == subject:
            todo.extend(graph.get(ref, ()))
        else:
            direct.add(ref)
    return direct, note


def _purls(out: Parsed, path: str, text: str, key: str, purls: Iterable[object]) -> int:
    """Add the dependencies these package URLs name, each at the line of its `key`; how
    many were package URLs at all."""
    wanted = [p for p in purls if isinstance(p, str) and p]
    lines = _lines_of(text, re.compile(rf'"{re.escape(key)}"\s*+:\s*+"([^"\\]*+)"'),
                      set(wanted))
    for purl in wanted:
        line = _first_from(lines.get(purl), 1)
        try:
            ref = purl_ref(purl)
        except ValueError as e:
            out.problem(path, line or 1, 1, f"not a package URL: {_shown(purl)} ({e})")
            continue
        if ref:
            out.found.append(Found(ref, path, line))
    return len(wanted)


def _nothing_read(out: Parsed, path: str, listed: int, direct: int, what: str) -> None:
    """A note when an SBOM that could be read named no dependency: an empty result must not
    pass for a clean one."""
    if out.found or out.findings:
        return
    if not listed:
        out.note(path, 1, f"no dependency read: the SBOM lists no {what}")
    else:
        out.note(path, 1, f"no dependency read: of the {listed:,} {what} listed, {direct:,} "
                 f"read as direct, none with a {PURL_SOURCES} package URL; check what "
                 "wrote the SBOM")


def parse_cyclonedx(path: str, text: str) -> Parsed:
    """A CycloneDX JSON BOM: the components' purls, nested components included.

    When `dependencies` says what the subject (`metadata.component`) depends on, only those
    components are read: they are the direct dependencies (see `_direct_of`).
    """
    out = Parsed(kinds=refs.PURL_KINDS)
    data = _document(out, path, text, "a CycloneDX BOM", "bomFormat", "CycloneDX")
    if data is None:
        return out
    metadata = data.get("metadata")
    subject = metadata.get("component") if isinstance(metadata, dict) else None
    parts = subject.get("components") if isinstance(subject, dict) else None
    counts = {"components": _count_nested(data.get("components"), "components")
              + _count_nested(parts, "components"),
              "dependencies": _count_nested(data.get("dependencies"), "")}
    if not _within(out, path, counts):
        return out
    bom = _validate(out, path, CdxBom, data, "a CycloneDX BOM")
    if bom is None:
        return out
    own = bom.metadata.component if bom.metadata else None
    projects = {c.bom_ref for c in own.walk() if c.bom_ref} if own else set()
    root = own.bom_ref if own else None
    components = [c for top in bom.components or [] for c in top.walk()]
    graph: dict[str, set[str]] = {}
    for d in bom.dependencies or []:
        graph.setdefault(d.ref, set()).update(d.depends_on or [])
    direct, note = _direct_of(graph, root, projects - {root} if root else projects,
                              [c.bom_ref for c in components if c.bom_ref])
    if note:
        out.note(path, _line_at(text, text.find('"dependencies"')), note)
    read = [c for c in components if direct is None or c.bom_ref in direct]
    _purls(out, path, text, "purl", (c.purl for c in read))
    for c in read:
        _product(out, path, c.purl, c.version)
        _product(out, path, c.cpe, c.version)
    _nothing_read(out, path, len(components), len(read), "components")
    return out


class SpdxExternalRef(Shape):
    reference_type: str | None = Field(None, alias="referenceType")
    reference_locator: str | None = Field(None, alias="referenceLocator")


class SpdxPackage(Shape):
    spdx_id: str | None = Field(None, alias="SPDXID")
    version: str | None = Field(None, alias="versionInfo")
    external_refs: list[SpdxExternalRef] | None = Field(None, alias="externalRefs")


class SpdxRelationship(Shape):
    element: str | None = Field(None, alias="spdxElementId")
    type: str | None = Field(None, alias="relationshipType")
    related: str | None = Field(None, alias="relatedSpdxElement")


class SpdxDocument(Shape):
    """An SPDX 2.x JSON document, as far as it is read."""

    describes: list[str] | None = Field(None, alias="documentDescribes")
    packages: list[SpdxPackage] | None = None
    relationships: list[SpdxRelationship] | None = None


_SPDX_READ = frozenset({"DESCRIBES", "DEPENDS_ON", "DEPENDENCY_OF"})


def parse_spdx(path: str, text: str) -> Parsed:
    """An SPDX 2.x JSON document: its packages' `purl` external references.

    When the relationships say what the described package depends on (DEPENDS_ON, or
    DEPENDENCY_OF the other way round), only those packages are read; the described
    package itself never is. When they only say what depends on what among the other
    packages, the packages nothing depends on are read, with a note.
    """
    out = Parsed(kinds=refs.PURL_KINDS)
    data = _document(out, path, text, "an SPDX document", "spdxVersion", "SPDX-")
    if data is None:
        return out
    relations = data.get("relationships")
    if isinstance(relations, list):  # CONTAINS, a file's GENERATED_FROM...: never read
        data = {**data, "relationships": [r for r in relations if not isinstance(r, dict)
                                          or r.get("relationshipType") in _SPDX_READ]}
    packages = data.get("packages")
    counts = {"packages": len(packages) if isinstance(packages, list) else 0,
              "relationships": _count_nested(data.get("relationships"), "")}
    if not _within(out, path, counts):
        return out
    doc = _validate(out, path, SpdxDocument, data, "an SPDX document")
    if doc is None:
        return out
    relations_read = doc.relationships or []
    described = set(doc.describes or [])
    described |= {r.related for r in relations_read if r.type == "DESCRIBES" and r.related}
    graph: dict[str, set[str]] = {}
    for r in relations_read:
        if r.element and r.related and r.type == "DEPENDS_ON":
            graph.setdefault(r.element, set()).add(r.related)
        elif r.element and r.related and r.type == "DEPENDENCY_OF":
            graph.setdefault(r.related, set()).add(r.element)
    listed = [p for p in doc.packages or [] if p.spdx_id not in described]
    own = {d for s in described for d in graph.get(s, ())} - described
    direct: set[str] | None = own or None
    if graph and not own:
        depended = {d for ref, deps in graph.items() for d in deps if d != ref}
        direct = {p.spdx_id for p in listed if p.spdx_id and p.spdx_id not in depended}
        n = len(direct)
        out.note(path, _line_at(text, text.find('"relationships"')),
                 "the relationships name nothing the described package depends on: read as "
                 f"direct the {n:,} package{'s' * (n != 1)} nothing else depends on")
    read = [p for p in listed if direct is None or p.spdx_id in direct]
    _purls(out, path, text, "referenceLocator",
           (e.reference_locator for p in read for e in p.external_refs or []
            if e.reference_type == "purl"))
    for p in read:
        for e in p.external_refs or []:
            if e.reference_type in ("purl", "cpe22Type", "cpe23Type"):
                _product(out, path, e.reference_locator, p.version)
    _nothing_read(out, path, len(listed), len(read), "packages")
    return out


Parser = Callable[[str, str], Parsed]


def parser_for(name: str, in_requirements_folder: bool = False) -> Parser | None:
    """The parser of a file name, or None when it is no manifest this reads."""
    if name.endswith(".spdx.json"):
        return parse_spdx
    if name == "bom.json" or name.endswith(".cdx.json"):
        return parse_cyclonedx
    if name == "pyproject.toml":
        return parse_pyproject
    if name == "package.json":
        return parse_package_json
    if name.endswith(".txt") and (name.startswith("requirements") or in_requirements_folder):
        return parse_requirements
    return None

