"""What the store's duplicate finder knows of the batch it is linking, so that a batch asks the
store a few questions, not a few per article.

Asked per article, the finder's questions (this digest's twin, these candidates' rows, write
this row) cost PostgreSQL a round trip each: ~7 per article held ingest at 206 articles/s
(issue 17). Now ``StoredDedup.prefetch``, called with the whole batch under the write lock,
reads at once the earliest article of each of the batch's digests and the rows of every stored
candidate its bands found; ``add`` answers from here and holds its ``article_dedup`` row, and
``StoredDedup.save`` writes the held rows in one statement before the batch commits.

Why the answers stay exact: no other writer changes these rows while the batch holds the write
lock, and what this batch adds is recorded here as it is added (its rows, its digests). The one
change made by SQL is a relink (an article older than its group's canonical takes its place,
rewriting its group's rows): the held rows are written first, and the cached rows of the group
take the new canonical, as the table's do.
"""

from __future__ import annotations

from collections.abc import Sequence

SeenRow = tuple[str, int, str | None, int, str, str]  # as dedup_index.SeenRow
# article_dedup row: (rowid, digest, size, signature, head signature, duplicate_of rowid,
# similarity, band period, lead signature)
DedupRow = tuple[int, bytes, int, bytes, bytes, int | None, float | None, int | None, bytes | None]


class BatchMemory:
    """The rows one batch has read or added, and the rows it holds back (see the module doc)."""

    def __init__(self) -> None:
        self.active = False  # between ``StoredDedup.prefetch`` and ``StoredDedup.save``
        self._rows: dict[int, SeenRow] = {}  # rowid -> its row as read (canonical included)
        self._rowids: dict[str, int] = {}  # article id -> rowid, for the rows above
        self._twins: dict[bytes, int | None] = {}  # digest asked -> its earliest article (None: none)
        self.held: list[DedupRow] = []
        self.duplicates: list[int] = []  # rowids added as duplicates (the counts move them)

    def start(self, twins: dict[bytes, SeenRow | None]) -> None:
        """A new batch; ``twins``: the earliest stored article of each digest it holds."""
        self.forget()
        self.active = True
        for digest, row in twins.items():
            self._twins[digest] = None if row is None else row[1]
            if row is not None:
                self.know(row)

    def stop(self) -> None:
        self.forget()
        self.active = False

    def relinked(self, canonical: str, members: Sequence[str]) -> None:
        """``members`` now have ``canonical`` as their group's canonical (a relink)."""
        for key in members:
            row = self.row_of(key)
            if row is not None:
                self._rows[row[1]] = (*row[:4], canonical, row[5])

    def forget(self) -> None:
        """Drop every row read."""
        self._rows.clear()
        self._rowids.clear()
        self._twins.clear()

    def know(self, row: SeenRow) -> None:
        if self.active:
            self._rows[row[1]] = row
            self._rowids[row[0]] = row[1]

    def row(self, rowid: int) -> SeenRow | None:
        return self._rows.get(rowid)

    def row_of(self, key: str) -> SeenRow | None:
        rowid = self._rowids.get(key)
        return None if rowid is None else self._rows.get(rowid)

    def rowid_of(self, key: str) -> int | None:
        return self._rowids.get(key)

    def twin(self, digest: bytes) -> tuple[bool, SeenRow | None]:
        """(whether this batch knows the answer, the earliest article with ``digest``)."""
        if digest not in self._twins:
            return False, None
        rowid = self._twins[digest]
        if rowid is None:
            return True, None
        row = self._rows.get(rowid)
        return row is not None, row

    def hold(self, row: SeenRow, dedup: DedupRow) -> None:
        """An article added: its row to write, and what later articles of the batch ask of it."""
        self.know(row)
        digest = dedup[1]
        if digest in self._twins and self._twins[digest] is None:
            self._twins[digest] = row[1]  # asked and not stored before: this one is the earliest
        self.held.append(dedup)
        if dedup[5] is not None:
            self.duplicates.append(dedup[0])

    def take(self) -> tuple[list[DedupRow], list[int]]:
        """The held rows and duplicates, forgotten here (the caller writes them)."""
        held, duplicates = self.held, self.duplicates
        self.held, self.duplicates = [], []
        return held, duplicates

