"""The organisation's own statuses (`statuses:` in config.yaml): every consumer goes by what a
status means, the pages and exports show its name, and a mistake is a finding at its place.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import CONFIG, TODAY, run_cli, site_for_test, variant, write_decisions
from decision_records.coverage.match import mentions, status_of
from decision_records.loader import RecordCache, load_decisions
from decision_records.radar import radar_entries
from decision_records.render.pages import render_index, render_index_data, render_json
from decision_records.render.record import render_record
from decision_records.review import due
from decision_records.statuses import BUILT_IN, Statuses, StatusName, contrast, text_on

STATUSES = """\
statuses:
  - name: draft
    means: proposed
  - name: trial
    means: accepted
    colour: "#00695c"
  - name: dropped
    means: rejected
  - name: replaced
    means: superseded
  - name: retired
    means: deprecated
"""
OWN = CONFIG + STATUSES
RID = "0001-build-a-pager"
# VALID_RECORD choosing to build (1 token, npm:react) with nobody on call and its review
# date passed: what the status means decides the budget, coverage, radar, review and rules.
SUBJECT = variant("  chosen: PagerDuty\n", "  chosen: Build our own\n",
                  variant("on_call: platform-primary\n", "",
                          variant("review_by: 2027-03-02\n", "review_by: 2026-06-01\n")))


def _folder(tmp_path: Path, status: str, config: str) -> Path:
    return write_decisions(tmp_path, {f"{RID}.yaml": variant(
        "status: accepted\n", f"status: {status}\n", SUBJECT)}, config)


def _behaviour(folder: Path) -> dict[str, Any]:
    """What every consumer makes of the record, in terms that do not name its status."""
    d = load_decisions(folder, TODAY)
    [entry] = d.entries
    ctx = site_for_test(folder).context
    page = render_record(entry, ctx)
    index = json.loads(render_index_data(ctx))
    [exported] = json.loads(render_json(ctx))["records"]
    return {
        "means": entry.record.means,
        "ledger": [(line.effect, line.tokens, line.means)
                   for team in d.ledger.teams for line in team.lines],
        "coverage": status_of(mentions(d)["npm:react"]),
        "radar": [(x.ring, x.reason.replace(entry.record.status, "STATUS"))
                  for x in radar_entries(d, lambda o: None)],
        "due": [x.entry.id for x in due(d, TODAY)],
        "rules": sorted((f.rule, f.field) for f in d.findings),
        "verb": re.findall(r"<strong>(Chosen|Proposed|Rejected):</strong>", page),
        "index": index["means"], "export": exported["means"],
        "budget_json": [r["means"] for t in json.loads(run_cli(
            "budget", "--format", "json", cwd=folder.parent).stdout)["teams"]
            for r in t["records"]],
        "costs_json": [r["means"] for r in json.loads(run_cli(
            "costs", "--format", "json", cwd=folder.parent).stdout)["records"]],
    }


# (the organisation's status, the built-in one it means, what follows: tokens, coverage of
# the chosen package, radar ring, due for review, rules that hold it to account)
MEANS = [
    ("trial", "accepted", "spent", "covered", "trial", True,
     {"buy-before-build", "operate-what-you-own", "review-due"}),
    ("draft", "proposed", "pending", "pending", "assess", False, {"buy-before-build"}),
    ("dropped", "rejected", None, "contradicted", "hold", False, set()),
    ("replaced", "superseded", None, "contradicted", "hold", False, {"superseded-status"}),
    ("retired", "deprecated", None, "contradicted", "hold", False, set()),
]


@pytest.mark.parametrize(("own", "builtin", "effect", "coverage", "ring", "reviewed", "rules"),
                         MEANS, ids=[m[0] for m in MEANS])
def test_an_own_status_works_as_what_it_means(
        tmp_path: Path, own: str, builtin: str, effect: str | None, coverage: str, ring: str,
        reviewed: bool, rules: set[str]) -> None:
    ours = _behaviour(_folder(tmp_path / "own", own, OWN))
    theirs = _behaviour(_folder(tmp_path / "builtin", builtin, CONFIG))
    assert ours == theirs  # every consumer: the ledger, coverage, radar, review, rules, pages
    assert ours["means"] == builtin
    assert ours["ledger"] == ([(effect, 1, builtin)] if effect else [])
    assert ours["coverage"] == coverage
    assert [r for r, _ in ours["radar"]] == [ring]
    assert ours["due"] == ([RID] if reviewed else [])
    assert {r for r, _ in ours["rules"]} == rules
    assert ours["index"] == [builtin] and ours["export"] == builtin


@pytest.mark.parametrize("own", [m[0] for m in MEANS])
def test_the_pages_show_the_organisations_name(tmp_path: Path, own: str) -> None:
    folder = _folder(tmp_path, own, OWN)
    ctx = site_for_test(folder).context
    [entry] = ctx.entries
    means = entry.record.means
    badge = re.search(r'<span class="dr-badge dr-status-(\w+)[^"]*"[^>]*>(\w+)</span>',
                      render_record(entry, ctx))
    assert badge is not None and badge.groups() == (means, own)
    index = render_index(ctx)
    assert f'data-status="{own}" data-means="{means}"' in index
    assert f'<option value="{own}">{own}</option>' in index  # the status filter
    assert f'<option value="{means}">{means}</option>' in index  # the meaning filter
    data = json.loads(render_index_data(ctx))
    assert (data["status"], data["means"]) == ([own], [means])
    assert json.loads(render_json(ctx))["records"][0]["status"] == own


def test_an_own_colour_is_set_on_the_badge_and_in_the_index_data(tmp_path: Path) -> None:
    ctx = site_for_test(_folder(tmp_path, "trial", OWN)).context
    [entry] = ctx.entries
    assert ('<span class="dr-badge dr-status-accepted dr-status-own" style="--dr-status-bg: '
            '#00695c; --dr-status-fg: #ffffff" title="trial: means accepted">trial</span>'
            in render_record(entry, ctx))
    assert json.loads(render_index_data(ctx))["colours"] == [["#00695c", "#ffffff"]]


def test_without_own_statuses_nothing_changes_on_the_index(tmp_path: Path) -> None:
    ctx = site_for_test(_folder(tmp_path, "accepted", CONFIG)).context
    index = render_index(ctx)
    assert 'data-filter="means"' not in index and "data-means" not in index
    assert ('<span class="dr-badge dr-status-accepted">accepted</span>'
            in render_record(ctx.entries[0], ctx))


# --- config.yaml: each mistake at its line and column ---------------------------------------

C = "decisions/config.yaml"
R = f"decisions/{RID}.yaml"
TEAMS = "teams:\n  - name: platform\n"  # lines 1-2; statuses: starts on line 3

# (case, config.yaml, a line `decisions validate` prints, exit status)
CONFIG_CASES = [
    ("listed-twice", TEAMS + "statuses:\n  - name: trial\n    means: accepted\n"
     "  - name: trial\n    means: proposed\n",
     f"{C}:6:11: error: statuses[1].name: 'trial' is listed twice (also statuses[0]); list "
     "each status once [config]", 2),
    ("builtin-elsewhere", TEAMS + "statuses:\n  - name: accepted\n    means: proposed\n",
     f"{C}:5:12: error: statuses[0].means: 'accepted' is a built-in status and can only mean "
     "accepted; give the status meaning proposed another name [config]", 2),
    ("unknown-meaning", TEAMS + "statuses:\n  - name: trial\n    means: adopted\n",
     f"{C}:5:12: error: statuses[0].means: Input should be 'proposed', 'accepted', 'rejected', "
     "'superseded' or 'deprecated' (got 'adopted') [config]", 2),
    ("name-form", TEAMS + "statuses:\n  - name: In Review\n    means: proposed\n",
     f"{C}:4:11: error: statuses[0].name: 'In Review' is not valid: a status is lowercase "
     "words joined by '-', e.g. 'in-review' [config]", 2),
    ("bad-colour", TEAMS + "statuses:\n  - name: trial\n    means: accepted\n"
     "    colour: '#12345g'\n",
     f"{C}:6:13: error: statuses[0].colour: '#12345g' is not a colour: write #rrggbb, six hex "
     "digits, e.g. '#2e7d32' [config]", 2),
    ("colour-unquoted", TEAMS + "statuses:\n  - name: trial\n    means: accepted\n"
     "    colour: #00695c\n",
     f"{C}:6:12: error: statuses[0].colour: no colour: YAML reads an unquoted # as the start of "
     "a comment; write it in quotes, e.g. colour: '#2e7d32' [config]", 2),
    ("misspelt-key", TEAMS + "statuses:\n  - name: trial\n    means: accepted\n"
     "    color: '#00695c'\n",
     f"{C}:6:5: error: statuses[0].color: unknown field 'color'; did you mean 'colour'? "
     "[config]", 2),
    # a status records still use, taken out of use: where, and by which records
    ("renamed", TEAMS + "statuses:\n  - name: pilot\n    means: accepted\n",
     f"{C}:3:1: error: statuses: status 'trial' is not offered here but 1 record uses it "
     f"({R}:3:9): it is not listed (renamed or removed?); list it again, or change those "
     "records [config]", 1),
    ("builtin-shadowed", TEAMS + "statuses:\n  - name: draft\n    means: proposed\n"
     "  - name: pilot\n    means: accepted\n",
     f"{C}:7:12: error: statuses[1].means: status 'accepted' is not offered here but 1 record "
     f"uses it ({R}:3:9): statuses[1] names 'pilot' for accepted, which takes the built-in "
     "word out of use; add {name: accepted, means: accepted} to keep it, or change those "
     "records [config]", 1),
]


@pytest.mark.parametrize(("case", "config", "expected", "code"), CONFIG_CASES,
                         ids=[c[0] for c in CONFIG_CASES])
def test_a_statuses_mistake_is_reported_at_its_place(tmp_path: Path, case: str, config: str,
                                                     expected: str, code: int) -> None:
    status = "accepted" if case == "builtin-shadowed" else "trial"
    _folder(tmp_path, status, config)
    result = run_cli("validate", cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == code, out
    # exit 2: the config cannot be used at all; 1: it can, and records are in the way
    assert expected in [line.removeprefix("Error: ") for line in out.splitlines()], out
    assert "Traceback" not in out


def test_a_removed_status_names_every_record_and_each_record_says_so(tmp_path: Path) -> None:
    records = {f"{n:04d}-r{n}.yaml": variant("status: accepted\n", "status: trial\n")
               for n in range(1, 13)}
    write_decisions(tmp_path, records, TEAMS + "statuses:\n  - name: adopted\n"
                    "    means: accepted\n")
    result = run_cli("validate", cwd=tmp_path)
    lines = result.stdout.splitlines()
    [config] = [line for line in lines if line.startswith(C)]
    assert config.startswith(f"{C}:3:1: error: statuses: status 'trial' is not offered here "
                             "but 12 records use it (decisions/0001-r1.yaml:3:9, ")
    assert "decisions/0010-r10.yaml:3:9 and 2 more)" in config
    for n in range(1, 13):
        assert (f"decisions/{n:04d}-r{n}.yaml:3:9: error: status: 'trial' is not a status; use "
                "one of: proposed, adopted, rejected, superseded, deprecated, as "
                "decisions/config.yaml lists them [schema]") in lines


@pytest.mark.parametrize(("status", "message"), [
    ("trail", "'trail' is not a status (did you mean 'trial'?); use one of: draft, trial, "
              "dropped, replaced, retired, as decisions/config.yaml lists them"),
    ("Trial", "'Trial' is not a status (did you mean 'trial'?); use one of: draft, trial, "
              "dropped, replaced, retired, as decisions/config.yaml lists them"),
], ids=["typo", "case"])
def test_an_unknown_status_in_a_record_is_an_error_at_its_place(tmp_path: Path, status: str,
                                                                message: str) -> None:
    _folder(tmp_path, status, OWN)
    lines = run_cli("validate", cwd=tmp_path).stdout.splitlines()
    assert f"{R}:3:9: error: status: {message} [schema]" in lines


def test_the_built_in_words_stay_beside_a_list_that_names_other_meanings(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "accepted", CONFIG + "statuses:\n  - name: draft\n"
                     "    means: proposed\n")
    d = load_decisions(folder, TODAY)
    assert [e.record.means for e in d.entries] == ["accepted"]
    assert d.config.status_table.words == ("draft", "accepted", "rejected", "superseded",
                                           "deprecated")
    assert not [f for f in d.findings if f.rule in ("schema", "config")]


def test_the_cache_of_a_preview_reads_records_again_when_the_statuses_change(
        tmp_path: Path) -> None:
    path = _folder(tmp_path, "trial", CONFIG) / f"{RID}.yaml"
    cache = RecordCache()
    assert cache.load(path).record is None  # trial is no status without the list
    own = Statuses.of([StatusName("trial", "accepted")])
    loaded = cache.load(path, own)
    assert loaded.record is not None and loaded.record.means == "accepted"
    assert cache.load(path, BUILT_IN).record is None


# --- the schema editors see, and the files init keeps -----------------------------------------

def test_the_schema_lists_the_organisations_statuses(tmp_path: Path) -> None:
    write_decisions(tmp_path, {}, OWN)
    schema = json.loads(run_cli("schema", cwd=tmp_path).stdout)
    status = schema["properties"]["status"]
    assert status["enum"] == ["draft", "trial", "dropped", "replaced", "retired"]
    assert "trial, which means accepted" in status["description"]
    (tmp_path / "elsewhere").mkdir()  # no decisions folder: the built-in statuses
    plain = json.loads(run_cli("schema", cwd=tmp_path / "elsewhere").stdout)["properties"]
    assert plain["status"]["enum"] == ["proposed", "accepted", "rejected", "superseded",
                                       "deprecated"]


def test_init_check_compares_the_schema_for_the_organisations_statuses(tmp_path: Path) -> None:
    repo = tmp_path / "acme"
    assert run_cli("init", str(repo), "--org", "Acme", "--team", "platform=3", "--ci", "none",
                   "--no-interactive", cwd=tmp_path).returncode == 0
    config = repo / "decisions" / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + STATUSES, encoding="utf-8")
    result = run_cli("init", "--check", cwd=repo)
    assert result.returncode == 1
    assert '+        "trial",' in result.stdout  # the schema for these statuses lists trial
    (repo / "docs" / "decision.schema.json").unlink()
    assert run_cli("init", cwd=repo).returncode == 0  # written again, for these statuses
    result = run_cli("init", "--check", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert run_cli("validate", "--strict", cwd=repo).returncode == 1  # its record is accepted


def test_a_new_record_takes_the_organisations_word_for_proposed(tmp_path: Path) -> None:
    write_decisions(tmp_path, {}, OWN)
    result = run_cli("new", "Buy a paging service", "--team", "platform", cwd=tmp_path)
    text = (tmp_path / result.stdout.strip()).read_text(encoding="utf-8")
    assert re.search(r"^status: draft +# draft \| trial \| dropped \| replaced \| retired$",
                     text, re.MULTILINE), text


# --- colours ---------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [17])
def test_every_colour_gets_text_that_reads_on_it(step: int) -> None:
    """Black or white text: the better of the two is at least 4.58:1 on any colour."""
    worst = min(contrast(c, text_on(c)) for c in (
        f"#{r:02x}{g:02x}{b:02x}" for r in range(0, 256, step) for g in range(0, 256, step)
        for b in range(0, 256, step)))
    assert worst >= 4.5
    assert text_on("#00695c") == "#ffffff" and text_on("#ffeb3b") == "#000000"
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0


# --- import: a source's status, mapped by name -----------------------------------------------

LIFECYCLE = CONFIG + """\
statuses:
  - name: draft
    means: proposed
  - name: in-review
    means: proposed
  - name: trial
    means: accepted
  - name: adopted
    means: accepted
  - name: retired
    means: deprecated
"""

# (the ADR's status line, the record's status, the guess listed about it or None)
IMPORTS = [
    ("Trial", "trial", None),
    ("In Review", "in-review", None),
    ("in_review", "in-review", None),
    ("Adopted", "adopted", None),
    ("Rejected", "rejected", None),  # a built-in word no entry replaces
    ("Accepted", "trial", "the source says 'Accepted', read as trial (which means accepted "
                          "here); adopted means accepted too"),
    ("Approved", "trial", "the source says 'Approved', read as trial (which means accepted "
                          "here); adopted means accepted too"),
    ("Deprecated", "retired", "the source says 'Deprecated', read as retired (which means "
                              "deprecated here)"),
    ("Wibble", "draft", "'Wibble' is not a known status; set to draft (which means proposed "
                        "here); in-review means proposed too"),
]


@pytest.mark.parametrize(("said", "status", "guess"), IMPORTS, ids=[i[0] for i in IMPORTS])
def test_import_maps_a_status_to_the_organisations_by_name(tmp_path: Path, said: str,
                                                           status: str, guess: str | None) -> None:
    write_decisions(tmp_path, {}, LIFECYCLE)
    adr = tmp_path / "adr" / "0001-use-a-queue.md"
    adr.parent.mkdir()
    adr.write_text(f"# 1. Use a queue\n\nDate: 2024-01-02\n\n## Status\n\n{said}\n\n"
                   "## Context\n\nOrders pile up.\n\n## Decision\n\nWe will use a managed "
                   "queue.\n", encoding="utf-8")
    result = run_cli("import", "adr", "--team", "platform", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    d = load_decisions(tmp_path / "decisions", TODAY)
    [entry] = d.entries
    assert entry.record.status == status
    assert entry.record.imported is not None
    guesses = {g.field: g.note for g in entry.record.imported.guesses}
    assert guesses.get("status") == guess


def test_import_settles_supersession_under_the_organisations_words(tmp_path: Path) -> None:
    write_decisions(tmp_path, {}, CONFIG + "statuses:\n  - name: replaced\n"
                    "    means: superseded\n  - name: adopted\n    means: accepted\n")
    adr = tmp_path / "adr"
    adr.mkdir()
    (adr / "0001-use-rabbitmq.md").write_text(
        "# 1. Use RabbitMQ\n\nDate: 2023-01-02\n\n## Status\n\nAccepted\n\n## Decision\n\n"
        "We will use RabbitMQ.\n", encoding="utf-8")
    (adr / "0002-use-kafka.md").write_text(
        "# 2. Use Kafka\n\nDate: 2024-01-02\n\n## Status\n\nAdopted\n\nSupersedes "
        "[1. Use RabbitMQ](0001-use-rabbitmq.md)\n\n## Decision\n\nWe will use Kafka.\n",
        encoding="utf-8")
    assert run_cli("import", "adr", "--team", "platform", cwd=tmp_path).returncode == 0
    d = load_decisions(tmp_path / "decisions", TODAY)
    statuses = {e.id: (e.record.status, e.record.means) for e in d.entries}
    assert statuses == {"0001-use-rabbitmq": ("replaced", "superseded"),
                        "0002-use-kafka": ("adopted", "accepted")}
    [first] = [e for e in d.entries if e.id == "0001-use-rabbitmq"]
    assert first.record.imported is not None
    notes = {g.field: g.note for g in first.record.imported.guesses}
    assert notes["status"] == (
        "the source says 'Accepted', read as adopted (which means accepted here); then set to "
        "replaced, since 0002-use-kafka (from adr/0002-use-kafka.md) replaces it (the source "
        "says accepted)")
    assert not [f for f in d.findings if f.rule == "superseded-status"]


def test_the_statuses_page_shows_descriptions_as_text(tmp_path: Path) -> None:
    """config.yaml arrives with pull requests: its words are text on the page, and a colour
    is six hex digits or nothing, so neither can add markup or CSS."""
    hostile = "<img src=x onerror=alert(1)> [link](javascript:alert(2)) | cell"
    folder = _folder(tmp_path, "trial", CONFIG + STATUSES.replace(
        '    colour: "#00695c"\n', f'    colour: "#00695c"\n    description: "{hostile}"\n'))
    site = site_for_test(folder)
    html = site.fill("<!-- decisions:statuses -->", "statuses.md")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert '<a href="../decisions/?status=trial">1</a>' in html
    assert 'style="--dr-status-bg: #00695c; --dr-status-fg: #ffffff"' in html
    schema = json.loads(run_cli("schema", cwd=tmp_path).stdout)
    assert hostile in schema["properties"]["status"]["description"]
