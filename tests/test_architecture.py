"""Import directions (docs/architecture.md): layers import downwards only, no cycles, ingest never imported.

Every ``import`` / ``from ... import`` in the source counts, also those inside functions and under
``TYPE_CHECKING``: a lazy import that runs back up is still a dependency that runs back up.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Layers from the ground up: a module may import its own layer and the layers below it. ``cli`` and
# ``ui`` are both on top and may not import each other.
LAYERS: dict[str, int] = {
    "ground": 0,
    "corpus": 1,
    "index": 2,
    "knowledge": 3,
    "answering": 4,
    "stack": 5,
    "service": 6,
    "cli": 7,
    "ui": 7,
}
GROUND = {"config", "errors", "models", "logs", "jsonl", "__init__"}
MAX_TOP_LEVEL_MODULES = 8


@dataclass(frozen=True)
class Violation:
    module: str
    imported: str
    line: int
    rule: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}: {self.rule}"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(root: Path, packages: tuple[str, ...] = ("licenseqa", "ingest")) -> dict[str, Path]:
    """``{dotted module name: file}`` for every ``.py`` file of ``packages`` under ``root``."""
    out: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            out[_module_name(root, path)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """The project modules ``name`` imports, each with its line; ``from a import b`` resolves to ``a.b``
    when that is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append((target, node.lineno))
    return found


def layer(module: str) -> str | None:
    """The layer of a ``licenseqa`` module (None outside the package)."""
    parts = module.split(".")
    if parts[0] != "licenseqa":
        return None
    if len(parts) == 1 or parts[1] in GROUND:
        return "ground"
    return parts[1] if parts[1] in LAYERS else "unassigned"


def check(root: Path) -> list[Violation]:
    """Every import of ``root``'s ``licenseqa`` and ``ingest`` that breaks a rule, and every cycle."""
    known = modules(root)
    graph: dict[str, set[str]] = {m: set() for m in known}
    violations: list[Violation] = []
    for name, path in known.items():
        here = layer(name)
        for target, line in imports(name, path, known):
            graph[name].add(target)
            if here is None:  # ingest may import all of licenseqa
                continue
            if target.split(".")[0] == "ingest":
                violations.append(Violation(name, target, line, "licenseqa never imports ingest"))
                continue
            there = layer(target)
            if here == "unassigned" or there == "unassigned":
                violations.append(Violation(name, target, line, "module outside every layer"))
            elif {here, there} == {"cli", "ui"}:
                violations.append(Violation(name, target, line, "cli and ui never import each other"))
            elif LAYERS[there] > LAYERS[here]:
                violations.append(Violation(name, target, line, f"{here} may not import {there}"))
    for cycle in cycles(graph):
        violations.append(Violation(cycle[0], cycle[1], 0, "import cycle among " + ", ".join(cycle)))
    return violations


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_project_keeps_its_import_directions():
    violations = check(ROOT)
    assert not violations, "\n".join(map(str, violations))


def test_at_most_eight_modules_directly_in_the_package():
    top = sorted(p.name for p in (ROOT / "licenseqa").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_every_subpackage_says_what_it_owns_and_may_import():
    for init in sorted((ROOT / "licenseqa").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "May import" in doc, f"{init} needs a docstring saying what it owns and may import"


def _copy(tmp_path: Path) -> Path:
    for package in ("licenseqa", "ingest"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def test_the_check_fails_on_an_upward_import(tmp_path):
    root = _copy(tmp_path)
    _append(root / "licenseqa" / "config.py", "from licenseqa.answering.retrieval import Retriever")
    found = [str(v) for v in check(root)]
    assert any("licenseqa.config" in v and "ground may not import answering" in v for v in found), found


def test_the_check_fails_on_an_ingest_import_a_ui_import_and_a_cycle(tmp_path):
    root = _copy(tmp_path)
    _append(root / "licenseqa" / "index" / "store.py", "def _f():\n    import ingest.splitter")
    _append(root / "licenseqa" / "cli" / "ask.py", "from licenseqa.ui import render")
    _append(root / "licenseqa" / "corpus" / "documents.py", "from licenseqa.corpus import admin")
    rules = {v.rule.split(" licenseqa.")[0] for v in check(root)}
    assert "licenseqa never imports ingest" in rules
    assert "cli and ui never import each other" in rules
    assert "import cycle among" in rules, rules


def test_the_check_resolves_relative_imports(tmp_path):
    root = _copy(tmp_path)
    _append(root / "licenseqa" / "errors.py", "from .answering import compose")
    found = [str(v) for v in check(root)]
    assert any("licenseqa.answering.compose" in v for v in found), found
