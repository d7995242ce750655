"""B-cubed precision, recall and F1 of a clustering against gold clusters (Bagga & Baldwin 1998).

For each item: precision = share of its predicted cluster that is in its gold cluster, recall =
share of its gold cluster that is in its predicted cluster; both averaged over items. An item
whose cluster is ``None`` is alone (a story of one), on either side. Only items present in both
mappings are scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping


def _clusters(labels: Mapping[str, Hashable | None], keys: list[str]) -> dict[str, frozenset[str]]:
    members: dict[Hashable, set[str]] = defaultdict(set)
    for k in keys:
        label = labels[k]
        members[("alone", k) if label is None else ("label", label)].add(k)
    out: dict[str, frozenset[str]] = {}
    for group in members.values():
        frozen = frozenset(group)
        out.update((k, frozen) for k in group)
    return out


def bcubed(predicted: Mapping[str, Hashable | None], gold: Mapping[str, Hashable | None]) -> dict[str, float]:
    """{"precision", "recall", "f1", "items"} over the keys both mappings have."""
    keys = sorted(set(predicted) & set(gold))
    if not keys:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "items": 0}
    pred, true = _clusters(predicted, keys), _clusters(gold, keys)
    precision = sum(len(pred[k] & true[k]) / len(pred[k]) for k in keys) / len(keys)
    recall = sum(len(pred[k] & true[k]) / len(true[k]) for k in keys) / len(keys)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "items": len(keys)}
