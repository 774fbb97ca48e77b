"""Out-of-range dates and counts: a clear Chinese message on every interface, never a server error."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sanxiang.deadlines.engine import UNITS, WEEKENDS_ONLY, DeadlineError, compute_due

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [
    ("9999-12-31", "5", "days"),
    ("9999-12-31", "5", "workdays"),
    ("9999-12-31", "1", "months"),
    ("9999-12-31T23:00", "5", "hours"),
    ("0001-01-01", "5", "days"),
    ("0001-01-01T00:00", "1", "hours"),
    ("1899-12-31", "3", "workdays"),
    ("2200-01-01", "3", "days"),
]


@pytest.mark.parametrize("start,count,unit", OUT_OF_RANGE)
def test_api_answers_400_with_the_start_field(client, start, count, unit):
    response = client.get("/api/v1/deadlines/compute", {"start": start, "count": count, "unit": unit})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "start"
    assert "超出可计算的范围" in body["message"] and "1900-01-01 至 2199-12-31" in body["message"]


@pytest.mark.parametrize("count", ["99999999999999999999999", "-5", "-0", "²", "1e3", "٣٠٠٠٠"])
def test_api_refuses_strange_counts_with_the_count_field(client, count):
    response = client.get("/api/v1/deadlines/compute", {"start": "2025-03-01", "count": count,
                                                        "unit": "days"})
    assert response.status_code == 400
    assert response.json()["field"] == "count"


@pytest.mark.parametrize("start,count,unit,due", [
    ("1900-01-01", "1", "days", "1900-01-02"),
    ("2199-12-31", "120", "months", "2210-01-01"),  # 2209-12-31 is a Saturday
    ("2199-12-31", "2000", "workdays", None),
    ("2199-12-31T23:00", "87600", "hours", None),
])
def test_the_edges_of_the_range_compute(client, start, count, unit, due):
    response = client.get("/api/v1/deadlines/compute", {"start": start, "count": count, "unit": unit})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provisional"] is (unit != "hours")  # no official calendar for those years
    if due:
        assert body["due"] == due


@pytest.mark.parametrize("htmx", [False, True])
def test_calculator_page_shows_the_message(client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/deadlines/calculator/", {"start": "9999-12-31", "count": "5", "unit": "days"},
                          headers=headers)
    assert response.status_code == 400
    assert "超出可计算的范围" in response.content.decode()


def test_cli_prints_the_message(capsys):
    with pytest.raises(SystemExit) as info:
        call_command("deadline", "--start", "9999-12-31", "--count", "5", "--unit", "days",
                     stdout=io.StringIO())
    assert info.value.code == 2
    assert "超出可计算的范围" in capsys.readouterr().err


edge_dates = st.one_of(
    st.dates(min_value=dt.date.min, max_value=dt.date.max),
    st.dates(min_value=dt.date.min, max_value=dt.date(2, 12, 31)),
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2210, 12, 31)),
    st.dates(min_value=dt.date(9990, 1, 1), max_value=dt.date.max),
)
any_text_date = st.one_of(
    edge_dates.map(dt.date.isoformat),
    st.datetimes(min_value=dt.datetime.min, max_value=dt.datetime.max).map(lambda d: d.isoformat()[:16]),
    st.text(max_size=20),
)
any_count = st.one_of(st.integers(min_value=1, max_value=120).map(str),
                      st.integers(min_value=-10, max_value=10**12).map(str), st.text(max_size=8))


@settings(max_examples=300, deadline=None)
@given(start=any_text_date, count=any_count, unit=st.sampled_from(sorted(UNITS) + ["weeks"]))
@example(start="9999-12-31", count="5", unit="days")
@example(start="9999-12-28", count="1", unit="months")
@example(start="9999-12-31T23:00", count="5", unit="hours")
@example(start="0001-01-01T00:00", count="1", unit="hours")
def test_any_input_gives_a_result_or_a_deadline_error(start, count, unit):
    try:
        result = compute_due(start, count, unit, calendar=WEEKENDS_ONLY)
    except DeadlineError as exc:
        assert exc.message and exc.field in ("start", "count", "unit")
    else:
        assert result.due is not None
