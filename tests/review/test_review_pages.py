"""The review pages through Django's client (issue 9 §6): a 株洲 penalty over the investigation's end
is shown as needing review with its rule and citation, submitted from the case page (a missing
item refused, nothing written), taken from the reviewer desk, returned for supplement, supplemented
by the handling unit from its workbench, reviewed on the seven points and agreed; its 审核表 is
generated with the opinion and filed as a 副卷 form; the statistics count it. Officers never get
the opinion form; another agency's people get 404."""

import io
import sys
from pathlib import Path

import docx
import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach  # noqa: E402
from flow_cast import make_flow_env  # noqa: E402  (tests/review)

from sanxiang import storage  # noqa: E402
from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.documents.models import Document  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402
from sanxiang.review import forms as review_forms  # noqa: E402
from sanxiang.review.models import ReviewRound  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

GENERAL = get_table("penalty_general")
ALL_MATERIALS = {"material-report": "provided", "material-draft": "provided", "material-evidence": "provided",
                 "material-hearing": "not_applicable"}
LAWFUL = {f"finding-{code}": "lawful" for code in
          ("subject", "procedure", "facts", "basis", "authority", "documents", "crime")}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        fe = make_flow_env("zhuzhou-amr")  # with its 政策法规科: the qualified reviewer, the office's head
        env = fe.env
        env.legal_head = fe.legal_head
        other = make_env(profile_key="zhuzhou-amr")
        case, _ = reach(env, GENERAL, "concluded")
        yield env, other, case
        transaction.set_rollback(True)


def text(response) -> str:
    return response.content.decode()


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data, follow=True)


def test_a_review_from_the_case_page_through_the_desk_to_the_form(world, client, db):
    env, other, case = world
    client.force_login(env.officer)
    page = text(client.get(f"/cases/{case.pk}/"))
    assert "须经法制审核后方可作出决定" in page
    assert "一般程序行政处罚决定均须法制审核" in page and "明确审核范围" in page  # the rule and its citation
    assert "提交法制审核" in page and "调查终结报告" in page  # the track's materials

    entries = LedgerEntry.objects.count()
    refused = post(client, env.officer, f"/review/cases/{case.pk}/submit/",
                   {**ALL_MATERIALS, "material-evidence": ""})
    assert "送审材料不齐全" in text(refused) and "证据材料" in text(refused)
    assert not ReviewRound.objects.filter(review__case=case).exists() and LedgerEntry.objects.count() == entries

    post(client, env.officer, f"/review/cases/{case.pk}/submit/", {**ALL_MATERIALS, "note": "请审核"})
    rnd = ReviewRound.objects.get(review__case=case)
    assert rnd.status == "submitted" and rnd.due is not None

    client.force_login(env.reviewer)
    desk = text(client.get("/review/"))
    assert case.cause in desk and "第 1 轮" in desk and "待确定审核人员" in desk
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "确定审核人员" in page and "钱审核" in page
    post(client, env.reviewer, f"/review/rounds/{rnd.pk}/assign/", {"reviewer": env.reviewer.pk})
    rnd.refresh_from_db()
    assert rnd.status == "in_review" and rnd.reviewer == env.reviewer

    client.force_login(env.officer)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "提出审核意见" not in page and "审核要点" not in page  # an officer never gets the reviewer's forms
    refused = post(client, env.officer, f"/review/rounds/{rnd.pk}/opinion/", {"opinion_kind": "agree", "text": "同意"})
    assert "同意" != ReviewRound.objects.get(pk=rnd.pk).opinion_label and "只有" in text(refused)

    client.force_login(env.reviewer)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "提出审核意见" in page and "同意案件处理意见" in page and "案件材料" in page
    post(client, env.reviewer, f"/review/rounds/{rnd.pk}/request-supplement/",
         {"items": ["evidence"], "supplement_by": "2026-12-31", "note": "补充进货单据"})
    rnd.refresh_from_db()
    assert rnd.status == "supplementing"

    client.force_login(env.officer)
    home = text(client.get("/"))
    assert "法制审核退回的案件" in home and "补交材料" in home
    post(client, env.officer, f"/review/rounds/{rnd.pk}/supplement/", {"material-evidence": "provided"})
    rnd.refresh_from_db()
    assert rnd.status == "in_review"

    refused = post(client, env.reviewer, f"/review/rounds/{rnd.pk}/opinion/", {"opinion_kind": "agree", "text": "同意"})
    assert "尚未记录以下审核要点" in text(refused)
    post(client, env.reviewer, f"/review/rounds/{rnd.pk}/checklist/", LAWFUL)
    refused = post(client, env.reviewer, f"/review/rounds/{rnd.pk}/opinion/", {"opinion_kind": "A", "text": "x"})
    assert "审核意见只能是" in text(refused)
    post(client, env.reviewer, f"/review/rounds/{rnd.pk}/opinion/", {"opinion_kind": "agree", "text": "事实清楚，同意。"})
    rnd.refresh_from_db()
    assert rnd.status == "agreed" and rnd.opinion_label == "同意案件处理意见"

    # 签批 along 株洲's penalty chain; the 政策法规科 head does not read the unit's cases, only his step
    assert client.get(f"/review/rounds/{rnd.pk}/").status_code == 200
    client.force_login(env.legal_head)
    assert client.get(f"/review/rounds/{rnd.pk}/").status_code == 404  # not his turn yet
    for who, step, words in ((env.head, "handling_head", "同意送审。"), (env.reviewer, "legal_review", "经审核，同意。"),
                             (env.legal_head, "legal_head", "同意法制审核意见。")):
        client.force_login(who)
        if who == env.legal_head:
            assert case.title in text(client.get("/review/"))  # 待我签批
        assert "签批" in text(client.get(f"/review/rounds/{rnd.pk}/"))
        post(client, who, f"/review/rounds/{rnd.pk}/sign/", {"step": step, "approved": "yes", "opinion": words})
    assert "法制审核机构负责人意见：同意" in text(client.get(f"/review/rounds/{rnd.pk}/"))  # he signed: he reads it
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # but not the case

    client.force_login(env.officer)
    page = text(client.get(f"/cases/{case.pk}/"))
    assert "审核通过" in page and "同意案件处理意见" in page and "补充进货单据" in page
    assert "法制审核机构负责人意见" in page
    assert "退回补充材料（证据材料）" in page and "report. " not in page  # labels and names, never keys
    assert "由王执法提交" in page
    assert 'id="round-form"' in client.get(f"/review/rounds/{rnd.pk}/").content.decode()  # 生成审核表 offered
    post(client, env.officer, f"/review/rounds/{rnd.pk}/form/", {})
    form = Document.objects.get(case=case, kind="case_review_form")
    # not offered again while the form waits or is generated but not issued (tester9 #7)
    assert 'id="round-form"' not in client.get(f"/review/rounds/{rnd.pk}/").content.decode()
    assert form.fields["subject"] == f"review.reviewround:{rnd.pk}"
    with storage.open_file(form.docx_path) as fh:
        filled = docx.Document(io.BytesIO(fh.read()))
    body = "\n".join(cell.text for table in filled.tables for row in table.rows for cell in row.cells)
    for wanted in ("案件审核表", "同意案件处理意见", "事实清楚，同意。", "执法主体、执法人员资格", "合法适当",
                   "一般程序行政处罚决定均须法制审核", "证据材料：已提交", "罚款人民币 20,000.00 元",
                   "承办机构负责人意见：同意送审。（赵科长", "法制审核机构负责人意见：同意法制审核意见。"):
        assert wanted in body or wanted in "\n".join(p.text for p in filled.paragraphs), wanted
    again = post(client, env.officer, f"/review/rounds/{rnd.pk}/form/", {})
    assert "请先签发或等待生成完成" in text(again) and Document.objects.filter(kind="case_review_form").count() == 1

    from sanxiang.archive.casefile import SECONDARY_ORDER

    assert form.get_kind_display() in SECONDARY_ORDER  # filed in the 副卷 by its title

    client.force_login(env.head)
    stats = text(client.get("/review/statistics/"))
    # every track's agreeing opinion counts as 同意 (finding 9, s20); the footnote says the pause is excluded
    assert env.agency.name in stats and "同意 1" in stats and "同意案件处理意见" not in stats
    assert "不含等待补充材料的期间" in stats
    api = client.get("/api/v1/review-statistics/").json()
    assert api["rows"][0]["reviews"] == 1 and api["rows"][0]["rounds"] == 1
    assert client.get("/api/v1/review-statistics/?start=2026-13-01").status_code == 400


def test_another_agency_gets_404_and_officers_no_statistics(world, client, db):
    env, other, case = world
    rnd = ReviewRound.objects.filter(review__case=case).first()
    if rnd is None:  # this test may run alone: submit through the action
        from sanxiang.review.procedure import do_submit_review

        rnd = do_submit_review(case, materials={"report": "provided", "draft": "provided", "evidence": "provided",
                                                "hearing": "not_applicable"}, actor=env.officer)
    for user in (other.officer, other.reviewer, other.head):
        client.force_login(user)
        assert client.get(f"/review/rounds/{rnd.pk}/").status_code == 404
        assert client.post(f"/review/rounds/{rnd.pk}/assign/", {"reviewer": user.pk}).status_code == 404
        assert client.post(f"/review/cases/{case.pk}/submit/", ALL_MATERIALS).status_code == 404
    client.force_login(other.reviewer)
    assert case.cause not in text(client.get("/review/"))
    client.force_login(env.officer)
    assert client.get("/review/statistics/").status_code == 403
    assert client.get("/api/v1/review-statistics/").status_code == 403
    assert client.get("/review/rounds/x/").status_code == 404


def test_the_form_of_each_track():
    """The kind follows the track's form name, else the SAMR form by the review's ground."""
    assert review_forms._kind_of_name("重大行政执法决定法制审核表") == "major_review_form"
    assert review_forms._kind_of_name("案件审核表") == "case_review_form"
    assert review_forms._kind_of_name("法制审核表（第五十八条）") == "legal_review_form"
    assert review_forms._kind_of_name("行政处罚案件有关事项审批表") == "internal_approval_form"  # 乌鲁木齐市场监管
    assert review_forms._kind_of_name("行政处理决定审批表") is None


def test_supervisors_see_the_statistics_of_the_agencies_they_supervise(world, client, db):
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.actions import do_update_agency
    from sanxiang.orgs.models import AgencyKind, Role
    from sanxiang.review.procedure import do_submit_review

    env, other, case = world
    do_submit_review(case, materials={"report": "provided", "draft": "provided", "evidence": "provided",
                                      "hearing": "not_applicable"}, actor=env.officer)
    body, elsewhere = T.agency(kind=AgencyKind.SUPERVISORY), T.agency(kind=AgencyKind.SUPERVISORY)
    do_update_agency(env.agency, supervised_by=[body.code], actor=OPERATOR)
    supervisor, stranger = T.member(body, Role.SUPERVISOR), T.member(elsewhere, Role.SUPERVISOR)
    client.force_login(supervisor)
    rows = client.get("/api/v1/review-statistics/").json()["rows"]
    assert [(r["agency"], r["reviews"], r["open"]) for r in rows] == [(env.agency.name, 1, 1)]
    assert env.agency.name in text(client.get("/review/statistics/"))
    client.force_login(stranger)
    assert client.get("/api/v1/review-statistics/").json()["rows"] == []


def test_the_desk_names_the_reviewer_is_not_an_officers_and_notes_read_cleanly(db):
    """Defect 9.17: the queue shows who holds each round (his name, not 已确定); an officer gets 403
    on the desk as the docs say; a supplement note ending in 。 does not read "。，限"."""
    from django.test import Client

    from sanxiang.review import procedure as P
    from sanxiang.review.testing import submit_and_assign

    fe = make_flow_env("zhuzhou-amr")
    env = fe.env
    case, day = reach(env, GENERAL, "concluded")
    rnd = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day)
    P.do_request_supplement(rnd, items=["evidence"], supplement_by="2026-12-31", note="请补充进货凭证。",
                            actor=env.reviewer, on=day)
    client = Client()
    client.force_login(env.leader)
    desk = text(client.get("/review/"))
    assert "钱审核" in desk and "已确定" not in desk
    client.force_login(env.officer)
    assert client.get("/review/").status_code == 403
    client.force_login(env.reviewer)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "请补充进货凭证，限" in page and "。，" not in page


def test_hrss_returns_a_round_with_its_typed_grounds_from_the_round_page(db):
    """Defect 9.10: 乌鲁木齐人社 requires return grounds; the opinion form (on the round's page, the one
    way to give an opinion) offers the profile's grounds, keeps what was typed when none is ticked,
    and a return with one of them is recorded."""
    from django.test import Client
    from flow_cast import submitted_round

    from sanxiang.review.testing import all_points

    fe = make_flow_env("urumqi-gxq-hrss")
    env = fe.env
    rnd, day = submitted_round(fe)
    from sanxiang.review import procedure as P

    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    client = Client()
    client.force_login(env.reviewer)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "退回情形" in page and "证据不足" in page and "超越权限" in page
    response = client.post(f"/review/rounds/{rnd.pk}/opinion/", {"opinion_kind": "return", "text": "证据不足以认定。"})
    refused = text(response)
    assert response.status_code == 400 and "请选择提出审核建议或退回的情形" in refused and "证据不足以认定。" in refused
    client.post(f"/review/rounds/{rnd.pk}/opinion/",
                {"opinion_kind": "return", "text": "证据不足以认定。", "return_grounds": ["证据不足"]})
    rnd.refresh_from_db()
    assert rnd.status == "returned" and rnd.return_grounds == ["证据不足"]


PROPOSALS = [
    ({"kind": "penalty", "penalties": ["warning", "fine"], "fine": "20000.00"}, "罚款"),
    ({"kind": "coercion", "measure": {"id": 1, "kind": "seize", "items": [["库存头盔", "", "4E+1", "个"]]}},
     "扣押：库存头盔40个"),
    ({"kind": "coercion", "measure": {"id": 1, "kind": "seal", "items": [["过期牛奶", "250ml×24", "10", "箱"]]}},
     "查封：过期牛奶（250ml×24）10箱"),
    ({"kind": "licence", "decision": "change"}, "变更行政许可"),
]


@pytest.mark.parametrize(("proposal", "shown"), PROPOSALS)
def test_the_proposal_under_review_reads_as_its_decision(proposal, shown):
    """Finding 6 (s20): the round page and the 审核表 print the proposal the round reviews — a measure's
    kind and items (an exponent quantity stored before 0067 printed as written), a later decision."""
    assert shown in review_forms.proposal_text(None, proposal)


def test_the_round_page_shows_the_proposal_and_why_no_discussion_can_be_held(db, client):
    from flow_cast import opinion, submitted_round

    from sanxiang.orgs.models import Role, RoleAssignment

    fe = make_flow_env("quanzhou-licheng-amr")
    rnd, day = submitted_round(fe, conclude={"penalties": ["fine"], "fine": "20000", "flags": ["public_interest"]})
    rnd = opinion(fe, rnd, agree=True, day=day)
    client.force_login(fe.env.reviewer)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "送审的拟作出决定" in page and "罚款" in page and "20,000" in page
    client.force_login(fe.env.leader)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "记录集体讨论" in page and "round-discuss-blocked" not in page  # 第六十条; three leaders: the form
    RoleAssignment.objects.filter(agency=fe.env.agency, role=Role.AGENCY_LEADER).exclude(
        user=fe.env.leader).update(active=False)
    page = text(client.get(f"/review/rounds/{rnd.pk}/"))
    assert "round-discuss-blocked" in page and "不少于 2 名负责人出席" in page and 'name="minutes"' not in page


@pytest.mark.parametrize(("approved", "opinion", "said"), [
    (True, "同意。", "同意。"), (True, "同意送审。", "同意送审。"), (True, "经审核，同意。", "同意，经审核，同意。"),
    (False, "不同意，证据不足。", "不同意，证据不足。"), (False, "证据不足。", "不同意，证据不足。"), (True, "", "同意"),
])
def test_a_signoff_reads_without_repeating_its_verdict(approved, opinion, said):
    """Finding 9 (s20): the 签批 panel printed "同意，同意。"."""
    from types import SimpleNamespace

    from sanxiang.review.views import _said

    assert _said(SimpleNamespace(approved=approved, opinion=opinion)) == said


def test_the_statistics_show_the_reviewer_ratio_of_ones_agency(world, client, db):
    """Issue 9 §3 "the reviewer ratio (≥ 5 %) shows per agency" (decision 0075: found walking the statistics)."""
    env, other, case = world
    client.force_login(other.leader)  # 株洲: 全局法制审核人员不少于执法人员总数的5%
    html = client.get("/review/statistics/").content.decode()
    part = html[html.index('id="review-reviewer-ratio"'):]
    assert other.agency.name in part and "法制审核人员" in part and "5%" in part
    assert f"<li>{env.agency.name}：" not in part
