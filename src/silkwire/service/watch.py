"""Use cases for following outlets: polling sources, the watch loop.

Everything fetched goes through ``net.Fetcher`` (the one network seam, with its safety rules)
and everything read goes in through ``articles.ingest_items`` (the path of ``silkwire ingest``:
one transaction per batch, ids from the content, so a re-read item is a duplicate, not a copy).

The watch state of each source (validators, last outcome, errors, next due time) lives in the
database (``store/monitoring.py``) and is written only after the source's items are stored. A
watch killed at any point therefore resumes where it was: a source whose items were stored but
whose state was not is fetched again, and its items come back as duplicates.

A pass fetches its sources in parallel, one host at a time per host (``parallel`` threads, each
taking one host's sources in turn, so the per-host delay and robots.txt hold), and stores them
in this thread as they arrive (one writer). With the fetcher's deadline on every fetch, a slow
outlet costs its own sources at most ``total_timeout`` each, and delays nobody else.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from silkwire.errors import InputError, StoreError
from silkwire.net import Fetched, Fetcher, FetchError, FetchPolicy, Validators
from silkwire.service import articles as service
from silkwire.service.inputs import Item, fetch_items
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


@dataclass
class _Outcome:
    """What fetching one source gave (in a fetch thread), for ``_store`` (in the writer's)."""

    source: Source
    state: WatchState  # as before the fetch, with the URL and times of this poll
    now: datetime
    fetched: Fetched | None = None
    items: list[Item] = field(default_factory=list)
    error: FetchError | None = None
    crash: str | None = None
    stored: threading.Event = field(default_factory=threading.Event)


def _prepare(state: WatchState | None, source: Source, now: datetime) -> WatchState:
    state = state or WatchState(source.name, source.url)
    if state.url != source.url:  # validators belong to a URL; a changed URL starts afresh
        state = replace(state, etag=None, last_modified=None)
    return replace(state, url=source.url, last_fetch=now.isoformat(),
                   next_due=(now + timedelta(seconds=source.interval)).isoformat())


def _fetch(fetcher: Fetcher, source: Source, state: WatchState, now: datetime, allow_private: bool) -> _Outcome:
    """Fetch and read one source; never raises (touches no database: runs in any thread)."""
    outcome = _Outcome(source, state, now)
    try:
        outcome.fetched, outcome.items = fetch_items(
            fetcher, source.url, kind=source.kind, source=source.name,
            allow_private=allow_private or source.allow_private, validators=Validators(state.etag, state.last_modified))
    except FetchError as exc:
        outcome.error = exc
    except Exception as exc:  # a parser crash on one source must not stop the others
        outcome.crash = f"unexpected error ({type(exc).__name__}: {exc})"
    return outcome


def poll_source(ws: service.Workspace, fetcher: Fetcher, source: Source, *, allow_private: bool = False,
                now: datetime | None = None) -> PollResult:
    """Fetch one source (conditionally), store its new items, then record its state."""
    now = now or _now()
    state = _prepare(ws.store.watch_state(source.name), source, now)
    return _store(ws, _fetch(fetcher, source, state, now, allow_private))


def _store(ws: service.Workspace, outcome: _Outcome) -> PollResult:
    """Store what one fetch gave, then record the source's state (the writer's thread)."""
    source, state, now = outcome.source, outcome.state, outcome.now
    if outcome.error is not None:
        exc = outcome.error
        ws.store.save_watch_state(replace(state, last_status="error", http_status=exc.status,
                                           last_error=exc.message, failures=state.failures + 1))
        return PollResult(source.name, "error", error=exc.message, http_status=exc.status)
    if outcome.fetched is None:
        message = outcome.crash or "unexpected error"
        ws.store.save_watch_state(replace(state, last_status="error", last_error=message,
                                           failures=state.failures + 1))
        return PollResult(source.name, "error", error=message)
    fetched, items = outcome.fetched, outcome.items
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


def poll_sources(ws: service.Workspace, fetcher: Fetcher, sources: list[Source], *, allow_private: bool = False,
                 parallel: int = 8, should_stop: Callable[[], bool] = lambda: False) -> Iterator[PollResult]:
    """Poll ``sources``: fetched in parallel (one host at a time per host, see the module doc),
    stored here as each arrives; yields each source's result."""
    now = _now()
    states = ws.store.all_watch_states()
    hosts: dict[str, list[Source]] = {}
    for source in sources:
        hosts.setdefault((urlsplit(source.url).hostname or "").lower(), []).append(source)
    arrived: queue.Queue[_Outcome | None] = queue.Queue()
    closing = threading.Event()  # the caller stopped reading: fetch threads must not wait on

    def fetch_host(group: list[Source]) -> None:
        for source in group:
            if should_stop() or closing.is_set():
                break
            outcome = _fetch(fetcher, source, _prepare(states.get(source.name), source, now), now, allow_private)
            arrived.put(outcome)
            # the next one once this one is stored: a watch killed now has fetched, unstored, at
            # most one source per host (fetched again at the restart)
            while not outcome.stored.wait(0.1) and not closing.is_set():
                pass
        arrived.put(None)  # this host is done

    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(hosts))), thread_name_prefix="watch") as pool:
        futures = [pool.submit(fetch_host, group) for group in hosts.values()]
        left = len(futures)
        try:
            while left:
                outcome = arrived.get()
                if outcome is None:
                    left -= 1
                    continue
                try:
                    result = _store(ws, outcome)
                finally:
                    outcome.stored.set()
                yield result
        finally:
            closing.set()  # e.g. Ctrl-C, or the caller broke off: the threads end after their fetch
        for future in futures:
            future.result()  # a bug in a fetch thread surfaces here, not silently


@dataclass
class WatchOptions:
    once: bool = False  # one pass over the due sources, then return
    force: bool = False  # the first pass polls every source, due or not
    allow_private: bool = False
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    max_sleep: float = 60.0  # the sources file is re-read at least this often
    parallel: int = 8  # hosts fetched at once


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
                for result in poll_sources(ws, fetch, due, allow_private=options.allow_private,
                                           parallel=options.parallel, should_stop=should_stop):
                    on_poll(result)
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


__all__ = ["FetchPolicy", "PollResult", "WatchOptions", "check_sources", "poll_source", "poll_sources", "watch"]
