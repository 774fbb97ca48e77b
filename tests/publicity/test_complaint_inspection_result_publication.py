"""s26 defects10h #1, #2 (decision 0102, amendment for fix10l): the 检查结果 publication of a 投诉举报 or 转办交办
inspection never prints what the officer typed as its 检查事由 or 检查结论 — a complainant's name reached the
portal's 执法结论 and 决定内容 and decisions.csv/json (h9/h12) —, and a 转办交办 (12345 热线) inspection's 扫码入企
page hides the complainant as a 投诉举报 one does (h10). #3: a code split across two items in reverse order. Each as
the public sees it, failing before the fix."""

import pytest
import test_inspection_cause_and_codes_in_any_form as base
from django.test import Client
from django.utils import timezone
from publication_cast import walk

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.cases.kinds import inspection as I
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.publicity.models import Publication
from sanxiang.publicity.testing import staff

pytestmark = pytest.mark.django_db

env = base.env  # the fixture: a case whose 决定书 printed G2ZP-2B7V
PUBLISHED = "单用途商业预付卡发卡企业监督检查"
CAUSE = "12345热线转办：市民王秀英来电反映预付卡不退（投诉）"
CONCLUSION = "经核查，王秀英反映的情况属实，已电话告知王秀英（13912345678）"


def result_published(source, slug):
    """A `source` inspection of a new agency with the 平罗 profile, its result recorded and its 检查结果 published;
    the bodies of the decision page, decisions.csv and decisions.json, and the draft's text."""
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    case, page = base.inspection_page(source, CAUSE, items=["核查市民王秀英反映的预付卡退卡问题", PUBLISHED],
                                      slug=slug, published=(PUBLISHED,))
    case.agency.profile_key = "pingluo-commerce"
    case.agency.save(update_fields=["profile_key"])
    on = timezone.localdate()
    editor, head, _ = staff(case.agency)
    I.do_start_inspection(case, on=on, actor=OPERATOR)
    numbers = [h.certificate.number for h in case.handlers.select_related("certificate")]
    act = C.do_record_onsite_act(case, place="经营场所", certificate_numbers=numbers, told_reason_basis_rights=True,
                                 video_recorded=True, date=on, actor=OPERATOR)
    from sanxiang.records import evidence as E

    E.do_explain_missing_recording(case, f"onsite:{act.pk}", reason="执法记录仪故障，已制作现场笔录", actor=head)
    I.do_record_inspection_result(case, result="problems", items=["回访投诉人王秀英", PUBLISHED],
                                  conclusion=CONCLUSION, problems="王秀英所述预付卡未退", on=on, actor=OPERATOR)
    pub = Publication.objects.get(obligation__case=case)
    draft = pub.versions.order_by("-number").first()
    walk(pub, editor, head, on=on)
    client, code = Client(), case.agency.code
    bodies = "".join(client.get(u).content.decode() for u in (
        f"/gk/{code}/jueding/1/", f"/gk/{code}/data/decisions.csv", f"/gk/{code}/data/decisions.json"))
    from sanxiang.cases.models import Case

    return Case.objects.get(pk=case.pk), page, draft, bodies


@pytest.mark.parametrize("source", ["complaint", "referral"])
def test_the_result_publication_of_a_complaint_or_referral_inspection_never_names_the_complainant(env, source):
    case, page, draft, bodies = result_published(source, f"gr-{source[:3]}")
    assert case.inspection.conclusion == CONCLUSION and case.cause == CAUSE  # the staff keep what was typed
    for shown in (page, draft.text + "".join(draft.fields.values()), bodies):
        for leak in ("王秀英", "12345热线", "预付卡不退", "（投诉）", "已电话告知"):
            assert leak not in shown, leak
    label = "转办交办" if source == "referral" else "投诉举报"
    assert f"{label}核查（具体事由依法对投诉举报人保密，不予公开）" in page
    assert f"案由：{label}核查（具体事由依法对投诉举报人保密，不予公开）" in draft.text
    assert draft.fields["执法结论"] == f"发现问题（检查事项：{PUBLISHED}）"
    assert f"发现问题（检查事项：{PUBLISHED}）" in bodies
    # the 公示告知书 the inspected enterprise receives names the published items, not the typed cause
    from sanxiang.publicity.notices import notice_subject

    said = notice_subject(case, draft.publication.obligation)
    assert said == f"实施的行政检查（{case.inspection.get_source_display()}，检查事项：{PUBLISHED}）作出检查结论", said


def test_a_planned_inspections_result_keeps_its_conclusion_and_the_cause_loses_its_source_marker(env):
    case, page, draft, bodies = result_published("planned", "gr-pla")
    assert "发现问题：经核查" in draft.fields["执法结论"]
    assert "案由：12345热线转办" in draft.text and "（投诉）" not in draft.text


def test_a_code_split_across_two_items_in_either_order_is_refused(env):
    for n, items in enumerate((["2B7V 台账", "核查 G2ZP"], ["预付卡", "2B7V 台账", "其他", "核查 G2ZP"])):
        with pytest.raises(RuleViolation) as caught:
            base.inspection_page("planned", "日常检查", items=items, slug=f"gr-rev{n}")
        assert caught.value.code == "party_code_public" and caught.value.field == "items"
    case, page = base.inspection_page("planned", "日常检查", items=["EFGH 台账", "核查 ABCD"], slug="gr-revok")
    assert "EFGH 台账" in page and "核查 ABCD" in page
