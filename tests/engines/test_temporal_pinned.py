"""The main event's date of an undated article from its estimated publication window
(``nlp/temporal/pinned.py``): kept when every day of the window gives the same answer, never when
two days give two."""

import pytest

from silkwire.nlp.temporal.pinned import pin_event_date, window_days


def test_a_weekday_within_one_week_is_one_day():
    # Monday 10 to Friday 14 March 2025: "samedi" is Saturday 8 March from every one of them.
    got = pin_event_date("Samedi, le président kazakh a reçu son homologue ouzbek à Astana.",
                         "2025-03-10/2025-03-14")
    assert got is not None and got.event_date == "2025-03-08"
    assert got.evidence.text.lower() == "samedi" and got.evidence.anchor == "estimate"
    assert got.evidence.span == (0, 6) and got.status == "done"


def test_a_weekday_across_two_weeks_is_left_unresolved():
    # From Monday 17 March, "samedi" is 15 March, not 8: two answers, no date.
    assert pin_event_date("Samedi, le président kazakh a reçu son homologue ouzbek à Astana.",
                          "2025-03-10/2025-03-17") is None


def test_a_day_and_month_within_one_year_has_one_year():
    text = "Le président kazakh a reçu son homologue ouzbek le 12 mars à Astana."
    got = pin_event_date(text, "2025-03-13/2025-11-17")
    assert got is not None and got.event_date == "2025-03-12" and got.evidence.text == "le 12 mars"


def test_hier_on_one_estimated_day():
    got = pin_event_date("Le président kazakh a reçu hier son homologue ouzbek.", "2025-05-03")
    assert got is not None and got.event_date == "2025-05-02"


@pytest.mark.parametrize("window", [None, "", "2025-05-06/..", "../2025-05-06", "2024-01-01/2025-06-01",
                                    "pas une date"])
def test_open_long_or_missing_windows_pin_nothing(window):
    assert pin_event_date("Samedi, le président kazakh a reçu son homologue ouzbek.", window) is None


def test_window_days():
    assert [d.isoformat() for d in window_days("2025-05-03/2025-05-05") or []] == \
        ["2025-05-03", "2025-05-04", "2025-05-05"]
    assert window_days("2025-05-05/2025-05-03") is None
