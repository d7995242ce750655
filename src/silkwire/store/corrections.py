"""The analyst's corrections (``CorrectionTables``): kept apart from the enrichments, with who,
when and why, never deleted (undoing one stamps it), and the pipeline's own fields of the
articles they changed (``enrichments.found``), so that an undo starts again from them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from silkwire.errors import NotFoundError
from silkwire.model import Correction
from silkwire.store.base import StoreBase, marks, now

_COLUMNS = "id, article_id, action, kind, fact, author, reason, created_at, undone_at, undone_by"
_CHUNK = 500


def _correction(row: Sequence[Any]) -> Correction:
    return Correction(id=row[0], article_id=row[1], action=row[2], kind=row[3], fact=json.loads(row[4]),
                      author=row[5], reason=row[6], created_at=row[7], undone_at=row[8], undone_by=row[9])


class CorrectionTables(StoreBase):
    """Corrections in, out and undone; the base fields they apply to."""

    def add_correction(self, c: Correction) -> Correction:
        """Store a correction (its id and time are the store's); returns it as stored."""
        stamp = now()
        with self.transaction() as db:
            new_id = int(db.execute(
                "INSERT INTO corrections (article_id, action, kind, fact, author, reason, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (c.article_id, c.action, c.kind, json.dumps(c.fact, ensure_ascii=False), c.author, c.reason,
                 stamp)).fetchall()[0][0])
        return self.correction(new_id)

    def correction(self, correction_id: int) -> Correction:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM corrections WHERE id = ?", (correction_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"{correction_id}: no correction with this number")
        return _correction(row)

    def undo_correction(self, correction_id: int, author: str) -> Correction:
        """Stamp a correction undone (it stays, for the record)."""
        with self.transaction() as db:
            db.execute("UPDATE corrections SET undone_at = ?, undone_by = ? WHERE id = ? AND undone_at IS NULL",
                       (now(), author, correction_id))
        return self.correction(correction_id)

    def corrections(self, article_id: str | None = None, *, entity_wide: bool = False, active: bool = True,
                    limit: int | None = None) -> list[Correction]:
        """Corrections, oldest first: of one article, or those about entities everywhere
        (``entity_wide``), or all; the undone ones too unless ``active``."""
        where: list[str] = []
        args: list[Any] = []
        if article_id is not None:
            where.append("article_id = ?")
            args.append(article_id)
        if entity_wide:
            where.append("article_id IS NULL")
        if active:
            where.append("undone_at IS NULL")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        tail = " LIMIT ?" if limit is not None else ""
        args += [limit] if limit is not None else []
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM corrections{clause} ORDER BY id{tail}", args).fetchall()
        return [_correction(r) for r in rows]

    def corrections_of(self, article_ids: Sequence[str]) -> dict[str, list[Correction]]:
        """The active corrections of these articles (not the entity-wide ones), oldest first."""
        out: dict[str, list[Correction]] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            for row in self.db.execute(f"SELECT {_COLUMNS} FROM corrections WHERE undone_at IS NULL "
                                       f"AND article_id IN ({marks(chunk)}) ORDER BY id", chunk):
                c = _correction(row)
                out.setdefault(str(c.article_id), []).append(c)
        return out

    def corrected_article_ids(self) -> list[str]:
        """Articles with an active correction of their own, in the order of their first one."""
        return [r[0] for r in self.db.execute(
            "SELECT article_id FROM corrections WHERE undone_at IS NULL AND article_id IS NOT NULL "
            "GROUP BY article_id ORDER BY min(id)")]

    def enrichment_bases(self, rowids: Sequence[int]) -> dict[int, tuple[str, dict[str, Any], dict[str, Any]]]:
        """Per enriched article: (pipeline version, the pipeline's own fields, the stored fields).
        The pipeline's fields are the stored ones when no correction changed them."""
        out: dict[int, tuple[str, dict[str, Any], dict[str, Any]]] = {}
        for start in range(0, len(rowids), _CHUNK):
            chunk = list(rowids[start:start + _CHUNK])
            for rowid, version, fields, found in self.db.execute(
                    f"SELECT article_rowid, version, fields, found FROM enrichments "
                    f"WHERE article_rowid IN ({marks(chunk)})", chunk):
                stored = json.loads(fields)
                out[rowid] = (version, json.loads(found) if found is not None else stored, stored)
        return out

    def set_entity_name(self, entity_id: str, name: str) -> None:
        """The name listings show for an entity (a rename, or its undo)."""
        with self.transaction() as db:
            db.execute("UPDATE entities SET name = ? WHERE id = ?", (name, entity_id))
