"""The layout keeps its promises: imports run one way, and no module imports itself back.

Every import of the application's modules counts, at the top of a file or inside a function
(an import deferred to dodge a cycle is still a cycle).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("core", "accounts", "orders", "messaging", "notifications", "messagecenter")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports (``from a import b`` names ``a.b`` if it is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            # The deepest project module the name points into.
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {
        name: imports_of(path, modules) - {name}
        for name, path in modules.items()
        # A package's __init__ naming its submodules is not a dependency of theirs on it.
        if path.name != "__init__.py" or path.stat().st_size > 0
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def app_of(module: str) -> str:
    return module.split(".")[0]


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    # Packages whose __init__ re-exports their modules (messaging.models) are not cycles with
    # those modules: a submodule importing a sibling through the package is.
    assert cycles(graph) == []


def test_imports_run_one_way_between_the_apps():
    allowed = {
        "core": set(),
        "accounts": {"core"},
        "orders": {"core", "accounts"},
        "notifications": {"core", "accounts"},
        "messaging": {"core", "accounts", "orders", "notifications"},
        "messagecenter": {"core", "accounts", "orders", "notifications", "messaging"},
    }
    wrong = sorted(
        (module, target)
        for module, targets in import_graph().items()
        for target in targets
        if app_of(target) != app_of(module) and app_of(target) not in allowed[app_of(module)]
    )
    assert wrong == []


def test_the_graph_sees_the_imports_it_judges():
    graph = import_graph()

    assert "messaging.threads.delivery" in graph["messaging.threads.services"]
    assert "core.errors" in graph["accounts.ratelimit"]
    assert "messaging.relay.services" in graph["messaging.relay.tasks"]
