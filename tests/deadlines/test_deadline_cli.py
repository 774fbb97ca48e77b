"""The `sanxiang deadline` contract, the JSON API and the two pages."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import seed_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar():
    seed_calendar(actor=OPERATOR, years=[2025, 2026])


def run_json(capsys, *args):
    call_command("deadline", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_cli_json_contract(capsys):
    data = run_json(capsys, "--start", "2025-09-26", "--count", "7", "--unit", "workdays")
    assert data["due"] == "2025-10-13"
    assert data["provisional"] is False
    assert isinstance(data["explanation"], list) and all(isinstance(x, str) for x in data["explanation"])
    assert any("国庆节假期" in line for line in data["explanation"])


def test_cli_hours_give_an_iso_datetime(capsys):
    data = run_json(capsys, "--start", "2025-10-01T08:00", "--count", "24", "--unit", "hours")
    assert data["due"] == "2025-10-02T08:00:00+08:00"


def test_cli_provisional_in_2027(capsys):
    data = run_json(capsys, "--start", "2026-12-25", "--count", "10", "--unit", "workdays")
    assert data["provisional"] is True and data["missing_years"] == [2027]


def test_cli_readable_output(capsys):
    call_command("deadline", "--start", "2025-12-31", "--count", "1", "--unit", "months")
    out = capsys.readouterr().out
    assert out.startswith("到期：2026-02-02")
    assert "顺延至下一个工作日 2026-02-02" in out


def test_cli_profile_rule(capsys):
    data = run_json(capsys, "--start", "2025-04-30", "--profile", "zhuzhou-amr",
                    "--rule", "publicity.decision_deadline_short")
    assert data["due"] == "2025-05-14" and data["unit"] == "workdays" and data["count"] == 7


@pytest.mark.parametrize("args,message", [
    (["--start", "2025-02-30", "--count", "7", "--unit", "workdays"], "日期格式错误或日期不存在"),
    (["--start", "2025-03-01", "--count", "-1", "--unit", "days"], "期限数必须大于零"),
    (["--start", "2025-03-01", "--count", "99999", "--unit", "days"], "期限数过大"),
    (["--start", "2025-03-01", "--count", "3", "--unit", "weeks"], "未知的期限单位"),
    (["--start", "2025-03-01", "--count", "3"], "必须给出 --count 和 --unit"),
    (["--start", "2025-03-01", "--profile", "nowhere", "--rule", "x"], "未知的规则配置"),
    (["--start", "2025-03-01", "--profile", "zhuzhou-amr", "--rule", "no.such"], "没有"),
])
def test_cli_bad_input_exit_2_chinese_error(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        call_command("deadline", *args, "--json")
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert message in json.loads(captured.out)["message"]


# --- API -------------------------------------------------------------------------------------

def test_api_compute_matches_cli(client, capsys):
    response = client.get("/api/v1/deadlines/compute",
                          {"start": "2025-09-26", "count": "7", "unit": "workdays"})
    assert response.status_code == 200
    assert response.json() == run_json(capsys, "--start", "2025-09-26", "--count", "7", "--unit", "workdays")


@pytest.mark.parametrize("params,field", [
    ({"start": "2025-02-30", "count": "7", "unit": "workdays"}, "start"),
    ({"start": "2025-03-01", "count": "0", "unit": "workdays"}, "count"),
    ({"start": "2025-03-01", "count": "x", "unit": "workdays"}, "count"),
    ({"start": "2025-03-01", "count": "5000", "unit": "workdays"}, "count"),
    ({"start": "2025-03-01", "count": "3", "unit": "fortnights"}, "unit"),
])
def test_api_errors_are_400_with_field(client, params, field):
    response = client.get("/api/v1/deadlines/compute", params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and body["message"] and body["code"] == "invalid_deadline"


def test_api_missing_parameters_are_422_naming_the_first(client):
    response = client.get("/api/v1/deadlines/compute", {"count": "3", "unit": "days"})
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_request", "start")
    assert "缺少参数 start" in body["message"]


def test_api_is_in_openapi(client):
    assert "/api/v1/deadlines/compute" in client.get("/api/v1/openapi.json").json()["paths"]


# --- pages -----------------------------------------------------------------------------------

def test_calculator_is_public_and_works_without_js(client):
    page = client.get("/deadlines/calculator/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "法定期限计算" in html and 'name="start"' in html and 'name="viewport"' in html
    result = client.get("/deadlines/calculator/", {"start": "2026-02-07", "count": "7", "unit": "days"})
    html = result.content.decode()
    assert "2026-02-14" in html and "调休上班日" in html and "临时（缺少官方日历）" not in html
    assert "<html" in html  # full page without htmx


def test_calculator_shows_the_provisional_flag_and_htmx_partial(client):
    response = client.get("/deadlines/calculator/", {"start": "2026-12-28", "count": "5", "unit": "workdays"},
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "临时（缺少官方日历）" in html and "<html" not in html


def test_calculator_bad_input_is_a_clear_error(client):
    response = client.get("/deadlines/calculator/", {"start": "2025-02-30", "count": "7", "unit": "workdays"})
    assert response.status_code == 400
    assert "日期格式错误或日期不存在" in response.content.decode()
    response = client.get("/deadlines/calculator/", {"start": "2025-02-03", "count": "7", "unit": "weeks"})
    assert response.status_code == 400 and "单位" in response.content.decode()


def test_calendar_page_needs_login_and_shows_the_year(client):
    assert client.get("/deadlines/calendar/?year=2026").status_code == 302
    user = get_user_model().objects.create_user("viewer", password="y" * 12)
    client.force_login(user)
    html = client.get("/deadlines/calendar/?year=2026").content.decode()
    assert "官方数据" in html and "春节" in html and "调休上班" in html and "2026-02-14" in html
    html = client.get("/deadlines/calendar/?year=2027").content.decode()
    assert "临时（缺少官方日历）" in html
    assert client.get("/deadlines/calendar/?year=abc").status_code == 200


@pytest.mark.django_db
def test_api_errors_are_readable_chinese_json(client):
    response = client.get("/api/v1/deadlines/compute", {"start": "2025-02-30", "count": 7, "unit": "workdays"})
    assert response.status_code == 400
    body = response.content.decode("utf-8")
    assert "\\u" not in body and response.json()["field"] == "start"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
