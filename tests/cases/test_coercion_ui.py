"""The 行政强制 section of the case page with Django's test client: a measure proposed, listed,
approved, implemented, extended and released through the forms; refusals shown in Chinese on the
form with nothing written; people see names, never keys."""

import datetime as dt

import pytest
from coercion_cast import START, certificates, in_force, investigating, on_site, proposed
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


def test_goods_item_by_item_a_sale_and_the_measure_concluded_on_the_page(client, env):
    day = timezone.localdate() - dt.timedelta(days=3)
    m = proposed(env, investigating(env, day), kind="seize", day=day, items=2)
    K.do_approve_measure(m, actor=env.head, on=day)
    K.do_implement_measure(m, actor=env.officer, on=day, **on_site(m.case))
    fish, milk = m.items.all()
    url, base = f"/cases/{m.case.pk}/", f"/cases/{m.case.pk}/measures/{m.pk}/act/"
    html = page(client, env.head, url)
    for text in ("对一项财物作出处理", "批准拍卖、变卖不易保管的财物", "过期牛奶1 10箱", "退还当事人（解除）", "变卖", "尚未处理"):
        assert text in html, text
    assert "对一项财物作出处理" not in page(client, env.officer, url)  # the head's, not the handlers'
    # bad input: refused in Chinese on its form, nothing written
    before = LedgerEntry.objects.count()
    html = page(client, env.head, f"{base}sell_item/", 400, state="in_force", item=fish.pk, method="sale",
                proceeds="300", ground="活鱼不易保管")
    assert "须经权利人同意或者申请" in html and 'value="活鱼不易保管"' in html and LedgerEntry.objects.count() == before
    page(client, env.head, f"{base}sell_item/", 302, state="in_force", item=fish.pk, method="sale", proceeds="300",
         ground="活鱼不易保管", party_consent="on")
    html = page(client, env.head, url)
    assert "已变卖" in html and "所得款项 300.00 元代为保管" in html
    html = page(client, env.head, f"{base}decide_item/", 400, state="in_force", item=milk.pk, outcome="confiscate")
    assert "没收须由行政处罚决定作出" in html and LedgerEntry.objects.count() == before + 2
    page(client, env.head, f"{base}decide_item/", 302, state="in_force", item=fish.pk, outcome="returned")
    response = client.post(f"{base}decide_item/", {"state": "in_force", "item": milk.pk, "outcome": "destroy",
                                                   "basis": "已变质，依法销毁"}, follow=True)
    assert "请“财物已逐项处理，终结措施”" in response.content.decode()
    html = page(client, env.head, url)  # nothing left to decide: no item form, the end is offered
    assert f'id="measure-{m.pk}-decide_item"' not in html and f'id="measure-{m.pk}-end_by_items"' in html
    page(client, env.head, f"{base}end_by_items/", 302, state="in_force")
    html = page(client, env.officer, url).split('id="case-coercion"')[1].split("</section>")[0]
    for text in ("已作出处理决定", "逐项处理（见清单）", "已解除，退还变卖所得款项", "依法销毁", "已变质，依法销毁"):
        assert text in html, text
    assert "returned" not in html and "destroy" not in html


def test_preserved_goods_turned_into_a_seizure_on_the_page(client, env):
    day = timezone.localdate() - dt.timedelta(days=1)
    m = proposed(env, investigating(env, day), kind="preservation", day=day)
    K.do_approve_measure(m, actor=env.head, on=day)
    K.do_implement_measure(m, actor=env.officer, on=day, **on_site(m.case))
    url = f"/cases/{m.case.pk}/"
    assert "决定查封、扣押先行登记保存的财物" in page(client, env.head, url)
    response = client.post(f"{url}measures/{m.pk}/act/seal_or_seize/", {"state": "in_force", "measure_kind": "seize",
                                                                      "reason": "经检验不合格，依法扣押"}, follow=True)
    html = response.content.decode()
    new = CoerciveMeasure.objects.get(preserved_from=m)
    assert "扣押措施已批准，请实施并送达决定书" in html
    assert f'href="#measure-{new.pk}"' in html and f'href="#measure-{m.pk}"' in html and "依法转为扣押" in html
    assert "实施行政强制措施" in page(client, env.officer, url)  # the seizure's own implementation


def test_an_overdue_measure_deadline_is_on_the_leaders_escalations(client, env):
    m = in_force(env)  # 查封扣押期限 of 2026-03-02 long past
    html = page(client, env.leader, "/").split('id="case-escalations"')[1].split("</div>\n")[0]
    assert "查封措施：查封扣押期限" in html and f'href="/cases/{m.case.pk}/"' in html
