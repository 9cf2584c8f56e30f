"""The text `decisions import` prints: a line per file, then what needs a person."""

from __future__ import annotations

from pathlib import Path

from ..findings import display as _display
from ..textsafe import one_line
from .batch import ImportResult, SourceOutcome


def display(path: Path) -> str:
    """A path on one line: a file name may hold a line break or a control character."""
    return one_line(_display(path))


def _record(o: SourceOutcome) -> str:
    return display(o.record) if o.record else "?"


def report(result: ImportResult) -> str:
    lines: list[str] = []
    for o in result.outcomes:
        if o.imported and result.dry_run:
            lines.append(f"--- would write {_record(o)} (from {display(o.source)}, {o.form})")
            lines.append(o.text.rstrip("\n"))
        elif o.imported:
            lines.append(f"imported {display(o.source)} -> {_record(o)} ({o.form})")
        else:
            lines.append(f"skipped  {display(o.source)}: {one_line(o.reason)}")
    imported, skipped = result.imported, result.skipped
    attention = [o for o in imported if o.attention]
    verb = "would be imported" if result.dry_run else "imported"
    lines += ["", f"Summary: {len(imported)} {verb}, {len(attention)} need"
              f"{'s' * (len(attention) == 1)} attention, {len(skipped)} skipped."
              + (" Dry run: nothing was written." if result.dry_run else "")]
    if attention:
        lines += ["", "Needing attention (fill in each TODO and check each guess, then remove "
                      "it from imported.guesses; `decisions validate` lists both):"]
        for o in attention:
            lines.append(f"  {_record(o)} <- {display(o.source)}")
            if o.todo:
                lines.append(f"    fill in: {'; '.join(o.todo)}")
            lines.extend(f"    guess: {f}: {note}" for f, note in o.guesses)
            lines.extend(f"    check: {c}" for c in o.check)
    unresolved = [(o, u) for o in imported for u in o.unresolved if not u.dropped]
    if unresolved:
        lines += ["", "Links that could not be resolved (each left pointing where the ADR "
                      "meant):"]
        lines.extend(f"  {display(o.source)}: {u.target} ({u.why})" for o, u in unresolved)
    dropped = [(o, u) for o in imported for u in o.unresolved if u.dropped]
    if dropped:
        lines += ["", "Links left out (the record keeps their text):"]
        lines.extend(f"  {display(o.source)}: {u.target} ({u.why})" for o, u in dropped)
    refused = [(o, u) for o in imported for u in o.not_copied]
    if refused:
        lines += ["", "Images not copied (the record keeps their text, or a plain link to the "
                      "file):"]
        lines.extend(f"  {display(o.source)}: {u.target}: not copied ({u.why})"
                     for o, u in refused)
    images = [(o, i) for o in imported for i in o.images]
    if images:
        copied = "Images that would be copied" if result.dry_run else "Images copied"
        lines += ["", f"{copied}:"]
        lines.extend(f"  {display(o.source)}: {i.target} -> {display(i.dest)}"
                     for o, i in images)
    if skipped:
        lines += ["", "Skipped:"]
        lines.extend(f"  {display(o.source)}: {one_line(o.reason)}" for o in skipped)
    if result.notes:
        lines += ["", "To do in records already in decisions/ (the import changes none):"]
        lines.extend(f"  {n}" for n in result.notes)
    return "\n".join(lines) + "\n"
