"""Every third-party module that `src/` imports is a declared dependency, and every declared
dependency is imported (or says why not)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from conftest import REPO

SOURCES = REPO / "src" / "briefgen"

NOT_IMPORTED = {
    "ruamel-yaml-clib": "ruamel.yaml's C parser, used through ruamel.yaml",
}
"""Declared dependencies that no module imports by name, and why they are declared."""


def canonical(name: str) -> str:
    """Return a distribution name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """Return the distributions pyproject.toml declares as runtime dependencies."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonical(re.match(r"[A-Za-z0-9._-]+", spec).group()) for spec in project["dependencies"]}  # type: ignore[union-attr]


def imported() -> dict[str, set[str]]:
    """Return each third-party top-level module imported under src/ -> the files importing it."""
    found: dict[str, set[str]] = {}
    for path in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top != "briefgen" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.relative_to(REPO).as_posix())
    return found


def test_every_imported_module_is_a_declared_dependency() -> None:
    providers = packages_distributions()
    modules = imported()
    assert {"weasyprint", "docx", "fontTools"} <= set(modules)  # the scan sees lazy imports too
    undeclared = {
        module: sorted(files)
        for module, files in modules.items()
        if not {canonical(d) for d in providers.get(module, [module])} & declared()
    }
    assert undeclared == {}


def test_every_declared_dependency_is_imported_or_says_why_not() -> None:
    providers = packages_distributions()
    used = {canonical(d) for module in imported() for d in providers.get(module, [module])}
    assert sorted(declared() - used - set(NOT_IMPORTED)) == []
    assert set(NOT_IMPORTED) <= declared()
