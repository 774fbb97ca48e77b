"""The case pages with Django's test client: who sees what, the forms, refusals shown in Chinese
with nothing written, stale tabs, the workbench panels, the dossier section and query counts."""

import datetime as dt

import pytest
from cases_cast import make_env, new_case, person_with_cert
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sanxiang.cases import actions as C
from sanxiang.cases.models import Case, CaseStatus
from sanxiang.cases.pages import reviewers_of
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.testing import submit_and_assign


@pytest.fixture(scope="module")
def world_module(django_db_setup, django_db_blocker):
    """One agency with its people and two parties, built once; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)


@pytest.fixture
def env(world_module, db):
    return world_module


def page(client, user, url, status=200, **post):
    client.force_login(user)
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content.decode()[:2000])
    return response.content.decode()


def entries():
    return LedgerEntry.objects.count()


def test_the_list_shows_a_units_cases_to_its_staff_and_nothing_to_another_agency(client, env):
    case = new_case(env)
    html = page(client, env.officer, "/cases/")
    assert "销售超过保质期的食品" in html and "张三" in html and "王执法" in html
    assert "开始核查" in html  # the officer's next step
    assert "新建线索" in html
    assert "销售超过保质期的食品" not in page(client, env.outsider, "/cases/")
    page(client, env.outsider, f"/cases/{case.pk}/", status=404)
    # filters
    assert "销售超过保质期的食品" not in page(client, env.officer, "/cases/?state=closed")
    assert "销售超过保质期的食品" in page(client, env.officer, "/cases/?state=clue&procedure=general")
    # found 2026-09-01 and never checked: its 15 working days from discovery ran out on 09-21 (程序规定第十八条)
    assert "销售超过保质期的食品" in page(client, env.officer, "/cases/?overdue=1")
    assert "销售超过保质期的食品" in page(client, env.officer, "/cases/?mine=1")
    assert "销售超过保质期的食品" not in page(client, env.head, "/cases/?mine=1")  # the head reads, not handles


def test_the_case_page_names_people_never_ids(client, env):
    case = new_case(env)
    html = page(client, env.officer, f"/cases/{case.pk}/")
    for text in ("线索", "张三", "王执法", "李执法", "登记案件线索", "指定承办人", "执法证号", "开始核查"):
        assert text in html, text
    cert = env.p1.certificates.get().number
    assert cert in html
    assert env.officer.username not in html  # people are named, not their account keys
    # the head sees the officer's move as someone else's, and may assign handlers
    html = page(client, env.head, f"/cases/{case.pk}/")
    assert "由他人办理：开始核查" in html and "指定承办人</summary>" in html


def test_registering_a_clue_and_its_refusals(client, env):
    before = Case.objects.count()
    html = page(client, env.officer, "/cases/new/", status=400, unit=str(env.unit.pk), source="report", cause=" ",
                category="行政处罚")
    assert "这个字段是必填项" in html
    html = page(client, env.officer, "/cases/new/", status=400, unit=str(env.unit.pk), source="report",
                cause="无照经营", category="行政处罚", clue_on="2099-01-01")
    assert "晚于今天" in html and "无照经营" in html  # refused in Chinese, what was typed kept
    assert Case.objects.count() == before
    client.force_login(env.officer)
    response = client.post("/cases/new/", {"unit": str(env.unit.pk), "source": "report", "cause": "无照经营",
                                           "category": "行政处罚", "clue_on": "2026-09-01"})
    assert response.status_code == 302
    case = Case.objects.get(cause="无照经营")
    assert case.status == CaseStatus.CLUE and response["Location"] == f"/cases/{case.pk}/"
    page(client, env.reviewer, "/cases/new/", status=403)


def test_a_refused_move_is_shown_in_chinese_and_writes_nothing(client, env):
    case = new_case(env, handlers=False)
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 2))
    n = entries()
    # 立案 without two qualified handlers: the guard's reason on the form
    version = str(case.version)  # after 开始核查
    html = page(client, env.head, f"/cases/{case.pk}/act/file/", status=400, state="verifying", version=version,
                on="2026-09-03")
    assert "执法人员不得少于两人" in html
    # the officer may not file: refused as not permitted
    html = page(client, env.officer, f"/cases/{case.pk}/act/file/", status=403, state="verifying", version=version)
    assert "科室负责人" in html
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFYING and case.number == "" and entries() == n


def test_a_stale_tab_gets_the_conflict_and_keeps_what_was_typed(client, env):
    case = new_case(env)
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 2))
    n = entries()
    # the second tab still shows the clue
    html = page(client, env.head, f"/cases/{case.pk}/act/not_file/", status=409, state="clue", version="1",
                reason="证据不足以立案")
    assert "已被他人改为" in html and "证据不足以立案" in html
    seen = case.version
    C.do_update_case(case, version=seen, cause="销售过期食品", actor=env.officer)
    html = page(client, env.officer, f"/cases/{case.pk}/edit/", status=409, state="verifying", version=str(seen),
                cause="另一个案由")
    assert "已被他人修改" in html and "另一个案由" in html
    assert entries() == n + 1


def test_two_tabs_cannot_register_the_same_payment(client, env):
    from cases_cast import reach

    from sanxiang.workflow import get_table

    case, day = reach(env, get_table("penalty_general"), "served")  # fine ¥20,000
    C.do_record_case_payment(case, amount="50", actor=env.officer, on=day)  # 执行中: paying keeps the state
    # two tabs opened on the same page: same state, same version
    form = {"state": "executing", "version": str(case.version), "amount": "100", "receipt": "R9",
            "on": day.isoformat()}
    client.force_login(env.officer)
    assert client.post(f"/cases/{case.pk}/act/record_payment/", form).status_code == 302
    html = page(client, env.officer, f"/cases/{case.pk}/act/record_payment/", status=409, **form)
    assert "已被他人修改" in html
    case.refresh_from_db()
    assert case.payments.count() == 2 and str(case.paid_total) == "150.00"


def test_a_general_penalty_through_the_pages(client, env):
    case = new_case(env)
    url = f"/cases/{case.pk}"

    def move(user, action, **inputs):
        case.refresh_from_db()
        client.force_login(user)
        data = {"state": case.status, "version": case.version, **inputs}
        response = client.post(f"{url}/act/{action}/", data)
        assert response.status_code == 302, response.content.decode()[:3000]

    move(env.officer, "verify", on="2026-09-21")
    move(env.head, "file", on="2026-09-25")
    move(env.officer, "investigate", on="2026-09-28")
    html = page(client, env.officer, f"{url}/")
    assert "调查终结" in html and 'name="penalties"' in html and "警告" in html
    move(env.officer, "conclude", on="2026-09-29", penalties=["warning", "fine"], fine="5000",
         facts="经查，当事人销售过期食品。")
    move(env.officer, "notify", on="2026-09-30")
    html = page(client, env.officer, f"{url}/")
    assert "陈述申辩期" in html and "到期日如何计算" in html and "调休上班日" in html
    move(env.officer, "record_statement", on="2026-10-09", statement="初次违法，请求从轻")
    html = page(client, env.head, f"{url}/")
    assert "作出处罚决定" in html
    move(env.head, "decide", on="2026-10-15")
    move(env.officer, "serve", on="2026-10-16", method="direct", proof="当事人签收")
    move(env.officer, "record_payment", on="2026-10-30", amount="5000", receipt="NO.1")
    move(env.head, "close", on="2026-11-02")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    html = page(client, env.officer, f"{url}/")
    for text in ("已结案", "警告、罚款 5,000.00 元", "直接送达", "作出处罚决定", "结案", "留痕序号",
                 "开始计时（办案期限）", "<td class=\"name\">2026-10-15</td>"):
        assert text in html, text


def test_the_workbench_panels(client, env):
    case = new_case(env)
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 2))  # 核查期限 overdue by now
    html = page(client, env.officer, "/")
    assert 'id="my-cases"' in html and "销售超过保质期的食品" in html and "已逾期" in html
    html = page(client, env.head, "/")
    assert 'id="case-approvals"' in html and "立案" in html
    html = page(client, env.leader, "/")
    assert 'id="case-escalations"' in html and "案源核查期限" in html
    assert 'id="my-cases"' not in page(client, env.reviewer, "/")
    # a review submitted to the reviewer waits on their workbench
    C.do_investigate_case(C.do_file_case(case, actor=env.head, on=dt.date(2026, 9, 3)), actor=env.officer,
                          on=dt.date(2026, 9, 4))
    C.do_conclude_case(case, penalties=["warning"], flags=["complex"], actor=env.officer, on=dt.date(2026, 9, 5))
    submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=dt.date(2026, 9, 5))
    html = page(client, env.reviewer, "/")
    assert 'id="case-approvals"' in html and "法制审核" in html
    # the opinion is given on the round's page, reached from the case page's 法制审核 section (one way)
    from sanxiang.review.models import ReviewRound

    rnd = ReviewRound.objects.get(review__case=case)
    html = page(client, env.reviewer, f"/cases/{case.pk}/")
    assert 'id="act-opinion"' not in html and f"/review/rounds/{rnd.pk}/" in html
    assert "提出审核意见" in page(client, env.reviewer, f"/review/rounds/{rnd.pk}/")


def test_the_party_dossier_lists_its_cases(client, env):
    case = new_case(env)
    html = page(client, env.officer, f"/parties/{env.person_party.pk}/")
    assert "案件" in html and f"/cases/{case.pk}/" in html
    assert f"/cases/{case.pk}/" not in page(client, env.officer, f"/parties/{env.org_party.pk}/")


def _count(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_workbench_and_case_page_take_a_constant_number_of_queries(client, env):
    first = new_case(env)
    C.do_verify_case(first, actor=env.officer, on=dt.date(2026, 9, 2))
    new_case(env)
    few = {url: _count(client, env.officer, url) for url in ("/cases/", "/", f"/cases/{first.pk}/")}
    head_few = _count(client, env.head, "/")
    for _ in range(18):
        C.do_verify_case(new_case(env), actor=env.officer, on=dt.date(2026, 9, 2))
    many = {url: _count(client, env.officer, url) for url in few}
    assert many == few, (few, many)
    assert page(client, env.officer, "/").count('class="case-row"') == 20  # the panel lists them all
    assert Case.objects.count() >= 20
    # cases under investigation wait for nobody's approval: the head's workbench does not grow with them
    # (each case waiting for an approval is asked its guards: bounded by the panel's length)
    for case in Case.objects.filter(status="verifying"):
        C.do_investigate_case(C.do_file_case(case, actor=env.head, on=dt.date(2026, 9, 3)), actor=env.officer,
                              on=dt.date(2026, 9, 4))
    head_investigating = _count(client, env.head, "/")
    for _ in range(5):
        case = new_case(env)
        C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 2))
        C.do_investigate_case(C.do_file_case(case, actor=env.head, on=dt.date(2026, 9, 3)), actor=env.officer,
                              on=dt.date(2026, 9, 4))
    assert _count(client, env.head, "/") == head_investigating
    assert head_investigating <= head_few


def test_waiting_for_approval_lists_approval_moves_not_every_move_of_a_head(client, env):
    waiting, investigating = new_case(env), new_case(env)
    C.do_verify_case(waiting, actor=env.officer, on=dt.date(2026, 9, 2))
    C.do_verify_case(investigating, actor=env.officer, on=dt.date(2026, 9, 2))
    C.do_investigate_case(C.do_file_case(investigating, actor=env.head, on=dt.date(2026, 9, 3)),
                          actor=env.officer, on=dt.date(2026, 9, 4))
    html = page(client, env.head, "/")
    start = html.index('id="case-approvals"')
    end = html.find('<div class="card"', start)
    panel = html[start:end if end > 0 else None]  # the panel only: deadline rows below now link their cases
    assert f"/cases/{waiting.pk}/" in panel and "立案" in panel
    assert f"/cases/{investigating.pk}/" not in panel  # 中止/终止 are the head's to take, but nothing waits on them
    assert "中止调查" not in panel


def test_a_recusal_is_requested_and_decided_by_the_head_not_a_handler(client, env):
    case = new_case(env)
    handler = case.handlers.get(person=env.p2)
    page(client, env.officer, f"/cases/{case.pk}/recusals/", status=302, state="clue", version="1",
         handler=str(handler.pk), requested_by="张三", reason="与当事人有利害关系")
    assert "作出回避决定" not in page(client, env.officer, f"/cases/{case.pk}/")  # a handler never decides
    html = page(client, env.head, f"/cases/{case.pk}/recusals/decision/", status=400, state="clue", version="1",
                granted="no")
    assert "决定理由不能为空" in html  # 不予回避 needs a reason: refused, nothing decided
    assert case.recusals.get().decision == "pending"
    page(client, env.head, f"/cases/{case.pk}/recusals/decision/", status=302, state="clue", version="1",
         granted="yes")
    handler.refresh_from_db()
    assert handler.until is not None
    html = page(client, env.head, f"/cases/{case.pk}/")
    assert "决定回避" in html


def test_lists_never_name_a_step_the_service_refuses(client, env):
    """Defect 10: 下一步 asks the guards of who acts — after a handler's certificate is suspended the
    officer's list no longer offers 调查终结, which the service would refuse (不得少于两人)."""
    from sanxiang.access.actors import OPERATOR
    from sanxiang.orgs.actions import do_suspend_certificate

    case = new_case(env)
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 2))
    C.do_investigate_case(C.do_file_case(case, actor=env.head, on=dt.date(2026, 9, 3)), actor=env.officer,
                          on=dt.date(2026, 9, 4))

    def steps(url):
        html = page(client, env.officer, url)
        row = html.split(f'href="/cases/{case.pk}/"', 1)[1].split("</tr>", 1)[0]
        return row.rsplit("<td>", 1)[1]

    assert "调查终结" in steps("/cases/?state=investigating")
    do_suspend_certificate(env.p2.certificates.get(), reason="涉嫌违规执法", actor=OPERATOR)
    assert "调查终结" not in steps("/cases/?state=investigating")
    assert "调查终结" not in steps("/")


def test_handlers_offered_are_people_who_may_enforce(client, env):
    """Defect 10: the 当场处罚 and 指定承办人 forms offer neither 辅助人员 nor people without a
    行政执法证 in force (the service refuses them)."""
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import PersonKind

    helper = T.person(env.agency, kind=PersonKind.AUXILIARY, unit=env.unit, name="周辅助")
    T.certificate(helper, kind="work")
    T.person(env.agency, unit=env.unit, name="吴无证")
    for url in ("/cases/on-site/", f"/cases/{new_case(env, handlers=False).pk}/"):
        html = page(client, env.head, url)
        assert "王执法" in html, url
        assert "周辅助" not in html and "吴无证" not in html, url


def test_the_reviewer_is_offered_when_a_handler_has_no_login_account(client, env):
    """A handler without an account (person.user empty) once emptied the list: NOT IN (…, NULL)."""
    no_account = person_with_cert(env.agency, env.unit, name="孙伟")
    case = new_case(env, handlers=False)
    C.do_assign_case_handler(case, env.p1, actor=env.head, on=case.clue_on, lead=True)
    C.do_assign_case_handler(case, no_account, actor=env.head, on=case.clue_on)
    assert list(reviewers_of(case)) == [env.reviewer]
    C.do_assign_case_handler(case, env.p2, actor=env.head, on=case.clue_on)
    assert list(reviewers_of(case)) == [env.reviewer]
