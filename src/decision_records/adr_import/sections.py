"""An ADR's sections, each read by the handler for its kind into typed pieces.

`HANDLERS` maps the kind of a section (its heading, looked up in `vocabulary.SECTION_KINDS`) to
a function from the section to the pieces it holds: context, drivers, notes about options,
the decision and its reasons, consequences, links, relations to other ADRs, and sections kept
as they are under "Imported sections". `read_sections` walks the sections in order and
gathers the pieces into one `AdrReading`. A handler reads nothing but its section and the
metadata found so far (a `## Status` section only says what the metadata has not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .document import LINK, Block, Section, blocks, one_line, plain, target, tidy
from .metadata import KNOWN_META, Metadata, meta_line
from .options import (
    CHECKBOX,
    Considered,
    OptionNote,
    add,
    capital,
    option_content,
    option_label,
    option_label_only,
    points,
    unwrap,
)
from .relations import Relation, relation_line, relations_in, unique
from .vocabulary import point_heading, section_kind

CHECK_CONSEQUENCES = ("consequences: text not marked good or bad is kept under Imported "
                      "sections; sort it into consequences.good and .bad")

_CHOSEN = re.compile(
    r"^[ \t]*(?:[*+-][ \t]+)?(?:\*\*|__)?(?:chosen|selected)(?:[ \t]+(?:option|alternative|"
    r"solution))?(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(?P<rest>.*(?:\n(?![ \t]*\n).*)*)",
    re.IGNORECASE | re.MULTILINE)
_DECISION_LABEL = re.compile(
    r"^[ \t]*(?:\*\*|__)?decision(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(?P<rest>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE)
_NAMED = re.compile(
    r"^\s*(?:\"(?P<q>[^\"]+)\"|\u201c(?P<c>[^\u201d]+)\u201d|\*\*(?P<b>[^*]+)\*\*"
    r"|`(?P<k>[^`]+)`|(?P<l>\[[^\]]+\]\([^)]*\))|(?P<p>[^,;\n]+?(?=[,;\n]|\.(?:\s|$)|$)))"
    r"(?P<tail>.*)$", re.DOTALL)
_BOLD_PARAGRAPH = re.compile(r"^(\*\*|__)(?P<name>[^*_\n]+)\1\s*(?:[:\-\u2013\u2014]+\s*)?"
                             r"(?P<rest>.*)$", re.DOTALL)
_TICKED = re.compile(r"^\s*[*+-]\s+\[[xX]\]\s+")
_REASON_LEAD = re.compile(r"^[\s,.;:]*(because\b[\s,:]*)?", re.IGNORECASE)


# --- the pieces a section holds --------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """A section kept as written under "Imported sections"."""

    section: Section


@dataclass(frozen=True)
class Prose:
    """Text in which relations to other ADRs are looked for."""

    text: str


@dataclass(frozen=True)
class Related:
    """Relations found where they stand alone (a status line, a list item)."""

    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class MetaValue:
    """A metadata line inside a section: the status of a `## Status` section, say."""

    key: str
    value: str


@dataclass(frozen=True)
class ContextText:
    text: str


@dataclass(frozen=True)
class DriverText:
    text: str


@dataclass(frozen=True)
class DecisionText:
    """A decision section as written, to look for the option it adopts."""

    text: str


@dataclass(frozen=True)
class Rationale:
    text: str


@dataclass(frozen=True)
class ChosenName:
    """`Chosen option: "X"`: the chosen option, as stated."""

    name: str


@dataclass(frozen=True)
class DecisionLabel:
    """`Decision: X`: the chosen option if X is exactly an option's name."""

    text: str


@dataclass(frozen=True)
class Consequence:
    kind: str  # good or bad
    text: str


@dataclass(frozen=True)
class LinkItem:
    """A link listed under `Links` / `References`: (title, target as written)."""

    title: str
    target: str


@dataclass(frozen=True)
class CheckNote:
    """A note for a person, not about one value."""

    text: str


Piece = (Kept | Prose | Related | MetaValue | ContextText | DriverText | DecisionText | Rationale
         | ChosenName | DecisionLabel | Consequence | LinkItem | CheckNote | OptionNote)
Pieces = list[Piece]
Handler = Callable[[Section, Mapping[str, Any]], Pieces]


# --- one handler a kind of section -----------------------------------------------------------


def _related(found: list[Relation]) -> Pieces:
    return [Related(tuple(found))] if found else []


def _status(section: Section, meta: Mapping[str, Any]) -> Pieces:
    if meta.get("status") is not None:  # front matter or a metadata line already says
        return [Kept(section)]
    lines = section.body.split("\n")
    checked = [_TICKED.sub("", line) for line in lines if _TICKED.match(line)]
    out: Pieces = []
    known = set(meta)
    phrase, extra = "", []
    for line in lines:
        text = line.strip().lstrip("*+- ").strip()
        if not text:
            continue
        alone, found = relation_line(text)
        out += _related(found)
        if alone:
            continue
        if CHECKBOX.match(text) and checked:
            continue  # a checklist of statuses: the ticked one is the status
        m = meta_line(line)
        if m and m.value and m.key in KNOWN_META - {"status"} and m.key not in known:
            out.append(MetaValue(m.key, m.value))
            known.add(m.key)
        elif not phrase:
            phrase = text
            out += _related(relations_in(text)[0])
        else:
            extra.append(line)
    out.append(MetaValue("status", checked[-1].strip() if checked else phrase))
    if extra or section.children:
        out.append(Kept(Section(section.heading, section.level, tidy("\n".join(extra)),
                                section.children)))
    return out


def _context(section: Section, meta: Mapping[str, Any]) -> Pieces:
    text = section.content(3)
    return [ContextText(text), Prose(text)] if text else []


def _drivers(section: Section, meta: Mapping[str, Any]) -> Pieces:
    found = blocks(section.body)
    items = [b for b in found if b.kind == "item"]
    # A list is the drivers, and text around it an introduction; without a list, each
    # paragraph is a driver.
    out: Pieces = [DriverText(b.text + (f"\n\n{b.body}" if b.body else "")) for b in items]
    if not items:
        out += [DriverText(one_line(b.text)) for b in found]
    intro = [b.text for b in found if b.kind == "text"] if items else []
    if intro or section.children:
        out.append(Kept(Section(section.heading, section.level, "\n\n".join(intro),
                                section.children)))
    return [*out, Prose(section.body)]


def _options(section: Section, meta: Mapping[str, Any]) -> Pieces:
    origin = section_kind(section.heading) or "options"
    out: Pieces = []
    leftover = []
    for block in blocks(section.body):
        if block.kind == "item":
            alone, found = relation_line(block.text)
            out += _related(found)
            if not alone:
                out.append(_option_item(block, origin))
        elif m := _BOLD_PARAGRAPH.match(block.text):
            # `**Elasticsearch**: heavy to run.` -- a paragraph per option
            name, more, marked = option_label(m["name"])
            rest = tidy(" ".join(p for p in (more, m["rest"]) if p))
            out.append(OptionNote(name, origin, loose=False, marked=marked,
                                  summary=(Block("text", capital(rest)),) if rest else ()))
        else:
            leftover.append(block.text)
    if leftover:
        out.append(Kept(Section(section.heading, section.level, "\n\n".join(leftover))))
    # options described in subsections of their own
    return out + [_option_section(child, origin) for child in section.children]


def _option_item(block: Block, origin: str) -> OptionNote:
    name, summary, marked = option_label(block.text)
    content = option_content(blocks(block.body))
    return OptionNote(
        name, origin, loose=False, marked=marked,
        alias=option_label_only(block.text) if name != block.text else None,
        summary=((Block("text", capital(summary)),) if summary else ()) + content.summary,
        pros=content.pros, cons=content.cons, neutral=content.neutral)


def _option_section(section: Section, origin: str) -> OptionNote:
    name, summary, marked = option_label(section.heading)
    content = option_content(blocks(section.body))
    pros, cons, details = list(content.pros), list(content.cons), []
    for child in section.children:
        kind = point_heading(child.heading)
        if kind in ("good", "bad"):  # `#### Pros` / `#### Cons` under the option
            for b in blocks(child.body):
                point = b.text + (f"\n\n{b.body}" if b.body else "")
                (pros if kind == "good" else cons).append(capital(point))
        else:
            details.append(child)
    return OptionNote(
        name, origin, marked=marked,
        alias=option_label_only(section.heading) if name != section.heading.strip() else None,
        summary=((Block("text", capital(summary)),) if summary else ()) + content.summary,
        pros=tuple(pros), cons=tuple(cons), neutral=content.neutral, details=tuple(details))


def _pros_cons(section: Section, meta: Mapping[str, Any]) -> Pieces:
    out: Pieces = [Kept(Section(section.heading, section.level, section.body))] \
        if section.body else []
    return out + [_option_section(child, "pros-cons") for child in section.children]


def _decision(section: Section, meta: Mapping[str, Any]) -> Pieces:
    body = section.body
    out: Pieces = [DecisionText(body)]
    m = _CHOSEN.search(body)
    if m:
        named = _NAMED.match(m["rest"])
        reason = ""
        if named:
            value = next(g for g in named.group("q", "c", "b", "k", "l", "p") if g is not None)
            out.append(ChosenName(unwrap(value.strip())))
            reason = _REASON_LEAD.sub("", named["tail"], count=1)
        body = body[:m.start()] + capital(reason.strip()) + body[m.end():]
    elif d := _DECISION_LABEL.search(body):
        out.append(DecisionLabel(d["rest"].strip()))
    if tidy(body):
        out += [Rationale(tidy(body)), Prose(body)]
    for child in section.children:
        kind = section_kind(child.heading)
        if kind in ("consequences", "good", "bad"):
            out += _consequences(child, meta)
        elif kind in ("options", "alternatives"):
            out += _options(child, meta)
        else:
            out.append(Kept(child))
    return out


def _consequences(section: Section, meta: Mapping[str, Any]) -> Pieces:
    kind = section_kind(section.heading)
    if kind not in ("good", "bad"):
        kind = point_heading(section.heading) or kind
    found = blocks(section.body)
    marked = any(b.kind == "item" and points(b)[0] in ("good", "bad") for b in found)
    split = any(point_heading(c.heading) in ("good", "bad") for c in section.children)
    if kind == "consequences" and not marked and not split:
        # free text, as Nygard's template has it: keep it as written
        return [Kept(section), CheckNote(CHECK_CONSEQUENCES)]
    out: Pieces = []
    unsorted: list[Block] = []
    for block in found:
        point_kind, point = points(block) if block.kind == "item" else (None, block.text)
        if kind in ("good", "bad"):  # under `Positive Consequences` / `### Pros`: all
            out.append(Consequence(kind, point if block.kind == "item"
                                   else one_line(block.text)))
        elif point_kind in ("good", "bad"):
            out.append(Consequence(point_kind, point))
        else:
            unsorted.append(block)
    children = list(section.children)
    for child in section.children:
        if point_heading(child.heading) in ("good", "bad"):
            out += _consequences(child, meta)
            children.remove(child)
    if unsorted or children:
        body = ""
        for i, b in enumerate(unsorted):
            sep = "\n" if i and b.kind == unsorted[i - 1].kind == "item" else "\n\n"
            body += (sep if i else "") + b.markdown()
        out.append(Kept(Section(section.heading, section.level, body, children)))
        if kind != "neutral":
            out.append(CheckNote(CHECK_CONSEQUENCES))
    return [*out, Prose(section.body)]


def _links(section: Section, meta: Mapping[str, Any]) -> Pieces:
    out: Pieces = []
    leftover: list[str] = []
    for block in blocks(section.body):
        if block.kind == "item":
            alone, related = relation_line(block.text)
            out += _related(related)
            if alone:
                continue
        found = list(LINK.finditer(block.text))
        if block.kind == "item" and found and not block.body:
            whole = plain(block.text) if len(found) == 1 else None
            out += [LinkItem(whole or plain(m["text"]) or target(m), target(m)) for m in found]
        else:
            leftover.append(block.markdown())
    if leftover or section.children:
        out.append(Kept(Section(section.heading, section.level, "\n".join(leftover),
                                section.children)))
    return out


HANDLERS: dict[str, Handler] = {
    "status": _status, "context": _context, "drivers": _drivers, "options": _options,
    "alternatives": _options, "decision": _decision, "consequences": _consequences,
    "good": _consequences, "bad": _consequences, "pros-cons": _pros_cons, "links": _links,
}


# --- all of them -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdrReading:
    """What an ADR's metadata and sections say, before any field is worked out."""

    meta: Mapping[str, Any]
    kinds: frozenset[str]  # the kinds of section seen ('' for unknown ones)
    kept: tuple[str, ...]  # Markdown chunks for "Imported sections", in order
    prose: tuple[str, ...]  # text in which relations are looked for
    relations: tuple[Relation, ...]  # found where they stand alone
    context: tuple[str, ...]
    drivers: tuple[str, ...]
    options: tuple[Considered, ...]
    rationale: tuple[str, ...]
    decision_text: tuple[str, ...]
    chosen: str | None  # as stated by `Chosen option: "X"`
    decision_label: str | None  # `Decision: X`
    good: tuple[str, ...]
    bad: tuple[str, ...]
    links: tuple[tuple[str, str], ...]  # (title, target as written)
    check: tuple[str, ...]

    @property
    def structured(self) -> bool:
        """Whether the ADR has any structure of an ADR: a status, a decision, options."""
        return ("status" in self.meta or "status" in self.kinds or self.chosen is not None
                or bool(self.kinds & {"decision", "options", "alternatives", "pros-cons"}))


def _descendants(section: Section) -> list[Section]:
    out: list[Section] = []
    for child in section.children:
        out += [child, *_descendants(child)]
    return out


def _walk(sections: list[Section], meta: dict[str, Any], kinds: set[str]) -> Pieces:
    """Each section's pieces, in order; `meta` and `kinds` grow as sections are read."""
    out: Pieces = []
    for section in sections:
        kind = section_kind(section.heading)
        kinds.add(kind or "")
        handler = HANDLERS.get(kind or "")
        if handler is not None:
            found = handler(section, MappingProxyType(meta))
            meta.update((p.key, p.value) for p in found if isinstance(p, MetaValue))
            out += found
        elif any(section_kind(c.heading) for c in _descendants(section)):
            # `## Details` holding `### Status` and `### Decision`: the known sections are
            # mapped wherever they sit; the rest is kept
            if section.body:
                out.append(Kept(Section(section.heading, section.level, section.body)))
            out += _walk(section.children, meta, kinds)
        else:
            out.append(Kept(section))
    return out


def read_sections(sections: list[Section], metadata: Metadata) -> AdrReading:
    """The sections' pieces gathered, after what the metadata says."""
    meta = dict(metadata.values)
    kinds: set[str] = set()
    pieces = _walk(sections, meta, kinds)
    kept, prose = list(metadata.kept), [metadata.preamble]
    relations: list[Relation] = []
    options: tuple[Considered, ...] = ()
    chosen: str | None = None
    label: str | None = None
    texts: dict[type, list[str]] = {t: [] for t in (ContextText, DriverText, Rationale,
                                                      DecisionText, CheckNote)}
    points: dict[str, list[str]] = {"good": [], "bad": []}
    links: list[tuple[str, str]] = []

    def keep(section: Section) -> None:
        kept.append(section.markdown(4))
        prose.append(section.content(5))

    for piece in pieces:
        if isinstance(piece, Kept):
            keep(piece.section)
        elif isinstance(piece, Prose):
            prose.append(piece.text)
        elif isinstance(piece, Related):
            relations += piece.relations
        elif isinstance(piece, ContextText | DriverText | Rationale | DecisionText | CheckNote):
            texts[type(piece)].append(piece.text)
        elif isinstance(piece, ChosenName):
            chosen = piece.name
        elif isinstance(piece, DecisionLabel):
            label = piece.text
        elif isinstance(piece, Consequence):
            points[piece.kind].append(piece.text)
        elif isinstance(piece, LinkItem):
            links.append((piece.title, piece.target))
        elif isinstance(piece, OptionNote):
            options, option = add(options, piece)
            for child in piece.details:
                keep(Section(f"{option.name}: {child.heading}", child.level, child.body,
                             child.children))
    return AdrReading(
        MappingProxyType(meta), frozenset(kinds), tuple(kept), tuple(prose), unique(relations),
        tuple(texts[ContextText]), tuple(texts[DriverText]), options, tuple(texts[Rationale]),
        tuple(texts[DecisionText]), chosen, label, tuple(points["good"]), tuple(points["bad"]),
        tuple(links), (*metadata.check, *texts[CheckNote]))
