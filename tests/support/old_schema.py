"""Databases as older silkwire versions wrote them: the migrations after 8 undone, so that a
test of an older migration sees the schema it was written for."""

from __future__ import annotations

import sqlite3

# Newest first: what undoes each migration after 8.
UNDO_AFTER_8 = [
    (11, "DROP VIEW silkwire_facts; DROP VIEW silkwire_events;"),
    (10, "DROP TABLE entity_keys; DROP TABLE entity_ids;"),
    (9, "DROP TABLE corrections; ALTER TABLE enrichments DROP COLUMN found;"),
]


def downgrade_to_8(db: str) -> None:
    con = sqlite3.connect(db)
    for version, script in UNDO_AFTER_8:
        if con.execute("SELECT 1 FROM schema_version WHERE version = ?", (version,)).fetchone():
            con.executescript(script + f" DELETE FROM schema_version WHERE version = {version};")
    con.close()
