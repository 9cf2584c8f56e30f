"""`decisions enrich`, minus the terminal: which references to fetch, fetching a few at a
time, and merging the results into the snapshot without ever losing what it held.

Interrupted (Ctrl-C), a run cuts its requests in flight and returns nothing: the caller
saves nothing, so signals.json stays exactly as it was. Every line of the summary is one
line whatever a registry sent (`textsafe.one_line`).
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import requests

from ..findings import display
from ..model import Option
from ..records import Decisions
from ..settings.signals import SignalsConfig, Thresholds
from ..textsafe import one_line
from .clients import Fetcher, FetchResult, GitHubGate
from .http import make_session
from .maturity import EOL_WARNING_DAYS, assess
from .snapshot import (
    HISTORY_MAX,
    HISTORY_REASON_CHARS,
    HISTORY_REASONS_MAX,
    CategoryChange,
    Snapshot,
    SnapshotEntry,
)

Progress = Callable[[str, int], None]  # (reference just done, references in all so far)


def option_refs(options: Iterable[Option]) -> list[str]:
    """Every package reference of these options, once each, sorted."""
    return sorted({ref for o in options for ref in o.packages})


def linked_refs(snapshot: Snapshot, refs: Iterable[str]) -> list[str]:
    """GitHub repositories that these registry packages are published from."""
    out = set()
    for ref in refs:
        entry = snapshot.get(ref)
        repo = entry.signals.get("repository") if entry else None
        if isinstance(repo, str) and repo.startswith("github:"):
            out.add(repo)
    return sorted(out)


def unloaded_records(decisions: Decisions) -> list[str]:
    """Record files in the folder that did not load as records (unreadable, not YAML, not
    matching the schema, misnamed): which references they name is unknown."""
    return [display(p) for p in decisions.failed]


def is_fresh(entry: SnapshotEntry | None, now: dt.datetime, max_age_days: float) -> bool:
    """Has a certain answer younger than max_age_days, and the last attempt did not fail."""
    if entry is None or entry.fetched is None or entry.error:
        return False
    return now - entry.fetched < dt.timedelta(days=max_age_days)


def merge(previous: SnapshotEntry | None, result: FetchResult,
          now: dt.datetime) -> SnapshotEntry | None:
    """The entry after a fetch. A failure keeps every earlier figure and notes the error."""
    history = previous.history if previous else None  # outlives every fetch
    if result.outcome == "ok":
        return SnapshotEntry(status="ok", checked=now, fetched=now, source=result.source,
                             etag=result.etag, signals=result.signals or {}, history=history)
    if result.outcome == "not-modified" and previous is not None:
        return previous.model_copy(update={
            "status": "ok", "checked": now, "fetched": now, "error": None,
            "etag": result.etag or previous.etag})
    if result.outcome == "not-found":
        # the figures from before the package disappeared stay as history
        return SnapshotEntry(status="not-found", checked=now, fetched=now, source=result.source,
                             signals=previous.signals if previous else {}, history=history)
    if result.outcome == "rate-limited":
        return previous  # nothing was learnt; the next run tries again
    reason = result.reason or "no usable response"
    if result.outcome == "not-modified":
        reason = "HTTP 304 but no stored copy to keep"
    if previous is None:
        return SnapshotEntry(status="error", checked=now, source=result.source, error=reason)
    return previous.model_copy(update={"checked": now, "error": reason})


@dataclass
class Summary:
    """What a run did, for the one summary line (and the lines that give reasons)."""

    fetched: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # ref -> reason
    fresh: list[str] = field(default_factory=list)
    rate_limited: list[str] = field(default_factory=list)
    rate_limit_hit: bool = False
    reset: dt.datetime | None = None
    token: bool = False
    notes: list[str] = field(default_factory=list)  # said once each, after the counts

    def add(self, result: FetchResult) -> None:
        if result.outcome == "ok":
            self.fetched.append(result.ref)
        elif result.outcome == "not-modified":
            self.unchanged.append(result.ref)
        elif result.outcome == "not-found":
            self.not_found.append(result.ref)
        elif result.outcome == "rate-limited":
            self.rate_limited.append(result.ref)
            self.rate_limit_hit = True
            self.reset = self.reset or result.reset
        else:
            self.failed[result.ref] = result.reason or "no usable response"

    def lines(self) -> list[str]:
        parts = [f"fetched {len(self.fetched)}", f"unchanged via 304 {len(self.unchanged)}",
                 f"not found {len(self.not_found)}", f"failed {len(self.failed)}",
                 f"skipped fresh {len(self.fresh)}"]
        if self.rate_limited:
            parts.append(f"skipped for GitHub's rate limit {len(self.rate_limited)}")
        out = ["enrich: " + ", ".join(parts)]
        out += [f"  {note}" for note in self.notes]
        if self.not_found:
            out.append(f"  not found: {', '.join(sorted(self.not_found))}")
        by_reason: dict[str, list[str]] = defaultdict(list)
        for ref, reason in sorted(self.failed.items()):
            by_reason[reason].append(ref)
        for reason, refs in by_reason.items():
            out.append(f"  failed: {', '.join(refs)}: {reason}")
        if self.rate_limit_hit:
            out.append(self.rate_limit_message())
        # reasons and notes quote registries and hosts: no line break may get through, or
        # a reply could print a line of its own (on a CI runner, a `::` workflow command)
        return [one_line(line) for line in out]

    def rate_limit_message(self) -> str:
        when = (f"it resets at {self.reset.strftime('%Y-%m-%d %H:%M')} UTC" if self.reset
                else "GitHub did not say when it resets")
        hint = "" if self.token else "; set GITHUB_TOKEN for a higher limit"
        return (f"GitHub rate limit reached: GitHub fetching stopped for this run "
                f"({len(self.rate_limited)} not fetched, kept as they were); {when}{hint}")


def enrich(
    snapshot: Snapshot, refs: Iterable[str], settings: SignalsConfig, *, now: dt.datetime,
    refresh: bool = False, token: str | None = None, follow_links: bool = True,
    prune: bool = False, unloaded: Sequence[str] = (), progress: Progress | None = None,
    session_factory: Callable[[], requests.Session] | None = None,
) -> tuple[Snapshot, Summary]:
    """Fetch the stale or missing references (all with refresh) and merge them in.

    With follow_links, the GitHub repositories the fetched packages come from are fetched
    too. With prune, entries for references neither given nor linked are dropped, unless
    `unloaded` names record files that failed to load: the references those name are not
    known, so nothing is dropped and a note says why.
    """
    wanted = sorted(set(refs))
    summary = Summary()
    local = threading.local()
    sessions: list[requests.Session] = []
    lock = threading.Lock()

    def session() -> requests.Session:
        s: requests.Session | None = getattr(local, "session", None)
        if s is None:  # a session per worker: requests does not promise thread safety
            s = (session_factory or _factory(settings))()
            local.session = s
            with lock:
                sessions.append(s)
        return s

    fetcher = Fetcher(settings, session, now, token, GitHubGate())
    summary.token = bool(fetcher.github_token)
    done = 0
    try:
        snapshot, done = _run(fetcher, snapshot, wanted, settings, refresh, summary, progress,
                              done, len(wanted))
        linked: list[str] = []
        if follow_links:
            linked = [r for r in linked_refs(snapshot, wanted) if r not in set(wanted)]
            snapshot, done = _run(fetcher, snapshot, linked, settings, refresh, summary,
                                  progress, done, len(wanted) + len(linked))
    except BaseException:
        fetcher.cancel.cancel()  # Ctrl-C: cut the requests in flight, start no more
        raise
    finally:
        for s in sessions:
            s.close()
    summary.notes += fetcher.notes
    if prune and unloaded:
        n = len(unloaded)
        summary.notes.append(
            f"nothing pruned: {n} record file{'s' * (n != 1)} did not load "
            f"({', '.join(unloaded)}); signals of references no loaded record names are kept")
    elif prune:
        snapshot = snapshot.only(set(wanted) | set(linked))
    return with_history(snapshot, settings.thresholds, fetcher.now.date(),
                        settings.eol_warning_days), summary


def with_history(snapshot: Snapshot, thresholds: Thresholds, today: dt.date,
                 warning_days: int = EOL_WARNING_DAYS) -> Snapshot:
    """The snapshot with each reference's category of today added to its history, where it
    differs from the last one kept.

    The category is the maturity model's, from the whole snapshot (a package draws on its
    repository's entry). Nothing is added for a reference the snapshot cannot judge
    (unknown), except one its registry answered 404 for: that is news worth keeping.
    """
    updates: dict[str, SnapshotEntry] = {}
    for ref, entry in snapshot.packages.items():
        verdict = assess(ref, snapshot, thresholds, today, warning_days)
        if verdict.category == "unknown" and "not-found" not in verdict.flags:
            continue
        changes = entry.changes
        if changes and changes[-1].category == verdict.category:
            continue
        if changes and changes[-1].date >= today:  # a second run on the same day: its last
            changes = changes[:-1]                 # word replaces the first
            if changes and changes[-1].category == verdict.category:
                updates[ref] = entry.model_copy(update={"history": changes})
                continue
        reasons = [r[:HISTORY_REASON_CHARS] for r in verdict.reasons[:HISTORY_REASONS_MAX]]
        change = CategoryChange(date=today, category=verdict.category, reasons=reasons)
        updates[ref] = entry.model_copy(update={"history": [*changes, change][-HISTORY_MAX:]})
    return snapshot.with_entries(updates) if updates else snapshot


def _factory(settings: SignalsConfig) -> Callable[[], requests.Session]:
    return lambda: make_session(settings.retries, settings.backoff, settings.max_retry_after,
                                pool_size=2)


def _run(fetcher: Fetcher, snapshot: Snapshot, refs: list[str], settings: SignalsConfig,
         refresh: bool, summary: Summary, progress: Progress | None, done: int,
         total: int) -> tuple[Snapshot, int]:
    todo = []
    for ref in refs:
        if not refresh and is_fresh(snapshot.get(ref), fetcher.now, settings.max_age_days):
            summary.fresh.append(ref)
            done += 1
            if progress:
                progress(ref, total)
        else:
            todo.append(ref)
    if not todo:
        return snapshot, done
    updates: dict[str, SnapshotEntry] = {}
    jobs = [(ref, _etag(snapshot.get(ref))) for ref in todo]
    for result in _fetch_all(fetcher, jobs, settings.concurrency):
        summary.add(result)
        entry = merge(snapshot.get(result.ref), result, fetcher.now)
        if entry is not None:
            updates[result.ref] = entry
        done += 1
        if progress:
            progress(result.ref, total)
    if fetcher.gate.closed:
        summary.rate_limit_hit = True
        summary.reset = summary.reset or fetcher.gate.reset
    return snapshot.with_entries(updates), done


def _fetch_all(fetcher: Fetcher, jobs: list[tuple[str, str | None]],
                workers: int) -> Iterator[FetchResult]:
    """Results as they come, from a few daemon threads. Daemon, so an interrupted run exits
    at once instead of joining workers stuck in a request (the cancel cuts those short)."""
    todo: queue.SimpleQueue[tuple[str, str | None]] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    done: queue.Queue[FetchResult | BaseException] = queue.Queue()

    def work() -> None:
        while not fetcher.cancel.cancelled:
            try:
                ref, etag = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put(fetcher.fetch(ref, etag))  # fetch turns every failure into a FetchResult
            except BaseException as e:  # a bug: hand it to the caller rather than hang
                done.put(e)
                return

    for _ in range(min(workers, len(jobs))):
        threading.Thread(target=work, name="enrich", daemon=True).start()
    for _ in jobs:
        item = done.get()
        if isinstance(item, BaseException):
            raise item
        yield item


def _etag(entry: SnapshotEntry | None) -> str | None:
    """Ask "changed since?" only when there is a good copy to keep on a 304."""
    if entry is None or entry.status != "ok" or not entry.signals:
        return None
    return entry.etag
