"""Issue 10's third exploratory test (defects10 of session 23, decision 0087): 严重失信 take-down period,
the 决定书's full text, ... — each a user-visible behaviour that failed before its fix."""

import datetime as dt
from unittest import mock

import pytest
from publication_cast import DECISION_PARAGRAPHS, issued_decision, walk

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db


# ---- #0 乌鲁木齐: 涉及严重失信行为的行政处罚信息公示满3年方可撤下 ------------------------------------------

def test_a_serious_dishonesty_penalty_is_taken_down_after_three_years_not_one(cal):
    agency = T.agency(profile_key="urumqi-gxq-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    row = P.do_prepare_publication(pub, serious_dishonesty=True, actor=editor)
    assert row.serious_dishonesty
    walk(pub, editor, head, on="2026-03-10")
    pub.refresh_from_db()
    # 36 months, not the 1-year prompt (2027-03-10): the SAMR display period ends then too, so no earlier prompt
    assert (pub.takedown_prompt_on, pub.expires_on) == (None, dt.date(2029, 3, 10))
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2027, 3, 11)), \
            pytest.raises(RuleViolation, match="严重失信.*2029-03-10"):
        P.do_take_down_publication(pub, reason="公示满一年", on="2027-03-11", actor=head)
    # a correction that says it does not concern 严重失信 brings the 1-year prompt back, once approved and published
    P.do_correct_publication(pub, reason="经复核不属严重失信", actor=editor)
    P.do_prepare_publication(pub, serious_dishonesty=False, actor=editor)
    walk(pub, editor, head, on="2026-03-12")
    pub.refresh_from_db()
    assert pub.takedown_prompt_on == dt.date(2027, 3, 10)


def test_only_a_penalty_may_be_marked_serious_dishonesty_and_the_page_offers_it(cal, client):
    from sanxiang.publicity.models import PublicationObligation

    agency = T.agency(profile_key="urumqi-gxq-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    client.force_login(editor)
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert 'name="serious"' in page and "公示满3年方可撤下" in page
    client.post(f"/publicity/publications/{pub.pk}/prepare/", {"disclosure": "full", "serious": "on"})
    pub.refresh_from_db()
    assert pub.current().serious_dishonesty
    client.force_login(head)
    assert "涉及严重失信行为</th><td>是（公示满3年方可撤下）" in client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    PublicationObligation.objects.filter(pk=pub.obligation_id).update(kind_label="许可")
    pub.obligation.refresh_from_db()
    with pytest.raises(RuleViolation, match="只有行政处罚"):
        P.do_prepare_publication(pub, serious_dishonesty=True, actor=editor)


# ---- #0b 乌鲁木齐人社: 一般程序的行政处罚决定书应当全文公示 ----------------------------------------------------

def test_hrss_publishes_the_issued_decisions_full_text_redacted_below_the_summary(cal, client):
    from sanxiang.publicity.queries import published_decision

    agency = T.agency(profile_key="urumqi-gxq-hrss")  # publicity.full_text_penalty = required_general_procedure
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    row = pub.current()
    assert row.full_text == ""
    assert any("全文公示" in w for w in P.summary_warnings(row))  # the approver is told it is missing
    issued_decision(pub.obligation.case, DECISION_PARAGRAPHS)
    P.do_prepare_publication(pub, edits=[{"op": "add", "text": "销售过期食品", "kind": "other", "reason": "商业秘密"}],
                             actor=editor)
    row = pub.current()
    assert row.full_text_from == "乌人社罚〔2026〕1号" and "劳动保障监察条例》第二十六条" in row.full_text
    for hidden in ("张三丰", "110105198001010011", "13800138000", "销售过期食品"):
        assert hidden not in row.full_text  # the case's persons and the editor's words, as everywhere
    assert not any("全文公示" in w for w in P.summary_warnings(row))
    walk(pub, editor, head)
    shown = published_decision(agency, 1)
    assert shown["full_text"] == row.full_text
    page = client.get(f"/gk/{agency.code}/jueding/1/").content.decode()
    assert "行政处罚决定书全文（乌人社罚〔2026〕1号）" in page and "第二十六条" in page and "张三丰" not in page


def test_where_the_full_text_is_only_encouraged_the_editor_chooses_it(cal):
    agency = T.agency(profile_key="urumqi-gxq-amr")  # encouraged
    editor, _, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    issued_decision(pub.obligation.case, DECISION_PARAGRAPHS, number="乌高市监处罚〔2026〕1号")
    assert P.do_prepare_publication(pub, actor=editor).full_text == ""  # not without the editor's choice
    assert not P.summary_warnings(pub.current()) or not any("全文" in w for w in P.summary_warnings(pub.current()))
    row = P.do_prepare_publication(pub, full_text=True, actor=editor)
    assert "第二十六条" in row.full_text and "张三丰" not in row.full_text
    zz = T.agency(profile_key="pingluo-commerce")  # not_required: refused
    other = opened(zz).publication
    with pytest.raises(RuleViolation, match="全文"):
        P.do_prepare_publication(other, full_text=True, actor=staff(zz)[0])


# ---- #6 乌鲁木齐人社: a labour inspection's 案件事实 is never published empty without a word -----------------

def test_a_decision_without_recorded_facts_publishes_its_cause_and_an_empty_field_is_warned(cal, client):
    from sanxiang.cases.models import Case

    agency = T.agency(profile_key="urumqi-gxq-hrss")
    editor, _, _ = staff(agency)
    ob = opened(agency)
    Case.objects.filter(pk=ob.case_id).update(facts="", cause="未按规定支付加班费（投诉）")
    ob.case.refresh_from_db()
    pub = ob.publication
    row = P.do_prepare_publication(pub, actor=editor)
    assert row.fields["案件事实"] == "未按规定支付加班费"  # without its source marker (decision 0103)
    assert not any("为空" in w for w in P.summary_warnings(row))
    Case.objects.filter(pk=ob.case_id).update(cause="")  # nothing recorded at all: the editor is told
    row = P.do_prepare_publication(pub, actor=editor)
    assert row.fields["案件事实"] == ""
    client.force_login(editor)
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert "公开字段“案件事实”为空" in page


# ---- #1 the demo's codes: the one printed on the 决定书 works, and it is the one `sanxiang demo` prints --------

def test_the_demos_printed_codes_work(demo):
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.publicity import requests as R
    from sanxiang.publicity.models import Publication
    from sanxiang.publicity.notices import printed_code
    from sanxiang.publicity.party_models import CorrectionRequest

    checked = 0
    for spec in AGENCIES:
        asked = CorrectionRequest.objects.filter(agency__code=spec["code"]).order_by("id").first()
        if asked is None:
            continue
        pub = Publication.objects.select_related("obligation__case", "agency").get(pk=asked.publication_id)
        code = printed_code(pub)  # on a document of the case, and still valid
        assert code, spec["code"]
        assert R.identify(pub.agency, pub.obligation.case.number, code, address="10.0.0.9") == pub
        checked += 1
    assert checked >= 3


# ---- #4 the portal's home names the document, not the seed file ---------------------------------------------

@pytest.mark.parametrize("profile", ["zhuzhou-amr", "urumqi-gxq-amr", "quanzhou-licheng-amr"])
def test_the_portal_home_cites_the_documents_title_not_a_file_name(profile, client):
    agency = T.agency(profile_key=profile)
    page = client.get(f"/gk/{agency.code}/").content.decode()
    start = page.index('id="open-data"')
    section = page[start:page.index("</section>", start)]
    assert "依据：《" in section and ".txt" not in section


# ---- #8 a penalty's 违法行为类型 is the established violation; #17 no placeholder in the credit export ---------

def test_the_summary_names_the_violation_not_a_suspicion_and_the_credit_export_has_no_placeholder(cal):
    from sanxiang.cases.models import Case
    from sanxiang.portal.open import credit_penalties

    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    ob = opened(agency, fine="300000")
    Case.objects.filter(pk=ob.case_id).update(cause="涉嫌经营未按规定检验的食用农产品")
    row = P.do_prepare_publication(ob.publication, actor=editor)
    assert row.summary["违法行为类型"] == "经营未按规定检验的食用农产品"
    assert row.summary["决定书文号"] == "（未编号）"
    walk(ob.publication, editor, head)
    (exported,) = credit_penalties(agency)
    assert exported[0] == "" and exported[4] == "经营未按规定检验的食用农产品"


# ---- #10 the party reads the publication's state in its words, not the staff's 草稿 --------------------------

def test_the_party_view_says_not_yet_published_with_the_due_day_not_draft(cal):
    from sanxiang.publicity.requests import party_view

    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    ob = opened(agency, fine="300000")
    status = party_view(ob.publication)["status"]
    assert status.startswith("尚未公示（应于 ") and "草稿" not in status
    P.do_submit_publication(ob.publication, actor=editor)
    assert "待审核" not in party_view(ob.publication)["status"]
    pub = ob.publication
    P.do_approve_publication(pub, actor=head, on="2026-03-10")
    P.do_publish_publication(pub, actor=head, on="2026-03-10")
    pub.refresh_from_db()
    assert party_view(pub)["status"] == "已公示"
    P.do_correct_publication(pub, reason="更正", actor=editor)
    pub.refresh_from_db()
    assert party_view(pub)["status"] == "已公示"  # the correction's draft is the staff's business


# ---- #13b the staff annual page shows neither a spec file nor a shell command --------------------------------

def test_citations_shown_to_people_name_no_spec_file():
    from sanxiang.annual.figures import dates

    agency = T.agency(profile_key="zhuzhou-amr")
    d = dates(agency, 2025)
    for citation in (d.due_citation, d.unit_submission_citation, d.recipients_citation):
        assert citation and ".md" not in citation
    from sanxiang.profiles.registry import get_profile

    national = get_profile("national")
    assert "legal-rules" not in national.cite(national.entry("publicity.annual_report.due"))


# ---- #5 事前公开's update deadline counted over a year without a calendar is marked 暂定 -----------------------

def test_the_disclosure_update_deadline_over_an_uncalendared_year_says_provisional(client):
    from sanxiang.disclosure.actions import do_record_disclosure_trigger

    seed_calendar(actor=OPERATOR, years=[2026])  # 2027's holidays not yet published
    agency = T.agency(profile_key="urumqi-gxq-amr")  # 60 working days (seed 000)
    reviewer = T.member(agency, "reviewer")
    do_record_disclosure_trigger(agency, cause="law", description="某法修订施行", occurred_on=dt.date(2026, 11, 5),
                                 actor=reviewer)
    client.force_login(reviewer)
    page = client.get(f"/disclosure/{agency.code}/").content.decode()
    start = page.index('id="triggers"')
    assert "暂定" in page[start:page.index("</table>", start)]


def test_the_party_page_says_a_new_code_kills_the_one_on_the_decision(cal, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, _, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    client.force_login(editor)
    page = client.get(f"/publicity/party/{pub.pk}/").content.decode()
    assert "包括已印在行政处罚决定书上的" in page
