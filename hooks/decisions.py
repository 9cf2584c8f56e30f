"""The `decisions` plugin as MkDocs hooks, for a site generator that reads `hooks:` but not
plugin entry points. This repository's own mkdocs.yml uses the plugin, as an organisation's
does; this module only forwards to it, with the plugin's default settings.
"""

from __future__ import annotations

from decision_records.plugin import DecisionsPlugin

_plugin = DecisionsPlugin()
_plugin.load_config({})

on_startup = _plugin.on_startup
on_config = _plugin.on_config
on_files = _plugin.on_files
on_page_markdown = _plugin.on_page_markdown
on_page_content = _plugin.on_page_content
on_page_context = _plugin.on_page_context
on_post_page = _plugin.on_post_page
on_post_build = _plugin.on_post_build
on_serve = _plugin.on_serve
