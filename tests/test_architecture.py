"""The house stays standing: imports run down the layers, no cycles, empty subpackage
`__init__` files, short functions. Read from the source with `ast`, nothing is imported."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, NamedTuple

SRC = Path(__file__).resolve().parents[1] / "src" / "tariffcalc"
PACKAGE = "tariffcalc"

# Bottom to top: a module may import its own layer and the layers below it.
LAYERS = ("base", "law", "inputs", "studies", "output", "cli")
LAYER_OF = {"errors": "base", "money": "base", "files": "base"} | {
    layer: layer for layer in LAYERS[1:]
}
# The package's entry points: they may import anything (lazily, so start-up stays cheap).
ENTRY_POINTS = {PACKAGE, f"{PACKAGE}.__main__"}
LONGEST_FUNCTION = 59

Where = Literal["module", "function", "type-checking"]


class Import(NamedTuple):
    importer: str
    line: int
    target: str
    where: Where


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    """The layer of a module of the package; None for the entry points."""
    if module in ENTRY_POINTS:
        return None
    part = module.split(".")[1]
    return LAYER_OF.get(part, f"no layer ({part})")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, importer: str, modules: set[str]) -> list[str]:
    """The modules of the package that one import statement loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        is_package = f"{importer}.__init__" in modules
        anchor = importer.split(".")[: None if is_package else -1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, *([base] if base else [])])
    # `from tariffcalc.studies import batch` loads the module tariffcalc.studies.batch;
    # `from tariffcalc import __version__` reads metadata of a package that is loaded anyway.
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
        for alias in node.names
        if not (base == PACKAGE and alias.name.startswith("__"))
    ]


def imports_of(importer: str, source: str, modules: set[str]) -> list[Import]:
    """Every import of a module of the package, wherever it sits in the module.

    `modules` names the package's modules, and `name.__init__` for each package (so that a
    relative import resolves from a package's own name)."""
    found: list[Import] = []

    def visit(node: ast.AST, where: Where) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(node, importer, modules):
                if target == PACKAGE or target.startswith(f"{PACKAGE}."):
                    found.append(Import(importer, node.lineno, target, where))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            where = "function"
        elif isinstance(node, ast.If) and _is_type_checking(node.test) and where == "module":
            for statement in node.body:
                visit(statement, "type-checking")
            for statement in node.orelse:
                visit(statement, where)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, where)

    visit(ast.parse(source), "module")
    return found


def package_imports() -> list[Import]:
    files = sources()
    packages = {f"{name}.__init__" for name, path in files.items() if path.name == "__init__.py"}
    modules = set(files) | packages
    return [
        found
        for name, path in files.items()
        for found in imports_of(name, path.read_text(encoding="utf-8"), modules)
    ]


def upward(imports: list[Import]) -> list[str]:
    """One message per import that points up the layers (or out of them)."""
    messages = []
    for found in imports:
        here, there = layer_of(found.importer), layer_of(found.target)
        if here is None:
            continue
        if found.target == PACKAGE:
            message = "the package's entry point; import from the module that defines it"
        elif here not in LAYERS or there not in LAYERS:
            message = f"{here} -> {there}: every module belongs to one of {', '.join(LAYERS)}"
        elif LAYERS.index(there) > LAYERS.index(here):
            message = f"{here} -> {there} runs upward"
        else:
            continue
        messages.append(f"{found.importer}:{found.line} imports {found.target} ({message})")
    return messages


def cycles(imports: list[Import]) -> list[str]:
    """The import cycles among module-level imports, one message per tangle (Tarjan's SCCs)."""
    graph: dict[str, dict[str, int]] = {}
    for found in imports:
        if found.where == "module" and found.target != found.importer:
            graph.setdefault(found.importer, {}).setdefault(found.target, found.line)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    tangles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            tangle = []
            while (member := stack.pop()) != node:
                tangle.append(member)
            if tangle:
                tangles.append(sorted([node, *tangle]))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [
        "cycle: "
        + ", ".join(
            f"{a}:{line} imports {b}" for a in tangle for b, line in graph[a].items() if b in tangle
        )
        for tangle in tangles
    ]


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


# --- the checks on the package --------------------------------------------------------------


def test_every_import_points_down_the_layers() -> None:
    violations = upward(package_imports())
    assert not violations, "\n".join(violations)


def test_no_import_cycle_between_modules() -> None:
    tangles = cycles(package_imports())
    assert not tangles, "\n".join(tangles)


def test_subpackage_init_files_are_empty_or_a_docstring() -> None:
    crowded = []
    for path in sorted(SRC.rglob("__init__.py")):
        if path.parent == SRC:
            continue
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        if body:
            crowded.append(f"{module_name(path)}:{body[0].lineno} has code")
    assert not crowded, "\n".join(crowded)


def test_every_function_is_shorter_than_60_lines() -> None:
    long = [
        f"{name}:{node.lineno} {node.name} is {length} lines"
        for name, path in sources().items()
        for node in functions(ast.parse(path.read_text(encoding="utf-8")))
        if (length := (node.end_lineno or node.lineno) - node.lineno + 1) > LONGEST_FUNCTION
    ]
    assert not long, "\n".join(long)


# --- the checks themselves can fail ---------------------------------------------------------

MODULES = {
    "tariffcalc",
    "tariffcalc.errors",
    "tariffcalc.law",
    "tariffcalc.law.__init__",
    "tariffcalc.law.engine",
    "tariffcalc.inputs",
    "tariffcalc.inputs.__init__",
    "tariffcalc.inputs.shipment",
    "tariffcalc.output",
    "tariffcalc.output.__init__",
    "tariffcalc.output.render",
}

ENGINE = """\
from typing import TYPE_CHECKING
from tariffcalc.errors import InputError
from tariffcalc import inputs, __version__
if TYPE_CHECKING:
    from tariffcalc.inputs.shipment import Shipment
def assess():
    from ..output import render
    class Row:
        import tariffcalc.output.render
"""


def test_the_direction_check_sees_imports_in_functions_under_type_checking_and_relative() -> None:
    found = imports_of("tariffcalc.law.engine", ENGINE, MODULES)
    assert [(f.line, f.target, f.where) for f in found] == [
        (2, "tariffcalc.errors", "module"),
        (3, "tariffcalc.inputs", "module"),
        (5, "tariffcalc.inputs.shipment", "type-checking"),
        (7, "tariffcalc.output.render", "function"),
        (9, "tariffcalc.output.render", "function"),
    ]
    assert upward(found) == [
        "tariffcalc.law.engine:3 imports tariffcalc.inputs (law -> inputs runs upward)",
        "tariffcalc.law.engine:5 imports tariffcalc.inputs.shipment (law -> inputs runs upward)",
        "tariffcalc.law.engine:7 imports tariffcalc.output.render (law -> output runs upward)",
        "tariffcalc.law.engine:9 imports tariffcalc.output.render (law -> output runs upward)",
    ]


def test_the_direction_check_spares_the_entry_points_and_names_strays() -> None:
    found = [
        Import("tariffcalc", 1, "tariffcalc.output.render", "function"),
        Import("tariffcalc.__main__", 1, "tariffcalc.cli.main", "module"),
        Import("tariffcalc.law.engine", 4, "tariffcalc", "module"),
        Import("tariffcalc.helpers", 2, "tariffcalc.errors", "module"),
    ]
    assert upward(found) == [
        "tariffcalc.law.engine:4 imports tariffcalc (the package's entry point; "
        "import from the module that defines it)",
        "tariffcalc.helpers:2 imports tariffcalc.errors (no layer (helpers) -> base: "
        "every module belongs to one of base, law, inputs, studies, output, cli)",
    ]


def test_the_cycle_check_follows_module_level_imports_only() -> None:
    found = [
        Import("tariffcalc.law.hts", 3, "tariffcalc.law.domain", "module"),
        Import("tariffcalc.law.domain", 5, "tariffcalc.law.engine", "module"),
        Import("tariffcalc.law.engine", 7, "tariffcalc.law.hts", "module"),
        Import("tariffcalc.law.engine", 9, "tariffcalc.errors", "module"),
        Import("tariffcalc.inputs.shipment", 2, "tariffcalc.inputs.schedule", "module"),
        Import("tariffcalc.inputs.schedule", 4, "tariffcalc.inputs.shipment", "function"),
        Import("tariffcalc.inputs.schedule", 6, "tariffcalc.inputs.shipment", "type-checking"),
    ]
    assert cycles(found) == [
        "cycle: tariffcalc.law.domain:5 imports tariffcalc.law.engine, "
        "tariffcalc.law.engine:7 imports tariffcalc.law.hts, "
        "tariffcalc.law.hts:3 imports tariffcalc.law.domain"
    ]
