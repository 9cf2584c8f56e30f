"""`decisions validate`: every problem, one line each, like a compiler."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import click

from ..findings import count, display
from ..gitbase import GitError
from ..records import Decisions
from ..report import RuleLinks, RuleUrl
from .common import Exit2, Outcome, Shown, formats, open_decisions


@dataclass(frozen=True)
class Checked:
    decisions: Decisions
    paths: tuple[Path, ...]
    strict: bool
    rule_url: RuleUrl  # where a rule's page can be read, as the review report links it

    @property
    def errors(self) -> int:
        return count(self.decisions.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.decisions.findings)[1]

    @property
    def failed(self) -> bool:
        return self.errors > 0 or (self.strict and self.warnings > 0)


def as_text(c: Checked) -> Shown:
    lines = "".join(f.format() + "\n" for f in c.decisions.findings)
    checked = c.decisions.checked
    scope = f"{len(c.paths)} of {checked}" if c.paths else f"{checked}"
    e, w = c.errors, c.warnings
    summary = f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"
    note = " (warnings count as errors under --strict)" if c.strict and w else ""
    noun = "record" if checked == 1 and not c.paths else "records"
    return Shown(lines, f"{scope} {noun} checked: {summary}{note}\n")


def as_json(c: Checked) -> str:
    return json.dumps({
        "records": c.decisions.checked, "errors": c.errors, "warnings": c.warnings,
        "valid": not c.failed,
        "findings": [{**f.as_dict(), "help": c.rule_url(f.rule)}
                     for f in c.decisions.findings],
    }, indent=2) + "\n"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@formats("text: one line per problem; json: for tools.", text=as_text, json=as_json)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.pass_obj
def validate(root: Path, paths: tuple[Path, ...], strict: bool) -> Outcome:
    """Check records: YAML, fields, cross-record rules.

    With PATHS, report only problems in those files (all records are still loaded for the
    cross-record checks). Problems print as path:line:col: severity: field: message [rule].

    Exit status: 0 valid (warnings allowed unless --strict), 1 a record is invalid,
    2 usage error or unreadable config.
    """
    # neither check follows a link named here: reading it reports what it is (file-type)
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise Exit2(f"{display(missing[0])}: no such file")
    outside = [p for p in paths if p.absolute().parent.resolve() != root.resolve()]
    if outside:
        raise Exit2(f"{display(outside[0])} is not in the decisions folder {display(root)}; "
                    "records are checked in their folder (pass --dir)")
    checked = Checked(open_decisions(root, list(paths) if paths else None), paths, strict,
                      _rule_links(root))
    return Outcome(checked, 1 if checked.failed else 0)


def _rule_links(root: Path) -> RuleUrl:
    """A link to each rule's page, or none outside a git repository (a pre-commit run on a
    copy, say): a path such as docs/rules/x.md would not exist in an organisation's own."""
    try:
        return RuleLinks.beside(root).url
    except GitError:
        return lambda rule: None
