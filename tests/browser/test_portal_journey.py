"""Journey: 扫码入企 — an enterprise opens the inspection code page on a phone (390 px), without
login: by typing the code it was shown, and by the QR's address; it sees who inspects, why and on
what basis, checks an inspector's certificate, and the page never scrolls sideways."""

import pytest
from journeys import follow

pytestmark = pytest.mark.browser


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_enterprise_opens_the_inspection_code_page_on_a_phone(demo, phone_page, shoot):
    from sanxiang.cases.models import Inspection

    ins = Inspection.objects.select_related("case__agency").filter(case__agency__code="quanzhou-licheng-amr").first()
    agency = ins.case.agency
    inspectors = [h.person.name for h in ins.case.handlers.filter(until__isnull=True).select_related("person")]
    page = phone_page
    page.goto(page.base + f"/gk/{agency.code}/")
    assert agency.name in page.title()
    no_sideways_scroll(page)
    follow(page, "text=检查码查询（扫码入企）")
    page.fill("#id_code", ins.code.lower())  # as typed from the notice, in any case
    follow(page, "button[type=submit]")
    assert page.locator("#result").count() == 1
    assert page.url.endswith(f"/gk/{agency.code}/jiancha/{ins.code}/")
    assert agency.name in page.locator("#verdict").inner_text()
    from sanxiang.publicity.public_text import inspection_cause

    shown = inspection_cause(ins)  # the 事由 as guarded for the public (s25 defects10d #1)
    assert shown and shown in page.locator("#inspection-cause").inner_text()
    people = page.locator("#inspectors").inner_text()
    assert inspectors and all(name in people for name in inspectors)
    assert "检查依据" in page.locator("#basis").inner_text()
    assert page.locator("figure.qr svg").count() == 1
    no_sideways_scroll(page)
    shoot(page, "portal-inspection-code")
    # the certificate check of the first inspector: a new page, whose #verdict this page has too
    follow(page, page.locator("#inspectors a").first, url="**/public/certificate/**")
    assert "证件有效" in page.locator("#verdict").inner_text()
    page.goto(page.base + f"/gk/{agency.code}/jiancha/{ins.code}/")  # the address the QR code holds
    assert ins.code in page.locator("#inspection-code").inner_text()
    page.goto(page.base + f"/gk/{agency.code}/jiancha/?code=NOTACODE")
    assert "未查到" in page.locator("#verdict").inner_text()


PAGES = ["", "jigou/", "renyuan/", "shixiang/", "zhinan/", "zhinan/XK-001/", "choucha/", "liucheng/chufa/", "yinxiang/", "shenhe/",
         "shenhe/lishi/",
         "gongshipai/", "gongshika/", "shixiang/lishi/", "jihua/", "jizhun/", "nianbao/"]


def test_every_portal_page_fits_a_phone(demo, phone_page, shoot):
    page = phone_page
    for path in PAGES:
        page.goto(page.base + "/gk/urumqi-gxq-amr/" + path)
        assert page.locator("h1").count() == 1, path
        no_sideways_scroll(page)
        shoot(page, "portal-" + (path.strip("/").replace("/", "-") or "home"))
    page.goto(page.base + "/gk/urumqi-gxq-amr/shixiang/lishi/")
    assert "法律、法规、规章变化" in page.inner_text("main")  # the demo's second version, with its reason


def test_the_officer_table_stacks_on_a_phone(demo, phone_page, shoot):
    """Finding 14 of defects10: each officer is a block of "label：value" lines, nothing scrolls sideways
    (neither the page nor the table)."""
    page = phone_page
    page.goto(page.base + "/gk/zhuzhou-amr/renyuan/")
    no_sideways_scroll(page)
    table = page.locator("table.officers")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    assert page.locator("table.officers thead").evaluate("h => h.getBoundingClientRect().height <= 1")
    first = page.locator("table.officers tbody td[data-label='执法类别']").first
    assert first.evaluate("td => getComputedStyle(td, '::before').content").startswith('"执法类别')
    assert first.evaluate("td => getComputedStyle(td).display") == "block"
    shoot(page, "portal-renyuan-phone")


def test_the_verification_howto_fits_a_phone_on_every_agency(demo, phone_page, shoot):
    """s22 defects10 #14: /gk/<agency>/hexin/ was 870 px wide at 390 px (its code blocks): they scroll inside
    themselves now, and a long address in the text breaks."""
    from sanxiang.orgs.demo import AGENCIES

    page = phone_page
    for spec in AGENCIES:
        page.goto(page.base + f"/gk/{spec['code']}/hexin/")
        assert page.locator("h1").count() == 1, spec["code"]
        no_sideways_scroll(page)
        block = page.locator("pre").last  # the widest block scrolls inside itself
        assert block.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    shoot(page, "portal-hexin-phone")
