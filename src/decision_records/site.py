"""The site as data: every generated page's source, from the loaded decisions.

No MkDocs import here: the hooks in hooks/decisions.py hand these strings to MkDocs, so a
move to another static site generator only touches the hooks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .loader import ConfigError, load_decisions, today
from .records import Decisions
from .render import budget, pages, signals
from .render.context import RenderContext
from .render.radar import radar_pages
from .render.record import render_record
from .render.urls import (
    BUDGET_URI,
    INDEX_URI,
    JSON_URI,
    REVIEW_URI,
    SIGNALS_URI,
    TIMELINE_URI,
    Urls,
    record_uri,
)

SUMMARY_MARKER = "<!-- decisions:summary -->"
RULES_MARKER = "<!-- decisions:rules -->"
MAX_SHOWN = 20  # errors listed when a build fails; validate lists them all


_PRE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def compact_html(html: str) -> str:
    """Drop blank lines and indentation outside <pre> and <textarea>.

    The theme's templates indent every page's chrome deeply; with thousands of record pages
    that whitespace is about a fifth of the site. What a browser shows does not change.
    """
    parts = _PRE.split(html)
    for i in range(0, len(parts), 2):  # even parts lie outside <pre>/<textarea>
        parts[i] = _INDENT.sub("\n", parts[i])
    return "".join(parts)


class SiteError(Exception):
    """The records cannot be published; the message lists every problem, one per line."""


def decisions_dir(config_dir: Path) -> Path:
    """DECISIONS_DIR when set, else decisions/ beside mkdocs.yml."""
    return Path(os.environ.get("DECISIONS_DIR") or config_dir / "decisions")


@dataclass(frozen=True)
class Site:
    """Every generated page of the site, from one render context."""

    context: RenderContext

    def pages(self) -> dict[str, str]:
        """src_uri -> content of every generated file."""
        ctx = self.context
        out = {record_uri(e.id): render_record(e, ctx) for e in ctx.entries}
        out[INDEX_URI] = pages.render_index(ctx)
        out[REVIEW_URI] = pages.render_review(ctx)
        out[TIMELINE_URI] = pages.render_timeline(ctx)
        out[JSON_URI] = pages.render_json(ctx)
        out[BUDGET_URI] = budget.render_budget_page(ctx)
        out.update(radar_pages(ctx))
        out[SIGNALS_URI] = signals.render_signals_page(ctx)
        return out

    def fill(self, markdown: str, src_uri: str) -> str:
        """Replace the generated-figures marker in a hand-written page."""
        if SUMMARY_MARKER in markdown:
            markdown = markdown.replace(SUMMARY_MARKER, pages.render_summary(self.context,
                                                                             src_uri))
        if RULES_MARKER in markdown:
            markdown = markdown.replace(RULES_MARKER, pages.render_rules(self.context.config))
        return markdown


def load_site(root: Path, urls: Urls) -> tuple[Site, list[str]]:
    """(site, notes to log). Raises SiteError listing every error, as `decisions validate`."""
    try:
        day = today()
    except ValueError as e:
        raise SiteError(str(e)) from None
    if not root.is_dir():
        empty = Decisions(root, Config(), [])
        return Site(RenderContext(empty, day, urls)), [
            f"{root}: no decisions folder; the site has no records"]
    try:
        decisions = load_decisions(root, day)
    except ConfigError as e:
        raise SiteError(str(e)) from None
    errors = decisions.errors
    if errors:
        lines = [f.format() for f in errors[:MAX_SHOWN]]
        if len(errors) > MAX_SHOWN:
            lines.append(f"... and {len(errors) - MAX_SHOWN} more")
        raise SiteError(f"{len(errors)} error{'s' * (len(errors) != 1)} in the decision "
                        "records (run `decisions validate` for the full list):\n"
                        + "\n".join(lines))
    notes = [f.format() for f in decisions.findings]
    return Site(RenderContext(decisions, day, urls)), notes
