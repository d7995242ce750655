"""The network kind of model file (nlp/classifier.py ``MLPModel``): numpy inference against
scikit-learn's own, the file's round trip, the blend with a linear model, and linear files still
read as before. Tiny models fitted here on made-up features; no spaCy, no ../shared."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from silkwire.nlp import classifier
from silkwire.nlp.classifier import LinearModel, MLPModel
from silkwire.service import train as training
from silkwire.service.train_data import matrix, vocabulary

pytest.importorskip("sklearn")

META = {"groups": ["words"], "learner": "mlp", "hidden": 8, "alpha": 1e-4, "min_df": 1, "C": 1.0}


def data(classes: tuple[str, ...], n: int = 120) -> tuple[list[dict[str, float]], list[np.ndarray | None], list[str]]:
    """Sparse word features that say the class (with noise) and a 3-wide dense block."""
    rng = np.random.default_rng(7)
    rows, dense, labels = [], [], []
    for i in range(n):
        y = classes[i % len(classes)]
        words = {f"t:{y}": 1.0, f"t:w{rng.integers(12)}": 0.5}
        if rng.random() < 0.3:
            words[f"t:{classes[int(rng.integers(len(classes)))]}"] = 1.0
        rows.append(words)
        dense.append(rng.normal(size=3).astype(np.float32) + (0.5 if y == classes[0] else 0.0))
        labels.append(y)
    return rows, dense, labels


def sklearn_twin(rows: list[dict[str, float]], dense: list[np.ndarray | None], labels: list[str]) -> object:
    from sklearn.neural_network import MLPClassifier

    est = MLPClassifier(hidden_layer_sizes=(8,), alpha=1e-4, early_stopping=True, random_state=training.SEED,
                        max_iter=200, n_iter_no_change=5, validation_fraction=0.1)
    return est.fit(matrix(rows, dense, vocabulary(rows, 1)), np.asarray(labels))


@pytest.mark.parametrize("classes", [("a", "b", "c"), ("no", "yes")])
def test_the_numpy_network_computes_what_scikit_learn_predicts(classes: tuple[str, ...]) -> None:
    import warnings

    rows, dense, labels = data(classes)
    with warnings.catch_warnings():  # a tiny set: the network may stop before it converges
        warnings.simplefilter("ignore")
        exact = training.fit("topics", META, rows, dense, labels, float16=False)
        shipped = training.fit("topics", META, rows, dense, labels)
        twin = sklearn_twin(rows, dense, labels)
    assert isinstance(exact, MLPModel) and isinstance(shipped, MLPModel) and exact.linear is None
    assert exact.classes == classes == tuple(twin.classes_)  # type: ignore[attr-defined]
    want = twin.predict_proba(matrix(rows, dense, exact.index))  # type: ignore[attr-defined]
    got = training.probabilities(exact, rows, dense)
    assert np.allclose(got, want, atol=1e-6)  # the same network: numpy alone reads it
    half = training.probabilities(shipped, rows, dense)
    assert np.abs(half - want).max() < 5e-3  # float16 weights: rounding, nothing more
    assert np.abs(half - want).max() > 0.0
    assert np.array_equal(shipped.hidden, exact.hidden.astype(np.float16).astype(np.float32))
    sparse = {"t:unknown": 1.0, **rows[0]}  # a feature outside the vocabulary is ignored
    assert np.allclose(exact.proba(sparse, dense[0]), want[0], atol=1e-6)


def test_a_network_file_round_trips_byte_for_byte_and_a_linear_file_reads_as_before(tmp_path: Path) -> None:
    import warnings

    rows, dense, labels = data(("a", "b", "c"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = training.fit("topics", {**META, "blend": 0.5}, rows, dense, labels)
    assert isinstance(model, MLPModel) and model.linear is not None
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    classifier.save(model, first)
    classifier.save(model, second)
    assert first.read_bytes() == second.read_bytes()
    back = classifier.read(first)
    assert isinstance(back, MLPModel) and back.meta == model.meta and back.index == model.index
    for r, d in zip(rows[:10], dense[:10], strict=True):
        assert np.array_equal(back.proba(r, d), model.proba(r, d))  # float16 in memory already: no loss
    classifier.save(back, tmp_path / "c.npz")
    assert (tmp_path / "c.npz").read_bytes() == first.read_bytes()
    with np.load(first, allow_pickle=False) as z:
        assert {"kind", "hidden", "hidden_bias", "output", "output_bias", "weights", "bias"} <= set(z.files)
    linear = model.linear
    classifier.save(linear, tmp_path / "linear.npz")
    with np.load(tmp_path / "linear.npz", allow_pickle=False) as z:  # no kind: the format of every linear file
        assert set(z.files) == {"features", "classes", "weights", "bias", "meta"}
    assert isinstance(classifier.read(tmp_path / "linear.npz"), LinearModel)


def test_a_blend_mixes_the_linear_and_network_probabilities_by_its_share() -> None:
    import warnings

    rows, dense, labels = data(("a", "b", "c"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blend = training.fit("topics", {**META, "blend": 0.3}, rows, dense, labels)
        net = training.fit("topics", META, rows, dense, labels)
        linear = training.fit("topics", {k: v for k, v in META.items() if k != "learner"}, rows, dense, labels)
    assert isinstance(blend, MLPModel) and isinstance(linear, LinearModel)
    assert np.array_equal(blend.weights, linear.weights)  # the same logistic regression inside
    r, d = rows[5], dense[5]
    assert np.allclose(blend.proba(r, d), 0.3 * linear.proba(r, d) + 0.7 * net.proba(r, d))
    assert np.allclose(classifier.softmax(blend.scores(r, d)), blend.proba(r, d))  # scores: the log of a blend


def test_weights_of_reads_a_network_as_what_a_feature_alone_adds() -> None:
    model = MLPModel("topics", ("a", "b"), {"t:x": 0, "t:y": 1},
                     hidden=np.array([[1.0, -1.0], [0.0, 2.0]], dtype=np.float32),
                     hidden_bias=np.array([0.5, 0.0], dtype=np.float32),
                     output=np.array([[1.0, 0.0], [0.0, 3.0]], dtype=np.float32),
                     output_bias=np.zeros(2, dtype=np.float32), meta={})
    # empty input: units (0.5, 0) -> scores (0.5, 0); x alone: units (1.5, 0) -> (1.5, 0); y: (0.5, 2) -> (0.5, 6)
    assert model.weights_of(["t:x", "t:y", "t:unknown"], 0) == [1.0, 0.0, 0.0]
    assert model.weights_of(["t:x", "t:y"], 1) == [0.0, 6.0]
    assert model.dense_width == 0
    assert np.allclose(model.scores({"t:y": 1.0}), [0.5, 6.0])
    linear = np.array([[2.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    blend = replace(model, weights=linear, bias=np.zeros(2, dtype=np.float32), meta={"blend": 0.5})
    assert blend.weights_of(["t:x"], 0) == [0.5 * 2.0 + 0.5 * 1.0]
