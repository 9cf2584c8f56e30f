"""`decisions report`: the review summary of a change, for a pull request."""

from __future__ import annotations

from pathlib import Path

import click

from .. import gitbase
from .. import report as rep
from .common import Exit2, Outcome, formats, open_decisions, today_or_exit

Result = tuple[str, list[rep.RecordReport], str, rep.Added, rep.RuleLinks]


def _markdown(result: Result) -> str:
    base, items, fix, added, links = result
    return rep.as_markdown(base, items, fix, added.dependencies, links.url, added.findings)


def _json(result: Result) -> str:
    base, items, fix, added, links = result
    return rep.as_json(base, items, fix, added.dependencies, added.findings, links.url)


@click.command()
@click.option("--base", metavar="REF",
              help="Compare with this git ref. Default: the merge base with origin/main, or "
                   "main.")
@formats("markdown fits a pull-request comment or job summary.", markdown=_markdown,
         json=_json)
@click.pass_obj
def report(root: Path, base: str | None) -> Outcome:
    """Review summary of the records added, changed or removed since a git ref.

    For each changed record: validation and policy findings with positions, each option's
    maturity from decisions/signals.json, and the owning team's innovation tokens before
    and after the change. Then the dependencies that the manifests `decisions coverage`
    reads, changed since the ref, add without a decision: uncovered (no record names them)
    or contradicted (the records decided against them), as `decisions coverage` works them
    out.

    Exit status: 0, 1 when a changed record has an error or an added dependency is
    contradicted, 2 when git cannot answer (not a repository, unknown ref, shallow clone
    without the base).
    """
    decisions = open_decisions(root)
    day = today_or_exit()
    try:
        commit = gitbase.resolve_base(root, base)
        changes = gitbase.changed_records(root, commit)
        before = rep.base_decisions(root, commit, day)
        added = rep.added_dependencies(root, commit, decisions)
        links = rep.RuleLinks.beside(root)
    except gitbase.GitError as e:
        raise Exit2(str(e)) from None
    items = rep.build(changes, decisions, before, rep.maturity_lookup(decisions, day))
    fix = rep.renumber_command(root, base)
    failed = any(it.errors for it in items) or any(
        d.status == "contradicted" for d in added.dependencies)
    return Outcome((commit, items, fix, added, links), 1 if failed else 0)
