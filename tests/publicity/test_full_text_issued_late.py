"""A 决定书 issued after its decision was published, where the profile requires the full text (乌鲁木齐人社,
`publicity.full_text_penalty` = required_general_procedure): the 公示编辑 is told by itself — the obligations page
flags the row and the hourly job names it — until a correction loads the redacted full text (decision 0103)."""

import pytest
from publication_cast import DECISION_PARAGRAPHS, issued_decision, walk

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.tasks import expire_publications
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db
FLAG = "已签发，公示信息未载全文：请更正"


def test_a_decision_issued_after_publication_is_flagged_until_a_correction_loads_its_full_text(client):
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    agency = T.agency(profile_key="urumqi-gxq-hrss")
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head)  # published without the full text: only a warning then (decision 0087)
    pub.refresh_from_db()
    assert pub.shown().full_text == "" and P.full_text_late(pub) == ""
    client.force_login(editor)
    assert FLAG not in client.get("/publicity/").content.decode()
    assert expire_publications.call()["full_text_late"] == 0

    doc = issued_decision(pub.obligation.case, DECISION_PARAGRAPHS)  # issued now, after publication
    assert P.full_text_late(pub) == doc.number
    page = client.get("/publicity/").content.decode()
    assert f"决定书（{doc.number}）{FLAG}" in page
    run = expire_publications.call()
    assert run["full_text_late"] == 1 and pub.obligation.case.number in run["summary"]
    assert "请公示编辑更正" in run["summary"]
    warning = [w for w in P.summary_warnings(pub.shown()) if "全文" in w]
    assert warning and doc.number in warning[0] and "更正" in warning[0]

    P.do_correct_publication(pub, reason="补充公示已签发的行政处罚决定书全文", actor=editor)
    walk(pub, editor, head)
    pub.refresh_from_db()
    assert pub.shown().full_text_from == doc.number and "张某" in pub.shown().full_text
    assert P.full_text_late(pub) == "" and expire_publications.call()["full_text_late"] == 0
    assert FLAG not in client.get("/publicity/").content.decode()


def test_an_agency_whose_profile_does_not_require_the_full_text_is_not_flagged():
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    agency = T.agency(profile_key="zhuzhou-amr")  # publicity.full_text_penalty: not required
    editor, head, _ = staff(agency)
    pub = opened(agency).publication
    walk(pub, editor, head)
    pub.refresh_from_db()
    issued_decision(pub.obligation.case, DECISION_PARAGRAPHS)
    assert P.full_text_late(pub) == "" and expire_publications.call()["full_text_late"] == 0
