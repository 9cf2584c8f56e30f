"""One ADR as a record: the typed draft mapped from it, and the record assembled from that.

`map_document` runs the steps in order: the metadata, the sections (each through its
handler), the chosen option, then each field. What a field could not read is a TODO
placeholder, and a value inferred rather than read is listed with what it came from, to
become an `imported.guesses` entry. Link targets stay as the ADR wrote them: the batch
rewrites them once every record has its number, and assembles the `ImportedRecord`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..chars import plain_line
from ..model import LIVE, Approach, Status
from ..recordfile import TODO_CATEGORY, TODO_TEAM, slug
from ..statuses import BUILT_IN, Statuses
from . import fields
from .choice import TODO_CHOSEN, choose
from .document import AdrDocument, plain, tidy
from .fields import TODO_DECIDERS, Notes, markdown, stem
from .metadata import read_metadata
from .options import TODO_OPTION, Considered
from .relations import Relation, relations_in, unique
from .sections import read_sections
from .vocabulary import FILE_PREFIX, adr_like_name, clean_title, file_date

TODO_RATIONALE = "TODO Why this option? The source gives no reason."
TODO_SUMMARY = "TODO one sentence on what this option is"
TODO_FIRST_OPTION = "TODO the option that was chosen"
TODO_ON_CALL = "TODO who is paged when it breaks"
TODO_EXIT_PLAN = "TODO How would we leave the vendor? The source does not say."
TODO_WHY_NOT_BUY = "TODO Why could no product be bought or adopted? The source does not say."

_FIELD_TOP = re.compile(r"[.\[]")
_FIELD_INDEX = re.compile(r"\[(\d+)\]")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<rest>.+)$", re.MULTILINE)
_BUILD = re.compile(r"^(?:build|develop|roll our own)\b|\b(?:in-house|in house|home-?grown|"
                    r"custom-built|our own|bespoke|self-written|write our own)\b", re.IGNORECASE)
_BUY = re.compile(r"^(?:buy|rent|subscribe to|license)\b|\b(?:hosted|saas|managed|cloud service|"
                  r"as a service|subscription|vendor|commercial)\b", re.IGNORECASE)
_FIELD_ORDER = ("title", "status", "date", "deciders", "options", "decision")


@dataclass(frozen=True)
class OptionFields:
    name: str
    approach: Approach
    summary: str
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """The record fields mapped from one ADR, before numbering and links are resolved."""

    form: str  # the layout recognised, for the report: 'Nygard', 'MADR 2', ...
    file_name: str
    title: str
    status: Status  # what the source's status means
    date: dt.date
    team: str
    deciders: tuple[str, ...]
    context: str
    options: tuple[OptionFields, ...]
    chosen: str
    rationale: str
    category: str = TODO_CATEGORY
    consulted: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    drivers: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    bad: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (title, target as written) for `links`
    relations: tuple[Relation, ...] = ()
    todo: tuple[str, ...] = ()  # required fields written as TODO
    check: tuple[str, ...] = ()  # notes for a person, not about one value
    guesses: tuple[tuple[str, str], ...] = ()  # (field path, note)
    status_name: str | None = None  # the organisation's status the source names, if any

    @property
    def slug(self) -> str:
        """For the file name: from the title, or the source's name when the title is a TODO."""
        if self.title.startswith("TODO"):
            return slug(FILE_PREFIX.sub("", stem(self.file_name)))
        return slug(self.title)

    def rewritten(self, text: Callable[[str, str], str]) -> Draft:
        """Every text field through `text(value, field path)` (which rewrites links), in the
        order they are written."""
        def each(values: tuple[str, ...], where: str) -> tuple[str, ...]:
            return tuple(text(v, f"{where}[{i}]") for i, v in enumerate(values))

        title, team = text(self.title, "title"), text(self.team, "team")
        deciders, consulted = each(self.deciders, "deciders"), each(self.consulted, "consulted")
        category, tags = text(self.category, "category"), each(self.tags, "tags")
        context, drivers = text(self.context, "context"), each(self.drivers, "drivers")
        options = []
        for i, o in enumerate(self.options):
            at = f"options[{i}]"
            name, summary = text(o.name, f"{at}.name"), text(o.summary, f"{at}.summary")
            options.append(OptionFields(name, o.approach, summary, each(o.pros, f"{at}.pros"),
                                        each(o.cons, f"{at}.cons")))
        chosen = text(self.chosen, "decision.chosen")
        rationale = text(self.rationale, "decision.rationale")
        good, bad = each(self.good, "consequences.good"), each(self.bad, "consequences.bad")
        return replace(self, title=title, team=team, deciders=deciders, consulted=consulted,
                       category=category, tags=tags, context=context, drivers=drivers,
                       options=tuple(options), chosen=chosen, rationale=rationale, good=good,
                       bad=bad)


@dataclass(frozen=True)
class ImportedRecord:
    """A record as `decisions import` writes it: the draft with its links rewritten, its
    settled status, what it supersedes and links to, and where it came from."""

    draft: Draft
    status: Status  # what the record's status means, once settled
    name: str  # the status as the record writes it: the organisation's name for it
    source: str  # imported.source
    day: dt.date  # imported.date
    guesses: tuple[tuple[str, str], ...]
    supersedes: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (title, url)

    def policy_todo(self) -> dict[str, str]:
        """What the policies ask of the record as imported, which no ADR says: who is paged
        for what we run (accepted adopt or build), how we would leave a vendor (accepted buy),
        why nothing could be bought (a live build). Field -> what to say in the summary."""
        chosen = next((o for o in self.draft.options if o.name == self.draft.chosen), None)
        approach = chosen.approach if chosen else None
        todo: dict[str, str] = {}
        if self.status == "accepted" and approach in ("adopt", "build"):
            todo["on_call"] = "on_call (who is paged when it breaks)"
        if self.status in LIVE and approach == "build":
            todo["decision.why_not_buy"] = "decision.why_not_buy (why no product would do)"
        if self.status == "accepted" and approach == "buy":
            todo["decision.exit_plan"] = "decision.exit_plan (how we would leave the vendor)"
        return todo

    def data(self) -> dict[str, Any]:
        """The record's fields for the YAML emitter, in the order they are written."""
        d = self.draft
        out: dict[str, Any] = {"title": d.title, "status": self.name, "date": d.date,
                               "team": d.team, "deciders": list(d.deciders)}
        if d.consulted:
            out["consulted"] = list(d.consulted)
        out["category"] = d.category
        if d.tags:
            out["tags"] = list(d.tags)
        out["context"] = d.context
        if d.drivers:
            out["drivers"] = list(d.drivers)
        out["options"] = [_option_data(o) for o in d.options]
        out["decision"] = {"chosen": d.chosen, "rationale": d.rationale}
        consequences = {k: list(v) for k, v in (("good", d.good), ("bad", d.bad)) if v}
        if consequences:
            out["consequences"] = consequences
        todo = self.policy_todo()
        if "on_call" in todo:
            out["on_call"] = TODO_ON_CALL
        if "decision.why_not_buy" in todo:
            out["decision"]["why_not_buy"] = TODO_WHY_NOT_BUY
        if "decision.exit_plan" in todo:
            out["decision"]["exit_plan"] = TODO_EXIT_PLAN
        if self.supersedes:
            out["supersedes"] = list(self.supersedes)
        if self.links:
            out["links"] = [{"title": t, "url": u} for t, u in self.links]
        out["imported"] = {"source": self.source, "date": self.day}
        if self.guesses:
            out["imported"]["guesses"] = [{"field": f, "note": n} for f, n in self.guesses]
        return out

    def with_data(self, data: dict[str, Any]) -> ImportedRecord:
        """The record holding the texts and lists of `data`, as `data()` gives them (cut to
        fit, say); what the policies add is worked out again."""
        def texts(values: list[str] | None) -> tuple[str, ...]:
            return tuple(values or ())

        consequences, decision = data.get("consequences", {}), data["decision"]
        options = tuple(OptionFields(o["name"], o["approach"], o["summary"],
                                     texts(o.get("pros")), texts(o.get("cons")))
                        for o in data["options"])
        draft = replace(
            self.draft, title=data["title"], team=data["team"],
            deciders=texts(data["deciders"]), consulted=texts(data.get("consulted")),
            category=data["category"], tags=texts(data.get("tags")), context=data["context"],
            drivers=texts(data.get("drivers")), options=options, chosen=decision["chosen"],
            rationale=decision["rationale"], good=texts(consequences.get("good")),
            bad=texts(consequences.get("bad")))
        return replace(self, draft=draft,
                       links=tuple((k["title"], k["url"]) for k in data.get("links", ())),
                       guesses=tuple((g["field"], g["note"])
                                     for g in data["imported"].get("guesses", ())))


def _option_data(option: OptionFields) -> dict[str, Any]:
    out: dict[str, Any] = {"name": option.name, "approach": option.approach,
                           "summary": option.summary}
    if option.pros:
        out["pros"] = list(option.pros)
    if option.cons:
        out["cons"] = list(option.cons)
    return out


def _approach(name: str) -> tuple[Approach, str]:
    """The approach guessed from an option's name: build, buy or (most often) adopt."""
    text = plain(name)
    if m := _BUILD.search(text):
        return "build", f"set to build on import, since the name says {m[0]!r}"
    if m := _BUY.search(text):
        return "buy", f"set to buy on import, since the name says {m[0]!r}"
    return "adopt", "adopt is the import default; set buy, adopt or build"


def _ordered(guesses: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Guesses in the order of the fields they are about, each field once."""
    def key(guess: tuple[str, str]) -> tuple[int, int, str]:
        path = guess[0]
        top = _FIELD_TOP.split(path, maxsplit=1)[0]
        index = _FIELD_INDEX.search(path)
        rank = _FIELD_ORDER.index(top) if top in _FIELD_ORDER else len(_FIELD_ORDER)
        return rank, int(index[1]) if index else -1, path

    unique_guesses = list({g[0]: g for g in guesses}.values())
    return tuple(sorted(unique_guesses, key=key))


def _options(options: tuple[Considered, ...], chosen: str) -> tuple[tuple[OptionFields, ...],
                                                                    Notes]:
    """The options as fields, with placeholders for a missing first or second option."""
    todo: list[str] = []
    if chosen == TODO_CHOSEN:
        todo.append("decision.chosen (the source names no chosen option)")
        if not options:
            options = (Considered(TODO_FIRST_OPTION),)
    if len(options) < 2:
        options = (*options, Considered(TODO_OPTION))
        todo.append("a second option (the source names only one)")
    out: list[OptionFields] = []
    guesses: list[tuple[str, str]] = []
    missing_summary: list[str] = []
    for i, option in enumerate(options):
        summary = option.describe()
        if not summary:
            summary = TODO_SUMMARY
            if not option.name.startswith("TODO"):
                missing_summary.append(option.name)
        approach, why = _approach(option.name)
        guesses.append((f"options[{i}].approach", why))
        out.append(OptionFields(option.name, approach, markdown(summary), option.pros,
                                option.cons))
    if missing_summary:
        todo.append("summary of option " + ", ".join(repr(n) for n in missing_summary))
    return tuple(out), Notes(todo=tuple(todo), guesses=tuple(guesses))


def map_document(doc: AdrDocument, *, file_name: str, team: str | None,
                 today: dt.date, statuses: Statuses = BUILT_IN) -> Draft:
    """The record fields for one ADR. Raises NotAnAdr when it has no ADR structure."""
    metadata = read_metadata(doc)
    reading = read_sections(doc.sections, metadata)
    notes = Notes(check=reading.check)
    if not reading.structured:
        if not adr_like_name(file_name):
            raise fields.NotAnAdr("not an ADR: no status, decision or considered options")
        notes += Notes(check=("no ADR sections were recognised: the whole text is kept in "
                              "context",))
    relations = unique([*reading.relations, *(r for text in reading.prose
                                              for r in relations_in(text)[0])])
    title, found = fields.title(doc, reading.meta, file_name)
    status, relations, said = fields.status(reading.meta.get("status"), relations, statuses)
    date, dated = fields.date(reading.meta.get("date"), file_name, today)
    owner, owned = fields.team(team)
    deciders, decided = fields.deciders(reading.meta)
    notes += found + said + dated + owned + decided + Notes(todo=("category",))
    choice = choose(reading, title)
    options, listed = _options(choice.options, choice.chosen)
    rationale = "\n\n".join(reading.rationale)
    notes += Notes(check=choice.check, guesses=choice.guesses) + listed
    if choice.guessed is not None:
        notes += Notes(guesses=(("decision.chosen", choice.guessed),))
    if not rationale:
        notes += Notes(todo=("decision.rationale (the source gives no reason)",))
        rationale = TODO_RATIONALE
    context, described = fields.context(reading, metadata.preamble, notes)
    notes += described
    return Draft(
        form=fields.form(doc, reading, metadata.from_list, file_name), file_name=file_name,
        title=title, status=status.means, status_name=status.name, date=date, team=owner,
        deciders=tuple(deciders),
        context=context, options=options, chosen=choice.chosen, rationale=markdown(rationale),
        consulted=tuple(fields.names(reading.meta.get("consulted"))),
        tags=tuple(fields.tags(reading.meta)), drivers=reading.drivers, good=reading.good,
        bad=reading.bad, links=reading.links, relations=relations,
        todo=tuple(dict.fromkeys(notes.todo)), check=tuple(dict.fromkeys(notes.check)),
        guesses=_ordered(notes.guesses))


def raw_draft(text: str, *, file_name: str, team: str | None, today: dt.date,
              why: str, statuses: Statuses = BUILT_IN) -> Draft:
    """A record holding the ADR's whole text in `context`, for an ADR that could not be mapped:
    everything else is a TODO or a guess, and nothing is lost."""
    heading = _ATX_HEADING.search(text)
    # the heading's text without the spaces and closing #s after it (at least one character)
    title = plain_line(clean_title(plain(heading["rest"][:1] + heading["rest"][1:].rstrip(
        " \t#")), file_name)).strip() if heading else ""
    guesses = [("status", f"the ADR could not be read; set to {statuses.word('proposed')}")]
    if not title or len(title) > 200 or len(title) < 3:
        title = FILE_PREFIX.sub("", stem(file_name)).replace("-", " ").replace("_", " ")
        title = (title[:1].upper() + title[1:]).strip()[:200]
        guesses.insert(0, ("title", "taken from the file name"))
        if len(title) < 3:
            title = "TODO a title"
    date = file_date(file_name)
    guesses.append(("date", "taken from the file name" if date else "the ADR could not be "
                    "read; set to the import day"))
    guesses += [(f"options[{i}].approach", "set to adopt on import") for i in range(2)]
    todo = [*([] if team else ["team (or pass --team)"]), "deciders", "category",
            "context (sort the kept text into the fields)", "options", "decision"]
    return Draft(
        form="unmapped", file_name=file_name, title=title, status="proposed",
        date=date or today, team=team or TODO_TEAM, deciders=(TODO_DECIDERS,),
        context=markdown(f"TODO The ADR could not be mapped ({why}); its text is kept as "
                         f"written:\n\n{fields.IMPORTED_HEADING}\n\n{tidy(text)}"),
        options=(OptionFields(TODO_FIRST_OPTION, "adopt", TODO_SUMMARY),
                 OptionFields(TODO_OPTION, "adopt", TODO_SUMMARY)),
        chosen=TODO_CHOSEN, rationale=TODO_RATIONALE, todo=tuple(todo),
        check=(f"could not be mapped ({why}); the whole text is kept in context",),
        guesses=tuple(guesses))
