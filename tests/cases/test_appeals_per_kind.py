"""复议/诉讼 on every kind of decision the law lets a party challenge (s23 notices10, decision 0083): 行政复议法
2023 第十一条 and 行政诉讼法第十二条 name 行政许可 (granted or refused) beside 行政处罚; 确认/裁决 and 劳动保障监察's
decisions are challenged too. Before, a licence case could not record one (its states were not in `APPEALABLE`),
so a licence revoked by 复议 could not withdraw its publication. Each kind: the appeal is recorded, the case shows
复议/诉讼中, and an outcome that revokes the decision takes its publication down as for a penalty (the open
obligation is voided — 决定已撤销，不再公示 — and the 撤下已公开决定 deadline opens)."""

import datetime as dt

import pytest
from django.db import transaction
from kinds_cast import make_kinds_env, new_kind_case, step

from sanxiang.cases import actions as C
from sanxiang.cases.models import Case
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.publicity.models import PublicationObligation
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
D0 = dt.date(2026, 9, 1)


@pytest.fixture(scope="module")
def kenv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="urumqi-gxq-hrss")
        transaction.set_rollback(True)


def walk(kenv, kind, moves, *, on_the_spot=False):
    table = get_table(f"{kind}_general")
    case = new_kind_case(kenv, kind, on=D0, on_the_spot=on_the_spot)
    for action in moves:
        case = step(kenv, table, case, action, D0)
    return Case.objects.get(pk=case.pk)


# (kind, the moves that reach the decision, the state reached, on the spot)
DECIDED = [
    ("licence", ["decide_on_the_spot"], "granted", True),  # 准予许可（待发证）
    ("licence", ["decide_on_the_spot", "issue_certificate"], "licensed", True),  # 已发证
    ("licence", ["accept", "start_review", "refuse"], "refused", False),  # 不予许可
    ("licence", ["accept", "start_review", "refuse", "serve"], "served", False),
    ("confirmation", ["accept", "start_review", "make_decision"], "decided", False),
    ("adjudication", ["accept", "start_review", "make_decision"], "decided", False),
]


@pytest.mark.parametrize("kind, moves, reached, on_the_spot", DECIDED)
def test_an_appeal_is_recorded_and_a_revoking_outcome_withdraws_the_publication(kenv, kind, moves, reached,
                                                                                 on_the_spot):
    case = walk(kenv, kind, moves, on_the_spot=on_the_spot)
    assert case.status == reached and case.decided_on == D0
    opened = list(PublicationObligation.objects.filter(case=case, status="open"))
    assert opened, (kind, reached)  # every one of these decisions is published (事后公开)
    appeal = C.do_record_case_appeal(case, kind="reconsideration", body="乌鲁木齐市人民政府",
                                     applied_on=D0 + dt.timedelta(days=3), actor=kenv.officer)
    assert Case.objects.get(pk=case.pk).appeal_pending
    C.do_decide_case_appeal(appeal, outcome="revoked", decided_on=D0 + dt.timedelta(days=20), actor=kenv.officer)
    case.refresh_from_db()
    assert not case.appeal_pending
    # the withdrawal follows as for a penalty: nothing of it is published any more
    for ob in opened:
        ob.refresh_from_db()
        assert ob.status == "voided", (kind, reached)
    assert Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=C.WITHDRAWAL).exists()


def test_a_licence_grant_opens_a_publication_the_revocation_voids(kenv):
    """The licence row of the table above is not vacuous: the grant opens its publication obligation."""
    case = walk(kenv, "licence", ["decide_on_the_spot"], on_the_spot=True)
    assert PublicationObligation.objects.filter(case=case, status="open").exists()


def test_before_the_decision_no_appeal_and_the_message_names_the_decision(kenv):
    case = walk(kenv, "licence", ["accept", "start_review"])
    with pytest.raises(RuleViolation) as error:
        C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=D0, actor=kenv.officer)
    assert "尚未作出决定" in error.value.message
    granted = walk(kenv, "licence", ["decide_on_the_spot"], on_the_spot=True)
    with pytest.raises(RuleViolation) as error:
        C.do_record_case_appeal(granted, kind="litigation", body="某区人民法院", applied_on=D0 - dt.timedelta(days=1),
                                actor=kenv.officer)
    assert "早于许可决定日期" in error.value.message


# ---- 行政强制措施 (行政复议法第十一条第二项, 行政诉讼法第十二条第二项): challenged on its own, during the case ----------

def measure_obligations(m):
    return PublicationObligation.objects.filter(decision_key__startswith=f"cases.coercivemeasure:{m.pk}:")


def test_a_coercive_measure_is_challenged_and_its_revocation_takes_down_only_its_publication(env):
    from coercion_cast import START, in_force, investigating, proposed

    case = investigating(env)
    challenged, other = in_force(env, case), in_force(env, case)
    assert measure_obligations(challenged).filter(status="open").exists()
    with pytest.raises(RuleViolation) as error:  # the case itself has no decision yet
        C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=START, actor=env.officer)
    assert "尚未作出决定" in error.value.message
    with pytest.raises(RuleViolation) as error:  # a measure not taken is no act to challenge
        C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=START,
                                measure=proposed(env, case), actor=env.officer)
    assert "尚未实施" in error.value.message
    appeal = C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=START + dt.timedelta(days=2),
                                     measure=challenged.pk, actor=env.officer)
    assert appeal.measure == challenged and Case.objects.get(pk=case.pk).appeal_pending
    C.do_decide_case_appeal(appeal, outcome="confirmed_illegal", decided_on=START + dt.timedelta(days=30),
                            actor=env.officer)
    assert measure_obligations(challenged).get().status == "voided"
    assert measure_obligations(other).get().status == "open"  # the other measure still stands
    assert not Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=C.REMAKING).exists()
    assert appeal.ledger_state()["measure_id"] == challenged.pk


def test_an_appeal_of_the_decision_keeps_the_digest_it_was_ledgered_with_before_cases_0011(env):
    """`sanxiang verify` compares each row with its last ledgered digest: an appeal recorded before the measure
    field existed must not read as changed after the upgrade."""
    from sanxiang.cases.models import CaseAppeal

    state = CaseAppeal(case_id=1, kind="reconsideration", body="某市人民政府", applied_on=dt.date(2026, 9, 1)).ledger_state()
    assert "measure_id" not in state and "case_id" in state


def test_the_case_page_offers_the_measure_and_the_api_takes_it(env, client):
    import json

    from coercion_cast import START, in_force, investigating

    case = investigating(env)
    m = in_force(env, case)
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "登记行政复议或行政诉讼" in page and f'value="{m.pk}"' in page and "不服的行为" in page
    answer = client.post(f"/api/v1/cases/{case.pk}/appeals", json.dumps(
        {"kind": "reconsideration", "body": "某市人民政府", "applied_on": str(START), "measure_id": m.pk}),
        content_type="application/json")
    assert answer.status_code == 201, answer.content.decode()
    assert answer.json()["measure_id"] == m.pk
    listed = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"行政复议（不服{m.get_kind_display()}措施，{m.implemented_on:%Y-%m-%d} 实施）" in listed
