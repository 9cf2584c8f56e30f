"""`decisions import`: Markdown ADRs in each common layout -> records, checked field by field.

The example ADRs are under tests/fixtures/adr/, one folder per layout plus bad/. Each test
copies the folders it needs into a temporary project (adr/ beside decisions/), so the paths
recorded in the records are the same wherever the tests run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import TODAY, VALID_RECORD, run_cli, write_decisions
from decision_records.adr_import.batch import ImportResult, run
from decision_records.adr_import.document import blocks, parse_document
from decision_records.adr_import.links import Resolver
from decision_records.adr_import.summary import report
from decision_records.adr_import.vocabulary import map_status, parse_date, section_kind
from decision_records.cli.main import main
from decision_records.loader import load_decisions, load_record
from decision_records.model import Record
from decision_records.plugin import DOCS as PACKAGE_DOCS

FIXTURES = Path(__file__).parent / "fixtures" / "adr"
TODO_OPTION = {"name": "TODO another option that was considered", "approach": "adopt",
               "summary": "TODO one sentence on what this option is"}
ON_CALL = "TODO who is paged when it breaks"
ADOPT = "adopt is the import default; set buy, adopt or build"
TITLE_OPTION = ("options[0].name", "named after the title (the source lists no options); rename "
                "it to the option itself")
CONSEQUENCES = ("consequences: text not marked good or bad is kept under Imported sections; "
                "sort it into consequences.good and .bad")


def approaches(*notes: str) -> list[tuple[str, str]]:
    """Guesses of each option's approach, in order; ADOPT for the default."""
    return [(f"options[{i}].approach", note) for i, note in enumerate(notes)]


def imported(path: str, *guesses: tuple[str, str]) -> dict[str, Any]:
    """The `imported` block of a record imported from adr/<path> in the tests."""
    block: dict[str, Any] = {"source": f"adr/{path}", "date": TODAY}
    if guesses:
        block["guesses"] = [{"field": f, "note": n} for f, n in guesses]
    return block


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project: decisions/ with the test config, and the working directory."""
    write_decisions(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def copy_adrs(project: Path, *folders: str) -> None:
    for folder in folders:
        shutil.copytree(FIXTURES / folder, project / "adr" / folder)


def do_import(project: Path, *paths: str, team: str | None = None,
              dry_run: bool = False) -> ImportResult:
    return run([Path(p) for p in paths], project / "decisions", team=team, today=TODAY,
               dry_run=dry_run)


def records(result: ImportResult) -> dict[str, tuple[str, Record]]:
    """Source file name -> (record id, record), read back with the loader."""
    out = {}
    for o in result.imported:
        assert o.record is not None
        loaded = load_record(o.record)
        record, problems = loaded.record, loaded.findings
        assert record is not None and not problems, problems
        out[o.source.name] = (o.record.name[:-5], record)
    return out


def fields(record: Record) -> dict[str, Any]:
    return record.model_dump(exclude_defaults=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- each layout, field by field ----------------------------------------------------------


def test_nygard_record_field_by_field(project: Path) -> None:
    copy_adrs(project, "nygard")
    got = records(do_import(project, "adr/nygard"))
    rid, record = got["0001-record-architecture-decisions.md"]
    assert rid == "0001-record-architecture-decisions"
    decision = ("We will write a short decision record for every choice that shapes how we "
                "build or run\nour systems, and keep the records in the repository next to the "
                "code.\n")
    assert fields(record) == {
        "title": "Record architecture decisions",
        "status": "accepted",
        "date": dt.date(2019, 2, 11),
        "team": "TODO-team",
        "deciders": ["TODO who decided"],
        "category": "todo",
        "context": (
            "Design choices at Larkspur live in chat threads and in the heads of the people "
            "who made\nthem. New engineers keep asking why things are the way they are.\n\n"
            "### Imported sections\n\n#### Consequences\n\n"
            "Every significant choice gets a file that can be reviewed in a pull request. "
            "Writing one\ntakes an hour or so, which some people will see as overhead.\n"),
        "options": [
            {"name": "Record architecture decisions", "approach": "adopt",
             "summary": " ".join(decision.split())},
            TODO_OPTION,
        ],
        "decision": {"chosen": "Record architecture decisions", "rationale": decision},
        "on_call": ON_CALL,
        "imported": imported("nygard/0001-record-architecture-decisions.md",
                             *approaches(ADOPT), TITLE_OPTION, *approaches(ADOPT, ADOPT)[1:]),
    }


def test_nygard_sorted_consequences_and_extra_sections(project: Path) -> None:
    copy_adrs(project, "nygard")
    got = records(do_import(project, "adr/nygard"))
    _, shared = got["0006-store-orders-in-the-shared-database-cluster.md"]
    assert shared.consequences.model_dump() == {
        "good": ["The order team no longer carries a database pager."],
        "bad": ["Schema changes need a review from the data team."],
    }
    assert "Imported sections" not in shared.context
    _, logs = got["0003-write-logs-as-json.md"]
    assert logs.status == "rejected"
    assert logs.context.endswith(
        "#### Consequences\n\nDashboards keep their parsers for another year.\n\n"
        "#### Notes\n\nThe team agreed to revisit this once the shipper is upgraded.\n")
    assert [link.model_dump() for link in logs.links] == [
        {"title": "Amended by 5. Retire the nightly FTP export",
         "url": "./0005-retire-the-nightly-ftp-export.yaml"},
    ]


def test_madr2_record_field_by_field(project: Path) -> None:
    copy_adrs(project, "madr2")
    got = records(do_import(project, "adr/madr2"))
    _, record = got["0001-use-markdown-decision-records.md"]
    assert fields(record) == {
        "title": "Use Markdown decision records",
        "status": "accepted",
        "date": dt.date(2020, 2, 17),
        "team": "TODO-team",
        "deciders": ["Priya Natarajan", "Tom Keller"],
        "category": "todo",
        "context": (
            "Technical story: [Where do we keep decisions?]"
            "(https://tracker.example.com/browse/ARCH-12)\n\n"
            "Decisions are scattered across wiki pages, tickets and slide decks. Which format "
            "should we\nuse so that decisions sit next to the code and can be reviewed like "
            "code?\n"),
        "drivers": ["Readable without special tools",
                    "Reviewed in the same pull request as the change",
                    "Easy to start for people new to the practice"],
        "options": [
            {"name": "Markdown files in the repository", "approach": "adopt",
             "summary": "Plain text files in a docs folder of each repository.",
             "pros": ["The format is plain text", "Pull requests give us review"],
             "cons": ["Cross-repository search needs extra tooling"]},
            {"name": "Wiki pages", "approach": "adopt",
             "summary": "TODO one sentence on what this option is",
             "pros": ["Everyone already has an account"],
             "cons": ["Pages drift away from the code"]},
            {"name": "A spreadsheet of decisions", "approach": "adopt",
             "summary": "TODO one sentence on what this option is",
             "pros": ["It is easy to sort and filter"],
             "cons": ["Long explanations do not fit in cells"]},
        ],
        "decision": {"chosen": "Markdown files in the repository",
                     "rationale": "They are reviewed with the code and\nevery editor can open "
                                  "them.\n"},
        "consequences": {
            "good": ["Decisions show up in code review",
                     "History comes from version control for free"],
            "bad": ["People without repository access cannot read them"],
        },
        "on_call": ON_CALL,
        "links": [
            {"title": "Refined by Keep decisions short", "url": "./0002-keep-decisions-short.yaml"},
            {"title": "Markdown guide", "url": "https://example.com/markdown-guide"},
        ],
        "imported": imported("madr2/0001-use-markdown-decision-records.md",
                             *approaches(ADOPT, ADOPT, ADOPT)),
    }


def test_madr3_record_field_by_field(project: Path) -> None:
    copy_adrs(project, "madr3")
    got = records(do_import(project, "adr/madr3"))
    _, record = got["0001-pick-a-static-site-generator.md"]
    assert fields(record) == {
        "title": "Pick a static site generator for the handbook",
        "status": "accepted",
        "date": dt.date(2022, 3, 14),
        "team": "TODO-team",
        "deciders": ["Ana Ruiz", "Ben Okoro"],
        "consulted": ["Documentation guild"],
        "category": "todo",
        "context": (
            "The engineering handbook is a folder of Markdown files that only renders on the "
            "code host.\nWe want a searchable site that builds from the same files.\n\n"
            "### Imported sections\n\n"
            "#### Metadata\n\n- Informed: All engineers\n\n"
            "#### Consequences\n\n* Neutral, because the build needs Python in CI\n\n"
            "#### Validation\n\nThe first build of the handbook must pass with no broken "
            "links.\n\n"
            "#### More Information\n\nWe will look at this again if the handbook grows past a "
            "few hundred pages.\n"),
        "drivers": ["Builds from plain Markdown", "Search without a server",
                    "Little to maintain"],
        "options": [
            {"name": "MkDocs", "approach": "adopt",
             "summary": "A Python tool that turns a folder of Markdown into a site.\n\n"
                        "Neutral: Plugins vary in quality.",
             "pros": ["The configuration is one small file"],
             "cons": ["Versioned docs need a plugin"]},
            {"name": "Sphinx", "approach": "adopt",
             "summary": "TODO one sentence on what this option is",
             "pros": ["Cross-references are powerful"],
             "cons": ["Markdown support is an extension"]},
            {"name": "A hosted documentation product", "approach": "buy",
             "summary": "TODO one sentence on what this option is",
             "pros": ["Nothing to run"], "cons": ["It charges per editor"]},
        ],
        "decision": {"chosen": "MkDocs",
                     "rationale": "It reads our Markdown as it is and ships search in the box."},
        "consequences": {"good": ["Writers keep using the files they know"],
                         "bad": ["Theme updates are now ours to apply"]},
        "on_call": ON_CALL,
        "imported": imported("madr3/0001-pick-a-static-site-generator.md", *approaches(
            ADOPT, ADOPT, "set to buy on import, since the name says 'hosted'")),
    }


def test_madr4_record_field_by_field(project: Path) -> None:
    copy_adrs(project, "madr4")
    got = records(do_import(project, "adr/madr4"))
    _, record = got["0001-buy-a-feature-flag-service.md"]
    new_id, _ = got["0002-build-flags-into-the-config-service.md"]
    assert fields(record) == {
        "title": "Buy a feature flag service",
        "status": "superseded",
        "date": dt.date(2023, 1, 9),
        "team": "TODO-team",
        "deciders": ["Sara Haddad", "Leo Brandt"],
        "consulted": ["Storefront team"],
        "category": "todo",
        "context": (
            "Releases are all or nothing. How can we switch features on for some customers "
            "first?\n\n### Imported sections\n\n"
            "#### Metadata\n\n- Informed: Support\n\n"
            "#### Confirmation\n\nThe storefront reads its first flag from the service before "
            "the spring sale.\n\n"
            "#### More Information\n\nPricing was checked in December 2022.\n"),
        "drivers": ["Percentage roll-outs", "An audit trail of changes"],
        "options": [
            {"name": "Hosted flag service", "approach": "buy",
             "summary": "Neutral: The SDK adds a small dependency.",
             "pros": ["Percentage roll-outs work out of the box"],
             "cons": ["Flag data leaves our network"]},
            {"name": "Flags in the config service", "approach": "adopt",
             "summary": "TODO one sentence on what this option is",
             "pros": ["Nothing new to run"], "cons": ["Roll-outs by percentage must be written"]},
        ],
        "decision": {"chosen": "Hosted flag service",
                     "rationale": "It does roll-outs and audits today."},
        "consequences": {"good": ["No build work before the first roll-out"],
                         "bad": ["A per-seat fee"]},
        # superseded: no on_call to fill in, and no link left (the newer record names it)
        "imported": imported(
            "madr4/0001-buy-a-feature-flag-service.md",
            *approaches("set to buy on import, since the name says 'Hosted'", ADOPT)),
    }
    assert new_id == "0002-build-flags-into-the-config-service"


def test_log4brains_record_field_by_field(project: Path) -> None:
    copy_adrs(project, "log4brains")
    result = do_import(project, "adr/log4brains", team="platform")
    got = records(result)
    _, record = got["20200924-use-log4brains-to-manage-the-adrs.md"]
    assert fields(record) == {
        "title": "Use Log4brains to manage the ADRs",
        "status": "accepted",
        "date": dt.date(2020, 9, 24),  # from the file name: the ADR gives no date
        "team": "platform",
        "deciders": ["Mia Lindgren"],
        "category": "todo",
        "tags": ["doc", "tooling"],
        "context": "We want to write decision records in Markdown and browse them as a small "
                   "web site.",
        "options": [
            {"name": "Log4brains", "approach": "adopt",
             "summary": "TODO one sentence on what this option is"},
            TODO_OPTION,
        ],
        "decision": {"chosen": "Log4brains",
                     "rationale": "It previews the records while we write them."},
        "on_call": ON_CALL,
        "imported": imported("log4brains/20200924-use-log4brains-to-manage-the-adrs.md",
                             ("date", "taken from the file name"), *approaches(ADOPT, ADOPT)),
    }
    _, split = got["20210510-split-the-repository-by-team.md"]
    assert split.tags == ["repository", "ci"]
    assert split.date == dt.date(2021, 5, 10)
    assert {o.source.name: o.form for o in result.imported} == {
        "20200924-use-log4brains-to-manage-the-adrs.md": "log4brains",
        "20210113-keep-all-services-in-one-repository.md": "log4brains",
        "20210510-split-the-repository-by-team.md": "log4brains",
    }


def test_layouts_are_recognised_from_their_structure(project: Path) -> None:
    copy_adrs(project, "nygard", "madr2", "madr3", "madr4")
    forms = {o.source.parent.name: o.form for o in do_import(project, "adr").imported}
    assert forms == {"nygard": "Nygard", "madr2": "MADR 2", "madr3": "MADR 3", "madr4": "MADR 4"}


# --- statuses and supersession ---------------------------------------------------------------


@pytest.mark.parametrize(("source", "status"), [
    ("nygard/0001-record-architecture-decisions.md", "accepted"),
    ("nygard/0002-store-orders-in-postgresql.md", "superseded"),
    ("nygard/0003-write-logs-as-json.md", "rejected"),
    ("nygard/0004-store-orders-in-a-managed-postgresql.md", "superseded"),
    ("nygard/0005-retire-the-nightly-ftp-export.md", "deprecated"),
    ("nygard/0007-evaluate-a-service-mesh.md", "proposed"),  # 'On hold'
    ("madr2/0002-keep-decisions-short.md", "proposed"),
    ("madr2/0003-queue-for-order-events.md", "superseded"),
    ("madr3/0002-cache-product-pages.md", "proposed"),
    ("madr4/0001-buy-a-feature-flag-service.md", "superseded"),
    ("log4brains/20210113-keep-all-services-in-one-repository.md", "superseded"),
])
def test_statuses(project: Path, source: str, status: str) -> None:
    copy_adrs(project, "nygard", "madr2", "madr3", "madr4", "log4brains")
    result = do_import(project, "adr")
    (outcome,) = [o for o in result.imported if o.source == Path("adr", source)]
    assert outcome.record is not None
    record = load_record(outcome.record).record
    assert record is not None and record.status == status


def test_other_status_words_are_mapped_and_guessed(project: Path) -> None:
    copy_adrs(project, "nygard")
    result = do_import(project, "adr/nygard/0007-evaluate-a-service-mesh.md")
    (outcome,) = result.imported
    _, record = records(result)["0007-evaluate-a-service-mesh.md"]
    assert record.status == "proposed"
    assert "#### Metadata\n\n- Original status: On hold\n" in record.context
    # no Date: line and no date in the file name: the import date, as a guess
    assert record.date == TODAY
    assert record.imported is not None
    assert [(g.field, g.note) for g in record.imported.guesses][:2] == [
        ("status", "the source says 'On hold', read as proposed"),
        ("date", "the source gives no date; set to the import day"),
    ]
    assert outcome.guesses == tuple((g.field, g.note) for g in record.imported.guesses)


def test_nygard_supersession_chain(project: Path) -> None:
    copy_adrs(project, "nygard")
    got = records(do_import(project, "adr/nygard"))
    first_id, first = got["0002-store-orders-in-postgresql.md"]
    middle_id, middle = got["0004-store-orders-in-a-managed-postgresql.md"]
    _, last = got["0006-store-orders-in-the-shared-database-cluster.md"]
    assert (first.status, middle.status, last.status) == ("superseded", "superseded", "accepted")
    assert first.supersedes == []
    assert middle.supersedes == [first_id]
    assert last.supersedes == [middle_id]
    # resolved links become supersedes ids, not links
    assert middle.links == []
    decisions = load_decisions(project / "decisions", today=TODAY)
    assert {f.rule for f in decisions.findings} == {"todo", "import-guess"}


@pytest.mark.parametrize(("folder", "older", "newer"), [
    # MADR 2: `* Status: superseded by [...]` on one side, `* Supersedes [...]` under Links
    ("madr2", "0003-queue-for-order-events.md", "0004-stream-order-events.md"),
    # MADR 4: only the older record says it, in its front matter
    ("madr4", "0001-buy-a-feature-flag-service.md", "0002-build-flags-into-the-config-service.md"),
    ("log4brains", "20210113-keep-all-services-in-one-repository.md",
     "20210510-split-the-repository-by-team.md"),
])
def test_supersession_in_madr_and_log4brains(
    project: Path, folder: str, older: str, newer: str,
) -> None:
    copy_adrs(project, folder)
    got = records(do_import(project, f"adr/{folder}"))
    older_id, old = got[older]
    _, new = got[newer]
    assert old.status == "superseded"
    assert new.supersedes == [older_id]
    assert all(not link.title.lower().startswith("supersede") for link in new.links + old.links)


def test_superseded_by_a_file_not_imported_becomes_deprecated(project: Path) -> None:
    copy_adrs(project, "nygard")
    result = do_import(project, "adr/nygard/0002-store-orders-in-postgresql.md")
    (outcome,) = result.imported
    _, record = records(result)["0002-store-orders-in-postgresql.md"]
    assert record.status == "deprecated"
    assert record.links == []  # the site does not publish the ADR: left out, and listed
    assert outcome.unresolved[0].dropped
    assert outcome.guesses[0] == (
        "status", "superseded in the source, but no imported record in force replaces it; set "
                  "to deprecated until one lists it in supersedes")
    assert outcome.unresolved[0].target == "0004-store-orders-in-a-managed-postgresql.md"
    assert {f.rule for f in load_decisions(project / "decisions", today=TODAY).findings} == {
        "todo", "import-guess"}


def test_superseded_by_a_file_not_imported_links_to_it_at_the_source_url(
        project: Path) -> None:
    copy_adrs(project, "nygard")
    url = "https://git.example.com/acme/shop/tree/main/adr/nygard/"
    with contextlib.chdir(project):
        result = run([Path("adr/nygard/0002-store-orders-in-postgresql.md")],
                     Path("decisions"), team=None, today=TODAY, dry_run=False, source_url=url)
    _, record = records(result)["0002-store-orders-in-postgresql.md"]
    assert [link.model_dump() for link in record.links] == [{
        "title": "Superseded by 4. Store orders in a managed PostgreSQL",
        "url": f"{url}0004-store-orders-in-a-managed-postgresql.md"}]


def test_supersedes_a_record_from_an_earlier_run(project: Path) -> None:
    copy_adrs(project, "nygard")
    do_import(project, "adr/nygard/0004-store-orders-in-a-managed-postgresql.md")
    before = snapshot(project / "decisions")
    result = do_import(project, "adr/nygard/0006-store-orders-in-the-shared-database-cluster.md")
    got = records(result)
    _, record = got["0006-store-orders-in-the-shared-database-cluster.md"]
    assert record.supersedes == ["0001-store-orders-in-a-managed-postgresql"]
    # the earlier record is left as it was; the report says what to change in it
    assert {k: v for k, v in snapshot(project / "decisions").items() if k in before} == before
    assert result.notes == ["0001-store-orders-in-a-managed-postgresql: set status to "
                            "superseded; 0002-store-orders-in-the-shared-database-cluster (from "
                            "adr/nygard/0006-store-orders-in-the-shared-database-cluster.md) "
                            "supersedes it"]


# --- what is missing is marked and reported ---------------------------------------------------


def test_validate_lists_exactly_what_is_left_to_fill_in(project: Path) -> None:
    copy_adrs(project, "madr3")
    result = do_import(project, "adr/madr3/0002-cache-product-pages.md")
    (outcome,) = result.imported
    assert outcome.todo == (
        "team (or pass --team)", "deciders",
        "category", "a second option (the source names only one)",
        "summary of option 'A CDN in front of the storefront'",
        "decision.rationale (the source gives no reason)")
    assert outcome.check == ()
    assert outcome.guesses == tuple(approaches(ADOPT, ADOPT))
    findings = load_decisions(project / "decisions", today=TODAY).findings
    # in the order of the file: each guess is reported at the value it is about
    assert [(f.rule, f.field) for f in findings] == [
        ("todo", "team"), ("todo", "deciders[0]"), ("todo", "category"),
        ("import-guess", "options[0].approach"), ("todo", "options[0].summary"),
        ("todo", "options[1].name"), ("import-guess", "options[1].approach"),
        ("todo", "options[1].summary"), ("todo", "decision.rationale"),
    ]


def test_every_import_fails_validation_only_through_todos(project: Path) -> None:
    copy_adrs(project, "nygard", "madr2", "madr3", "madr4", "log4brains", "bad")
    result = do_import(project, "adr")
    assert len(result.imported) == 20
    decisions = load_decisions(project / "decisions", today=TODAY)
    assert decisions.checked == 20 and len(decisions.entries) == 20
    assert {f.rule for f in decisions.findings} == {"todo", "import-guess"}
    assert {Path(f.path).name for f in decisions.findings} == {
        o.record.name for o in result.imported if o.record}


def test_every_approach_is_a_guess_in_report_and_file(project: Path) -> None:
    copy_adrs(project, "madr2")
    result = do_import(project, "adr/madr2")
    text = report(result)
    for outcome, (_, record) in zip(result.imported, records(result).values(), strict=True):
        assert record.imported is not None
        approach = [g.field for g in record.imported.guesses if g.field.endswith(".approach")]
        assert approach == [f"options[{i}].approach" for i in range(len(record.options))]
        assert f"    guess: options[0].approach: {outcome.guesses[0][1]}\n" in text


def test_team_option_fills_the_team(project: Path) -> None:
    copy_adrs(project, "madr4")
    result = do_import(project, "adr/madr4", team="platform")
    assert all(r.team == "platform" for _, r in records(result).values())
    assert all(not any(t.startswith("team") for t in o.todo) for o in result.imported)


# --- the written file ---------------------------------------------------------------------------


def test_written_file_exactly(project: Path) -> None:
    copy_adrs(project, "madr3")
    result = do_import(project, "adr/madr3/0002-cache-product-pages.md")
    path = project / "decisions" / "0001-cache-product-pages.yaml"
    assert path.read_text(encoding="utf-8") == result.imported[0].text == f"""\
# yaml-language-server: $schema=../docs/decision.schema.json
# Imported from adr/madr3/0002-cache-product-pages.md (read as MADR 3).
# Replace each TODO and check each entry under imported.guesses, then remove it;
# `decisions validate` lists both.
title: Cache product pages
status: proposed
date: 2022-07-01
team: TODO-team
deciders:
  - TODO who decided
category: todo
context: Product pages are rendered on every request.
options:
  - name: A CDN in front of the storefront
    approach: adopt
    summary: TODO one sentence on what this option is
  - name: TODO another option that was considered
    approach: adopt
    summary: TODO one sentence on what this option is
decision:
  chosen: A CDN in front of the storefront
  rationale: TODO Why this option? The source gives no reason.
imported:
  source: adr/madr3/0002-cache-product-pages.md
  date: {TODAY.isoformat()}
  guesses:
    - field: options[0].approach
      note: {ADOPT}
    - field: options[1].approach
      note: {ADOPT}
"""


def test_numbered_after_existing_records_and_nothing_overwritten(project: Path) -> None:
    existing = {"0001-buy-paging.yaml": VALID_RECORD, "0007-other.yaml": VALID_RECORD}
    write_decisions(project, existing)
    before = snapshot(project / "decisions")
    copy_adrs(project, "madr2")
    result = do_import(project, "adr/madr2")
    assert [o.record.name for o in result.imported if o.record] == [
        "0008-use-markdown-decision-records.yaml", "0009-keep-decisions-short.yaml",
        "0010-queue-for-order-events.yaml", "0011-stream-order-events.yaml"]
    after = snapshot(project / "decisions")
    assert {k: after[k] for k in before} == before


def test_importing_twice_adds_nothing_and_says_so(project: Path) -> None:
    copy_adrs(project, "nygard", "madr4")
    first = do_import(project, "adr")
    before = snapshot(project / "decisions")
    second = do_import(project, "adr")
    assert snapshot(project / "decisions") == before
    assert second.imported == []
    ids = {o.source: o.record.name[:-5] for o in first.imported if o.record}
    assert {o.source: o.reason for o in second.skipped} == {
        source: f"already imported as {rid}" for source, rid in ids.items()}
    assert "Summary: 0 imported, 0 need attention, 9 skipped." in report(second)


def test_a_moved_source_is_recognised_by_title_and_date(project: Path) -> None:
    copy_adrs(project, "madr2")
    do_import(project, "adr/madr2/0004-stream-order-events.md")
    moved = project / "elsewhere" / "stream.md"
    moved.parent.mkdir()
    shutil.copy(project / "adr/madr2/0004-stream-order-events.md", moved)
    (outcome,) = do_import(project, "elsewhere").outcomes
    assert not outcome.imported
    assert outcome.reason == ("already imported: 0001-stream-order-events has the same title "
                              "and date")


def test_dry_run_writes_nothing_and_shows_the_records(project: Path) -> None:
    copy_adrs(project, "nygard")
    before = snapshot(project / "decisions")
    result = do_import(project, "adr/nygard", dry_run=True)
    assert snapshot(project / "decisions") == before
    assert len(result.imported) == 7
    text = report(result)
    assert "--- would write decisions/0001-record-architecture-decisions.yaml (from " \
           "adr/nygard/0001-record-architecture-decisions.md, Nygard)\n" in text
    assert "title: Record architecture decisions\n" in text
    assert "Summary: 7 would be imported, 7 need attention, 0 skipped. Dry run: nothing was " \
           "written." in text
    # what a dry run shows is what a real run writes
    real = do_import(project, "adr/nygard")
    assert [o.text for o in real.imported] == [o.text for o in result.imported]


# --- bad input ----------------------------------------------------------------------------------


def test_bad_files_are_skipped_or_marked_never_raised(project: Path) -> None:
    write_decisions(project, {"0001-buy-paging.yaml": VALID_RECORD})
    before = snapshot(project / "decisions")
    copy_adrs(project, "bad", "log4brains")
    result = do_import(project, "adr/bad", "adr/log4brains/README.md",
                       "adr/log4brains/template.md")
    skipped = {o.source.name: (o.reason, o.problem) for o in result.skipped}
    assert skipped == {
        "blank.md": ("empty file", False),
        "diagram.md": ("a binary file, not Markdown text", True),
        "empty.md": ("empty file", False),
        "latin1.md": ("not UTF-8 text (byte 0xe9 on line 1); save it as UTF-8 and import it "
                      "again", True),
        "meeting-notes.md": ("not an ADR: no status, decision or considered options", False),
        "README.md": ("not an ADR: no status, decision or considered options", False),
        "template.md": ("an ADR template (by its file name)", False),
    }
    assert result.failed
    after = snapshot(project / "decisions")
    assert {k: after[k] for k in before} == before
    got = records(result)
    _, untitled = got["no-title.md"]
    assert untitled.title == "No title"
    assert untitled.decision.rationale == "We will pin every container image by digest."
    _, odd = got["odd-headings.md"]
    assert odd.status == "accepted" and odd.date == dt.date(2022, 11, 30)
    assert odd.context.startswith("TODO ")
    assert odd.decision.rationale.startswith("TODO ")
    # headings it cannot place are kept, levels shifted below "Imported sections"; a heading
    # inside fenced code stays code
    assert "#### Why we wrote this\n" in odd.context
    assert "##### Detail that skips a level\n" in odd.context
    assert "##### Summary table\n\n| Topic | Rule |\n" in odd.context
    assert "```markdown\n## Not a heading: this is inside a code block\n```" in odd.context


def test_tricky_text_is_written_so_it_reads_back(project: Path) -> None:
    adr = project / "adr" / "tricky.md"
    adr.parent.mkdir()
    adr.write_bytes(
        "\ufeff# Use \"quotes\": yes # not a comment\r\n\r\nStatus: Accepted\r\nDate: 4 March "
        "2021\r\n\r\n## Context\r\n\r\n\ttab first\r\ntrailing   \r\nbell\x07 here\r\n\r\n"
        "## Considered Options\r\n\r\n* yes\r\n* null\r\n* 1.0\r\n* :colon\r\n* @at\r\n"
        "* 'single'\r\n\r\n## Decision Outcome\r\n\r\nChosen option: \"yes\", because "
        "{braces} & [brackets]\r\n".encode())
    result = do_import(project, "adr/tricky.md")
    _, record = records(result)["tricky.md"]
    assert record.title == 'Use "quotes": yes # not a comment'
    assert record.date == dt.date(2021, 3, 4)
    assert record.context == "\ttab first\ntrailing\nbell here\n"
    assert [o.name for o in record.options] == ["yes", "null", "1.0", ":colon", "@at", "'single'"]
    assert record.decision.chosen == "yes"
    assert record.decision.rationale == "{braces} & [brackets]"


def test_front_matter_that_is_not_yaml_is_kept(project: Path) -> None:
    adr = project / "adr" / "broken.md"
    adr.parent.mkdir()
    adr.write_text("---\nstatus: [accepted\n---\n# Use a broken header\n\n## Decision\n\n"
                   "Chosen option: \"Plain\", because it works.\n", encoding="utf-8")
    result = do_import(project, "adr")
    (outcome,) = result.imported
    _, record = records(result)["broken.md"]
    assert "#### Front matter\n\n```yaml\nstatus: [accepted\n```" in record.context
    assert any(c.startswith("front matter not readable (line 3: invalid YAML") for c in
               outcome.check)
    assert ("status", "the source states no status; set to proposed") in outcome.guesses


# --- the pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2020-01-05", dt.date(2020, 1, 5)),
    ("2020/1/5", dt.date(2020, 1, 5)),
    ("5.1.2020", dt.date(2020, 1, 5)),
    ("5 January 2020", dt.date(2020, 1, 5)),
    ("January 5, 2020", dt.date(2020, 1, 5)),
    ("2020-01-05 (last updated)", dt.date(2020, 1, 5)),
    (dt.date(2020, 1, 5), dt.date(2020, 1, 5)),
    ("2020-13-45", None),
    ("{YYYY-MM-DD}", None),
    ("soon", None),
])
def test_parse_date(text: object, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Accepted", ("accepted", "standard")),
    ("accepted on 2020-01-01", ("accepted", "standard")),
    ("**Status:** Accepted", ("accepted", "standard")),
    ("~~Proposed~~ Accepted", ("accepted", "standard")),
    ("Approved", ("accepted", "mapped")),
    ("Implemented", ("accepted", "mapped")),
    ("Implemented in [!4678](https://git.example.com/mr/4678)", ("accepted", "mapped")),
    ("Done.", ("accepted", "mapped")),
    ("Proposed", ("proposed", "standard")),
    ("draft", ("proposed", "mapped")),
    ("In progress", ("proposed", "mapped")),
    ("On hold", ("proposed", "mapped")),
    ("Rejected", ("rejected", "standard")),
    ("not accepted", ("rejected", "mapped")),
    ("Abandoned", ("rejected", "mapped")),
    ("Superseded by [3. Use X](0003-use-x.md)", ("superseded", "standard")),
    ("Superceded", ("superseded", "mapped")),
    ("Deprecated", ("deprecated", "standard")),
    ("Depreciated", ("deprecated", "mapped")),
    ("Acepted", ("accepted", "close")),
    ("Rejeted", ("rejected", "close")),
    ("Whenever", ("proposed", "unknown")),
    ("", (None, "standard")),
])
def test_map_status(text: str, expected: tuple[str | None, str]) -> None:
    assert map_status(text) == expected


@pytest.mark.parametrize(("heading", "kind"), [
    ("Context and Problem Statement", "context"),
    ("Decision Drivers <!-- optional -->".split(" <")[0], "drivers"),
    ("2. Decision", "decision"),
    ("Decision Outcome:", "decision"),
    ("Pros and Cons of the Options", "pros-cons"),
    ("Positive Consequences", "good"),
    ("More Information", None),
])
def test_section_kind(heading: str, kind: str | None) -> None:
    assert section_kind(heading) == kind


def test_blocks_split_items_from_text() -> None:
    body = "Intro line\n\n* one\n  continued\n* two\n\n```\n* not an item\n```\nAfter"
    assert [(b.kind, b.text) for b in blocks(body)] == [
        ("text", "Intro line"), ("item", "one continued"), ("item", "two"),
        ("text", "```\n* not an item\n```\nAfter"),
    ]


def test_setext_headings_and_comments() -> None:
    doc = parse_document("Title here\n==========\n\n<!-- ## hidden -->\nContext\n-------\n\n"
                         "Text\n", lambda h: section_kind(h) is not None)
    assert doc.title == "Title here"
    assert [(s.heading, s.level, s.body) for s in doc.sections] == [("Context", 2, "Text")]


def test_link_urls_are_relative_to_the_decisions_folder(tmp_path: Path) -> None:
    source = tmp_path / "doc" / "adr" / "0001-x.md"
    url = "https://example.com/shop/tree/main/doc/adr/"

    def link(target: str, source_url: str | None = None) -> str | None:
        return Resolver(source, tmp_path / "decisions", "", lambda _: None,
                        source_url=source_url, base=source.parent).link(target)

    assert link("../../docs/other file.md#part two") == "../docs/other%20file.md#part%20two"
    assert link("0002-y.md") is None  # the site does not publish doc/adr/: left out
    assert link("0002-y.md", url) == "https://example.com/shop/tree/main/doc/adr/0002-y.md"
    assert link("../other file.md#part two", url) == \
        "https://example.com/shop/tree/main/doc/other%20file.md#part%20two"
    assert link("https://example.com/a") == "https://example.com/a"
    assert link("#anchor") is None
    assert link("ftp://example.com") is None


# --- the command --------------------------------------------------------------------------------


def test_cli_imports_and_reimports(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    shutil.copytree(FIXTURES / "madr2", tmp_path / "adr" / "madr2")
    first = run_cli("--dir", "decisions", "import", "adr", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout.startswith(
        "imported adr/madr2/0001-use-markdown-decision-records.md -> "
        "decisions/0001-use-markdown-decision-records.yaml (MADR 2)\n")
    assert "\nSummary: 4 imported, 4 need attention, 0 skipped.\n" in first.stdout
    assert "\nNeeding attention (fill in each TODO and check each guess, then remove it from " \
           "imported.guesses; `decisions validate` lists both):\n" \
           "  decisions/0001-use-markdown-decision-records.yaml <- " \
           "adr/madr2/0001-use-markdown-decision-records.md\n" in first.stdout
    assert len(list((tmp_path / "decisions").glob("0*.yaml"))) == 4
    again = run_cli("--dir", "decisions", "import", "adr", cwd=tmp_path)
    assert again.returncode == 0
    assert "skipped  adr/madr2/0004-stream-order-events.md: already imported as " \
           "0004-stream-order-events\n" in again.stdout
    assert "Summary: 0 imported, 0 need attention, 4 skipped." in again.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["import", "adr", "--team", "nobody"], 2,
     "no team 'nobody' in decisions/config.yaml; teams: platform, commerce"),
    (["--dir", "missing", "import", "adr"], 2, "missing: no decisions folder here"),
    (["import", "nothing-here"], 2, "'nothing-here' does not exist"),
    (["import"], 2, "Missing argument 'PATHS...'"),
    (["import", "adr/bad/latin1.md"], 1, "skipped  adr/bad/latin1.md: not UTF-8 text"),
])
def test_cli_errors(project: Path, args: list[str], code: int, message: str) -> None:
    copy_adrs(project, "bad")
    result = CliRunner().invoke(main, args, env={"DECISIONS_TODAY": TODAY.isoformat()})
    assert result.exit_code == code, result.output
    assert message in result.output
    assert [p.name for p in (project / "decisions").iterdir()] == ["config.yaml"]


def test_cli_help_and_docs() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    for word in ("PATHS", "--dry-run", "--team", "TODO", "Exit status"):
        assert word in result.output
    page = (PACKAGE_DOCS / "import.md").read_text(encoding="utf-8")
    assert "decisions import" in page and "--dry-run" in page and "--team" in page



def test_links_loops_and_devices_are_skipped_not_fatal(tmp_path: Path) -> None:
    import os

    from decision_records.adr_import.batch import find_sources, read_source

    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "loop1.md").symlink_to(folder / "loop2.md")
    (folder / "loop2.md").symlink_to(folder / "loop1.md")
    os.mkfifo(folder / "pipe.md")
    found = find_sources([folder])
    assert sorted(p.path.name for p in found) == ["loop1.md", "loop2.md", "pipe.md"]
    for source in found:
        with pytest.raises(Exception) as info:
            read_source(source.path)
        assert type(info.value).__name__ == "Skip"


WEIGHTED_MADR = """\
# Pick a paging service

## Context and Problem Statement

Night-time alerts reach people by e-mail only.

## Decision Drivers

* Cost over three years (weight: 3)
* Time to value: high
* 5 - Operating load

## Considered Options

* PagerDuty
* Our own pager

## Decision Outcome

Chosen option: "PagerDuty", because it pages reliably and we run nothing.

## Pros and Cons of the Options

### PagerDuty

* Good, because score 5 on operating load
* Bad, because it costs 12,000 a year

### Our own pager

* Good, because no licence
* Bad, because we would be on call for it
"""


def test_madr_decision_drivers_become_drivers_and_nothing_is_scored(project: Path) -> None:
    """A MADR's Decision Drivers come in as plain drivers, word for word: weights and scores
    are a person's judgement, so none is read out of text that merely looks like one."""
    (project / "adr").mkdir()
    (project / "adr" / "0001-pick-a-paging-service.md").write_text(WEIGHTED_MADR,
                                                                  encoding="utf-8")
    _, record = records(do_import(project, "adr"))["0001-pick-a-paging-service.md"]
    assert record.drivers == ["Cost over three years (weight: 3)", "Time to value: high",
                              "5 - Operating load"]
    assert record.weighted == [] and all(o.scores == {} for o in record.options)
    assert load_decisions(project / "decisions", TODAY).rankings == {}
