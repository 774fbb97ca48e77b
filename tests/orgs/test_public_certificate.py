"""The public certificate check (事中公示/亮证), its API and the QR code on the person page."""

import datetime as dt

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import PersonKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def certs():
    agency = T.agency("pub-amr")
    officer = T.person(agency, name="李卫东")
    valid = T.certificate(officer, "43020000001", categories=["行政处罚", "行政检查"], area="株洲市",
                          valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2099, 12, 31),
                          issuing_authority="湖南省人民政府")
    revoked = T.certificate(T.person(agency, name="钟国强"), "43020000005")
    A.do_revoke_certificate(revoked, reason="违法执法", actor=OPERATOR)
    expired = T.certificate(T.person(agency, name="肖雅琴"), "43020000006", valid_to=dt.date(2024, 12, 31))
    aux = T.certificate(T.person(agency, kind=PersonKind.AUXILIARY, name="王协管"), "430200FZ0001", categories=[])
    return {"agency": agency, "officer": officer, "valid": valid, "revoked": revoked, "expired": expired, "aux": aux}


def test_valid_certificate_without_login(client, certs):
    page = client.get("/public/certificate/", {"number": "43020000001"})
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("李卫东", "测试主体pub-amr", "行政处罚、行政检查", "株洲市", "2024-01-01", "2099-12-31", "有效",
                     "证件有效"):
        assert expected in text, expected


@pytest.mark.parametrize("number,status_word", [("43020000005", "已吊销"), ("43020000006", "已过期")])
def test_revoked_and_expired_are_plain(client, certs, number, status_word):
    text = client.get(f"/public/certificate/{number}/").content.decode()
    assert status_word in text
    assert "不得凭此证从事行政执法活动" in text
    assert "证件有效" not in text


def test_suspended_shows_suspended(client, certs):
    A.do_suspend_certificate(certs["valid"], reason="调查", actor=OPERATOR)
    text = client.get("/public/certificate/43020000001/").content.decode()
    assert "已暂扣" in text and "证件有效" not in text


def test_auxiliary_work_certificate_says_may_not_enforce(client, certs):
    text = client.get("/public/certificate/430200FZ0001/").content.decode()
    assert "辅助人员" in text and "不得从事行政执法活动" in text
    assert "证件有效" not in text


def test_unknown_number_is_a_clear_message_and_no_leak(client, certs):
    response = client.get("/public/certificate/", {"number": "4302000000"})
    assert response.status_code == 404
    text = response.content.decode()
    assert "未查到证号为“4302000000”的证件" in text
    assert "43020000001" not in text and "李卫东" not in text


def test_empty_form_shows_only_the_search(client):
    response = client.get("/public/certificate/")
    assert response.status_code == 200 and "证件号码" in response.content.decode()


def test_api_public_certificate(client, certs):
    body = client.get("/api/v1/public/certificates/43020000001").json()
    assert body["name"] == "李卫东" and body["status"] == "valid" and body["may_enforce"] is True
    body = client.get("/api/v1/public/certificates/430200FZ0001").json()
    assert body["auxiliary"] is True and body["may_enforce"] is False and "辅助人员" in body["message"]
    assert client.get("/api/v1/public/certificates/43020000005").json()["status_label"] == "已吊销"
    response = client.get("/api/v1/public/certificates/nope")
    assert response.status_code == 404 and response.json()["code"] == "certificate_not_found"


def test_person_page_prints_qr_of_public_url(client, certs, settings):
    """The configured SANXIANG_PUBLIC_URL, not the host the page was opened on."""
    settings.PUBLIC_URL = "https://zfz.example.gov.cn"
    user = T.member(certs["agency"], Role.OFFICER)
    client.force_login(user)
    text = client.get(f"/people/{certs['officer'].pk}/", HTTP_HOST="localhost:8080").content.decode()
    assert "<svg" in text
    assert "https://zfz.example.gov.cn/public/certificate/43020000001/" in text
    assert "localhost:8080" not in text and "testserver" not in text
    import segno

    expected = segno.make("https://zfz.example.gov.cn/public/certificate/43020000001/",
                          error="m").svg_inline(scale=3)
    assert expected in text


def test_public_url_defaults_to_the_local_server(client, certs):
    client.force_login(T.member(certs["agency"], Role.OFFICER))
    text = client.get(f"/people/{certs['officer'].pk}/").content.decode()
    assert "http://127.0.0.1:8000/public/certificate/43020000001/" in text
