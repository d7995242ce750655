"""``silkwire train``: rebuild the event, topic and category models from OrangeSum (service/train.py)."""
# No "from __future__ import annotations": typer reads the annotations, which use names local to register().

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table


def register(app: typer.Typer) -> None:
    from silkwire.cli.common import fail, out

    @app.command(name="train")
    def train(
        root: Annotated[str, typer.Option(help="The repository (its eval/gold/orangesum labels)")] = ".",
        data: Annotated[str | None, typer.Option(help="orangesum.jsonl.gz [default: ROOT/../shared/data/"
                                                       "orangesum/orangesum.jsonl.gz]")] = None,
        out_dir: Annotated[str | None, typer.Option("--out", help="Where to write the .npz files "
                                                    "[default: the package's nlp/models/]")] = None,
    ) -> None:
        """Rebuild the event and topic models from the OrangeSum gold (needs scikit-learn and ../shared/data)."""
        try:
            import sklearn  # noqa: F401  (a dev/bench extra, not a runtime dependency)
        except ImportError:
            fail("silkwire train needs scikit-learn: pip install -e '.[dev]'")
        from silkwire.evaluation.orangesum import MissingData
        from silkwire.service import train as training

        try:
            report = training.train(Path(root), Path(data) if data else None, Path(out_dir) if out_dir else None,
                                    log=lambda m: out.print(f"- {m}"))
        except MissingData as exc:
            fail(str(exc))
        out.print(", ".join(f"{n} {k}" for k, n in report.counts.items()))
        table = Table("model", "CV accuracy", "CV macro-F1", "items",
                      title="train + dev, 5-fold cross-validation (each item by a model fitted without it)")
        for name, s in report.cv.items():
            table.add_row(name, f"{s['accuracy']:.3f}", f"{s['macro_f1']:.3f}", str(s["total"]))
        out.print(table)
        for path, size in report.files.items():
            out.print(f"wrote {path} ({size / 1e6:.2f} MB)")
