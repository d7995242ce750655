"""The map of Central Asia as SVG: the shipped boundaries (geo_build.py), shaded by coverage.

Projection: equirectangular with the longitude scaled by cos(44°), the window's middle
latitude — at this size and latitude span the distortion is small and the arithmetic is one
line, so places (GeoNames lat/lon) and borders line up exactly.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "central_asia.json"
WIDTH = 900
# Shades for 0 articles, then quantiles of the counts (light to dark blue; text stays readable).
SHADES = ("#f2f2f2", "#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    name: str
    path: str
    fill: str
    articles: int
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class Dot:
    name: str
    x: float
    y: float
    r: float
    articles: int
    country: str | None


@lru_cache(maxsize=1)
def boundaries() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _projector() -> tuple[Any, int]:
    lon0, lat0, lon1, lat1 = boundaries()["window"]
    k = math.cos(math.radians((lat0 + lat1) / 2))
    scale = WIDTH / ((lon1 - lon0) * k)
    height = round((lat1 - lat0) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - lon0) * k * scale, 1), round((lat1 - lat) * scale, 1)

    return project, height


def shade(count: int, peak: int) -> str:
    if count <= 0 or peak <= 0:
        return SHADES[0]
    # Log steps: coverage is very uneven (KZ in most articles, AM in a few).
    step = 1 + int((len(SHADES) - 2) * math.log1p(count) / math.log1p(peak) + 0.5)
    return SHADES[min(step, len(SHADES) - 1)]


def map_svg(counts: dict[str, int], places: list[dict[str, Any]], names: dict[str, str]
            ) -> tuple[int, int, list[Shape], list[Dot]]:
    """(width, height, country shapes, place dots) for the map template."""
    project, height = _projector()
    peak = max(counts.values(), default=0)
    shapes = []
    for country in boundaries()["countries"]:
        parts: list[str] = []
        xs: list[float] = []
        ys: list[float] = []
        for ring in country["rings"]:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
            if len(ring) > len(xs):  # label at the middle of the largest ring's box
                xs, ys = [p[0] for p in points], [p[1] for p in points]
        n = counts.get(country["code"], 0)
        shapes.append(Shape(country["code"], names.get(country["code"], country["name"]), "".join(parts),
                            shade(n, peak), n, round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)))
    lon0, lat0, lon1, lat1 = boundaries()["window"]
    top = max((p["articles"] for p in places), default=1)
    dots = []
    for p in places:
        if lon0 <= p["lon"] <= lon1 and lat0 <= p["lat"] <= lat1:
            x, y = project(p["lon"], p["lat"])
            dots.append(Dot(p["name"], x, y, round(3 + 7 * math.sqrt(p["articles"] / top), 1), p["articles"],
                            p.get("country")))
    return WIDTH, height, shapes, dots
