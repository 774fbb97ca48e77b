"""Issue 10's fifth exploratory test (defects10 of session 25, decision 0097): every free text the portal shows
besides a version — the 更正原因 (and the answer that feeds it), the 撤下说明 (proposed, approved, the head's own, a
take-down) and the 提前停止公示 说明 — passes one guard: masked as a field is, no 公示查询码 (refused typed anew,
replaced when stored earlier). The code check folds a code by its letters and digits and finds another case's code.
A withdrawal proposal overtaken by another withdrawal closes. Each a user-visible behaviour that failed before."""

import datetime as dt

import pytest
from publication_cast import issued_decision, walk

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity import requests as R
from sanxiang.publicity import withdrawals as W
from sanxiang.publicity.models import Publication, WithdrawalProposal
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db

CODE = "2AUD-ZFYE"
OTHER = "BWYB-AMZC"  # printed on another case's document
LEAKS = ("张三丰", "13800138000", "李强", "2AUD", "ZFYE")


def printed(case, code, number="株市监罚〔2026〕1号", like=None):
    """An issued 决定书 of `case` that printed `code` (another row `like` an earlier one: the template is unique)."""
    if like is None:
        doc = issued_decision(case, ["行政处罚决定书"], number=number)
    else:
        doc = type(like).objects.get(pk=like.pk)
        doc.pk, doc.case, doc.agency, doc.number, doc.number_seq = None, case, case.agency, number, 2
        doc.save()
    doc.fields = {**(doc.fields or {}), "context": {"query_code": code, "query_url": "http://x/gk/x/jiuzheng/"}}
    doc.save(update_fields=["fields"])
    return doc


@pytest.fixture
def shown():
    """株洲市场监管: a published penalty decision whose 决定书 printed the code; the case knows the witness 李强, the
    editor masked 「过期食品」."""
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, leader = staff(agency)
    pub = opened(agency).publication
    from test_party_requests import keep_number

    keep_number(pub.obligation.case)
    first = printed(pub.obligation.case, CODE)
    other = opened(agency).publication
    printed(other.obligation.case, OTHER, number="株市监罚〔2026〕2号", like=first)
    from sanxiang.cases import actions as C

    C.do_add_case_participant(pub.obligation.case, role="witness", name="李强", actor=OPERATOR)
    P.do_prepare_publication(pub, edits=[{"op": "add", "text": "过期食品", "kind": "other", "reason": "商业秘密"}],
                             actor=editor)
    walk(pub, editor, head)
    return agency, Publication.objects.get(pk=pub.pk), editor, head, leader


def public_bodies(client, agency) -> str:
    urls = [f"/gk/{agency.code}/jueding/1/", f"/gk/{agency.code}/data/decisions.json",
            f"/gk/{agency.code}/data/decisions.csv", f"/gk/{agency.code}/feed.xml"]
    return "".join(client.get(u).content.decode() for u in urls)


# ---- #3 HIGH: the 更正原因 ----------------------------------------------------------------------------------------

def test_the_correction_reason_is_masked_and_a_code_in_it_refused(shown, client):
    agency, pub, editor, head, _ = shown
    for typed in (f"当事人查询码 {CODE}", "查询码 2aud／zfye", f"另案查询码 {OTHER}"):
        with pytest.raises(RuleViolation, match="更正原因中含有当事人的公示查询码") as err:
            P.do_correct_publication(pub, reason=typed, actor=editor)
        assert err.value.code == "party_code_public"
    row = P.do_correct_publication(pub, reason="证人李强、当事人张三丰（电话13800138000）来电要求更正过期食品一节",
                                   actor=editor)
    assert row.correction_reason == "证人李某、当事人张某（电话［电话已隐去］）来电要求更正［已隐去］一节"
    walk(Publication.objects.get(pk=pub.pk), editor, head)
    body = public_bodies(client, agency)
    assert "来电要求更正" in body and not [w for w in LEAKS if w in body]


def test_the_answer_to_a_correction_request_is_guarded_before_it_becomes_the_reason(shown):
    agency, pub, editor, head, _ = shown
    req = R.do_request_correction(pub, content="决定日期有误", contact="13900000000")
    with pytest.raises(RuleViolation, match="公示查询码") as err:
        R.do_answer_correction(req, accept=True, answer=f"经核，{CODE} 所述属实", actor=editor)
    assert err.value.field == "answer"
    R.do_answer_correction(req, accept=True, answer="经核，张三丰所述属实", actor=editor)
    assert Publication.objects.get(pk=pub.pk).current().correction_reason.endswith("经核，张某所述属实")


def test_a_reason_stored_before_the_guard_is_masked_when_published(shown, client):
    agency, pub, editor, head, _ = shown
    row = P.do_correct_publication(pub, reason="复核", actor=editor)
    walk_to_approved = Publication.objects.get(pk=pub.pk)
    P.do_submit_publication(walk_to_approved, actor=editor)
    P.do_approve_publication(Publication.objects.get(pk=pub.pk), actor=head, on="2026-03-11")
    type(row).objects.filter(pk=row.pk).update(correction_reason=f"证人李强，查询码{CODE}")
    P.do_publish_publication(Publication.objects.get(pk=pub.pk), actor=head, on="2026-03-11")
    row.refresh_from_db()
    assert row.correction_reason == "证人李某，查询码［查询码已隐去］"
    body = public_bodies(client, agency)
    assert not [w for w in LEAKS if w in body]


# ---- #5 HIGH: the 撤下说明 and the early stop's 说明 ---------------------------------------------------------------

def test_a_proposed_withdrawal_reason_is_masked_refused_with_a_code_and_the_notice_leaks_nothing(shown, client):
    agency, pub, editor, head, _ = shown
    with pytest.raises(RuleViolation, match="撤下说明中含有当事人的公示查询码"):
        W.do_propose_withdrawal(pub, ground="published_in_error", reason=f"当事人查询码 {CODE}", approver=head,
                                actor=editor)
    row = W.do_propose_withdrawal(pub, ground="published_in_error", approver=head, actor=editor,
                                  reason="证人李强（13800138000）反映信息有误")
    assert row.reason == "证人李某（［电话已隐去］）反映信息有误"
    W.do_approve_withdrawal(row, actor=head)
    body = public_bodies(client, agency) + client.get(f"/gk/{agency.code}/jueding/1/proof.json").content.decode()
    assert "反映信息有误" in body and not [w for w in LEAKS if w in body]
    from sanxiang.search.models import SearchEntry

    entries = " ".join(SearchEntry.objects.filter(agency=agency).values_list("summary", flat=True))
    assert "反映信息有误" in entries and "李强" not in entries


def test_an_old_proposal_is_masked_when_approved_and_the_heads_own_withdrawal_is_guarded(shown):
    agency, pub, editor, head, leader = shown
    row = W.do_propose_withdrawal(pub, ground="published_in_error", reason="有误", approver=head, actor=editor)
    WithdrawalProposal.objects.filter(pk=row.pk).update(reason=f"张三丰的查询码 {CODE}")
    W.do_approve_withdrawal(row, actor=head)
    assert Publication.objects.get(pk=pub.pk).withdrawal_reason == "张某的查询码 ［查询码已隐去］"
    other = Publication.objects.exclude(pk=pub.pk).get(agency=agency)
    walk(other, editor, head)
    with pytest.raises(RuleViolation, match="撤下说明中含有"):
        P.do_withdraw_publication(Publication.objects.get(pk=other.pk), reason=f"见 {OTHER}", ground="void",
                                  actor=leader)


def test_the_early_stop_reasons_are_masked_and_refused_with_a_code(shown, client):
    agency, pub, editor, head, _ = shown
    day = dt.date(2026, 9, 15)
    req = R.do_apply_early_stop(pub, statement="已缴清罚款", contact="13900000000", on=day)
    R.do_check_early_stop(req, checks={c["code"]: (True, "已核实") for c in req.checks}, actor=editor)
    with pytest.raises(RuleViolation, match="提前停止公示的说明中含有") as err:
        R.do_decide_early_stop(req, approve=True, reasons=f"条件已满足 {CODE}", actor=head, on=day)
    assert err.value.field == "reasons"
    R.do_decide_early_stop(req, approve=True, reasons="张三丰已履行义务", actor=head, on=day)
    assert Publication.objects.get(pk=pub.pk).withdrawal_reason.endswith("：张某已履行义务")
    assert "张三丰" not in public_bodies(client, agency)


# ---- #4 LOW: codes folded by their letters and digits; another case's code ---------------------------------------

@pytest.mark.parametrize("typed", ["2AUD/ZFYE", "2AUD_ZFYE", "2AUD、ZFYE", "2AUD，ZFYE", "2AUD～ZFYE", "2AUD−ZFYE",
                                   "2aud ~ zfye", "BWYB-AMZC", "bwyb amzc"])
def test_a_code_with_any_separator_or_of_another_case_is_refused_in_a_field(shown, typed):
    agency, pub, editor, head, _ = shown
    P.do_correct_publication(pub, reason="复核", actor=editor)
    with pytest.raises(RuleViolation, match="公示查询码"):
        P.do_prepare_publication(Publication.objects.get(pk=pub.pk), field_edits=[
            {"part": "fields", "name": "执法结论", "value": f"罚款1,000.00元 {typed}", "reason": "t"}], actor=editor)


def test_a_code_shaped_word_printed_nowhere_is_not_refused(shown):
    agency, pub, editor, head, _ = shown
    P.do_correct_publication(pub, reason="复核", actor=editor)
    row = P.do_prepare_publication(Publication.objects.get(pk=pub.pk), field_edits=[
        {"part": "fields", "name": "执法结论", "value": "罚款1,000.00元，型号 KFRW-35GW", "reason": "t"}], actor=editor)
    assert "KFRW-35GW" in row.fields["执法结论"]


# ---- #7 MEDIUM, #8 LOW: an overtaken proposal closes; the refusals' wording -----------------------------------------

def test_a_proposal_overtaken_by_the_leaders_withdrawal_closes_and_leaves_the_heads_queue(shown):
    from django.test import Client

    agency, pub, editor, head, leader = shown
    row = W.do_propose_withdrawal(pub, ground="published_in_error", reason="有误", approver=head, actor=editor)
    P.do_withdraw_publication(Publication.objects.get(pk=pub.pk), reason="决定被确认无效", ground="void", actor=leader)
    row.refresh_from_db()
    assert row.status == "closed" and row.get_status_display() == "终结（公示信息已不在公示中）"
    with pytest.raises(Conflict, match="该撤下申请已终结"):
        W.do_approve_withdrawal(row, actor=head)
    c = Client()
    c.force_login(head)
    page = c.get("/publicity/?pending=mine").content.decode()
    assert pub.obligation.case.number not in page
    from sanxiang.ledger.models import LedgerEntry

    assert LedgerEntry.objects.filter(action="close_withdrawal").count() == 1


def test_refusals_name_the_state_in_plain_words(shown):
    agency, pub, editor, head, _ = shown
    day = dt.date(2026, 9, 15)
    req = R.do_apply_early_stop(pub, statement="已缴清罚款", contact="13900000000", on=day)
    R.do_check_early_stop(req, checks={c["code"]: (True, "已核实") for c in req.checks}, actor=editor)
    pending = W.do_propose_withdrawal(pub, ground="published_in_error", reason="有误", approver=head, actor=editor)
    R.do_decide_early_stop(req, approve=True, reasons="条件均已满足", actor=head, on=day)
    pending.refresh_from_db()
    assert pending.status == "closed"  # the early stop overtook it too (#7)
    with pytest.raises(Conflict) as err:
        W.do_propose_withdrawal(Publication.objects.get(pk=pub.pk), ground="published_in_error", reason="有误",
                                approver=head, actor=editor)
    assert str(err.value.message) == "该公示信息经当事人申请已提前停止公示，不在公示中。"
    assert W.state_words(Publication(status="withdrawn")) == "已撤下"


# ---- the API, as the tester reproduced #3 and #5 ---------------------------------------------------------------------

def test_the_api_refuses_a_code_in_a_public_reason_and_answers_the_masked_reason(shown, client):
    agency, pub, editor, head, _ = shown
    base = f"/api/v1/publications/{pub.pk}"
    client.force_login(editor)
    refused = client.post(f"{base}/propose-withdrawal", {"ground": "published_in_error", "approver": head.username,
                                                          "reason": f"当事人查询码 {CODE}"}, content_type="application/json")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "party_code_public" and body["message"].startswith("撤下说明中含有当事人的公示查询码")
    corrected = client.post(f"{base}/correct", {"reason": "证人李强（电话13800138000）来电要求更正"},
                            content_type="application/json")
    assert corrected.status_code == 200, corrected.content
    said = corrected.content.decode()
    assert "证人李某（电话［电话已隐去］）来电要求更正" in said and "李强" not in said and "13800138000" not in said


def test_the_take_down_reason_is_guarded(shown, client):
    agency, pub, editor, head, _ = shown
    Publication.objects.filter(pk=pub.pk).update(takedown_prompt_on=dt.date(2026, 4, 1))  # the profile's period over
    with pytest.raises(RuleViolation, match="撤下说明中含有当事人的公示查询码"):
        P.do_take_down_publication(Publication.objects.get(pk=pub.pk), reason=f"期满 {CODE}", actor=head)
    P.do_take_down_publication(Publication.objects.get(pk=pub.pk), reason="期满，张三丰申请撤下", actor=head)
    assert Publication.objects.get(pk=pub.pk).withdrawal_reason == "期满，张某申请撤下"
    assert "张三丰" not in public_bodies(client, agency)
