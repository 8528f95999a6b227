"""The modules of the shared package, infra, the sandboxes and the bench import one another
without a cycle.

A cycle makes a module run while another is half initialised (the Python Language Reference, "The
import system", 5.3.1 and 5.4.1: a module is put in ``sys.modules`` before its code runs): which
names exist then depends on which module was imported first. The walk is static (the ``import``
statements of every module, wherever they stand: at the top, inside a function, or under
``TYPE_CHECKING``), so it also holds for imports a given run never reaches.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import motcua_shared

REPOSITORY = Path(__file__).resolve().parents[2]
# What a build writes under a package (gitignored): the apps packaged with their dependencies.
GENERATED = frozenset({"build", "cdk.out"})


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under ``root``, by dotted name (a package by its own name)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        if GENERATED.intersection(path.relative_to(root).parts):
            continue
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports. ``from a import b`` reads module ``a`` (its
    names, Language Reference 7.11) and imports module ``a.b`` when there is one."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in modules and m != name}


def import_cycles(root: Path, package: str) -> list[list[str]]:
    """One cycle (as a path of module names) for each group of modules that import one another."""
    modules = module_files(root, package)
    graph = {name: sorted(imports_of(name, path, modules)) for name, path in modules.items()}
    # Tarjan's strongly connected components; a component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return sorted(_path_through(sorted(c), graph) for c in components)


def _path_through(component: list[str], graph: dict[str, list[str]]) -> list[str]:
    """A readable cycle inside the component: from its first module back to it."""
    start = component[0]
    members = set(component)
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for target in graph[path[-1]]:
            if target == start:
                return [*path, start]
            if target in members and target not in path:
                paths.append([*path, target])
    return component


@pytest.mark.parametrize(
    ("package", "root"),
    [
        ("motcua_shared", Path(motcua_shared.__file__).parent),
        ("infra", REPOSITORY / "infra"),
        ("sandboxes", REPOSITORY / "sandboxes"),
        ("bench", REPOSITORY / "bench"),
    ],
)
def test_a_package_has_no_import_cycle(package: str, root: Path) -> None:
    cycles = import_cycles(root, package)
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_the_walk_finds_cycles_through_lazy_imports_and_packages(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "ev").mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "__init__.py").write_text("from .b import thing\n")
    (package / "sub" / "b.py").write_text("def thing():\n    from ..a import x\n")
    (package / "c.py").write_text("import pkg.a\n")  # imports into a cycle, not part of one
    (package / "build" / "vendor").mkdir(parents=True)  # a packaged copy is not the package
    (package / "build" / "vendor" / "e.py").write_text("import pkg.build.vendor.d\n")
    (package / "build" / "vendor" / "d.py").write_text("import pkg.build.vendor.e\n")
    # the shape the events package had: its __init__ imports a module whose lazy import leads
    # to a module that imports a sibling through the package
    (package / "ev" / "__init__.py").write_text("from pkg.ev.envelope import Envelope\n")
    (package / "ev" / "envelope.py").write_text("def schema():\n    import pkg.ev.registry\n")
    (package / "ev" / "registry.py").write_text("from pkg.ev import kinds\n")
    (package / "ev" / "kinds.py").write_text("")

    assert import_cycles(package, "pkg") == [
        ["pkg.a", "pkg.sub.b", "pkg.a"],
        ["pkg.ev", "pkg.ev.envelope", "pkg.ev.registry", "pkg.ev"],
    ]
