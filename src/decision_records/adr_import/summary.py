"""The text `decisions import` prints: a line per file, then what needs a person."""

from __future__ import annotations

from ..findings import display
from .batch import Outcome, Result


def _record(o: Outcome) -> str:
    return display(o.record) if o.record else "?"


def report(result: Result) -> str:
    lines: list[str] = []
    for o in result.outcomes:
        if o.imported and result.dry_run:
            lines.append(f"--- would write {_record(o)} (from {display(o.source)}, {o.form})")
            lines.append(o.text.rstrip("\n"))
        elif o.imported:
            lines.append(f"imported {display(o.source)} -> {_record(o)} ({o.form})")
        else:
            lines.append(f"skipped  {display(o.source)}: {o.reason}")
    imported, skipped = result.imported, result.skipped
    attention = [o for o in imported if o.attention]
    verb = "would be imported" if result.dry_run else "imported"
    lines += ["", f"Summary: {len(imported)} {verb}, {len(attention)} need"
              f"{'s' * (len(attention) == 1)} attention, {len(skipped)} skipped."
              + (" Dry run: nothing was written." if result.dry_run else "")]
    if attention:
        lines += ["", "Needing attention (fill in each TODO; `decisions validate` lists them):"]
        for o in attention:
            lines.append(f"  {_record(o)} <- {display(o.source)}")
            if o.todo:
                lines.append(f"    fill in: {'; '.join(o.todo)}")
            lines.extend(f"    check: {c}" for c in o.check)
    if skipped:
        lines += ["", "Skipped:"]
        lines.extend(f"  {display(o.source)}: {o.reason}" for o in skipped)
    if result.notes:
        lines += ["", "To do in records already in decisions/ (the import changes none):"]
        lines.extend(f"  {n}" for n in result.notes)
    return "\n".join(lines) + "\n"
