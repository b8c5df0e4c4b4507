"""The package reads one way: core -> store -> rollups -> ingest | engine | lake -> face -> the edge.

Every import between cxmetrics modules is read from the source (function-level imports too, since
a late import is still a dependency) and checked against the layer order of the folders; the
graph must have no cycle; only the edge's one Streamlit glue module imports streamlit, and what
people see (the face, the pages in views/, the widgets in ui/) never opens DuckDB itself. No
module imports another's private name: what two modules share is a public name of the lower one.
SQL text in Python is tests/test_sql_files.py's to find.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cxmetrics"

# A layer may import its own folder and any layer of a lower rank; layers of one rank are
# independent of each other (an import between ingest and engine is refused both ways).
RANKS = {"core": 0, "store": 1, "rollups": 2, "ingest": 3, "engine": 3, "lake": 3, "face": 4, "edge": 5}
# The package's edge: the command line and the one module that glues the engine to Streamlit.
EDGE = {"cxmetrics", "cxmetrics.__main__", "cxmetrics.cli", "cxmetrics.app_state"}
STREAMLIT_GLUE = "cxmetrics.app_state"
# Outside the package: what the browser shows. It reaches data through cxmetrics only.
FACE_FOLDERS = ("views", "ui")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    if module in EDGE:
        return "edge"
    return module.split(".")[1]


@cache
def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module imported from, names) for every import in the file, at any depth."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            found.append((node.lineno, source, [alias.name for alias in node.names]))
    return found


def targets(source: str, names: list[str]) -> list[str]:
    """The cxmetrics modules an import statement depends on: the module itself, or the submodules
    it names when it imports them from a package (`from .. import rollups`)."""
    if source not in MODULES:
        return []
    submodules = [f"{source}.{name}" for name in names if f"{source}.{name}" in MODULES]
    return submodules if submodules and len(submodules) == len(names) else [source] + submodules


def graph() -> dict[str, set[str]]:
    edges = {}
    for module, path in MODULES.items():
        edges[module] = {t for _, source, names in imports_of(path) for t in targets(source, names)} - {module}
    return edges


def test_every_module_sits_in_a_layer_folder_or_is_the_edge():
    stray = [m for m in MODULES if m not in EDGE and layer_of(m) not in RANKS]
    assert not stray, f"modules outside the layer folders ({', '.join(RANKS)}): {stray}"
    flat = [m for m in MODULES if m.count(".") == 1 and m not in EDGE and not (PACKAGE / m.split(".")[1]).is_dir()]
    assert not flat, f"a flat module beside the layer folders: {flat}"


def test_imports_go_down_the_layers_only():
    wrong = []
    for module, path in MODULES.items():
        mine = layer_of(module)
        for line, source, names in imports_of(path):
            for target in targets(source, names):
                theirs = layer_of(target)
                if target == module or theirs == mine or target == "cxmetrics":
                    continue
                if RANKS[theirs] >= RANKS[mine]:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_import_cycle_even_through_function_level_imports():
    edges = graph()
    state, cycles = {}, []

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _external(path: Path) -> set[str]:
    return {source.split(".")[0] for _, source, _ in imports_of(path) if source}


def test_only_the_glue_module_imports_streamlit():
    users = [m for m, p in MODULES.items() if "streamlit" in _external(p)]
    assert users == [STREAMLIT_GLUE]


@pytest.mark.parametrize("where", ["cxmetrics/face", *FACE_FOLDERS, "app.py"])
def test_the_face_never_opens_duckdb_itself(where):
    path = ROOT / where
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    assert files
    opened = [str(p.relative_to(ROOT)) for p in files if "duckdb" in _external(p)]
    assert not opened, f"the face imports duckdb (it should ask cxmetrics): {opened}"


def test_the_face_in_the_package_never_imports_streamlit():
    face = [m for m, p in MODULES.items() if layer_of(m) == "face" and "streamlit" in _external(p)]
    assert not face


def test_no_private_name_is_imported_from_another_module():
    borrowed = []
    for module, path in MODULES.items():
        for line, source, names in imports_of(path):
            if source and source.startswith("cxmetrics") and source != module:
                borrowed += [f"{path.relative_to(ROOT)}:{line} takes {source}.{n}" for n in names
                             if n.startswith("_") and not n.startswith("__")]
    assert not borrowed, "private names imported across modules:\n" + "\n".join(borrowed)


def test_the_checks_see_what_they_check():
    # A check that reads nothing passes on anything: the graph must hold the known dependencies.
    edges = graph()
    assert "cxmetrics.store.db" in edges["cxmetrics.engine.metrics"]
    assert "cxmetrics.rollups.metric_rollups" in edges["cxmetrics.rollups"]
    assert len(MODULES) > 60
