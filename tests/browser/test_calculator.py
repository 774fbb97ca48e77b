"""Journey: the deadline calculator (时限计算器) with its explanation, on a laptop and a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def calculate(page, start, count, unit="workdays"):
    """The form sent; htmx swaps the result in (no new page): returned once its due date shows."""
    page.goto(page.base + "/deadlines/calculator/")
    page.fill("#id_start", start)
    page.fill("#id_count", str(count))
    page.select_option("#id_unit", unit)
    page.click("button[type=submit]")
    result = page.locator("#deadline-result")
    expect(result.locator(".due")).to_have_count(1)
    return result


def test_seven_working_days_over_labour_day(demo, page, shoot):
    # 5月1日–5日 are the Labour Day holiday: the 7 working days are 5月6–9日 and 12–14日.
    result = calculate(page, "2025-04-30", 7)
    expect(result.locator(".due")).to_have_text("2025-05-14")
    explanation = result.locator(".explain li").all_inner_texts()
    assert len(explanation) >= 2
    assert any("2025-04-30" in line for line in explanation)
    assert any("劳动节" in line or "休息" in line or "假" in line for line in explanation)
    assert result.locator(".flag-provisional").count() == 0
    shoot(page, "deadline-calculator")


def test_a_2027_date_is_flagged_provisional(demo, page, shoot):
    result = calculate(page, "2027-03-01", 10)
    assert result.locator(".due").inner_text().startswith("2027-")
    assert "临时" in result.locator(".flag-provisional").inner_text()
    shoot(page, "deadline-calculator-provisional")


def test_phone_width_still_shows_the_result(demo, phone_page, shoot):
    result = calculate(phone_page, "2025-04-30", 7)
    due = result.locator(".due")
    expect(due).to_have_text("2025-05-14")
    box = due.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390
    # Nothing forces sideways scrolling on a phone.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    shoot(phone_page, "deadline-calculator-phone")


def test_bad_input_shows_a_clear_message(demo, page):
    page.goto(page.base + "/deadlines/calculator/?start=2025-02-30&count=7&unit=workdays")
    assert page.locator("[role=alert]").inner_text().startswith("输入有误")
