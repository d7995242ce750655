"""Alerts: saved searches whose new matches are printed, and posted to a webhook, once each.

An alert remembers up to which article (store rowid) it has looked. ``run`` looks at the
articles stored since, records the ones that match (with the new mark, in one transaction),
and returns them; with a webhook it then posts every match the webhook has not accepted yet,
so a failed delivery is tried again at the next run and never lost. A new alert starts at the
articles stored after it was added (``include_existing`` to look at those already there too).
Articles are matched with the facts they have when ``run`` sees them: run ``silkwire enrich``
before ``alert run`` for country/entity/place filters to apply to the latest articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from silkwire.errors import QueryError
from silkwire.model import SearchFilters, article_record
from silkwire.net import Fetcher, FetchError
from silkwire.net.safety import check_url
from silkwire.search import parse_query
from silkwire.service import articles as service
from silkwire.store.monitoring import Alert

WEBHOOK_BATCH = 100  # matches per POST, so that a backlog goes out in bodies of bounded size
FILTER_KEYS = ("since", "until", "by", "sources", "countries", "entities", "places")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_alert(ws: service.Workspace, name: str, query: str, filters: SearchFilters,
              webhook: str | None = None, include_existing: bool = False) -> Alert:
    if not name.strip():
        raise QueryError("an alert needs a name")
    parse_query(query)  # a malformed query is refused now, not at every run
    if webhook:
        try:
            check_url(webhook)
        except FetchError as exc:
            raise QueryError(f"--webhook: {exc.message}") from None
    saved = {k: list(v) if isinstance(v, tuple) else v for k in FILTER_KEYS if (v := getattr(filters, k))}
    alert = Alert(name.strip(), query, saved, webhook, _now(), 0 if include_existing else ws.store.max_rowid())
    ws.store.add_alert(alert)
    return alert


def list_alerts(ws: service.Workspace) -> list[Alert]:
    return ws.store.alerts()


def alert_matches(ws: service.Workspace, name: str, limit: int = 100) -> tuple[Alert, int, list[dict[str, Any]]]:
    """An alert, how many matches its runs recorded, and the latest ``limit`` of them as article
    summaries (newest match first) with ``matched_at`` and ``delivered_at``."""
    from silkwire.errors import NotFoundError
    from silkwire.service.search import summary

    alert = next((a for a in ws.store.alerts() if a.name == name), None)
    if alert is None:
        raise NotFoundError(f"{name}: no alert of this name")
    total, rows = ws.store.alert_matches(name, limit)
    estimates = ws.store.published_estimates([article_id for article_id, _, _ in rows])
    out = []
    for article_id, matched_at, delivered_at in rows:
        try:
            article = ws.store.get(article_id)
        except NotFoundError:
            continue
        out.append({**summary(article, estimates.get(article_id)), "matched_at": matched_at,
                    "delivered_at": delivered_at})
    return alert, total, out


def remove_alert(ws: service.Workspace, name: str) -> None:
    ws.store.remove_alert(name)


@dataclass
class AlertRun:
    alert: str
    matches: list[dict[str, Any]] = field(default_factory=list)  # the new ones, as records
    delivered: int = 0
    pending: int = 0  # matches the webhook has not accepted (tried again next run)
    error: str | None = None


def _filters(saved: dict[str, Any]) -> SearchFilters:
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in saved.items()}
    return SearchFilters(**values)


def _match_record(alert: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"alert": alert, **record}


def new_matches(ws: service.Workspace, alert: Alert, through: int) -> list[tuple[int, str]]:
    """(rowid, id) of the articles in (checked_through, through] that match, in store order."""
    parsed = parse_query(alert.query)
    assert parsed.node is not None
    filters = _filters(alert.filters)
    _, total = ws.index.search(parsed.node, filters, 1, 0)
    ranked, _ = ws.index.search(parsed.node, filters, max(total, 1), 0)
    rowids = sorted(r for r, _ in ranked if alert.checked_through < r <= through)
    return [(r, a.id) for r, a in zip(rowids, ws.store.by_rowids(rowids), strict=True)]


def run_alerts(ws: service.Workspace, names: list[str] | None = None, allow_private: bool = False,
               fetcher: Fetcher | None = None) -> list[AlertRun]:
    ws.refresh()  # the index must hold what other writers stored (PostgreSQL)
    through = ws.searchable_through()
    chosen = [a for a in ws.store.alerts() if not names or a.name in names]
    missing = sorted(set(names or ()) - {a.name for a in chosen})
    if missing:
        raise QueryError(f"{missing[0]}: no alert with this name")
    runs = []
    own = fetcher is None
    fetch = fetcher or Fetcher()
    try:
        for alert in chosen:
            found = new_matches(ws, alert, through)
            ws.store.record_matches(alert.name, [i for _, i in found], through, _now())
            run = AlertRun(alert.name)
            run.matches = [_match_record(alert.name, article_record(a))
                           for a in ws.store.by_rowids([r for r, _ in found])]
            if alert.webhook:
                _deliver(ws, fetch, alert, run, allow_private)
            runs.append(run)
    finally:
        if own:
            fetch.close()
    return runs


def _deliver(ws: service.Workspace, fetcher: Fetcher, alert: Alert, run: AlertRun, allow_private: bool) -> None:
    assert alert.webhook
    ids = ws.store.pending_deliveries(alert.name)
    for start in range(0, len(ids), WEBHOOK_BATCH):
        chunk = ids[start:start + WEBHOOK_BATCH]
        records = [_match_record(alert.name, article_record(ws.store.get(i))) for i in chunk]
        payload = {"alert": alert.name, "query": alert.query, "matches": records}
        try:
            fetcher.post_json(alert.webhook, payload, allow_private=allow_private)  # raises unless 2xx
        except FetchError as exc:
            run.pending, run.error = len(ids) - start, f"webhook: {exc}"
            return
        ws.store.mark_delivered(alert.name, chunk, _now())
        run.delivered += len(chunk)
