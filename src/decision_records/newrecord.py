"""A new record from a commented template, under the next free number."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from .files import write_new
from .model import RECORD_FILE

SCHEMA_LINE = "# yaml-language-server: $schema=../docs/decision.schema.json"


def slugify(title: str, limit: int = 60) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "decision"


def next_number(root: Path) -> int:
    numbers = [int(m["number"]) for p in root.glob("*.yaml") if (m := RECORD_FILE.match(p.name))]
    return max(numbers, default=0) + 1


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


APPROACH_COMMENT = "# buy: hosted product | adopt: run existing software | build: write it"


def _options(options: list[tuple[str, str]]) -> str:
    if not options:
        options = [("TODO first option", "buy"), ("TODO second option", "build")]
    out = []
    for i, (name, approach) in enumerate(options):
        first = i == 0  # explain each field once, on the first option
        comment = f"         {APPROACH_COMMENT}" if first else ""
        packages = "          # e.g. pypi:requests, npm:react, github:owner/repo" if first else ""
        tokens = "  # 0: boring technology we already run; 1-3: something new" if first else ""
        out.append(f"""  - name: {_quote(name)}
    approach: {approach}{comment}
    summary: TODO one sentence
    pros: []
    cons: []
    packages: []{packages}
    innovation_tokens: 0{tokens}
""")
    return "".join(out)


def render_template(title: str, team: str | None, category: str | None, today: dt.date,
                    options: list[tuple[str, str]] | None = None) -> str:
    return f"""{SCHEMA_LINE}
# A decision record. Replace every TODO; `decisions validate` lists the ones left.
# Fields are documented in docs/decision.schema.json (your editor shows them).
title: {_quote(title)}
status: proposed          # proposed | accepted | rejected | superseded | deprecated
date: {today.isoformat()}          # when the status last changed
team: {team or "TODO-team"}          # the team that will operate the choice
deciders:
  - TODO who decides
category: {category or "todo"}           # e.g. database, alerting, observability, hosting
tags: []
core: false               # true only if this capability is core to our business
context: |
  TODO What is the problem, and why now?
drivers:
  - TODO what matters most (cost, time to value, operating load, ...)
options:
{_options(options or [])}decision:
  chosen: TODO the name of one option above
  rationale: |
    TODO Why this option over the others.
consequences:
  good: []
  bad: []
review_by: {(today + dt.timedelta(days=365)).isoformat()}   # when to look at this again
"""


def create(root: Path, title: str, team: str | None, category: str | None,
           today: dt.date, options: list[tuple[str, str]] | None = None) -> Path:
    """Write the template under the next free number; retries if another writer won the race."""
    slug = slugify(title)
    text = render_template(title, team, category, today, options)
    number = next_number(root)
    while True:
        path = root / f"{number:04d}-{slug}.yaml"
        try:
            write_new(path, text)
            return path
        except FileExistsError:
            number += 1
