"""The review tracks per agency (table-driven, with the dates the plans took effect), every (state,
action) pair of the round table, a random walk over it (hypothesis), the clock warnings job and the
gate's reading of a legacy `CaseReview`."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach  # noqa: E402

from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.cases.models import CaseReview  # noqa: E402
from sanxiang.cases.review_gate import passed_review, proposal_of, review_problem  # noqa: E402
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation  # noqa: E402
from sanxiang.deadlines.models import Obligation  # noqa: E402
from sanxiang.ledger import verify  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402
from sanxiang.profiles.registry import get_profile  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.flow import do_sign_off  # noqa: E402
from sanxiang.review.models import ReviewRound  # noqa: E402
from sanxiang.review.testing import all_points  # noqa: E402
from sanxiang.review.tracks import parse_tracks, track_for, tracks_of  # noqa: E402
from sanxiang.review.workflows import REVIEW_ROUND  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

D = dt.date
GENERAL = get_table("penalty_general")
PACKAGE = {"report": "provided", "draft": "provided", "evidence": "provided"}
DAY = D(2026, 9, 22)


# ---- tracks ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile, kind, on, track, limit, maximum, approver, agree, form", [
    ("zhuzhou-amr", "penalty", D(2026, 9, 1), "penalty", (10, "workdays"), (20, "workdays"), "市场监督管理部门负责人", "agree",
     "案件审核表"),
    ("zhuzhou-amr", "licence", D(2026, 9, 1), "major", (10, "workdays"), (20, "workdays"), "分管局领导", "A",
     "重大行政执法决定法制审核表"),
    ("zhuzhou-amr", "coercion", D(2026, 9, 1), "major", (10, "workdays"), (20, "workdays"), "分管局领导", "A",
     "重大行政执法决定法制审核表"),
    ("zhuzhou-amr", "penalty", D(2021, 4, 18), "general", None, None, None, "agree", None),  # before the plan
    ("urumqi-gxq-amr", "penalty", D(2026, 9, 1), "penalty", (10, "workdays"), (20, "workdays"), "市场监督管理部门负责人", "agree",
     "行政处罚案件有关事项审批表"),
    ("urumqi-gxq-amr", "licence", D(2026, 9, 1), "major", None, None, None, "agree", None),
    ("urumqi-gxq-hrss", "labour_inspection", D(2026, 9, 1), "general", None, None, None, "pass", None),
    ("quanzhou-licheng-amr", "penalty", D(2026, 9, 1), "penalty", (10, "workdays"), (20, "workdays"), "市场监督管理部门负责人",
     "agree", "案件审核表"),
    ("pingluo-commerce", "penalty", D(2026, 9, 1), "general", None, None, None, "agree", None),
])
def test_the_track_of_each_agency(profile, kind, on, track, limit, maximum, approver, agree, form):
    t = track_for(profile, kind, on)
    assert t.key == track and t.agree == agree and t.form == form and t.extension_approver == approver
    assert (t.time_limit.count, t.time_limit.unit) == limit if limit else t.time_limit is None
    assert (t.time_limit_max.count, t.time_limit_max.unit) == maximum if maximum else t.time_limit_max is None


def test_urumqi_amr_may_record_the_penalty_review_in_the_internal_form():
    assert track_for("urumqi-gxq-amr", "penalty").internal_form
    assert not track_for("zhuzhou-amr", "penalty").internal_form


@pytest.mark.parametrize("profile", ["national", "zhuzhou-amr", "urumqi-gxq-amr", "urumqi-gxq-hrss",
                                     "quanzhou-licheng-amr", "pingluo-commerce"])
def test_every_kind_has_a_track_and_the_tracks_agree_with_the_older_values(profile):
    from sanxiang.review.conditions import Kind

    profile_ = get_profile(profile)
    for kind in Kind.__args__:
        assert track_for(profile, kind) is not None, kind
    for t in tracks_of(profile):
        assert t.body  # every track names its reviewing body
    major = track_for(profile, "licence")
    value = profile_.value("review.time_limit")
    assert (major.time_limit.model_dump() if major.time_limit else None) == value
    assert [m.code for m in major.materials] == [i["code"] for i in profile_.value("review.submission_package")]
    assert [(o.code, o.label) for o in major.opinion_kinds] == [
        (i["code"], i["label"]) for i in profile_.value("review.opinion_kinds")]
    assert track_for(profile, "penalty").return_grounds == profile_.value("review.return_grounds")
    penalty_limit = profile_.value("review.penalty_time_limit")
    got = track_for(profile, "penalty").time_limit
    assert (got.model_dump() if got else None) == penalty_limit


@pytest.mark.parametrize("bad, message", [
    ([{"key": "x", "label": "x", "kinds": ["penalty"], "body": "b", "materials": [],
       "opinion_kinds": [{"code": "a", "label": "同意"}], "agree": "b"}], "不在审核意见种类中"),
    ([{"key": "x", "label": "x", "kinds": ["penalty"], "body": "b", "materials": [],
       "opinion_kinds": [{"code": "a", "label": "同意"}], "agree": "a",
       "time_limit": {"count": 20, "unit": "workdays"}, "time_limit_max": {"count": 10, "unit": "workdays"},
       "extension_approver": "局长"}], "不能短于"),
    ([{"key": "x", "label": "x", "kinds": ["fishing"], "body": "b", "materials": [],
       "opinion_kinds": [{"code": "a", "label": "同意"}], "agree": "a"}], "kinds"),
    ([{"key": "x", "label": "x", "kinds": ["penalty"], "body": "b", "materials": [], "extra": 1,
       "opinion_kinds": [{"code": "a", "label": "同意"}], "agree": "a"}], "extra"),
])
def test_a_malformed_track_is_refused(bad, message):
    with pytest.raises(ValueError) as refused:
        parse_tracks(bad)
    assert message in str(refused.value)


# ---- every (state, action) pair ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def round_in(env, state):
    case, _ = reach(env, GENERAL, "concluded")
    rnd = P.do_submit_review(case, materials=PACKAGE, actor=env.officer, on=DAY)
    if state == "submitted":
        return rnd
    if state == "withdrawn":
        return P.do_withdraw_review(rnd, reason="拟改变处理意见", actor=env.head, on=DAY)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=DAY)
    if state == "supplementing":
        P.do_request_supplement(rnd, items=["evidence"], supplement_by=D(2026, 9, 30), actor=env.reviewer, on=DAY)
    if state in ("agreed", "returned"):
        P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
        P.do_record_opinion(rnd, kind="agree" if state == "agreed" else "correct", text="意见", actor=env.reviewer,
                            on=DAY)
    rnd.refresh_from_db()
    assert rnd.status == state
    return rnd


def act(env, rnd, action):
    if action in ("agree", "send_back") and rnd.status == "in_review":
        P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    calls = {
        "assign": lambda: P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=DAY),
        "request_supplement": lambda: P.do_request_supplement(rnd, items=["draft"], supplement_by=D(2026, 9, 30),
                                                              actor=env.reviewer, on=DAY),
        "supplement": lambda: P.do_supplement_materials(rnd, materials=["evidence"], actor=env.officer, on=DAY),
        "agree": lambda: P.do_record_opinion(rnd, kind="agree", text="同意", actor=env.reviewer, on=DAY),
        "send_back": lambda: P.do_record_opinion(rnd, kind="investigate", text="补充调查", actor=env.reviewer, on=DAY),
        "withdraw": lambda: P.do_withdraw_review(rnd, reason="撤回", actor=env.head, on=DAY),
        # 签批不同意 (review/flow.py): the handling unit's head refuses the chain's first step
        "refuse_signoff": lambda: do_sign_off(rnd, "handling_head", approved=False, opinion="不同意送审", on=DAY,
                                              actor=env.head),
    }
    return calls[action]()


@pytest.mark.parametrize("state", list(REVIEW_ROUND.states))
def test_every_pair_of_the_round_table(env, db, state):
    rnd = round_in(env, state)
    for action in REVIEW_ROUND.actions():
        move = REVIEW_ROUND.find(state, action)
        with transaction.atomic():
            before = (LedgerEntry.objects.count(), ReviewRound.objects.get(pk=rnd.pk).ledger_digest())
            fresh = ReviewRound.objects.get(pk=rnd.pk)
            if move is None:
                with pytest.raises((RuleViolation, NotPermitted)):
                    act(env, fresh, action)
                assert (LedgerEntry.objects.count(), ReviewRound.objects.get(pk=rnd.pk).ledger_digest()) == before
            else:
                act(env, fresh, action)
                assert ReviewRound.objects.get(pk=rnd.pk).status == move.target
            transaction.set_rollback(True)


# ---- a random walk -----------------------------------------------------------------------------------------

WALK = settings(max_examples=5, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MOVES = ["assign", "request_supplement", "supplement", "agree", "send_back", "withdraw", "resubmit", "decide"]


@WALK
@given(st.data())
def test_random_walks_keep_the_clock_the_rounds_and_the_gate_consistent(env, db, data):
    case, _ = reach(env, GENERAL, "concluded")
    P.do_submit_review(case, materials=PACKAGE, actor=env.officer, on=DAY)
    for _ in range(10):
        rnd = P.latest_round_of(case, "penalty")
        move = data.draw(st.sampled_from(MOVES))
        before = LedgerEntry.objects.count()
        try:
            if move == "resubmit":
                P.do_resubmit_review(case, materials=PACKAGE, actor=env.officer, on=DAY)
            elif move == "decide":
                case.refresh_from_db()
                assert review_problem(case, proposal_of(case), on=DAY) is None
                assert rnd.status == "agreed"
                continue
            else:
                act(env, rnd, move)
        except (RuleViolation, NotPermitted, Conflict, AssertionError) as refused:
            if isinstance(refused, AssertionError):
                assert rnd.status != "agreed"  # the gate refuses exactly when the latest round is not agreed
                continue
            # a checklist recorded before a refused opinion is its own act; nothing else was written
            assert LedgerEntry.objects.count() - before <= 1
        rnd = P.latest_round_of(case, "penalty")
        ob = Obligation.objects.get(object_type="review.reviewround", object_id=str(rnd.pk))
        assert ob.paused == (rnd.status == "supplementing")
        assert (ob.status == "open") == (rnd.status in P.OPEN_ROUND)
        assert rnd.review.status == P.ROUND_TO_REVIEW[rnd.status]
        case.refresh_from_db()
        assert (passed_review(case, proposal_of(case)) is not None) == (rnd.status == "agreed")
    assert verify.run().ok


# ---- the warnings job ----------------------------------------------------------------------------------------

def test_the_job_marks_rounds_yellow_then_red(env, db, monkeypatch):
    from django.utils import timezone

    from sanxiang.review import tasks

    rnd = round_in(env, "in_review")  # due 2026-10-13
    for today, level in ((D(2026, 9, 30), ""), (D(2026, 10, 9), "yellow"), (D(2026, 10, 14), "red")):
        monkeypatch.setattr(timezone, "localdate", lambda today=today: today)
        result = tasks.review_clock_warnings.call()
        rnd.refresh_from_db()
        assert rnd.warning == level, today
        assert (result["yellow"], result["red"]) == (level == "yellow", level == "red")
    P.do_request_supplement(rnd, items=["draft"], supplement_by=D(2026, 10, 20), actor=env.reviewer,
                            on=D(2026, 10, 14))
    tasks.review_clock_warnings.call()
    rnd.refresh_from_db()
    assert rnd.warning == ""  # paused: no warning while the materials are being supplemented


def test_the_time_to_supplement_is_the_handling_units_deadline_with_warnings(env, db, monkeypatch):
    """退回补充材料's 补交期限 opens the deadline 法制审核补充材料期限 of the handling unit; the job
    `review_supplement_warnings` warns yellow, then red; the materials met it, a withdrawal waives it."""
    from django.utils import timezone

    from sanxiang.review import tasks
    from sanxiang.review.workflows import SUPPLEMENT_CLOCK

    rnd = round_in(env, "in_review")
    ask = P.do_request_supplement(rnd, items=["draft"], supplement_by=D(2026, 10, 20), actor=env.reviewer,
                                  on=D(2026, 9, 24))
    ob = Obligation.objects.get(object_type="review.reviewsupplement", object_id=str(ask.pk), kind=SUPPLEMENT_CLOCK)
    case = rnd.review.case
    assert (ob.status, ob.start, ob.due) == ("open", D(2026, 9, 24), D(2026, 10, 20))
    assert list(ob.responsible_units.all()) == [case.unit] and ob.bearer == "agency"
    for today, level in ((D(2026, 9, 30), ""), (D(2026, 10, 19), "yellow"), (D(2026, 10, 21), "red")):
        monkeypatch.setattr(timezone, "localdate", lambda today=today: today)
        result = tasks.review_supplement_warnings.call()
        ask.refresh_from_db()
        assert ask.warning == level, today
        assert (result["yellow"], result["red"]) == (level == "yellow", level == "red")
    from sanxiang.review.hooks import returned_panel

    panel = returned_panel(type("Request", (), {"user": env.officer})())
    assert {"label": "补交材料逾期", "count": 1, "level": "red", "anchor": "review-returned-panel"} in panel["counts"]
    P.do_supplement_materials(rnd, materials=["draft"], actor=env.officer, on=D(2026, 10, 21))
    ob.refresh_from_db()
    assert ob.status == "met"
    tasks.review_supplement_warnings.call()
    ask.refresh_from_db()
    assert ask.warning == ""
    # asked again, then withdrawn: the time to supplement is no longer owed
    monkeypatch.setattr(timezone, "localdate", lambda: D(2026, 10, 23))
    again = P.do_request_supplement(rnd, items=["draft"], supplement_by=D(2026, 10, 30), actor=env.reviewer,
                                    on=D(2026, 10, 22))
    P.do_withdraw_review(rnd, reason="拟作出的决定另行调整", actor=env.head, on=D(2026, 10, 23))
    ob = Obligation.objects.get(object_type="review.reviewsupplement", object_id=str(again.pk))
    assert ob.status == "waived"


# ---- legacy reviews ---------------------------------------------------------------------------------------------

def test_a_case_reviewed_before_the_procedure_keeps_its_review(env, db):
    from sanxiang.ledger.actions import append_entry

    case, _ = reach(env, GENERAL, "concluded")
    for action in ("notify", "waive_rights"):
        C.move_case(case, action, actor=env.officer, on=D(2026, 9, 7))
    legacy = CaseReview.objects.create(case=case, reviewer=env.reviewer, proposal=proposal_of(case),
                                       submitted_on=D(2026, 9, 7), opinion="pass", reviewed_on=D(2026, 9, 8))
    append_entry(action="record_case_review", actor=env.reviewer, obj=legacy, payload={"opinion": "pass"})
    assert passed_review(case, proposal_of(case)) == legacy
    assert C.do_decide_case(case, actor=env.head, on=D(2026, 9, 9)).status == "decided"
