"""The case page's 文书 section, the template page and /api/v1/documents/ (one LibreOffice conversion)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from documents_cast import REASONS, decided_case

from sanxiang.documents import actions as D
from sanxiang.documents.models import Document, DocumentTemplate
from sanxiang.documents.tasks import render_documents
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/documents/"


@pytest.fixture(scope="module")
def rendered(env, blocker):
    """A 行政处罚决定书 generated through the page and rendered by the job, kept for the module."""
    from django.test import Client

    with blocker.unblock():
        case = decided_case(env)
        client = Client()
        client.force_login(env.officer)
        response = client.post(f"/documents/cases/{case.pk}/generate/penalty_decision/",
                               {f"penalty_decision-{k}": v for k, v in REASONS.items()}, follow=True)
        assert "PDF 正在后台生成" in response.content.decode()
        render_documents.call()
        return Document.objects.get(case=case)


def page(client, user, case):
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_lists_documents_with_preview_and_issue_for_the_head(client, env, rendered):
    officer_view = page(client, env.officer, rendered.case)
    assert 'id="case-documents"' in officer_view and rendered.number in officer_view and "已生成" in officer_view
    assert f"/retrieval/records/document/{rendered.pk}/pdf/" in officer_view  # 查看/下载 through the serving layer
    assert f"/documents/{rendered.pk}/issue/" not in officer_view  # officers do not issue
    assert "生成送达回证" in officer_view and "生成立案审批表" in officer_view
    head_view = page(client, env.head, rendered.case)
    assert f"/documents/{rendered.pk}/issue/" in head_view
    preview = client.get(f"/documents/{rendered.pk}/pdf/", follow=True)
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    response = client.post(f"/documents/{rendered.pk}/issue/", follow=True)
    assert f"已签发{rendered}" in response.content.decode()
    again = client.post(f"/documents/{rendered.pk}/issue/", follow=True).content.decode()
    assert "不能重复签发" in again
    assert "生成更正的行政处罚决定书" in again


def test_a_refused_generation_says_why_on_the_page_and_writes_nothing(client, env, rendered):
    client.force_login(env.officer)
    response = client.post(f"/documents/cases/{rendered.case.pk}/generate/service_receipt/", follow=True)
    assert "已生成" in response.content.decode()  # the receipt is made; now a second one is refused
    entries, documents = LedgerEntry.objects.count(), Document.objects.count()
    response = client.post(f"/documents/cases/{rendered.case.pk}/generate/service_receipt/", follow=True)
    assert "未能生成送达回证" in response.content.decode() and "待生成" in response.content.decode()
    assert (LedgerEntry.objects.count(), Document.objects.count()) == (entries, documents)


def test_the_api_lists_generates_issues_and_serves_the_pdf(client, env, rendered):
    client.force_login(env.officer)
    listed = client.get(API, {"case_id": rendered.case.pk}).json()
    assert [d["number"] for d in listed] == [rendered.number]
    assert listed[0]["fields"] == REASONS and listed[0]["national_template"] is True
    pdf = client.get(f"{API}{rendered.pk}/pdf")
    assert pdf.status_code == 200 and pdf.getvalue().startswith(b"%PDF")  # streamed by the retrieval layer
    assert client.get(f"{API}{rendered.pk}/issue").json() == {
        "may_issue": False, "reason": "只有承办机构负责人或单位领导可以签发执法文书。"}
    refused = client.post(f"{API}{rendered.pk}/issue")
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    client.force_login(env.head)
    assert client.post(f"{API}{rendered.pk}/issue").json()["status"] == "issued"
    twice = client.post(f"{API}{rendered.pk}/issue")
    assert twice.status_code == 409
    assert set(twice.json()) == {"code", "message", "field", "reasons"}
    assert twice.json()["code"] == "document_already_issued" and "不能重复签发" in twice.json()["message"]
    client.force_login(env.officer)
    bad = client.post(API, {"case_id": rendered.case.pk, "kind": "service_receipt", "inputs": {}},
                      content_type="application/json")
    assert bad.status_code == 201 and bad.json()["status"] == "pending"
    not_ready = client.get(f"{API}{bad.json()['id']}/pdf")
    assert not_ready.status_code == 409 and "尚未生成" in not_ready.json()["message"]
    case = decided_case(env)
    missing = client.post(API, {"case_id": case.pk, "kind": "penalty_decision", "inputs": {"evidence": "笔录"}},
                          content_type="application/json")
    assert missing.status_code == 400 and missing.json()["field"] == "basis"
    assert "依据选择" in missing.json()["message"]


def test_another_agency_sees_nothing(client, env, rendered):
    client.force_login(env.outsider)
    assert client.get(f"{API}{rendered.pk}").status_code == 404
    assert client.get(f"{API}{rendered.pk}/pdf").status_code == 404
    assert client.get(API, {"case_id": rendered.case.pk}).status_code == 404
    assert client.post(f"{API}{rendered.pk}/issue").status_code == 404
    assert client.get(f"/documents/{rendered.pk}/pdf/").status_code == 404
    generate = client.post(API, {"case_id": rendered.case.pk, "kind": "filing_approval"},
                           content_type="application/json")
    assert generate.status_code == 404


def test_templates_are_uploaded_through_the_api_and_the_page(client, env):
    client.force_login(env.leader)
    bad = client.post(f"{API}templates", {"agency": env.agency.code, "kind": "service_receipt", "reason": "本局格式",
                                          "file": SimpleUploadedFile("x.docx", b"PK not really")})
    assert bad.status_code == 400 and "不是" in bad.json()["message"] and bad.json()["field"] == "file"
    good = client.post(f"{API}templates", {"agency": env.agency.code, "kind": "service_receipt", "reason": "本局格式",
                                           "file": SimpleUploadedFile("x.docx", D.packaged_template("service_receipt"))})
    assert good.status_code == 201 and good.json()["version"] == 1
    assert [t["version"] for t in client.get(f"{API}templates", {"agency": env.agency.code}).json()] == [1]
    response = client.post("/documents/templates/", {"kind": "service_receipt", "reason": "第二版",
                                                     "file": SimpleUploadedFile("y.docx", b"broken")})
    assert response.status_code == 400 and "不是 Word 文档" in response.content.decode()
    response = client.post("/documents/templates/", {"kind": "service_receipt", "reason": "第二版",
                           "file": SimpleUploadedFile("y.docx", D.packaged_template("service_receipt"))}, follow=True)
    assert "第 2 版" in response.content.decode()
    assert DocumentTemplate.objects.filter(agency=env.agency, kind="service_receipt").count() == 2
    client.force_login(env.officer)
    assert client.get("/documents/templates/").status_code == 404
    assert client.post(f"{API}templates", {"agency": env.agency.code, "kind": "service_receipt", "reason": "x",
                                           "file": SimpleUploadedFile("x.docx", b"x")}).status_code == 403
