"""MkDocs hooks: hand the decision records to MkDocs. Each function only translates.

The records are loaded and checked once per build in on_config (an invalid record stops
the build before anything is written), rendered by the decision_records package, and
added as in-memory files: nothing is written into docs/.
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
from mkdocs.utils import get_relative_url

from decision_records.render.urls import Urls
from decision_records.site import Site, SiteError, compact_html, decisions_dir, load_site

log = logging.getLogger("mkdocs.hooks.decisions")
_site: Site | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    root = decisions_dir(Path(config.config_file_path).parent)
    try:
        _site, notes = load_site(root, urls(config))
    except SiteError as e:
        raise PluginError(str(e)) from None
    for note in notes:  # warnings of `decisions validate`; CI enforces them, not the build
        log.info(note)
    return config


def urls(config: MkDocsConfig) -> Urls:
    """MkDocs' own rules for page URLs, handed to the renderers."""
    directory_urls = config.use_directory_urls
    repo = config.repo_url
    edit_base = urljoin(repo.rstrip("/") + "/", config.edit_uri or "") if repo else None
    return Urls(page_url=lambda uri: File(uri, "", "", directory_urls).url,
                relative=get_relative_url, edit_base=edit_base, site_url=config.site_url)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _site is not None
    for uri, content in _site.pages().items():
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _site is not None
    return _site.fill(markdown, page.file.src_uri)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return compact_html(output)


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> None:
    server.watch(str(decisions_dir(Path(config.config_file_path).parent)))
