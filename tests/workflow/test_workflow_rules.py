"""apply() and available(): who may, stale copies, inputs, guards, and the deadlines a
transition opens and meets — each refusal in Chinese, with nothing written."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from workflow_cast import entries, new_certificate, new_obligation, reloaded

from sanxiang.access.actors import JOBS
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.deadlines.actions import do_pause_obligation, seed_calendar
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.errors import OrgsPermissionDenied
from sanxiang.orgs.models import Certificate, CertificateStatus, Role
from sanxiang.orgs.workflows import CERTIFICATE
from sanxiang.workflow import Opens, Param, Table, Transition, apply, available, obligations_met

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    agency, other = T.agency(), T.agency()
    return {
        "agency": agency,
        "admin": T.member(agency, Role.ADMINISTRATOR),
        "officer": T.member(agency, Role.OFFICER),
        "unit_head": T.member(agency, Role.UNIT_HEAD),
        "leader": T.member(agency, Role.AGENCY_LEADER),
        "foreign_admin": T.member(other, Role.ADMINISTRATOR),
        "former_admin": T.member(agency, Role.ADMINISTRATOR, valid_to=dt.date(2021, 1, 1)),
        "anonymous": AnonymousUser(),
    }


def unchanged(obj, before):
    return reloaded(obj).ledger_digest() == before[0] and LedgerEntry.objects.count() == before[1]


def snapshot(obj):
    return reloaded(obj).ledger_digest(), LedgerEntry.objects.count()


# ---- permission ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["officer", "foreign_admin", "former_admin", "anonymous", "leader"])
def test_only_the_agency_administrator_may_change_a_certificate(cast, who):
    cert = new_certificate(cast["agency"])
    before = snapshot(cert)
    with pytest.raises(NotPermitted) as refused:
        apply(cert, "suspend", actor=cast[who], reason="调查")
    assert refused.value.message == (f"只有“{cast['agency'].name}”的管理员或系统管理员可以对执法证 {cert.number} "
                                     "执行“暂扣”。")
    assert unchanged(cert, before)
    with pytest.raises(OrgsPermissionDenied):  # the orgs action says the same, as an orgs error
        A.do_suspend_certificate(cert, reason="调查", actor=cast[who])
    assert unchanged(cert, before)


@pytest.mark.parametrize("who,name", [("admin", None), ("superuser", None), ("jobs", "system:jobs")])
def test_the_administrator_a_system_administrator_and_the_system_may(cast, who, name):
    actor = {"admin": cast["admin"], "jobs": JOBS,
             "superuser": get_user_model().objects.create_superuser("root", password="x" * 12)}[who]
    cert = new_certificate(cast["agency"])
    apply(cert, "suspend", actor=actor, reason="  调查期间暂扣  ")
    last = entries(cert).last()
    assert (last.action, last.actor, last.agency) == ("suspend_certificate", name or actor.username,
                                                      cast["agency"].code)
    payload = json.loads(last.entry)["payload"]
    assert payload == {"from": "valid", "to": "suspended", "number": cert.number, "status": "suspended",
                       "reason": "调查期间暂扣"}


def test_permission_is_checked_before_the_state_so_an_outsider_learns_nothing(cast):
    cert = new_certificate(cast["agency"])
    with pytest.raises(NotPermitted):
        apply(cert, "reinstate", actor=cast["officer"], reason="x")  # not allowed from 有效 either


def test_obligation_roles(cast):
    ob = new_obligation(cast["agency"])
    for who, action, params in [("officer", "meet", {}), ("unit_head", "waive", {"reason": "撤案"}),
                                ("admin", "mark_overdue", {})]:
        before = snapshot(ob)
        with pytest.raises(NotPermitted):
            apply(ob, action, actor=cast[who], **params)
        assert unchanged(ob, before)
    with pytest.raises(NotPermitted, match="“标记超期”只能由系统执行。"):
        apply(ob, "mark_overdue", actor=cast["leader"])
    apply(ob, "meet", actor=cast["unit_head"])
    assert reloaded(ob).status == Obligation.MET and entries(ob).last().actor == cast["unit_head"].username


# ---- available() agrees with apply() --------------------------------------------------------------

def certificate_in(agency, state):
    cert = new_certificate(agency)
    for action in CERTIFICATE.paths()[state]:
        apply(cert, action, actor=JOBS, reason="准备")
    return cert


@pytest.mark.parametrize("state", list(CERTIFICATE.states))
@pytest.mark.parametrize("who", ["admin", "officer", "foreign_admin", "anonymous"])
def test_available_offers_only_what_apply_accepts(cast, state, who):
    for transition in CERTIFICATE.from_state(state):
        cert = certificate_in(cast["agency"], state)
        options = available(cert, cast[who])
        assert [o.action for o in options] == [t.action for t in CERTIFICATE.from_state(state)]
        option = {o.action: o for o in options}[transition.action]
        if option.allowed:
            apply(cert, option.action, actor=cast[who], reason="依法处理")
            assert reloaded(cert).status == transition.target
        else:
            before = snapshot(cert)
            with pytest.raises((NotPermitted, RuleViolation)) as refused:
                apply(cert, option.action, actor=cast[who], reason="依法处理")
            assert refused.value.message == option.reason
            assert unchanged(cert, before)
    if not CERTIFICATE.from_state(state):
        assert available(certificate_in(cast["agency"], state), cast[who]) == []


def test_available_for_an_officer_says_why_not(cast):
    cert = new_certificate(cast["agency"])
    options = {o.label: o for o in available(cert, cast["officer"])}
    assert set(options) == {"暂扣", "吊销", "到期失效"}
    assert not any(o.allowed for o in options.values())
    assert "管理员" in options["暂扣"].reason
    admin_options = available(cert, cast["admin"])
    assert all(o.allowed and not o.reason for o in admin_options)


def test_guards_speak_in_available_and_apply(cast):
    ob = new_obligation(cast["agency"])
    do_pause_obligation(ob, start=dt.date(2025, 1, 4), reason="听证", actor=JOBS)
    ob.refresh_from_db()
    mark = {o.action: o for o in available(ob, JOBS)}["mark_overdue"]
    assert not mark.allowed and "中止计时" in mark.reason
    before = snapshot(ob)
    with pytest.raises(RuleViolation) as refused:
        apply(ob, "mark_overdue", actor=JOBS)
    assert refused.value.message == mark.reason and refused.value.reasons == [mark.reason]
    assert unchanged(ob, before)

    fresh = new_obligation(cast["agency"], start=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(RuleViolation, match="尚未超期"):
        apply(fresh, "mark_overdue", actor=JOBS)

    late = new_obligation(cast["agency"])
    apply(late, "mark_overdue", actor=JOBS)
    with pytest.raises(RuleViolation, match="仍属超期"):
        apply(late, "reopen", actor=JOBS)
    apply(late, "reopen", actor=JOBS, today=dt.date(2025, 1, 3))
    assert late.status == Obligation.OPEN


# ---- stale copies ---------------------------------------------------------------------------------

def test_two_copies_the_second_gets_a_conflict_not_a_lost_update(cast):
    cert = new_certificate(cast["agency"])
    first, second = Certificate.objects.get(pk=cert.pk), Certificate.objects.get(pk=cert.pk)
    apply(first, "suspend", actor=cast["admin"], reason="调查")
    before = snapshot(cert)
    with pytest.raises(Conflict) as conflict:
        apply(second, "revoke", actor=cast["admin"], reason="违法")
    assert conflict.value.status == 409
    assert conflict.value.message == (f"执法证 {cert.number} 的状态已被他人改为“已暂扣”（您看到的是“有效”），"
                                      "请刷新后重试。")
    assert unchanged(cert, before) and reloaded(cert).status == CertificateStatus.SUSPENDED
    second.refresh_from_db()
    apply(second, "revoke", actor=cast["admin"], reason="违法")
    assert [e.action for e in entries(cert)] == ["issue_certificate", "suspend_certificate", "revoke_certificate"]


# ---- inputs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("params,message", [
    ({}, "原因不能为空。"),
    ({"reason": "   "}, "原因不能为空。"),
    ({"reason": 12}, "原因必须是文字。"),
    ({"reason": "长" * 501}, "原因过长（最多 500 字）。"),
    ({"reason": "调查", "until": "2030-01-01"}, "“暂扣”不接受以下输入：until。"),
])
def test_bad_inputs_are_refused_and_nothing_written(cast, params, message):
    cert = new_certificate(cast["agency"])
    before = snapshot(cert)
    with pytest.raises(RuleViolation) as refused:
        apply(cert, "suspend", actor=cast["admin"], **params)
    assert refused.value.message == message
    assert unchanged(cert, before)


def test_an_unknown_action_is_refused(cast):
    cert = new_certificate(cast["agency"])
    with pytest.raises(RuleViolation, match="“执法证状态”没有“destroy”这一操作。"):
        apply(cert, "destroy", actor=JOBS)


def test_the_orgs_wrappers_keep_their_errors(cast):
    from sanxiang.orgs.errors import OrgsError

    cert = new_certificate(cast["agency"])
    A.do_revoke_certificate(cert, reason="违法", actor=cast["admin"])
    with pytest.raises(OrgsError, match="执法证 .* 的当前状态为“已吊销”，不能执行“恢复”。"):
        A.do_reinstate_certificate(cert, reason="x", actor=cast["admin"])


# ---- deadlines opened and met by a transition ------------------------------------------------------

def with_review(opens_rule="publicity.decision_deadline_short"):
    """The certificate table plus deadlines: a suspension opens a review (10 working days) and a
    publication deadline from the profile; reinstating meets the review; revoking waits for the
    publication."""
    reason = {"reason": Param("原因")}
    admins = (Role.ADMINISTRATOR,)
    valid, suspended, revoked, expired = "valid", "suspended", "revoked", "expired"
    return Table(
        name="test-suspension-review", label="暂扣复查（测试）", model=Certificate, state_field="status",
        states=dict(CertificateStatus.choices), initial=valid,
        transitions=[
            Transition("suspend", valid, suspended, "暂扣", roles=admins, params=reason,
                       opens=[Opens("暂扣复查", count=10, unit="workdays", start=lambda c, p: dt.date(2025, 4, 30)),
                              Opens("暂扣公示", rule=opens_rule, duty="legal_review",
                                    start=lambda c, p: dt.date(2025, 4, 30))]),
            Transition("reinstate", suspended, valid, "恢复", roles=admins, params=reason, closes=["暂扣复查"]),
            Transition("revoke", (valid, suspended), revoked, "吊销", roles=admins, params=reason,
                       guards=[obligations_met("暂扣公示")]),
            Transition("expire", (valid, suspended), expired, "到期失效", roles=admins, params=reason),
        ])


@pytest.fixture
def zhuzhou():
    seed_calendar(years=[2025], actor=JOBS)
    agency = T.agency("zhuzhou-amr", profile_key="zhuzhou-amr")
    return agency, T.member(agency, Role.ADMINISTRATOR)


def test_a_transition_opens_and_meets_its_deadlines(zhuzhou):
    agency, admin = zhuzhou
    table = with_review()
    cert = new_certificate(agency)
    table.apply(cert, "suspend", actor=admin, reason="调查")
    opened = {o.kind: o for o in Obligation.objects.filter(object_type="orgs.certificate", object_id=str(cert.pk))}
    assert set(opened) == {"暂扣复查", "暂扣公示"}
    assert opened["暂扣复查"].due == dt.date(2025, 5, 19)  # 10 working days after 30 April, over 劳动节
    assert opened["暂扣复查"].agency == agency and opened["暂扣公示"].unit_name == "政策法规科"
    assert all(o.status == Obligation.OPEN for o in opened.values())

    before = snapshot(cert)
    with pytest.raises(RuleViolation, match="尚有未履行的时限：暂扣公示。"):
        table.apply(cert, "revoke", actor=admin, reason="违法")
    assert unchanged(cert, before)

    table.apply(cert, "reinstate", actor=admin, reason="复查结束")
    review = Obligation.objects.get(pk=opened["暂扣复查"].pk)
    assert review.status == Obligation.MET
    met = entries(review).last()
    assert (met.action, met.actor) == ("meet_obligation", admin.username)  # the admin's act met it
    assert Obligation.objects.get(pk=opened["暂扣公示"].pk).status == Obligation.OPEN


def test_a_deadline_that_cannot_be_opened_refuses_the_whole_transition(zhuzhou):
    agency, admin = zhuzhou
    cert = new_certificate(agency)
    before = snapshot(cert)
    with pytest.raises(RuleViolation, match="无法开启时限“暂扣公示”：.*no.such.rule"):
        with_review(opens_rule="no.such.rule").apply(cert, "suspend", actor=admin, reason="调查")
    assert unchanged(cert, before) and not Obligation.objects.exists()


def test_the_certificate_form_shows_a_conflict_instead_of_losing_an_update(cast, client, monkeypatch):
    from sanxiang.orgs import editing

    cert = new_certificate(cast["agency"])
    stale = Certificate.objects.get(pk=cert.pk)  # what the administrator's page was built from
    A.do_revoke_certificate(cert, reason="违法执法", actor=JOBS)  # meanwhile, someone else revokes it
    monkeypatch.setattr(editing.queries, "for_change", lambda user, model, pk: stale)
    client.force_login(cast["admin"])
    page = client.post(f"/certificates/{cert.pk}/suspend/", {"reason": "调查"})
    assert page.status_code == 409
    assert "状态已被他人改为“已吊销”（您看到的是“有效”），请刷新后重试。" in page.content.decode()
    assert reloaded(cert).status == CertificateStatus.REVOKED
    assert [e.action for e in entries(cert)] == ["issue_certificate", "revoke_certificate"]
