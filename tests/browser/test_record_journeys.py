"""Journeys of 全过程记录 on the demo (issue 8): a 查封 of 株洲市市场监管局 with its recording, its
财物清单 and a 现场笔录 signed on the signature page; and 平罗县商务局's 行政处罚决定书 and 送达回证
generated, rendered by the job, issued by the head, looked at through 查看 and found in the access log."""

import datetime as dt
import hashlib

import pytest

pytestmark = pytest.mark.browser
import journeys  # noqa: E402
from journeys import fill, follow, submit, unfold  # noqa: E402


def log_in(page, username):
    journeys.log_in(page, username, journeys.DEMO_PASSWORD)


def demo_case(agency, cause):
    from sanxiang.cases.models import Case

    return Case.objects.get(agency__code=agency, cause=cause)


def option_value(box, name, text):
    """The value of the option of select `name` whose label contains `text` (labels carry dates and sizes)."""
    return box.locator(f"select[name='{name}'] option", has_text=text).first.get_attribute("value")


def generate(page, kind, **inputs):
    box = page.locator(f"#generate-{kind}")
    unfold(box)
    fill(box, **inputs)
    submit(page, box.locator("button[type=submit]"))


def sign_with_the_mouse(page, canvas, hand: int = 0):
    """A stroke up and down across the pad; each signer's `hand` draws it differently (the same image for
    two signers of one document is refused, decision 0085)."""
    canvas.scroll_into_view_if_needed()  # with a pad per officer the party's is below the fold
    box = canvas.bounding_box()
    x, y = box["x"], box["y"] + box["height"] / 2
    page.mouse.move(x + 30, y)
    page.mouse.down()
    for step in range(1, 6 + hand):
        page.mouse.move(x + 30 + step * (40 - 4 * hand), y + ((20 + 5 * hand) if step % 2 else -20), steps=3)
    page.mouse.up()


def test_a_seal_with_its_recording_its_list_and_a_signed_onsite_record(demo, page, tmp_path, shoot):
    from django.utils import timezone

    from sanxiang.cases.models import CoerciveMeasure, MeasureKind
    from sanxiang.documents.models import Document, DocumentSignature
    from sanxiang.records import samples
    from sanxiang.records.models import AudioVideoRecord

    case = demo_case("zhuzhou-amr", "涉嫌销售不合格电动自行车头盔")  # 查封 in force, 扣押 extended
    video = tmp_path / "执法记录仪_查封现场.mp4"
    video.write_bytes(samples.mp4(seed=8))
    log_in(page, "zhuzhou-officer")
    page.goto(f"{page.base}/cases/{case.pk}/")

    missing = page.locator("#case-evidence ul li")  # 未音像记录的执法活动: the 查封 and the 扣押 in force
    assert any(text.startswith("查封") for text in missing.all_inner_texts())

    # 上传文件 on the case page (tus, in pieces), then 登记音像记录 of the 查封 from it.
    pause = page.locator("#case-evidence [data-upload-pause]")
    assert pause.is_hidden()  # nothing to pause before a file is chosen
    page.set_input_files("#case-evidence input[type=file]", str(video))
    page.locator("#case-evidence [data-upload-status]", has_text="上传完成").wait_for()
    assert pause.is_hidden()  # nor once it is complete
    page.reload()
    box = page.locator("#declare-recording")
    box.locator("summary").click()
    # made at the 查封 (its day): only a stored recording made at the act covers it (docs/records.md)
    seal = CoerciveMeasure.objects.get(case=case, kind=MeasureKind.SEAL)
    end = timezone.make_aware(dt.datetime.combine(seal.implemented_on, dt.time(10, 30)))
    fill(box, **{"recording-upload": option_value(box, "recording-upload", video.name), "recording-act": "seal",
                 "recording-title": "查封电动自行车头盔现场录像", "recording-officers": "刘执法、张执法",
                 "recording-recorder": "张执法", "recording-place": "当事人仓库",
                 "recording-content": "出示执法证件，告知查封理由和依据，清点头盔并加贴封条",
                 "recording-purpose": "证明查封的实施过程",
                 "recording-started_at": f"{end - dt.timedelta(minutes=25):%Y-%m-%dT%H:%M}",
                 "recording-ended_at": f"{end:%Y-%m-%dT%H:%M}", "recording-device": "执法记录仪 DSJ-03",
                 "recording-party_informed": True})
    submit(page, box.locator("button[type=submit]"))
    recording = page.locator("#case-evidence table.recordings tr", has_text="查封电动自行车头盔现场录像")
    assert "查封" in recording.inner_text() and recording.locator("text=播放").count() == 1
    assert not any(text.startswith("查封") for text in missing.all_inner_texts())
    assert any(text.startswith("扣押") for text in missing.all_inner_texts())
    rec = AudioVideoRecord.objects.get(case=case, title="查封电动自行车头盔现场录像")
    assert rec.act == "seal" and rec.upload.sha256 == hashlib.sha256(video.read_bytes()).hexdigest()

    # The 场所/设施/财物清单 of the 查封 and a 现场笔录.
    listing = page.locator("#generate-measure_list")
    listing.locator("summary").click()
    generate(page, "measure_list", **{"measure_list-measure": option_value(listing, "measure_list-measure", "查封")})
    generate(page, "onsite_record", **{"onsite_record-content": "执法人员二名出示执法证件，清点电动自行车头盔 86 个，"
                                                                 "加贴封条，当事人在场。"})
    documents = page.locator("#case-documents table.documents").inner_text()
    assert "场所/设施/财物清单" in documents and "现场笔录" in documents
    record = Document.objects.get(case=case, kind="onsite_record")
    row = page.locator(f"#document-{record.pk}")
    assert record.number in row.inner_text()

    # 手写签名: the officer and the party each sign on their pad with the mouse.
    follow(page, row.locator("text=手写签名"))
    # A person signs: the company's legal representative is offered, not the company (s18 D3).
    assert page.input_value("#party_name") == "刘某"
    page.fill("#party_name", "刘建")
    signing = page.locator("form[data-signatures]").first  # the second form notes a party's refusal
    sign_with_the_mouse(page, signing.locator("canvas[data-signature=officer_png]"))
    pads = signing.locator("canvas[data-signature^=officer_png_]").all()
    for hand, pad in enumerate(pads, start=1):  # each other officer named (s18 9)
        sign_with_the_mouse(page, pad, hand)
    sign_with_the_mouse(page, signing.locator("canvas[data-signature=party_png]"), len(pads) + 1)
    shoot(page, "record-signature")
    submit(page, signing.locator("button[type=submit]"))
    assert page.url.startswith(f"{page.base}/cases/{case.pk}/")
    assert "已签名" in page.locator(f"#document-{record.pk}").inner_text()
    assert page.locator(f"#document-{record.pk}").locator("text=手写签名").count() == 0
    signers = dict(DocumentSignature.objects.filter(document=record).values_list("role", "signer_name"))
    assert signers.keys() == {"officer", "party"} and signers["party"] == "刘建"
    shoot(page, "record-seal-case")


def test_a_decision_and_its_service_receipt_generated_issued_and_looked_at(demo, page, shoot):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sanxiang.access.actors import JOBS
    from sanxiang.cases.actions import move_case
    from sanxiang.documents.actions import do_render_document, do_sign_document
    from sanxiang.documents.demo import _stroke  # a drawn signature: blank ones are refused
    from sanxiang.documents.models import Document
    from sanxiang.retrieval.models import RecordAccess

    case = demo_case("pingluo-commerce", "涉嫌违规回收拆解报废机动车")  # 已告知, no review required
    move_case(case, "decide", actor=get_user_model().objects.get(username="pingluo-head"), on=timezone.localdate())
    log_in(page, "pingluo-officer")
    page.goto(f"{page.base}/cases/{case.pk}/")
    generate(page, "penalty_decision", **{
        "penalty_decision-evidence": "现场检查笔录、询问笔录及拆解现场照片相互印证，证明当事人未取得资质回收拆解报废机动车，予以采信。",
        "penalty_decision-basis": "当事人的行为违反了《报废机动车回收管理办法》第五条的规定，依据该办法第二十一条予以处罚。"})
    generate(page, "service_receipt")
    assert "PDF 正在后台生成" in page.locator("#case-documents").inner_text()

    # The job runner's render_documents, for these two (the demo's other pending documents are not ours).
    decision, receipt = (Document.objects.get(case=case, kind=kind) for kind in ("penalty_decision", "service_receipt"))
    for document in (decision, receipt):
        assert do_render_document(document, actor=JOBS).status == "generated", document.failure
    # The 送达回证 is signed by the officer and the party (on the tablet, as the first journey does)
    # before it may be issued; its PDF is made again with the signatures.
    officer = get_user_model().objects.get(username="pingluo-officer")
    do_sign_document(receipt, officer_png=_stroke("pingluo-officer"), party_png=_stroke("刘某", ink=(0, 0, 160)),
                     party_name="刘某",
                     actor=officer)
    receipt.refresh_from_db()
    assert do_render_document(receipt, actor=JOBS).status == "generated", receipt.failure

    log_in(page, "pingluo-head")
    page.goto(f"{page.base}/cases/{case.pk}/")
    for document in (decision, receipt):
        submit(page, page.locator(f"#document-{document.pk} button", has_text="签发"))
        assert "已签发" in page.locator(f"#document-{document.pk}").inner_text()
    shoot(page, "record-decision-issued")

    # 查看 opens the PDF in a new tab, in the browser's viewer: the sealed PDF as issued, one look ledgered.
    with page.context.expect_page() as tab, page.context.expect_event(
            "response", lambda r: "/retrieval/files/" in r.url) as answer:
        page.locator(f"#document-{decision.pk} a", has_text="查看").click()
    served, viewer = answer.value, tab.value
    viewer.wait_for_url(f"**/api/v1/retrieval/files/document/{decision.pk}/pdf")  # shown in the PDF viewer
    decision.refresh_from_db()
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.headers["etag"] == f'"{decision.pdf_sha256}"' != f'"{decision.unsealed_pdf_sha256}"'
    assert int(served.headers["content-length"]) == decision.pdf_size
    viewer.close()
    look = RecordAccess.objects.get(case=case, record_kind="document", record_id=decision.pk)
    assert (look.mode, look.user.username, look.served_sha256) == ("view", "pingluo-head", decision.pdf_sha256)

    follow(page, page.locator("#case-records a", has_text="访问日志"), url=f"**/retrieval/cases/{case.pk}/log/")
    rows = page.locator("#access-log tr")
    assert rows.count() == 2  # the header and the one look
    assert "行政处罚决定书" in rows.nth(1).inner_text() and "查看" in rows.nth(1).inner_text()
    shoot(page, "record-access-log")


def test_the_party_signs_its_confirmation_on_a_phone(demo, phone_page, shoot):
    """当事人签名确认 (decision 0089): on a phone, the party draws its signature on the pad the 笔录 use; the
    case page then shows it under the confirmation."""
    from sanxiang.archive.models import ArchivedCaseFile
    from sanxiang.records.models import EvidenceItem

    item = EvidenceItem.objects.get(title="进货单据照片", case__agency__code="urumqi-gxq-amr")
    assert not ArchivedCaseFile.objects.filter(case=item.case).exists()
    page = phone_page
    journeys.log_in(page, "urumqi-amr-officer", journeys.DEMO_PASSWORD)
    page.goto(f"{page.base}/records/evidence/{item.pk}/confirm/")
    signing = page.locator("form[data-signatures]")
    signing.locator("#party_name").fill("孙某")
    sign_with_the_mouse(page, signing.locator("canvas[data-signature=party_png]"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    shoot(page, "party-confirmation-signature")
    submit(page, signing.locator("button[type=submit]"))
    assert page.url.startswith(f"{page.base}/cases/{item.case_id}/")
    shown = page.locator("img.party-signature[alt='当事人孙某的签名']")
    shown.scroll_into_view_if_needed()
    assert shown.evaluate("img => img.complete && img.naturalWidth > 0")
    item.refresh_from_db()
    assert item.party_signer == "孙某" and item.party_signature_sha256
