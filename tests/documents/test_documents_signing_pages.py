"""The tablet signature page, the template page's 停用, and their API (no LibreOffice here)."""

import base64
import json

import pytest
from django.utils import timezone
from documents_cast import TIMES, decided_case, png

from sanxiang.documents import actions as D
from sanxiang.documents.models import Document, DocumentSignature, DocumentTemplate
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/documents/"
INQUIRY = {"interviewee": "孙某", "place": "本局询问室", "content": "问：……答：……", **TIMES}


def data_url(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode()


def written():
    return LedgerEntry.objects.count(), DocumentSignature.objects.count(), DocumentTemplate.objects.count()


@pytest.fixture
def record(env):
    case = decided_case(env, "investigating")
    return D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, actor=env.officer)


def test_the_tablet_page_signs_once_and_the_case_page_says_so(client, env, record):
    client.force_login(env.officer)
    case_page = client.get(f"/cases/{record.case.pk}/").content.decode()
    assert f"/documents/{record.pk}/sign/" in case_page
    page = client.get(f"/documents/{record.pk}/sign/").content.decode()
    assert 'data-signature="officer_png"' in page and 'data-signature="party_png"' in page
    assert "documents/signature.js" in page and "王执法" in page
    # a pad for the other officer the record names (s18 tester 9: 行政处罚法 第四十二条)
    assert 'data-signature="officer_png_1"' in page and "执法人员签名（李执法）" in page
    before = written()
    response = client.post(f"/documents/{record.pk}/sign/", {"party_name": "孙某", "officer_png": data_url(b"GIF89a" + bytes(40)),
                                                              "party_png": data_url(png(signer="当事人"))})
    assert response.status_code == 400 and "不是 PNG" in response.content.decode()
    assert written() == before
    response = client.post(f"/documents/{record.pk}/sign/", {"party_name": "孙某", "officer_png": data_url(png()),
                                                              "party_png": data_url(png(signer="当事人"))})
    assert response.status_code == 400 and "尚缺李执法的签名" in response.content.decode() and written() == before
    response = client.post(f"/documents/{record.pk}/sign/", {"party_name": "孙某", "officer_png": data_url(png()),
                                                              "officer_png_1": data_url(png(signer="李执法")),
                                                              "party_png": data_url(png(signer="当事人"))}, follow=True)
    assert "已签名" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "pending" and record.signatures.count() == 3
    case_page = client.get(f"/cases/{record.case.pk}/").content.decode()
    assert f"/documents/{record.pk}/sign/" not in case_page and "已签名" in case_page
    again = client.post(f"/documents/{record.pk}/sign/", {"party_name": "孙某", "officer_png": data_url(png()),
                                                           "party_png": data_url(png(signer="当事人"))})
    assert again.status_code == 409 and "不能再次签名" in again.content.decode()


def test_another_agency_gets_404_for_signing_and_templates(client, env, record):
    client.force_login(env.outsider)
    assert client.get(f"/documents/{record.pk}/sign/").status_code == 404
    body = {"officer_png": data_url(png()), "party_png": data_url(png(signer="当事人")), "party_name": "孙某"}
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "document_not_found"
    own = D.do_upload_document_template(env.agency, "filing_approval", D.packaged_template("filing_approval"),
                                        reason="本局格式", actor=env.leader)
    before = written()
    response = client.post(f"{API}templates/{own.pk}/deactivate", {"reason": "试图停用"},
                           content_type="application/json")
    assert response.status_code == 404
    assert client.post(f"/documents/templates/{own.pk}/deactivate/", {"reason": "x"}).status_code == 404
    assert written() == before


def test_the_api_signs_a_record(client, env, record):
    client.force_login(env.officer)
    body = {"officer_png": base64.b64encode(png()).decode(), "party_png": data_url(png(signer="当事人")), "party_name": "孙某"}
    assert client.get(f"{API}{record.pk}/sign").json()["officers"] == ["王执法", "李执法"]
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "officer_signature_missing"
    # s20 (defects8c #13): GET says who besides you signs; listing yourself is refused saying so, not
    # "王执法 is not among 王执法、李执法"
    assert client.get(f"{API}{record.pk}/sign").json()["other_officers"] == ["李执法"]
    before = written()
    body["officers"] = [{"name": "王执法", "png": data_url(png())}, {"name": "李执法", "png": data_url(png(signer="李执法"))}]
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "officer_signed_twice", response.content
    message = response.json()["message"]
    assert "王执法本人已在执法人员签名处（officer_png）签名" in message and "不是" not in message
    assert written() == before
    # s22 tester8 #7: the officer's image again for 李执法 — one hand for two signers (decision 0085)
    body["officers"] = [{"name": "李执法", "png": data_url(png())}]
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "signature_duplicate", response.content
    assert response.json()["field"] == "officer_pngs" and "执法人员王执法和执法人员李执法" in response.json()["message"]
    assert written() == before
    body["officers"] = [{"name": "李执法", "png": data_url(png(signer="李执法"))}]
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending" and response.json()["confidentiality"] == "internal"
    again = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "document_already_signed"


def test_a_template_version_is_deactivated_with_its_reason_and_the_next_one_is_used(client, env):
    sample = D.packaged_template("filing_approval")
    own = D.do_upload_document_template(env.agency, "filing_approval", sample, reason="本局格式", actor=env.leader)
    assert D.current_template(env.agency, "filing_approval") == own
    client.force_login(env.leader)
    page = client.get("/documents/templates/").content.decode()
    assert f"/documents/templates/{own.pk}/deactivate/" in page and "启用中" in page
    before = written()
    response = client.post(f"/documents/templates/{own.pk}/deactivate/", {"reason": " "}, follow=True)
    assert "请写明停用模板的原因" in response.content.decode() and written() == before
    client.force_login(env.officer)
    response = client.post(f"{API}templates/{own.pk}/deactivate", {"reason": "格式有误"},
                           content_type="application/json")
    assert response.status_code == 403 and written() == before
    client.force_login(env.leader)
    response = client.post(f"/documents/templates/{own.pk}/deactivate/", {"reason": "格式有误，恢复国家模板"}, follow=True)
    assert "已停用" in response.content.decode() and "格式有误，恢复国家模板" in response.content.decode()
    own.refresh_from_db()
    assert not own.active and own.deactivated_by == env.leader
    current = D.current_template(env.agency, "filing_approval")
    assert current.agency_id is None  # back to the national version
    entry = LedgerEntry.objects.filter(action="deactivate_document_template").latest("index")
    assert json.loads(entry.entry)["payload"]["reason"] == "格式有误，恢复国家模板"
    response = client.post(f"{API}templates/{own.pk}/deactivate", {"reason": "再停"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "template_inactive"
    document = D.do_generate_document(decided_case(env, "filed"), "filing_approval", actor=env.officer)
    assert document.template == current
    assert Document.objects.filter(template=own).count() == 0


def test_a_bad_signature_names_the_request_field(client, env, record):
    """Defect #14c: `field` is the request's field (officer_png), not a label (执法人员)."""
    client.force_login(env.officer)
    before = written()
    for body, field in (({"officer_png": "not base64", "party_png": data_url(png(signer="当事人")), "party_name": "孙某"}, "officer_png"),
                        ({"officer_png": data_url(png()), "party_png": data_url(b"GIF89a" + bytes(40)),
                          "party_name": "孙某"}, "party_png"),
                        ({"officer_png": data_url(png()), "party_png": data_url(png(signer="当事人")), "party_name": "孙某",
                          "officers": [{"name": "李执法", "png": "not base64"}]}, "officer_pngs")):
        response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["field"] == field, response.json()
    assert written() == before


def test_the_issue_check_and_the_case_page_say_a_record_is_unsigned(client, env, record):
    Document.objects.filter(pk=record.pk).update(status="generated")  # as if rendered
    client.force_login(env.head)
    check = client.get(f"{API}{record.pk}/issue").json()
    assert not check["may_issue"] and "拒绝签名" in check["reason"]
    response = client.post(f"{API}{record.pk}/issue")
    assert response.status_code == 400 and response.json()["code"] == "document_not_signed"
    page = client.get(f"/cases/{record.case_id}/").content.decode()
    assert "签名后才能签发" in page and f"/documents/{record.pk}/issue/" not in page


def test_the_page_and_the_api_note_a_refusal_to_sign(client, env, record):
    client.force_login(env.officer)
    page = client.get(f"/documents/{record.pk}/sign/").content.decode()
    assert 'name="refused"' in page and "拒绝签名的理由" in page
    before = written()
    response = client.post(f"/documents/{record.pk}/sign/", {"refused": "1", "party_name": "孙某", "reason": " ",
                                                               "refused_on": "2026-01-01", "officer_png": data_url(png())})
    assert response.status_code == 400 and "理由" in response.content.decode() and written() == before
    body = {"officer_png": data_url(png()), "party_name": "孙某", "reason": "拒绝在笔录上签名",
            "refused_on": str(timezone.localdate(record.created_at)), "officers": [{"name": "李执法", "png": data_url(png(signer="李执法"))}]}
    response = client.post(f"{API}{record.pk}/refusal", {**body, "reason": ""}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = client.post(f"{API}{record.pk}/refusal", body, content_type="application/json")
    assert response.status_code == 200, response.content
    check = client.get(f"{API}{record.pk}/sign").json()
    assert not check["may_sign"] and check["party_refusal"]["reason"] == "拒绝在笔录上签名"
    page = client.get(f"/cases/{record.case_id}/").content.decode()
    assert "已注明当事人拒绝签名" in page
    check = client.get(f"{API}{record.pk}/refusal").json()
    assert not check["may_note"] and check["party_refusal"]["party_name"] == "孙某"


def test_who_signs_is_named_by_the_kind_and_pre_filled_with_a_person(client, env):
    """s18 D8, D3: a 抽样记录 is signed by the 当事人 (nobody was asked), an 询问笔录 by the person asked,
    whose name is pre-filled — not the company's, which cannot sign by hand."""
    from documents_cast import docx_text

    asked = D.do_generate_document(decided_case(env, "investigating"), "inquiry_record", actor=env.officer,
                                   inputs={**INQUIRY, "interviewee": "钱某（当事人员工）"})
    sampling = D.do_generate_document(decided_case(env, "investigating"), "sampling_record", actor=env.officer,
                                      inputs={"sample": "纯牛奶 250ml", "quantity": "6 盒", "method": "随机抽取"})
    client.force_login(env.officer)
    page = client.get(f"/documents/{sampling.pk}/sign/").content.decode()
    assert "被询问人" not in page and "当事人姓名" in page
    assert 'value="孙某"' in page  # the company's legal representative (decided_case: 某某食品有限公司)
    assert "被询问人" not in docx_text(sampling.docx_path) and "当事人签名" in docx_text(sampling.docx_path)
    page = client.get(f"/documents/{asked.pk}/sign/").content.decode()
    assert "当事人（被询问人）姓名" in page and 'value="钱某"' in page
    assert "当事人（被询问人）签名" in docx_text(asked.docx_path)


def _blank(mode: str, colour, size=(400, 150)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format="PNG")
    return out.getvalue()


def _dot() -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (400, 150), "white")
    for x in range(5):
        for y in range(5):
            image.putpixel((200 + x, 70 + y), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("blank", ["transparent", "white", "one colour", "a dot"])
@pytest.mark.parametrize("whose", ["officer_png", "party_png", "officers"])
def test_a_blank_signature_is_refused_by_the_server(client, env, record, blank, whose):
    """s21 tester8 #4: transparent or one-colour PNGs made the 笔录 已签名 with nobody's signature."""
    image = {"transparent": lambda: _blank("RGBA", (0, 0, 0, 0)), "white": lambda: _blank("RGB", "white"),
             "one colour": lambda: _blank("RGB", (20, 20, 160)), "a dot": _dot}[blank]()
    body = {"officer_png": data_url(png()), "party_png": data_url(png(signer="当事人")), "party_name": "孙某",
            "officers": [{"name": "李执法", "png": data_url(png(signer="李执法"))}]}
    if whose == "officers":
        body["officers"] = [{"name": "李执法", "png": data_url(image)}]
    else:
        body[whose] = data_url(image)
    client.force_login(env.officer)
    before = written()
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "signature_blank", response.content
    assert "空白" in response.json()["message"] and written() == before
    record.refresh_from_db()
    assert record.signatures.count() == 0


def test_the_party_who_signs_an_inquiry_record_is_the_person_asked(client, env, record):
    body = {"officer_png": data_url(png()), "party_png": data_url(png(signer="当事人")), "party_name": "王五",
            "officers": [{"name": "李执法", "png": data_url(png(signer="李执法"))}]}
    client.force_login(env.officer)
    before = written()
    response = client.post(f"{API}{record.pk}/sign", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "party_name_mismatch", response.content
    assert "孙某" in response.json()["message"] and written() == before
    response = client.post(f"{API}{record.pk}/sign", {**body, "party_name": "孙某"}, content_type="application/json")
    assert response.status_code == 200, response.content
