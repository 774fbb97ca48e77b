"""What cannot carry the reader's watermark is not handed out where a watermark is due, and a
supervisor's look is guarded as a confidential one (s18 tester, defects 11 and 12; docs/retrieval.md:
supervisors read "each look ledgered with its purpose, copies watermarked")."""

import subprocess

import pytest
from retrieval_cast import case_with_pdf

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.retrieval.models import RecordAccess

pytestmark = pytest.mark.django_db


def url(document, file="pdf", **query):
    tail = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/retrieval/files/document/{document.pk}/{file}" + (f"?{tail}" if tail else "")


def written():
    return RecordAccess.objects.count(), LedgerEntry.objects.count()


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True,
                          timeout=30).stdout.decode()


@pytest.fixture(scope="module")
def cases(env, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        internal = case_with_pdf(env, mp)
        secret = case_with_pdf(env, mp, mark="business_secret")
        return internal, secret


def test_a_confidential_word_original_is_not_handed_out_unwatermarked(client, env, cases):
    _internal, (case, document, _) = cases
    client.force_login(env.officer)
    before = written()
    for mode in ("download", "view"):
        refused = client.get(url(document, "docx", mode=mode, purpose="核对证据"))
        assert refused.status_code == 403 and refused.json()["code"] == "watermark_impossible", refused.content
        assert "无法加注查阅人水印" in refused.json()["message"] and "商业秘密" in refused.json()["message"]
    assert written() == before
    assert client.get(url(document, mode="download", purpose="核对证据")).status_code == 200  # the PDF, stamped
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Word 文档：无法加注水印，不提供" in page


def test_a_supervisor_states_a_purpose_and_gets_watermarked_copies_only(client, env, cases):
    (case, document, original), _secret = cases
    body = T.agency(kind=AgencyKind.SUPERVISORY)
    A.do_update_agency(env.agency, supervised_by=[body.code], actor=OPERATOR)
    supervisor = T.member(body, Role.SUPERVISOR)
    client.force_login(supervisor)
    before = written()
    refused = client.get(url(document))
    assert refused.status_code == 400 and refused.json()["code"] == "purpose_required"
    assert "执法监督条例第二十二条" in refused.json()["message"]
    word = client.get(url(document, "docx", mode="download", purpose="执法监督检查"))
    assert word.status_code == 403 and word.json()["code"] == "watermark_impossible"
    assert written() == before
    copy = client.get(url(document, mode="download", purpose="执法监督检查"))
    assert copy.status_code == 200
    name = supervisor.get_full_name() or supervisor.username
    assert name in pdf_text(copy.content) and name not in pdf_text(original)
    access = RecordAccess.objects.latest("id")
    assert access.watermarked and access.purpose == "执法监督检查"
    listed = client.get(f"/api/v1/retrieval/cases/{case.pk}/records").json()
    assert listed and all(row["purpose_required"] for row in listed)
    # the case page's link asks the purpose on a form, then hands the copy over (s18 re-test 9)
    page = f"/retrieval/records/document/{document.pk}/pdf/"
    asked = client.get(page)
    assert asked.status_code == 200 and "查阅用途" in asked.content.decode()
    handed = client.post(page, {"purpose": "执法监督检查"})
    assert handed.status_code == 302 and "purpose=" in handed["Location"]
    # the agency's own head is not a supervisor of it: no purpose asked on an internal record
    client.force_login(env.head)
    assert client.get(url(document)).status_code == 200
    log = client.get(f"/retrieval/cases/{case.pk}/log/").content.decode()
    assert f"{document.get_kind_display()}" in log and "（PDF）" in log  # which file was taken


def test_a_small_image_gets_a_band_wide_enough_for_the_whole_watermark():
    """A 16×16 image had 15 pixels changed and was logged 「已加水印」 (s22 tester8 #12): the copy now
    carries the whole mark, opaque, in a band below the image; a large image keeps its size."""
    import io as _io

    from PIL import Image

    from sanxiang.retrieval import watermark

    text = "赵科长 2026-11-24 10:00 下载 · 不得外传"
    small = _io.BytesIO()
    Image.new("RGB", (16, 16), (0, 120, 0)).save(small, "PNG")
    marked = Image.open(_io.BytesIO(watermark.apply(small.getvalue(), "image/png", text))).convert("RGB")
    assert marked.width > 200 and marked.height > 16 + 20, marked.size
    band = marked.crop((0, 16, marked.width, marked.height))
    pixels = band.tobytes()  # RGB triples (getdata is deprecated from Pillow 12.1)
    red = sum(1 for r, g, b in zip(pixels[0::3], pixels[1::3], pixels[2::3]) if r > 150 and g < 120 and b < 120)
    assert red > 300, red  # the characters, drawn, not a few stray pixels
    assert marked.crop((0, 0, 16, 16)).getpixel((8, 8)) == (0, 120, 0)  # the image itself unchanged
    large = _io.BytesIO()
    Image.new("RGB", (1200, 900), (0, 120, 0)).save(large, "PNG")
    assert Image.open(_io.BytesIO(watermark.apply(large.getvalue(), "image/png", text))).size == (1200, 900)
