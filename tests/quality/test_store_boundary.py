"""Every SQL statement lives in ``store/`` (DESIGN.md): the next store (PostgreSQL) then has one
package to mirror. Outside it, no module imports sqlite3, runs a statement, or reaches the
store's connection; callers use ``Store``'s methods (store/__init__.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "silkwire"
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|INDEX))\b")


def _outside_store() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts[:1]]


def test_no_sql_outside_the_store() -> None:
    found: list[str] = []
    for path in _outside_store():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{where}:{node.lineno}: imports sqlite3" for n in names if n.split(".")[0] == "sqlite3"]
            elif isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript",
                                                                   "create_function"):
                found.append(f"{where}:{node.lineno}: .{node.attr}")
            elif isinstance(node, ast.Attribute) and node.attr == "db" and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "store":
                found.append(f"{where}:{node.lineno}: reaches store.db")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                found.append(f"{where}:{node.lineno}: SQL text {node.value[:40]!r}")
    assert found == [], "\n".join(found)


def test_the_store_says_its_access_style() -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / "store" / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert "Access style: methods on ``Store``" in doc
