"""公示义务 and 公示信息 end to end through the actions: a decision opens the obligation with its
profile deadline and a redacted draft; the editor prepares, the head approves, it is published,
corrected, withdrawn — each step ledgered; the refusals of issue 10 §9."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.queries import get_calendar
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.deferral import next_working_day
from sanxiang.publicity.models import ObligationStatus, PublicationObligation, PublicationStatus
from sanxiang.publicity.queries import published_decisions
from sanxiang.publicity.testing import decided_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency(profile_key="pingluo-commerce")
    case = decided_case(agency)
    editor, head, leader = staff(agency)
    return agency, case, editor, head, leader


def entries(action):
    return LedgerEntry.objects.filter(action=action).count()


def test_a_decision_opens_the_obligation_with_its_deadline_and_a_redacted_draft(setting):
    agency, case, *_ = setting
    ob = PublicationObligation.objects.get(case=case)
    assert ob.kind_label == "处罚" and ob.rule == "publicity.decision_deadline_short"
    assert (ob.count, ob.unit) == (7, "workdays")
    assert ob.due == dt.date(2026, 3, 16)  # 2026-03-05 (Thu) + 7 working days
    assert "002_b2b6839ed21b36ff.txt" in ob.citation or "平罗" in ob.citation
    deadline = Obligation.objects.get(pk=ob.obligation_id)
    assert deadline.due == ob.due and deadline.kind == P.DEADLINE_KIND
    pub = ob.publication
    assert pub.status == PublicationStatus.DRAFT and pub.public_version is None
    draft = pub.current()
    assert "张三丰" in draft.original and "张三丰" not in draft.text and "张某" in draft.text
    assert "13800138000" not in draft.text and "王小明" not in draft.text
    assert draft.fields["执法机关"] == agency.name and "张三丰" not in draft.fields["执法对象"]
    assert entries("open_publicationobligation") == 1 and entries("prepare_publicationversion") == 1


def test_prepare_submit_approve_publish_then_correct_and_withdraw(setting):
    agency, case, editor, head, leader = setting
    pub = PublicationObligation.objects.get(case=case).publication
    original = pub.current().original
    start = original.index("销售过期食品")
    P.do_prepare_publication(pub, edits=[{"op": "add", "start": start, "end": start + 2, "kind": "other",
                                          "reason": "测试增加隐去"}], actor=editor)
    assert "［已隐去］过期食品" in pub.current().text
    P.do_submit_publication(pub, actor=editor)
    with pytest.raises(NotPermitted):
        P.do_approve_publication(pub, actor=editor)  # the editor is no 发布部门负责人
    P.do_approve_publication(pub, actor=head, on="2026-03-10")
    P.do_publish_publication(pub, actor=editor, on="2026-03-10")
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED and pub.public_version == 1
    assert pub.obligation.status == ObligationStatus.PUBLISHED
    assert Obligation.objects.get(pk=pub.obligation.obligation_id).status == Obligation.MET
    assert [d["case"] for d in published_decisions()] == [case.number]
    P.do_correct_publication(pub, reason="当事人申请更正：罚款数额笔误", actor=editor)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT and pub.version == 2 and pub.public_version == 1
    assert published_decisions()[0]["version"] == 1  # the old version stays shown meanwhile
    with pytest.raises(RuleViolation, match="未经审核"):
        P.do_publish_publication(pub, actor=editor)
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=leader)
    P.do_publish_publication(pub, actor=head)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.CORRECTED and pub.public_version == 2
    assert [v["number"] for v in published_decisions()[0]["history"]] == [1, 2]
    with pytest.raises(RuleViolation, match="理由"):
        P.do_withdraw_publication(pub, reason="  ", ground="revoked", actor=head)
    P.do_withdraw_publication(pub, reason="行政复议决定撤销原处罚决定", ground="revoked", actor=head, on="2026-04-01")
    shown = published_decisions()[0]
    assert shown["withdrawn"] and shown["withdrawal_reason"] == "行政复议决定撤销原处罚决定"
    assert entries("withdraw_publication") == 1


def test_publishing_unapproved_text_is_refused(setting):
    _, case, editor, head, _ = setting
    pub = PublicationObligation.objects.get(case=case).publication
    for actor in (editor, head):
        with pytest.raises(RuleViolation, match="未经审核"):
            P.do_publish_publication(pub, actor=actor)
    P.do_submit_publication(pub, actor=editor)
    with pytest.raises(RuleViolation, match="未经审核"):
        P.do_publish_publication(pub, actor=head)
    assert published_decisions() == []


def test_withholding_needs_a_ground_and_an_approver(setting):
    _, case, editor, head, _ = setting
    ob = PublicationObligation.objects.get(case=case)
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match="法定事由") as refused:
        P.do_propose_withholding(ob, proposal="withhold", ground="", note="当事人不同意", approver=head, actor=editor)
    assert refused.value.field == "ground"
    with pytest.raises(RuleViolation, match="批准"):
        P.do_propose_withholding(ob, proposal="withhold", ground="privacy", note="涉及未成年人", approver=editor,
                                 actor=editor)
    assert LedgerEntry.objects.count() == before
    P.do_propose_withholding(ob, proposal="withhold", ground="privacy", note="涉及未成年人个人隐私", approver=head,
                             actor=editor)
    ob.refresh_from_db()
    assert ob.status == ObligationStatus.OPEN and ob.proposal == "withhold"  # open until the head approves
    P.do_approve_withholding(ob, actor=head)
    ob.refresh_from_db()
    assert ob.status == ObligationStatus.WITHHELD and ob.approver == head and not ob.proposal
    assert Obligation.objects.get(pk=ob.obligation_id).status == Obligation.WAIVED
    entry = LedgerEntry.objects.get(action="withhold_publicationobligation", object_id=str(ob.pk))
    assert entry.actor == head.username  # the head's own act, not the proposer's


def test_deferral_moves_the_due_date_with_the_ground(setting):
    _, case, editor, head, _ = setting
    ob = PublicationObligation.objects.get(case=case)
    until = next_working_day(timezone.localdate() + dt.timedelta(days=30), get_calendar())
    P.do_propose_withholding(ob, proposal="defer", ground="business_secret", note="涉及商业秘密，待权利人意见",
                             approver=head, until=until, actor=editor)
    P.do_approve_withholding(ob, actor=head)
    ob.refresh_from_db()
    assert ob.status == ObligationStatus.OPEN and ob.due == until and ob.approver == head
    assert Obligation.objects.get(pk=ob.obligation_id).due == until
