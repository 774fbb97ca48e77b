"""法制审核程序 (issue 9 §2–§5) with a 株洲 agency and real 2026 dates: the track, submission with the
materials, assignment, the clock (中秋、国庆 holidays, the pause while returned for supplement, the
extension up to the maximum), the seven points, the opinion, new rounds, and the gate on every path."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach, step  # noqa: E402

from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation  # noqa: E402
from sanxiang.deadlines.models import Obligation  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402
from sanxiang.orgs import actions as A  # noqa: E402
from sanxiang.orgs import testing as T  # noqa: E402
from sanxiang.orgs.models import Role  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.models import LegalReview, ReviewRound, ReviewSupplement  # noqa: E402
from sanxiang.review.testing import all_points, qualify  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

GENERAL = get_table("penalty_general")
D = dt.date
# 株洲's penalty track (行政处罚案件审核): the general package; the hearing record is optional.
PACKAGE = {"report": "provided", "draft": "provided", "evidence": "provided", "hearing": "not_applicable"}


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def refused(fn, *args, error=RuleViolation, **kwargs):
    """The action is refused with `error` and writes nothing: no ledger entry, no review row, no deadline."""
    counts = (LedgerEntry.objects.count(), ReviewRound.objects.count(), LegalReview.objects.count(),
              ReviewSupplement.objects.count(), Obligation.objects.count())
    with pytest.raises(error) as caught:
        fn(*args, **kwargs)
    assert counts == (LedgerEntry.objects.count(), ReviewRound.objects.count(), LegalReview.objects.count(),
                      ReviewSupplement.objects.count(), Obligation.objects.count())
    return caught.value


def concluded(env):
    case, day = reach(env, GENERAL, "concluded")  # concluded 2026-09-05
    return case


def submitted(env, on=D(2026, 9, 22)):
    return P.do_submit_review(concluded(env), materials=PACKAGE, actor=env.officer, on=on)


def in_review(env, on=D(2026, 9, 22)):
    return P.do_assign_reviewer(submitted(env, on), reviewer=env.reviewer, actor=env.reviewer, on=on)


def clock(rnd):
    return Obligation.objects.get(object_type="review.reviewround", object_id=str(rnd.pk))


# ---- submission --------------------------------------------------------------------------------------

def test_submission_opens_a_round_and_the_clock_over_the_holidays(env, db):
    rnd = submitted(env)
    assert (rnd.number, rnd.status, rnd.review.track, rnd.review.track_label) == (
        1, "submitted", "penalty", "行政处罚案件审核")
    assert [r["key"] for r in rnd.review.rules] == ["all_general_procedure_penalties"]
    # 10 working days after Tue 2026-09-22: 23, 24, 28, 29, 30 (中秋 25–27), 10-08, 09, 10 (调休上班), 12, 13
    assert rnd.due == D(2026, 10, 13) == clock(rnd).due
    assert rnd.materials_complete_on == D(2026, 9, 22)
    assert rnd.proposal["kind"] == "penalty" and rnd.proposal["fine"] == "20000.00"
    entry = LedgerEntry.objects.filter(object_type="review.reviewround", object_id=str(rnd.pk)).get()
    assert entry.action == "submit_review"


def test_submission_without_the_materials_is_refused_naming_each(env, db):
    case = concluded(env)
    err = refused(P.do_submit_review, case, materials={"report": "provided"}, actor=env.officer, on=D(2026, 9, 22))
    assert err.code == "materials_incomplete" and "拟作出的执法决定" in err.message and "证据材料" in err.message
    assert len(err.reasons) == 2
    err = refused(P.do_submit_review, case, materials={**PACKAGE, "evidence": "not_applicable"}, actor=env.officer,
                  on=D(2026, 9, 22))
    assert "不能标为不适用" in err.message
    assert "没有" in refused(P.do_submit_review, case, materials={**PACKAGE, "Z": "provided"}, actor=env.officer,
                            on=D(2026, 9, 22)).message


def test_submission_only_after_the_investigation_and_by_the_handling_unit(env, db):
    case, _ = reach(env, GENERAL, "investigating")
    assert "调查终结后" in refused(P.do_submit_review, case, materials=PACKAGE, actor=env.officer, on=D(2026, 9, 22)).message
    case = concluded(env)
    refused(P.do_submit_review, case, materials=PACKAGE, actor=env.reviewer, on=D(2026, 9, 22), error=NotPermitted)
    P.do_submit_review(case, materials=PACKAGE, actor=env.officer, on=D(2026, 9, 22))
    assert refused(P.do_submit_review, case, materials=PACKAGE, actor=env.officer, on=D(2026, 9, 22),
                   error=Conflict).code == "review_open"


# ---- assignment --------------------------------------------------------------------------------------

def test_the_reviewer_must_be_a_qualified_outsider_to_the_case(env, db):
    rnd = submitted(env)
    case = rnd.review.case
    assert "不是" in refused(P.do_assign_reviewer, rnd, reviewer=env.officer, actor=env.reviewer,
                            on=D(2026, 9, 22)).message  # no reviewer role
    A.do_assign_role(env.officer2, env.agency, Role.REVIEWER, valid_from=D(2020, 1, 1), actor=OPERATOR)
    qualify(env.officer2)
    assert "不能审核自己承办" in refused(P.do_assign_reviewer, rnd, reviewer=env.officer2, actor=env.reviewer,
                                        on=D(2026, 9, 22)).message
    newcomer = T.member(env.agency, Role.REVIEWER)
    T.person(env.agency, user_obj=newcomer, name="孙新审")
    err = refused(P.do_assign_reviewer, rnd, reviewer=newcomer, actor=env.reviewer, on=D(2026, 9, 22))
    assert "初次从事法制审核" in err.message and "法律职业资格" in err.message
    stranger = T.member(T.agency(), Role.REVIEWER)
    assert "不是" in refused(P.do_assign_reviewer, rnd, reviewer=stranger, actor=env.reviewer, on=D(2026, 9, 22)).message
    refused(P.do_assign_reviewer, rnd, reviewer=env.reviewer, actor=env.officer, on=D(2026, 9, 22), error=NotPermitted)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.leader, on=D(2026, 9, 22))
    assert rnd.status == "in_review" and rnd.reviewer == env.reviewer
    assert case.accesses.filter(user=env.reviewer, reason="reviewer").exists()


# ---- supplement and the clock --------------------------------------------------------------------------

def test_returned_for_supplement_pauses_the_clock_until_the_materials_are_complete(env, db):
    rnd = in_review(env)
    assert "补交期限" in refused(P.do_request_supplement, rnd, items=["evidence"], supplement_by=D(2026, 9, 24),
                                actor=env.reviewer, on=D(2026, 9, 24)).message
    request = P.do_request_supplement(rnd, items=["evidence"], supplement_by=D(2026, 9, 30), note="缺少抽样检验报告",
                                      actor=env.reviewer, on=D(2026, 9, 24))
    rnd.refresh_from_db()
    assert rnd.status == "supplementing" and clock(rnd).paused
    assert [m["code"] for m in rnd.materials if not m["provided"]] == ["evidence", "hearing"]
    assert "证据材料" in refused(P.do_supplement_materials, rnd, materials={}, actor=env.officer,
                                    on=D(2026, 9, 29)).message
    rnd = P.do_supplement_materials(rnd, materials=["evidence"], actor=env.officer, on=D(2026, 9, 29))
    request.refresh_from_db()
    assert request.supplied_on == D(2026, 9, 29) and rnd.status == "in_review"
    # 09-23 counts; 09-24 … 09-28 paused; then 29, 30, 10-08, 09, 10, 12, 13, 14, 15
    assert rnd.due == D(2026, 10, 15) == clock(rnd).due and not clock(rnd).paused


def test_the_statistics_count_review_time_without_the_supplement_pause(env, db):
    """审核用时 in the statistics is the clock's: working days from submission to opinion, less the
    days the round waited for materials (行政处罚法 has the review run on complete materials)."""
    from sanxiang.deadlines.engine import working_days_between
    from sanxiang.deadlines.queries import get_calendar
    from sanxiang.review.queries import review_workdays, statistics

    rnd = in_review(env)
    P.do_request_supplement(rnd, items=["evidence"], supplement_by=D(2026, 9, 30), actor=env.reviewer, on=D(2026, 9, 24))
    P.do_supplement_materials(rnd, materials=["evidence"], actor=env.officer, on=D(2026, 9, 29))
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="agree", text="同意", actor=env.reviewer, on=D(2026, 10, 9))
    rnd.refresh_from_db()
    calendar = get_calendar()
    whole = working_days_between(D(2026, 9, 22), D(2026, 10, 9), calendar)
    paused = working_days_between(D(2026, 9, 23), D(2026, 9, 28), calendar)  # 09-24 … 09-28, as the clock
    assert paused > 0 and review_workdays(rnd, calendar) == whole - paused
    # the clock agrees: the days it ran are those from submission to the opinion, less the pause
    assert working_days_between(D(2026, 9, 22), rnd.due, calendar) - paused == 10
    row = next(r for r in statistics(env.leader, start=D(2026, 9, 22), end=D(2026, 9, 22))
               if r["unit"] == rnd.review.case.unit.name)
    assert row["longest_workdays"] == whole - paused


def test_the_extension_needs_the_leader_and_stays_within_the_maximum(env, db):
    # A 行政强制 decision in a penalty case follows 株洲's other-decisions track: 10 → at most 20 working days.
    from sanxiang.cases.kinds import coercion as K

    case, _ = reach(env, GENERAL, "investigating")
    K.do_propose_measure(case, kind="seize", reason="涉案食品可能被转移", on=D(2026, 9, 21), actor=env.officer)
    materials = {c: "provided" for c in "ABCDF"} | {"E": "not_applicable", "G": "not_applicable"}
    rnd = P.do_submit_review(case, kind="coercion", materials=materials, actor=env.officer, on=D(2026, 9, 22))
    assert rnd.review.track == "major" and rnd.due == D(2026, 10, 13)
    assert "单位领导" in refused(P.do_extend_review, rnd, count=5, approver=env.head, reason="情况复杂",
                                actor=env.reviewer, on=D(2026, 9, 30)).message
    err = refused(P.do_extend_review, rnd, count=11, approver=env.leader, reason="情况复杂", actor=env.reviewer,
                  on=D(2026, 9, 30))
    assert err.code == "extension_beyond_maximum" and "上限 20个工作日" in err.message
    rnd = P.do_extend_review(rnd, count=10, approver=env.leader, reason="情况复杂", actor=env.reviewer, on=D(2026, 9, 30))
    assert rnd.due == D(2026, 10, 27) and rnd.extension_approver == env.leader
    assert "上限" in refused(P.do_extend_review, rnd, count=1, approver=env.leader, reason="仍需时间",
                            actor=env.reviewer, on=D(2026, 10, 9)).message


def test_every_extension_stays_visible_with_its_days_approver_and_reason(env, db, client):
    """tester9 #3: a second extension does not hide the first — the round page and the API list each one
    with its date, length, approver (by name) and reason."""
    from sanxiang.cases.kinds import coercion as K
    from sanxiang.review.queries import names_of

    case, _ = reach(env, GENERAL, "investigating")
    K.do_propose_measure(case, kind="seize", reason="涉案食品可能被转移", on=D(2026, 9, 21), actor=env.officer)
    materials = {c: "provided" for c in "ABCDF"} | {"E": "not_applicable", "G": "not_applicable"}
    rnd = P.do_submit_review(case, kind="coercion", materials=materials, actor=env.officer, on=D(2026, 9, 22))
    rnd = P.do_extend_review(rnd, count=5, approver=env.leader, reason="需等待产品质量检验报告", actor=env.reviewer,
                             on=D(2026, 9, 30))
    rnd = P.do_extend_review(rnd, count=5, approver=env.leader, reason="检验报告仍未出具", actor=env.reviewer,
                             on=D(2026, 10, 9))
    leader = names_of([env.leader])[env.leader.pk]
    client.force_login(env.reviewer)
    page = client.get(f"/review/rounds/{rnd.pk}/").content.decode()
    assert f"（2026-09-30 经{leader}批准延长 5 个工作日：需等待产品质量检验报告）" in page
    assert f"（2026-10-09 经{leader}批准延长 5 个工作日：检验报告仍未出具）" in page
    data = client.get(f"/api/v1/reviews/rounds/{rnd.pk}").json()
    assert data["extension_approver"] == leader
    assert [(e["date"], e["count"], e["unit"], e["approver"], e["reason"]) for e in data["extensions"]] == [
        ("2026-09-30", 5, "个工作日", leader, "需等待产品质量检验报告"), ("2026-10-09", 5, "个工作日", leader, "检验报告仍未出具")]


# ---- the review itself ------------------------------------------------------------------------------------

def test_the_opinion_needs_the_seven_points_and_a_kind_the_track_allows(env, db):
    rnd = in_review(env)
    assert "尚未记录以下审核要点" in refused(P.do_record_opinion, rnd, kind="agree", text="同意", actor=env.reviewer,
                                          on=D(2026, 9, 24)).message
    refused(P.do_record_checklist, rnd, points=all_points(), actor=env.officer, error=NotPermitted)
    assert "须写明具体问题" in refused(P.do_record_checklist, rnd, points={"facts": {"finding": "problem"}},
                                     actor=env.reviewer).message
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    assert "只能是" in refused(P.do_record_opinion, rnd, kind="A", text="同意", actor=env.reviewer,
                              on=D(2026, 9, 24)).message  # A is the other-decisions track's code
    refused(P.do_record_opinion, rnd, kind="agree", text="同意", actor=env.officer, on=D(2026, 9, 24),
            error=NotPermitted)
    rnd = P.do_record_opinion(rnd, kind="agree", text="事实清楚，证据确凿。", actor=env.reviewer, on=D(2026, 9, 24))
    assert (rnd.status, rnd.opinion_label, rnd.review.status) == ("agreed", "同意案件处理意见", "agreed")
    assert clock(rnd).status == "met"


def test_a_non_agree_opinion_returns_the_case_and_resubmission_is_a_new_round(env, db):
    rnd = in_review(env)
    case = rnd.review.case
    P.do_record_checklist(rnd, points={**all_points(), "basis": {"finding": "problem", "note": "裁量理由不充分"}},
                          actor=env.reviewer)
    rnd = P.do_record_opinion(rnd, kind="correct", text="裁量理由不充分，建议纠正。", actor=env.reviewer,
                              on=D(2026, 9, 24))
    assert rnd.status == "returned" and rnd.review.status == "returned"
    step(env, GENERAL, case, "waive_rights", D(2026, 9, 24)) if case.status == "notified" else None
    second = P.do_resubmit_review(case, materials=PACKAGE, actor=env.officer, on=D(2026, 9, 28))
    assert second.number == 2 and second.review == rnd.review
    assert [r.status for r in rnd.review.rounds.order_by("number")] == ["returned", "submitted"]


def test_hrss_return_grounds_are_typed(db):
    env = make_env(profile_key="urumqi-gxq-hrss")
    case = concluded(env)
    package = {c: "provided" for c in ("source", "qualification", "procedure", "evidence", "report", "draft",
                                       "explanation")}
    assert "所有证据材料原件" in refused(P.do_submit_review, case, materials={"source": "provided"},
                                        actor=env.officer, on=D(2026, 9, 22)).message
    rnd = P.do_submit_review(case, materials=package, actor=env.officer, on=D(2026, 9, 22))
    assert rnd.due is None  # the plan sets no time limit
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=D(2026, 9, 22))
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    assert "退回的情形" in refused(P.do_record_opinion, rnd, kind="return", text="证据不足", actor=env.reviewer,
                                  on=D(2026, 9, 23)).message
    assert "不在规则配置" in refused(P.do_record_opinion, rnd, kind="return", text="证据不足",
                                    return_grounds=["证据太少"], actor=env.reviewer, on=D(2026, 9, 23)).message
    rnd = P.do_record_opinion(rnd, kind="return", text="证据不足", return_grounds=["证据不足"], actor=env.reviewer,
                              on=D(2026, 9, 23))
    assert rnd.return_grounds == ["证据不足"] and rnd.opinion_label == "退回承办机构"


# ---- the gate ---------------------------------------------------------------------------------------------

def _decide_refused(env, case, on):
    with pytest.raises(RuleViolation) as caught:
        C.do_decide_case(case, actor=env.head, on=on)
    return caught.value.message


def test_the_gate_on_every_path(env, db, client):
    rnd = in_review(env)
    case = rnd.review.case
    for action, on in (("notify", D(2026, 9, 23)), ("waive_rights", D(2026, 9, 23))):
        C.move_case(case, action, actor=env.officer, on=on)
    message = _decide_refused(env, case, D(2026, 9, 24))
    assert "一般程序行政处罚决定均须法制审核" in message and "尚未完成（第1轮，审核中）" in message
    # the API and the page are refused alike, and change nothing
    api = Client()
    api.force_login(env.head)
    r = api.post(f"/api/v1/cases/{case.pk}/actions/decide", {"on": "2026-09-24"}, content_type="application/json")
    assert r.status_code == 400 and "法制审核" in r.json()["message"] and set(r.json()) >= {"code", "message"}
    client.force_login(env.head)
    case.refresh_from_db()
    r = client.post(f"/cases/{case.pk}/act/decide/", {"state": case.status, "version": case.version, "on": "2026-09-24"})
    assert r.status_code == 400 and "法制审核" in r.content.decode()
    case.refresh_from_db()
    assert case.status == "notified"
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="agree", text="同意", actor=env.reviewer, on=D(2026, 9, 24))
    # a changed proposal is not the one reviewed
    C.do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="15000",
                              actor=env.officer)
    assert "须重新审核" in _decide_refused(env, case, D(2026, 9, 24))
    C.do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="20000",
                              actor=env.officer)
    assert C.do_decide_case(case, actor=env.head, on=D(2026, 9, 24)).status == "decided"


def test_the_disagreement_hook_opens_the_gate_for_the_latest_proposal(env, db, monkeypatch):
    rnd = in_review(env)
    case = rnd.review.case
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="other", text="建议减轻", actor=env.reviewer, on=D(2026, 9, 24))
    for action in ("notify", "waive_rights"):
        C.move_case(case, action, actor=env.officer, on=D(2026, 9, 24))
    assert "已退回承办机构" in _decide_refused(env, case, D(2026, 9, 25))
    monkeypatch.setattr(P, "round_decided_by_disagreement", lambda decided: decided.pk == rnd.pk)
    assert C.do_decide_case(case, actor=env.head, on=D(2026, 9, 28)).status == "decided"


# ---- permissions and the API ------------------------------------------------------------------------------

def test_the_api_walks_a_round_and_another_agency_gets_404(env, db):
    case = concluded(env)
    officer, reviewer, outsider = Client(), Client(), Client()
    officer.force_login(env.officer)
    reviewer.force_login(env.reviewer)
    outsider.force_login(env.outsider)

    def post(c, url, data):
        return c.post(f"/api/v1/reviews/{url}", data, content_type="application/json")

    size = LedgerEntry.objects.count()
    r = post(officer, "", {"case": str(case.pk), "materials": {"report": "provided"}, "on": "2026-09-22"})
    assert r.status_code == 400 and r.json()["code"] == "materials_incomplete" and r.json()["reasons"]
    assert LedgerEntry.objects.count() == size
    r = post(officer, "", {"case": str(case.pk), "materials": PACKAGE, "on": "2026-09-22"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["due"] == "2026-10-13"
    assert post(outsider, f"rounds/{rid}/assign", {"reviewer": env.reviewer.username}).status_code == 404
    assert outsider.get(f"/api/v1/reviews/rounds/{rid}").status_code == 404
    assert outsider.get("/api/v1/reviews/").json() == []
    assert post(officer, f"rounds/{rid}/assign", {"reviewer": env.reviewer.username}).status_code == 403
    r = post(reviewer, f"rounds/{rid}/assign", {"reviewer": env.reviewer.username, "on": "2026-09-22"})
    assert r.status_code == 200 and r.json()["status"] == "in_review"
    r = post(reviewer, f"rounds/{rid}/supplement-request",
             {"items": ["evidence"], "supplement_by": "2026-09-30", "on": "2026-09-24"})
    assert r.status_code == 200 and r.json()["status"] == "supplementing"
    r = post(officer, f"rounds/{rid}/supplement", {"materials": {"evidence": "provided"}, "on": "2026-09-29"})
    assert r.status_code == 200 and r.json()["due"] == "2026-10-15"
    points = {code: {"finding": "lawful"} for code in all_points()}
    assert post(officer, f"rounds/{rid}/checklist", {"points": points}).status_code == 403
    assert post(reviewer, f"rounds/{rid}/checklist", {"points": points}).status_code == 200
    r = post(reviewer, f"rounds/{rid}/opinion", {"kind": "A", "text": "同意"})
    assert r.status_code == 400 and r.json()["field"] == "opinion_kind"
    assert post(officer, f"rounds/{rid}/opinion", {"kind": "agree", "text": "同意"}).status_code == 403
    r = post(reviewer, f"rounds/{rid}/opinion", {"kind": "agree", "text": "同意", "on": "2026-09-30"})
    assert r.status_code == 200 and r.json()["opinion_label"] == "同意案件处理意见"
    review = officer.get(f"/api/v1/reviews/?case={case.pk}").json()
    assert [(x["status"], [y["number"] for y in x["rounds"]]) for x in review] == [("agreed", [1])]
    assert review[0]["rounds"][0]["supplements"][0]["supplied_on"] == "2026-09-29"


def test_the_ledger_verifies_after_a_whole_review(env, db):
    from sanxiang.ledger.verify import Report, _check_objects

    rnd = in_review(env)
    P.do_request_supplement(rnd, items=["draft"], supplement_by=D(2026, 9, 30), actor=env.reviewer, on=D(2026, 9, 23))
    P.do_supplement_materials(rnd, materials=["draft"], actor=env.officer, on=D(2026, 9, 24))
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="agree", text="同意", actor=env.reviewer, on=D(2026, 9, 25))
    report = Report()
    _check_objects(report)
    assert [f for f in report.findings if "review." in str(f)] == []
    assert report.objects > 0


def test_the_gate_on_a_coercion_decision_and_the_emergency_exemption(env, db):
    """株洲: a 行政强制 decision with a major impact on the party needs review (审核范围 3）); a measure
    taken on the spot in an emergency does not wait for it (二（三）4.1）除外; 行政强制法第十九条)."""
    from coercion_cast import on_site, proposed

    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.models import Case

    measure = proposed(env, day=D(2026, 9, 21))
    case = measure.case
    # The handler marks the impact at conclusion; here, as the catalogue reads it, during the investigation.
    Case.objects.filter(pk=case.pk).update(review_flags=["party_major_impact"])
    with pytest.raises(RuleViolation) as caught:
        K.do_approve_measure(measure, actor=env.head, on=D(2026, 9, 21))
    assert "对行政相对人或对社会公共利益有重大影响的行政强制决定" in caught.value.message
    urgent = proposed(env, case=case, day=D(2026, 9, 21))
    K.do_implement_measure(urgent, actor=env.officer, on=D(2026, 9, 21), urgently=True,
                           emergency_reason="当事人正在转移涉案食品", **on_site(case))
    materials = {c: "provided" for c in "ABCDF"}
    rnd = P.do_submit_review(case, kind="coercion", materials=materials, actor=env.officer, on=D(2026, 9, 21))
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=D(2026, 9, 21))
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="A", text="同意查封", actor=env.reviewer, on=D(2026, 9, 22))
    # 株洲's 审核表 is signed through to 局长审批 before the decision (review/flow.py, review.signoff_chain)
    from sanxiang.review.testing import sign_whole_chain

    sign_whole_chain(rnd, head=env.head, on=D(2026, 9, 22))
    assert K.do_approve_measure(measure, actor=env.head, on=D(2026, 9, 22)).status == "approved"


def test_the_queries_for_the_desk_and_the_handling_unit(env, db):
    from sanxiang.review import queries as Q

    waiting = submitted(env)
    mine = in_review(env, on=D(2026, 9, 23))
    queue = list(Q.review_queue(env.reviewer))
    assert waiting in queue and mine in queue and queue.index(waiting) < queue.index(mine)  # due 10-13 before 10-14
    assert list(Q.review_queue(env.outsider)) == []
    P.do_record_checklist(mine, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(mine, kind="investigate", text="补充调查进货来源", actor=env.reviewer, on=D(2026, 9, 24))
    assert [r.pk for r in Q.returned_rounds(env.officer)] == [mine.pk]
    P.do_resubmit_review(mine.review.case, materials=PACKAGE, actor=env.officer, on=D(2026, 9, 28))
    assert list(Q.returned_rounds(env.officer)) == []  # a later round supersedes it
    (review,) = Q.reviews_of_case(env.officer, mine.review.case)
    assert [r.number for r in review.rounds_prefetched] == [1, 2]


def test_the_api_refuses_unknown_fields_and_does_not_tell_of_other_agencies_users(env, db):
    """tester9 12: an unknown body field is 422 in the one error shape, nothing written; 13: naming
    another agency's account answers as for an account that does not exist, with no login shown."""
    case = concluded(env)
    officer, reviewer = Client(), Client()
    officer.force_login(env.officer)
    reviewer.force_login(env.reviewer)

    def post(c, url, data):
        return c.post(f"/api/v1/reviews/{url}", data, content_type="application/json")

    size = (LedgerEntry.objects.count(), ReviewRound.objects.count())
    r = post(officer, "", {"case": str(case.pk), "materials": PACKAGE, "on": "2026-09-22", "bogus": 1})
    assert r.status_code == 422 and "bogus" in r.content.decode() and "code" in r.json()
    assert (LedgerEntry.objects.count(), ReviewRound.objects.count()) == size
    rid = post(officer, "", {"case": str(case.pk), "materials": PACKAGE, "on": "2026-09-22"}).json()["id"]
    assert post(reviewer, f"rounds/{rid}/assign", {"reviewer": env.reviewer.username, "x": 1}).status_code == 422
    stranger = post(reviewer, f"rounds/{rid}/assign", {"reviewer": env.outsider.username})
    nobody = post(reviewer, f"rounds/{rid}/assign", {"reviewer": "no-such-login"})
    assert stranger.status_code == nobody.status_code == 404
    assert stranger.json() == nobody.json() and env.outsider.username not in stranger.content.decode()
    r = post(reviewer, f"rounds/{rid}/assign", {"reviewer": env.reviewer.username, "on": "2026-09-22"})
    assert r.status_code == 200
    far = post(reviewer, f"rounds/{rid}/extension", {"count": 5, "approver": env.outsider.username, "reason": "复杂"})
    assert far.status_code == 404 and env.outsider.username not in far.content.decode()


# ---- defect 9.7: the case's submission states the materials; the legal office assigns ------------------

def test_the_case_submission_requires_the_materials_and_names_no_reviewer(env, db):
    import inspect

    case = concluded(env)
    assert "reviewer" not in inspect.signature(C.do_submit_case_review).parameters
    err = refused(C.do_submit_case_review, case, materials={}, actor=env.officer, on=D(2026, 9, 22))
    assert err.code == "materials_incomplete" and "调查终结报告" in err.message
    rnd = C.do_submit_case_review(case, materials=PACKAGE, actor=env.officer, on=D(2026, 9, 22))
    assert rnd.status == "submitted" and rnd.reviewer_id is None
    assert {m["code"]: m["provided"] for m in rnd.materials}["hearing"] is False
    # 确定审核人员 is the legal office's act, never the submitting officer's
    refused(P.do_assign_reviewer, rnd, reviewer=env.reviewer, actor=env.officer, on=D(2026, 9, 22), error=NotPermitted)


def test_the_cases_api_no_longer_submits_a_review(env, db):
    case = concluded(env)
    client = Client()
    client.force_login(env.officer)
    url = f"/api/v1/cases/{case.pk}/reviews"
    r = client.post(url, {"reviewer": env.reviewer.username}, content_type="application/json")
    assert r.status_code == 405
    assert not ReviewRound.objects.filter(review__case=case).exists()
    assert client.get(url).status_code == 200  # the case's rounds are still listed


# ---- defect 9.16: every track has a maximum; extensions after the first go to 集体讨论; the form lists all --

def test_every_extendable_track_has_a_maximum():
    from sanxiang.review.tracks import Track, tracks_of

    for key in ("national", "zhuzhou-amr", "urumqi-gxq-amr", "quanzhou-licheng-amr", "urumqi-gxq-hrss",
                "pingluo-commerce"):
        for track in tracks_of(key, D(2026, 9, 1)):
            assert track.time_limit_max is not None or not (track.time_limit and track.extension_approver), key
    bad = {"key": "p", "label": "审核", "kinds": ["penalty"], "body": "法制科", "time_limit": {"count": 10, "unit": "workdays"},
           "extension_approver": "负责人", "materials": [{"code": "r", "label": "报告"}],
           "opinion_kinds": [{"code": "agree", "label": "同意"}], "agree": "agree"}
    with pytest.raises(ValueError, match="延期后的审核时限上限"):
        Track.model_validate(bad)


def test_the_penalty_track_extends_once_by_the_leader_then_by_collective_discussion_and_the_form_lists_both(env, db):
    from sanxiang.review.forms import form_values

    leaders = [env.leader, T.member(env.agency, Role.AGENCY_LEADER), T.member(env.agency, Role.AGENCY_LEADER)]
    rnd = P.do_assign_reviewer(submitted(env), reviewer=env.reviewer, actor=env.leader, on=D(2026, 9, 22))
    err = refused(P.do_extend_review, rnd, count=150, approver=env.leader, reason="复杂", actor=env.reviewer,
                  on=D(2026, 9, 24))
    assert err.code == "extension_beyond_maximum" and "上限 20个工作日" in err.message
    rnd = P.do_extend_review(rnd, count=5, approver=env.leader, reason="需鉴定", actor=env.reviewer, on=D(2026, 9, 24))
    err = refused(P.do_extend_review, rnd, count=3, approver=env.leader, reason="仍需时间", actor=env.reviewer,
                  on=D(2026, 9, 25))
    assert err.code == "extension_needs_discussion" and "集体讨论" in err.message
    against = {"held_on": D(2026, 9, 25), "minutes": "局务会议：不同意再延期。",
               "attendees": [{"user": u.pk, "position": p} for u, p in zip(leaders, ("agree", "disagree", "disagree"))]}
    assert "未同意延期" in refused(P.do_extend_review, rnd, count=3, approver=env.leader, reason="仍需时间",
                                  actor=env.reviewer, on=D(2026, 9, 25), discussion=against).message
    agreed = {**against, "minutes": "局务会议：同意延长 3 个工作日。",
              "attendees": [{"user": u.pk, "position": "agree"} for u in leaders[:2]]}
    rnd = P.do_extend_review(rnd, count=3, approver=env.leader, reason="仍需时间", actor=env.reviewer,
                             on=D(2026, 9, 25), discussion=agreed)
    entry = LedgerEntry.objects.filter(action="extend_review").order_by("-index").first()
    assert "局务会议：同意延长 3 个工作日。" in entry.entry
    extension = form_values(rnd.review.case, rnd)["extension"]
    assert "延长5个工作日（需鉴定）" in extension and "延长3个工作日（仍需时间（经2026-09-25负责人集体讨论决定））" in extension


# ---- defect 9.18: the 审核表 records the 集体讨论 that let a decision through ---------------------------------

def test_the_form_records_the_discussion_after_a_negative_opinion(db):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from flow_cast import make_flow_env, opinion, submitted_round

    from sanxiang.review.flow import do_record_collective_discussion
    from sanxiang.review.forms import form_values

    fe = make_flow_env("zhuzhou-amr")
    rnd, day = submitted_round(fe)
    rnd = opinion(fe, rnd, agree=False, day=day)
    assert form_values(rnd.review.case, rnd)["resolution"] == "无"
    do_record_collective_discussion(rnd.review, held_on=day, minutes="局长办公会议：按拟处罚决定作出。",
                                    attendees=[{"user": u.pk, "position": "agree"} for u in fe.leaders[:2]],
                                    outcome="as_proposed", actor=fe.env.leader)
    text = form_values(rnd.review.case, rnd)["resolution"]
    assert "负责人集体讨论" in text and "按承办机构拟作出的决定作出" in text and "局长办公会议" in text
    assert "同意拟作出的决定" in text
