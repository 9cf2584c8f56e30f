"""The site as data: every generated page's source, from the loaded decisions.

No MkDocs import here: the hooks in hooks/decisions.py hand these strings to MkDocs, so a
move to another static site generator only touches the hooks.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from .config import Config
from .ledger import Ledger
from .loader import ConfigError, load_decisions, today
from .model import Entry, Option
from .records import Decisions
from .render import budget, pages, signals
from .render.radar import radar_pages
from .render.record import record_uri, render_record
from .signals.maturity import assess_option

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


@dataclass
class Site:
    decisions: Decisions
    today: dt.date
    directory_urls: bool = True
    edit_base: str | None = None  # repo_url + edit_uri, pointing at docs/
    site_url: str | None = None  # makes the links in radar.json absolute, for other tools
    currency: str = "USD"
    superseded_by: dict[str, list[str]] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=lambda: Ledger(()))
    # further renderers (budget, signals) add their parts here
    option_extras: list[Callable[[Option], str]] = field(default_factory=list)
    # the maturity category of an option (boring, established, ...), from the signals
    category_of: Callable[[Option], str | None] = lambda option: None
    record_extras: list[Callable[[Entry], str]] = field(default_factory=list)

    def edit_url(self, entry: Entry) -> str | None:
        if not self.edit_base:
            return None
        # edit_uri points at docs/; the records live beside it in decisions/
        return urljoin(self.edit_base, f"../decisions/{entry.path.name}")

    def pages(self) -> dict[str, str]:
        """src_uri -> content of every generated file."""
        out = {record_uri(e.id): render_record(e, self) for e in self.decisions.entries}
        out[pages.INDEX_URI] = pages.render_index(self)
        out[pages.REVIEW_URI] = pages.render_review(self)
        out[pages.TIMELINE_URI] = pages.render_timeline(self)
        out[pages.JSON_URI] = pages.render_json(self)
        out[budget.BUDGET_URI] = budget.render_budget_page(self)
        out.update(radar_pages(self, self.category_of, self.site_url))
        out[signals.SIGNALS_URI] = signals.render_signals_page(self)
        return out

    def fill(self, markdown: str, src_uri: str) -> str:
        """Replace the generated-figures marker in a hand-written page."""
        if SUMMARY_MARKER in markdown:
            markdown = markdown.replace(SUMMARY_MARKER, pages.render_summary(self, src_uri))
        if RULES_MARKER in markdown:
            markdown = markdown.replace(RULES_MARKER, pages.render_rules(self.decisions.config))
        return markdown


def load_site(root: Path, directory_urls: bool = True, repo_url: str | None = None,
              edit_uri: str | None = None,
              site_url: str | None = None) -> tuple[Site, list[str]]:
    """(site, notes to log). Raises SiteError listing every error, as `decisions validate`."""
    try:
        day = today()
    except ValueError as e:
        raise SiteError(str(e)) from None
    if not root.is_dir():
        empty = Decisions(root, Config(), [])
        return Site(empty, day, directory_urls), [
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
    by = {target: [e.id for e in named] for target, named in decisions.superseded_by.items()}
    edit_base = urljoin(repo_url.rstrip("/") + "/", edit_uri or "") if repo_url else None
    site = Site(decisions, day, directory_urls=directory_urls, edit_base=edit_base,
                site_url=site_url, currency=decisions.config.currency, superseded_by=by,
                ledger=decisions.ledger)
    site.record_extras.append(lambda entry: budget.record_note(entry, site))
    thresholds = decisions.config.signals.thresholds
    site.option_extras.append(
        lambda option: signals.option_badges(option, decisions.snapshot, thresholds, day))

    @functools.cache
    def category_of(packages: tuple[str, ...]) -> str | None:
        verdict = assess_option(packages, decisions.snapshot, thresholds, day)
        return verdict.category if verdict else None

    site.category_of = lambda option: category_of(tuple(option.packages))
    return site, notes
