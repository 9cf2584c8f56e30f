"""Links from one ADR to another: `Superseded by [3. Use X](0003-use-x.md)`, `Related: ...`.

Supersession is resolved into `supersedes` once every record has its number; the other
relations become links titled with their verb. Targets are kept as the ADR wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import LINK, one_line, plain, target
from .vocabulary import RELATION_NAMES, RELATION_VERBS

_LINK_ANY = re.sub(r"\?P<\w+>", "", LINK.pattern)
_VERBS = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in RELATION_VERBS)
# `Superseded by [3. Use X](0003-use-x.md)`, `* Related: [A](a.md), [B](b.md)`, `This ADR
# amends [ADR 5](0005-x.md)`: a relation verb where a sentence or a list item starts (or
# after "this decision"), then one or more links.
_RELATION = re.compile(
    r"(?P<lead>^[ \t]*+(?:[*+-][ \t]++)?(?:\*\*|__)?|[.;!?][ \t]++(?:\*\*|__)?|\b(?:this|the)\s++"
    r"(?:adr|decision|record|document|proposal)\s+(?:is\s+|was\s+|has\s+been\s+|will\s+be\s+)?"
    r"|\bit\s+(?:is\s+|was\s+|has\s+been\s+))"
    r"(?P<verb>" + _VERBS + r")(?![\w-])(?:\*\*|__)?[ \t]*:?(?:\*\*|__)?[ \t]*:?[ \t]*"
    r"(?P<links>" + _LINK_ANY + r"(?:[ \t]*(?:,|;|&|\band\b|\bor\b)?[ \t]*" + _LINK_ANY + r")*)",
    re.IGNORECASE | re.MULTILINE)
_RELATION_FILLER = re.compile(r"[\s*_+.,;:-]|\b(this|the|adr|decision|record|is|was|has|been)\b",
                              re.IGNORECASE)


@dataclass(frozen=True)
class Relation:
    """A link from this ADR to another: `Superseded by [3. Use X](0003-use-x.md)`."""

    kind: str  # SUPERSEDES, SUPERSEDED_BY or another relation ('amends', 'related to')
    verb: str  # as written: 'Superseded by'
    text: str
    target: str  # as written in the source, relative to the source file


def relations_in(text: str) -> tuple[list[Relation], list[tuple[int, int]]]:
    """Each `Verb [text](target)` in `text`, and the spans they take."""
    found: list[Relation] = []
    spans = []
    for m in _RELATION.finditer(text):
        verb = one_line(m["verb"])
        kind = RELATION_NAMES.get(verb.lower(), verb.lower())
        for link in LINK.finditer(m["links"]):
            if link["bang"]:
                continue
            shown = "related to" if verb.lower() == "related" else verb
            found.append(Relation(kind, shown[:1].upper() + shown[1:], plain(link["text"]),
                                  target(link)))
        spans.append((m.start("verb"), m.end()))
    return found, spans


def relation_line(text: str) -> tuple[bool, list[Relation]]:
    """(whether the line is nothing but relations, the relations in it)."""
    found, spans = relations_in(text)
    if not spans:
        return False, found
    rest = text
    for a, b in reversed(spans):
        rest = rest[:a] + rest[b:]
    return not _RELATION_FILLER.sub("", rest), found


def unique(relations: list[Relation]) -> tuple[Relation, ...]:
    """Each relation once, where it was first found."""
    return tuple(dict.fromkeys(relations))
