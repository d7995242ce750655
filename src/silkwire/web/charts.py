"""Charts as server-side SVG: geometry computed here, drawn by a template (charts.html).

Why not a chart library: a month-by-type bar chart is a few rectangles; computing them here
keeps the pages static (no script, works offline, nothing to ship but the page) and testable
as data. Every chart also comes with its numbers as a table for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

# Colour-blind-safe palette (Okabe-Ito), then greys; picked in order for the series.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
           "#999999", "#666666")


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # the tooltip: "mars 2025 — accord : 3"


@dataclass(slots=True)
class BarChart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    rows: list[tuple[str, list[int]]] = field(default_factory=list)  # the table: month, count per series
    series: list[str] = field(default_factory=list)


def month_label(month: str) -> str:
    """``2025-07`` -> ``juil. 2025`` (CLDR's abbreviated French months, through Babel)."""
    from babel.dates import format_date

    return format_date(date(int(month[:4]), int(month[5:7]), 1), "MMM y", locale="fr")


def month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def monthly_bars(title: str, counts: Sequence[tuple[str, str, int]], series_labels: dict[str, str] | None = None,
                 max_months: int = 36, width: int = 720, height: int = 220) -> BarChart | None:
    """Stacked bars per month from (YYYY-MM, series, count); the last ``max_months`` months.

    None when there is nothing to draw (the page then says so in words).
    """
    counts = [c for c in counts if c[2] > 0]
    if not counts:
        return None
    months = month_range(min(c[0] for c in counts), max(c[0] for c in counts))[-max_months:]
    totals: dict[str, int] = {}
    for _, s, n in counts:
        totals[s] = totals.get(s, 0) + n
    series = sorted(totals, key=lambda s: (-totals[s], s))
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    cell = {(m, s): n for m, s, n in counts}
    labels = series_labels or {}
    chart = BarChart(title, width, height, series=[labels.get(s, s) for s in series])
    left, bottom, top = 36.0, 28.0, 8.0
    plot_h = height - bottom - top
    step = (width - left - 28) / len(months)  # room on the right for the last month's label
    peak = max(sum(cell.get((m, s), 0) for s in series) for m in months) or 1
    scale = plot_h / _nice_ceiling(peak)
    for i, month in enumerate(months):
        x = left + i * step + step * 0.1
        y = height - bottom
        for s in series:
            n = cell.get((month, s), 0)
            if n:
                h = n * scale
                y -= h
                name = f" — {labels.get(s, s)}" if len(series) > 1 else ""
                chart.bars.append(Bar(round(x, 1), round(y, 1), round(step * 0.8, 1), round(h, 1), colour[s],
                                      f"{month_label(month)}{name} : {n}"))
        chart.rows.append((month_label(month), [cell.get((month, s), 0) for s in series]))
    every = max(1, len(months) // 8)
    chart.x_labels = [(round(left + i * step + step / 2, 1), month_label(m)) for i, m in enumerate(months)
                      if i % every == 0]
    top_value = _nice_ceiling(peak)
    chart.y_ticks = [(round(height - bottom - v * scale, 1), v) for v in _ticks(top_value)]
    if len(series) > 1:
        chart.legend = [(colour[s], labels.get(s, s)) for s in series]
    return chart


def _nice_ceiling(n: int) -> int:
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if n <= nice:
            return nice
    return ((n + 9999) // 10000) * 10000


def _ticks(top: int) -> list[int]:
    step = max(1, top // 4) if top >= 4 else 1
    return list(range(0, top + 1, step))
