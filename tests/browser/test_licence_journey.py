"""Journey of a 行政许可 in the browser: an application registered, accepted, the right to a hearing told,
the applicant's hearing request, the notice (refused when too short), the hearing, the grant and the
certificate — each step by the person whose step it is."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from journeys import fill_and_submit, log_in, move, submit  # noqa: E402
from kinds_cast import make_kinds_env  # noqa: E402
from test_case_journeys import state  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def kinds_world(transactional_db, live_server):
    from django.core.cache import cache

    env = make_kinds_env(profile_key="")
    cache.clear()
    return env


def test_a_licence_with_a_hearing_request(kinds_world, page, shoot):
    env = kinds_world
    log_in(page, env.officer)
    page.goto(page.base + "/cases/new/")
    page.select_option("#id_kind", "licence")
    page.select_option("#id_source", "application")
    page.fill("#id_cause", "食品经营许可（新办）")
    page.select_option("#id_category", "行政许可")
    page.fill("#id_clue_on", "2026-09-18")
    submit(page, "#case-form button[type=submit]")
    assert state(page) == "已申请"
    case_url = page.url
    assert "许可受理期限" in page.locator("#case-deadlines").inner_text()
    fill_and_submit(page, "#act-party", party={"label": "某某食品有限公司"})
    assert "某某食品有限公司" in page.locator("#case-people").inner_text()

    log_in(page, env.head)
    page.goto(case_url)
    for name in ("王审批", "李审批"):
        fill_and_submit(page, "#act-handler", person={"label": name}, on="2026-09-18")

    log_in(page, env.officer)
    page.goto(case_url)
    move(page, "accept", on="2026-09-21")
    assert state(page) == "已受理" and "许〔2026〕" in page.locator("h1").inner_text()
    move(page, "start_review", on="2026-09-21")
    move(page, "inform_hearing_right", on="2026-09-22")
    move(page, "request_hearing", on="2026-09-29")
    assert state(page) == "听证中"
    deadlines = page.locator("#case-deadlines").inner_text()
    assert "组织听证期限" in deadlines and "2026-11-02" in deadlines and "暂停计时" in deadlines
    # Seven working days' notice (行政许可法第四十八条): a hearing on 16 Oct is refused, nothing lost.
    move(page, "notify_hearing", refused=True, on="2026-10-09", hearing_on="2026-10-16", place="本局听证室")
    assert "最早于 2026-10-19 举行" in page.locator("[role=alert]").first.inner_text()
    page.goto(case_url)
    move(page, "notify_hearing", on="2026-10-09", hearing_on="2026-10-20", place="本局听证室")
    assert page.locator("#move-hold_hearing").count() == 0  # a handler is never offered to host the hearing

    log_in(page, env.head)
    page.goto(case_url)
    move(page, "hold_hearing", on="2026-10-20", record="申请人、利害关系人到场陈述意见")
    assert state(page) == "审查中"
    assert page.locator("#move-grant").count() == 0  # the hearing (宜音像记录) has neither recording nor reason

    log_in(page, env.officer)  # the handler says why the hearing was not filmed
    page.goto(case_url)
    missing = page.locator("#case-evidence li", has_text="举行听证")
    fill_and_submit(page, missing, reason="听证室未配备录像设备，听证全程书面记录并由参加人签字")
    assert page.locator("#case-evidence li", has_text="听证室未配备录像设备").count() == 1

    log_in(page, env.head)
    page.goto(case_url)
    move(page, "grant", on="2026-10-21", content="准予食品经营许可")
    assert state(page) == "准予许可（待发证）"
    shoot(page, "licence-granted")

    log_in(page, env.officer)
    page.goto(case_url)
    move(page, "issue_certificate", on="2026-10-22", licence_number="JY16501060000001", valid_until="2031-10-21")
    assert state(page) == "已发证"
    assert "JY16501060000001" in page.locator("#licence-number").inner_text()
    timeline = page.locator("#case-timeline").inner_text()
    for label in ("受理", "告知听证权利", "申请听证", "送达听证通知", "举行听证", "准予行政许可", "颁发许可证件"):
        assert label in timeline, label
