"""The SQLite store: every table module's queries over one connection (see the package doc)."""

from __future__ import annotations

from silkwire.store.articles import ArticleTables
from silkwire.store.corrections import CorrectionTables
from silkwire.store.counts import CountTables
from silkwire.store.dedup_index import DedupTables
from silkwire.store.enrichments import EnrichmentTables
from silkwire.store.entity_ids import EntityIdTables
from silkwire.store.events import EventTables
from silkwire.store.explore import ExploreQueries
from silkwire.store.monitoring import MonitoringTables
from silkwire.store.queries import FilterQueries
from silkwire.store.stories import StoryTables
from silkwire.store.story_state import StoryStateTables


class Store(ArticleTables, EnrichmentTables, EventTables, DedupTables, StoryTables, StoryStateTables,
            MonitoringTables, FilterQueries, ExploreQueries, CorrectionTables,
            EntityIdTables, CountTables):
    """A silkwire database. Use as a context manager, or call ``close``.

    Every write batch is one transaction: a crash leaves the file as it was."""
