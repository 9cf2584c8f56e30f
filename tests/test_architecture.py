"""The package's structure, as docs/architecture.md draws it: imports point down only.

Read from the source with `ast`, so a circle or an import hidden in a function fails here
before anyone has to notice it in review.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "decision_records"
NAME = "decision_records"

# The floors, bottom up: a module may import its own floor's modules and those below.
FLOORS: list[set[str]] = [
    {"findings", "chars", "markup", "textsafe", "files", "model", "render", "signals", "adr_import",
     "coverage", "coverage.refs"},
    {"signals.settings", "signals.snapshot", "signals.http", "yamlfile", "gitbase", "siteconfig",
     "coverage.manifests", "coverage.scan", "coverage.settings"},
    {"config", "signals.maturity", "signals.clients"},
    {"ledger", "records", "signals.enrich"},
    {"rules.base", "rules.core", "rules.budget", "rules.policies", "rules.signals", "rules",
     "radar", "review", "coverage.match", "coverage.output"},
    {"loader", "newrecord", "renumber"},
    {"render.urls", "render.templates", "render.text", "render.context", "render.signals",
     "render.budget", "render.coverage", "render.record", "render.radar", "render.pages",
     "report", "search",
     "adr_import.vocabulary", "adr_import.document", "adr_import.emitter",
     "adr_import.images", "adr_import.limits", "adr_import.links", "adr_import.mapping",
     "adr_import.batch", "adr_import.summary"},
    {"site"},
    {"cli.common", "cli.coverage", "cli.validate", "cli.budget", "cli.report", "cli.schema",
     "cli.new", "cli.enrich", "cli.importing", "cli.review", "cli.renumber", "cli.init",
     "cli.main", "cli", "__main__", "plugin", "scaffold"},
]


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


def test_every_module_has_a_floor() -> None:
    placed = set().union(*FLOORS)
    assert set(MODULES) - {"__init__"} <= placed, set(MODULES) - placed - {"__init__"}


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"__init__"}))
def test_imports_point_down(module: str) -> None:
    floor = {m: i for i, f in enumerate(FLOORS) for m in f}
    up = [t for t in GRAPH[module][0] if floor[t] > floor[module]]
    assert up == [], f"{module} (floor {floor[module]}) imports from above: {up}"


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


def test_no_import_of_the_package_inside_a_function() -> None:
    hidden = [where for _, nested in GRAPH.values() for where in nested]
    assert hidden == []


def test_the_package_face_holds_only_the_version() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    assert names == ["__version__"]
