import pytest

from silkwire.errors import QueryError
from silkwire.model import SearchFilters
from silkwire.search import parse_query
from silkwire.service import articles as service

ITEMS = [
    ("L’Ouzbékistan accueillera le sommet de l’OCS", "Tachkent recevra les dirigeants en 2025.", "2025-01-10", "A"),
    ("Les Ouzbeks votent", "Les électeurs ouzbeks se sont rendus aux urnes.", "2024-10-27", "B"),
    ("Sommets à Astana", "Deux sommets régionaux se tiennent au Kazakhstan cette semaine.", "2025-06-16", "A"),
    ("Tennis kazakh", "La fédération kazakhe de tennis vise les grands tournois.", "2025-09-14", "B"),
    (
        "Accueil des migrants en Russie",
        "Moscou durcit les règles d'accueil des travailleurs étrangers.",
        "2024-05-01",
        "A",
    ),
    ("Gaz turkmène vers la Chine", "Le gazoduc Asie centrale–Chine transporte le gaz turkmène.", "2024-03-03", "C"),
]


@pytest.fixture
def filled(tmp_path):
    import json

    path = tmp_path / "items.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for title, lead, published, source in ITEMS:
            fh.write(json.dumps({"title": title, "lead": lead, "published": published, "source": source}) + "\n")
    with service.open_workspace(str(tmp_path / "s.db"), create=True) as ws:
        service.ingest(ws, [str(path)])
        yield ws


def titles(store, query, **filters):
    result = service.search(store, query, SearchFilters(**filters), limit=20)
    return [h.article.title for h in result.hits]


def test_accent_insensitive(filled):
    assert "L’Ouzbékistan accueillera le sommet de l’OCS" in titles(filled, "ouzbekistan")
    assert titles(filled, "electeurs") == ["Les Ouzbeks votent"]
    assert titles(filled, "étrangers") == titles(filled, "ETRANGERS") == ["Accueil des migrants en Russie"]
    assert "Gaz turkmène vers la Chine" in titles(filled, "TURKMENE")


def test_stemming_plurals_and_verbs(filled):
    assert set(titles(filled, "ouzbeks")) >= {"Les Ouzbeks votent", "L’Ouzbékistan accueillera le sommet de l’OCS"}
    assert set(titles(filled, "sommets")) == {"L’Ouzbékistan accueillera le sommet de l’OCS", "Sommets à Astana"}
    assert "L’Ouzbékistan accueillera le sommet de l’OCS" in titles(filled, "accueil")
    assert "Accueil des migrants en Russie" in titles(filled, "accueillera")


def test_apostrophes_split_both_kinds(filled):
    for q in ("L'Ouzbékistan", "L’Ouzbékistan", "l’ocs"):
        assert "L’Ouzbékistan accueillera le sommet de l’OCS" in titles(filled, q)


def test_bm25_ranks_title_matches_first(filled):
    assert titles(filled, "kazakh")[0] == "Tennis kazakh"


def test_phrase_and_prefix(filled):
    assert titles(filled, '"gaz turkmène"') == ["Gaz turkmène vers la Chine"]
    assert titles(filled, '"turkmène gaz"') == []
    assert set(titles(filled, "kazakh*")) == {"Sommets à Astana", "Tennis kazakh"}
    assert titles(filled, "migr*") == ["Accueil des migrants en Russie"]


def test_boolean_operators(filled):
    assert titles(filled, "sommet AND Astana") == ["Sommets à Astana"]
    assert set(titles(filled, "tennis OR gaz")) == {"Tennis kazakh", "Gaz turkmène vers la Chine"}
    assert titles(filled, "sommet NOT astana") == ["L’Ouzbékistan accueillera le sommet de l’OCS"]
    assert titles(filled, "sommet -astana") == titles(filled, "sommet SAUF astana")
    assert set(titles(filled, "(tennis OR gaz) chine")) == {"Gaz turkmène vers la Chine"}


def test_filters(filled):
    assert titles(filled, "sommet", since="2025-02-01") == ["Sommets à Astana"]
    assert titles(filled, "sommet", until="2025-02-01") == ["L’Ouzbékistan accueillera le sommet de l’OCS"]
    assert titles(filled, "ouzbek", sources=("B",)) == ["Les Ouzbeks votent"]


def test_highlights_index_the_original_text(filled):
    result = service.search(filled, "ouzbek")
    for hit in result.hits:
        assert hit.spans
        for s, e in hit.spans:
            assert hit.article.text[s:e].lower().startswith("ouzb")
        for s, e in hit.snippet.highlights:
            assert hit.snippet.text[s:e].lower().startswith("ouzb")


def test_paging_and_total(filled):
    first = service.search(filled, "sommet OR kazakh OR ouzbek", limit=2)
    second = service.search(filled, "sommet OR kazakh OR ouzbek", limit=2, offset=2)
    assert first.total == second.total >= 4
    assert not {h.article.id for h in first.hits} & {h.article.id for h in second.hits}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ('"sommet de', "unclosed quote"),
        ("(sommet OR gaz", "unclosed parenthesis"),
        ("sommet)", "unexpected '\\)'"),
        ("AND sommet", "needs a term before"),
        ("sommet AND", "needs a term after"),
        ("sommet OR", "needs a term after"),
        ("NOT sommet", "cannot only exclude"),
        ("le de la", "only stop words"),
        ("k*", "at least 2 letters"),
        ("*", "needs letters"),
    ],
)
def test_malformed_queries_give_clear_errors(query, message):
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_user_text_never_reaches_fts5_unquoted(filled):
    # FTS5 syntax characters in words are just punctuation to us.
    for q in ("sommet:", "NEAR(sommet gaz)", "col:sommet", "^sommet", "sommet + gaz", "{title}"):
        service.search(filled, q)
