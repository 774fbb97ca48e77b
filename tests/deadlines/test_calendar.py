"""The holiday calendar owned by the application: seed, import, refusal, ledger, warnings."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import CalendarError, do_import_calendar, do_open_obligation, seed_calendar
from sanxiang.deadlines.engine import compute_due
from sanxiang.deadlines.models import CalendarDay, CalendarYear
from sanxiang.deadlines.queries import calendar_warnings, get_calendar
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as build

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat

# A plausible 2027 notice (the real one is not published yet): the shape of 国办发明电.
NOTICE_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕99号（测试用）",
    "holidays": [
        {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-13"},
        {"name": "劳动节", "dates": ["2027-05-01", "2027-05-02", "2027-05-03", "2027-05-04", "2027-05-05"]},
    ],
    "workdays": [{"date": "2027-02-14", "name": "春节调休上班"},
                 {"date": "2027-04-25", "name": "劳动节调休上班"}],
}


def write(tmp_path, data, name="notice.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data,
                    encoding="utf-8")
    return str(path)


def test_seed_is_idempotent_and_ledgered_once_per_year():
    done = seed_calendar(actor=OPERATOR, years=range(2024, 2027))
    assert done == [(2024, True), (2025, True), (2026, True)]
    assert LedgerEntry.objects.filter(action="set_calendar_year").count() == 3
    again = seed_calendar(actor=OPERATOR, years=range(2024, 2027))
    assert again == [(2024, False), (2025, False), (2026, False)]
    assert LedgerEntry.objects.filter(action="set_calendar_year").count() == 3
    year = CalendarYear.objects.get(year=2025)
    assert year.official and year.source.startswith("chinesecalendar")
    spring = CalendarDay.objects.get(date=D("2025-01-28"))
    assert spring.kind == "holiday" and spring.name == "春节"
    assert CalendarDay.objects.get(date=D("2025-01-26")).kind == "workday"
    assert CalendarDay.objects.get(date=D("2026-09-25")).name == "中秋节"


def test_seed_command_covers_2004_to_2026():
    call_command("calendar", "seed")
    years = list(CalendarYear.objects.values_list("year", flat=True))
    assert years == list(range(2004, 2027))


def test_engine_reads_the_database_calendar():
    seed_calendar(actor=OPERATOR, years=[2025])
    assert compute_due("2025-04-30", 7, "workdays").due == D("2025-05-14")
    assert compute_due("2025-04-30", 7, "workdays").provisional is False
    assert compute_due("2026-04-30", 7, "workdays").provisional is True


def test_import_enters_a_year_and_makes_it_official(tmp_path):
    assert compute_due("2027-02-04", 1, "workdays").provisional is True
    call_command("calendar", "import", write(tmp_path, NOTICE_2027))
    year = CalendarYear.objects.get(year=2027)
    assert year.official and year.source.startswith("国办发明电")
    assert year.days.filter(kind="holiday").count() == 3 + 9 + 5
    result = compute_due("2027-02-04", 1, "workdays")
    assert result.provisional is False
    assert result.due == D("2027-02-14")  # Sunday make-up day after the holiday
    entry = LedgerEntry.objects.get(action="set_calendar_year")
    assert json.loads(entry.entry)["payload"]["mode"] == "import"
    assert entry.state_digest == year.ledger_digest()


def test_import_replaces_the_year_atomically(tmp_path):
    call_command("calendar", "import", write(tmp_path, NOTICE_2027))
    changed = dict(NOTICE_2027, holidays=[{"name": "元旦", "dates": ["2027-01-01"]}], workdays=[])
    do_import_calendar(changed, actor=OPERATOR)
    assert list(CalendarDay.objects.filter(year__year=2027).values_list("date", flat=True)) == [D("2027-01-01")]
    assert LedgerEntry.objects.filter(action="set_calendar_year").count() == 2
    # importing the same content again changes nothing
    do_import_calendar(changed, actor=OPERATOR)
    assert LedgerEntry.objects.filter(action="set_calendar_year").count() == 2


BAD = [
    ({**NOTICE_2027, "workdays": [{"date": "2027-01-02", "name": "冲突"}]}, "同时被列为节假日和调休上班日"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": ["2028-01-01"]}]}, "不在 2027 年内"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": ["2027-02-30"]}]}, "日期格式错误或日期不存在"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": ["2027/01/01"]}]}, "日期格式错误"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": ["2027-01-01", "2027-01-01"]}]}, "重复出现"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": ["2027-01-01"]},
                                  {"name": "又一个", "dates": ["2027-01-01"]}]}, "重复出现"),
    ({**NOTICE_2027, "workdays": [{"date": "2027-03-03", "name": "周三"}]}, "本来就是工作日"),
    ({**NOTICE_2027, "holidays": [{"name": "", "dates": ["2027-01-01"]}]}, "缺少名称"),
    ({**NOTICE_2027, "holidays": [{"name": "春节", "from": "2027-02-13", "to": "2027-02-05"}]}, "起止日期无效"),
    ({**NOTICE_2027, "year": "2027"}, "年份无效"),
    ({**NOTICE_2027, "source": ""}, "缺少来源"),
    ({**NOTICE_2027, "holidays": []}, "缺少节假日列表"),
    ({**NOTICE_2027, "extra": 1}, "日历文件含有未知字段：extra"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": ["2027-01-01"], "note": "x"}]},
     "第 1 个节假日含有未知字段：note"),
    ({**NOTICE_2027, "holidays": ["元旦"]}, "第 1 个节假日应为对象"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦"}]}, "第 1 个节假日应给出 dates 列表或 from/to 起止日期"),
    ({**NOTICE_2027, "holidays": [{"name": "元旦", "dates": []}]}, "第 1 个节假日的 dates 应为非空列表"),
    ({**NOTICE_2027, "workdays": [{"name": "补班"}]}, "第 1 个调休上班日应为含 date 和 name 的对象"),
    ({**NOTICE_2027, "workdays": {"date": "2027-02-06"}}, "调休上班日（workdays）应为列表"),
    ({**NOTICE_2027, "official": "yes"}, "official 应为 true 或 false"),
    ({**NOTICE_2027, "year": True}, "年份无效"),
    ({**NOTICE_2027, "year": 1900}, "年份无效：「1900」"),
    ("{not json", "不是有效的 UTF-8 JSON"),
    ([1, 2], "应为一个 JSON 对象"),
]


@pytest.mark.parametrize("data,message", BAD)
def test_bad_calendar_files_are_refused_and_write_nothing(tmp_path, data, message):
    seed_calendar(actor=OPERATOR, years=[2026])
    call_command("calendar", "import", write(tmp_path, NOTICE_2027))
    before = (list(CalendarDay.objects.values_list("date", "kind", "name")),
              LedgerEntry.objects.count())
    with pytest.raises(CalendarError) as info:
        do_import_calendar(write(tmp_path, data, "bad.json"), actor=OPERATOR)
    assert message in info.value.message
    after = (list(CalendarDay.objects.values_list("date", "kind", "name")), LedgerEntry.objects.count())
    assert after == before


def test_import_command_refuses_with_exit_code_2_and_chinese_message(tmp_path, capsys):
    bad = {**NOTICE_2027, "workdays": [{"date": "2027-01-02", "name": "冲突"}]}
    with pytest.raises(SystemExit) as info:
        call_command("calendar", "import", write(tmp_path, bad))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "未写入任何数据" in err and "2027-01-02 同时被列为节假日和调休上班日" in err
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_show_and_status_commands(capsys):
    seed_calendar(actor=OPERATOR, years=[2025, 2026])
    call_command("calendar", "show", "2026")
    out = capsys.readouterr().out
    assert "2026-02-14 周六  调休上班" in out and "春节" in out
    call_command("calendar", "status")
    out = capsys.readouterr().out
    assert "2025  官方" in out and "2026  官方" in out


@pytest.mark.parametrize("today,expected", [
    ("2026-10-31", []),
    ("2026-11-01", ["2027 年的官方节假日安排尚未录入"]),
    ("2026-12-31", ["2027 年的官方节假日安排尚未录入"]),
])
def test_calendar_warnings_from_first_november(today, expected):
    seed_calendar(actor=OPERATOR, years=[2026])
    warnings = calendar_warnings(D(today))
    assert len(warnings) == len(expected)
    for w, e in zip(warnings, expected):
        assert w.startswith(e)


def test_calendar_warning_disappears_after_import(tmp_path):
    seed_calendar(actor=OPERATOR, years=[2026])
    do_import_calendar(NOTICE_2027, actor=OPERATOR)
    assert calendar_warnings(D("2026-11-15")) == []
    assert calendar_warnings(D("2027-11-15"))  # 2028 missing


def test_a_day_edited_behind_the_actions_back_changes_the_year_digest():
    seed_calendar(actor=OPERATOR, years=[2025])
    year = CalendarYear.objects.get(year=2025)
    last = LedgerEntry.objects.filter(object_type=year.ledger_type(), object_id=str(year.pk)).last()
    assert last.state_digest == year.ledger_digest()
    CalendarDay.objects.filter(date=D("2025-10-08")).update(kind="workday")
    assert year.ledger_digest() != last.state_digest
    from sanxiang.ledger import verify
    report = verify.run()
    assert "object_modified" in report.codes()


def test_cache_reloads_after_a_change():
    seed_calendar(actor=OPERATOR, years=[2027 - 1])
    first = get_calendar()
    assert get_calendar() is first
    do_import_calendar(NOTICE_2027, actor=OPERATOR)
    assert 2027 in get_calendar().official


def test_open_obligations_are_recomputed_after_a_calendar_change(tmp_path):
    seed_calendar(actor=OPERATOR, years=[2026])
    ob = do_open_obligation(object_type="case", object_id="1", agency=build.agency(), kind="公示",
                            start="2027-01-28", count=7, unit="workdays", actor=OPERATOR)
    assert ob.provisional and ob.due == D("2027-02-08")  # weekends only
    do_import_calendar(NOTICE_2027, actor=OPERATOR)
    ob.refresh_from_db()
    # 29 Jan (1), 1–4 Feb (2–5), 5–13 Feb holiday, Sun 14 Feb make-up (6), 15 Feb (7)
    assert ob.due == D("2027-02-15") and not ob.provisional
    entry = LedgerEntry.objects.filter(action="recompute_obligation").get()
    assert entry.state_digest == ob.ledger_digest()
