"""`decisions import` and the links of real ADR collections: between ADRs, to the files next to
the ADR folder, and the images they show.

Each test builds a project in tmp_path: decisions/ beside an ADR folder, with the specs and
source code a repository keeps next to its ADRs, and imports with the real command or `run`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from conftest import TODAY, run_cli, write_decisions
from decision_records.adr_import.batch import ImportResult, run
from decision_records.adr_import.summary import report
from decision_records.loader import load_record
from decision_records.model import Record

PNG = (Path(__file__).parent / "fixtures" / "adr" / "messy" / "images" / "backup-zones.png"
       ).read_bytes()


def adr(title: str, *, status: str = "Accepted", body: str = "Text.") -> str:
    return (f"# {title}\n\n## Status\n\n{status}\n\n## Context\n\n{body}\n\n## Decision\n\n"
            f"We will {title[:1].lower()}{title[1:]}.\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """decisions/, doc/adr/ with ADR 10, a spec and code next to the ADR folder, and a page
    of the site under docs/."""
    write_decisions(tmp_path, {})
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (tmp_path / "doc" / "adr").mkdir(parents=True)
    (tmp_path / "doc" / "specs").mkdir()
    (tmp_path / "doc" / "specs" / "api.md").write_text("# API\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("print()\n", encoding="utf-8")
    (tmp_path / "doc" / "adr" / "0010-use-x.md").write_text(adr("Use X"), encoding="utf-8")
    return tmp_path


def write(project: Path, name: str, text: str) -> None:
    path = project / "doc" / "adr" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def do_import(project: Path, *paths: str, source_url: str | None = None,
              dry_run: bool = False) -> ImportResult:
    with contextlib.chdir(project):
        return run([Path(p) for p in paths or ("doc/adr",)], Path("decisions"), team=None,
                   today=TODAY, dry_run=dry_run,
                   **({"source_url": source_url} if source_url else {}))


def record_of(project: Path, result: ImportResult, source: str) -> Record:
    outcome = next(o for o in result.imported if o.source.name == source)
    assert outcome.record is not None
    loaded = load_record(project / outcome.record)
    assert loaded.record is not None, loaded.findings
    return loaded.record


def guesses(record: Record) -> dict[str, str]:
    assert record.imported is not None
    return {g.field: g.note for g in record.imported.guesses}


# --- links between ADRs -------------------------------------------------------------------------

LINKED = "See [ADR 10]({target}) first.\n\n## Links\n\n* [ADR 10]({target})"


@pytest.mark.parametrize("target", ["./0010-use-x.md", "0010-use-x.md", "./0010-use-x",
                                    "./0010-use-x.md#context", "../adr/0010-use-x.md",
                                    "<./0010-use-x.md>", "./0010-use-x.md 'ADR 10'"])
@pytest.mark.parametrize("earlier", [False, True], ids=["same-run", "earlier-run"])
def test_a_link_to_an_imported_adr_points_at_its_record(
        project: Path, target: str, earlier: bool) -> None:
    if earlier:
        do_import(project, "doc/adr/0010-use-x.md")
    write(project, "0011-use-y.md", adr("Use Y", body=LINKED.format(target=target)))
    result = do_import(project)
    record = record_of(project, result, "0011-use-y.md")
    # the ADR's headings are not the record page's: a fragment would lead nowhere
    title = " 'ADR 10'" if "'" in target else ""
    assert record.context.startswith(f"See [ADR 10](0001-use-x.yaml{title}) first.")
    assert [link.url for link in record.links] == ["./0001-use-x.yaml"]
    assert "context" not in guesses(record)
    assert "could not be resolved" not in report(result)


@pytest.mark.parametrize("target", ["./0010-use-x.md", "../adr/./0010-use-x.md"])
def test_a_dot_slash_supersession_is_resolved(project: Path, target: str) -> None:
    write(project, "0011-use-y.md",
          adr("Use Y", status=f"Accepted\n\nSupersedes [ADR 10]({target})"))
    result = do_import(project)
    assert record_of(project, result, "0011-use-y.md").supersedes == ["0001-use-x"]
    assert record_of(project, result, "0010-use-x.md").status == "superseded"


# A link whose path is wrong but whose file name is that of exactly one imported ADR: the ADRs
# were moved into folders by status (`./0010-x.md` written when they were side by side), it was
# written from another folder, or with another extension. (ADR file, target.)
WRONG_PATHS = [("accepted/0011-use-y.md", "./0010-use-x.md"),
               ("accepted/0011-use-y.md", "0010-use-x.md"),
               ("0011-use-y.md", "../decisions/0010-use-x.md"),
               ("0011-use-y.md", "./old/0010-use-x.md"),
               ("0011-use-y.md", "/doc/adr/0010-use-x.md"),
               ("0011-use-y.md", "0010-use-x.markdown"),
               ("0011-use-y.md", "../../../../../elsewhere/0010-use-x.md")]


@pytest.mark.parametrize(("name", "target"), WRONG_PATHS)
def test_a_wrong_path_to_the_only_adr_of_its_name_points_at_its_record(
        project: Path, name: str, target: str) -> None:
    write(project, name, adr("Use Y", body=LINKED.format(target=target)))
    result = do_import(project)
    record = record_of(project, result, "0011-use-y.md")
    assert record.context.startswith("See [ADR 10](0001-use-x.yaml) first.")
    assert [link.url for link in record.links] == ["./0001-use-x.yaml"]
    note = (f"the link {target!r} leads to no file; it now points at 0001-use-x, the only ADR "
            "imported of that name")
    assert guesses(record)["context"] == note
    assert guesses(record)["links[0].url"] == note
    assert "Links that could not be resolved" not in report(result)


def test_a_wrong_supersession_path_is_resolved_by_name_and_said(project: Path) -> None:
    write(project, "0011-use-y.md",
          adr("Use Y", status="Accepted\n\nSupersedes [ADR 10](old/0010-use-x.md)"))
    result = do_import(project)
    record = record_of(project, result, "0011-use-y.md")
    assert record.supersedes == ["0001-use-x"]
    assert guesses(record)["supersedes"] == (
        "the link 'old/0010-use-x.md' leads to no file; it now points at 0001-use-x, the only "
        "ADR imported of that name")


def test_a_name_two_imported_adrs_share_is_not_guessed(project: Path) -> None:
    write(project, "team-a/0010-use-x.md", adr("Use X for team A"))
    write(project, "0011-use-y.md", adr("Use Y", body=LINKED.format(target="old/0010-use-x.md")))
    result = do_import(project)
    record = record_of(project, result, "0011-use-y.md")
    assert "0001-use-x.yaml" not in record.context
    assert "context" not in guesses(record)
    assert "  doc/adr/0011-use-y.md: old/0010-use-x.md (no such file)\n" in report(result)


def test_an_existing_file_of_an_adrs_name_is_not_taken_for_it(project: Path) -> None:
    """A path that leads to a file is right, even when the file has an ADR's name."""
    (project / "doc" / "specs" / "0010-use-x.md").write_text("# Spec\n", encoding="utf-8")
    write(project, "0011-use-y.md",
          adr("Use Y", body=LINKED.format(target="../specs/0010-use-x.md")))
    result = do_import(project, source_url="https://example.com/repo/tree/main/doc/adr/")
    record = record_of(project, result, "0011-use-y.md")
    assert record.context.startswith(
        "See [ADR 10](https://example.com/repo/tree/main/doc/specs/0010-use-x.md) first.")
    assert "context" not in guesses(record)


# --- links to the files next to the ADR folder --------------------------------------------------

URL = "https://git.example.com/acme/shop/tree/main/doc/adr/"
NEXT_TO = ("See [the spec](../specs/api.md#errors), [the code](../../src/main.py), "
           "[the guide](../../docs/guide.md), [a record](../../decisions/0001-use-x.yaml), "
           "[ADR 10](0010-use-x.md) and [the index](README.md).\n\n## Links\n\n"
           "* [API spec](../specs/api.md)\n* [Guide](../../docs/guide.md)")


def test_links_next_to_the_adr_folder_point_at_the_source_url(project: Path) -> None:
    (project / "doc" / "adr" / "README.md").write_text("# ADRs\n", encoding="utf-8")
    write(project, "0011-use-y.md", adr("Use Y", body=NEXT_TO))
    result = do_import(project, source_url=URL)
    record = record_of(project, result, "0011-use-y.md")
    assert record.context.startswith(
        "See [the spec](https://git.example.com/acme/shop/tree/main/doc/specs/api.md#errors), "
        "[the code](https://git.example.com/acme/shop/tree/main/src/main.py), "
        "[the guide](../docs/guide.md), [a record](./0001-use-x.yaml), "
        "[ADR 10](0001-use-x.yaml) and "
        "[the index](https://git.example.com/acme/shop/tree/main/doc/adr/README.md).")
    assert [link.url for link in record.links] == [
        "https://git.example.com/acme/shop/tree/main/doc/specs/api.md", "../docs/guide.md"]
    assert "Links left out" not in report(result)


def test_without_a_source_url_they_keep_their_text_only_and_are_listed(project: Path) -> None:
    (project / "doc" / "adr" / "README.md").write_text("# ADRs\n", encoding="utf-8")
    write(project, "0011-use-y.md", adr("Use Y", body=NEXT_TO + "\n* [Gone](../gone.md)"))
    result = do_import(project)
    record = record_of(project, result, "0011-use-y.md")
    assert record.context.startswith(
        "See the spec, the code, [the guide](../docs/guide.md), [a record](./0001-use-x.yaml), "
        "[ADR 10](0001-use-x.yaml) and the index.")
    assert [link.url for link in record.links] == ["../docs/guide.md"]
    why = "not published with the site; give --source-url to link it in the source repository"
    assert report(result).split("Links left out (the record keeps their text):\n")[1].split(
        "\n\n")[0].split("\n") == [
        f"  doc/adr/0011-use-y.md: ../specs/api.md#errors ({why})",
        f"  doc/adr/0011-use-y.md: ../../src/main.py ({why})",
        f"  doc/adr/0011-use-y.md: README.md ({why})",
        f"  doc/adr/0011-use-y.md: ../specs/api.md ({why})",
        "  doc/adr/0011-use-y.md: ../gone.md (no such file)"]


@pytest.mark.parametrize(("target", "expected"), [
    # from an ADR in a subfolder, the path is taken from the folder imported
    ("../../specs/api.md", "https://git.example.com/acme/shop/tree/main/doc/specs/api.md"),
    ("../../../outside/x.md", "https://git.example.com/acme/shop/tree/main/outside/x.md"),
    ("../../../../../../../x.md", "https://git.example.com/x.md"),
    ("my%20notes.md?plain=1", "https://git.example.com/acme/shop/tree/main/doc/adr/old/"
                              "my%20notes.md"),
    ("../../../../../../../../x.md", None),  # above the address's host: left out
    ("./javascript:alert(1)", "<https://git.example.com/acme/shop/tree/main/doc/adr/old/"
                              "javascript:alert(1)>"),
    ("./", "https://git.example.com/acme/shop/tree/main/doc/adr/old"),
])
def test_source_url_links_are_taken_from_the_folder_imported(
        project: Path, target: str, expected: str | None) -> None:
    write(project, "old/0011-use-y.md", adr("Use Y", body=f"See [it]({target})."))
    result = do_import(project, source_url=URL)
    record = record_of(project, result, "0011-use-y.md")
    assert record.context.startswith(f"See [it]({expected})." if expected else "See it.")
    if expected is None:
        assert f"  doc/adr/old/0011-use-y.md: {target} (leads above the --source-url address)" \
            in report(result)


def test_an_image_not_copied_links_to_the_source_url(project: Path) -> None:
    (project / "doc" / "adr" / "flow.svg").write_text("<svg/>", encoding="utf-8")
    write(project, "0011-use-y.md", adr("Use Y", body="![the flow](flow.svg)"))
    record = record_of(project, do_import(project, source_url=URL), "0011-use-y.md")
    assert record.context.startswith(f"[the flow]({URL}flow.svg)")


@pytest.mark.parametrize(("url", "problem"), [
    ("ftp://example.com/adr/", "give an http or https address with a host"),
    ("https:///adr/", "give an http or https address with a host"),
    ("doc/adr", "give an http or https address with a host"),
    ("https://example.com/adr/?x=1", "the address of a folder has no ?query or #fragment"),
    ("https://example.com/a dr/", "a web address is one line without spaces"),
    ("https://example.com/adr/\n", "a web address is one line without spaces"),
])
def test_a_source_url_that_is_no_folder_address_exits_2(
        project: Path, url: str, problem: str) -> None:
    result = run_cli("--dir", "decisions", "import", "doc/adr", "--source-url", url,
                     cwd=project)
    assert result.returncode == 2
    assert problem in result.stderr and "Traceback" not in result.stderr


def test_a_source_url_is_of_one_folder(project: Path) -> None:
    (project / "other").mkdir()
    result = run_cli("--dir", "decisions", "import", "doc/adr", "other", "--source-url", URL,
                     cwd=project)
    assert result.returncode == 2
    assert "--source-url is the web address of one folder, and the paths are in 2" in \
        result.stderr
    ok = run_cli("--dir", "decisions", "import", "doc/adr", "--dry-run", "--source-url",
                 URL.removesuffix("/"), cwd=project)
    assert ok.returncode == 0, ok.stderr


# --- images -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "shown"), [
    ('<img src="images/flow.png" alt="The flow" width="300">', "![The flow]({copy})"),
    ("<IMG alt='[draft] flow' SRC='images/flow.png'/>", "![\\[draft\\] flow]({copy})"),
    ('<img src="images/flow.png">', "![]({copy})"),
    # what is not copied stays as it was: a web address, or the text of a refused image
    ('<img src="https://example.com/flow.png" alt="x">',
     '<img src="https://example.com/flow.png" alt="x">'),
    ('<img src="images/gone.png" alt="Gone">', "Gone"),
])
def test_an_html_image_that_is_copied_becomes_a_markdown_image(
        project: Path, tag: str, shown: str) -> None:
    """The site renders record text with raw HTML off: an <img> tag would show as text."""
    (project / "doc" / "adr" / "images").mkdir()
    (project / "doc" / "adr" / "images" / "flow.png").write_bytes(PNG)
    write(project, "0011-use-y.md", adr("Use Y", body=f"Before {tag} after."))
    record = record_of(project, do_import(project), "0011-use-y.md")
    copy = "../docs/assets/imported/0002-use-y/flow.png"
    assert record.context.startswith(f"Before {shown.format(copy=copy)} after.")
    if "{copy}" in shown:
        assert (project / "docs" / "assets" / "imported" / "0002-use-y" / "flow.png"
                ).read_bytes() == PNG
