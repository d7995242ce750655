"""Entity ids over time (``EntityIdTables``): which id each spelling family met first (so that
one name spelled three ways in three articles is one entity), and the ids that were renamed
(old pages and filters are sent to the new id)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from silkwire.store.base import StoreBase, marks, now
from silkwire.store.counts import recount_facets

_CHUNK = 500


class EntityIdTables(StoreBase):
    """Identity keys -> ids; old ids -> new ids."""

    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        out: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            out.update(self.db.execute(f"SELECT key, id FROM entity_keys WHERE key IN ({marks(chunk)})", chunk))
        return out

    def add_entity_keys(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(identity key, id): the first id a key meets stays its id."""
        with self.transaction() as db:
            db.executemany("INSERT INTO entity_keys (key, id) VALUES (?, ?) ON CONFLICT DO NOTHING", list(pairs))

    def renamed_id(self, old: str) -> str | None:
        row = self.db.execute("SELECT new FROM entity_ids WHERE old = ?", (old,)).fetchone()
        return None if row is None else str(row[0])

    def entity_id_rows(self) -> list[tuple[str, str, str]]:
        """(id, type, name) of every entity met."""
        return [(r[0], r[1], r[2]) for r in self.db.execute("SELECT id, type, name FROM entities ORDER BY id")]

    def rename_entity_ids(self, mapping: Mapping[str, str]) -> None:
        """Old id -> new id in the entity list, the facets, the story rows and the keys, and the
        mapping kept (``entity_ids``). The record fields are the caller's (they are JSON)."""
        if not mapping:
            return
        stamp = now()
        with self.transaction() as db:
            for old, new in mapping.items():
                db.execute("INSERT INTO entities (id, type, name, country) SELECT ?, type, name, country "
                           "FROM entities WHERE id = ? ON CONFLICT DO NOTHING", (new, old))
                db.execute("DELETE FROM entities WHERE id = ?", (old,))
                # the articles that name the new id already keep their row; the old one goes below
                db.execute("UPDATE article_facets SET value = ? WHERE kind = 'entity' AND value = ? AND NOT EXISTS "
                           "(SELECT 1 FROM article_facets n WHERE n.kind = 'entity' AND n.value = ? "
                           "AND n.article_rowid = article_facets.article_rowid)", (new, old, new))
                db.execute("DELETE FROM article_facets WHERE kind = 'entity' AND value = ?", (old,))
                db.execute("UPDATE entity_keys SET id = ? WHERE id = ?", (new, old))
                db.execute("INSERT INTO entity_ids (old, new, renamed_at) VALUES (?, ?, ?) ON CONFLICT (old) "
                           "DO UPDATE SET new = excluded.new, renamed_at = excluded.renamed_at", (old, new, stamp))
            recount_facets(db, "entity", [*mapping, *mapping.values()])
            for story_id, entities in db.execute("SELECT id, entities FROM stories").fetchall():
                listed = json.loads(entities)
                if any(e.get("id") in mapping for e in listed):
                    for e in listed:
                        e["id"] = mapping.get(e.get("id"), e.get("id"))
                    db.execute("UPDATE stories SET entities = ? WHERE id = ?",
                               (json.dumps(listed, ensure_ascii=False), story_id))
