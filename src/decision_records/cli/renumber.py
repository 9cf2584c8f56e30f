"""`decisions renumber`: move records that took a number the base branch also gave out."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import gitbase
from .. import renumber as ren
from ..errors import DecisionsError
from ..findings import display
from .common import Exit2, Outcome, Shown, formats, require_folder


def _text(result: tuple[Path, ren.Plan, bool]) -> Shown:
    root, plan, dry_run = result
    base = plan.base[:12]
    unresolved = "".join(
        f"{' and '.join(ids)}: both added since {base} under one number no record there has, "
        "so renumber cannot tell which keeps it; run it again with --base set to the branch "
        "that has one of them (after `git fetch`), or renumber the other by hand\n"
        if len(ids) == 2 else
        f"{', '.join(ids)}: all added since {base} under one number no record there has, so "
        "renumber cannot tell which keeps it; run it again with --base set to the branch "
        "that has one of them (after `git fetch`), or renumber the others by hand\n"
        for ids in plan.unresolved)
    if not plan.moves:
        return Shown("" if unresolved else
                     f"nothing to renumber: no record added since {base} takes a number a "
                     "record there still has\n", unresolved)
    out = []
    verb = "would move" if dry_run else "moved"
    for m in plan.moves:
        out.append(f"{verb} {display(root / f'{m.old}.yaml')} -> "
                   f"{display(root / f'{m.new}.yaml')} ({m.holder} has its number on {base})\n")
    for path, n in plan.references.items():
        if n:
            out.append(f"{'would rewrite' if dry_run else 'rewrote'} {n} "
                       f"reference{'s' * (n != 1)} in {display(plan.target(path))}\n")
    err = unresolved + "".join(f"{note}\n" for note in plan.notes)
    if not dry_run:
        err += "check the result with `decisions validate`, then commit the renamed files\n"
    return Shown("".join(out), err)


def _json(result: tuple[Path, ren.Plan, bool]) -> str:
    _, plan, dry_run = result
    return json.dumps({
        "base": plan.base, "dry_run": dry_run,
        "moved": [{"from": m.old, "to": m.new, "number_kept_by": m.holder}
                  for m in plan.moves],
        "rewritten": [{"path": display(plan.target(p)), "references": n}
                      for p, n in plan.references.items() if n],
        "notes": [{"path": display(n.path), "line": n.line, "col": n.col,
                   "message": n.message} for n in plan.notes],
        "unresolved": plan.unresolved,
    }, indent=2) + "\n"


@click.command()
@click.option("--base", metavar="REF",
              help="The branch the records were merged with. Default: the merge base with "
                   "origin/main, or main.")
@click.option("--dry-run", is_flag=True, help="Print what would move; change nothing.")
@formats("json lists the moves, rewrites and notes for scripts.", text=_text, json=_json)
@click.pass_obj
def renumber(root: Path, base: str | None, dry_run: bool) -> Outcome:
    """Give records added since REF the next free numbers where REF already uses theirs.

    Two branches that each took the next free number merge cleanly and leave two records
    under one number (rule duplicate-number). This moves the ones added since REF, rewrites
    every mention of their old ids in the records (supersedes, links, text, comments) and
    leaves the rest of each file as it was. Running it again changes nothing.

    Records added since REF that share a number with each other but with no record of REF
    are listed, not moved: which one keeps the number is a person's call (or run again with
    the other branch as --base).

    Exit status: 0; 1 when such a collision is left; 2 when git cannot answer (not a
    repository, unknown ref) or a file cannot be written.
    """
    require_folder(root)
    try:
        commit = gitbase.resolve_base(root, base, "renumber")
        plan = ren.plan(root, commit)
    except DecisionsError as e:  # git cannot answer, or a record cannot be read
        raise Exit2(str(e)) from None
    except OSError as e:
        raise Exit2(f"{display(root)}: cannot read: {e.strerror or e}") from None
    if not dry_run:
        try:
            ren.apply(root, plan)
        except ren.NotWritten as e:
            raise Exit2(f"{display(e.path)}: cannot write: {e.why}; nothing was changed, run "
                        "`decisions renumber` again once it is fixed") from None
        except OSError as e:  # removing an old name or moving an images folder, at the end
            where = display(Path(e.filename)) if e.filename else display(root)
            raise Exit2(f"{where}: cannot write: {e.strerror or e}; the records were moved, "
                        "check what is left with `git status`") from None
    return Outcome((root, plan, dry_run), 1 if plan.unresolved else 0)
