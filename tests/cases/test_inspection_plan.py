"""年度双随机抽查计划 (kinds/inspection_plan.py, decision 0058): the plan's table for every (state, action) pair,
the review gate per profile (株洲 requires a passed review before adoption, 平罗 — Art.58 only — does not), the
draw that must name an adopted plan of its year where the profile says so, and bad input refused with nothing
written. Dates are today's: a plan's year is checked against the current year."""

import json

import pytest
from django.db import transaction
from django.utils import timezone
from kinds_cast import make_kinds_env
from pairs_cast import Rollback

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.kinds import inspection as I
from sanxiang.cases.kinds import inspection_plan as IP
from sanxiang.cases.models import Case, CaseStatus, InspectionPlan
from sanxiang.cases.review_gate import proposal_of, review_required
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.review import procedure as P
from sanxiang.review.testing import all_points, sign_whole_chain
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
TABLE = get_table("inspection_plan_general")
S = CaseStatus
ITEM = {"subject": "株洲市市场监督管理局", "basis": "《中华人民共和国产品质量法》第十五条", "objects": "辖区内工业产品生产企业",
        "content": "产品质量、标识标注", "ratio": "5%", "method": "现场检查、抽样检验", "frequency": "每年一次"}
MATERIALS = {c: "provided" for c in "ABCDF"}  # 株洲 重大行政执法决定法制审核: A–G, E and G optional


def _env(profile_key):
    env = make_kinds_env(profile_key=profile_key)
    env.leader = T.member(env.agency, Role.AGENCY_LEADER)
    T.person(env.agency, user_obj=env.leader, name="孙局长")
    return env


@pytest.fixture(scope="module")
def zenv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _env("zhuzhou-amr")
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def penv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _env("pingluo-commerce")
        transaction.set_rollback(True)


def _plan(env, items=(ITEM,)):
    return IP.do_create_inspection_plan(env.agency, unit=env.unit, year=timezone.localdate().year, items=list(items),
                                        actor=env.officer)


def _pass_review(env, plan):
    """The legal office assigns, checks, agrees; 株洲's 审核表 is signed through 局长审批."""
    rnd = P.latest_round_of(plan.case, "inspection_plan")
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer)
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="A", text="同意该年度抽查计划。", actor=env.reviewer)
    sign_whole_chain(rnd, head=env.head, on=timezone.localdate())
    return rnd


def _written(plan):
    return (Case.objects.get(pk=plan.case_id).ledger_digest(), InspectionPlan.objects.get(pk=plan.pk).ledger_digest(),
            LedgerEntry.objects.count())


# ---- the determination and the gate, per profile ------------------------------------------------------------

GATE = [  # profile, review required for the plan, adopted straight from draft
    ("zhuzhou-amr", True, False),
    ("pingluo-commerce", False, True),
    ("urumqi-gxq-amr", False, True),
    ("urumqi-gxq-hrss", False, True),
    ("quanzhou-licheng-amr", False, True),
]


@pytest.mark.parametrize("profile_key, required, adopted_from_draft", GATE)
def test_the_catalogue_decides_whether_a_plan_is_reviewed_before_adoption(django_db_blocker, profile_key, required,
                                                                         adopted_from_draft):
    try:
        with transaction.atomic():
            env = _env(profile_key)
            plan = _plan(env)
            needed, rules = review_required(plan.case, proposal_of(plan.case))
            assert needed is required
            assert [r["key"] for r in rules] == (["random_inspection_plan"] if required else [])
            if adopted_from_draft:
                assert IP.do_adopt_inspection_plan(plan, actor=env.leader).case.status == S.PLAN_ADOPTED
                with pytest.raises(RuleViolation, match="不能执行"):  # adopted: nothing more to submit
                    IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=env.officer)
            else:
                before = _written(plan)
                with pytest.raises(RuleViolation) as refused:
                    IP.do_adopt_inspection_plan(plan, actor=env.leader)
                assert "“双随机、一公开”年度计划" in refused.value.message and "4）C" in refused.value.message
                assert _written(plan) == before
            raise Rollback
    except Rollback:
        pass


def test_zhuzhou_plan_adopted_only_as_the_agreed_items(zenv):
    plan = _plan(zenv)
    IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=zenv.officer, note="请审核本年度抽查计划")
    assert plan.case.status == S.PLAN_SUBMITTED
    rnd = P.latest_round_of(plan.case, "inspection_plan")
    assert rnd.review.track == "major" and rnd.proposal["plan"]["id"] == plan.pk
    with pytest.raises(RuleViolation, match="法制审核尚未完成"):
        IP.do_adopt_inspection_plan(plan, actor=zenv.leader)
    with pytest.raises(RuleViolation, match="正在法制审核中"):  # no edit while under review
        IP.do_revise_inspection_plan(plan, actor=zenv.officer)
    with pytest.raises(RuleViolation, match="起草中方可修改"):
        IP.do_edit_inspection_plan(plan, items=[{**ITEM, "ratio": "3%"}], actor=zenv.officer)
    rnd = _pass_review(zenv, plan)
    from sanxiang.review.forms import form_values

    values = form_values(plan.case, rnd)  # the 审核表 says what the plan holds, not "（见送审材料）" (tester9 #8)
    assert values["basis"] == "《中华人民共和国产品质量法》第十五条"
    assert values["proposal"].startswith(f"{plan.year}年度“双随机、一公开”抽查计划，共 1 项：1. 辖区内工业产品生产企业")
    assert "5%" in values["proposal"]
    with pytest.raises(NotPermitted):  # adoption is a leader's act
        IP.do_adopt_inspection_plan(plan, actor=zenv.head)
    plan = IP.do_adopt_inspection_plan(plan, actor=zenv.leader)
    assert plan.case.status == S.PLAN_ADOPTED and plan.adopted_on == timezone.localdate()
    assert verify.run().ok


def test_a_changed_plan_after_agreement_needs_a_new_round(zenv):
    plan = _plan(zenv)
    IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=zenv.officer)
    _pass_review(zenv, plan)
    IP.do_revise_inspection_plan(plan, actor=zenv.officer)  # agreed, then taken back to change it
    IP.do_edit_inspection_plan(plan, items=[{**ITEM, "ratio": "10%"}], actor=zenv.officer)
    with pytest.raises(RuleViolation, match="须重新审核"):
        IP.do_adopt_inspection_plan(plan, actor=zenv.leader)


def test_a_returned_plan_goes_back_to_draft_and_is_resubmitted(zenv):
    plan = _plan(zenv)
    IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=zenv.officer)
    rnd = P.do_assign_reviewer(P.latest_round_of(plan.case, "inspection_plan"), reviewer=zenv.reviewer,
                               actor=zenv.reviewer)
    P.do_record_checklist(rnd, points=all_points(), actor=zenv.reviewer)
    P.do_record_opinion(rnd, kind="C", text="抽查比例过低，请修改。", actor=zenv.reviewer)
    IP.do_revise_inspection_plan(plan, actor=zenv.officer)
    IP.do_edit_inspection_plan(plan, items=[{**ITEM, "ratio": "8%"}], actor=zenv.officer)
    IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=zenv.officer)
    assert P.latest_round_of(plan.case, "inspection_plan").number == 2


# ---- every (state, action) pair ---------------------------------------------------------------------------

def _reach(env, state):
    plan = _plan(env)
    if state in (S.PLAN_SUBMITTED, S.PLAN_ADOPTED):
        IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=env.officer)
    if state == S.PLAN_ADOPTED:
        _pass_review(env, plan)
        IP.do_adopt_inspection_plan(plan, actor=env.leader)
    assert plan.case.status == state
    return plan


def _try(env, plan, action):
    if action == "submit_inspection_plan":
        return IP.do_submit_inspection_plan(plan, materials=MATERIALS, actor=env.officer)
    if action == "revise_inspection_plan":
        return IP.do_revise_inspection_plan(plan, actor=env.officer)
    return IP.do_adopt_inspection_plan(plan, actor=env.leader)


# For 株洲 (review required): what each pair does with the plan as reached — the target, the table's refusal
# (NOT_IN_TABLE: the state has no such move) or a guard's (RuleViolation).
NOT_IN_TABLE = "not_in_table"
PAIRS = {
    (S.PLAN_DRAFT, "submit_inspection_plan"): S.PLAN_SUBMITTED,
    (S.PLAN_DRAFT, "revise_inspection_plan"): NOT_IN_TABLE,
    (S.PLAN_DRAFT, "adopt_inspection_plan"): RuleViolation,  # the gate: no passed review
    (S.PLAN_SUBMITTED, "submit_inspection_plan"): NOT_IN_TABLE,
    (S.PLAN_SUBMITTED, "revise_inspection_plan"): RuleViolation,  # the round is open
    (S.PLAN_SUBMITTED, "adopt_inspection_plan"): RuleViolation,  # not yet agreed
    (S.PLAN_ADOPTED, "submit_inspection_plan"): NOT_IN_TABLE,
    (S.PLAN_ADOPTED, "revise_inspection_plan"): NOT_IN_TABLE,
    (S.PLAN_ADOPTED, "adopt_inspection_plan"): NOT_IN_TABLE,
}


def test_pairs_cover_the_table():
    assert set(PAIRS) == {(s, a) for s in TABLE.states for a in TABLE.actions()}
    for (state, action), outcome in PAIRS.items():
        allowed = TABLE.find(state, action) is not None
        assert allowed == (outcome != NOT_IN_TABLE), (state, action)


@pytest.mark.parametrize("state, action", sorted(PAIRS))
def test_every_pair_moves_as_the_table_says_or_is_refused(zenv, state, action):
    outcome = PAIRS[(state, action)]
    try:
        with transaction.atomic():
            plan = _reach(zenv, state)
            before = _written(plan)
            if outcome == NOT_IN_TABLE:
                with pytest.raises(RuleViolation, match="不能执行"):
                    _try(zenv, plan, action)
                assert _written(plan) == before
            elif isinstance(outcome, str):
                assert _try(zenv, plan, action).case.status == outcome
                assert LedgerEntry.objects.filter(action=TABLE.ledger_action(TABLE.find(state, action))).exists()
            else:
                with pytest.raises(outcome):
                    _try(zenv, plan, action)
                assert _written(plan) == before
            raise Rollback
    except Rollback:
        pass


# ---- the 双随机 draw names an adopted plan of its year where the profile requires one ---------------------------

def _draw_env(env):  # p1, p2: certified for 行政检查 by make_kinds_env
    return dict(unit=env.unit, cause="年度双随机抽查", parties=[env.party], objects=1, people=[env.p1, env.p2],
                seed="plan-test", actor=env.head)


def test_zhuzhou_draw_needs_an_adopted_plan_of_its_year(zenv):
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match="须依据已通过的") as refused:
        I.do_draw_random_inspections(zenv.agency, **_draw_env(zenv))
    assert refused.value.field == "plan" and LedgerEntry.objects.count() == size
    draft = _plan(zenv)
    with pytest.raises(RuleViolation, match="通过后方可据以抽取"):
        I.do_draw_random_inspections(zenv.agency, plan=draft, **_draw_env(zenv))
    adopted = _reach(zenv, S.PLAN_ADOPTED)
    draw = I.do_draw_random_inspections(zenv.agency, plan=adopted, **_draw_env(zenv))
    assert draw.plan == adopted and draw.inspections.count() == 1
    entry = LedgerEntry.objects.filter(action="draw_random_inspections").order_by("-index").first()
    assert json.loads(entry.entry)["payload"]["plan"] == adopted.case.number
    assert verify.run().ok


def test_a_plan_of_another_year_or_agency_is_refused(zenv, penv):
    adopted = _reach(zenv, S.PLAN_ADOPTED)
    InspectionPlan.objects.filter(pk=adopted.pk).update(year=adopted.year - 1)
    adopted.refresh_from_db()
    assert "年度的计划" in IP.draw_plan_problem(zenv.agency, adopted, timezone.localdate())
    assert "不是" in IP.draw_plan_problem(penv.agency, adopted, timezone.localdate())


def test_pingluo_draws_without_a_plan(penv):
    assert IP.plan_required(penv.agency, timezone.localdate()) is False
    assert I.do_draw_random_inspections(penv.agency, **_draw_env(penv)).plan is None


def test_the_plan_deadline_is_the_profiles():
    from sanxiang.profiles.registry import get_profile

    zhuzhou = get_profile("zhuzhou-amr")
    assert zhuzhou.value(IP.REQUIRED) is True and zhuzhou.value(IP.DUE) == "03-01"
    assert "每年3月份前制定并公开" in zhuzhou.entry(IP.REQUIRED).citation
    assert get_profile("pingluo-commerce").value(IP.REQUIRED) is False


# ---- bad input ----------------------------------------------------------------------------------------------

BAD = [
    ([], "至少列一项"),
    ([{**ITEM, "ratio": ""}], "“抽查比例”不能为空"),
    ([{**ITEM, "colour": "红"}], "未知的栏目"),
    ("甲|乙|丙", "应有 7 栏"),
    ("not a list", "应有 7 栏"),
    ([{**ITEM, "basis": "法" * 501}], "过长"),
]


@pytest.mark.parametrize("items, message", BAD)
def test_bad_items_are_refused_with_nothing_written(zenv, items, message):
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match=message):
        IP.do_create_inspection_plan(zenv.agency, unit=zenv.unit, year=timezone.localdate().year, items=items,
                                     actor=zenv.officer)
    assert LedgerEntry.objects.count() == size


def test_text_items_one_a_line(zenv):
    text = "|".join(ITEM.values()) + "\n\n" + "｜".join(ITEM.values())
    assert IP.as_plan_items(text) == [ITEM, ITEM]


def test_who_drafts_and_the_year(zenv):
    with pytest.raises(NotPermitted):
        IP.do_create_inspection_plan(zenv.agency, unit=zenv.unit, year=timezone.localdate().year, items=[ITEM],
                                     actor=zenv.outsider)
    with pytest.raises(RuleViolation, match="计划年度"):
        IP.do_create_inspection_plan(zenv.agency, unit=zenv.unit, year=1999, items=[ITEM], actor=zenv.officer)
    plan = _plan(zenv)
    with pytest.raises(NotPermitted):
        IP.do_edit_inspection_plan(plan, items=[ITEM], actor=zenv.outsider)


def test_a_plan_is_not_opened_as_a_case(zenv):
    from sanxiang.cases import actions as C

    with pytest.raises(RuleViolation, match="不作为案件登记"):
        C.do_create_case(zenv.agency, unit=zenv.unit, kind="inspection_plan", source="other", cause="计划",
                         category="行政检查", actor=zenv.officer)


def test_operator_drafts_for_imports(zenv):
    plan = IP.do_create_inspection_plan(zenv.agency, unit=zenv.unit, year=timezone.localdate().year, items=[ITEM],
                                        actor=OPERATOR)
    assert plan.case.number.startswith("抽查计划〔")


# ---- the pages ------------------------------------------------------------------------------------------------

def _client(user):
    from django.test import Client

    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_the_plan_pages_draft_submit_and_adopt(zenv):
    officer = _client(zenv.officer)
    line = "|".join(ITEM.values())
    year = timezone.localdate().year
    r = officer.post("/cases/inspections/plans/new/", {"unit": str(zenv.unit.pk), "year": year, "items": "甲|乙"})
    assert r.status_code == 400 and "应有 7 栏" in r.content.decode() and "甲|乙" in r.content.decode()
    r = officer.post("/cases/inspections/plans/new/", {"unit": str(zenv.unit.pk), "year": year, "items": line})
    assert r.status_code == 302
    plan = InspectionPlan.objects.filter(case__agency=zenv.agency).order_by("-id").first()
    page = officer.get(f"/cases/inspections/plans/{plan.pk}/").content.decode()
    assert "计划起草中" in page and "辖区内工业产品生产企业" in page and "“双随机、一公开”年度计划" in page
    assert f"{year}-03-01" in page  # the profile's 3月份前
    # 送审 without the required materials: refused, the note typed is kept, nothing moved
    r = officer.post(f"/cases/inspections/plans/{plan.pk}/", {"act": "submit", "materials": ["A"], "note": "请审核"})
    assert r.status_code == 400 and "请审核" in r.content.decode()
    plan.case.refresh_from_db()
    assert plan.case.status == S.PLAN_DRAFT
    r = officer.post(f"/cases/inspections/plans/{plan.pk}/", {"act": "edit", "title": "本年度计划",
                                                              "items": line.replace("5%", "6%")})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "本年度计划" and plan.items[0]["ratio"] == "6%"
    r = officer.post(f"/cases/inspections/plans/{plan.pk}/", {"act": "submit", "materials": list("ABCDF")})
    assert r.status_code == 302
    plan.case.refresh_from_db()
    assert plan.case.status == S.PLAN_SUBMITTED
    leader = _client(zenv.leader)
    r = leader.post(f"/cases/inspections/plans/{plan.pk}/", {"act": "adopt"})
    assert r.status_code == 400 and "法制审核尚未完成" in r.content.decode()
    _pass_review(zenv, plan)
    assert leader.post(f"/cases/inspections/plans/{plan.pk}/", {"act": "adopt"}).status_code == 302
    plan.case.refresh_from_db()
    assert plan.case.status == S.PLAN_ADOPTED
    listing = officer.get("/cases/inspections/plans/").content.decode()
    assert "本年度计划" in listing and "计划已通过" in listing
    assert _client(zenv.outsider).get(f"/cases/inspections/plans/{plan.pk}/").status_code == 404
    # the plan's case page and its review round's page render (the plan is a case of its own kind)
    case_page = officer.get(f"/cases/{plan.case_id}/")
    assert case_page.status_code == 200 and "年度抽查计划" in case_page.content.decode()
    rnd = P.latest_round_of(plan.case, "inspection_plan")
    assert _client(zenv.reviewer).get(f"/review/rounds/{rnd.pk}/").status_code == 200
    entry = LedgerEntry.objects.filter(action="record_inspection_plan_adoption").order_by("-index").first()
    assert json.loads(entry.entry)["payload"]["case"] == plan.case.number


# ---- the API ----------------------------------------------------------------------------------------------------

def test_the_plan_api_drafts_edits_moves_and_the_draw_names_the_plan(zenv):
    officer, leader = _client(zenv.officer), _client(zenv.leader)
    year = timezone.localdate().year
    body = {"agency": zenv.agency.code, "unit_id": zenv.unit.pk, "year": year, "items": [ITEM]}
    size = LedgerEntry.objects.count()
    r = officer.post("/api/v1/inspections/plans", {**body, "items": [{**ITEM, "ratio": ""}]},
                     content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "items" and LedgerEntry.objects.count() == size
    r = officer.post("/api/v1/inspections/plans", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "plan_draft"
    plan_id, case_id = r.json()["id"], r.json()["case_id"]
    r = officer.put(f"/api/v1/inspections/plans/{plan_id}", {"items": [{**ITEM, "ratio": "7%"}]},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["items"][0]["ratio"] == "7%"
    r = officer.post(f"/api/v1/cases/{case_id}/actions/submit_inspection_plan", {"materials": MATERIALS},
                     content_type="application/json")
    assert r.status_code == 200, r.content
    r = leader.post(f"/api/v1/cases/{case_id}/actions/adopt_inspection_plan", {}, content_type="application/json")
    assert r.status_code == 400 and "法制审核尚未完成" in r.json()["message"]
    plan = InspectionPlan.objects.get(pk=plan_id)
    _pass_review(zenv, plan)
    r = leader.post(f"/api/v1/cases/{case_id}/actions/adopt_inspection_plan", {}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert officer.get(f"/api/v1/inspections/plans/{plan_id}").json()["status_label"] == "计划已通过"
    assert [p["id"] for p in officer.get(f"/api/v1/inspections/plans?year={year}").json()].count(plan_id) == 1
    assert _client(zenv.outsider).get(f"/api/v1/inspections/plans/{plan_id}").status_code == 404
    draw = {"agency": zenv.agency.code, "unit_id": zenv.unit.pk, "cause": "抽查", "party_ids": [zenv.party.pk],
            "objects": 1, "person_ids": [zenv.p1.pk, zenv.p2.pk], "seed": "api"}
    head = _client(zenv.head)
    r = head.post("/api/v1/inspections/draws", draw, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "plan"
    r = head.post("/api/v1/inspections/draws", {**draw, "plan_id": plan_id}, content_type="application/json")
    assert r.status_code == 201 and r.json()["plan_id"] == plan_id


def test_an_adopted_plan_waits_for_its_years_end_before_archiving(penv):
    """s21 tester8 #11: an adopted plan was listed 待归档 with a deadline from its adoption; a plan is the
    year's working document, archived once its year is over."""
    import datetime as dt

    from django.test import Client

    from sanxiang.archive import actions as AR

    keeper = T.member(penv.agency, Role.RECORDS_KEEPER)
    plan = IP.do_adopt_inspection_plan(_plan(penv), actor=penv.leader)
    case = Case.objects.get(pk=plan.case_id)
    year_end = dt.date(plan.year, 12, 31)
    assert AR.ended_on(case) == year_end and not AR.is_ended(case)
    assert AR.is_ended(case, today=year_end + dt.timedelta(days=1))
    client = Client()
    client.force_login(keeper)
    waiting = client.get(f"/api/v1/archive/?agency={penv.agency.code}").json()["waiting"]
    assert plan.case_id not in [w["case_id"] for w in waiting]
    with pytest.raises(RuleViolation, match="年度结束后归档"):
        AR.do_archive_case(case, actor=keeper)
