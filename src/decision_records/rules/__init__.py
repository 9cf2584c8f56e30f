"""Every rule, its default severity and the page that explains it, and every check, in one list.

A rule's severity comes from `rules:` in decisions/config.yaml (error, warning or off),
falling back to its default here. Problems with the YAML or the model itself are always
errors: a record that cannot be read cannot be waved through. A new rule is a Rule below and
a check function in the module of its family (core, budget, policies, costs, signals).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..config import Config
from ..findings import Finding, display
from ..model import Severity
from ..records import Decisions
from . import budget, core, costs, policies, signals
from .base import INDEX_PAGE, Check, Context, Reporter, Rule, closest, is_todo
from .base import severity as _severity

__all__ = ["CHECKS", "RULES", "Rule", "apply_waivers", "check", "check_files", "is_todo",
           "page_of", "severity"]


def _page(rule_id: str) -> str:
    return f"docs/rules/{rule_id}.md"


_ALL = [
    # the file and the model: always errors
    Rule("yaml", "error", "The file is valid YAML.", False),
    Rule("yaml-alias", "error", "No anchors, aliases or merge keys.", False),
    Rule("yaml-key", "error", "Keys are field names, not numbers or booleans.", False),
    Rule("yaml-tag", "error", "No tags beyond plain strings, numbers, lists and mappings.", False),
    Rule("yaml-top", "error", "The top level is a mapping of fields.", False),
    Rule("duplicate-key", "error", "A key appears once per mapping.", False),
    Rule("empty", "error", "The file is not empty.", False),
    Rule("encoding", "error", "The file is UTF-8 text.", False),
    Rule("io", "error", "The file can be read.", False),
    Rule("file-type", "error",
         "Records, config.yaml and signals.json are regular files: no symbolic links, folders, "
         "pipes or devices.", False),
    Rule("file-size", "error",
         "A record or config.yaml is at most 1 MiB (signals.json: 32 MiB).", False),
    Rule("schema", "error", "The record matches the record model.", False),
    Rule("config", "error", "decisions/config.yaml matches the settings model.", False),
    Rule("waiver", "error", "A waiver names a rule that can be waived.", False),
    Rule("signals-snapshot", "error",
         "decisions/signals.json is readable JSON in the snapshot format.", False),
    Rule("markdown-limits", "error",
         "Record text stays within what the site can render as Markdown: nesting, open "
         "brackets, markup in a paragraph and in a text, code fences.", False,
         doc=_page("markdown-limits")),
    # core: records and the links between them
    Rule("file-name", "error", "Record files are named NNNN-slug.yaml."),
    Rule("stray-file", "error",
         "decisions/ holds only records, config.yaml, signals.json and coverage data."),
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
    Rule("import-guess", "warning",
         "A value `decisions import` guessed is checked by a person (then its entry is removed "
         "from imported.guesses)."),
    Rule("large-record", "warning", "A record stays under 256 KB; long documents are linked."),
    Rule("hidden-characters", "warning",
         "Text holds no invisible, bidirectional or control characters, which make it display "
         "differently from what it is (one-line fields refuse them as schema errors)."),
    # budget: the innovation-token ledger
    Rule("budget-overdrawn", "error", "Accepted records spend no more tokens than the team has."),
    Rule("budget-proposal", "warning",
         "A proposal would not overdraw its team's tokens if accepted."),
    Rule("budget-default", "warning",
         "A team that spends tokens has its own budget in config.yaml."),
    # policies: "Production Oriented Development" and "Choose Boring Technology"
    Rule("buy-before-build", "error",
         "Building a non-core capability needs a buy or adopt option considered and a reason "
         "why buying will not do; so does building anything while buying or adopting costs "
         "less over the horizon.", doc=_page("buy-before-build")),
    Rule("boring-first", "error",
         "An option that spends innovation tokens says why the existing stack cannot do the "
         "job and what it replaces.", doc=_page("boring-first")),
    Rule("operate-what-you-own", "error",
         "An accepted adopt or build decision names who is on call for it.",
         doc=_page("operate-what-you-own")),
    Rule("exit-plan", "error", "An accepted buy decision says how we would leave the vendor.",
         doc=_page("exit-plan")),
    Rule("review-due", "warning", "An accepted record is reviewed by its review_by date.",
         doc=_page("review-due")),
    # costs: weighted scores and the cost of ownership
    Rule("driver-score", "error",
         "Every score names a weighted driver of its record, and no weighted driver is listed "
         "twice."),
    Rule("scores-incomplete", "warning",
         "An option scored against weighted drivers has a score for each of them.",
         doc=_page("scores-incomplete")),
    Rule("chosen-not-top-scored", "warning",
         "A live record chooses the option with the highest weighted score, or says why not.",
         doc=_page("chosen-not-top-scored")),
    Rule("fragile-winner", "warning",
         "The top-scored option leads by 10 points or more, and no change of one score by one "
         "changes the winner.", doc=_page("fragile-winner")),
    Rule("not-costed", "warning",
         "An accepted record's chosen buy or build option gives its cost figures (once "
         "config.yaml has `costs:`).", doc=_page("not-costed")),
    # signals: the maturity snapshot
    Rule("package-not-found", "error",
         "Every package reference exists: the registry did not answer 404 for it."),
    Rule("tokens-below-signals", "warning",
         "An option spends at least the innovation tokens its maturity signals suggest."),
    Rule("risky-choice", "warning",
         "The chosen option of a live record is not classified risky by its signals."),
    Rule("end-of-life", "warning",
         "The chosen option of an accepted or proposed record names no product cycle past its "
         "end of life.", doc=_page("end-of-life")),
]
RULES: dict[str, Rule] = {r.id: r for r in _ALL}

CHECKS: tuple[Check, ...] = (
    core.duplicate_numbers, core.supersession, core.teams_and_categories, core.options,
    core.dates, core.todos, core.large_records, core.hidden_characters, core.markdown_limits,
    core.import_guesses,
    budget.budgets,
    policies.buy_before_build, policies.boring_first, policies.operate_what_you_own,
    policies.exit_plan, policies.review_due,
    costs.driver_scores, costs.scores_incomplete, costs.chosen_not_top_scored,
    costs.fragile_winner, costs.not_costed,
    signals.package_not_found, signals.tokens_below_signals, signals.risky_choice,
    signals.end_of_life,
)


def page_of(rule_id: str) -> str:
    """The page that explains a rule (docs/rules/...), the rules' index for an unknown one."""
    rule = RULES.get(rule_id)
    return rule.doc if rule else INDEX_PAGE


def severity(rule_id: str, config: Config) -> Severity:
    return _severity(RULES[rule_id], config)


def reporter(config: Config, waived: Mapping[Path, set[str]] | None = None) -> Reporter:
    return Reporter(config, RULES, waived)


def check_files(config: Config, misnamed: Iterable[Path], stray: Iterable[Path]) -> list[Finding]:
    """Findings about files in decisions/ that are not records of the right name."""
    report = reporter(config)
    found = [core.misnamed_file(report, p) for p in misnamed]
    found += [core.stray_file(report, p) for p in stray]
    return [f for f in found if f is not None]


def check(decisions: Decisions, today: dt.date) -> list[Finding]:
    """Every check over the loaded records."""
    ctx = Context(decisions, today, reporter(decisions.config, _waived(decisions)))
    out: list[Finding] = []
    for fn in CHECKS:
        out.extend(f for f in fn(ctx) if f is not None)
    return out


def _waived(decisions: Decisions) -> dict[Path, set[str]]:
    """Record file -> the rules it waives that can be waived (the others are reported)."""
    out: dict[Path, set[str]] = {}
    for e in decisions.entries:
        for w in e.record.waivers:
            rule = RULES.get(w.rule)
            if rule is not None and rule.configurable:
                out.setdefault(e.path, set()).add(w.rule)
    return out


def apply_waivers(decisions: Decisions, findings: list[Finding]) -> list[Finding]:
    """Drop the findings a record waives; report waivers that name no waivable rule."""
    waived: dict[str, set[str]] = {}
    report = reporter(decisions.config)
    extra = []
    for e in decisions.entries:
        for i, w in enumerate(e.record.waivers):
            rule = RULES.get(w.rule)
            if rule is None or not rule.configurable:
                why = "no rule" if rule is None else "a rule that cannot be waived"
                extra.append(report("waiver", e.path, ("waivers", i, "rule"),
                                    f"'{w.rule}' is {why}" + closest(w.rule, [
                                        r.id for r in RULES.values() if r.configurable])))
            else:
                waived.setdefault(display(e.path), set()).add(w.rule)
    kept = [f for f in findings if f.rule not in waived.get(f.path, ())]
    return kept + [f for f in extra if f is not None]
