"""Small hand-made articles and facts for the export and digest tests (no NLP model).

Spans are computed from the texts, so every span points at the words it names.
"""

from __future__ import annotations

import json
from pathlib import Path

from silkwire.model import Amount, CountryRef, Enrichment, Entity, Event, Place, Topic
from silkwire.service import articles as service

ITEMS = [
    {"title": "Le Kazakhstan et l’Afghanistan signent un accord ferroviaire",
     "lead": "Le Kazakhstan a signé le 11 juillet 2025 à Kaboul un mémorandum ferroviaire avec les talibans. "
             "Le projet est estimé à 500 millions de dollars.",
     "published": "2025-07-11", "source": "Steppe", "url": "https://example.org/kz-af"},
    {"title": "Poutine effectuera une visite d’État au Tadjikistan",
     "lead": "Vladimir Poutine se rendra à Douchanbé en octobre 2025, a annoncé le Kremlin.",
     "published": "2025-07-14", "source": "Steppe"},
    {"title": "Un titre <script>alert(1)</script> & co",
     "lead": "Le texte <b>gras</b> parle du Kazakhstan et de 3 millions d'euros.",
     "published": "2025-07-12", "source": "Pamir"},
    {"title": "Ouzbékistan : une vieille nouvelle", "lead": "Tachkent a reçu une délégation de Tokaïev.",
     "published": "2025-06-01", "source": "Pamir", "id": "ext-4"},
    {"title": None, "lead": "Une brève sans titre ni date sur le Kirghizstan.", "source": "Listing"},
]


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return (start, start + len(needle))


def fake_enricher(articles):
    """Facts for the first four items (the fifth stays unenriched-like: nothing found)."""
    for a in articles:
        t = a.text
        if a.title and a.title.startswith("Le Kazakhstan et"):
            evidence = _span(t, "Le Kazakhstan a signé le 11 juillet 2025 à Kaboul un mémorandum ferroviaire avec "
                                "les talibans. Le projet est estimé à 500 millions de dollars.")
            money = Amount("500 millions de dollars", _span(t, "500 millions de dollars"), 5e8, "USD", "money")
            yield Enrichment(
                a.id,
                countries=(CountryRef("KZ", ("name",), (_span(t, "Kazakhstan"),)),
                           CountryRef("AF", ("name",), (_span(t, "Afghanistan"),))),
                entities=(Entity("org:talibans", "ORG", "Talibans", (_span(t, "talibans"),), "AF"),),
                places=(Place("Kaboul", (_span(t, "Kaboul"),), 1138958, "AF", 34.52813, 69.17233),),
                dates=(), event_date="2025-07-11", status="done",
                amounts=(money,),
                events=(Event("AGREE", ("KZ",), ("AF",), _span(t, "signent"), evidence, 0.8, "2025-07-11", "done",
                              "Kaboul", amounts=(money,), target_entities=("org:talibans",)),),
                topics=(Topic("medtop:04000000", "économie, affaires et finance", 0.9),),
            )
        elif a.title and a.title.startswith("Poutine"):
            yield Enrichment(
                a.id,
                countries=(CountryRef("RU", ("place",), ()), CountryRef("TJ", ("name",), (_span(t, "Tadjikistan"),))),
                entities=(Entity("per:vladimir-poutine", "PER", "Vladimir Poutine", (_span(t, "Vladimir Poutine"),),
                                 "RU"),),
                places=(Place("Douchanbé", (_span(t, "Douchanbé"),), None, "TJ"),),  # not located
                dates=(), event_date="2025-10", status="planned", amounts=(),
                events=(Event("CONSULT", ("RU",), ("TJ",), _span(t, "visite"), (0, len(a.title)), 0.7, "2025-10",
                              "planned", "Douchanbé"),),
                topics=(),
            )
        elif a.title and a.title.startswith("Un titre"):
            yield Enrichment(
                a.id,
                countries=(CountryRef("KZ", ("name",), (_span(t, "Kazakhstan"),)),),
                entities=(), places=(), dates=(), event_date=None, status=None,
                amounts=(Amount("3 millions d'euros", _span(t, "3 millions d'euros"), 3e6, "EUR", "money"),),
                events=(), topics=(),
            )
        elif a.title and a.title.startswith("Ouzbékistan"):
            yield Enrichment(
                a.id,
                countries=(CountryRef("UZ", ("name",), (_span(t, "Ouzbékistan"),)),
                           CountryRef("KZ", ("place",), ())),
                entities=(Entity("per:kassym-jomart-tokaiev", "PER", "Kassym-Jomart Tokaïev", (_span(t, "Tokaïev"),),
                                 "KZ"),),
                places=(Place("Tachkent", (_span(t, "Tachkent"),), 1512569, "UZ", 41.26465, 69.21627),),
                dates=(), event_date=None, status=None, amounts=(), events=(), topics=(),
            )
        else:
            yield Enrichment(a.id, countries=(CountryRef("KG", ("name",), (_span(t, "Kirghizstan"),)),),
                             entities=(), places=(), dates=(), amounts=())


def write_items(path: Path, items: list[dict] | None = None) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for item in items or ITEMS:
            fh.write(json.dumps({k: v for k, v in item.items() if v is not None}, ensure_ascii=False) + "\n")
    return path


def build_db(folder: Path, name: str = "small.db", enrich: bool = True) -> str:
    """A database of ITEMS, enriched by ``fake_enricher`` (one real enrich pass, no NLP)."""
    db = str(folder / name)
    with service.open_workspace(db, create=True) as ws:
        report = service.ingest(ws, [str(write_items(folder / f"{name}.items.jsonl"))])
        assert report.new == len(ITEMS) and not report.rejected
        if enrich:
            service.enrich(ws, enricher=fake_enricher)
    return db
