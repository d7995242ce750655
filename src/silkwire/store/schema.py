"""Schema and migrations. Each migration runs in its own transaction and bumps the version."""

from __future__ import annotations

from silkwire.store.open_views import EVENTS_VIEW, FACTS_VIEW

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

MIGRATIONS.append(
    (
        2,
        [
            # One row per enriched article: the record fields as JSON (the evidence, with spans),
            # plus the columns and facet tables that filters and aggregates need.
            # `indexed` = 0 until the text index holds this version's facets (see service).
            """CREATE TABLE enrichments (
                article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid),
                version TEXT NOT NULL,
                fields TEXT NOT NULL,
                event_date TEXT,
                status TEXT,
                indexed INTEGER NOT NULL DEFAULT 0,
                enriched_at TEXT NOT NULL
            )""",
            "CREATE INDEX enrichments_event_date ON enrichments(event_date)",
            "CREATE INDEX enrichments_pending ON enrichments(indexed) WHERE indexed = 0",
            """CREATE TABLE article_facets (
                kind TEXT NOT NULL,      -- country | entity | place
                value TEXT NOT NULL,     -- ISO code | entity id | place name
                article_rowid INTEGER NOT NULL REFERENCES articles(rowid),
                PRIMARY KEY (kind, value, article_rowid)
            ) WITHOUT ROWID""",
            "CREATE INDEX article_facets_article ON article_facets(article_rowid)",
            # The entities met so far (canonical id -> what to call it), for listings.
            """CREATE TABLE entities (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                name TEXT NOT NULL,
                country TEXT
            )""",
        ],
    )
)

MIGRATIONS.append(
    (
        3,
        [
            # The events of each enriched article (also in enrichments.fields, with their evidence),
            # one row each, so that relations and timelines are queries, not scans of JSON.
            # n = the event's position in the article (0 = its main event); day = YYYYMMDD of the
            # start of its date (NULL when undated), for ranges and ordering.
            """CREATE TABLE events (
                article_rowid INTEGER NOT NULL REFERENCES articles(rowid),
                n INTEGER NOT NULL,
                type TEXT NOT NULL,
                date TEXT,
                day INTEGER,
                status TEXT,
                place TEXT,
                PRIMARY KEY (article_rowid, n)
            ) WITHOUT ROWID""",
            "CREATE INDEX events_day ON events(day)",
            # side: source | target; actor: an ISO country code.
            """CREATE TABLE event_actors (
                actor TEXT NOT NULL,
                side TEXT NOT NULL,
                article_rowid INTEGER NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (actor, side, article_rowid, n),
                FOREIGN KEY (article_rowid, n) REFERENCES events(article_rowid, n)
            ) WITHOUT ROWID""",
            "CREATE INDEX event_actors_event ON event_actors(article_rowid, n)",
        ],
    )
)

MIGRATIONS.append(
    (
        5,
        [
            # Feeds and pages name their author; the id does not depend on it.
            "ALTER TABLE articles ADD COLUMN author TEXT",
            # The watch loop's state per source (keyed by its name in the sources file), so that a
            # restart resumes: validators for conditional GET, last outcome, when it is next due.
            """CREATE TABLE watch_state (
                source TEXT PRIMARY KEY,
                url TEXT NOT NULL,           -- the URL the validators belong to
                etag TEXT,
                last_modified TEXT,
                last_fetch TEXT,             -- UTC ISO time of the last poll
                last_status TEXT,            -- ok | not_modified | error
                http_status INTEGER,
                last_error TEXT,
                failures INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls
                last_items INTEGER,          -- items read at the last successful poll
                last_new INTEGER,            -- of which new
                total_new INTEGER NOT NULL DEFAULT 0,
                last_new_at TEXT,            -- when the source last gave a new item
                next_due TEXT                -- UTC ISO time of the next poll
            )""",
            # Saved searches; `checked_through` = the article rowid up to which matches were sought.
            """CREATE TABLE alerts (
                name TEXT PRIMARY KEY,
                query TEXT NOT NULL,
                filters TEXT NOT NULL,       -- JSON: since, until, sources, countries, entities, places
                webhook TEXT,
                created_at TEXT NOT NULL,
                checked_through INTEGER NOT NULL,
                last_run TEXT
            )""",
            # Each match once per alert; `delivered_at` NULL = the webhook has not accepted it yet.
            """CREATE TABLE alert_matches (
                alert TEXT NOT NULL REFERENCES alerts(name) ON DELETE CASCADE,
                article_id TEXT NOT NULL,
                matched_at TEXT NOT NULL,
                delivered_at TEXT,
                PRIMARY KEY (alert, article_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX alert_matches_pending ON alert_matches(alert) WHERE delivered_at IS NULL",
        ],
    )
)

# Duplicates and stories (issue 6): numbered 4 on its branch, 6 after the feeds' 5 landed first.
MIGRATIONS.append(
    (
        6,
        [
            # Duplicates (stories/dedup.py): per article, what the finder needs to come back
            # without re-reading texts (digest, sizes, MinHash signatures), and its link to its
            # group's canonical article (NULL: it is canonical). Duplicates are kept, never dropped.
            """CREATE TABLE article_dedup (
                article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid),
                digest BLOB NOT NULL,
                size INTEGER NOT NULL,
                signature BLOB NOT NULL,
                head_signature BLOB NOT NULL,
                duplicate_of INTEGER REFERENCES articles(rowid),
                similarity REAL
            )""",
            "CREATE INDEX article_dedup_duplicate_of ON article_dedup(duplicate_of) WHERE duplicate_of IS NOT NULL",
            # Stories (stories/cluster.py), rebuilt as a whole after ingest and enrich.
            """CREATE TABLE stories (
                id TEXT PRIMARY KEY,
                label TEXT NOT NULL,
                first TEXT,
                last TEXT,
                articles INTEGER NOT NULL,
                entities TEXT NOT NULL,     -- JSON [{"id", "name", "articles"}], most named first
                countries TEXT NOT NULL,    -- JSON ["KZ", ...], most named first
                follows TEXT                -- the story this one follows up (a thread), or NULL
            )""",
            "CREATE INDEX stories_first ON stories(first)",
            """CREATE TABLE story_articles (
                article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid),
                story_id TEXT NOT NULL
            )""",
            "CREATE INDEX story_articles_story ON story_articles(story_id)",
        ],
    )
)

# Duplicates at scale: the finder's LSH bands in the store instead of in memory.
MIGRATIONS.append(
    (
        7,
        [
            # One row per LSH band of an article (stories/dedup.py: its text's bands, then its
            # head's; none for a copy, whose twin stands for it): (band number, 64-bit hash of the
            # band's MinHash values) -> article. Candidates for a new article are its bands'
            # rows. Written with the article's article_dedup row; filled from the stored
            # signatures for articles deduplicated before this migration (service/duplicates.finder).
            """CREATE TABLE dedup_bands (
                band INTEGER NOT NULL,
                hash INTEGER NOT NULL,
                article_rowid INTEGER NOT NULL REFERENCES articles(rowid),
                PRIMARY KEY (band, hash, article_rowid)
            ) WITHOUT ROWID""",
            # The exact layer: the first article with a digest, without a dictionary in memory.
            "CREATE INDEX article_dedup_digest ON article_dedup(digest)",
            # Thread links: the stories that follow one (a scan of every story without it).
            "CREATE INDEX stories_follows ON stories(follows) WHERE follows IS NOT NULL",
        ],
    )
)


# Stories at scale: articles are added to the stored stories instead of re-clustering them all.
MIGRATIONS.append(
    (
        8,
        [
            # The day each canonical article was clustered on (YYYY-MM-DD; '9999-12-31' when
            # undated: clustering takes those last); NULL for a copy attached to its canonical's
            # story. Articles added later re-cluster from the earliest new one onwards, found by day.
            "ALTER TABLE story_articles ADD COLUMN day TEXT",
            "CREATE INDEX story_articles_day ON story_articles(day) WHERE day IS NOT NULL",
            # The document frequencies of the last whole clustering: articles added later are
            # weighed with the same IDF (stories/incremental.py), until the next whole one.
            """CREATE TABLE story_vocabulary (
                term TEXT PRIMARY KEY,
                df INTEGER NOT NULL
            ) WITHOUT ROWID""",
        ],
    )
)

# Derived state after a crash: the articles whose stories are not brought up to date yet.
MIGRATIONS.append(
    (
        9,
        [
            # Written in the transaction that stores an ingest batch (new articles) or an enrich
            # batch (enriched = 1), deleted once the stories hold them: a process killed in
            # between leaves the rows, and the next writing command does the work
            # (service/repair.py), so no crash loses stories.
            """CREATE TABLE stories_pending (
                article_rowid INTEGER PRIMARY KEY,
                enriched INTEGER NOT NULL DEFAULT 0
            )""",
        ],
    )
)

# The analyst's corrections (issue 19), kept apart from what the pipeline found.
MIGRATIONS.append(
    (
        10,
        [
            # One row per correction, never deleted: undoing one stamps undone_at/undone_by.
            # article_id NULL: about an entity wherever it appears (merge, rename, wikidata).
            # fact: JSON, what the action is about: for reject, what picks the fact out ({"code": "KZ"},
            # {"id": "per:…"}, {"type": "AGREE", "trigger": [s, e]}, {"span": [s, e]}…); for add, the
            # fact with its span; for merge {"id", "into"}, rename {"id", "name", "previous"},
            # wikidata {"id", "wikidata", "previous"}.
            """CREATE TABLE corrections (
                id INTEGER PRIMARY KEY,
                article_id TEXT,
                action TEXT NOT NULL,        -- reject | add | merge | rename | wikidata
                kind TEXT NOT NULL,          -- country | entity | place | event | topic | date | amount
                fact TEXT NOT NULL,
                author TEXT NOT NULL,
                reason TEXT,
                created_at TEXT NOT NULL,
                undone_at TEXT,
                undone_by TEXT
            )""",
            "CREATE INDEX corrections_article ON corrections(article_id)",
            # The pipeline's own record fields of an article whose stored fields corrections changed
            # (NULL when none did): undoing a correction starts again from them.
            "ALTER TABLE enrichments ADD COLUMN found TEXT",
        ],
    )
)

# Readable entity ids (issue 19): an unknown name's id is its folded spelling ("misc:sommet-de-
# bichkek"), no longer its transliteration key ("misc:somet-de-bichkek").
MIGRATIONS.append(
    (
        11,
        [
            # Each spelling family (the transliteration key, with the type) -> the first id it met,
            # so that "Djeyhoun Baïramov" and "Jeyhun Bayramov" in two articles are one entity.
            "CREATE TABLE entity_keys (key TEXT PRIMARY KEY, id TEXT NOT NULL)",
            # Renamed ids, old -> new: old links and --entity values still find the entity. Filled
            # when a database of older ids is opened (service/workspace.upgrade_entity_ids).
            "CREATE TABLE entity_ids (old TEXT PRIMARY KEY, new TEXT NOT NULL, renamed_at TEXT NOT NULL)",
        ],
    )
)

# The open format (issue 19): views that give a datasette or pandas user the facts without JSON.
# A later migration that changes a column they read drops and recreates them.
MIGRATIONS.append(
    (
        12,
        [
            # One row per fact in force (corrections applied): article id, kind (country, entity,
            # place, date, amount, event, topic), value (code, entity id, place name, ISO date, number,
            # PLOVER type, IPTC code), its first span (an event: its trigger; a topic has none),
            # confidence (an event's; a topic's score), corrected (1: added or changed by an analyst).
            FACTS_VIEW,
            # One row per event (open_views.py)
            EVENTS_VIEW,
        ],
    )
)

# Ten million articles on one machine (issue 16): the LSH bands filed by period of publication.
MIGRATIONS.append(
    (
        13,
        [
            # Bands are now derived (store/dedup_index.py): written sorted, many batches at a
            # time, and recomputed from the stored signatures past a watermark after a crash. The
            # period (stories/dedup.py: publication day // 64; -1: undated) leads the key so that
            # a lookup and a write touch the pages of recent periods only, whatever the size of
            # the corpus. No foreign key: a check per band row costs a seek of its own, and rows
            # are only ever written for stored articles. Refilled on first use.
            "DROP TABLE dedup_bands",
            """CREATE TABLE dedup_bands (
                period INTEGER NOT NULL,
                band INTEGER NOT NULL,
                hash INTEGER NOT NULL,
                article_rowid INTEGER NOT NULL,
                PRIMARY KEY (period, band, hash, article_rowid)
            ) WITHOUT ROWID""",
            # The period an article's bands are filed under; NULL when it has none (a copy: its
            # twin stands for it). What a refill needs to recompute exactly the bands that were.
            "ALTER TABLE article_dedup ADD COLUMN band_period INTEGER",
            # MinHash of the lead (the first paragraph after the title): two outlets' write-ups of
            # one dispatch open with it (stories/dedup.py); NULL when the lead is too short
            "ALTER TABLE article_dedup ADD COLUMN lead_signature BLOB",
            "DELETE FROM meta WHERE key = 'dedup.band_layout'",
        ],
    )
)

# Counts kept as rows are written (issue 16): stats and whole-corpus facet lists without scans.
_ORIGINAL = "rowid NOT IN (SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL)"
MIGRATIONS.append(
    (
        14,
        [
            # name -> number: articles, with_title, dated, duplicates, enriched, stories
            "CREATE TABLE counts (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "INSERT INTO counts (name, value) SELECT 'articles', count(*) FROM articles",
            "INSERT INTO counts (name, value) SELECT 'with_title', count(*) FROM articles WHERE title IS NOT NULL",
            "INSERT INTO counts (name, value) SELECT 'dated', count(published) FROM articles",
            "INSERT INTO counts (name, value) SELECT 'duplicates', count(*) FROM article_dedup "
            "WHERE duplicate_of IS NOT NULL",
            "INSERT INTO counts (name, value) SELECT 'enriched', count(*) FROM enrichments",
            "INSERT INTO counts (name, value) SELECT 'stories', count(*) FROM stories",
            # per source: its articles, and those that are not duplicates (what facet lists count)
            """CREATE TABLE source_counts (
                source TEXT PRIMARY KEY,
                articles INTEGER NOT NULL,
                originals INTEGER NOT NULL
            )""",
            f"INSERT INTO source_counts (source, articles, originals) SELECT source, count(*), sum({_ORIGINAL}) "
            "FROM articles GROUP BY source",
            # per fact (kind, value): the original articles that have it; the index reads the most
            # frequent first, a page per few dozen values
            """CREATE TABLE facet_counts (
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                articles INTEGER NOT NULL,
                PRIMARY KEY (kind, value)
            ) WITHOUT ROWID""",
            "CREATE INDEX facet_counts_top ON facet_counts(kind, articles DESC, value)",
            "INSERT INTO facet_counts (kind, value, articles) SELECT kind, value, count(*) FROM article_facets "
            "WHERE article_rowid NOT IN (SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL) "
            "GROUP BY kind, value",
        ],
    )
)

LATEST = MIGRATIONS[-1][0]
