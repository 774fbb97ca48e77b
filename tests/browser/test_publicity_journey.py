"""Journey (issue 10 §9), one decision from the case to the portal and back, each step by the person whose
step it is: the head decides a penalty in its case → its publication obligation is in the editor's queue
→ the redaction preview highlights what is masked, the editor adds one span with a reason (a withdrawal
without a reason is refused later, nothing lost) → submits → the responsible head (发布部门负责人)
approves → published: the decision's public page and `/gk/search/` (a two-character query) show it,
without the masked words → the decision is revoked by a 行政复议决定 recorded on the case → the editor
withdraws it with a public reason → the public page and the search show the withdrawal notice, not a
silent disappearance."""

import pytest
from journeys import DEMO_PASSWORD, fill, fill_and_submit, follow, log_in, move

pytestmark = pytest.mark.browser

MASKED = "820 千克"  # the words the editor masks


def test_a_decision_published_found_revoked_and_withdrawn_with_its_notice(demo, page, phone_page, shoot):
    from django.utils import timezone

    from sanxiang.cases.models import Case
    from sanxiang.portal.models import DecisionNumber
    from sanxiang.publicity.models import PublicationStatus

    case = Case.objects.get(agency__code="zhuzhou-amr", cause="涉嫌经营未按规定检验的食用农产品")
    today = timezone.localdate().isoformat()
    case_url = page.base + f"/cases/{case.pk}/"

    # the head decides the penalty (普通程序: in the SAMR scope, 7 working days)
    log_in(page, "zhuzhou-head", DEMO_PASSWORD)
    page.goto(case_url)
    move(page, "decide", on=today)
    assert page.locator("#case-state").inner_text() == "已决定"

    # the obligation is in the editor's queue; the preview of the draft
    log_in(page, "zhuzhou-publicity", DEMO_PASSWORD)
    page.goto(page.base + "/publicity/")
    row = page.locator("tr", has_text=case.number).first
    assert "处罚" in row.inner_text()
    follow(page, row.locator("a").first)
    assert MASKED in page.locator("#preview pre").nth(-1).inner_text()
    pub_url = page.url

    # the editor masks the quantity bought in, with a reason: highlighted in the original, gone from the text
    form = page.locator("form[action$='/add-span/']")
    fill(form, fragment=MASKED, reason="进货数量属当事人的商业秘密")
    follow(page, form.locator("button[type=submit]"))
    marks = page.locator("#preview pre mark")
    assert MASKED in marks.all_inner_texts()
    assert "进货数量属当事人的商业秘密" in marks.first.get_attribute("title")
    assert MASKED not in page.locator("#preview pre").nth(-1).inner_text()
    shoot(page, "publicity-preview-span-added")
    follow(page, "text=提交发布部门负责人审核")

    # the responsible head approves; the editor publishes
    log_in(page, "zhuzhou-leader", DEMO_PASSWORD)
    page.goto(pub_url)
    follow(page, "text=审核同意发布")
    log_in(page, "zhuzhou-publicity", DEMO_PASSWORD)
    page.goto(pub_url)
    follow(page, "form[action$='/publish/'] button[type=submit]")
    pub = case.publication_obligations.get().publication
    assert pub.status == PublicationStatus.PUBLISHED, page.locator("main").inner_text()
    number = DecisionNumber.objects.get(publication=pub).number
    decision_path = f"/gk/zhuzhou-amr/jueding/{number}/"

    # a citizen: the public page, then the search with two characters
    phone = phone_page
    phone.goto(phone.base + decision_path)
    text = phone.locator("#decision-text").inner_text()
    assert "食用农产品" in text and MASKED not in phone.content()
    assert "决定书文号" in phone.locator("#summary").inner_text()
    phone.goto(phone.base + "/gk/search/")
    phone.fill("#id_q", "农产")
    follow(phone, "button[type=submit]")
    hit = phone.locator("#results li", has=phone.locator(f"a[href='{decision_path}']"))
    assert hit.count() == 1 and "已撤下" not in hit.inner_text()
    shoot(phone, "portal-search-two-characters")

    # staff record the 行政复议决定 that revokes the grant
    log_in(page, "zhuzhou-head", DEMO_PASSWORD)
    page.goto(case_url)
    fill_and_submit(page, "#act-appeal", kind="reconsideration", body="株洲市人民政府", applied_on=today)
    fill_and_submit(page, "#act-appeal-outcome", outcome="revoked", decided_on=today)
    assert "撤销" in page.locator("#case-appeals").inner_text()

    # the editor withdraws it: without a reason refused (nothing lost), then with the public reason
    log_in(page, "zhuzhou-publicity", DEMO_PASSWORD)
    page.goto(pub_url)
    assert "应当撤下" in page.locator("#publication").inner_text()
    form = page.locator("form[action$='/withdraw/']")
    form.locator("input[name=on]").fill(today)
    follow(page, form.locator("button[type=submit]"))
    assert "理由" in page.locator("form[action$='/withdraw/'] .error").first.inner_text()
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED
    reason = "该行政处罚决定已被行政复议机关撤销"
    form = page.locator("form[action$='/withdraw/']")
    form.locator("input[name=reason]").fill(reason)
    follow(page, form.locator("button[type=submit]"))
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN, page.locator("main").inner_text()

    # the public page and the search show the notice, not the text, not a silent disappearance
    phone.goto(phone.base + decision_path)
    phone.reload()  # portal pages may be kept a minute by the browser
    notice = phone.locator("#notice").inner_text()
    assert "已撤下" in notice and reason in notice
    assert phone.locator("#decision-text").count() == 0 and "食用农产品" not in phone.locator("main").inner_text()
    shoot(phone, "portal-withdrawn-notice")
    phone.goto(phone.base + "/gk/search/?q=复议")
    phone.reload()
    phone.wait_for_selector("#results")
    hit = phone.locator("#results li", has=phone.locator(f"a[href='{decision_path}']"))
    assert hit.count() == 1
    assert "已撤下" in hit.inner_text() and reason in hit.inner_text() and "农产" not in hit.inner_text()
    shoot(phone, "portal-search-withdrawn")
    phone.goto(phone.base + "/gk/search/?q=农产")  # its words are no longer searchable
    phone.reload()
    assert phone.locator(f"#results a[href='{decision_path}']").count() == 0
