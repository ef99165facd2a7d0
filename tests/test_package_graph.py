"""The hub's packages depend one way: the import graph between them, read from the code, has no cycle."""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import hub

HUB = Path(hub.__file__).parent
# The assembly: they build the app, the worker and the command line out of every domain,
# and no package may import them.
ASSEMBLY = {"app", "cli", "worker", "__main__"}


def unit_of(module: str) -> str | None:
    """The package (or top-level module) of ``hub`` that ``module`` belongs to."""
    parts = module.split(".")
    if parts[0] != "hub" or len(parts) < 2:
        return None
    return parts[1]


def imported_modules(path: Path, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, dict[str, set[str]]]:
    """For each unit of ``hub``, the units it imports and, for each, the files that do."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(HUB.rglob("*.py")):
        relative = path.relative_to(HUB.parent).with_suffix("")
        module = ".".join(relative.parts)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        source = unit_of(module.removesuffix(".__init__"))
        if source is None:
            continue
        for name in imported_modules(path, package.removesuffix(".__init__")):
            target = unit_of(name)
            if target and target != source and (HUB / target).exists() | (HUB / f"{target}.py").exists():
                graph[source][target].add(str(path.relative_to(HUB.parent)))
        graph.setdefault(source, defaultdict(set))
    return graph


def find_cycle(graph: dict[str, dict[str, set[str]]]) -> list[str]:
    """One cycle of the graph as the list of its units, first repeated at the end; [] if none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(unit: str) -> list[str]:
        state[unit] = "open"
        stack.append(unit)
        for target in sorted(graph.get(unit, {})):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[unit] = "done"
        stack.pop()
        return []

    for unit in sorted(graph):
        if unit not in state and (cycle := visit(unit)):
            return cycle
    return []


def describe(graph: dict[str, dict[str, set[str]]], cycle: list[str]) -> str:
    steps = [f"{a} -> {b} ({', '.join(sorted(graph[a][b]))})" for a, b in itertools.pairwise(cycle)]
    return "import cycle between hub's packages:\n  " + "\n  ".join(steps)


def test_the_packages_of_the_hub_import_each_other_one_way() -> None:
    graph = package_graph()
    cycle = find_cycle(graph)
    assert not cycle, describe(graph, cycle)


def test_no_package_imports_the_app_the_cli_or_the_worker() -> None:
    graph = package_graph()
    offenders = {
        f"{source} imports hub.{target} ({', '.join(sorted(files))})"
        for source, targets in graph.items()
        if source not in ASSEMBLY
        for target, files in targets.items()
        if target in ASSEMBLY
    }
    assert not offenders, "\n".join(sorted(offenders))


def test_the_cycle_finder_names_a_cycle_it_is_given() -> None:
    graph: dict[str, dict[str, set[str]]] = {
        "reviews": {"triage": {"hub/reviews/moderation.py"}},
        "triage": {"reviews": {"hub/triage/cases.py"}},
        "widget": {"reviews": {"hub/widget/reads.py"}},
    }
    cycle = find_cycle(graph)
    assert cycle == ["reviews", "triage", "reviews"]
    assert "hub/triage/cases.py" in describe(graph, cycle)
    assert find_cycle({"widget": {"reviews": {"hub/widget/reads.py"}}, "reviews": {}}) == []
