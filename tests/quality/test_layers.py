"""The house rules, checked on the code: layers and import direction (layers.toml), no cycles."""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "silkwire"
RULES = tomllib.loads((Path(__file__).parent / "layers.toml").read_text(encoding="utf-8"))


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)
        found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The silkwire module an imported name refers to (a module, or the module defining a name)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            out += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return out


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _group(package: str) -> str:
    for group, members in RULES["groups"].items():
        if package in members:
            return group
    raise AssertionError(f"silkwire.{package} is in no group of layers.toml: add it")


def _edges() -> dict[str, set[tuple[str, int]]]:
    edges: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for module, path in MODULES.items():
        for name, line in _imports(module, path):
            target = _resolve(name) if name.startswith("silkwire") else None
            if target and target != module:
                edges[module].add((target, line))
    return edges


def test_every_package_is_in_a_layer() -> None:
    for module in MODULES:
        _group(_package(module))


def _violations(edges: dict[str, set[tuple[str, int]]]) -> list[str]:
    wrong = []
    for module, targets in edges.items():
        src_pkg = _package(module)
        src = _group(src_pkg)
        for target, line in targets:
            dst_pkg = _package(target)
            if dst_pkg == src_pkg or f"{src_pkg} -> {dst_pkg}" in RULES["exceptions"]:
                continue
            dst = _group(dst_pkg)
            # Within a group only base and service modules import each other (engines never a
            # sibling engine, interfaces never another interface but for the listed exceptions).
            if dst in RULES["may_import"][src] or (dst == src and src in ("base", "service")):
                continue
            where = MODULES[module].relative_to(ROOT) if module in MODULES else module
            wrong.append(f"{where}:{line}: {module} imports {target} ({src} -> {dst})")
    return sorted(wrong)


def test_imports_follow_the_layers() -> None:
    wrong = _violations(_edges())
    assert not wrong, "imports against layers.toml:\n" + "\n".join(wrong)


def test_the_checker_refuses_what_the_rules_forbid() -> None:
    bad = {"silkwire.store.sqlite": {("silkwire.service.articles", 1)},  # an engine reaching up
           "silkwire.nlp.events": {("silkwire.stories.cluster", 2)},  # a sibling engine
           "silkwire.web.pages": {("silkwire.api.app", 3)},  # web through the API
           "silkwire.api.app": {("silkwire.web.pages", 4)}}  # allowed: listed exception
    assert [w.split(": ", 1)[1] for w in _violations(bad)] == [
        "silkwire.nlp.events imports silkwire.stories.cluster (engines -> engines)",
        "silkwire.store.sqlite imports silkwire.service.articles (engines -> service)",
        "silkwire.web.pages imports silkwire.api.app (interfaces -> interfaces)"]


def test_third_party_packages_stay_in_their_package() -> None:
    wrong = []
    for module, path in MODULES.items():
        for name, line in _imports(module, path):
            top = name.split(".")[0]
            if top in RULES["third_party"] and _package(module) not in RULES["third_party"][top]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {top}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = {m: {t for t, _ in targets} for m, targets in _edges().items()}
    # A package's __init__ re-exporting its own modules is no cycle of the design: skip those edges.
    graph = {m: {t for t in ts if not (m == t.rpartition(".")[0] or (t == m.rpartition(".")[0] and
                                      MODULES[t].name == "__init__.py"))} for m, ts in graph.items()}
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                cycles.append(" -> ".join([*stack[stack.index(t):], t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(MODULES):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
