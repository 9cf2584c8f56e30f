"""Links and images of an imported ADR, made to work from the record and on the site.

The site renders links in record text and in `links:` relative to the record file, which sits
in the decisions folder, and publishes the records and what is under docs/. So a link to
another imported ADR becomes that record's file name (`0009-help-scripts.yaml`,
`./0009-help-scripts.yaml` in `links:`), found by its file name alone (and listed as a guess)
when its path leads to no file; a link to a file the site publishes becomes a path from the
decisions folder (`../docs/guide.md`); a link to any other file (a spec, source code next to
the ADRs) becomes a web address under --source-url, or without one is dropped and its text
kept. An image the ADR shows from a relative path is copied to
`docs/assets/imported/<record id>/` when `images` finds that safe, and shown as a Markdown
image.

Targets are resolved against the folder being imported (or the root given with `--root`): an
image outside it is not copied, and a link that leaves both it and the repository is dropped,
its text kept. An image that is not copied becomes a plain link to the file, or its text when
no link may point there, never an image that shows nothing. What cannot be resolved is left
pointing where the ADR meant and reported.
"""
from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..findings import display
from ..recordfile import IMAGES
from . import images
from .document import LINK, outside_code, target
from .images import Image, NotCopied

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Characters other than these would break the `url` pattern or change meaning in a link.
URL_SAFE = "/-._~!$&'()*+,;=:@"
# An HTML image: `<img`, then its `src` and `alt` before the tag's end. A tag is taken to end
# at the next `>` or `<`, so that each character is looked at for one tag only.
_IMG = re.compile(r"<img\b", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*+=\s*+(?P<q>[\"'])(?P<src>[^\"'<>]*+)(?P=q)", re.IGNORECASE)
_ALT = re.compile(r"\balt\s*+=\s*+(?P<q>[\"'])(?P<alt>[^\"'<>]*+)(?P=q)", re.IGNORECASE)
_TAG_END = re.compile(r"[<>]")
_WEB = re.compile(r"^(https?://|mailto:)\S+$")
_NEEDS_ANGLE = re.compile(r"[\s()<>]")  # a link target with these goes in <>
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")

# An absolute path -> the id of the record imported from it (now or earlier), or None.
RecordFor = Callable[[Path], "str | None"]
# A file name -> the id of the only record imported from an ADR of that name, or None.
RecordNamed = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Unresolved:
    target: str  # as the ADR wrote it
    why: str
    dropped: bool = False  # the link was left out and its text kept


@dataclass(frozen=True)
class Fallback:
    """An image that is not shown: a plain link to the file instead, or (None) its text."""

    url: str | None


@dataclass(frozen=True)
class HtmlImage:
    """An `<img>` tag: where it starts and ends, its src (a match of _SRC) and alt text."""

    start: int
    end: int
    src: re.Match[str]
    alt: str


def html_images(text: str) -> Iterator[HtmlImage]:
    """Each `<img ... src="...">` in text, in order."""
    for m in _IMG.finditer(text):
        stop = _TAG_END.search(text, m.end())
        end = stop.start() if stop else len(text)
        src = _SRC.search(text, m.end(), end)
        if src is None:
            continue
        alt = _ALT.search(text, m.end(), end)
        closed = stop is not None and stop[0] == ">"
        yield HtmlImage(m.start(), end + 1 if closed else src.end(), src,
                        alt["alt"] if alt else "")


def relative(path: Path, root: Path) -> str:
    """`path` as a link from the decisions folder `root`: `../adr/x.md`."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows: only an absolute path will do
        return quote(path.as_posix(), safe=URL_SAFE)
    url = quote(PurePosixPath(*Path(rel).parts).as_posix(), safe=URL_SAFE)
    return url if url.startswith(".") else "./" + url


def name_key(name: str) -> str:
    """A file name as ADR links are compared by name: without its Markdown suffix, so that
    `0010-x`, `0010-x.md` and `0010-x.markdown` name the same ADR."""
    suffix = next((s for s in MARKDOWN_SUFFIXES if name.lower().endswith(s)), "")
    return name[:len(name) - len(suffix)]


def by_name_note(target: str, record_id: str) -> str:
    """The guess for a link resolved by its file name alone."""
    shown = target if len(target) <= 200 else target[:199] + "\u2026"
    return (f"the link {shown!r} leads to no file; it now points at {record_id}, the only ADR "
            "imported of that name")


def linkable(target: str) -> bool:
    """Whether a link target can stand in `links:` once resolved."""
    target = target.strip()
    if not target or target.startswith("#"):
        return False
    return not SCHEME.match(target) or bool(_WEB.match(target))


@dataclass
class Resolver:
    """Rewrites the links of one ADR for the record `record_id` in the decisions folder."""

    source: Path  # the ADR, resolved
    root: Path  # the decisions folder, resolved
    record_id: str
    record_for: RecordFor
    folder: Path | None = None  # where images may come from, resolved; the ADR's own folder
    record_named: RecordNamed = lambda _: None
    # The web address of the folder the ADR was found in (`base`), for links to files the
    # site does not publish; without it, such links are left out and their text kept.
    source_url: str | None = None
    base: Path | None = None
    unresolved: list[Unresolved] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    not_copied: list[Unresolved] = field(default_factory=list)
    # Each target is resolved once: an ADR may name one 10 MiB image a hundred thousand times.
    _urls: dict[str, str | None] = field(default_factory=dict)
    _images: dict[Path, tuple[str | Fallback, str]] = field(default_factory=dict)  # and why
    _listed: set[Unresolved] = field(default_factory=set)
    _next: dict[str, int] = field(default_factory=dict)  # image name -> next number to try
    _by_name: dict[str, str] = field(default_factory=dict)  # target -> record found by name
    _guesses: dict[str, dict[str, None]] = field(default_factory=dict)  # field -> targets
    _field: str = ""  # the field whose text is being rewritten

    @property
    def repo(self) -> Path:
        """The repository: the folder that holds the decisions folder."""
        return self.root.parent

    @property
    def _assets(self) -> tuple[str, ...]:
        """The record's images folder, from the repository."""
        return (*IMAGES.parts, self.record_id)

    @property
    def inside(self) -> Path:
        return self.folder if self.folder is not None else self.source.parent

    def text(self, markdown: str, where: str = "") -> str:
        """Every link and image in Markdown text (outside code) rewritten; `where` is the
        field the text is in, for the guesses."""
        if "](" not in markdown and "<img" not in markdown.lower():
            return markdown
        self._field = where
        return outside_code(markdown, self._chunk)

    def guesses(self) -> list[tuple[str, str]]:
        """(field, note) for each field with links resolved by their file name alone."""
        out = []
        for where, targets in self._guesses.items():
            notes = [by_name_note(t, self._by_name[t]) for t in list(targets)[:3]]
            more = len(targets) - len(notes)
            out.append((where, "; ".join(notes) + (f"; and {more} more" if more else "")))
        return out

    def took(self, raw: str, where: str) -> None:
        """Say that the link `raw` went into the field `where`: a guess when it was resolved
        by its file name alone."""
        if raw.strip() in self._by_name:
            self._guesses.setdefault(where, {})[raw.strip()] = None

    def _chunk(self, chunk: str) -> str:
        chunk = LINK.sub(self._link_match, chunk)
        if "<img" not in chunk.lower():
            return chunk
        pieces, at = [], 0
        for tag in html_images(chunk):
            raw = tag.src["src"].strip()
            new = self._image(raw)
            alt = tag.alt.replace("[", "\\[").replace("]", "\\]")  # to stand in [...]
            if isinstance(new, str) and (not raw or raw.startswith("#") or SCHEME.match(raw)):
                continue  # not a file: the tag stays as written
            if isinstance(new, str):
                # copied: a Markdown image, since the site shows raw HTML as text
                shown = f"<{new}>" if _NEEDS_ANGLE.search(new) else new
                pieces += [chunk[at:tag.start], f"![{alt}]({shown})"]
            else:
                pieces += [chunk[at:tag.start], _plain(alt, tag.src["src"], new.url)]
            at = tag.end
        pieces.append(chunk[at:])
        return "".join(pieces)

    def _link_match(self, m: re.Match[str]) -> str:
        text = LINK.sub(self._link_match, m["text"]) if "](" in m["text"] else m["text"]
        old = target(m)
        if m["bang"]:
            image = self._image(old)
            if not isinstance(image, str):
                return _plain(text, old, image.url)
            new: str | None = image
        else:
            new = self._url(old)
            self.took(old, self._field)
        if new is None:
            return text
        if new == old and text == m["text"]:
            return m[0]
        shown = f"<{new}>" if _NEEDS_ANGLE.search(new) else new
        return f"{m['bang']}[{text}]({shown}{m['title'] or ''})"

    def link(self, raw: str) -> str | None:
        """A target for `links:` (`./0009-x.yaml`, `../docs/a.md`, a URL); None if none."""
        if not linkable(raw):
            self._report(raw, "not a web address or a file")
            return None
        url = self._url(raw.strip())
        if url is None or SCHEME.match(url) or url.startswith(("./", "../", "/")):
            return url
        return "./" + url

    def record(self, raw: str) -> str | None:
        """The record id a relative link points at, if it is an imported ADR."""
        path = self._path(raw)
        return None if path is None else self._record(path)

    def _path(self, raw: str) -> Path | None:
        path = _file_part(raw)
        if not path or SCHEME.match(path) or path.startswith("/") or "\x00" in path:
            return None  # NUL: no file has such a name, and the OS refuses to look
        return Path(os.path.normpath(self.source.parent / path))

    def _record(self, path: Path) -> str | None:
        for candidate in (path, path.with_name(path.name + ".md")):
            found = self.record_for(Path(os.path.realpath(candidate)))
            if found is not None:
                return found
        return None

    def _url(self, raw: str) -> str | None:
        """A link's target from the decisions folder; None to drop the link (it leads out of
        the repository)."""
        raw = raw.strip()
        if raw not in self._urls:
            self._urls[raw] = self._resolve(raw)
        return self._urls[raw]

    def _resolve(self, raw: str) -> str | None:
        if not raw or raw.startswith("#") or SCHEME.match(raw):
            return raw
        path = self._path(raw)
        rid = self._record(path) if path is not None else None
        if rid is None and (path is None or not self._there(path)):
            # the path leads to no file: the ADR may have been moved, or the link written
            # from another folder; its file name may still be that of one imported ADR
            name = PurePosixPath(_file_part(raw)).name
            rid = self.record_named(name) if "\x00" not in name else None
            if rid is not None:
                self._by_name[raw] = rid
        if rid is not None:
            return f"{rid}.yaml"
        if raw.startswith("/"):
            self._report(raw, "an absolute path: left as written")
            return raw
        if path is None:
            return raw
        published = self._published(path)
        if (published or self.source_url is None) and not self._may_link(path):
            self._report(raw, "outside the repository", dropped=True)
            return None
        fragment = raw.partition("#")[2]
        tail = "#" + quote(unquote(fragment), safe=URL_SAFE) if fragment else ""
        if published:
            if not self._there(path):
                self._report(raw, "no such file")
            elif path.suffix.lower() in MARKDOWN_SUFFIXES:
                self._report(raw, "an ADR or page that was not imported: the link points at "
                                  "the Markdown file")
            return relative(path, self.root) + tail
        # a file next to the ADRs (a spec, source code, an ADR not imported): the site does
        # not publish it, so a link from the record would lead nowhere there
        url = self._at_source(raw)
        if url is None:
            self._report(raw, "no such file" if not self._there(path) and self._near(path)
                         else "not published with the site; give --source-url to link it "
                              "in the source repository" if self.source_url is None
                         else "leads above the --source-url address", dropped=True)
            return None
        if self._near(path) and not self._there(path):
            self._report(raw, "no such file here; linked in the source repository all the "
                              "same")
        return url + tail

    def _published(self, path: Path) -> bool:
        """Whether the site publishes `path`: a record, or a file under the repository's
        docs/ (a page or an asset), where a relative link from the record works."""
        return _within(path, self.root) or _within(path, self.repo / IMAGES.parts[0])

    def _near(self, path: Path) -> bool:
        return _within(path, self.inside) or _within(path, self.repo)

    def _at_source(self, raw: str) -> str | None:
        """The web address under --source-url of the relative link `raw`, taken from the
        folder that address is of; None without one, or when the path climbs above the
        address's host (the address would lose its path, not lead where the ADR meant)."""
        if self.source_url is None or self.base is None:
            return None
        here = PurePosixPath(*Path(os.path.relpath(self.source.parent, self.base)).parts)
        rel = posixpath.normpath(posixpath.join(here.as_posix(), _file_part(raw)))
        depth = len([p for p in urlsplit(self.source_url).path.split("/") if p])
        if rel.split("/").count("..") > depth:
            return None
        # `./` first: a path such as `javascript:x` must stay a path under the address
        return urljoin(self.source_url, "./" + quote(rel, safe=URL_SAFE))

    def _there(self, path: Path) -> bool:
        """Whether a file is at `path`; only looked for inside the imported folder and the
        repository, and taken as missing elsewhere."""
        return (_within(path, self.inside) or _within(path, self.repo)) and \
            os.path.lexists(path)

    def _may_link(self, path: Path) -> bool:
        """A link may point inside the imported folder or anywhere in the repository, both as
        written and where it leads once links on the way are followed."""
        real = Path(os.path.realpath(path))
        return all(_within(p, self.inside) or _within(p, self.repo) for p in (path, real))

    def _image(self, raw: str) -> str | Fallback:
        """The copy's path for an image that is copied, a web address as it is; for an image
        that is not copied, what to show instead."""
        raw = raw.strip()
        if not raw or raw.startswith("#") or SCHEME.match(raw):
            return raw
        path = self._path(raw)
        if path is None:
            why = "an absolute path" if raw.startswith("/") else "not a file name"
            self._list(self.not_copied, Unresolved(raw, why))
            return Fallback(None)
        if path not in self._images:
            try:
                self._images[path] = self._copied(raw, path), ""
            except NotCopied as e:
                self._images[path] = Fallback(self._plain_link(raw, path)), str(e)
        shown, why = self._images[path]
        if why:
            self._list(self.not_copied, Unresolved(raw, why))
        return shown

    def _plain_link(self, raw: str, path: Path) -> str | None:
        """Where the plain link for an image that is not copied points: at the file, from
        the decisions folder, or at --source-url when the site does not publish it."""
        if not os.path.lexists(path):
            return None
        if self.source_url is not None and not self._published(path):
            return self._at_source(raw)
        return relative(path, self.root) if self._may_link(path) else None

    def _copied(self, raw: str, path: Path) -> str:
        """The copy's path, from the decisions folder. Raises NotCopied."""
        if not _within(path, self.inside):
            raise NotCopied(f"outside {display(self.inside)}, the folder images are copied "
                            "from (see --root)")
        blocked = images.blocked(self.repo, self._assets)
        if blocked is not None:
            raise NotCopied(f"{blocked}; nothing is written through it")
        name = PurePosixPath(*path.relative_to(self.inside).parts)
        data = images.read(self.inside, name)
        return relative(self._copy(name, data, raw), self.root)

    def _report(self, raw: str, why: str, dropped: bool = False) -> None:
        self._list(self.unresolved, Unresolved(raw, why, dropped))

    def _list(self, entries: list[Unresolved], entry: Unresolved) -> None:
        if entry not in self._listed:
            self._listed.add(entry)
            entries.append(entry)

    def _copy(self, name: PurePosixPath, data: bytes, raw: str) -> Path:
        """Where the image goes (each image comes here once): its own name in the record's
        folder, or name-2, name-3 ... when that is taken by another image of this record or
        a different file."""
        stem, suffix = PurePosixPath(name.name).stem, PurePosixPath(name.name).suffix
        n = self._next.get(name.name, 1)
        while True:
            file_name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
            there = images.existing(self.repo, self._assets, file_name)
            if there is None or there == data:
                break
            n += 1
        self._next[name.name] = n + 1
        image = Image(self.inside, name, images.assets(self.repo, self.record_id) / file_name,
                      raw)
        self.images.append(image)
        return image.dest


def _file_part(raw: str) -> str:
    """The file a link target names: without its #fragment and ?query, decoded."""
    return unquote(raw.strip().split("#", 1)[0].split("?", 1)[0])


def _within(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def _plain(text: str, raw: str, url: str | None) -> str:
    """What stands for an image that is not shown: a link to the file, or its text."""
    text = text.strip() or PurePosixPath(unquote(raw.split("#", 1)[0])).name or "image"
    if url is None:
        return text
    shown = f"<{url}>" if _NEEDS_ANGLE.search(url) else url
    return f"[{text}]({shown})"
