"""Schema and migrations. Each migration runs in its own transaction and bumps the version."""

from __future__ import annotations

# (version, statements). Append new migrations; never edit a released one.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            """CREATE TABLE articles (
                rowid INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                source TEXT NOT NULL,
                ref TEXT,
                url TEXT,
                published TEXT,
                title TEXT,
                text TEXT NOT NULL,
                ingested_at TEXT NOT NULL
            )""",
            "CREATE INDEX articles_published ON articles(published)",
            "CREATE INDEX articles_source ON articles(source, published)",
            # Derived state that must survive restarts (e.g. how far the text index got).
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]
