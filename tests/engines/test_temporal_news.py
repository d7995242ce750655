"""Time in news (issue 14, points 3 and 4): the main event's date is the event's own, and the
expression families news writes every day are read (nlp/temporal/news.py, status.py).

The phrases are written the way French news writes them (dispatch leads, not the demo corpus);
each comes with the reading an annotator gives. Publication date of every case: Wednesday
12 March 2025 unless the case gives another.
"""

from __future__ import annotations

import pytest

from silkwire.nlp.temporal import event_date_and_status, tag_dates

PUB = "2025-03-12"  # a Wednesday


def main_event(text: str, published: str | None = PUB) -> tuple[str | None, str | None]:
    return event_date_and_status(text, tag_dates(text, published), published)


# -- point 3: the main event's date is the event's own ---------------------------------------------
# (text, expected event_date, expected status)
EVENT_TIME: list[tuple[str, str | None, str]] = [
    # deadlines: never the event's date
    ("Le Kazakhstan vise la neutralité carbone d'ici 2060.", None, "done"),
    ("Ouzbékistan : Mirziyoyev veut diversifier la coopération avec la France jusqu'en 2027.", None, "done"),
    ("Le Turkménistan s'engage à doubler ses exportations de gaz à l'horizon 2030.", None, "done"),
    ("Bichkek promet de boucler le chantier d'ici la fin de l'année.", None, "done"),
    ("Le gouvernement a jusqu'au 30 juin pour présenter son plan.", None, "planned"),  # the plan is to come
    ("Tokaïev a signé lundi un décret sur la transition énergétique d'ici 2035.", "2025-03-10", "done"),
    ("Le Tadjikistan a inauguré mardi une centrale qui doit produire d'ici 2028 un tiers de son électricité.",
     "2025-03-11", "done"),
    ("Les travaux devront être achevés avant le 1er septembre, a annoncé jeudi le ministère.", "2025-03-06", "done"),
    ("Astana prolonge jusqu'en 2026 l'interdiction d'exporter du carburant.", None, "done"),
    ("L'accord, valable jusqu'en 2029, a été signé vendredi à Tachkent.", "2025-03-07", "done"),
    # spans of time and durations: background
    ("Les relations entre les deux pays se sont dégradées ces 80 dernières années.", None, "done"),
    ("Le pays est indépendant depuis 30 ans.", None, "done"),
    ("Le Kirghizstan n'avait pas connu une telle sécheresse depuis 1991.", None, "done"),
    ("Les exportations ont triplé ces dix dernières années, selon un rapport publié mardi.", "2025-03-11", "done"),
    ("Depuis 2022, Moscou a accueilli des milliers de migrants ; lundi, la Douma a durci la loi.",
     "2025-03-10", "done"),
    ("Les prix du coton ont doublé ces deux dernières années.", None, "done"),
    ("Jamais depuis 2008 la banque centrale n'avait relevé son taux aussi fortement.", None, "done"),
    ("La production a chuté de 10 % ces trois dernières années, a indiqué jeudi le ministère.", "2025-03-06", "done"),
    ("Depuis dix ans, le Tadjikistan construit le barrage de Rogun.", None, "done"),
    ("Ces cinq dernières années, l'Ouzbékistan a ouvert son économie.", None, "done"),
    # a year that names an event: no date
    ("Le Forum international d'Astana 2025 s'est tenu à huis clos.", None, "done"),
    ("Tachkent mise tout sur les Jeux de 2028 : infrastructures, primes, jeunesse", None, "done"),
    ("Expo 2017 : Astana tire le bilan de l'exposition.", None, "done"),
    ("Euro 2024 : l'Ouzbékistan suit le tournoi.", None, "done"),
    ("La Coupe du monde 2026 se jouera en Amérique du Nord.", None, "planned"),
    ("Vision 2030 : l'Ouzbékistan présente sa stratégie.", None, "done"),
    ("COP29 : le Kazakhstan présente ses priorités.", None, "done"),
    ("Les Jeux de 2028 : le comité ouzbek a été reçu mardi à Paris.", "2025-03-11", "done"),
    ("Le Kazakhstan 2050 : Tokaïev a présenté lundi la stratégie.", "2025-03-10", "done"),
    ("Les JO de Paris 2024 : l'Ouzbékistan a reçu vendredi ses champions.", "2025-03-07", "done"),
    # the origin of an anniversary
    ("Le pays célèbre le 80e anniversaire de la victoire de 1945.", None, "done"),
    ("Astana a commémoré vendredi les victimes de la famine de 1932.", "2025-03-07", "done"),
    ("Le Kazakhstan fête le centenaire de la naissance du poète, né en 1925.", None, "done"),
    ("Il y a 30 ans, en 1995, le pays adoptait sa Constitution.", None, "done"),
    ("Le Turkménistan célèbre le 30e anniversaire de sa neutralité, proclamée en 1995.", None, "done"),
    ("En souvenir de la tragédie de 1916, une cérémonie s'est tenue lundi à Bichkek.", "2025-03-10", "done"),
    ("Le pays marque le 33e anniversaire de l'indépendance de 1991.", None, "done"),
    ("Trente ans après la fermeture du polygone en 1991, Semeï commémore les victimes.", None, "done"),
    # a date of another event named before it
    ("Après la crise de 2022, le pays a signé lundi un accord avec le FMI.", "2025-03-10", "done"),
    ("Avant les élections de 2026, le président a remanié mardi le gouvernement.", "2025-03-11", "done"),
    ("Depuis la chute du régime de 2021, Kaboul a reçu jeudi sa première délégation.", "2025-03-06", "done"),
    ("Après les émeutes de janvier 2022, le Kazakhstan a gracié vendredi 200 détenus.", "2025-03-07", "done"),
    ("Samarcande accueille le premier sommet UE–Asie centrale\n\nLe 1er avril, à la veille du sommet, les "
     "ministres préparaient la déclaration finale.", "2025-04-02", "planned"),
    ("Sommet UE–Asie centrale : Mirziyoyev se confie\n\nLe 1er avril, à la veille du sommet, le président "
     "ouzbek accordera une interview.", "2025-04-01", "planned"),
    ("La Douma vote la loi\n\nLe 10 mars, au lendemain du vote, le Kremlin a salué le texte.", "2025-03-09", "done"),
    ("Entretien avec le ministre\n\nLe 10 mars, au lendemain du vote, le ministre a répondu à nos questions.",
     "2025-03-10", "done"),
    ("Après le sommet de 2024 à Astana, les dirigeants se retrouveront en mai à Bichkek.", "2025-05", "planned"),
    ("Avant la crise de 2008, les banques prêtaient beaucoup ; la banque centrale a relevé mardi son taux.",
     "2025-03-11", "done"),
    # planned: preparation, condition, plans
    ("Un accord de libre-échange est en préparation entre Astana et Bakou.", None, "planned"),
    ("Le président devrait signer un accord avec la Chine.", None, "planned"),
    ("Un accord pourrait être signé à Astana.", None, "planned"),
    ("L'Ouzbékistan prévoit de construire une centrale nucléaire.", None, "planned"),
    ("Le projet de loi est à l'étude au Parlement.", None, "planned"),
    ("Le sommet devrait se tenir le 3 avril à Samarcande.", "2025-04-03", "planned"),
    ("Les deux pays pourraient signer le traité en mai.", "2025-05", "planned"),
    ("Le gouvernement prévoit de relever les tarifs en juillet.", "2025-07", "planned"),
    ("Un texte en cours de préparation sera présenté au printemps.", "2025-03/2025-05", "planned"),
    ("Le Kazakhstan a signé mardi un accord avec la Chine.", "2025-03-11", "done"),
    ("Le Kirghizstan a annoncé lundi la fermeture de la frontière, qui pourrait durer plusieurs semaines.",
     "2025-03-10", "done"),
    ("Le chantier, lancé en janvier, pourrait être achevé en 2027.", "2025-01", "done"),
    # the end of a span that ran is the event's day when nothing else is given
    ("COP29 : accord à Bakou sur le climat\n\nAu terme de deux semaines de négociations prolongées jusqu'à "
     "dimanche, les pays ont adopté un objectif de financement.", "2025-03-09", "done"),
    ("Les négociations ont duré jusqu'au 8 mars.", "2025-03-08", "done"),
    # an open interval dates the event by its first day
    ("Russie : un test de langue exigé à partir de ce mercredi pour les enfants de migrants.", "2025-03-12",
     "done"),
    ("La mesure s'appliquera à partir du 1er avril.", "2025-04-01", "planned"),
    ("Dès le 15 mars, les visas seront délivrés en ligne.", "2025-03-15", "planned"),
]


@pytest.mark.parametrize(("text", "date", "status"), EVENT_TIME)
def test_the_main_event_date_is_the_events_own(text: str, date: str | None, status: str) -> None:
    assert main_event(text) == (date, status)


def test_at_least_sixty_event_time_phrases() -> None:
    assert len(EVENT_TIME) >= 60


def test_name_years_give_no_publication_bound() -> None:
    from silkwire.nlp.temporal.estimate import done_dates

    text = "Tachkent mise tout sur les Jeux de 2028 : infrastructures, primes, jeunesse"
    assert done_dates(text, tag_dates(text, None)) == []


# -- point 4: the families news writes every day ----------------------------------------------------
# (text, the expression, its value)
FAMILIES: dict[str, list[tuple[str, str, str | None]]] = {
    "anchored": [
        ("Il était arrivé la veille à Astana.", "la veille", "2025-03-11"),
        ("Il est reparti le lendemain du 13 février.", "le lendemain du 13 février", "2025-02-14"),
        ("Le 3 mars, il a été arrêté ; deux jours après, il a été libéré.", "deux jours après", "2025-03-05"),
        ("Le 3 mars, le texte a été voté ; le jour d'avant, les députés avaient débattu.", "le jour d'avant",
         "2025-03-02"),
        ("La veille du 8 mars, les manifestantes se sont réunies.", "La veille du 8 mars", "2025-03-07"),
        ("Élu le 1er mars, il a nommé son gouvernement une semaine plus tard.", "une semaine plus tard", "2025-03-08"),
        ("Le corps a été retrouvé le 2 mars, trois jours avant le 5 mars annoncé.", "trois jours avant le 5 mars",
         "2025-03-02"),
        ("Le décret a été signé le 10 mars et publié le surlendemain.", "le surlendemain", "2025-03-12"),
        ("Le ministre était à Pékin le 4 mars ; le lendemain, il a rencontré Xi Jinping.", "le lendemain",
         "2025-03-05"),
        ("Le sommet s'est ouvert le 1er mars ; dix jours plus tard, un accord était signé.", "dix jours plus tard",
         "2025-03-11"),
        ("L'accord a été signé à la veille du sommet.", "la veille", None),
        ("Quelques jours après, il a démissionné.", "Quelques jours après", None),
    ],
    "days_only": [
        ("Le festival se tiendra du 13 au 18.", "du 13 au 18", "2025-03-13/2025-03-18"),
        ("Le salon aura lieu entre le 20 et le 23.", "entre le 20 et le 23", "2025-03-20/2025-03-23"),
        ("La foire se tient en avril ; les ventes auront lieu du 2 au 6.", "du 2 au 6", "2025-04-02/2025-04-06"),
        ("Le congrès s'est tenu du 3 au 5.", "du 3 au 5", "2025-03-03/2025-03-05"),
        ("Les négociations se poursuivront du 24 au 27.", "du 24 au 27", "2025-03-24/2025-03-27"),
        ("Les élections se dérouleront du 2 au 4.", "du 2 au 4", "2025-04-02/2025-04-04"),
        ("La délégation a séjourné du 1er au 4.", "du 1er au 4", "2025-03-01/2025-03-04"),
        ("Le 10 février, il annonçait des manœuvres du 15 au 20.", "du 15 au 20", "2025-02-15/2025-02-20"),
        ("La grève a duré entre le 5 et le 9.", "entre le 5 et le 9", "2025-03-05/2025-03-09"),
        ("Les écoles seront fermées du 17 au 21.", "du 17 au 21", "2025-03-17/2025-03-21"),
        ("Les 13 et 14 ans ont été vaccinés.", "", None),
    ],
    "relative_spans": [
        ("Les prix ont augmenté les deux derniers mois.", "les deux derniers mois", "2025-01-12/2025-03-12"),
        ("Les travaux dureront les trois prochaines semaines.", "les trois prochaines semaines",
         "2025-03-12/2025-04-02"),
        ("Les exportations ont doublé ces deux dernières années.", "ces deux dernières années",
         "2023-03-12/2025-03-12"),
        ("Les pluies ont été rares ces trois derniers mois.", "ces trois derniers mois", "2024-12-12/2025-03-12"),
        ("Le pays a connu trois coups d'État ces vingt dernières années.", "ces vingt dernières années",
         "2005-03-12/2025-03-12"),
        ("Le chantier sera achevé dans les six prochains mois.", "les six prochains mois", "2025-03-12/2025-09-12"),
        ("Les cours ont chuté ces dix derniers jours.", "ces dix derniers jours", "2025-03-02/2025-03-12"),
        ("Les deux dernières semaines ont été chargées.", "Les deux dernières semaines", "2025-02-26/2025-03-12"),
        ("Les cinq prochaines années seront décisives.", "Les cinq prochaines années", "2025-03-12/2030-03-12"),
        ("Les sept derniers jours ont vu 40 séismes.", "Les sept derniers jours", "2025-03-05/2025-03-12"),
    ],
    "parts": [
        ("Le texte sera voté en fin de semaine.", "en fin de semaine", "2025-03-14/2025-03-16"),
        ("Les élections auront lieu en début d'année prochaine.", "en début d'année prochaine", "2026-01/2026-03"),
        ("Les élections auront lieu en début d'année.", "en début d'année", "2025-01/2025-03"),
        ("Le sommet se tiendra mi-décembre.", "mi-décembre", "2025-12-11/2025-12-20"),
        ("La visite aura lieu la première quinzaine d'avril.", "la première quinzaine d'avril",
         "2025-04-01/2025-04-15"),
        ("Le rapport sera publié fin mars.", "fin mars", "2025-03-21/2025-03-31"),
        ("La réunion se tiendra en fin de mois.", "en fin de mois", "2025-03-21/2025-03-31"),
        ("Les résultats seront connus en milieu de semaine prochaine.", "en milieu de semaine prochaine",
         "2025-03-19/2025-03-20"),
        ("La seconde quinzaine de mai sera consacrée aux examens.", "La seconde quinzaine de mai",
         "2025-05-16/2025-05-31"),
        ("Le budget sera voté en fin d'année.", "en fin d'année", "2025-10/2025-12"),
        ("Une mission est attendue en début de mois prochain.", "en début de mois prochain",
         "2025-04-01/2025-04-10"),
        ("Le chantier a commencé début février.", "début février", "2025-02-01/2025-02-10"),
    ],
    "weeks": [
        ("Le forum se tiendra la semaine du 6 octobre.", "la semaine du 6 octobre", "2025-W41"),
        ("La réunion aura lieu la première semaine d'octobre.", "la première semaine d'octobre",
         "2025-10-01/2025-10-07"),
        ("La dernière semaine de mars sera chargée.", "La dernière semaine de mars", "2025-03-25/2025-03-31"),
        ("Les négociations reprendront la semaine du 17 mars.", "la semaine du 17 mars", "2025-W12"),
        ("La deuxième semaine de mai est réservée aux élections.", "La deuxième semaine de mai",
         "2025-05-08/2025-05-14"),
        ("Le salon s'est tenu la semaine du 3 février.", "la semaine du 3 février", "2025-W06"),
        ("La troisième semaine d'avril verra la visite du président.", "La troisième semaine d'avril",
         "2025-04-15/2025-04-21"),
        ("Le vote est prévu la semaine prochaine.", "la semaine prochaine", "2025-W12"),
        ("La mission est attendue cette semaine.", "cette semaine", "2025-W11"),
        ("Il a été reçu la semaine dernière.", "la semaine dernière", "2025-W10"),
        ("Les résultats tomberont la première semaine de juin.", "la première semaine de juin",
         "2025-06-01/2025-06-07"),
    ],
    "holidays": [
        ("Les magasins ferment à la Toussaint.", "la Toussaint", "2024-11-01"),
        ("Le pays célèbre Noël.", "Noël", "2024-12-25"),
        ("Les fidèles ont fêté l'Aïd.", "Aïd", "2024-06-16"),
        ("Le pays célèbre Norouz.", "Norouz", "2025-03-21"),
        ("Les fidèles célébreront l'Aïd el-Fitr.", "Aïd el-Fitr", "2025-03-30"),
        ("L'Aïd el-Kébir sera férié.", "Aïd el-Kébir", "2025-06-06"),
        ("Pour l'Aïd al-Adha 2024, les prix des moutons ont flambé.", "Aïd al-Adha 2024", "2024-06-16"),
        ("Le pays s'est arrêté pour le Nouvel An.", "le Nouvel An", "2025-01-01"),
        ("La trêve de Pâques a été rompue.", "Pâques", "2024-03-31"),
        ("La fête du Travail sera célébrée dans le calme.", "La fête du Travail", "2025-05-01"),
        ("Les familles se réuniront pour Nauryz.", "Nauryz", "2025-03-21"),
    ],
    "open": [
        ("La mesure s'applique à partir du 8 mars.", "à partir du 8 mars", "2025-03-08/.."),
        ("Dès le 1er avril, les tarifs augmenteront.", "Dès le 1er avril", "2025-04-01/.."),
        ("Les visas seront délivrés en ligne à compter du 15 mars.", "à compter du 15 mars", "2025-03-15/.."),
        ("À partir de lundi, la frontière sera rouverte.", "À partir de lundi", "2025-03-17/.."),
        ("La loi s'appliquera à partir du mois de juin.", "à partir du mois de juin", "2025-06/.."),
        ("Les vols reprendront à partir du 2 mai.", "à partir du 2 mai", "2025-05-02/.."),
        ("Dès le 20 mars, les écoles rouvriront.", "Dès le 20 mars", "2025-03-20/.."),
        ("Le couvre-feu est levé à partir de ce mercredi.", "à partir de ce mercredi", "2025-03-12/.."),
        ("À compter du 1er juillet, le tenge flottera librement.", "À compter du 1er juillet", "2025-07-01/.."),
        ("Les inscriptions sont ouvertes à partir du 3 mars.", "à partir du 3 mars", "2025-03-03/.."),
        ("Dès janvier 2026, la taxe sera doublée.", "Dès janvier 2026", "2026-01/.."),
    ],
}
CASES = [(family, *case) for family, cases in FAMILIES.items() for case in cases]


@pytest.mark.parametrize(("family", "text", "expression", "value"), CASES)
def test_news_time_families(family: str, text: str, expression: str, value: str | None) -> None:
    found = {r.text: r.value for r in tag_dates(text, PUB)}
    if not expression:  # not a date of this family
        assert all(not k.startswith("les 13") for k in found), found
        return
    assert expression in found, (family, found)
    assert found[expression] == value, (family, found)


def test_ten_phrases_per_family() -> None:
    assert all(len(cases) >= 10 for cases in FAMILIES.values())
