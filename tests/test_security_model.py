"""What a record may hold: ASCII record numbers, bounded lists and strings, one-line fields
without line breaks or hidden characters, and a warning for hidden characters elsewhere.
"""

from __future__ import annotations

import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CONFIG, TODAY, VALID_RECORD, MakeDecisions, cli_env, record, variant
from decision_records.config import Config
from decision_records.findings import parse_field
from decision_records.loader import ConfigError, load_decisions
from decision_records.model import Record
from decision_records.recordfile import next_number
from decision_records.yamlfile import parse

P = "decisions/0001-case.yaml"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # findings name decisions/... as a user sees them


def _findings(root: Path) -> list[str]:
    return [f.format() for f in load_decisions(root, TODAY).findings]


# --- record numbers and ids are ASCII digits -----------------------------------------------


def test_fullwidth_digits_are_not_a_record_number(make_decisions: MakeDecisions) -> None:
    name = "\uff10\uff10\uff11\uff13-x.yaml"  # 0013 in fullwidth digits
    root = make_decisions({"0001-case.yaml": VALID_RECORD, name: VALID_RECORD})
    decisions = load_decisions(root, TODAY)
    assert [e.id for e in decisions.entries] == ["0001-case"]
    assert [(Path(f.path).name, f.rule) for f in decisions.findings] == [(name, "file-name")]


def test_a_trailing_newline_in_a_file_name_is_not_a_record(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": VALID_RECORD, "0002-x.yaml\n": VALID_RECORD})
    decisions = load_decisions(root, TODAY)
    assert [e.id for e in decisions.entries] == ["0001-case"]
    assert [f.rule for f in decisions.findings] == ["stray-file"]


def test_next_number_ignores_fullwidth_digits(tmp_path: Path) -> None:
    (tmp_path / "0001-a.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "\uff10\uff10\uff15\uff10-b.yaml").write_text("x", encoding="utf-8")
    assert next_number(tmp_path) == 2


def test_a_fullwidth_digit_in_supersedes_is_a_schema_error(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": record(supersedes=["000\uff11-case"])})
    assert _findings(root) == [
        f"{P}:66:5: error: supersedes[0]: '000\uff11-case' is not valid: a record id is the "
        "file name without .yaml, e.g. '0003-buy-paging' [schema]"]


def test_field_paths_take_ascii_indexes_only() -> None:
    assert parse_field("options[1].name") == ("options", 1, "name")
    assert 1 not in parse_field("options[\uff11].name")
    assert 1 not in parse_field("options[\u0661].name")  # ARABIC-INDIC DIGIT ONE


# --- lists and strings have limits ---------------------------------------------------------


def _tags(n: int) -> str:
    tags = ", ".join(f"t{i}" for i in range(n))  # a flow list: 100,000 fit in the 1 MiB
    return variant("tags:\n  - on-call\n  - paging\n", f"tags: [{tags}]\n")


def test_16000_tags_are_one_schema_finding_quickly(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": _tags(16_000)})
    start = time.perf_counter()
    found = _findings(root)
    assert time.perf_counter() - start < 5
    assert found == [f"{P}:12:1: error: tags: at most 20 tags, not 16,000; keep the few that "
                     "help people find the record [schema]"]


def test_100000_tags_fail_validate_strict_at_once(make_decisions: MakeDecisions) -> None:
    make_decisions({"0001-case.yaml": _tags(100_000)})
    result = subprocess.run(
        [sys.executable, "-m", "decision_records", "validate", "--strict"], cwd=Path.cwd(),
        env=cli_env(), capture_output=True, text=True, encoding="utf-8", timeout=60,
        check=False)
    assert result.returncode == 1
    assert result.stdout == (f"{P}:12:1: error: tags: at most 20 tags, not 100,000; keep the "
                             "few that help people find the record [schema]\n")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # repeated items are written out: records refuse aliases


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def _with(change: Callable[[dict[str, Any]], None]) -> str:
    data = parse(VALID_RECORD)
    change(data)
    return _dump(data)


def _list(path: str, item: Any) -> Callable[[int], Callable[[dict[str, Any]], None]]:
    """A change that sets the list at `path` ('options[0].pros') to n copies of item."""
    *parents, last = parse_field(path)

    def size(n: int) -> Callable[[dict[str, Any]], None]:
        def change(data: dict[str, Any]) -> None:
            target: Any = data
            for part in parents:
                target = target.setdefault(part, {}) if isinstance(part, str) else target[part]
            target[last] = [item(i) if callable(item) else item for i in range(n)]
        return change
    return size


LISTS = [
    ("tags", 20, "tags", lambda i: f"t{i}"),
    ("drivers", 50, "drivers", "Cost"),
    ("deciders", 50, "deciders", "Ada"),
    ("consulted", 50, "people consulted", "Ada"),
    ("options[0].pros", 50, "pros", "Fast"),
    ("options[0].cons", 50, "cons", "Slow"),
    ("options[0].packages", 20, "packages", "pypi:requests"),
    ("consequences.good", 50, "benefits", "Sleep"),
    ("consequences.bad", 50, "costs and risks", "Money"),
    ("links", 50, "links", {"title": "Docs", "url": "https://example.com"}),
    ("waivers", 50, "waivers", {"rule": "review-due", "reason": "Known"}),
    ("supersedes", 20, "superseded records", lambda i: f"{i + 100:04d}-old"),
    ("imported.guesses", 100, "guesses", {"field": "status", "note": "guessed"}),
]


@pytest.mark.parametrize(("path", "limit", "what", "item"), LISTS, ids=[x[0] for x in LISTS])
def test_a_list_over_its_limit_is_one_clear_finding(
    make_decisions: MakeDecisions, path: str, limit: int, what: str, item: Any,
) -> None:
    size = _list(path, item)
    extra = (lambda d: d.setdefault("imported", {"source": "adr/1.md", "date": "2026-01-01"})) \
        if path.startswith("imported") else (lambda d: None)

    def at(n: int) -> str:
        return _with(lambda d: (extra(d), size(n)(d)))

    root = make_decisions({"0001-case.yaml": at(limit)})
    assert not [f for f in load_decisions(root, TODAY).findings if f.rule == "schema"]
    (root / "0001-case.yaml").write_text(at(limit + 1), encoding="utf-8")
    schema = [f for f in load_decisions(root, TODAY).findings if f.rule == "schema"]
    assert [(f.field, f.message.split(";")[0]) for f in schema] == [
        (path, f"at most {limit} {what}, not {limit + 1}")]


def test_options_are_limited_too(make_decisions: MakeDecisions) -> None:
    option = parse(VALID_RECORD)["options"][1]
    text = _with(lambda d: d.__setitem__("options", [
        d["options"][0], *({**option, "name": f"Option {i}"} for i in range(20))]))
    root = make_decisions({"0001-case.yaml": text})
    assert [f.message for f in load_decisions(root, TODAY).findings] == [
        "at most 20 options, not 21; keep the serious contenders, or split the decision into "
        "several records"]


STRINGS = [
    ("title", 200, "shorten it; the detail belongs in the Markdown fields such as context"),
    ("team", 64, "shorten it; the detail belongs in the Markdown fields such as context"),
    ("options[0].name", 100,
     "shorten it; the detail belongs in the Markdown fields such as context"),
    ("options[0].summary", 2000, "shorten it, or move the detail to context or rationale"),
    ("drivers[0]", 2000, "shorten it, or move the detail to context or rationale"),
    ("context", 500_000, "link to long documents in `links`"),
    ("decision.rationale", 500_000, "link to long documents in `links`"),
]


@pytest.mark.parametrize(("path", "limit", "advice"), STRINGS, ids=[x[0] for x in STRINGS])
def test_a_string_over_its_limit_is_one_finding_without_the_value(
    make_decisions: MakeDecisions, path: str, limit: int, advice: str,
) -> None:
    *parents, last = parse_field(path)

    def set_to(value: str) -> Callable[[dict[str, Any]], None]:
        def change(data: dict[str, Any]) -> None:
            target: Any = data
            for part in parents:
                target = target[part]
            target[last] = value
        return change

    long = ("Abcdefghij" * (limit // 10 + 1))[:limit + 1]
    root = make_decisions({"0001-case.yaml": _with(set_to(long))})
    found = load_decisions(root, TODAY).findings
    assert [(f.rule, f.field, f.message) for f in found if f.rule == "schema"] == [
        ("schema", path, f"at most {limit:,} characters, not {limit + 1:,}; {advice}")]
    assert "Abcdefghij" * 10 not in "".join(f.format() for f in found)


def test_config_limits_say_only_to_shorten(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config=f"teams:\n  - name: sre\n    description: {'x' * 2001}\n")
    with pytest.raises(ConfigError) as info:
        load_decisions(root, TODAY)
    assert [(f.rule, f.field, f.message) for f in info.value.findings] == [
        ("config", "teams[0].description", "at most 2,000 characters, not 2,001; shorten it")]


def test_every_limit_is_stated_in_the_description() -> None:
    """Editors show descriptions: a limit the description does not state is a surprise."""
    missing = []
    for model, name, prop in _schema_properties():
        limits = [prop.get("maxItems"), prop.get("maxLength"),
                  prop.get("items", {}).get("maxLength")]
        limits += [a.get("maxLength") for a in prop.get("anyOf", [])]
        for limit in filter(None, limits):
            fixed = "maxItems" in prop and prop.get("minItems") == prop["maxItems"]  # "four"
            if f"{limit:,}" not in prop.get("description", "") and not fixed:
                missing.append(f"{model}.{name}: {limit}")
    assert not missing


def _schema_properties() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for model in (Record, Config):
        schema = model.model_json_schema()
        for name, prop in schema["properties"].items():
            yield model.__name__, name, prop
        for def_name, definition in schema.get("$defs", {}).items():
            for name, prop in definition.get("properties", {}).items():
                yield def_name, name, prop


def test_a_file_of_many_broken_items_lists_the_first_fifty(make_decisions: MakeDecisions) -> None:
    data = parse(VALID_RECORD)
    for option in data["options"]:
        option["pros"] = [[i] for i in range(50)]  # lists, not text: 100 problems
    root = make_decisions({"0001-case.yaml": _dump(data)})
    found = load_decisions(root, TODAY).findings
    assert len(found) == 51
    assert f"{P}:1:1: error: 50 more problems in this file are not listed; fix the 50 listed " \
           "and run again [schema]" in [f.format() for f in found]


# --- one-line fields: no line breaks, control or hidden characters --------------------------

ONE_LINE_FIELDS = [
    ("title", "title: Buy a paging service\n", 'title: "Buy a {c}paging service"\n'),
    ("options[0].name", "  - name: PagerDuty\n", '  - name: "Pager{c}Duty"\n'),
    ("team", "team: platform\n", 'team: "plat{c}form"\n'),
    ("deciders[0]", "  - Ada Lovelace\n", '  - "Ada {c}Lovelace"\n'),
    ("consulted[0]", "  - On-call engineers\n", '  - "On-call {c}engineers"\n'),
    ("tags[0]", "  - on-call\n", '  - "on-{c}call"\n'),
    ("category", "category: alerting\n", 'category: "alert{c}ing"\n'),
    ("on_call", "on_call: platform-primary\n", 'on_call: "platform{c}-primary"\n'),
    ("links[0].title", "  - title: Vendor comparison\n", '  - title: "Vendor {c}comparison"\n'),
    ("decision.chosen", "  chosen: PagerDuty\n", '  chosen: "Pager{c}Duty"\n'),
    ("links[0].url", "    url: https://example.com/paging\n",
     '    url: "https://example.com/{c}paging"\n'),
]
# (YAML escape, what the message names, the advice it gives)
LINE_BREAKS = "this field is one line; remove the line break (longer text belongs in context " \
              "or rationale)"
HIDDEN = "it is invisible or reorders text, so the value displays differently from what it " \
         "is; remove it"
CHARACTERS = [
    ("\\n", "U+000A LINE FEED", LINE_BREAKS),
    ("\\r", "U+000D CARRIAGE RETURN", LINE_BREAKS),
    ("\\L", "U+2028 LINE SEPARATOR", LINE_BREAKS),
    ("\\N", "U+0085 NEXT LINE", LINE_BREAKS),
    ("\\t", "U+0009 CHARACTER TABULATION",
     "this field is one line of plain text; use a space instead of the tab"),
    ("\\e", "U+001B ESCAPE", "this field is plain text; remove the control character"),
    ("\\x7f", "U+007F DELETE", "this field is plain text; remove the control character"),
    ("\\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE", HIDDEN),
]


def _at(field: str) -> int:
    """The 1-based character of the bad character in each field's value above."""
    return {"title": 7, "options[0].name": 6, "team": 5, "deciders[0]": 5,
            "consulted[0]": 9, "tags[0]": 4, "category": 6, "on_call": 9,
            "links[0].title": 8, "decision.chosen": 6, "links[0].url": 21}[field]


@pytest.mark.parametrize(("escape", "name", "advice"), CHARACTERS, ids=[c[1] for c in CHARACTERS])
@pytest.mark.parametrize(("field", "old", "new"), ONE_LINE_FIELDS,
                         ids=[f[0] for f in ONE_LINE_FIELDS])
def test_one_line_fields_refuse_line_breaks_and_hidden_characters(
    make_decisions: MakeDecisions, field: str, old: str, new: str, escape: str, name: str,
    advice: str,
) -> None:
    root = make_decisions({"0001-case.yaml": variant(old, new.format(c=escape))})
    found = load_decisions(root, TODAY).findings
    assert [(f.severity, f.rule, f.field, f.message) for f in found] == [
        ("error", "schema", field, f"{name} at character {_at(field)}: {advice}")]


BIDI_AND_INVISIBLE = [
    *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x200B, 0x2010), 0x2060, 0xFEFF,
    0x00AD, 0x061C, 0x3164, 0xE0041,
]


@pytest.mark.parametrize("cp", BIDI_AND_INVISIBLE, ids=[f"U+{c:04X}" for c in BIDI_AND_INVISIBLE])
def test_a_title_with_a_hidden_character_names_it(make_decisions: MakeDecisions, cp: int) -> None:
    root = make_decisions({"0001-case.yaml": record(title=f"Buy a {chr(cp)}paging service")})
    (finding,) = load_decisions(root, TODAY).findings
    assert finding.format() == (
        f"{P}:2:8: error: title: U+{cp:04X} {unicodedata.name(chr(cp))} at character 7: "
        f"{HIDDEN} [schema]")


def test_a_field_in_the_config_refuses_them_too(make_decisions: MakeDecisions) -> None:
    root = make_decisions({}, config='teams:\n  - name: "sre\\u200b"\n')
    with pytest.raises(ConfigError) as info:
        load_decisions(root, TODAY)
    assert [f.message for f in info.value.findings] == [
        f"U+200B ZERO WIDTH SPACE at character 4: {HIDDEN}"]


@pytest.mark.parametrize(
    "title",
    ["Adopt \U0001f469\u200d\U0001f4bb pairing",  # woman + ZWJ + laptop: one emoji
     "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 a Persian word",  # ZWNJ between letters
     "Caf\u00e9 \u6771\u4eac \u05e9\u05dc\u05d5\u05dd"],  # accents, CJK, Hebrew
    ids=["emoji-sequence", "persian-zwnj", "scripts"],
)
def test_real_text_in_other_scripts_is_accepted(make_decisions: MakeDecisions, title: str) -> None:
    root = make_decisions({"0001-case.yaml": record(title=f'"{title}"')})
    assert _findings(root) == []


def test_a_folded_title_keeps_working(make_decisions: MakeDecisions) -> None:
    """`>` adds a final line break; surrounding whitespace is dropped before the check."""
    root = make_decisions({"0001-case.yaml": record(title=">\n  Buy a paging service\n")})
    assert _findings(root) == []


# --- other text: a warning, rule hidden-characters -----------------------------------------

MARKDOWN = variant(
    "  Alerts reach people by e-mail only, and night-time alerts are missed.\n",
    "  Alerts reach people by e-mail only.\n  Night\u202etime alerts are missed.\n")


def test_hidden_characters_in_markdown_are_a_warning(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": MARKDOWN})
    assert _findings(root) == [
        f"{P}:16:10: warning: context: U+202E RIGHT-TO-LEFT OVERRIDE at line 2, column 6 of "
        "the text: an invisible, direction-changing or control character makes the text "
        "display differently from what it is; remove it [hidden-characters]"]


def test_an_escaped_hidden_character_is_found_too(make_decisions: MakeDecisions) -> None:
    text = variant("      - Mature escalation policies\n",
                   '      - "Mature \\u200bescalation\\tpolicies"\n')
    root = make_decisions({"0001-case.yaml": text})
    assert _findings(root) == [
        f"{P}:26:9: warning: options[0].pros[0]: U+200B ZERO WIDTH SPACE at character 8: an "
        "invisible, direction-changing or control character makes the text display "
        "differently from what it is; remove it [hidden-characters]"]


def test_hidden_characters_can_be_switched_off_or_waived(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-case.yaml": MARKDOWN},
                          config=CONFIG + "rules:\n  hidden-characters: off\n")
    assert _findings(root) == []
    waived = MARKDOWN + "waivers:\n  - rule: hidden-characters\n    reason: Hebrew quote\n"
    root = make_decisions({"0001-case.yaml": waived})
    assert _findings(root) == []


def test_tabs_and_line_breaks_in_markdown_are_ordinary(make_decisions: MakeDecisions) -> None:
    text = variant("  Alerts reach people by e-mail only, and night-time alerts are missed.\n",
                   "  Alerts:\n\n  \tby e-mail \\ only\n")
    root = make_decisions({"0001-case.yaml": text})
    assert _findings(root) == []
