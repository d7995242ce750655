"""Entity ids use case: one id per entity across articles and over time.

An unknown name's id is its folded spelling (``nlp.entities.entity_id``); the same name spelled
another way in another article (Djeyhoun/Jeyhun) has the same transliteration key
(``identity_key``), and the store keeps the first id each key met: ``unify_ids`` gives every
article that id. Ids renamed (a database of older ids upgraded, ``workspace.upgrade_entity_ids``)
and entities merged by an analyst (``corrections``) lead to the entity's current id: ``current_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from silkwire.nlp.entities import identity_key
from silkwire.service.workspace import Workspace


def unify_ids(ws: Workspace, records: Sequence[dict[str, Any]]) -> None:
    """Give the entities of these record fields (changed in place) the id their spelling family
    met first; the families met for the first time are remembered."""
    keys = {id(e): identity_key(e["type"], e["name"]) for f in records for e in f.get("entities") or ()}
    known = ws.store.ids_for_keys(set(keys.values()))
    new: dict[str, str] = {}
    for fields in records:
        remap: dict[str, str] = {}
        for e in fields.get("entities") or ():
            key = keys[id(e)]
            first = known.get(key) or new.setdefault(key, e["id"])
            if first != e["id"]:
                remap[e["id"]] = first
                e["id"] = first
        if remap:
            _merge_same_ids(fields)
            for v in fields.get("events") or ():
                for side in ("source_entities", "target_entities"):
                    v[side] = list(dict.fromkeys(remap.get(x, x) for x in v.get(side) or ()))
    if new:
        ws.store.add_entity_keys(new.items())


def _merge_same_ids(fields: dict[str, Any]) -> None:
    """Two entities of one article that now share an id become one (spans and aliases together)."""
    seen: dict[str, dict[str, Any]] = {}
    out = []
    for e in fields.get("entities") or ():
        first = seen.get(e["id"])
        if first is None:
            seen[e["id"]] = e
            out.append(e)
            continue
        first["spans"] = [list(s) for s in sorted({tuple(s) for s in first["spans"] + e["spans"]})]
        first["aliases"] = list(dict.fromkeys([*first.get("aliases", []), e["name"], *e.get("aliases", [])]))
    fields["entities"] = out


def current_id(ws: Workspace, entity_id: str) -> str | None:
    """The id an entity goes by now, when it is not ``entity_id`` any more (renamed or merged
    into another), else None."""
    seen = {entity_id}
    current = entity_id
    while True:
        nxt = ws.store.renamed_id(current) or merged_into(ws, current)
        if nxt is None or nxt in seen:
            return current if current != entity_id else None
        seen.add(nxt)
        current = nxt


def merged_into(ws: Workspace, entity_id: str) -> str | None:
    """The entity an analyst merged this one into (active merges followed), or None."""
    merges = {c.fact["id"]: c.fact["into"] for c in ws.store.corrections(entity_wide=True) if c.action == "merge"}
    seen, target = {entity_id}, merges.get(entity_id)
    while target is not None and target in merges and merges[target] not in seen:
        seen.add(target)
        target = merges[target]
    return target
