"""Journey (issue 10 §9): a decision published by the editor appears on the portal's list and page and is
found by the public search (on a phone, without login); withdrawn with a public reason, its page shows
the withdrawal notice instead of the text and the search lists it with the notice, never the text (0078)."""

import pytest

pytestmark = pytest.mark.browser
from journeys import DEMO_PASSWORD, follow, log_in  # noqa: E402


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_published_found_withdrawn_notice(demo, page, phone_page, shoot):
    from sanxiang.publicity.models import Publication, PublicationStatus

    pub = (Publication.objects.select_related("agency", "obligation__case")
           .filter(agency__code="zhuzhou-amr", status=PublicationStatus.APPROVED).first())
    assert pub is not None, "the demo leaves an approved publication in each agency"
    agency, case_number = pub.agency, pub.obligation.case.number
    assert pub.obligation.kind_label in ("处罚", "许可", "强制", "检查")

    # the editor publishes it
    log_in(page, "zhuzhou-publicity", DEMO_PASSWORD)
    page.goto(page.base + f"/publicity/publications/{pub.pk}/")
    follow(page, "form[action$='/publish/'] button[type=submit]")
    from sanxiang.portal.models import DecisionNumber

    number = DecisionNumber.objects.get(publication=pub).number
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED

    # a citizen on a phone: the list, the page, the search
    phone = phone_page
    phone.goto(phone.base + f"/gk/{agency.code}/")
    follow(phone, "text=行政执法决定公开")
    link = phone.locator(f"#decisions a[href='/gk/{agency.code}/jueding/{number}/']")
    assert case_number in link.inner_text()
    no_sideways_scroll(phone)
    shoot(phone, "portal-decisions")
    follow(phone, link)
    assert phone.url.endswith(f"/gk/{agency.code}/jueding/{number}/")
    assert phone.locator("#decision-text").count() == 1
    if pub.shown().summary:  # a penalty under the SAMR rules: its summary in front of the text
        assert "决定书文号" in phone.locator("#summary").inner_text()
    assert "执法机关" in phone.locator("#fields").inner_text()
    assert "第 1 版" in phone.locator("#versions").inner_text()
    no_sideways_scroll(phone)
    shoot(phone, "portal-decision")
    phone.goto(phone.base + f"/gk/{agency.code}/search/")
    phone.fill("#id_q", case_number)
    follow(phone, "button[type=submit]")
    assert phone.locator(f"#results a[href='/gk/{agency.code}/jueding/{number}/']").count() == 1
    no_sideways_scroll(phone)
    shoot(phone, "portal-search")
    phone.fill("#id_q", "罚")  # one character: refused in Chinese, the query kept
    follow(phone, "button[type=submit]")
    assert "请至少输入两个字" in phone.locator("#problems").inner_text()
    assert phone.input_value("#id_q") == "罚"

    # withdrawn: the notice, not the text; in the search as its notice. The case has no revocation recorded:
    # the editor is not offered the act, the head withdraws it with the ground (decision 0086)
    page.goto(page.base + f"/publicity/publications/{pub.pk}/")
    assert page.locator("form[action$='/withdraw/']").count() == 0
    log_in(page, "zhuzhou-head", DEMO_PASSWORD)
    page.goto(page.base + f"/publicity/publications/{pub.pk}/")
    form = page.locator("form[action$='/withdraw/']")
    form.locator("select[name=ground]").select_option("revoked")
    form.locator("input[name=reason]").fill("该行政处罚决定已被行政复议机关撤销")
    follow(page, form.locator("button[type=submit]"))
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN, page.locator("main").inner_text()
    phone.goto(phone.base + f"/gk/{agency.code}/jueding/{number}/")
    phone.reload()  # portal pages may be kept a minute by the browser (Cache-Control: public, max-age=60)
    notice = phone.locator("#notice").inner_text()
    assert "已撤下" in notice and "该行政处罚决定已被行政复议机关撤销" in notice
    assert phone.locator("#decision-text").count() == 0 and phone.locator("#summary").count() == 0
    shoot(phone, "portal-decision-withdrawn")
    phone.goto(phone.base + f"/gk/{agency.code}/search/?q={case_number}")
    phone.reload()
    phone.wait_for_selector("#results")
    hit = phone.locator("#results li", has=phone.locator(f"a[href='/gk/{agency.code}/jueding/{number}/']"))
    assert hit.count() == 1 and "已撤下" in hit.inner_text() and "行政复议机关撤销" in hit.inner_text()
