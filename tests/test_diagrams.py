"""Mermaid blocks in record text: what the page gets, what search gets, what the package ships.

The drawing itself is tested in Chromium (tests/test_diagrams_browser.py).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli, site_for_test, write_decisions
from decision_records.plugin import DOCS
from decision_records.render.record import render_record
from decision_records.render.text import DIAGRAM, safe_html
from test_site import build_site

FIXTURE = REPO / "tests" / "fixtures" / "site" / "decisions"
FLOW = "flowchart LR\n  A[Ask <b>us</b>] --> B{Build & buy}\n"


@pytest.mark.parametrize(("text", "diagrams"), [
    (f"Before.\n\n```mermaid\n{FLOW}```\n\nAfter.", 1),
    (f"~~~mermaid\n{FLOW}~~~", 1),
    (f"``` mermaid\n{FLOW}```", 1),
    (f"```mermaid\n{FLOW}```\n\n```mermaid\nsequenceDiagram\n  A->>B: hi\n```", 2),
    (f"```python\n{FLOW}```", 0),  # another language stays code
    (f"```\n{FLOW}```", 0),
    (f"    ```mermaid\n    {FLOW}    ```", 0),  # indented: code that shows a fence
    ("`<pre><code class=\"language-mermaid\">` as inline code", 0),
    ('<pre><code class="language-mermaid">raw HTML is text</code></pre>', 0),
    ("[" * 30 + f"\n\n```mermaid\n{FLOW}```", 0),  # over a limit: shown as written
], ids=["backticks", "tildes", "space", "two", "python", "no-language", "indented",
        "inline-code", "raw-html", "over-limits"])
def test_a_fenced_mermaid_block_becomes_a_diagram_with_its_source_as_text(
        text: str, diagrams: int) -> None:
    html = safe_html(text)
    assert html.count(DIAGRAM) == diagrams
    assert html.count('class="dr-mermaid"') == diagrams
    if diagrams:
        # the source, escaped: readable without script, never markup
        assert "A[Ask &lt;b&gt;us&lt;/b&gt;] --&gt; B{Build &amp; buy}" in html
        assert "<b>" not in html


def _with_diagram(tmp_path: Path, field: str) -> Path:
    folder = tmp_path / "decisions"
    shutil.copytree(FIXTURE, folder)
    path = folder / "0002-buy-a-managed-queue.yaml"
    text = path.read_text(encoding="utf-8")
    fence = ("\n    ```mermaid\n    flowchart LR\n      Q[Quokkaqueue] --> W[Wombatworkers]\n"
             "    ```\n")
    if field == "rationale":
        text = text.replace("our noisiest pager.\n", "our noisiest pager.\n" + fence)
    else:
        text = text.replace("context: Running RabbitMQ cost us two incidents a quarter.\n",
                            "context: |\n  Running RabbitMQ cost us two incidents a quarter.\n"
                            + fence.replace("\n    ", "\n  "))
    path.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("field", ["context", "rationale"])
def test_a_record_page_with_a_diagram_loads_the_script_and_no_other_does(
        tmp_path: Path, field: str) -> None:
    site = site_for_test(_with_diagram(tmp_path, field))
    pages = {e.id: render_record(e, site.context) for e in site.context.decisions.entries}
    with_diagram = pages.pop("0002-buy-a-managed-queue")
    assert with_diagram.count(DIAGRAM) == 1
    assert with_diagram.endswith('<script src="../../assets/diagrams.js"></script>')
    assert "Q[Quokkaqueue] --&gt; W[Wombatworkers]" in with_diagram
    for html in pages.values():
        assert "diagrams.js" not in html and "mermaid" not in html.lower()


def test_search_reads_the_diagrams_source(tmp_path: Path) -> None:
    """Pagefind gets the record's own words, the diagram's labels among them."""
    site = site_for_test(_with_diagram(tmp_path, "context"))
    docs = list(site.search_documents(lambda uri: uri))
    [hit] = [d for d in docs if "Quokkaqueue" in d.body and "Wombatworkers" in d.body]
    assert hit.url == "decisions/0002-buy-a-managed-queue.md"
    assert "<svg" not in hit.body


def test_the_package_ships_the_pinned_mermaid_with_its_licence() -> None:
    folder = DOCS / "assets" / "mermaid"
    notice = (folder / "NOTICE").read_text(encoding="utf-8")
    library = (folder / "mermaid.min.js").read_bytes()
    assert f"sha256:   {hashlib.sha256(library).hexdigest()}" in notice
    assert f"({len(library):,} bytes)" in notice
    version = re.search(r"^version:  (\d+\.\d+\.\d+)$", notice, re.MULTILINE)
    assert version is not None
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    # the single-file build: it defines the global and imports nothing
    assert library.rstrip().endswith(b'.default;') and b"import(" not in library


def test_an_imported_adr_keeps_its_diagram(tmp_path: Path) -> None:
    write_decisions(tmp_path, {})
    adr = tmp_path / "adr" / "0001-use-a-queue.md"
    adr.parent.mkdir()
    adr.write_text("# 1. Use a queue\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n\n"
                   "## Context\n\nOrders flow so:\n\n```mermaid\nsequenceDiagram\n"
                   "  Shop->>Queue: order\n```\n\n## Decision\n\nWe will use a managed "
                   "queue.\n", encoding="utf-8")
    assert run_cli("import", "adr", "--team", "platform", cwd=tmp_path).returncode == 0
    site = site_for_test(tmp_path / "decisions")
    [entry] = site.context.decisions.entries
    assert "```mermaid\nsequenceDiagram\n  Shop->>Queue: order\n```" in entry.record.context
    assert DIAGRAM + "sequenceDiagram\n  Shop-&gt;&gt;Queue: order\n" in render_record(
        entry, site.context)


def test_only_a_site_whose_records_may_draw_gets_mermaid(tmp_path: Path) -> None:
    """5.5 MB for every site would be a tenth of a 1,000-record site: it comes with the
    first record that draws."""
    library = "assets/mermaid/mermaid.min.js"
    assert not site_for_test(FIXTURE).needs(library)
    assert site_for_test(FIXTURE).needs("assets/diagrams.js")
    assert site_for_test(_with_diagram(tmp_path, "rationale")).needs(library)


def test_a_built_site_without_diagrams_has_no_mermaid(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = build_site(FIXTURE, tmp_path / "site", monkeypatch)
    assert (site / "assets" / "diagrams.js").is_file()
    assert not (site / "assets" / "mermaid").exists()
    drawn = build_site(_with_diagram(tmp_path, "context"), tmp_path / "drawn", monkeypatch)
    assert (drawn / "assets" / "mermaid" / "mermaid.min.js").is_file()
    assert (drawn / "assets" / "mermaid" / "LICENSE").is_file()
