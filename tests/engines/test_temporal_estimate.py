"""Publication dates estimated from a listing's dated neighbours and the item's own text."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from silkwire.model import TimeRef
from silkwire.nlp.temporal import tag_dates
from silkwire.nlp.temporal.calendar import bounds
from silkwire.nlp.temporal.estimate import done_dates, estimate_published


def ref(value: str, kind: str = "point", anchor: str = "text") -> TimeRef:
    return TimeRef(value, (0, len(value)), value, "day", kind, anchor)  # type: ignore[arg-type]


def test_dated_items_keep_their_date_and_are_not_estimated() -> None:
    assert estimate_published([("2025-07-30", None), ("2025-07-29T08:00:00", None)]) == [
        ("2025-07-30", False),
        ("2025-07-29T08:00:00", False),
    ]


def test_an_undated_item_between_two_dated_ones_gets_their_window() -> None:
    items = [("2025-07-30", None), (None, None), (None, None), ("2025-07-27", None)]
    assert estimate_published(items) == [
        ("2025-07-30", False),
        ("2025-07-27/2025-07-30", True),
        ("2025-07-27/2025-07-30", True),
        ("2025-07-27", False),
    ]


def test_equal_neighbours_give_a_single_day() -> None:
    items = [("2025-07-30", None), (None, None), ("2025-07-30", None)]
    assert estimate_published(items)[1] == ("2025-07-30", True)


def test_the_ends_of_a_listing_get_open_intervals() -> None:
    items = [(None, None), ("2025-07-29", None), (None, None)]
    assert estimate_published(items) == [("2025-07-29/..", True), ("2025-07-29", False), ("../2025-07-29", True)]


def test_a_listing_without_any_date_estimates_nothing() -> None:
    assert estimate_published([(None, None), (None, [])]) == [(None, False), (None, False)]
    assert estimate_published([]) == []


def test_an_unparseable_publication_date_counts_as_unknown() -> None:
    items = [("2025-07-30", None), ("hier", None), ("2025-07-20", None)]
    assert estimate_published(items)[1] == ("2025-07-20/2025-07-30", True)


def test_a_done_event_in_the_text_raises_the_lower_bound() -> None:
    # Top of the listing: only the older neighbour, then the text's latest done event.
    items = [(None, [ref("2025-07-01"), ref("2025-07-31")]), ("2025-07-28", None)]
    assert estimate_published(items)[0] == ("2025-07-31/..", True)
    # Between neighbours: the text narrows the window, down to one day.
    items = [("2025-07-30", None), (None, [ref("2025-07-29")]), ("2025-07-20", None)]
    assert estimate_published(items)[1] == ("2025-07-29/2025-07-30", True)
    items = [("2025-07-30", None), (None, [ref("2025-07-30")]), ("2025-07-20", None)]
    assert estimate_published(items)[1] == ("2025-07-30", True)
    # An event known to the month bounds publication by the month's first day.
    assert estimate_published([(None, [ref("2025-03")])]) == [("2025-03-01/..", True)]


def test_a_text_date_that_contradicts_the_listing_is_ignored() -> None:
    items = [("2025-07-30", None), (None, [ref("2025-08-15")]), ("2025-07-20", None)]
    assert estimate_published(items)[1] == ("2025-07-20/2025-07-30", True)
    items = [("2025-07-30", None), (None, [ref("2024-01-01")]), ("2025-07-20", None)]
    assert estimate_published(items)[1] == ("2025-07-20/2025-07-30", True)


def test_neighbours_out_of_order_give_the_window_between_them() -> None:
    items = [("2025-07-20", None), (None, None), ("2025-07-30", None)]
    assert estimate_published(items)[1] == ("2025-07-20/2025-07-30", True)


def test_done_dates_keep_past_events_stated_in_full() -> None:
    text = "Le 12 mars 2025, l'accord a été signé. Le sommet se tiendra le 15 septembre 2025. Hier, un vote."
    refs = tag_dates(text, None)
    assert [r.value for r in done_dates(text, refs)] == ["2025-03-12"]
    # Deadlines and recurrences bound nothing.
    text = "D'ici 2030, la ligne sera livrée. Chaque 1er mai, un défilé a lieu."
    assert done_dates(text, tag_dates(text, None)) == []


DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), DAYS), max_size=12), st.lists(st.one_of(st.none(), DAYS), max_size=12))
def test_estimates_lie_within_the_dated_neighbours(known: list[date | None], text_days: list[date | None]) -> None:
    # A consistent listing: dates sorted newest first.
    dated = sorted((d for d in known if d is not None), reverse=True)
    it = iter(dated)
    listing = [next(it) if d is not None else None for d in known]
    items = [
        (d.isoformat() if d else None, [ref(t.isoformat())] if t else None)
        for d, t in zip(listing, text_days + [None] * len(listing), strict=False)
    ]
    for i, (value, estimated) in enumerate(estimate_published(items)):
        if listing[i] is not None:
            assert (value, estimated) == (listing[i].isoformat(), False)  # type: ignore[union-attr]
            continue
        newer = next((d for d in reversed(listing[:i]) if d is not None), None)
        older = next((d for d in listing[i + 1 :] if d is not None), None)
        if value is None:
            assert newer is None and older is None and text_days[i:i + 1] in ([], [None])
            assert not estimated
            continue
        assert estimated
        start, _, end = value.partition("/")
        first = date.min if start == ".." else date.fromisoformat(start)
        last = date.max if end == ".." else date.fromisoformat(end or start)
        assert first <= last
        if older is not None:
            assert first >= older
        if newer is not None:
            assert last == newer
        if ".." not in value:
            assert bounds(value) == (first, last)  # the calendar reads what the estimate writes


def test_done_events_of_older_items_carry_up_once_two_agree() -> None:
    # An item is newer than every item below it: their done events happened before it was
    # published too, once two of them agree (the second latest), so one misread tense is ignored.
    items = [(None, None), (None, [ref("2025-03-10")]), (None, None), (None, [ref("2025-03-01")])]
    assert estimate_published(items) == [
        ("2025-03-01/..", True),  # the second latest of 03-10 and 03-01 below it
        ("2025-03-10/..", True),  # its own done event
        (None, False),  # one done date below it only: not confirmed
        ("2025-03-01/..", True),
    ]


def test_a_single_outlier_below_does_not_move_the_items_above() -> None:
    items = [(None, None), (None, [ref("2027-01-01")]), (None, [ref("2025-03-01")]), (None, [ref("2025-02-01")])]
    assert estimate_published(items)[0] == ("2025-03-01/..", True)  # 2027 alone is not believed above it


def test_an_announced_main_event_bounds_publication_from_above() -> None:
    items = [(None, None), (None, None), ("2025-01-10", None)]
    planned = [None, "2025-10-30/2025-11-13", None]
    assert estimate_published(items, planned) == [
        ("2025-01-10/..", True),  # above it: not bounded by the announcement below
        ("2025-01-10/2025-10-30", True),  # on or before the event's first day
        ("2025-01-10", False),
    ]


def test_announcements_of_newer_items_carry_down_once_two_agree() -> None:
    items = [(None, None), (None, None), (None, None)]
    planned = ["2025-06-01", "2025-05-20", None]
    assert estimate_published(items, planned) == [
        ("../2025-06-01", True),
        ("../2025-05-20", True),
        ("../2025-06-01", True),  # the second earliest of 06-01 and 05-20 above it
    ]


def test_a_year_alone_is_no_announced_date_and_contradicting_bounds_are_dropped() -> None:
    assert estimate_published([(None, None)], ["2027"]) == [(None, False)]  # "le niveau de 2022"
    # Done on 2025-08-01 but announced for 2025-05-01: one tense was misread, neither is kept.
    assert estimate_published([(None, [ref("2025-08-01")])], ["2025-05-01"]) == [(None, False)]


def test_a_date_in_a_conditional_sentence_is_no_done_event() -> None:
    text = "Le traité a été signé en 2024. Selon Astana, il pourrait entrer en vigueur en 2026."
    assert [r.value for r in done_dates(text, tag_dates(text))] == ["2024"]
    text = "Après un an de débat, la réforme serait soumise à référendum en 2027."
    assert done_dates(text, tag_dates(text)) == []
