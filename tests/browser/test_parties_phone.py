"""Journey on a phone (390 px): an officer finds a party, registers one after a mistyped ID number
is refused in words, and opens the new party's dossier (当事人、一户式档案在手机上)."""

import pytest
from journeys import DEMO_PASSWORD, follow, log_in, submit

pytestmark = pytest.mark.browser


def test_an_officer_registers_a_party_on_a_phone(demo, phone_page, shoot):
    page = phone_page
    log_in(page, "zhuzhou-officer", DEMO_PASSWORD)
    follow(page, "header.top nav >> text=当事人")
    page.fill("#q", "米粉")
    follow(page, "form.party-search button")  # the search is a GET: the results are a new page
    assert page.locator(".table-wrap td a").all_inner_texts() == ["荷塘区刘记米粉店"]
    shoot(page, "parties-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    follow(page, "text=登记当事人")
    page.check("input[name=kind][value=person]")
    page.fill("#id_name", "周小军")
    page.fill("#id_id_number", "430202198811054021")  # last digit mistyped
    submit(page, "#party-form button[type=submit]", refused=True)
    assert "公民身份号码校验位错误" in page.locator("#party-form .error").inner_text()
    shoot(page, "party-form-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_id_number", "43020219881105402x")
    submit(page, "#party-form button[type=submit]")
    assert page.locator("#party-data").count() == 1
    shoot(page, "party-dossier-phone")
    assert "一户式档案" in page.inner_text("main") and page.inner_text("#id-number") == "43020219881105402X"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
