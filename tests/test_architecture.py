"""The package's structure, as docs/architecture.md draws it: imports point down only, each
class name means one thing, no class grows past a few hundred lines, and every exception the
package defines has one base.

Read from the source with `ast`, so a circle or an import hidden in a function fails here
before anyone has to notice it in review.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "decision_records"
NAME = "decision_records"

# The floors, bottom up: a module may import its own floor's modules and those below.
FLOORS: list[set[str]] = [
    {"errors", "findings", "chars", "markup", "textsafe", "files", "model", "refs", "statuses",
     "signals.sources.base", "signals.sources.pypi", "signals.sources.npm",
     "signals.sources.github", "signals.sources.depsdev", "signals.sources.endoflife",
     "signals.sources.registry",
     "render", "signals", "signals.sources", "adr_import", "coverage", "settings"},
    {"settings.signals", "settings.coverage", "settings.costs", "settings.statuses", "ledger",
     "costs",
     "signals.snapshot", "signals.http", "yamlfile", "gitbase", "siteconfig",
     "coverage.manifests", "coverage.snapshot", "coverage.scan", "recordfile"},
    {"config", "signals.maturity", "signals.clients"},
    {"records", "signals.enrich"},
    {"rules.base", "rules.core", "rules.budget", "rules.policies", "rules.costs",
     "rules.signals", "rules",
     "radar", "review", "coverage.match", "coverage.output"},
    {"loader", "newrecord", "renumber"},
    {"render.urls", "render.templates", "render.text", "render.context", "render.signals",
     "render.budget", "render.costs", "render.coverage", "render.record", "render.radar",
     "render.pages", "report", "search",
     "adr_import.vocabulary", "adr_import.document", "adr_import.metadata",
     "adr_import.relations", "adr_import.options", "adr_import.sections", "adr_import.choice",
     "adr_import.fields", "adr_import.draft", "adr_import.limits", "adr_import.images",
     "adr_import.links", "adr_import.batch", "adr_import.summary"},
    {"site"},
    {"cli.common", "cli.coverage", "cli.validate", "cli.budget", "cli.costs", "cli.report",
     "cli.schema", "cli.new", "cli.enrich", "cli.importing", "cli.review", "cli.renumber",
     "cli.init", "cli.main", "cli", "__main__", "plugin", "scaffold"},
]
# What the pure bottom of the package must never load, however it is imported: the network,
# requirement parsing, Markdown, templates and the site generator are for the floors above.
HEAVY = ("requests", "urllib3", "packaging", "markdown", "jinja2", "mkdocs")
PURE = ("decision_records.ledger", "decision_records.costs", "decision_records.model",
        "decision_records.config")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """(modules of the package imported at the top, imports found inside functions)."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    nested: list[str] = []

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        """The package's modules (and names) an import statement names, absolute."""
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            if node.level:
                parts = [NAME, *package.split(".")] if package else [NAME]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        return [n[len(NAME) + 1:] for n in names if n.startswith(NAME + ".")]

    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom) and targets(inner):
                    nested.append(f"{module}:{inner.lineno}")
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top.update(targets(node))
        elif isinstance(node, ast.If):  # `if TYPE_CHECKING:` imports are not taken
            continue
    known = {_module(p) for p in PACKAGE.rglob("*.py")}
    return {t for t in top if t in known and t != module}, nested


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {m: _imports(p) for m, p in MODULES.items()}


PACKAGES = {_module(p) for p in PACKAGE.rglob("__init__.py")}


def _package(module: str) -> str:
    """The package a module is in ('signals' for signals.http, and for signals itself); ''
    at the top."""
    return module if module in PACKAGES else module.rpartition(".")[0]


FLOOR = {m: i for i, f in enumerate(FLOORS) for m in f}
# the highest floor each package reaches
TOP: dict[str, int] = defaultdict(int)
for _m in MODULES:
    if _package(_m):
        TOP[_package(_m)] = max(TOP[_package(_m)], FLOOR.get(_m, 0))


def test_every_module_has_a_floor() -> None:
    placed = set().union(*FLOORS)
    assert set(MODULES) - {"__init__"} <= placed, set(MODULES) - placed - {"__init__"}
    assert placed <= set(MODULES), placed - set(MODULES)  # no floor names a module gone


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"__init__"}))
def test_imports_point_down(module: str) -> None:
    up = [t for t in GRAPH[module][0] if FLOOR[t] > FLOOR[module]]
    assert up == [], f"{module} (floor {FLOOR[module]}) imports from above: {up}"


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"__init__"}))
def test_no_arrow_reaches_into_a_package_from_below(module: str) -> None:
    """A package (signals/, coverage/) is one feature: a module outside it imports from it
    only from as high as the package reaches. Reaching in from below for one low module
    (config.py for the settings that lived in signals/ and coverage/) runs back up."""
    home = _package(module)
    below = [t for t in GRAPH[module][0]
             if _package(t) and _package(t) != home and FLOOR[module] < TOP[_package(t)]]
    assert below == [], (f"{module} (floor {FLOOR[module]}) reaches into packages that "
                         f"reach higher: {below}")


def test_no_import_circle() -> None:
    edges = {m: deps for m, (deps, _) in GRAPH.items()}
    state: dict[str, int] = defaultdict(int)  # 1 on the path, 2 done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in sorted(edges.get(m, ())):
            if state[d] == 1:
                raise AssertionError(" -> ".join([*path[path.index(d):], d]))
            if state[d] == 0:
                visit(d)
        path.pop()
        state[m] = 2

    for m in sorted(edges):
        if state[m] == 0:
            visit(m)


@pytest.mark.parametrize("module", PURE)
def test_the_pure_bottom_loads_nothing_heavy(module: str) -> None:
    """The token and cost arithmetic, the record model and the settings load in a fresh interpreter
    without the network, parsing, Markdown, template or site libraries."""
    code = (f"import sys, {module}; "
            f"print(' '.join(n for n in {HEAVY!r} if n in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert run.stdout.strip() == "", f"importing {module} loads {run.stdout.strip()}"


def test_no_import_of_the_package_inside_a_function() -> None:
    hidden = [where for _, nested in GRAPH.values() for where in nested]
    assert hidden == []


def test_the_package_face_holds_only_the_version() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    assert names == ["__version__"]


# --- classes -----------------------------------------------------------------------------

MAX_CLASS_LINES = 300


def _classes() -> list[tuple[str, str, ast.ClassDef]]:
    """(module, qualified name, node) of every class the package defines, private ones and
    classes inside classes included; a class inside a function is named after the function."""
    out = []

    def visit(module: str, prefix: str, body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                out.append((module, prefix + node.name, node))
                visit(module, f"{prefix}{node.name}.", node.body)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(module, f"{prefix}{node.name}.<locals>.", node.body)

    for module, path in MODULES.items():
        visit(module, "", ast.parse(path.read_text(encoding="utf-8")).body)
    return out


CLASSES = _classes()


def test_no_two_classes_share_a_name() -> None:
    """A name means one thing in the package: `Entry` is a loaded record file, and nothing
    else is called Entry, whichever module it lives in, private or not."""
    where: dict[str, list[str]] = defaultdict(list)
    for module, qualname, node in CLASSES:
        where[node.name].append(f"{module}.{qualname}")
    shared = {name: places for name, places in where.items() if len(places) > 1}
    assert shared == {}


def test_no_class_is_over_300_lines() -> None:
    long = {f"{module}.{qualname}": node.end_lineno - node.lineno + 1
            for module, qualname, node in CLASSES
            if node.end_lineno is not None
            and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES}
    assert long == {}


def test_every_exception_derives_from_the_package_base() -> None:
    """`except DecisionsError` catches every error the package raises on purpose."""
    base = importlib.import_module(f"{NAME}.errors").DecisionsError
    exceptions, astray, unreachable = [], [], []
    for module, qualname, _ in CLASSES:
        if module == "__main__":
            continue  # importing it runs the command line; it defines no class
        if "<locals>" in qualname:
            unreachable.append(f"{module}.{qualname}")
            continue
        found: object = importlib.import_module(f"{NAME}.{module}" if module != "__init__"
                                                else NAME)
        for part in qualname.split("."):
            found = getattr(found, part)
        if isinstance(found, type) and issubclass(found, BaseException):
            exceptions.append(found)
            if not issubclass(found, base):
                astray.append(f"{module}.{qualname}")
    assert unreachable == []  # a class inside a function is not checked here: move it out
    assert astray == []
    # the scan reached them, those with a second base (click's, ValueError) among them
    assert {e.__name__ for e in exceptions} >= {"DecisionsError", "GitError", "Exit2",
                                                "JsonProblem", "_Stopped"}
