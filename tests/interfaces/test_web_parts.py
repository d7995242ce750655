"""The web's parts on their own: map data and its generator, charts, highlights, labels, demo serving."""

import json
import os
from pathlib import Path

import geo_build  # tools/ (on the path through conftest.py)
import pytest

from silkwire.web import charts, geo, highlight, labels

# world-atlas's file, when unpacked somewhere (see geo_build's docstring); the shipped map must be its output
ATLAS = Path(os.environ.get("SILKWIRE_WORLD_ATLAS", "/tmp/world-atlas/countries-50m.json"))


def test_shipped_boundaries_cover_the_five_republics_and_state_their_origin():
    data = geo.boundaries()
    codes = {c["code"] for c in data["countries"]}
    assert {"KZ", "UZ", "TJ", "KG", "TM", "AF", "IR", "CN", "RU"} <= codes
    assert "Natural Earth" in data["origin"] and "world-atlas 2.0.2" in data["origin"]
    lon0, lat0, lon1, lat1 = data["window"]
    for c in data["countries"]:
        for ring in c["rings"]:
            assert all(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in ring), c["code"]
    # Tashkent (41.3N 69.2E) lies in Uzbekistan's outline, not Kazakhstan's
    assert _inside(69.24, 41.3, "UZ") and not _inside(69.24, 41.3, "KZ")


def _inside(lon, lat, code):
    rings = next(c["rings"] for c in geo.boundaries()["countries"] if c["code"] == code)
    hits = 0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hits += 1
    return hits % 2 == 1


def test_simplify_and_clip():
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 5.0)]
    assert geo_build.simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 5.0)]
    square = [(-1.0, -1.0), (3.0, -1.0), (3.0, 3.0), (-1.0, 3.0)]
    clipped = geo_build.clip(square, (0.0, 0.0, 2.0, 2.0))
    assert sorted(set(clipped)) == [(0.0, 0.0), (0.0, 2.0), (2.0, 0.0), (2.0, 2.0)]
    assert geo_build.clip([(5.0, 5.0), (6.0, 5.0), (6.0, 6.0)], (0.0, 0.0, 2.0, 2.0)) == []


def test_a_tiny_topology_decodes_with_shared_arcs():
    topology = {"transform": {"scale": [1, 1], "translate": [40, 30]},
                "arcs": [[[5, 5], [10, 0], [0, 10]], [[15, 15], [-10, 0], [0, -10]]],
                "objects": {"countries": {"geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "398", "properties": {"name": "Kazakhstan"}},
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "-99", "properties": {"name": "No code"}}]}}}
    data = geo_build.build(topology, {398: "KZ"})
    assert [c["code"] for c in data["countries"]] == ["KZ"]
    assert data["countries"][0]["rings"][0][:3] == [[45.0, 35.0], [55.0, 35.0], [55.0, 45.0]]


@pytest.mark.skipif(not ATLAS.exists(), reason=f"{ATLAS} absent: npm pack world-atlas@2.0.2 and unpack it there "
                                               "to check that the shipped map regenerates identically")
def test_the_shipped_map_is_what_the_generator_makes(tmp_path):
    out = tmp_path / "map.json"
    geo_build.main([str(ATLAS), "--out", str(out)])
    assert json.loads(out.read_text()) == geo.boundaries()


def test_map_shades_and_places():
    width, height, shapes, dots = geo.map_svg({"KZ": 10, "UZ": 1}, [
        {"name": "Astana", "lat": 51.18, "lon": 71.45, "articles": 4, "country": "KZ"},
        {"name": "Paris", "lat": 48.85, "lon": 2.35, "articles": 9, "country": "FR"}], {"KZ": "Kazakhstan"})
    by_code = {s.code: s for s in shapes}
    assert by_code["KZ"].fill == geo.SHADES[-1] and by_code["KG"].fill == geo.SHADES[0]
    assert by_code["UZ"].fill not in (geo.SHADES[0], geo.SHADES[-1]) and by_code["KZ"].name == "Kazakhstan"
    assert [d.name for d in dots] == ["Astana"]  # Paris is off the map
    assert 0 < dots[0].x < width and 0 < dots[0].y < height


def test_monthly_bars_stack_fill_gaps_and_table():
    chart = charts.monthly_bars("t", [("2025-01", "AGREE", 2), ("2025-03", "AGREE", 1), ("2025-03", "ACCUSE", 3)],
                                labels.event_labels())
    assert chart is not None
    assert [r[0] for r in chart.rows] == ["janv. 2025", "févr. 2025", "mars 2025"]
    assert chart.series == ["accusation", "accord"] and chart.rows[2][1] == [3, 1]
    assert len(chart.bars) == 3 and {c for c, _ in chart.legend} == {chart.bars[0].colour, chart.bars[1].colour}
    march = [b for b in chart.bars if b.title.startswith("mars")]
    plot = chart.height - 28 - 8
    assert abs(sum(b.height for b in march) - plot * 4 / 5) < 1  # peak 4 on an axis rounded up to 5
    assert charts.monthly_bars("t", []) is None


def test_overlapping_marks_keep_the_longest():
    text = "Le président kazakh Tokaïev"
    k = text.index("kazakh")
    marks = [highlight.Mark(k, k + 6, "country", "KZ"), highlight.Mark(3, 27, "per", "X"),
             highlight.Mark(20, 27, "per", "Y")]
    pieces = highlight.pieces(text, marks)
    assert [(p.text, p.mark.kind if p.mark else None) for p in pieces] == [("Le ", None), (text[3:], "per")]
    assert [p.text for p in highlight.pieces(text, marks[:1], 0, 15)] == ["Le président ", "ka"]


def test_labels_file_lists_the_16_plover_types():
    assert len(labels.event_labels()) == 16
    assert labels.event_tone("AGREE") == "cooperative" and labels.event_tone("ASSAULT") == "conflictual"
    assert labels.day_label("2025-07-01") == "1er juillet 2025" and labels.day_label("2025-Q3") == "3e trimestre 2025"


def test_demo_serves_unless_told_not_to(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import silkwire.api.serve as serve_module
    from silkwire.cli.main import app
    from silkwire.service import articles as service

    calls = []
    monkeypatch.setattr(serve_module, "serve", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(service, "build_demo", lambda out: (service.IngestReport(new=1), service.EnrichReport(1)))
    db = str(tmp_path / "d.db")
    result = CliRunner().invoke(app, ["demo", "--out", db, "--serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output and calls == [(("127.0.0.1", 8123, db), {"log_level": "warning"})]
    calls.clear()
    assert CliRunner().invoke(app, ["demo", "--out", db, "--no-serve"]).exit_code == 0 and calls == []
    # no terminal (CliRunner has none) and no option: it serves all the same, as the README says
    assert CliRunner().invoke(app, ["demo", "--out", db]).exit_code == 0 and len(calls) == 1


def test_web_tone_is_the_relations_classification_for_every_type():
    from silkwire.analytics.relations import EventFact, aggregate, quad_of

    assert set(labels.event_labels()) == set(quad_of())  # the labels file names the 16 types, no tone
    for type_ in quad_of():
        for source, target in ((("KZ",), ("CN",)), (("KZ", "CN"), ("KZ", "CN"))):  # one way, both ways
            fact = EventFact("a", 0, type_, source, target, "2025-05-01", "done", None, None, None, (0, 1), "x")
            rel = aggregate([fact], "KZ")[0]
            expected = "cooperative" if rel.cooperative else "conflictual"
            assert rel.cooperative + rel.conflictual == 1
            assert labels.event_tone(type_, source, target) == expected, (type_, source, target)
    assert labels.event_tone("MOBILIZE") == "conflictual"  # a joint exercise (both ways) is cooperation
    assert labels.event_tone("MOBILIZE", ("KZ", "CN"), ("KZ", "CN")) == "cooperative"
    assert labels.event_tone("NOT_A_TYPE") is None


def test_web_tone_comes_from_the_quad_classes_file(monkeypatch):
    from silkwire.analytics import relations

    quads = {**relations.quad_of(), "AGREE": "verbal conflict"}
    monkeypatch.setattr(relations, "quad_of", lambda: quads)
    assert labels.event_tone("AGREE") == "conflictual"  # one source of truth: changing it changes the web


def test_relation_shade_tells_cooperation_from_conflict():
    assert labels.relation_shade(0, 0, 5) == "#f2f2f2"
    assert labels.relation_shade(3, 0, 5).startswith("hsl(130") and labels.relation_shade(0, 3, 5).startswith("hsl(5 ")
    light, dark = labels.relation_shade(1, 0, 9), labels.relation_shade(9, 0, 9)
    assert int(light.split()[-1][:-2]) > int(dark.split()[-1][:-2])  # more events, darker


def test_facet_cache_reuses_then_expires_and_stays_bounded(monkeypatch):
    from silkwire.web import pages

    cache, calls, now = pages.FacetCache(size=2), [], [100.0]
    monkeypatch.setattr(pages.time, "monotonic", lambda: now[0])

    def compute(tag):
        calls.append(tag)
        return {"tag": tag}

    assert cache.get("a", lambda: compute("a")) == {"tag": "a"}
    assert cache.get("a", lambda: compute("a2")) == {"tag": "a"} and calls == ["a"]
    now[0] += pages.FACET_TTL + 1
    assert cache.get("a", lambda: compute("a3")) == {"tag": "a3"}
    cache.get("b", lambda: compute("b"))
    cache.get("c", lambda: compute("c"))  # size 2: "a" (least recently used) goes
    assert cache.get("a", lambda: compute("a4")) == {"tag": "a4"}
    cache.clear()
    assert cache.get("c", lambda: compute("c2")) == {"tag": "c2"}
