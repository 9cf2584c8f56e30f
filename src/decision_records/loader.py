"""Files in decisions/ -> validated models and findings, in one pass."""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import refs, rules
from .chars import SUSPECT_IN_FILE
from .config import Config
from .coverage.scan import COLLECTED as COVERAGE_FOLDER
from .coverage.snapshot import SNAPSHOT as COVERAGE_SNAPSHOT
from .errors import DecisionsError
from .findings import Finding, Loc, display, field_path
from .markup import within
from .model import (
    MAX_MARKDOWN,
    MAX_TEXT,
    RECORD_FILE,
    UNION_TAGS,
    Entry,
    Record,
    Statuses,
    validate_record,
)
from .records import Decisions
from .settings.statuses import not_offered
from .settings.statuses import problems as status_problems
from .signals.snapshot import Snapshot, SnapshotError, load_snapshot
from .yamlfile import MAX_BYTES, Locator, YamlProblem, load, parse, read_text

CONFIG_NAME = "config.yaml"
SIGNALS_NAME = "signals.json"
# decisions/coverage.json and decisions/coverage/ belong to `decisions coverage`
KNOWN_FILES = {CONFIG_NAME, SIGNALS_NAME, COVERAGE_SNAPSHOT, COVERAGE_FOLDER}
RECORD_MAX_BYTES = MAX_BYTES


def today() -> dt.date:
    """Today, or DECISIONS_TODAY (YYYY-MM-DD) for reproducible builds and tests."""
    pinned = os.environ.get("DECISIONS_TODAY")
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise ValueError(f"DECISIONS_TODAY={pinned!r} is not a YYYY-MM-DD date") from None


class ConfigError(DecisionsError):
    """decisions/config.yaml cannot be used; carries the findings."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(f.format() for f in findings))
        self.findings = findings


# Beyond this many problems in one file the rest are counted, not listed: a file of a
# thousand broken items needs fixing at its first few, not a thousand lines of output.
MAX_FINDINGS_PER_FILE = 50


def _pydantic_findings(path: Path, err: ValidationError, rule: str = "schema") -> list[Finding]:
    locator = Locator(path)
    out = []
    errors = err.errors(include_url=False)
    for e in errors[:MAX_FINDINGS_PER_FILE]:
        loc: Loc = untagged(tuple(e["loc"]))
        kind = e["type"]
        target, at_key = loc, False
        if kind == "missing":
            message = f"missing required field '{loc[-1]}'"
            target = loc[:-1]
        elif kind == "extra_forbidden":
            message = f"unknown field '{_clip(str(loc[-1]))}'" + _suggest(loc, err)
            at_key = True
        elif kind == "string_pattern_mismatch":
            message = _pattern_hint(loc, e.get("input"))
        elif kind == "string_type" and isinstance(e.get("input"), bool):
            message = (f"expected text, but YAML reads this as {str(e['input']).lower()} "
                       "(yes, no, on, off, true and false are booleans); put it in quotes")
        elif kind in ("one_line", "number_bool", "driver_form", "status", "colour",
                      "colour_comment"):  # the message says it all
            message = e["msg"]
        elif kind == "too_long":
            message = _too_many(loc, e.get("ctx") or {})
        elif kind == "string_too_long":
            message = _too_long(e.get("ctx") or {}, e.get("input"), record=rule == "schema")
        else:
            message = e["msg"]
            value = e.get("input")
            if isinstance(value, dt.date):
                message += f" (got {value.isoformat()})"
            elif "input" in e and not isinstance(value, dict | list):
                message += f" (got {_shown(value)})"
        line, col = locator.position(target, key=at_key)
        out.append(Finding(display(path), line, col, "error", rule, message, field_path(loc)))
    if len(errors) > MAX_FINDINGS_PER_FILE:
        rest = len(errors) - MAX_FINDINGS_PER_FILE
        out.append(Finding(display(path), 1, 1, "error", rule,
                           f"{rest:,} more problems in this file are not listed; fix the "
                           f"{MAX_FINDINGS_PER_FILE} listed and run again"))
    return out


def untagged(loc: Loc) -> Loc:
    """The location without the name of the form a driver was read as ('drivers', 0,
    'weighted', 'weight' -> 'drivers', 0, 'weight'): it is no field of the file."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if (part in UNION_TAGS and i >= 2 and loc[i - 2] == "drivers"
                and isinstance(loc[i - 1], int)):
            continue
        out.append(part)
    return tuple(out)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _shown(value: object) -> str:
    """repr of a value for a message, cut short: a value can be a megabyte long."""
    return _clip(repr(value), 80)


_ITEMS = {  # a list field -> what its items are, for "at most 20 tags"
    "consulted": "people consulted", "good": "benefits", "bad": "costs and risks",
    "supersedes": "superseded records",
}
_FEWER = {  # a list field -> how to make do with fewer
    "tags": "keep the few that help people find the record",
    "options": "keep the serious contenders, or split the decision into several records",
    "supersedes": "a record replaces a few earlier ones; name the rest in those records",
}


def _too_many(loc: Loc, ctx: dict[str, Any]) -> str:
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "items")
    what = _ITEMS.get(name, name.replace("_", " "))
    advice = _FEWER.get(name, "keep the ones that matter most")
    return f"at most {ctx.get('max_length')} {what}, not {ctx.get('actual_length', 0):,}; {advice}"


def _too_long(ctx: dict[str, Any], value: object, record: bool) -> str:
    limit = int(ctx.get("max_length", 0))
    got = f", not {len(value):,}" if isinstance(value, str) else ""
    advice = ("shorten it" if not record else
              "link to long documents in `links`" if limit >= MAX_MARKDOWN else
              "shorten it; the detail belongs in the Markdown fields such as context"
              if limit < MAX_TEXT else "shorten it, or move the detail to context or rationale")
    return f"at most {limit:,} characters{got}; {advice}"


def _suggest(loc: Loc, err: ValidationError) -> str:
    """'; did you mean 'rationale'?' for a misspelt field name."""
    # find the model that owns the field by walking the record model's annotations
    cls: Any = Record if err.title == "Record" else Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = cls.model_fields.get(part)
        inner = _model_in(info.annotation) if info else None
        if inner is None:
            return ""
        cls = inner
    close = difflib.get_close_matches(str(loc[-1]), list(cls.model_fields), n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known fields: {', '.join(cls.model_fields)}"


def _model_in(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack.extend(getattr(t, "__args__", ()))
    return None


def _pattern_hint(loc: Loc, value: object) -> str:
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    hints = {
        "packages": f"a package reference is {refs.FORMS}",
        "supersedes": "a record id is the file name without .yaml, e.g. '0003-buy-paging'",
        "team": "a team name is lowercase words joined by '-', e.g. 'platform'",
        "category": "a category is lowercase words joined by '-', e.g. 'feature-flags'",
        "tags": "a tag is lowercase words joined by '-', e.g. 'on-call'",
        "name": "a team name is lowercase words joined by '-', e.g. 'platform'",
        "url": "a link is an http(s) URL or a site path",
        "categories": "a category is lowercase words joined by '-', e.g. 'feature-flags'",
    }
    if "statuses" in loc:
        hints["name"] = "a status is lowercase words joined by '-', e.g. 'in-review'"
    return f"{_shown(value)} is not valid: {hints.get(name, 'wrong format')}"


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not os.path.lexists(path):  # a link to nowhere is refused, not taken for no file
        return Config()
    try:
        data = load(path, ("config.yaml", "it holds settings only, a few kilobytes"))
    except YamlProblem as p:
        if p.rule == "empty":  # only comments: every setting takes its default
            return Config()
        raise ConfigError(
            [Finding(display(path), p.line, p.col, "error", p.rule, p.message)]) from None
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_pydantic_findings(path, err, rule="config")) from None
    unknown = [r for r in config.rules if r not in rules.RULES]
    locator = Locator(path)
    found = [
        Finding(display(path), *locator.position(("rules", r), key=True), "error", "config",
                f"unknown rule '{r}'; known rules: {', '.join(sorted(rules.RULES))}",
                f"rules.{r}")
        for r in unknown
    ] + [Finding(display(path), *locator.position(loc), "error", "config", message,
                 field_path(loc))
         for loc, message in status_problems(config.statuses)]
    if found:
        raise ConfigError(found)
    return config


@dataclass(frozen=True)
class Loaded:
    record: Record | None
    findings: list[Finding]
    placeholders: bool = False  # the text holds a TODO
    size: int = 0
    hidden: bool = False  # the text holds a hidden character, or an escape that can make one
    markup: bool = False  # some value may go over a Markdown limit (an escape can make one)
    status: str | None = None  # a status that is not offered, which the record uses


def load_record(path: Path, statuses: Statuses | None = None) -> Loaded:
    """One record file, its status checked against `statuses` (default: the built-in)."""
    try:
        text = read_text(path)
        data = parse(text)
    except YamlProblem as p:
        return Loaded(None, [Finding(display(path), p.line, p.col, "error", p.rule, p.message)])
    placeholders = "TODO" in text or "todo" in text
    hidden = SUSPECT_IN_FILE.search(text) is not None
    markup = "\\" in text or not within(text)
    try:
        record = validate_record(data) if statuses is None else validate_record(data, statuses)
        return Loaded(record, [], placeholders, len(text), hidden, markup)
    except ValidationError as err:
        status = next((e["input"] for e in err.errors(include_url=False)
                       if e["type"] == "status" and isinstance(e.get("input"), str)), None)
        return Loaded(None, _pydantic_findings(path, err), placeholders, len(text), hidden,
                      markup, status)


def record_files(root: Path) -> tuple[list[Path], list[Path]]:
    """(record-like files, stray files) in a decisions folder, sorted by name.

    A name like a record's is a record, whatever it is: reading it reports a link, a pipe
    or a folder (rule file-type). Other special files are stray; none is opened here.
    """
    records, stray = [], []
    for p in sorted(root.iterdir()):
        if p.name.startswith(".") or p.name in KNOWN_FILES:
            continue
        if (_regular(p) and p.suffix in (".yaml", ".yml")) or RECORD_FILE.match(p.name):
            records.append(p)
        else:
            stray.append(p)
    return records, stray


def _regular(path: Path) -> bool:
    """A regular file, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _as_named(path: Path) -> str:
    """The path with its folder resolved but not its last part, which may be a link."""
    return display(path.absolute().parent.resolve() / path.name)


class RecordCache:
    """Records read before, kept by their file's identity: a rebuild under `mkdocs serve`
    reads again only the files that changed."""

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[tuple[int, int, int, int], Loaded]] = {}
        self._statuses: Statuses | None = None  # what the kept records were checked against

    def load(self, path: Path, statuses: Statuses | None = None) -> Loaded:
        if statuses != self._statuses:  # config.yaml changed what the statuses mean
            self._kept.clear()
            self._statuses = statuses
        try:
            st = os.lstat(path)
        except OSError:
            return load_record(path, statuses)
        key = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_mode)
        kept = self._kept.get(path)
        if kept is not None and kept[0] == key:
            return kept[1]
        loaded = load_record(path, statuses)
        self._kept[path] = (key, loaded)
        return loaded

    def keep_only(self, paths: Iterable[Path]) -> None:
        wanted = set(paths)
        for path in [p for p in self._kept if p not in wanted]:
            del self._kept[path]


MAX_NAMED = 10  # records named in one finding; the rest are counted


def _statuses_in_use(root: Path, config: Config,
                     not_listed: dict[str, list[Finding]]) -> list[Finding]:
    """A status records use that config.yaml does not offer: renamed or removed there (or
    mistyped in the records, which their own findings say), one finding at the place in
    config.yaml that takes it out of use, naming the records."""
    path = root / CONFIG_NAME
    locator = Locator(path)
    out = []
    for name, places in sorted(not_listed.items()):
        loc, why = not_offered(config.statuses, name)
        where = [f"{f.path}:{f.line}:{f.col}" for f in places]
        shown = ", ".join(where[:MAX_NAMED])
        if len(where) > MAX_NAMED:
            shown += f" and {len(where) - MAX_NAMED:,} more"
        records = "1 record uses it" if len(where) == 1 else f"{len(where):,} records use it"
        out.append(Finding(display(path), *locator.position(loc), "error", "config",
                           f"status '{_clip(name)}' is not offered here but {records} "
                           f"({shown}): {why}", field_path(loc)))
    return out


def load_decisions(
    root: Path, today: dt.date | None = None, only: Iterable[Path] | None = None,
    config: Config | None = None, cache: RecordCache | None = None,
) -> Decisions:
    """Load and check every record under root. Raises ConfigError for an unusable config.

    `only` limits the reported findings to those files (and cross-record findings naming
    them); every record is still loaded, since the cross-record checks need them all.
    `config` replaces config.yaml (the site's preview uses the defaults when it is broken).
    """
    # Loading keeps every record alive and creates no reference cycles, so the cycle
    # collector would only rescan a growing heap: a fifth of the time at 10,000 records.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(root, today, only, config, cache)
    finally:
        if enabled:
            gc.enable()


def _load(root: Path, today: dt.date | None, only: Iterable[Path] | None,
          config: Config | None, cache: RecordCache | None) -> Decisions:
    config = config or load_config(root)
    findings: list[Finding] = []
    try:
        snapshot = load_snapshot(root)
    except SnapshotError as e:
        snapshot = Snapshot()
        findings.append(e.finding())
    files, stray = record_files(root)
    if cache is not None:
        cache.keep_only(files)
    entries: list[Entry] = []
    misnamed: list[Path] = []
    failed: list[Path] = []
    statuses = config.status_table
    not_listed: dict[str, list[Finding]] = {}
    for path in files:
        m = RECORD_FILE.match(path.name)
        loaded = cache.load(path, statuses) if cache is not None else load_record(path, statuses)
        findings.extend(loaded.findings)
        if loaded.status is not None:
            not_listed.setdefault(loaded.status, []).extend(
                f for f in loaded.findings if f.field == "status")
        if loaded.record is None or m is None:
            failed.append(path)
        if m is None:
            misnamed.append(path)
        elif loaded.record is not None:
            entries.append(Entry(path.name[:-5], int(m["number"]), path, loaded.record,
                                 loaded.placeholders, loaded.size, loaded.hidden, loaded.markup))
    if config.statuses:
        findings.extend(_statuses_in_use(root, config, not_listed))
    findings.extend(rules.check_files(config, misnamed, stray))
    decisions = Decisions(root, config, entries, checked=len(files), snapshot=snapshot,
                          failed=failed)
    findings.extend(rules.check(decisions, today or dt.date.today()))
    findings = rules.apply_waivers(decisions, findings)
    if only is not None:
        wanted = {_as_named(p) for p in only}
        findings = [f for f in findings if _as_named(Path(f.path)) in wanted]
    decisions.findings = sorted(set(findings))
    return decisions
