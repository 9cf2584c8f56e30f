"""The options an ADR considered: their names as written, and what each part of the ADR says
about them, gathered into one option per name.

An option is named in a list item (`* Lunr.js - a small index`), a bold paragraph, or a
heading of its own (`### Option 2: Lunr.js`), often in more than one place: each place gives
an `OptionNote`, and `add` puts the notes about one option together, matching names the way
pros-and-cons headings shorten them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .document import LINK, Block, Section, plain, unescape
from .vocabulary import point_heading

TODO_OPTION = "TODO another option that was considered"

_POINT = re.compile(
    r"^(?:\*\*|__)?(?P<kind>good|bad|neutral|pros?|cons?|positive|negative)(?:\*\*|__)?"
    r"(?:\s*[,:]\s*(?:because\b[,:]?\s*)?|\s+because\b[,:]?\s*)(?:\*\*|__)?(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL)
_POINT_KIND = {"good": "good", "pro": "good", "pros": "good", "positive": "good",
               "bad": "bad", "con": "bad", "cons": "bad", "negative": "bad",
               "neutral": "neutral"}
_OPTION_LABEL = re.compile(
    r"^(?P<label>(?:option|alternative|choice|approach|variant)\s*(?:#\s*)?(?:\d+|[a-z])\b"
    r"|\d+[.)])\s*(?:[:.)\-\u2013\u2014]+\s*|\s+|$)", re.IGNORECASE)
# Patterns that may start with spaces start only where a run of spaces does (`(?<!\s)`), so
# that a long run is not read again from each space in it.
_CHOSEN_MARK = re.compile(
    r"(?<!\s)\s*+(?:\((?:chosen|selected|accepted|adopted|our choice|decision|winner)\)"
    r"|\[(?:chosen|selected)\]|[\u2705\u2714\u2713\u2611]\ufe0f?|\u2190\s*chosen"
    r"|(?:\*\*|__)\(?(?:chosen|selected)\)?(?:\*\*|__))\s*+", re.IGNORECASE)
CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s+")
_SPLIT = re.compile(r":\s+|(?<!\s)\s++[-\u2013\u2014]\s+")
_NOT_WORD = re.compile(r"[^\w]+")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(.+?)\1")
_STRONG = re.compile(r"\*\*|__")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<!\s)\s++([:.,;])")
_BOLD_NAME = re.compile(r"^(\*\*|__)(.+?)\1\s*(?:[:\-\u2013\u2014]+\s*)?(.*)$", re.DOTALL)
_DECORATION = re.compile(r"(?<![:*_])[:*_]+$|^[*_]+")


def capital(text: str) -> str:
    """'it is fast' -> 'It is fast', leaving words like 'iOS' or 'macOS' alone."""
    first = text.split(" ", 1)[0].rstrip(",.;:!?")
    plain_word = first[:1].isalpha() and all(c.isalpha() or c in "-'" for c in first)
    return text[:1].upper() + text[1:] if plain_word and first.islower() else text


def key(name: str) -> str:
    """A name as compared: plain words, case folded."""
    return _NOT_WORD.sub(" ", plain(name).casefold()).strip()


def unwrap(text: str) -> str:
    """`**Lunr.js**` -> `Lunr.js`: emphasis around the whole text is formatting only. A name
    without links or code is plain text, its Markdown escapes undone (`Span\\<T\\>`)."""
    text = text.strip()
    m = _WRAPPED.fullmatch(text)
    text = m[2].strip() if m and not _STRONG.search(m[2]) else text
    return text if LINK.search(text) or "`" in text else unescape(text)


def option_label(text: str) -> tuple[str, str, bool]:
    """(name, what follows it, marked chosen) from an option's line or heading.

    `Option 2: Lunr.js - a client-side index` -> ('Lunr.js', 'a client-side index');
    `**Elasticsearch** (chosen): heavy` -> ('Elasticsearch', 'heavy', True). Links and code in
    the name are kept as Markdown."""
    text = text.strip()
    marked = False
    if m := CHECKBOX.match(text):
        marked = m["mark"] in "xX"
        text = text[m.end():]
    if _CHOSEN_MARK.search(text):
        marked = True
        text = _CHOSEN_MARK.sub(" ", text).strip()
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if m := _BOLD_NAME.match(text):
        inner, rest = m[2].strip(), m[3].strip()
        name, more, _ = option_label(inner)
        return name, " ".join(p for p in (more, rest) if p), marked
    label = _OPTION_LABEL.match(text)
    head = text[label.end():] if label else text
    # only the splits in the first 80 characters are tried, so only links starting there count
    links_at = [(m.start(), m.end())
                for m in itertools.takewhile(lambda m: m.start() <= 80, LINK.finditer(head))]
    for split in _SPLIT.finditer(head):
        if split.start() > 80:
            break
        if any(a < split.start() < b for a, b in links_at):
            continue
        name, rest = head[:split.start()].strip(), head[split.end():].strip()
        if name and rest:
            return unwrap(name), rest, marked
    if not head.strip():  # `Option 2` alone: that is its name
        return text.rstrip(":.-\u2013\u2014 "), "", marked
    return unwrap(head.rstrip(":")), "", marked


def option_label_only(text: str) -> str:
    """`Option 2: Lunr.js` -> `Option 2`, the label an ADR may refer to the option by."""
    m = _OPTION_LABEL.match(CHECKBOX.sub("", text.strip()))
    return m["label"].rstrip(".)") if m else text


def points(block: Block) -> tuple[str | None, str]:
    """(good, bad, neutral or None, the point) for a list item `Good, because it is fast`."""
    text = block.text + (f"\n{block.body}" if block.body else "")
    m = _POINT.match(block.text)
    if not m:
        return None, text
    rest = m["rest"].strip() + (f"\n\n{block.body}" if block.body else "")
    return _POINT_KIND[m["kind"].lower()], capital(rest)


@dataclass(frozen=True)
class OptionNote:
    """What one place in the ADR says about an option."""

    name: str  # as read from that place
    origin: str  # the kind of section it came from: options, alternatives, pros-cons, ...
    loose: bool = True  # match the name loosely against options already known (see `find`)
    marked: bool = False  # marked chosen there: `* Lunr.js (chosen)`
    alias: str | None = None  # another name used there: 'Option 2'
    summary: tuple[Block, ...] = ()
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()
    neutral: tuple[str, ...] = ()
    details: tuple[Section, ...] = ()  # subsections kept as '<option>: <heading>'


@dataclass(frozen=True)
class Considered:
    """One option, from every note about it."""

    name: str
    origin: str = "options"  # the kind of section it was first named in
    aliases: frozenset[str] = frozenset()  # other names the ADR uses ('Option 2')
    summary: tuple[Block, ...] = ()
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()
    neutral: tuple[str, ...] = ()
    marked: bool = False  # marked chosen where it is listed: `* Lunr.js (chosen)`

    def names(self) -> set[str]:
        return {k for k in (key(self.name), *map(key, self.aliases)) if k}

    def with_note(self, note: OptionNote) -> Considered:
        return replace(self, marked=self.marked or note.marked,
                       aliases=self.aliases | ({note.alias} if note.alias else set()),
                       summary=self.summary + note.summary, pros=self.pros + note.pros,
                       cons=self.cons + note.cons, neutral=self.neutral + note.neutral)

    def describe(self) -> str:
        """The summary as Markdown, with the neutral points the model has no list for."""
        text = ""
        if len(self.summary) == 1 and self.summary[0].kind == "item":  # one note: a sentence
            only = self.summary[0]
            text = capital(only.text) + (f"\n\n{only.body}" if only.body else "")
        for i, b in enumerate(self.summary if not text else ()):
            sep = "\n" if i and b.kind == self.summary[i - 1].kind == "item" else "\n\n"
            text += (sep if i else "") + b.markdown()
        if self.neutral:
            text += ("\n\n" if text else "") + "Neutral: " + "; ".join(self.neutral) + "."
        return text.strip()


def find(options: Sequence[Considered], name: str,
         loose: bool = True) -> tuple[Considered | None, bool]:
    """(the option of that name, whether the name matched exactly). `loose` also accepts
    one name starting with the other ('PostgreSQL' for 'PostgreSQL 16'), as pros-and-cons
    headings often shorten names."""
    wanted = key(name)
    if not wanted:
        return None, False
    stripped = key(option_label(name)[0])
    exact = next((o for o in options if wanted in o.names() or stripped in o.names()), None)
    if exact is not None or not loose or len(wanted) < 3:
        return exact, exact is not None
    close = [o for o in options
             if len(key(o.name)) >= 3 and (key(o.name).startswith(wanted)
                                           or wanted.startswith(key(o.name)))]
    return (close[0], False) if len(close) == 1 else (None, False)


def add(options: tuple[Considered, ...],
        note: OptionNote) -> tuple[tuple[Considered, ...], Considered]:
    """The options with the note added to the option it is about (a new one at the end when
    it names none), and that option."""
    option, _ = find(options, note.name, note.loose)
    if option is None:
        new = Considered(note.name or TODO_OPTION, origin=note.origin).with_note(note)
        return (*options, new), new
    merged = option.with_note(note)
    return tuple(merged if o is option else o for o in options), merged


def option_content(found: list[Block]) -> OptionNote:
    """Nested points and text under an option: pros, cons, the rest its summary (as a note
    without a name)."""
    summary: list[Block] = []
    pros: list[str] = []
    cons: list[str] = []
    neutral: list[str] = []
    for sub in found:
        if sub.kind == "text":
            summary.append(sub)
            continue
        heading = point_heading(_DECORATION.sub("", sub.text.strip()))
        if heading in ("good", "bad") and sub.body:  # `* Pros:` with the points under it
            for item in sub.items:
                text = item.text + (f"\n\n{item.body}" if item.body else "")
                (pros if heading == "good" else cons).append(capital(text))
            continue
        kind, point = points(sub)
        if kind == "good":
            pros.append(point)
        elif kind == "bad":
            cons.append(point)
        elif kind == "neutral":
            neutral.append(point)
        else:
            summary.append(sub)
    return OptionNote("", "", summary=tuple(summary), pros=tuple(pros), cons=tuple(cons),
                      neutral=tuple(neutral))
