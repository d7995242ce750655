"""Relations and timelines: the aggregation (hand-made facts) and the use cases over a store
filled with hand-made enrichments (no model)."""

import json

import pytest

from silkwire.analytics.relations import EventFact, aggregate, dyads, month_of, quad_of
from silkwire.errors import QueryError
from silkwire.model import Amount, CountryRef, Enrichment, Event, SearchFilters, Topic
from silkwire.nlp.events import PLOVER_TYPES
from silkwire.service import articles as service
from silkwire.service import relations as analysis


def fact(type_, source, target, date="2025-07-11", status="done", article="a1", amounts=()):
    return EventFact(article, 0, type_, tuple(source), tuple(target), date, status, None, "t", "2025-07-12",
                     (0, 4), "text", tuple(amounts))


def test_quad_classes_cover_the_sixteen_plover_types():
    assert set(quad_of()) == set(PLOVER_TYPES)


def test_dyads_directed_symmetric_and_multilateral():
    assert dyads(["KZ"], ["AF", "PK"]) == [("KZ", "AF"), ("KZ", "PK")]
    assert dyads(["UZ", "RU"], ["RU", "UZ"]) == [("RU", "UZ")]  # both ways: one pair
    assert dyads(["KZ", "UZ", "KG"], []) == []  # multilateral: no dyad


def test_aggregate_counts_types_months_cooperation_and_amounts():
    facts = [
        fact("AGREE", ["KZ"], ["AF"], amounts=[(5e8, "USD")]),
        fact("CONSULT", ["AF"], ["KZ"], date="2025-08-02", status="planned", article="a2"),
        fact("ACCUSE", ["KZ"], ["AF"], date=None, article="a3"),
        fact("CONSULT", ["KZ", "CN"], ["CN", "KZ"], article="a4"),
        fact("AGREE", ["KZ", "UZ", "KG"], [], article="a5"),  # multilateral: not a relation
    ]
    rels = aggregate(facts, "KZ")
    assert [r.partner for r in rels] == ["AF", "CN"]
    af = rels[0]
    assert (af.events, af.cooperative, af.conflictual, af.planned) == (3, 2, 1, 1)
    assert af.by_type == {"AGREE": 1, "CONSULT": 1, "ACCUSE": 1}
    assert af.directions == {"out": 2, "in": 1}
    assert af.amounts == {"USD": 5e8}
    assert set(af.by_month) == {"2025-07", "2025-08"}  # the undated one counts at its publication month
    assert af.as_dict()["last"]["article"] == "a2"
    assert rels[1].directions == {"both": 1}
    assert [r.partner for r in aggregate(facts, "KZ", partner="CN")] == ["CN"]


def test_a_joint_exercise_is_cooperation_between_its_two_parties():
    rels = aggregate([fact("MOBILIZE", ["KZ", "KG"], ["KG", "KZ"]), fact("MOBILIZE", ["RU"], ["KZ"], article="a2")],
                     "KZ")
    by_partner = {r.partner: r for r in rels}
    assert (by_partner["KG"].cooperative, by_partner["KG"].conflictual) == (1, 0)
    assert (by_partner["RU"].cooperative, by_partner["RU"].conflictual) == (0, 1)  # a show of force stays conflict


def test_month_of_values():
    assert month_of("2025-08-21/2025-08-22") == "2025-08"
    assert month_of("2025") == "2025"
    assert month_of(None) == "undated"


ITEMS = [
    ("Le Kazakhstan signe un accord avec les talibans", "Astana a signé un mémorandum à Kaboul le 11 juillet 2025.",
     "2025-07-12"),
    ("Poutine attendu à Douchanbé", "Vladimir Poutine effectuera une visite d'État au Tadjikistan en octobre 2025.",
     "2025-06-01"),
    ("Le gaz turkmène en chiffres", "Les livraisons ont augmenté en 2024.", "2025-01-15"),
]


def fake_enricher(articles):
    by_title = {
        ITEMS[0][0]: (["KZ", "AF"], [Event("AGREE", ("KZ",), ("AF",), (19, 24), (0, 60), 0.8, "2025-07-11", "done",
                                           "Kaboul", amounts=(Amount("500 M$", (0, 1), 5e8, "USD", "money"),))],
                      "medtop:04000000"),
        ITEMS[1][0]: (["RU", "TJ"], [Event("CONSULT", ("RU",), ("TJ",), (8, 15), (0, 40), 0.8, "2025-10", "planned",
                                           None)], "medtop:11000000"),
        ITEMS[2][0]: (["TM"], [], "medtop:04000000"),
    }
    for a in articles:
        codes, events, topic = by_title[a.title]
        yield Enrichment(a.id, countries=tuple(CountryRef(c, ("name",), ((0, 1),)) for c in codes),
                         events=tuple(events), topics=(Topic(topic, "x", 1.0),))


@pytest.fixture
def filled(ws, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"title": t, "lead": lead, "published": p}, ensure_ascii=False) + "\n"
                            for t, lead, p in ITEMS), encoding="utf-8")
    service.ingest(ws, [str(path)])
    service.enrich(ws, enricher=fake_enricher)
    return ws


def test_relations_from_the_store(filled):
    rows = analysis.relations(filled, "kz")
    assert [(r["partner"], r["events"], r["cooperative"]) for r in rows] == [("AF", 1, 1)]
    evidence = rows[0]["evidence"][0]
    assert evidence["title"] == ITEMS[0][0] and evidence["amounts"] == [{"value": 5e8, "unit": "USD"}]
    assert evidence["evidence_text"] == service.show(filled, evidence["article"])["text"][0:60]
    assert analysis.relations(filled, "KZ", with_="RU") == []
    assert analysis.relations(filled, "KZ", since="2025-08-01") == []


def test_timeline_in_date_order_with_filters(filled):
    rows = analysis.timeline(filled)
    assert [(r["type"], r["date"], r["status"]) for r in rows] == [("AGREE", "2025-07-11", "done"),
                                                                  ("CONSULT", "2025-10", "planned")]
    assert [r["type"] for r in analysis.timeline(filled, country="TJ")] == ["CONSULT"]
    assert [r["type"] for r in analysis.timeline(filled, types=["agree"])] == ["AGREE"]


def test_bad_codes_and_dates_are_query_errors(filled):
    with pytest.raises(QueryError, match="ISO 3166"):
        analysis.relations(filled, "Kazakhstan")
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        analysis.timeline(filled, since="juillet")
    with pytest.raises(QueryError, match="2025-13-01"):
        analysis.relations(filled, "KZ", until="2025-13-01")


def test_search_filters_on_event_type_and_topic(filled):
    def titles(**kw):
        page = service.search(filled, "accord OR visite OR gaz", SearchFilters(**kw))
        return sorted(h.article.title for h in page.hits)

    assert titles(events=("AGREE",)) == [ITEMS[0][0]]
    assert titles(topics=("medtop:04000000",)) == sorted([ITEMS[0][0], ITEMS[2][0]])
    assert titles(events=("CONSULT",), topics=("medtop:04000000",)) == []


def test_a_recurrence_as_event_date_is_stored_and_indexed(ws, tmp_path):
    """"chaque année" resolves to R/P1Y, which has no first day: it must not stop enrichment."""
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"title": "Navrouz", "lead": "Fêté chaque année.", "published": "2025-03-21"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    service.ingest(ws, [str(path)])

    def recurrent(articles):
        for a in articles:
            yield Enrichment(a.id, dates=(), event_date="R/P1Y", status="done",
                             events=(Event("CONSULT", ("KZ",), ("UZ",), (0, 7), (0, 7), 0.5, "R/P1Y", "done"),))

    assert service.enrich(ws, enricher=recurrent).enriched == 1
    assert ws.index.count() == 1
    assert [e["date"] for e in analysis.timeline(ws)] == ["R/P1Y"]


def test_timeline_of_an_entity_keeps_the_events_whose_evidence_names_it(ws, tmp_path):
    path = tmp_path / "e.jsonl"
    lead = "Vladimir Poutine est attendu à Douchanbé. Plus tard, Astana signe avec Kaboul."
    path.write_text(json.dumps({"title": "Visite", "lead": lead, "published": "2025-06-01"}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    service.ingest(ws, [str(path)])
    from silkwire.model import Entity

    def with_entity(articles):
        for a in articles:
            s = a.text.index("Vladimir Poutine")
            second = a.text.index("Plus tard")
            yield Enrichment(a.id, entities=(Entity("per:poutine", "PER", "Vladimir Poutine", ((s, s + 16),), "RU"),),
                             events=(Event("CONSULT", ("RU",), ("TJ",), (s, s + 16), (0, second), 0.8),
                                     Event("AGREE", ("KZ",), ("AF",), (second, second + 9), (second, len(a.text)),
                                           0.4)))

    service.enrich(ws, enricher=with_entity)
    assert [e["type"] for e in analysis.timeline(ws, entity="per:poutine")] == ["CONSULT"]
    assert analysis.timeline(ws, entity="per:nobody") == []


def test_an_open_publication_estimate_dates_no_event() -> None:
    # "2025-03-01/.." only says the article is not older than March: it must not file an undated
    # event under March; a closed window or a real date still does.
    def fact(published: str, estimated: bool) -> EventFact:
        return EventFact("a", 0, "AGREE", ("KZ",), ("CN",), None, "done", None, "t", published, (0, 1), "x", (),
                         estimated)

    assert fact("2025-03-01/..", True).when is None
    assert fact("../2025-03-01", True).when is None
    assert fact("2025-03-01/2025-03-05", True).when == "2025-03-01/2025-03-05"
    assert fact("2025-03-01", False).when == "2025-03-01"


def test_an_undated_story_item_takes_its_event_date_over_an_open_estimate() -> None:
    from silkwire.service.stories import _item

    fields = {"published": "2023-01-01/..", "published_estimated": True, "event_date": "2025-04-04"}
    assert _item(1, "k", None, "t", "x", fields).day == "2025-04-04"
    fields = {"published": "2025-04-01/2025-04-10", "published_estimated": True, "event_date": "2025-04-04"}
    assert _item(1, "k", None, "t", "x", fields).day == "2025-04-01"
