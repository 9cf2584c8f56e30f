"""`decisions review`: what needs a human now, in one list (due, drifted, imported)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from ..review import Review
from ..review import review as work_out
from ..textsafe import md_code, md_inline, one_line
from .common import Outcome, Shown, formats, open_decisions, today_or_exit


@dataclass(frozen=True)
class Listed:
    review: Review
    errors: int  # record files that did not load: what they hold is not in the list
    snapshot_unread: bool = False  # signals.json did not load: drift was not checked


def _note(listed: Listed) -> str:
    notes = []
    if listed.errors:
        n = listed.errors
        notes.append(f"note: {n} record file{'s' * (n != 1)} did not load and "
                     f"{'are' if n != 1 else 'is'} not in this list; run `decisions validate`")
    if listed.snapshot_unread:
        notes.append("note: decisions/signals.json could not be read, so drift was not "
                     "checked; run `decisions validate`")
    return "".join(f"{n}\n" for n in notes)


def text(listed: Listed) -> Shown:
    r = listed.review
    out = []
    for d in r.due:
        out.append(f"due      {d.entry.id}: review was due on {d.review_by.isoformat()} "
                   f"({d.days} day{'s' * (d.days != 1)} ago)")
    for drift in r.drifted:
        out.append(f"drifted  {drift.entry.id}: {drift.ref}: {drift.sentence}")
    for i in r.imported:
        out.append(f"imported {i.entry.id}: {i.todo} to fill in, {i.guesses} to confirm, "
                   f"{i.other} other problem{'s' * (i.other != 1)}")
    out = [one_line(line) for line in out]  # reasons quote registries: one line each
    summary = (f"{len(r.due)} due, {len(r.drifted)} drifted, {len(r.imported)} imported "
               "awaiting review" if len(r) else "nothing needs a review")
    return Shown("".join(f"{line}\n" for line in [*out, summary]), _note(listed))


def json_(listed: Listed) -> Shown:
    return Shown(json.dumps(listed.review.as_dict(), indent=2, ensure_ascii=False) + "\n",
                 _note(listed))


def markdown(listed: Listed) -> Shown:
    """For a pull request's body: tables, every record and registry value escaped. No
    figure here changes from one day to the next on its own, so two runs on the same
    records and snapshot give the same text."""
    r = listed.review
    if not len(r):
        return Shown("Nothing needs a review: no accepted decision is past its review date "
                     "or has drifted, and no imported record is waiting.\n", _note(listed))
    out: list[str] = []
    if r.due:
        out += [f"### Past their review date ({len(r.due)})", "",
                "| Record | Team | Review by |", "|---|---|---|"]
        out += [f"| {md_inline(d.entry.short)} {md_inline(d.entry.record.title)} | "
                f"{md_inline(d.entry.record.team)} | {d.review_by.isoformat()} |" for d in r.due]
        out.append("")
    if r.drifted:
        out += [f"### Drifted since the decision ({len(r.drifted)})", "",
                "| Record | Package | Assumed | Now | Why |", "|---|---|---|---|---|"]
        for d in r.drifted:
            out.append(f"| {md_inline(d.entry.short)} {md_inline(d.entry.record.title)} | "
                       f"{md_code(d.ref)} | {md_inline(d.assumption)} | "
                       f"{md_inline(d.current)} | {md_inline('; '.join(d.reasons))} |")
        out.append("")
    if r.imported:
        out += [f"### Imported, awaiting review ({len(r.imported)})", "",
                "| Record | To fill in | To confirm | Other problems |", "|---|--:|--:|--:|"]
        out += [f"| {md_inline(i.entry.short)} {md_inline(i.entry.record.title)} | {i.todo} | "
                f"{i.guesses} | {i.other} |" for i in r.imported]
        out.append("")
    out.append("Revisit each decision: supersede it with a new record, or confirm it and "
               "set a new `review_by`. `decisions review` prints this list.")
    return Shown("\n".join(out) + "\n", _note(listed))


@click.command()
@formats("markdown fits a pull request's body.", text=text, json=json_, markdown=markdown)
@click.pass_obj
def review(root: Path) -> Outcome:
    """What needs a human now: decisions due for review, drifted, or imported and unfinished.

    Due: accepted records whose review_by has passed (DECISIONS_TODAY pins today). Drifted:
    accepted records whose chosen option has a package that is risky today (archived,
    deprecated, inactive, yanked, unfixed advisories, no release for years) or gone from
    its registry, where the decision took it for something better: the category in force
    on the record's date, from the history kept in signals.json, or else what its tokens
    declared. Imported: records from `decisions import` still holding TODOs or guesses.
    Reads only signals.json: run `decisions enrich` first for fresh signals.

    Exit status: 0 (whatever the list holds), 2 for a usage or configuration error.
    """
    decisions = open_decisions(root)
    unread = any(f.rule == "signals-snapshot" for f in decisions.findings)
    return Outcome(Listed(work_out(decisions, today_or_exit()), len(decisions.failed), unread))
