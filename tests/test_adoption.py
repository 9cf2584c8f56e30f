"""Adopting the tool as an organisation would: the wheel, built from this source and installed
into a virtual environment of its own, makes a decisions repository with `decisions init`,
and everything the repository's README and CI run works there.

The environment, `.venv-adoption/`, is made on the first run (its dependencies come from the
package index, as an organisation's would) and kept while pyproject.toml is unchanged; the
wheel is built again and reinstalled, without its dependencies, whenever the package's source
changes (a stamp file holds the hash of each). Where the index cannot be reached the tests
skip with one line; in CI (CI=true) that fails. Run only these with `make test-adoption`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, cli_env
from test_browser import _Quiet, browser, page  # noqa: F401 (fixtures for the browser test)

pytestmark = pytest.mark.adoption

VENV = REPO / ".venv-adoption"
BIN = VENV / "bin"
DEPS_STAMP = VENV / ".dependencies"
WHEEL_STAMP = VENV / ".wheel"
ORG_PAGE = "Ask the architecture guild in #tech-choices before you open the pull request."
CONTRIBUTOR_PAGES = ("architecture", "performance")  # this repository's own, for its developers


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the adoption test cannot run in CI: {why}")
    pytest.skip(f"adoption test skipped: {why}")


def _source() -> list[Path]:
    """What the wheel is built from."""
    files = [REPO / "pyproject.toml", REPO / "README.md"]
    files += [p for p in sorted((REPO / "src").rglob("*")) if p.is_file()
              and "__pycache__" not in p.parts and ".egg-info" not in str(p)]
    return files


def _hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.relative_to(REPO).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()


def _reason(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR:")]
    return (errors or lines or ["no message"])[0]


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([str(BIN / "python"), "-m", "pip", "--disable-pip-version-check",
                               "--quiet", *args], capture_output=True, text=True, check=False,
                              timeout=900)
    except subprocess.TimeoutExpired:
        _unavailable(f"pip {args[0]} took more than 15 minutes")
        raise


def _build_wheel(out: Path) -> Path:
    """The wheel of this source, built from a copy (no editable install, nothing written
    into the checkout) with the test environment's setuptools."""
    copy = out / "source"
    for path in _source():
        dest = copy / path.relative_to(REPO)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--no-build-isolation", "--wheel-dir", str(out), str(copy)],
                           capture_output=True, text=True, check=False, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("decision_records-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """.venv-adoption/bin, with the wheel of the current source installed."""
    deps, source = _hash([REPO / "pyproject.toml"]), _hash(_source())
    fresh = not (BIN / "python").is_file() or not DEPS_STAMP.is_file() or \
        DEPS_STAMP.read_text(encoding="utf-8") != deps
    if not fresh and WHEEL_STAMP.is_file() and WHEEL_STAMP.read_text(encoding="utf-8") == source:
        return BIN
    wheel = _build_wheel(tmp_path_factory.mktemp("wheel"))
    if fresh:
        made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)],
                              capture_output=True, text=True, check=False, timeout=300)
        if made.returncode != 0:
            _unavailable(f"cannot make {VENV.name}: {_reason(made.stderr)}")
        done = _pip("install", str(wheel))  # and its dependencies, from the index
        if done.returncode != 0:
            _unavailable(f"pip could not install the wheel's dependencies: {_reason(done.stderr)}")
        DEPS_STAMP.write_text(deps, encoding="utf-8")
    else:
        done = _pip("install", "--no-deps", "--force-reinstall", str(wheel))
        assert done.returncode == 0, done.stderr
    WHEEL_STAMP.write_text(source, encoding="utf-8")
    return BIN


def run(bin_dir: Path, *args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """A command of the adoption environment, as a user on a CI runner would run it."""
    env = cli_env(NO_MKDOCS_2_WARNING="1", **extra)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False, timeout=600)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=T",
                           "-c", "init.defaultBranch=main", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


INIT = ("decisions", "init", "--org", "Acme Corp", "--team", "platform=3", "--team", "data=2",
        "--ci", "github")


@pytest.fixture(scope="module")
def org(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty git repository where `decisions init` ran without a terminal, committed,
    with one guide of the organisation's own in docs/, the site built."""
    repo = tmp_path_factory.mktemp("adoption") / "acme-decisions"
    repo.mkdir()
    git(repo, "init", "-q")
    done = run(installed, *INIT, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / "docs" / "propose.md").write_text(f"# Propose a tool\n\n{ORG_PAGE}\n",
                                              encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "decisions init")
    built = run(installed, "mkdocs", "build", "--strict", cwd=repo)
    assert built.returncode == 0, built.stderr
    return repo


def test_the_wheel_carries_the_whole_site(installed: Path) -> None:
    code = ("import decision_records.plugin as p, sys; "
            "print(p.__file__); print(sorted(u for u, _ in p.packaged_files()))")
    done = run(installed, "python", "-c", code, cwd=VENV)
    where, pages = done.stdout.splitlines()
    assert Path(where).is_relative_to(VENV), where  # the wheel's copy, not this checkout
    for uri in ("assets/decisions.css", "assets/decisions.js", "assets/search-worker.js",
                "propose.md", "rules/exit-plan.md", "security.md", "tags.md",
                "how-costs-are-counted.md", "rules/fragile-winner.md"):
        assert f"'{uri}'" in pages, uri
    for contributors in CONTRIBUTOR_PAGES:
        assert contributors not in pages


def test_the_records_pass_validate_strict(installed: Path, org: Path) -> None:
    done = run(installed, "decisions", "validate", "--strict", cwd=org)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 record checked: 0 errors, 0 warnings" in done.stderr


def test_the_site_has_every_page_search_and_the_first_record(org: Path) -> None:
    site = org / "site"
    (record,) = (org / "decisions").glob("0001-*.yaml")
    for page_ in ("index.html", "decisions/index.html", "budget/index.html",
                  "radar/index.html", "review/index.html", f"decisions/{record.stem}/index.html",
                  "rules/exit-plan/index.html", "import/index.html", "security/index.html",
                  "pagefind/shards.json", "pagefind/0/pagefind-entry.json",
                  "assets/search-worker.js"):
        assert (site / page_).is_file(), page_
    for contributors in CONTRIBUTOR_PAGES:
        assert not (site / contributors).exists(), contributors
    assert "Acme Corp technology decisions" in (site / "index.html").read_text(encoding="utf-8")
    # the organisation's own guide replaced the packaged one
    assert ORG_PAGE in (site / "propose" / "index.html").read_text(encoding="utf-8")


def test_a_second_init_changes_nothing(installed: Path, org: Path) -> None:
    done = run(installed, *INIT, cwd=org)
    assert done.returncode == 0, done.stderr
    assert git(org, "status", "--porcelain") == ""


def test_init_check_shows_an_edited_workflow(installed: Path, org: Path) -> None:
    done = run(installed, "decisions", "init", "--check", cwd=org)
    assert done.returncode == 0, done.stdout
    workflow = org / ".github" / "workflows" / "decisions-review.yml"
    workflow.write_text(workflow.read_text(encoding="utf-8").replace(
        "decisions validate --strict", "decisions validate"), encoding="utf-8")
    try:
        done = run(installed, "decisions", "init", "--check", cwd=org)
        assert done.returncode == 1
        assert "\n-        run: decisions validate\n+        run: decisions validate --strict\n" \
            in done.stdout
    finally:
        git(org, "checkout", "--", ".")


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_every_command_the_ci_runs_is_a_command(installed: Path, ci: str,
                                                tmp_path: Path) -> None:
    done = run(installed, "decisions", "init", "--org", "Acme", "--team", "sre=2", "--ci", ci,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    helped = run(installed, "decisions", "--help", cwd=tmp_path).stdout
    commands = set(re.findall(r"^  ([a-z-]+)\s", helped.split("Commands:")[1], re.MULTILINE))
    ci_files = [tmp_path / ".gitlab-ci.yml"] if ci == "gitlab" else \
        sorted((tmp_path / ".github" / "workflows").glob("*.yml"))
    runs: set[str] = set()
    for path in ci_files:
        text = "\n".join(_run_lines(yaml.safe_load(path.read_text(encoding="utf-8"))))
        runs |= set(re.findall(r"(?:^|\s)decisions ([a-z-]+)", text, re.MULTILINE))
    assert {"validate", "enrich", "report", "review"} <= runs
    assert runs <= commands, runs - commands


def _run_lines(node: object, key: str = "") -> Iterator[str]:
    """The shell lines of a GitHub workflow (`run`) or a GitLab pipeline (`script`)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _run_lines(v, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from _run_lines(v, key)
    elif isinstance(node, str) and key in ("run", "script", "before_script"):
        yield from node.splitlines()


def test_new_writes_the_second_record(installed: Path, org: Path) -> None:
    done = run(installed, "decisions", "new", "Buy a paging service", "--team", "platform",
               "--category", "alerting", "--option", "PagerDuty=buy", "--option",
               "Our own pager=build", cwd=org)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "decisions/0002-buy-a-paging-service.yaml"
    assert (org / "decisions" / "0002-buy-a-paging-service.yaml").is_file()


@pytest.fixture(scope="module")
def served(org: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(org / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_scaffolded_site_in_a_browser(page: Any, served: str, org: Path) -> None:  # noqa: F811
    (record,) = (org / "decisions").glob("0001-*.yaml")
    title = yaml.safe_load(record.read_text(encoding="utf-8"))["title"]
    page.goto(served)
    page.locator("input.md-search__input").click()
    page.keyboard.type("wiki", delay=20)  # a word of the first record's options
    result = page.locator(".md-search-result__item a[href*='/decisions/0001-']").first
    result.wait_for()
    result.click()
    page.wait_for_url(re.compile(r"/decisions/0001-"))
    assert title in page.locator("h1").inner_text()
    page.goto(served + "decisions/")
    rows = page.locator("table[data-index] tbody tr:visible")
    assert rows.count() == 1 and title in rows.first.inner_text()
    page.goto(served + "budget/")
    for team, budget in (("platform", 3), ("data", 2)):
        figures = page.locator(f".dr-team[data-team={team}] .dr-team-figures").inner_text()
        assert f"budget {budget}" in figures and f"remaining {budget}" in figures, figures
