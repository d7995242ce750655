"""An ingest batch's pure work, done in a worker process one batch ahead of the writer.

What ``ingest`` computes from an article alone (its duplicate fingerprints: folding, shingles,
MinHash signatures and LSH bands, ``Fingerprints.prepare_many``; and the text index's analysed
columns, ``search.analyzer.index_columns``) needs no store and no earlier article. A bulk load
spends about a third of its time there (issue 16's profile: 0.44 + 0.16 ms of 2.2 ms an article
at 20k), while the writer stores, links duplicates and writes bands on one core. So once an
input has shown itself large (``AFTER`` full batches), one worker process computes batch k+1
while the writer handles batch k; results come back in input order, the same values as computed
in place (the functions are pure), so the duplicate links, the index and the stories are those
of the inline path, and every batch is still one transaction of the writer's.

The worker is a fresh interpreter (``_Worker``: no copy of the parent's open database, tantivy
writer or pool threads), started once per ingest and stopped at its end; should it die, the batch
is computed in place and the rest of the ingest goes on without it. A small ingest (a feed, a test) never
starts it: the start (~1 s, numpy and the stemmer imported) would cost more than it saves.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from silkwire.model import Article
from silkwire.search.analyzer import index_columns

if TYPE_CHECKING:
    from silkwire.stories.fingerprints import DedupParams, Fingerprints, Prepared

AFTER = 2  # full batches read before the worker starts: ingests of fewer articles never start it

Columns = tuple[str, str, str]  # index_columns: title terms, body terms, words
Work = tuple[list["Prepared"], list[Columns]]

_PRINTS: dict[DedupParams, Fingerprints] = {}  # the permutations, made once per process


def compute(params: DedupParams, texts: Sequence[str], titles: Sequence[str | None],
            bodies: Sequence[str]) -> Work:
    """A batch's fingerprints and index columns (in the worker, or in place: the same values)."""
    from silkwire.stories.fingerprints import Fingerprints

    prints = _PRINTS.get(params)
    if prints is None:
        prints = _PRINTS[params] = Fingerprints(params)
    return prints.prepare_many(texts, titles), [index_columns(t, b) for t, b in zip(titles, bodies, strict=True)]


def _args(articles: Sequence[Article]) -> tuple[list[str], list[str | None], list[str]]:
    return [a.text for a in articles], [a.title for a in articles], [a.body for a in articles]


class _Worker:
    """``python -m silkwire.service.prefetch``: a fresh interpreter (not a fork of this one, and
    not multiprocessing's spawn, which imports the caller's main script again: a script that
    ingests without an ``if __name__ == "__main__"`` guard would ingest twice). Requests go down
    its stdin, results come up its stdout, pickled, in order; a thread reads them as they come so
    that neither side blocks on a full pipe."""

    def __init__(self) -> None:
        here = str(Path(__file__).resolve().parents[2])  # this silkwire, wherever it was imported from
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen([sys.executable, "-m", "silkwire.service.prefetch"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._futures: list[Future[Work]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def submit(self, *args: Any) -> Future[Work]:
        future: Future[Work] = Future()
        with self._lock:
            self._futures.append(future)
        assert self._proc.stdin is not None
        pickle.dump(args, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._proc.stdin.flush()
        return future

    def _read(self) -> None:
        out = self._proc.stdout
        assert out is not None
        while True:
            try:
                result = pickle.load(out)
            except Exception:  # the worker is gone (EOF, killed): whoever waits is told
                result = None
            with self._lock:
                if not self._futures:
                    return
                future = self._futures.pop(0)
            if result is None:
                future.set_exception(BrokenPipeError("the ingest worker stopped"))
                with self._lock:
                    for f in self._futures:
                        f.set_exception(BrokenPipeError("the ingest worker stopped"))
                    self._futures.clear()
                return
            future.set_result(result)

    def close(self) -> None:
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()  # the worker's loop ends at EOF
            self._proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()


class Prefetcher:
    """Batches handed in input order (``submit``), their work taken back in the same order
    (``take``): in a worker process once ``AFTER`` batches have come, in place before."""

    def __init__(self, params: Callable[[], DedupParams], after: int = AFTER) -> None:
        self._params = params  # asked when a batch comes (an empty input makes no finder)
        self.after = after
        self.batches = 0
        self.worked = 0  # batches the worker computed
        self._worker: _Worker | None = None
        self._broken = False

    def submit(self, articles: Sequence[Article]) -> Future[Work] | None:
        """Start a batch's work in the worker (None: it will be done in place, by ``take``)."""
        self.batches += 1
        if self._broken or self.batches <= self.after:
            return None
        try:
            if self._worker is None:
                self._worker = _Worker()
            return self._worker.submit(self._params(), *_args(articles))
        except OSError:
            self._broken = True
            return None

    def take(self, articles: Sequence[Article], future: Future[Work] | None) -> Work:
        """The batch's work: the worker's result, or computed here (no worker, or it died)."""
        if future is not None:
            try:
                work = future.result()
                self.worked += 1
                return work
            except OSError:
                self._broken = True
        return compute(self._params(), *_args(articles))

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker's loop: a request, its result, until the writer closes the pipe."""
    while True:
        try:
            args = pickle.load(stdin)
        except EOFError:
            return
        pickle.dump(compute(*args), stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
