"""事前公开 as versioned data: every change a new version with its reason and one ledger entry; refusals
write nothing; only the legal office, the 公示编辑 and the leaders of the agency publish."""

import re

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import NotFound, NotPermitted, RuleViolation
from sanxiang.disclosure import queries as Q
from sanxiang.disclosure.actions import do_publish_disclosure, do_remove_disclosure_item, do_save_disclosure_item
from sanxiang.disclosure.models import ChangeCause, DisclosureVersion, Section
from sanxiang.disclosure.testing import CONTENT, GUIDE, MATTER, publish_all
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def counts():
    return DisclosureVersion.objects.count(), LedgerEntry.objects.count()


def test_each_change_is_a_new_version_with_its_reason_and_the_old_ones_stay(cast):
    v1 = do_publish_disclosure(cast.a, Section.MATTERS, CONTENT[Section.MATTERS], reason="首次发布",
                               actor=cast.reviewer)
    before = LedgerEntry.objects.count()
    v2 = do_save_disclosure_item(cast.a, Section.MATTERS, {**MATTER, "code": "CF-001", "name": "某处罚事项",
                                                          "category": "行政处罚"},
                                 reason="新法施行，增加处罚事项", cause=ChangeCause.LAW, actor=cast.editor)
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("-index").first()
    assert entry.action == "publish_disclosure"
    assert (v1.version, v2.version) == (1, 2) and v2.cause == "law" and v2.reason == "新法施行，增加处罚事项"
    assert [i["code"] for i in v2.content["items"]] == ["JC-001", "CF-001"]
    v3 = do_remove_disclosure_item(cast.a, Section.MATTERS, "JC-001", reason="职能划出", cause=ChangeCause.FUNCTIONS,
                                   actor=cast.leader)
    assert [i["code"] for i in v3.content["items"]] == ["CF-001"]
    history = Q.public_history(cast.a, Section.MATTERS)
    assert [(v.version, v.reason) for v in history] == [(3, "职能划出"), (2, "新法施行，增加处罚事项"), (1, "首次发布")]
    assert Q.public_version(cast.a, Section.MATTERS, 1).content == {"items": [MATTER]}  # never changed in place
    assert Q.public_current(cast.a, Section.MATTERS).version == 3
    assert Q.public_current(cast.b, Section.MATTERS) is None


@pytest.mark.parametrize("kwargs, message", [
    ({"reason": " "}, "原因"),
    ({"content": {"items": [{**MATTER, "basis": ""}]}}, "执法依据"),
    ({"content": {"items": [MATTER, MATTER]}}, "重复"),
    ({"content": {"items": [{**MATTER, "code": "编码 1"}]}}, "编码"),
    ({"content": {"items": [{**MATTER, "secret": "x"}]}}, "未知"),
    ({"content": [MATTER]}, "items"),
    ({"section": "decisions"}, "栏目"),
    ({"cause": "whim"}, "原因类别"),
], ids=["no-reason", "no-basis", "duplicate-code", "bad-code", "unknown-field", "not-a-dict", "section", "cause"])
def test_bad_input_is_refused_and_nothing_is_written(cast, kwargs, message):
    args = {"section": Section.MATTERS, "content": {"items": [MATTER]}, "reason": "发布", **kwargs}
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        do_publish_disclosure(cast.a, args.pop("section"), args.pop("content"), actor=cast.reviewer, **args)
    assert message in exc.value.message
    assert counts() == before


def test_a_service_guide_keeps_the_union_of_the_seeds_fields(cast):
    row = do_publish_disclosure(cast.a, Section.GUIDES, {"items": [{**GUIDE, "materials": "申请书｜示范文本｜未签字\n营业执照｜复印件｜"}]},
                                reason="发布", actor=cast.reviewer)
    guide = row.content["items"][0]
    assert set(guide) == {"code", "name", "basis", "accepting_body", "approving_body", "conditions", "materials",
                          "process", "time_limit", "remedies", "supervision", "accountability", "office_hours",
                          "address", "phone"}
    assert guide["materials"][0] == {"name": "申请书", "sample": "示范文本", "common_errors": "未签字"}
    with pytest.raises(RuleViolation, match="申请材料"):
        do_publish_disclosure(cast.a, Section.GUIDES, {"items": [{**GUIDE, "materials": []}]}, reason="x",
                              actor=cast.reviewer)


def test_an_unchanged_section_is_not_published_again(cast):
    do_publish_disclosure(cast.a, Section.AGENCY, CONTENT[Section.AGENCY], reason="发布", actor=cast.reviewer)
    before = counts()
    with pytest.raises(RuleViolation, match="相同"):
        do_publish_disclosure(cast.a, Section.AGENCY, CONTENT[Section.AGENCY], reason="再发布", actor=cast.reviewer)
    assert counts() == before


def test_items_are_changed_by_their_code(cast):
    publish_all(cast.a, actor=OPERATOR)
    with pytest.raises(NotFound):
        do_save_disclosure_item(cast.a, Section.MATTERS, MATTER, code="XX-999", reason="改", actor=cast.reviewer)
    with pytest.raises(RuleViolation, match="已被使用"):
        do_save_disclosure_item(cast.a, Section.MATTERS, MATTER, reason="加", actor=cast.reviewer)
    row = do_save_disclosure_item(cast.a, Section.WINDOWS, {**CONTENT[Section.WINDOWS]["items"][0], "on_duty": "off"},
                                  code="CK-01", reason="离岗", actor=cast.reviewer)
    assert row.content["items"][0]["on_duty"] == "off"
    with pytest.raises(RuleViolation, match="在岗"):
        do_save_disclosure_item(cast.a, Section.WINDOWS, {**CONTENT[Section.WINDOWS]["items"][0], "on_duty": "maybe"},
                                code="CK-01", reason="x", actor=cast.reviewer)


@pytest.mark.parametrize("who", ["officer", "admin", "other"])
def test_only_the_legal_office_editors_and_leaders_of_the_agency_publish(cast, who):
    before = counts()
    with pytest.raises(NotPermitted):
        do_publish_disclosure(cast.a, Section.MATTERS, {"items": [MATTER]}, reason="发布", actor=getattr(cast, who))
    with pytest.raises(NotPermitted):
        do_remove_disclosure_item(cast.a, Section.MATTERS, "JC-001", reason="删", actor=getattr(cast, who))
    assert counts() == before


def test_the_internal_history_is_read_by_the_agency_and_not_by_another(cast):
    publish_all(cast.a, actor=OPERATOR)
    assert Q.versions(cast.officer, cast.a).count() == len(Section)
    assert Q.versions(cast.other, cast.a).count() == 0


def test_a_law_change_opens_the_update_deadline_where_the_profile_sets_one_and_the_answer_meets_it(cast):
    import datetime as dt

    from sanxiang.deadlines.models import Obligation
    from sanxiang.disclosure.actions import UPDATE_DUTY, do_record_disclosure_trigger
    from sanxiang.orgs import testing as T

    a = T.agency(profile_key="urumqi-gxq-amr")  # 60 个工作日 (seed 000)
    reviewer = T.member(a, "reviewer")
    publish_all(a, actor=OPERATOR)
    trigger = do_record_disclosure_trigger(a, cause=ChangeCause.LAW, description="某法修订施行",
                                           occurred_on=dt.date(2026, 3, 2), actor=reviewer)
    ob = Obligation.objects.get(object_type="disclosure.disclosuretrigger", object_id=str(trigger.pk), kind=UPDATE_DUTY)
    assert ob.status == "open" and ob.due == dt.date(2026, 5, 28)  # 60 working days without 清明, 劳动节
    row = do_save_disclosure_item(a, Section.MATTERS, {**MATTER, "basis": "某法（修订）第十条"}, code="JC-001",
                                  reason="按修订后的某法调整依据", trigger=trigger, actor=reviewer)
    trigger.refresh_from_db()
    ob.refresh_from_db()
    assert row.cause == "law" and trigger.answered_by == row and ob.status == "met"
    with pytest.raises(RuleViolation, match="调整完毕"):
        do_save_disclosure_item(a, Section.MATTERS, {**MATTER, "basis": "再改"}, code="JC-001", reason="再改",
                                trigger=trigger, actor=reviewer)
    with pytest.raises(NotFound):  # another agency's 调整事由
        do_save_disclosure_item(cast.a, Section.MATTERS, MATTER, reason="x", trigger=trigger, actor=cast.reviewer)


def test_without_a_period_in_the_profile_the_change_is_recorded_without_a_deadline(cast):
    import datetime as dt

    from sanxiang.deadlines.models import Obligation
    from sanxiang.disclosure.actions import do_record_disclosure_trigger

    before = Obligation.objects.count()
    trigger = do_record_disclosure_trigger(cast.a, cause=ChangeCause.FUNCTIONS, description="职能划入",
                                           occurred_on=dt.date(2026, 3, 2), actor=cast.leader)
    assert trigger.pk and Obligation.objects.count() == before  # national profile: "及时", no period
    for bad, message in (({"cause": "routine"}, "调整事由"), ({"description": " "}, "变化的内容"),
                         ({"occurred_on": "2026-13-01"}, "日期")):
        args = {"cause": "law", "description": "x", "occurred_on": "2026-03-02", **bad}
        with pytest.raises(RuleViolation, match=message):
            do_record_disclosure_trigger(cast.a, actor=cast.reviewer, **args)
    with pytest.raises(NotPermitted):
        do_record_disclosure_trigger(cast.a, cause="law", description="x", occurred_on="2026-03-02", actor=cast.officer)


def test_the_update_deadline_is_routed_to_the_profiles_units_and_leader(cast):
    """tester10b #5: 事前公开动态调整期限 reaches the queue of the units `duties.update_lists` names (乌鲁木齐:
    政策法规科、注册登记备案科) and, overdue, the 分管领导's 督办 — with the change it answers in view."""
    import datetime as dt

    from django.test import Client

    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.queries import escalated_obligations, workbench_obligations
    from sanxiang.disclosure.actions import UPDATE_DUTY, do_record_disclosure_trigger
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T

    a = T.agency(profile_key="urumqi-gxq-amr")
    legal = A.do_create_unit(a, "政策法规科", actor=OPERATOR)
    A.do_create_unit(a, "注册登记备案科", actor=OPERATOR)
    other_unit = A.do_create_unit(a, "机关执法科", actor=OPERATOR)
    reviewer = T.member(a, "reviewer", unit=legal)
    officer = T.member(a, "officer", unit=other_unit)
    publish_all(a, actor=OPERATOR)
    trigger = do_record_disclosure_trigger(a, cause=ChangeCause.FUNCTIONS, description="区编办通知：划入小作坊登记职责",
                                           occurred_on=dt.date(2026, 3, 2), actor=reviewer)
    ob = Obligation.objects.get(object_type="disclosure.disclosuretrigger", object_id=str(trigger.pk), kind=UPDATE_DUTY)
    assert ob.unit_name == "政策法规科、注册登记备案科" and ob.leader == "分管领导"
    assert sorted(u.name for u in ob.responsible_units.all()) == ["政策法规科", "注册登记备案科"]
    assert ob.note == "调整事由：区编办通知：划入小作坊登记职责"
    after = dt.date(2026, 6, 1)  # past the due date 2026-05-28
    assert [r["ob"].pk for r in workbench_obligations(reviewer, after)["queue"]] == [ob.pk]
    assert not workbench_obligations(officer, after)["queue"]
    assert ob in escalated_obligations(a, "分管领导", today=after)
    c = Client()
    c.force_login(reviewer)
    html = c.get("/").content.decode()
    assert "事前公开动态调整期限" in html and "调整事由：区编办通知：划入小作坊登记职责" in html


def test_a_past_due_or_late_update_shows_as_such(cast):
    """tester10b #6: past its due date an update reads 已超期 at once (not 进行中 until the job runs); met late it
    reads 逾期履行（date）, never a plain 已履行; met in time 已履行（date）."""
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from sanxiang.disclosure.actions import do_record_disclosure_trigger
    from sanxiang.orgs import testing as T

    a = T.agency(profile_key="urumqi-gxq-amr")  # 60 个工作日
    reviewer = T.member(a, "reviewer")
    publish_all(a, actor=OPERATOR)
    today = timezone.localdate()
    late = do_record_disclosure_trigger(a, cause=ChangeCause.LAW, description="某法修订施行",
                                        occurred_on=dt.date(2026, 3, 2), actor=reviewer)  # due 2026-05-28
    fresh = do_record_disclosure_trigger(a, cause=ChangeCause.FUNCTIONS, description="职能划入",
                                         occurred_on=today, actor=reviewer)
    c = Client()
    c.force_login(reviewer)
    page = f"/disclosure/{a.code}/"

    def row(trigger):
        html = c.get(page).content.decode()
        return re.search(rf"：{trigger.description}</td>.*?</tr>", html, re.S).group(0)

    assert "2026-05-28 前（<span class=\"status-bad\">已超期</span>）" in row(late)
    assert "（进行中）" in row(fresh)
    do_save_disclosure_item(a, Section.MATTERS, {**MATTER, "basis": "某法（修订）第十条"}, code="JC-001",
                            reason="按修订后的某法调整依据", trigger=late, actor=reviewer)
    do_save_disclosure_item(a, Section.MATTERS, {**MATTER, "basis": "职能划入后的依据"}, code="JC-001",
                            reason="职能划入", trigger=fresh, actor=reviewer)
    assert f"逾期履行（{today:%Y-%m-%d}）" in row(late) and "已履行（" not in row(late)
    assert f"（已履行（{today:%Y-%m-%d}））" in row(fresh)
