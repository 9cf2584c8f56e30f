"""The `coverage:` settings in decisions/config.yaml: what to scan and what not to decide on."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from .. import refs
from ..model import MAX_NAME, MAX_PACKAGE, MAX_PATH, MAX_TEXT, OneLine, PackageRef, Strict

MAX_IGNORED = 1_000
MAX_PATHS = 100

ScanPath = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=MAX_PATH), OneLine]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3,
                                          max_length=MAX_TEXT), OneLine]
RepoName = Annotated[str, StringConstraints(max_length=MAX_NAME,
                                            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class Ignored(Strict):
    """A package that is knowingly left without a record, and why."""

    ref: PackageRef = Field(description=f"The package, as records name it: {refs.FORMS_PLAIN}; "
                            f"at most {MAX_PACKAGE} characters.")
    reason: Reason = Field(description="Why no record is needed (shown next to it in every "
                           f"output); one line, at most {MAX_TEXT:,} characters.")

    @property
    def normalised(self) -> str:
        return refs.normalise(self.ref)


class CoverageConfig(Strict):
    """`decisions coverage`: where the manifests are, and the packages left out on purpose."""

    paths: list[ScanPath] = Field(
        default_factory=lambda: ["."], max_length=MAX_PATHS,
        description="Files and folders to scan, relative to the repository root (the folder "
        "that holds the decisions folder), when the command is given none. Default: the "
        f"whole repository. At most {MAX_PATHS}, each at most {MAX_PATH:,} characters.",
    )
    exclude: list[ScanPath] = Field(
        default_factory=list, max_length=MAX_PATHS,
        description="Files and folders under those paths to leave out, relative to the "
        "repository root (test fixtures, vendored code). .git, .venv, node_modules and other "
        f"tool folders are always left out. At most {MAX_PATHS}, each at most {MAX_PATH:,} "
        "characters.",
    )
    ignore: list[Ignored] = Field(
        default_factory=list, max_length=MAX_IGNORED,
        description="Packages that need no record, each with its reason: test-only tools, "
        f"linters. At most {MAX_IGNORED:,}.",
    )
    repository: RepoName | None = Field(
        None, description="This repository's name on the coverage page; default: the name of "
        f"the repository root's folder. At most {MAX_NAME} characters.",
    )

    @field_validator("ignore")
    @classmethod
    def _once(cls, value: list[Ignored]) -> list[Ignored]:
        seen: set[str] = set()
        for item in value:
            if item.normalised in seen:
                raise ValueError(f"{item.ref} is listed twice")
            seen.add(item.normalised)
        return value

    def reason_for(self, ref: str) -> str | None:
        """The reason a normalised reference is ignored, or None."""
        return next((i.reason for i in self.ignore if i.normalised == ref), None)
