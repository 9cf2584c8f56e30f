"""Manifests written to hurt: every parser finishes 1 MiB of hostile text quickly, without a
traceback, and an SBOM built to exhaust memory is refused within a small multiple of its size.

Each case runs in a forked child with a wall-clock limit, so a parser that stalls fails the
test in seconds instead of hanging the run; the limit asked of the parser is on the processor
time the child spends in the call, which other work on the machine does not inflate.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import pytest

from decision_records.coverage.manifests import (
    MAX_JSON_VALUES,
    MAX_KEY_PARTS,
    MAX_PYPROJECT,
    MAX_REQUIREMENTS_FILE,
    Parsed,
    parse_cyclonedx,
    parse_package_json,
    parse_pyproject,
    parse_requirements,
    parse_spdx,
)
from memory import LINUX, peak

MIB = 1 << 20
TOML = MAX_PYPROJECT - 1024  # the largest pyproject.toml read, less a little
LIMIT = 2.0  # seconds a MiB; the parsers take well under a second here
WALL = 30.0  # the child is killed after this, and the case fails


def _spaces_line() -> str:
    return " " * MIB


def _fill(head: str, line: Callable[[int], str], tail: str, size: int) -> str:
    """head, then line(0), line(1), ... as many as fit in size characters with tail."""
    parts, n, i = [head], len(head) + len(tail), 0
    while n + len(line(i)) <= size:
        parts.append(line(i))
        n += len(parts[-1])
        i += 1
    return "".join(parts) + tail


def _poetry_table(size: int = MIB) -> str:
    return _fill("[tool.poetry.dependencies]\n", lambda i: f"p{i} = '1'\n", "", size)


def _poetry_groups(size: int = MIB) -> str:
    return _fill("", lambda i: f"[tool.poetry.group.g{i}.dependencies]\np{i} = '1'\n", "", size)


def _project_list(size: int = MIB) -> str:
    return _fill("[project]\ndependencies = [\n", lambda i: f'  "p{i}",\n', "]\n", size)


def _same_prefix_keys() -> str:
    # 100,000 names sharing a long prefix: each looked up from the top was quadratic
    return json.dumps({"dependencies": {f"{'a' * 8}{i}": "1" for i in range(100_000)}},
                      indent=1)


def _bom(components: str) -> str:
    return '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' + components + "]}"


CASES: list[tuple[str, Callable[[str, str], Parsed], Callable[[], str]]] = [
    # requirements*.txt
    ("requirements: one line of spaces", parse_requirements, _spaces_line),
    ("requirements: spaces between two words", parse_requirements,
     lambda: "a" + " " * MIB + "b"),
    ("requirements: spaces before a comment", parse_requirements,
     lambda: "a" + " " * MIB + "x#"),
    ("requirements: '#' x N", parse_requirements, lambda: "#" * MIB),
    ("requirements: ' #' x N", parse_requirements, lambda: " #" * (MIB // 2)),
    ("requirements: '-r ' and spaces", parse_requirements, lambda: "-r " + " " * MIB),
    ("requirements: '-r ' spaces and a name", parse_requirements,
     lambda: "-r " + " " * MIB + "x.txt"),
    ("requirements: ' -' x N", parse_requirements, lambda: "a" + " -" * (MIB // 2)),
    ("requirements: continuations x N", parse_requirements, lambda: "\\\n" * (MIB // 2)),
    ("requirements: word and continuation x N", parse_requirements,
     lambda: "a\\\n" * (MIB // 3)),
    ("requirements: one line of backslashes", parse_requirements, lambda: "\\" * MIB),
    ("requirements: a name a line", parse_requirements, lambda: "a\n" * (MIB // 2)),
    ("requirements: another name a line", parse_requirements,
     lambda: "".join(f"a{i}\n" for i in range(MIB // 7))),
    ("requirements: extras x N", parse_requirements, lambda: "a[" + "b," * (MIB // 2) + "b]"),
    ("requirements: extras lines", parse_requirements,
     lambda: ("a[" + "b," * 500 + "b]\n") * (MIB // 1004)),
    ("requirements: version clauses x N", parse_requirements,
     lambda: "a" + ">=1," * (MIB // 4) + ">=1"),
    ("requirements: marker terms x N", parse_requirements,
     lambda: "a; " + "os_name=='a' or " * (MIB // 16) + "os_name=='a'"),
    ("requirements: marker parentheses x N", parse_requirements, lambda: "a; " + "(" * MIB),
    ("requirements: -e and #egg x N", parse_requirements,
     lambda: "-e git+https://x/y#" + "egg=" * (MIB // 4)),
    # pyproject.toml
    ("pyproject: '[' x N", parse_pyproject, lambda: "[" * MIB),
    ("pyproject: '[' x N in a key", parse_pyproject, lambda: "a" + "[" * MIB + " = 1"),
    ("pyproject: nested arrays", parse_pyproject, lambda: "a = " + "[" * MIB),
    ("pyproject: nested inline tables", parse_pyproject,
     lambda: "a = " + "{b = " * (MIB // 5)),
    ("pyproject: a number of 5,000 digits", parse_pyproject, lambda: "a = " + "1" * 5000),
    ("pyproject: a huge Poetry table", parse_pyproject, _poetry_table),
    ("pyproject: many Poetry groups", parse_pyproject, _poetry_groups),
    ("pyproject: a huge dependency list", parse_pyproject, _project_list),
    ("pyproject: spaces before '='", parse_pyproject,
     lambda: "[tool.poetry.dependencies]\nx" + " " * MIB + "\n"),
    # ... and as large as a pyproject.toml is read: the parsing and the line lookups
    ("pyproject: the largest Poetry table", parse_pyproject, lambda: _poetry_table(TOML)),
    ("pyproject: the most Poetry groups", parse_pyproject, lambda: _poetry_groups(TOML)),
    ("pyproject: the longest dependency list", parse_pyproject, lambda: _project_list(TOML)),
    ("pyproject: the most dotted keys", parse_pyproject, lambda: _fill(
        "", lambda i: f"k{i}" + ".c" * (MAX_KEY_PARTS - 1) + " = 1\n", "", TOML)),
    ("pyproject: a long dotted key", parse_pyproject, lambda: "a" + ".b" * (TOML // 2 - 2)),
    ("pyproject: spaces before '=' in the largest", parse_pyproject,
     lambda: "[tool.poetry.dependencies]\nx" + " " * (TOML - 40) + "\n"),
    # package.json
    ("package.json: 100,000 keys of one prefix", parse_package_json, _same_prefix_keys),
    ("package.json: '[' x N", parse_package_json, lambda: "[" * MIB),
    ("package.json: spaces before ':'", parse_package_json,
     lambda: '{"dependencies": {"a"' + " " * MIB + ': "1"}}'),
    # SBOMs
    ("CycloneDX: 100,000 components", parse_cyclonedx,
     lambda: _bom(",".join(f'{{"purl": "pkg:pypi/p{i}@1"}}' for i in range(MIB // 30)))),
    ("CycloneDX: nested components", parse_cyclonedx,
     lambda: _bom(",".join(['{"components": [' * 400 + "]}" * 400] * (MIB // 6400)))),
    ("CycloneDX: empty components", parse_cyclonedx, lambda: _bom(",".join(["{}"] * (MIB // 3)))),
    ("CycloneDX: spaces after a purl key", parse_cyclonedx,
     lambda: _bom('{"purl"' + " " * MIB + ': "pkg:pypi/a@1"}')),
    ("SPDX: many packages", parse_spdx,
     lambda: json.dumps({"spdxVersion": "SPDX-2.3", "packages": [
         {"SPDXID": f"S{i}", "externalRefs": [{"referenceType": "purl",
                                               "referenceLocator": f"pkg:npm/p{i}@1"}]}
         for i in range(MIB // 110)]})),
]


def _child(parser: Callable[[str, str], Parsed], make: Callable[[], str],
           conn: Connection) -> None:
    text = make()
    start = time.process_time()
    try:
        parser("m", text)
        outcome = "ok"
    except BaseException as e:  # the test reports it; a user would have seen a traceback
        outcome = f"raised {type(e).__name__}: {str(e)[:200]}"
    conn.send((time.process_time() - start, len(text.encode("utf-8")), outcome))
    conn.close()


@pytest.mark.parametrize(("name", "parser", "make"), CASES, ids=[c[0] for c in CASES])
def test_hostile_text_is_parsed_in_linear_time(name: str, parser: Callable[[str, str], Parsed],
                                               make: Callable[[], str]) -> None:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(parser, make, send))
    child.start()
    send.close()
    if not receive.poll(WALL):
        child.kill()
        child.join()
        pytest.fail(f"{name}: still parsing after {WALL:.0f} s")
    elapsed, size, outcome = receive.recv()
    child.join()
    assert outcome == "ok", f"{name}: {outcome}"
    assert size <= 3 * MIB
    assert elapsed < LIMIT * max(size / MIB, 1), f"{name}: {elapsed:.1f} s, {size / MIB:.1f} MiB"


@pytest.mark.parametrize(("parser", "text", "words"), [
    (parse_requirements, "\n" * (MAX_REQUIREMENTS_FILE + 1), "a requirements file is read up to"),
    (parse_pyproject, "\n" * (MAX_PYPROJECT + 1), "a pyproject.toml is read up to"),
    (parse_package_json, "[" + "0," * MAX_JSON_VALUES + "0]", "JSON values or more, above the"),
    (parse_spdx, "[" + "0," * MAX_JSON_VALUES + "0]", "JSON values or more, above the"),
])
def test_a_file_beyond_what_is_read_is_one_finding(parser: Callable[[str, str], Parsed],
                                                   text: str, words: str) -> None:
    start = time.process_time()
    parsed = parser("m", text)
    assert time.process_time() - start < LIMIT
    assert parsed.found == []
    assert [(f.line, f.col, words in f.message) for f in parsed.findings] == [(1, 1, True)]


# --- memory ------------------------------------------------------------------------------

_PARSE = """
from decision_records.coverage.manifests import parse_cyclonedx, parse_spdx
def parse(text):
    parsed = (parse_spdx if text.startswith('{"spdxVersion"') else parse_cyclonedx)("m", text)
    return f"{len(parsed.found)} " + " | ".join(f.message for f in parsed.findings)
"""


def peak_of(text: str) -> tuple[int, int, int, str]:
    """(peak RSS before parsing, peak RSS after, dependencies found, findings) of parsing
    text in a fresh interpreter."""
    measured = peak(_PARSE, "text = data.decode()", "parse(text)", text.encode("utf-8"))
    found, findings = measured.result.split(" ", 1)
    return measured.before, measured.after, int(found), findings


@LINUX
@pytest.mark.parametrize("head", [
    '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [',
    '{"spdxVersion": "SPDX-2.3", "packages": [',
])
def test_three_million_empty_components_are_refused_in_bounded_memory(head: str) -> None:
    """9 MB of `{}` took 1.7 GB to read (a model object for each); now the file is refused
    before it is turned into objects, and the parse adds little to the text itself."""
    text = head + ",".join(["{}"] * 3_000_000) + "]}"
    before, after, found, findings = peak_of(text)
    assert found == 0
    assert "JSON values or more, above the 5,000,000" in findings, findings
    assert after - before < 20 * len(text), f"{(after - before) / 2**20:.0f} MiB"


@LINUX
@pytest.mark.parametrize("head", [
    '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [',
    '{"spdxVersion": "SPDX-2.3", "packages": [',
])
def test_a_million_components_are_refused_before_they_become_objects(head: str) -> None:
    """Few enough values to be parsed as JSON, too many components to be read: the JSON
    costs some 70 bytes a `{}`, and no model object is made (that cost 1.7 GB above)."""
    text = head + ",".join(["{}"] * 1_000_000) + "]}"
    before, after, found, findings = peak_of(text)
    assert found == 0
    assert "1,000,000 or more, above the 100,000 an SBOM is read up to" in findings, findings
    assert after - before < 40 * len(text), f"{(after - before) / 2**20:.0f} MiB"
