"""Corrections use case: an analyst rejects a fact or adds one (with its span) in an article,
merges two entities, renames one or sets its Wikidata QID.

Corrections are stored apart from the enrichments (``store/corrections.py``), with who, when and
why, and applied over what the pipeline found each time an enrichment is stored: after a
re-enrichment with a new pipeline version as after the correction itself. The stored record
then says what changed: a fact added or changed carries ``"corrected": true`` (a changed one
keeps its ``original``), a rejected fact moves to ``rejected`` with the pipeline's version of
it, and ``corrections`` lists what was applied. Undoing a correction stamps it (it stays, for
the record) and the article goes back to the pipeline's fields with the other corrections."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from silkwire.dates import first_day
from silkwire.errors import NotFoundError, QueryError
from silkwire.model import FACT_KINDS, Article, Correction, Enrichment, enrichment_fields
from silkwire.service import entities
from silkwire.service.workspace import Workspace, reindex_pending
from silkwire.store import StoredEnrichment

ACTIONS = ("reject", "add", "merge", "rename", "wikidata")
ENTITY_WIDE = ("merge", "rename", "wikidata")
_LIST = {"country": "countries", "entity": "entities", "place": "places", "event": "events", "topic": "topics",
         "date": "dates", "amount": "amounts"}
_QID = re.compile(r"^Q[1-9]\d*$")
_ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
_KEEP = ("published", "published_estimated")  # set on the stored fields after enrichment (estimates)


# -- applying ----------------------------------------------------------------------------------


def _overlaps(a: Sequence[int], b: Sequence[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _spans(fact: dict[str, Any]) -> list[list[int]]:
    if "spans" in fact:
        return [list(s) for s in fact["spans"]]
    span = fact.get("span") or fact.get("trigger")
    return [list(span)] if span else []


def matches(kind: str, fact: dict[str, Any], pick: dict[str, Any]) -> bool:
    """Is ``fact`` (a record fact of this kind) the one a reject's ``pick`` designates?"""
    if kind == "country":
        return bool(fact.get("code") == pick.get("code"))
    if kind in ("entity", "topic"):
        key = "id" if kind == "entity" else "code"
        return bool(fact.get(key) == pick.get(key))
    if kind == "place":
        return bool(fact.get("name") == pick.get("name")
                    or (pick.get("geonameid") is not None and fact.get("geonameid") == pick.get("geonameid")))
    if kind == "event" and fact.get("type") != pick.get("type"):
        return False
    span = pick.get("trigger") if kind == "event" else pick.get("span")
    if span is not None:
        return any(_overlaps(s, span) for s in _spans(fact))
    if kind == "event":
        return True
    return "value" in pick and fact.get("value") == pick["value"]


def _new_fact(kind: str, c: Correction, text: str) -> dict[str, Any]:
    f = c.fact
    span = list(f.get("span") or f.get("trigger") or [])
    said = text[span[0]:span[1]] if span else ""
    if kind == "country":
        return {"code": f["code"], "how": ["correction"], "spans": [span] if span else []}
    if kind == "entity":
        return {"id": f["id"], "type": f["type"], "name": f.get("name") or said, "country": f.get("country"),
                "wikidata": f.get("wikidata"), "aliases": [], "spans": [span] if span else [],
                "confidence": 1.0}  # an analyst's entity is sure
    if kind == "place":
        return {"name": f.get("name") or said, "geonameid": f.get("geonameid"), "country": f.get("country"),
                "lat": f.get("lat"), "lon": f.get("lon"), "spans": [span] if span else []}
    if kind == "event":
        return {"type": f["type"], "mode": None, "source": list(f.get("source") or []),
                "target": list(f.get("target") or []), "source_entities": [], "target_entities": [],
                "date": f.get("date"), "status": f.get("status"), "place": f.get("place"), "trigger": span,
                "evidence": list(f.get("evidence") or span), "confidence": 1.0, "amounts": []}
    if kind == "topic":
        return {"code": f["code"], "label": f.get("label") or f["code"], "score": 1.0}
    if kind == "date":
        return {"text": said, "value": f["value"], "grain": f.get("grain"), "kind": f.get("kind") or "point",
                "anchor": "text", "span": span}
    return {"text": said, "value": f["value"], "unit": f.get("unit"), "kind": f.get("kind") or "money", "span": span}


def _add(fields: dict[str, Any], c: Correction, text: str) -> bool:
    facts = fields.setdefault(_LIST[c.kind], [])
    new = _new_fact(c.kind, c, text)
    key = {"country": "code", "entity": "id", "topic": "code", "place": "name"}.get(c.kind)
    same = next((x for x in facts if key and x.get(key) == new.get(key)), None)
    if same is None:
        facts.append({**new, "corrected": True, "correction": c.id})
        return True
    if "spans" in same:
        spans = [list(s) for s in same["spans"]]
        for s in new["spans"]:
            if s not in spans:
                spans.append(s)
        same["spans"] = sorted(spans)
    same.update(corrected=True, correction=c.id)
    return True


def _reject(fields: dict[str, Any], c: Correction) -> bool:
    facts = fields.get(_LIST[c.kind]) or []
    gone = [x for x in facts if matches(c.kind, x, c.fact)]
    if not gone:
        return False
    fields[_LIST[c.kind]] = [x for x in facts if x not in gone]
    fields.setdefault("rejected", []).extend({"kind": c.kind, "fact": x, "correction": c.id} for x in gone)
    return True


def _entity_wide(fields: dict[str, Any], c: Correction, names: dict[str, tuple[str, str, str | None]]) -> bool:
    entities = fields.get("entities") or []
    old_id = c.fact["id"]
    found = next((e for e in entities if e["id"] == old_id), None)
    if found is None:
        return False
    original = found.get("original") or {k: found.get(k) for k in ("id", "type", "name", "wikidata")}
    if c.action == "rename":
        if found["name"] not in found["aliases"]:
            found["aliases"] = [*found["aliases"], found["name"]]
        found["name"] = c.fact["name"]
    elif c.action == "wikidata":
        found["wikidata"] = c.fact["wikidata"]
    else:  # merge
        into = c.fact["into"]
        for v in fields.get("events") or ():
            for side in ("source_entities", "target_entities"):
                v[side] = list(dict.fromkeys(into if x == old_id else x for x in v.get(side) or ()))
        kept = next((e for e in entities if e["id"] == into), None)
        if kept is not None:  # both in the article: one entity with both sets of spans
            kept["spans"] = sorted({tuple(s) for s in kept["spans"] + found["spans"]})
            kept["spans"] = [list(s) for s in kept["spans"]]
            kept["aliases"] = list(dict.fromkeys([*kept["aliases"], found["name"], *found["aliases"]]))
            kept.update(corrected=True, correction=c.id, merged=[*kept.get("merged", []), original])
            fields["entities"] = [e for e in entities if e is not found]
            return True
        found["aliases"] = list(dict.fromkeys([*found["aliases"], found["name"]]))
        type_, name, country = names.get(into, (found["type"], found["name"], found.get("country")))
        found.update(id=into, type=type_, name=name, country=country)
    found.update(corrected=True, correction=c.id, original=original)
    return True


def apply_corrections(fields: dict[str, Any], corrections: Sequence[Correction], text: str,
                      names: dict[str, tuple[str, str, str | None]] | None = None) -> dict[str, Any]:
    """The record fields with these corrections applied, oldest first (a new dict; ``fields``
    stays as it was). ``names``: the display names of merge targets."""
    out = copy.deepcopy(fields)
    applied = []
    for c in sorted(corrections, key=lambda c: c.id or 0):
        if c.action == "add":
            done = _add(out, c, text)
        elif c.action == "reject":
            done = _reject(out, c)
        else:
            done = _entity_wide(out, c, names or {})
        if done:
            applied.append(public(c))
    if applied:
        out["corrections"] = applied
    return out


def public(c: Correction) -> dict[str, Any]:
    """A correction as the record, the API and the CLI show it."""
    return {"id": c.id, "article_id": c.article_id, "action": c.action, "kind": c.kind, "fact": c.fact,
            "author": c.author, "reason": c.reason, "created_at": c.created_at,
            **({"undone_at": c.undone_at, "undone_by": c.undone_by} if c.undone_at else {})}


# -- storing -----------------------------------------------------------------------------------


def _merge_names(ws: Workspace, corrections: Sequence[Correction]) -> dict[str, tuple[str, str, str | None]]:
    into = {c.fact["into"] for c in corrections if c.action == "merge"}
    return {i: (n[1], n[2], n[3]) for i in into if (n := ws.store.entity_row(i)) is not None}


def save_enrichments(ws: Workspace, found: Sequence[tuple[int, Article, Enrichment]]) -> None:
    """Store what the pipeline found, with the active corrections applied over it."""
    mine = ws.store.corrections_of([a.id for _, a, _ in found])
    wide = ws.store.corrections(entity_wide=True)
    names = _merge_names(ws, wide)
    items = []
    records = [enrichment_fields(e) for _, _, e in found]
    entities.unify_ids(ws, records)
    for (rowid, article, e), fields in zip(found, records, strict=True):
        corrections = [*wide, *mine.get(article.id, [])]
        corrected = apply_corrections(fields, corrections, article.text, names) if corrections else fields
        base = fields if "corrections" in corrected else None
        items.append(StoredEnrichment.of_fields(rowid, e.version, corrected, base))
    ws.store.save_enrichments(items)


def reapply(ws: Workspace, rowids: Sequence[int]) -> int:
    """Apply the active corrections again over the pipeline's fields of these articles (after a
    correction or an undo) and bring the text index's facets up to date; returns how many
    articles were stored again."""
    bases = ws.store.enrichment_bases(rowids)
    articles = {r: a for r, a in zip(rowids, ws.store.by_rowids(rowids), strict=False) if r in bases}
    mine = ws.store.corrections_of([a.id for a in articles.values()])
    wide = ws.store.corrections(entity_wide=True)
    names = _merge_names(ws, wide)
    items = []
    for rowid, article in articles.items():
        version, base, stored = bases[rowid]
        base = {**base, **{k: stored[k] for k in _KEEP if k in stored}}
        corrections = [*wide, *mine.get(article.id, [])]
        fields = apply_corrections(base, corrections, article.text, names) if corrections else base
        items.append(StoredEnrichment.of_fields(rowid, version, fields, base if "corrections" in fields else None))
    ws.begin_index_write()  # (taken already by correct and undo, before they store anything)
    ws.store.save_enrichments(items)
    reindex_pending(ws)
    ws.index.commit()
    ws.refresh()  # PostgreSQL: this node's index takes the change up as other nodes' will
    return len(items)


def fact_of(action: str, what: str, value: str | None, span: Sequence[int] | None = None,
            **extra: Any) -> dict[str, Any]:
    """A correction's fact from what a person types: a value (country code, entity id to reject
    or name to add, place name, event type, topic code, date value, amount) and a span."""
    key = {"country": "code", "entity": "id" if action == "reject" else "name", "place": "name",
           "event": "type", "topic": "code", "date": "value", "amount": "value"}.get(what, "value")
    fact: dict[str, Any] = {k: v for k, v in extra.items() if v not in (None, "", [], ())}
    if value not in (None, ""):
        fact[key] = str(value).upper() if what in ("country", "event") else value
    if span is not None:
        fact["trigger" if what == "event" and action == "reject" else "span"] = [int(span[0]), int(span[1])]
    return fact


# -- the use cases -----------------------------------------------------------------------------


def correct(ws: Workspace, c: Correction) -> Correction:
    """Check a correction against the database, store it and apply it; returns it as stored.
    Raises ``QueryError`` for a correction that cannot apply (unknown kind, fact, entity…)."""
    try:
        return _correct(ws, c)
    except BaseException:
        ws.index.rollback()  # a pooled workspace goes back to its pool: it must not keep the lock
        raise


def _correct(ws: Workspace, c: Correction) -> Correction:
    from silkwire.service.explore import check_country

    if c.action not in ACTIONS:
        raise QueryError(f"{c.action}: expected one of {', '.join(ACTIONS)}")
    if not c.author.strip():
        raise QueryError("a correction says who made it (author)")
    ws.begin_index_write()  # the index's lock first: a correction stored is a correction applied
    if c.action in ENTITY_WIDE:
        c = _checked_entity_wide(ws, c)
        stored = ws.store.add_correction(c)
        ids = [c.fact["id"], *([c.fact["into"]] if c.action == "merge" else [])]
        if c.action == "rename":
            ws.store.set_entity_name(c.fact["id"], c.fact["name"])
        reapply(ws, sorted({r for i in ids for r in ws.store.facet_rowids("entity", i)}))
        return stored
    if c.kind not in FACT_KINDS:
        raise QueryError(f"{c.kind}: expected one of {', '.join(FACT_KINDS)}")
    if c.article_id is None:
        raise QueryError(f"{c.action} is about one article: give its id")
    article = ws.store.get(c.article_id)
    rowid = ws.store.rowid_of(article.id)
    base = ws.store.enrichment_bases([rowid]).get(rowid)
    if base is None:
        raise QueryError(f"{article.id}: not enriched yet (silkwire enrich), nothing to correct")
    fact = {**c.fact, **{k: [check_country(x) for x in c.fact[k]] for k in ("source", "target") if c.fact.get(k)}}
    if c.kind == "country":
        fact["code"] = check_country(str(fact.get("code") or ""))
    if c.action == "reject":
        if not any(matches(c.kind, x, fact) for x in base[2].get(_LIST[c.kind]) or ()):
            raise QueryError(f"{article.id}: no {c.kind} {fact} in this article to reject")
    else:
        fact = _checked_addition(c.kind, fact, article)
    c = Correction(c.action, c.kind, fact, c.author.strip(), c.reason, article.id)
    stored = ws.store.add_correction(c)
    reapply(ws, [rowid])
    return stored


def undo(ws: Workspace, correction_id: int, author: str) -> Correction:
    """Undo a correction: it stays in the table, stamped; its articles are stored again without it."""
    c = ws.store.correction(correction_id)
    if c.undone_at is not None:
        raise QueryError(f"correction {correction_id} was already undone ({c.undone_at} by {c.undone_by})")
    ws.begin_index_write()
    try:
        done = ws.store.undo_correction(correction_id, author.strip() or "?")
        if c.article_id is not None:
            rowids = [ws.store.rowid_of(c.article_id)]
        else:
            if c.action == "rename":
                ws.store.set_entity_name(c.fact["id"], c.fact.get("previous") or c.fact["name"])
            ids = [c.fact["id"], *([c.fact["into"]] if c.action == "merge" else [])]
            rowids = sorted({r for i in ids for r in ws.store.facet_rowids("entity", i)})
        reapply(ws, rowids)
    except BaseException:
        ws.index.rollback()
        raise
    return done


def corrections(ws: Workspace, article_id: str | None = None, include_undone: bool = False) -> list[dict[str, Any]]:
    """The corrections (of one article, or all), oldest first, as dicts."""
    if article_id is not None:
        article_id = ws.store.get(article_id).id
    return [public(c) for c in ws.store.corrections(article_id, active=not include_undone)]


def _checked_span(fact: dict[str, Any], article: Article, key: str = "span") -> list[int]:
    span = fact.get(key)
    if not (isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span)
            and 0 <= span[0] < span[1] <= len(article.text)):
        raise QueryError(f"{key} {span!r}: expected [start, end] within the article's text (0..{len(article.text)})")
    return [int(span[0]), int(span[1])]


def _checked_addition(kind: str, fact: dict[str, Any], article: Article) -> dict[str, Any]:
    from silkwire.nlp.entities import slug
    from silkwire.service.explore import event_types, topic_names

    if kind == "topic":
        names = topic_names()
        if fact.get("code") not in names:
            raise QueryError(f"{fact.get('code')}: not an IPTC Media Topic code silkwire knows (medtop:…)")
        return {"code": fact["code"], "label": names[fact["code"]]}
    span = _checked_span(fact, article, "trigger" if kind == "event" and "trigger" in fact else "span")
    said = article.text[span[0]:span[1]]
    out = {**fact, "span": span}
    out.pop("trigger", None)
    if kind == "entity":
        type_ = str(fact.get("type") or "").upper()
        if type_ not in _ENTITY_TYPES:
            raise QueryError(f"entity type {fact.get('type')!r}: expected {', '.join(_ENTITY_TYPES)}")
        name = str(fact.get("name") or said).strip()
        out.update(type=type_, name=name, id=fact.get("id") or f"{type_.lower()}:{slug(name)}")
        if out.get("wikidata") and not _QID.match(str(out["wikidata"])):
            raise QueryError(f"{out['wikidata']}: not a Wikidata QID (Q followed by digits)")
    elif kind == "place":
        out["name"] = str(fact.get("name") or said).strip()
    elif kind == "event" and fact.get("type") not in event_types():
        raise QueryError(f"{fact.get('type')}: not a PLOVER event type ({', '.join(event_types())})")
    elif kind in ("date", "amount") and fact.get("value") in (None, ""):
        raise QueryError(f"a {kind} needs its value")
    if kind == "date" and first_day(str(fact["value"])) is None and not str(fact["value"]).startswith("R/"):
        raise QueryError(f"date value {fact['value']!r}: expected an ISO 8601 value (2025-07-30, 2025-07, "
                         "2025-Q3, a/b…)")
    if kind == "amount":
        try:
            out["value"] = float(fact["value"])
        except (TypeError, ValueError):
            raise QueryError(f"amount value {fact['value']!r}: expected a number") from None
    return out


def _checked_entity_wide(ws: Workspace, c: Correction) -> Correction:
    entity_id = str(c.fact.get("id") or "")
    row = ws.store.entity_row(entity_id)
    if row is None:
        raise NotFoundError(f"{entity_id}: no entity with this id")
    name = row[2]
    fact: dict[str, Any] = {"id": entity_id}
    if c.action == "merge":
        into = str(c.fact.get("into") or "")
        if into == entity_id or ws.store.entity_row(into) is None:
            raise QueryError(f"merge into {into!r}: expected the id of another known entity")
        fact["into"] = into
    elif c.action == "rename":
        new = str(c.fact.get("name") or "").strip()
        if not new:
            raise QueryError("rename: give the new name")
        fact.update(name=new, previous=name)
    else:
        qid = str(c.fact.get("wikidata") or "").strip().upper()
        if not _QID.match(qid):
            raise QueryError(f"{qid!r}: not a Wikidata QID (Q followed by digits)")
        fact.update(wikidata=qid)
    return Correction(c.action, "entity", fact, c.author.strip(), c.reason)
