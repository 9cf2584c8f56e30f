"""The site's search index: Pagefind bundles built from the records' own text.

Records are not searched through their finished pages: each becomes a small document of its
words, and Pagefind (its binary ships in the `pagefind-bin` wheel) turns batches of them into
chunked static indexes that the browser loads a piece at a time. Measured on 2 cores, one
bundle of 10,000 records took 37 s and 2.1 GB; bundles of 1,000 take 2.3 s and 240 MB each,
so records go into shards of SHARD_SIZE, built one after another in the background while the
pages render, and the search worker merges them when it is asked a question.

Shards are kept by the hash of their documents for the life of the process, so `mkdocs serve`
rebuilds only the shard whose records changed.
"""

from __future__ import annotations

import atexit
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import DecisionsError

SHARD_SIZE = 1000
OUTPUT = "pagefind"  # the folder in the site: one sub-folder per shard, and shards.json
MANIFEST = "shards.json"
ENGINE = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")  # needed in one shard only
TIMEOUT = 600  # seconds a shard may take before the build gives up on search
# Pagefind's own search interfaces (the site's search box is Material's), and the word
# splitting for pages of no known language (every document here says lang="en")
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-highlight.js", "wasm.unknown.pagefind")


log = logging.getLogger("mkdocs.hooks.decisions")


class SearchError(DecisionsError):
    """The index could not be built; the message says why in one line."""


@dataclass(frozen=True)
class Document:
    url: str  # from the site root, as the page is served: 'decisions/0001-x/'
    title: str
    body: str  # HTML: paragraphs of text, or a page's article


def text_body(text: str) -> str:
    """Plain text (record Markdown) as paragraphs of escaped HTML for the indexer."""
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def _page(doc: Document) -> str:
    title = html.escape(doc.title, quote=False)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><main data-pagefind-body><h1>{title}</h1>{doc.body}</main></body>"
            "</html>")


def _path(url: str) -> str:
    """Where a document goes so that Pagefind gives it this URL."""
    return url if url.endswith(".html") else url + "index.html"


def _digest(docs: list[Document]) -> str:
    h = hashlib.sha256()
    for d in docs:
        for part in (d.url, d.title, d.body):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
    return h.hexdigest()[:20]


def _run_pagefind(source: Path, output: Path) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(source), "--output-path",
             str(output), "--silent"],
            capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SearchError(f"pagefind did not run: {e}") from None
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(f"pagefind failed: {why[-1] if why else done.returncode}")


class Shards:
    """Built shards by content hash, in a folder that lives as long as the process."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="decisions-search-"))
        atexit.register(shutil.rmtree, self.root, ignore_errors=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
        self._jobs: dict[str, Future[Path]] = {}
        self._latest: set[int] = set()

    def build(self, docs: list[Document]) -> Future[Path]:
        """The folder of the shard holding these documents, built once (in the background)."""
        key = _digest(docs)
        job = self._jobs.get(key)
        if job is None or (job.done() and job.exception() is not None):
            source = self.root / f"source-{key}"
            shutil.rmtree(source, ignore_errors=True)
            for doc in docs:  # written now, so the documents need not be held until it runs
                path = source / _path(doc.url)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(_page(doc), encoding="utf-8")
            job = self._jobs[key] = self._pool.submit(self._index, source, key)
        return job

    def use(self, jobs: list[Future[Path]]) -> None:
        """The shards of the newest build: the others can go once it has been written."""
        self._latest = {id(job) for job in jobs}

    def prune(self) -> None:
        """Forget the shards the newest build does not use (an edit under `mkdocs serve`
        makes one) and delete their files: the site holds its own links to those it shows."""
        for key, job in list(self._jobs.items()):
            if id(job) not in self._latest and job.done():
                del self._jobs[key]
                shutil.rmtree(self.root / f"shard-{key}", ignore_errors=True)

    def _index(self, source: Path, key: str) -> Path:
        output = self.root / f"shard-{key}"
        if not output.is_dir():
            partial = self.root / f"partial-{key}"
            shutil.rmtree(partial, ignore_errors=True)
            _run_pagefind(source, partial)
            for name in UNUSED:
                (partial / name).unlink(missing_ok=True)
            partial.rename(output)
        shutil.rmtree(source, ignore_errors=True)
        return output


_SHARDS: Shards | None = None


def shards() -> Shards:
    global _SHARDS
    if _SHARDS is None:
        _SHARDS = Shards()
    return _SHARDS


class SearchBuild:
    """One build's index: records go to shards as soon as they are known, pages at the end."""

    def __init__(self, shard_size: int = SHARD_SIZE) -> None:
        self.shard_size = shard_size
        self._jobs: list[Future[Path]] = []
        self._pages: list[Document] = []

    def add_records(self, docs: Iterable[Document]) -> None:
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) == self.shard_size:
                self._jobs.append(shards().build(batch))
                batch = []
        if batch:
            self._jobs.append(shards().build(batch))

    def add_page(self, doc: Document) -> None:
        self._pages.append(doc)

    def finish(self, site_dir: Path, wait: bool = True) -> None:
        """Put every shard in the site when built: now, or (wait=False) from a thread, so that
        a preview shows its pages before search has caught up."""
        jobs = list(self._jobs)
        if self._pages:
            jobs.insert(0, shards().build(self._pages))  # the pages' shard loads first
        shards().use(jobs)
        if wait:
            self._write(jobs, site_dir)
        else:
            threading.Thread(target=self._write_later, args=(jobs, site_dir), daemon=True,
                             name="search-write").start()

    def _write_later(self, jobs: list[Future[Path]], site_dir: Path) -> None:
        try:
            self._write(jobs, site_dir)
        except (SearchError, OSError) as e:
            log.warning(f"search: {e}; the site has no search index until the next build")

    def _write(self, jobs: list[Future[Path]], site_dir: Path) -> None:
        """The shards, each in its own folder, and the list of them, replacing the last."""
        out = site_dir / OUTPUT
        new = site_dir / f".{OUTPUT}-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir(parents=True)
        names = []
        for i, job in enumerate(jobs):
            built = job.result()
            # the first shard brings the search code; the worker merges the others' data into it
            ignore = None if i == 0 else shutil.ignore_patterns(*ENGINE)
            shutil.copytree(built, new / str(i), copy_function=_link_or_copy, ignore=ignore)
            names.append(str(i))
        (new / MANIFEST).write_text(json.dumps(names) + "\n", encoding="utf-8")
        old = site_dir / f".{OUTPUT}-old-{os.getpid()}-{threading.get_ident()}"
        if out.exists():
            out.rename(old)
        new.rename(out)
        shutil.rmtree(old, ignore_errors=True)
        shards().prune()


def _link_or_copy(src: str, dst: str) -> None:
    """Hard links are instant and the shard files never change once built."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
