"""Record files: names, the next free number, creating one under it, and their YAML text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import TODAY, write_decisions
from decision_records import recordfile
from decision_records.adr_import.batch import run
from decision_records.loader import load_record
from decision_records.recordfile import (
    BlockText,
    Quoted,
    create,
    double_quoted,
    dump,
    file_name,
    next_number,
    number_of,
    plain_ok,
    record_id,
    slug,
    slug_of,
)
from decision_records.yamlfile import parse

FIXTURES = Path(__file__).parent / "fixtures" / "adr"


def test_names_and_numbers(tmp_path: Path) -> None:
    assert record_id(7, "use-kafka") == "0007-use-kafka"
    assert file_name(12345, "x") == "12345-x.yaml"
    assert slug_of("0007-use-kafka") == "use-kafka"
    assert (number_of("0007-use-kafka.yaml"), number_of("config.yaml")) == (7, None)
    assert next_number(tmp_path) == 1
    for name in ("0003-a.yaml", "0010-b.yaml", "config.yaml", "0099-c.yml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert next_number(tmp_path) == 11
    assert slug("Café: déploiement d'été") == "cafe-deploiement-d-ete"


def test_create_takes_the_next_free_number(tmp_path: Path) -> None:
    (tmp_path / "0004-a.yaml").write_text("x", encoding="utf-8")
    path = create(tmp_path, "b", lambda n: f"number: {n}\n")
    assert path.name == "0005-b.yaml"
    assert path.read_text(encoding="utf-8") == "number: 5\n"


def test_create_moves_on_when_another_writer_took_the_name(tmp_path: Path) -> None:
    asked: list[int] = []

    def text(n: int) -> str:
        asked.append(n)
        if n == 1:  # another writer creates this very name between the choice and the write
            (tmp_path / "0001-mine.yaml").write_text("theirs\n", encoding="utf-8")
        return f"mine {n}\n"

    path = create(tmp_path, "mine", text)
    assert path.name == "0002-mine.yaml" and asked == [1, 2]
    assert (tmp_path / "0001-mine.yaml").read_text(encoding="utf-8") == "theirs\n"
    assert path.read_text(encoding="utf-8") == "mine 2\n"


def test_create_skips_the_numbers_its_caller_handed_out(tmp_path: Path) -> None:
    (tmp_path / "0001-x.yaml").write_text("theirs\n", encoding="utf-8")
    path = create(tmp_path, "x", lambda n: f"{n}\n", number=1, above=lambda: 6)
    assert path.name == "0007-x.yaml"


def test_create_never_writes_over_anything(tmp_path: Path) -> None:
    (tmp_path / "0001-x.yaml").mkdir()  # a folder in the way counts as taken
    assert create(tmp_path, "x", lambda n: "a: 1\n", number=1).name == "0002-x.yaml"
    assert (tmp_path / "0001-x.yaml").is_dir()


def test_an_import_that_loses_its_number_to_another_writer_takes_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first record's number is taken by someone else once it was planned: it moves on
    past every number the run handed out, and nothing is written over."""
    write_decisions(tmp_path, {})
    shutil.copytree(FIXTURES / "nygard", tmp_path / "adr")
    monkeypatch.chdir(tmp_path)
    write_new = recordfile.write_new

    def racing(path: Path, text: str) -> None:
        if path.name == "0001-record-architecture-decisions.yaml":
            path.write_text("theirs\n", encoding="utf-8")
        write_new(path, text)

    monkeypatch.setattr(recordfile, "write_new", racing)
    result = run([Path("adr")], Path("decisions"), team=None, today=TODAY, dry_run=False)
    assert not result.failed
    moved = result.outcomes[0]
    assert moved.record is not None
    assert moved.record.name == "0008-record-architecture-decisions.yaml"
    assert load_record(moved.record).record is not None
    assert (tmp_path / "decisions" / "0001-record-architecture-decisions.yaml").read_text(
        encoding="utf-8") == "theirs\n"


@pytest.mark.parametrize("text", [
    "plain", "yes", "no", "null", "~", "1.0", "0x1F", "2020-01-01", "- dash", ": colon",
    "a: b", "a #b", "ends:", " lead", "trail ", "'single'", '"double"', "back\\slash",
    "tab\there", "bell\x07", "line\u2028sep", "emoji \U0001f600", "multi\nline\n",
    "multi\nline no end", "\nleading newline\n", "two ends\n\n", "  indented\nblock\n",
    "%percent", "@at", "`tick", "{brace}", "[bracket]", "*star", "&amp", "!bang", "|pipe",
    ">gt", "?q", "TODO-team", "\ufeffbom", "a\ufeffb",
])
def test_emitter_round_trips(text: str) -> None:
    data = {"title": text, "list": [text, {"name": text, "other": [text]}],
            "quoted": Quoted(text), "block": BlockText(text)}
    assert parse(dump(data, ["comment"], {("title",): "a note", ("list", 0): "another"})) == data


def test_emitter_quotes_only_when_needed() -> None:
    assert plain_ok("Use PostgreSQL for orders")
    assert not plain_ok("yes") and not plain_ok("a: b") and not plain_ok("- x")
    assert double_quoted('say "hi"\n') == '"say \\"hi\\"\\n"'


def test_emitter_keeps_comments_and_lines_them_up() -> None:
    data = {"title": Quoted("Use X"), "team": "sre", "date": dt.date(2026, 1, 2),
            "context": BlockText("TODO why\n"), "options": [{"name": "A", "tokens": 0}]}
    comments = {("team",): "who runs it", ("options", 0, "tokens"): "0-3"}
    assert dump(data, ["head"], comments) == (
        "# head\n"
        'title: "Use X"\n'
        "team: sre  # who runs it\n"
        "date: 2026-01-02\n"
        "context: |\n"
        "  TODO why\n"
        "options:\n"
        "  - name: A\n"
        "    tokens: 0  # 0-3\n")
    aligned = dump(data, [], comments, align=20).splitlines()
    assert aligned[1] == "team: sre           # who runs it"
    assert aligned[-1] == "    tokens: 0       # 0-3"
