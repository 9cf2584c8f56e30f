"""Dependencies joined with the records: covered, pending, contradicted, uncovered, unused.

For each package a manifest uses, every record that names it in any option:

- covered: the chosen option of an accepted record names it;
- pending: only the chosen option of a proposed record does;
- contradicted: records name it, but only in options they did not choose, or in rejected,
  superseded or deprecated records: the organisation decided against it;
- uncovered: no record names it.

And the other way round, unused: accepted records whose chosen packages none of the
manifests use, counting only packages of a kind the manifests could name (a scan of
requirements files says nothing about npm packages).

An SBOM component whose package URL or CPE is one of a product's identifiers, as the
snapshot holds them for the records' `eol:` references (`pkg:docker/library/postgres` for
PostgreSQL), counts as that product's cycle its version falls in: `postgres@16.2` is
`eol:postgresql@16`. Only products some record names are looked for; a product's cycles
are never counted as unused, since an SBOM rarely lists the servers a service talks to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding
from ..model import Entry
from ..records import Decisions
from ..refs import kind_of, normalise
from ..settings.coverage import CoverageConfig
from ..signals.sources.endoflife import SOURCE as ENDOFLIFE
from .manifests import Found, Note, Product, product_key
from .scan import Inventory
from .snapshot import (
    CoverageSnapshot,
    DependencyItem,
    FindingItem,
    IgnoredItem,
    MentionItem,
    NoteItem,
    UnusedItem,
)

STATUSES = ("contradicted", "uncovered", "pending", "covered")  # most urgent first
SUMMARY = ("covered", "pending", "contradicted", "uncovered", "unused")


@dataclass(frozen=True)
class Mention:
    """A record that names a package in one of its options."""

    entry: Entry
    option: str
    chosen: bool

    def item(self) -> MentionItem:
        return MentionItem(id=self.entry.id, status=self.entry.record.status,
                           means=self.entry.record.means, option=self.option,
                           chosen=self.chosen)


@dataclass(frozen=True)
class Dependency:
    ref: str
    status: str
    found: tuple[Found, ...]  # where manifests name it
    mentions: tuple[Mention, ...]
    repositories: tuple[str, ...] = ()

    @property
    def manifests(self) -> list[str]:
        return list(dict.fromkeys(f.manifest for f in self.found))

    @property
    def where(self) -> str:
        """'app/requirements.txt:4' (the first place that names it)."""
        f = self.found[0]
        return f"{f.manifest}:{f.line}" if f.line else f.manifest

    @property
    def reason(self) -> str:
        """One line on why it has its status."""
        if self.status == "uncovered":
            return "no record names it"
        if self.status == "covered":
            shown = [m for m in self.mentions
                     if m.chosen and m.entry.record.means == "accepted"]
            return "chosen in " + ", ".join(f"{m.entry.short} ({m.entry.record.status})"
                                            for m in shown)
        if self.status == "pending":
            shown = [m for m in self.mentions
                     if m.chosen and m.entry.record.means == "proposed"]
            return "chosen in " + ", ".join(f"{m.entry.short} ({m.entry.record.status})"
                                            for m in shown) + ", not yet accepted"
        parts = []
        for m in self.mentions:
            if m.chosen:
                parts.append(f"{m.entry.short} chose it but is {m.entry.record.status}")
            else:
                parts.append(f"{m.entry.short} ({m.entry.record.status}) chose "
                             f"{m.entry.record.decision.chosen!r} over {m.option!r}")
        return "; ".join(parts)

    def item(self) -> DependencyItem:
        return DependencyItem(ref=self.ref, status=self.status, manifests=self.manifests,
                              records=[m.item() for m in self.mentions])

    def as_dict(self) -> dict[str, object]:
        return self.item().model_dump(mode="json")


@dataclass(frozen=True)
class Unused:
    ref: str
    records: tuple[Entry, ...]

    def item(self) -> UnusedItem:
        return UnusedItem(ref=self.ref, records=[e.id for e in self.records])


@dataclass(frozen=True)
class IgnoredDependency:
    ref: str
    reason: str
    found: tuple[Found, ...]

    @property
    def manifests(self) -> list[str]:
        return list(dict.fromkeys(f.manifest for f in self.found))

    def item(self) -> IgnoredItem:
        return IgnoredItem(ref=self.ref, reason=self.reason, manifests=self.manifests)


@dataclass
class Coverage:
    dependencies: list[Dependency]
    unused: list[Unused]
    ignored: list[IgnoredDependency]
    findings: list[Finding]
    inventory: Inventory = field(default_factory=Inventory)

    def of(self, status: str) -> list[Dependency]:
        return [d for d in self.dependencies if d.status == status]

    @property
    def notes(self) -> list[Note]:
        """How manifests were read where a reader could mistake it (an SBOM that gave no
        dependency, a dependency graph read by its roots): never a failure."""
        return sorted(self.inventory.notes)

    @property
    def summary(self) -> dict[str, int]:
        counts = {s: len(self.of(s)) for s in SUMMARY[:-1]}
        return {**counts, "unused": len(self.unused)}

    def output(self) -> CoverageSnapshot:
        """The JSON other tools read: the five keys of the documented shape first, then
        the ignored packages with their reasons, the manifests that could not be read and
        the notes on how some were read."""
        return CoverageSnapshot(
            dependencies=[d.item() for d in self.dependencies],
            unused=[u.item() for u in self.unused], summary=self.summary,
            ignored=[i.item() for i in self.ignored],
            findings=[FindingItem.of(f) for f in self.findings],
            notes=[NoteItem.of(n) for n in self.notes])

    def snapshot(self) -> CoverageSnapshot:
        """decisions/coverage.json: the JSON, and which repository each manifest is of."""
        return self.output().model_copy(update={
            "kinds": sorted(self.inventory.kinds),
            "repositories": self.inventory.repositories})

    def as_dict(self) -> dict[str, Any]:
        return self.output().model_dump(mode="json", exclude_none=True)


def mentions(decisions: Decisions) -> dict[str, list[Mention]]:
    """Normalised package reference -> every option of every record that names it."""
    by: dict[str, list[Mention]] = defaultdict(list)
    for e in decisions.entries:
        for o in e.record.options:
            for ref in dict.fromkeys(normalise(r) for r in o.packages):
                by[ref].append(Mention(e, o.name, o.name == e.record.decision.chosen))
    return by


def status_of(named: list[Mention]) -> str:
    if any(m.chosen and m.entry.record.means == "accepted" for m in named):
        return "covered"
    if any(m.chosen and m.entry.record.means == "proposed" for m in named):
        return "pending"
    return "contradicted" if named else "uncovered"


_NUMBERS = re.compile(r"v?(\d+(?:\.\d+)*)")


def cycle_of(version: str, named: Iterable[str]) -> str | None:
    """The cycle a version falls in: one of the named cycles it starts with ('16.2' in '16'),
    else its numbers cut to as many parts as the named cycles have ('15.4' -> '15')."""
    version = version.strip().removeprefix("v")
    cycles = sorted(named, key=len, reverse=True)
    for c in cycles:
        if version == c or (version.startswith(c) and version[len(c)] in ".-+_"):
            return c
    m = _NUMBERS.match(version)
    if not m or not cycles:
        return None
    parts = min(len(c.split(".")) for c in cycles)
    return ".".join(m[1].split(".")[:parts])


def products_found(products: Iterable[Product], named: Iterable[str],
                   decisions: Decisions) -> list[Found]:
    """The SBOM components that are cycles of products the records name (`eol:` refs)."""
    by_identifier: dict[str, str] = {}  # identifier -> product
    cycles: dict[str, set[str]] = defaultdict(set)  # product -> cycles the records name
    for text in named:
        if kind_of(text) != ENDOFLIFE.kind:
            continue
        product, _, named_cycle = text.partition(":")[2].partition("@")
        cycles[product].add(named_cycle)
        held = decisions.snapshot.get(text)
        identifiers = held.signals.get("identifiers") if held else None
        for identifier in identifiers if isinstance(identifiers, list) else []:
            key = product_key(identifier)
            if key:
                by_identifier.setdefault(key[0], product)
    out = []
    for p in products:
        name = by_identifier.get(p.identifier)
        cycle = cycle_of(p.version, cycles[name]) if name else None
        if name and cycle and re.fullmatch(ENDOFLIFE.name_rule, f"{name}@{cycle}"):
            out.append(Found(f"{ENDOFLIFE.kind}:{name}@{cycle}", p.manifest, p.line))
    return out


def join(inventory: Inventory, decisions: Decisions,
         settings: CoverageConfig | None = None) -> Coverage:
    """Every dependency of the inventory with its status, the unused decisions, the ignored."""
    settings = settings or decisions.config.coverage
    named = mentions(decisions)
    by_ref: dict[str, list[Found]] = defaultdict(list)
    for f in [*inventory.found, *products_found(inventory.products, named, decisions)]:
        by_ref[f.ref].append(f)
    owner = {m: name for name, ms in inventory.repositories.items() for m in ms}
    deps: list[Dependency] = []
    ignored: list[IgnoredDependency] = []
    for ref in sorted(by_ref):
        found = tuple(by_ref[ref])
        reason = settings.reason_for(ref)
        if reason is not None:
            ignored.append(IgnoredDependency(ref, reason, found))
            continue
        repos = tuple(sorted({owner[f.manifest] for f in found if f.manifest in owner}))
        deps.append(Dependency(ref, status_of(named.get(ref, [])), found,
                               tuple(named.get(ref, [])), repos))
    deps.sort(key=lambda d: (STATUSES.index(d.status), d.ref))
    unused: dict[str, list[Entry]] = defaultdict(list)
    for e in decisions.entries:
        chosen = e.record.chosen
        if e.record.means != "accepted" or chosen is None:
            continue
        visible = [r for r in dict.fromkeys(normalise(p) for p in chosen.packages)
                   if kind_of(r) in inventory.kinds]
        if visible and not any(r in by_ref for r in visible):
            for r in visible:
                unused[r].append(e)
    return Coverage(deps, [Unused(r, tuple(es)) for r, es in sorted(unused.items())],
                    ignored, sorted(inventory.findings), inventory)
