"""The French temporal tagger: each pattern family, the traps, year inference, spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkwire.nlp.temporal import event_date_and_status, tag_dates

PUB = "2025-07-30"  # a Wednesday


def found(text: str, published: str | None = PUB) -> list[tuple[str, str | None, str]]:
    return [(r.text, r.value, r.kind) for r in tag_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expr", "value"),
    [
        ("Le 30 juillet 2025, le président a signé.", "Le 30 juillet 2025", "2025-07-30"),
        ("Réunion le 1er avril 2024 à Astana.", "le 1er avril 2024", "2024-04-01"),
        ("Réunion le 1ᵉʳ avril 2024 à Astana.", "le 1ᵉʳ avril 2024", "2024-04-01"),
        ("Élections le premier mars 2026.", "le premier mars 2026", "2026-03-01"),
        ("Scrutin le vingt et un mars 2026.", "le vingt et un mars 2026", "2026-03-21"),
        ("Publié le 30/07/2025.", "30/07/2025", "2025-07-30"),
        ("Publié le 2025-07-30.", "2025-07-30", "2025-07-30"),
        ("Les 21‑22 août 2025 à Tachkent.", "Les 21‑22 août 2025", "2025-08-21/2025-08-22"),
        ("Les 21-22 août 2025 à Tachkent.", "Les 21-22 août 2025", "2025-08-21/2025-08-22"),
        ("Du 28 février au 2 mars 2025, un forum.", "Du 28 février au 2 mars 2025", "2025-02-28/2025-03-02"),
        ("Il s'est tenu en octobre 2024.", "octobre 2024", "2024-10"),
        ("En 2024, la croissance a ralenti.", "2024", "2024"),
        ("L'été 2025 fut sec.", "L'été 2025", "2025-06/2025-08"),
        ("Au premier semestre 2025, le PIB a crû.", "Au premier semestre 2025", "2025-H1"),
        ("Au troisième trimestre 2024, l'inflation a baissé.", "Au troisième trimestre 2024", "2024-Q3"),
        ("Les résultats du T3 2024 sont bons.", "T3 2024", "2024-Q3"),
        ("Fin 2025, la ligne ouvrira.", "Fin 2025", "2025-10/2025-12"),
        ("Mi-2025, un recensement.", "Mi-2025", "2025-06/2025-07"),
        ("De 2020 à 2024, les exportations ont doublé.", "De 2020 à 2024", "2020/2024"),
        ("De janvier à mars 2025, les ventes ont crû.", "De janvier à mars 2025", "2025-01/2025-03"),
        ("Le 25 décembre 2024 à minuit.", "Le 25 décembre 2024", "2024-12-25"),
        ("Le Nouvel An 2025 a été fêté.", "Le Nouvel An 2025", "2025-01-01"),
    ],
)
def test_fully_given_dates_resolve_from_the_text(text: str, expr: str, value: str) -> None:
    refs = tag_dates(text, None)
    assert [(r.text, r.value) for r in refs] == [(expr, value)]
    assert refs[0].anchor == "text"


@pytest.mark.parametrize(
    ("text", "expr", "value"),
    [
        ("Hier, le ministre a parlé.", "Hier", "2025-07-29"),
        ("Aujourd'hui, le sommet s'ouvre.", "Aujourd'hui", "2025-07-30"),
        ("Demain, le vote aura lieu.", "Demain", "2025-07-31"),
        ("La semaine dernière, un accord a été signé.", "La semaine dernière", "2025-W30"),
        ("Mardi dernier, il a démissionné.", "Mardi dernier", "2025-07-29"),
        ("Le mois prochain, une visite aura lieu.", "Le mois prochain", "2025-08"),
        ("L'an dernier, les crues ont frappé.", "L'an dernier", "2024"),
        ("Il y a trois ans, les émeutes.", "Il y a trois ans", "2022"),
        ("Le chantier reprendra dans deux semaines.", "dans deux semaines", "2025-W33"),
        ("Cette année, la récolte sera bonne.", "Cette année", "2025"),
        ("Ce mois-ci, les prix ont monté.", "Ce mois-ci", "2025-07"),
        ("Cet automne, une réforme sera votée.", "Cet automne", "2025-09/2025-11"),
        ("Au troisième trimestre, la croissance a ralenti.", "Au troisième trimestre", "2025-Q3"),
        ("En octobre dernier, la Turquie a ouvert un consulat.", "octobre dernier", "2024-10"),
    ],
)
def test_relative_expressions_resolve_against_the_publication_date(text: str, expr: str, value: str) -> None:
    refs = tag_dates(text, PUB)
    assert [(r.text, r.value) for r in refs] == [(expr, value)]
    assert refs[0].anchor == "published"
    assert all(r.anchor == "none" and r.value is None for r in tag_dates(text, None))


def test_weekday_is_the_closest_one_before_in_past_context_and_after_in_future_context() -> None:
    assert found("Mardi, le président a signé un décret.") == [("Mardi", "2025-07-29", "point")]
    assert found("Le président signera le décret mardi.") == [("mardi", "2025-08-05", "point")]
    assert found("Le ministre est arrivé vendredi.") == [("vendredi", "2025-07-25", "point")]


def test_missing_year_comes_from_the_publication_date_and_tense() -> None:
    # A month after the publication month in a past-tense sentence is last year's.
    assert found("En décembre, le Parlement a adopté la loi.", "2025-02-10") == [("décembre", "2024-12", "point")]
    assert found("Le 5 mai, le président a parlé.") == [("Le 5 mai", "2025-05-05", "point")]
    # In a future-tense sentence a month before the publication month is next year's.
    assert found("Le sommet se tiendra le 5 mai.") == [("le 5 mai", "2026-05-05", "point")]
    assert found("Le président se rendra au Tadjikistan en octobre.") == [("octobre", "2025-10", "point")]


def test_missing_year_falls_back_on_the_article_then_on_nothing() -> None:
    refs = tag_dates("Le forum de 2023 s'est ouvert le 12 mai.", None)
    assert [(r.text, r.value, r.anchor) for r in refs] == [("2023", "2023", "text"), ("le 12 mai", "2023-05-12", "text")]
    refs = tag_dates("Le forum s'est ouvert le 12 mai.", None)
    assert [(r.text, r.value, r.anchor, r.grain) for r in refs] == [("le 12 mai", None, "none", "day")]


def test_day_lists_and_ranges_without_year() -> None:
    assert found("Les 29 et 30 mai, un sommet a eu lieu.") == [("Les 29 et 30 mai", "2025-05-29/2025-05-30", "interval")]
    assert found("Du 3 au 5 mars, une délégation a visité Bakou.") == [("Du 3 au 5 mars", "2025-03-03/2025-03-05", "interval")]
    assert found("Entre le 1ᵉʳ janvier et le 30 juin, les ventes ont crû.") == [
        ("Entre le 1ᵉʳ janvier et le 30 juin", "2025-01-01/2025-06-30", "interval")
    ]


def test_parts_of_months_and_years() -> None:
    assert found("Début mars, il a limogé le gouvernement.") == [("Début mars", "2025-03-01/2025-03-10", "interval")]
    assert found("À la mi-juin, une vague de chaleur.") == [("À la mi-juin", "2025-06-11/2025-06-20", "interval")]
    assert found("Fin février, le rouble a chuté.") == [("Fin février", "2025-02-21/2025-02-28", "interval")]
    assert found("D'ici la fin de l'année, la loi sera votée.") == [("D'ici la fin de l'année", "2025-10/2025-12", "deadline")]


def test_deadlines() -> None:
    assert found("Neutralité carbone d'ici 2060.") == [("d'ici 2060", "2060", "deadline")]
    assert found("Le pont sera livré avant fin 2025.") == [("avant fin 2025", "2025-10/2025-12", "deadline")]
    assert found("Le budget sera présenté au plus tard en mars.") == [("au plus tard en mars", "2026-03", "deadline")]
    assert found("Dépôt des offres jusqu'au 15 septembre.") == [("jusqu'au 15 septembre", "2025-09-15", "deadline")]


def test_recurrences() -> None:
    assert found("Chaque 1er mai, un défilé a lieu.") == [("Chaque 1er mai", "--05-01", "recurrence")]
    assert found("Le forum se réunit tous les ans.") == [("tous les ans", "R/P1Y", "recurrence")]
    assert found("Il se réunit tous les deux ans.") == [("tous les deux ans", "R/P2Y", "recurrence")]
    assert found("Le marché ouvre chaque lundi.") == [("chaque lundi", "XXXX-WXX-1", "recurrence")]


def test_seasons_without_year() -> None:
    assert found("Au printemps dernier, des inondations ont frappé.") == [("Au printemps dernier", "2025-03/2025-05", "interval")]
    assert found("Cet hiver, le gaz a manqué.", "2025-01-15") == [("Cet hiver", "2024-12/2025-02", "interval")]
    assert found("L'hiver 2025 sera rude.") == [("L'hiver 2025", "2025-12/2026-02", "interval")]


@pytest.mark.parametrize(
    "text",
    [
        "L'Accord de Paris a été signé par le Kazakhstan.",
        "La COP29 a réuni 190 pays.",
        "L'ATP 250 d'Astana s'ouvre.",
        "Les exercices Khamkorlik‑2025 ont réuni deux armées.",
        "La 43e session du conseil a été ouverte.",
        "La stratégie Vision 2030 a été présentée.",
        "Le forum Astana 2025 a été un succès.",
        "Appelez le +996 312 62 45 67.",
        "Plus de 2 000 personnes ont manifesté.",
        "Le projet a été approuvé par 2000 soldats.",
        "Mars est une planète, a-t-il dit à Tachkent.",
        "Le contrat a été signé à sept conditions.",
    ],
)
def test_traps_are_not_dates(text: str) -> None:
    assert tag_dates(text, PUB) == []


def test_spans_index_the_original_text_with_typography() -> None:
    text = "L’accord a été signé le 1ᵉʳ\u00a0avril\u00a02025 à Tachkent\u200b, et « hier »."
    for ref in tag_dates(text, PUB):
        assert text[ref.span[0] : ref.span[1]] == ref.text
    assert [r.value for r in tag_dates(text, PUB)] == ["2025-04-01", "2025-07-29"]


def test_unparseable_publication_date_is_treated_as_missing() -> None:
    assert found("Hier, un accord.", "not a date") == [("Hier", None, "point")]


def test_event_date_and_status_done_and_planned() -> None:
    text = "Le sommet s'est tenu le 16 juin à Astana."
    assert event_date_and_status(text, tag_dates(text, PUB), PUB) == ("2025-06-16", "done")
    text = "Le sommet se tiendra le 15 septembre à Douchanbé."
    assert event_date_and_status(text, tag_dates(text, PUB), PUB) == ("2025-09-15", "planned")
    text = "Tachkent accueillera prochainement le forum."
    assert event_date_and_status(text, tag_dates(text, PUB), PUB) == (None, "planned")
    text = "Le président va signer l'accord."
    assert event_date_and_status(text, tag_dates(text, None), None) == (None, "planned")
    text = "Le président a signé l'accord."
    assert event_date_and_status(text, tag_dates(text, None), None) == (None, "done")
    assert event_date_and_status("", [], PUB) == (None, None)


def test_event_date_prefers_the_first_day_precise_date() -> None:
    text = "En 2024, les échanges ont crû. Le 12 mars 2025, un accord a été signé."
    assert event_date_and_status(text, tag_dates(text, PUB), PUB) == ("2025-03-12", "done")


def test_planned_markers_without_future_dates() -> None:
    text = "La réunion, prévue le 2 juillet, a été reportée."
    refs = tag_dates(text, "2025-06-20")
    assert event_date_and_status(text, refs, "2025-06-20") == ("2025-07-02", "planned")


PIECES = list("0123456789 /.-,'’ éèaeilnrstuomdjvfh\u00a0\u2011ᵉʳ") + ["mai", "juin", " le ", "1er", "2025", "mardi", "hier", "été", "fin ", "du ", " au "]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([None, PUB, "2024-02-29", "bad"]))
def test_tagger_never_raises_and_spans_index_the_text(text: str, published: str | None) -> None:
    for ref in tag_dates(text, published):
        assert text[ref.span[0] : ref.span[1]] == ref.text
        assert ref.kind in ("point", "interval", "deadline", "recurrence")
        assert ref.anchor in ("text", "published", "none")
    event_date_and_status(text, tag_dates(text, published), published)
