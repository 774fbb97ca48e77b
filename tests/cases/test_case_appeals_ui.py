"""The case page's 复议/诉讼 and pause forms: the badge supervisors and staff see, refusals in Chinese."""

import pytest
from cases_cast import make_env, reach
from django.db import transaction

from sanxiang.cases.models import CaseAppeal
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

GENERAL = get_table("penalty_general")


@pytest.fixture(scope="module")
def appeals_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)


@pytest.fixture
def env(appeals_world, db):
    return appeals_world


def page(client, user, url, status=200, **post):
    client.force_login(user)
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content.decode()[:2000])
    return response.content.decode()


def test_an_appeal_from_the_case_page(client, env):
    case, day = reach(env, GENERAL, "served")
    url = f"/cases/{case.pk}/"
    html = page(client, env.officer, url)
    assert "登记行政复议或行政诉讼" in html and "复议/诉讼中" not in html
    size = LedgerEntry.objects.count()
    html = page(client, env.officer, f"{url}appeals/", status=400, kind="reconsideration", body="某市人民政府",
                applied_on="2026-09-01")
    assert "早于处罚决定日期" in html and LedgerEntry.objects.count() == size
    page(client, env.officer, f"{url}appeals/", status=302, kind="reconsideration", body="某市人民政府",
         applied_on="2026-09-15")
    html = page(client, env.leader, url)
    assert "复议/诉讼中" in html and "行政复议：某市人民政府" in html and "尚未终结" in html
    html = page(client, env.officer, url)
    assert "登记复议决定或裁判结果" in html
    page(client, env.officer, f"{url}appeals/outcome/", status=302, outcome="varied", decided_on="2026-11-02")
    html = page(client, env.officer, url)
    assert "复议/诉讼中" not in html and "变更" in html and "撤下已公开决定" in html
    assert CaseAppeal.objects.get(case=case).outcome == "varied"


def test_a_testing_pause_from_the_case_page(client, env):
    case, day = reach(env, GENERAL, "investigating")
    url = f"/cases/{case.pk}/"
    assert "期限中止计算" in page(client, env.officer, url)
    page(client, env.officer, f"{url}pauses/", status=302, reason="检测检验检疫鉴定", note="样品送检",
         on="2026-09-10")
    html = page(client, env.officer, url)
    assert "（暂停计时）" in html and "期限恢复计算" in html
    html = page(client, env.officer, f"{url}pauses/end/", status=400, on="2026-09-09")
    assert "恢复日期不能早于中止日期" in html
    page(client, env.officer, f"{url}pauses/end/", status=302, on="2026-09-17")
    html = page(client, env.officer, url)
    assert 'id="act-resume"' not in html and 'id="act-pause"' in html  # counting again; a new pause may start
