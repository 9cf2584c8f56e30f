"""A new record from a commented template, under the next free number."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from pathlib import Path

import yaml

from .files import write_new
from .model import APPROACHES, RECORD_FILE

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


def yaml_scalar(value: str, quoted: bool = False) -> str:
    """`value` as one line of YAML that reads back as exactly `value`, for `key: <here>`.

    Written by the YAML serializer, never by formatting the text into the template: a value
    can hold a line break, a quote or a `: ` and still cannot end the scalar or add a key.
    Plain style when the serializer finds it safe (`team: sre`), otherwise, or when `quoted`,
    a double-quoted string with every line break and control character escaped.
    """
    if not quoted:
        text = _dump(value, None)
        if _one_line_reading(text, value):
            return text
    # plain and single-quoted styles write a line break (\n, \x85, \u2028) as it is
    text = _dump(value, '"')
    if not _one_line_reading(text, value):
        raise ValueError(f"cannot write {value!r} as one line of YAML")  # never seen
    return text


def _one_line_reading(text: str, value: str) -> bool:
    """`text` holds no line break and reads back as `value` after a key."""
    return (not any(c in text for c in "\n\r\x85\u2028\u2029")
            and yaml.safe_load(f"key: {text}") == {"key": value})


def _dump(value: str, style: str | None) -> str:
    out = yaml.safe_dump(value, default_style=style, allow_unicode=True, width=math.inf)
    return out.removesuffix("\n...\n").removesuffix("\n")


APPROACH_COMMENT = "# buy: hosted product | adopt: run existing software | build: write it"
# Where a trailing comment starts: _TO marks it in the template (no value holds a NUL: the
# YAML serializer escapes one), and _align lines them all up, at COMMENT_COLUMN or, after a
# long team or category name, two spaces after the longest line.
_TO = "\0"
COMMENT_COLUMN = 26


def _align(text: str) -> str:
    """Every trailing comment at one column."""
    lines = [line.partition(_TO) for line in text.split("\n")]
    column = max([COMMENT_COLUMN, *(len(code) + 2 for code, sep, _ in lines if sep)])
    return "\n".join(code.ljust(column) + comment if sep else code
                     for code, sep, comment in lines)


def _options(options: list[tuple[str, str]]) -> str:
    if not options:
        options = [("TODO first option", "buy"), ("TODO second option", "build")]
    out = []
    for i, (name, approach) in enumerate(options):
        first = i == 0  # explain each field once, on the first option
        comment = f"{_TO}{APPROACH_COMMENT}" if first else ""
        packages = f"{_TO}# e.g. pypi:requests, npm:react, github:owner/repo" if first else ""
        tokens = f"{_TO}# 0: boring technology we already run; 1-3: something new" if first else ""
        if approach not in APPROACHES:
            raise ValueError(f"approach {approach!r} is not one of {', '.join(APPROACHES)}")
        out.append(f"""  - name: {yaml_scalar(name, quoted=True)}
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
    """The template with the values given; each one goes in through `yaml_scalar`."""
    team_value = yaml_scalar(team) if team is not None else "TODO-team"
    category_value = yaml_scalar(category) if category is not None else "todo"
    return _align(f"""{SCHEMA_LINE}
# A decision record. Replace every TODO; `decisions validate` lists the ones left.
# Fields are documented in docs/decision.schema.json (your editor shows them).
title: {yaml_scalar(title, quoted=True)}
status: proposed{_TO}# proposed | accepted | rejected | superseded | deprecated
date: {today.isoformat()}{_TO}# when the status last changed
team: {team_value}{_TO}# the team that will operate the choice
deciders:
  - TODO who decides
category: {category_value}{_TO}# e.g. database, alerting, observability, hosting
tags: []
core: false{_TO}# true only if this capability is core to our business
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
review_by: {(today + dt.timedelta(days=365)).isoformat()}{_TO}# when to look at this again
""")


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
