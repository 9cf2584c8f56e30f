"""A whole import run: find the files, skip what is not new, number, link, check, write.

Records already in the decisions folder are never changed: each new record is created under
a free number by `recordfile.create`, and what would need a change in an existing record is
reported instead. Every record is read back with the loader after writing and must equal what
was meant. Every file found gets an outcome, so the summary can say what happened to each one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from pydantic import TypeAdapter, ValidationError

from ..errors import DecisionsError
from ..findings import display
from ..loader import load_record
from ..model import IN_FORCE, MAX_GUESSES, RECORD_FILE, PathLine, Record, Status, validate_record
from ..recordfile import SCHEMA_LINE, create, dump, file_name, next_number, record_id
from ..statuses import BUILT_IN, Statuses
from ..yamlfile import YamlProblem, parse
from . import images
from .document import parse_document
from .draft import Draft, ImportedRecord, map_document, raw_draft
from .fields import NotAnAdr
from .images import Image, NotCopied
from .limits import fitted
from .links import MARKDOWN_SUFFIXES, SCHEME, Resolver, Unresolved, by_name_note, name_key
from .vocabulary import SUPERSEDED_BY, SUPERSEDES, section_kind, template_name

IMPORTED_FROM = "Imported from"  # the link older imports left; still recognised
MAX_BYTES = 1_000_000  # ADRs are a few kilobytes; a megabyte of Markdown is something else
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")

class Skip(DecisionsError):
    """A file that is not imported; `problem` when it could not be read (the run fails)."""

    def __init__(self, reason: str, problem: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem


@dataclass(frozen=True)
class SourceOutcome:
    """What happened to one source file."""

    source: Path
    imported: bool
    reason: str = ""  # why it was skipped
    problem: bool = False  # it could not be read or written
    record: Path | None = None
    form: str = ""
    todo: tuple[str, ...] = ()
    check: tuple[str, ...] = ()  # notes for a person
    guesses: tuple[tuple[str, str], ...] = ()  # (field, note), as in imported.guesses
    unresolved: tuple[Unresolved, ...] = ()
    images: tuple[Image, ...] = ()
    not_copied: tuple[Unresolved, ...] = ()  # images refused, and why
    text: str = ""  # the YAML written, or that a dry run would write

    @property
    def attention(self) -> bool:
        return bool(self.todo or self.check or self.guesses or self.unresolved
                    or self.not_copied)


@dataclass
class ImportResult:
    outcomes: list[SourceOutcome]
    notes: list[str]  # changes to records already in decisions/, left to a person
    dry_run: bool

    @property
    def imported(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.imported]

    @property
    def skipped(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if not o.imported]

    @property
    def failed(self) -> bool:
        return any(o.problem for o in self.outcomes)


@dataclass(frozen=True)
class Source:
    """A file to look at: as named (for messages), and the folder it was found in."""

    path: Path
    folder: Path | None = None  # None when named on the command line

    @property
    def named(self) -> bool:
        return self.folder is None


@dataclass(eq=False)
class _Plan:
    given: Path  # as the user named it, for messages
    source: Path  # resolved, to compare
    folder: Path  # images are read from inside it, resolved
    base: Path  # the folder it was found in (or its own), resolved: what --source-url is of
    shown: str  # for imported.source: from the repository root, or as given
    draft: Draft
    status: Status
    number: int = 0
    supersedes: list[_Plan | str] = field(default_factory=list)  # str: an existing record's id
    relation_links: list[tuple[str, str]] = field(default_factory=list)  # (title, target)
    check: list[str] = field(default_factory=list)
    guesses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return record_id(self.number, self.draft.slug)


@dataclass
class _Known:
    """What the decisions folder already holds."""

    by_source: dict[Path, str] = field(default_factory=dict)  # imported file -> record id
    by_name: dict[str, set[str]] = field(default_factory=dict)  # its name_key -> record ids
    by_title: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)


def find_sources(paths: Iterable[Path]) -> list[Source]:
    """Files as given, and every file under folders (recursively, sorted, hidden folders
    left out), each once."""
    out: list[Source] = []
    seen: set[Path] = set()
    for path in paths:
        found = [Source(f, path) for f in _walk(path)] if path.is_dir() else [Source(path)]
        for source in found:
            key = Path(os.path.abspath(source.path)) if source.path.is_symlink() else \
                Path(os.path.realpath(source.path))  # never raises, even on a link loop
            if key not in seen:
                seen.add(key)
                out.append(source)
    return out


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for here, dirs, names in os.walk(folder):  # does not follow links: no loops
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(here, n) for n in sorted(names))
    return found


def read_source(path: Path) -> str:
    """The text of a Markdown file, line endings and stray control characters normalised."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a device or a pipe could be read forever
            raise Skip("not a regular file")
        if info.st_size > MAX_BYTES:
            raise Skip(f"too large for an ADR ({info.st_size:,} bytes)")
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise Skip(f"too large for an ADR (over {MAX_BYTES:,} bytes)")
    except OSError as e:
        raise Skip(f"cannot read the file: {e.strerror or e}", problem=True) from None
    if b"\x00" in raw:
        raise Skip("a binary file, not Markdown text", problem=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise Skip(f"not UTF-8 text (byte 0x{raw[e.start]:02x} on line {line}); save it as "
                   "UTF-8 and import it again", problem=True) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_BREAKS.sub("\n", text)
    # Other control characters cannot be written to YAML and mean nothing in Markdown.
    text = _CONTROLS.sub("", text)
    if not text.strip():
        raise Skip("empty file")
    return text


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _repo(root_abs: Path) -> Path:
    """The repository root: the folder that holds the decisions folder."""
    return root_abs.parent


def _source_paths(text: str, root_abs: Path) -> list[Path]:
    """Where an `imported.source` may point: from the repository root, or as given. It is
    the path as written (`%25` in a file name is three characters, not a '%'); none for a
    value no file can have (a NUL, which the OS refuses to look up)."""
    if "\x00" in text:
        return []
    path = Path(text)
    if path.is_absolute():
        return [Path(os.path.realpath(path))]
    return [Path(os.path.realpath(_repo(root_abs) / path)), Path(os.path.realpath(path))]


def _classify(src: Source) -> str:
    """'markdown' for a Markdown file, 'bare' for a file without an extension; otherwise
    raises Skip with the reason."""
    path = src.path
    name = path.name
    if src.folder is not None:
        if name.startswith("."):
            raise Skip("a hidden file")
        if path.is_symlink():
            real = Path(os.path.realpath(path))
            folder = Path(os.path.realpath(src.folder))
            if folder != real and folder not in real.parents:
                raise Skip(f"a link to a file outside {display(src.folder)}; name the file "
                           "itself to import it")
    suffix = path.suffix.lower() if "." in name[1:] else ""
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if not suffix:
        return "bare"
    if src.named:
        return "markdown"  # named on the command line: read it as Markdown whatever its name
    raise Skip(f"not a Markdown file ({suffix})")




def _known(root: Path, root_abs: Path, statuses: Statuses) -> _Known:
    known = _Known()
    for path in sorted(root.glob("*.yaml")):
        if not RECORD_FILE.match(path.name):
            continue
        record = load_record(path, statuses).record
        if record is None:  # `decisions validate` reports it; nothing to compare against
            continue
        rid = path.name[:-5]
        known.status[rid] = record.means
        known.by_title[(_title_key(record.title), record.date)] = rid
        if record.imported is not None:
            for where in _source_paths(record.imported.source, root_abs):
                known.by_source.setdefault(where, rid)
            known.by_name.setdefault(name_key(Path(record.imported.source).name), set()).add(rid)
        for link in record.links:
            if link.title == IMPORTED_FROM and not SCHEME.match(link.url) \
                    and "\x00" not in unquote(link.url):
                known.by_source.setdefault(Path(os.path.realpath(root / unquote(link.url))),
                                           rid)
                known.by_name.setdefault(name_key(Path(unquote(link.url)).name), set()).add(rid)
    return known


class Run:
    """One import into the decisions folder `root`: what the folder holds, the records
    planned from the ADRs found (numbered in order after the last record), the notes about
    existing records, and the writing of each."""

    def __init__(self, root: Path, *, team: str | None, today: dt.date, dry_run: bool,
                 within: Path | None = None, source_url: str | None = None,
                 statuses: Statuses = BUILT_IN) -> None:
        self.root = root
        self.root_abs = Path(os.path.realpath(root))
        self.team, self.today, self.dry_run, self.within = team, today, dry_run, within
        self.source_url = source_url
        self.statuses = statuses
        self.known = _known(root, self.root_abs, statuses)
        self.plans: list[_Plan] = []
        self.by_source: dict[Path, _Plan] = {}  # each plan by its source, resolved
        self.by_name: dict[str, list[_Plan]] = {}  # each plan by its source's name_key
        self.notes: list[str] = []  # changes to records already in decisions/
        self._titles: dict[tuple[str, dt.date], Path] = {}  # planned: (title, date) -> file

    @property
    def repo(self) -> Path:
        return _repo(self.root_abs)

    def __call__(self, paths: Sequence[Path]) -> ImportResult:
        slots: list[SourceOutcome | _Plan] = []
        for src in find_sources(paths):
            try:
                plan = self.plan(src)
            except Skip as s:
                slots.append(SourceOutcome(src.path, False, s.reason, s.problem))
                continue
            slots.append(plan)
            self.plans.append(plan)
            self.by_source[plan.source] = plan
            for name in {name_key(plan.given.name), name_key(plan.source.name)}:
                self.by_name.setdefault(name, []).append(plan)
        first = next_number(self.root)
        for i, plan in enumerate(self.plans):
            plan.number = first + i
        self.link()
        done = {id(plan): self.write(plan) for plan in self.plans}
        outcomes = [done[id(s)] if isinstance(s, _Plan) else s for s in slots]
        return ImportResult(outcomes, self.notes, self.dry_run)

    def plan(self, src: Source) -> _Plan:
        """The record one file would become; raises Skip when it is not imported."""
        kind = _classify(src)
        source = Path(os.path.realpath(src.path))
        base = Path(os.path.realpath(src.folder or source.parent))
        folder = Path(os.path.realpath(self.within)) if self.within else base
        if source in self.known.by_source:
            raise Skip(f"already imported as {self.known.by_source[source]}")
        if template_name(src.path.name):
            raise Skip("an ADR template (by its file name)")
        try:
            text = read_source(src.path)
        except Skip as s:
            if kind == "bare" and not src.named:  # a tool or a data file beside the ADRs
                raise Skip(f"no file extension, and not an ADR: {s.reason}") from None
            raise
        name = src.path.name
        try:
            doc = parse_document(text, lambda heading: section_kind(heading) is not None)
            draft = map_document(doc, file_name=name, team=self.team, today=self.today,
                                 statuses=self.statuses)
        except NotAnAdr as e:
            if kind == "bare":
                raise Skip(f"no file extension, and {e}") from None
            raise Skip(str(e)) from None
        except Exception as e:  # one odd file must not stop a run of hundreds, nor be dropped
            draft = raw_draft(text, file_name=name, team=self.team, today=self.today,
                              why=f"{type(e).__name__}: {e}; please report this",
                              statuses=self.statuses)
        key = (_title_key(draft.title), draft.date)
        if key in self.known.by_title:
            raise Skip(f"already imported: {self.known.by_title[key]} has the same title and "
                       "date")
        if key in self._titles:
            raise Skip(f"same title and date as {display(self._titles[key])}, imported in this "
                       "run")
        shown = _shown(src.path, source, self.root_abs)
        if problem := _source_problem(shown):
            raise Skip(f"its path cannot be kept in imported.source ({problem}): rename or move "
                       "it, or import it from a folder nearer the repository", problem=True)
        plan = _Plan(src.path, source, folder, base, shown, draft, draft.status,
                     check=list(draft.check), guesses=list(draft.guesses))
        record, notes = fitted(self.assemble(plan, draft, ()))
        plan.draft = record.draft
        plan.check.extend(notes)
        try:  # the fields alone, before numbering: a mapping bug must not cost a number
            validate_record(record.data(), self.statuses)
        except ValidationError as e:
            draft = raw_draft(text, file_name=name, team=self.team, today=self.today,
                              why=f"{_first_error(e)}; please report this",
                              statuses=self.statuses)
            plan = _Plan(src.path, source, folder, base, plan.shown, draft, draft.status,
                         check=list(draft.check), guesses=list(draft.guesses))
        self._titles[key] = src.path
        return plan

    def everything(self) -> dict[Path, _Plan | str]:
        """Every imported source, resolved -> its plan now, or its record's id before."""
        found: dict[Path, _Plan | str] = dict(self.known.by_source)
        found.update(self.by_source)
        return found

    def named(self, name: str) -> _Plan | str | None:
        """The only record imported (now or earlier) from an ADR of that file name."""
        key = name_key(name)
        found: dict[object, _Plan | str] = {}
        for rid in self.known.by_name.get(key, ()):
            found[rid] = rid
        for plan in self.by_name.get(key, ()):
            found[id(plan)] = plan
        return next(iter(found.values())) if len(found) == 1 else None

    def target(self, target: str, plan: _Plan) -> tuple[_Plan | str | None, str | None]:
        """The record a link points at: one imported now (a plan) or earlier (its id), and
        the guess to list when it was found by its file name alone."""
        path = unquote(target.split("#", 1)[0])
        if not path or SCHEME.match(path) or "\x00" in path:  # NUL: no file has such a name
            return None, None
        everything = self.everything()
        base = plan.source.parent
        if not path.startswith("/"):
            for candidate in (path, path + ".md"):
                where = Path(os.path.realpath(base / candidate))
                if where in everything:
                    return everything[where], None
            here = Path(os.path.normpath(base / path))
            if (_within(here, plan.folder) or _within(here, self.repo)) and \
                    os.path.lexists(here):
                return None, None  # a file is there: the link means it
        # the path leads to no file (nothing outside the repository is looked at): the ADR
        # may have moved, or the link was written from another folder
        found = self.named(Path(path).name)
        if found is None:
            return None, None
        return found, by_name_note(target, found if isinstance(found, str) else found.id)

    def link(self) -> None:
        """Supersession links -> `supersedes` ids, other relations -> `links`, statuses made
        to agree with the rules (superseded exactly when a record in force replaces it)."""
        edges: list[tuple[_Plan, _Plan | str]] = []
        for plan in self.plans:
            for rel in plan.draft.relations:
                title = f"{rel.verb} {rel.text}"
                if rel.kind not in (SUPERSEDES, SUPERSEDED_BY):
                    plan.relation_links.append((title, rel.target))
                    continue
                target, guessed = self.target(rel.target, plan)
                if guessed is not None and target is not plan:
                    _add_guess(plan.guesses, "supersedes", guessed)
                if target is None or target is plan:
                    plan.relation_links.append((title, rel.target))
                    plan.check.append(f"{rel.verb.lower()} {rel.text!r}: not among the "
                                      "imported records; kept as a link")
                    continue
                if rel.kind == SUPERSEDED_BY and isinstance(target, str):
                    plan.relation_links.append((title, rel.target))
                    self.notes.append(f"{target}: add {plan.id} (from {display(plan.given)}) "
                                      "to its supersedes, then set that record's status to "
                                      f"{self.superseded}")
                    continue
                newer, older = (plan, target) if rel.kind == SUPERSEDES else (target, plan)
                assert isinstance(newer, _Plan)
                if isinstance(older, str) and self.known.status.get(older) != "superseded" \
                        and newer.status in IN_FORCE and (newer, older) not in edges:
                    # Listed all the same (it is what the ADR says); the old record's status is
                    # for a person to change, since existing records are never rewritten.
                    self.notes.append(f"{older}: set status to {self.superseded}; {newer.id} "
                                      f"(from {display(newer.given)}) supersedes it")
                if (older, newer) in edges:
                    plan.check.append(f"supersedes: {rel.text!r} and this record name each "
                                      "other; the link is left out")
                    continue
                if (newer, older) not in edges:
                    edges.append((newer, older))
        for newer, older in edges:
            newer.supersedes.append(older)
        _settle_statuses(self.plans, edges, self.statuses)

    @property
    def superseded(self) -> str:
        """The organisation's word for superseded ('superseded' or 'replaced', say)."""
        return " or ".join(self.statuses.named("superseded"))

    def status_name(self, plan: _Plan) -> str:
        """The record's status: the organisation's status the source named, while it still
        means what the record settled on, else the organisation's word for that."""
        named = plan.draft.status_name
        if named is not None and self.statuses.means(named) == plan.status:
            return named
        return self.statuses.word(plan.status)

    def assemble(self, plan: _Plan, draft: Draft, links: Sequence[tuple[str, str]],
                 guesses: Sequence[tuple[str, str]] = ()) -> ImportedRecord:
        listed = list(plan.guesses)
        for where, note in guesses:
            _add_guess(listed, where, note)
        if len(listed) > MAX_GUESSES:  # one guess for the rest, so that the record is valid
            rest = listed[MAX_GUESSES - 1:]
            listed[MAX_GUESSES - 1:] = [(rest[0][0], f"and {len(rest)} more fields with links "
                                                     "resolved by their file name alone")]
        return ImportedRecord(draft, plan.status, self.status_name(plan), plan.shown,
                              self.today, tuple(listed),
                              tuple(s if isinstance(s, str) else s.id for s in plan.supersedes),
                              tuple(links))

    def resolved(self, plan: _Plan) -> tuple[ImportedRecord, Resolver]:
        """The record with every link rewritten for its current id."""
        everything = self.everything()

        def record_for(path: Path) -> str | None:
            found = everything.get(path)
            return found if isinstance(found, str) or found is None else found.id

        def record_named(name: str) -> str | None:
            found = self.named(name)
            return found if isinstance(found, str) or found is None else found.id

        resolver = Resolver(plan.source, self.root_abs, plan.id, record_for, plan.folder,
                            record_named, self.source_url, plan.base)
        draft = plan.draft.rewritten(resolver.text)
        links: list[tuple[str, str]] = []
        for title, raw in [*plan.relation_links, *plan.draft.links]:
            url = resolver.link(raw)
            if url is not None and all(u != url for _, u in links):
                resolver.took(raw, f"links[{len(links)}].url")
                links.append((resolver.text(title, f"links[{len(links)}].title"), url))
        # a rewritten link can make a text longer than a record holds
        record, notes = fitted(self.assemble(plan, draft, links, resolver.guesses()))
        plan.check.extend(n for n in notes if n not in plan.check)
        return record, resolver

    def write(self, plan: _Plan) -> SourceOutcome:
        """Write one record (or, in a dry run, say what it would be) and copy its images."""
        base = SourceOutcome(plan.given, False, form=plan.draft.form, problem=True)
        try:
            record, resolver = self.resolved(plan)
            expected = validate_record(record.data(), self.statuses)
            text = render(record, plan)
            _verify(text, expected, self.statuses)
        except (ValidationError, ValueError, TypeError) as e:
            return replace(base, reason=f"internal error, nothing written ({e}); please "
                                        "report this")
        path = self.root / file_name(plan.number, plan.draft.slug)

        def renumbered(number: int) -> str:
            """The text under another number, when another writer took this one first."""
            nonlocal record, resolver, expected, text
            if number != plan.number:
                plan.number = number
                record, resolver = self.resolved(plan)
                expected = validate_record(record.data(), self.statuses)
                text = render(record, plan)
                self.notes.extend(f"{display(p.given)}: its record names an old id for "
                                  f"{display(plan.given)}; use {plan.id}" for p in self.plans
                                  if plan in p.supersedes and p.number < plan.number)
            return text

        check = list(plan.check)
        if not self.dry_run:
            try:
                path = create(self.root, plan.draft.slug, renumbered, plan.number,
                              above=lambda: max(p.number for p in self.plans))
            except OSError as e:
                path = self.root / file_name(plan.number, plan.draft.slug)
                return replace(base, reason=f"cannot write {display(path)}: {e.strerror or e}")
            loaded = load_record(path, self.statuses)
            if loaded.record != expected:
                path.unlink()  # ours, just written: leave nothing half-right behind
                why = loaded.findings[0].format() if loaded.findings else \
                    "the record read back differs"
                return replace(base, reason=f"internal error, nothing written ({why}); "
                                            "please report this")
            for image in resolver.images:
                try:
                    images.copy(image, self.repo)
                except NotCopied as e:
                    check.append(f"image {image.target}: not copied ({e}); the record shows "
                                 f"{display(image.dest)}, which is missing")
        todo = [*plan.draft.todo, *record.policy_todo().values()]
        return SourceOutcome(plan.given, True, record=path, form=plan.draft.form, todo=tuple(todo),
                             check=tuple(check), guesses=tuple(plan.guesses),
                             unresolved=tuple(resolver.unresolved), images=tuple(resolver.images),
                             not_copied=tuple(resolver.not_copied), text=text)


def run(paths: Sequence[Path], root: Path, *, team: str | None, today: dt.date,
        dry_run: bool, within: Path | None = None, source_url: str | None = None,
        statuses: Statuses = BUILT_IN) -> ImportResult:
    """Import the ADRs under `paths` into the decisions folder `root`. Images are copied
    only from inside `within`, or else from inside the folder each ADR was found in (the
    ADR's own folder when it was named). `source_url` is the web address of that folder
    (ending in /), for the links to files the site does not publish."""
    return Run(root, team=team, today=today, dry_run=dry_run, within=within,
               source_url=source_url, statuses=statuses)(paths)


def _shown(given: Path, source: Path, root_abs: Path) -> str:
    """The source for imported.source: from the repository root, or as given outside it."""
    repo = _repo(root_abs)
    if repo in source.parents:
        return source.relative_to(repo).as_posix()
    return given.as_posix()


_SOURCE = TypeAdapter(PathLine)


def _source_problem(shown: str) -> str | None:
    """Why a path cannot stand in imported.source (too long, a line break, a hidden
    character), in a line; None when it can."""
    try:
        _SOURCE.validate_python(shown)
    except ValidationError as e:
        return str(e.errors(include_url=False)[0]["msg"])
    return None


def _first_error(err: ValidationError) -> str:
    e = err.errors(include_url=False)[0]
    return f"{'.'.join(map(str, e['loc']))}: {e['msg']}"


def _within(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def _add_guess(guesses: list[tuple[str, str]], where: str, note: str) -> None:
    """The guess at the end, or after the note already there for that field."""
    for i, (f, old) in enumerate(guesses):
        if f == where:
            guesses[i] = (f, f"{old}; {note}")
            return
    guesses.append((where, note))


def _guess(plan: _Plan, path: str, note: str) -> None:
    for i, (f, old) in enumerate(plan.guesses):
        if f == path:
            plan.guesses[i] = (f, f"{old}; then {note}")
            return
    plan.guesses.insert(0, (path, note))


def _settle_statuses(plans: list[_Plan], edges: list[tuple[_Plan, _Plan | str]],
                     statuses: Statuses) -> None:
    """Superseded exactly when an imported record in force replaces it (as the rules want),
    by what each status means; the guess names the organisation's words."""
    changed = True
    while changed:  # a record made superseded is in force and can make another superseded
        changed = False
        for plan in plans:
            by = [n for n, o in edges if o is plan and n.status in IN_FORCE]
            if by and plan.status != "superseded":
                said = plan.draft.status_name or plan.status
                _guess(plan, "status", f"set to {statuses.word('superseded')}, since {by[0].id} "
                                       f"(from {display(by[0].given)}) replaces it (the source "
                                       f"says {said})")
                plan.status = "superseded"
                changed = True
    for plan in plans:
        if plan.status == "superseded" and not any(
                o is plan and n.status in IN_FORCE for n, o in edges):
            plan.status = "deprecated"
            _guess(plan, "status", "superseded in the source, but no imported record in force "
                                   f"replaces it; set to {statuses.word('deprecated')} until "
                                   "one lists it in supersedes")


def render(record: ImportedRecord, plan: _Plan) -> str:
    header = [SCHEMA_LINE.removeprefix("# "),
              f"{IMPORTED_FROM} {plan.shown} (read as {plan.draft.form}).",
              "Replace each TODO and check each entry under imported.guesses, then remove it;",
              "`decisions validate` lists both."]
    if plan.check:
        header.append("Also check:")
        header += [f"  - {c}" for c in plan.check]
    return dump(record.data(), header)


def _verify(text: str, expected: Record, statuses: Statuses) -> None:
    """The YAML reads back as the record meant; raises ValueError when it does not."""
    try:
        got = validate_record(parse(text), statuses)
    except (YamlProblem, ValidationError) as e:
        raise ValueError(str(e)) from None
    if got != expected:
        raise ValueError("the record read back differs")
