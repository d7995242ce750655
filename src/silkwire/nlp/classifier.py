"""Models trained on OrangeSum (service/train.py), linear or a small network, read at run time
with numpy alone.

A model file (``nlp/models/<name>.npz``, no pickle: ``allow_pickle=False``) holds a feature
vocabulary, a weight matrix (features x classes, float16 on disk), the intercepts, the class
names and a JSON ``meta`` record (the feature groups and dense blocks it was trained with, how its
scores turn into probabilities, the decision thresholds chosen on the dev split, provenance).
Scoring an article is a sparse dot product: the weights of the features it has, plus the dense
blocks (word vectors, the category model's probabilities) times their rows.

Three models ship, trained by ``silkwire train`` (see nlp/models/NOTICE.md):

- ``events``: the main event type, 16 PLOVER types + ``none`` (softmax);
- ``topics``: the primary IPTC top-level topic (a network blended with a linear model, below);
  the other topics are those whose probability reaches the ``other_topics`` threshold of its meta
  (2.0, i.e. none, when the dev split does not measure them well: service/train.py);
- ``categories``: OrangeSum's own rubric (auto, culture, santé...), learnt from the ~32,000
  OrangeSum items outside the annotated sample; its probabilities are a dense input of the two
  others (distant supervision: many more words seen than the 2,000 annotated items hold).

A second kind of model (``MLPModel``, a ``kind`` entry in the file; absent: linear) is a network
with one hidden layer of ReLU units over the same inputs: the hidden layer's weights (features x
units, float16 on disk) and bias, the output layer's (units x classes) and bias, a softmax; with a
``blend`` in its meta it also holds a linear model's weights and bias, and its probabilities are
``blend`` times the linear model's plus the rest times the network's (one file computes both).
Its scikit-learn twin is MLPClassifier (service/train.py ``fit``); at run time numpy alone reads
it, as the linear kind.
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


def _rows(index: Mapping[str, int], sparse: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    get = index.get
    rows = [(i, v) for f, v in sparse.items() if (i := get(f)) is not None]
    return (np.fromiter((r for r, _ in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((v for _, v in rows), dtype=np.float64, count=len(rows)))


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
        return self.scores_at(*_rows(self.index, sparse), dense)

    def scores_at(self, idx: np.ndarray, vals: np.ndarray, dense: np.ndarray | None) -> np.ndarray:
        """``scores`` from the article's feature rows and values (``_rows``)."""
        out = self.bias.astype(np.float64)
        if len(idx):
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


@dataclass(frozen=True)
class MLPModel:
    """One hidden layer of ReLU units, then a softmax (module doc); ``weights`` and ``bias``: the
    linear model of a blend (``meta["blend"]``, its share of the probabilities), else None."""

    name: str
    classes: tuple[str, ...]
    index: dict[str, int]  # feature name -> row of ``hidden``
    hidden: np.ndarray  # (sparse features + dense width, units)
    hidden_bias: np.ndarray  # (units,)
    output: np.ndarray  # (units, classes)
    output_bias: np.ndarray  # (classes,)
    meta: dict[str, Any]
    weights: np.ndarray | None = None  # the blend's linear part: (sparse features + dense width, classes)
    bias: np.ndarray | None = None

    @property
    def dense_width(self) -> int:
        return int(self.hidden.shape[0]) - len(self.index)

    @property
    def linear(self) -> LinearModel | None:
        """The blend's linear model (same vocabulary), None for a network alone."""
        if self.weights is None or self.bias is None:
            return None
        return LinearModel(self.name, self.classes, self.index, self.weights, self.bias, self.meta)

    def _net(self, units: np.ndarray) -> np.ndarray:
        return np.asarray(np.maximum(units, 0.0) @ self.output.astype(np.float64) + self.output_bias)

    def network_scores(self, sparse: Mapping[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        """The network's class scores (before its softmax)."""
        return self._network_at(*_rows(self.index, sparse), dense)

    def _network_at(self, idx: np.ndarray, vals: np.ndarray, dense: np.ndarray | None) -> np.ndarray:
        units = self.hidden_bias.astype(np.float64)
        if len(idx):
            units = units + vals @ self.hidden[idx]
        width = self.dense_width
        if width and dense is not None:
            units = units + dense[:width].astype(np.float64) @ self.hidden[len(self.index):]
        return self._net(units)

    def proba(self, sparse: Mapping[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        idx, vals = _rows(self.index, sparse)  # one look-up for both halves of a blend (same vocabulary)
        p = softmax(self._network_at(idx, vals, dense))
        linear, share = self.linear, float(self.meta.get("blend", 0.0))
        if linear is None or not share:
            return p
        return np.asarray(share * softmax(linear.scores_at(idx, vals, dense)) + (1.0 - share) * p)

    def scores(self, sparse: Mapping[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        """Class scores whose softmax is ``proba``: the network's, or the log of a blend's
        probabilities."""
        if self.linear is None or not self.meta.get("blend"):
            return self.network_scores(sparse, dense)
        return np.asarray(np.log(np.maximum(self.proba(sparse, dense), 1e-300)))

    def weights_of(self, features: Sequence[str], cls: int) -> list[float]:
        """What each named feature alone adds to class ``cls``'s score (0 for an unknown feature):
        the network's score of an input holding that feature (value 1) and nothing else, minus
        that of the empty input (a network has no weight per feature: this is its linear
        reading); a blend adds its linear part's weight, each by its share."""
        base = self._net(self.hidden_bias.astype(np.float64))[cls]
        share = float(self.meta.get("blend", 0.0)) if self.weights is not None else 0.0
        out = []
        for f in features:
            i = self.index.get(f)
            if i is None:
                out.append(0.0)
                continue
            alone = float(self._net(self.hidden_bias + self.hidden[i].astype(np.float64))[cls] - base)
            linear = float(self.weights[i, cls]) if self.weights is not None else 0.0
            out.append(share * linear + (1.0 - share) * alone)
        return out


Model = LinearModel | MLPModel


def rounded(model: MLPModel) -> MLPModel:
    """``model`` with its large matrices rounded to float16 as the file holds them."""
    from dataclasses import replace

    def half(a: np.ndarray) -> np.ndarray:
        return a.astype(np.float16).astype(np.float32)

    return replace(model, hidden=half(model.hidden), weights=None if model.weights is None else half(model.weights),
                   output=model.output.astype(np.float32), hidden_bias=model.hidden_bias.astype(np.float32),
                   output_bias=model.output_bias.astype(np.float32),
                   bias=None if model.bias is None else model.bias.astype(np.float32))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return np.asarray(e / e.sum())


def _text(array: np.ndarray) -> str:
    return bytes(array.astype(np.uint8)).decode("utf-8")


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _arrays(model: Model) -> dict[str, np.ndarray]:
    names = sorted(model.index, key=model.index.__getitem__)
    arrays = {"features": _bytes("\n".join(names)), "classes": _bytes("\n".join(model.classes))}
    if isinstance(model, MLPModel):  # a linear file keeps its five entries, byte for byte
        arrays.update({"kind": _bytes("mlp"), "hidden": model.hidden.astype(np.float16),
                       "hidden_bias": model.hidden_bias.astype(np.float32),
                       "output": model.output.astype(np.float32),
                       "output_bias": model.output_bias.astype(np.float32)})
    if model.weights is not None and model.bias is not None:
        arrays.update({"weights": model.weights.astype(np.float16), "bias": model.bias.astype(np.float32)})
    arrays["meta"] = _bytes(json.dumps({"name": model.name, **model.meta}, sort_keys=True))
    return arrays


def save(model: Model, path: Path) -> None:
    """Write ``model`` (module doc), byte for byte the same for the same model: an .npz whose
    zip entries carry a fixed date (numpy's own savez stamps the current time)."""
    arrays = _arrays(model)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(info, buffer.getvalue())


def read(path: Path | str) -> Model:
    with np.load(path, allow_pickle=False) as z:
        names = _text(z["features"]).split("\n") if z["features"].size else []
        meta = json.loads(_text(z["meta"]))
        name, classes, index = str(meta.pop("name")), tuple(_text(z["classes"]).split("\n")), \
            {n: i for i, n in enumerate(names)}
        weights = z["weights"].astype(np.float32) if "weights" in z.files else None
        bias = z["bias"].astype(np.float32) if "bias" in z.files else None
        kind = _text(z["kind"]) if "kind" in z.files else "linear"
        if kind == "mlp":
            return MLPModel(name, classes, index, z["hidden"].astype(np.float32), z["hidden_bias"].astype(np.float32),
                            z["output"].astype(np.float32), z["output_bias"].astype(np.float32), meta, weights, bias)
        if kind != "linear" or weights is None or bias is None:
            raise ValueError(f"{path}: not a model file this version reads (kind {kind!r})")
        return LinearModel(name, classes, index, weights, bias, meta)


def model_path(name: str) -> Path:
    return Path(str(resources.files("silkwire.nlp") / MODEL_DIR / f"{name}.npz"))


@functools.lru_cache(maxsize=8)
def load(name: str) -> Model | None:
    """The shipped model ``name``, or None when its file is absent (the rules then decide alone)."""
    path = model_path(name)
    return read(path) if path.exists() else None
