"""Journey: the public certificate check (亮证查验) — no login, by number, on a phone."""

import pytest
from journeys import follow

pytestmark = pytest.mark.browser

# Zhuzhou demo data (seed 001): region code 430200.
CASES = [
    ("43020000001", "证件有效", "有效", "valid-officer"),
    ("43020000005", "吊销", "吊销", "revoked"),
    ("430200FZ0001", "辅助人员", "", "auxiliary"),
]


def check(page, number):
    page.goto(page.base + "/public/certificate/")
    page.fill("#id_number", number)
    follow(page, "button[type=submit]")
    return page.locator("#result")


@pytest.mark.parametrize("number, verdict, status, name", CASES, ids=[c[3] for c in CASES])
def test_check_by_number(demo, phone_page, shoot, number, verdict, status, name):
    result = check(phone_page, number)
    text = result.inner_text()
    assert number in text
    assert verdict in result.locator("#verdict").inner_text()
    assert "株洲市市场监督管理局" in text
    if status:
        assert status in result.locator("#status").inner_text()
    shoot(phone_page, f"certificate-{name}")


def test_auxiliary_work_card_says_holder_may_not_enforce(demo, phone_page):
    verdict = check(phone_page, "430200FZ0001").locator("#verdict").inner_text()
    assert "不得从事行政执法活动" in verdict
    assert "证件有效" not in verdict


def test_unknown_number(demo, phone_page, shoot):
    result = check(phone_page, "99999999999")
    assert "未查到" in result.inner_text()
    shoot(phone_page, "certificate-unknown")


def test_qr_link_opens_the_same_result(demo, phone_page):
    phone_page.goto(phone_page.base + "/public/certificate/43020000001/")
    assert "证件有效" in phone_page.locator("#verdict").inner_text()
