"""``silkwire eval --events``: the main event type and the topics (rules vs model vs combined) and
who did what to whom, per gold set (service/event_eval.py ``evaluate_events``), as tables or JSON;
floors from a floors file (``below_floors``: ``events_<set>`` for the combined decision, which
the pipeline ships, and the actor tables)."""

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from silkwire.cli.common import err, out

MODES = ("rules", "model", "combined")
TITLES = {"test": "OrangeSum frozen test split (aggregate only)",
          "test2": "OrangeSum second held-out set, round 7 (aggregate only)",
          "dev": "OrangeSum dev split (fitted on: not held out)",
          "traindev": "OrangeSum train + dev (fitted on; the actor rules were written from its errors)",
          "train": "OrangeSum train split (fitted on)",
          "demo": "demo gold (the lexicons were written on it)", "seed": "seed listing (held out)"}
ACTOR_ROWS = (("source country set", "source_countries"),
              ("target country set", "target_countries"),
              ("named actors (side, id)", "actors"),
              ("dyads ordered (source -> target)", "dyads_ordered"),
              ("dyads unordered", "dyads_unordered"),
              ("dyads ordered, where both have an event", "dyads_when_found"),
              ("dyads ordered, office-only left out", "dyads_named_office"))


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


def _figures(s: dict[str, float]) -> list[str]:
    """P, R, F1 or accuracy, counts."""
    if "f1" in s:
        counts = f"tp {s['tp']} fp {s['fp']} fn {s['fn']}"
        return [f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", counts]
    return ["", "", f"{s['accuracy']:.3f}", f"{s['right']}/{s['total']}"]


def _actors(title: str, actors: dict[str, Any], oracle: dict[str, Any]) -> Table:
    """End to end; with the oracle, its headline figure beside (F1 or accuracy given the gold's event type)."""
    table = Table(title, "P", "R", "F1 / acc.", "counts", *(["gold event type"] if oracle else []))
    for label, key in ACTOR_ROWS:
        if key not in actors:
            continue
        beside = [_figures(oracle[key])[2]] if oracle else []
        table.add_row(label, *_figures(actors[key]), *beside)
    return table


def report_events(root: str, names: list[str], floors: str | None, as_json: bool) -> None:
    from silkwire.service.event_eval import below_floors, evaluate_events, event_figures

    reports = evaluate_events(Path(root), names)
    if as_json:
        out.print_json(json.dumps([{"set": r.name, "articles": r.articles, "skipped": r.skipped, "modes": r.modes,
                                    "actors": r.actors, "actors_oracle": r.actors_oracle}
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
        figures = {m: event_figures(r.modes, m) for m in MODES}
        for label, key in rows.items():
            table.add_row(label, *(f"{figures[m][key]:.3f}" for m in MODES))
        out.print(table)
        out.print(_per_label("event type", r.modes, "event"))
        out.print(_per_label("topic", r.modes, "topic"))
        if r.actors:
            out.print(_actors("who did what to whom", r.actors, r.actors_oracle))
    if floors:
        import tomllib

        with open(floors, "rb") as fh:
            below = below_floors(reports, tomllib.load(fh))
        for line in below:
            err.print(Text(f"below the floor: {line}", style="red"))
        if below:
            raise typer.Exit(1)
