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
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from packageurl import PackageURL
from packaging.requirements import InvalidRequirement, Requirement
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..findings import Finding
from . import refs

RULE = "manifest"  # the rule id of a manifest that cannot be read


@dataclass(frozen=True)
class Found:
    """One dependency as a manifest names it."""

    ref: str  # normalised: 'pypi:pymongo', 'npm:@scope/name', 'github:owner/repo'
    manifest: str  # the manifest's path, as shown
    line: int = 0  # 1-based; 0 when the format does not tell


@dataclass
class Parsed:
    found: list[Found] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    includes: list[tuple[str, int]] = field(default_factory=list)  # (-r target, line)
    kinds: tuple[str, ...] = ()  # the kinds of package this manifest can name

    def problem(self, path: str, line: int, col: int, message: str) -> None:
        self.findings.append(Finding(path, line, col, "error", RULE, message))


# --- requirements files (pip's format) ----------------------------------------------------

# pip's own rule: `#` starts a comment at the start of a line or after whitespace, so the
# `#egg=` or `#sha256=` of a URL stays
_COMMENT = re.compile(r"(^|\s+)#.*$")
# the first option on a requirement line (`--hash=...`, `--config-settings ...`) ends it
_OPTION = re.compile(r"\s+--?[A-Za-z]")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INCLUDE = ("-r", "--requirement")
_EDITABLE = ("-e", "--editable")
_CONSTRAINT = ("-c", "--constraint")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, the line with its continuations joined and comments gone)."""
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), 1):
        line = _COMMENT.sub("", raw)
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        joined = " ".join(p.strip() for p in parts).strip()
        parts = []
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


def parse_requirements(path: str, text: str) -> Parsed:
    """A pip requirements file: requirement specifiers, `-r` includes, `-e` lines.

    Comments, `--hash` continuations, environment markers, extras and `name @ URL` are
    pip's; every requirement string goes through `packaging`. Options that are not
    dependencies (`--index-url`, `-c constraints.txt`, ...) are left out. An editable line
    or a bare URL names a package only through `#egg=NAME`; a local path (`-e .`) is the
    project itself.
    """
    out = Parsed(kinds=("pypi",))
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
            if egg:
                out.found.append(Found(refs.pypi(egg.group(1)), path, number))
            continue
        if line.startswith("-"):
            continue  # --index-url, --find-links, --pre, --trusted-host, ...
        cut = _OPTION.search(line)
        spec = line[:cut.start()] if cut else line
        if "://" in spec.split("@", 1)[0] or spec.startswith((".", "/")):
            egg = _EGG.search(spec)  # a bare URL or path: named only by #egg=
            if egg:
                out.found.append(Found(refs.pypi(egg.group(1)), path, number))
            continue
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as e:
            message, col = _invalid(e)
            out.problem(path, number, col, f"not a requirement pip would read: {message}; "
                        "fix the line or remove it")
            continue
        out.found.append(Found(refs.pypi(requirement.name), path, number))
    return out


# --- pyproject.toml --------------------------------------------------------------------

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@lru_cache(maxsize=1)
def _line_starts(text: str) -> tuple[int, ...]:
    """Where each line of text starts; kept for the one text being parsed."""
    return (0, *(m.end() for m in re.finditer("\n", text)))


def _line_of(text: str, needle: str, after: int = 0) -> int:
    """The first line (1-based) at or after `after` that holds needle; 0 when none does."""
    starts = _line_starts(text)
    at = text.find(needle, starts[after - 1] if 1 < after <= len(starts) else 0)
    return bisect_right(starts, at) if at >= 0 else 0


def _value_lines(text: str, key: str) -> dict[str, int]:
    """The line of the first `"key": "value"` of each value, in one pass: an SBOM of a
    container names thousands of packages, and looking each up from the top was quadratic."""
    out: dict[str, int] = {}
    line, last = 1, 0
    for m in re.finditer(rf'"{re.escape(key)}"\s*:\s*"([^"\\]*)"', text):
        line += text.count("\n", last, m.start())
        last = m.start()
        out.setdefault(m.group(1), line)
    return out


def _section_line(text: str, header: str) -> int:
    return _line_of(text, f"[{header}]")


def _requirement_list(out: Parsed, path: str, text: str, values: object, where: str,
                      start: int) -> None:
    if not isinstance(values, list):
        out.problem(path, start or 1, 1, f"{where} should be a list of requirement strings")
        return
    for value in values:
        if isinstance(value, dict):
            continue  # {include-group = "..."} in dependency-groups: that group is read too
        if not isinstance(value, str):
            out.problem(path, start or 1, 1, f"{where}: {value!r} is not a requirement string")
            continue
        line = _line_of(text, f'"{value}"', start) or _line_of(text, f"'{value}'", start)
        try:
            requirement = Requirement(value)
        except InvalidRequirement as e:
            out.problem(path, line or start or 1, 1, f"{where}: {value!r} is not a requirement: "
                        f"{_invalid(e)[0]}")
            continue
        out.found.append(Found(refs.pypi(requirement.name), path, line or start))


def _poetry_table(out: Parsed, path: str, text: str, table: object, header: str) -> None:
    if not isinstance(table, dict):
        return
    start = _section_line(text, header)
    lines = text.splitlines()
    for name in table:
        if name.lower() == "python":
            continue  # the interpreter's version, not a package
        key = re.compile(rf"""^\s*["']?{re.escape(name)}["']?\s*=""")
        line = next((n for n in range(max(start, 1), len(lines) + 1)
                     if key.match(lines[n - 1])), start)
        out.found.append(Found(refs.pypi(name), path, line))


def parse_pyproject(path: str, text: str) -> Parsed:
    """pyproject.toml: [project] dependencies and optional dependencies, PEP 735
    [dependency-groups], and Poetry's dependency tables (`python` is not a package).

    [build-system] requires is left out: it is how the project is packaged, not what it runs.
    """
    out = Parsed(kinds=("pypi",))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = _TOML_AT.search(str(e))
        line, col = (int(at.group(1)), int(at.group(2))) if at else (
            max(len(text.splitlines()), 1), 1)
        message = _TOML_AT.sub("", str(e)).strip()
        out.problem(path, line, col, f"not valid TOML: {message}; fix the file")
        return out
    project = data.get("project")
    if isinstance(project, dict):
        start = _section_line(text, "project")
        if "dependencies" in project:
            _requirement_list(out, path, text, project["dependencies"],
                              "project.dependencies", start)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            start = _section_line(text, "project.optional-dependencies") or start
            for group, values in optional.items():
                _requirement_list(out, path, text, values,
                                  f"project.optional-dependencies.{group}", start)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        start = _section_line(text, "dependency-groups")
        for group, values in groups.items():
            _requirement_list(out, path, text, values, f"dependency-groups.{group}", start)
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        for key in ("dependencies", "dev-dependencies"):
            _poetry_table(out, path, text, poetry.get(key), f"tool.poetry.{key}")
        poetry_groups = poetry.get("group")
        if isinstance(poetry_groups, dict):
            for group, table in poetry_groups.items():
                if isinstance(table, dict):
                    _poetry_table(out, path, text, table.get("dependencies"),
                                  f"tool.poetry.group.{group}.dependencies")
    return out


# --- package.json ----------------------------------------------------------------------

NPM_KINDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def _json(out: Parsed, path: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        out.problem(path, e.lineno, e.colno, f"not valid JSON: {e.msg}; fix the file")
    except RecursionError:
        out.problem(path, 1, 1, "JSON nested too deeply to read")
    return None


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
    for kind in NPM_KINDS:
        table = data.get(kind)
        start = _line_of(text, f'"{kind}"')
        if table is None:
            continue
        if not isinstance(table, dict):
            out.problem(path, start or 1, 1, f"{kind} should be an object of package names "
                        "and version ranges, as npm writes it")
            continue
        for name, spec in table.items():
            line = _line_of(text, f'"{name}"', start)
            out.found.append(Found(refs.npm(_npm_alias(name, spec)), path, line or start))
    return out


# --- SBOMs: CycloneDX and SPDX JSON, through package URLs ------------------------------


def purl_ref(purl: str) -> str | None:
    """'pkg:pypi/PyMongo@4.6' -> 'pypi:pymongo'; None for an ecosystem no record can name.

    Raises ValueError for a string that is not a package URL.
    """
    p = PackageURL.from_string(purl)
    if p.type == "pypi":
        return refs.pypi(p.name)
    if p.type == "npm":
        return refs.npm(f"{p.namespace}/{p.name}" if p.namespace else p.name)
    if p.type == "github" and p.namespace:
        return refs.github(p.namespace, p.name)
    return None


def _add_purl(out: Parsed, path: str, lines: dict[str, int], purl: object) -> None:
    if not isinstance(purl, str) or not purl:
        return
    line = lines.get(purl, 0)
    try:
        ref = purl_ref(purl)
    except ValueError as e:
        out.problem(path, line or 1, 1, f"not a package URL: {purl!r} ({e})")
        return
    if ref:
        out.found.append(Found(ref, path, line))


class Shape(BaseModel):
    """The part of a JSON document that is read: other keys are left alone, but a key that
    is read must hold what its format says, or the file is a finding (never a traceback)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


_S = TypeVar("_S", bound=Shape)


def shape_problem(e: ValidationError) -> str:
    """The first thing wrong with a document's shape, where it is, and how many more."""
    first = e.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    more = e.error_count() - 1
    message = re.sub(r" or instance of \w+", "", first["msg"])  # the class is ours
    return (f"{where.lstrip('.') or 'the document'}: {message}"
            + (f" (and {more} more)" if more else ""))


class CdxComponent(Shape):
    bom_ref: str | None = Field(None, alias="bom-ref")
    purl: str | None = None
    components: list[CdxComponent] | None = None

    def walk(self) -> Iterator[CdxComponent]:
        yield self
        for c in self.components or []:
            yield from c.walk()


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


def _document(out: Parsed, path: str, text: str, model: type[_S], kind: str,
              key: str, value: str) -> _S | None:
    """The JSON in `text` read as `model`, when its `key` starts with `value`: the key that
    says which format a document is in."""
    data = _json(out, path, text)
    if data is None:
        return None
    if not isinstance(data, dict) or not str(data.get(key, "")).startswith(value):
        out.problem(path, 1, 1, f'not {kind} ("{key}": "{value}" is missing)')
        return None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        out.problem(path, 1, 1, f"not {kind} this can read: {shape_problem(e)}; fix what "
                    "wrote it")
        return None


def parse_cyclonedx(path: str, text: str) -> Parsed:
    """A CycloneDX JSON BOM: the components' purls, nested components included.

    When `dependencies` says what the subject (`metadata.component`) depends on, only those
    components are read: they are the direct dependencies.
    """
    out = Parsed(kinds=refs.KINDS)
    bom = _document(out, path, text, CdxBom, "a CycloneDX BOM", "bomFormat", "CycloneDX")
    if bom is None:
        return out
    subject = bom.metadata.component if bom.metadata else None
    root = subject.bom_ref if subject else None
    direct: set[str] | None = None
    for d in bom.dependencies or []:
        if root and d.ref == root and d.depends_on:
            direct = set(d.depends_on)
    lines = _value_lines(text, "purl")
    for top in bom.components or []:
        for c in top.walk():
            if direct is None or c.bom_ref in direct:
                _add_purl(out, path, lines, c.purl)
    return out


class SpdxExternalRef(Shape):
    reference_type: str | None = Field(None, alias="referenceType")
    reference_locator: str | None = Field(None, alias="referenceLocator")


class SpdxPackage(Shape):
    spdx_id: str | None = Field(None, alias="SPDXID")
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


def parse_spdx(path: str, text: str) -> Parsed:
    """An SPDX 2.x JSON document: its packages' `purl` external references.

    When the relationships say what the described package depends on (DEPENDS_ON, or
    DEPENDENCY_OF the other way round), only those packages are read; the described
    package itself never is.
    """
    out = Parsed(kinds=refs.KINDS)
    doc = _document(out, path, text, SpdxDocument, "an SPDX document", "spdxVersion",
                    "SPDX-")
    if doc is None:
        return out
    relations = doc.relationships or []
    described = set(doc.describes or [])
    described |= {r.related for r in relations if r.type == "DESCRIBES" and r.related}
    direct = {r.related for r in relations
              if r.type == "DEPENDS_ON" and r.element in described and r.related}
    direct |= {r.element for r in relations
               if r.type == "DEPENDENCY_OF" and r.related in described and r.element}
    lines = _value_lines(text, "referenceLocator")
    for p in doc.packages or []:
        if p.spdx_id in described or (direct and p.spdx_id not in direct):
            continue
        for ext in p.external_refs or []:
            if ext.reference_type == "purl":
                _add_purl(out, path, lines, ext.reference_locator)
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

