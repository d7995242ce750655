"""What the watch loop and the alerts remember between runs (tables of schema migration 5).

Methods of the store (``MonitoringTables``): every write is one transaction, like the rest of the store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.errors import NotFoundError, StoreError
from silkwire.store.base import StoreBase, marks


@dataclass(frozen=True, slots=True)
class WatchState:
    source: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: str | None = None
    last_status: str | None = None  # ok | not_modified | error
    http_status: int | None = None
    last_error: str | None = None
    failures: int = 0
    last_items: int | None = None
    last_new: int | None = None
    total_new: int = 0
    last_new_at: str | None = None
    next_due: str | None = None


_WATCH_COLUMNS = ("source, url, etag, last_modified, last_fetch, last_status, http_status, last_error, failures, "
                  "last_items, last_new, total_new, last_new_at, next_due")
_WATCH_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in (n.strip() for n in _WATCH_COLUMNS.split(","))
                          if c != "source")


# -- alerts ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alert:
    name: str
    query: str
    filters: dict[str, Any]
    webhook: str | None
    created_at: str
    checked_through: int
    last_run: str | None = None


def _alert(row: Sequence[Any]) -> Alert:
    return Alert(row[0], row[1], json.loads(row[2]), row[3], row[4], int(row[5]), row[6])


class MonitoringTables(StoreBase):
    """Watch states and alerts."""

    def watch_state(self, source: str) -> WatchState | None:
        row = self.db.execute(f"SELECT {_WATCH_COLUMNS} FROM watch_state WHERE source = ?", (source,)).fetchone()
        return WatchState(*row) if row else None

    def all_watch_states(self) -> dict[str, WatchState]:
        return {r[0]: WatchState(*r) for r in self.db.execute(f"SELECT {_WATCH_COLUMNS} FROM watch_state")}

    def save_watch_state(self, state: WatchState) -> None:
        values = [getattr(state, name.strip()) for name in _WATCH_COLUMNS.split(",")]
        with self.transaction() as db:
            db.execute(f"INSERT INTO watch_state ({_WATCH_COLUMNS}) VALUES ({marks(values)}) "
                       f"ON CONFLICT (source) DO UPDATE SET {_WATCH_UPDATE}", values)

    def add_alert(self, alert: Alert) -> None:
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM alerts WHERE name = ?", (alert.name,)).fetchone():
                raise StoreError(f"an alert named {alert.name!r} already exists (remove it first)")
            db.execute("INSERT INTO alerts (name, query, filters, webhook, created_at, checked_through, last_run) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (alert.name, alert.query, json.dumps(alert.filters, ensure_ascii=False), alert.webhook,
                        alert.created_at, alert.checked_through, alert.last_run))

    def alerts(self) -> list[Alert]:
        return [_alert(r) for r in self.db.execute(
            "SELECT name, query, filters, webhook, created_at, checked_through, last_run FROM alerts ORDER BY name")]

    def remove_alert(self, name: str) -> None:
        with self.transaction() as db:
            if db.execute("DELETE FROM alerts WHERE name = ?", (name,)).rowcount == 0:
                raise NotFoundError(f"{name}: no alert with this name")

    def record_matches(self, name: str, article_ids: Sequence[str], checked_through: int, now: str) -> None:
        """New matches and the new high-water mark, in one transaction (a crash records neither)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO alert_matches (alert, article_id, matched_at) VALUES (?, ?, ?) "
                           "ON CONFLICT DO NOTHING",
                           [(name, a, now) for a in article_ids])
            db.execute("UPDATE alerts SET checked_through = ?, last_run = ? WHERE name = ?",
                       (checked_through, now, name))

    def alert_matches(self, name: str, limit: int = 100) -> tuple[int, list[tuple[str, str, str | None]]]:
        """(how many matches the alert has, the latest ``limit`` as (article id, matched at,
        delivered at)), newest first."""
        total = self.db.execute("SELECT count(*) FROM alert_matches WHERE alert = ?", (name,)).fetchone()[0]
        rows = self.db.execute("SELECT article_id, matched_at, delivered_at FROM alert_matches WHERE alert = ? "
                               "ORDER BY matched_at DESC, article_id LIMIT ?", (name, limit)).fetchall()
        return int(total), [(r[0], r[1], r[2]) for r in rows]

    def pending_deliveries(self, name: str) -> list[str]:
        """Ids of the matches the alert's webhook has not accepted yet, oldest first."""
        return [r[0] for r in self.db.execute(
            "SELECT m.article_id FROM alert_matches m LEFT JOIN articles a ON a.id = m.article_id "
            "WHERE m.alert = ? AND m.delivered_at IS NULL ORDER BY m.matched_at, a.rowid NULLS FIRST", (name,))]

    def mark_delivered(self, name: str, article_ids: Sequence[str], now: str) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE alert_matches SET delivered_at = ? WHERE alert = ? AND article_id = ?",
                           [(now, name, a) for a in article_ids])
