"""A new record: the commented template `decisions new` writes under the next free number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .findings import Loc
from .model import APPROACHES
from .recordfile import (
    SCHEMA_LINE,
    TODO_CATEGORY,
    TODO_TEAM,
    BlockText,
    Quoted,
    create,
    dump,
    slug,
)
from .statuses import BUILT_IN, Statuses

APPROACH_COMMENT = "buy: hosted product | adopt: run existing software | build: write it"
# Trailing comments line up at this column, or two spaces after the longest line that has
# one (a long team or category name).
COMMENT_COLUMN = 26
HEADER = (SCHEMA_LINE.removeprefix("# "),
          "A decision record. Replace every TODO; `decisions validate` lists the ones left.",
          "Fields are documented in docs/decision.schema.json (your editor shows them).")
COMMENTS: dict[Loc, str] = {
    ("date",): "when the status last changed",
    ("team",): "the team that will operate the choice",
    ("category",): "e.g. database, alerting, observability, hosting",
    ("core",): "true only if this capability is core to our business",
    # each option field is explained once, on the first option
    ("options", 0, "approach"): APPROACH_COMMENT,
    ("options", 0, "packages"): "e.g. pypi:requests, npm:react, eol:postgresql@16",
    ("options", 0, "innovation_tokens"): "0: boring technology we already run; 1-3: something "
                                         "new",
    ("review_by",): "when to look at this again",
}


def _option(name: str, approach: str) -> dict[str, Any]:
    if approach not in APPROACHES:
        raise ValueError(f"approach {approach!r} is not one of {', '.join(APPROACHES)}")
    return {"name": Quoted(name), "approach": approach, "summary": "TODO one sentence",
            "pros": [], "cons": [], "packages": [], "innovation_tokens": 0}


def render_template(title: str, team: str | None, category: str | None, today: dt.date,
                    options: list[tuple[str, str]] | None = None,
                    statuses: Statuses = BUILT_IN) -> str:
    """The template with the values given, each written by the record emitter; its status is
    the organisation's word for proposed, and the comment beside it lists them all."""
    options = options or [("TODO first option", "buy"), ("TODO second option", "build")]
    data: dict[str, Any] = {
        "title": Quoted(title),
        "status": statuses.word("proposed"),
        "date": today,
        "team": TODO_TEAM if team is None else team,
        "deciders": ["TODO who decides"],
        "category": TODO_CATEGORY if category is None else category,
        "tags": [],
        "core": False,
        "context": BlockText("TODO What is the problem, and why now?\n"),
        "drivers": ["TODO what matters most (cost, time to value, operating load, ...)"],
        "options": [_option(name, approach) for name, approach in options],
        "decision": {"chosen": "TODO the name of one option above",
                     "rationale": BlockText("TODO Why this option over the others.\n")},
        "consequences": {"good": [], "bad": []},
        "review_by": today + dt.timedelta(days=365),
    }
    comments = {("status",): " | ".join(statuses.words), **COMMENTS}
    return dump(data, HEADER, comments, align=COMMENT_COLUMN)


def create_record(root: Path, title: str, team: str | None, category: str | None,
                  today: dt.date, options: list[tuple[str, str]] | None = None,
                  statuses: Statuses = BUILT_IN) -> Path:
    """Write the template under the next free number."""
    text = render_template(title, team, category, today, options, statuses)
    return create(root, slug(title), lambda _: text)
