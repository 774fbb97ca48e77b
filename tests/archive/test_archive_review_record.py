"""Archive completeness asks the review catalogue (issue 9 §1): a decision that needed a legal review
needs its passed review; a decision that needed none is unaffected."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.archive import casefile
from sanxiang.cases import actions as C
from sanxiang.cases.models import Case, CaseReview
from sanxiang.cases.review_gate import proposal_of
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.parties.actions import do_register_party

DECIDED = dt.date(2026, 3, 2)
REVIEW_ITEM = "法制审核通过的记录（须审核：一般程序行政处罚决定均须法制审核）"


def decided_case(profile):
    """A general-procedure 3,000-yuan fine on a person, recorded as decided (as an import would)."""
    agency = T.agency(profile_key=profile)
    unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
    party = do_register_party(agency, kind="person", name="张三", id_kind="ric", id_number="11010519491231002X",
                              actor=OPERATOR)
    case = C.do_create_case(agency, unit=unit, source="report", cause="销售超过保质期的食品", category="行政处罚",
                            clue_on=dt.date(2026, 1, 5), actor=OPERATOR)
    C.do_add_case_party(case, party, actor=OPERATOR)
    Case.objects.filter(pk=case.pk).update(
        status="decided", proposed_penalties=["fine"], proposed_fine=Decimal("3000"), decided_penalties=["fine"],
        decided_fine=Decimal("3000"), decided_on=DECIDED)
    return Case.objects.get(pk=case.pk)


@pytest.fixture(scope="module")
def cases(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield {"zhuzhou": decided_case("zhuzhou-amr"), "pingluo": decided_case("pingluo-commerce")}
        transaction.set_rollback(True)


def test_a_required_review_must_have_passed(cases, db):
    case = cases["zhuzhou"]
    done = casefile.completeness_of(case, [])
    assert REVIEW_ITEM in done.missing and not done.complete

    reviewer = T.member(case.agency, Role.REVIEWER)
    review = CaseReview.objects.create(case=case, reviewer=reviewer, proposal=proposal_of(case), submitted_on=DECIDED)
    assert REVIEW_ITEM in casefile.completeness_of(case, []).missing  # pending is not passed
    CaseReview.objects.filter(pk=review.pk).update(opinion=CaseReview.PASS, reviewed_on=DECIDED)
    assert REVIEW_ITEM not in casefile.completeness_of(case, []).missing


def test_a_decision_that_needed_no_review_is_unaffected(cases, db):
    done = casefile.completeness_of(cases["pingluo"], [])  # 平罗: 行政处罚法第五十八条 only
    assert not any(item.startswith("法制审核") for item in done.missing + done.unchecked)
