"""A whole import run: find the files, skip what is not new, number, link, check, write.

Records already in the decisions folder are never changed: each new record goes through
`write_new`, and what would need a change in an existing record is reported instead.
Every record is read back with the loader after writing and must equal what was meant.
Every file found gets an outcome, so the summary can say what happened to each one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pydantic import ValidationError

from ..files import write_new
from ..findings import display
from ..loader import load_record
from ..model import IN_FORCE, LIVE, MAX_TEXT, RECORD_FILE, Record, Status
from ..newrecord import SCHEMA_LINE, next_number
from ..yamlfile import YamlProblem, parse
from . import images
from .document import parse_document
from .emitter import dump
from .images import Image, NotCopied
from .limits import cut, fit
from .links import MARKDOWN_SUFFIXES, SCHEME, Resolver, Unresolved
from .mapping import (
    TODO_EXIT_PLAN,
    TODO_ON_CALL,
    TODO_WHY_NOT_BUY,
    Draft,
    NotAnAdr,
    map_document,
    raw_draft,
)
from .vocabulary import SUPERSEDED_BY, SUPERSEDES, section_kind, template_name

IMPORTED_FROM = "Imported from"  # the link older imports left; still recognised
MAX_BYTES = 1_000_000  # ADRs are a few kilobytes; a megabyte of Markdown is something else
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")


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
        return f"{self.number:04d}-{self.draft.slug}"


@dataclass
class _Known:
    """What the decisions folder already holds."""

    by_source: dict[Path, str] = field(default_factory=dict)  # imported file -> record id
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


def link_url(target: str, source: Path, root: Path) -> str | None:
    """A link target from the source file as a link from the decisions folder: http(s) and
    mailto as they are, relative paths made relative to the decisions folder; None for
    anchors and the rest."""
    resolver = Resolver(source, root, "", lambda _: None)
    return resolver.link(target) if not target.strip().startswith("/") else None


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _repo(root_abs: Path) -> Path:
    """The repository root: the folder that holds the decisions folder."""
    return root_abs.parent


def _source_paths(text: str, root_abs: Path) -> list[Path]:
    """Where an `imported.source` may point: from the repository root, or as given."""
    path = Path(unquote(text))
    if path.is_absolute():
        return [Path(os.path.realpath(path))]
    return [Path(os.path.realpath(_repo(root_abs) / path)), Path(os.path.realpath(path))]


def _known(root: Path, root_abs: Path) -> _Known:
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
        if record.imported is not None:
            for where in _source_paths(record.imported.source, root_abs):
                known.by_source.setdefault(where, rid)
        for link in record.links:
            if link.title == IMPORTED_FROM and not SCHEME.match(link.url):
                known.by_source.setdefault(Path(os.path.realpath(root / unquote(link.url))),
                                           rid)
    return known


def run(paths: Sequence[Path], root: Path, *, team: str | None, today: dt.date,
        dry_run: bool, within: Path | None = None) -> Result:
    """Import the ADRs under `paths` into the decisions folder `root`. Images are copied
    only from inside `within`, or else from inside the folder each ADR was found in (the
    ADR's own folder when it was named)."""
    root_abs = Path(os.path.realpath(root))
    known = _known(root, root_abs)
    slots: list[Outcome | _Plan] = []
    by_source: dict[Path, _Plan] = {}
    titles: dict[tuple[str, dt.date], Path] = {}
    for src in find_sources(paths):
        try:
            plan = _plan(src, root_abs, known, titles, team, today, within)
        except Skip as s:
            slots.append(Outcome(src.path, False, s.reason, s.problem))
            continue
        slots.append(plan)
        by_source[plan.source] = plan
    plans = [s for s in slots if isinstance(s, _Plan)]
    first = next_number(root)
    for i, plan in enumerate(plans):
        plan.number = first + i
    notes: list[str] = []
    _link(plans, by_source, known, notes, root_abs)
    done: dict[int, Outcome] = {}
    for plan in plans:
        done[id(plan)] = _write(plan, plans, by_source, known, root, root_abs, today, dry_run,
                                notes)
    outcomes = [done[id(s)] if isinstance(s, _Plan) else s for s in slots]
    return Result(outcomes, notes, dry_run)


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


def _plan(src: Source, root_abs: Path, known: _Known, titles: dict[tuple[str, dt.date], Path],
          team: str | None, today: dt.date, within: Path | None) -> _Plan:
    kind = _classify(src)
    source = Path(os.path.realpath(src.path))
    folder = Path(os.path.realpath(within or src.folder or source.parent))
    if source in known.by_source:
        raise Skip(f"already imported as {known.by_source[source]}")
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
        draft = map_document(doc, file_name=name, team=team, today=today)
    except NotAnAdr as e:
        if kind == "bare":
            raise Skip(f"no file extension, and {e}") from None
        raise Skip(str(e)) from None
    except Exception as e:  # one odd file must not stop a run of hundreds, nor be dropped
        draft = raw_draft(text, file_name=name, team=team, today=today,
                          why=f"{type(e).__name__}: {e}; please report this")
    key = (_title_key(draft.title), draft.date)
    if key in known.by_title:
        raise Skip(f"already imported: {known.by_title[key]} has the same title and date")
    if key in titles:
        raise Skip(f"same title and date as {display(titles[key])}, imported in this run")
    plan = _Plan(src.path, source, folder, _shown(src.path, source, root_abs), draft,
                 draft.fields["status"])
    plan.check.extend(draft.check)
    plan.check.extend(fit(draft.fields))
    plan.guesses.extend(draft.guesses)
    try:  # the fields alone, before numbering: a mapping bug must not cost a number
        Record.model_validate(_plain_fields(plan, today))
    except ValidationError as e:
        draft = raw_draft(text, file_name=name, team=team, today=today,
                          why=f"{_first_error(e)}; please report this")
        plan = _Plan(src.path, source, folder, plan.shown, draft, draft.fields["status"],
                     check=list(draft.check), guesses=list(draft.guesses))
    titles[key] = src.path
    return plan


def _shown(given: Path, source: Path, root_abs: Path) -> str:
    """The source for imported.source: from the repository root, or as given outside it."""
    repo = _repo(root_abs)
    if repo in source.parents:
        return source.relative_to(repo).as_posix()
    return given.as_posix()


def _first_error(err: ValidationError) -> str:
    e = err.errors(include_url=False)[0]
    return f"{'.'.join(map(str, e['loc']))}: {e['msg']}"


def _lookup(by_source: dict[Path, _Plan], known: _Known) -> dict[Path, _Plan | str]:
    found: dict[Path, _Plan | str] = dict(known.by_source)
    found.update(by_source)
    return found


def _target(target: str, plan: _Plan, by_source: dict[Path, _Plan],
            known: _Known) -> _Plan | str | None:
    """The record a link points at: one imported now (a plan) or earlier (its id)."""
    path = unquote(target.split("#", 1)[0])
    if not path or SCHEME.match(path) or "\x00" in path:  # NUL: no file has such a name
        return None
    everything = _lookup(by_source, known)
    base = plan.source.parent
    for candidate in (path, path + ".md"):
        where = Path(os.path.realpath(base / candidate.lstrip("/") if not
                                      candidate.startswith("/") else candidate))
        if where in everything:
            return everything[where]
    # log4brains and others link pages by name, without the folder or the .md
    stem = Path(path).name.removesuffix(".md")
    matches = [p for src, p in everything.items() if src.stem == stem]
    unique = list({id(m): m for m in matches}.values())
    return unique[0] if len(unique) == 1 else None


def _link(plans: list[_Plan], by_source: dict[Path, _Plan], known: _Known,
          notes: list[str], root_abs: Path) -> None:
    """Supersession links -> `supersedes` ids, other relations -> `links`, statuses made to
    agree with the rules (superseded exactly when a record in force replaces it)."""
    edges: list[tuple[_Plan, _Plan | str]] = []
    for plan in plans:
        for rel in plan.draft.relations:
            title = f"{rel.verb} {rel.text}"
            if rel.kind not in (SUPERSEDES, SUPERSEDED_BY):
                plan.relation_links.append((title, rel.target))
                continue
            target = _target(rel.target, plan, by_source, known)
            if target is None or target is plan:
                plan.relation_links.append((title, rel.target))
                plan.check.append(f"{rel.verb.lower()} {rel.text!r}: not among the imported "
                                  "records; kept as a link")
                continue
            if rel.kind == SUPERSEDED_BY and isinstance(target, str):
                plan.relation_links.append((title, rel.target))
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


def _guess(plan: _Plan, path: str, note: str) -> None:
    for i, (f, old) in enumerate(plan.guesses):
        if f == path:
            plan.guesses[i] = (f, f"{old}; then {note}")
            return
    plan.guesses.insert(0, (path, note))


def _settle_statuses(plans: list[_Plan], edges: list[tuple[_Plan, _Plan | str]]) -> None:
    changed = True
    while changed:  # a record made superseded is in force and can make another superseded
        changed = False
        for plan in plans:
            by = [n for n, o in edges if o is plan and n.status in IN_FORCE]
            if by and plan.status != "superseded":
                _guess(plan, "status", f"set to superseded, since {by[0].id} (from "
                                       f"{display(by[0].given)}) replaces it (the source says "
                                       f"{plan.status})")
                plan.status = "superseded"
                changed = True
    for plan in plans:
        if plan.status == "superseded" and not any(
                o is plan and n.status in IN_FORCE for n, o in edges):
            plan.status = "deprecated"
            _guess(plan, "status", "superseded in the source, but no imported record in force "
                                   "replaces it; set to deprecated until one lists it in "
                                   "supersedes")


def _plain_fields(plan: _Plan, today: dt.date) -> dict[str, Any]:
    """The fields with links as written, to check the mapping before numbers are given."""
    return _assemble(plan, dict(plan.draft.fields), [], today)


def _assemble(plan: _Plan, fields: dict[str, Any], links: list[dict[str, str]],
              today: dt.date) -> dict[str, Any]:
    fields["status"] = plan.status
    todo = _policy_todo(plan, fields)
    if "on_call" in todo:
        fields["on_call"] = TODO_ON_CALL
    if "decision.why_not_buy" in todo or "decision.exit_plan" in todo:
        fields["decision"] = dict(fields["decision"])
        if "decision.why_not_buy" in todo:
            fields["decision"]["why_not_buy"] = TODO_WHY_NOT_BUY
        if "decision.exit_plan" in todo:
            fields["decision"]["exit_plan"] = TODO_EXIT_PLAN
    if plan.supersedes:
        fields["supersedes"] = [s if isinstance(s, str) else s.id for s in plan.supersedes]
    if links:
        fields["links"] = links
    fields["imported"] = {
        "source": plan.shown, "date": today,
        "guesses": [{"field": f, "note": cut(n, MAX_TEXT)} for f, n in plan.guesses],
    }
    if not plan.guesses:
        del fields["imported"]["guesses"]
    return fields


def _policy_todo(plan: _Plan, fields: dict[str, Any]) -> dict[str, str]:
    """What the policies ask of the record as imported, which no ADR says: who is paged for
    what we run (accepted adopt or build), how we would leave a vendor (accepted buy), why
    nothing could be bought (a live build). Field -> what to say in the summary."""
    chosen = next((o for o in fields["options"] if o["name"] == fields["decision"]["chosen"]),
                  None)
    approach = chosen["approach"] if chosen else None
    todo: dict[str, str] = {}
    if plan.status == "accepted" and approach in ("adopt", "build"):
        todo["on_call"] = "on_call (who is paged when it breaks)"
    if plan.status in LIVE and approach == "build":
        todo["decision.why_not_buy"] = "decision.why_not_buy (why no product would do)"
    if plan.status == "accepted" and approach == "buy":
        todo["decision.exit_plan"] = "decision.exit_plan (how we would leave the vendor)"
    return todo


def _resolved(plan: _Plan, by_source: dict[Path, _Plan], known: _Known, root_abs: Path,
              today: dt.date) -> tuple[dict[str, Any], Resolver]:
    """The fields with every link rewritten for the record's current id."""
    everything = _lookup(by_source, known)

    def record_for(path: Path) -> str | None:
        found = everything.get(path)
        return found if isinstance(found, str) or found is None else found.id

    resolver = Resolver(plan.source, root_abs, plan.id, record_for, plan.folder)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return resolver.text(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    fields = walk(dict(plan.draft.fields))
    links: list[dict[str, str]] = []
    for title, raw in [*plan.relation_links, *plan.draft.links]:
        url = resolver.link(raw)
        if url is not None and all(link["url"] != url for link in links):
            links.append({"title": resolver.text(title), "url": url})
    assembled = _assemble(plan, fields, links, today)
    # a rewritten link can make a text longer than a record holds
    plan.check.extend(n for n in fit(assembled) if n not in plan.check)
    return assembled, resolver


def render(fields: dict[str, Any], plan: _Plan) -> str:
    header = [SCHEMA_LINE.removeprefix("# "),
              f"{IMPORTED_FROM} {plan.shown} (read as {plan.draft.form}).",
              "Replace each TODO and check each entry under imported.guesses, then remove it;",
              "`decisions validate` lists both."]
    if plan.check:
        header.append("Also check:")
        header += [f"  - {c}" for c in plan.check]
    return dump(fields, header)


def _verify(text: str, expected: Record) -> None:
    """The YAML reads back as the record meant; raises ValueError when it does not."""
    try:
        got = Record.model_validate(parse(text))
    except (YamlProblem, ValidationError) as e:
        raise ValueError(str(e)) from None
    if got != expected:
        raise ValueError("the record read back differs")


def _write(plan: _Plan, plans: list[_Plan], by_source: dict[Path, _Plan], known: _Known,
           root: Path, root_abs: Path, today: dt.date, dry_run: bool,
           notes: list[str]) -> Outcome:
    base = Outcome(plan.given, False, form=plan.draft.form, problem=True)
    try:
        fields, resolver = _resolved(plan, by_source, known, root_abs, today)
        expected = Record.model_validate(fields)
        text = render(fields, plan)
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
            fields, resolver = _resolved(plan, by_source, known, root_abs, today)
            expected = Record.model_validate(fields)
            text = render(fields, plan)
            notes.extend(f"{display(p.given)}: its record names an old id for "
                         f"{display(plan.given)}; use {plan.id}" for p in plans
                         if plan in p.supersedes and p.number < plan.number)
        except OSError as e:
            return replace(base, reason=f"cannot write {display(path)}: {e.strerror or e}")
    check = list(plan.check)
    if not dry_run:
        loaded = load_record(path)
        record, problems = loaded.record, loaded.findings
        if record != expected:
            path.unlink()  # ours, just written: leave nothing half-right behind
            why = problems[0].format() if problems else "the record read back differs"
            return replace(base, reason=f"internal error, nothing written ({why}); "
                                         "please report this")
        for image in resolver.images:
            try:
                images.copy(image, _repo(root_abs))
            except NotCopied as e:
                check.append(f"image {image.target}: not copied ({e}); the record shows "
                             f"{display(image.dest)}, which is missing")
    todo = [*plan.draft.todo, *_policy_todo(plan, fields).values()]
    return Outcome(plan.given, True, record=path, form=plan.draft.form, todo=tuple(todo),
                   check=tuple(check), guesses=tuple(plan.guesses),
                   unresolved=tuple(resolver.unresolved), images=tuple(resolver.images),
                   not_copied=tuple(resolver.not_copied),
                   text=text)
