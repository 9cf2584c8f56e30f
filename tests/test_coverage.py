"""`decisions coverage`: manifests in every format, the join with records, outputs, exits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from decision_records import refs
from decision_records.coverage.manifests import (
    Parsed,
    parse_cyclonedx,
    parse_package_json,
    parse_pyproject,
    parse_requirements,
    parse_spdx,
    parser_for,
    purl_ref,
)
from decision_records.coverage.match import Coverage, Mention, join, status_of
from decision_records.coverage.scan import Inventory, inventory_of, read_snapshot, scan
from decision_records.coverage.snapshot import dump_coverage, read_coverage
from decision_records.loader import load_decisions

FIXTURE = REPO / "tests" / "fixtures" / "coverage"
DECISIONS = FIXTURE / "decisions"


def refs_of(parsed: Parsed) -> list[tuple[str, int]]:
    return [(f.ref, f.line) for f in parsed.found]


# ruff reads every pyproject.toml under tests/, so the broken one has another name until a
# test copies it into place
BROKEN_TOML = "broken/toml/pyproject.broken.toml"


def parse_file(relative: str) -> Parsed:
    path = FIXTURE / relative
    parser = parse_pyproject if relative == BROKEN_TOML else parser_for(path.name)
    assert parser is not None
    return parser(relative, path.read_text(encoding="utf-8"))


# --- each format, as its tools write it --------------------------------------------------

@pytest.mark.parametrize(("relative", "expected", "includes"), [
    ("app/requirements.txt", [
        ("pypi:django", 8), ("pypi:psycopg", 9), ("pypi:pymongo", 10),
        ("pypi:opensearch-py", 13), ("pypi:confluent-kafka", 14),
        ("pypi:internal-auth", 15), ("pypi:feature-toggles", 16),
    ], [("requirements-base.txt", 5)]),
    ("app/requirements-base.txt", [("pypi:redis", 2), ("pypi:kafka-python", 3)], []),
    ("app/requirements-dev.txt", [("pypi:pytest", 2), ("pypi:pytest-django", 3)],
     [("requirements.txt", 1)]),
])
def test_requirements_files(relative: str, expected: list[tuple[str, int]],
                            includes: list[tuple[str, int]]) -> None:
    parsed = parse_file(relative)
    assert refs_of(parsed) == expected
    assert parsed.includes == includes
    assert parsed.findings == []


@pytest.mark.parametrize(("line", "expected"), [
    ("requests", ["pypi:requests"]),
    ("Requests[socks,security]>=2.31 ; python_version>='3.8'", ["pypi:requests"]),
    ("zope.interface==6.1", ["pypi:zope-interface"]),
    ("My_Package @ https://example.com/my_package-1.0.tar.gz", ["pypi:my-package"]),
    ("pip @ git+https://github.com/pypa/pip.git@24.0", ["pypi:pip"]),
    ("-e git+https://github.com/org/repo.git#egg=Repo_Tool", ["pypi:repo-tool"]),
    ("--editable=git+https://github.com/org/repo.git@main#egg=tool&subdirectory=lib",
     ["pypi:tool"]),
    ("-e .", []),
    ("-e ./libs/common", []),
    ("./dist/thing-1.0-py3-none-any.whl", []),
    ("https://example.com/pkgs/thing-1.0.tar.gz#egg=thing", ["pypi:thing"]),
    ("--index-url https://packages.example.com/simple", []),
    ("-i https://packages.example.com/simple", []),
    ("--find-links ./wheels", []),
    ("--pre", []),
    ("-c constraints.txt", []),
    ("--constraint=constraints.txt", []),
    ("# a comment with pymongo in it", []),
    ("flask==3.0.0 # pinned for the session fix", ["pypi:flask"]),
    ("numpy==1.26.4 --hash=sha256:0123 --hash=sha256:4567", ["pypi:numpy"]),
    ("pandas==2.2.0 \\\n    --hash=sha256:0123 \\\n    --hash=sha256:4567", ["pypi:pandas"]),
    ("", []),
])
def test_requirement_lines(line: str, expected: list[str]) -> None:
    parsed = parse_requirements("requirements.txt", line + "\n")
    assert [f.ref for f in parsed.found] == expected
    assert parsed.findings == []


@pytest.mark.parametrize(("text", "includes"), [
    ("-r base.txt\n", [("base.txt", 1)]),
    ("-rbase.txt\n", [("base.txt", 1)]),
    ("--requirement=base.txt\n", [("base.txt", 1)]),
    ("--requirement base.txt\n", [("base.txt", 1)]),
])
def test_includes(text: str, includes: list[tuple[str, int]]) -> None:
    assert parse_requirements("requirements.txt", text).includes == includes


def test_pep621_pyproject() -> None:
    parsed = parse_file("service/pyproject.toml")
    assert refs_of(parsed) == [
        ("pypi:opensearch-py", 10), ("pypi:launchdarkly-server-sdk", 11),
        ("pypi:algoliasearch", 12), ("pypi:pytest", 17), ("pypi:unleashclient", 18),
        ("pypi:prometheus-client", 20),
    ]  # [build-system] requires (setuptools, wheel) is how it is packaged, not what it runs
    assert parsed.findings == []


def test_poetry_pyproject_leaves_python_out() -> None:
    parsed = parse_file("worker/pyproject.toml")
    assert refs_of(parsed) == [("pypi:confluent-kafka", 9), ("pypi:celery", 10),
                               ("pypi:pymemcache", 11), ("pypi:pytest", 14),
                               ("pypi:black", 15)]


def test_dependency_groups() -> None:
    text = ('[dependency-groups]\ntest = ["pytest>=8", {include-group = "lint"}]\n'
            'lint = ["ruff"]\n')
    assert [f.ref for f in parse_pyproject("pyproject.toml", text).found] == [
        "pypi:pytest", "pypi:ruff"]


def test_package_json_all_four_kinds_scopes_and_aliases() -> None:
    parsed = parse_file("web/package.json")
    assert refs_of(parsed) == [
        ("npm:@opensearch-project/opensearch", 10), ("npm:@launchdarkly/node-server-sdk", 11),
        ("npm:react", 12), ("npm:mongodb", 13),  # "db": "npm:mongodb@^6.3.0" is mongodb
        ("npm:eslint", 16), ("npm:@types/react", 17), ("npm:vite", 18),
        ("npm:react-dom", 21), ("npm:fsevents", 24),
    ]


def test_cyclonedx_reads_the_direct_dependencies_of_its_subject() -> None:
    parsed = parse_file("sbom/bom.json")
    # asgiref (Django's) and linenoise (Redis's, nested) are transitive; the deb package is
    # of an ecosystem no record can name
    assert [f.ref for f in parsed.found] == ["pypi:django", "pypi:stripe", "github:redis/redis"]
    assert parsed.findings == []
    # each at the line of its "purl", not of the bom-ref above it or the dependencies below
    assert [f.line for f in parsed.found] == [28, 43, 50]


def test_cyclonedx_without_a_graph_gives_every_component_nested_ones_too() -> None:
    data = json.loads((FIXTURE / "sbom" / "bom.json").read_text(encoding="utf-8"))
    del data["dependencies"]
    parsed = parse_cyclonedx("bom.json", json.dumps(data, indent=2))
    assert [f.ref for f in parsed.found] == [
        "pypi:django", "pypi:asgiref", "pypi:stripe", "github:redis/redis",
        "github:antirez/linenoise"]


def test_spdx_reads_purls_of_the_direct_dependencies() -> None:
    parsed = parse_file("decisions/coverage/payments.spdx.json")
    # the described package itself and body-parser (express's) are left out
    assert [f.ref for f in parsed.found] == [
        "npm:@opensearch-project/opensearch", "npm:express", "npm:algoliasearch"]
    assert parsed.found[0].line == 32


def test_spdx_without_relationships_gives_every_package_but_the_described() -> None:
    path = FIXTURE / "decisions" / "coverage" / "payments.spdx.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["relationships"] = [r for r in data["relationships"]
                             if r["relationshipType"] == "DESCRIBES"]
    parsed = parse_spdx("x.spdx.json", json.dumps(data))
    assert [f.ref for f in parsed.found] == [
        "npm:@opensearch-project/opensearch", "npm:express", "npm:body-parser",
        "npm:algoliasearch"]


@pytest.mark.parametrize(("purl", "ref"), [
    ("pkg:pypi/PyMongo@4.6.1", "pypi:pymongo"),
    ("pkg:pypi/opensearch_py@2.4.2", "pypi:opensearch-py"),
    ("pkg:npm/%40Scope/Name@1.0.0", "npm:@scope/name"),
    ("pkg:npm/left-pad@1.3.0", "npm:left-pad"),
    ("pkg:github/Opensearch-Project/OpenSearch@2.11.0", "github:opensearch-project/opensearch"),
    ("pkg:maven/org.apache.kafka/kafka-clients@3.6.1", "maven:org.apache.kafka:kafka-clients"),
    ("pkg:gem/rails@7.1.3", None),
    ("pkg:deb/debian/curl@7.88.1", None),
])
def test_purls(purl: str, ref: str | None) -> None:
    assert purl_ref(purl) == ref


@pytest.mark.parametrize(("ref", "expected"), [
    ("pypi:PyMongo", "pypi:pymongo"),
    ("pypi:opensearch_py", "pypi:opensearch-py"),
    ("pypi:Django", "pypi:django"),
    ("pypi:zope.interface", "pypi:zope-interface"),
    ("pypi:UnleashClient", "pypi:unleashclient"),
    ("npm:@Scope/Name", "npm:@scope/name"),
    ("npm:@opensearch-project/opensearch", "npm:@opensearch-project/opensearch"),
    ("github:Redis/Redis", "github:redis/redis"),
    ("github:owner/repo.git", "github:owner/repo"),
])
def test_normalisation(ref: str, expected: str) -> None:
    assert refs.normalise(ref) == expected


@pytest.mark.parametrize(("name", "parser"), [
    ("requirements.txt", parse_requirements), ("requirements-dev.txt", parse_requirements),
    ("requirements_test.txt", parse_requirements), ("pyproject.toml", parse_pyproject),
    ("package.json", parse_package_json), ("bom.json", parse_cyclonedx),
    ("app.cdx.json", parse_cyclonedx), ("app.spdx.json", parse_spdx),
    ("constraints.txt", None), ("package-lock.json", None), ("poetry.lock", None),
    ("uv.lock", None), ("setup.py", None),
])
def test_which_files_are_manifests(name: str, parser: object) -> None:
    assert parser_for(name) is parser


# --- manifests that cannot be read ------------------------------------------------------

@pytest.mark.parametrize(("relative", "where", "words"), [
    (BROKEN_TOML, (6, 5), "not valid TOML"),
    ("broken/json/package.json", (6, 3), "not valid JSON"),
    ("broken/requirements/requirements.txt", (2, 20), "not a requirement pip would read"),
])
def test_broken_manifests_are_findings_with_their_position(
        relative: str, where: tuple[int, int], words: str) -> None:
    parsed = parse_file(relative)
    [finding] = parsed.findings
    assert (finding.path, finding.line, finding.col) == (relative, *where)
    assert words in finding.message and finding.rule == "manifest"


def test_a_bad_requirement_line_does_not_hide_the_others() -> None:
    parsed = parse_file("broken/requirements/requirements.txt")
    assert [f.ref for f in parsed.found] == ["pypi:flask", "pypi:gunicorn"]


@pytest.mark.parametrize(("parser", "text", "words"), [
    (parse_cyclonedx, '{"bomFormat": "SPDX"}', "not a CycloneDX BOM"),
    (parse_spdx, '{"bomFormat": "CycloneDX"}', "not an SPDX document"),
    (parse_package_json, "[1, 2]", "holds an object"),
    (parse_cyclonedx, '{"bomFormat": "CycloneDX", "components": [{"purl": "pypi/requests"}]}',
     "not a package URL"),
    (parse_pyproject, '[project]\ndependencies = ["requests>=2 ;;"]\n', "is not a requirement"),
    (parse_pyproject, '[project]\ndependencies = "requests"\n', "should be a list"),
    (parse_requirements, "-r\n", "names no file"),
    (parse_package_json, '{"dependencies": 5}', "dependencies should be an object"),
    # SBOMs come from other repositories' tools: a key that is read holds what the format
    # says, or the file is one finding naming where (and never a traceback)
    (parse_cyclonedx, '{"bomFormat": "CycloneDX", "dependencies": 5}',
     "dependencies: Input should be a valid list"),
    (parse_cyclonedx, '{"bomFormat": "CycloneDX", "metadata": {"component": {"bom-ref": "r"}}, '
     '"dependencies": [{"ref": "r", "dependsOn": 5}]}', "dependencies[0].dependsOn:"),
    (parse_cyclonedx, '{"bomFormat": "CycloneDX", "components": [{"purl": "pkg:pypi/x"}, '
     '{"components": [{"bom-ref": ["x"]}]}]}', "components[1].components[0].bom-ref:"),
    (parse_cyclonedx, '{"bomFormat": "CycloneDX", "metadata": 5}',
     "metadata: Input should be a valid dictionary;"),
    (parse_spdx, '{"spdxVersion": "SPDX-2.3", "documentDescribes": 5}', "documentDescribes:"),
    (parse_spdx, '{"spdxVersion": "SPDX-2.3", "documentDescribes": [{"a": 1}]}',
     "documentDescribes[0]: Input should be a valid string"),
    (parse_spdx, '{"spdxVersion": "SPDX-2.3", "relationships": [{"relationshipType": '
     '"DESCRIBES", "relatedSpdxElement": [1]}]}', "relationships[0].relatedSpdxElement:"),
    (parse_spdx, '{"spdxVersion": "SPDX-2.3", "packages": 5, "relationships": 5}',
     "(and 1 more)"),
])
def test_manifests_of_the_wrong_shape(parser: object, text: str, words: str) -> None:
    assert callable(parser)
    parsed = parser("m", text)
    assert isinstance(parsed, Parsed)
    assert [words in f.message for f in parsed.findings] == [True]


# --- the join with the records ----------------------------------------------------------

@pytest.fixture(scope="module")
def joined() -> Coverage:
    decisions = load_decisions(DECISIONS, None)
    settings = decisions.config.coverage
    inventory = scan([FIXTURE], FIXTURE, "storefront",
                     [FIXTURE / e for e in settings.exclude], DECISIONS)
    return join(inventory, decisions)


def test_every_status(joined: Coverage) -> None:
    from decision_records.coverage.match import Coverage
    assert isinstance(joined, Coverage)
    by = {d.ref: d.status for d in joined.dependencies}
    assert by["pypi:django"] == "covered"  # chosen in accepted 0002
    assert by["github:redis/redis"] == "covered"  # through the SBOM's pkg:github purl
    assert by["npm:@launchdarkly/node-server-sdk"] == "covered"
    assert by["pypi:opensearch-py"] == "pending"  # chosen in proposed 0003
    assert by["pypi:pymongo"] == "contradicted"  # rejected 0001; not chosen in 0002
    assert by["pypi:kafka-python"] == "contradicted"  # superseded 0006
    assert by["pypi:unleashclient"] == "contradicted"  # not chosen in accepted 0004
    assert by["npm:mongodb"] == "contradicted"  # the "db" alias in package.json
    assert by["pypi:celery"] == "uncovered"
    assert by["pypi:sentry-sdk"] == "uncovered"  # from another repository's JSON
    assert joined.summary == {"covered": 7, "pending": 2, "contradicted": 8, "uncovered": 13,
                              "unused": 2}
    assert [(u.ref, [e.short for e in u.records]) for u in joined.unused] == [
        ("npm:dd-trace", ["0008"]), ("pypi:datadog", ["0008"])]
    assert [(i.ref, i.manifests) for i in joined.ignored] == [
        ("npm:eslint", ["web/package.json"]),
        ("pypi:pytest", ["app/requirements-dev.txt", "service/pyproject.toml",
                         "worker/pyproject.toml"])]
    assert joined.findings == []  # broken/ is excluded in config.yaml


def test_repositories(joined: Coverage) -> None:
    from decision_records.coverage.match import Coverage
    assert isinstance(joined, Coverage)
    by = {d.ref: d.repositories for d in joined.dependencies}
    assert by["pypi:django"] == ("admin", "storefront")
    assert by["npm:express"] == ("payments",)
    assert by["pypi:pymongo"] == ("admin", "storefront")
    pymongo = next(d for d in joined.dependencies if d.ref == "pypi:pymongo")
    assert pymongo.manifests == ["app/requirements.txt", "admin:requirements.txt"]


@pytest.mark.parametrize(("mentions", "status"), [
    ([], "uncovered"),
    ([("accepted", True)], "covered"),
    ([("accepted", False), ("accepted", True)], "covered"),
    ([("proposed", True)], "pending"),
    ([("proposed", True), ("rejected", True)], "pending"),
    ([("accepted", False)], "contradicted"),
    ([("proposed", False)], "contradicted"),
    ([("rejected", True)], "contradicted"),
    ([("superseded", True)], "contradicted"),
    ([("deprecated", True)], "contradicted"),
])
def test_status_rules(mentions: list[tuple[str, bool]], status: str) -> None:
    decisions = load_decisions(DECISIONS, None)
    entry = decisions.entries[0]
    named = [Mention(entry.__class__(entry.id, entry.number, entry.path,
                                     entry.record.model_copy(update={"status": s})),
                     "x", chosen) for s, chosen in mentions]
    assert status_of(named) == status


# --- the command ------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the fixture repository, to run the command in and write to."""
    root = tmp_path / "storefront"
    shutil.copytree(FIXTURE, root)
    (root / BROKEN_TOML).rename(root / "broken" / "toml" / "pyproject.toml")
    return root


def test_text_output_groups_by_status_with_a_reason(repo: Path) -> None:
    result = run_cli("coverage", cwd=repo)
    assert result.returncode == 1  # contradicted dependencies
    out = result.stdout
    assert out.index("contradicted (8):") < out.index("uncovered (13):") < \
        out.index("pending (2):") < out.index("covered (7):") < out.index("unused (2):")
    assert ("pypi:pymongo                        app/requirements.txt:10: 0001 chose it but "
            "is rejected; 0002 (accepted) chose 'PostgreSQL with JSONB' over 'MongoDB'") in out
    assert "pypi:opensearch-py" in out and "chosen in 0003 (proposed), not yet accepted" in out
    assert "  pypi:pytest: Test runner; which one a team uses is its own business." in out
    assert out.endswith("7 covered, 2 pending, 8 contradicted, 13 uncovered, 2 unused, "
                        "2 ignored, in 9 manifests\n")


def test_json_output_has_the_documented_shape(repo: Path) -> None:
    result = run_cli("coverage", "--format", "json", cwd=repo)
    data = json.loads(result.stdout)
    assert list(data)[:3] == ["dependencies", "unused", "summary"]
    pymongo = next(d for d in data["dependencies"] if d["ref"] == "pypi:pymongo")
    assert pymongo == {
        "ref": "pypi:pymongo", "status": "contradicted",
        "manifests": ["app/requirements.txt", "admin:requirements.txt"],
        "records": [
            {"id": "0001-adopt-mongodb-for-the-catalogue", "status": "rejected",
             "means": "rejected", "option": "MongoDB", "chosen": True},
            {"id": "0002-keep-the-catalogue-in-postgresql", "status": "accepted",
             "means": "accepted", "option": "MongoDB", "chosen": False},
        ]}
    assert data["unused"] == [{"ref": "npm:dd-trace", "records": ["0008-buy-hosted-observability"]},
                              {"ref": "pypi:datadog", "records": ["0008-buy-hosted-observability"]}]
    assert data["summary"] == {"covered": 7, "pending": 2, "contradicted": 8, "uncovered": 13,
                               "unused": 2}
    assert {"ref": "npm:eslint", "reason": "Linters are chosen per repository and never reach "
            "production.", "manifests": ["web/package.json"]} in data["ignored"]
    assert data["findings"] == []


def test_markdown_output_fits_a_comment(repo: Path) -> None:
    out = run_cli("coverage", "--format", "markdown", cwd=repo).stdout
    assert out.startswith("## Decision coverage\n\n| Covered | Pending | Contradicted |")
    assert "| 7 | 2 | 8 | 13 | 2 |" in out
    assert "### ❌ Contradicted (8)" in out
    assert ("| `pypi:pymongo` | contradicted | `app/requirements.txt:10` | 0001 Adopt MongoDB "
            "for the product catalogue (rejected; MongoDB, chosen)<br>0002 Keep the catalogue "
            "in PostgreSQL (accepted; MongoDB) |") in out
    assert "| `pypi:pytest` | Test runner; which one a team uses is its own business. |" in out


@pytest.mark.parametrize(("args", "code"), [
    (["app/requirements-base.txt"], 1),  # kafka-python is contradicted
    (["service"], 1),
    (["web/package.json", "--strict"], 1),
    (["sbom"], 1),  # the collected payments SBOM has algoliasearch, contradicted
])
def test_exit_status(repo: Path, args: list[str], code: int) -> None:
    assert run_cli("coverage", *args, cwd=repo).returncode == code


def test_exit_status_without_contradictions_and_under_strict(repo: Path) -> None:
    shutil.rmtree(repo / "decisions" / "coverage")
    (repo / "ok").mkdir()
    (repo / "ok" / "requirements.txt").write_text("django\nredis\n", encoding="utf-8")
    assert run_cli("coverage", "ok", cwd=repo).returncode == 0
    assert run_cli("coverage", "ok", "--strict", cwd=repo).returncode == 0
    (repo / "ok" / "requirements.txt").write_text("django\nhttpx\n", encoding="utf-8")
    assert run_cli("coverage", "ok", cwd=repo).returncode == 0
    assert run_cli("coverage", "ok", "--strict", cwd=repo).returncode == 1  # httpx uncovered


def test_broken_manifests_do_not_hide_the_others(repo: Path) -> None:
    shutil.rmtree(repo / "decisions" / "coverage")
    result = run_cli("coverage", "broken", "--format", "json", cwd=repo)
    assert result.returncode == 0  # nothing contradicted; the findings fail only --strict
    data = json.loads(result.stdout)
    assert [d["ref"] for d in data["dependencies"]] == ["pypi:flask", "pypi:gunicorn"]
    assert [(f["path"], f["line"], f["col"]) for f in data["findings"]] == [
        ("broken/json/package.json", 6, 3), ("broken/requirements/requirements.txt", 2, 20),
        ("broken/toml/pyproject.toml", 6, 5)]
    text = run_cli("coverage", "broken", cwd=repo)
    assert "broken/toml/pyproject.toml:6:5: error: not valid TOML" in text.stderr
    assert "Traceback" not in text.stderr
    assert run_cli("coverage", "broken", "--strict", cwd=repo).returncode == 1


def test_include_of_a_missing_file(repo: Path) -> None:
    (repo / "app" / "requirements-base.txt").unlink()
    result = run_cli("coverage", "app/requirements.txt", cwd=repo)
    assert ("app/requirements.txt:5:1: error: -r requirements-base.txt: no such file beside "
            "requirements.txt; fix the path [manifest]") in result.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["no/such/folder"], "no/such/folder: no such file or folder"),
    (["decisions/0002-keep-the-catalogue-in-postgresql.yaml"], "not a manifest this reads"),
])
def test_usage_errors(repo: Path, args: list[str], words: str) -> None:
    result = run_cli("coverage", *args, cwd=repo)
    assert result.returncode == 2
    assert words in result.stderr


@pytest.mark.parametrize("config", [
    "coverage:\n  ignore:\n    - ref: pypi:pytest\n",
    "coverage:\n  ignore:\n    - {ref: pypi:pytest, reason: tests}\n"
    "    - {ref: pypi:PyTest, reason: twice}\n",
    "coverage:\n  paths: scan-everything\n",
])
def test_a_bad_coverage_config_is_a_usage_error(repo: Path, config: str) -> None:
    (repo / "decisions" / "config.yaml").write_text(config, encoding="utf-8")
    result = run_cli("coverage", cwd=repo)
    assert result.returncode == 2
    assert "decisions/config.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_skipped_folders(repo: Path) -> None:
    for folder in (".venv/lib", "node_modules/react", ".git", "build"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "package.json").write_text('{"dependencies": {"left-pad": "1"}}',
                                                    encoding="utf-8")
    out = run_cli("coverage", "--format", "json", cwd=repo).stdout
    assert "left-pad" not in out


def test_write_keeps_a_snapshot_that_reads_back(repo: Path) -> None:
    result = run_cli("coverage", "--write", "--format", "json", cwd=repo)
    assert "wrote decisions/coverage.json" in result.stderr
    snapshot = json.loads((repo / "decisions" / "coverage.json").read_text(encoding="utf-8"))
    assert snapshot["summary"] == json.loads(result.stdout)["summary"]
    assert snapshot["repositories"]["payments"] == ["decisions/coverage/payments.spdx.json"]
    assert snapshot["repositories"]["admin"] == ["admin:requirements.txt"]
    assert "app/requirements.txt" in snapshot["repositories"]["storefront"]
    inventory = read_snapshot(repo / "decisions")
    assert inventory is not None
    again = join(inventory, load_decisions(repo / "decisions", None))
    assert again.as_dict()["summary"] == snapshot["summary"]
    assert {d.ref: d.repositories for d in again.dependencies}["pypi:django"] == (
        "admin", "storefront")
    # the write does not count itself as a collected file the next time
    rerun = run_cli("coverage", "--format", "json", cwd=repo)
    assert json.loads(rerun.stdout)["summary"] == snapshot["summary"]


# --- this repository ----------------------------------------------------------------------

def test_this_repository_is_covered_by_its_records_and_its_snapshot_is_current() -> None:
    """Dogfooding: every dependency in pyproject.toml is chosen in a shipped record or
    ignored with its reason, and decisions/coverage.json says what a scan says now."""
    result = run_cli("coverage", "--strict", "--format", "json", cwd=REPO)
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert {d["status"] for d in data["dependencies"]} == {"covered"}
    assert {"pypi:mkdocs", "pypi:mkdocs-material", "pypi:pydantic", "pypi:pagefind"} <= {
        d["ref"] for d in data["dependencies"]}
    assert all(i["reason"] for i in data["ignored"])
    committed = json.loads((REPO / "decisions" / "coverage.json").read_text(encoding="utf-8"))
    assert committed["dependencies"] == data["dependencies"], \
        "run `decisions coverage --write` and commit decisions/coverage.json"
    assert committed["ignored"] == data["ignored"]


def test_the_snapshot_is_written_and_read_through_one_model(repo: Path) -> None:
    """coverage.json read through CoverageSnapshot and written again is the same file, byte
    for byte: the model holds every key the writer writes, in its order. So does
    `--format json`, which is the same document without kinds and repositories."""
    committed = (REPO / "decisions" / "coverage.json").read_text(encoding="utf-8")
    assert dump_coverage(read_coverage(committed)) == committed
    (repo / "empty").mkdir()  # a note: an SBOM of no components
    (repo / "empty" / "bom.json").write_text(
        '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}', encoding="utf-8")
    run_cli("coverage", "--write", ".", "broken", cwd=repo)  # broken/: findings too
    written = (repo / "decisions" / "coverage.json").read_text(encoding="utf-8")
    doc = read_coverage(written)
    assert dump_coverage(doc) == written
    assert doc.findings and doc.notes and doc.unused and doc.ignored  # every part is there
    printed = run_cli("coverage", "--format", "json", ".", "broken", cwd=repo).stdout
    assert dump_coverage(doc.model_copy(update={"kinds": None, "repositories": None})) == printed


@pytest.mark.parametrize(("text", "words"), [
    ('{"dependencies": [{"ref": "pypi:x", "records": 5}]}', "dependencies[0].records:"),
    ('{"dependencies": [{"ref": "pypi:x", "records": [{"id": "0001-x"}]}]}',
     "dependencies[0].records[0].status: Field required"),
    ('{"dependencies": [], "unused": [{"ref": "pypi:x", "records": [1]}]}',
     "unused[0].records[0]: Input should be a valid string"),
    ('{"dependencies": [], "summary": {"covered": "many"}}', "summary.covered:"),
])
def test_a_collected_coverage_json_holds_what_the_model_says(text: str, words: str) -> None:
    """A key the reader does not take again must still hold what the one model says."""
    inventory = Inventory()
    inventory_of(text, "decisions/coverage/shop.json", inventory, prefix="shop:")
    assert len(inventory.findings) == 1 and words in inventory.findings[0].message
    assert inventory.found == []


@pytest.mark.parametrize(("doc", "words"), [
    ({"dependencies": [{}] * 50_000}, "dependencies[0].ref: Field required;"),
    ({"dependencies": [{"ref": "pypi:x", "records": [{}] * 50_000}]},
     "dependencies[0].records[0].id: Field required (and 3 more);"),
    ({"dependencies": [], "repositories": {f"r{i}": 5 for i in range(50_000)}},
     "repositories.r0: Input should be a valid list;"),
])
def test_a_collected_coverage_json_of_many_broken_items_makes_one_short_problem(
        doc: dict[str, object], words: str) -> None:
    """The first bad item is the problem: pydantic, left to list them all, made hundreds of
    megabytes of problems of a file of 400 KB."""
    inventory = Inventory()
    inventory_of(json.dumps(doc), "decisions/coverage/shop.json", inventory)
    assert len(inventory.findings) == 1 and words in inventory.findings[0].message


def test_poetry_lines_are_found_by_their_key() -> None:
    text = ('[tool.poetry.dependencies]\npython = "^3.11"\nhiredis = "^2"\n'
            '"redis" = { version = "^5", extras = ["hiredis"] }\n')
    assert refs_of(parse_pyproject("pyproject.toml", text)) == [
        ("pypi:hiredis", 3), ("pypi:redis", 4)]


@pytest.mark.parametrize(("text", "words"), [
    ('{"dependencies": 5}', "dependencies: Input should be a valid list"),
    ('{"dependencies": [], "ignored": 5}', "ignored: Input should be a valid list"),
    ('{"dependencies": [], "repositories": ["a"]}', "repositories: Input should be a valid "
     "dictionary"),
    ('{"dependencies": [{"ref": "pypi:x", "manifests": 5}]}', "dependencies[0].manifests:"),
    ('{"dependencies": [{"ref": 5}]}', "dependencies[0].ref: Input should be a valid string"),
    ('{"dependencies": [], "findings": [{"path": "p", "line": "x", "col": 1, "message": "m"}]}',
     "findings[0].line:"),
    ('{"dependencies": [{"ref": "pip:x"}]}', "not a package reference: 'pip:x'"),
    ('{"summary": {}}', 'no "dependencies" list'),
])
def test_collected_coverage_json_of_the_wrong_shape(text: str, words: str) -> None:
    """Another repository's `decisions coverage` output, collected in decisions/coverage/."""
    inventory = Inventory()
    inventory_of(text, "decisions/coverage/shop.json", inventory, prefix="shop:")
    assert [(f.path, f.line, f.col) for f in inventory.findings] == [
        ("decisions/coverage/shop.json", 1, 1)]
    assert words in inventory.findings[0].message
    assert inventory.found == []
