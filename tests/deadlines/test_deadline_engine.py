"""The deadline engine against the official 2025/2026 calendars (国办发明电〔2024〕12号, 〔2025〕7号)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.deadlines.actions import chinesecalendar_days
from sanxiang.deadlines.engine import WORKDAY, Calendar, DeadlineError, compute_due, working_days_between

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic


def official_calendar(years=range(2004, 2027)):
    days = {}
    for year in years:
        days.update({d: (k, n) for d, k, n in chinesecalendar_days(year)})
    return Calendar(days=days, official=frozenset(years))


CAL = official_calendar()
D = dt.date.fromisoformat

# start, count, unit, due, why
TABLE = [
    # examples.md
    ("2025-04-30", 7, "workdays", "2025-05-14", "劳动节 1–5 May 2025; Sat 10 May rest"),
    ("2026-09-24", 5, "workdays", "2026-10-09", "中秋 25–27 Sep, 国庆 1–7 Oct 2026"),
    ("2026-04-03", 3, "workdays", "2026-04-09", "清明 4–6 Apr 2026"),
    ("2025-01-27", 15, "days", "2025-02-11", "after the 2025 Spring Festival"),
    ("2026-02-07", 7, "days", "2026-02-14", "Sat 14 Feb 2026 is a make-up working day"),
    ("2025-12-31", 1, "months", "2026-02-02", "31 Jan 2026 Saturday → Monday"),
    # the CLI contract example: Sun 28 Sep and Sat 11 Oct 2025 are make-up days
    ("2025-09-26", 7, "workdays", "2025-10-13", "国庆中秋 1–8 Oct 2025"),
    ("2025-09-26", 1, "workdays", "2025-09-28", "Sun 28 Sep 2025 make-up day counts"),
    # Spring Festival 2025: 28 Jan – 4 Feb, make-up Sun 26 Jan and Sat 8 Feb
    ("2025-01-24", 1, "workdays", "2025-01-26", "Sun 26 Jan 2025 make-up day"),
    ("2025-01-27", 1, "workdays", "2025-02-05", "Spring Festival 28 Jan – 4 Feb 2025"),
    ("2025-01-27", 3, "workdays", "2025-02-07", ""),
    ("2025-01-27", 4, "workdays", "2025-02-08", "Sat 8 Feb 2025 make-up day"),
    ("2025-01-27", 5, "workdays", "2025-02-10", ""),
    ("2025-01-20", 10, "days", "2025-02-05", "30 Jan in the holiday → first day after it"),
    ("2025-01-25", 15, "days", "2025-02-10", "9 Feb Sunday → Monday"),
    ("2025-01-24", 15, "days", "2025-02-08", "8 Feb 2025 make-up Saturday: no roll-over"),
    # Spring Festival 2026: 15–23 Feb, make-up Sun 14 Feb? (Sat 14 Feb and Sat 28 Feb)
    ("2026-02-13", 1, "workdays", "2026-02-14", "Sat 14 Feb 2026 make-up day"),
    ("2026-02-13", 2, "workdays", "2026-02-24", "15–23 Feb 2026 holiday"),
    ("2026-02-12", 5, "workdays", "2026-02-26", ""),
    ("2026-02-24", 4, "workdays", "2026-02-28", "Sat 28 Feb 2026 make-up day"),
    ("2026-02-10", 7, "days", "2026-02-24", "17 Feb in the holiday → 24 Feb"),
    ("2026-01-22", 1, "months", "2026-02-24", "22 Feb 2026 in the holiday"),
    # New Year
    ("2025-12-31", 1, "workdays", "2026-01-04", "1–3 Jan 2026 holiday, Sun 4 Jan make-up"),
    ("2025-12-30", 2, "workdays", "2026-01-04", ""),
    ("2024-12-31", 1, "workdays", "2025-01-02", "1 Jan 2025 only"),
    ("2025-12-27", 5, "days", "2026-01-04", "1 Jan 2026 holiday → Sun 4 Jan make-up is working"),
    # 劳动节 2025 and 2026
    ("2025-04-25", 1, "workdays", "2025-04-27", "Sun 27 Apr 2025 make-up"),
    ("2025-04-20", 11, "days", "2025-05-06", "1 May in holiday → 6 May"),
    ("2026-04-29", 2, "workdays", "2026-05-06", "1–5 May 2026 holiday"),
    ("2026-04-30", 1, "workdays", "2026-05-06", ""),
    ("2026-05-05", 4, "workdays", "2026-05-09", "Sat 9 May 2026 make-up"),
    # 端午
    ("2025-05-30", 1, "workdays", "2025-06-03", "31 May – 2 Jun 2025"),
    ("2026-06-18", 1, "workdays", "2026-06-22", "19–21 Jun 2026"),
    ("2026-06-18", 1, "days", "2026-06-22", "19 Jun 2026 holiday"),
    # 国庆 2025 long holiday, calendar days
    ("2025-09-16", 15, "days", "2025-10-09", "1 Oct 2025 in the holiday"),
    ("2025-09-26", 15, "days", "2025-10-11", "11 Oct 2025 make-up Saturday"),
    ("2025-09-30", 90, "days", "2025-12-29", "29 Dec Monday"),
    # 90-day case limits
    ("2025-07-03", 90, "days", "2025-10-09", "1 Oct in the holiday → 9 Oct"),
    ("2024-11-03", 90, "days", "2025-02-05", "1 Feb 2025 in the Spring Festival holiday → 5 Feb"),
    # month ends and leap years
    ("2024-01-31", 1, "months", "2024-02-29", "leap year clamps to 29 Feb (Thursday)"),
    ("2025-01-31", 1, "months", "2025-02-28", "clamps to 28 Feb 2025 (Friday)"),
    ("2023-01-31", 1, "months", "2023-02-28", "2023 not a leap year"),
    ("2024-02-29", 12, "months", "2025-02-28", "29 Feb → 28 Feb"),
    ("2025-08-31", 1, "months", "2025-09-30", "30 Sep 2025 Tuesday"),
    ("2025-03-31", 1, "months", "2025-04-30", ""),
    ("2025-08-31", 3, "months", "2025-12-01", "30 Nov 2025 Sunday → Monday"),
    ("2025-09-01", 1, "months", "2025-10-09", "1 Oct 2025 holiday"),
    ("2025-05-15", 6, "months", "2025-11-17", "15 Nov 2025 Saturday"),
    # ordinary weeks
    ("2025-03-07", 5, "workdays", "2025-03-14", "plain weekend"),
    ("2025-03-03", 15, "workdays", "2025-03-24", ""),
    ("2025-03-08", 1, "workdays", "2025-03-10", "start on Saturday"),
    ("2025-03-07", 1, "days", "2025-03-10", "Sat → Mon"),
    ("2025-03-06", 2, "days", "2025-03-10", "Sat → Mon"),
    ("2025-03-05", 2, "days", "2025-03-07", ""),
    # 20 working days across National Day 2026 (make-up Sun 20 Sep and Sat 10 Oct)
    ("2026-09-18", 1, "workdays", "2026-09-20", "Sun 20 Sep 2026 make-up"),
    ("2026-09-21", 10, "workdays", "2026-10-12", ""),
]


@pytest.mark.parametrize("start,count,unit,due,why", TABLE)
def test_official_calendar_table(start, count, unit, due, why):
    result = compute_due(start, count, unit, calendar=CAL)
    assert result.due == D(due), why
    assert result.provisional is False
    assert result.explanation[0].startswith("起算日：" + start)
    assert result.explanation[-1].startswith("到期日：" + due)


def test_explanation_names_holidays_make_up_days_and_roll_over():
    lines = compute_due("2025-09-26", 7, "workdays", calendar=CAL).explanation
    text = "\n".join(lines)
    assert "2025-10-01（周三） 至 2025-10-05（周日）：国庆节假期，不计入" in text
    assert "2025-09-28（周日）：调休上班日" in text and "计为第 1 个工作日" in text
    assert "2025-09-27（周六）：周末，不计入" in text
    month = "\n".join(compute_due("2025-12-31", 1, "months", calendar=CAL).explanation)
    assert "顺延至下一个工作日 2026-02-02（周一）" in month
    makeup = "\n".join(compute_due("2026-02-07", 7, "days", calendar=CAL).explanation)
    assert "调休上班日" in makeup and "不顺延" in makeup


@pytest.mark.parametrize("start,count,unit,due", [
    ("2026-12-20", 10, "workdays", "2027-01-01"),   # weekends only in 2027
    ("2027-01-29", 1, "months", "2027-03-01"),      # 28 Feb 2027 Sunday
    ("2026-12-31", 1, "days", "2027-01-01"),        # would be New Year; unknown → provisional
    ("2027-05-01", 3, "workdays", "2027-05-05"),
])
def test_years_without_official_data_are_provisional_and_say_so(start, count, unit, due):
    result = compute_due(start, count, unit, calendar=CAL)
    assert result.due == D(due)
    assert result.provisional is True
    assert 2027 in result.missing_years
    assert any("2027 年尚无官方节假日安排" in line and "临时" in line for line in result.explanation)


def test_within_official_years_is_never_provisional():
    assert compute_due("2026-12-01", 5, "workdays", calendar=CAL).provisional is False


def test_unofficial_year_data_is_ignored_weekends_only():
    cal = Calendar(days={D("2027-01-04"): ("holiday", "假设")}, official=frozenset())
    assert compute_due("2027-01-01", 1, "workdays", calendar=cal).due == D("2027-01-04")


def test_hours_are_plain_elapsed_hours_without_roll_over():
    result = compute_due("2025-09-30T18:00", 24, "hours", calendar=CAL)
    assert result.due.isoformat() == "2025-10-01T18:00:00+08:00"
    assert result.provisional is False
    assert any("不顺延" in line for line in result.explanation)
    assert compute_due("2025-10-01", 48, "hours", calendar=CAL).due.isoformat() == "2025-10-03T00:00:00+08:00"


@pytest.mark.parametrize("start,count,unit,field", [
    ("2025-02-30", 7, "workdays", "start"),
    ("2025-13-01", 7, "days", "start"),
    ("2025/03/01", 7, "days", "start"),
    ("", 7, "days", "start"),
    ("next monday", 7, "days", "start"),
    ("2025-03-01", 0, "days", "count"),
    ("2025-03-01", -3, "workdays", "count"),
    ("2025-03-01", "7.5", "days", "count"),
    ("2025-03-01", "abc", "days", "count"),
    ("2025-03-01", 3651, "days", "count"),
    ("2025-03-01", 121, "months", "count"),
    ("2025-03-01", 2001, "workdays", "count"),
    ("2025-03-01", 87601, "hours", "count"),
    ("2025-03-01", 7, "weeks", "unit"),
    ("2025-03-01", 7, "", "unit"),
    ("2025-03-01T25:00", 7, "hours", "start"),
])
def test_bad_input_raises_a_chinese_deadline_error(start, count, unit, field):
    with pytest.raises(DeadlineError) as info:
        compute_due(start, count, unit, calendar=CAL)
    assert info.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_pauses_do_not_count():
    # 10 working days from Mon 3 Mar 2025 = Mon 17 Mar; pausing 5–11 Mar (5 working days) → 24 Mar
    plain = compute_due("2025-03-03", 10, "workdays", calendar=CAL)
    paused = compute_due("2025-03-03", 10, "workdays", calendar=CAL,
                         pauses=[(D("2025-03-05"), D("2025-03-12"))])
    assert plain.due == D("2025-03-17")
    assert paused.due == D("2025-03-24")
    assert any("中止" in line for line in paused.explanation)
    # calendar days: 7 paused days move 90 days by 7
    assert compute_due("2025-03-03", 90, "days", calendar=CAL,
                       pauses=[(D("2025-04-01"), D("2025-04-08"))]).due == D("2025-06-09")
    assert compute_due("2025-03-03", 1, "months", calendar=CAL,
                       pauses=[(D("2025-03-10"), D("2025-03-13"))]).due == D("2025-04-07")


# --- properties ------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 6, 30))


@settings(max_examples=300, deadline=None)
@given(start=dates, count=st.integers(1, 200), unit=st.sampled_from(["days", "workdays", "months"]))
def test_due_is_always_a_working_day_after_start(start, count, unit):
    if unit == "months":
        count = min(count, 6)
    result = compute_due(start, count, unit, calendar=CAL)
    assert result.due > start
    assert CAL.is_working(result.due)


@settings(max_examples=200, deadline=None)
@given(start=dates, count=st.integers(1, 300), unit=st.sampled_from(["days", "workdays"]))
def test_monotone_in_count(start, count, unit):
    assert compute_due(start, count, unit, calendar=CAL).due <= \
        compute_due(start, count + 1, unit, calendar=CAL).due


@settings(max_examples=200, deadline=None)
@given(start=dates, count=st.integers(1, 300))
def test_workday_count_equals_working_days_in_interval(start, count):
    due = compute_due(start, count, "workdays", calendar=CAL).due
    assert working_days_between(start, due, CAL) == count


@settings(max_examples=200, deadline=None)
@given(start=dates, count=st.integers(1, 400))
def test_calendar_days_never_end_before_the_plain_sum(start, count):
    due = compute_due(start, count, "days", calendar=CAL).due
    plain = start + dt.timedelta(days=count)
    assert due >= plain
    # every day between the plain end and the due date is a rest day
    d = plain
    while d < due:
        assert not CAL.is_working(d)
        d += dt.timedelta(days=1)


def test_make_up_days_in_calendar_are_weekend_days():
    for day, (kind, _) in CAL.days.items():
        if kind == WORKDAY:
            assert day.weekday() >= 5, day
