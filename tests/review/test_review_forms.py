"""The 审核表 of a review round (issue 9 §6): 株洲's licence with a hearing goes through its 重大行政
执法决定法制审核表 — every row of the plan's 附件, the materials A–G, the seven points, the opinion and
the six sign-offs in their rows —
rendered to PDF by LibreOffice (the one render of this module); the form is made only once the round
has its opinion, once per round, by those who make the case's documents, and never on its own."""

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
import kinds_cast as KC  # noqa: E402

from sanxiang import storage  # noqa: E402
from sanxiang.core.errors import NotPermitted, RuleViolation  # noqa: E402
from sanxiang.documents import actions as D  # noqa: E402
from sanxiang.documents.models import Document  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.forms import do_generate_review_form, form_kind, form_values  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

LICENCE = get_table("licence_general")
MATERIALS = {"A": "provided", "B": "provided", "C": "provided", "D": "provided", "E": "provided", "F": "provided",
             "G": "not_applicable"}
LAWFUL = {code: {"finding": "lawful", "note": ""} for code in
          ("subject", "procedure", "facts", "basis", "authority", "documents")}


@pytest.fixture(scope="module")
def heard(django_db_setup, django_db_blocker):
    """A 株洲 licence case back in 审查 after the hearing the applicant asked for."""
    with django_db_blocker.unblock(), transaction.atomic():
        kenv = KC.make_kinds_env(profile_key="zhuzhou-amr")
        case, day = KC.new_kind_case(kenv, "licence"), KC.D0
        for action in ("accept", "start_review", "inform_hearing_right", "request_hearing", "notify_hearing",
                       "hold_hearing"):
            day += dt.timedelta(days=1)
            extra = {}
            if action == "notify_hearing":
                extra = {"hearing_on": (day + dt.timedelta(days=10)).isoformat()}
            if action == "hold_hearing":
                day += dt.timedelta(days=10)
            KC.prepare(kenv, LICENCE, case, action, day)
            case = KC.step(kenv, LICENCE, case, action, day, **extra)
        yield kenv, case, day
        transaction.set_rollback(True)


def test_the_zhuzhou_form_holds_every_row_of_the_plan_and_renders(heard, db):
    kenv, case, day = heard
    rnd = P.do_submit_review(case, materials=MATERIALS, note="申请人要求听证，听证已举行", actor=kenv.officer)
    assert form_kind(rnd) == "major_review_form"
    with pytest.raises(RuleViolation, match="尚未提出审核意见"):
        do_generate_review_form(rnd, actor=kenv.officer)
    with pytest.raises(RuleViolation, match="不能单独生成"):
        D.do_generate_document(case, "major_review_form", actor=kenv.officer)
    P.do_assign_reviewer(rnd, reviewer=kenv.reviewer, actor=kenv.reviewer)
    P.do_record_checklist(rnd, points={**LAWFUL, "crime": {"finding": "not_applicable", "note": "不涉嫌犯罪"}},
                          actor=kenv.reviewer)
    rnd = P.do_record_opinion(rnd, kind="A", text="符合法定条件，同意准予许可。", actor=kenv.reviewer)
    assert rnd.status == "agreed"
    with pytest.raises(NotPermitted):
        do_generate_review_form(rnd, actor=kenv.reviewer)  # the handling unit files the form

    values = form_values(case, rnd)
    assert values["opinion_kind"] == "同意" and values["track"] == "重大行政执法决定法制审核"
    assert [m["code"] for m in values["materials"]] == list("ABCDEFG") and values["materials"][-1]["provided"] == "不适用"

    from django.utils import timezone

    from sanxiang.review.testing import sign_whole_chain

    sign_whole_chain(rnd, head=kenv.head, on=timezone.localdate())  # 株洲's six steps, 承办部门负责人 … 局长
    assert [s["code"] for s in form_values(case, rnd)["signoffs"]] == [
        "handling_head", "handling_leader", "legal_review", "legal_head", "legal_leader", "director"]

    document = do_generate_review_form(rnd, actor=kenv.officer)
    assert document.kind == "major_review_form" and document.number.endswith("号")
    [document] = D.do_render_documents([document])
    assert document.status == "generated", document.failure
    with storage.open_file(document.pdf_path) as fh:
        text = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    for row in ("重大行政执法决定法制审核表", "编号", "事由", "申请部门", "申请时间", "基本情况、证据材料、拟处建议及法律依据",
                "承办部门负责人意见", "承办部门分管领导意见", "法制审核意见", "法制部门负责人意见", "分管法制的局领导意见",
                "局长审批", "注：该表适用行政处罚以外的重大行政执法决定法制审核。"):
        assert row in flat, row
    assert "同意。赵科长" in flat and "局长审批同意。" in flat
    with storage.open_file(document.docx_path) as fh:
        rows = {r.cells[0].text: r.cells[1].text for r in docx.Document(io.BytesIO(fh.read())).tables[0].rows}
    for label in ("承办部门负责人意见", "承办部门分管领导意见", "法制部门负责人意见", "分管法制的局领导意见", "局长审批"):
        assert rows[label].startswith("同意。"), label  # each sign-off in the row of its step
    assert "符合法定条件，同意准予许可。" in rows["法制审核意见"] and "同意。　钱审核" in rows["法制审核意见"]
    for value in ("食品经营许可", "行政审批科", "同意：符合法定条件，同意准予许可。", "审核人：钱审核", "G.法制审核部门认为",
                  "是否涉嫌犯罪、需要移送：不涉及（不涉嫌犯罪）", document.number):
        assert value in flat, value

    with pytest.raises(Exception, match="请先签发或等待生成完成|已生成"):
        do_generate_review_form(rnd, actor=kenv.officer)
    assert Document.objects.filter(case=case, kind="major_review_form").count() == 1


def test_urumqi_market_bureau_records_the_penalty_review_in_its_internal_approval_form(db):
    """乌鲁木齐高新区市场监管: "一般程序行政处罚决定都要进行法制审核，可在内部审批表中体现" — its penalty
    track's form is the 行政处罚案件有关事项审批表, a kind made from the round like the other three."""
    from flow_cast import make_flow_env, opinion, submitted_round

    from sanxiang.documents.kinds import SPECS
    from sanxiang.review.flow import do_sign_off

    fe = make_flow_env("urumqi-gxq-amr")
    env = fe.env
    rnd, day = submitted_round(fe)
    assert form_kind(rnd) == "internal_approval_form" and not SPECS["internal_approval_form"].offered
    with pytest.raises(RuleViolation, match="不能单独生成"):
        D.do_generate_document(rnd.review.case, "internal_approval_form", actor=env.officer)
    rnd = opinion(fe, rnd, agree=True, day=day)
    do_sign_off(rnd, "handling_head", approved=True, opinion="同意提请审核。", on=day, actor=env.head)
    document = do_generate_review_form(rnd, actor=env.officer)
    assert document.kind == "internal_approval_form" and document.fields["subject"] == f"review.reviewround:{rnd.pk}"
    [document] = D.do_render_documents([document])
    assert document.status == "generated", document.failure
    with storage.open_file(document.docx_path) as fh:
        rows = {r.cells[0].text: r.cells[1].text for r in docx.Document(io.BytesIO(fh.read())).tables[0].rows}
    assert rows["审批事项"].startswith("一般程序行政处罚决定法制审核（第 1 轮")
    assert rows["承办机构负责人意见"].startswith("同意提请审核。")
    assert "审核意见：同意。" in rows["法制审核意见"] and "审核人：钱审核" in rows["法制审核意见"]
    assert "拟处理意见：" in rows["提请审批的理由及依据"] and "王执法" in rows["承办人"]
    # Finding 9 (s20): once the case is decided on this round's proposal, the 审批意见 row records it.
    from sanxiang.cases import actions as C

    case = rnd.review.case
    assert form_values(case, rnd)["decided"] == ""
    case.refresh_from_db()
    C.do_decide_case(case, actor=env.leader, on=day)
    case.refresh_from_db()
    decided = form_values(case, rnd)["decided"]
    assert decided.startswith("同意，作出决定：") and "罚款" in decided and str(case.decided_on.year) in decided
