"""The demo's licences and labour-inspection cases: made for the agencies whose plans have them, in several
states (an overdue one, one waiting for the head), and their pages render for the agency's people."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.deadlines.models import Obligation

LICENSING = ("urumqi-gxq-amr", "zhuzhou-amr", "quanzhou-licheng-amr", "pingluo-commerce")


@pytest.mark.parametrize("code", LICENSING)
def test_each_licensing_agency_has_licences_in_several_states(demo, code):
    licences = Case.objects.filter(agency__code=code, kind="licence")
    assert Counter(licences.values_list("status", flat=True)) == {"applied": 1, "reviewing": 2, "hearing": 1,
                                                                  "licensed": 1}
    overdue = Obligation.objects.filter(object_type="cases.case", kind="许可决定期限",
                                        object_id__in=[str(pk) for pk in licences.values_list("pk", flat=True)],
                                        due__lt=timezone.localdate(), status__in=("open", "due_soon", "overdue"))
    assert overdue.count() == 1


def test_the_hrss_agency_has_labour_cases_and_the_others_none(demo):
    labour = Case.objects.filter(kind="labour_inspection")
    assert set(labour.values_list("agency__code", flat=True)) == {"urumqi-gxq-hrss"}
    assert Counter(labour.values_list("status", flat=True)) == {"clue": 1, "investigating": 1, "rectifying": 1,
                                                                "closed": 1}
    late = Obligation.objects.get(object_type="cases.case", kind="办案期限",
                                  object_id=str(labour.get(status="investigating").pk))
    assert late.due < timezone.localdate() and late.rule == "cases.labour_inspection_time_limit"
    assert not Case.objects.filter(kind="licence", agency__code="urumqi-gxq-hrss").exists()


def test_the_pages_show_the_kinds_to_their_people(client, demo):
    users = get_user_model().objects
    client.force_login(users.get(username="urumqi-hrss-head"))
    home = client.get("/").content.decode()
    rectifying = Case.objects.get(agency__code="urumqi-gxq-hrss", status="rectifying")
    assert f"/cases/{rectifying.pk}/" in home  # 整改复查 waits for the head
    html = client.get(f"/cases/{rectifying.pk}/").content.decode()
    assert "处理结果" in html and "责令改正" in html and "确认已改正并结案" in html
    client.force_login(users.get(username="pingluo-officer"))
    licensed = Case.objects.get(agency__code="pingluo-commerce", status="licensed")
    html = client.get(f"/cases/{licensed.pk}/").content.decode()
    assert "许可申请与决定" in html and licensed.licence_number in html and "成品油零售经营许可" in html
    assert "申请延续" in html and "处罚内容" not in html
