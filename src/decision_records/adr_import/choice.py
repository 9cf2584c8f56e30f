"""Which option an ADR chose: stated, marked where it is listed, or inferred from the decision.

An import never claims a choice the ADR did not make: a sentence that adopts exactly one
option ("We will use Lunr.js", "Lunr.js was chosen") is taken as a guess, negated sentences and
what follows "instead of" do not count, and when nothing says, the choice is left to a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .document import Block, one_line, plain
from .options import Considered, OptionNote, add, find, key, option_label
from .sections import AdrReading

TODO_CHOSEN = "TODO the name of the chosen option"

# "We will use X", "the team decided to adopt X": the words after the verb are the object.
_ACTIVE = re.compile(
    r"\b(?:we|i|the\s++team|our\s++team)\s++(?:(?:will|shall|would|are\s++going\s++to|'ll"
    r"|have|has|had|did|do|should|must|now|therefore|then|finally)\s++)*(?:(?:decided|agreed"
    r"|chose|plan|want|propose|intend|opted)\s++(?:to\s++|on\s++|for\s++)?)?"
    r"(?P<neg>not\s++|never\s++)?"
    r"(?P<verb>use|adopt|go\s++with|going\s++with|choose|chose|chosen|pick|picked|select"
    r"|selected|opt\s++for|settle\s++on|settled\s++on|move\s++to|switch\s++to|migrate\s++to"
    r"|stay\s++with|keep|build|buy|implement|introduce|standardi[sz]e\s++on|deploy|rely\s++on"
    r"|prefer|recommend)\b(?P<object>(?:[^.;:\n]|[.:](?=\w))*+)",
    re.IGNORECASE)
# "X was chosen": found by its verb; the subject is up to PASSIVE_REACH characters before it
# within the clause (see `adoptions`).
_PASSIVE = re.compile(
    r"(?<!\s)\s++(?:was|is|has\s++been|will\s++be)\s++(?P<pneg>not\s++)?"
    r"(?:chosen|selected|adopted|picked)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;\n]|[.:](?!\w)")
PASSIVE_REACH = 120
_NOT_THIS = re.compile(r"\b(?:instead\s+of|rather\s+than|over|in\s+place\s+of|as\s+opposed\s+to"
                       r"|versus|vs\.?|not|but\s+not|and\s+not|replacing|unlike)\b.*$",
                       re.IGNORECASE | re.DOTALL)
_OBJECT_SEP = re.compile(r"[,;]")
_LIST_MARK = re.compile(r"^[ \t]*+(?:[*+-]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)")


@dataclass(frozen=True)
class Choice:
    options: tuple[Considered, ...]  # the options, with any the choice added
    chosen: str  # an option's name, or TODO_CHOSEN
    guessed: str | None = None  # what the guess was made from, when it is one
    check: tuple[str, ...] = ()
    guesses: tuple[tuple[str, str], ...] = ()  # about other fields than decision.chosen


@dataclass(frozen=True)
class _Adoption:
    phrase: str  # the words that say it
    words: str  # what is adopted: the object, or the subject of a passive
    active: bool
    negated: bool


def adoptions(text: str) -> Iterator[_Adoption]:
    """Each "we will use X" or "X was chosen" in text, in order and not overlapping.

    One pattern could say both, with the passive's subject as up to PASSIVE_REACH characters
    before its verb; but it would try those characters from every position of the text. So
    the verbs of the passive are found on their own, and the subject is taken back from each
    to the start of its clause, at most PASSIVE_REACH characters: the same matches, in time
    linear in the text.
    """
    at = 0
    active = _ACTIVE.search(text)
    passive = _PASSIVE.search(text, 1)
    while active is not None or passive is not None:
        subject = None
        while passive is not None:
            lo = max(at, passive.start() - PASSIVE_REACH)
            ends = [m.end() for m in _CLAUSE_END.finditer(text, lo, passive.start())]
            start = ends[-1] if ends else lo
            if start < passive.start():
                subject = start
                break
            passive = _PASSIVE.search(text, passive.start() + 1)
        if active is not None and (subject is None or active.start() <= subject):
            yield _Adoption(active[0], active["object"], True, bool(active["neg"]))
            at = active.end()
        elif passive is not None and subject is not None:
            yield _Adoption(text[subject:passive.end()], text[subject:passive.start()], False,
                            bool(passive["pneg"]))
            at = passive.end()
        else:
            return
        if active is not None and active.start() < at:
            active = _ACTIVE.search(text, at)
        if passive is not None and passive.start() < at + 1:
            passive = _PASSIVE.search(text, at + 1)


def _contains(haystack: str, needle: str) -> int:
    """Where the words of `needle` start in `haystack` (both keys), or -1."""
    if not needle:
        return -1
    m = re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack)
    return m.start() if m else -1


def adopted(options: tuple[Considered, ...], text: str) -> tuple[Considered, str] | None:
    """The one option a sentence like 'We will use X' adopts, and those words."""
    if not options:
        return None
    for adoption in adoptions(plain(text) if "\n" not in text else
                              "\n".join(plain(line) for line in text.split("\n"))):
        if adoption.negated:
            continue
        words = _NOT_THIS.sub("", adoption.words) if adoption.active else \
            _OBJECT_SEP.split(adoption.words)[-1]
        wanted = key(words)
        hits = sorted(((at, o) for o in options for k in o.names()
                       if (at := _contains(wanted, k)) >= 0 and len(k) >= 2),
                      key=lambda hit: hit[0])
        chosen = {id(o): o for _, o in hits}
        if len(chosen) == 1:
            return hits[0][1], one_line(adoption.phrase)
    return None


def first_sentence(text: str) -> str:
    line = plain(_LIST_MARK.sub("", text))
    m = _SENTENCE.match(line)
    sentence = m[1] if m else line
    return sentence if len(sentence) <= 300 else sentence[:299].rsplit(" ", 1)[0] + "\u2026"


def choose(reading: AdrReading, title: str) -> Choice:
    """The chosen option, in the order of what counts: stated, marked, `Decision: X`, a
    sentence adopting one option, and for a Nygard ADR (no options, or only alternatives) an
    option named after the title."""
    options = reading.options
    if reading.chosen is not None:  # `Chosen option: "X"`
        option, exact = find(options, reading.chosen)
        if option is None:
            check = (f"options: the chosen option {reading.chosen!r} was not among the "
                     "considered options; added",) if options else ()
            options, option = add(options, OptionNote(reading.chosen, "decision"))
            return Choice(options, option.name, check=check)
        if not exact:
            return Choice(options, option.name,
                          f"'Chosen option: {reading.chosen}' taken to mean this option")
        return Choice(options, option.name)
    marked = [o for o in options if o.marked]
    if len(marked) == 1:
        return Choice(options, marked[0].name)
    if reading.decision_label is not None:
        label = option_label(reading.decision_label)[0]
        option, exact = find(options, label, loose=False)
        if option is not None and exact and (key(label) in option.names()):
            return Choice(options, option.name)
    found = adopted(options, "\n".join(reading.decision_text))
    if found is not None:
        option, words = found
        return Choice(options, option.name, f"{words!r} names this option")
    if not reading.structured:
        return Choice(options, TODO_CHOSEN)
    if not options or all(o.origin == "alternatives" for o in options):
        # Nygard-style: the decision is the title; alternatives, if any, were not chosen.
        rationale = "\n\n".join(reading.rationale)
        summary = (Block("text", first_sentence(rationale)),) if rationale else ()
        options = (Considered(title, origin="title", summary=summary), *options)
        why = "the source lists no options" if len(options) == 1 else \
            "the decision names none of the alternatives listed"
        return Choice(options, title, guesses=(("options[0].name", f"named after the title "
                                                f"({why}); rename it to the option itself"),))
    return Choice(options, TODO_CHOSEN)
