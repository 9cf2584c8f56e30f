"""Links and images of an imported ADR, made to work from the record.

The site renders links in record text and in `links:` relative to the record file, which sits
in the decisions folder: a link to another imported ADR becomes that record's file name
(`0009-help-scripts.yaml`, `./0009-help-scripts.yaml` in `links:`), a link to any other file
becomes a path from the decisions folder (`../docs/guide.md`), and an image the ADR shows from
a relative path is copied to `docs/assets/imported/<record id>/`. What cannot be resolved is
left pointing where the ADR meant and reported.
"""

from __future__ import annotations

import filecmp
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from .document import LINK, outside_code, target

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Characters other than these would break the `url` pattern or change meaning in a link.
URL_SAFE = "/-._~!$&'()*+,;=:@"
_IMG = re.compile(r"(?P<head><img\b[^>]*?\bsrc\s*=\s*)(?P<q>[\"'])(?P<src>[^\"'<>]*)(?P=q)",
                  re.IGNORECASE)
ASSETS = PurePosixPath("assets", "imported")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")

# An absolute path -> the id of the record imported from it (now or earlier), or None.
RecordFor = Callable[[Path], "str | None"]


@dataclass(frozen=True)
class Unresolved:
    target: str  # as the ADR wrote it
    why: str


@dataclass(frozen=True)
class Image:
    source: Path  # the image file the ADR shows
    dest: Path  # where it is copied
    target: str  # as the ADR wrote it


def relative(path: Path, root: Path) -> str:
    """`path` as a link from the decisions folder `root`: `../adr/x.md`."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows: only an absolute path will do
        return quote(path.as_posix(), safe=URL_SAFE)
    url = quote(PurePosixPath(*Path(rel).parts).as_posix(), safe=URL_SAFE)
    return url if url.startswith(".") else "./" + url


def linkable(target: str) -> bool:
    """Whether a link target can stand in `links:` once resolved."""
    target = target.strip()
    if not target or target.startswith("#"):
        return False
    return not SCHEME.match(target) or bool(re.match(r"^(https?://|mailto:)\S+$", target))


@dataclass
class Resolver:
    """Rewrites the links of one ADR for the record `record_id` in the decisions folder."""

    source: Path  # the ADR, absolute
    root: Path  # the decisions folder, absolute
    record_id: str
    record_for: RecordFor
    taken: dict[Path, Path] = field(default_factory=dict)  # image dest -> its source, this run
    unresolved: list[Unresolved] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)

    @property
    def assets(self) -> Path:
        return self.root.parent / "docs" / ASSETS / self.record_id

    def text(self, markdown: str) -> str:
        """Every link and image in Markdown text (outside code) rewritten."""
        if "](" not in markdown and "<img" not in markdown.lower():
            return markdown
        return outside_code(markdown, self._chunk)

    def _chunk(self, chunk: str) -> str:
        chunk = LINK.sub(self._link_match, chunk)
        return _IMG.sub(lambda m: m["head"] + m["q"] + self._url(m["src"], image=True) + m["q"],
                        chunk)

    def _link_match(self, m: re.Match[str]) -> str:
        text = LINK.sub(self._link_match, m["text"]) if "](" in m["text"] else m["text"]
        old = target(m)
        new = self._url(old, image=bool(m["bang"]))
        if new == old and text == m["text"]:
            return m[0]
        shown = f"<{new}>" if re.search(r"[\s()<>]", new) else new
        return f"{m['bang']}[{text}]({shown}{m['title'] or ''})"

    def link(self, raw: str) -> str | None:
        """A target for `links:` (`./0009-x.yaml`, `../docs/a.md`, a URL); None if none."""
        if not linkable(raw):
            self._report(raw, "not a web address or a file")
            return None
        url = self._url(raw.strip(), image=False)
        if SCHEME.match(url) or url.startswith(("./", "../", "/")):
            return url
        return "./" + url

    def record(self, raw: str) -> str | None:
        """The record id a relative link points at, if it is an imported ADR."""
        path = self._path(raw)
        return None if path is None else self._record(path)

    def _path(self, raw: str) -> Path | None:
        path = unquote(raw.strip().split("#", 1)[0].split("?", 1)[0])
        if not path or SCHEME.match(path) or path.startswith("/"):
            return None
        return Path(os.path.normpath(self.source.parent / path))

    def _record(self, path: Path) -> str | None:
        for candidate in (path, path.with_name(path.name + ".md")):
            found = self.record_for(Path(os.path.realpath(candidate)))
            if found is not None:
                return found
        return None

    def _url(self, raw: str, *, image: bool) -> str:
        raw = raw.strip()
        if not raw or raw.startswith("#") or SCHEME.match(raw):
            return raw
        if raw.startswith("/"):
            self._report(raw, "an absolute path: left as written")
            return raw
        path = self._path(raw)
        if path is None:
            return raw
        fragment = raw.partition("#")[2]
        rid = None if image else self._record(path)
        if rid is not None:
            return f"{rid}.yaml"
        tail = "#" + quote(unquote(fragment), safe=URL_SAFE) if fragment else ""
        if image and path.is_file():
            dest = self._copy(path, raw)
            return relative(dest, self.root)
        if not path.exists():
            self._report(raw, "no such image" if image else "no such file")
        elif path.suffix.lower() in MARKDOWN_SUFFIXES:
            self._report(raw, "an ADR or page that was not imported: the link points at the "
                              "Markdown file")
        return relative(path, self.root) + tail

    def _report(self, raw: str, why: str) -> None:
        entry = Unresolved(raw, why)
        if entry not in self.unresolved:
            self.unresolved.append(entry)

    def _copy(self, path: Path, raw: str) -> Path:
        """Where the image goes: its own name in the record's folder, or name-2, name-3 ...
        when that is taken by a different file."""
        real = Path(os.path.realpath(path))
        for image in self.images:
            if image.source == real:
                return image.dest
        stem, suffix = path.stem, path.suffix
        n = 1
        while True:
            dest = self.assets / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            other = self.taken.get(dest)
            same_here = other == real
            free_here = other is None
            on_disk = dest.exists()
            if same_here or (free_here and (not on_disk or _same(dest, real))):
                break
            n += 1
        self.taken[dest] = real
        self.images.append(Image(real, dest, raw))
        return dest


def _same(a: Path, b: Path) -> bool:
    try:
        return a.is_file() and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False
