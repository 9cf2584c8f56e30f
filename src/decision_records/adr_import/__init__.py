"""Importing Markdown architecture decision records (Nygard, MADR 2-4, log4brains) as YAML.

`document` reads a Markdown file's structure; `metadata`, `sections` (one handler a kind of
section), `choice` and `fields` are the steps that `draft` runs to map it to a typed `Draft`;
`batch` numbers, links, checks and writes a whole run, the YAML through `recordfile`.
"""
