"""Confidential records and looks (s19 tester8, defects8c #2 #6 #7 #10 #14 #15 #24 #28; decision 0059).

A guarded record's text — transcript, description, a document's filled fields — goes through the same
purpose and 查阅留痕 as its file; the 档案管理人员 reads confidential records of archived cases only;
play-only media are served only to the player, in pieces; an image or PDF that cannot carry the
watermark reaches the entitled as the original, marked 未加水印; the 访问日志 and its API agree."""

import datetime as dt
import io
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from retrieval_cast import asked_all, new_case, step

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.documents import actions as DA
from sanxiang.documents.models import DocumentKind
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.records import evidence as E
from sanxiang.records import samples
from sanxiang.retrieval.models import RecordAccess
from sanxiang.workflow import get_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "documents"))

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")
SECRET_ID = "650102199001011234"
TRANSCRIPT = f"证人王某某，身份证号{SECRET_ID}，陈述其患有乙肝"
ITEM = {"title": "询问录音（证人）", "source": "询问", "collected_on": "2026-09-02", "collected_by": "王执法",
        "content": "证人陈述的录音", "place": "执法一队询问室", "occurred_at": "2026-09-02T10:00",
        "officers": "王执法、李执法", "recorder": "李执法", "purpose": "证明当事人的经营情况"}


def written():
    return RecordAccess.objects.count(), LedgerEntry.objects.count()


def evidence(env, case, data, name, *, mark, kind="audiovisual", transcript=TRANSCRIPT, **extra):
    upload = samples.completed_upload(data, name, actor=env.officer)
    if "extraction" in extra:
        extra["extraction"] = {**extra["extraction"], "digest": upload.sha256}
    return E.do_register_evidence(case, upload, actor=env.officer, kind=kind, confidentiality=mark,
                                  transcript=transcript, **{**ITEM, "title": name, **extra})


def image(fmt: str, size=(40, 30), frames=1) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    pictures = [Image.new("RGB", size, (10 * i, 120, 200)) for i in range(frames)]
    pictures[0].save(out, fmt, save_all=frames > 1, append_images=pictures[1:])
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("合同密码")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def world(env, django_db_blocker):
    """An open case with a 个人隐私 recording-as-evidence, an 内部 item, a confidential recording and a
    不予立案审批表 with a filled reason on a 商业秘密 case; a supervisor and the agency's 档案管理人员."""
    from django.utils import timezone

    with django_db_blocker.unblock():
        body = T.agency(kind=AgencyKind.SUPERVISORY)
        A.do_update_agency(env.agency, supervised_by=[body.code], actor=OPERATOR)
        supervisor = T.member(body, Role.SUPERVISOR)
        keeper = T.member(env.agency, Role.RECORDS_KEEPER)
        case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
        private = evidence(env, case, samples.mp3(seed=77), "询问录音（证人）.mp3", mark="personal_privacy")
        plain = evidence(env, case, samples.png(seed=78), "现场照片.png", mark="internal", kind="documentary",
                         transcript="门店招牌照片")
        start = timezone.make_aware(dt.datetime(2026, 9, 2, 9, 0))
        recording = E.do_declare_recording(
            env.agency, case=case, upload=samples.completed_upload(samples.mp4(seed=79), "现场录像.mp4",
                                                                   actor=env.officer),
            title="现场检查录像", officers="王执法、李执法", recorder="李执法", started_at=start,
            ended_at=start + dt.timedelta(minutes=20), place="当事人住所", device="执法记录仪",
            transcript=f"当事人称其身份证号{SECRET_ID}", confidentiality="personal_privacy", actor=env.officer)
        secret = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
        secret = C.do_update_case(secret, version=secret.version, confidentiality="business_secret",
                                  actor=env.officer)
        document = DA.do_generate_document(secret, DocumentKind.NOT_FILING_APPROVAL, actor=env.officer,
                                           inputs={"reason": f"举报人身份证号{SECRET_ID}，所涉配方为商业秘密"})
        return {"case": case, "private": private, "plain": plain, "recording": recording, "secret": secret,
                "document": document, "supervisor": supervisor, "keeper": keeper}


# ---- #2: the text goes with the file ---------------------------------------------------------------

def test_a_confidential_records_text_is_not_on_the_case_page_nor_in_the_api(client, env, world):
    case, private, recording = world["case"], world["private"], world["recording"]
    for user in (env.officer, env.head, world["supervisor"]):
        client.force_login(user)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert SECRET_ID not in page and "乙肝" not in page, user
        assert "内容已隐去（个人隐私）" in page and f"/retrieval/records/evidence/{private.pk}/content/" in page
        assert f"/retrieval/records/recording/{recording.pk}/content/" in page
        items = {i["id"]: i for i in client.get(f"/api/v1/records/evidence?case_id={case.pk}").json()}
        assert items[private.pk]["transcript"] == "" and items[private.pk]["content_withheld"] is True
        assert items[private.pk]["content_url"] == f"/api/v1/retrieval/records/evidence/{private.pk}/content"
        one = client.get(f"/api/v1/records/evidence/{private.pk}").json()
        assert SECRET_ID not in str(one) and one["place"] == "" and one["title"] == "询问录音（证人）.mp3"
        recs = client.get(f"/api/v1/records/recordings?case_id={case.pk}").json()
        assert SECRET_ID not in str(recs) and recs[0]["content_withheld"] is True
        listed = client.get(f"/api/v1/retrieval/cases/{case.pk}/records").json()
        assert {r["id"] for r in listed if r["content_url"]} >= {private.pk}
    # an 内部 record's text stays on the case page of its own officers (no purpose asked for its file either)
    client.force_login(env.officer)
    items = {i["id"]: i for i in client.get(f"/api/v1/records/evidence?case_id={case.pk}").json()}
    assert items[world["plain"].pk]["transcript"] == "门店招牌照片" and not items[world["plain"].pk]["content_withheld"]


def test_the_text_is_read_with_a_purpose_and_each_read_is_in_the_access_log(client, env, world):
    case, private = world["case"], world["private"]
    url = f"/api/v1/retrieval/records/evidence/{private.pk}/content"
    for user in (env.officer, world["supervisor"]):
        client.force_login(user)
        before, views = written(), LedgerEntry.objects.filter(action="view_record").count()
        refused = client.get(url)
        assert refused.status_code == 400 and refused.json()["code"] == "purpose_required"
        assert "个人隐私" in refused.json()["message"] and written() == before
        read = client.get(url + "?purpose=核对证人证言")
        assert read.status_code == 200, read.content
        fields = {f["name"]: f["value"] for f in read.json()["fields"]}
        assert fields["transcript"] == TRANSCRIPT and fields["place"] == "执法一队询问室"
        assert written() == (before[0] + 1, before[1] + 1)
        row = RecordAccess.objects.get(pk=read.json()["access_id"])
        assert (row.user, row.file, row.purpose, row.record_id, row.confidentiality) == (
            user, "content", "核对证人证言", private.pk, "personal_privacy")
        assert LedgerEntry.objects.filter(action="view_record").count() == views + 1
    # the page: the purpose form names the record's mark, then the text with its 查阅留痕 number
    client.force_login(env.officer)
    asked = client.get(f"/retrieval/records/evidence/{private.pk}/content/").content.decode()
    assert "该记录为<strong>个人隐私</strong>" in asked and SECRET_ID not in asked
    shown = client.post(f"/retrieval/records/evidence/{private.pk}/content/", {"purpose": "制作询问笔录"})
    html = shown.content.decode()
    assert shown.status_code == 200 and TRANSCRIPT in html and "查阅留痕第" in html
    client.force_login(env.head)
    log = client.get(f"/retrieval/cases/{case.pk}/log/").content.decode()
    assert "询问录音（证人）.mp3”（内容）" in log and "制作询问笔录" in log
    client.force_login(env.outsider)  # another agency: nothing, not even that it exists
    assert client.get(url + "?purpose=看看").status_code == 404


def test_a_documents_filled_fields_are_withheld_where_its_pdf_asks_a_purpose(client, env, world):
    document, secret = world["document"], world["secret"]
    for user in (env.officer, world["supervisor"]):
        client.force_login(user)
        got = client.get(f"/api/v1/documents/{document.pk}").json()
        assert got["fields"] == {} and got["content_withheld"] is True, user
        listed = client.get(f"/api/v1/documents/?case_id={secret.pk}").json()
        assert SECRET_ID not in str(listed)
        read = client.get(f"/api/v1/retrieval/records/document/{document.pk}/content?purpose=审查不予立案理由")
        assert read.status_code == 200 and SECRET_ID in read.json()["fields"][0]["value"]
        assert read.json()["fields"][0]["label"] == "不予立案的理由"


# ---- #10: the 档案管理人员 and an open investigation ----------------------------------------------

def test_the_records_keeper_reads_confidential_records_only_once_the_case_is_archived(client, env, world):
    from archive_cast import archive_as_is

    case, private, plain, keeper = world["case"], world["private"], world["plain"], world["keeper"]
    client.force_login(keeper)
    before = written()
    for url in (f"/api/v1/retrieval/files/evidence/{private.pk}/file?purpose=核查",
                f"/api/v1/retrieval/records/evidence/{private.pk}/content?purpose=核查"):
        refused = client.get(url)
        assert refused.status_code == 403 and refused.json()["code"] == "case_not_archived", refused.content
        assert "尚未归档" in refused.json()["message"]
    assert written() == before
    page = client.get(f"/retrieval/records/evidence/{private.pk}/file/", {"purpose": "核查"})
    assert page.status_code == 403 and "尚未归档" in page.content.decode()
    # she still sees that it exists, and reads the case's 内部 records as before
    listed = {r["id"] for r in client.get(f"/api/v1/retrieval/cases/{case.pk}/records").json()}
    assert private.pk in listed
    assert client.get(f"/api/v1/retrieval/files/evidence/{plain.pk}/file").status_code == 200
    # the case's own officer reads it (with a purpose), as before
    client.force_login(env.officer)
    assert client.get(f"/api/v1/retrieval/records/evidence/{private.pk}/content?purpose=核查").status_code == 200
    archive_as_is(case, env.head)
    client.force_login(keeper)
    assert client.get(f"/api/v1/retrieval/files/evidence/{private.pk}/file").json()["code"] == "purpose_required"
    read = client.get(f"/api/v1/retrieval/records/evidence/{private.pk}/content?purpose=档案利用登记")
    assert read.status_code == 200 and RecordAccess.objects.get(pk=read.json()["access_id"]).user == keeper


# ---- #28: play-only -----------------------------------------------------------------------------

def test_play_only_media_are_served_only_to_the_player_in_pieces(client, env, world, settings):
    recording = world["recording"]
    url = f"/api/v1/retrieval/files/recording/{recording.pk}/file"
    client.force_login(world["supervisor"])
    before = written()
    for query in ("?purpose=监督", "?purpose=监督&mode=download"):
        refused = client.get(url + query)
        assert refused.status_code == 403 and refused.json()["code"] in ("player_only", "download_not_allowed")
    assert written() == before
    page = client.post(f"/retrieval/records/recording/{recording.pk}/file/", {"purpose": "执法监督检查"})
    html = page.content.decode()
    assert 'controlslist="nodownload"' in html and "mode=download" not in html
    src = html.split('<video controls preload="metadata" src="')[1].split('"')[0].replace("&amp;", "&")
    assert client.get(src).status_code == 403  # the player's token without a range: not the whole file
    from sanxiang.retrieval import serving

    data = samples.mp4(seed=79)
    settings.DEBUG = False
    old, serving.PLAYER_SPAN = serving.PLAYER_SPAN, 1000
    try:
        part = client.get(src, HTTP_RANGE="bytes=0-")
        body = b"".join(part.streaming_content)
        assert part.status_code == 206 and body == data[:1000]
        assert part["Content-Range"] == f"bytes 0-999/{len(data)}" and "Content-Disposition" not in part
    finally:
        serving.PLAYER_SPAN = old


def test_play_only_media_never_fall_back_to_the_whole_file(client, env, world, settings):
    """s21 tester8 #3: a malformed Range, several ranges or a stale If-Range gave 200 and the original."""
    recording = world["recording"]
    client.force_login(world["supervisor"])
    page = client.post(f"/retrieval/records/recording/{recording.pk}/file/", {"purpose": "执法监督检查"})
    html = page.content.decode()
    src = html.split('<video controls preload="metadata" src="')[1].split('"')[0].replace("&amp;", "&")
    from sanxiang.retrieval import serving

    data = samples.mp4(seed=79)
    old, serving.PLAYER_SPAN = serving.PLAYER_SPAN, 1000
    try:
        before = written()
        for header in ("bytes=abc", "bytes=0-10,20-30", "items=0-1", "bytes=-"):
            refused = client.get(src, HTTP_RANGE=header)
            assert refused.status_code == 416, (header, refused.status_code)
            assert refused.json()["code"] == "range_not_satisfiable" and "一个字节范围" in refused.json()["message"]
        assert written() == before
        stale = client.get(src, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"x"')
        body = b"".join(stale.streaming_content)
        assert stale.status_code == 206 and body == data[:1000] and len(body) < len(data)
        assert stale["Content-Range"] == f"bytes 0-999/{len(data)}"
    finally:
        serving.PLAYER_SPAN = old


def test_the_media_register_withholds_the_place_of_a_guarded_recording(client, env, world):
    """s21 tester8 #7: the 音像记录台账 (page, JSON, xlsx) printed the 地点 the case page withholds."""
    from openpyxl import load_workbook

    recording = world["recording"]
    for user in (env.officer, world["keeper"]):
        client.force_login(user)
        rows = client.get("/api/v1/registers/media").json()["rows"]
        row = next(r for r in rows if r["title"] == recording.title)
        assert row["place"] == "已隐去（个人隐私）" and "当事人住所" not in str(rows), user
        sheet = load_workbook(io.BytesIO(client.get("/api/v1/registers/media", {"format": "xlsx"}).content)).active
        assert "当事人住所" not in str(list(sheet.iter_rows(values_only=True)))
        page = client.get("/registers/media/").content.decode()
        assert "已隐去（个人隐私）" in page and "当事人住所" not in page


@pytest.mark.parametrize("purpose", [".", "x", "。。", "ab", "…！"])
def test_a_purpose_must_say_something(client, env, world, purpose):
    """s21 tester8 #9: 「.」 was accepted as the why of a 个人隐私 look; one rule wherever a purpose is asked."""
    from urllib.parse import quote

    from sanxiang.retrieval import actions as R

    private = world["private"]
    client.force_login(env.officer)
    before = written()
    for url in (f"/api/v1/retrieval/files/evidence/{private.pk}/file?purpose={quote(purpose)}",
                f"/api/v1/retrieval/records/evidence/{private.pk}/content?purpose={quote(purpose)}"):
        refused = client.get(url)
        assert refused.status_code == 400 and refused.json()["code"] == "purpose_too_short", refused.content
        assert refused.json()["field"] == "purpose"
    assert written() == before
    from sanxiang.core.errors import SanxiangError

    with pytest.raises(SanxiangError) as asked:
        R.do_request_access(world["case"], reason=purpose, actor=world["supervisor"])
    assert asked.value.code == "purpose_too_short" and asked.value.field == "reason" and written() == before
    read = client.get(f"/api/v1/retrieval/records/evidence/{private.pk}/content?purpose={quote('核对')}")
    assert read.status_code == 200


# ---- #6, #14: what the pages and refusals say -------------------------------------------------

def test_the_purpose_page_states_the_records_mark_and_promises_no_watermark_to_electronic_data(client, env):
    case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))  # an 内部 case
    csv = evidence(env, case, "日期,金额\n2026-09-01,120\n".encode(), "订单.csv", mark="personal_privacy",
                   kind="electronic", transcript="", extraction={"method": "导出", "medium": "网店后台",
                                                                 "officers": "王执法", "extracted_at": "2026-09-02T10:00"})
    client.force_login(env.officer)
    html = client.get(f"/retrieval/records/evidence/{csv.pk}/file/?mode=download").content.decode()
    assert "该记录为<strong>个人隐私</strong>" in html and "内部" not in html.split("record-purpose")[1]
    assert "水印" in html and "带有您的姓名和时间水印" not in html and "不加水印" in html


def test_a_view_only_grant_on_electronic_data_is_told_it_needs_a_copy_grant(env):
    from types import SimpleNamespace

    from sanxiang.retrieval import serving
    from sanxiang.retrieval.kinds import FileRef

    csv = FileRef("x", "0" * 64, 10, "text/plain", "订单.csv", "原件")
    found = SimpleNamespace(kind=SimpleNamespace(files=lambda record: {"file": csv}), record=None)
    message = serving.view_only_refusal(found, csv)
    assert "PDF" not in message and "调阅并复制" in message


# ---- #15: the party copy page says what it cannot offer ------------------------------------------

def test_the_party_copy_page_says_why_confidential_electronic_data_is_not_offered(client, env):
    from sanxiang.retrieval import actions as R

    case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
    evidence(env, case, "聊天记录：明天发货\n".encode(), "聊天记录.txt", mark="business_secret", kind="electronic",
             transcript="", extraction={"method": "导出", "medium": "手机", "officers": "王执法",
                                        "extracted_at": "2026-09-02T10:00"})
    row = R.do_register_party_copy(case, party=env.person_party, records="全部证据", asked=asked_all(env.officer, case), reason="", actor=env.officer)
    if row.needs_approval:
        row = R.do_approve_party_copy(row, approve=True, reason="同意", actor=env.head)
    client.force_login(env.officer)
    html = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "不能在线提供复制件的记录" in html and "聊天记录.txt" in html and "涉密电子数据原件" in html


# ---- #7: what cannot carry a watermark -----------------------------------------------------------

@pytest.mark.parametrize("fmt,mime", [("WEBP", "image/webp"), ("GIF", "image/gif"), ("TIFF", "image/tiff")])
def test_webp_gif_and_tiff_are_served_as_a_watermarked_png(client, env, fmt, mime):
    from PIL import Image

    case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
    item = evidence(env, case, image(fmt), f"现场照片.{fmt.lower()}", mark="business_secret", kind="documentary",
                    transcript="")
    assert item.upload.media_type == mime
    client.force_login(env.officer)
    served = client.get(f"/api/v1/retrieval/files/evidence/{item.pk}/file?purpose=核对")
    assert served.status_code == 200, served.content
    assert served["Content-Type"] == "image/png" and "png" in unquote(served["Content-Disposition"])
    assert Image.open(io.BytesIO(served.content)).format == "PNG"
    assert RecordAccess.objects.latest("id").watermarked


@pytest.mark.parametrize("name,data", [
    ("超大照片.png", None),  # over the pixel limit (the limit lowered for the test)
    ("动图.gif", "animated"),
    ("合同.pdf", "encrypted"),
])
def test_what_cannot_carry_the_watermark_reaches_the_entitled_as_the_original_marked_unwatermarked(
        client, env, settings, name, data):
    settings.RETRIEVAL_WATERMARK_MAX_PIXELS = 1000
    data = {None: image("PNG", size=(60, 60)), "animated": image("GIF", frames=3),
            "encrypted": encrypted_pdf()}[data]
    case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
    item = evidence(env, case, data, name, mark="business_secret", kind="documentary", transcript="")
    client.force_login(env.officer)
    before = written()
    served = client.get(f"/api/v1/retrieval/files/evidence/{item.pk}/file?purpose=核对")
    assert served.status_code == 200, served.content
    assert b"".join(served.streaming_content) == data  # the stored original, unaltered
    assert served["Content-Disposition"].startswith("attachment;")
    notice = unquote(served["X-Sanxiang-Notice"])
    assert "未加水印" in notice and "查阅留痕第" in notice and "商业秘密" in notice
    assert written() == (before[0] + 1, before[1] + 1)
    row = RecordAccess.objects.latest("id")
    assert (row.mode, row.watermarked, row.purpose) == ("download", False, "核对")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_electronic_data_text_is_served_with_its_charset(client, env, encoding):
    """s19 tester8 #21: text/plain without a charset is read as Latin-1 by a browser."""
    case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
    text = evidence(env, case, "聊天记录：明日送货\n".encode(encoding), "聊天记录.txt", mark="internal",
                    kind="electronic", transcript="", extraction={"method": "导出", "medium": "手机",
                                                                  "officers": "王执法", "extracted_at": "2026-09-02T10:00"})
    client.force_login(env.officer)
    served = client.get(f"/api/v1/retrieval/files/evidence/{text.pk}/file?mode=download")
    assert served.status_code == 200, served.content[:300]
    assert served["Content-Type"] == f"text/plain; charset={encoding}"
    assert b"".join(served.streaming_content).decode(encoding) == "聊天记录：明日送货\n"
