"""The 行政强制 section of the case page with Django's test client: a measure proposed, listed,
approved, implemented, extended and released through the forms; refusals shown in Chinese on the
form with nothing written; people see names, never keys."""

import datetime as dt

import pytest
from coercion_cast import START, certificates, in_force, investigating
from django.utils import timezone

from sanxiang.cases.kinds import coercion as K
from sanxiang.cases.models import CoerciveMeasure
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def page(client, user, url, status=200, **post):
    client.force_login(user)
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content.decode()[-3000:])
    return response.content.decode()


def test_a_seal_through_the_case_page(client, env):
    day = timezone.localdate() - dt.timedelta(days=5)  # the page asks the guards about today
    d = [str(day + dt.timedelta(days=n)) for n in range(6)]
    case = investigating(env, day)
    url = f"/cases/{case.pk}/"
    html = page(client, env.officer, url)
    assert "行政强制措施" in html and "提请采取行政强制措施" in html
    assert "提请采取行政强制措施" not in page(client, env.head, url)  # the head does not handle it
    page(client, env.officer, f"{url}measures/", 302, kind="seal", reason="涉嫌销售过期食品", on=d[0])
    m = CoerciveMeasure.objects.get(case=case)
    base = f"{url}measures/{m.pk}/"
    page(client, env.officer, f"{base}items/", 302, name="过期牛奶", spec="250ml", quantity="12", unit="箱",
         place="当事人冷库", custody="party", custodian="")
    html = page(client, env.head, url)
    assert "过期牛奶" in html and "批准行政强制措施" in html and "交当事人保管" in html
    page(client, env.head, f"{base}act/approve/", 302, state="proposed", on=d[0])
    # a form without the certificates shown: refused on the form, nothing written
    before = LedgerEntry.objects.count()
    html = page(client, env.officer, f"{base}act/implement/", 400, state="approved", on=d[1],
                place="冷库", record="现场笔录", told_reason_basis_rights="on",
                certificate_numbers=certificates(case)[:1])
    assert "两名以上执法人员出示执法身份证件" in html and LedgerEntry.objects.count() == before
    page(client, env.officer, f"{base}act/implement/", 302, state="approved", on=d[1], place="冷库",
         record="现场笔录", told_reason_basis_rights="on", video_recorded="on",
         certificate_numbers=certificates(case))
    html = page(client, env.head, url)
    due = K._period(m).due  # 30 days from the implementation (rolled past a rest day)
    assert due - day >= dt.timedelta(days=31)
    assert "查封扣押期限" in html and f"{due:%Y-%m-%d}" in html and "延长查封扣押期限" in html
    # beyond the profile's extension: the Chinese reason on the form it came from
    html = page(client, env.head, f"{base}act/extend/", 400, state="in_force", on=d[2], days="40",
                reason="案情复杂", party_told="on")
    assert "延长期限不得超过 30 日" in html and 'value="案情复杂"' in html
    page(client, env.head, f"{base}act/extend/", 302, state="in_force", on=d[2], reason="案情复杂",
         party_told="on")
    # a stale tab (still showing 待批准) is told the state changed
    html = page(client, env.head, f"{base}act/release/", 409, state="proposed", on=d[3],
                release_reason="no_violation")
    assert "请刷新后重试" in html
    page(client, env.head, f"{base}act/release/", 302, state="in_force", on=d[3],
         release_reason="no_violation")
    html = page(client, env.officer, url)
    assert "已解除" in html and "已解除，退还当事人" in html and "当事人没有违法行为" in html
    assert "解除行政强制措施" in html  # on the timeline
    assert "coercivemeasure" not in html and "no_violation" not in html.split('id="case-coercion"')[1].split("</section>")[0]


def test_strangers_cannot_post_and_a_measure_of_another_case_is_not_found(client, env):
    m = in_force(env)
    other = investigating(env, dt.date(2026, 3, 3))
    page(client, env.outsider, f"/cases/{m.case.pk}/measures/{m.pk}/act/release/", 404, state="in_force",
         release_reason="no_violation")
    page(client, env.head, f"/cases/{other.pk}/measures/{m.pk}/act/release/", 404, state="in_force",
         release_reason="no_violation")
    assert CoerciveMeasure.objects.get(pk=m.pk).status == "in_force" and START


def test_the_head_sees_the_measures_waiting_for_approval(client, env):
    m = in_force(env)
    waiting = K.do_propose_measure(m.case, kind="seize", reason="另一批涉案物品", on=START, actor=env.officer)
    html = page(client, env.head, "/")
    assert 'id="case-approvals"' in html and "批准扣押" in html
    K.do_refuse_measure(waiting, reason="理由不充分", on=START, actor=env.head)
    assert "批准扣押" not in page(client, env.head, "/")
    assert "批准扣押" not in page(client, env.outsider, "/")
