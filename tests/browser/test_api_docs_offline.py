"""Journey: the API documentation renders with no internet, and no page breaks its own
Content-Security-Policy (the browser reports every blocked script, style or connection)."""

import pytest
from journeys import DEMO_PASSWORD, log_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def watch(page):
    """Block everything not served by the live server; collect CSP reports and script errors."""
    problems, outside = [], []

    def route(request_route):
        if request_route.request.url.startswith(page.base):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems, outside


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_lists_the_operations_offline(page, shoot):
    problems, outside = watch(page)
    page.goto(page.base + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/deadlines/compute" in paths
    assert "/api/v1/ledger/checkpoint" in paths
    assert page.locator(".information-container .title").inner_text().startswith("Sanxiang API")
    # Expanding an operation works too (Swagger UI's own scripts, under the policy).
    page.locator(".opblock-summary-path", has_text="/api/v1/deadlines/compute").first.click()
    page.wait_for_selector(".opblock-body .parameters")
    assert outside == [] and problems == [], (outside, problems)
    shoot(page, "api-docs-offline")


def test_calculator_and_login_run_under_the_policy(demo, page):
    problems, outside = watch(page)
    page.goto(page.base + "/deadlines/calculator/")
    page.fill("#id_start", "2025-04-30")
    page.fill("#id_count", "7")
    page.click("button[type=submit]")  # htmx puts the result in place: no new page
    expect(page.locator("#deadline-result .due")).to_have_text("2025-05-14")
    log_in(page, "zhuzhou-officer", DEMO_PASSWORD)
    page.wait_for_selector("text=退出")
    from sanxiang.orgs.models import Agency, Person

    person = Person.objects.filter(certificates__isnull=False, agency__code="zhuzhou-amr").first()
    for path in ("/", "/profiles/zhuzhou-amr/", "/deadlines/calendar/",
                 f"/agencies/{Agency.objects.get(code='zhuzhou-amr').code}/", f"/people/{person.pk}/"):
        response = page.goto(page.base + path)
        assert response.status in (200, 403, 404), path
    assert outside == [] and problems == [], (outside, problems)
