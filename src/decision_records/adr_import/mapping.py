"""One parsed ADR -> the fields of a record, with what is missing, what was guessed and why.

Formats are told apart by their structure (front matter, a metadata list, a `## Status`
section), and every format goes through the same section mapping: the templates share most
section names, and an ADR that mixes them is mapped just as well. What has no field of its
own is kept as Markdown under "Imported sections" at the end of `context`, so nothing is lost.

A value is either read (the ADR states it) or guessed; each guess is listed with the field it
is in and what it was made from, and becomes an `imported.guesses` entry. Link targets are
left as the ADR wrote them: the batch rewrites them once every record has its number.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..chars import plain_line
from ..model import Status
from .document import (
    LINK,
    Block,
    Document,
    Section,
    blocks,
    one_line,
    plain,
    target,
    tidy,
    unescape,
)
from .vocabulary import (
    FILE_PREFIX,
    RELATION_NAMES,
    RELATION_VERBS,
    SUPERSEDED_BY,
    adr_like_name,
    clean_title,
    file_date,
    map_status,
    parse_date,
    partial_date,
    point_heading,
    section_kind,
    slug,
)

# Values written where the source has nothing: each starts with TODO, so `decisions validate`
# reports it under the `todo` rule until someone fills it in.
TODO_TEAM = "TODO-team"
TODO_CATEGORY = "todo"
TODO_DECIDERS = "TODO who decided"
TODO_CONTEXT = "TODO What was the situation and the problem? The source has no context section."
TODO_RATIONALE = "TODO Why this option? The source gives no reason."
TODO_SUMMARY = "TODO one sentence on what this option is"
TODO_FIRST_OPTION = "TODO the option that was chosen"
TODO_OPTION = "TODO another option that was considered"
TODO_CHOSEN = "TODO the name of the chosen option"
TODO_ON_CALL = "TODO who is paged when it breaks"
TODO_EXIT_PLAN = "TODO How would we leave the vendor? The source does not say."
TODO_WHY_NOT_BUY = "TODO Why could no product be bought or adopted? The source does not say."
CHECK_CONSEQUENCES = ("consequences: text not marked good or bad is kept under Imported "
                      "sections; sort it into consequences.good and .bad")

IMPORTED_HEADING = "### Imported sections"

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
# The value is the rest of the line without the spaces around it, taken as runs of spaces
# each followed by a word: a lazy value tried against `\s*$` after each character would read a
# run of spaces once per character in it.
_META_LINE = re.compile(
    r"^\s*(?P<item>[*+-]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z _-]{0,30}?)(?:\*\*|__)?"
    r"\s*:(?:\*\*|__)?\s*+(?P<value>(?:\s*+\S)*+)\s*+$")
_KNOWN_META = {"status", "date", "deciders", "decision-makers", "consulted", "informed", "tags",
               "technical-story", "title", "author", "authors", "decided-by"}
_POINT = re.compile(
    r"^(?:\*\*|__)?(?P<kind>good|bad|neutral|pros?|cons?|positive|negative)(?:\*\*|__)?"
    r"(?:\s*[,:]\s*(?:because\b[,:]?\s*)?|\s+because\b[,:]?\s*)(?:\*\*|__)?(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL)
_POINT_KIND = {"good": "good", "pro": "good", "pros": "good", "positive": "good",
               "bad": "bad", "con": "bad", "cons": "bad", "negative": "bad",
               "neutral": "neutral"}
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
_OPTION_LABEL = re.compile(
    r"^(?P<label>(?:option|alternative|choice|approach|variant)\s*(?:#\s*)?(?:\d+|[a-z])\b"
    r"|\d+[.)])\s*(?:[:.)\-\u2013\u2014]+\s*|\s+|$)", re.IGNORECASE)
# Patterns that may start with spaces start only where a run of spaces does (`(?<!\s)`), so
# that a long run is not read again from each space in it.
_CHOSEN_MARK = re.compile(
    r"(?<!\s)\s*+(?:\((?:chosen|selected|accepted|adopted|our choice|decision|winner)\)"
    r"|\[(?:chosen|selected)\]|[\u2705\u2714\u2713\u2611]\ufe0f?|\u2190\s*chosen"
    r"|(?:\*\*|__)\(?(?:chosen|selected)\)?(?:\*\*|__))\s*+", re.IGNORECASE)
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s+")
_SPLIT = re.compile(r":\s+|(?<!\s)\s++[-\u2013\u2014]\s+")
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
# within the clause (see `_adoptions`).
_PASSIVE = re.compile(
    r"(?<!\s)\s++(?:was|is|has\s++been|will\s++be)\s++(?P<pneg>not\s++)?"
    r"(?:chosen|selected|adopted|picked)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;\n]|[.:](?!\w)")
PASSIVE_REACH = 120
_NOT_THIS = re.compile(r"\b(?:instead\s+of|rather\s+than|over|in\s+place\s+of|as\s+opposed\s+to"
                       r"|versus|vs\.?|not|but\s+not|and\s+not|replacing|unlike)\b.*$",
                       re.IGNORECASE | re.DOTALL)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_WORD = re.compile(r"[^\w]+")
# Names split at commas, semicolons, line breaks and "and" / "&" between spaces on the line.
_NAME_SEP = re.compile(r"[,;\n]|(?<![^\S\n])[^\S\n]++and\s++|(?<![^\S\n])[^\S\n]*+&\s*+")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(.+?)\1")
_STRONG = re.compile(r"\*\*|__")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<!\s)\s++([:.,;])")
_BOLD_NAME = re.compile(r"^(\*\*|__)(.+?)\1\s*(?:[:\-\u2013\u2014]+\s*)?(.*)$", re.DOTALL)
_BOLD_PARAGRAPH = re.compile(r"^(\*\*|__)(?P<name>[^*_\n]+)\1\s*(?:[:\-\u2013\u2014]+\s*)?"
                             r"(?P<rest>.*)$", re.DOTALL)
_KEY_GAP = re.compile(r"[\s_]+")
_RELATION_FILLER = re.compile(r"[\s*_+.,;:-]|\b(this|the|adr|decision|record|is|was|has|been)\b",
                              re.IGNORECASE)
_TICKED = re.compile(r"^\s*[*+-]\s+\[[xX]\]\s+")
_DECORATION = re.compile(r"(?<![:*_])[:*_]+$|^[*_]+")
_REASON_LEAD = re.compile(r"^[\s,.;:]*(because\b[\s,:]*)?", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[\[{<].*[\]}>]")
_PLACEHOLDER_TITLE = re.compile(r"^(?:(?:number|nnnn|xxxx|n+|x+)\.?\s+)?title", re.IGNORECASE)
_TAG_SEP = re.compile(r"[,\s]+")
_OBJECT_SEP = re.compile(r"[,;]")
_FIELD_TOP = re.compile(r"[.\[]")
_FIELD_INDEX = re.compile(r"\[(\d+)\]")
_LIST_MARK = re.compile(r"^[ \t]*+(?:[*+-]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<rest>.+)$", re.MULTILINE)


class NotAnAdr(Exception):
    """The file is not an ADR this importer can place; the message says why."""


@dataclass(frozen=True)
class Relation:
    """A link from this ADR to another: `Superseded by [3. Use X](0003-use-x.md)`."""

    kind: str  # SUPERSEDES, SUPERSEDED_BY or another relation ('amends', 'related to')
    verb: str  # as written: 'Superseded by'
    text: str
    target: str  # as written in the source, relative to the source file


@dataclass
class Draft:
    """The record fields mapped from one ADR, before numbering and links are resolved."""

    form: str  # the layout recognised, for the report: 'Nygard', 'MADR 2', ...
    file_name: str
    fields: dict[str, Any]  # in the order they are written; link targets as in the source
    links: list[tuple[str, str]]  # (title, target as written) for `links`
    relations: list[Relation]
    todo: list[str] = field(default_factory=list)  # required fields written as TODO
    check: list[str] = field(default_factory=list)  # notes for a person, not about one value
    guesses: list[tuple[str, str]] = field(default_factory=list)  # (field path, note)

    @property
    def title(self) -> str:
        return str(self.fields["title"])

    @property
    def date(self) -> dt.date:
        value: dt.date = self.fields["date"]
        return value

    @property
    def slug(self) -> str:
        """For the file name: from the title, or the source's name when the title is a TODO."""
        if self.title.startswith("TODO"):
            return slug(FILE_PREFIX.sub("", _stem(self.file_name)))
        return slug(self.title)


def _stem(file_name: str) -> str:
    return file_name.rsplit(".", 1)[0] if "." in file_name[1:] else file_name


def _tag(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")


def _names(value: Any) -> list[str]:
    """People or tags from front matter (a list or a string) or a metadata line."""
    if value is None:
        return []
    if isinstance(value, list):
        raw = [str(v) for v in value if v is not None]
    else:
        raw = _NAME_SEP.split(str(value))
    return [name for name in (plain(r).strip(" -*") for r in raw) if name]


def _capital(text: str) -> str:
    """'it is fast' -> 'It is fast', leaving words like 'iOS' or 'macOS' alone."""
    first = text.split(" ", 1)[0].rstrip(",.;:!?")
    plain_word = first[:1].isalpha() and all(c.isalpha() or c in "-'" for c in first)
    return text[:1].upper() + text[1:] if plain_word and first.islower() else text


def _key(name: str) -> str:
    return _NOT_WORD.sub(" ", plain(name).casefold()).strip()


def _contains(haystack: str, needle: str) -> int:
    """Where the words of `needle` start in `haystack` (both keys), or -1."""
    if not needle:
        return -1
    m = re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack)
    return m.start() if m else -1


def _unwrap(text: str) -> str:
    """`**Lunr.js**` -> `Lunr.js`: emphasis around the whole text is formatting only. A name
    without links or code is plain text, its Markdown escapes undone (`Span\\<T\\>`)."""
    text = text.strip()
    m = _WRAPPED.fullmatch(text)
    text = m[2].strip() if m and not _STRONG.search(m[2]) else text
    return text if LINK.search(text) or "`" in text else unescape(text)


@dataclass
class _Option:
    name: str
    aliases: set[str] = field(default_factory=set)  # other names the ADR uses ('Option 2')
    summary: list[Block] = field(default_factory=list)
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)
    marked: bool = False  # marked chosen where it is listed: `* Lunr.js (chosen)`
    origin: str = "options"  # the kind of section it came from

    def names(self) -> set[str]:
        return {k for k in (_key(self.name), *map(_key, self.aliases)) if k}

    def describe(self) -> str:
        """The summary as Markdown, with the neutral points the model has no list for."""
        text = ""
        if len(self.summary) == 1 and self.summary[0].kind == "item":  # one note: a sentence
            only = self.summary[0]
            text = _capital(only.text) + (f"\n\n{only.body}" if only.body else "")
        for i, b in enumerate(self.summary if not text else []):
            sep = "\n" if i and b.kind == self.summary[i - 1].kind == "item" else "\n\n"
            text += (sep if i else "") + b.markdown()
        if self.neutral:
            text += ("\n\n" if text else "") + "Neutral: " + "; ".join(self.neutral) + "."
        return text.strip()


def _option_label(text: str) -> tuple[str, str, bool]:
    """(name, what follows it, marked chosen) from an option's line or heading.

    `Option 2: Lunr.js - a client-side index` -> ('Lunr.js', 'a client-side index');
    `**Elasticsearch** (chosen): heavy` -> ('Elasticsearch', 'heavy', True). Links and code in
    the name are kept as Markdown."""
    text = text.strip()
    marked = False
    if m := _CHECKBOX.match(text):
        marked = m["mark"] in "xX"
        text = text[m.end():]
    if _CHOSEN_MARK.search(text):
        marked = True
        text = _CHOSEN_MARK.sub(" ", text).strip()
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if m := _BOLD_NAME.match(text):
        inner, rest = m[2].strip(), m[3].strip()
        name, more, _ = _option_label(inner)
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
            return _unwrap(name), rest, marked
    if not head.strip():  # `Option 2` alone: that is its name
        return text.rstrip(":.-\u2013\u2014 "), "", marked
    return _unwrap(head.rstrip(":")), "", marked


def _points(block: Block) -> tuple[str | None, str]:
    """(good, bad, neutral or None, the point) for a list item `Good, because it is fast`."""
    text = block.text + (f"\n{block.body}" if block.body else "")
    m = _POINT.match(block.text)
    if not m:
        return None, text
    rest = m["rest"].strip() + (f"\n\n{block.body}" if block.body else "")
    return _POINT_KIND[m["kind"].lower()], _capital(rest)


class _Mapper:
    def __init__(self, doc: Document, file_name: str, team: str | None,
                 today: dt.date) -> None:
        self.doc = doc
        self.file_name = file_name
        self.team = team
        self.today = today
        self.todo: list[str] = []
        self.check: list[str] = []
        self.guesses: list[tuple[str, str]] = []
        self.imported: list[str] = []  # Markdown chunks under "Imported sections"
        self.metadata: list[str] = []  # list lines under "Metadata" in the imported part
        self.links: list[tuple[str, str]] = []
        self.relations: list[Relation] = []
        self.options: list[_Option] = []
        self.good: list[str] = []
        self.bad: list[str] = []
        self.context: list[str] = []
        self.drivers: list[str] = []
        self.rationale: list[str] = []
        self.decision_text: list[str] = []  # the decision as written, to look for adoption
        self.chosen: str | None = None  # as stated by `Chosen option: "X"`
        self.decision_label: str | None = None  # `Decision: X`, stated only if X is an option
        self.prose: list[str] = []  # text in which relations are looked for, kept as it is
        self.meta, self.meta_from_list = self._metadata()

    # --- metadata ------------------------------------------------------------------------

    def _metadata(self) -> tuple[dict[str, Any], set[str]]:
        """Front matter, then `- Status: accepted` / `Date: ...` lines of the preamble."""
        meta: dict[str, Any] = {}
        for key, value in self.doc.front.items():
            meta[self._meta_key(key)] = value
        if self.doc.front_problem:
            self.check.append(f"front matter not readable ({self.doc.front_problem}); "
                              "kept under Imported sections")
            self.imported.append(f"#### Front matter\n\n```yaml\n{self.doc.front_raw}\n```")
        from_list: set[str] = set()
        rest: list[str] = []
        for line in self.doc.preamble.split("\n"):
            m = _META_LINE.match(line)
            key = self._meta_key(m["key"]) if m else ""
            if m and m["value"] and (key in _KNOWN_META or m["item"]) and key not in meta:
                meta[key] = m["value"]
                if m["item"]:
                    from_list.add(key)
            else:
                rest.append(line)
        self.preamble = tidy("\n".join(rest))
        self.prose.append(self.preamble)
        return meta, from_list

    @staticmethod
    def _meta_key(key: str) -> str:
        key = _KEY_GAP.sub("-", key.strip().lower())
        return {"decision-maker": "decision-makers", "decider": "deciders",
                "author": "authors"}.get(key, key)

    # --- relations -----------------------------------------------------------------------

    def _relations_in(self, text: str) -> list[tuple[int, int]]:
        """Record each `Verb [text](target)` in `text`; the spans they take."""
        spans = []
        for m in _RELATION.finditer(text):
            verb = one_line(m["verb"])
            kind = RELATION_NAMES.get(verb.lower(), verb.lower())
            for link in LINK.finditer(m["links"]):
                if link["bang"]:
                    continue
                shown = "related to" if verb.lower() == "related" else verb
                relation = Relation(kind, shown[:1].upper() + shown[1:], plain(link["text"]),
                                    target(link))
                if relation not in self.relations:
                    self.relations.append(relation)
            spans.append((m.start("verb"), m.end()))
        return spans

    def _relation_line(self, text: str) -> bool:
        """True when the line is nothing but relations (they are recorded)."""
        spans = self._relations_in(text)
        if not spans:
            return False
        rest = text
        for a, b in reversed(spans):
            rest = rest[:a] + rest[b:]
        return not _RELATION_FILLER.sub("", rest)

    # --- sections ------------------------------------------------------------------------

    def map(self) -> Draft:
        chosen_in_text = False
        kinds: set[str] = set()
        self._sections(self.doc.sections, kinds)
        chosen_in_text = self.chosen is not None
        has_status = "status" in self.meta or "status" in kinds
        structured = has_status or chosen_in_text or bool(
            kinds & {"decision", "options", "alternatives", "pros-cons"})
        if not structured and not adr_like_name(self.file_name):
            raise NotAnAdr("not an ADR: no status, decision or considered options")
        if not structured:
            self.check.append("no ADR sections were recognised: the whole text is kept in "
                              "context")
        for text in self.prose:
            self._relations_in(text)
        title = self._title()
        form = self._form(kinds) if structured else "ADR (no sections recognised)"
        status = self._status()
        fields: dict[str, Any] = {
            "title": title,
            "status": status,
            "date": self._date(),
            "team": self._team(),
            "deciders": self._deciders(),
        }
        consulted = _names(self.meta.pop("consulted", None))
        if consulted:
            fields["consulted"] = consulted
        fields["category"] = TODO_CATEGORY
        self.todo.append("category")
        tags = self._tags()
        if tags:
            fields["tags"] = tags
        options, decision = self._decision_fields(title, structured)
        fields["context"] = self._context()
        if self.drivers:
            fields["drivers"] = self.drivers
        fields["options"] = options
        fields["decision"] = decision
        consequences = {k: v for k, v in (("good", self.good), ("bad", self.bad)) if v}
        if consequences:
            fields["consequences"] = consequences
        return Draft(form, self.file_name, fields, self.links, self.relations,
                     list(dict.fromkeys(self.todo)), list(dict.fromkeys(self.check)),
                     _ordered(self.guesses))

    def _sections(self, sections: list[Section], kinds: set[str]) -> None:
        for section in sections:
            kind = section_kind(section.heading)
            kinds.add(kind or "")
            handler = {
                "status": self._status_section, "context": self._context_section,
                "drivers": self._drivers, "options": self._options_section,
                "alternatives": self._options_section,
                "decision": self._decision, "consequences": self._consequences,
                "good": self._consequences, "bad": self._consequences,
                "pros-cons": self._pros_cons, "links": self._links_section,
            }.get(kind or "")
            if handler is not None:
                handler(section)
            elif any(section_kind(c.heading) for c in _descendants(section)):
                # `## Details` holding `### Status` and `### Decision`: the known sections
                # are mapped wherever they sit; the rest is kept
                if section.body:
                    self._keep(Section(section.heading, section.level, section.body))
                self._sections(section.children, kinds)
            else:
                self._keep(section)

    def _keep(self, section: Section) -> None:
        self.imported.append(section.markdown(4))
        self.prose.append(section.content(5))

    def _status_section(self, section: Section) -> None:
        prior = self.meta.get("status")
        if prior is not None:  # front matter or a metadata line already says; keep this too
            self._keep(section)
            return
        lines = section.body.split("\n")
        checked = [_TICKED.sub("", line) for line in lines if _TICKED.match(line)]
        phrase, extra = "", []
        for line in lines:
            text = line.strip().lstrip("*+- ").strip()
            if not text or self._relation_line(text):
                continue
            if _CHECKBOX.match(text) and checked:
                continue  # a checklist of statuses: the ticked one is the status
            m = _META_LINE.match(line)
            key = self._meta_key(m["key"]) if m else ""
            if m and m["value"] and key in _KNOWN_META - {"status"} and key not in self.meta:
                self.meta[key] = m["value"]
            elif not phrase:
                phrase = text
                self._relations_in(text)
            else:
                extra.append(line)
        self.meta["status"] = checked[-1].strip() if checked else phrase
        if extra or section.children:
            rest = Section(section.heading, section.level, tidy("\n".join(extra)),
                           section.children)
            self._keep(rest)

    def _context_section(self, section: Section) -> None:
        text = section.content(3)
        if text:
            self.context.append(text)
            self.prose.append(text)

    def _drivers(self, section: Section) -> None:
        found = blocks(section.body)
        items = [b for b in found if b.kind == "item"]
        # A list is the drivers, and text around it an introduction; without a list, each
        # paragraph is a driver.
        self.drivers.extend(b.text + (f"\n\n{b.body}" if b.body else "") for b in items)
        if not items:
            self.drivers.extend(one_line(b.text) for b in found)
        intro = [b.text for b in found if b.kind == "text"] if items else []
        if intro or section.children:
            self._keep(Section(section.heading, section.level, "\n\n".join(intro),
                               section.children))
        self.prose.append(section.body)

    def _options_section(self, section: Section) -> None:
        origin = section_kind(section.heading) or "options"
        leftover = []
        for block in blocks(section.body):
            if block.kind == "item":
                if self._relation_line(block.text):
                    continue
                self._option_item(block, origin)
            elif m := _BOLD_PARAGRAPH.match(block.text):
                # `**Elasticsearch**: heavy to run.` -- a paragraph per option
                name, more, marked = _option_label(m["name"])
                option = self._option(name, origin, loose=False)
                option.marked |= marked
                rest = tidy(" ".join(p for p in (more, m["rest"]) if p))
                if rest:
                    option.summary.append(Block("text", _capital(rest)))
            else:
                leftover.append(block.text)
        if leftover:
            self._keep(Section(section.heading, section.level, "\n\n".join(leftover)))
        for child in section.children:  # options described in subsections of their own
            self._option_section(child, origin)

    def _option_item(self, block: Block, origin: str) -> None:
        name, summary, marked = _option_label(block.text)
        option = self._option(name, origin, loose=False)
        option.marked |= marked
        if name != block.text:
            option.aliases.add(_option_label_only(block.text))
        if summary:
            option.summary.append(Block("text", _capital(summary)))
        self._option_content(option, blocks(block.body))

    def _option_content(self, option: _Option, found: list[Block]) -> None:
        """Nested points and text under an option: pros, cons, the rest its summary."""
        for sub in found:
            if sub.kind == "text":
                option.summary.append(sub)
                continue
            heading = point_heading(_DECORATION.sub("", sub.text.strip()))
            if heading in ("good", "bad") and sub.body:  # `* Pros:` with the points under it
                for item in sub.items:
                    text = item.text + (f"\n\n{item.body}" if item.body else "")
                    (option.pros if heading == "good" else option.cons).append(_capital(text))
                continue
            kind, point = _points(sub)
            if kind == "good":
                option.pros.append(point)
            elif kind == "bad":
                option.cons.append(point)
            elif kind == "neutral":
                option.neutral.append(point)
            else:
                option.summary.append(sub)

    def _find(self, name: str, loose: bool = True) -> tuple[_Option | None, bool]:
        """(the option of that name, whether the name matched exactly). `loose` also accepts
        one name starting with the other ('PostgreSQL' for 'PostgreSQL 16'), as pros-and-cons
        headings often shorten names."""
        key = _key(name)
        if not key:
            return None, False
        stripped = _key(_option_label(name)[0])
        exact = next((o for o in self.options if key in o.names() or stripped in o.names()), None)
        if exact is not None or not loose or len(key) < 3:
            return exact, exact is not None
        close = [o for o in self.options
                 if len(_key(o.name)) >= 3 and (_key(o.name).startswith(key)
                                               or key.startswith(_key(o.name)))]
        return (close[0], False) if len(close) == 1 else (None, False)

    def _option(self, name: str, origin: str, loose: bool = True) -> _Option:
        """The option of that name, added when new."""
        option, _ = self._find(name, loose)
        if option is None:
            option = _Option(name or TODO_OPTION, origin=origin)
            self.options.append(option)
        return option

    def _pros_cons(self, section: Section) -> None:
        if section.body:
            self._keep(Section(section.heading, section.level, section.body))
        for child in section.children:
            self._option_section(child, "pros-cons")

    def _option_section(self, section: Section, origin: str) -> None:
        name, summary, marked = _option_label(section.heading)
        option = self._option(name, origin)
        option.marked |= marked
        if name != section.heading.strip():
            option.aliases.add(_option_label_only(section.heading))
        if summary:
            option.summary.append(Block("text", _capital(summary)))
        self._option_content(option, blocks(section.body))
        for child in section.children:
            kind = point_heading(child.heading)
            if kind in ("good", "bad"):  # `#### Pros` / `#### Cons` under the option
                for b in blocks(child.body):
                    point = b.text + (f"\n\n{b.body}" if b.body else "")
                    (option.pros if kind == "good" else option.cons).append(_capital(point))
                continue
            self._keep(Section(f"{option.name}: {child.heading}", child.level, child.body,
                               child.children))

    def _decision(self, section: Section) -> None:
        body = section.body
        self.decision_text.append(body)
        m = _CHOSEN.search(body)
        if m:
            named = _NAMED.match(m["rest"])
            reason = ""
            if named:
                value = next(g for g in named.group("q", "c", "b", "k", "l", "p")
                             if g is not None)
                self.chosen = _unwrap(value.strip())
                reason = _REASON_LEAD.sub("", named["tail"], count=1)
            body = body[:m.start()] + _capital(reason.strip()) + body[m.end():]
        elif d := _DECISION_LABEL.search(body):
            self.decision_label = d["rest"].strip()
        if tidy(body):
            self.rationale.append(tidy(body))
            self.prose.append(body)
        for child in section.children:
            kind = section_kind(child.heading)
            if kind in ("consequences", "good", "bad"):
                self._consequences(child)
            elif kind in ("options", "alternatives"):
                self._options_section(child)
            else:
                self._keep(child)

    def _consequences(self, section: Section) -> None:
        kind = section_kind(section.heading)
        if kind not in ("good", "bad"):
            kind = point_heading(section.heading) or kind
        found = blocks(section.body)
        marked = any(b.kind == "item" and _points(b)[0] in ("good", "bad") for b in found)
        split = any(point_heading(c.heading) in ("good", "bad") for c in section.children)
        if kind == "consequences" and not marked and not split:
            # free text, as Nygard's template has it: keep it as written
            self._keep(section)
            self.check.append(CHECK_CONSEQUENCES)
            return
        unsorted: list[Block] = []
        for block in found:
            point_kind, point = _points(block) if block.kind == "item" else (None, block.text)
            if kind in ("good", "bad"):  # under `Positive Consequences` / `### Pros`: all
                (self.good if kind == "good" else self.bad).append(
                    point if block.kind == "item" else one_line(block.text))
            elif point_kind in ("good", "bad"):
                (self.good if point_kind == "good" else self.bad).append(point)
            else:
                unsorted.append(block)
        children = list(section.children)
        for child in section.children:
            if point_heading(child.heading) in ("good", "bad"):
                self._consequences(child)
                children.remove(child)
        if unsorted or children:
            body = ""
            for i, b in enumerate(unsorted):
                sep = "\n" if i and b.kind == unsorted[i - 1].kind == "item" else "\n\n"
                body += (sep if i else "") + b.markdown()
            self._keep(Section(section.heading, section.level, body, children))
            if kind != "neutral":
                self.check.append(CHECK_CONSEQUENCES)
        self.prose.append(section.body)

    def _links_section(self, section: Section) -> None:
        leftover: list[str] = []
        for block in blocks(section.body):
            if block.kind == "item" and self._relation_line(block.text):
                continue
            found = list(LINK.finditer(block.text))
            if block.kind == "item" and found and not block.body:
                whole = plain(block.text) if len(found) == 1 else None
                for m in found:
                    self.links.append((whole or plain(m["text"]) or target(m), target(m)))
            else:
                leftover.append(block.markdown())
        if leftover or section.children:
            self._keep(Section(section.heading, section.level, "\n".join(leftover),
                               section.children))

    # --- fields --------------------------------------------------------------------------

    def _title(self) -> str:
        raw = self.doc.title or (str(self.meta.pop("title")) if "title" in self.meta else "")
        self.meta.pop("title", None)
        title = plain_line(clean_title(plain(raw), self.file_name)).strip()
        if _PLACEHOLDER.fullmatch(title) or _PLACEHOLDER_TITLE.fullmatch(title):
            raise NotAnAdr("an ADR template: the title is a placeholder")
        if not title:
            title = FILE_PREFIX.sub("", _stem(self.file_name))
            title = unescape(title.replace("-", " ").replace("_", " ")).strip()
            title = title[:1].upper() + title[1:]
            self.guesses.append(("title", "taken from the file name: the source has no title"))
        if len(title) > 200:
            self.imported.append(f"#### Full title\n\n{title}")
            title = title[:199].rsplit(" ", 1)[0] + "\u2026"
            self.check.append("title: shortened to 200 characters (full title kept)")
        if len(title) < 3:
            self.todo.append(f"title (the source's {title!r} is too short)")
            title = f"TODO a title ({title!r} is too short)"
        return title

    def _form(self, kinds: set[str]) -> str:
        front = {self._meta_key(k) for k in self.doc.front}
        if {"status", "date", "deciders", "decision-makers"} & front:
            four = "decision-makers" in front or any(
                c.heading.lower() == "confirmation" for s in self.doc.sections for c in s.children)
            return "MADR 4" if four else "MADR 3"
        if "status" in self.meta_from_list:
            if "tags" in self.meta_from_list or file_date(self.file_name):
                return "log4brains"
            return "MADR 2"
        if "status" in kinds and "decision" in kinds:
            return "Nygard"
        if kinds & {"options", "alternatives", "pros-cons"}:
            return "MADR-like"
        return "ADR (unrecognised layout)"

    def _status(self) -> Status:
        raw = self.meta.pop("status", None)
        text = "" if raw is None else one_line(str(raw))
        if text and self._relation_line(text):
            text = ""  # 'superseded by [ADR-0005](0005-x.md)': the relation says it all
        status, how = map_status(text)
        if status is None:
            if any(r.kind == SUPERSEDED_BY for r in self.relations):
                return "superseded"
            self.guesses.append(("status", "the source states no status; set to proposed"))
            return "proposed"
        shown = one_line(plain(text))
        if how == "mapped":
            self.guesses.append(("status", f"the source says {shown!r}, read as {status}"))
        elif how == "close":
            self.guesses.append(("status", f"the source says {shown!r}, read as {status} "
                                           "(the closest known word)"))
        elif how == "unknown":
            self.guesses.append(("status", f"{shown!r} is not a known status; set to proposed"))
        if how != "standard" or LINK.search(text):
            self.metadata.append(f"- Original status: {text}")
        return status

    def _date(self) -> dt.date:
        raw = self.meta.pop("date", None)
        date = parse_date(raw)
        note = ""
        if date is None and raw is not None and (part := partial_date(raw)):
            date, note = part
        if raw is not None and date is None:
            self.metadata.append(f"- Original date: {one_line(str(raw))}")
            note = f"the source's date {one_line(str(raw))!r} could not be read; "
        if date is None and (date := file_date(self.file_name)) is not None:
            note += "taken from the file name"
        if date is None:
            self.guesses.append(("date", note + ("" if note else "the source gives no date; ")
                                 + "set to the import day"))
            return self.today
        if date > self.today:
            self.guesses.append(("date", f"the source says {date}, which is in the future; set "
                                         "to the import day"))
            self.metadata.append(f"- Original date: {date.isoformat()}")
            return self.today
        if note:
            self.guesses.append(("date", note))
        return date

    def _team(self) -> str:
        if self.team:
            return self.team
        self.todo.append("team (or pass --team)")
        return TODO_TEAM

    def _deciders(self) -> list[str]:
        people: list[str] = []
        for key in ("decision-makers", "deciders", "decided-by"):
            people.extend(p for p in _names(self.meta.pop(key, None)) if p not in people)
        authors = _names(self.meta.pop("authors", None))
        if not people and authors:
            self.guesses.append(("deciders", "the source names its author(s), not who "
                                             "decided"))
            return authors
        if authors:
            self.metadata.append(f"- Authors: {', '.join(authors)}")
        if not people:
            self.todo.append("deciders")
            return [TODO_DECIDERS]
        return people

    def _tags(self) -> list[str]:
        raw = self.meta.pop("tags", None)
        if raw is None:
            return []
        words = raw if isinstance(raw, list) else _TAG_SEP.split(str(raw).strip("[] "))
        out: list[str] = []
        for word in words:
            tag = _tag(str(word))
            if tag and tag not in out:
                out.append(tag)
        return out

    def _chosen_option(self, title: str, structured: bool) -> tuple[str, str | None]:
        """(the chosen option's name, the note when it was guessed); adds options as needed."""
        if self.chosen is not None:  # `Chosen option: "X"`
            option, exact = self._find(self.chosen)
            if option is None:
                if self.options:
                    self.check.append(f"options: the chosen option {self.chosen!r} was not "
                                      "among the considered options; added")
                option = self._option(self.chosen, "decision")
            elif not exact:
                return option.name, f"'Chosen option: {self.chosen}' taken to mean this option"
            return option.name, None
        marked = [o for o in self.options if o.marked]
        if len(marked) == 1:
            return marked[0].name, None
        if self.decision_label is not None:
            label = _option_label(self.decision_label)[0]
            option, exact = self._find(label, loose=False)
            if option is not None and exact and (_key(label) in option.names()):
                return option.name, None
        text = "\n".join(self.decision_text)
        found = self._adopted(text)
        if found is not None:
            option, words = found
            return option.name, f"{words!r} names this option"
        if not structured:
            return TODO_CHOSEN, None
        if not self.options or all(o.origin == "alternatives" for o in self.options):
            # Nygard-style: the decision is the title; alternatives, if any, were not chosen.
            option = _Option(title, origin="title")
            rationale = "\n\n".join(self.rationale)
            if rationale:
                option.summary.append(Block("text", _first_sentence(rationale)))
            self.options.insert(0, option)
            why = "the source lists no options" if len(self.options) == 1 else \
                "the decision names none of the alternatives listed"
            self.guesses.append(("options[0].name", f"named after the title ({why}); "
                                                    "rename it to the option itself"))
            return title, None
        return TODO_CHOSEN, None

    def _adopted(self, text: str) -> tuple[_Option, str] | None:
        """The one option a sentence like 'We will use X' adopts, and those words."""
        if not self.options:
            return None
        for adoption in _adoptions(plain(text) if "\n" not in text else
                                   "\n".join(plain(line) for line in text.split("\n"))):
            if adoption.negated:
                continue
            words = _NOT_THIS.sub("", adoption.words) if adoption.active else \
                _OBJECT_SEP.split(adoption.words)[-1]
            key = _key(words)
            hits = sorted(((at, o) for o in self.options for k in o.names()
                           if (at := _contains(key, k)) >= 0 and len(k) >= 2),
                          key=lambda hit: hit[0])
            chosen = {id(o): o for _, o in hits}
            if len(chosen) == 1:
                return hits[0][1], one_line(adoption.phrase)
        return None

    def _decision_fields(self, title: str, structured: bool
                         ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        rationale = "\n\n".join(self.rationale)
        chosen, guessed = self._chosen_option(title, structured)
        if chosen == TODO_CHOSEN:
            self.todo.append("decision.chosen (the source names no chosen option)")
            if not self.options:
                self.options.append(_Option(TODO_FIRST_OPTION))
        if len(self.options) < 2:
            self.options.append(_Option(TODO_OPTION))
            self.todo.append("a second option (the source names only one)")
        out: list[dict[str, Any]] = []
        missing_summary: list[str] = []
        for i, option in enumerate(self.options):
            summary = option.describe()
            if not summary:
                summary = TODO_SUMMARY
                if not option.name.startswith("TODO"):
                    missing_summary.append(option.name)
            approach, why = _approach(option.name, summary)
            self.guesses.append((f"options[{i}].approach", why))
            entry: dict[str, Any] = {"name": option.name, "approach": approach,
                                     "summary": markdown(summary)}
            if option.pros:
                entry["pros"] = option.pros
            if option.cons:
                entry["cons"] = option.cons
            out.append(entry)
        if guessed is not None:
            self.guesses.append(("decision.chosen", guessed))
        if missing_summary:
            self.todo.append("summary of option " + ", ".join(repr(n) for n in missing_summary))
        if not rationale:
            self.todo.append("decision.rationale (the source gives no reason)")
            rationale = TODO_RATIONALE
        return out, {"chosen": chosen, "rationale": markdown(rationale)}

    def _context(self) -> str:
        parts = [p for p in (self.preamble,) if p]
        story = self.meta.pop("technical-story", None)
        if story:
            parts.append(f"Technical story: {one_line(str(story))}")
        parts.extend(self.context)
        if not self.context and not self.preamble:
            parts.insert(0, TODO_CONTEXT)
            self.todo.append("context (the source has no context section)")
        for key, value in self.meta.items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            self.metadata.append(f"- {key.replace('-', ' ').capitalize()}: {one_line(shown)}")
        imported = list(self.imported)
        if self.metadata:
            imported.insert(0, "#### Metadata\n\n" + "\n".join(self.metadata))
        if imported:
            parts.append(IMPORTED_HEADING + "\n\n" + "\n\n".join(imported))
        return markdown("\n\n".join(parts))


def _descendants(section: Section) -> list[Section]:
    out: list[Section] = []
    for child in section.children:
        out += [child, *_descendants(child)]
    return out


@dataclass(frozen=True)
class _Adoption:
    phrase: str  # the words that say it
    words: str  # what is adopted: the object, or the subject of a passive
    active: bool
    negated: bool


def _adoptions(text: str) -> Iterator[_Adoption]:
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


def _option_label_only(text: str) -> str:
    """`Option 2: Lunr.js` -> `Option 2`, the label an ADR may refer to the option by."""
    m = _OPTION_LABEL.match(_CHECKBOX.sub("", text.strip()))
    return m["label"].rstrip(".)") if m else text


_FIELD_ORDER = ("title", "status", "date", "deciders", "options", "decision")


def _ordered(guesses: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Guesses in the order of the fields they are about, each field once."""
    def key(guess: tuple[str, str]) -> tuple[int, int, str]:
        path = guess[0]
        top = _FIELD_TOP.split(path, maxsplit=1)[0]
        index = _FIELD_INDEX.search(path)
        rank = _FIELD_ORDER.index(top) if top in _FIELD_ORDER else len(_FIELD_ORDER)
        return rank, int(index[1]) if index else -1, path

    unique = list({g[0]: g for g in guesses}.values())
    return sorted(unique, key=key)


_BUILD = re.compile(r"^(?:build|develop|roll our own)\b|\b(?:in-house|in house|home-?grown|"
                    r"custom-built|our own|bespoke|self-written|write our own)\b", re.IGNORECASE)
_BUY = re.compile(r"^(?:buy|rent|subscribe to|license)\b|\b(?:hosted|saas|managed|cloud service|"
                  r"as a service|subscription|vendor|commercial)\b", re.IGNORECASE)


def _approach(name: str, summary: str) -> tuple[str, str]:
    """The approach guessed from an option's name: build, buy or (most often) adopt."""
    text = plain(name)
    for approach, words in (("build", _BUILD), ("buy", _BUY)):
        if m := words.search(text):
            return approach, f"set to {approach} on import, since the name says {m[0]!r}"
    return "adopt", "adopt is the import default; set buy, adopt or build"


def markdown(text: str) -> str:
    """Multi-line Markdown ends with a newline (it is written as a `|` block); one line not."""
    text = text.strip("\n")
    return text + "\n" if "\n" in text else text


def _first_sentence(text: str) -> str:
    line = plain(_LIST_MARK.sub("", text))
    m = _SENTENCE.match(line)
    sentence = m[1] if m else line
    return sentence if len(sentence) <= 300 else sentence[:299].rsplit(" ", 1)[0] + "\u2026"


def map_document(doc: Document, *, file_name: str, team: str | None,
                 today: dt.date) -> Draft:
    """The record fields for one ADR. Raises NotAnAdr when it has no ADR structure."""
    return _Mapper(doc, file_name, team, today).map()


def raw_draft(text: str, *, file_name: str, team: str | None, today: dt.date,
              why: str) -> Draft:
    """A record holding the ADR's whole text in `context`, for an ADR that could not be mapped:
    everything else is a TODO or a guess, and nothing is lost."""
    heading = _ATX_HEADING.search(text)
    # the heading's text without the spaces and closing #s after it (at least one character)
    title = plain_line(clean_title(plain(heading["rest"][:1] + heading["rest"][1:].rstrip(
        " \t#")), file_name)).strip() if heading else ""
    guesses = [("status", "the ADR could not be read; set to proposed")]
    if not title or len(title) > 200 or len(title) < 3:
        title = FILE_PREFIX.sub("", _stem(file_name)).replace("-", " ").replace("_", " ")
        title = (title[:1].upper() + title[1:]).strip()[:200]
        guesses.insert(0, ("title", "taken from the file name"))
        if len(title) < 3:
            title = "TODO a title"
    date = file_date(file_name)
    guesses.append(("date", "taken from the file name" if date else "the ADR could not be "
                    "read; set to the import day"))
    options = [{"name": TODO_FIRST_OPTION, "approach": "adopt", "summary": TODO_SUMMARY},
               {"name": TODO_OPTION, "approach": "adopt", "summary": TODO_SUMMARY}]
    guesses += [(f"options[{i}].approach", "set to adopt on import") for i in range(2)]
    fields: dict[str, Any] = {
        "title": title, "status": "proposed", "date": date or today,
        "team": team or TODO_TEAM, "deciders": [TODO_DECIDERS], "category": TODO_CATEGORY,
        "context": markdown(f"TODO The ADR could not be mapped ({why}); its text is kept as "
                            f"written:\n\n{IMPORTED_HEADING}\n\n{tidy(text)}"),
        "options": options,
        "decision": {"chosen": TODO_CHOSEN, "rationale": TODO_RATIONALE},
    }
    todo = [*([] if team else ["team (or pass --team)"]), "deciders", "category",
            "context (sort the kept text into the fields)", "options", "decision"]
    return Draft("unmapped", file_name, fields, [], [], todo,
                 [f"could not be mapped ({why}); the whole text is kept in context"], guesses)
