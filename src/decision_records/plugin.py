"""The MkDocs plugin `decisions`: hands the decision records to MkDocs. Each method only
translates.

`plugins: [search, decisions]` in mkdocs.yml is all a site needs. The records are loaded and
checked once per build (on_config) and rendered by this package into in-memory pages:
nothing is written into docs/. The pages every site shares (the guides, the rules, the
stylesheet, the scripts and the search worker) come from the package's `docs/` folder, and
the theme override (a problems banner, the search box asking Pagefind) from its `theme/`
folder; a site's own `docs/` replaces any of them with its file at the same path. Unless
mkdocs.yml sets a palette, the site gets a light and a dark one. Problems in the records
never stop `mkdocs serve` or a plain build: the pages show them, and only `mkdocs build
--strict` (what CI runs) fails on an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url, nest_paths

from .render.templates import sections
from .render.urls import Urls
from .search import Document, SearchBuild, SearchError
from .site import (
    PREVIEW,
    HtmlPage,
    Site,
    SiteError,
    compact_html,
    decisions_dir,
    load_site,
    strict_message,
)
from .siteconfig import SHARED_DOCS

log = logging.getLogger("mkdocs.plugins.decisions")

PACKAGE = Path(__file__).resolve().parent
DOCS = SHARED_DOCS  # pages and assets every site gets, laid out as in a docs_dir
THEME = PACKAGE / "theme"  # the theme override: main.html
CSS = "assets/decisions.css"
JAVASCRIPT = "assets/decisions.js"
# Material's own search engine (Lunr, its languages, its worker): the search box asks ours.
# Source maps of the theme's minified files only serve someone debugging the theme.
THEME_UNUSED = ("assets/javascripts/lunr/", "assets/javascripts/workers/")
# The navigation a site gets when mkdocs.yml gives none: these pages in this order (those
# that exist), then the site's own pages as MkDocs would list them. Every other page the
# plugin adds (records, years, rules, the security model) stays out of the navigation:
# Material renders the whole navigation into every page, so thousands of records listed
# there would make every page heavy.
NAV = (
    ("Home", "index.md"),
    ("Decisions", "decisions/index.md"),
    ("Review queue", "review.md"),
    ("Innovation tokens", "budget.md"),
    ("Cost of ownership", "costs.md"),
    ("Radar", "radar.md"),
    ("Package signals", "signals.md"),
    ("Decision coverage", "coverage.md"),
    ("Timeline", "timeline.md"),
    ("Tags", "tags.md"),
    ("Propose a tool", "propose.md"),
    ("Rules", "rules/index.md"),
    ("Statuses", "statuses.md"),
    ("Import ADRs", "import.md"),
    ("Keeping decisions true", "refresh.md"),
    ("Coverage in CI", "decision-coverage.md"),
)
_IN_NAV = {uri for _, uri in NAV}
TAGS_PAGE = "tags.md"  # lists Material's tags: only when its tags plugin is on
# Light or dark as the reader's system prefers, with Material's toggle to change it. A site
# whose mkdocs.yml sets `theme.palette` keeps its own; the others get this one from the
# plugin, so an upgrade brings palette fixes to sites made by an older `decisions init`.
PALETTE = (
    {"media": "(prefers-color-scheme: light)", "scheme": "default",
     "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
     "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"}},
)


class DecisionsConfig(base.Config):  # type: ignore[no-untyped-call]
    dir = c.Type(str, default="decisions")  # the records, from mkdocs.yml's folder


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
    """Source path -> its label in the nav (MkDocs keeps a page made before the nav as it
    is, so the label is given when the page is made)."""
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


def packaged_files() -> Iterator[tuple[str, Path]]:
    """(src_uri, path) of every page and asset in the package's docs/ folder."""
    for path in sorted(DOCS.rglob("*")):
        uri = path.relative_to(DOCS).as_posix()
        if path.is_file() and not any(p.startswith((".", "__")) for p in uri.split("/")):
            yield uri, path


def default_nav(files: Files) -> list[Any]:
    """NAV's pages that the site has, then its own pages in MkDocs' order."""
    pages = {f.src_uri: f for f in files.documentation_pages()}
    nav: list[Any] = [{label: uri} for label, uri in NAV if uri in pages]
    own = sorted((f for f in pages.values() if f.inclusion.is_in_nav()  # type: ignore[no-untyped-call]
                  and f.src_uri not in _IN_NAV), key=file_sort_key)
    nested: list[Any] = nest_paths(f.src_uri for f in own)  # type: ignore[no-untyped-call]
    return nav + nested


class DecisionsPlugin(BasePlugin[DecisionsConfig]):  # type: ignore[no-untyped-call]
    """Pages from the decision records, and the package's shared pages and theme override."""

    def __init__(self) -> None:
        self._site: Site | None = None
        self._search: SearchBuild | None = None
        self._page_docs = PREVIEW.page_docs  # words of the searched pages, across rebuilds

    def _root(self, config: MkDocsConfig) -> Path:
        return decisions_dir(Path(config.config_file_path).parent, self.config.dir)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # having this method also keeps one plugin object for every rebuild of `serve`
        PREVIEW.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        theme_dirs = config.theme.dirs
        if str(THEME) not in theme_dirs:  # after the site's custom_dir, before the theme's
            theme_dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        if config.theme.name == "material" and not config.theme.get("palette"):
            config.theme["palette"] = [dict(option) for option in PALETTE]
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        if JAVASCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(JAVASCRIPT)
        try:
            self._site = load_site(self._root(config), urls(config), PREVIEW.records)
        except SiteError as e:
            raise PluginError(str(e)) from None
        errors = self._site.errors
        if errors and config.strict:
            raise PluginError(strict_message(errors))
        for f in self._site.findings:  # CI enforces warnings with `decisions validate --strict`
            (log.warning if f.severity == "error" else log.info)(f.format())
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        site = self._site
        assert site is not None
        for unused in [f for f in files if f.src_uri.startswith(THEME_UNUSED)
                       or (f.src_uri.startswith("assets/") and f.src_uri.endswith(".map"))]:
            files.remove(unused)
        self._add_packaged(files, config)
        for uri, content in site.files().items():
            files.append(File.generated(config, uri, content=content))
        keys = site.page_keys()
        for file in files.documentation_pages():
            # a hand-written page with figures from the records changes when they do; under
            # `mkdocs serve --dirty` MkDocs would only look at the page's own file
            if file.abs_src_path and site.fills(Path(file.abs_src_path)):
                file.is_modified = lambda: True  # type: ignore[method-assign]
        made: list[tuple[HtmlPage, File]] = []
        for page in site.pages():
            where = _inclusion(page.uri)
            if page.path is None:  # about many records: made again at every build
                file = File.generated(config, page.uri, content="", inclusion=where)
            else:
                file = RecordFile.generated(config, page.uri, abs_src_path=str(page.path),
                                            inclusion=where)
                assert isinstance(file, RecordFile)
                file.changed = keys.get(page.uri) != PREVIEW.keys.get(page.uri)
            files.append(file)
            made.append((page, file))
        if config.nav is None:
            config.nav = default_nav(files)
        labels = _nav_labels(config.nav)
        for page, file in made:
            FinishedPage(page, file, config, labels.get(page.uri))
        PREVIEW.keys = keys
        kept = {f.src_uri for f in files.documentation_pages()}
        for gone in [uri for uri in self._page_docs if uri not in kept]:
            del self._page_docs[gone]
        self._search = SearchBuild()
        self._search.add_records(site.search_documents(site.context.urls.url))
        return files

    def _add_packaged(self, files: Files, config: MkDocsConfig) -> None:
        """The package's pages and assets that the site's docs/ does not replace, and the
        site needs."""
        assert self._site is not None
        tags = "tags" in config.plugins or "material/tags" in config.plugins
        exclude = config.exclude_docs
        for uri, path in packaged_files():
            if (files.get_file_from_path(uri) is not None or (uri == TAGS_PAGE and not tags)
                    or (exclude is not None and exclude.match_file(uri))
                    or not self._site.needs(uri)):
                continue
            files.append(File.generated(config, uri, abs_src_path=str(path),
                                        inclusion=_inclusion(uri)))

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        assert self._site is not None
        if not (page.meta.get("search") or {}).get("exclude"):
            self._page_docs[page.file.src_uri] = Document(page.url, "", "")  # words come later
        page.meta["search"] = {"exclude": True}  # Material's own index: the worker asks Pagefind
        return self._site.fill(markdown, page.file.src_uri)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if page.file.src_uri in self._page_docs:
            self._page_docs[page.file.src_uri] = Document(page.url, page.title or "", html)
        return html

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> Any:
        if isinstance(page, FinishedPage):
            page.fill()
            if page.source.searched:
                self._page_docs[page.file.src_uri] = Document(page.url, page.source.title,
                                                              page.content or "")
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if isinstance(page, FinishedPage):
            page.content = None  # written: no need to keep it
        return compact_html(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._search is None:
            return
        for doc in self._page_docs.values():
            if doc.body:
                self._search.add_page(doc)
        try:
            # under `mkdocs serve` the pages show at once and search follows a moment later
            self._search.finish(Path(config.site_dir), wait=not PREVIEW.serving)
        except SearchError as e:
            log.warning(f"search: {e}; the site has no search index")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self._root(config)))
        server.watch(str(DOCS))  # a guide edited in this package's own checkout
        return server


def _inclusion(uri: str) -> InclusionLevel:
    """Pages the default navigation lists follow mkdocs.yml's not_in_nav; the rest stay out."""
    return InclusionLevel.UNDEFINED if uri in _IN_NAV else InclusionLevel.NOT_IN_NAV
