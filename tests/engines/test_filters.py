"""One way from raw parameters to search filters (every interface uses it) and one date parser."""

from __future__ import annotations

import pytest

from silkwire.dates import first_day, parse_day, start_day
from silkwire.errors import QueryError
from silkwire.model import SearchFilters


def test_from_params_parses_dates_and_normalises_codes() -> None:
    f = SearchFilters.from_params(since="2025-07-01", until="2025-07-31T12:00:00Z", by="event",
                                  countries=["kz", "UZ"], events=["agree"], sources=["s"], topics=["medtop:11000000"])
    assert f == SearchFilters(since="2025-07-01", until="2025-07-31", by="event", sources=("s",),
                              countries=("KZ", "UZ"), events=("AGREE",), topics=("medtop:11000000",))
    assert SearchFilters.from_params() == SearchFilters()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"since": "hier"}, "--since: expected a date YYYY-MM-DD, got 'hier'"),
    ({"until": "2025-02-30"}, "--until: expected a date YYYY-MM-DD, got '2025-02-30'"),
    ({"by": "created"}, "--by 'created': expected published or event"),
])
def test_from_params_names_the_bad_parameter(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError) as caught:
        SearchFilters.from_params(**kwargs, names=("--since", "--until", "--by"))
    assert str(caught.value) == message


def test_date_values_to_days() -> None:
    assert parse_day("  ", "since") is None
    assert start_day("2025-Q3") == 20250701 and start_day("2025-H2") == 20250701
    assert start_day("2025-08-21/2025-08-22") == 20250821 and start_day("2025") == 20250101
    assert first_day("R/P1Y") is None and first_day(None) is None
