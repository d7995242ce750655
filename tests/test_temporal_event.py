"""The main event's date and status (nlp/temporal/status.py) and the tagger fixes they rest on:
tense-free year inference, past lead-ins before weekdays, "début du mois", consecutive days,
Navrouz; and the scorer's protocol for articles without a publication date."""

from __future__ import annotations

from typing import Any

import pytest

from silkwire.evaluation_time import score_time
from silkwire.nlp.temporal import event_date_and_status, tag_dates
from silkwire.nlp.timefacts import event_fields


def event(text: str, published: str | None) -> tuple[str | None, str | None]:
    return event_date_and_status(text, tag_dates(text, published), published)


def values(text: str, published: str | None) -> list[tuple[str, str | None]]:
    return [(r.text, r.value) for r in tag_dates(text, published)]


# -- year inference without tense --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("La hausse des tarifs reportée au 1er mai", "2025-03-29", "2025-05-01"),  # two months ahead
        ("Des législatives anticipées fixées au 30 novembre", "2025-09-30", "2025-11-30"),
        ("Bilan du 20 décembre", "2025-01-10", "2024-12-20"),  # three weeks back, last year
        ("Bilan du 20 août", "2025-01-10", "2024-08-20"),  # seven months ahead: the past one is nearer
        ("Bilan du 20 juin", "2025-01-10", "2025-06-20"),  # five months ahead: nearer than seven back
    ],
)
def test_a_month_without_tense_takes_the_year_nearest_the_publication(text: str, published: str, value: str) -> None:
    assert [v for _, v in values(text, published)] == [value]


def test_the_tense_still_decides_when_there_is_one() -> None:
    assert values("Le sommet a eu lieu le 30 novembre.", "2025-09-30") == [("le 30 novembre", "2024-11-30")]
    assert values("Le sommet se tiendra le 2 mars.", "2025-09-30") == [("le 2 mars", "2026-03-02")]


# -- weekdays after a past lead-in -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("La conférence, ouverte lundi, se poursuit jusqu'au 13 juin.", "2024-06-10"),
        ("Ouverts dimanche, les Jeux réunissent jusqu'au 13 septembre des milliers de sportifs.", "2024-06-09"),
        ("Depuis lundi, les étrangers doivent quitter le territoire.", "2024-06-10"),
        ("Des négociations prolongées jusqu'à dimanche.", "2024-06-09"),
    ],
)
def test_a_participle_or_depuis_before_a_weekday_puts_it_in_the_past(text: str, value: str) -> None:
    # Published on Wednesday 12 June 2024; the sentences carry future markers ("jusqu'au", "doivent").
    assert values(text, "2024-06-12")[0][1] == value


def test_a_weekday_with_no_lead_in_follows_the_tense() -> None:
    assert values("Le président se rendra lundi à Astana.", "2024-06-12") == [("lundi", "2024-06-17")]
    assert values("Puis lundi, le président se rendra à Astana.", "2024-06-12") == [("lundi", "2024-06-17")]


# -- new expressions ---------------------------------------------------------------------------


def test_parts_of_the_current_month() -> None:
    pub = "2024-09-09"
    assert values("Les manœuvres durent depuis le début du mois.", pub) == [("début du mois", "2024-09-01/2024-09-10")]
    assert values("Il partira à la fin du mois prochain.", pub) == [("à la fin du mois prochain", "2024-10-21/2024-10-31")]
    assert values("Vers la mi-mois.", pub) == [("la mi-mois", "2024-09-11/2024-09-20")]
    # "du mois de mars" names a month: not the current one.
    assert values("Au milieu du mois de mars.", pub) == [("mois de mars", "2024-03")]
    assert values("Depuis le début du mois.", None) == [("début du mois", None)]


def test_two_consecutive_days_joined_by_et_are_one_span() -> None:
    pub = "2024-01-30"  # a Tuesday
    assert values("Réunis lundi et mardi à Bruxelles.", pub) == [("lundi et mardi", "2024-01-29/2024-01-30")]
    assert len(values("Réunis lundi et jeudi à Bruxelles.", pub)) == 2


def test_navrouz_is_the_21st_of_march() -> None:
    assert values("Navrouz : la fête approche", "2025-03-20") == [("Navrouz", "2025-03-21")]


# -- the main event ----------------------------------------------------------------------------


def test_the_title_date_is_the_main_event() -> None:
    text = ("Ouzbékistan : la hausse des tarifs reportée au 1er mai\n\n"
            "Le gouvernement a repoussé l'entrée en vigueur, initialement prévue le 1er avril.")
    assert event(text, "2025-03-29") == ("2025-05-01", "planned")


def test_a_title_year_or_season_is_background_the_lead_dates_the_event() -> None:
    text = ("Tenge : la banque centrale relève son taux, une première depuis 2022\n\n"
            "La banque a relevé vendredi son taux directeur.")
    assert event(text, "2024-11-30") == ("2024-11-29", "done")
    text = "Bichkek s'assure de l'aide pour passer l'hiver\n\nUn protocole a été signé la semaine dernière."
    assert event(text, "2024-07-02") == ("2024-06", "done")  # week 26 of 2024 lies in June


def test_a_coarse_title_date_is_refined_by_the_lead() -> None:
    text = "Douchanbé accueillera cette semaine la conférence\n\nDu 29 au 31 mai, un millier de délégués sont attendus."
    assert event(text, "2025-05-26") == ("2025-05-29/2025-05-31", "planned")
    # A lead date outside the title's week does not refine it.
    text = "L'Almaty Open s'ouvre la semaine prochaine\n\nLe tournoi se tiendra à la mi-octobre."
    assert event(text, "2025-10-06") == ("2025-10", "planned")


def test_a_week_or_part_of_month_is_written_as_its_month() -> None:
    text = "Kambarata-1 : un comité constitué\n\nUn accord a été signé cette semaine à Vienne."
    assert event(text, "2024-06-12") == ("2024-06", "done")
    text = "Le sommet\n\nLe sommet se tiendra à la mi-novembre."
    assert event(text, "2025-10-14") == ("2025-11", "planned")
    # A week across two months stays a week.
    assert event("Le sommet\n\nLe sommet se tiendra cette semaine.", "2025-09-30")[0] == "2025-W40"


def test_an_opening_day_until_a_date_is_the_run_of_the_event_and_it_is_done() -> None:
    text = "Eau : la conférence\n\nLa conférence, ouverte lundi, se poursuit jusqu'au 13 juin dans la capitale."
    assert event(text, "2024-06-12") == ("2024-06-10/2024-06-13", "done")
    text = "Festival\n\nOuverte lundi, la 13ᵉ édition du festival se tient jusqu'au 30 août."
    assert event(text, "2024-08-27") == ("2024-08-26/2024-08-30", "done")
    # A run of months (an exhibition) is dated by its opening.
    text = "Biennale\n\nInaugurée hier, la biennale se poursuivra jusqu'au 20 novembre."
    assert event(text, "2025-09-06") == ("2025-09-05", "done")


def test_an_opening_day_followed_by_its_length() -> None:
    text = "Pourparlers\n\nLes ministres ont entamé vendredi à Almaty deux jours de négociations."
    assert event(text, "2024-05-11") == ("2024-05-10/2024-05-11", "done")
    # "deux jours après" is an offset, not a length.
    assert event("Accord\n\nL'accord a été signé vendredi, deux jours après le sommet.", "2024-05-11") == (
        "2024-05-10", "done")


def test_an_event_on_the_publication_day_is_done() -> None:
    text = "Un test de langue exigé\n\nÀ partir de ce mardi, les enfants étrangers doivent réussir un examen."
    assert event(text, "2025-04-01") == ("2025-04-01", "done")


def test_a_deadline_already_past_is_done() -> None:
    text = "COP29 : accord à Bakou\n\nAu terme de négociations prolongées jusqu'à dimanche, les pays ont fixé un objectif."
    assert event(text, "2024-11-25") == ("2024-11-24", "done")


def test_the_holiday_named_in_the_title_wins_over_a_generic_new_year() -> None:
    text = "Navrouz : Douchanbé se prépare à fêter le Nouvel An\n\nLa fête sera célébrée demain, 21 mars."
    assert event(text, "2025-03-20") == ("2025-03-21", "planned")


# -- the scorer --------------------------------------------------------------------------------


def _gold(title: str, published: str, event_date: str | None, status: str | None) -> dict[str, Any]:
    return {"key": {"title": title}, "published": published, "event_date": event_date, "status": status,
            "amounts": []}


def test_undated_articles_are_scored_given_the_gold_publication_date_and_end_to_end() -> None:
    text = "Rail : Tokaïev inaugure la voie\n\nMise en service hier par liaison vidéo."
    listing = {"id": "a", "title": "Rail : Tokaïev inaugure la voie", "text": text, "published": None,
               **event_fields(text, None)}
    dated_text = "Le sommet\n\nLe sommet s'est tenu lundi."
    dated = {"id": "b", "title": "Le sommet", "text": dated_text, "published": "2025-10-01",
             **event_fields(dated_text, "2025-10-01")}
    gold = [_gold("Rail : Tokaïev inaugure la voie", "2025-10-01", "2025-09-30", "done"),
            _gold("Le sommet", "2025-10-01", "2025-09-29", "done")]
    predicted = {"Rail : Tokaïev inaugure la voie": listing, "Le sommet": dated}
    seen: list[str] = []

    def retime(record: Any, published: str) -> dict[str, str | None]:
        seen.append(record["id"])
        return event_fields(record["text"], published)

    scores = score_time(predicted, gold, retime=retime)
    assert seen == ["a"]  # only the article without a publication date of its own is re-resolved
    assert scores["event_date"]["right"] == 2
    assert scores["event_date_end_to_end"]["right"] == 1  # "hier" with no date to resolve it against
    assert scores["status"]["right"] == scores["status_end_to_end"]["right"] == 2
    assert "event_date_end_to_end" not in score_time(predicted, gold)
