"""Which expression dates the main event (nlp/temporal/status.py), with and without a
publication date: an expression that would date the event but cannot be resolved leaves the
date unknown rather than handing it to another expression; a lead date that governs the title's
event noun ("présider mardi le sommet") dates the title's event. Phrases written from the way
French news agencies write (AFP, Le Monde, RFI patterns), not taken from the demo corpus."""

from __future__ import annotations

import pytest

from silkwire.nlp.temporal import event_date_and_status, tag_dates


def event(text: str, published: str | None) -> str | None:
    return event_date_and_status(text, tag_dates(text, published), published)[0]


# -- an unresolved expression that would date the event: no date, not another one ---------------


# A weekday dates the event; a month of the background follows it.
WEEKDAY_AND_BACKGROUND = [
    ("Tennis : la Kazakhe s'impose à Berlin\n\nElle a remporté dimanche la finale, son premier titre "
     "depuis avril 2024.", "2025-06-23", "2025-06-22"),
    ("Banque centrale : hausse du taux directeur\n\nLa banque a relevé vendredi son taux, une première "
     "depuis mars 2023.", "2024-11-30", "2024-11-29"),
    ("Élections : victoire du parti au pouvoir\n\nLe parti a obtenu mardi 60 % des voix, contre 52 % en "
     "janvier 2020.", "2025-03-05", "2025-03-04"),
]


@pytest.mark.parametrize(("text", "published", "value"), WEEKDAY_AND_BACKGROUND)
def test_with_a_publication_date_the_weekday_dates_the_event(text: str, published: str, value: str) -> None:
    assert event(text, published) == value


@pytest.mark.parametrize(
    "text",
    [
        *(text for text, _, _ in WEEKDAY_AND_BACKGROUND),
        "Mines : accord signé\n\nLes deux groupes ont signé hier un accord de 2 milliards, négocié depuis "
        "l'été 2023.",
    ],
)
def test_without_one_the_date_is_unknown_not_the_background_month(text: str) -> None:
    # "dimanche" (resolvable only against a publication date) would date the event: with none,
    # April 2024 is no answer.
    assert event(text, None) is None


def test_a_date_stated_in_full_still_dates_the_event_without_a_publication_date() -> None:
    assert event("Sommet\n\nLes dirigeants se sont réunis le 12 mars 2025 à Astana, comme en mars 2024.",
                 None) == "2025-03-12"


# -- a lead date that governs the title's event noun ----------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("Xi attendu à Astana pour le sommet Chine–Asie centrale\n\nLe président chinois effectuera à partir "
         "de lundi une visite d'État, avant de présider mardi le sommet des six pays.", "2025-06-15",
         "2025-06-17"),
        ("Le Premier ministre à Bruxelles pour la session du Conseil européen\n\nIl rencontrera mercredi les "
         "représentants patronaux puis ouvrira jeudi la session du Conseil.", "2025-03-17", "2025-03-20"),
        ("Tachkent accueille le forum des investisseurs\n\nLes délégations arrivent lundi ; le président "
         "inaugurera mardi le forum au Congress Hall.", "2025-06-08", "2025-06-10"),
        ("Astana : le président à la conférence sur l'eau\n\nArrivé dimanche, il prononcera lundi le discours "
         "d'ouverture et clôturera mercredi la conférence.", "2025-04-05", "2025-04-09"),
    ],
)
def test_the_date_that_governs_the_titles_event_noun(text: str, published: str, value: str) -> None:
    assert event(text, published) == value


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        # the title names no event noun the lead's dates govern: the first day of the lead
        ("Le président chinois en visite au Kazakhstan\n\nXi Jinping arrivera lundi à Astana, avant de "
         "présider mardi le sommet des six pays.", "2025-06-15", "2025-06-16"),
        # one lead date only: nothing to choose
        ("Bichkek accueille le sommet de l'OTSC\n\nLes dirigeants ouvriront jeudi le sommet.", "2025-11-24",
         "2025-11-27"),
        # the noun is not the verb's object right after the date ("en novembre à la conférence")
        ("Glaciers : la conférence de Douchanbé s'achève\n\nRéunis du 29 au 31 mai, les délégués ont adopté "
         "un texte présenté en novembre à la conférence de l'ONU.", "2025-06-02", "2025-05-29/2025-05-31"),
    ],
)
def test_other_dates_keep_the_first_day_rule(text: str, published: str, value: str) -> None:
    assert event(text, published) == value
