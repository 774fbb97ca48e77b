"""Journeys of case handling in the browser: a general-procedure penalty from clue to closing (告知、
陈述申辩、决定、送达) on a laptop, and a simplified-procedure penalty on site on a 390 px phone."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env  # noqa: E402

pytestmark = pytest.mark.browser
from journeys import fill_and_submit, follow, log_in, move, submit  # noqa: E402


@pytest.fixture
def world(transactional_db, live_server):
    from django.core.cache import cache

    env = make_env()
    cache.clear()
    return env


def state(page):
    return page.locator("#case-state").inner_text()


def test_a_general_penalty_from_clue_to_closing(world, page, shoot):
    env = world
    log_in(page, env.officer)
    follow(page, "nav >> text=案件")
    follow(page, "text=新建线索")
    page.select_option("#id_source", "report")
    page.fill("#id_cause", "销售超过保质期的食品")
    page.fill("#id_clue_on", "2026-09-01")
    submit(page, "#case-form button[type=submit]")
    assert state(page) == "线索"
    case_url = page.url
    fill_and_submit(page, "#act-party", party={"label": "张三"})
    assert "张三" in page.locator("#case-people").inner_text()

    log_in(page, env.head)
    page.goto(case_url)
    for name in ("王执法", "李执法"):
        fill_and_submit(page, "#act-handler", person={"label": name}, on="2026-09-01")
    assert page.locator("#case-handlers tr").count() == 3

    log_in(page, env.officer)
    page.goto(case_url)
    move(page, "verify", on="2026-09-21")
    assert state(page) == "核查中"
    log_in(page, env.head)
    page.goto(case_url)
    move(page, "file", on="2026-09-25")
    assert state(page) == "已立案" and "立〔2026〕" in page.locator("h1").inner_text()

    log_in(page, env.officer)
    page.goto(case_url)
    move(page, "investigate", on="2026-09-28")
    move(page, "conclude", on="2026-09-29", penalties=["warning", "fine"], fine="5000",
         facts="经查，当事人销售过期食品。")
    move(page, "notify", on="2026-09-30")
    assert state(page) == "已告知"
    summaries = page.locator("#case-deadlines details summary")
    for i in range(summaries.count()):
        summaries.nth(i).click()
    assert "调休上班日" in page.locator("#case-deadlines").inner_text()  # how 10-13 was reached
    move(page, "record_statement", on="2026-10-09", statement="初次违法，请求从轻")
    shoot(page, "case-notified")

    log_in(page, env.head)
    page.goto(case_url)
    move(page, "decide", on="2026-10-15")
    assert state(page) == "已决定"
    log_in(page, env.officer)
    page.goto(case_url)
    move(page, "serve", on="2026-10-16", method="direct", proof="当事人签收")
    move(page, "record_payment", on="2026-10-30", amount="5000")
    log_in(page, env.head)
    page.goto(case_url)
    move(page, "close", on="2026-11-02")
    assert state(page) == "已结案"
    timeline = page.locator("#case-timeline").inner_text()
    for label in ("登记案件线索", "告知", "记录陈述申辩", "作出处罚决定", "送达", "结案"):
        assert label in timeline, label
    shoot(page, "case-closed")


def test_a_simplified_penalty_on_site_on_a_phone(world, phone_page, shoot):
    env, page = world, phone_page
    log_in(page, env.officer)
    page.goto(page.base + "/cases/on-site/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_cause", "占道经营")
    page.select_option("#id_party", label="张三")
    page.check("#case-form input[name=handlers][value='%d']" % env.p1.pk)
    page.check("#case-form input[name=handlers][value='%d']" % env.p2.pk)
    page.check("#case-form input[name=penalties][value=fine]")
    page.fill("#id_fine", "500")  # above ¥200 for a person: refused, nothing lost
    submit(page, "#case-form button[type=submit]", refused=True)
    assert "200" in page.locator("[role=alert]").first.inner_text()
    assert page.input_value("#id_cause") == "占道经营"
    page.fill("#id_fine", "150")
    submit(page, "#case-form button[type=submit]")
    assert "简〔" in page.locator("h1").inner_text()
    move(page, "decide_on_site")
    move(page, "serve", method="direct")
    move(page, "record_payment", amount="150")
    move(page, "hand_in_materials")
    assert state(page) == "执行中"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "case-onsite-phone")
    log_in(page, env.head)
    page.goto(page.base + "/")
    follow(page, "#case-approvals a")
    move(page, "close")
    assert state(page) == "已结案"
