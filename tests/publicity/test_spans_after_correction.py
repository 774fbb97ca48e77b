"""Issue 10's second exploratory test (defects10 of session 22, decision 0080): an editor's span whose words a
correction's text no longer holds keeps masking the fields and the summary; ..."""

import pytest
from publication_cast import published_blob, walk

from sanxiang.cases.models import Case
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db


# ---- 1. a correction's text without the masked words does not un-mask the summary ------------------------

def test_a_span_lost_by_a_correction_still_masks_the_summary_and_fields(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "text": "销售过期食品", "kind": "other",
                                                "reason": "商业秘密"}], actor=editor)
    assert row.summary["违法行为类型"] == "［已隐去］"
    walk(pub, editor, head)
    text = "\n".join(line for line in pub.current().original.splitlines() if not line.startswith("案由"))
    assert "销售过期食品" not in text
    row = P.do_correct_publication(pub, reason="罚款数额有误", text=text, actor=editor)
    assert row.unplaced and row.unplaced[0]["text"] == "销售过期食品"
    assert "销售过期食品" not in published_blob(row)
    assert row.summary["违法行为类型"] == "［已隐去］"
    # the editor's later edit of the same version keeps it masked, and so does the next correction
    row = P.do_prepare_publication(pub, actor=editor)
    assert "销售过期食品" not in published_blob(row)
    walk(pub, editor, head, on="2026-03-12")
    assert "销售过期食品" not in published_blob(pub.shown())
    again = P.do_correct_publication(pub, reason="再次更正", text=text + "\n补充：当事人销售过期食品。", actor=editor)
    assert "销售过期食品" not in published_blob(again)
    assert "［已隐去］" in again.text


# ---- 5. a correction of the text alone: the fields that still say the old value are flagged -------------

def test_a_correction_flags_the_fields_that_still_hold_the_old_text(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    ob = opened(agency)
    Case.objects.filter(pk=ob.case.pk).update(decided_penalties=ob.case.decided_penalties,
                                              decided_fine=ob.case.decided_fine)  # as the 决定 move stores them
    pub = ob.publication
    walk(pub, editor, head)
    text = pub.current().original.replace("罚款1,000.00元", "罚款800.00元")
    row = P.do_correct_publication(pub, reason="罚款数额有误", text=text, actor=editor)
    assert "罚款1,000.00元" in row.summary["处罚内容"]  # generated from the case, unchanged
    client.force_login(head)
    stale = client.get(f"/api/v1/publications/{pub.pk}").json()["versions"][-1]["stale_fields"]
    assert {(s["part"], s["name"]) for s in stale} == {("summary", "处罚内容"), ("fields", "执法结论")}
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert 'id="stale"' in page and "处罚内容" in page and "与更正后的原文不一致" in page
    P.do_prepare_publication(pub, field_edits=[
        {"part": "summary", "name": "处罚内容", "value": "罚款800.00元", "reason": "依更正"},
        {"part": "fields", "name": "执法结论", "value": "罚款800.00元", "reason": "依更正"}], actor=editor)
    assert client.get(f"/api/v1/publications/{pub.pk}").json()["versions"][-1]["stale_fields"] == []
    assert 'id="stale"' not in client.get(f"/publicity/publications/{pub.pk}/").content.decode()


# ---- 6. a SAMR summary without the 决定书文号 is flagged to the approver -------------------------------------

def test_a_summary_without_the_decision_number_is_flagged(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    assert pub.current().summary["决定书文号"] == "（未编号）"
    P.do_submit_publication(pub, actor=editor)
    client.force_login(head)
    warnings = client.get(f"/api/v1/publications/{pub.pk}").json()["versions"][-1]["warnings"]
    assert len(warnings) == 1 and "决定书文号" in warnings[0] and "第45号第4条" in warnings[0]
    assert 'id="summary-warning"' in client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    P.do_send_back_publication(pub, reason="补文号", actor=head)
    P.do_prepare_publication(pub, field_edits=[{"part": "summary", "name": "决定书文号", "value": "株市监罚〔2026〕7号",
                                                "reason": "纸质决定书的文号"}], actor=editor)
    assert client.get(f"/api/v1/publications/{pub.pk}").json()["versions"][-1]["warnings"] == []


def test_no_warning_outside_the_samr_summary(cal):
    agency = T.agency(profile_key="pingluo-commerce")
    pub = opened(agency).publication
    assert P.summary_warnings(pub.current()) == []


# ---- 13. an editor's span of no listed kind is named in Chinese, not by its key ---------------------------

def test_an_editor_span_of_other_kind_is_named_in_chinese(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency).publication
    row = P.do_prepare_publication(pub, edits=[{"op": "add", "text": "销售过期食品", "kind": "other",
                                                "reason": "商业秘密"}], actor=editor)
    assert {s["label"] for s in row.spans if s["origin"] == "editor"} == {"其他应隐去的信息"}
    client.force_login(editor)
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert '<td class="name">其他应隐去的信息</td>' in page and '<td class="name">other</td>' not in page
