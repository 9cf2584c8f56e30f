"""`decisions import` against a hostile ADR folder: what it reads, what it publishes.

Each test builds a real project in tmp_path (repo/ with decisions/, adr/ and docs/; files
outside repo/ stand for the rest of the machine) with real symbolic links, a named pipe,
/proc/self/environ, files that lie about their type and an oversized image, then imports
and reads what was written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import TODAY, run_cli, variant, write_decisions
from decision_records.adr_import.batch import ImportResult, SourceOutcome, run
from decision_records.adr_import.summary import report
from decision_records.loader import load_record

FIXTURES = Path(__file__).parent / "fixtures" / "adr" / "messy"
PNG = (FIXTURES / "images" / "backup-zones.png").read_bytes()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
SECRET = "AWS_SECRET_ACCESS_KEY=do-not-publish"
RECORD = "0001-use-a-diagram"
ASSETS = Path("docs", "assets", "imported", RECORD)
ADR = """# Use a diagram

## Status

Accepted

## Context

{body}

## Decision

We will draw the flow.
"""


@dataclass
class Imported:
    repo: Path
    result: ImportResult
    summary: str

    @property
    def outcome(self) -> SourceOutcome:
        (outcome,) = self.result.imported
        return outcome

    @property
    def context(self) -> str:
        assert self.outcome.record is not None
        loaded = load_record(self.repo / self.outcome.record)
        assert loaded.record is not None, loaded.findings
        return loaded.record.context

    def published(self) -> dict[str, bytes]:
        """Every file under docs/ (where the site is built from), links not followed."""
        docs = self.repo / "docs"
        found = {}
        for here, _, names in os.walk(docs):
            for name in names:
                path = Path(here, name)
                if path.is_file() and not path.is_symlink():
                    found[path.relative_to(docs).as_posix()] = path.read_bytes()
        return found


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """tmp_path/repo, a project with an empty decisions folder and adr/images/; a secret and
    a real picture outside it."""
    root = tmp_path / "repo"
    write_decisions(root, {})
    (root / "adr" / "images").mkdir(parents=True)
    (tmp_path / "outside-secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "diagram.png").write_bytes(PNG)
    return root


def _import(repo: Path, body: str, *paths: str, dry_run: bool = False,
            within: str | None = None) -> Imported:
    (repo / "adr" / "0001-use-a-diagram.md").write_text(ADR.format(body=body),
                                                         encoding="utf-8")
    with contextlib.chdir(repo):
        result = run([Path(p) for p in paths or ("adr",)], Path("decisions"), team=None,
                     today=TODAY, dry_run=dry_run,
                     within=Path(within) if within is not None else None)
        return Imported(repo, result, report(result))


def _up(repo: Path, path: str) -> str:
    """A relative path from repo/adr/ to the absolute `path`, through `..` to the root."""
    return "../" * len((repo / "adr").parts[1:]) + path.lstrip("/")


# --- images that are not copied -----------------------------------------------------------------

Setup = Callable[[Path], str]  # makes the file(s) under repo; returns the image target


def _text_named_png(repo: Path) -> str:
    (repo / "adr" / "images" / "diagram.png").write_text("just some notes\n", encoding="utf-8")
    return "images/diagram.png"


def _jpeg_named_png(repo: Path) -> str:
    (repo / "adr" / "images" / "diagram.png").write_bytes(JPEG)
    return "images/diagram.png"


def _svg(repo: Path) -> str:
    (repo / "adr" / "images" / "flow.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
        "</svg>\n", encoding="utf-8")
    return "images/flow.svg"


def _oversized(repo: Path) -> str:
    path = repo / "adr" / "images" / "huge.png"
    with path.open("wb") as f:
        f.write(PNG)
        f.truncate(10 * 1024 * 1024 + 1)  # sparse: a picture one byte over the cap
    return "images/huge.png"


def _link_to_outside(repo: Path) -> str:
    (repo / "adr" / "images" / "diagram.png").symlink_to(repo.parent / "outside" / "diagram.png")
    return "images/diagram.png"


def _link_inside(repo: Path) -> str:
    (repo / "adr" / "images" / "real.png").write_bytes(PNG)
    (repo / "adr" / "images" / "diagram.png").symlink_to("real.png")
    return "images/diagram.png"


def _linked_folder(repo: Path) -> str:
    (repo / "adr" / "images").rmdir()
    (repo / "adr" / "images").symlink_to(repo.parent / "outside")
    return "images/diagram.png"


def _fifo(repo: Path) -> str:
    os.mkfifo(repo / "adr" / "images" / "diagram.png")
    return "images/diagram.png"


def _folder(repo: Path) -> str:
    (repo / "adr" / "images" / "diagram.png").mkdir()
    return "images/diagram.png"


def _notes(repo: Path) -> str:
    (repo / "adr" / "notes.txt").write_text("notes\n", encoding="utf-8")
    return "notes.txt"


def _repo_file(repo: Path) -> str:
    (repo / "secret.png").write_bytes(PNG)
    return "../secret.png"


# (target or setup, reason in the summary, what the record keeps instead of the image)
NOT_COPIED: list[tuple[str, str | Setup, str, str]] = [
    ("outside-the-repository", "../../outside-secret.txt",
     "outside adr, the folder images are copied from (see --root)", "the diagram"),
    ("outside-the-folder", _repo_file,
     "outside adr, the folder images are copied from (see --root)",
     "[the diagram](../secret.png)"),
    ("proc-environ", lambda repo: _up(repo, "/proc/self/environ"),
     "outside adr, the folder images are copied from (see --root)", "the diagram"),
    ("absolute", "/proc/self/environ", "an absolute path", "the diagram"),
    ("link-to-outside", _link_to_outside, "a symbolic link, not a regular file",
     "the diagram"),
    ("link-inside", _link_inside, "a symbolic link, not a regular file",
     "[the diagram](../adr/images/diagram.png)"),
    ("linked-folder", _linked_folder, "images is a symbolic link, not a folder",
     "the diagram"),
    ("fifo", _fifo, "a named pipe (FIFO), not a regular file",
     "[the diagram](../adr/images/diagram.png)"),
    ("folder", _folder, "a directory, not a regular file",
     "[the diagram](../adr/images/diagram.png)"),
    ("text-named-png", _text_named_png,
     "named .png but not a PNG picture: its first bytes are no picture format's",
     "[the diagram](../adr/images/diagram.png)"),
    ("jpeg-named-png", _jpeg_named_png,
     "named .png but not a PNG picture: its first bytes are those of a JPEG one",
     "[the diagram](../adr/images/diagram.png)"),
    ("svg", _svg, "an SVG drawing, which can carry script; export it as PNG",
     "[the diagram](../adr/images/flow.svg)"),
    ("oversized", _oversized,
     "the file is 10,485,761 bytes, more than the 10 MiB an imported image may be",
     "[the diagram](../adr/images/huge.png)"),
    ("not-a-picture", _notes, "not a picture by its name (.txt); only PNG, JPEG, GIF and "
     "WebP files are copied", "[the diagram](../adr/notes.txt)"),
    ("missing", "images/missing.png", "no such file", "the diagram"),
]


@pytest.mark.parametrize(("make", "reason", "kept"), [c[1:] for c in NOT_COPIED],
                         ids=[c[0] for c in NOT_COPIED])
def test_an_image_that_is_not_safe_to_publish_is_not_copied(
        repo: Path, make: str | Setup, reason: str, kept: str) -> None:
    image = make if isinstance(make, str) else make(repo)
    got = _import(repo, f"Here it is:\n\n![the diagram]({image})\n")
    assert got.published() == {}
    assert not (repo / "docs").exists() or not any((repo / "docs").rglob("*"))
    assert got.outcome.images == ()
    assert f"\nImages not copied (the record keeps their text, or a plain link to the file):\n" \
           f"  adr/0001-use-a-diagram.md: {image}: not copied ({reason})\n" in got.summary
    assert "Images copied" not in got.summary
    assert got.context.startswith(f"Here it is:\n\n{kept}\n")
    assert "![" not in got.context and SECRET not in got.context


def test_an_html_image_of_the_process_environment_is_not_published(repo: Path) -> None:
    target = _up(repo, "/proc/self/environ")
    got = _import(repo, f'<img src="{target}" alt="Build settings" width="300">\n\nAfter.')
    assert got.published() == {}
    assert got.context.startswith("Build settings\n\nAfter.")
    assert f"  adr/0001-use-a-diagram.md: {target}: not copied (outside adr, the folder " \
           "images are copied from (see --root))\n" in got.summary


def test_a_text_file_named_png_in_html_becomes_a_plain_link(repo: Path) -> None:
    _text_named_png(repo)
    got = _import(repo, '<img src="images/diagram.png">')
    assert got.context.startswith("[diagram.png](../adr/images/diagram.png)")
    assert got.published() == {}


def test_a_dry_run_lists_the_images_it_would_not_copy(repo: Path) -> None:
    _fifo(repo)
    got = _import(repo, "![the diagram](images/diagram.png)", dry_run=True)
    assert "  adr/0001-use-a-diagram.md: images/diagram.png: not copied (a named pipe (FIFO), " \
           "not a regular file)\n" in got.summary
    assert "Images that would be copied" not in got.summary
    assert not (repo / "docs").exists()


# --- where the copy goes ------------------------------------------------------------------------


@pytest.mark.parametrize("linked", ["docs", "docs/assets", "docs/assets/imported",
                                    f"docs/assets/imported/{RECORD}"])
def test_nothing_is_written_through_a_linked_destination_folder(
        repo: Path, tmp_path: Path, linked: str) -> None:
    (repo / "adr" / "images" / "diagram.png").write_bytes(PNG)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / linked).parent.mkdir(parents=True, exist_ok=True)
    (repo / linked).symlink_to(elsewhere, target_is_directory=True)
    got = _import(repo, "![the diagram](images/diagram.png)")
    assert list(elsewhere.rglob("*")) == []
    assert got.outcome.images == ()
    assert f"  adr/0001-use-a-diagram.md: images/diagram.png: not copied ({linked} is a " \
           "symbolic link, not a folder; nothing is written through it)\n" in got.summary
    assert got.context.startswith("[the diagram](../adr/images/diagram.png)")


def test_a_safe_image_is_copied_as_before(repo: Path) -> None:
    (repo / "adr" / "images" / "diagram.png").write_bytes(PNG)
    (repo / "adr" / "images" / "photo.jpg").write_bytes(JPEG)
    got = _import(repo, "![the diagram](images/diagram.png) and "
                        '<img src="images/photo.jpg" alt="a photo">')
    assert got.published() == {f"assets/imported/{RECORD}/diagram.png": PNG,
                               f"assets/imported/{RECORD}/photo.jpg": JPEG}
    assert got.context.startswith(
        f"![the diagram](../docs/assets/imported/{RECORD}/diagram.png) and "
        f"![a photo](../docs/assets/imported/{RECORD}/photo.jpg)")
    assert "Images not copied" not in got.summary


# --- --root -------------------------------------------------------------------------------------


def test_root_widens_where_images_may_come_from(repo: Path) -> None:
    (repo / "shared").mkdir()
    (repo / "shared" / "diagram.png").write_bytes(PNG)
    body = "![the diagram](../shared/diagram.png)"
    refused = _import(repo, body, dry_run=True)
    assert "not copied (outside adr, the folder images are copied from (see --root))" in \
        refused.summary
    # the root does not let an image out of itself
    secret = _import(repo, "![key](../../outside-secret.txt)", within=".", dry_run=True)
    assert "../../outside-secret.txt: not copied (outside " in secret.summary
    got = _import(repo, body, within=".")
    assert got.published() == {f"assets/imported/{RECORD}/diagram.png": PNG}


def test_root_must_hold_every_path(repo: Path) -> None:
    (repo / "adr" / "0001-use-a-diagram.md").write_text(ADR.format(body="x"), encoding="utf-8")
    result = run_cli("--dir", "decisions", "import", "adr", "--root", "adr/images", cwd=repo)
    assert result.returncode == 2
    assert "adr is not inside --root adr/images; give a root that holds every path imported" \
        in result.stderr
    ok = run_cli("--dir", "decisions", "import", "adr", "--root", ".", "--dry-run", cwd=repo)
    assert ok.returncode == 0, ok.stderr


# --- links --------------------------------------------------------------------------------------


def test_a_link_out_of_the_repository_keeps_its_text_only(repo: Path, tmp_path: Path) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (repo / "adr" / "notes.md").symlink_to(tmp_path / "outside-secret.txt")
    got = _import(repo, "See [the key](../../outside-secret.txt), [the notes](notes.md) and "
                        "[the guide](../docs/guide.md).\n\n## Links\n\n"
                        "* [Key](../../outside-secret.txt)\n* [Guide](../docs/guide.md)\n")
    assert got.context.startswith("See the key, the notes and [the guide](../docs/guide.md).")
    assert got.outcome.record is not None
    record = load_record(repo / got.outcome.record).record
    assert record is not None
    assert [link.url for link in record.links] == ["../docs/guide.md"]
    assert "\nLinks left out (the record keeps their text):\n" \
           "  adr/0001-use-a-diagram.md: ../../outside-secret.txt (outside the repository)\n" \
           "  adr/0001-use-a-diagram.md: notes.md (outside the repository)\n" in got.summary


def test_a_nul_in_a_target_is_no_file_and_no_traceback(repo: Path) -> None:
    """`%00` decodes to a NUL, which no file name holds and which the OS refuses to look up:
    a link or an image with one is left alone, not an error that stops the import."""
    (repo / "adr" / "0001-use-a-diagram.md").write_text(
        "# Use a diagram\n\n## Status\n\nSuperseded by [ADR 2](0002-x%00.md)\n\n## Context\n\n"
        'See [the notes](notes%00.md), ![the diagram](images/a%00.png) and '
        '<img src="images/b%00.png" alt="the flow">.\n', encoding="utf-8")
    result = run_cli("--dir", "decisions", "import", "adr", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "  adr/0001-use-a-diagram.md: images/a%00.png: not copied (not a file name)\n" in \
        result.stdout
    context = load_record(repo / "decisions" / f"{RECORD}.yaml").record
    assert context is not None
    assert context.context.startswith("See [the notes](notes%00.md), the diagram and the flow.")


# --- records already in the decisions folder ----------------------------------------------------

ODD_SOURCES = ['"adr/a%00b.md"', '"%00"', '"adr/%2e%2e/%2e%2e/x.md"', '"/"', '"."',
               '"////"', f'"{"a/" * 450}x.md"', '"adr/\\u00e9t\\u00e9.md"', '"~/x.md"',
               '"%ZZ%"']


@pytest.mark.parametrize("source", ODD_SOURCES)
def test_an_odd_imported_source_in_a_record_is_no_traceback(repo: Path, source: str) -> None:
    """What an existing record says it was imported from is compared with the ADRs found,
    whatever it holds: a value the model takes (`%00` decodes to a NUL the OS refuses to
    look up) is a path that matches no ADR, and the ADR is imported."""
    record = variant("links:\n", f"links:\n  - title: Imported from\n    url: "
                     f"./{source.strip(chr(34))}\n") + \
        f"imported:\n  source: {source}\n  date: 2026-01-01\n"
    write_decisions(repo, {"0001-buy-a-paging-service.yaml": record})
    assert load_record(repo / "decisions" / "0001-buy-a-paging-service.yaml").record is not None
    (repo / "adr" / "0001-use-a-diagram.md").write_text(ADR.format(body="x"), encoding="utf-8")
    result = run_cli("--dir", "decisions", "import", "adr", cwd=repo)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stderr
    assert "imported adr/0001-use-a-diagram.md -> decisions/0002-use-a-diagram.yaml" in \
        result.stdout


# --- where an ADR lies --------------------------------------------------------------------------

ADR_TEXT = "# Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nWe need a log.\n"


@pytest.mark.parametrize(("folders", "name", "why"), [
    # imported.source holds 1,000 characters; a path five long folder names deep is more
    (["x" * 220] * 5, "0001-use-kafka.md", "String should have at most 1000 characters"),
    ([], "0001-use\nkafka.md", "U+000A LINE FEED"),
    ([], "0001-use\u202ekafka.md", "U+202E"),
])
def test_an_adr_whose_path_a_record_cannot_keep_is_skipped_saying_why(
        repo: Path, folders: list[str], name: str, why: str) -> None:
    """Its path is kept in imported.source, a one-line field of at most 1,000 characters:
    such an ADR was an 'internal error', with the file name printed across two lines."""
    folder = repo.joinpath("adr", *folders)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(ADR_TEXT, encoding="utf-8")
    result = run_cli("--dir", "decisions", "import", "adr", cwd=repo)
    assert result.returncode == 1
    assert "internal error" not in result.stdout
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1, result.stdout
    assert "its path cannot be kept in imported.source" in skipped[0] and why in skipped[0]
    assert not list((repo / "decisions").glob("0*.yaml"))
