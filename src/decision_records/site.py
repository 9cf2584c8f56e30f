"""The site as data: every generated page, from the loaded decisions.

No MkDocs import here: the hooks in hooks/decisions.py hand these pages to MkDocs, so a move
to another static site generator only touches the hooks. Two kinds of page come out:

- listing pages (index, review, timeline, budget, radar, ...) as Markdown with HTML blocks,
  which go through the generator's Markdown pass like hand-written pages;
- record pages as finished HTML with their table of contents (RecordPage): thousands of them,
  so they skip the Markdown pass and are rendered only when the generator asks for them.

A record with problems still gets its page, with the findings at the top; a record file that
cannot be read gets a page with its findings and its text. Whether problems stop the build is
the caller's choice (the hooks stop only under `--strict`).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .findings import Finding, display
from .loader import ConfigError, load_decisions, today
from .model import RECORD_FILE
from .records import Decisions
from .render import budget, pages, signals
from .render.context import RenderContext
from .render.radar import radar_pages
from .render.record import RecordPage, broken_page, render_record, search_text
from .render.urls import (
    BUDGET_URI,
    INDEX_DATA_URI,
    INDEX_URI,
    JSON_URI,
    PROBLEMS_URI,
    REVIEW_URI,
    SIGNALS_URI,
    TIMELINE_URI,
    Urls,
    record_uri,
)
from .search import Document, text_body
from .yamlfile import YamlProblem, read_text

SUMMARY_MARKER = "<!-- decisions:summary -->"
RULES_MARKER = "<!-- decisions:rules -->"
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


class SiteError(Exception):
    """The site cannot be built at all (not even a preview); the message says why."""


def decisions_dir(config_dir: Path) -> Path:
    """DECISIONS_DIR when set, else decisions/ beside mkdocs.yml."""
    return Path(os.environ.get("DECISIONS_DIR") or config_dir / "decisions")


@dataclass(frozen=True)
class RecordSource:
    """A record page to be: where it goes, the file it comes from, and how to render it."""

    uri: str
    path: Path
    render: Callable[[], RecordPage]


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

    def pages(self) -> dict[str, str]:
        """src_uri -> content of every generated file except the record pages."""
        ctx = self.context
        out = {
            INDEX_URI: pages.render_index(ctx),
            INDEX_DATA_URI: pages.render_index_data(ctx),
            REVIEW_URI: pages.render_review(ctx),
            TIMELINE_URI: pages.render_timeline(ctx),
            PROBLEMS_URI: pages.render_problems(ctx, self._pages_of_files()),
            JSON_URI: pages.render_json(ctx),
            BUDGET_URI: budget.render_budget_page(ctx),
            SIGNALS_URI: signals.render_signals_page(ctx),
        }
        out.update(pages.render_timeline_years(ctx))
        out.update(radar_pages(ctx))
        return out

    def records(self) -> Iterator[RecordSource]:
        """The record pages, rendered on demand: the valid records, then the broken files."""
        ctx = self.context
        for entry in ctx.entries:
            yield RecordSource(record_uri(entry.id), entry.path,
                               functools.partial(render_record, entry, ctx))
        for path in self._broken():
            yield RecordSource(record_uri(path.stem), path,
                               functools.partial(_broken_page, path, ctx))

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
        return markdown

    def problems_line(self) -> str:
        return pages.problems_line(self.context)

    def _broken(self) -> list[Path]:
        """Record files with a record's name that did not load, and have no record page."""
        ids = {e.id for e in self.context.entries}
        return [p for p in self.context.decisions.failed
                if RECORD_FILE.match(p.name) and p.stem not in ids]

    def _pages_of_files(self) -> dict[str, str]:
        """Displayed file path -> the record id whose page shows its problems."""
        out = {display(e.path): e.id for e in self.context.entries}
        out.update({display(p): p.stem for p in self._broken()})
        return out


def _broken_page(path: Path, ctx: RenderContext) -> RecordPage:
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


def load_site(root: Path, urls: Urls) -> Site:
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
        decisions = load_decisions(root, day)
    except ConfigError as e:
        decisions = load_decisions(root, day, config=Config())
        decisions.findings = sorted(set(e.findings) | set(decisions.findings))
    return Site(RenderContext(decisions, day, urls))
