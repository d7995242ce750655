"""The main event dates that the publication estimates pin, for undated articles (listing items).

After the estimates of a listing (``articles.estimate_publication``), an undated item whose main
event has no date ("samedi", "hier", "le 12 mars" resolved against nothing) gets the date its
estimated window gives on every one of its days (``nlp/temporal/pinned.py``), marked
``event_date_estimated: true``; the expression read becomes, in ``dates``, the resolved value with
``anchor: "estimate"`` (its span is the evidence). When a later estimate no longer pins it (the
listing grew, the window moved), the date goes back to what the text alone gives. Articles with a
publication date of their own, an event date from their text, or analysts' corrections are left
as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from silkwire.service.workspace import Workspace

Row = tuple[int, str | None, str, dict[str, Any]]  # rowid, published, text, enrichment fields


def pin_event_dates(ws: Workspace, rows: Sequence[Row], estimates: Sequence[tuple[str | None, bool]]) -> int:
    """Pin (or unpin) the main event dates of a source's rows given their new publication
    estimates, in one transaction; returns how many articles changed."""
    updates = [(rowid, new) for (rowid, published, text, fields), (value, estimated)
               in zip(rows, estimates, strict=True)
               if published is None and not fields.get("corrections")
               and (new := repinned(text, {**fields, "published": value, "published_estimated": estimated},
                                    value if estimated else None)) is not None]
    if updates:
        ws.store.set_estimated_event_dates(updates)
    return len(updates)


def repinned(text: str, fields: dict[str, Any], window: str | None) -> dict[str, Any] | None:
    """The enrichment fields of an undated article with its main event date pinned by ``window``
    (or unpinned); None when nothing changes."""
    from silkwire.nlp.temporal.pinned import pin_event_date

    was = bool(fields.get("event_date_estimated"))
    if fields.get("event_date") is not None and not was:
        return None  # the text dates its event by itself
    pinned = pin_event_date(text, window)
    if pinned is None:
        return _unpinned(text, fields) if was else None
    evidence = pinned.evidence
    new = {**fields, "event_date": pinned.event_date, "event_date_estimated": True,
           "status": pinned.status or fields.get("status")}
    new["dates"] = [{**d, "value": evidence.value, "anchor": evidence.anchor}
                    if tuple(d.get("span", ())) == evidence.span else d
                    for d in _text_dates(text, fields)]
    return None if new == fields else new


def _unpinned(text: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as the text alone gives them (no publication date): the pinned date removed."""
    from silkwire.nlp.timefacts import event_fields

    new = {**fields, **event_fields(text, None), "dates": _text_dates(text, fields)}
    new.pop("event_date_estimated", None)
    return new


def _text_dates(text: str, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """``dates`` with any value an earlier window pinned read again from the text alone."""
    from silkwire.nlp.temporal import tag_dates

    if not any(d.get("anchor") == "estimate" for d in fields.get("dates", ())):
        return list(fields.get("dates", ()))
    again = {r.span: r for r in tag_dates(text, None)}
    out = []
    for d in fields.get("dates", ()):
        ref = again.get(tuple(d.get("span", ()))) if d.get("anchor") == "estimate" else None
        out.append({**d, "value": ref.value, "anchor": ref.anchor} if ref is not None else d)
    return out
