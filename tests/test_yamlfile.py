"""Strict YAML reading: positions of field paths, plain-value conversion, libyaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from decision_records import yamlfile
from decision_records.findings import Loc
from decision_records.yamlfile import Locator, YamlProblem, compose, construct, decode, parse

NESTED = """\
title: Buy a paging service
options:
  - name: PagerDuty
    packages:
      - pypi:requests
      - npm:react
  - name: Build our own
decision:
  chosen: PagerDuty
  rationale: |
    Paging is not core.
"""


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    path = tmp_path / "0001-nested.yaml"
    path.write_text(NESTED, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        ((), (1, 1)),
        (("title",), (1, 8)),
        (("options",), (2, 1)),
        (("options", 0), (3, 5)),
        (("options", 0, "name"), (3, 11)),
        (("options", 0, "packages"), (4, 5)),
        (("options", 0, "packages", 1), (6, 9)),
        (("options", 1, "name"), (7, 11)),
        (("decision",), (8, 1)),
        (("decision", "chosen"), (9, 11)),
        (("decision", "rationale"), (10, 14)),
    ],
    ids=lambda v: repr(v) if isinstance(v, tuple) and v and isinstance(v[0], str) else None,
)
def test_locator_finds_nested_paths(nested: Path, loc: Loc, expected: tuple[int, int]) -> None:
    assert Locator(nested).position(loc) == expected


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("review_by",), (1, 1)),
        (("decision", "exit_plan"), (8, 1)),
        (("options", 0, "cost"), (3, 5)),
        (("options", 0, "cost", "notes"), (3, 5)),
        (("decision", 0), (8, 1)),
        (("options", "name"), (2, 1)),
    ],
    ids=["missing-top", "missing-in-mapping", "missing-in-list-item", "missing-two-deep",
         "index-into-mapping", "key-into-list"],
)
def test_locator_missing_key_falls_back_to_parent(
    nested: Path, loc: Loc, expected: tuple[int, int],
) -> None:
    assert Locator(nested).position(loc) == expected


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("options", 2), (2, 1)),
        (("options", 5, "name"), (2, 1)),
        (("options", -1), (2, 1)),
        (("options", 0, "packages", 2), (4, 5)),
    ],
    ids=["just-past-end", "far-past-end", "negative", "nested-list"],
)
def test_locator_out_of_range_index_falls_back_to_list(
    nested: Path, loc: Loc, expected: tuple[int, int],
) -> None:
    assert Locator(nested).position(loc) == expected


def test_locator_composes_the_file_once(nested: Path) -> None:
    locator = Locator(nested)
    assert locator.position(("decision", "chosen")) == (9, 11)
    nested.unlink()
    assert locator.position(("options", 1, "name")) == (7, 11)


@pytest.mark.parametrize(
    "content", [b"title: [unclosed\n", b"\xff\xfe", b""], ids=["broken", "not-utf8", "empty"],
)
def test_locator_on_an_unreadable_file_gives_1_1(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "0001-x.yaml"
    path.write_bytes(content)
    assert Locator(path).position(("title",)) == (1, 1)


def test_locator_on_a_missing_file_gives_1_1(tmp_path: Path) -> None:
    assert Locator(tmp_path / "gone.yaml").position(("title",)) == (1, 1)


def _construct(text: str) -> Any:
    node = compose(text)
    assert node is not None
    return construct(node)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("-7", -7),
        ("0x1f", 31),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("1.0e+3", 1000.0),
        ("true", True),
        ("false", False),
        ("yes", True),
        ("no", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("2026-03-02", dt.date(2026, 3, 2)),
        ("2026-03-02 10:30:00", dt.datetime(2026, 3, 2, 10, 30)),
        ("plain text", "plain text"),
        ("'42'", "42"),
        ('"true"', "true"),
        ("'2026-03-02'", "2026-03-02"),
    ],
    ids=lambda v: None if not isinstance(v, str) else (v or "empty"),
)
def test_construct_converts_scalars(text: str, expected: object) -> None:
    for _ in range(2):  # the second time from the loader's memory of plain scalars
        value = _construct(f"value: {text}\n")
        assert value == {"value": expected}
        assert type(value["value"]) is type(expected)


def test_the_memory_of_plain_scalars_is_bounded() -> None:
    for i in range(yamlfile._PLAIN_MOST + 10):
        compose(f"value: yes-{i}\n")
    compose("value: y" + "e" * 100 + "\n")
    assert len(yamlfile._PLAIN) <= yamlfile._PLAIN_MOST
    assert not [v for v in yamlfile._PLAIN if len(v) > yamlfile._PLAIN_LONGEST]
    assert _construct("value: no\n") == {"value": False}


def test_construct_builds_nested_lists_and_mappings() -> None:
    assert _construct("a:\n  - 1\n  - {b: [x, 2.5], c: ~}\nd: []\ne: {}\n") == {
        "a": [1, {"b": ["x", 2.5], "c": None}], "d": [], "e": {},
    }


def test_construct_keeps_key_order() -> None:
    assert list(_construct("z: 1\na: 2\nm: 3\n")) == ["z", "a", "m"]


@pytest.mark.parametrize(
    ("text", "rule", "line", "col"),
    [
        ("a: 1\nb:\n  c: 1\n  c: 2\n", "duplicate-key", 4, 3),
        ("a: &x [1, 2]\nb: *x\n", "yaml-alias", 1, 4),
        ("a: &x {k: v}\nb:\n  <<: *x\n", "yaml-alias", 3, 3),
        ("a: {k: v}\nb:\n  <<: {k: w}\n", "yaml-alias", 3, 3),
        ("a: !!set {x}\n", "yaml-tag", 1, 4),
        ("a:\n  - !!python/tuple [1, 2]\n", "yaml-tag", 2, 5),
        ("a: !!str 1\nb: !local x\n", "yaml-tag", 2, 4),
        ("? [x, y]\n: z\n", "yaml-key", 1, 3),
    ],
    ids=["duplicate-key", "alias", "merge-alias", "merge-inline", "set-tag", "python-tag",
         "local-tag", "list-key"],
)
def test_construct_refuses(text: str, rule: str, line: int, col: int) -> None:
    with pytest.raises(YamlProblem) as info:
        _construct(text)
    assert (info.value.rule, info.value.line, info.value.col) == (rule, line, col)


def test_compose_reports_syntax_errors_with_position() -> None:
    with pytest.raises(YamlProblem) as info:
        compose("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.rule == "yaml"
    assert info.value.message.startswith("invalid YAML: ")
    assert info.value.line == 3


def test_compose_of_nothing_is_none() -> None:
    assert compose("# only a comment\n") is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [("", "empty"), ("# c\n\n", "empty"), ("- a\n", "yaml-top"), ("just words\n", "yaml-top")],
    ids=["empty", "comment", "list", "scalar"],
)
def test_parse_wants_a_mapping(text: str, rule: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse(text)
    assert info.value.rule == rule


def test_decode_strips_a_utf8_bom() -> None:
    assert decode(b"\xef\xbb\xbftitle: x\n") == "title: x\n"


def test_decode_reports_the_first_bad_byte() -> None:
    with pytest.raises(YamlProblem) as info:
        decode(b"a: 1\nb: caf\xe9\n")
    assert (info.value.rule, info.value.line, info.value.col) == ("encoding", 2, 7)
    assert "0xe9" in info.value.message


def test_decode_column_counts_characters_not_bytes() -> None:
    """Columns elsewhere (libyaml marks) count characters, as editors do."""
    with pytest.raises(YamlProblem) as info:
        decode("a: 1\nb: Grâce — café ".encode() + b"\xe9\n")
    assert (info.value.line, info.value.col) == (2, 17)


def test_decode_reports_the_column_of_a_nul_byte() -> None:
    with pytest.raises(YamlProblem) as info:
        decode(b"a: 1\nb: ab\x00cd\n")
    assert (info.value.rule, info.value.line, info.value.col) == ("encoding", 2, 6)


def test_libyaml_is_used_when_available() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert issubclass(yamlfile.Loader, expected)


RESOLVER_CASES = ["a: 1", "a: -3", "a: +1", "a: 0x1f", "a: 1_000", "a: .5", "a: 1e3",
                  "a: .inf", "a: yes", "a: No", "a: off", "a: ~", "a: null", "a:",
                  "a: 2024-01-01", "a: 2024-01-01 10:00:00", "a: '1'", 'a: "yes"',
                  "a: |\n  1\n", "a: plain words", "a: 12:30", "a: -x", "a: [1, x]"]


@pytest.mark.parametrize("text", RESOLVER_CASES)
def test_quick_resolver_agrees_with_libyaml(text: str) -> None:
    """The faster tag resolver gives the same tags as the stock one."""
    stock = yaml.compose(text, Loader=yamlfile._Base)
    ours = yaml.compose(text, Loader=yamlfile.Loader)
    assert [n.tag for _, n in ours.value] == [n.tag for _, n in stock.value]
    assert yaml.load(text, Loader=yamlfile.Loader) == yaml.load(text, Loader=yamlfile._Base)


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "0001-x.yaml"
    path.write_text("title: x\ntags: [a, b]\n", encoding="utf-8")
    assert yamlfile.load(path) == {"title": "x", "tags": ["a", "b"]}


def test_load_of_a_directory_is_refused_unopened(tmp_path: Path) -> None:
    with pytest.raises(YamlProblem) as info:
        yamlfile.load(tmp_path)
    assert info.value.rule == "file-type"
    assert info.value.message.startswith("a directory, not a regular file; ")


def test_load_of_a_missing_file_is_an_io_problem(tmp_path: Path) -> None:
    with pytest.raises(YamlProblem) as info:
        yamlfile.load(tmp_path / "gone.yaml")
    assert info.value.rule == "io"


def test_impossible_date_is_left_as_text_for_the_model_to_name() -> None:
    # 2024-02-30 looks like a date to YAML; the record model reports it with its field name
    assert _construct("a: 2024-02-30\n") == {"a": "2024-02-30"}
