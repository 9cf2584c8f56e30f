"""The /coverage/ page: which packages the code uses, and what the records decided on them.

Built from decisions/coverage.json (written by `decisions coverage --write`) and from what
other repositories left in decisions/coverage/, so the build needs no code repository.
Statuses are worked out again from the records of this build: accepting a record updates
the page at once; only a change of dependencies needs a new snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..coverage.match import STATUSES, Coverage, Dependency, join
from ..coverage.output import HEADINGS, UNUSED
from ..coverage.scan import COLLECTED, Inventory, collected, label, read_snapshot
from ..coverage.snapshot import SNAPSHOT
from ..model import Entry
from ..refs import kind_of, page_url
from .context import RenderContext
from .signals import package_anchor
from .templates import render
from .urls import COVERAGE_URI, SIGNALS_URI

GUIDE = "decision-coverage.md"  # the hand-written page on how to feed this one
COLUMNS = [("package", "Package"), ("status", "Status"), ("repository", "Used in"),
           ("manifests", "Manifests"), ("records", "Records")]
# why a package has its status is the status badge's title; the records column says the same


@dataclass(frozen=True)
class _MentionLink:
    entry: Entry
    href: str
    note: str  # 'rejected; MongoDB, chosen'


@dataclass(frozen=True)
class _DependencyRow:
    dependency: Dependency
    repository: str
    manifests: list[str]
    package_href: str  # its row on the signals page, or its registry page
    records: list[_MentionLink]

    @property
    def kind(self) -> str:
        return kind_of(self.dependency.ref)


def _package_href(ctx: RenderContext, d: Dependency) -> str:
    if d.mentions:  # a record names it, so the signals page has its row
        return ctx.urls.href(COVERAGE_URI, SIGNALS_URI) + "#" + package_anchor(d.ref)
    return page_url(d.ref)


def _rows(ctx: RenderContext, c: Coverage) -> list[_DependencyRow]:
    owner = {m: name for name, ms in c.inventory.repositories.items() for m in ms}
    rows = []
    for d in c.dependencies:
        links = [_MentionLink(
            m.entry, ctx.urls.record(COVERAGE_URI, m.entry.id),
            f"{m.entry.record.status}; {m.option}{', chosen' if m.chosen else ''}")
            for m in d.mentions]
        by_repo: dict[str, list[str]] = {}
        for manifest in d.manifests:
            by_repo.setdefault(owner.get(manifest, "unknown"), []).append(manifest)
        for repo, manifests in sorted(by_repo.items()):
            rows.append(_DependencyRow(d, repo, manifests, _package_href(ctx, d), links))
    return rows


def coverage_of(ctx: RenderContext) -> Coverage | None:
    """The snapshot joined with the records of this build; None without a snapshot."""
    root = ctx.decisions.root
    inventory = read_snapshot(root)
    if inventory is None:
        if not (root / COLLECTED).is_dir():
            return None
        inventory = Inventory()
    fresh = Inventory()
    base = root.resolve().parent
    collected(root / COLLECTED, base, fresh)
    # decisions/coverage/ is read as it is now: a repository's file dropped there after the
    # snapshot was written replaces what the snapshot says of that repository, and what the
    # snapshot says of a file there that could not be read is said again, or no more
    stale = {m for repo in fresh.repositories for m in inventory.repositories.get(repo, [])}
    folder = label(root / COLLECTED, base) + "/"
    stale |= {f.path for f in inventory.findings if f.path.startswith(folder)}
    stale |= {n.path for n in inventory.notes if n.path.startswith(folder)}
    inventory.found = [f for f in inventory.found if f.manifest not in stale] + fresh.found
    inventory.manifests = [m for m in inventory.manifests if m not in stale] + fresh.manifests
    for repo, manifests in fresh.repositories.items():
        inventory.repositories[repo] = manifests
    inventory.kinds |= fresh.kinds
    inventory.findings = [f for f in inventory.findings if f.path not in stale] + fresh.findings
    inventory.notes = [n for n in inventory.notes if n.path not in stale] + fresh.notes
    return join(inventory, ctx.decisions)


def render_coverage_page(ctx: RenderContext) -> str:
    c = coverage_of(ctx)
    if c is None:
        return render("coverage.html", coverage=None, snapshot=SNAPSHOT, folder=COLLECTED,
                      guide_href=ctx.urls.href(COVERAGE_URI, GUIDE))
    rows = _rows(ctx, c)
    unused = [(u, [(e, ctx.urls.record(COVERAGE_URI, e.id)) for e in u.records])
              for u in c.unused]
    return render(
        "coverage.html", coverage=c, rows=rows, columns=COLUMNS, statuses=STATUSES,
        headings=HEADINGS, unused_heading=UNUSED, unused=unused, summary=c.summary,
        present=[s for s in STATUSES if c.of(s)],
        repositories=sorted({r.repository for r in rows}),
        kinds=sorted({r.kind for r in rows}), snapshot=SNAPSHOT, folder=COLLECTED,
        signals_href=ctx.urls.href(COVERAGE_URI, SIGNALS_URI), anchor=package_anchor,
        guide_href=ctx.urls.href(COVERAGE_URI, GUIDE))
