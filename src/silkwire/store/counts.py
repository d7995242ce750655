"""Counts kept up to date as rows are written (migration 14), so that ``stats`` and the facet
counts of a whole corpus are a few indexed reads, not scans of a million rows (issue 16:
``stats`` took 0.87 s at 929k articles).

- ``counts``: name -> number (articles, with_title, dated, duplicates, enriched, stories);
- ``source_counts``: per source, its articles and its originals (not duplicates);
- ``facet_counts``: per (kind, value), the original articles that have that fact (what the
  whole-corpus facet lists show: each duplicate group counts once, through its canonical).

Each is changed in the transaction of the write it follows (``bump``, ``bump_sources``,
``bump_facets``, called by the table modules), with an upsert that PostgreSQL reads the same way.
Rare writes that move many facts at once (entity ids renamed) count theirs again from the rows
(``recount_facets``). A test compares every count with the scan it replaces after ingests,
duplicate links, relinks, enrichments, corrections and renames.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.model import Article
from silkwire.store.base import Connection, StoreBase, is_duplicate, marks

_CHUNK = 500


def bump(db: Connection, deltas: Mapping[str, int]) -> None:
    """Add to named counts (in the caller's transaction)."""
    db.executemany("INSERT INTO counts (name, value) VALUES (?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET value = counts.value + excluded.value",
                   [(k, v) for k, v in deltas.items() if v])


def bump_sources(db: Connection, deltas: Mapping[str, tuple[int, int]]) -> None:
    """source -> (articles, originals) to add."""
    db.executemany("INSERT INTO source_counts (source, articles, originals) VALUES (?, ?, ?) "
                   "ON CONFLICT (source) DO UPDATE SET articles = source_counts.articles + excluded.articles, "
                   "originals = source_counts.originals + excluded.originals",
                   [(s, a, o) for s, (a, o) in deltas.items() if a or o])


def bump_facets(db: Connection, deltas: Mapping[tuple[str, str], int]) -> None:
    """(kind, value) -> original articles to add."""
    db.executemany("INSERT INTO facet_counts (kind, value, articles) VALUES (?, ?, ?) "
                   "ON CONFLICT (kind, value) DO UPDATE SET articles = facet_counts.articles + excluded.articles",
                   [(k, v, n) for (k, v), n in deltas.items() if n])


def count_added(db: Connection, new: Sequence[Article]) -> None:
    """Articles just stored (originals until linked as copies), on either store's insert path."""
    bump(db, {"articles": len(new), "with_title": sum(1 for a in new if a.title is not None),
              "dated": sum(1 for a in new if a.published is not None)})
    sources: Counter[str] = Counter(a.source for a in new)
    bump_sources(db, {s: (n, n) for s, n in sources.items()})


def facets_of(db: Connection, rowids: Sequence[int]) -> Counter[tuple[str, str]]:
    """(kind, value) -> how many of these articles have it."""
    found: Counter[tuple[str, str]] = Counter()
    for start in range(0, len(rowids), _CHUNK):
        chunk = list(rowids[start:start + _CHUNK])
        found.update((k, v) for k, v in db.execute(
            f"SELECT kind, value FROM article_facets WHERE article_rowid IN ({marks(chunk)})", chunk))
    return found


def originals_among(db: Connection, rowids: Sequence[int]) -> list[int]:
    """Those of these articles that are not duplicates."""
    out: list[int] = []
    for start in range(0, len(rowids), _CHUNK):
        chunk = list(rowids[start:start + _CHUNK])
        out += [r[0] for r in db.execute(
            f"SELECT rowid FROM articles WHERE rowid IN ({marks(chunk)}) AND NOT {is_duplicate('rowid')}", chunk)]
    return out


@dataclass(frozen=True)
class Enriched:
    """What the counts need to know before a batch of enrichments replaces the stored ones."""

    originals: frozenset[int]  # the batch's articles that are not duplicates (whose facts count)
    facets: Counter[tuple[str, str]]  # their facts as stored before
    known: int  # how many of the batch's articles were enriched already


def before_enrichments(db: Connection, rowids: Sequence[int]) -> Enriched:
    """Read, in the batch's transaction before its writes, what ``count_enrichments`` needs."""
    unique = sorted(set(rowids))
    originals = originals_among(db, unique)
    known = 0
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start:start + _CHUNK]
        known += int(db.execute(f"SELECT count(*) FROM enrichments WHERE article_rowid IN ({marks(chunk)})",
                                chunk).fetchone()[0])
    return Enriched(frozenset(originals), facets_of(db, originals), known)


def count_enrichments(db: Connection, before: Enriched, facets: Mapping[int, Iterable[tuple[str, str]]]) -> None:
    """The counts moved by a batch of enrichments: ``facets`` is each article's facts as now
    stored (the last enrichment of an article given twice), ``before`` what was there."""
    after: Counter[tuple[str, str]] = Counter(f for rowid, found in facets.items() if rowid in before.originals
                                              for f in set(found))
    bump_facets(db, {key: after[key] - before.facets[key] for key in after.keys() | before.facets.keys()})
    bump(db, {"enriched": len(facets) - before.known})


def became_duplicate(db: Connection, rowid: int) -> None:
    """An original article is now a duplicate (its group relinked to an earlier copy)."""
    became_duplicates(db, [rowid])


def became_duplicates(db: Connection, rowids: Sequence[int]) -> None:
    """Original articles are now duplicates (each once): a few statements for all of them."""
    if not rowids:
        return
    sources: Counter[str] = Counter()
    for start in range(0, len(rowids), _CHUNK):
        chunk = list(rowids[start:start + _CHUNK])
        sources.update(s for (s,) in db.execute(f"SELECT source FROM articles WHERE rowid IN ({marks(chunk)})", chunk))
    bump(db, {"duplicates": len(rowids)})
    bump_sources(db, {source: (0, -n) for source, n in sources.items()})
    bump_facets(db, {key: -n for key, n in facets_of(db, rowids).items()})


def recount_facets(db: Connection, kind: str, values: Iterable[str]) -> None:
    """Count these facet values again from the rows (after a write that moved many of them)."""
    wanted = sorted(set(values))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        db.execute(f"DELETE FROM facet_counts WHERE kind = ? AND value IN ({marks(chunk)})", [kind, *chunk])
        db.execute("INSERT INTO facet_counts (kind, value, articles) SELECT kind, value, count(*) FROM article_facets "
                   f"WHERE kind = ? AND value IN ({marks(chunk)}) AND NOT {is_duplicate('article_rowid')} "
                   "GROUP BY kind, value", [kind, *chunk])


class CountTables(StoreBase):
    """The counts read back."""

    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.db.execute("SELECT name, value FROM counts")}

    def source_totals(self) -> list[tuple[str, int]]:
        """(source, articles), most first."""
        return [(r[0], int(r[1])) for r in self.db.execute(
            "SELECT source, articles FROM source_counts WHERE articles > 0 ORDER BY articles DESC, source")]

    def top_sources(self, limit: int) -> list[tuple[str, int]]:
        """(source, original articles), most first."""
        return [(r[0], int(r[1])) for r in self.db.execute(
            "SELECT source, originals FROM source_counts WHERE originals > 0 ORDER BY originals DESC, source LIMIT ?",
            (limit,))]

    def top_facets(self, kind: str, limit: int) -> list[tuple[str, int]]:
        """(value, original articles) of a facet kind, most first (an index read of ``limit`` rows)."""
        return [(r[0], int(r[1])) for r in self.db.execute(
            "SELECT value, articles FROM facet_counts WHERE kind = ? AND articles > 0 "
            "ORDER BY articles DESC, value LIMIT ?", (kind, limit))]

    def set_count(self, name: str, value: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO counts (name, value) VALUES (?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    def count_stories(self) -> None:
        """The number of stories, counted again (after a rebuild or an increment: once a command)."""
        with self.transaction() as db:
            db.execute("INSERT INTO counts (name, value) SELECT 'stories', count(*) FROM stories "
                       "WHERE true ON CONFLICT (name) DO UPDATE SET value = excluded.value")

    def scanned_counts(self) -> dict[str, Any]:
        """What the counts stand for, by scans (tests compare the two)."""
        db = self.db

        def one(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0])

        return {
            "articles": one("SELECT count(*) FROM articles"),
            "with_title": one("SELECT count(*) FROM articles WHERE title IS NOT NULL"),
            "dated": one("SELECT count(published) FROM articles"),
            "duplicates": one("SELECT count(*) FROM article_dedup WHERE duplicate_of IS NOT NULL"),
            "enriched": one("SELECT count(*) FROM enrichments"),
            "stories": one("SELECT count(*) FROM stories"),
            "sources": sorted((r[0], int(r[1]), int(r[2])) for r in db.execute(
                f"SELECT source, count(*), sum(CASE WHEN {is_duplicate('rowid')} THEN 0 ELSE 1 END) FROM articles "
                "GROUP BY source")),
            "facets": sorted((r[0], r[1], int(r[2])) for r in db.execute(
                f"SELECT kind, value, count(*) FROM article_facets WHERE NOT {is_duplicate('article_rowid')} "
                "GROUP BY kind, value")),
        }

    def kept_counts(self) -> dict[str, Any]:
        """The counts as kept, in the shape of ``scanned_counts``."""
        kept = self.counts()
        out: dict[str, Any] = {k: kept.get(k, 0) for k in
                               ("articles", "with_title", "dated", "duplicates", "enriched", "stories")}
        out["sources"] = sorted((r[0], int(r[1]), int(r[2])) for r in self.db.execute(
            "SELECT source, articles, originals FROM source_counts WHERE articles > 0"))
        out["facets"] = sorted((r[0], r[1], int(r[2])) for r in self.db.execute(
            "SELECT kind, value, articles FROM facet_counts WHERE articles > 0"))
        return out
