"""The demo's licences and labour-inspection cases: made for the agencies whose plans have them, in several
states (an overdue one, one waiting for the head), and their pages render for the agency's people."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.deadlines.models import Obligation

LICENSING = ("urumqi-gxq-amr", "zhuzhou-amr", "quanzhou-licheng-amr", "pingluo-commerce")


@pytest.mark.parametrize("code", LICENSING)
def test_each_licensing_agency_has_licences_in_several_states(demo, code):
    licences = Case.objects.filter(agency__code=code, kind="licence")
    assert Counter(licences.values_list("status", flat=True)) == {"applied": 1, "reviewing": 2, "hearing": 1,
                                                                  "licensed": 2, "withdrawn": 1}
    assert set(licences.values_list("category", flat=True)) == {"行政许可"}  # the handlers' certificates cover it
    assert licences.filter(decidable_on_the_spot=True, status="licensed", accepted_on=F("decided_on")).count() == 1
    overdue = Obligation.objects.filter(object_type="cases.case", kind="许可决定期限",
                                        object_id__in=[str(pk) for pk in licences.values_list("pk", flat=True)],
                                        due__lt=timezone.localdate(), status__in=("open", "due_soon", "overdue"))
    assert overdue.count() == 1


def test_the_hrss_agency_has_labour_cases_and_the_others_none(demo):
    labour = Case.objects.filter(kind="labour_inspection")
    assert set(labour.values_list("agency__code", flat=True)) == {"urumqi-gxq-hrss"}
    assert Counter(labour.values_list("status", flat=True)) == {"clue": 1, "investigating": 1, "rectifying": 1,
                                                                "closed": 1, "transferred": 1}
    assert labour.filter(act_on__isnull=False).count() == 4 and labour.get(status="transferred").transfer_ground == "crime"
    late = Obligation.objects.get(object_type="cases.case", kind="办案期限",
                                  object_id=str(labour.get(status="investigating").pk))
    assert late.due < timezone.localdate() and late.rule == "cases.labour_inspection_time_limit"
    assert not Case.objects.filter(kind="licence", agency__code="urumqi-gxq-hrss").exists()


def test_the_pages_show_the_kinds_to_their_people(client, demo):
    users = get_user_model().objects
    client.force_login(users.get(username="urumqi-hrss-head"))
    home = client.get("/").content.decode()
    rectifying = Case.objects.get(agency__code="urumqi-gxq-hrss", kind="labour_inspection", status="rectifying")
    assert f"/cases/{rectifying.pk}/" in home  # 整改复查 waits for the head
    html = client.get(f"/cases/{rectifying.pk}/").content.decode()
    assert "处理结果" in html and "责令改正" in html and "确认已改正并结案" in html
    client.force_login(users.get(username="pingluo-officer"))
    licensed = Case.objects.get(agency__code="pingluo-commerce", status="licensed", decidable_on_the_spot=False)
    html = client.get(f"/cases/{licensed.pk}/").content.decode()
    assert "许可申请与决定" in html and licensed.licence_number in html and "成品油零售经营许可" in html
    assert "申请延续" in html and "处罚内容" not in html
    withdrawn = Case.objects.get(agency__code="pingluo-commerce", status="withdrawn")
    html = client.get(f"/cases/{withdrawn.pk}/").content.decode()
    assert "已撤回申请（终止办理）" in html and "申请人本人申请撤回：经营场所另行选址" in html
    client.force_login(users.get(username="urumqi-hrss-head"))
    transferred = Case.objects.get(agency__code="urumqi-gxq-hrss", status="transferred")
    html = client.get(f"/cases/{transferred.pk}/").content.decode()
    assert "移送乌鲁木齐市公安局高新区（新市区）分局（涉嫌犯罪，依法移送司法机关）" in html


# Matters of another bureau's competence (食品安全 and 名称登记 are 市场监管's, 占道经营 城管's).
ELSEWHERE = {"urumqi-gxq-hrss": ("食品", "后厨", "占道", "无照", "虚假宣传", "预付卡"),
             "pingluo-commerce": ("食品", "后厨", "占道", "无照", "虚假宣传", "工资"),
             "zhuzhou-amr": ("占道", "工资", "预付卡")}


@pytest.mark.parametrize("code", sorted(ELSEWHERE))
def test_each_agencys_demo_cases_lie_within_its_competence(demo, code):
    from sanxiang.cases.guards import KIND_CATEGORIES
    from sanxiang.cases.models import CaseKind

    cases = list(Case.objects.filter(agency__code=code).values_list("cause", "kind", "category"))
    assert cases
    stray = [cause for cause, _, _ in cases if any(word in cause for word in ELSEWHERE[code])]
    assert stray == []
    assert [(cause, category) for cause, kind, category in cases
            if category in KIND_CATEGORIES and category != CaseKind(kind).label] == []
