"""Package references in one spelling, so that a manifest's name meets a record's.

Records name packages as `pypi:NAME`, `npm:NAME` and `github:OWNER/REPO`; manifests spell
the same packages in many ways (`PyMongo`, `opensearch_py`, `@Scope/Name`). Both sides go
through `normalise` before they are compared:

- PyPI: PEP 503 (`PyMongo` -> `pymongo`, `opensearch_py` -> `opensearch-py`), through
  `packaging`, the same code pip uses;
- npm: lower case, the scope kept (`@Scope/Name` -> `@scope/name`); the registry refuses
  new names with capitals, and two names that differ only in case are one to a person;
- GitHub: lower case; GitHub treats owners and repositories without regard to case.
"""

from __future__ import annotations

from packaging.utils import canonicalize_name

KINDS = ("pypi", "npm", "github")


def pypi(name: str) -> str:
    return f"pypi:{canonicalize_name(name)}"


def npm(name: str) -> str:
    return f"npm:{name.strip().lower()}"


def github(owner: str, repo: str) -> str:
    repo = repo[:-4] if repo.lower().endswith(".git") else repo
    return f"github:{owner.strip().lower()}/{repo.strip().lower()}"


def normalise(ref: str) -> str:
    """'pypi:PyMongo' -> 'pypi:pymongo'; a reference of another kind comes back as it is."""
    kind, _, name = ref.partition(":")
    if kind == "pypi":
        return pypi(name)
    if kind == "npm":
        return npm(name)
    if kind == "github" and "/" in name:
        return github(*name.split("/", 1))
    return ref


def kind_of(ref: str) -> str:
    return ref.partition(":")[0]
