"""Issue 10 publicity defects (defects10 findings 1, 2, 4, 5, 6, 7, 9; decision 0069), ported from the
exploratory tester's scratch tests: masking applies to everything published, a decision revoked before
publication is never published, 不予公开/暂缓公开 are approved by the head asked as their own act, the dates
of acts, a correction keeps the editor's spans, no internal keys in public text, the original is the
decision as recorded."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from publication_cast import published_blob, walk

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.models import ObligationStatus, PublicationObligation, PublicationStatus
from sanxiang.publicity.testing import decided_case, opened, staff

pytestmark = pytest.mark.django_db
BASE = "/api/v1/publications"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


# ---- 1. masking applies to everything published -----------------------------------------------------------

def test_an_editor_span_masks_the_facts_field_too(cal):
    """乌鲁木齐人社 publishes 案件事实: a bystander named only in the facts, masked by the editor in the text,
    is masked in the field as well (was: the field kept the name and the full address)."""
    agency = T.agency(profile_key="urumqi-gxq-hrss")
    editor, head, _ = staff(agency)
    case = decided_case(agency, facts="经查，当事人张三丰雇用路人甲李大壮（住新疆乌鲁木齐市新市区北京路88号3栋2单元501室）未签合同。")
    pub = PublicationObligation.objects.get(case=case).publication
    original = pub.current().original
    start = original.index("李大壮")
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "start": start, "end": start + 3, "kind": "person",
                                                "reason": "路人姓名"},
                                               {"op": "add", "text": "北京路88号3栋2单元501室", "kind": "address",
                                                "reason": "路人住址"}], actor=editor)
    assert "案件事实" in row.fields
    assert "李大壮" not in published_blob(row) and "李某" in row.fields["案件事实"]
    assert "北京路88号" not in published_blob(row)
    walk(pub, editor, head)
    assert "李大壮" not in published_blob(pub.shown())


def test_the_cause_in_the_summary_is_redacted_with_the_case_context_and_the_spans(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    ob = opened(agency)
    ob.case.cause = "张三丰销售过期食品案"
    ob.case.save(update_fields=["cause"])
    pub = ob.publication
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "text": "过期食品", "kind": "other", "reason": "商品名称"}],
                                   actor=editor)
    assert "张三丰" not in published_blob(row) and "张某" in row.summary["违法行为类型"]
    assert "过期食品" not in published_blob(row)


def test_a_span_added_through_the_api_masks_every_occurrence(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    original = pub.current().original
    assert original.count("过期食品") >= 1
    client.force_login(editor)
    start = original.index("销售过期食品")
    response = post(client, f"{BASE}/{pub.pk}/prepare",
                    {"edits": [{"op": "add", "start": start, "end": start + 6, "kind": "other", "reason": "商品"}]})
    assert response.status_code == 200, response.json()
    version = response.json()["versions"][-1]
    assert "销售过期食品" not in version["text"] + str(version["fields"]) + str(version["summary"])
    # by words (the page's way): the same
    response = post(client, f"{BASE}/{pub.pk}/prepare",
                    {"edits": [{"op": "add", "text": "过期", "kind": "other", "reason": "商品"}]})
    version = response.json()["versions"][-1]
    assert "过期" not in version["text"] + str(version["fields"]) + str(version["summary"])


def test_an_editor_span_cutting_a_name_hides_the_whole_name(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    original = pub.current().original
    at = original.index("张三丰")
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "start": at + 2, "end": at + 6, "kind": "other",
                                                "reason": "连同后文"}], actor=editor)
    assert "张三" not in row.text


def test_the_editor_edits_a_field_with_a_reason_and_it_is_still_redacted(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    client.force_login(editor)
    refused = post(client, f"{BASE}/{pub.pk}/prepare",
                   {"field_edits": [{"part": "summary", "name": "违法行为类型", "value": "销售不合格食品", "reason": ""}]})
    assert refused.status_code in (400, 422)
    done = post(client, f"{BASE}/{pub.pk}/prepare",
                {"field_edits": [{"part": "summary", "name": "违法行为类型", "value": "张三丰销售不合格食品",
                                  "reason": "按决定书表述"},
                                 {"part": "fields", "name": "执法结论", "value": "罚款1,000.00元", "reason": "统一写法"}]})
    assert done.status_code == 200, done.json()
    version = done.json()["versions"][-1]
    assert version["summary"]["违法行为类型"] == "张某销售不合格食品"  # the party still masked
    assert version["fields"]["执法结论"] == "罚款1,000.00元"
    assert [e["reason"] for e in version["field_edits"]] == ["按决定书表述", "统一写法"]
    entry = LedgerEntry.objects.filter(action="prepare_publicationversion",
                                       object_id=str(pub.current().pk)).order_by("-index").first()
    assert [e["name"] for e in json.loads(entry.entry)["payload"]["field_edits"]] == ["违法行为类型", "执法结论"]
    unknown = post(client, f"{BASE}/{pub.pk}/prepare",
                   {"field_edits": [{"part": "fields", "name": "不存在", "value": "x", "reason": "y"}]})
    assert unknown.status_code == 400 and "没有" in unknown.json()["message"]


def test_the_page_edits_a_field(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    client.force_login(editor)
    url = f"/publicity/publications/{pub.pk}/edit-field/"
    refused = client.post(url, {"name": "summary:违法行为类型", "value": "销售不合格食品", "reason": ""})
    assert refused.status_code == 400 and "理由" in refused.content.decode()
    assert 'value="summary:违法行为类型" selected' in refused.content.decode()
    assert client.post(url, {"name": "summary:违法行为类型", "value": "销售不合格食品",
                             "reason": "按决定书表述"}).status_code == 302
    assert pub.current().summary["违法行为类型"] == "销售不合格食品"


def test_on_the_demo_no_masked_string_is_published(demo):
    from sanxiang.publicity.models import Publication

    checked = 0
    for pub in Publication.objects.filter(public_version__isnull=False):
        version = pub.shown()
        for span in version.spans:
            if span["origin"] != "editor":
                continue
            words = version.original[span["start"]:span["end"]]
            assert words not in published_blob(version), (pub.pk, words)
            checked += 1
    assert checked


# ---- 2. revoked before publication ------------------------------------------------------------------------

def revoke(case, outcome="revoked"):
    from sanxiang.cases import actions as C

    appeal = C.do_record_case_appeal(case, kind="reconsideration", body="乌鲁木齐市人民政府", applied_on="2026-03-06",
                                     actor=OPERATOR)
    return C.do_decide_case_appeal(appeal, outcome=outcome, decided_on="2026-03-09", remake_days=30, actor=OPERATOR)


@pytest.mark.parametrize("outcome", ["revoked", "confirmed_void", "remake"])
def test_a_decision_revoked_before_publication_is_never_published(cal, outcome):
    agency = T.agency(profile_key="urumqi-gxq-hrss")
    case = decided_case(agency, on="2026-03-05")
    editor, head, _ = staff(agency)
    ob = PublicationObligation.objects.get(case=case)
    revoke(case, outcome)
    ob.refresh_from_db()
    assert ob.status == ObligationStatus.VOIDED and "不再公示" in ob.ground_note
    assert Obligation.objects.get(pk=ob.obligation_id).status == Obligation.WAIVED  # not due, never 超期
    withdrawal = Obligation.objects.get(object_type=case.ledger_type(), object_id=case.pk, kind=P.WITHDRAWAL)
    assert withdrawal.status == Obligation.WAIVED  # nothing public: nothing to take down
    pub = ob.publication
    with pytest.raises(RuleViolation, match="撤销"):
        P.do_submit_publication(pub, actor=editor)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT and pub.public_version is None
    assert "撤销" in P.publish_problem(pub) or "未经审核" in P.publish_problem(pub)


def test_a_decision_revoked_while_approved_cannot_be_published(cal):
    agency = T.agency(profile_key="urumqi-gxq-hrss")
    case = decided_case(agency, on="2026-03-05")
    editor, head, _ = staff(agency)
    pub = PublicationObligation.objects.get(case=case).publication
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on="2026-03-06")
    revoke(case)
    pub.refresh_from_db()
    with pytest.raises(RuleViolation, match="不再公示"):
        P.do_publish_publication(pub, actor=head)
    pub.refresh_from_db()
    assert pub.public_version is None


def test_revoked_after_publication_stays_to_be_withdrawn(cal):
    agency = T.agency(profile_key="urumqi-gxq-hrss")
    case = decided_case(agency, on="2026-03-05")
    editor, head, _ = staff(agency)
    pub = PublicationObligation.objects.get(case=case).publication
    walk(pub, editor, head, on="2026-03-06")
    revoke(case)
    pub.refresh_from_db()
    assert pub.revoked and pub.status == PublicationStatus.PUBLISHED
    withdrawal = Obligation.objects.get(object_type=case.ledger_type(), object_id=case.pk, kind=P.WITHDRAWAL)
    assert withdrawal.status == Obligation.OPEN


# ---- 4. 不予公开/暂缓公开: proposed, approved by the head asked ------------------------------------------------

def test_the_editor_only_proposes_and_the_head_asked_approves_as_their_own_act(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, leader = staff(agency)
    ob = opened(agency)
    client.force_login(editor)
    proposed = post(client, f"{BASE}/obligations/{ob.pk}/propose",
                    {"proposal": "withhold", "ground": "privacy", "note": "涉及未成年人", "approver": leader.username})
    assert proposed.status_code == 200 and proposed.json()["status"] == "open"  # the leader has done nothing yet
    again = post(client, f"{BASE}/obligations/{ob.pk}/propose",
                 {"proposal": "withhold", "ground": "privacy", "note": "再次", "approver": leader.username})
    assert again.status_code == 400 and "待" in again.json()["message"]
    assert post(client, f"{BASE}/obligations/{ob.pk}/approve", {}).status_code == 403
    client.force_login(head)  # a head, but not the one asked
    assert post(client, f"{BASE}/obligations/{ob.pk}/approve", {}).status_code == 400
    client.force_login(leader)
    page = client.get("/publicity/?pending=mine").content.decode()
    assert ob.subject in page and "待我批准" in page
    done = post(client, f"{BASE}/obligations/{ob.pk}/approve", {})
    assert done.status_code == 200 and done.json()["status"] == "withheld"
    entry = LedgerEntry.objects.get(action="withhold_publicationobligation", object_id=str(ob.pk))
    assert entry.actor == leader.username and json.loads(entry.entry)["payload"]["proposed_by"]


def test_a_head_cannot_approve_their_own_proposal(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, leader = staff(agency)
    ob = opened(agency)
    client.force_login(head)
    self_asked = post(client, f"{BASE}/obligations/{ob.pk}/propose",
                      {"proposal": "withhold", "ground": "other_law", "note": "x", "approver": head.username})
    assert self_asked.status_code == 400 and self_asked.json()["field"] == "approver"
    assert post(client, f"{BASE}/obligations/{ob.pk}/propose",
                {"proposal": "withhold", "ground": "other_law", "note": "x", "approver": leader.username}).status_code == 200
    assert post(client, f"{BASE}/obligations/{ob.pk}/approve", {}).status_code == 400  # the proposer
    ob.refresh_from_db()
    assert ob.status == ObligationStatus.OPEN


def test_the_head_refuses_with_a_reason_and_the_obligation_stays_open(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    ob = opened(agency)
    P.do_propose_withholding(ob, proposal="defer", ground="business_secret", note="待权利人意见", approver=head,
                             until=timezone.localdate() + dt.timedelta(days=20), actor=editor)
    with pytest.raises(NotPermitted):
        P.do_refuse_withholding(ob, reason="不成立", actor=editor)
    with pytest.raises(RuleViolation):
        P.do_refuse_withholding(ob, reason="", actor=head)
    P.do_refuse_withholding(ob, reason="不涉及商业秘密", actor=head)
    ob.refresh_from_db()
    assert ob.status == ObligationStatus.OPEN and not ob.proposal and ob.deferred_until is None
    assert LedgerEntry.objects.get(action="refuse_publicationobligation", object_id=str(ob.pk)).actor == head.username


def test_the_page_shows_the_proposal_and_the_head_approves_there(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    ob = opened(agency)
    pub = ob.publication
    client.force_login(editor)
    url = f"/publicity/publications/{pub.pk}/"
    until = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    assert client.post(url + "propose/", {"proposal": "defer", "ground": "other_law", "note": "侦查中",
                                          "approver": head.username, "until": until}).status_code == 302
    assert "批准暂缓公开" not in client.get(url).content.decode()
    client.force_login(head)
    page = client.get(url).content.decode()
    assert "待批准的申请" in page and "批准暂缓公开" in page
    assert client.post(url + "approve-proposal/").status_code == 302
    ob.refresh_from_db()
    assert ob.due.isoformat() == until and ob.approver == head


def test_the_demo_withholdings_were_approved_by_the_head(demo):
    for entry in LedgerEntry.objects.filter(action__in=("withhold_publicationobligation",
                                                        "defer_publicationobligation")):
        assert entry.actor.endswith(("-leader", "-head")), entry.actor
    assert LedgerEntry.objects.filter(action="propose_publicationobligation").exists()


# ---- 5. dates of acts -------------------------------------------------------------------------------------

def test_publishing_before_the_decision_or_in_the_future_is_refused(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, on="2026-03-05").publication
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on="2026-03-08")
    client.force_login(editor)
    early = post(client, f"{BASE}/{pub.pk}/publish", {"on": "2020-01-01"})
    assert early.status_code == 400 and early.json()["code"] == "date_before_allowed" and "决定日期" in early.json()["message"]
    before_approval = post(client, f"{BASE}/{pub.pk}/publish", {"on": "2026-03-07"})
    assert before_approval.status_code == 400 and "审核" in before_approval.json()["message"]
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    later = post(client, f"{BASE}/{pub.pk}/publish", {"on": future})
    assert later.status_code == 400 and later.json()["code"] == "date_in_future"
    done = post(client, f"{BASE}/{pub.pk}/publish", {})
    assert done.status_code == 200 and done.json()["published_on"] == timezone.localdate().isoformat()


def test_withdrawal_dates(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, on="2026-03-05").publication
    walk(pub, editor, head, on="2026-03-10")
    client.force_login(head)
    assert post(client, f"{BASE}/{pub.pk}/withdraw", {"reason": "撤销", "on": "2030-01-01", "ground": "revoked"}).json()["code"] == \
        "date_in_future"
    early = post(client, f"{BASE}/{pub.pk}/withdraw", {"reason": "撤销", "on": "2026-03-09", "ground": "revoked"})
    assert early.status_code == 400 and "首次公示" in early.json()["message"]
    assert post(client, f"{BASE}/{pub.pk}/withdraw", {"reason": "撤销", "on": "2026-03-12", "ground": "revoked"}).status_code == 200


def test_a_future_date_on_the_page_keeps_the_form(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, on="2026-03-05").publication
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head)
    client.force_login(editor)
    refused = client.post(f"/publicity/publications/{pub.pk}/publish/", {"on": "2099-01-01"})
    assert refused.status_code == 400 and "不能晚于今天" in refused.content.decode()


# ---- 6. a correction keeps the editor's spans -------------------------------------------------------------

def test_a_correction_with_new_text_keeps_the_editor_spans_and_reports_the_lost_ones(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    ob = opened(agency)
    ob.case.facts = "经查，当事人销售过期食品，证人钱多多在场，货值金额1200元。"
    ob.case.save(update_fields=["facts"])
    pub = ob.publication
    # the draft was generated before the facts were recorded: a correction brings the recorded text in
    walk(pub, editor, head)
    P.do_correct_publication(pub, reason="补充违法事实", text=P.decision_text(ob.case, ob), actor=editor)
    P.do_prepare_publication(pub, edits=[{"op": "add", "text": "钱多多", "kind": "person", "reason": "证人"},
                                         {"op": "add", "text": "1200元", "kind": "other", "reason": "货值"}],
                             actor=editor)
    walk(pub, editor, head)
    assert "钱多多" not in pub.shown().text
    text = pub.current().original.replace("1,000.00", "2,000.00").replace("1200元", "一千二百元")
    row = P.do_correct_publication(pub, reason="罚款金额写错", text=text, actor=editor)
    assert "钱多多" not in published_blob(row) and "钱某" in row.text
    assert row.unplaced == [{"op": "add", "text": "1200元", "kind": "other", "reason": "货值"}]
    client.force_login(editor)
    api = client.get(f"{BASE}/{pub.pk}").json()["versions"][-1]
    assert api["unplaced"][0]["text"] == "1200元"
    assert any(line.startswith("+ ") and "2,000.00" in line for line in api["original_changes"])
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert "未能沿用" in page and "1200元" in page and "原文的更正" in page


# ---- 7. no internal keys in public text -------------------------------------------------------------------

def test_no_ascii_state_key_in_any_published_field_on_the_demo(demo):
    import re

    from sanxiang.cases.models import Case
    from sanxiang.publicity.models import PublicationVersion

    keys = set(Case.objects.values_list("status", flat=True)) | {"investigating", "rectifying", "licensed",
                                                                 "granted", "decided", "normal", "problems"}
    kinds = set()
    for version in PublicationVersion.objects.select_related("publication__obligation"):
        kinds.add(version.publication.obligation.kind_label)
        blob = published_blob(version)
        words = set(re.findall(r"[a-z_]{4,}", blob))
        assert not words & keys, (version.pk, words & keys, blob[:200])
        assert "行政监察" not in blob and "未发现问题：未发现问题" not in blob
    assert {"处罚", "强制", "许可", "监察"} <= kinds


def test_a_coercive_measure_publishes_its_measure_and_items(demo):
    from sanxiang.publicity.models import PublicationVersion

    found = [v for v in PublicationVersion.objects.filter(publication__obligation__kind_label="强制")]
    assert found
    assert all(v.fields["执法结论"].startswith(("查封", "扣押", "先行登记保存")) for v in found), \
        [v.fields["执法结论"] for v in found]


def test_the_labour_inspection_kind_label(demo):
    from sanxiang.publicity.models import PublicationVersion

    found = [v for v in PublicationVersion.objects.filter(publication__obligation__kind_label="监察")]
    assert found and all(v.fields["执法类别"] == "劳动保障监察" for v in found)


# ---- 9. the original is the decision as recorded ----------------------------------------------------------

def test_the_editor_cannot_replace_the_decision_text(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    client.force_login(editor)
    refused = post(client, f"{BASE}/{pub.pk}/prepare", {"text": "行政处罚决定：罚款1元。"})
    assert refused.status_code == 422
    with pytest.raises(TypeError):
        P.do_prepare_publication(pub, text="行政处罚决定：罚款1元。", actor=editor)
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert 'name="text" rows="8"' not in page


def test_the_summary_number_is_the_decision_documents_never_the_filing_number(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    ob = opened(agency)
    summary = ob.publication.current().summary
    assert summary["决定书文号"] == "（未编号）" and ob.case.number not in summary["决定书文号"]


def test_conclusions_are_chinese_for_every_kind():
    from types import SimpleNamespace as NS

    planned = {"source": "planned", "case": NS(source="other")}  # not from a complaint (s26 defects10h #1)
    inspection = NS(result="normal", conclusion="未发现问题。", get_result_display=lambda: "未发现问题", **planned)
    assert P._conclusion(NS(inspection=inspection), NS(kind_label="检查")) == "未发现问题"
    found = NS(result="problems", conclusion="消防通道堵塞", get_result_display=lambda: "发现问题", **planned)
    assert P._conclusion(NS(inspection=found), NS(kind_label="检查")) == "发现问题：消防通道堵塞"
    licence = NS(decision_outcome="granted", decision_content="准予食品经营许可")
    assert P._conclusion(licence, NS(kind_label="许可", decision_label="准予行政许可")) == "准予食品经营许可"
    refused = NS(decision_outcome="refused", decision_content="申请材料不齐全")
    assert P._conclusion(refused, NS(kind_label="许可", decision_label="不予行政许可")) == "不予行政许可：申请材料不齐全"
    labour = NS(decision_outcome="rectification", decision_content="")
    assert P._conclusion(labour, NS(kind_label="监察", decision_label="责令改正")) == "责令改正"
    assert P.kind_field(NS(kind_label="监察"), NS(category="劳动保障监察")) == "劳动保障监察"


def test_the_editors_words_are_masked_in_the_registered_fields_too(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    words = agency.name[:4]
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "text": words, "kind": "other", "reason": "演示"}],
                                   actor=editor)
    assert words not in published_blob(row) and "［已隐去］" in row.fields["执法机关"]
