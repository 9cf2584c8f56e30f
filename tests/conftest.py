"""Shared helpers: a temporary decisions folder, a valid record and variants of it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from decision_records.cli.main import main as cli_main
from decision_records.records import Decisions
from decision_records.render.context import RenderContext
from decision_records.render.urls import Urls
from decision_records.site import Site, load_site

TODAY = dt.date(2026, 11, 26)
TODAY_ENV = TODAY.isoformat()
REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
default_tokens: 3
teams:
  - name: platform
    tokens: 3
  - name: commerce
    tokens: 2
categories:
  - alerting
  - database
  - hosting
"""

# A complete valid record using most fields. Case files under tests/cases/ are this text with
# one thing wrong, so their line numbers match the numbering below.
VALID_RECORD = """\
# yaml-language-server: $schema=../docs/decision.schema.json
title: Buy a paging service
status: accepted
date: 2026-03-02
team: platform
deciders:
  - Ada Lovelace
  - Grace Hopper
consulted:
  - On-call engineers
category: alerting
tags:
  - on-call
  - paging
core: false
context: |
  Alerts reach people by e-mail only, and night-time alerts are missed.
drivers:
  - Time to value
  - Operating load
options:
  - name: PagerDuty
    approach: buy
    summary: A hosted paging and on-call scheduling service.
    pros:
      - Mature escalation policies
    cons:
      - Per-seat licence
    packages:
      - pypi:requests
      - github:psf/requests
    cost:
      licence_per_year: 12000
      build_person_weeks: 1
      run_hours_per_month: 2
      notes: Twenty seats.
    innovation_tokens: 0
  - name: Build our own
    approach: build
    summary: A small service that sends SMS through a gateway.
    pros:
      - No licence
    cons:
      - We would be on call for our own pager
    packages:
      - npm:react
    innovation_tokens: 1
    why_not_existing_stack: Nothing we run today sends SMS or escalates.
    replaces: The e-mail alerts, retired once the pager is live.
decision:
  chosen: PagerDuty
  rationale: |
    Paging is not core to our business and a product does it well.
  exit_plan: Schedules export as iCal and alerts are plain webhooks.
consequences:
  good:
    - Nights are covered
  bad:
    - A yearly licence
on_call: platform-primary
review_by: 2027-03-02
links:
  - title: Vendor comparison
    url: https://example.com/paging
"""


def variant(old: str, new: str, text: str = VALID_RECORD) -> str:
    """`text` with the single occurrence of `old` replaced by `new`."""
    found = text.count(old)
    assert found == 1, f"{old!r} occurs {found} times in the record, expected once"
    return text.replace(old, new)


def record(
    *, status: str = "accepted", date: str = "2026-03-02", supersedes: list[str] | None = None,
    title: str = "Buy a paging service",
) -> str:
    """A valid record with a few commonly varied fields set."""
    text = variant("status: accepted\n", f"status: {status}\n")
    text = variant("date: 2026-03-02\n", f"date: {date}\n", text)
    text = variant("title: Buy a paging service\n", f"title: {title}\n", text)
    if supersedes is not None:
        text += "supersedes:\n" + "".join(f"  - {s}\n" for s in supersedes)
    return text


def write_decisions(
    root: Path, records: Mapping[str, str | bytes], config: str | bytes | None = CONFIG,
) -> Path:
    """Create root/decisions with config.yaml (unless None) and the given files."""
    folder = root / "decisions"
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes] = dict(records)
    if config is not None:
        files["config.yaml"] = config
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
    return folder


MakeDecisions = Callable[..., Path]


@pytest.fixture
def make_decisions(tmp_path: Path) -> MakeDecisions:
    """make_decisions({name: text}, config=CONFIG) -> the tmp decisions folder."""

    def make(
        records: Mapping[str, str | bytes], config: str | bytes | None = CONFIG,
    ) -> Path:
        return write_decisions(tmp_path, records, config)

    return make


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a `decisions` subprocess: today pinned, no DECISIONS_DIR leak."""
    env = {k: v for k, v in os.environ.items() if k != "DECISIONS_DIR"}
    env["DECISIONS_TODAY"] = TODAY_ENV
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `decisions ARGS` in cwd: in this process through click's runner (fast), or with
    `process=True` as `python -m decision_records` in a process of its own, as a user would.

    In this process, an exception other than the command's own exit fails the test with it:
    a user would have seen a traceback.
    """
    if process:
        return subprocess.run(
            [sys.executable, "-m", "decision_records", *args],
            cwd=cwd, env=dict(env) if env is not None else cli_env(), capture_output=True,
            text=True, encoding="utf-8", timeout=60, check=False,
        )
    changes: dict[str, str | None] = {"DECISIONS_DIR": None, "DECISIONS_TODAY": TODAY_ENV}
    if env is not None:
        changes.update({k: None for k in os.environ if k not in env})
        changes.update(env)
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli_main, list(args), env=changes, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess([*args], result.exit_code, result.stdout,
                                       result.stderr)


def make_urls(directory_urls: bool = True, edit_base: str | None = None,
              site_url: str | None = None) -> Urls:
    """The page URLs as the hooks give them to the renderers: MkDocs' own rules."""
    return Urls(page_url=lambda uri: File(uri, "", "", directory_urls).url,
                relative=get_relative_url, edit_base=edit_base, site_url=site_url)


def render_context(decisions: Decisions, today: dt.date = TODAY, **urls: Any) -> RenderContext:
    """A render context for the given loaded decisions."""
    return RenderContext(decisions, today, make_urls(**urls))


def site_for_test(root: Path, **urls: Any) -> Site:
    """The site as the hooks load it, with MkDocs' URL rules."""
    return load_site(root, make_urls(**urls))
