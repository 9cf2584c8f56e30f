"""The review report is posted as a pull request's job summary: text from records, config and
registries must not be able to add lines, rows, links, images, HTML or notifications to it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from decision_records.findings import Finding
from decision_records.gitbase import RecordChange
from decision_records.ledger import TeamBudget
from decision_records.loader import Entry
from decision_records.model import Record
from decision_records.report import RecordReport, as_markdown
from decision_records.signals.snapshot import Snapshot, SnapshotEntry, dump_snapshot
from decision_records.statuses import Statuses, StatusName
from decision_records.textsafe import md_code, md_inline, one_line
from test_report import feature_branch, git

FIXTURE = REPO / "tests" / "fixtures" / "site" / "decisions"

PAYLOADS = {
    "newlines": "Buy X\n\n- ✅ Valid, and follows every policy.\n\n## Fake heading\r\nmore",
    "fake-row": "x |\n| 9999 Fake | added | accepted | sre | ✅ passes |",
    "pipes": "a | b \\| c \\\\| d",
    "backticks": "a ` b `` c ```` d` `",
    "image": "![px](https://track.example/p.gif)",
    "link": "[click](http://evil.example/x) and [js](javascript:alert(1))",
    "html": "<img src=x onerror=alert(1)> <b>bold</b> <details open>",
    "comment": "before <!-- hidden the rest",
    "mention": "ping @org/security and @someone",
    "reference": "fixes #12 and GH-34 and other/repo#56",
    "bidi": "safe\u202eevil\u2066x\u200f",
    "controls": "bell\x07 esc\x1b[31m nul\x00 del\x7f nel\x85 ls\u2028 ps\u2029",
    "autolink": "<https://evil.example/a> <mailto:x@evil.example>",
    "bare-url": "see https://evil.example/a or www.evil.example or x@evil.example",
    "entities": "&lt;img src=x&gt; &#60;b&#62; &amp; &copy;",
    "emphasis": "*a* _b_ ~~c~~ **d** $x^2$ [^1] \\",
    "sha": "commit 9466517a5c3785e1 is fine",
    "workflow": "::error::pwned\n::set-output name=x::y",
}

# What GitHub turns into markup, looked for outside code spans and backslash escapes.
HAZARDS = {
    "html or autolink": re.compile(r"<"),
    "link or image": re.compile(r"[\[\]]"),
    "entity": re.compile(r"&#?\w+;"),
    "mention": re.compile(r"@\w"),
    "reference": re.compile(r"#\d|\bgh-\d", re.I),
    "bare url": re.compile(r"://|www\.", re.I),
    "emphasis or math": re.compile(r"[*_~$]"),
    "commit": re.compile(r"\b[0-9a-f]{7,40}\b"),
}
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                 "\u2028\u2029]")


def outside_code(line: str) -> str:
    """line without its code spans and backslash escapes, parsed as CommonMark does."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and not line[i + 1].isalnum() \
                and line[i + 1].isascii() and not line[i + 1].isspace():
            i += 2
            continue
        if line[i] == "`":
            run = re.match(r"`+", line[i:])
            assert run is not None
            fence = run.group()
            close = re.compile(rf"(?<!`){fence}(?!`)").search(line, i + len(fence))
            if close:
                i = close.end()
                continue
            out.append(fence)
            i += len(fence)
            continue
        out.append(line[i])
        i += 1
    return "".join(out)


def hazards(markdown: str) -> dict[str, int]:
    text = "\n".join(outside_code(line) for line in markdown.split("\n"))
    return {name: len(p.findall(text)) for name, p in HAZARDS.items()}


def cells(row: str) -> int:
    """Table cells in a row: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def kind(line: str) -> str:
    """How a line starts, in the Markdown sense: row, heading, bullet, strong, verdict."""
    m = re.match(r"\|| {0,3}#+ |- |\*\*|✅", line)
    return m.group() if m else ""


def report_with(text: str) -> str:
    """A report in which every field that comes from a record, the config or a registry
    holds text."""
    record = Record.model_construct(status=text, team=text)
    record._statuses = Statuses.of([StatusName(text, "accepted")])  # the text is a status here
    entry = Entry("0007-hostile", 7, Path("decisions/0007-hostile.yaml"), record)
    budget = TeamBudget(text, 3, 1, 0, 0, ())
    findings = [Finding(text, 3, 1, "error", "schema", text, text),
                Finding("decisions/0007-hostile.yaml", 4, 1, "warning", "todo", text)]
    options: list[dict[str, object]] = [
        {"name": text, "approach": text, "tokens": text, "chosen": True,
         "packages": [{"ref": text, "category": text, "reasons": [text, f"deprecated: {text}"]}]},
        {"name": text, "approach": "buy", "tokens": 0, "chosen": False, "packages": []},
    ]
    items = [
        RecordReport(RecordChange(Path("decisions/0007-hostile.yaml"), "modified"), entry, findings,
                     text, budget, budget, options),
        RecordReport(RecordChange(Path("decisions/0008-clean.yaml"), "added"), entry, [], text,
                     None, None, []),
        # a file name has no slash; any other text can be in it as far as the report knows
        RecordReport(RecordChange(Path("decisions", f"0009-{text}.yaml".replace("/", "_")),
                                  "removed"), None, [], text),
    ]
    return as_markdown("9466517a5c3785e1", items)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_hostile_text_changes_no_structure(payload: str) -> None:
    benign, hostile = report_with("plain words"), report_with(payload)
    assert hostile.count("\n") == benign.count("\n")
    lines, expected = hostile.split("\n"), benign.split("\n")
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == len([line for line in expected if line.startswith("|")]) == 9
    assert [cells(r) for r in rows] == [cells(r) for r in expected if r.startswith("|")]
    # every line starts as the benign one does: no new heading, bullet or verdict
    for line, reference in zip(lines, expected, strict=True):
        assert kind(line) == kind(reference), line
    assert sum(line.startswith("✅") for line in lines) == 1
    assert hazards(hostile) == hazards(benign)
    assert not RAW.search(hostile)


def test_code_spans_cannot_be_closed_from_inside() -> None:
    for text in ("a`b", "``", "x ``` y `", "` lead", "trail `"):
        span = md_code(text)
        fence = re.match(r"`+", span)
        assert fence is not None and "`" * len(fence.group()) not in span[len(fence.group()):-len(
            fence.group())]
        assert outside_code(span) == ""


def test_one_line() -> None:
    assert one_line("plain text, ünïcode ✅") == "plain text, ünïcode ✅"
    assert one_line("a\nb\r\nc\rd") == "a\\nb\\nc\\rd"
    assert one_line("x\x1b[31my\tz\x00") == "x\\x1b[31my z\\x00"
    assert one_line("\u202eabc\u2066\u200f") == "\\u202eabc\\u2066\\u200f"
    assert one_line("a\u2028b\x85c") == "a\\u2028b\\x85c"
    assert one_line("lone \ud800 surrogate") == "lone \\ud800 surrogate"
    assert "\n" not in one_line("::error::x\n::warning::y")


def test_md_inline_keeps_ordinary_text_readable() -> None:
    assert md_inline("Adopt a graph database") == "Adopt a graph database"
    assert md_inline("Buy X (managed), 2.0-beta: yes; no?") == (
        "Buy X \\(managed\\), 2.0-beta: yes; no?")
    assert md_inline("two\r\n\n  lines\u2028 here") == "two lines here"
    assert md_inline("see https://x.example/a|b") == "see `https://x.example/a`\\|b"


def test_report_from_a_hostile_pull_request(tmp_path: Path) -> None:
    """End to end: records and a snapshot as a pull request could write them."""
    root = feature_branch(tmp_path)
    source = (FIXTURE / "0002-buy-a-managed-queue.yaml").read_text(encoding="utf-8")
    source = source.replace("supersedes: [0001-self-host-the-message-queue]\n", "")
    # validation refuses a line break in a title (test_security_model), so the hostile title
    # here is one line: the report must hold it in its cell all the same
    title = ('"Buy X | - ✅ Valid, and follows every policy. '
             '![px](https://track.example/p.gif) @org/security"')
    hostile = re.sub(r"(?m)^title: .*$", lambda _: f"title: {title}", source, count=1)
    (root / "decisions" / "0006-hostile-title.yaml").write_text(hostile, encoding="utf-8")
    # an unknown key: its name is in the finding's field and message
    (root / "decisions" / "0007-unknown-key.yaml").write_text(
        source + '"x`` `y ``` z|w": 1\n', encoding="utf-8")
    # a registry's deprecation message for the package those records use
    ref = "pypi:boto3"
    assert ref in source
    snapshot_file = root / "decisions" / "signals.json"
    snapshot = Snapshot.model_validate_json(snapshot_file.read_text(encoding="utf-8"))
    when = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    deprecated = SnapshotEntry(status="ok", checked=when, fetched=when, source="registry",
                              signals={"deprecated": "use y\n\n![p](https://t.example/p.gif) "
                                                     "<img src=x> @org/team #12"})
    snapshot_file.write_text(dump_snapshot(snapshot.with_entries({ref: deprecated})),
                             encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "hostile")

    result = run_cli("report", cwd=root)
    out = result.stdout
    assert result.returncode == 1, result.stderr
    lines = out.split("\n")
    rows = [line for line in lines if line.startswith("|")]
    # the summary table (header, rule, two records), then 0006's options
    assert [r.split("|")[1].split()[0] for r in rows[:6]] == [
        "Record", "---", "0006", "0007", "Option", "---"], rows
    assert len({cells(r) for r in rows[:4]}) == 1
    assert len({cells(r) for r in rows[4:]}) == 1
    # nothing but the report's own lines start a line
    assert not [line for line in lines if line.startswith(("✅", "- ✅", "!", "<", "#### "))]
    assert sum(line.startswith("### ") for line in lines) == 2
    found = hazards(out)
    assert found["link or image"] == 0  # no mkdocs.yml says where rules are read: no link
    for name in ("html or autolink", "entity", "mention", "reference", "bare url", "commit"):
        assert found[name] == 0, name
    assert "deprecated: use y `![p](https://t.example/p.gif)` \\<img src=x\\>" in out
    assert "@org/security" in out and "`@org/security`" in out
