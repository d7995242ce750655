"""Use cases for following outlets: polling sources, the watch loop.

Everything fetched goes through ``net.Fetcher`` (the one network seam, with its safety rules)
and everything read goes in through ``articles.ingest_items`` (the path of ``silkwire ingest``:
one transaction per batch, ids from the content, so a re-read item is a duplicate, not a copy).

The watch state of each source (validators, last outcome, errors, next due time) lives in the
database (``store/monitoring.py``) and is written only after the source's items are stored. A
watch killed at any point therefore resumes where it was: a source whose items were stored but
whose state was not is fetched again, and its items come back as duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from silkwire.errors import InputError, StoreError
from silkwire.net import Fetcher, FetchError, FetchPolicy, Validators
from silkwire.service import articles as service
from silkwire.service.inputs import fetch_items
from silkwire.service.sources import Source, load_sources
from silkwire.store.monitoring import WatchState

# -- polling sources --------------------------------------------------------------------------


@dataclass
class PollResult:
    source: str
    status: str  # ok | not_modified | error
    new: int = 0
    duplicate: int = 0
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    http_status: int | None = None


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def poll_source(ws: service.Workspace, fetcher: Fetcher, source: Source, *, allow_private: bool = False,
                now: datetime | None = None) -> PollResult:
    """Fetch one source (conditionally), store its new items, then record its state."""
    now = now or _now()
    state = ws.store.watch_state(source.name) or WatchState(source.name, source.url)
    if state.url != source.url:  # validators belong to a URL; a changed URL starts afresh
        state = replace(state, etag=None, last_modified=None)
    validators = Validators(state.etag, state.last_modified)
    state = replace(state, url=source.url, last_fetch=now.isoformat(),
                    next_due=(now + timedelta(seconds=source.interval)).isoformat())
    try:
        fetched, items = fetch_items(fetcher, source.url, kind=source.kind, source=source.name,
                                     allow_private=allow_private or source.allow_private, validators=validators)
    except FetchError as exc:
        ws.store.save_watch_state(replace(state, last_status="error", http_status=exc.status,
                                           last_error=exc.message, failures=state.failures + 1))
        return PollResult(source.name, "error", error=exc.message, http_status=exc.status)
    except Exception as exc:  # a parser crash on one source must not stop the others
        message = f"unexpected error ({type(exc).__name__}: {exc})"
        ws.store.save_watch_state(replace(state, last_status="error", last_error=message,
                                           failures=state.failures + 1))
        return PollResult(source.name, "error", error=message)
    try:
        # A 304 has nothing to store: no need to take the index writer (a commit costs ~25 ms).
        report = service.ingest_items(ws, items) if items else service.IngestReport()
    except Exception as exc:  # e.g. another process holds the writer: keep the old validators, so
        # that the next poll fetches these items again instead of being told "not modified"
        ws.index.rollback()
        message = f"could not store the items ({exc})"
        ws.store.save_watch_state(replace(state, last_status="error", http_status=fetched.status,
                                           last_error=message, failures=state.failures + 1))
        return PollResult(source.name, "error", error=message, http_status=fetched.status)
    rejected = [str(e) for e in report.rejected]
    warnings = [str(w) for w in report.warnings]
    note = (f"{len(rejected)} items rejected; first: {rejected[0]}" if rejected
            else f"warning: {warnings[0]}" if warnings else None)
    status = "not_modified" if fetched.not_modified else "ok"
    kept = fetched.validators if not fetched.not_modified else Validators(  # a 304 may omit them
        fetched.validators.etag or state.etag, fetched.validators.last_modified or state.last_modified)
    ws.store.save_watch_state(replace(
        state, etag=kept.etag, last_modified=kept.last_modified, last_status=status, http_status=fetched.status,
        last_error=note, failures=0,
        last_items=None if fetched.not_modified else report.seen + len(rejected),
        last_new=report.new, total_new=state.total_new + report.new,
        last_new_at=now.isoformat() if report.new else state.last_new_at))
    return PollResult(source.name, status, report.new, report.duplicate, rejected, warnings,
                      http_status=fetched.status)


def due_sources(states: dict[str, WatchState], sources: list[Source], now: datetime) -> list[Source]:
    """Sources never polled, or whose next due time has come (or whose URL changed)."""
    due = []
    for s in sources:
        st = states.get(s.name)
        if st is None or st.next_due is None or st.url != s.url or datetime.fromisoformat(st.next_due) <= now:
            due.append(s)
    return due


@dataclass
class WatchOptions:
    once: bool = False  # one pass over the due sources, then return
    force: bool = False  # the first pass polls every source, due or not
    allow_private: bool = False
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    max_sleep: float = 60.0  # the sources file is re-read at least this often


def watch(db_path: str, sources_path: str, options: WatchOptions,
          on_poll: Callable[[PollResult], None] = lambda r: None,
          on_problem: Callable[[InputError], None] = lambda e: None,
          should_stop: Callable[[], bool] = lambda: False,
          fetcher: Fetcher | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """Poll the sources on their intervals until stopped (or once); returns how many polls ran.

    The sources file is re-read at every pass, so ``sources add`` takes effect without a restart.
    """
    fetch = fetcher or Fetcher(options.policy)
    polls = 0
    first = True
    try:
        while not should_stop():
            sources = []
            for item in load_sources(sources_path):
                if isinstance(item, InputError):
                    if first:
                        on_problem(item)
                else:
                    sources.append(item)
            with service.open_workspace(db_path, create=True) as ws:
                now = _now()
                due = sources if first and options.force else due_sources(ws.store.all_watch_states(), sources, now)
                for source in due:
                    if should_stop():
                        break
                    on_poll(poll_source(ws, fetch, source, allow_private=options.allow_private))
                    polls += 1
                wait = _seconds_to_next(ws.store.all_watch_states(), sources, options.max_sleep)
            first = False
            if options.once:
                break
            _sleep_until(wait, sleep, should_stop)
    finally:
        if fetcher is None:
            fetch.close()
    return polls


def _seconds_to_next(states: dict[str, WatchState], sources: list[Source], cap: float) -> float:
    now = _now()
    waits = [(datetime.fromisoformat(st.next_due) - now).total_seconds()
             for s in sources if (st := states.get(s.name)) and st.next_due]
    return max(0.0, min([cap, *waits]))


def _sleep_until(seconds: float, sleep: Callable[[float], None], should_stop: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while not should_stop() and (left := end - time.monotonic()) > 0:
        sleep(min(left, 0.5))


def check_sources(db_path: str, sources_path: str) -> list[tuple[Source | InputError, WatchState | None]]:
    """Each source of the file with its recorded watch state (None: never polled)."""
    items = load_sources(sources_path)
    try:
        with service.open_workspace(db_path) as ws:
            states = ws.store.all_watch_states()
    except StoreError:
        states = {}
    return [(item, states.get(item.name) if isinstance(item, Source) else None) for item in items]


__all__ = ["FetchPolicy", "PollResult", "WatchOptions", "check_sources", "poll_source", "watch"]
