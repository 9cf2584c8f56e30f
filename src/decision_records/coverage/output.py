"""`decisions coverage` as text for a terminal and as Markdown for a pull-request comment.

Manifest paths and package names come from the code being scanned, record titles and
option names from pull requests: text goes through `escape`, Markdown through `md_inline`
and `md_code`, so none of them can add a line or rewrite the comment.
"""

from __future__ import annotations

from ..chars import escape
from ..textsafe import md_code, md_inline
from .match import STATUSES, Coverage, Dependency

HEADINGS = {
    "contradicted": "decided against: the records chose something else, or retired it",
    "uncovered": "no record names them",
    "pending": "chosen in a proposed record, not yet accepted",
    "covered": "chosen in an accepted record",
}
UNUSED = "accepted decisions no scanned manifest uses (release their tokens, or supersede them)"


def summary_line(c: Coverage) -> str:
    s = c.summary
    manifests = len(c.inventory.manifests)
    return (f"{s['covered']} covered, {s['pending']} pending, {s['contradicted']} "
            f"contradicted, {s['uncovered']} uncovered, {s['unused']} unused, "
            f"{len(c.ignored)} ignored, in {manifests} manifest{'s' * (manifests != 1)}")


def as_text(c: Coverage) -> str:
    out: list[str] = []
    width = max((len(d.ref) for d in c.dependencies), default=0)
    for status in STATUSES:
        deps = c.of(status)
        if not deps:
            continue
        out.append(f"{status} ({len(deps)}): {HEADINGS[status]}")
        for d in deps:
            out.append(f"  {escape(d.ref):<{width}}  {escape(d.where)}: {escape(d.reason)}")
    if c.unused:
        out.append(f"unused ({len(c.unused)}): {UNUSED}")
        for u in c.unused:
            ids = ", ".join(f"{e.short} {escape(e.record.title)}" for e in u.records)
            out.append(f"  {escape(u.ref)}: {ids}")
    if c.ignored:
        out.append(f"ignored ({len(c.ignored)}): left out in decisions/config.yaml")
        for i in c.ignored:
            out.append(f"  {escape(i.ref)}: {escape(i.reason)}")
    out.append(summary_line(c))
    return "\n".join(out) + "\n"


def findings_text(c: Coverage) -> str:
    return ("".join(f.format() + "\n" for f in c.findings)
            + "".join(n.format() + "\n" for n in c.notes))


def _records(d: Dependency) -> str:
    return "<br>".join(
        f"{md_inline(m.entry.short)} {md_inline(m.entry.record.title)} "
        f"({md_inline(m.entry.record.status)}; {md_inline(m.option)}"
        f"{', chosen' if m.chosen else ''})" for m in d.mentions) or "-"


def dependency_table(deps: list[Dependency]) -> str:
    rows = ["| Package | Status | Where | Records | Why |\n|---|---|---|---|---|\n"]
    for d in deps:
        rows.append(f"| {md_code(d.ref)} | {d.status} | {md_code(d.where)} | {_records(d)} | "
                    f"{md_inline(d.reason)} |\n")
    return "".join(rows)


def as_markdown(c: Coverage) -> str:
    s = c.summary
    out = ["## Decision coverage\n\n",
           "| Covered | Pending | Contradicted | Uncovered | Unused |\n|--:|--:|--:|--:|--:|\n",
           f"| {s['covered']} | {s['pending']} | {s['contradicted']} | {s['uncovered']} | "
           f"{s['unused']} |\n\n", summary_line(c) + ".\n"]
    for status in STATUSES:
        deps = c.of(status)
        if not deps:
            continue
        icon = {"contradicted": "❌ ", "uncovered": "⚠️ "}.get(status, "")
        out.append(f"\n### {icon}{status.capitalize()} ({len(deps)}): {HEADINGS[status]}\n\n")
        out.append(dependency_table(deps))
    if c.unused:
        out.append(f"\n### Unused ({len(c.unused)}): {UNUSED}\n\n| Package | Records |\n"
                   "|---|---|\n")
        for u in c.unused:
            ids = "<br>".join(f"{md_inline(e.short)} {md_inline(e.record.title)}"
                              for e in u.records)
            out.append(f"| {md_code(u.ref)} | {ids} |\n")
    if c.ignored:
        out.append(f"\n### Ignored ({len(c.ignored)})\n\n| Package | Reason |\n|---|---|\n")
        for i in c.ignored:
            out.append(f"| {md_code(i.ref)} | {md_inline(i.reason)} |\n")
    if c.findings:
        out.append(f"\n### Manifests that could not be read ({len(c.findings)})\n\n")
        for f in c.findings:
            out.append(f"- ❌ {md_code(f'{f.path}:{f.line}:{f.col}')}: {md_inline(f.message)}\n")
    if c.notes:
        out.append(f"\n### How some manifests were read ({len(c.notes)})\n\n")
        for n in c.notes:
            out.append(f"- {md_code(f'{n.path}:{n.line}:{n.col}')}: {md_inline(n.message)}\n")
    return "".join(out)
