"""The decision gate asks the agency's 法制审核目录清单 in force on the decision date: a 株洲 penalty
in the general procedure is refused without review, naming the plan's rule, until a new version
that drops the rule takes effect — from its date, not before."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach, step  # noqa: E402

from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.core.errors import RuleViolation  # noqa: E402
from sanxiang.review.actions import do_adopt_catalogue_version  # noqa: E402
from sanxiang.review.catalogue import profile_catalogue  # noqa: E402
from sanxiang.review.conditions import rule_data  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

GENERAL = get_table("penalty_general")


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def test_the_gate_follows_the_catalogue_version_of_the_decision_date(env, db):
    case, day = reach(env, GENERAL, "notified")
    step(env, GENERAL, case, "waive_rights", day)
    with pytest.raises(RuleViolation) as refused:
        C.do_decide_case(case, actor=env.head, on=day)
    assert "一般程序行政处罚决定均须法制审核" in refused.value.message
    assert "明确审核范围 1）" in refused.value.message

    statutory_only = [rule_data(r) for r in profile_catalogue("national", dt.date(2026, 9, 1))]
    do_adopt_catalogue_version(env.agency, statutory_only, effective_from="2026-09-20",
                               reason="审核目录修订：行政处罚决定按第五十八条审核", actor=env.reviewer)
    with pytest.raises(RuleViolation) as refused:
        C.do_decide_case(case, actor=env.head, on=dt.date(2026, 9, 19))
    assert "一般程序行政处罚决定均须法制审核" in refused.value.message
    C.do_decide_case(case, actor=env.head, on=dt.date(2026, 9, 20))
    assert case.status == "decided"


# ---- 简易程序: the catalogue's answer and the on-the-spot gate agree (tester9 14; decision 0056) -------

@pytest.mark.parametrize("profile,required", [("zhuzhou-amr", False), ("urumqi-gxq-amr", True)])
def test_an_on_the_spot_penalty_is_gated_exactly_when_the_catalogue_says(profile, required, db):
    """Art.58 is in 第五章第三节 普通程序: a 简易程序 penalty is not reviewed under it (株洲: 简易程序除外).
    An agency whose own list reaches every decision with the flag (乌鲁木齐市场监管 13.) is asked the same
    on the spot as by `review check`."""
    from cases_cast import onsite_case

    from sanxiang.cases.models import Case
    from sanxiang.cases.review_gate import proposal_of, review_required
    from sanxiang.review.determination import check_agency

    env = make_env(profile_key=profile)
    day = dt.date(2026, 9, 29)
    case = onsite_case(env, fine="100", on=day)
    Case.objects.filter(pk=case.pk).update(review_flags=["public_interest"])
    case.refresh_from_db()
    proposal = proposal_of(case)
    assert proposal["procedure"] == "simplified"
    asked = {k: v for k, v in proposal.items() if v is not None}
    assert check_agency(env.agency, {**asked, "party_kind": "person"}, on=day)["required"] is required
    assert review_required(case, proposal, on=day)[0] is required
    simplified = get_table("penalty_simplified")
    if required:
        refused = pytest.raises(RuleViolation, step, env, simplified, case, "decide_on_site", day).value.message
        assert "涉及重大公共利益" in refused
    else:
        assert step(env, simplified, case, "decide_on_site", day).status == "decided"
