"""A 集体讨论 attaches to the round it discusses (decision 0075, issue 9 leftovers #3): a review that holds
several decisions (a coercion case's measures, a licence's later decisions) may have several rounds with
an opinion at once — the user names the round (page: the round's own page; API: `round`), never the
latest by default; and the gate of each decision reads the discussion of its own round (0067)."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from test_gate_reads_its_own_round import _discuss, _return

from sanxiang.core.errors import RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review import flow as F
from sanxiang.review import procedure as P

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

D = dt.date
MATS = {c: "provided" for c in "ABCDF"}


def _two_measures():
    from cases_cast import make_env
    from coercion_cast import proposed

    from sanxiang.cases.models import Case
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    env = make_env(profile_key="zhuzhou-amr")
    leaders = [env.leader, T.member(env.agency, Role.AGENCY_LEADER), T.member(env.agency, Role.AGENCY_LEADER)]
    m1 = proposed(env, day=D(2026, 9, 21))
    case = m1.case
    Case.objects.filter(pk=case.pk).update(review_flags=["party_major_impact"])
    r1 = P.do_submit_review(case, kind="coercion", measure=m1, materials=MATS, actor=env.officer, on=D(2026, 9, 21))
    m2 = proposed(env, case=case, kind="seize", day=D(2026, 9, 22), items=2)
    r2 = P.do_submit_review(case, kind="coercion", measure=m2, materials=MATS, actor=env.officer, on=D(2026, 9, 22))
    return env, leaders, (m1, r1), (m2, r2)


def _attendees(leaders):
    return [{"user": u.pk, "position": "agree", "text": "同意"} for u in leaders]


def test_with_two_rounds_discussable_the_user_must_name_one(db):
    env, leaders, (m1, r1), (m2, r2) = _two_measures()
    r1 = _return(r1, "C", reviewer=env.reviewer, on=D(2026, 9, 22))
    r2 = _return(r2, "C", reviewer=env.reviewer, on=D(2026, 9, 22))
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match="请选择集体讨论的是哪一轮") as refused:
        F.do_record_collective_discussion(r1.review, held_on=D(2026, 9, 23), attendees=_attendees(leaders),
                                          outcome="as_proposed", minutes="同意", actor=leaders[0])
    assert refused.value.field == "round" and "第1轮" in refused.value.message and "第2轮" in refused.value.message
    assert LedgerEntry.objects.count() == before
    row = _discuss(r1, leaders, D(2026, 9, 23))  # the earlier round, by name
    assert row.round_id == r1.pk
    from sanxiang.cases.kinds import coercion as K

    m1.refresh_from_db()
    assert K.do_approve_measure(m1, actor=env.head, on=D(2026, 9, 24)).status == "approved"
    m2.refresh_from_db()
    with pytest.raises(RuleViolation, match="已退回承办机构"):
        K.do_approve_measure(m2, actor=env.head, on=D(2026, 9, 24))


def test_a_later_open_round_does_not_hide_an_earlier_returned_one(db):
    """Before: the latest round (another measure's, still 审核中) made every discussion impossible."""
    env, leaders, (m1, r1), (m2, r2) = _two_measures()
    r1 = _return(r1, "C", reviewer=env.reviewer, on=D(2026, 9, 22))
    row = F.do_record_collective_discussion(r1.review, held_on=D(2026, 9, 23), attendees=_attendees(leaders),
                                            outcome="as_proposed", minutes="同意", actor=leaders[0])
    assert row.round_id == r1.pk


@pytest.mark.parametrize("number, words", [(7, "本审核没有第7轮"), (2, "第2轮不能集体讨论"), ("x", "请选择审核轮次")])
def test_a_round_that_cannot_be_discussed_is_refused(db, number, words):
    env, leaders, (m1, r1), (m2, r2) = _two_measures()
    r1 = _return(r1, "C", reviewer=env.reviewer, on=D(2026, 9, 22))  # r2 still 审核中
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match=words):
        F.do_record_collective_discussion(r1.review, held_on=D(2026, 9, 23), attendees=_attendees(leaders),
                                          outcome="as_proposed", minutes="同意", actor=leaders[0], round=number)
    assert LedgerEntry.objects.count() == before


def test_the_api_takes_the_round_and_the_page_offers_the_form_on_each_discussable_round(db, client):
    import json

    env, leaders, (m1, r1), (m2, r2) = _two_measures()
    r1 = _return(r1, "C", reviewer=env.reviewer, on=D(2026, 9, 22))
    r2 = _return(r2, "C", reviewer=env.reviewer, on=D(2026, 9, 22))
    client.force_login(leaders[0])
    for rnd in (r1, r2):  # the earlier round's page offers it too (it was only on the latest)
        page = client.get(f"/review/rounds/{rnd.pk}/").content.decode()
        assert f"/review/rounds/{rnd.pk}/discuss/" in page, rnd.number
    url = f"/api/v1/reviews/{r1.review.pk}/collective-discussions"
    body = {"held_on": "2026-09-23", "outcome": "as_proposed", "minutes": "同意",
            "attendees": [{"username": u.username, "position": "agree", "text": "同意"} for u in leaders]}
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "round"
    made = client.post(url, json.dumps({**body, "round": 1}), content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["round"] == 1
