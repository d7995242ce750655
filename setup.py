"""Build hook: the temporal tagger's modules are compiled to C with mypyc.

The tagger runs on every title and lead; compiled, it costs about two thirds of the interpreted
time (BENCHMARKS.md, "When and how much"). The sources stay the single truth: the compiled
modules are built from the same ``.py`` files, which still run as they are when
``SILKWIRE_PURE_PYTHON=1`` is set at install time or when no C compiler is found (each extension
is optional: a failed build leaves the pure-Python module in place). ``tests/test_compiled.py``
checks that both give the same results and that the compiled modules are not older than their
sources.
"""

import os

from setuptools import setup

# Modules of silkwire.nlp.temporal that tag_dates and event_date_and_status run through
# (tests/test_compiled.py reads this list).
MODULES = ("tagger", "windows", "absolute", "relative", "context", "calendar", "guards", "status")
COMPILED = [f"src/silkwire/nlp/temporal/{name}.py" for name in MODULES]


def ext_modules() -> list[object]:
    if os.environ.get("SILKWIRE_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify

    # The isolated build environment holds mypy, not the runtime dependencies (numpy, babel,
    # tantivy…) that modules reached through package imports use: check those silently (the
    # project's own mypy run checks them for real), compile the tagger.
    flags = ["--follow-imports=silent", "--ignore-missing-imports"]
    extensions = mypycify([*flags, *COMPILED], opt_level="3", group_name="silkwire_temporal")
    for extension in extensions:
        extension.optional = True  # no compiler: the pure-Python modules are used
    return list(extensions)


if __name__ == "__main__":  # as setuptools runs it; a test reads MODULES without building
    setup(ext_modules=ext_modules())
