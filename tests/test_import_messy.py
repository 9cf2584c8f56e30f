"""`decisions import` on ADRs as teams really write them: tests/fixtures/adr/messy/.

The collection mixes layouts, heading levels, numbering styles, nested option bullets, code in
options, misspelt statuses, prose relation links, images, files without an extension and
templates. The import runs once per module into a temporary project (adr/ beside decisions/
and docs/), and each test reads what it wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import TODAY, run_cli, write_decisions
from decision_records.adr_import import batch
from decision_records.adr_import.batch import ImportResult, run
from decision_records.adr_import.document import parse_document
from decision_records.adr_import.draft import map_document
from decision_records.adr_import.fields import NotAnAdr
from decision_records.adr_import.summary import report
from decision_records.adr_import.vocabulary import (
    clean_title,
    partial_date,
    section_kind,
    template_name,
)
from decision_records.findings import parse_field
from decision_records.loader import load_decisions, load_record
from decision_records.model import Record
from decision_records.recordfile import slug

FIXTURES = Path(__file__).parent / "fixtures" / "adr" / "messy"
ADOPT = "adopt is the import default; set buy, adopt or build"
ASSETS = "../docs/assets/imported"


@dataclass
class Imported:
    root: Path  # the project
    result: ImportResult
    text: str  # the summary

    def record(self, source: str) -> tuple[str, Record]:
        (outcome,) = [o for o in self.result.outcomes if o.source.name == source]
        assert outcome.record is not None, outcome.reason
        loaded = load_record(self.root / outcome.record)
        assert loaded.record is not None and not loaded.findings, loaded.findings
        return outcome.record.name[:-5], loaded.record


def _import(root: Path, *paths: str, dry_run: bool = False) -> ImportResult:
    with contextlib.chdir(root):
        return run([Path(p) for p in paths], Path("decisions"), team=None, today=TODAY,
                   dry_run=dry_run)


def _project(root: Path) -> Path:
    write_decisions(root, {})
    shutil.copytree(FIXTURES, root / "adr")
    return root


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    root = _project(tmp_path_factory.mktemp("messy"))
    result = _import(root, "adr")
    with contextlib.chdir(root):
        text = report(result)
    return Imported(root, result, text)


def value(record: Record, path: str) -> Any:
    data: Any = record.model_dump()
    for part in parse_field(path):
        data = data[part]
    return data


def guesses(record: Record) -> dict[str, str]:
    assert record.imported is not None
    return {g.field: g.note for g in record.imported.guesses}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# --- every file, and what happened to it ------------------------------------------------------


def test_every_file_is_listed_with_what_happened(messy: Imported) -> None:
    got = {o.source.as_posix(): (o.record.name if o.record else o.reason)
           for o in messy.result.outcomes}
    assert got == {
        "adr/0000-template.md": "an ADR template (by its file name)",
        "adr/0001-record-decisions.md": "0001-record-decisions-in-the-repository.yaml",
        "adr/0002-pick-a-search-engine.md":
            "0002-pick-a-search-engine-for-the-developer-portal.yaml",
        "adr/0003-choose-a-queue.md": "0003-choose-a-message-queue-for-the-build-farm.yaml",
        "adr/0004-retire-the-wiki-search.md": "0004-retire-the-wiki-search-plugin.yaml",
        "adr/0005-keep-backups-in-object-storage.md":
            "0005-keep-backups-in-object-storage.yaml",
        "adr/0006-parse-buffers-with-span.md": "0006-parse-request-buffers-with-span-t.yaml",
        # cut at a word boundary within 60 characters
        "adr/0007-move-report-generation-out-of-the-monolith.md":
            "0007-move-nightly-report-generation-out-of-the-monolith-s-cron.yaml",
        "adr/0008-help-scripts": "0008-ship-help-scripts-with-the-repository.yaml",
        "adr/0009-tag-releases.markdown": "0009-tag-releases-with-the-calendar-date.yaml",
        "adr/0010-notes-from-the-storage-review.md": "0010-notes-from-the-storage-review.yaml",
        "adr/0011-pick-a-feature-flag-library.md": "0011-pick-a-feature-flag-library.yaml",
        "adr/0012-keep-the-report-cron-jobs.md": "0012-keep-the-report-cron-jobs-for-now.yaml",
        "adr/NOTES": "no file extension, and not an ADR: no status, decision or considered "
                     "options",
        "adr/xxxx-short-title.md": "an ADR template (by its file name)",
        "adr/diagrams/search-flow.png": "not a Markdown file (.png)",
        "adr/images/backup-zones.png": "not a Markdown file (.png)",
        "adr/images/search-flow.png": "not a Markdown file (.png)",
    }
    assert not messy.result.failed
    for o in messy.result.outcomes:
        line = (f"imported {o.source.as_posix()} -> decisions/{o.record.name} ({o.form})\n"
                if o.record else f"skipped  {o.source.as_posix()}: {o.reason}\n")
        assert line in messy.text
    assert "\nSummary: 12 imported, 12 need attention, 6 skipped.\n" in messy.text


def test_every_record_loads_and_fails_validation_only_through_todos_and_guesses(
        messy: Imported) -> None:
    decisions = load_decisions(messy.root / "decisions", today=TODAY)
    assert decisions.checked == 12 and len(decisions.entries) == 12
    assert {f.rule for f in decisions.findings} == {"todo", "import-guess"}


# --- field by field -----------------------------------------------------------------------------

FIELDS: list[tuple[str, str, Any]] = [
    # Nygard with `ADR-1:`, a year-month date, an author, a linked status word, Positive/Negative
    ("0001-record-decisions.md", "title", "Record decisions in the repository"),
    ("0001-record-decisions.md", "status", "accepted"),
    ("0001-record-decisions.md", "date", dt.date(2018, 11, 1)),
    ("0001-record-decisions.md", "deciders", ["Jo Park"]),
    ("0001-record-decisions.md", "consequences.good",
     ["Every decision has a history in version control",
      "Newcomers can read why things are the way they are"]),
    ("0001-record-decisions.md", "consequences.bad", ["Someone has to write them"]),
    ("0001-record-decisions.md", "options[0].name", "Record decisions in the repository"),
    ("0001-record-decisions.md", "decision.chosen", "Record decisions in the repository"),
    # MADR-like with `Option N:` labels, sub-bullets, code and a link in options
    ("0002-pick-a-search-engine.md", "title", "Pick a search engine for the developer portal"),
    ("0002-pick-a-search-engine.md", "deciders", ["Jo Park", "Sam Rivera"]),
    ("0002-pick-a-search-engine.md", "date", dt.date(2019, 3, 7)),
    ("0002-pick-a-search-engine.md", "options[0].name", "Elasticsearch"),
    ("0002-pick-a-search-engine.md", "options[0].summary",
     "Runs as three nodes in the shared Kubernetes cluster"),
    ("0002-pick-a-search-engine.md", "options[0].pros", ["It ranks results well"]),
    ("0002-pick-a-search-engine.md", "options[0].cons", ["Someone has to run a cluster"]),
    ("0002-pick-a-search-engine.md", "options[1].name", "Lunr.js"),
    ("0002-pick-a-search-engine.md", "options[1].summary",
     '```js\nconst idx = lunr(function () { this.field("title"); });\n```'),
    ("0002-pick-a-search-engine.md", "options[1].pros",
     ["The index is built with the site and served as a file"]),
    ("0002-pick-a-search-engine.md", "options[2].name",
     "[Algolia DocSearch](https://docsearch.algolia.com)"),
    ("0002-pick-a-search-engine.md", "decision.chosen", "Lunr.js"),
    ("0002-pick-a-search-engine.md", "consequences.good", ["There is nothing new to operate"]),
    # MADR 4 `Chosen option: "Option 2"` names the option by its label; the link stays
    ("0003-choose-a-queue.md", "title", "Choose a message queue for the build farm"),
    ("0003-choose-a-queue.md", "deciders", ["Sam Rivera"]),
    ("0003-choose-a-queue.md", "options[0].name", "Keep polling the table"),
    ("0003-choose-a-queue.md", "options[1].name",
     "[NATS JetStream](https://docs.nats.io/nats-concepts/jetstream)"),
    ("0003-choose-a-queue.md", "options[1].summary", "A small broker we run ourselves"),
    ("0003-choose-a-queue.md", "options[2].approach", "buy"),
    ("0003-choose-a-queue.md", "decision.chosen",
     "[NATS JetStream](https://docs.nats.io/nats-concepts/jetstream)"),
    ("0003-choose-a-queue.md", "decision.rationale",
     "It runs as one binary and the team already knows it."),
    ("0003-choose-a-queue.md", "links", [
        {"title": "Related to ADR 2",
         "url": "./0002-pick-a-search-engine-for-the-developer-portal.yaml"}]),
    # `## 4.` title over `####` sections; `Depreciated`; prose relations
    ("0004-retire-the-wiki-search.md", "title", "Retire the wiki search plugin"),
    ("0004-retire-the-wiki-search.md", "status", "deprecated"),
    ("0004-retire-the-wiki-search.md", "date", TODAY),
    ("0004-retire-the-wiki-search.md", "decision.rationale",
     "We switch the plugin off and point the wiki's search box at the portal."),
    ("0004-retire-the-wiki-search.md", "links", [
        {"title": "Amends ADR 2",
         "url": "./0002-pick-a-search-engine-for-the-developer-portal.yaml"}]),
    # Nygard with `Alternatives Considered`: the alternatives plus the decision named after
    # the title
    ("0005-keep-backups-in-object-storage.md", "date", dt.date(2020, 1, 14)),
    ("0005-keep-backups-in-object-storage.md", "options", [
        {"name": "Keep backups in object storage", "approach": "adopt",
         "summary": "We will copy each backup to the provider's object storage in another "
                    "region and keep thirty days of them.",
         "pros": [], "cons": [], "packages": [], "cost": None, "scores": {}, "innovation_tokens": 0,
         "why_not_existing_stack": None, "replaces": None},
        {"name": "A second backup disk in another rack", "approach": "adopt",
         "summary": "Cheaper, but one building", "pros": [], "cons": [], "packages": [],
         "cost": None, "scores": {}, "innovation_tokens": 0, "why_not_existing_stack": None,
         "replaces": None},
        {"name": "Tape, run by the facilities team", "approach": "adopt",
         "summary": "The restore takes a day", "pros": [], "cons": [], "packages": [],
         "cost": None, "scores": {}, "innovation_tokens": 0, "why_not_existing_stack": None,
         "replaces": None}]),
    ("0005-keep-backups-in-object-storage.md", "decision.chosen",
     "Keep backups in object storage"),
    ("0005-keep-backups-in-object-storage.md", "consequences.good",
     ["A lost host no longer loses its backups."]),
    # front matter with `authors`, a year-only date, a misspelt status, escapes in the title
    ("0006-parse-buffers-with-span.md", "title", "Parse request buffers with Span<T>"),
    ("0006-parse-buffers-with-span.md", "status", "accepted"),
    ("0006-parse-buffers-with-span.md", "date", dt.date(2017, 1, 1)),
    ("0006-parse-buffers-with-span.md", "deciders", ["Ana Ruiz"]),
    ("0006-parse-buffers-with-span.md", "tags", ["performance", "dotnet"]),
    ("0006-parse-buffers-with-span.md", "options[0].name", "Span<T> over pooled buffers"),
    ("0006-parse-buffers-with-span.md", "decision.chosen", "Span<T> over pooled buffers"),
    ("0007-move-report-generation-out-of-the-monolith.md", "status", "proposed"),
    ("0007-move-report-generation-out-of-the-monolith.md", "supersedes",
     ["0004-retire-the-wiki-search-plugin"]),
    ("0008-help-scripts", "title", "Ship help scripts with the repository"),
    ("0008-help-scripts", "date", dt.date(2021, 3, 15)),
    ("0009-tag-releases.markdown", "status", "proposed"),
    ("0010-notes-from-the-storage-review.md", "title", "Notes from the storage review"),
    ("0010-notes-from-the-storage-review.md", "decision.chosen",
     "TODO the name of the chosen option"),
    # options as `### Option 1: Unleash (chosen)` with `#### Pros` / `#### Cons`
    ("0011-pick-a-feature-flag-library.md", "options[0].name", "Unleash"),
    ("0011-pick-a-feature-flag-library.md", "options[0].summary",
     "An open-source flag server with SDKs for our languages."),
    ("0011-pick-a-feature-flag-library.md", "options[0].pros",
     ["Runs next to our services", "Percentage roll-outs"]),
    ("0011-pick-a-feature-flag-library.md", "options[0].cons", ["One more service to run"]),
    ("0011-pick-a-feature-flag-library.md", "options[1].name", "LaunchDarkly"),
    ("0011-pick-a-feature-flag-library.md", "options[1].cons", ["Priced per seat"]),
    ("0011-pick-a-feature-flag-library.md", "decision.chosen", "Unleash"),
    # a ticked status checklist, metadata lines in the Status section, `* Pros:` sub-lists,
    # `Decision: <option>`
    ("0012-keep-the-report-cron-jobs.md", "status", "rejected"),
    ("0012-keep-the-report-cron-jobs.md", "date", dt.date(2021, 1, 20)),
    ("0012-keep-the-report-cron-jobs.md", "deciders", ["Jo Park"]),
    ("0012-keep-the-report-cron-jobs.md", "options[0].pros",
     ["Nothing to build", "The jobs are well understood"]),
    ("0012-keep-the-report-cron-jobs.md", "options[0].cons", ["Checkout is slow at night"]),
    ("0012-keep-the-report-cron-jobs.md", "options[1].name", "Build a report worker"),
    ("0012-keep-the-report-cron-jobs.md", "options[1].approach", "build"),
    ("0012-keep-the-report-cron-jobs.md", "decision.chosen", "Keep the cron jobs"),
]


@pytest.mark.parametrize(("source", "path", "expected"), FIELDS,
                         ids=[f"{s[:4]}-{p}" for s, p, _ in FIELDS])
def test_fields(messy: Imported, source: str, path: str, expected: Any) -> None:
    _, record = messy.record(source)
    assert value(record, path) == expected


GUESSES: list[tuple[str, dict[str, str]]] = [
    ("0001-record-decisions.md", {
        "status": "the source says 'Implemented in !4678', read as accepted",
        "date": "the source gives only the month (2018-11); set to its first day",
        "deciders": "the source names its author(s), not who decided",
        "options[0].name": "named after the title (the source lists no options); rename it to "
                           "the option itself",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT}),
    # the rejected option discussed first is not taken: the adopted one is, as a guess
    ("0002-pick-a-search-engine.md", {
        "deciders": "the source names its author(s), not who decided",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT,
        "options[2].approach": ADOPT,
        "decision.chosen": "'We will use Lunr.js and build the index in CI' names this option"}),
    # `Chosen option: "Option 2"` is stated: only the approaches are guesses
    ("0003-choose-a-queue.md", {
        "options[0].approach": ADOPT, "options[1].approach": ADOPT,
        "options[2].approach": "set to buy on import, since the name says 'hosted'"}),
    ("0004-retire-the-wiki-search.md", {
        "status": "the source says 'Depreciated', read as deprecated",
        "date": "the source gives no date; set to the import day",
        "options[0].name": "named after the title (the source lists no options); rename it to "
                           "the option itself",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT}),
    ("0005-keep-backups-in-object-storage.md", {
        "options[0].name": "named after the title (the decision names none of the "
                           "alternatives listed); rename it to the option itself",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT,
        "options[2].approach": ADOPT}),
    ("0006-parse-buffers-with-span.md", {
        "status": "the source says 'Acepted', read as accepted (the closest known word)",
        "date": "the source gives only the year (2017); set to 1 January",
        "deciders": "the source names its author(s), not who decided",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT}),
    ("0009-tag-releases.markdown", {
        "status": "the source says 'In progress', read as proposed",
        "options[0].name": "named after the title (the source lists no options); rename it to "
                           "the option itself",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT}),
    ("0010-notes-from-the-storage-review.md", {
        "title": "taken from the file name: the source has no title",
        "status": "the source states no status; set to proposed",
        "date": "the source gives no date; set to the import day",
        "options[0].approach": ADOPT, "options[1].approach": ADOPT}),
    # marked `(chosen)` where it is listed: stated, not guessed
    ("0011-pick-a-feature-flag-library.md", {
        "options[0].approach": ADOPT, "options[1].approach": ADOPT}),
    ("0012-keep-the-report-cron-jobs.md", {
        "options[0].approach": ADOPT,
        "options[1].approach": "set to build on import, since the name says 'Build'"}),
]


@pytest.mark.parametrize(("source", "expected"), GUESSES, ids=[s[:4] for s, _ in GUESSES])
def test_guesses(messy: Imported, source: str, expected: dict[str, str]) -> None:
    rid, record = messy.record(source)
    assert guesses(record) == expected
    assert record.imported is not None and record.imported.source == f"adr/{source}"
    assert record.imported.date == TODAY
    # each guess is in the summary under its record
    block = messy.text.split(f"  decisions/{rid}.yaml <- adr/{source}\n", 1)[1]
    block = block.split("\n  decisions/", 1)[0]
    for f, note in expected.items():
        assert f"    guess: {f}: {note}\n" in block + "\n"


def test_an_adr_without_sections_keeps_its_text(messy: Imported) -> None:
    _, record = messy.record("0010-notes-from-the-storage-review.md")
    assert "| NFS share | platform | no |" in record.context
    assert "We agreed to move the last users off the NFS share by the summer." in record.context
    (outcome,) = [o for o in messy.result.imported if o.source.name.startswith("0010")]
    assert outcome.check == ("no ADR sections were recognised: the whole text is kept in "
                             "context",)


# --- links and images ---------------------------------------------------------------------------


TEXT_LINKS: list[tuple[str, str, str]] = [
    # links between ADRs point at the new records' files
    ("0002-pick-a-search-engine.md", "context",
     "[ADR 1](0001-record-decisions-in-the-repository.yaml)"),
    # files the site does not publish (and without --source-url): their text only
    ("0002-pick-a-search-engine.md", "context", "and the\nportal README for the build."),
    ("0002-pick-a-search-engine.md", "context",
     f"![Search flow]({ASSETS}/0002-pick-a-search-engine-for-the-developer-portal/"
     "search-flow.png)"),
    # a different image of the same name gets a name of its own
    ("0002-pick-a-search-engine.md", "decision.rationale",
     f"![the first sketch]({ASSETS}/0002-pick-a-search-engine-for-the-developer-portal/"
     "search-flow-2.png)"),
    ("0003-choose-a-queue.md", "context",
     "Related: [ADR 2](0002-pick-a-search-engine-for-the-developer-portal.yaml), "
     "the build farm runbook\n"),
    ("0004-retire-the-wiki-search.md", "context",
     "This decision amends [ADR 2](0002-pick-a-search-engine-for-the-developer-portal.yaml) "
     "and was later superseded by\n[ADR 7]"
     "(0007-move-nightly-report-generation-out-of-the-monolith-s-cron.yaml)."),
    ("0004-retire-the-wiki-search.md", "context", "The old runbook is here."),
    # a link to a file without an extension, written without one
    ("0009-tag-releases.markdown", "context",
     "[ADR 8](0008-ship-help-scripts-with-the-repository.yaml)"),
    # reference-style links are made inline, then rewritten
    ("0011-pick-a-feature-flag-library.md", "context",
     "[Unleash documentation](https://docs.getunleash.io) and the notes in "
     "[ADR 3](0003-choose-a-message-queue-for-the-build-farm.yaml)"),
    # an HTML image that is copied becomes a Markdown one: the site shows raw HTML as text
    ("0012-keep-the-report-cron-jobs.md", "context",
     f"![Backup zones]({ASSETS}/0012-keep-the-report-cron-jobs-for-now/backup-zones.png)"),
]


@pytest.mark.parametrize(("source", "path", "expected"), TEXT_LINKS)
def test_links_in_text_are_rewritten(messy: Imported, source: str, path: str,
                                     expected: str) -> None:
    _, record = messy.record(source)
    text = value(record, path)
    assert expected in text
    assert not re.search(r"\]\(\d{4}-[^)]*\.md\)", text)  # no link left to an imported ADR


@pytest.mark.parametrize(("source", "image", "dest"), [
    ("0002-pick-a-search-engine.md", "images/search-flow.png",
     "0002-pick-a-search-engine-for-the-developer-portal/search-flow.png"),
    ("0002-pick-a-search-engine.md", "diagrams/search-flow.png",
     "0002-pick-a-search-engine-for-the-developer-portal/search-flow-2.png"),
    ("0005-keep-backups-in-object-storage.md", "images/backup-zones.png",
     "0005-keep-backups-in-object-storage/backup-zones.png"),
    ("0012-keep-the-report-cron-jobs.md", "images/backup-zones.png",
     "0012-keep-the-report-cron-jobs-for-now/backup-zones.png"),
])
def test_images_are_copied(messy: Imported, source: str, image: str, dest: str) -> None:
    copied = messy.root / "docs" / "assets" / "imported" / dest
    assert copied.read_bytes() == (FIXTURES / image).read_bytes()
    assert f"  adr/{source}: {image} -> docs/assets/imported/{dest}\n" in messy.text


def test_exactly_the_images_shown_are_copied(messy: Imported) -> None:
    assert sorted(snapshot(messy.root / "docs")) == sorted(
        f"assets/imported/{d}" for d in (
            "0002-pick-a-search-engine-for-the-developer-portal/search-flow.png",
            "0002-pick-a-search-engine-for-the-developer-portal/search-flow-2.png",
            "0005-keep-backups-in-object-storage/backup-zones.png",
            "0012-keep-the-report-cron-jobs-for-now/backup-zones.png"))


def test_links_the_site_could_not_follow_are_left_out_and_listed(messy: Imported) -> None:
    assert "Links that could not be resolved" not in messy.text
    section = messy.text.split("Links left out (the record keeps their text):\n", 1)[1].split(
        "\n\n", 1)[0]
    assert section.split("\n") == [
        "  adr/0002-pick-a-search-engine.md: ../README.md (no such file)",
        "  adr/0003-choose-a-queue.md: ../runbooks/build-farm.md (no such file)",
        "  adr/0004-retire-the-wiki-search.md: runbooks/wiki-search.md (no such file)",
    ]


def test_with_a_source_url_they_point_into_the_source_repository(tmp_path: Path) -> None:
    root = _project(tmp_path)
    url = "https://git.example.com/acme/portal/tree/main/doc/adr/"
    with contextlib.chdir(root):
        result = run([Path("adr")], Path("decisions"), team=None, today=TODAY, dry_run=False,
                     source_url=url)
        text = report(result)
    imported = Imported(root, result, text)
    for source, path, expected in [
            ("0002-pick-a-search-engine.md", "context",
             "[portal README](https://git.example.com/acme/portal/tree/main/doc/README.md)"),
            ("0003-choose-a-queue.md", "context", "[the build farm runbook](https://git.example"
             ".com/acme/portal/tree/main/doc/runbooks/build-farm.md)"),
            ("0004-retire-the-wiki-search.md", "context",
             f"[here]({url}runbooks/wiki-search.md)")]:
        assert expected in value(imported.record(source)[1], path)
    assert "Links left out" not in text
    assert "  adr/0003-choose-a-queue.md: ../runbooks/build-farm.md (no such file here; linked " \
           "in the source repository all the same)\n" in text


def test_a_second_run_changes_nothing(messy: Imported, tmp_path: Path) -> None:
    root = _project(tmp_path)
    _import(root, "adr")
    before = snapshot(root)
    again = _import(root, "adr")
    assert snapshot(root) == before
    assert again.imported == []
    reasons = {o.source.as_posix(): o.reason for o in again.outcomes}
    assert reasons["adr/0008-help-scripts"] == \
        "already imported as 0008-ship-help-scripts-with-the-repository"
    assert reasons["adr/0000-template.md"] == "an ADR template (by its file name)"
    assert len(reasons) == len(messy.result.outcomes)


def test_dry_run_copies_nothing_and_says_what_it_would(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = snapshot(root)
    result = _import(root, "adr", dry_run=True)
    assert snapshot(root) == before
    with contextlib.chdir(root):
        text = report(result)
    assert "\nImages that would be copied:\n  adr/0002-pick-a-search-engine.md: " \
           "images/search-flow.png -> docs/assets/imported/" \
           "0002-pick-a-search-engine-for-the-developer-portal/search-flow.png\n" in text


def test_an_image_never_replaces_a_different_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    folder = root / "docs" / "assets" / "imported" / "0001-keep-backups-in-object-storage"
    folder.mkdir(parents=True)
    (folder / "backup-zones.png").write_bytes(b"someone else's picture")
    result = _import(root, "adr/0005-keep-backups-in-object-storage.md")
    (outcome,) = result.imported
    assert (folder / "backup-zones.png").read_bytes() == b"someone else's picture"
    assert (folder / "backup-zones-2.png").read_bytes() == \
        (FIXTURES / "images" / "backup-zones.png").read_bytes()
    assert outcome.record is not None
    assert f"![Zones]({ASSETS}/0001-keep-backups-in-object-storage/backup-zones-2.png)" in \
        (root / outcome.record).read_text(encoding="utf-8")


def test_links_to_records_of_an_earlier_run(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _import(root, "adr/0001-record-decisions.md")
    result = _import(root, "adr/0002-pick-a-search-engine.md")
    (outcome,) = result.imported
    assert outcome.record is not None
    record = load_record(root / outcome.record).record
    assert record is not None
    assert "[ADR 1](0001-record-decisions-in-the-repository.yaml)" in record.context


def test_old_imports_are_recognised_by_their_link(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _import(root, "adr/0008-help-scripts")
    (path,) = (root / "decisions").glob("0001-*.yaml")
    text = path.read_text(encoding="utf-8")
    old = text.split("imported:\n", 1)[0] + \
        "links:\n  - title: Imported from\n    url: ../adr/0008-help-scripts\n"
    path.write_text(old, encoding="utf-8")
    (outcome,) = _import(root, "adr/0008-help-scripts").outcomes
    assert outcome.reason == "already imported as 0001-ship-help-scripts-with-the-repository"


@pytest.mark.parametrize("name", ["100%25-done.md", "a%20b.md", "50% off.md"])
def test_an_adr_with_a_percent_in_its_name_is_known_the_second_time(tmp_path: Path,
                                                                    name: str) -> None:
    """imported.source is the path as it is, not a URL: '%25' in a file name is no '%'."""
    root = _project(tmp_path)
    (root / "notes").mkdir()
    shutil.copy(root / "adr" / "0008-help-scripts", root / "notes" / name)
    (first,) = _import(root, f"notes/{name}").outcomes
    assert first.record is not None
    (again,) = _import(root, f"notes/{name}").outcomes
    assert again.reason == f"already imported as {first.record.stem}"


# --- bad input ----------------------------------------------------------------------------------


def test_a_link_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path)
    outside = root / "elsewhere.md"
    outside.write_text("# Use a link\n\n## Status\n\nAccepted\n", encoding="utf-8")
    (root / "adr" / "0099-linked.md").symlink_to(outside)
    outcome = next(o for o in _import(root, "adr").outcomes if o.source.name == "0099-linked.md")
    assert not outcome.imported
    assert outcome.reason == "a link to a file outside adr; name the file itself to import it"


def test_an_adr_that_breaks_the_mapping_is_kept_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(batch, "map_document", broken)
    result = _import(root, "adr/0005-keep-backups-in-object-storage.md")
    (outcome,) = result.imported
    assert outcome.form == "unmapped"
    assert outcome.record is not None
    record = load_record(root / outcome.record).record
    assert record is not None
    assert record.title == "Keep backups in object storage"
    assert "## Alternatives Considered\n\n* A second backup disk" in record.context
    assert record.context.startswith("TODO The ADR could not be mapped (RuntimeError: boom; "
                                     "please report this)")


def test_the_command_prints_one_line_per_problem(tmp_path: Path) -> None:
    root = _project(tmp_path)
    shutil.copytree(FIXTURES.parent / "bad", root / "adr" / "bad")
    result = run_cli("--dir", "decisions", "import", "adr", cwd=root)
    assert result.returncode == 1  # the binary and the Latin-1 files cannot be read
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    assert "skipped  adr/bad/diagram.md: a binary file, not Markdown text\n" in result.stdout
    assert "skipped  adr/NOTES: no file extension, and not an ADR: no status, decision or " \
           "considered options\n" in result.stdout


# --- the pieces ---------------------------------------------------------------------------------


def _map(text: str, name: str = "0001-x.md") -> dict[str, Any]:
    doc = parse_document(text, lambda h: section_kind(h) is not None)
    draft = map_document(doc, file_name=name, team=None, today=TODAY)
    return {"chosen": draft.chosen, "options": [o.name for o in draft.options],
            "guess": dict(draft.guesses).get("decision.chosen")}


OPTIONS = "# Pick one\n\n## Status\n\nAccepted\n\n## Considered Options\n\n* Kafka\n* RabbitMQ\n\n"


@pytest.mark.parametrize(("decision", "chosen", "guess"), [
    ('Chosen option: "RabbitMQ", because it is simple.', "RabbitMQ", None),
    ("Chosen option: RabbitMQ", "RabbitMQ", None),
    ("Decision: RabbitMQ", "RabbitMQ", None),
    ("We will use RabbitMQ.", "RabbitMQ", "'We will use RabbitMQ' names this option"),
    ("Kafka was discussed first. We will use RabbitMQ.", "RabbitMQ",
     "'We will use RabbitMQ' names this option"),
    ("We will use RabbitMQ instead of Kafka.", "RabbitMQ",
     "'We will use RabbitMQ instead of Kafka' names this option"),
    ("We will not use Kafka. We decided to go with RabbitMQ.", "RabbitMQ",
     "'We decided to go with RabbitMQ' names this option"),
    ("RabbitMQ was chosen for its routing.", "RabbitMQ",
     "'RabbitMQ was chosen' names this option"),
    # both named as adopted, or neither: nothing is claimed
    ("We will use Kafka and RabbitMQ.", "TODO the name of the chosen option", None),
    ("We will not use Kafka.", "TODO the name of the chosen option", None),
    ("Both are fine.", "TODO the name of the chosen option", None),
])
def test_the_chosen_option(decision: str, chosen: str, guess: str | None) -> None:
    got = _map(OPTIONS + f"## Decision\n\n{decision}\n")
    assert (got["chosen"], got["guess"]) == (chosen, guess)
    assert got["options"] == ["Kafka", "RabbitMQ"]


@pytest.mark.parametrize(("item", "name"), [
    ("Option 2: Lunr.js", "Lunr.js"),
    ("Option 2 - Lunr.js - a client-side index", "Lunr.js"),
    ("**Lunr.js**: a client-side index", "Lunr.js"),
    ("[Lunr.js](https://lunrjs.com): a client-side index", "[Lunr.js](https://lunrjs.com)"),
    ("[Lunr.js: search](https://lunrjs.com)", "[Lunr.js: search](https://lunrjs.com)"),
    ("Lunr.js (chosen)", "Lunr.js"),
    ("Option 2", "Option 2"),
    ("Use Lunr.js, the small one", "Use Lunr.js, the small one"),
])
def test_option_names_are_kept_whole(item: str, name: str) -> None:
    got = _map(f"# Pick\n\n## Status\n\nAccepted\n\n## Considered Options\n\n* {item}\n* Other\n")
    assert got["options"][0] == name


@pytest.mark.parametrize(("title", "file_name", "expected"), [
    ("ADR-12: Use Kafka", "x.md", "Use Kafka"),
    ("ADR 0012 - Use Kafka", "x.md", "Use Kafka"),
    ("[ADR-12] Use Kafka", "x.md", "Use Kafka"),
    ("12. Use Kafka", "x.md", "Use Kafka"),
    ("12: Use Kafka", "x.md", "Use Kafka"),
    ("Architecture Decision Record 12: Use Kafka", "x.md", "Use Kafka"),
    ("12 Use Kafka", "0012-use-kafka.md", "Use Kafka"),
    ("12 Use Kafka", "use-kafka.md", "12 Use Kafka"),  # a bare number only with the file's
    ("3 tiers for the web shop", "0007-tiers.md", "3 tiers for the web shop"),
    ("2FA for admins", "0002-2fa.md", "2FA for admins"),
])
def test_title_numbers(title: str, file_name: str, expected: str) -> None:
    assert clean_title(title, file_name) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Use Kafka", "use-kafka"),
    ("Use Kafka for order events: replacing the polling job that hammers the database",
     "use-kafka-for-order-events"),
    ("Move nightly report generation out of the monolith's cron jobs into a worker",
     "move-nightly-report-generation-out-of-the-monolith-s-cron"),
    ("Keep every service's logs for ninety days in the shared store of the platform team",
     "keep-every-service-s-logs-for-ninety-days-in-the-shared"),
    ("Span<T>", "span-t"),
    ("!!!", "decision"),
])
def test_slugs_end_at_a_word_or_phrase(title: str, expected: str) -> None:
    assert slug(title) == expected
    assert len(slug(title)) <= 60


@pytest.mark.parametrize(("name", "template"), [
    ("template.md", True), ("0000-template.md", True), ("adr-template-minimal.md", True),
    ("madr-template.md", True), ("xxxx-short-title.md", True), ("NNNN-title.md", True),
    ("0012-use-jinja-templates.md", False), ("0013-use-template-strings.md", False),
    ("0000-use-markdown-architectural-decision-records.md", False), ("0001-x.md", False),
])
def test_templates_by_name(name: str, template: bool) -> None:
    assert template_name(name) is template


@pytest.mark.parametrize(("text", "expected"), [
    ("2018-11", dt.date(2018, 11, 1)),
    ("11/2018", dt.date(2018, 11, 1)),
    ("November 2018", dt.date(2018, 11, 1)),
    ("2018", dt.date(2018, 1, 1)),
    (2018, dt.date(2018, 1, 1)),
    ("2018-13", None),
    ("soon", None),
])
def test_partial_dates(text: object, expected: dt.date | None) -> None:
    got = partial_date(text)
    assert (got[0] if got else None) == expected


@pytest.mark.parametrize("title", [
    "NUMBER. TITLE", "[short title of solved problem and solution]",
    "{short title, representative of solved problem and found solution}", "<Title>",
])
def test_templates_by_placeholder_title(title: str) -> None:
    with pytest.raises(NotAnAdr, match="an ADR template: the title is a placeholder"):
        _map(f"# {title}\n\n## Status\n\nSTATUS\n\n## Decision\n\nWhat we decided.\n",
             name="0042-draft.md")
