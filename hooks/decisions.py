"""MkDocs hooks: hand the decision records to MkDocs. Each function only translates.

The records are loaded and checked once per build (on_config) and rendered by the
decision_records package into in-memory pages: nothing is written into docs/. Problems in
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

from decision_records.render.templates import sections
from decision_records.render.urls import Urls
from decision_records.search import Document, SearchBuild, SearchError
from decision_records.site import (
    PREVIEW,
    HtmlPage,
    Site,
    SiteError,
    compact_html,
    decisions_dir,
    load_site,
    strict_message,
)

log = logging.getLogger("mkdocs.hooks.decisions")
# Material's own search engine (Lunr, its languages, its worker): the search box asks ours.
# Source maps of the theme's minified files only serve someone debugging the theme.
THEME_UNUSED = ("assets/javascripts/lunr/", "assets/javascripts/workers/")

_site: Site | None = None
_search: SearchBuild | None = None
_page_docs = PREVIEW.page_docs  # words of the searched pages, kept across rebuilds


class FinishedPage(Page):
    """A generated page whose HTML comes finished from the package: no Markdown pass. It is
    rendered just before the theme needs it and dropped once written (on_page_context,
    on_post_page), so that ten thousand record pages are never held at once."""

    def __init__(self, source: HtmlPage, file: File, config: MkDocsConfig,
                 title: str | None = None) -> None:
        super().__init__(title, file, config)  # the label mkdocs.yml's nav gives it, if any
        self.source = source

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""
        # the theme prints the title unescaped; Material's own index is not used (see below)
        self.meta = {"title": _escape(self.source.title), "tags": list(self.source.tags),
                     "search": {"exclude": True}, "hide": list(self.source.hide)}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""  # filled in on_page_context

    def fill(self) -> None:
        self.content = html = self.source.render()
        found = sections(html)
        self.toc = get_toc([] if "toc" in self.source.hide else [
            {"level": 2, "id": anchor, "name": name, "children": []} for anchor, name in found])
        self.present_anchor_ids = {anchor for anchor, _ in found}


class RecordFile(File):
    """A record page's file, for `mkdocs serve --dirty`: changed when its record file is, or
    when something else it shows has changed (see Site.page_keys)."""

    changed = False

    def is_modified(self) -> bool:
        return self.changed or super().is_modified()


def _nav_labels(nav: list[Any]) -> dict[str, str]:
    """Source path -> its label in mkdocs.yml's nav (MkDocs keeps a page made before the nav
    as it is, so the label is given when the page is made)."""
    out: dict[str, str] = {}
    for item in nav:
        if isinstance(item, dict):
            for label, target in item.items():
                if isinstance(target, str):
                    out[target] = label
                elif isinstance(target, list):
                    out.update(_nav_labels(target))
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def urls(config: MkDocsConfig) -> Urls:
    """MkDocs' own rules for page URLs, handed to the renderers (kept while serving: the
    links it has worked out stay right as long as these settings do)."""
    directory_urls = config.use_directory_urls
    repo = config.repo_url
    edit_base = urljoin(repo.rstrip("/") + "/", config.edit_uri or "") if repo else None
    key = (directory_urls, edit_base, config.site_url)
    if PREVIEW.urls is None or PREVIEW.urls[0] != key:
        PREVIEW.urls = (key, Urls(page_url=lambda uri: File(uri, "", "", directory_urls).url,
                                  relative=get_relative_url, edit_base=edit_base,
                                  site_url=config.site_url))
    return PREVIEW.urls[1]


def on_startup(command: str, dirty: bool) -> None:
    PREVIEW.serving = command == "serve"  # called once, not at each rebuild


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    try:
        _site = load_site(decisions_dir(Path(config.config_file_path).parent), urls(config),
                          PREVIEW.records)
    except SiteError as e:
        raise PluginError(str(e)) from None
    errors = _site.errors
    if errors and config.strict:
        raise PluginError(strict_message(errors))
    for f in _site.findings:  # CI enforces warnings with `decisions validate --strict`
        (log.warning if f.severity == "error" else log.info)(f.format())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _search
    assert _site is not None
    for unused in [f for f in files if f.src_uri.startswith(THEME_UNUSED)
                   or (f.src_uri.startswith("assets/") and f.src_uri.endswith(".map"))]:
        files.remove(unused)
    for uri, content in _site.files().items():
        files.append(File.generated(config, uri, content=content))
    keys = _site.page_keys()
    labels = _nav_labels(config.nav or [])
    for file in files.documentation_pages():
        # a hand-written page with figures from the records changes when they do; under
        # `mkdocs serve --dirty` MkDocs would only look at the page's own file
        if file.abs_src_path and _site.fills(Path(file.abs_src_path)):
            file.is_modified = lambda: True  # type: ignore[method-assign]
    for page in _site.pages():
        if page.path is None:  # about many records: made again at every build
            file = File.generated(config, page.uri, content="")
        else:
            file = RecordFile.generated(config, page.uri, abs_src_path=str(page.path))
            assert isinstance(file, RecordFile)
            file.changed = keys.get(page.uri) != PREVIEW.keys.get(page.uri)
        FinishedPage(page, file, config, labels.get(page.uri))
        files.append(file)
    PREVIEW.keys = keys
    kept = {f.src_uri for f in files.documentation_pages()}
    for gone in [uri for uri in _page_docs if uri not in kept]:
        del _page_docs[gone]
    _search = SearchBuild()
    _search.add_records(_site.search_documents(_site.context.urls.url))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _site is not None
    if not (page.meta.get("search") or {}).get("exclude"):
        _page_docs[page.file.src_uri] = Document(page.url, "", "")  # its words come later
    page.meta["search"] = {"exclude": True}  # Material's own index: the worker asks Pagefind
    return _site.fill(markdown, page.file.src_uri)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri in _page_docs:
        _page_docs[page.file.src_uri] = Document(page.url, page.title or "", html)
    return html


def on_page_context(context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
    if isinstance(page, FinishedPage):
        page.fill()
        if page.source.searched:
            _page_docs[page.file.src_uri] = Document(page.url, page.source.title,
                                                     page.content or "")
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if isinstance(page, FinishedPage):
        page.content = None  # written: no need to keep it
    return compact_html(output)


def on_post_build(config: MkDocsConfig) -> None:
    if _search is None:
        return
    for doc in _page_docs.values():
        if doc.body:
            _search.add_page(doc)
    try:
        # under `mkdocs serve` the pages show at once and search follows a moment later
        _search.finish(Path(config.site_dir), wait=not PREVIEW.serving)
    except SearchError as e:
        log.warning(f"search: {e}; the site has no search index")


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> None:
    server.watch(str(decisions_dir(Path(config.config_file_path).parent)))
