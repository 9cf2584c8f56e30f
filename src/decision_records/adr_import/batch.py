"""A whole import run: find the files, skip what is not new, number, link, check, write.

Records already in the decisions folder are never changed: each new record goes through
`write_new`, and what would need a change in an existing record is reported instead.
Every record is read back with the loader after writing and must equal what was meant.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from pydantic import ValidationError

from ..files import write_new
from ..findings import Loc, display
from ..loader import load_record
from ..model import IN_FORCE, RECORD_FILE, Record, Status
from ..newrecord import SCHEMA_LINE, next_number
from ..yamlfile import YamlProblem, parse
from .document import parse_document
from .emitter import dump
from .mapping import TODO_ON_CALL, Draft, NotAnAdr, map_document
from .vocabulary import SUPERSEDED_BY, SUPERSEDES, section_kind

IMPORTED_FROM = "Imported from"
MAX_BYTES = 1_000_000  # ADRs are a few kilobytes; a megabyte of Markdown is something else
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Characters other than these would break the `url` pattern or change meaning in a link.
_URL_SAFE = "/-._~!$&'()*+,;=:@"


class Skip(Exception):
    """A file that is not imported; `problem` when it could not be read (the run fails)."""

    def __init__(self, reason: str, problem: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem


@dataclass(frozen=True)
class Outcome:
    """What happened to one source file."""

    source: Path
    imported: bool
    reason: str = ""  # why it was skipped
    problem: bool = False  # it could not be read or written
    record: Path | None = None
    form: str = ""
    todo: tuple[str, ...] = ()
    check: tuple[str, ...] = ()
    text: str = ""  # the YAML written, or that a dry run would write

    @property
    def attention(self) -> bool:
        return bool(self.todo or self.check)


@dataclass
class Result:
    outcomes: list[Outcome]
    notes: list[str]  # changes to records already in decisions/, left to a person
    dry_run: bool

    @property
    def imported(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.imported]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.imported]

    @property
    def failed(self) -> bool:
        return any(o.problem for o in self.outcomes)


@dataclass(eq=False)
class _Plan:
    given: Path  # as the user named it, for messages
    source: Path  # resolved, to compare
    draft: Draft
    status: Status
    number: int = 0
    supersedes: list[_Plan | str] = field(default_factory=list)  # str: an existing record's id
    links: list[dict[str, str]] = field(default_factory=list)
    check: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.number:04d}-{self.draft.slug}"


@dataclass
class _Known:
    """What the decisions folder already holds."""

    by_source: dict[Path, str] = field(default_factory=dict)  # imported file -> record id
    by_title: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)


def find_sources(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and *.md under folders (recursively, sorted, hidden ones left out)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        files = _walk(path) if path.is_dir() else [path]
        for f in files:
            key = Path(os.path.realpath(f))  # never raises, even on a link loop
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for here, dirs, names in os.walk(folder):  # does not follow links: no loops
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(here, n) for n in sorted(names)
                     if n.lower().endswith(".md") and not n.startswith("."))
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
    text = re.sub("[\x85\u2028\u2029]", "\n", text)
    # Other control characters cannot be written to YAML and mean nothing in Markdown.
    text = re.sub("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]", "", text)
    if not text.strip():
        raise Skip("empty file")
    return text


def link_url(target: str, source: Path, root: Path) -> str | None:
    """A link target from the source file as a record link: http(s) and mailto as they are,
    relative paths made relative to the decisions folder; None for anchors and the rest."""
    target = target.strip()
    if re.match(r"^(https?://|mailto:)\S+$", target):
        return target
    if not target or target.startswith(("#", "/")) or _SCHEME.match(target):
        return None
    path, _, fragment = target.partition("#")
    url = _relative(Path(os.path.normpath(source.parent / unquote(path))), root)
    return url + ("#" + quote(fragment, safe=_URL_SAFE) if fragment else "")


def _relative(path: Path, root: Path) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows: only an absolute path will do
        return quote(path.as_posix(), safe=_URL_SAFE)
    url = quote(PurePosixPath(*Path(rel).parts).as_posix(), safe=_URL_SAFE)
    return url if url.startswith(".") else "./" + url


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _known(root: Path) -> _Known:
    known = _Known()
    for path in sorted(root.glob("*.yaml")):
        if not RECORD_FILE.match(path.name):
            continue
        record = load_record(path).record
        if record is None:  # `decisions validate` reports it; nothing to compare against
            continue
        rid = path.name[:-5]
        known.status[rid] = record.status
        known.by_title[(_title_key(record.title), record.date)] = rid
        for link in record.links:
            if link.title == IMPORTED_FROM and not _SCHEME.match(link.url):
                known.by_source[(root / unquote(link.url)).resolve()] = rid
    return known


def run(paths: Sequence[Path], root: Path, *, team: str | None, today: dt.date,
        dry_run: bool) -> Result:
    """Import the ADRs under `paths` into the decisions folder `root`."""
    root_abs = root.resolve()
    known = _known(root)
    slots: list[Outcome | _Plan] = []
    by_source: dict[Path, _Plan] = {}
    titles: dict[tuple[str, dt.date], Path] = {}
    for src in find_sources(paths):
        try:
            plan = _plan(src, root_abs, known, titles, team, today)
        except Skip as s:
            slots.append(Outcome(src, False, s.reason, s.problem))
            continue
        slots.append(plan)
        by_source[plan.source] = plan
    plans = [s for s in slots if isinstance(s, _Plan)]
    first = next_number(root)
    for i, plan in enumerate(plans):
        plan.number = first + i
    notes: list[str] = []
    _link(plans, by_source, known, notes)
    done: dict[int, Outcome] = {}
    for plan in plans:
        done[id(plan)] = _write(plan, plans, root, root_abs, dry_run, notes)
    outcomes = [done[id(s)] if isinstance(s, _Plan) else s for s in slots]
    return Result(outcomes, notes, dry_run)


def _plan(src: Path, root_abs: Path, known: _Known, titles: dict[tuple[str, dt.date], Path],
          team: str | None, today: dt.date) -> _Plan:
    source = src.resolve()
    if source in known.by_source:
        raise Skip(f"already imported as {known.by_source[source]}")
    text = read_source(src)
    try:
        doc = parse_document(text, lambda heading: section_kind(heading) is not None)
        draft = map_document(doc, file_name=src.name, team=team, today=today,
                             url_for=lambda target: link_url(target, source, root_abs))
    except NotAnAdr as e:
        raise Skip(str(e)) from None
    except Exception as e:  # one odd file must not stop a run of hundreds
        raise Skip(f"could not be read as an ADR ({type(e).__name__}: {e}); please report "
                   "this", problem=True) from None
    key = (_title_key(draft.title), draft.date)
    if key in known.by_title:
        raise Skip(f"already imported: {known.by_title[key]} has the same title and date")
    if key in titles:
        raise Skip(f"same title and date as {display(titles[key])}, imported in this run")
    titles[key] = src
    plan = _Plan(src, source, draft, draft.fields["status"])
    plan.links.append({"title": IMPORTED_FROM, "url": _relative(source, root_abs)})
    plan.links.extend(draft.links)
    plan.check.extend(draft.check)
    try:  # the fields alone, before numbering: a mapping bug must not cost a number
        Record.model_validate(_fields(plan))
    except ValidationError as e:
        raise Skip(f"could not be mapped to a valid record ({_first_error(e)}); please report "
                   "this", problem=True) from None
    return plan


def _first_error(err: ValidationError) -> str:
    e = err.errors(include_url=False)[0]
    return f"{'.'.join(map(str, e['loc']))}: {e['msg']}"


def _target(target: str, plan: _Plan, by_source: dict[Path, _Plan],
            known: _Known) -> _Plan | str | None:
    """The record a link points at: one imported now (a plan) or earlier (its id)."""
    path = unquote(target.split("#", 1)[0])
    if not path or _SCHEME.match(path):
        return None
    base = plan.source.parent
    for candidate in (path, path + ".md"):
        where = Path(os.path.realpath(base / candidate.lstrip("/") if not
                                      candidate.startswith("/") else candidate))
        if where in by_source:
            return by_source[where]
        if where in known.by_source:
            return known.by_source[where]
    # log4brains and others link pages by name, without the folder or the .md
    stem = PurePosixPath(path).name.removesuffix(".md")
    matches: list[_Plan | str] = [p for p in by_source.values() if p.source.stem == stem]
    matches += [rid for src, rid in known.by_source.items() if src.stem == stem]
    return matches[0] if len(matches) == 1 else None


def _link(plans: list[_Plan], by_source: dict[Path, _Plan], known: _Known,
          notes: list[str]) -> None:
    """Supersession links -> `supersedes` ids, other links -> `links`, statuses made to agree
    with the rules (superseded exactly when a record in force replaces it)."""
    edges: list[tuple[_Plan, _Plan | str]] = []
    for plan in plans:
        for rel in plan.draft.relations:
            if rel.kind not in (SUPERSEDES, SUPERSEDED_BY):
                continue  # already a link
            target = _target(rel.target, plan, by_source, known)
            as_link = {"title": f"{rel.verb} {rel.text}", "url": rel.url or ""}
            if target is None or target is plan:
                if rel.url:
                    plan.links.append(as_link)
                plan.check.append(f"{rel.verb.lower()} {rel.text!r}: not among the imported "
                                  "records; kept as a link")
                continue
            if rel.kind == SUPERSEDED_BY and isinstance(target, str):
                if rel.url:
                    plan.links.append(as_link)
                notes.append(f"{target}: add {plan.id} (from {display(plan.given)}) to its "
                             "supersedes, then set that record's status to superseded")
                continue
            newer, older = (plan, target) if rel.kind == SUPERSEDES else (target, plan)
            assert isinstance(newer, _Plan)
            if isinstance(older, str) and known.status.get(older) != "superseded" \
                    and newer.status in IN_FORCE and (newer, older) not in edges:
                # Listed all the same (it is what the ADR says); the old record's status is
                # for a person to change, since existing records are never rewritten.
                notes.append(f"{older}: set status to superseded; {newer.id} (from "
                             f"{display(newer.given)}) supersedes it")
            if (older, newer) in edges:
                plan.check.append(f"supersedes: {rel.text!r} and this record name each other; "
                                  "the link is left out")
                continue
            if (newer, older) not in edges:
                edges.append((newer, older))
    for newer, older in edges:
        newer.supersedes.append(older)
    _settle_statuses(plans, edges)


def _settle_statuses(plans: list[_Plan], edges: list[tuple[_Plan, _Plan | str]]) -> None:
    changed = True
    while changed:  # a record made superseded is in force and can make another superseded
        changed = False
        for plan in plans:
            by = [n for n, o in edges if o is plan and n.status in IN_FORCE]
            if by and plan.status != "superseded":
                plan.check.append(f"status: set to superseded, since {by[0].id} replaces it "
                                  f"(the source says {plan.status})")
                plan.status = "superseded"
                changed = True
    for plan in plans:
        if plan.status == "superseded" and not any(
                o is plan and n.status in IN_FORCE for n, o in edges):
            plan.status = "deprecated"
            plan.check.append("status: superseded in the source, but no imported record in force "
                              "replaces it; set to deprecated until one lists it in supersedes")


def _fields(plan: _Plan) -> dict[str, Any]:
    fields = dict(plan.draft.fields)
    fields["status"] = plan.status
    if plan.status == "accepted":
        # The operate-what-you-own policy asks an accepted adopt or build choice (and every
        # option is `adopt` until someone checks) to name who is paged.
        fields["on_call"] = TODO_ON_CALL
    if plan.supersedes:
        fields["supersedes"] = [s if isinstance(s, str) else s.id for s in plan.supersedes]
    fields["links"] = plan.links
    return fields


def render(plan: _Plan, root_abs: Path) -> str:
    try:
        shown = Path(os.path.relpath(plan.source, root_abs.parent)).as_posix()
    except ValueError:
        shown = plan.source.as_posix()
    header = [SCHEMA_LINE.removeprefix("# "), f"{IMPORTED_FROM} {shown}",
              f"Read as {plan.draft.form}. Replace each TODO (`decisions validate` lists them)",
              "and check:"]
    header += [f"  - {c}" for c in plan.check]
    fields = _fields(plan)
    guess = "guessed on import: buy, adopt or build?"
    comments: dict[Loc, str] = {("options", i, "approach"): guess
                                for i in range(len(fields["options"]))}
    return dump(fields, header, comments)


def _verify(text: str, expected: Record) -> None:
    """The YAML reads back as the record meant; raises ValueError when it does not."""
    try:
        got = Record.model_validate(parse(text))
    except (YamlProblem, ValidationError) as e:
        raise ValueError(str(e)) from None
    if got != expected:
        raise ValueError("the record read back differs")


def _write(plan: _Plan, plans: list[_Plan], root: Path, root_abs: Path, dry_run: bool,
           notes: list[str]) -> Outcome:
    base = Outcome(plan.given, False, form=plan.draft.form, problem=True)
    try:
        expected = Record.model_validate(_fields(plan))
        text = render(plan, root_abs)
        _verify(text, expected)
    except (ValidationError, ValueError, TypeError) as e:
        return replace(base, reason=f"internal error, nothing written ({e}); please report this")
    path = root / f"{plan.id}.yaml"
    while not dry_run:
        try:
            write_new(path, text)
            break
        except FileExistsError:  # another writer took the number since we looked
            plan.number = max(next_number(root), max(p.number for p in plans) + 1)
            path = root / f"{plan.id}.yaml"
            text = render(plan, root_abs)
            notes.extend(f"{display(p.given)}: its record names an old id for "
                         f"{display(plan.given)}; use {plan.id}" for p in plans
                         if plan in p.supersedes and p.number < plan.number)
        except OSError as e:
            return replace(base, reason=f"cannot write {display(path)}: {e.strerror or e}")
    if not dry_run:
        loaded = load_record(path)
        record, problems = loaded.record, loaded.findings
        if record != expected:
            path.unlink()  # ours, just written: leave nothing half-right behind
            why = problems[0].format() if problems else "the record read back differs"
            return replace(base, reason=f"internal error, nothing written ({why}); "
                                         "please report this")
    todo = [*plan.draft.todo, *(["on_call (who is paged when it breaks)"]
                                if plan.status == "accepted" else [])]
    return Outcome(plan.given, True, record=path, form=plan.draft.form, todo=tuple(todo),
                   check=tuple(plan.check), text=text)

