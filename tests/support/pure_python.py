"""Run silkwire's interpreted sources even where mypyc compiled them (setup.py).

Python's import system prefers an extension module (``tagger.cpython-311-*.so``) to the
``tagger.py`` beside it. With ``SILKWIRE_PURE_PYTHON=1`` in the environment, tests/conftest.py
installs this finder first, so every silkwire module comes from its ``.py`` file: the test of
the compiled tagger compares both, and tests that monkeypatch the tagger's internals (which
compiled code calls directly) run here.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

ENV = "SILKWIRE_PURE_PYTHON"


class SourcesFirst(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not name.startswith("silkwire.") or path is None:
            return None
        leaf = name.rpartition(".")[2]
        for entry in path:
            source = Path(entry) / f"{leaf}.py"
            if source.is_file():
                return importlib.util.spec_from_file_location(name, source)  # sets __file__
        return None  # a package, or not a silkwire module: the usual finders decide


def prefer_sources() -> None:
    if not any(isinstance(finder, SourcesFirst) for finder in sys.meta_path):
        sys.meta_path.insert(0, SourcesFirst())
