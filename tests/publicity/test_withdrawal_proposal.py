"""A withdrawal of a decision still in force proposed by the 公示编辑 (decision 0090): with its ground and public
reason, to a named 发布部门负责人, who approves — the withdrawal is then the head's act — or refuses with a
reason; every step ledgered, shown on the publication page and the obligation list. The head's own direct
withdrawal stays (decision 0086)."""

import pytest
from django.test import Client
from publication_cast import walk

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.publicity import withdrawals as W
from sanxiang.publicity.models import Publication, WithdrawalProposal
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown():
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, leader = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head)
    return agency, Publication.objects.get(pk=pub.pk), editor, head, leader


def page(user, pub) -> str:
    c = Client()
    c.force_login(user)
    return c.get(f"/publicity/publications/{pub.pk}/").content.decode()


def post(user, pub, act, data):
    c = Client()
    c.force_login(user)
    return c.post(f"/publicity/publications/{pub.pk}/{act}/", data)


def test_the_editor_proposes_and_the_head_asked_approves_on_the_pages(shown):
    agency, pub, editor, head, leader = shown
    assert 'id="propose-withdrawal"' in page(editor, pub)
    r = post(editor, pub, "propose-withdrawal", {"ground": "published_in_error", "reason": "该信息不应公开",
                                                  "approver": leader.username})
    assert r.status_code == 302, r.content.decode()[:3000]
    row = WithdrawalProposal.objects.get(publication=pub)
    assert (row.status, row.ground, row.proposed_to) == ("pending", "published_in_error", leader)
    assert Publication.objects.get(pk=pub.pk).status == "published"
    html = page(editor, pub)
    assert "待批准的撤下申请" in html and "该信息不应公开" in html and 'id="propose-withdrawal"' not in html
    assert 'id="approve-withdrawal"' not in page(head, pub)  # another head was not asked
    c = Client()
    c.force_login(leader)
    listing = c.get("/publicity/?pending=mine").content.decode()
    assert "申请撤下（信息不应公开或公示有误）" in listing
    assert 'id="approve-withdrawal"' in page(leader, pub)
    r = post(leader, pub, "approve-withdrawal", {})
    assert r.status_code == 302
    done = Publication.objects.get(pk=pub.pk)
    assert done.status == "withdrawn" and done.withdrawal_reason == "该信息不应公开"
    row.refresh_from_db()
    assert (row.status, row.decided_by) == ("approved", leader)
    actions = list(LedgerEntry.objects.filter(object_type__in=["publicity.withdrawalproposal", "publicity.publication"])
                   .order_by("index").values_list("action", "actor"))
    assert ("propose_withdrawal", editor.username) in actions
    assert ("withdraw_publication", leader.username) in actions and ("approve_withdrawal", leader.username) in actions
    entry = LedgerEntry.objects.filter(action="withdraw_publication").get()
    assert "published_in_error" in entry.entry
    assert "已批准撤下" in page(editor, pub)
    # the public notice on the portal
    from sanxiang.portal.open import public_number
    notice = Client().get(f"/gk/{agency.code}/jueding/{public_number(done)}/").content.decode()
    assert "该信息不应公开" in notice


def test_the_head_asked_refuses_with_a_reason_and_the_decision_stays(shown):
    _, pub, editor, head, _ = shown
    row = W.do_propose_withdrawal(pub, ground="changed", reason="决定已被变更", approver=head, actor=editor)
    assert post(head, pub, "refuse-withdrawal", {"reason": ""}).status_code == 400
    r = post(head, pub, "refuse-withdrawal", {"reason": "变更决定尚未生效"})
    assert r.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.refusal_reason) == ("refused", "变更决定尚未生效")
    assert Publication.objects.get(pk=pub.pk).status == "published"
    assert LedgerEntry.objects.filter(action="refuse_withdrawal").exists()
    html = page(editor, pub)
    assert "不予批准" in html and "变更决定尚未生效" in html and 'id="propose-withdrawal"' in html  # may ask again


def test_refusals(shown):
    agency, pub, editor, head, leader = shown
    officer = T.member(agency, "officer")
    with pytest.raises(RuleViolation, match="撤下事由"):
        W.do_propose_withdrawal(pub, ground="", reason="x", approver=head, actor=editor)
    with pytest.raises(RuleViolation, match="理由"):
        W.do_propose_withdrawal(pub, ground="void", reason=" ", approver=head, actor=editor)
    with pytest.raises(RuleViolation, match="负责人"):
        W.do_propose_withdrawal(pub, ground="void", reason="x", approver=editor, actor=editor)
    with pytest.raises(RuleViolation, match="负责人"):
        W.do_propose_withdrawal(pub, ground="void", reason="x", approver=T.member(T.agency(), "agency_leader"),
                                actor=editor)
    with pytest.raises(RuleViolation, match="自己"):
        W.do_propose_withdrawal(pub, ground="void", reason="x", approver=head, actor=head)
    with pytest.raises(NotPermitted):
        W.do_propose_withdrawal(pub, ground="void", reason="x", approver=head, actor=officer)
    assert not WithdrawalProposal.objects.exists()
    row = W.do_propose_withdrawal(pub, ground="void", reason="决定被确认无效", approver=head, actor=editor)
    with pytest.raises(Conflict):
        W.do_propose_withdrawal(pub, ground="void", reason="再次", approver=leader, actor=editor)
    for who in (editor, leader, OPERATOR):  # the proposer, a head not asked, the system
        with pytest.raises(NotPermitted):
            W.do_approve_withdrawal(row, actor=who)
    assert Publication.objects.get(pk=pub.pk).status == "published"
    # the head's own direct act stays, with a ground
    from sanxiang.publicity import actions as P
    P.do_withdraw_publication(pub, reason="决定被确认无效", ground="void", actor=leader)
    with pytest.raises(Conflict):
        W.do_approve_withdrawal(row, actor=head)


def test_a_decision_recorded_as_revoked_needs_no_proposal(shown):
    _, pub, editor, head, _ = shown
    Publication.objects.filter(pk=pub.pk).update(revoked=True)
    pub = Publication.objects.get(pk=pub.pk)
    with pytest.raises(RuleViolation, match="直接撤下"):
        W.do_propose_withdrawal(pub, ground="revoked", reason="已撤销", approver=head, actor=editor)


def test_the_api_proposes_shows_and_approves_with_the_same_guards(shown, client):
    _, pub, editor, head, leader = shown
    base = f"/api/v1/publications/{pub.pk}"
    client.force_login(editor)
    bad = client.post(base + "/propose-withdrawal", {"ground": "nonsense", "reason": "x", "approver": head.username},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "ground_required"
    stranger = T.member(T.agency(), "unit_head")
    assert client.post(base + "/propose-withdrawal", {"ground": "void", "reason": "x", "approver": stranger.username},
                       content_type="application/json").status_code == 404
    ok = client.post(base + "/propose-withdrawal", {"ground": "void", "reason": "决定被确认无效",
                                                    "approver": head.username}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["withdrawal_proposal"]["proposed_to"] == head.username
    assert client.post(base + "/approve-withdrawal", {}, content_type="application/json").status_code == 403
    client.force_login(head)
    assert client.get(base).json()["withdrawal_proposal"]["ground_label"] == "决定被确认无效"
    done = client.post(base + "/approve-withdrawal", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn" and done.json()["withdrawal_proposal"] is None
    again = client.post(base + "/refuse-withdrawal", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409
