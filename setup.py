"""Build hook: the temporal tagger's modules and the story stream's scoring are compiled to C with
mypyc.

The tagger runs on every title and lead; compiled, it costs about two thirds of the interpreted
time (BENCHMARKS.md, "When and how much"). The scoring (``stories/scoring.py``: the cosines of
every candidate an article is compared with when stories are clustered, each article's probe keys
and posting-list updates) is its own group. The sources stay the single truth: the compiled
modules are built from the same ``.py`` files, which still run as they are when
``SILKWIRE_PURE_PYTHON=1`` is set at install time or when no C compiler is found (each extension
is optional: a failed build leaves the pure-Python module in place). ``tests/engines/test_compiled.py``
checks that both give the same results and that the compiled modules are not older than their
sources.
"""

import os

from setuptools import setup

# Modules of silkwire.nlp.temporal that tag_dates and event_date_and_status run through
# (tests/engines/test_compiled.py reads this list and STORIES).
MODULES = ("tagger", "windows", "absolute", "relative", "context", "calendar", "guards", "status")
COMPILED = [f"src/silkwire/nlp/temporal/{name}.py" for name in MODULES]
# The story stream's inner loops (silkwire.stories.scoring: the cosines, an article's probe keys and
# its posting-list updates), run for every article and every candidate it is compared with.
STORIES = ("scoring",)
COMPILED_STORIES = [f"src/silkwire/stories/{name}.py" for name in STORIES]


def ext_modules() -> list[object]:
    if os.environ.get("SILKWIRE_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify

    # The isolated build environment holds mypy, not the runtime dependencies (numpy, babel,
    # tantivy…) that modules reached through package imports use: check those silently (the
    # project's own mypy run checks them for real), compile the tagger and the scoring.
    flags = ["--follow-imports=silent", "--ignore-missing-imports"]
    extensions = [*mypycify([*flags, *COMPILED], opt_level="3", group_name="silkwire_temporal"),
                  *mypycify([*flags, *COMPILED_STORIES], opt_level="3", group_name="silkwire_stories")]
    for extension in extensions:
        extension.optional = True  # no compiler: the pure-Python modules are used
    return list(extensions)


if __name__ == "__main__":  # as setuptools runs it; a test reads MODULES without building
    setup(ext_modules=ext_modules())
