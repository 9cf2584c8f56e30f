"""Finding the manifests under some paths, reading them, and the coverage snapshot file.

What comes out is an Inventory: every dependency found, the manifests read, the problems,
and which repository each manifest belongs to. The folder `coverage/` inside the decisions
folder holds what other repositories' CI dropped there, one file a repository: an SBOM
(`shop-api.cdx.json`, `shop-api.spdx.json`) or the JSON of `decisions coverage` run there
(`shop-api.json`). Its files count for the repository their name starts with.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from ..files import MiB, Refused, read_limited
from ..findings import Finding, display
from ..model import MAX_PACKAGE, PACKAGE_REF
from . import refs
from .manifests import RULE, Found, Parsed, Shape, parse_requirements, parser_for, shape_problem

# Folders never scanned: tools' caches, installed packages, build output. Any folder whose
# name starts with a dot is left out too.
SKIP_DIRS = frozenset({"node_modules", "venv", "env", "__pycache__", "site-packages", "dist",
                       "build", "site", "bower_components", "vendor"})
MAX_MANIFEST = 50 * MiB  # a container's SBOM runs to megabytes; a manifest to kilobytes
COLLECTED = "coverage"  # decisions/coverage/: one file a repository
SNAPSHOT = "coverage.json"  # decisions/coverage.json: what the site shows
_REF = re.compile(PACKAGE_REF)


@dataclass
class Inventory:
    """What a scan found, before it is joined with the records."""

    found: list[Found] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # kinds of package the manifests can name
    repositories: dict[str, list[str]] = field(default_factory=dict)  # name -> manifests
    findings: list[Finding] = field(default_factory=list)

    def add(self, parsed: Parsed, manifest: str, repository: str) -> None:
        self.found.extend(parsed.found)
        self.findings.extend(parsed.findings)
        self.kinds.update(parsed.kinds)
        if manifest not in self.manifests:
            self.manifests.append(manifest)
            self.repositories.setdefault(repository, []).append(manifest)


def label(path: Path, base: Path) -> str:
    """A manifest's name in the output: relative to the repository root, with slashes."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return display(path)


def read_text(path: Path, shown: str, inventory: Inventory) -> str | None:
    """A manifest's text, read as every manifest is (no links, size-capped, UTF-8); None,
    with a finding in inventory, when it cannot be."""
    try:
        data = read_limited(path, MAX_MANIFEST, "a manifest", "leave it out with "
                            "coverage.exclude in decisions/config.yaml")
        return data.decode("utf-8-sig")
    except Refused as e:
        inventory.findings.append(Finding(shown, 1, 1, "error", RULE, str(e)))
    except UnicodeDecodeError as e:
        inventory.findings.append(Finding(shown, 1, 1, "error", RULE,
                                          f"not UTF-8 text (byte {e.start}); save it as UTF-8"))
    except OSError as e:
        inventory.findings.append(Finding(shown, 1, 1, "error", RULE,
                                          f"cannot read: {e.strerror or e}"))
    return None


@dataclass
class Scanner:
    base: Path  # the repository root: manifests are named relative to it
    repository: str
    exclude: list[Path] = field(default_factory=list)
    inventory: Inventory = field(default_factory=Inventory)
    seen: set[Path] = field(default_factory=set)

    def _left_out(self, path: Path, top: Path | None = None) -> bool:
        """Whether an exclude covers path; one that covers the scanned folder itself does not
        count there: a folder named on the command line is read even when excluded."""
        resolved = path.resolve()
        return any((resolved == e or e in resolved.parents)
                   and (top is None or not (top == e or e in top.parents))
                   for e in self.exclude)

    def read_manifest(self, path: Path, in_requirements_folder: bool = False) -> None:
        resolved = path.resolve()
        if resolved in self.seen:
            return
        self.seen.add(resolved)
        parser = parser_for(path.name, in_requirements_folder) or parse_requirements
        shown = label(path, self.base)
        text = read_text(path, shown, self.inventory)
        if text is None:
            return
        parsed = parser(shown, text)
        self.inventory.add(parsed, shown, self.repository)
        for target, line in parsed.includes:
            included = path.parent / target
            if not included.is_file():
                self.inventory.findings.append(Finding(
                    shown, line, 1, "error", RULE,
                    f"-r {target}: no such file beside {path.name}; fix the path"))
                continue
            self.read_manifest(included, in_requirements_folder=True)

    def walk(self, top: Path, skip: Path | None = None) -> None:
        """Every manifest under top, in a stable order, folders of tools left out."""
        top = top.resolve()
        for folder, dirs, names in os.walk(top):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                             and not self._left_out(here / d, top)
                             and (skip is None or (here / d).resolve() != skip))
            for name in sorted(names):
                in_folder = here.name == "requirements"
                if parser_for(name, in_folder) and not self._left_out(here / name, top):
                    self.read_manifest(here / name, in_folder)


def collected(folder: Path, base: Path, inventory: Inventory) -> None:
    """Add what other repositories dropped in decisions/coverage/, one file a repository."""
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        repository = path.name.split(".", 1)[0]
        shown = label(path, base)
        parser = parser_for(path.name)
        if parser is None and path.suffix != ".json":
            continue
        text = read_text(path, shown, inventory)
        if text is None:
            continue
        if parser is not None:
            inventory.add(parser(shown, text), shown, repository)
        else:
            inventory_of(text, shown, inventory, prefix=f"{repository}:",
                         repository=repository)


def scan(paths: list[Path], base: Path, repository: str, exclude: list[Path],
         decisions_root: Path | None) -> Inventory:
    """Read every manifest under paths; then decisions/coverage/, when there is one.

    Raises FileNotFoundError for a path that does not exist, and ValueError for a file that
    is no manifest this reads.
    """
    scanner = Scanner(base, repository, [e.resolve() for e in exclude])
    folder = (decisions_root / COLLECTED).resolve() if decisions_root else None
    for path in paths:
        if path.is_dir():
            scanner.walk(path, folder)
        elif path.is_file():
            if parser_for(path.name, path.parent.name == "requirements") is None and \
                    path.suffix != ".txt":
                raise ValueError(f"{display(path)}: not a manifest this reads (requirements*.txt, "
                                 "pyproject.toml, package.json, bom.json, *.cdx.json, "
                                 "*.spdx.json)")
            scanner.read_manifest(path, path.parent.name == "requirements")
        else:
            raise FileNotFoundError(f"{display(path)}: no such file or folder")
    if folder is not None:
        collected(folder, base, scanner.inventory)
    return scanner.inventory


# --- the JSON of `decisions coverage`, read back: the snapshot and collected outputs -----


class _Item(Shape):
    ref: str = Field(max_length=MAX_PACKAGE)
    manifests: list[str] | None = None


class _Problem(Shape):
    path: str
    line: int
    col: int
    message: str


class CoverageJson(Shape):
    """`decisions coverage --format json` (or the snapshot), as far as it is read again."""

    dependencies: list[_Item]
    ignored: list[_Item] | None = None
    repositories: dict[str, list[str]] | None = None
    kinds: list[str] | None = None
    findings: list[_Problem] | None = None


def inventory_of(text: str, shown: str, inventory: Inventory, prefix: str = "",
                 repository: str | None = None) -> None:
    """Add the dependencies of a `decisions coverage --format json` output (or snapshot).

    Only the references and manifests are taken: statuses are worked out again from the
    records as they are now. `prefix` names the manifests of another repository
    ('shop-api:app/requirements.txt').
    """
    def problem(line: int, col: int, message: str) -> None:
        inventory.findings.append(Finding(shown, line, col, "error", RULE, message))

    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as e:
        problem(e.lineno, e.colno, f"not valid JSON: {e.msg}; write it again with "
                "`decisions coverage --write`")
        return
    except RecursionError:
        problem(1, 1, "JSON nested too deeply")
        return
    if not isinstance(data, dict) or "dependencies" not in data:
        problem(1, 1, 'not the JSON of `decisions coverage` (no "dependencies" list)')
        return
    try:
        doc = CoverageJson.model_validate(data)
    except ValidationError as e:
        problem(1, 1, f"not the JSON of `decisions coverage`: {shape_problem(e)}; write it "
                "again with `decisions coverage --format json`")
        return
    owners = {m: name for name, ms in (doc.repositories or {}).items() for m in ms}
    found: list[Found] = []
    for item in [*doc.dependencies, *(doc.ignored or [])]:
        ref = refs.normalise(item.ref)
        if not _REF.match(ref):
            problem(1, 1, f"not a package reference: {item.ref!r}")
            continue
        for m in item.manifests or [shown]:
            name = prefix + m
            found.append(Found(ref, name))
            if name not in inventory.manifests:
                inventory.manifests.append(name)
                owner = repository or owners.get(m) or "this repository"
                inventory.repositories.setdefault(owner, []).append(name)
    inventory.found.extend(found)
    if doc.kinds is not None:
        inventory.kinds.update(k for k in doc.kinds if k in refs.KINDS)
    else:
        inventory.kinds.update(refs.kind_of(f.ref) for f in found)
    for f in doc.findings or []:
        inventory.findings.append(Finding(prefix + f.path, f.line, f.col, "error", RULE,
                                          f.message))


def read_snapshot(root: Path) -> Inventory | None:
    """decisions/coverage.json as an Inventory; None when there is none."""
    path = root / SNAPSHOT
    if not path.is_file():
        return None
    inventory = Inventory()
    text = read_text(path, display(path), inventory)
    if text is not None:
        inventory_of(text, display(path), inventory)
    return inventory
