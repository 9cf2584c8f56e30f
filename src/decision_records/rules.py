"""Checks across records, each a small function with a stable rule id.

A rule's severity comes from `rules:` in decisions/config.yaml (error, warning or off),
falling back to its default here. Problems with the YAML or the model itself are always
errors: a record that cannot be read cannot be waved through.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ledger
from .findings import Finding, Loc, field_path, parse_field
from .ledger import Ledger
from .model import IN_FORCE, Config, Severity
from .yamlfile import Locator

if TYPE_CHECKING:
    from .loader import Entry


@dataclass(frozen=True)
class Rule:
    id: str
    default: Severity
    summary: str
    configurable: bool = True

    @property
    def doc(self) -> str:
        """The page that explains the rule with an example (policy rules have one each)."""
        return f"docs/rules/{self.id}.md" if self.id in _DOCUMENTED else "docs/rules/index.md"


_ALL = [
    Rule("yaml", "error", "The file is valid YAML.", False),
    Rule("yaml-alias", "error", "No anchors, aliases or merge keys.", False),
    Rule("yaml-key", "error", "Keys are field names, not numbers or booleans.", False),
    Rule("yaml-tag", "error", "No tags beyond plain strings, numbers, lists and mappings.", False),
    Rule("yaml-top", "error", "The top level is a mapping of fields.", False),
    Rule("duplicate-key", "error", "A key appears once per mapping.", False),
    Rule("empty", "error", "The file is not empty.", False),
    Rule("encoding", "error", "The file is UTF-8 text.", False),
    Rule("io", "error", "The file can be read.", False),
    Rule("schema", "error", "The record matches the record model.", False),
    Rule("config", "error", "decisions/config.yaml matches the settings model.", False),
    Rule("file-name", "error", "Record files are named NNNN-slug.yaml."),
    Rule("stray-file", "error", "decisions/ holds only records, config.yaml and signals.json."),
    Rule("duplicate-number", "error", "Each record number is used once."),
    Rule("supersedes-unknown", "error", "`supersedes` names existing records."),
    Rule("supersession-cycle", "error", "No record supersedes itself, directly or not."),
    Rule("superseded-status", "error",
         "A record is superseded exactly when an accepted record names it in `supersedes`."),
    Rule("unknown-team", "error", "`team` is a team listed in the config."),
    Rule("unknown-category", "error", "`category` is one of the config's categories."),
    Rule("chosen-option", "error", "`decision.chosen` names one of the options."),
    Rule("duplicate-option", "error", "Option names are unique within a record."),
    Rule("future-date", "error", "`date` is not in the future."),
    Rule("review-date", "error", "`review_by` falls after `date`."),
    Rule("todo", "error", "No TODO placeholders are left."),
    Rule("tokens-release", "error",
         "Tokens are released after the record's date, by a record that spent some."),
    Rule("waiver", "error", "A waiver names a rule that can be waived.", False),
    Rule("import-guess", "warning",
         "A value `decisions import` guessed is checked by a person (then its entry is removed "
         "from imported.guesses)."),
    Rule("large-record", "warning", "A record stays under 256 KB; long documents are linked."),
    Rule("budget-overdrawn", "error", "Accepted records spend no more tokens than the team has."),
    Rule("budget-proposal", "warning",
         "A proposal would not overdraw its team's tokens if accepted."),
    Rule("budget-default", "warning",
         "A team that spends tokens has its own budget in config.yaml."),
]
RULES: dict[str, Rule] = {r.id: r for r in _ALL}
_DOCUMENTED = {"buy-before-build", "boring-first", "operate-what-you-own", "exit-plan",
               "review-due"}



def severity(rule: str, config: Config) -> Severity:
    r = RULES[rule]
    return config.rules.get(rule, r.default) if r.configurable else r.default


class Reporter:
    """Builds findings at field paths, composing each file at most once for positions."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._locators: dict[Path, Locator] = {}

    def __call__(self, rule: str, path: Path, loc: Loc, message: str) -> Finding | None:
        level = severity(rule, self.config)
        if level == "off":
            return None
        from .loader import display

        locator = self._locators.setdefault(path, Locator(path))
        line, col = locator.position(loc) if loc else (1, 1)
        return Finding(display(path), line, col, level, rule, message, field_path(loc))


def misnamed_file(path: Path, config: Config) -> Finding | None:
    return Reporter(config)(
        "file-name", path, (),
        f"'{path.name}' is not a record file name; name it NNNN-slug.yaml (four or more "
        "digits, then lowercase words joined by '-'), e.g. 0012-buy-feature-flags.yaml",
    )


def stray_file(path: Path, config: Config) -> Finding | None:
    return Reporter(config)(
        "stray-file", path, (),
        "not a record, config.yaml or signals.json; move it out of decisions/",
    )


def _closest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass
class Context:
    """What a check sees: every valid record, the settings, today, and where to report."""

    entries: list[Entry]
    config: Config
    today: dt.date
    root: Path
    report: Reporter
    snapshot: Any = None  # the signals snapshot (decisions/signals.json), when loaded
    cache: dict[object, Any] = field(default_factory=dict)  # results checks share in a run

    @cached_property
    def ledger(self) -> Ledger:
        return ledger.compute(self.entries, self.config)


Check = Callable[[Context], Iterator[Finding | None]]


def check(entries: list[Entry], config: Config, today: dt.date, root: Path,
          snapshot: Any = None) -> list[Finding]:
    ctx = Context(entries, config, today, root, Reporter(config), snapshot)
    out: list[Finding] = []
    for fn in CHECKS:
        out.extend(f for f in fn(ctx) if f is not None)
    return out


def duplicate_numbers(ctx: Context) -> Iterator[Finding | None]:
    entries, report = ctx.entries, ctx.report
    by_number: dict[int, list[Entry]] = defaultdict(list)
    for e in entries:
        by_number[e.number].append(e)
    free = max(by_number, default=0) + 1
    for number, group in by_number.items():
        if len(group) > 1:
            names = ", ".join(e.path.name for e in group)
            for e in group:
                yield report("duplicate-number", e.path, (),
                             f"number {number:04d} is used by {names}; renumber the newer one "
                             f"(next free: {free:04d})")


def supersession(ctx: Context) -> Iterator[Finding | None]:
    entries, report = ctx.entries, ctx.report
    ids = {e.id: e for e in entries}
    named_by: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        for i, target in enumerate(e.record.supersedes):
            if target not in ids:
                yield report("supersedes-unknown", e.path, ("supersedes", i),
                             f"no record '{target}'" + _closest(target, list(ids)))
            elif e.record.status in IN_FORCE:
                named_by[target].append(e)
    for e in entries:
        by = named_by.get(e.id, [])
        if e.record.status == "superseded" and not by:
            yield report("superseded-status", e.path, ("status",),
                         "status is superseded but no accepted record lists "
                         f"'{e.id}' in its supersedes; add it there or change the status")
        elif by and e.record.status != "superseded":
            names = ", ".join(b.id for b in by)
            yield report("superseded-status", e.path, ("status",),
                         f"{names} supersedes this record, so its status must be superseded "
                         f"(it is {e.record.status})")
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
                    else _closest(r.team, teams) or f"; known teams: {', '.join(teams)}")
            yield report("unknown-team", e.path, ("team",),
                         f"team '{r.team}' is not in config.yaml{hint}")
        if (config.categories is not None and r.category not in config.categories
                and not is_todo(r.category)):
            hint = _closest(r.category, config.categories) or (
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
                             _closest(chosen, names) or f" ({', '.join(names)})"))


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
            if r.chosen is not None and r.chosen.innovation_tokens == 0:
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


def is_todo(text: str) -> bool:
    """A placeholder left by `decisions new` or `decisions import`."""
    return text.lstrip().startswith("TODO") or text.strip() == "todo"


def _strings(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*loc, i))


def budgets(ctx: Context) -> Iterator[Finding | None]:
    by_id = {e.id: e for e in ctx.entries}
    for team in ctx.ledger.teams:
        spending = [line for line in team.lines if line.effect == "spent"]
        if team.overdrawn:
            names = ", ".join(line.id.split("-", 1)[0] for line in spending)
            last = by_id[spending[-1].id]
            yield ctx.report("budget-overdrawn", last.path, ("team",),
                             f"team {team.team} spends {team.spent} innovation tokens but has "
                             f"{team.budget} (records {names}); release tokens, supersede a "
                             "record, or raise the team's budget in config.yaml")
        for line in team.lines:
            if line.effect == "pending" and team.spent + line.tokens > team.budget:
                over = team.spent + line.tokens - team.budget
                yield ctx.report("budget-proposal", by_id[line.id].path, ("decision", "chosen"),
                                 f"accepting this would spend {line.tokens} token"
                                 f"{'s' * (line.tokens != 1)} and overdraw team {team.team} by "
                                 f"{over} ({team.remaining} of {team.budget} left)")
        if team.default_budget and team.lines:
            first = by_id[team.lines[0].id]
            yield ctx.report("budget-default", first.path, ("team",),
                             f"team {team.team} has no token budget in config.yaml; using "
                             f"default_tokens ({team.budget})")


def import_guesses(ctx: Context) -> Iterator[Finding | None]:
    for e in ctx.entries:
        imported = e.record.imported
        for guess in imported.guesses if imported else ():
            yield ctx.report("import-guess", e.path, parse_field(guess.field),
                             f"guessed on import ({guess.note}); check it, then remove its entry "
                             "from imported.guesses")


CHECKS: list[Check] = [
    duplicate_numbers, supersession, teams_and_categories, options, dates, todos, budgets,
    large_records, import_guesses,
]


def apply_waivers(entries: list[Entry], config: Config,
                  findings: list[Finding]) -> list[Finding]:
    """Drop the findings a record waives; report waivers that name no waivable rule."""
    from .loader import display

    waived: dict[str, set[str]] = {}
    report = Reporter(config)
    extra = []
    for e in entries:
        for i, w in enumerate(e.record.waivers):
            rule = RULES.get(w.rule)
            if rule is None or not rule.configurable:
                why = "no rule" if rule is None else "a rule that cannot be waived"
                extra.append(report("waiver", e.path, ("waivers", i, "rule"),
                                    f"'{w.rule}' is {why}" + _closest(w.rule, [
                                        r.id for r in RULES.values() if r.configurable])))
            else:
                waived.setdefault(display(e.path), set()).add(w.rule)
    kept = [f for f in findings if f.rule not in waived.get(f.path, ())]
    return kept + [f for f in extra if f is not None]


def register(rules: list[Rule], checks: list[Check]) -> None:
    """Add a family of rules (policies, signals) to the registry and to every run."""
    RULES.update((r.id, r) for r in rules)
    CHECKS.extend(c for c in checks if c not in CHECKS)
