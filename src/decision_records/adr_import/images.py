"""The images an imported ADR shows, copied into the site only when that is safe.

Whatever is copied is published. So an image is read only from inside the folder being
imported (or the root given with `--root`), through folders that are not links, only when it
is a regular file no larger than MAX_BYTES, and only when its name and its first bytes agree
that it is a PNG, JPEG, GIF or WebP picture. SVG is refused: it is a document that can carry
script and the site serves it as a file of its own, so a drawing in it would run on the
site's origin. The copy goes to docs/assets/imported/<record id>/ through folders that are not
links either, and is created in one step, never over an existing file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import DecisionsError
from ..files import MiB, Refused, open_folder, read_limited, write_new_in
from ..recordfile import IMAGES

MAX_BYTES = 10 * MiB
# What the name says -> what the first bytes must say.
KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP"}
_ADVICE = "make it smaller, or copy it into docs/assets/ by hand"


class NotCopied(DecisionsError):
    """An image that is not copied; str() says why."""


@dataclass(frozen=True)
class Image:
    folder: Path  # the folder images are read from, resolved
    name: PurePosixPath  # the image, from folder
    dest: Path  # the copy: repository/docs/assets/imported/<record id>/<file name>
    target: str  # as the ADR wrote it

    @property
    def source(self) -> Path:
        return self.folder.joinpath(*self.name.parts)


def assets(repo: Path, record_id: str) -> Path:
    """The folder a record's images are copied to."""
    return repo.joinpath(*IMAGES.parts, record_id)


def kind(data: bytes) -> str | None:
    """The picture format the first bytes announce, if one we copy."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


def read(folder: Path, name: PurePosixPath) -> bytes:
    """The bytes of the image `name` under `folder`; NotCopied says why not."""
    suffix = PurePosixPath(name.name).suffix.lower()
    if suffix == ".svg":
        raise NotCopied("an SVG drawing, which can carry script; export it as PNG")
    expected = KINDS.get(suffix)
    if expected is None:
        raise NotCopied(f"not a picture by its name ({suffix or 'no extension'}); only PNG, "
                        "JPEG, GIF and WebP files are copied")
    try:
        fd = open_folder(folder, name.parts[:-1])
    except Refused as e:
        raise NotCopied(e.problem) from None
    except OSError as e:
        raise NotCopied(_why(e)) from None
    try:
        data = read_limited(Path(name.name), MAX_BYTES, "an imported image", _ADVICE,
                            dir_fd=fd)
    except Refused as e:
        raise NotCopied(e.problem) from None
    except OSError as e:
        raise NotCopied(_why(e)) from None
    finally:
        os.close(fd)
    found = kind(data)
    if found != expected:
        raise NotCopied(f"named {suffix} but not a {expected} picture: its first bytes are "
                        + (f"those of a {found} one" if found else "no picture format's"))
    return data


def blocked(repo: Path, folder: Sequence[str]) -> str | None:
    """Why nothing can be written to repo/folder (a link or a file on the way there), or
    None. Missing folders are fine: they are made when the image is copied."""
    try:
        os.close(open_folder(repo, folder))
    except Refused as e:
        return e.problem
    except FileNotFoundError:
        return None
    except OSError as e:
        return _why(e)
    return None


def existing(repo: Path, folder: Sequence[str], file_name: str) -> bytes | None:
    """The bytes of a regular file already at that name in repo/folder; b"" stands for
    anything else there (a link, a folder, a file too large to compare); None when the name
    is free."""
    try:
        fd = open_folder(repo, folder)
    except (Refused, OSError):
        return None  # no folder yet; `blocked` reports a folder that is in the way
    try:
        return read_limited(Path(file_name), MAX_BYTES, "an imported image", "", dir_fd=fd)
    except FileNotFoundError:
        return None
    except (Refused, OSError):
        return b""
    finally:
        os.close(fd)


def copy(image: Image, repo: Path) -> None:
    """Read the image again, with every check, and create its copy; leaves a copy with the
    same bytes alone. Raises NotCopied."""
    data = read(image.folder, image.name)
    folder = image.dest.parent.relative_to(repo).parts
    try:
        fd = open_folder(repo, folder, create=True)
    except Refused as e:
        raise NotCopied(e.problem) from None
    except OSError as e:
        raise NotCopied(_why(e)) from None
    try:
        write_new_in(fd, image.dest.name, data)
    except FileExistsError:
        if existing(repo, folder, image.dest.name) != data:
            raise NotCopied(f"{image.dest.name} exists and differs") from None
    except OSError as e:
        raise NotCopied(_why(e)) from None
    finally:
        os.close(fd)


def _why(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return "no such file"
    return e.strerror or str(e)
