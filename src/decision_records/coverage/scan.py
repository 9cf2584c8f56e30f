"""Finding the manifests under some paths, reading them, and the coverage snapshot file.

What comes out is an Inventory: every dependency found, the manifests read, the problems,
and which repository each manifest belongs to. The folder `coverage/` inside the decisions
folder holds what other repositories' CI dropped there, one file a repository: an SBOM
(`shop-api.cdx.json`, `shop-api.spdx.json`) or the JSON of `decisions coverage` run there
(`shop-api.json`). Its files count for the repository their name starts with.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import refs
from ..errors import DecisionsError
from ..files import MiB, Refused, read_limited
from ..findings import Finding, display
from ..yamlfile import Locator
from .manifests import (
    RULE,
    Found,
    JsonProblem,
    Note,
    Parsed,
    Parser,
    Product,
    parse_requirements,
    parser_for,
)
from .snapshot import SNAPSHOT, DependencyItem, IgnoredItem, read_coverage

# Folders never scanned: tools' caches, installed packages, build output. Any folder whose
# name starts with a dot is left out too.
SKIP_DIRS = frozenset({"node_modules", "venv", "env", "__pycache__", "site-packages", "dist",
                       "build", "site", "bower_components", "vendor"})
MAX_MANIFEST = 50 * MiB  # a container's SBOM runs to megabytes; a manifest to kilobytes
COLLECTED = "coverage"  # decisions/coverage/: one file a repository
_REF = re.compile(refs.PATTERN)


Parse = Callable[[str], list[Found]]


def file_key(path: Path) -> Path:
    """A file's path with its folder resolved (not the file, which may be a link): the same
    for a path the scan walked to and one git names."""
    return path.parent.resolve() / path.name


@dataclass(frozen=True)
class ManifestFile:
    """A file a scan read, what it named, and how to read another text of it (the file as
    it was at a git commit, for the review report)."""

    path: Path  # file_key(path)
    shown: str
    found: tuple[Found, ...]
    parse: Parse


@dataclass
class Inventory:
    """What a scan found, before it is joined with the records."""

    found: list[Found] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)  # SBOM components, for eol: refs
    manifests: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # kinds of package the manifests can name
    repositories: dict[str, list[str]] = field(default_factory=dict)  # name -> manifests
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files: list[ManifestFile] = field(default_factory=list)  # each file read, in order

    def add(self, parsed: Parsed, manifest: str, repository: str) -> None:
        self.found.extend(parsed.found)
        self.products.extend(parsed.products)
        self.findings.extend(parsed.findings)
        self.notes.extend(parsed.notes)
        self.kinds.update(parsed.kinds)
        if manifest not in self.manifests:  # a few hundred manifests at most: one a file read
            self.manifests.append(manifest)
            self.repositories.setdefault(repository, []).append(manifest)


class Outside(DecisionsError):
    """A path that is not read: it leaves the folder it must stay in, or a link is on it."""


def within(root: Path, relative: Path | str) -> Path:
    """`relative` (to root, or absolute) as a path inside root with no symbolic link below
    root on the way: a link can lead anywhere, and git shows a reviewer only its target's
    name. `..` is taken a part at a time, after the part before it was found to be no link,
    so what is checked is what is read. A part that does not exist, or that no file can be
    named (too long, a NUL), ends the checks; reading the path then fails as for any missing
    file.

    Raises Outside, saying why.
    """
    root = root.resolve()
    given = Path(relative)
    if given.is_absolute():
        try:
            given = given.relative_to(root)
        except ValueError:
            raise Outside(f"{given} is outside {root}") from None
    here, exists = root, True
    for part in given.parts:
        if part == "..":
            if here == root:
                raise Outside("it leads out of the repository")
            here = here.parent
        elif part != ".":
            here = here / part
            if not exists:
                continue
            try:
                mode = os.lstat(here).st_mode
            except (OSError, ValueError):  # no such name, or none a file can have (too long)
                exists = False
                continue
            if stat.S_ISLNK(mode):
                raise Outside(f"{here.relative_to(root).as_posix()} is a symbolic link")
    return here


def _kind(path: Path) -> str | None:
    """'file' or 'folder', following links as Path.is_file does; None for anything else,
    a missing file, or a name no file can have: Path.is_file raises on a name that is too
    long."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else None


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

    def read_manifest(self, path: Path, root: Path, in_requirements_folder: bool = False
                      ) -> None:
        """Read path, and what it includes with `-r`, which must stay inside root (resolved,
        and holding path): the repository, or a folder named on the command line outside
        it."""
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
        self.inventory.files.append(ManifestFile(file_key(path), shown, tuple(parsed.found),
                                                 _parser_of(parser, shown)))
        for target, line in parsed.includes:
            try:
                included = within(root, resolved.parent.relative_to(root) / target)
            except Outside as e:
                self.inventory.findings.append(Finding(
                    shown, line, 1, "error", RULE,
                    f"-r {target}: not read, {e}: only files inside the repository are "
                    "read, and no link is followed; copy the file in, or remove the line"))
                continue
            if _kind(included) != "file":
                self.inventory.findings.append(Finding(
                    shown, line, 1, "error", RULE,
                    f"-r {target}: no such file beside {path.name}; fix the path"))
                continue
            self.read_manifest(included, root, in_requirements_folder=True)

    def walk(self, top: Path, root: Path, skip: Path | None = None) -> None:
        """Every manifest under top, in a stable order, folders of tools left out. Links
        are not followed into folders; a manifest that is a link is a finding."""
        top = top.resolve()
        for folder, dirs, names in os.walk(top):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                             and not self._left_out(here / d, top)
                             and (skip is None or (here / d).resolve() != skip))
            for name in sorted(names):
                in_folder = here.name == "requirements"
                if parser_for(name, in_folder) and not self._left_out(here / name, top):
                    self.read_manifest(here / name, root, in_folder)


def collected(folder: Path, base: Path, inventory: Inventory) -> None:
    """Add what other repositories dropped in decisions/coverage/, one file a repository.

    The folder must be a folder of the repository, not a link to one elsewhere: every file
    in it would be read and its package names published."""
    if os.path.islink(folder):
        inventory.findings.append(Finding(
            label(folder, base), 1, 1, "error", RULE, "a symbolic link, not read: links are "
            "not followed (they can lead out of the repository); make it a folder and commit "
            "the files in it"))
        return
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not (path.is_file() or path.is_symlink()):
            continue
        repository = path.name.split(".", 1)[0]
        shown = label(path, base)
        parser = parser_for(path.name)
        if parser is None and path.suffix != ".json":
            continue
        text = read_text(path, shown, inventory)
        if text is None:
            continue
        start = len(inventory.found)
        read = _parser_of(parser, shown) if parser else _coverage_json(shown, repository)
        if parser is not None:
            inventory.add(parser(shown, text), shown, repository)
        else:
            inventory_of(text, shown, inventory, prefix=f"{repository}:",
                         repository=repository)
        inventory.files.append(ManifestFile(file_key(path), shown,
                                            tuple(inventory.found[start:]), read))


def _parser_of(parser: Parser, shown: str) -> Parse:
    return lambda text: parser(shown, text).found


def _coverage_json(shown: str, repository: str) -> Parse:
    """How another repository's `decisions coverage` JSON in decisions/coverage/ is read."""

    def parse(text: str) -> list[Found]:
        inventory = Inventory()
        inventory_of(text, shown, inventory, prefix=f"{repository}:", repository=repository)
        return inventory.found

    return parse


def configured(paths: list[str], base: Path, config: Path) -> tuple[list[Path], list[Finding]]:
    """coverage.paths of config.yaml as paths inside the repository, and a finding at its
    place in the file for each that leaves it or passes through a link."""
    out, problems = [], []
    for i, relative in enumerate(paths):
        try:
            out.append(within(base, relative))
        except Outside as e:
            line, col = Locator(config).position(("coverage", "paths", i))
            problems.append(Finding(
                display(config), line, col, "error", "config",
                f"{relative!r} is not scanned: {e}; name a file or folder inside the "
                "repository, relative to its root, with no symbolic link on the way",
                f"coverage.paths[{i}]"))
    return out, problems


def scan(paths: list[Path], base: Path, repository: str, exclude: list[Path],
         decisions_root: Path | None, *, lenient: bool = False) -> Inventory:
    """Read every manifest under paths; then decisions/coverage/, when there is one.

    Raises FileNotFoundError for a path that does not exist, and ValueError for a file that
    is no manifest this reads; `lenient` leaves such a path out instead.
    """
    scanner = Scanner(base, repository, [e.resolve() for e in exclude])
    folder = (decisions_root / COLLECTED).resolve() if decisions_root else None
    home = base.resolve()
    for path in paths:
        # a path named on the command line may lie outside the repository (the code checked
        # out beside the decisions); what it includes then stays inside that path
        inside = path.resolve() == home or home in path.resolve().parents
        kind = _kind(path)
        if kind == "folder":
            scanner.walk(path, home if inside else path.resolve(), folder)
        elif kind == "file":
            if parser_for(path.name, path.parent.name == "requirements") is None and \
                    path.suffix != ".txt":
                if lenient:
                    continue
                raise ValueError(f"{display(path)}: not a manifest this reads (requirements*.txt, "
                                 "pyproject.toml, package.json, bom.json, *.cdx.json, "
                                 "*.spdx.json)")
            scanner.read_manifest(path, home if inside else path.resolve().parent,
                                  path.parent.name == "requirements")
        elif not lenient:
            raise FileNotFoundError(f"{display(path)}: no such file or folder")
    if decisions_root is not None:
        collected(decisions_root / COLLECTED, base, scanner.inventory)
    return scanner.inventory


# --- the JSON of `decisions coverage`, read back: the snapshot and collected outputs -----


def inventory_of(text: str, shown: str, inventory: Inventory, prefix: str = "",
                 repository: str | None = None) -> None:
    """Add the dependencies of a `decisions coverage --format json` output (or snapshot).

    Only the references and manifests are taken: statuses are worked out again from the
    records as they are now. `prefix` names the manifests of another repository
    ('shop-api:app/requirements.txt').
    """
    try:
        doc = read_coverage(text)
    except JsonProblem as e:
        inventory.findings.append(Finding(shown, e.line, e.col, "error", RULE, e.message))
        return
    owners = {m: name for name, ms in (doc.repositories or {}).items() for m in ms}
    found: list[Found] = []
    known = set(inventory.manifests)
    items: list[DependencyItem | IgnoredItem] = [*doc.dependencies, *(doc.ignored or [])]
    for item in items:
        ref = refs.normalise(item.ref)
        if not _REF.match(ref):
            inventory.findings.append(Finding(shown, 1, 1, "error", RULE,
                                              f"not a package reference: {item.ref!r}"))
            continue
        for m in item.manifests or [shown]:
            name = prefix + m
            found.append(Found(ref, name))
            if name not in known:
                known.add(name)
                inventory.manifests.append(name)
                owner = repository or owners.get(m) or "this repository"
                inventory.repositories.setdefault(owner, []).append(name)
    for owner, manifests in (doc.repositories or {}).items():
        for m in manifests:  # a manifest that named nothing, or only findings and notes
            name = prefix + m
            if name not in known:
                known.add(name)
                inventory.manifests.append(name)
                inventory.repositories.setdefault(repository or owner, []).append(name)
    inventory.found.extend(found)
    if doc.kinds is not None:
        inventory.kinds.update(k for k in doc.kinds if k in refs.KINDS)
    else:
        inventory.kinds.update(refs.kind_of(f.ref) for f in found)
    for f in doc.findings or []:
        inventory.findings.append(Finding(prefix + f.path, f.line, f.col, "error", RULE,
                                          f.message))
    inventory.notes.extend(Note(prefix + n.path, n.line, n.col, n.message)
                           for n in doc.notes or [])


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
