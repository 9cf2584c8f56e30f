"""`decisions report --base REF`: the dependencies a change adds without a decision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from decision_records.gitbase import TooLarge, file_at
from test_report import git

FIXTURE = REPO / "tests" / "fixtures" / "coverage"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: the fixture's records and app/; branch `feature` is checked out."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(FIXTURE / "decisions", root / "decisions")
    shutil.copytree(FIXTURE / "app", root / "app")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    return root


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_added_dependencies_that_are_contradicted_fail_the_report(repo: Path) -> None:
    add_line(repo / "app" / "requirements-base.txt", "pymemcache>=4  # faster than redis?")
    add_line(repo / "app" / "requirements-base.txt", "httpx==0.27.0")
    (repo / "web").mkdir()
    (repo / "web" / "package.json").write_text(
        '{\n  "dependencies": {\n    "mongodb": "^6.3.0",\n    "react": "^18.2.0"\n  },\n'
        '  "devDependencies": {\n    "eslint": "^8.56.0"\n  }\n}\n', encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "new dependencies")
    result = run_cli("report", "--base", "main", cwd=repo)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert out.startswith("## Decision records\n\nNo record changed since `")
    assert "## Dependencies this change adds: 4 without a decision behind them" in out
    assert "❌ **2 contradicted**" in out
    assert ("| `pypi:pymemcache` | contradicted | `app/requirements-base.txt:4` | 0005 Cache "
            "sessions and pages in Redis (accepted; Memcached) |") in out
    assert "| `npm:mongodb` | contradicted | `web/package.json:3` |" in out
    assert "| `pypi:httpx` | uncovered | `app/requirements-base.txt:5` | - | no record names it |" \
        in out
    assert "| `npm:react` | uncovered |" in out
    assert "eslint" not in out  # ignored in config.yaml, with its reason
    assert "redis" not in out.split("## Dependencies")[1].replace("Redis", "")  # already there
    data = json.loads(run_cli("report", "--base", "main", "--format", "json",
                              cwd=repo).stdout)
    assert [(d["ref"], d["status"]) for d in data["dependencies"]] == [
        ("npm:mongodb", "contradicted"), ("pypi:pymemcache", "contradicted"),
        ("npm:react", "uncovered"), ("pypi:httpx", "uncovered")]


def test_uncovered_ones_are_listed_but_do_not_fail(repo: Path) -> None:
    add_line(repo / "app" / "requirements.txt", "httpx==0.27.0")
    result = run_cli("report", "--base", "main", cwd=repo)  # uncommitted changes count
    assert result.returncode == 0, result.stdout
    assert "| `pypi:httpx` | uncovered | `app/requirements.txt:19` |" in result.stdout
    assert "contradicted**" not in result.stdout


def test_a_dependency_covered_or_already_there_is_not_listed(repo: Path) -> None:
    # kafka-python was contradicted at base already: not this change's doing
    add_line(repo / "app" / "requirements.txt", "Django-Debug-Toolbar==4.3 ; extra == 'dev'")
    path = repo / "app" / "requirements.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("redis", "redis"),
                    encoding="utf-8")
    (repo / "app" / "requirements-extra.txt").write_text("redis>=5\npsycopg\n",
                                                         encoding="utf-8")
    result = run_cli("report", "--base", "main", cwd=repo)
    assert "pypi:django-debug-toolbar" in result.stdout
    assert "redis" not in result.stdout and "psycopg" not in result.stdout
    assert "kafka-python" not in result.stdout


def test_no_manifest_changed_no_section(repo: Path) -> None:
    result = run_cli("report", "--base", "main", cwd=repo)
    assert result.returncode == 0
    assert "Dependencies this change adds" not in result.stdout


def test_a_repository_dropping_its_dependencies_is_reviewed_too(repo: Path) -> None:
    folder = repo / "decisions" / "coverage"
    (folder / "shop.json").write_text(json.dumps({"dependencies": [
        {"ref": "pypi:PyMongo", "manifests": ["requirements.txt"]},
        {"ref": "pypi:django", "manifests": ["requirements.txt"]}]}), encoding="utf-8")
    shutil.copy(FIXTURE / "sbom" / "bom.json", folder / "checkout.cdx.json")
    result = run_cli("report", "--base", "main", "--format", "json", cwd=repo)
    assert result.returncode == 1
    deps = {d["ref"]: (d["status"], d["manifests"])
            for d in json.loads(result.stdout)["dependencies"]}
    assert deps == {"pypi:pymongo": ("contradicted", ["shop:requirements.txt"]),
                    "pypi:stripe": ("uncovered", ["decisions/coverage/checkout.cdx.json"])}


def test_manifests_are_read_as_coverage_reads_them(repo: Path, tmp_path: Path) -> None:
    """A manifest that was not UTF-8 at the base, and one that is a link out of the
    repository: neither stops the report, and the link is not followed."""
    (repo / "requirements.txt").write_bytes(b"\xff\xfe\x00 not text\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a binary file under a manifest's name")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "requirements.txt").write_text("httpx==0.27.0\n", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("pymemcache\n", encoding="utf-8")
    (repo / "svc").mkdir()
    (repo / "svc" / "requirements.txt").symlink_to(outside)
    result = run_cli("report", "--base", base, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "| `pypi:httpx` | uncovered | `requirements.txt:1` |" in result.stdout
    assert "pymemcache" not in result.stdout


def test_a_manifest_too_large_at_the_base_is_not_read(repo: Path) -> None:
    """`git show` read the base's copy of a changed manifest whole, whatever its size; one over
    the 50 MiB a manifest is read up to is now a warning, and compared with nothing."""
    path = repo / "app" / "requirements.txt"
    git(repo, "checkout", "-q", "main")
    with path.open("a", encoding="utf-8") as f:
        f.write(("#" * 1023 + "\n") * (50 * 1024 + 1))
    git(repo, "commit", "-qam", "a huge manifest")
    git(repo, "checkout", "-q", "feature")
    git(repo, "reset", "-q", "--hard", "main")
    path.write_text("django\nhttpx==0.27.0\n", encoding="utf-8")
    result = run_cli("report", "--base", "main", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert ("`app/requirements.txt:1:1` manifest: at the base it is 52," in result.stdout)
    assert ("more than the 50 MiB a manifest is read up to: not compared with it, so every "
            "dependency it names now is listed here") in result.stdout
    assert "| `pypi:httpx` | uncovered | `app/requirements.txt:2` |" in result.stdout
    data = json.loads(run_cli("report", "--base", "main", "--format", "json", cwd=repo).stdout)
    [finding] = data["dependency_findings"]
    assert (finding["path"], finding["severity"], finding["rule"]) == (
        "app/requirements.txt", "warning", "manifest")


# --- the manifests are the ones `decisions coverage` reads, read by its scanner ------------

def _added(repo: Path) -> list[tuple[str, str, list[str]]]:
    result = run_cli("report", "--base", "main", "--format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return [(d["ref"], d["status"], d["manifests"])
            for d in json.loads(result.stdout)["dependencies"]]


def test_a_file_included_with_r_is_read_with_the_manifest_that_includes_it(repo: Path) -> None:
    """`-r extra.in`: a file of any name a requirements file includes is read, as coverage
    reads it; a dependency it adds is this change's."""
    add_line(repo / "app" / "requirements.txt", "-r extra.in")
    (repo / "app" / "extra.in").write_text("pymemcache>=4\n", encoding="utf-8")
    assert _added(repo) == [("pypi:pymemcache", "contradicted", ["app/extra.in"])]


def test_an_included_file_that_changed_alone_is_compared_with_its_base(repo: Path) -> None:
    add_line(repo / "app" / "requirements.txt", "-r shared.in")
    (repo / "app" / "shared.in").write_text("redis>=5\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a shared file of requirements")
    git(repo, "branch", "-qf", "main")
    add_line(repo / "app" / "shared.in", "httpx==0.27.0")  # requirements.txt is unchanged
    assert _added(repo) == [("pypi:httpx", "uncovered", ["app/shared.in"])]


def test_what_coverage_paths_leave_out_is_left_out_of_the_report_too(repo: Path) -> None:
    """coverage.paths, coverage.exclude and the folders coverage skips are one set of rules:
    the report adds only what `decisions coverage` would find."""
    config = repo / "decisions" / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "coverage:\n", "coverage:\n  paths: [app, vendored]\n"), encoding="utf-8")
    add_line(repo / "app" / "requirements.txt", "httpx==0.27.0")
    for folder in ("web", "vendored/node_modules/x"):  # not scanned; skipped as a tool's
        (repo / folder).mkdir(parents=True)
        (repo / folder / "package.json").write_text('{"dependencies": {"mongodb": "^6"}}',
                                                    encoding="utf-8")
    assert _added(repo) == [("pypi:httpx", "uncovered", ["app/requirements.txt"])]
    scanned = json.loads(run_cli("coverage", "--format", "json", cwd=repo).stdout)
    assert "npm:mongodb" not in {d["ref"] for d in scanned["dependencies"]}


@pytest.mark.parametrize(("name", "expected"), [
    ("app/requirements.txt", "bytes"),
    ("linked.txt", None),  # a symbolic link at base: never read, whatever it names
    ("through/requirements.txt", None),  # below a link to a folder: git keeps nothing there
    ("app", None),  # a folder
    ("app/nothing.txt", None),
    ("big.txt", TooLarge),  # larger than the limit: its size is asked before it is read
])
def test_a_file_at_the_base_is_read_only_as_a_regular_file_of_bounded_size(
        repo: Path, name: str, expected: object) -> None:
    (repo / "linked.txt").symlink_to("app/requirements.txt")
    (repo / "through").symlink_to("app")
    (repo / "big.txt").write_bytes(b"x" * 2049)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "links and a large file")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "linked.txt").unlink()  # what the working tree holds now plays no part
    if expected is TooLarge:
        with pytest.raises(TooLarge) as raised:
            file_at(repo, base, name, 2048)
        assert raised.value.args == (2049,)
        return
    found = file_at(repo, base, name, 2048)
    if expected is None:
        assert found is None
    else:
        assert found == (FIXTURE / name).read_bytes()
