"""One parsed ADR -> the fields of a record, with what is missing and what to check.

Formats are told apart by their structure (front matter, a metadata list, a `## Status`
section), and every format goes through the same section mapping: the templates share most
section names, and an ADR that mixes them is mapped just as well. What has no field of its
own is kept as Markdown under "Imported sections" at the end of `context`, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import Status
from ..newrecord import slugify
from .document import Block, Document, Section, blocks, one_line, plain, tidy
from .document import links as find_links
from .vocabulary import (
    RELATION_NAMES,
    SUPERSEDED_BY,
    SUPERSEDES,
    file_date,
    map_status,
    parse_date,
    section_kind,
)

# Values written where the source has nothing: each starts with TODO, so `decisions validate`
# reports it under the `todo` rule until someone fills it in.
TODO_TEAM = "TODO-team"
TODO_CATEGORY = "todo"
TODO_DECIDERS = "TODO who decided"
TODO_CONTEXT = "TODO What was the situation and the problem? The source has no context section."
TODO_RATIONALE = "TODO Why this option? The source gives no reason."
TODO_SUMMARY = "TODO one sentence on what this option is"
TODO_OPTION = "TODO another option that was considered"
TODO_CHOSEN = "TODO the name of the chosen option"
TODO_ON_CALL = "TODO who is paged when it breaks"
APPROACH_GUESS = "adopt"
CHECK_APPROACH = "approach of each option (set to adopt on import: buy, adopt or build?)"
CHECK_CONSEQUENCES = ("consequences: text not marked good or bad is kept under Imported "
                      "sections; sort it into consequences.good and .bad")

IMPORTED_HEADING = "### Imported sections"

# `Superseded by [3. Use X](0003-use-x.md)`, `* Refines [ADR-0005](0005-x.md)`: a verb, a link.
_RELATION = re.compile(
    r"^\s*(?:[*+-]\s+)?(?P<verb>[A-Za-z][A-Za-z ]{0,30}?)\s*:?\s*"
    r"\[(?P<text>[^\]]+)\]\(\s*<?(?P<target>[^)\s>]+)>?\s*\)\s*\.?\s*$")
_META_LINE = re.compile(
    r"^\s*(?P<item>[*+-]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z _-]{0,30}?)(?:\*\*|__)?"
    r"\s*:(?:\*\*|__)?\s*(?P<value>.*?)\s*$")
_KNOWN_META = {"status", "date", "deciders", "decision-makers", "consulted", "informed", "tags",
               "technical-story", "title"}
_POINT = re.compile(
    r"^(?:\*\*|__)?(?P<kind>good|bad|neutral|pro|con|positive|negative)(?:\*\*|__)?"
    r"(?:\s*[,:]\s*(?:because\b[,:]?\s*)?|\s+because\b[,:]?\s*)(?P<rest>.+)$", re.IGNORECASE)
_POINT_KIND = {"good": "good", "pro": "good", "positive": "good",
               "bad": "bad", "con": "bad", "negative": "bad", "neutral": "neutral"}
_CHOSEN = re.compile(
    r"^[ \t]*(?:[*+-][ \t]+)?(?:\*\*|__)?chosen[ \t]+option(?:\*\*|__)?[ \t]*:?(?:\*\*|__)?[ \t]*"
    r"(?P<rest>.*(?:\n(?![ \t]*\n).*)*)", re.IGNORECASE | re.MULTILINE)
_NAMED = re.compile(
    r"^\s*(?:\"(?P<q>[^\"]+)\"|\u201c(?P<c>[^\u201d]+)\u201d|\*\*(?P<b>[^*]+)\*\*"
    r"|`(?P<k>[^`]+)`|\[(?P<l>[^\]]+)\]\([^)]*\)|(?P<p>[^,.;\n]+))(?P<tail>.*)$", re.DOTALL)
_TITLE_NUMBER = re.compile(r"^(?:ADR[-\s]?\d+\s*[.:)\-\u2013]?|\d+[.:)])\s+", re.IGNORECASE)
_FILE_PREFIX = re.compile(r"^(?:\d{4}-?\d{2}-?\d{2}|\d+)[-_ ]+")


class NotAnAdr(Exception):
    """The file is not an ADR this importer can place; the message says why."""


@dataclass(frozen=True)
class Relation:
    """A link from this ADR to another: `Superseded by [3. Use X](0003-use-x.md)`."""

    kind: str  # SUPERSEDES, SUPERSEDED_BY or another verb, lowercased ('amends')
    verb: str  # as written: 'Superseded by'
    text: str
    target: str  # as written in the source, relative to the source file
    url: str | None  # the target as a record link, when it can be one


@dataclass
class Draft:
    """The record fields mapped from one ADR, before numbering and supersession links."""

    form: str  # the layout recognised, for the report: 'Nygard', 'MADR 2', ...
    file_name: str
    fields: dict[str, Any]  # in the order they are written
    links: list[dict[str, str]]
    relations: list[Relation]
    todo: list[str] = field(default_factory=list)  # required fields written as TODO
    check: list[str] = field(default_factory=list)  # values guessed: a person should look

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
            return slugify(_FILE_PREFIX.sub("", self.file_name.rsplit(".", 1)[0]))
        return slugify(self.title)


UrlFor = Callable[[str], "str | None"]


def _tag(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _names(value: Any) -> list[str]:
    """People or tags from front matter (a list or a string) or a metadata line."""
    if value is None:
        return []
    if isinstance(value, list):
        raw = [str(v) for v in value if v is not None]
    else:
        raw = re.split(r"[,;\n]", str(value))
    return [name for name in (plain(r).strip(" -*") for r in raw) if name]


def _capital(text: str) -> str:
    """'it is fast' -> 'It is fast', leaving words like 'iOS' or 'macOS' alone."""
    first = text.split(" ", 1)[0]
    plain_word = first[:1].isalpha() and all(c.isalpha() or c in "-'" for c in first)
    return text[:1].upper() + text[1:] if plain_word and first.islower() else text


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", plain(name).casefold()).strip()


@dataclass
class _Option:
    name: str
    summary: list[str] = field(default_factory=list)
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # points marked neither good nor bad

    def describe(self) -> str:
        """The summary, with the points the model has no list for appended."""
        text = " ".join(self.summary)
        if self.neutral:
            text += " Neutral: " + "; ".join(self.neutral) + "."
        if self.other:
            text += " Also: " + "; ".join(self.other) + "."
        return text.strip()


class _Mapper:
    def __init__(self, doc: Document, file_name: str, url_for: UrlFor, team: str | None,
                 today: dt.date) -> None:
        self.doc = doc
        self.file_name = file_name
        self.url_for = url_for
        self.team = team
        self.today = today
        self.todo: list[str] = []
        self.check: list[str] = []
        self.imported: list[str] = []  # Markdown chunks under "Imported sections"
        self.metadata: list[str] = []  # list lines under "Metadata" in the imported part
        self.links: list[dict[str, str]] = []
        self.relations: list[Relation] = []
        self.options: list[_Option] = []
        self.good: list[str] = []
        self.bad: list[str] = []
        self.context: list[str] = []
        self.drivers: list[str] = []
        self.rationale: list[str] = []
        self.chosen: str | None = None
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
        return meta, from_list

    @staticmethod
    def _meta_key(key: str) -> str:
        key = re.sub(r"[\s_]+", "-", key.strip().lower())
        return "decision-makers" if key == "decision-maker" else key

    # --- sections ------------------------------------------------------------------------

    def map(self) -> Draft:
        chosen_in_text = False
        kinds: set[str] = set()
        for section in self.doc.sections:
            kind = section_kind(section.heading)
            kinds.add(kind or "")
            handler = {
                "status": self._status_section, "context": self._context_section,
                "drivers": self._drivers, "options": self._options_section,
                "decision": self._decision, "consequences": self._consequences,
                "good": self._consequences, "bad": self._consequences,
                "pros-cons": self._pros_cons, "links": self._links_section,
            }.get(kind or "", self._keep)
            handler(section)
            if kind == "decision" and _CHOSEN.search(section.body):
                chosen_in_text = True
        has_status = "status" in self.meta or "status" in kinds
        if not (has_status or chosen_in_text or kinds & {"decision", "options", "pros-cons"}):
            raise NotAnAdr("not an ADR: no status, decision or considered options")
        title = self._title()
        form = self._form(kinds)
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
        options, decision = self._decision_fields(title)
        fields["context"] = self._context()
        if self.drivers:
            fields["drivers"] = self.drivers
        fields["options"] = options
        fields["decision"] = decision
        consequences = {k: v for k, v in (("good", self.good), ("bad", self.bad)) if v}
        if consequences:
            fields["consequences"] = consequences
        return Draft(form, self.file_name, fields, self.links, self.relations,
                     list(dict.fromkeys(self.todo)), list(dict.fromkeys(self.check)))

    def _keep(self, section: Section) -> None:
        self.imported.append(section.markdown(4))

    def _status_section(self, section: Section) -> None:
        prior = self.meta.get("status")
        if prior is not None:  # front matter or a metadata line already says; keep this too
            self._keep(section)
            return
        phrase, extra = "", []
        for line in section.body.split("\n"):
            text = line.strip().lstrip("*+- ").strip()
            if not text or self._relation(text):
                continue
            if not phrase:
                phrase = text
            else:
                extra.append(line)
        self.meta["status"] = phrase
        if extra or section.children:
            rest = Section(section.heading, section.level, tidy("\n".join(extra)),
                           section.children)
            self._keep(rest)

    def _relation(self, text: str) -> bool:
        """Record `Verb [text](target)` as a relation; False when the line is not one."""
        m = _RELATION.match(text)
        if not m:
            return False
        verb = one_line(m["verb"])
        url = self.url_for(m["target"])
        relation = Relation(RELATION_NAMES.get(verb.lower(), verb.lower()), verb,
                            plain(m["text"]), m["target"], url)
        self.relations.append(relation)
        if url is None:  # no link can carry it: keep the words
            self.metadata.append(f"- {verb} {relation.text} ({m['target']})")
        elif relation.kind not in (SUPERSEDES, SUPERSEDED_BY):  # only supersession is resolved
            self.links.append({"title": f"{verb} {relation.text}", "url": url})
        return True

    def _context_section(self, section: Section) -> None:
        text = section.content(3)
        if text:
            self.context.append(text)

    def _drivers(self, section: Section) -> None:
        found = blocks(section.body)
        items = [b.text for b in found if b.kind == "item"]
        # A list is the drivers, and text around it an introduction; without a list, each
        # paragraph is a driver.
        self.drivers.extend(items or [one_line(b.text) for b in found])
        intro = [b.text for b in found if b.kind == "text"] if items else []
        if intro or section.children:
            self._keep(Section(section.heading, section.level, "\n\n".join(intro),
                               section.children))

    def _options_section(self, section: Section) -> None:
        leftover = []
        for block in blocks(section.body):
            if block.kind != "item":
                leftover.append(block.text)
                continue
            name, summary = block.text, ""
            m = re.match(r"^(.{1,80}?)(?::\s+|\s+[-\u2013\u2014]\s+)(.+)$", block.text)
            if m and not _RELATION.match(block.text):
                name, summary = m[1], m[2]
            option = self._option(plain(name), loose=False)
            if summary:
                option.summary.append(summary)
        if leftover:
            self._keep(Section(section.heading, section.level, "\n\n".join(leftover)))
        for child in section.children:  # options described in subsections of their own
            self._option_section(child)

    def _find(self, name: str, loose: bool = True) -> _Option | None:
        """The option of that name; `loose` also accepts one name starting with the other
        ('PostgreSQL' for 'PostgreSQL 16'), as pros-and-cons headings often shorten names."""
        key = _key(name)
        exact = next((o for o in self.options if _key(o.name) == key), None)
        if exact is not None or not loose or len(key) < 3:
            return exact
        close = [o for o in self.options
                 if len(_key(o.name)) >= 3 and (_key(o.name).startswith(key)
                                               or key.startswith(_key(o.name)))]
        return close[0] if len(close) == 1 else None

    def _option(self, name: str, loose: bool = True) -> _Option:
        """The option of that name, added when new."""
        option = self._find(name, loose)
        if option is None:
            option = _Option(name or TODO_OPTION)
            self.options.append(option)
        return option

    def _pros_cons(self, section: Section) -> None:
        if section.body:
            self._keep(Section(section.heading, section.level, section.body))
        for child in section.children:
            self._option_section(child)

    def _option_section(self, section: Section) -> None:
        option = self._option(plain(section.heading))
        for block in blocks(section.body):
            if block.kind == "text":
                option.summary.append(one_line(block.text))
                continue
            m = _POINT.match(block.text)
            kind = _POINT_KIND[m["kind"].lower()] if m else "other"
            point = _capital(m["rest"].strip()) if m else block.text
            {"good": option.pros, "bad": option.cons, "neutral": option.neutral}.get(
                kind, option.other).append(point)
        for child in section.children:
            self._keep(Section(f"{option.name}: {child.heading}", child.level, child.body,
                               child.children))

    def _decision(self, section: Section) -> None:
        body = section.body
        m = _CHOSEN.search(body)
        if m:
            named = _NAMED.match(m["rest"])
            reason = ""
            if named:
                self.chosen = plain(next(g for g in named.group("q", "c", "b", "k", "l", "p")
                                         if g is not None))
                reason = re.sub(r"^[\s,.;:]*(because\b[\s,:]*)?", "", named["tail"],
                                flags=re.IGNORECASE)
            body = body[:m.start()] + _capital(reason.strip()) + body[m.end():]
        if tidy(body):
            self.rationale.append(tidy(body))
        for child in section.children:
            kind = section_kind(child.heading)
            if kind in ("consequences", "good", "bad"):
                self._consequences(child)
            else:
                self._keep(child)

    def _consequences(self, section: Section) -> None:
        kind = section_kind(section.heading)
        marked = any(b.kind == "item" and _POINT.match(b.text) for b in blocks(section.body))
        split = any(section_kind(c.heading) in ("good", "bad") for c in section.children)
        if kind == "consequences" and not marked and not split:
            # free text, as Nygard's template has it: keep it as written
            self._keep(section)
            self.check.append(CHECK_CONSEQUENCES)
            return
        unsorted: list[Block] = []
        for block in blocks(section.body):
            m = _POINT.match(block.text) if block.kind == "item" else None
            point_kind = _POINT_KIND[m["kind"].lower()] if m else None
            if kind in ("good", "bad"):  # under 'Positive/Negative Consequences': all of it
                (self.good if kind == "good" else self.bad).append(
                    _capital(m["rest"].strip()) if m else one_line(block.text))
            elif m and point_kind in ("good", "bad"):
                (self.good if point_kind == "good" else self.bad).append(_capital(m["rest"]))
            else:
                unsorted.append(block)
        children = list(section.children)
        for child in section.children:
            if section_kind(child.heading) in ("good", "bad"):
                self._consequences(child)
                children.remove(child)
        if unsorted or children:
            body = ""
            for i, b in enumerate(unsorted):
                sep = "\n" if i and b.kind == unsorted[i - 1].kind == "item" else "\n\n"
                body += (sep if i else "") + (f"- {b.text}" if b.kind == "item" else b.text)
            self._keep(Section(section.heading, section.level, body, children))
            self.check.append(CHECK_CONSEQUENCES)

    def _links_section(self, section: Section) -> None:
        leftover: list[str] = []
        for block in blocks(section.body):
            if block.kind == "item" and self._relation(block.text):
                continue
            found = find_links(block.text)
            urls = [(text, self.url_for(target)) for text, target in found]
            if block.kind == "item" and found and all(url for _, url in urls):
                title = plain(block.text) if len(found) == 1 else None
                for text, url in urls:
                    self.links.append({"title": title or text or str(url), "url": str(url)})
            else:
                leftover.append(f"- {block.text}" if block.kind == "item" else block.text)
        if leftover or section.children:
            self._keep(Section(section.heading, section.level, "\n".join(leftover),
                               section.children))

    # --- fields --------------------------------------------------------------------------

    def _title(self) -> str:
        raw = self.doc.title or (str(self.meta.pop("title")) if "title" in self.meta else "")
        title = plain(_TITLE_NUMBER.sub("", raw))
        if re.fullmatch(r"[\[{].*[\]}]", title):
            raise NotAnAdr("an ADR template: the title is a placeholder")
        if not title:
            stem = self.file_name.rsplit(".", 1)[0]
            title = _FILE_PREFIX.sub("", stem).replace("-", " ").replace("_", " ").strip()
            title = title[:1].upper() + title[1:]
            self.check.append("title: taken from the file name (the file has no # title)")
        if len(title) > 200:
            self.imported.append(f"#### Full title\n\n{title}")
            title = title[:199].rsplit(" ", 1)[0] + "\u2026"
            self.check.append("title: shortened to 200 characters (full title kept)")
        if len(title) < 3:
            self.todo.append(f"title (the source's {title!r} is too short)")
            title = f"TODO a title ({title!r} is too short)"
        return title

    def _form(self, kinds: set[str]) -> str:
        front = self.doc.front
        if {"status", "date", "deciders", "decision-makers"} & {self._meta_key(k) for k in front}:
            four = "decision-makers" in {self._meta_key(k) for k in front} or any(
                c.heading.lower() == "confirmation" for s in self.doc.sections for c in s.children)
            return "MADR 4" if four else "MADR 3"
        if "status" in self.meta_from_list:
            if "tags" in self.meta_from_list or file_date(self.file_name):
                return "log4brains"
            return "MADR 2"
        if "status" in kinds and "decision" in kinds:
            return "Nygard"
        return "MADR-like" if kinds & {"options", "pros-cons"} else "ADR (unrecognised layout)"

    def _status(self) -> Status:
        raw = self.meta.pop("status", None)
        text = "" if raw is None else one_line(str(raw))
        if text and self._relation(text):
            text = ""  # 'superseded by [ADR-0005](0005-x.md)': the relation says it all
        status, known = map_status(text)
        if status is None:
            if any(r.kind == SUPERSEDED_BY for r in self.relations):
                return "superseded"
            self.check.append("status: none in the source; set to proposed")
            return "proposed"
        if not known:
            self.check.append(f"status: {text!r} is not a known status; set to proposed")
            self.metadata.append(f"- Original status: {text}")
        return status

    def _date(self) -> dt.date:
        raw = self.meta.pop("date", None)
        date = parse_date(raw)
        if raw is not None and date is None:
            self.metadata.append(f"- Original date: {one_line(str(raw))}")
        if date is None:
            date = file_date(self.file_name)
        if date is None:
            self.check.append("date: not found in the source; set to the import date")
            return self.today
        if date > self.today:
            self.check.append(f"date: {date} is in the future; set to the import date")
            self.metadata.append(f"- Original date: {date.isoformat()}")
            return self.today
        return date

    def _team(self) -> str:
        if self.team:
            return self.team
        self.todo.append("team (or pass --team)")
        return TODO_TEAM

    def _deciders(self) -> list[str]:
        people: list[str] = []
        for key in ("decision-makers", "deciders"):
            people.extend(p for p in _names(self.meta.pop(key, None)) if p not in people)
        if not people:
            self.todo.append("deciders")
            return [TODO_DECIDERS]
        return people

    def _tags(self) -> list[str]:
        raw = self.meta.pop("tags", None)
        if raw is None:
            return []
        words = raw if isinstance(raw, list) else re.split(r"[,\s]+", str(raw).strip("[] "))
        out: list[str] = []
        for word in words:
            tag = _tag(str(word))
            if tag and tag not in out:
                out.append(tag)
        return out

    def _decision_fields(self, title: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        rationale = "\n\n".join(self.rationale)
        if self.chosen is not None:
            option = self._find(self.chosen)
            if option is None:
                if self.options:
                    self.check.append(f"options: the chosen option {self.chosen!r} was not "
                                      "among the considered options; added")
                option = self._option(self.chosen)
            chosen = option.name
        elif self.options:
            named = [o for o in self.options if _key(o.name) and _key(o.name) in _key(rationale)]
            if len(named) == 1:
                chosen = named[0].name
                self.check.append(f"decision.chosen: {chosen!r} guessed from the decision text")
            else:
                chosen = TODO_CHOSEN
                self.todo.append("decision.chosen (the source names no chosen option)")
        else:
            # Nygard-style: the decision is the title; the source lists no alternatives.
            chosen = title
            option = self._option(title)
            if rationale:
                option.summary.append(_first_sentence(rationale))
            self.check.append("options[0]: named after the title; rename it to the option itself")
        if len(self.options) < 2:
            self.options.append(_Option(TODO_OPTION))
            self.todo.append("a second option (the source names only one)")
        out: list[dict[str, Any]] = []
        missing_summary: list[str] = []
        for option in self.options:
            summary = option.describe()
            if not summary:
                summary = TODO_SUMMARY
                if option.name != TODO_OPTION:
                    missing_summary.append(option.name)
            entry: dict[str, Any] = {"name": option.name, "approach": APPROACH_GUESS,
                                     "summary": summary}
            if option.pros:
                entry["pros"] = option.pros
            if option.cons:
                entry["cons"] = option.cons
            out.append(entry)
        if missing_summary:
            self.todo.append("summary of option " + ", ".join(repr(n) for n in missing_summary))
        self.check.insert(0, CHECK_APPROACH)
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


def markdown(text: str) -> str:
    """Multi-line Markdown ends with a newline (it is written as a `|` block); one line not."""
    text = text.strip("\n")
    return text + "\n" if "\n" in text else text


def _first_sentence(text: str) -> str:
    line = plain(re.sub(r"^\s*(?:[*+-]|\d+[.)])\s+", "", text, flags=re.MULTILINE))
    m = re.match(r"(.+?[.!?])(\s|$)", line)
    sentence = m[1] if m else line
    return sentence if len(sentence) <= 300 else sentence[:299].rsplit(" ", 1)[0] + "\u2026"


def map_document(doc: Document, *, file_name: str, url_for: UrlFor, team: str | None,
                 today: dt.date) -> Draft:
    """The record fields for one ADR. Raises NotAnAdr when it has no ADR structure."""
    return _Mapper(doc, file_name, url_for, team, today).map()
