"""Journey (issue 10 §9, decision 0072): the case's head makes the 公示告知书 on the party page; the party
reads the 公示查询码 off the notice it was served (the filled document's text, s23: not from the function
that issues codes) and asks for a correction on the portal with the case number
and the 公示查询码 of its 公示告知书 — a wrong code is refused with one clear message; the editor answers
it (予以更正) on the staff queue, submits the corrected version, the responsible head approves it and it
is published; the party looks up the answer on the portal and sees the corrected version is public."""

import pytest
from journeys import DEMO_PASSWORD, follow, log_in, submit

pytestmark = pytest.mark.browser


def notice_text(case) -> str:
    """The words of the case's newest 公示告知书 as the party reads them (the filled .docx the PDF is made of)."""
    import io

    import docx

    from sanxiang import storage
    from sanxiang.documents.models import Document
    from sanxiang.publicity.notices import KIND

    notice = Document.objects.filter(case=case, kind=KIND).order_by("-id").first()
    assert notice is not None, "the party page made no notice"
    with storage.open_file(notice.docx_path) as fh:
        return "\n".join(p.text for p in docx.Document(io.BytesIO(fh.read())).paragraphs)


def test_a_party_correction_request_is_answered_and_the_correction_published(demo, page, shoot):
    import re

    from sanxiang.publicity import requests as R
    from sanxiang.publicity.models import Publication, PublicationStatus

    pub = (Publication.objects.filter(agency__code="zhuzhou-amr", obligation__kind_label="处罚",
                                      status__in=(PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED))
           .select_related("obligation__case").order_by("id").first())
    number = pub.obligation.case.number
    before = pub.public_version

    # the notice served with the decision (the demo made it, as the job does for every decision); the party holds
    # its text, and the case's head sees it on the party page
    from sanxiang.documents.models import Document
    from sanxiang.publicity.notices import KIND

    notice = Document.objects.filter(case=pub.obligation.case, kind=KIND).order_by("-id").first()
    assert notice is not None and notice.number
    log_in(page, "zhuzhou-head", DEMO_PASSWORD)
    page.goto(page.base + f"/publicity/party/{pub.pk}/")
    assert notice.number in page.inner_text("body")
    text = notice_text(pub.obligation.case)
    assert number in text
    found = re.search(r"公示查询码[：:\s]*([A-Z0-9]{4}-[A-Z0-9]{4})", text)
    assert found, text
    code = found.group(1)  # as the party reads it off the paper
    page.context.clear_cookies()

    # the party, no login
    page.goto(page.base + "/gk/zhuzhou-amr/jiuzheng/")
    page.fill("#id_number", number)
    page.fill("#id_code", "AAAA-AAAA")
    page.fill("#id_content", "罚款数额与送达的决定书不一致")
    page.fill("#id_contact", "13900000000")
    submit(page, "#party-form button[type=submit]", refused=True)
    assert R.WRONG_PAIR in page.locator("#verdict").inner_text()
    assert page.input_value("#id_code") == "" and page.input_value("#id_number") == number
    page.fill("#id_number", "")
    page.fill("#id_code", "")
    page.locator("#id_number").evaluate("e => e.removeAttribute('required')")
    page.locator("#id_code").evaluate("e => e.removeAttribute('required')")
    submit(page, "#party-form button[type=submit]", refused=True)
    assert "请输入案号" in page.locator("#error-number").inner_text()
    page.fill("#id_number", number)
    page.fill("#id_code", R.format_code(code).lower())
    page.fill("#id_content", "罚款数额与送达的决定书不一致，应以决定书为准。")
    page.fill("#id_contact", "13900000000")
    submit(page, "#party-form button[type=submit]")
    verdict = page.locator("#verdict").inner_text()
    assert "已收到您的更正申请" in verdict
    shoot(page, "portal-party-correction")
    req_number = verdict.split("受理编号 ")[1].split("）")[0]

    # the editor answers on the queue
    log_in(page, "zhuzhou-publicity", DEMO_PASSWORD)
    page.goto(page.base + "/publicity/requests/")
    follow(page, f"text={req_number}")
    assert "罚款数额与送达的决定书不一致" in page.locator("#request-content").inner_text()
    page.check("input[name=decision][value=accept]")
    page.fill("#id_answer", "经核实，公示的罚款数额有误，予以更正。")
    submit(page, "#answer-form button[type=submit]")
    assert "已更正" in page.locator("#request-status").inner_text()
    follow(page, "text=编辑、提交审核后发布")
    follow(page, "text=提交发布部门负责人审核")

    # the responsible head approves and publishes the corrected version
    log_in(page, "zhuzhou-head", DEMO_PASSWORD)
    page.goto(page.base + f"/publicity/publications/{pub.pk}/")
    follow(page, "text=审核同意发布")
    follow(page, "form[action$='/publish/'] button[type=submit]")
    pub.refresh_from_db()
    assert pub.public_version == before + 1 and pub.status == PublicationStatus.CORRECTED

    # the party sees the answer
    page.context.clear_cookies()
    page.goto(page.base + "/gk/zhuzhou-amr/jiuzheng/?act=lookup")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    submit(page, "#party-form button[type=submit]")
    result = page.locator(f"[id='request-{req_number}']").inner_text()
    assert "经核实，公示的罚款数额有误，予以更正。" in result and "已公示" in result
    shoot(page, "portal-party-answer")
