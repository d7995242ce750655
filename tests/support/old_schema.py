"""Databases as older silkwire versions wrote them: the migrations after 9 undone, so that a
test of an older migration sees the schema it was written for (the tests undo 9 and older
themselves)."""

from __future__ import annotations

import sqlite3

# Newest first: what undoes each migration after 9.
UNDO_AFTER_9 = [
    (14, "DROP TABLE counts; DROP TABLE source_counts; DROP TABLE facet_counts;"),
    (13, "DROP TABLE dedup_bands; CREATE TABLE dedup_bands (band INTEGER NOT NULL, hash INTEGER NOT NULL, "
         "article_rowid INTEGER NOT NULL REFERENCES articles(rowid), PRIMARY KEY (band, hash, article_rowid)) "
         "WITHOUT ROWID; ALTER TABLE article_dedup DROP COLUMN band_period; "
         "ALTER TABLE article_dedup DROP COLUMN lead_signature; "
         "DELETE FROM meta WHERE key IN ('dedup.band_layout', 'dedup.banded_through');"),
    (12, "DROP VIEW silkwire_facts; DROP VIEW silkwire_events;"),
    (11, "DROP TABLE entity_keys; DROP TABLE entity_ids;"),
    (10, "DROP TABLE corrections; ALTER TABLE enrichments DROP COLUMN found;"),
]


def downgrade_to_9(db: str) -> None:
    con = sqlite3.connect(db)
    for version, script in UNDO_AFTER_9:
        if con.execute("SELECT 1 FROM schema_version WHERE version = ?", (version,)).fetchone():
            con.executescript(script + f" DELETE FROM schema_version WHERE version = {version};")
    con.close()
