"""The mypyc-compiled temporal tagger and story scoring (setup.py) against the sources they are
built from.

Skipped on a pure-Python install (SILKWIRE_PURE_PYTHON=1 at install time, or no C compiler):
there the whole suite already runs the interpreted tagger.
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from pure_python import ENV
from story_scores import outputs as story_outputs
from temporal_outputs import outputs

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parents[1]
SUPPORT = ROOT / "tests" / "support"
SETUP = runpy.run_path(str(ROOT / "setup.py"), run_name="setup")
TEMPORAL = list(SETUP["MODULES"])
STORIES = list(SETUP["STORIES"])


def _compiled_files(package: str, names: list[str]) -> dict[str, Path]:
    found = {}
    for name in names:
        module = importlib.import_module(f"{package}.{name}")
        if module.__file__ and module.__file__.endswith(tuple(EXTENSION_SUFFIXES)):
            found[name] = Path(module.__file__)
    return found


COMPILED = _compiled_files("silkwire.nlp.temporal", TEMPORAL)
COMPILED_STORIES = _compiled_files("silkwire.stories", STORIES)
needs_compiled = pytest.mark.skipif(not COMPILED, reason="pure-Python install: no compiled temporal module")


def _pure_env() -> dict[str, str]:
    return {**os.environ, ENV: "1", "PYTHONPATH": os.pathsep.join([str(SUPPORT), *sys.path])}


@needs_compiled
def test_all_or_none_of_the_tagger_is_compiled() -> None:
    assert sorted(COMPILED) == sorted(TEMPORAL)


@needs_compiled
def test_every_compiled_module_is_built_from_its_current_source() -> None:
    # The code is in one shared library (setup.py's group); each module's own .so is a shim that
    # is rebuilt only when the module's interface changes.
    import silkwire_temporal__mypyc  # type: ignore[import-not-found]

    built = Path(silkwire_temporal__mypyc.__file__).stat().st_mtime
    stale = [name for name, so in COMPILED.items() if so.with_name(f"{name}.py").stat().st_mtime > built]
    assert not stale, (f"compiled from older sources: {stale}; rebuild with ./dev (it rebuilds) or "
                       ".venv/bin/python setup.py build_ext --inplace")



def _interpreted_outputs(module: str, outputs_module: str) -> object:
    """``outputs_module.outputs()`` computed in a child that imports ``module`` from its source."""
    script = ("import importlib, json, pure_python; pure_python.prefer_sources()\n"
              f"m = importlib.import_module({module!r}); import {outputs_module} as o\n"
              "assert m.__file__.endswith('.py'), m.__file__\n"
              "print(json.dumps(o.outputs()))")
    run = subprocess.run([sys.executable, "-c", script], env=_pure_env(), capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)

@needs_compiled
def test_compiled_and_interpreted_tagger_agree() -> None:
    interpreted = _interpreted_outputs("silkwire.nlp.temporal.tagger", "temporal_outputs")
    compiled = json.loads(json.dumps(outputs()))
    assert len(compiled) == len(interpreted) > 800
    assert sum(len(row[2]) for row in compiled) > 1000  # many dates found, not an empty comparison
    for mine, theirs in zip(compiled, interpreted, strict=True):
        assert mine == theirs


@needs_compiled
def test_the_temporal_tests_pass_interpreted() -> None:
    # Among them the ones that monkeypatch the tagger's internals, which compiled code ignores.
    tests = sorted(str(p) for p in TESTS.glob("test_temporal*.py"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                         env=_pure_env(), capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " skipped" not in run.stdout, run.stdout[-500:]


@needs_compiled
def test_the_story_scoring_is_compiled_from_its_current_source() -> None:
    assert sorted(COMPILED_STORIES) == sorted(STORIES)
    import silkwire_stories__mypyc  # type: ignore[import-not-found]

    built = Path(silkwire_stories__mypyc.__file__).stat().st_mtime
    stale = [name for name, so in COMPILED_STORIES.items() if so.with_name(f"{name}.py").stat().st_mtime > built]
    assert not stale, f"compiled from older sources: {stale}; rebuild with .venv/bin/python setup.py build_ext --inplace"


@needs_compiled
def test_compiled_and_interpreted_story_scoring_agree() -> None:
    interpreted = _interpreted_outputs("silkwire.stories.scoring", "story_scores")
    compiled = story_outputs()
    assert len(compiled["cosine"]) > 10_000 and len(compiled["centrality"]) == 58
    assert sum(float.fromhex(c) > 0.2 for c in compiled["cosine"]) > 100  # related pairs, not only zeros
    lengths = [len(p) - 1 for p in compiled["postings"]]
    assert len(compiled["strongest"]) > 1000 and max(lengths) == 40 and sum(n > 20 for n in lengths) > 10  # lists cut
    assert compiled == interpreted
