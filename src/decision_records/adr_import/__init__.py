"""Importing Markdown architecture decision records (Nygard, MADR 2-4, log4brains) as YAML.

`document` reads a Markdown file's structure, `mapping` turns it into record fields,
`batch` numbers, links, checks and writes a whole run (the YAML through `recordfile`).
"""
