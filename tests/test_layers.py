"""Floors point down: each import of ifteval's own modules, in functions too, goes to a floor below or beside.

`FLOORS` is the one declaration of where each package and top-level module sits (docs/architecture.md
draws it). The walk is `ast` over the sources, so an import hidden inside a function is an arrow like any
other; such an import outside `cli/` must also say why it is lazy (`# lazy: ...` on its line, above its
block of imports, or above its function), because the reason for one is start-up time.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ifteval"

# top floor first; a module belongs to the longest prefix listed (`ifteval` itself is the root __init__)
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cli", ("ifteval.cli", "ifteval.__main__")),
    # entry points that compose whole runs: the Python API, adapter sweeps, specialisation, the report
    ("orchestration", ("ifteval.api", "ifteval.sweep", "ifteval.specialize", "ifteval.report")),
    # one run: evaluate -> samples -> judges -> outputs; its up-front checks, lm-eval options, exports
    ("runner", ("ifteval.runner", "ifteval.run_checks", "ifteval.run_options", "ifteval.tracking")),
    (
        "components",
        ("ifteval.judges", "ifteval.generation", "ifteval.metameter", "ifteval.tasks", "ifteval.trust"),
    ),
    ("services", ("ifteval.runtime", "ifteval.scoring")),
    (
        "base",
        (
            "ifteval", "ifteval.types", "ifteval.errors", "ifteval.paths", "ifteval.config", "ifteval.jsonl",
            "ifteval.record", "ifteval.outputs", "ifteval.secrets", "ifteval.registry", "ifteval.writers",
            "ifteval.aggregate", "ifteval.tables",
        ),
    ),
)

# the only upward arrow: `ifteval.evaluate/judge/meta` forward to the API on first use (PEP 562), so that
# `import ifteval` (and `from ifteval import __version__` below) stays free of torch and lm-eval
ALLOWED_UP = {("ifteval", "ifteval.api")}

LAZY_MARK = "# lazy:"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    file: Path
    line: int
    function_line: int  # first line of the innermost enclosing function (decorator or `def`); 0: none

    @property
    def in_function(self) -> bool:
        return self.function_line > 0

    def where(self) -> str:
        return f"{self.file.relative_to(PACKAGE.parent)}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor_of(module: str) -> int:
    """0 for the top floor; the longest declared prefix wins (`ifteval.cli.run` -> `ifteval.cli`)."""
    best = (-1, -1)
    for index, (_, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), index)
    assert best[1] >= 0, f"{module} is on no floor: add it to FLOORS in tests/test_layers.py"
    return best[1]


def unit_of(module: str) -> str:
    """The package or top-level module an arrow leaves or enters: `ifteval.judges.llm` -> `ifteval.judges`."""
    return ".".join(module.split(".")[:2])


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = module.split(".") if is_package else module.split(".")[:-1]
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join(parts + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" for alias in node.names] + [base]
    found = set()
    for name in names:
        while name and name not in known:  # `from ifteval.x import func` -> ifteval.x
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def _walk(node: ast.AST, function_line: int, found: list[tuple[ast.Import | ast.ImportFrom, int]]) -> None:
    """Every import under `node`, with the first line of the innermost function around it (0: none)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            found.append((child, function_line))
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _walk(child, min([child.lineno, *(d.lineno for d in child.decorator_list)]), found)
        else:
            _walk(child, function_line, found)


def import_edges() -> list[Edge]:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in files}
    edges: list[Edge] = []
    for path in files:
        module = module_name(path)
        imports: list[tuple[ast.Import | ast.ImportFrom, int]] = []
        _walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), 0, imports)
        for node, function_line in imports:
            for target in _targets(node, module, path.name == "__init__.py", known) - {module}:
                edges.append(Edge(module, target, path, node.lineno, function_line))
    return edges


EDGES = import_edges()


def test_every_module_is_on_a_floor() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        floor_of(module_name(path))


def test_no_import_points_up() -> None:
    upward = [
        f"{edge.where()}: {edge.source} ({FLOORS[floor_of(edge.source)][0]}) imports {edge.target} "
        f"({FLOORS[floor_of(edge.target)][0]}, a floor above)"
        for edge in EDGES
        if floor_of(edge.target) < floor_of(edge.source) and (edge.source, edge.target) not in ALLOWED_UP
    ]
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_packages_form_no_loop() -> None:
    """Beside is allowed, round in a circle is not: the package-level graph is acyclic."""
    graph: dict[str, set[str]] = {}
    for edge in EDGES:
        source, target = unit_of(edge.source), unit_of(edge.target)
        if source != target and (edge.source, edge.target) not in ALLOWED_UP:
            graph.setdefault(source, set()).add(target)
    done: set[str] = set()

    def visit(unit: str, path: list[str]) -> None:
        if unit in path:
            loop = path[path.index(unit):] + [unit]
            raise AssertionError("packages import each other in a loop: " + " -> ".join(loop))
        if unit in done:
            return
        for target in sorted(graph.get(unit, ())):
            visit(target, path + [unit])
        done.add(unit)

    for unit in sorted(graph):
        visit(unit, [])


def _comments_above(lines: list[str], row: int) -> list[str]:
    """The comment lines just above 0-based `row`."""
    found = []
    while row > 0 and lines[row - 1].strip().startswith("#"):
        row -= 1
        found.append(lines[row])
    return found


def says_why(edge: Edge, lines: list[str]) -> bool:
    """The mark sits on the import's line, in the comment above its block of imports, or in the comment
    above its function."""
    row = edge.line - 1
    while row > 0 and lines[row - 1].strip().startswith(("from ", "import ")):
        row -= 1  # one comment covers a block of lazy imports
    candidates = [lines[edge.line - 1], *_comments_above(lines, row)]
    if edge.function_line:
        candidates += _comments_above(lines, edge.function_line - 1)
    return any(LAZY_MARK in line for line in candidates)


def test_lazy_imports_say_why() -> None:
    """Outside cli/, an import of our own module inside a function exists only for start-up time."""
    silent = sorted(
        {
            f"{edge.where()}: {edge.source} imports {edge.target} in a function"
            for edge in EDGES
            if edge.in_function
            and floor_of(edge.source) > 0
            and not says_why(edge, edge.file.read_text(encoding="utf-8").splitlines())
        }
    )
    assert not silent, (
        f"in-function imports without a '{LAZY_MARK} <why>' comment (move them to the top, or say why):\n"
        + "\n".join(silent)
    )


def test_the_walk_sees_hidden_arrows() -> None:
    """The walker itself: an in-function relative import is found, resolved and flagged as in a function."""
    source = "def f():\n    from ..runner import run\n    return run\n"
    tree = ast.parse(source)
    node = tree.body[0].body[0]  # type: ignore[attr-defined]
    known = {"ifteval.runner", "ifteval.generation.sweep"}
    targets = _targets(node, "ifteval.generation.sweep", False, known)
    assert targets == {"ifteval.runner"}
    assert floor_of("ifteval.runner") < floor_of("ifteval.generation.sweep")
    assert floor_of("ifteval.cli.run") == 0 and floor_of("ifteval") == len(FLOORS) - 1
