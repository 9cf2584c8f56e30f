"""`decisions enrich`: a thin edge over signals/enrich.py (terminal, files, environment)."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from ..refs import Ref
from ..settings.signals import URL_ENV, SignalsConfig
from ..signals.enrich import enrich as run_enrich
from ..signals.enrich import is_fresh, option_refs, unloaded_records
from ..signals.snapshot import SnapshotError, load_snapshot, save_snapshot, snapshot_path, utc_now
from .common import Exit2, echo, open_decisions


@click.command()
@click.argument("refs", nargs=-1, metavar="[REF]...")
@click.option("--refresh", is_flag=True, help="Fetch every reference, however fresh its data.")
@click.option("--offline", is_flag=True,
              help="Fetch nothing and change nothing; say what a run would fetch.")
@click.pass_obj
def enrich(root: Path, refs: tuple[str, ...], refresh: bool, offline: bool) -> None:
    """Fetch maturity signals from PyPI, npm, GitHub, deps.dev and endoflife.date into
    decisions/signals.json.

    Fetches the references of every record's options (or only the REFs given, as pypi:NAME,
    npm:NAME, github:OWNER/REPO, go:MODULE, cargo:NAME, maven:GROUP:ARTIFACT, nuget:NAME or
    eol:PRODUCT@CYCLE) whose data is missing or older than signals.max_age_days, a few at a
    time, plus the GitHub repositories the packages are published from (with their OpenSSF
    Scorecard score from deps.dev). An eol: reference is a product's release cycle
    (eol:postgresql@16): its release, end-of-support and end-of-life dates. The site and
    `decisions validate` read only the snapshot this writes. Each entry keeps a short
    history: the day its maturity category changed, and why, so `decisions review` can tell
    what a decision assumed when it was accepted.

    A GitHub token is read from GITHUB_TOKEN and goes to GitHub alone; base URLs come from
    signals: in config.yaml or DECISIONS_PYPI_URL, DECISIONS_NPM_URL, DECISIONS_GITHUB_URL,
    DECISIONS_DEPSDEV_URL and DECISIONS_ENDOFLIFE_URL.

    Exit status: 0 when the run completed (failures for single references are reported
    and keep the data held before), 2 for a usage or configuration error.
    """
    for ref in refs:
        try:
            Ref.parse(ref)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="REF") from None
    decisions = open_decisions(root)
    settings = _settings(decisions.config.signals)
    try:  # read again, strictly: validate shows a corrupt file as a finding, enrich stops
        snapshot = load_snapshot(root)
    except SnapshotError as e:
        raise Exit2(str(e)) from None
    wanted = sorted(set(refs)) if refs else option_refs(
        o for e in decisions.entries for o in e.record.options)
    now = utc_now()
    if offline:
        stale = [r for r in wanted if refresh or not is_fresh(snapshot.get(r), now,
                                                              settings.max_age_days)]
        echo(f"offline: nothing fetched, {snapshot_path(root)} unchanged; a run would "
                   f"fetch {len(stale)} of {len(wanted)} references", err=True)
        return
    token = os.environ.get("GITHUB_TOKEN", "").strip() or None
    run = functools.partial(run_enrich, snapshot, wanted, settings, now=now, refresh=refresh,
                            token=token, prune=not refs, unloaded=unloaded_records(decisions))
    if sys.stderr.isatty() and wanted:
        with click.progressbar(length=len(wanted), label="Fetching signals",
                               file=sys.stderr) as bar:

            def progress(ref: str, total: int) -> None:
                bar.length = total  # linked repositories join as they are found
                bar.update(1)

            new, summary = run(progress=progress)
    else:
        new, summary = run()
    path = snapshot_path(root)
    if new != snapshot or not path.exists():
        try:
            save_snapshot(root, new)
        except OSError as e:
            raise click.ClickException(f"cannot write {path}: {e.strerror or e}") from None
    for line in summary.lines():
        echo(line, err=True)


def _settings(config: SignalsConfig) -> SignalsConfig:
    try:
        return config.with_env(os.environ)
    except ValidationError as e:
        field = str(e.errors(include_url=False)[0]["loc"][0])
        raise Exit2(f"{URL_ENV.get(field, field)}: not an http(s) base URL") from None
