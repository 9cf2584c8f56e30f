"""The rules about records themselves and between records: numbers, supersession, teams,
options, dates, placeholders, size, hidden characters and import guesses. Each is a small
function of the context.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..chars import hidden_problem
from ..findings import Finding, Loc, parse_field
from ..markup import excess
from ..model import RECORD_FILE, Entry, Record
from .base import Context, Reporter, closest, is_todo


def misnamed_file(report: Reporter, path: Path) -> Finding | None:
    return report(
        "file-name", path, (),
        f"'{path.name}' is not a record file name; name it NNNN-slug.yaml (four or more "
        "digits, then lowercase words joined by '-'), e.g. 0012-buy-feature-flags.yaml",
    )


def stray_file(report: Reporter, path: Path) -> Finding | None:
    return report(
        "stray-file", path, (),
        "not a record, config.yaml, signals.json, coverage.json or the coverage/ folder; "
        "move it out of decisions/",
    )


def duplicate_numbers(ctx: Context) -> Iterator[Finding | None]:
    # A file that did not load still holds its number: after a merge, the other pull
    # request's record may be the one with a schema error, and the collision is still there.
    by_number: dict[int, list[Path]] = defaultdict(list)
    for path in [*(e.path for e in ctx.entries), *ctx.decisions.failed]:
        m = RECORD_FILE.match(path.name)
        if m:
            by_number[int(m["number"])].append(path)
    free = max(by_number, default=0) + 1
    for number, group in sorted(by_number.items()):
        if len(group) > 1:
            names = ", ".join(sorted(p.name for p in group))
            for path in sorted(group):
                yield ctx.report("duplicate-number", path, (),
                                 f"number {number:04d} is used by {names}; run `decisions "
                                 "renumber` to move the records your branch added (next "
                                 f"free: {free:04d})")


def supersession(ctx: Context) -> Iterator[Finding | None]:
    entries, report = ctx.entries, ctx.report
    ids = ctx.decisions.by_id
    for e in entries:
        for i, target in enumerate(e.record.supersedes):
            if target not in ids:
                yield report("supersedes-unknown", e.path, ("supersedes", i),
                             f"no record '{target}'" + closest(target, list(ids)))
    superseded = " or ".join(ctx.config.status_table.named("superseded"))
    for e in entries:
        by = ctx.decisions.superseded_by.get(e.id, ())
        status = e.record.status
        if e.record.means == "superseded" and not by:
            yield report("superseded-status", e.path, ("status",),
                         f"status is {status} but no accepted record lists "
                         f"'{e.id}' in its supersedes; add it there or change the status")
        elif by and e.record.means != "superseded":
            names = ", ".join(b.id for b in by)
            yield report("superseded-status", e.path, ("status",),
                         f"{names} supersedes this record, so its status must be {superseded} "
                         f"(it is {status})")
    yield from _cycles(entries, ids, report)


def _cycles(
    entries: list[Entry], ids: dict[str, Entry], report: Reporter,
) -> Iterator[Finding | None]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[str] = set()
    for start in ids:
        stack: list[tuple[str, Iterator[str]]] = []
        if state.get(start):
            continue
        state[start] = 1
        stack.append((start, iter(ids[start].record.supersedes)))
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif nxt in ids and state.get(nxt) == 1:
                cycle = [n for n, _ in stack][[n for n, _ in stack].index(nxt):]
                if not reported & set(cycle):
                    reported.update(cycle)
                    e = ids[cycle[0]]
                    chain = " -> ".join([*cycle, nxt])
                    i = e.record.supersedes.index(cycle[1] if len(cycle) > 1 else nxt)
                    yield report("supersession-cycle", e.path, ("supersedes", i),
                                 f"supersession cycle: {chain}; a record cannot replace "
                                 "itself")
            elif nxt in ids and not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(ids[nxt].record.supersedes)))


def teams_and_categories(ctx: Context) -> Iterator[Finding | None]:
    entries, config, report = ctx.entries, ctx.config, ctx.report
    teams = [t.name for t in config.teams]
    for e in entries:
        r = e.record
        if teams and r.team not in teams and not is_todo(r.team):
            lower = [t for t in teams if t.lower() == r.team.lower()]
            hint = (f"; team names are lowercase: write '{lower[0]}'" if lower
                    else closest(r.team, teams) or f"; known teams: {', '.join(teams)}")
            yield report("unknown-team", e.path, ("team",),
                         f"team '{r.team}' is not in config.yaml{hint}")
        if (config.categories is not None and r.category not in config.categories
                and not is_todo(r.category)):
            hint = closest(r.category, config.categories) or (
                f"; known categories: {', '.join(config.categories)}")
            yield report("unknown-category", e.path, ("category",),
                         f"category '{r.category}' is not in config.yaml{hint}")


def options(ctx: Context) -> Iterator[Finding | None]:
    entries, report = ctx.entries, ctx.report
    for e in entries:
        names = [o.name for o in e.record.options]
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                yield report("duplicate-option", e.path, ("options", i, "name"),
                             f"option '{name}' appears twice; give each option its own name")
            seen.add(name)
        chosen = e.record.decision.chosen
        if chosen not in names and not is_todo(chosen):
            yield report("chosen-option", e.path, ("decision", "chosen"),
                         f"'{chosen}' is not one of the options" + (
                             closest(chosen, names) or f" ({', '.join(names)})"))


def dates(ctx: Context) -> Iterator[Finding | None]:
    entries, today, report = ctx.entries, ctx.today, ctx.report
    for e in entries:
        r = e.record
        if r.date > today:
            yield report("future-date", e.path, ("date",),
                         f"{r.date} is in the future; date is when the status last changed")
        if r.review_by is not None and r.review_by <= r.date:
            yield report("review-date", e.path, ("review_by",),
                         f"review_by {r.review_by} must fall after date {r.date}")
        rel = r.tokens_released
        if rel is not None:
            if rel.date < r.date:
                yield report("tokens-release", e.path, ("tokens_released", "date"),
                             f"tokens released on {rel.date}, before the record's date {r.date}")
            if r.chosen is not None and r.chosen_tokens == 0:
                yield report("tokens-release", e.path, ("tokens_released",),
                             f"the chosen option '{r.chosen.name}' spends no tokens, so there "
                             "are none to release")


def todos(ctx: Context) -> Iterator[Finding | None]:
    entries, report = ctx.entries, ctx.report
    for e in entries:
        if not e.placeholders:
            continue
        for loc, text in _strings(e.record.model_dump(exclude_defaults=True), ()):
            if is_todo(text):
                yield report("todo", e.path, loc, f"fill in this placeholder: {text.strip()[:60]}")


LARGE = 256 * 1024


def large_records(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        if e.size > LARGE:
            yield ctx.report("large-record", e.path, (),
                             f"the record is {e.size / 1e6:.1f} MB; keep it short and link to "
                             "long documents in `links` (big pages are slow to read and build)")


def hidden_characters(ctx: Context) -> Iterator[Finding | None]:
    """Invisible, bidirectional and control characters in free text (one-line fields refuse
    them outright, as schema errors): the text displays differently from what it is.
    """
    for e in ctx.entries:
        if not e.hidden:
            continue
        for loc, text in _strings(e.record.model_dump(exclude_defaults=True), ()):
            problem = hidden_problem(text)
            if problem is not None:
                yield ctx.report("hidden-characters", e.path, loc, problem)


def markdown_limits(ctx: Context) -> Iterator[Finding | None]:
    """Text the site cannot render as Markdown in linear time: nested too deep, too many
    brackets left open, too dense with markup (see markup.py). The page shows it as written.
    """
    for e in ctx.entries:
        if not e.markup:
            continue
        for loc, text in markdown_texts(e.record):
            found = excess(text)
            if found is not None:
                yield ctx.report("markdown-limits", e.path, loc, found.message,
                                 at=found.line_col(text))


def markdown_texts(record: Record) -> Iterator[tuple[Loc, str]]:
    """Every value a record's page renders as Markdown (templates/record.html), with its
    field path."""
    yield ("context",), record.context
    for i, driver in enumerate(record.drivers):
        if isinstance(driver, str):
            yield ("drivers", i), driver
        else:
            yield ("drivers", i, "name"), driver.name
    for i, o in enumerate(record.options):
        yield ("options", i, "name"), o.name
        yield ("options", i, "summary"), o.summary
        yield from ((("options", i, "pros", j), p) for j, p in enumerate(o.pros))
        yield from ((("options", i, "cons", j), c) for j, c in enumerate(o.cons))
        if o.why_not_existing_stack:
            yield ("options", i, "why_not_existing_stack"), o.why_not_existing_stack
        if o.replaces:
            yield ("options", i, "replaces"), o.replaces
    d = record.decision
    yield ("decision", "chosen"), d.chosen
    yield ("decision", "rationale"), d.rationale
    if d.why_not_buy:
        yield ("decision", "why_not_buy"), d.why_not_buy
    if d.exit_plan:
        yield ("decision", "exit_plan"), d.exit_plan
    c = record.consequences
    yield from ((("consequences", "good", i), g) for i, g in enumerate(c.good))
    yield from ((("consequences", "bad", i), b) for i, b in enumerate(c.bad))
    yield from ((("waivers", i, "reason"), w.reason) for i, w in enumerate(record.waivers))
    if record.tokens_released:
        yield ("tokens_released", "reason"), record.tokens_released.reason


def _strings(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*loc, i))


def import_guesses(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        imported = e.record.imported
        for guess in imported.guesses if imported else ():
            yield ctx.report("import-guess", e.path, parse_field(guess.field),
                             f"guessed on import ({guess.note}); check it, then remove its entry "
                             "from imported.guesses")
