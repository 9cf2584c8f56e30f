"""Decision 0001's exit plan, kept true: ProperDocs builds the shipped site from the same
mkdocs.yml and hooks, with the same pages as MkDocs.

ProperDocs (the maintained MkDocs 1.x fork) lives in a virtual environment of its own,
`.venv-properdocs/`, with the project and its `properdocs` extra. It is made on the first run
and reused while pyproject.toml is unchanged (a stamp file holds its hash). Where it cannot be
installed (no package index), the test skips with one line; in CI (CI=true) that fails.
Run only this with `make test-properdocs`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import REPO, TODAY_ENV

pytestmark = pytest.mark.properdocs

VENV = REPO / ".venv-properdocs"
STAMP = VENV / ".installed"
GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)">')


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the ProperDocs build cannot run in CI: {why}")
    pytest.skip(f"ProperDocs build skipped: {why}")


def _key() -> str:
    return hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()


def _reason(text: str) -> str:
    """pip's own error line (`ERROR: Could not find a version ...`), else its first line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR:")]
    return (errors or lines or ["no message"])[0]


@pytest.fixture(scope="module")
def properdocs() -> Path:
    """The `properdocs` command of .venv-properdocs, installed when missing or stale."""
    exe = VENV / "bin" / "properdocs"
    if exe.is_file() and STAMP.is_file() and STAMP.read_text(encoding="utf-8") == _key():
        return exe
    made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)],
                          capture_output=True, text=True, check=False, timeout=300)
    if made.returncode != 0:
        _unavailable(f"cannot make {VENV.name}: {_reason(made.stderr)}")
    try:
        pip = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", "-e", f"{REPO}[properdocs]"],
            capture_output=True, text=True, check=False, timeout=600)
    except subprocess.TimeoutExpired:
        _unavailable("installing properdocs took more than 10 minutes")
    if pip.returncode != 0 or not exe.is_file():
        _unavailable(f"pip could not install properdocs: {_reason(pip.stderr)}")
    STAMP.write_text(_key(), encoding="utf-8")
    return exe


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DECISIONS_DIR"}  # shipped records
    env.update(DECISIONS_TODAY=TODAY_ENV, NO_MKDOCS_2_WARNING="1",
               DISABLE_MKDOCS_2_WARNING="true")
    return env


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_pages_mkdocs_builds(properdocs: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ours = tmp_path / "properdocs"
    done = subprocess.run(
        [str(properdocs), "build", "--strict", "-f", str(REPO / "mkdocs.yml"),
         "-d", str(ours)], cwd=REPO, env=_env(), capture_output=True, text=True,
        check=False, timeout=300)
    assert done.returncode == 0, done.stderr

    theirs = tmp_path / "mkdocs"
    for name, value in _env().items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("DECISIONS_DIR", raising=False)
    monkeypatch.chdir(REPO)
    build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(theirs),
                      strict=True))

    got, expected = _files(ours), _files(theirs)
    pages = sorted(n for n in expected if n.endswith(".html"))
    assert len(pages) > 30 and "decisions/0001-use-mkdocs-material-for-the-decision-site/" \
        "index.html" in pages
    assert sorted(n for n in got if n.endswith(".html")) == pages
    assert sorted(got) == sorted(expected)  # search index, data files and assets too
    # The build really went through ProperDocs: it names itself in every page.
    home = got["index.html"].decode("utf-8")
    generator = GENERATOR.search(home)
    assert generator is not None and "ProperDocs" in generator[1], generator
    # And the pages say the same, once the generator line is left out.
    differ = [n for n in pages
              if GENERATOR.sub("", got[n].decode("utf-8"))
              != GENERATOR.sub("", expected[n].decode("utf-8"))]
    assert differ == [], f"ProperDocs' pages differ from MkDocs': {differ[:5]}"
