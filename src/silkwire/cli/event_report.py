"""``silkwire eval --events``: the main event type and the topics, rules vs model vs combined, per
gold set (service/evaluate.py ``evaluate_events``), as tables or JSON; floors from ``events_<set>``
tables of a floors file (the ``combined`` mode, which the pipeline ships)."""

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from silkwire.cli.common import err, out

MODES = ("rules", "model", "combined")
SHIPPED = "combined"
TITLES = {"test": "OrangeSum frozen test split", "test2": "OrangeSum second held-out set (round 7)",
          "dev": "OrangeSum dev split (fitted on: not held out)",
          "demo": "demo gold (the lexicons were written on it)", "seed": "seed listing (held out)"}


def headline(modes: dict[str, Any], mode: str) -> dict[str, float]:
    """The four headline figures of one mode."""
    s = modes[mode]
    return {"event_accuracy": s["event"]["accuracy"], "event_macro_f1": s["event"]["macro_f1"],
            "topic_accuracy": s["topic"]["accuracy"], "topic_any": s["topic_any"]["accuracy"]}


def _per_label(title: str, modes: dict[str, Any], field: str) -> Table:
    table = Table(title, "gold", *(f"F1 {m}" for m in MODES), "P / R combined")
    labels = sorted({label for m in MODES for label in modes[m][field]["per_label"]})
    for label in labels:
        rows = [modes[m][field]["per_label"].get(label) for m in MODES]
        gold = next((r["gold"] for r in rows if r), 0)
        shipped = rows[-1] or {"precision": 0.0, "recall": 0.0}
        table.add_row(label, str(gold), *(f"{r['f1']:.2f}" if r else "-" for r in rows),
                      f"{shipped['precision']:.2f} / {shipped['recall']:.2f}")
    return table


def report_events(root: str, names: list[str], floors: str | None, as_json: bool) -> None:
    from silkwire.service.evaluate import evaluate_events

    reports = evaluate_events(Path(root), names)
    if as_json:
        out.print_json(json.dumps([{"set": r.name, "articles": r.articles, "skipped": r.skipped, "modes": r.modes}
                                   for r in reports], ensure_ascii=False))
    for r in reports:
        if r.skipped:
            err.print(Text(f"{r.name}: skipped: {r.skipped}", style="yellow"))
            continue
        if as_json:
            continue
        table = Table("", *MODES, title=f"{TITLES.get(r.name, r.name)}: {r.articles} articles")
        rows = {"main event type accuracy": "event_accuracy", "main event type macro-F1 (with none)": "event_macro_f1",
                "primary topic P@1 (= gold primary)": "topic_accuracy",
                "primary topic among the gold topics": "topic_any"}
        figures = {m: headline(r.modes, m) for m in MODES}
        for label, key in rows.items():
            table.add_row(label, *(f"{figures[m][key]:.3f}" for m in MODES))
        out.print(table)
        out.print(_per_label("event type", r.modes, "event"))
        out.print(_per_label("topic", r.modes, "topic"))
    if floors:
        import tomllib

        with open(floors, "rb") as fh:
            wanted = tomllib.load(fh)
        below = []
        for r in reports:
            if r.skipped or f"events_{r.name}" not in wanted:
                continue
            got = headline(r.modes, SHIPPED)
            below += [f"{r.name} {key} {got[key]:.3f} < {floor}" for key, floor in wanted[f"events_{r.name}"].items()
                      if got[key] < floor]
        for line in below:
            err.print(Text(f"below the floor: {line}", style="red"))
        if below:
            raise typer.Exit(1)
