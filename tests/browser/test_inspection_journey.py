"""Journey of a 行政检查 in the browser, on a 390 px phone on site: opened with two inspectors (one
alone first: refused, nothing lost; 辅助人员 not offered), started, the on-site record (certificates shown), a normal
result, closed — and the result in the enterprise's dossier (一户式)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env  # noqa: E402

pytestmark = pytest.mark.browser
from journeys import fill_and_submit, follow, log_in, move, submit  # noqa: E402


def state(page):
    return page.locator("#case-state").inner_text()


@pytest.fixture
def world(transactional_db, live_server):
    from django.core.cache import cache

    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import PersonKind

    env = make_env()
    for p in (env.p1, env.p2):
        T.certificate(p, categories=["行政检查"])
    env.aux = T.person(env.agency, kind=PersonKind.AUXILIARY, unit=env.unit, name="吴协管")
    cache.clear()
    return env


def test_an_inspection_with_a_normal_result_on_a_phone(world, phone_page, shoot):
    env, page = world, phone_page
    log_in(page, env.officer)
    page.goto(page.base + "/cases/")
    follow(page, "text=登记行政检查")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("#id_source", "random")
    page.fill("#id_cause", "双随机抽查：食品经营者日常监督检查")
    page.select_option("#id_party", label="某某食品有限公司")
    # 辅助人员 are never offered as inspectors (54号); one inspector alone is refused, nothing lost
    assert page.locator("#case-form input[name=handlers][value='%d']" % env.aux.pk).count() == 0
    page.check("#case-form input[name=handlers][value='%d']" % env.p1.pk)
    submit(page, "#case-form button[type=submit]", refused=True)
    assert "两名以上" in page.locator("[role=alert]").first.inner_text()
    assert page.input_value("#id_cause") == "双随机抽查：食品经营者日常监督检查"
    page.check("#case-form input[name=handlers][value='%d']" % env.p2.pk)
    submit(page, "#case-form button[type=submit]")
    assert "检〔" in page.locator("h1").inner_text() and state(page) == "待检查"
    move(page, "start_inspection")
    assert state(page) == "检查中"
    box = page.locator("#act-onsite")
    shown = box.locator("input[name=certificate_numbers]")  # every inspector's certificate shown
    fill_and_submit(page, box, place="某某食品有限公司经营场所",
                    certificate_numbers=[c.get_attribute("value") for c in shown.all()],
                    told_reason_basis_rights=True, video_recorded=True)
    move(page, "record_inspection_result", result=["normal"], items="营业执照公示情况\n进货查验记录",
         conclusion="未发现问题。")
    assert page.locator("#inspection-result").inner_text().startswith("未发现问题")
    assert page.locator("#move-finish_inspection").count() == 0  # the 现场检查 (宜音像记录): no recording, no reason
    missing = page.locator("#case-evidence li").filter(has=page.locator("summary", has_text="说明理由")).first
    fill_and_submit(page, missing, reason="执法记录仪送修，现场检查由两名执法人员书面记录")
    assert page.locator("#case-evidence li", has_text="执法记录仪送修").count() == 1
    move(page, "finish_inspection")
    assert state(page) == "已结案"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "inspection-normal-phone")
    follow(page, "#case-people >> text=某某食品有限公司")
    table = page.locator("#inspections-of-party")
    assert "双随机抽查" in table.inner_text() and "未发现问题" in table.inner_text()
