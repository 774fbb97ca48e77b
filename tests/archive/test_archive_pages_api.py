"""The case page's 案卷 section, the 四性检测 page, the archivist's page and /api/v1/archive/:
refusals in the one JSON error shape writing nothing, another agency 404 (issue 8 §5, §6)."""

import datetime as dt
import json
import re

import pytest
from cases_cast import reach, settle, step
from documents_cast import REASONS

from sanxiang.archive.models import ArchivedCaseFile
from sanxiang.documents import actions as D
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")
API = "/api/v1/archive"


@pytest.fixture(scope="module")
def closed(env, blocker):
    with blocker.unblock():
        case, day = reach(env, GENERAL, "decided")
        for action in ("serve", "close"):
            day += dt.timedelta(days=1)
            if action == "close":
                settle(env, GENERAL, case, day)
            case = step(env, GENERAL, case, action, day)
        D.do_generate_document(case, "filing_approval", actor=env.officer)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        keeper = T.member(env.agency, Role.RECORDS_KEEPER)
        return case, keeper


def test_the_case_file_as_json(client, env, closed):
    case, keeper = closed
    client.force_login(keeper)
    body = client.get(f"{API}/cases/{case.pk}").json()
    assert body["ended"] and body["outcome"] == "penalty" and body["archived"] is None
    assert [(i["volume"], i["seq"], i["title"]) for i in body["catalogue"]] == [
        ("main", 1, "立案审批表"), ("main", 2, "行政处罚决定书")]
    assert body["missing"] == ["案件调查终结报告", "行政处罚告知书", "送达回证", "结案审批表"]


def test_archiving_an_incomplete_file_is_refused_naming_the_items(client, env, closed):
    case, keeper = closed
    client.force_login(keeper)
    check = client.get(f"{API}/cases/{case.pk}/check").json()
    assert not check["ok"] and "完整性·按办理结果（给予行政处罚）应归档的材料齐全：缺少送达回证" in check["failed"]
    before = (ArchivedCaseFile.objects.count(), LedgerEntry.objects.count())
    response = client.post(f"{API}/cases/{case.pk}/archive")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "archive_checks_failed" and "缺少送达回证" in error["message"]
    assert set(check["failed"]) == set(error["reasons"])
    # nothing archived; the attempt itself is recorded — who tried and what failed (s21 tester8 #13, decision 0079)
    assert (ArchivedCaseFile.objects.count(), LedgerEntry.objects.count()) == (before[0], before[1] + 1)
    entry = LedgerEntry.objects.order_by("-index").first()
    assert (entry.action, entry.object_id, entry.actor) == ("refuse_archive_case", str(case.pk), keeper.username)
    payload = json.loads(entry.entry)["payload"]
    assert payload["failed"] == error["reasons"] and payload["outcome"] == "penalty"
    # shown in the case's 办案记录 under its label
    client.force_login(env.head)
    assert "归档检测未通过（未归档）" in client.get(f"/cases/{case.pk}/").content.decode()


def test_another_agency_and_strangers_get_404_anonymous_401(client, env, closed):
    case, _ = closed
    assert client.get(f"{API}/cases/{case.pk}").status_code == 401
    client.force_login(env.outsider)
    for method, url in (("get", f"{API}/cases/{case.pk}"), ("get", f"{API}/cases/{case.pk}/check"),
                        ("post", f"{API}/cases/{case.pk}/archive"), ("get", f"{API}/files/999999"),
                        ("get", f"{API}/?agency={env.agency.code}")):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert set(response.json()) >= {"code", "message"}
    assert client.get(f"/archive/cases/{case.pk}/check/").status_code == 404
    other_keeper = T.member(T.agency(), Role.RECORDS_KEEPER)
    client.force_login(other_keeper)
    assert client.get(f"{API}/cases/{case.pk}").status_code == 404


def test_an_officer_may_not_archive(client, env, closed):
    case, _ = closed
    client.force_login(env.officer)
    response = client.post(f"{API}/cases/{case.pk}/archive")
    assert response.status_code == 403 and "档案管理人员" in response.json()["message"]


def test_the_case_page_shows_the_case_file_in_chinese(client, env, closed):
    case, keeper = closed
    client.force_login(keeper)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-file"' in page and "正卷 · 卷内文件目录" in page and "缺少：案件调查终结报告、行政处罚告知书、送达回证、结案审批表" in page
    assert "penalty_decision" not in page and "documents.document" not in page
    check = client.get(f"/archive/cases/{case.pk}/check/").content.decode()
    assert "真实性" in check and "完整性" in check and "可用性" in check and "安全性" in check
    assert "缺少送达回证" in check and "<button type=\"submit\">归档</button>" not in check
    # times as people read them, no ledger vocabulary (tester s17 22b)
    assert re.search(r"检测时间 \d{4}-\d\d-\d\d \d\d:\d\d：", check) and "T" not in check.split("检测时间")[1][:20]
    assert "检查点树大小" not in check


def test_the_archivist_page_lists_the_waiting_case(client, env, closed):
    case, keeper = closed
    client.force_login(keeper)
    page = client.get("/archive/").content.decode()
    assert "待归档" in page and case.number in page and "本机关的规则配置未规定按年集中移交" in page
    body = client.get(f"{API}/?agency={env.agency.code}").json()
    assert case.pk in [w["case_id"] for w in body["waiting"]] and body["transfer_month"] is None
    client.force_login(env.officer)
    assert client.get("/archive/").status_code == 404


def test_who_may_archive_is_answered_before_trying(client, env, closed):
    case, keeper = closed
    client.force_login(keeper)
    assert client.get(f"{API}/cases/{case.pk}/archive").json() == {"allowed": True, "reason": ""}
    assert client.get(f"{API}/transfers?agency={env.agency.code}").json() == []
    client.force_login(env.officer)
    answer = client.get(f"{API}/cases/{case.pk}/archive").json()
    assert not answer["allowed"] and "档案管理人员" in answer["reason"]
