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
            # Contentless: the terms are derived data (search/analyzer.py); the text lives in
            # `articles`. rowid = articles.rowid. Columns: title terms, body terms, folded words.
            """CREATE VIRTUAL TABLE articles_fts USING fts5(
                title, body, words,
                content='', prefix='2 3', tokenize='unicode61 remove_diacritics 0'
            )""",
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]
