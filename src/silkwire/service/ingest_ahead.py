"""The ingest's batches, read and prepared one batch ahead of the writer (issues 16 and 17).

What a batch needs before its transaction depends on its own texts only: reading and parsing the
inputs, the duplicate finder's fingerprints (``duplicates.preparer``: shingles, MinHash, band
keys) and the text index's columns (``search.index_columns``). ``ahead`` computes them in a
thread while the caller stores the batch before: the writer's waits on the database (SQLite's
page writes, a PostgreSQL server's inserts of the band rows and its commits), the index's writes
and numpy's products release the GIL, so the two overlap on a second core. No write is made in
the thread: each batch is still stored in one transaction, by the caller, in input order, and
a batch is prepared as it was before (the same values), so the database is the same.

``batches`` is the same work in the caller's thread, a batch at a time.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from silkwire.errors import InputError, InputWarning
from silkwire.model import Article
from silkwire.search import index_columns

if TYPE_CHECKING:
    from silkwire.stories.dedup import Prepared

Prepare = Callable[[Sequence[Article]], dict[str, "Prepared"]]
Columns = tuple[str, str, str]  # the index's title terms, body terms and words of an article
_END = object()


@dataclass
class Batch:
    """Up to ``batch_size`` articles, with the rejections and warnings read before the last of
    them (the last batch: every one left), and what the writer needs of their texts."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    prepared: dict[str, Prepared] = field(default_factory=dict)
    columns: list[Columns] | None = None  # per article, when the caller keeps the index


def batches(items: Iterable[Article | InputError | InputWarning], batch_size: int, prepare: Prepare,
            columns: bool) -> Iterator[Batch]:
    """The items in batches, each prepared: the duplicates' fingerprints, and the index's
    columns when ``columns``. A last batch may hold rejections or warnings only."""

    def ready(b: Batch) -> Batch:
        if b.articles:
            b.prepared = prepare(b.articles)
            if columns:
                b.columns = [index_columns(a.title, a.body) for a in b.articles]
        return b

    batch = Batch()
    for item in items:
        if isinstance(item, InputError):
            batch.rejected.append(item)
        elif isinstance(item, InputWarning):
            batch.warnings.append(item)
        else:
            batch.articles.append(item)
            if len(batch.articles) >= batch_size:
                yield ready(batch)
                batch = Batch()
    if batch.articles or batch.rejected or batch.warnings:
        yield ready(batch)


def ahead(source: Iterator[Batch]) -> Iterator[Batch]:
    """``source``'s batches, computed in a thread one batch ahead of the consumer. An error in
    the thread is raised here, at the batch it stopped; when the consumer stops (an error of its
    own, or it closes this generator), the thread stops at its next batch."""
    ready: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for batch in source:
                if not put(batch):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, raised in its thread
            put(exc)

    thread = threading.Thread(target=run, name="silkwire-ingest-ahead", daemon=True)
    thread.start()
    try:
        while True:
            got = ready.get()
            if got is _END:
                return
            if isinstance(got, BaseException):
                raise got
            assert isinstance(got, Batch)
            yield got
    finally:
        stop.set()
        thread.join(timeout=5.0)
