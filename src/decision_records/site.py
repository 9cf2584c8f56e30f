"""The site as data: every generated page, from the loaded decisions.

No MkDocs import here: the plugin (plugin.py) hands these pages to MkDocs, so a move to another
static site generator only touches the plugin. Two kinds of file come out:

- data files (decisions.json, the index's data, the radar's JSON, costs.json);
- pages of finished HTML (HtmlPage): the record pages, thousands of them, and the pages
  about many records (index, review, timeline, budget, costs, radar, ...). None of them needs a
  Markdown pass, and each is rendered only when the generator asks for it.

A record with problems still gets its page, with the findings at the top; a record file that
cannot be read gets a page with its findings and its text. Whether problems stop the build is
the caller's choice (the plugin stops only under `--strict`).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import DecisionsError
from .findings import Finding, display
from .loader import ConfigError, RecordCache, load_decisions, today
from .model import RECORD_FILE
from .records import Decisions
from .render import budget, pages, signals
from .render.context import RenderContext
from .render.costs import render_costs_json, render_costs_page
from .render.coverage import render_coverage_page
from .render.radar import radar_data, render_radar
from .render.record import broken_page, render_record, search_text
from .render.urls import (
    BACKSTAGE_URI,
    BUDGET_URI,
    COSTS_JSON_URI,
    COSTS_URI,
    COVERAGE_URI,
    INDEX_DATA_URI,
    INDEX_URI,
    JSON_URI,
    PROBLEMS_DATA_URI,
    PROBLEMS_URI,
    RADAR_JSON_URI,
    RADAR_URI,
    REVIEW_URI,
    SIGNALS_URI,
    TIMELINE_URI,
    Urls,
    record_uri,
    timeline_uri,
)
from .rules.core import markdown_texts
from .search import Document, text_body
from .yamlfile import YamlProblem, read_text

SUMMARY_MARKER = "<!-- decisions:summary -->"
RULES_MARKER = "<!-- decisions:rules -->"
STATUSES_MARKER = "<!-- decisions:statuses -->"
MERMAID_ASSETS = "assets/mermaid/"  # what assets/diagrams.js loads on a page with a diagram
MARKERS = (SUMMARY_MARKER, RULES_MARKER, STATUSES_MARKER)
MAX_SHOWN = 20  # errors listed when a strict build stops; validate lists them all


_PRE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
# a line break between a tag and a block element's tag: the browser shows nothing for it
_BLOCK_BREAK = re.compile(
    r">\n(?=</?(?:article|aside|body|div|footer|form|h[1-6]|head|header|html|li|link|main|"
    r"meta|nav|ol|p|script|section|table|tbody|td|th|thead|title|tr|ul)[\s>])")


def compact_html(html: str) -> str:
    """Drop blank lines, indentation, and line breaks before block tags, outside <pre> and
    <textarea>.

    The theme's templates indent every page's chrome deeply; with thousands of record pages
    that whitespace is about a fifth of the site. What a browser shows does not change.
    """
    parts = _PRE.split(html)
    for i in range(0, len(parts), 2):  # even parts lie outside <pre>/<textarea>
        parts[i] = _BLOCK_BREAK.sub(">", _INDENT.sub("\n", parts[i]))
    return "".join(parts)


class SiteError(DecisionsError):
    """The site cannot be built at all (not even a preview); the message says why."""


def decisions_dir(config_dir: Path, name: str = "decisions") -> Path:
    """DECISIONS_DIR when set, else the folder `name` (the plugin's `dir`) beside mkdocs.yml."""
    return Path(os.environ.get("DECISIONS_DIR") or config_dir / name)


WIDE = ("navigation", "toc")  # a table of many columns needs the room the side bars take


@dataclass(frozen=True)
class HtmlPage:
    """A generated page of finished HTML, rendered on demand (thousands are never held)."""

    uri: str
    title: str
    render: Callable[[], str]
    hide: tuple[str, ...] = ()  # parts of the theme's page to leave out
    searched: bool = False  # search finds it by its rendered words (records: by their own)
    path: Path | None = None  # the record file it shows: its page changes when the file does
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Site:
    """Every generated page of the site, from one render context."""

    context: RenderContext

    @property
    def findings(self) -> list[Finding]:
        return self.context.decisions.findings

    @property
    def errors(self) -> list[Finding]:
        return self.context.decisions.errors

    @functools.cached_property
    def _diagrams(self) -> bool:
        """Whether a record may hold a Mermaid diagram: any of its Markdown names Mermaid."""
        return any("mermaid" in text for e in self.context.entries
                   for _, text in markdown_texts(e.record))

    def needs(self, uri: str) -> bool:
        """Whether the site gets a packaged file: Mermaid (5.5 MB) only when a record may
        draw with it."""
        return self._diagrams or not uri.startswith(MERMAID_ASSETS)

    def files(self) -> dict[str, str]:
        """src_uri -> content of every generated data file."""
        ctx = self.context
        radar = radar_data(ctx)
        return {INDEX_DATA_URI: pages.render_index_data(ctx), JSON_URI: pages.render_json(ctx),
                RADAR_JSON_URI: radar[RADAR_JSON_URI], BACKSTAGE_URI: radar[BACKSTAGE_URI],
                PROBLEMS_DATA_URI: pages.render_problems_data(ctx),
                COSTS_JSON_URI: render_costs_json(ctx)}

    def pages(self) -> Iterator[HtmlPage]:
        """The pages about many records, then one page a record."""
        ctx = self.context
        p = functools.partial
        yield HtmlPage(INDEX_URI, "All decisions", p(pages.render_index, ctx), WIDE)
        yield HtmlPage(REVIEW_URI, "Review queue", p(pages.render_review, ctx), searched=True)
        yield HtmlPage(TIMELINE_URI, "Timeline", p(pages.render_timeline, ctx))
        for year in pages.timeline_years(ctx):
            yield HtmlPage(timeline_uri(year), f"Decisions of {year}",
                           p(pages.render_timeline_year, ctx, year))
        yield HtmlPage(PROBLEMS_URI, "Problems",
                       p(pages.render_problems, ctx, self._pages_of_files()), WIDE)
        yield HtmlPage(BUDGET_URI, "Innovation tokens", p(budget.render_budget_page, ctx),
                       searched=True)
        yield HtmlPage(COSTS_URI, "Cost of ownership", p(render_costs_page, ctx),
                       searched=True)
        yield HtmlPage(RADAR_URI, "Technology radar", p(render_radar, ctx), searched=True)
        yield HtmlPage(SIGNALS_URI, "Maturity signals", p(signals.render_signals_page, ctx),
                       WIDE)
        yield HtmlPage(COVERAGE_URI, "Decision coverage", p(render_coverage_page, ctx), WIDE)
        for entry in ctx.entries:
            # no side table of contents: a record's sections are few and always in the same
            # order, and the options side by side need the width
            yield HtmlPage(record_uri(entry.id), entry.record.title,
                           p(render_record, entry, ctx), ("toc",), path=entry.path,
                           tags=tuple(entry.record.tags))
        for path in self._broken:
            yield HtmlPage(record_uri(path.stem), path.name, p(_broken_page, path, ctx),
                           ("toc",), path=path)

    def page_keys(self) -> dict[str, Hashable]:
        """For each record page, what it shows beyond its own file, as one comparable value.

        A page whose key and file are as at the last build is left as it is by an
        incremental build (`mkdocs serve --dirty`): editing one record rebuilds its page, and
        the pages it changes (a record it supersedes, its team's budget notes).
        """
        ctx = self.context
        d = ctx.decisions
        shared = (d.config.model_dump_json(), _stat(d.root / "signals.json"), ctx.today)
        titles = {e.id: e.record.title for e in d.entries}
        keys: dict[str, Hashable] = {}
        for e in d.entries:
            team = d.ledger.team(e.record.team)
            keys[record_uri(e.id)] = (
                shared, tuple(ctx.problems_of(e)),
                tuple((b.id, b.record.title) for b in d.superseded_by.get(e.id, ())),
                tuple((s, titles.get(s)) for s in e.record.supersedes),
                (team.remaining, team.budget) if team else None)
        for path in self._broken:
            keys[record_uri(path.stem)] = (shared, tuple(ctx.problems_at(path)))
        return keys

    def search_documents(self, url_of: Callable[[str], str]) -> Iterator[Document]:
        """What search finds each record by: its own words, not its finished page."""
        for entry in self.context.entries:
            yield Document(url_of(record_uri(entry.id)), f"{entry.short} {entry.record.title}",
                           text_body(search_text(entry.record)))

    def fill(self, markdown: str, src_uri: str) -> str:
        """Replace the generated-figures marker in a hand-written page."""
        if SUMMARY_MARKER in markdown:
            markdown = markdown.replace(SUMMARY_MARKER, pages.render_summary(self.context,
                                                                             src_uri))
        if RULES_MARKER in markdown:
            markdown = markdown.replace(RULES_MARKER, pages.render_rules(self.context.config))
        if STATUSES_MARKER in markdown:
            markdown = markdown.replace(STATUSES_MARKER,
                                        pages.render_statuses(self.context, src_uri))
        return markdown

    @staticmethod
    def fills(path: Path) -> bool:
        """Whether a hand-written page holds a marker that fill() replaces."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        return any(marker in text for marker in MARKERS)

    @functools.cached_property
    def _broken(self) -> list[Path]:
        """Record files with a record's name that did not load, and have no record page."""
        ids = {e.id for e in self.context.entries}
        return [p for p in self.context.decisions.failed
                if RECORD_FILE.match(p.name) and p.stem not in ids]

    def _pages_of_files(self) -> dict[str, str]:
        """Displayed file path -> the record id whose page shows its problems."""
        out = {display(e.path): e.id for e in self.context.entries}
        out.update({display(p): p.stem for p in self._broken})
        return out


class Preview:
    """What a long-running preview (`mkdocs serve`) keeps from one build to the next.

    It lives here, not in the plugin: MkDocs makes the plugin (or loads a hook) afresh when a
    site's configuration is read again.
    """

    def __init__(self) -> None:
        self.records = RecordCache()  # a rebuild reads only the record files that changed
        self.keys: dict[str, Hashable] = {}  # what each record page showed (page_keys)
        self.page_docs: dict[str, Document] = {}  # words of the pages search finds
        self.serving = False  # under `mkdocs serve`: search may catch up after the pages
        self.urls: tuple[Hashable, Urls] | None = None  # the links worked out so far


PREVIEW = Preview()


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _broken_page(path: Path, ctx: RenderContext) -> str:
    try:
        text = read_text(path)
    except YamlProblem as p:
        text = f"(the file cannot be shown: {p.message})"
    return broken_page(path, text, ctx)


def strict_message(errors: list[Finding]) -> str:
    """Why a strict build stops: the count, and the first errors as validate prints them."""
    lines = [f.format() for f in errors[:MAX_SHOWN]]
    if len(errors) > MAX_SHOWN:
        lines.append(f"... and {len(errors) - MAX_SHOWN} more")
    return (f"{len(errors)} error{'s' * (len(errors) != 1)} in the decision records (run "
            "`decisions validate` for the full list):\n" + "\n".join(lines))


def load_site(root: Path, urls: Urls, cache: RecordCache | None = None) -> Site:
    """Every record and what the site needs of them, problems included.

    Raises SiteError only when nothing can be built (DECISIONS_TODAY is not a date). A
    config.yaml that cannot be used gives a site built with the default settings, whose
    Problems page starts with the config's findings.
    """
    try:
        day = today()
    except ValueError as e:
        raise SiteError(str(e)) from None
    if not root.is_dir():
        return Site(RenderContext(Decisions(root, Config(), []), day, urls))
    try:
        decisions = load_decisions(root, day, cache=cache)
    except ConfigError as e:
        decisions = load_decisions(root, day, config=Config(), cache=cache)
        decisions.findings = sorted(set(e.findings) | set(decisions.findings))
    return Site(RenderContext(decisions, day, urls))
