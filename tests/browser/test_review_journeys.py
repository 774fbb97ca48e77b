"""The legal review in the browser (issue 9 §6): a 株洲 general-procedure penalty is blocked at the
decision naming the catalogue's rule, submitted from the case page, taken from the reviewer desk,
returned for supplement, supplemented by the handling unit from its workbench, reviewed on the
seven points and agreed, signed along 株洲's chain (承办机构负责人, 法制审核, 法制审核机构负责人) — and
then decided; a disagreement resolved by 集体讨论 (株洲), and by 协商 then 局领导研究决定 (乌鲁木齐人社)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
from cases_cast import reach, step  # noqa: E402
from flow_cast import make_flow_env  # noqa: E402

pytestmark = pytest.mark.browser
from journeys import fill, fill_and_submit, follow, log_in, move, submit  # noqa: E402

POINTS = ("subject", "procedure", "facts", "basis", "authority", "documents", "crime")


@pytest.fixture
def world(transactional_db, live_server):
    from django.core.cache import cache

    from sanxiang.workflow import get_table

    fe = make_flow_env("zhuzhou-amr")  # with its 政策法规科: the qualified reviewer and the office's head
    env = fe.env
    table = get_table("penalty_general")
    case, day = reach(env, table, "notified")
    step(env, table, case, "waive_rights", day)
    cache.clear()
    return fe, case



def round_state(page):
    return page.locator("#round-state").inner_text()


def sign(page, opinion):
    box = page.locator("#round-sign")
    fill(box, opinion=opinion)
    submit(page, box.locator("button[type=submit]"))


def test_a_penalty_blocked_reviewed_with_a_supplement_signed_and_decided(world, page, shoot):
    fe, case = world
    env = fe.env
    case_url = f"{page.base}/cases/{case.pk}/"

    log_in(page, env.head)
    page.goto(case_url)
    refused = page.locator("ul.refused").inner_text()
    assert "作出处罚决定" in refused and "一般程序行政处罚决定均须法制审核" in refused
    assert "须经法制审核后方可作出决定" in page.locator("#case-review").inner_text()

    log_in(page, env.officer)
    page.goto(case_url)
    materials = {f"material-{code}": ["provided"] for code in ("report", "draft", "evidence")}
    fill_and_submit(page, "#act-submit-review", **materials, **{"material-hearing": ["not_applicable"]},
                    note="当事人已放弃陈述申辩，请审核。")
    assert "第 1 轮：待确定审核人员" in page.locator("#case-review").inner_text()
    shoot(page, "review-submitted")

    log_in(page, env.head)  # 承办机构负责人意见, the chain's first step
    page.goto(case_url)
    follow(page, page.locator("#case-review").get_by_role("link", name="查看本轮"))
    assert "承办机构负责人意见" in page.locator("#round-sign summary").inner_text()
    sign(page, "拟处罚适当，同意送审。")

    log_in(page, env.reviewer)
    follow(page, "nav >> text=法制审核")
    follow(page, page.locator("#review-desk").get_by_role("link", name=case.title))
    page.locator("#round-assign select[name=reviewer]").select_option(label="钱审核")
    submit(page, "#round-assign button[type=submit]")
    assert round_state(page) == "审核中"
    fill_and_submit(page, "#round-request-supplement", items=["evidence"], supplement_by="2026-12-31", note="请补充进货单据。")
    assert round_state(page) == "退回补充材料"

    log_in(page, env.officer)
    panel = page.locator("#review-returned-panel")
    assert "退回补充材料" in panel.inner_text()
    follow(page, panel.get_by_role("link", name="补交材料"))
    page.locator("#round-supplement input[name='material-evidence']").check()
    submit(page, "#round-supplement button[type=submit]")
    assert round_state(page) == "审核中"

    log_in(page, env.reviewer)
    page.goto(page.base + "/review/")
    follow(page, page.locator("#review-desk").get_by_role("link", name=case.title))
    for code in POINTS:
        page.locator(f"#round-checklist select[name=finding-{code}]").select_option("lawful")
    submit(page, "#round-checklist button[type=submit]")
    page.locator("#round-opinion select[name=opinion_kind]").select_option(label="同意案件处理意见")
    page.locator("#round-opinion textarea[name=text]").fill("事实清楚，证据确凿，程序合法，处罚适当，同意。")
    submit(page, "#round-opinion button[type=submit]")
    assert round_state(page) == "同意"
    sign(page, "经审核，同意。")  # 法制审核意见
    shoot(page, "review-agreed")

    log_in(page, fe.legal_head)
    follow(page, "nav >> text=法制审核")
    follow(page, page.locator("#review-signing").get_by_role("link", name=case.title))
    sign(page, "同意法制审核意见。")  # 法制审核机构负责人意见
    assert page.locator("#round-flow-problem").count() == 0
    assert "法制审核机构负责人意见：同意" in page.locator("#round-chain").inner_text()

    log_in(page, env.head)
    page.goto(case_url)
    review = page.locator("#case-review").inner_text()
    assert "审核通过" in review and "同意案件处理意见" in review and "请补充进货单据" in review
    move(page, "decide")
    assert page.locator("#case-state").inner_text() == "已决定"


@pytest.fixture
def returned_world(transactional_db, live_server):
    """A 株洲 penalty submitted and assigned, its seven points recorded: the reviewer's opinion is next."""
    from django.core.cache import cache

    from sanxiang.review import procedure as P
    from sanxiang.review.tracks import CHECKLIST_POINTS
    from sanxiang.workflow import get_table

    fe = make_flow_env("zhuzhou-amr")
    env = fe.env
    table = get_table("penalty_general")
    case, day = reach(env, table, "notified")
    step(env, table, case, "waive_rights", day)
    rnd = P.do_submit_review(case, materials={"report": "provided", "draft": "provided", "evidence": "provided",
                                              "hearing": "not_applicable"}, actor=env.officer)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.leader)
    P.do_record_checklist(rnd, points={c: {"finding": "lawful", "note": ""} for c, _ in CHECKLIST_POINTS},
                          actor=env.reviewer)
    cache.clear()
    return fe, case, rnd


def test_a_disagreement_resolved_by_collective_discussion(returned_world, page, shoot):
    fe, case, rnd = returned_world
    env = fe.env
    round_url = f"{page.base}/review/rounds/{rnd.pk}/"

    log_in(page, env.reviewer)
    page.goto(round_url)
    page.locator("#round-opinion select[name=opinion_kind]").select_option(label="建议纠正")
    page.locator("#round-opinion textarea[name=text]").fill("罚款数额偏高，建议按裁量基准纠正。")
    submit(page, "#round-opinion button[type=submit]")
    assert round_state(page) == "退回承办机构"

    log_in(page, env.head)
    page.goto(f"{page.base}/cases/{case.pk}/")
    assert "作出处罚决定" in page.locator("ul.refused").inner_text()  # the review said no

    log_in(page, env.leader)
    page.goto(round_url)
    box = page.locator("#round-discuss")
    assert "存在重大分歧" in box.inner_text()
    for row in box.locator("tr.attendee").all():
        row.locator("input[name=attendees]").check()
        row.locator("select").select_option("agree")
    box.locator("select[name=outcome]").select_option("as_proposed")
    box.locator("textarea[name=minutes]").fill("局领导集体讨论认为，拟处罚在裁量基准幅度内，按承办机构拟作出的决定作出。")
    submit(page, box.locator("button[type=submit]"))
    assert "按承办机构拟作出的决定作出" in page.locator("#round-history").inner_text()
    shoot(page, "review-collective-discussion")

    log_in(page, env.head)
    page.goto(f"{page.base}/cases/{case.pk}/")
    move(page, "decide")
    assert page.locator("#case-state").inner_text() == "已决定"


@pytest.fixture
def hrss_world(transactional_db, live_server):
    """乌鲁木齐人社: a penalty (行政处罚法 第五十八条 (一): public interest) whose review was returned."""
    from django.core.cache import cache
    from flow_cast import opinion, submitted_round

    fe = make_flow_env("urumqi-gxq-hrss")
    rnd, day = submitted_round(fe, conclude={"penalties": ["warning", "fine"], "fine": "20000",
                                             "flags": ["public_interest"]})
    rnd = opinion(fe, rnd, agree=False, day=day)
    cache.clear()
    return fe, rnd


def test_hrss_negotiates_then_the_leaders_decide_and_the_case_is_decided(hrss_world, page, shoot):
    fe, rnd = hrss_world
    env, case = fe.env, rnd.review.case
    round_url = f"{page.base}/review/rounds/{rnd.pk}/"

    log_in(page, env.head)  # the handling unit disputes the opinion: 协商沟通
    page.goto(round_url)
    box = page.locator("#round-negotiate")
    box.locator("textarea[name=participants]").fill("赵科长")
    box.locator("input[name=agreed][value=no]").check()
    box.locator("textarea[name=text]").fill("承办机构认为事实清楚，法制审核机构认为证据不足，未能达成一致。")
    submit(page, box.locator("button[type=submit]"), refused=True)
    box = page.locator("#round-negotiate")
    assert "至少 2 人" in box.inner_text()  # refused beside the field, the words kept
    assert box.locator("textarea[name=text]").input_value().startswith("承办机构认为事实清楚")
    box.locator("textarea[name=participants]").fill("赵科长、钱审核")
    submit(page, box.locator("button[type=submit]"))
    assert "未达成一致" in page.locator("#round-history").inner_text()

    log_in(page, env.leader)  # both opinions to the leaders
    page.goto(round_url)
    box = page.locator("#round-leadership")
    assert "事实不清" in box.locator("textarea[name=review_opinion]").input_value()
    box.locator("textarea[name=handling_opinion]").fill("事实清楚，证据确凿，拟处罚适当。")
    for leader in fe.leaders[:2]:
        box.locator(f"input[name=deciders][value='{leader.pk}']").check()
        box.locator(f"select[name=decider-position-{leader.pk}]").select_option("agree")
    box.locator("select[name=outcome]").select_option("as_proposed")
    box.locator("textarea[name=text]").fill("经局领导研究，按承办机构拟作出的决定作出。")
    submit(page, box.locator("button[type=submit]"))
    history = page.locator("#round-history").inner_text()
    assert "局领导研究决定" in history and "事实清楚，证据确凿，拟处罚适当。" in history
    shoot(page, "review-leadership-decision")

    log_in(page, env.head)
    page.goto(f"{page.base}/cases/{case.pk}/")
    move(page, "decide")
    assert page.locator("#case-state").inner_text() == "已决定"
