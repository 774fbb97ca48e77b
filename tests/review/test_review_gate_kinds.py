"""The gate on the other decisions: a 株洲 licence decided after a hearing needs a passed review
(审核范围 2）A、B) and follows the other-decisions track (材料 A—G, 意见 A—G); refused before, granted after."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from kinds_cast import make_kinds_env, new_kind_case, step  # noqa: E402

from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.core.errors import RuleViolation  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.testing import all_points, sign_whole_chain  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

D = dt.date
LICENCE = get_table("licence_general")


@pytest.fixture(scope="module")
def zenv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def test_a_licence_after_a_hearing_is_granted_only_after_review(zenv, db):
    from sanxiang.records import catalogue, evidence

    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    step(zenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(zenv, LICENCE, case, "order_hearing", D(2026, 9, 2))
    step(zenv, LICENCE, case, "notify_hearing", D(2026, 9, 3), hearing_on="2026-09-22")
    C.move_case(case, "hold_hearing", actor=zenv.reviewer, on=D(2026, 9, 22), record="听证已举行")
    for missing in catalogue.missing_recordings(case):
        evidence.do_explain_missing_recording(case, missing.occurrence.ref, reason="听证室未配备录像设备，全程书面记录",
                                              actor=zenv.officer)
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as refused:
        step(zenv, LICENCE, case, "grant", D(2026, 9, 23))
    assert "法律、法规、规章规定应当听证的行政许可决定" in refused.value.message
    assert "明确审核范围 2）A" in refused.value.message and LedgerEntry.objects.count() == size
    case.refresh_from_db()
    materials = {c: "provided" for c in "ABCDEF"}  # G (其他材料) not applicable; E: the hearing record
    rnd = P.do_submit_review(case, materials=materials, actor=zenv.officer, on=D(2026, 9, 23))
    assert (rnd.review.track, rnd.review.track_label) == ("major", "重大行政执法决定法制审核")
    assert rnd.due == D(2026, 10, 14)  # 10 working days, 国庆 holidays skipped, 10-10 调休上班 counted
    rnd = P.do_assign_reviewer(rnd, reviewer=zenv.reviewer, actor=zenv.reviewer, on=D(2026, 9, 23))
    P.do_record_checklist(rnd, points=all_points(), actor=zenv.reviewer)
    assert "只能是" in pytest.raises(RuleViolation, P.do_record_opinion, rnd, kind="agree", text="同意",
                                     actor=zenv.reviewer, on=D(2026, 9, 24)).value.message
    P.do_record_opinion(rnd, kind="A", text="同意准予许可", actor=zenv.reviewer, on=D(2026, 9, 24))
    sign_whole_chain(rnd, head=zenv.head, on=D(2026, 9, 24))  # 株洲's 审核表 through 局长审批 (review/flow.py)
    case.refresh_from_db()
    assert step(zenv, LICENCE, case, "grant", D(2026, 9, 24)).status == "granted"
