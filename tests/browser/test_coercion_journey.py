"""A 查封 in the browser on a 390 px phone: proposed with its 清单, approved by the head, implemented
on site by two officers showing their certificates, extended once by the head and released."""

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env  # noqa: E402
from coercion_cast import investigating  # noqa: E402

pytestmark = pytest.mark.browser
from journeys import fill_and_submit, log_in  # noqa: E402


def test_a_seal_extended_and_released_on_a_phone(transactional_db, live_server, phone_page, shoot):
    from django.core.cache import cache

    from sanxiang.cases.models import CoerciveMeasure

    env = make_env()
    cache.clear()
    today = dt.date.today()
    case = investigating(env, today - dt.timedelta(days=3))
    page, url = phone_page, f"{phone_page.base}/cases/{case.pk}/"

    log_in(page, env.officer)
    page.goto(url)
    fill_and_submit(page, "#act-propose-measure", kind="seal", reason="涉嫌销售过期食品（食品安全法第一百一十条）")
    m = CoerciveMeasure.objects.get(case=case)
    fill_and_submit(page, f"#measure-{m.pk}-item", name="过期牛奶", quantity="12", unit="箱", place="当事人冷库")
    assert "过期牛奶" in page.locator(f"#measure-{m.pk} .measure-items").inner_text()

    log_in(page, env.head)
    page.goto(url)
    fill_and_submit(page, f"#measure-{m.pk}-approve")
    assert page.locator(f"#measure-{m.pk} .measure-state").inner_text() == "已批准待实施"

    log_in(page, env.officer)
    page.goto(url)
    # without telling the party the reason, basis and rights: refused in Chinese, nothing done
    fill_and_submit(page, f"#measure-{m.pk}-implement", refused=True, place="某超市冷库", record="执法人员二名到场，出示执法证件。")
    assert "理由、依据" in page.locator("[role=alert]").first.inner_text()
    fill_and_submit(page, f"#measure-{m.pk}-implement", told_reason_basis_rights=True, video_recorded=True)
    assert page.locator(f"#measure-{m.pk} .measure-state").inner_text() == "实施中"
    assert "查封扣押期限" in page.locator(f"#measure-{m.pk} .measure-deadlines").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    shoot(page, "coercion-seal-phone")

    log_in(page, env.head)
    page.goto(url)
    fill_and_submit(page, f"#measure-{m.pk}-extend", reason="需调取供货商资料，案情复杂", party_told=True)
    assert "已延长 30 日" in page.locator(f"#measure-{m.pk}").inner_text()
    assert page.locator(f"#measure-{m.pk}-extend").count() == 0  # once only: not offered again
    fill_and_submit(page, f"#measure-{m.pk}-release", release_reason="no_violation", note="检验合格")
    text = page.locator(f"#measure-{m.pk}").inner_text()
    assert "已解除" in text and "已解除，退还当事人" in text
