"""Derived state that survives a crash at any point (issue 18): stories, duplicate links, index.

Duplicate links commit with their batch; the text index catches up from its watermark when a
workspace opens (``workspace.sync_index``). Stories are brought up to date at the end of an
ingest or an enrich, after the last batch: a process killed in between used to leave the new
articles out of every story, and a re-run ("0 new") did not notice. So every batch marks its
articles in ``stories_pending`` in its own transaction, and the marks go only once the stories
hold them. The next ingest, enrich or watch finds the marks and takes them into its own end of
run, as if the first had finished: its stories are those of an uninterrupted run (a test kills
both commands at every step boundary and compares).

``step(name)`` marks those boundaries: with ``$SILKWIRE_FAULT_AT=N`` the Nth boundary the
process reaches raises ``InjectedFault`` (SQLite's own tests inject faults the same way).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from silkwire.service.workspace import Workspace

FAULT_ENV = "SILKWIRE_FAULT_AT"
Estimate = Callable[[Workspace], object]  # articles.estimate_publication (passed in: no import cycle)
_reached = 0


class InjectedFault(BaseException):
    """A simulated kill (BaseException: nothing on the way may catch it as an error)."""


def step(name: str) -> None:
    """A step boundary of a writing command (see the module doc)."""
    global _reached
    at = os.environ.get(FAULT_ENV)
    if not at:
        return
    _reached += 1
    if _reached == int(at):
        raise InjectedFault(f"injected fault at step {_reached} ({name})")


def reset_steps() -> None:
    global _reached
    _reached = 0


def pending(ws: Workspace) -> list[tuple[int, bool]]:
    """(rowid, enriched) of the articles an earlier command left without their stories."""
    return ws.store.stories_pending()


def finish_ingest(ws: Workspace, new: int, left: Sequence[tuple[int, bool]], estimate: Estimate) -> None:
    """The end of an ingest: stories for its new articles and for what an earlier one left."""
    if new or left:
        enriched = [r for r, e in left if e]
        if enriched:  # an enrich was killed before its end: finish it as it would have
            finish_enrich(ws, enriched, [], estimate)
        else:
            from silkwire.service import stories as storylines

            storylines.after_ingest(ws)
            step("ingest.stories")
    ws.store.clear_stories_pending([r for r, _ in ws.store.stories_pending()])


def finish_enrich(ws: Workspace, enriched: Sequence[int], left: Sequence[tuple[int, bool]],
                  estimate: Estimate) -> None:
    """The end of an enrich: publication estimates, then stories with the new facts."""
    changed = sorted(set(enriched) | {r for r, e in left if e})
    if changed or left:
        from silkwire.service.stories import update_stories

        estimate(ws)
        step("enrich.estimates")
        update_stories(ws, changed)  # now with entities, countries, events and date estimates
        step("enrich.stories")
    ws.store.clear_stories_pending([r for r, _ in ws.store.stories_pending()])
