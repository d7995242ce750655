"""The main event's date and status (nlp/temporal/status.py) and the tagger fixes they rest on:
tense-free year inference, past lead-ins before weekdays, "début du mois", consecutive days,
Navrouz; and the scorer's protocol for articles without a publication date."""

from __future__ import annotations

from typing import Any

import pytest

from silkwire.evaluation.time import score_time
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


# -- holidays with a computed date, and lexicon additions ----------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Je reviendrai pour Thanksgiving.", "2016-11-24"),  # fourth Thursday of November
        ("Le jour de l'action de grâce 2010.", "2010-11-25"),
        ("La fête des pères 2015.", "2015-06-21"),  # third Sunday of June
        ("La fête des mères 2024.", "2024-05-26"),  # last Sunday of May
        ("La fête des mères 2016.", "2016-05-29"),
        ("La fête des mères 2021.", "2021-05-30"),
        ("La fête des mères 2024 et Pâques 2024.", "2024-05-26"),
        ("Le lundi de Pâques 2025.", "2025-04-21"),
        ("Le Vendredi saint 2024.", "2024-03-29"),
        ("Halloween l'année prochaine.", "2017-10-31"),
        ("La fête du travail 2024.", "2024-05-01"),  # the French 1 May
    ],
)
def test_movable_and_fixed_holidays(text: str, value: str) -> None:
    assert values(text, "2016-11-07")[0][1] == value


def test_french_mothers_day_moves_off_pentecost() -> None:
    from datetime import date

    from silkwire.nlp.temporal.calendar import easter, holiday_date

    assert [easter(y) for y in (2016, 2024, 2025)] == [date(2016, 3, 27), date(2024, 3, 31), date(2025, 4, 20)]
    moved = []
    for year in range(2000, 2100):
        day = holiday_date(year, 5, "fr-mothers")
        assert day is not None and day.isoweekday() == 7
        pentecost = date.fromordinal(easter(year).toordinal() + 49)
        assert day != pentecost
        assert day.month == 5 or (day.month == 6 and day.day <= 7)
        if day.month == 6:
            moved.append(year)
    # Pentecost fell on 28 May 2023 and 31 May 2020: the fête des mères was on 4 and 7 June.
    assert {2020, 2023} <= set(moved)
    assert holiday_date(2023, 5, "fr-mothers") == date(2023, 6, 4)


def test_typo_and_gender_variants_of_relative_words() -> None:
    pub = "2016-11-07"
    assert values("Je reviendrai dimanche derniere", pub) == [("dimanche derniere", "2016-11-06")]
    assert values("Je serai dehors cette weekend", pub)[0][0] == "cette weekend"
    assert values("derniere semaine", pub) == [("derniere semaine", "2016-W44")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Le festival ouvre le premier vendredi de juillet 2025.", "2025-07-04"),
        ("Le vote a lieu le troisième mardi du mois prochain.", "2016-12-20"),
        ("La réunion se tient le premier lundi de ce mois.", "2016-11-07"),
        ("La course a lieu le dernier dimanche de mai 2024.", "2024-05-26"),
        ("Rendez-vous le 2e samedi.", "2016-11-12"),  # of the publication month
    ],
)
def test_ordinal_weekdays(text: str, value: str) -> None:
    assert [v for _, v in values(text, "2016-11-07")] == [value]


def test_ordinal_weekday_traps() -> None:
    # "dernier vendredi" alone is no rank within a month: the plain weekday, in the past.
    assert values("Il est venu dernier vendredi.", "2016-11-07") == [("vendredi", "2016-11-04")]
    # No sixth Monday, and February 2025 has four: the handler refuses, shorter readings remain.
    assert values("Le sixième lundi de mars 2025.", "2016-11-07") == [("lundi", "2016-11-07"), ("mars 2025", "2025-03")]
    assert values("Le cinquième lundi de février 2025.", "2016-11-07") == [
        ("lundi", "2016-11-07"), ("février 2025", "2025-02")]


def test_a_day_alone_at_a_sentence_end_or_with_its_month() -> None:
    pub = "2016-11-07"
    assert values("La réunion se tiendra le 3.", pub) == [("le 3", "2016-12-03")]  # future, before the 7th
    assert values("Le sommet a eu lieu le 30.", pub) == [("le 30", "2016-10-30")]  # past, after the 7th
    assert values("Il arrive le 20 du mois prochain", pub) == [("le 20 du mois prochain", "2016-12-20")]
    assert values("Le vote aura lieu le 30 de ce mois", pub) == [("le 30 de ce mois", "2016-11-30")]


@pytest.mark.parametrize("text", ["Il a fini le 27 sur 40 coureurs.", "Le 27e sommet s'ouvre.", "Il est le 3 mondial."])
def test_a_day_alone_elsewhere_is_no_date(text: str) -> None:
    assert values(text, "2016-10-07") == []  # a rank, a place in a ranking


def test_a_day_alone_beyond_its_month_is_refused() -> None:
    assert values("Le 31 du mois prochain", "2016-10-07") == []  # November has 30 days
    assert values("Le 31 du mois prochain", "2016-11-07") == [("Le 31 du mois prochain", "2016-12-31")]
