"""MkDocs hooks: hand the decision records to MkDocs. Each function only translates.

The records are loaded and checked once per build (on_config) and rendered by the
decision_records package into in-memory files: nothing is written into docs/. Problems in
the records never stop `mkdocs serve` or a plain build: the pages show them, and only
`mkdocs build --strict` (what CI runs) fails on an error.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from decision_records.render.record import RecordPage as RecordView
from decision_records.render.urls import PROBLEMS_URI, Urls
from decision_records.search import Document, SearchBuild, SearchError
from decision_records.site import (
    RecordSource,
    Site,
    SiteError,
    compact_html,
    decisions_dir,
    load_site,
    strict_message,
)

log = logging.getLogger("mkdocs.hooks.decisions")
_site: Site | None = None
_search: SearchBuild | None = None
_searched: set[str] = set()  # hand-written pages that search should find


class RecordPage(Page):
    """A record's page: its HTML and table of contents come finished from the package."""

    def __init__(self, source: RecordSource, file: File, config: MkDocsConfig) -> None:
        super().__init__(None, file, config)
        self._render = source.render
        self._view: RecordView | None = None

    def read_source(self, config: MkDocsConfig) -> None:
        self._view = view = self._render()
        self.markdown = ""
        # the theme prints the title unescaped; search reads the records, not this page.
        # No side table of contents: a record's sections are few and always in the same
        # order, and the options side by side need the width (the theme would also repeat
        # the sections' links in every one of thousands of pages).
        self.meta = {"title": _escape(view.title), "tags": view.tags,
                     "search": {"exclude": True}, "hide": ["toc"]}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        assert self._view is not None
        self.content = self._view.html
        self.toc = get_toc([])
        self.present_anchor_ids = {anchor for anchor, _ in self._view.toc}
        self._view = None  # the content is all MkDocs needs from here on


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def urls(config: MkDocsConfig) -> Urls:
    """MkDocs' own rules for page URLs, handed to the renderers."""
    directory_urls = config.use_directory_urls
    repo = config.repo_url
    edit_base = urljoin(repo.rstrip("/") + "/", config.edit_uri or "") if repo else None
    return Urls(page_url=lambda uri: File(uri, "", "", directory_urls).url,
                relative=get_relative_url, edit_base=edit_base, site_url=config.site_url)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    try:
        _site = load_site(decisions_dir(Path(config.config_file_path).parent), urls(config))
    except SiteError as e:
        raise PluginError(str(e)) from None
    errors = _site.errors
    if errors and config.strict:
        raise PluginError(strict_message(errors))
    for f in _site.findings:  # CI enforces warnings with `decisions validate --strict`
        (log.warning if f.severity == "error" else log.info)(f.format())
    line = _site.problems_line()
    config.extra["decision_problems"] = (
        {"text": f"{line}: see Problems", "page": File(PROBLEMS_URI, "", "",
                                                      config.use_directory_urls).url}
        if errors else None)
    return config


# Material's own search engine (Lunr, its languages, its worker): the search box asks ours.
# Source maps of the theme's minified files only serve someone debugging the theme.
THEME_UNUSED = ("assets/javascripts/lunr/", "assets/javascripts/workers/")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _search
    assert _site is not None
    for unused in [f for f in files if f.src_uri.startswith(THEME_UNUSED)
                   or (f.src_uri.startswith("assets/") and f.src_uri.endswith(".map"))]:
        files.remove(unused)
    for uri, content in _site.pages().items():
        files.append(File.generated(config, uri, content=content))
    for source in _site.records():
        # the record file as source: `mkdocs serve --dirty` rebuilds only the records changed
        file = File.generated(config, source.uri, abs_src_path=str(source.path))
        RecordPage(source, file, config)
        files.append(file)
    _search = SearchBuild()
    _searched.clear()
    _search.add_records(_site.search_documents(
        lambda uri: File(uri, "", "", config.use_directory_urls).url))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _site is not None
    if not isinstance(page, RecordPage):
        if not (page.meta.get("search") or {}).get("exclude"):
            _searched.add(page.file.src_uri)
        page.meta["search"] = {"exclude": True}  # Material's own index: the worker uses ours
    return _site.fill(markdown, page.file.src_uri)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if _search is not None and page.file.src_uri in _searched:
        _search.add_page(Document(page.url, page.title or "", html))
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return compact_html(output)


def on_post_build(config: MkDocsConfig) -> None:
    if _search is None:
        return
    try:
        _search.finish(Path(config.site_dir))
    except SearchError as e:
        log.warning(f"search: {e}; the site has no search index")


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> None:
    server.watch(str(decisions_dir(Path(config.config_file_path).parent)))
