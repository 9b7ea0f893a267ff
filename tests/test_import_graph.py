"""The layering of DESIGN.md §5, checked (issue 9): ``partnership`` ← ``meetings`` ←
``workgroups``, ``partnerpot`` ← ``reports``; a lower app never imports a higher one, and no
module of the portal takes part in an import circle (imports inside functions included: grimp
sees them too, so a circle cannot hide there)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APPS = ("partnership", "meetings", "workgroups", "partnerpot", "reports")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_the_layers_contract_is_kept():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contract_fails_on_an_import_from_a_lower_app(tmp_path):
    """The same contract, on a copy of the apps' shape where the core imports Partnerpotten."""
    for app in APPS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "partnerpot" / "services.py").write_text("")
    (tmp_path / "partnership" / "views.py").write_text("from partnerpot import services\n")
    config = _config()
    contracts = "\n".join(
        f'[[tool.importlinter.contracts]]\nname = "{c["name"]}"\ntype = "{c["type"]}"\n'
        f"layers = {c['layers']!r}\n".replace("'", '"')
        for c in config["contracts"]
    )
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.importlinter]\nroot_packages = {list(config['root_packages'])!r}\n".replace(
            "'", '"'
        )
        + contracts
    )
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0, result.stdout
    assert "partnership.views -> partnerpot.services" in result.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    modules = sorted(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & set(modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_module_is_part_of_an_import_circle():
    graph = grimp.build_graph(*APPS, cache_dir=None)
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle(tmp_path, monkeypatch):
    package = tmp_path / "circular"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from . import b\n")
    (package / "b.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("circular", cache_dir=None)) == [["circular.a", "circular.b"]]
