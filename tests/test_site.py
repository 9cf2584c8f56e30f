"""Real MkDocs builds from a fixed set of records, asserting on the HTML a reader gets."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import REPO, TODAY_ENV, record, run_cli, site_for_test, variant, write_decisions
from decision_records.loader import load_decisions
from decision_records.model import Record
from decision_records.render.record import render_record
from decision_records.render.templates import sections
from decision_records.site import compact_html

FIXTURE = REPO / "tests" / "fixtures" / "site" / "decisions"
IDS = sorted(p.stem for p in FIXTURE.glob("0*.yaml"))


def build_site(decisions: Path, site_dir: Path, monkeypatch: pytest.MonkeyPatch,
               strict: bool = True, **overrides: object) -> Path:
    """`mkdocs build`, strict as CI runs it unless told otherwise (as `mkdocs serve` runs)."""
    monkeypatch.setenv("DECISIONS_DIR", str(decisions))
    monkeypatch.setenv("DECISIONS_TODAY", TODAY_ENV)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site_dir),
                         strict=strict, **overrides)
    build(config)
    return site_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mp = pytest.MonkeyPatch()
    try:
        out = tmp_path_factory.mktemp("site")
        yield build_site(FIXTURE, out / "site", mp, repo_url="https://git.example.com/org/tech/",
                         edit_uri="edit/main/docs/")
    finally:
        mp.undo()


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_every_record_has_a_page_and_the_index_lists_them(site: Path) -> None:
    index = page(site, "decisions")
    for rid in IDS:
        assert (site / "decisions" / rid / "index.html").is_file()
        assert f'href="{rid}/"' in index
    assert len(re.findall(r"<tr data-status=", index)) == len(IDS)


def test_index_rows_carry_the_filter_values(site: Path) -> None:
    index = page(site, "decisions")
    row = re.search(r'<tr data-status="proposed"[^>]*>', index)
    assert row is not None
    assert row.group(0) == ('<tr data-status="proposed" data-team="commerce" '
                            'data-category="database" data-approach="adopt">')
    assert '<select data-filter="team">' in index


def test_supersession_links_go_both_ways(site: Path) -> None:
    old = page(site, "decisions/0001-self-host-the-message-queue")
    new = page(site, "decisions/0002-buy-a-managed-queue")
    assert re.search(r'Superseded by <a href="\.\./0002-buy-a-managed-queue/">', old)
    assert re.search(r'replaces <a href="\.\./0001-self-host-the-message-queue/">', new)


def test_record_page_shows_options_chosen_and_edit_link(site: Path) -> None:
    html = page(site, "decisions/0002-buy-a-managed-queue")
    assert len(re.findall(r'class="dr-option(?: dr-chosen)?"', html)) == 2
    assert '<div class="dr-option dr-chosen">' in html
    assert "✓ chosen" in html
    assert 'href="../../signals/#pypi-boto3"' in html
    assert ('href="https://git.example.com/org/tech/edit/main/decisions/'
            '0002-buy-a-managed-queue.yaml"') in html
    assert "Spends no innovation tokens; team platform has 3 of 3 left." in html


def test_decisions_json_matches_the_records(site: Path) -> None:
    data = json.loads((site / "decisions.json").read_text(encoding="utf-8"))
    decisions = load_decisions(FIXTURE)
    assert [r["id"] for r in data["records"]] == IDS
    for got, entry in zip(data["records"], decisions.entries, strict=True):
        # a field at its default is left out, as the YAML leaves it out
        # and what its status means, so that a reader needs no config.yaml
        assert got == {"id": entry.id, **entry.record.model_dump(mode="json",
                                                                 exclude_defaults=True),
                       "means": entry.record.means}
        fields = {k: v for k, v in got.items() if k not in ("id", "means")}
        assert Record.model_validate(fields) == entry.record


def test_injected_html_does_not_survive(site: Path) -> None:
    html = page(site, "decisions/0005-hostile-markdown")
    body = html[html.index("<article"):html.index("</article>")]
    assert "<script>" not in body
    assert "<img src=\"x\" onerror" not in body and "<svg onload" not in body
    assert "<iframe" not in body
    assert not re.search(r"<[^>]+\son\w+=", body), "an event handler attribute got through"
    hrefs = re.findall(r'href="([^"]*)"', body)
    assert not [h for h in hrefs if "script" in h.lower()], hrefs
    assert body.count('href="#unsafe-link-removed"') >= 3
    assert "&lt;script&gt;window.pwned = 1;&lt;/script&gt;" in body
    # ordinary Markdown still renders
    assert "<em>emphasis</em>" in body and "<code>code &lt;b&gt;</code>" in body
    assert "<table>" in body and '<a href="https://example.com/docs">link</a>' in body
    for other in ("decisions", "timeline", "budget", ""):
        assert "<script>window.titlePwned" not in page(site, other)


def test_review_queue_and_timeline(site: Path) -> None:
    review = page(site, "review")
    # 0002 is due 2026-12-01, within 30 days of 2026-11-26
    assert "0002-buy-a-managed-queue/" in review
    assert "0005-hostile-markdown/" not in review
    timeline = page(site, "timeline")
    years = re.findall(r'<h2 id="(\d{4})">\d{4} \((\d+) decisions?\)</h2>', timeline)
    assert years == [("2026", "1"), ("2025", "2"), ("2024", "1"), ("2023", "1")]
    assert '<a href="2025/">All decisions of 2025</a>' in timeline
    assert 'href="2025/#february-2025">February 2025</a> (1)' in timeline
    months = re.findall(r'<h2 id="([a-z]+-\d{4})">([A-Z][a-z]+ \d{4})', page(site, "timeline/2025"))
    assert months == [("september-2025", "September 2025"), ("february-2025", "February 2025")]


def test_budget_page_figures_equal_the_cli_json(site: Path, tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "decisions")
    result = run_cli("budget", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = json.loads(result.stdout)
    html = page(site, "budget")
    for team in expected["teams"]:
        card = re.search(rf'<div class="dr-team[^"]*" data-team="{team["team"]}"[^>]*>', html)
        assert card is not None, team["team"]
        shown = dict(re.findall(r'data-(budget|spent|pending|released|remaining)="(-?\d+)"',
                                card.group(0)))
        assert {k: int(v) for k, v in shown.items()} == {
            k: team[k] for k in ("budget", "spent", "pending", "released", "remaining")}
    total = re.search(r"<div class=\"dr-total\"[^>]*>", html)
    assert total is not None
    shown = dict(re.findall(r'data-(budget|spent|pending|released|remaining)="(-?\d+)"',
                            total.group(0)))
    assert {k: int(v) for k, v in shown.items()} == expected["total"]
    assert "<svg class=\"dr-chart\"" in html


def test_home_page_has_generated_figures(site: Path) -> None:
    home = page(site, "")
    assert re.search(r'<span class="dr-stat-n">5</span> decisions', home)
    assert "Latest decisions" in home


def test_search_reads_the_records_not_their_pages(site: Path) -> None:
    docs = list(site_for_test(FIXTURE).search_documents(lambda uri: uri))
    hits = [d.url for d in docs if "zanzibarquokka" in d.body]
    assert hits == ["decisions/0002-buy-a-managed-queue.md"]
    # Pagefind's shards: the hand-written pages first, then the records
    shards = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert shards == ["0", "1"]
    for shard in shards:
        assert (site / "pagefind" / shard / "pagefind-entry.json").is_file()
    # Material's own index is left empty: its search box asks the Pagefind worker
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []
    assert 'config.search = "../assets/search-worker.js"' in page(site, "decisions")


def test_no_request_leaves_the_site(site: Path) -> None:
    """No stylesheet, script, font or image from another host."""
    for html_file in site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html):
            for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
                if tag.startswith("<link") and ('rel="canonical"' in tag):
                    continue
                assert not re.match(r"^(https?:)?//", url), f"{html_file}: {tag}"
    for css in site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8")


def test_invalid_record_fails_the_build_with_its_position(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    bad = folder / "0003-adopt-a-graph-database.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("status: proposed",
                                                           "status: maybe"), encoding="utf-8")
    with pytest.raises(Abort):
        build_site(folder, tmp_path / "site", monkeypatch)
    assert f"{bad}:2:9: error: status: 'maybe' is not a status; use one of: " in caplog.text
    assert "Traceback" not in caplog.text
    assert not (tmp_path / "site").exists(), "a failed build must not leave a half-written site"


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_no_records_still_builds(kind: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "decisions"
    if kind == "empty":
        folder.mkdir()
    site = build_site(folder, tmp_path / "site", monkeypatch)
    assert "0 decision records" in page(site, "decisions")
    assert "There are no decisions yet" in page(site, "")


def test_shipped_records_build_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        build_site(REPO / "decisions", tmp_path / "site", monkeypatch)
    except Abort as e:  # strict mode turns warnings into an abort
        pytest.fail(f"mkdocs build --strict failed: {e}")
    assert (tmp_path / "site" / "decisions" / "index.html").is_file()


def test_record_rendering_is_a_pure_function() -> None:
    site = site_for_test(FIXTURE)
    entry = site.context.decisions.get("0002-buy-a-managed-queue")
    assert entry is not None
    html = render_record(entry, site.context)
    assert html == render_record(entry, site.context)
    assert ('<a href="../0001-self-host-the-message-queue/">0001 Self-host the message queue</a>'
            in html)
    assert sections(html)[:3] == [("context", "Context"), ("decision-drivers", "Decision drivers"),
                                  ("options", "Options")]
    [page] = [p for p in site.pages() if p.uri == "decisions/0002-buy-a-managed-queue.md"]
    assert (page.title, page.tags) == ("Buy a managed queue", ("queues", "managed"))


@pytest.mark.parametrize(("html", "expected"), [
    ("<div>\n    <p>a</p>\n\n   \n  <span>b</span>\n", "<div><p>a</p>\n<span>b</span>\n"),
    ("<ul>\n <li>a</li>\n <li>b</li>\n</ul>", "<ul><li>a</li><li>b</li></ul>"),
    ("<a>x</a>\n<a>y</a>\n<b>z</b>", "<a>x</a>\n<a>y</a>\n<b>z</b>"),  # inline: a space
    ("<pre><code>x\n\n    y\n</code></pre>\n   <p>", "<pre><code>x\n\n    y\n</code></pre>\n<p>"),
    ("<PRE class='a'>\n  kept\n</PRE>  \n  x", "<PRE class='a'>\n  kept\n</PRE>  \nx"),
    ("<textarea>\n  kept\n</textarea>", "<textarea>\n  kept\n</textarea>"),
    ("a <b>b</b>\n    c", "a <b>b</b>\nc"),  # a line break still separates words
], ids=["blank-lines", "block", "inline-siblings", "pre", "pre-upper", "textarea", "inline"])
def test_compact_html_keeps_what_a_browser_shows(html: str, expected: str) -> None:
    assert compact_html(html) == expected


def test_built_pages_are_compact_but_keep_code_blocks(site: Path) -> None:
    html = page(site, "decisions/0005-hostile-markdown")
    assert "\n  " not in html.split("<pre", 1)[0]


def test_a_very_large_record_is_a_warning_and_still_renders(tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    path = folder / "0003-adopt-a-graph-database.yaml"
    words = ("Graph *traversal* over `orders` <b>tags</b> stay escaped. " * 12 + "\n\n  ") * 600
    path.write_text(path.read_text(encoding="utf-8").replace(
        "context: Recommendations need many-hop queries.", "context: |\n  " + words),
        encoding="utf-8")
    site = site_for_test(folder)
    notes = [f.format() for f in site.findings]
    assert [n for n in notes if "[large-record]" in n] == [
        f"{path}:1:1: warning: the record is 0.4 MB; keep it short and link to long documents "
        "in `links` (big pages are slow to read and build) [large-record]"]
    entry = site.context.decisions.get("0003-adopt-a-graph-database")
    assert entry is not None
    html = render_record(entry, site.context)
    assert html.count("<em>traversal</em>") == 600 * 12
    assert html.count("&lt;b&gt;tags&lt;/b&gt;") == 600 * 12 and "<b>tags" not in html


def test_waived_rules_are_shown_with_their_reasons(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site = build_site(REPO / "decisions", tmp_path / "site", monkeypatch)
    html = page(site, "decisions/0001-use-mkdocs-material-for-the-decision-site")
    assert "Rules waived" in html
    assert "<code>risky-choice</code></a>: Material's end of life" in html


def test_maturity_on_record_pages(site: Path) -> None:
    queue = page(site, "decisions/0002-buy-a-managed-queue")
    assert re.search(r'<span class="dr-maturity dr-maturity-(boring|established)"', queue)
    graph = page(site, "decisions/0003-adopt-a-graph-database")
    assert "Maturity: not in the snapshot yet" in graph  # neo4j was never fetched
    signals = page(site, "signals")
    assert "pypi:pika" in signals and "dr-maturity-risky" in signals


def test_the_build_never_touches_the_network(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds are deterministic and work offline: only the snapshot is read."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the site build opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    site = build_site(REPO / "decisions", tmp_path / "site", monkeypatch)
    assert (site / "signals" / "index.html").is_file()


def _break(folder: Path) -> tuple[Path, Path]:
    """One record with a rule error (an unknown team), one that is not a record at all."""
    team = folder / "0002-buy-a-managed-queue.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("team: platform", "team: platfrom"),
                    encoding="utf-8")
    schema = folder / "0003-adopt-a-graph-database.yaml"
    schema.write_text(schema.read_text(encoding="utf-8").replace("status: proposed",
                                                                 "status: maybe"),
                      encoding="utf-8")
    return team, schema


def test_a_broken_record_still_gives_a_site_that_shows_the_problems(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    team, schema = _break(folder)
    site = build_site(folder, tmp_path / "site", monkeypatch, strict=False)
    record = page(site, "decisions/0002-buy-a-managed-queue")
    assert '<div class="admonition failure dr-problems">' in record
    assert (f"<code>{team}:4:7</code> error in <code>team</code>: team &#39;platfrom&#39; is "
            "not in config.yaml; did you mean &#39;platform&#39;?") in record
    assert "<h2 id=\"options\">" in record  # the rest of the record is still there
    broken = page(site, "decisions/0003-adopt-a-graph-database")
    assert f"<code>{schema}:2:9</code> error in <code>status</code>" in broken
    assert "status: maybe" in broken  # the file as written, to see what is wrong
    problems = page(site, "problems")
    assert 'href="../decisions/0002-buy-a-managed-queue/"' in problems
    assert 'href="../decisions/0003-adopt-a-graph-database/"' in problems
    assert "2 errors" in problems
    # every page's script reads the counts for its banner from one file made at every build
    assert json.loads((site / "problems.json").read_text(encoding="utf-8")) == {
        "errors": 2, "warnings": 0, "text": "2 errors in the records", "page": "problems/"}
    assert "2 errors in the records" in page(site, "")


def test_with_strict_the_same_records_stop_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    team, _ = _break(folder)
    with pytest.raises(Abort):
        build_site(folder, tmp_path / "site", monkeypatch, strict=True)
    assert f"{team}:4:7: error: team: team 'platfrom' is not in config.yaml" in caplog.text
    assert "Traceback" not in caplog.text


def _unrenderable(folder: Path) -> tuple[Path, Path]:
    """Two records that passed `validate --strict` before the Markdown limits and broke the
    build: a context list nested 500 levels deep (RecursionError), and 20,000 '[' (minutes)."""
    deep = folder / "0002-buy-a-managed-queue.yaml"
    deep.write_text(deep.read_text(encoding="utf-8").replace(
        "context: Running RabbitMQ cost us two incidents a quarter.",
        "context: |\n  Steps:\n\n  " + "- " * 500 + "x"), encoding="utf-8")
    brackets = folder / "0003-adopt-a-graph-database.yaml"
    brackets.write_text(brackets.read_text(encoding="utf-8").replace(
        "context: Recommendations need many-hop queries.", "context: |\n  " + "[" * 20_000),
        encoding="utf-8")
    return deep, brackets


def test_text_the_site_cannot_render_stops_a_strict_build_at_its_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    deep, brackets = _unrenderable(folder)
    with pytest.raises(Abort):
        build_site(folder, tmp_path / "site", monkeypatch)
    assert (f"{deep}:11:3: error: context: lists and quotes nest 500 levels deep here; the "
            "site renders at most 20 [markdown-limits]") in caplog.text
    assert (f"{brackets}:9:8: error: context: more than 5 brackets ('[' or '(') are open at "
            "once in this paragraph") in caplog.text
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


def test_text_the_site_cannot_render_costs_only_its_formatting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    deep, brackets = _unrenderable(folder)
    site = build_site(folder, tmp_path / "site", monkeypatch, strict=False)
    for path, written in ((deep, "Steps:\n\n" + "- " * 500 + "x"), (brackets, "[" * 20_000)):
        html = page(site, f"decisions/{path.stem}")
        assert '<div class="admonition failure dr-problems">' in html
        assert "[markdown-limits]" in re.sub(r"<[^>]+>", "", html)
        assert f"<pre><code>{written}\n</code></pre>" in html  # the text as written
        assert '<h2 id="options">' in html  # and the rest of the record as usual
    problems = page(site, "problems")
    assert 'href="../decisions/0002-buy-a-managed-queue/"' in problems
    assert 'href="../decisions/0003-adopt-a-graph-database/"' in problems


def test_a_broken_config_still_gives_a_site(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    (folder / "config.yaml").write_text("teams: [\n", encoding="utf-8")
    site = build_site(folder, tmp_path / "site", monkeypatch, strict=False)
    assert "config.yaml" in page(site, "problems")
    assert (site / "decisions" / "0002-buy-a-managed-queue" / "index.html").is_file()


def test_a_site_builds_straight_after_an_import(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The migration path: import real-shaped ADRs, and the site shows them at once, with
    what each still needs, links between them and their images."""
    project = tmp_path / "project"
    for part in ("docs", "hooks"):
        shutil.copytree(REPO / part, project / part)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    folder = project / "decisions"
    folder.mkdir()
    shutil.copy(FIXTURE / "config.yaml", folder / "config.yaml")
    result = run_cli("--dir", str(folder), "import",
                     str(REPO / "tests" / "fixtures" / "adr" / "messy"), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    ids = sorted(p.stem for p in folder.glob("0*.yaml"))
    assert len(ids) >= 10
    monkeypatch.setenv("DECISIONS_DIR", str(folder))
    monkeypatch.setenv("DECISIONS_TODAY", TODAY_ENV)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    site = tmp_path / "site"
    build(load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site),
                      strict=False))
    for rid in ids:
        assert (site / "decisions" / rid / "index.html").is_file(), rid
    search = next(rid for rid in ids if "search-engine" in rid)
    html = page(site, f"decisions/{search}")
    body = html[html.index("<article"):html.index("</article>")]
    # what the record still needs is at the top of its page, and in the review queue
    assert "<div class=\"admonition failure dr-problems\">" in body and ">todo</a>]" in body
    review = page(site, "review")
    assert 'id="imported"' in review and f"{search}/" in review
    # a link to another ADR goes to that record's page; an image to its copy in the site
    first = next(rid for rid in ids if "record-decisions" in rid)
    assert f'href="../{first}/"' in body
    images = re.findall(r'<img[^>]* src="([^"]+)"', body)
    assert images and all(src.startswith("../../assets/imported/") for src in images), images
    for src in images:
        assert (site / "decisions" / search / src).resolve().is_file(), src
    problems = page(site, "problems")
    assert f"href=\"../decisions/{search}/\"" in problems and ">todo</a>" in problems


def _words(value: object, skip: tuple[str, ...], key: str = "") -> set[str]:
    if isinstance(value, str):
        return set() if key in skip else set(re.findall(r"\w+", value.lower()))
    if isinstance(value, dict):
        return set().union(*(_words(v, skip, k) for k, v in value.items()), set())
    if isinstance(value, list):
        return set().union(*(_words(v, skip, key) for v in value), set())
    return set()


def test_search_finds_every_word_a_record_shows() -> None:
    """Search reads the records' own text: every word of every field a reader sees is in it."""
    site = site_for_test(REPO / "decisions")
    docs = {d.url: d for d in site.search_documents(lambda uri: uri)}
    # fields that are not words a reader looks for: ids, links, dates, enumerations
    skip = ("url", "supersedes", "approach", "ring", "date", "review_by", "chosen", "source",
            "field")
    for entry in site.context.entries:
        doc = docs[f"decisions/{entry.id}.md"]
        found = set(re.findall(r"\w+", f"{doc.title} {doc.body}".lower()))
        expected = _words(entry.record.model_dump(mode="json"), skip)
        assert expected - found == set(), entry.id


def test_titles_with_markup_characters_show_as_written(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`<` and `&` in titles, link titles and an import source reach every page escaped once
    for HTML: no backslash from a Markdown escaper (record links once went through one before
    landing in HTML, where nothing removed it) and no double escape."""
    old = record(title="Use A & B <fast>", status="superseded", date="2025-01-02")
    new = record(title="Replace A & B <fast> with C", supersedes=["0001-use-a-and-b"])
    new = variant("    url: https://example.com/paging\n",
                  "    url: https://example.com/paging\n"
                  "  - title: Imported from adr/0001 <A & B>.md\n"
                  "    url: ./0001-use-a-and-b.yaml\n", new)
    new += "imported:\n  source: adr/0002 <a> & b.md\n  date: 2026-01-01\n"
    folder = write_decisions(tmp_path, {"0001-use-a-and-b.yaml": old,
                                        "0002-replace-a-and-b-with-c.yaml": new})
    site = build_site(folder, tmp_path / "site", monkeypatch)
    replaced = page(site, "decisions/0001-use-a-and-b")
    assert ('Superseded by <a href="../0002-replace-a-and-b-with-c/">0002 Replace A &amp; B '
            '&lt;fast&gt; with C</a>') in replaced
    newer = page(site, "decisions/0002-replace-a-and-b-with-c")
    assert ('This decision replaces <a href="../0001-use-a-and-b/">0001 Use A &amp; B '
            '&lt;fast&gt;</a>') in newer
    assert ('<li><a href="../0001-use-a-and-b/">Imported from adr/0001 &lt;A &amp; B&gt;.md'
            '</a></li>') in newer
    assert "from <code>adr/0002 &lt;a&gt; &amp; b.md</code>" in newer
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")
             if "propose" not in p.parts and "import" not in p.parts}  # guides quote escapes
    showing = [p for p, html in pages.items() if "A &amp; B &lt;fast&gt;" in html]
    assert len(showing) >= 5  # both records, the index, the home page, the timeline
    for path, html in pages.items():
        for wrong in ("\\&amp;", "\\&lt;", "\\&gt;", "\\<", "&amp;amp;", "&amp;lt;"):
            assert wrong not in html, f"{path.relative_to(site)}: {wrong}"
