"""The `decisions` MkDocs plugin in an organisation's repository made by `decisions init`:
real builds in temporary folders, asserting on what a reader gets."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import REPO, TODAY_ENV, run_cli
from decision_records.plugin import DOCS, NAV
from decision_records.scaffold import first_record_name

FIRST = Path(first_record_name()).stem
Build = Callable[..., Path]


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """A repository as `decisions init` writes it."""
    repo = tmp_path / "org"
    result = run_cli("init", str(repo), "--org", "Acme", "--team", "platform=3", "--ci",
                     "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return repo


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Build:
    def make(repo: Path, **changes: object) -> Path:
        """Build repo's site, strict as CI does, with mkdocs.yml's keys changed."""
        monkeypatch.delenv("DECISIONS_DIR", raising=False)
        monkeypatch.setenv("DECISIONS_TODAY", TODAY_ENV)
        monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
        if changes:
            path = repo / "mkdocs.yml"
            config = yaml.safe_load(path.read_text(encoding="utf-8"))
            config.update(changes)
            path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        out = repo / "site"
        build(load_config(config_file=str(repo / "mkdocs.yml"), site_dir=str(out), strict=True))
        return out

    return make


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def nav(html: str) -> list[tuple[str, str]]:
    """The primary navigation's (href, label) pairs, sections' own links left out."""
    found = re.findall(r'<a href="([^"#]*)" class="md-nav__link[^"]*">\s*'
                       r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', html)
    return list(dict.fromkeys(found))


def test_an_organisation_site_has_every_page_and_nothing_of_ours(org: Path, site: Build) -> None:
    out = site(org)
    for url in ("", "decisions", f"decisions/{FIRST}", "budget", "radar", "review", "signals",
                "coverage", "timeline", "tags", "problems", "propose", "rules",
                "rules/exit-plan", "import", "refresh", "decision-coverage", "security"):
        assert (out / url / "index.html").is_file(), url
    for asset in ("assets/decisions.css", "assets/decisions.js", "assets/search-worker.js",
                  "pagefind/shards.json", "decision.schema.json"):
        assert (out / asset).is_file(), asset
    # how this tool is built and measured is for its contributors, not for the organisation
    assert not (out / "architecture").exists() and not (out / "performance").exists()
    home = page(out, "")
    assert "Acme technology decisions" in home
    # the stylesheet, the script and the theme override came with the plugin
    assert 'href="assets/decisions.css"' in home and 'src="assets/decisions.js"' in home
    assert 'config.search = "assets/search-worker.js"' in home
    # Material's own search engine is not shipped: the worker above asks Pagefind
    assert not (out / "assets" / "javascripts" / "lunr").exists()
    assert not (out / "assets" / "javascripts" / "workers").exists()


def test_without_a_nav_the_plugin_lists_its_pages_then_the_sites_own(org: Path,
                                                                      site: Build) -> None:
    (org / "docs" / "onboarding.md").write_text("# Onboarding\n\nHello.\n", encoding="utf-8")
    (org / "docs" / "teams").mkdir()
    (org / "docs" / "teams" / "platform.md").write_text("# Platform\n", encoding="utf-8")
    out = site(org)
    labels = [label for _, label in nav(page(out, "budget"))]
    expected = [label for label, _ in NAV]
    assert labels == [*expected, "Onboarding", "Platform"], labels
    assert re.search(r'<label class="md-nav__link"[^>]*>\s*<span class="md-ellipsis">\s*Teams',
                     page(out, "budget"))  # teams/ is a section, as MkDocs makes it
    # records, years and rules stay out of the navigation (Material renders it into every
    # page), though each has its page
    assert not [href for href, _ in nav(page(out, "budget")) if FIRST in href]


def test_an_organisations_page_replaces_the_packaged_one(org: Path, site: Build) -> None:
    (org / "docs" / "propose.md").write_text(
        "# Propose a tool\n\nAsk in #architecture first, then open a pull request.\n",
        encoding="utf-8")
    (org / "docs" / "rules").mkdir()
    (org / "docs" / "rules" / "exit-plan.md").write_text("# exit-plan\n\nOur own words.\n",
                                                         encoding="utf-8")
    out = site(org)
    assert "Ask in #architecture first" in page(out, "propose")
    assert "Our own words." in page(out, "rules/exit-plan")
    assert "walks through" not in page(out, "propose")
    # the packaged pages nobody replaced are still there
    assert "Importing Markdown ADRs" in page(out, "import")


def test_exclude_docs_and_the_tags_plugin_decide_which_packaged_pages_exist(
        org: Path, site: Build) -> None:
    config = yaml.safe_load((org / "mkdocs.yml").read_text(encoding="utf-8"))
    out = site(org, exclude_docs="import.md\n",
               plugins=[p for p in config["plugins"] if not isinstance(p, dict)])
    assert not (out / "import").exists() and not (out / "tags").exists()
    assert "Import ADRs" not in [label for _, label in nav(page(out, ""))]


def test_a_sites_own_theme_override_comes_first(org: Path, site: Build) -> None:
    (org / "overrides").mkdir()
    (org / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block footer %}<p id="ours">Acme</p>{% endblock %}',
        encoding="utf-8")
    config = yaml.safe_load((org / "mkdocs.yml").read_text(encoding="utf-8"))
    out = site(org, theme={**config["theme"], "custom_dir": "overrides"})
    home = page(out, "")
    assert '<p id="ours">Acme</p>' in home


def test_the_records_folder_is_a_plugin_setting(org: Path, site: Build) -> None:
    (org / "decisions").rename(org / "records")
    config = yaml.safe_load((org / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [{"decisions": {"dir": "records"}} if p == "decisions" else p
               for p in config["plugins"]]
    out = site(org, plugins=plugins)
    assert (out / "decisions" / FIRST / "index.html").is_file()


def test_this_repository_builds_the_same_site_through_the_hooks(tmp_path: Path,
                                                                 site: Build) -> None:
    """hooks/decisions.py is the plugin as hooks, with nothing of its own."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "docs").symlink_to(REPO / "docs")
    (project / "hooks").symlink_to(REPO / "hooks")
    (project / "decisions").symlink_to(REPO / "decisions")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if p != "decisions"]
    config["hooks"] = ["hooks/decisions.py"]
    config["docs_dir"] = str(REPO / "docs")
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    hooked = site(project)
    plain = tmp_path / "plugin"
    build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(plain), strict=True))
    names = sorted(p.relative_to(plain).as_posix() for p in plain.rglob("*") if p.is_file())
    assert sorted(p.relative_to(hooked).as_posix() for p in hooked.rglob("*")
                  if p.is_file()) == names
    assert page(hooked, "budget") == page(plain, "budget")


def test_every_packaged_page_is_in_the_wheels_package_data() -> None:
    """pyproject's globs take every file under docs/ (dot files would be left out)."""
    packaged = [p for p in DOCS.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert packaged and not [p for p in packaged if p.name.startswith(".")]


def _palette(html: str) -> list[tuple[str, str]]:
    """(media query, scheme) of each of Material's palette switches in the page's header."""
    return re.findall(r'<input class="md-option" data-md-color-media="([^"]*)" '
                      r'data-md-color-scheme="([^"]*)"', html)


def test_the_site_follows_the_readers_light_or_dark_preference(org: Path, site: Build) -> None:
    """Without a palette in mkdocs.yml (as `decisions init` writes it, now and before), the
    plugin brings Material's light and dark schemes, chosen by the system's preference."""
    config = yaml.safe_load((org / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "palette" not in config["theme"]
    home = page(site(org), "")
    assert _palette(home) == [("(prefers-color-scheme: light)", "default"),
                              ("(prefers-color-scheme: dark)", "slate")]
    assert 'aria-label="Switch to dark mode"' in home
    assert 'aria-label="Switch to light mode"' in home


def test_a_sites_own_palette_is_kept(org: Path, site: Build) -> None:
    config = yaml.safe_load((org / "mkdocs.yml").read_text(encoding="utf-8"))
    home = page(site(org, theme={**config["theme"], "palette": {"primary": "teal"}}), "")
    assert _palette(home) == []
    assert 'data-md-color-primary="teal"' in home
