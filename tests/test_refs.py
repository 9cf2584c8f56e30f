"""Package references: one parse, one spelling and one page for every consumer."""

from __future__ import annotations

import re

import pytest
from packaging.utils import canonicalize_name
from pydantic import TypeAdapter, ValidationError

from decision_records import refs
from decision_records.model import PackageRef
from decision_records.refs import Ref
from decision_records.signals.sources.registry import SOURCES

MODEL = TypeAdapter(PackageRef)

# (text, whether it is a reference)
CASES = [
    ("pypi:requests", True),
    ("pypi:zope.interface", True),
    ("pypi:PyGithub", True),
    ("npm:left-pad", True),
    ("npm:@types/left-pad", True),
    ("github:psf/requests", True),
    ("github:opensearch-project/OpenSearch", True),
    ("github:a/b.c_d-e", True),
    ("pip:requests", False),  # no such source
    ("requests", False),
    ("", False),
    ("pypi:", False),
    ("pypi:-requests", False),
    ("pypi:requests\n", False),  # a line break after the name is not part of a name
    ("pypi:requests\u200b", False),  # nor a hidden character
    ("npm:Left-Pad", False),  # npm refuses capitals
    ("npm:@scope/", False),
    ("github:psf", False),
    ("github:psf/requests/tree", False),
    ("github:-psf/requests", False),
    ("github:psf/requests ", False),
]


@pytest.mark.parametrize(("text", "valid"), CASES)
def test_parse_takes_what_the_record_model_takes(text: str, valid: bool) -> None:
    try:
        MODEL.validate_python(text)
        model_takes = True
    except ValidationError:
        model_takes = False
    try:
        ref = Ref.parse(text)
    except ValueError as e:
        assert not valid
        assert str(e) == (f"'{text}' is not a package reference: write 'pypi:NAME', "
                          "'npm:NAME', 'github:OWNER/REPO', 'go:MODULE', 'cargo:NAME', "
                          "'maven:GROUP:ARTIFACT', 'nuget:NAME' or 'eol:PRODUCT@CYCLE'")
    else:
        assert valid and str(ref) == text and ref.kind == text.partition(":")[0]
    assert model_takes == valid


@pytest.mark.parametrize(("text", "normalised", "page"), [
    ("pypi:PyMongo", "pypi:pymongo", "https://pypi.org/project/PyMongo/"),
    ("pypi:opensearch_py", "pypi:opensearch-py", "https://pypi.org/project/opensearch_py/"),
    ("npm:@types/left-pad", "npm:@types/left-pad", "https://www.npmjs.com/package/@types/left-pad"),
    ("github:Redis/Redis", "github:redis/redis", "https://github.com/Redis/Redis"),
])
def test_one_spelling_and_a_page(text: str, normalised: str, page: str) -> None:
    ref = Ref.parse(text)
    assert (ref.normalised, ref.page) == (normalised, page)
    assert refs.normalise(text) == normalised
    assert refs.page_url(text) == page


@pytest.mark.parametrize("name", [
    "Django", "zope.interface", "opensearch_py", "A__B--C..D", "a-_.-b", "UnleashClient",
    "ruamel.yaml.clib", "x", "K\u212a",  # the Kelvin sign lower-cases to k
])
def test_pypi_spelling_is_pep_503_as_pip_does_it(name: str) -> None:
    assert refs.normalise(f"pypi:{name}") == f"pypi:{canonicalize_name(name)}"


def test_the_sources_are_one_list_without_clashes() -> None:
    kinds = [s.kind for s in SOURCES]
    assert refs.KINDS == tuple(kinds) == ("pypi", "npm", "github", "go", "cargo", "maven",
                                          "nuget", "eol")
    assert len(set(kinds)) == len(kinds)
    assert len({s.env for s in SOURCES}) == len({s.setting for s in SOURCES})
    for s in SOURCES:
        assert re.fullmatch(r"[a-z]+", s.kind) and s.example.startswith(f"{s.kind}:")
        assert not s.name_rule.startswith("^") and not s.name_rule.endswith("$")
    # the JSON Schema's pattern is made of the sources' rules, in their order
    assert refs.PATTERN == (
        r"^(pypi:[A-Za-z0-9][A-Za-z0-9._-]*"
        r"|npm:(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*"
        r"|github:[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+"
        r"|go:[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+(?:/[A-Za-z0-9._~+-]+)*"
        r"|cargo:[A-Za-z][A-Za-z0-9_-]*"
        r"|maven:[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*"
        r"|nuget:[A-Za-z0-9_][A-Za-z0-9_.-]*"
        r"|eol:[a-z0-9][a-z0-9._+-]*@[A-Za-z0-9][A-Za-z0-9._+-]*)$")
