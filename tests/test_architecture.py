"""The layers of the engine: imports point one way, and no module imports itself in a cycle.

inputs -> model / simulate -> metrics -> studies -> outputs -> cli (``engine.errors`` and
``engine.atomic``, the atomic file writes, below them all, ``engine.schedule`` -- the schedule every
policy returns -- between the inputs and the model). A module may import its own layer and the layers
below it, never one above; ``model`` and ``simulate`` are siblings that do not import each other.
Type-checking imports count. ``weather`` never imports ``engine``. The package ``engine/__init__.py``
(the lazy public API) is outside the layers.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS: tuple[tuple[str, ...], ...] = (
    ("engine.errors", "engine.atomic"),
    ("engine.inputs",),
    ("engine.schedule",),
    ("engine.model", "engine.simulate"),
    ("engine.metrics",),
    ("engine.studies",),
    ("engine.outputs",),
    ("engine.cli",),
)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for top in ("engine", "weather") for p in (ROOT / top).rglob("*.py")}


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules a file imports (every ``import`` and ``from`` anywhere in it, relative ones too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for candidate in (base, *(f"{base}.{alias.name}" for alias in node.names)):
                if candidate in known:
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
    found.discard(name)
    return found


def layer_of(name: str) -> tuple[int, str] | None:
    for rank, members in enumerate(LAYERS):
        for member in members:
            if name == member or name.startswith(member + "."):
                return rank, member
    return None


GRAPH = {name: imported_modules(path, name, set(project_modules()))
         for name, path in project_modules().items()}


def test_every_engine_module_belongs_to_a_layer():
    loose = [name for name in GRAPH if name.startswith("engine.") and layer_of(name) is None]
    assert not loose, f"modules outside every layer: {loose}; move them into a layer's folder"


def test_imports_point_down_the_layers():
    upward = []
    for name, imports in GRAPH.items():
        if not name.startswith("engine."):
            continue
        rank, member = layer_of(name)
        for target in imports:
            if target == "engine" or not target.startswith("engine."):
                continue
            target_rank, target_member = layer_of(target)
            if target_rank > rank or (target_rank == rank and target_member != member):
                upward.append(f"{name} -> {target}")
    assert not upward, "imports that point up (or sideways between model and simulate): " + ", ".join(upward)


def test_weather_does_not_import_engine():
    wrong = [f"{name} -> {target}" for name, imports in GRAPH.items() if name.startswith("weather")
             for target in imports if target.startswith("engine")]
    assert not wrong, wrong


def test_no_import_cycle():
    graph = {name: {t for t in imports if t not in ("engine", "weather") and not t.endswith("__init__")}
             for name, imports in GRAPH.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target):], target] if target in trail else [node, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", ["engine.simulate.baseline", "engine.simulate.settle", "engine"])
def test_module_imports_without_cvxpy(module):
    code = f"import sys, {module}; sys.exit('cvxpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"importing {module} loads cvxpy: {done.stderr[-500:]}"
