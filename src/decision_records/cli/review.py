"""`decisions review`: what needs a human now, in one list (due, drifted, end of life,
imported)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from ..review import CycleEnding, Review
from ..review import review as work_out
from ..textsafe import md_code, md_inline, no_command, one_line
from .common import Exit2, Outcome, Shown, formats, open_decisions, today_or_exit


@dataclass(frozen=True)
class Listed:
    review: Review
    errors: int  # record files that did not load: what they hold is not in the list
    snapshot_unread: bool = False  # signals.json did not load: drift was not checked
    max_bytes: int | None = None  # --max-bytes: the Markdown stops at a whole entry within


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


def _markdown_only(listed: Listed) -> None:
    if listed.max_bytes is not None:
        raise Exit2("--max-bytes cuts the Markdown list: give it with --format markdown")


def text(listed: Listed) -> Shown:
    _markdown_only(listed)
    r = listed.review
    out = []
    for d in r.due:
        out.append(f"due      {d.entry.id}: review was due on {d.review_by.isoformat()} "
                   f"({d.days} day{'s' * (d.days != 1)} ago)")
    for drift in r.drifted:
        out.append(f"drifted  {drift.entry.id}: {drift.ref}: {drift.sentence}")
    for e in r.end_of_life:
        out.append(f"eol      {e.entry.id}: {e.ref}: {e.sentence}")
    for i in r.imported:
        out.append(f"imported {i.entry.id}: {i.todo} to fill in, {i.guesses} to confirm, "
                   f"{i.other} other problem{'s' * (i.other != 1)}")
    out = [one_line(line) for line in out]  # reasons quote registries: one line each
    summary = (f"{len(r.due)} due, {len(r.drifted)} drifted, {len(r.end_of_life)} at or near "
               f"end of life, {len(r.imported)} imported awaiting review" if len(r)
               else "nothing needs a review")
    return Shown("".join(f"{line}\n" for line in [*out, summary]), _note(listed))


def json_(listed: Listed) -> Shown:
    _markdown_only(listed)
    return Shown(json.dumps(listed.review.as_dict(), indent=2, ensure_ascii=False) + "\n",
                 _note(listed))


def _eol_cell(e: CycleEnding) -> str:
    """The date and whether it has passed: no count of days, which would change the text
    every day (the refresh pull request is updated only when its text changes)."""
    if e.cycle.eol is None:
        return "passed (no date given)"
    return e.cycle.eol.isoformat() + (" (passed)" if (e.days_left or 0) <= 0 else "")


def _tables(r: Review) -> list[tuple[list[str], list[str]]]:
    """Each table of the Markdown list: its heading and head, and one row per entry."""
    tables = []
    if r.due:
        tables.append(([f"### Past their review date ({len(r.due)})", "",
                        "| Record | Team | Review by |", "|---|---|---|"],
                       [f"| {md_inline(d.entry.short)} {md_inline(d.entry.record.title)} | "
                        f"{md_inline(d.entry.record.team)} | {d.review_by.isoformat()} |"
                        for d in r.due]))
    if r.drifted:
        tables.append(([f"### Drifted since the decision ({len(r.drifted)})", "",
                        "| Record | Package | Assumed | Now | Why |", "|---|---|---|---|---|"],
                       [f"| {md_inline(d.entry.short)} {md_inline(d.entry.record.title)} | "
                        f"{md_code(d.ref)} | {md_inline(d.assumption)} | "
                        f"{md_inline(d.current)} | {md_inline('; '.join(d.reasons))} |"
                        for d in r.drifted]))
    if r.end_of_life:
        tables.append(([f"### At or near end of life ({len(r.end_of_life)})", "",
                        "| Record | Cycle | End of life |", "|---|---|---|"],
                       [f"| {md_inline(e.entry.short)} {md_inline(e.entry.record.title)} | "
                        f"{md_code(e.ref)} {md_inline(e.cycle.name)} | {_eol_cell(e)} |"
                        for e in r.end_of_life]))
    if r.imported:
        tables.append(([f"### Imported, awaiting review ({len(r.imported)})", "",
                        "| Record | To fill in | To confirm | Other problems |",
                        "|---|--:|--:|--:|"],
                       [f"| {md_inline(i.entry.short)} {md_inline(i.entry.record.title)} | "
                        f"{i.todo} | {i.guesses} | {i.other} |" for i in r.imported]))
    return tables


def _first(tables: list[tuple[list[str], list[str]]], kept: int) -> str:
    """The list with its first `kept` entries, and how many more there are."""
    out: list[str] = []
    left = kept
    for head, rows in tables:
        if left > 0 and rows:
            out += [*head, *rows[:left], ""]
            left -= len(rows[:left])
    more = sum(len(rows) for _, rows in tables) - kept
    if more:
        out += [f"{more} more not shown: `decisions review` prints the whole list.", ""]
    out.append("Revisit each decision: supersede it with a new record, or confirm it and "
               "set a new `review_by`. `decisions review` prints this list.")
    # measured as printed: echo's escaping of would-be workflow commands counts too
    return no_command("\n".join(out) + "\n", "markdown")


def markdown(listed: Listed) -> Shown:
    """For a pull request's body: tables, every record and registry value escaped. No
    figure here changes from one day to the next on its own, so two runs on the same
    records and snapshot give the same text. With max_bytes, the list stops after the last
    whole entry that fits (in UTF-8 bytes, so within a limit counted in characters too)
    and says how many are left out."""
    r = listed.review
    if not len(r):
        return Shown("Nothing needs a review: no accepted decision is past its review date, "
                     "has drifted or chose a product cycle near its end of life, and no "
                     "imported record is waiting.\n", _note(listed))
    tables = _tables(r)
    whole = _first(tables, len(r))
    limit = listed.max_bytes
    if limit is None or len(whole.encode("utf-8")) <= limit:
        return Shown(whole, _note(listed))

    def fits(kept: int) -> bool:
        return len(_first(tables, kept).encode("utf-8")) <= limit

    # Each entry adds more bytes than the count of those left out can save, so the size
    # grows with the entries kept: the most that fit is found by halving.
    low, high = 0, len(r) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return Shown(_first(tables, low), _note(listed))


@click.command()
@click.option("--max-bytes", type=click.IntRange(min=1000), metavar="N",
              help="Markdown only: stop after the last whole entry within N bytes of UTF-8 "
                   "and say how many more there are (a pull request's body holds 65,536 "
                   "characters).")
@formats("markdown fits a pull request's body.", text=text, json=json_, markdown=markdown)
@click.pass_obj
def review(root: Path, max_bytes: int | None) -> Outcome:
    """What needs a human now: decisions due for review, drifted, or imported and unfinished.

    Due: accepted records whose review_by has passed (DECISIONS_TODAY pins today). Drifted:
    accepted records whose chosen option has a package that is risky today (archived,
    deprecated, inactive, yanked, unfixed advisories, no release for years) or gone from
    its registry, where the decision took it for something better: the category in force
    on the record's date, from the history kept in signals.json, or else what its tokens
    declared. End of life: accepted records whose chosen option names a product cycle
    (eol:PRODUCT@CYCLE) that ends within signals.eol_warning_days (180) or has ended, with
    the days left (negative once passed). Imported: records from `decisions import` still
    holding TODOs or guesses.
    Reads only signals.json: run `decisions enrich` first for fresh signals.

    Exit status: 0 (whatever the list holds), 2 for a usage or configuration error.
    """
    decisions = open_decisions(root)
    unread = any(f.rule == "signals-snapshot" for f in decisions.findings)
    return Outcome(Listed(work_out(decisions, today_or_exit()), len(decisions.failed), unread,
                          max_bytes))
