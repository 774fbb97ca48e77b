"""Journey on a phone (390 px): the workbench and the agency page keep names on one line and
scroll wide tables sideways instead of squeezing them (工作台、人员表在手机上)."""

import pytest

pytestmark = pytest.mark.browser

import journeys  # noqa: E402


def log_in(page, username):
    journeys.log_in(page, username, journeys.DEMO_PASSWORD)


def one_line(locator) -> bool:
    """The element's text is laid out on a single line (one client rect per line of text)."""
    return locator.evaluate("""el => {
        const range = document.createRange(); range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return tops.size === 1;
    }""")


def test_names_stay_whole_and_wide_tables_scroll_on_a_phone(demo, phone_page, shoot):
    page = phone_page
    log_in(page, "zhuzhou-head")
    page.wait_for_selector("#workbench .counts")
    shoot(page, "workbench-head-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways
    queue = page.locator("#unit-queue tr").nth(1)
    assert one_line(queue.locator("td").first)
    page.goto(page.base + "/agencies/zhuzhou-amr/")
    shoot(page, "agency-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    name_cells = page.locator(".table-wrap td:first-child a")
    assert name_cells.count() >= 10
    for i in range(name_cells.count()):
        assert one_line(name_cells.nth(i)), name_cells.nth(i).inner_text()


def test_the_staff_publication_page_fits_a_phone(demo, phone_page, shoot):
    """s22 defects10 #13: the staff publication page was 999 px wide at 390 px (its state table held the
    citation on one line); long values wrap, the version table scrolls inside its frame."""
    from sanxiang.publicity.models import Publication

    page = phone_page
    log_in(page, "zhuzhou-publicity")
    for pub in Publication.objects.filter(agency__code="zhuzhou-amr").order_by("id")[:3]:
        page.goto(page.base + f"/publicity/publications/{pub.pk}/")
        page.wait_for_selector("#publication")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, pub.pk
    shoot(page, "publicity-publication-phone")
