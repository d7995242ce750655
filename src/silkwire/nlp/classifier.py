"""Linear models trained on OrangeSum (service/train.py), read at run time with numpy alone.

A model file (``nlp/models/<name>.npz``, no pickle: ``allow_pickle=False``) holds a feature
vocabulary, a weight matrix (features x classes, float16 on disk), the intercepts, the class
names and a JSON ``meta`` record (the feature groups and dense blocks it was trained with, how its
scores turn into probabilities, the decision thresholds chosen on the dev split, provenance).
Scoring an article is a sparse dot product: the weights of the features it has, plus the dense
blocks (word vectors, the category model's probabilities) times their rows.

Three models ship, trained by ``silkwire train`` (see nlp/models/NOTICE.md):

- ``events``: the main event type, 16 PLOVER types + ``none`` (softmax);
- ``topics``: the primary IPTC top-level topic (softmax); the other topics are those whose
  probability reaches the ``other_topics`` threshold of its meta (2.0, i.e. none, when the dev
  split does not measure them well: service/train.py);
- ``categories``: OrangeSum's own rubric (auto, culture, santé...), learnt from the ~32,000
  OrangeSum items outside the annotated sample; its probabilities are a dense input of the two
  others (distant supervision: many more words seen than the 2,000 annotated items hold).
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = "models"
NAMES = ("categories", "events", "topics")


@dataclass(frozen=True)
class LinearModel:
    name: str
    classes: tuple[str, ...]
    index: dict[str, int]  # feature name -> row of ``weights``
    weights: np.ndarray  # (sparse features + dense width, classes), float32
    bias: np.ndarray  # (classes,)
    meta: dict[str, Any]

    @property
    def dense_width(self) -> int:
        return int(self.weights.shape[0]) - len(self.index)

    def scores(self, sparse: Mapping[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        """The class scores (before the softmax) of one article's features."""
        get = self.index.get
        rows = [(i, v) for f, v in sparse.items() if (i := get(f)) is not None]
        out = self.bias.astype(np.float64)
        if rows:
            idx = np.fromiter((r for r, _ in rows), dtype=np.int64, count=len(rows))
            vals = np.fromiter((v for _, v in rows), dtype=np.float64, count=len(rows))
            out = out + vals @ self.weights[idx]
        width = self.dense_width
        if width and dense is not None:
            out = out + dense[:width].astype(np.float64) @ self.weights[len(self.index):]
        return out

    def proba(self, sparse: Mapping[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.scores(sparse, dense))

    def weights_of(self, features: Sequence[str], cls: int) -> list[float]:
        """The weight of each named feature for class ``cls`` (0 for an unknown feature)."""
        return [float(self.weights[self.index[f], cls]) if f in self.index else 0.0 for f in features]


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return np.asarray(e / e.sum())


def _text(array: np.ndarray) -> str:
    return bytes(array.astype(np.uint8)).decode("utf-8")


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def save(model: LinearModel, path: Path) -> None:
    """Write ``model`` (module doc), byte for byte the same for the same model: an .npz whose
    zip entries carry a fixed date (numpy's own savez stamps the current time)."""
    names = sorted(model.index, key=model.index.__getitem__)
    arrays = {"features": _bytes("\n".join(names)), "classes": _bytes("\n".join(model.classes)),
              "weights": model.weights.astype(np.float16), "bias": model.bias.astype(np.float32),
              "meta": _bytes(json.dumps({"name": model.name, **model.meta}, sort_keys=True))}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(info, buffer.getvalue())


def read(path: Path | str) -> LinearModel:
    with np.load(path, allow_pickle=False) as z:
        names = _text(z["features"]).split("\n") if z["features"].size else []
        meta = json.loads(_text(z["meta"]))
        return LinearModel(str(meta.pop("name")), tuple(_text(z["classes"]).split("\n")),
                           {n: i for i, n in enumerate(names)}, z["weights"].astype(np.float32),
                           z["bias"].astype(np.float32), meta)


def model_path(name: str) -> Path:
    return Path(str(resources.files("silkwire.nlp") / MODEL_DIR / f"{name}.npz"))


@functools.lru_cache(maxsize=8)
def load(name: str) -> LinearModel | None:
    """The shipped model ``name``, or None when its file is absent (the rules then decide alone)."""
    path = model_path(name)
    return read(path) if path.exists() else None
