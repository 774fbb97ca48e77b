"""修改拟处罚内容 on the case page (issue 9 leftovers, decision 0079): the act the API had
(`POST /api/v1/cases/{id}/proposal`, `do_revise_case_proposal`) as a form of the handling unit's case page —
Chinese labels, the case's proposal filled in, refusals on the form with nothing written, not offered to
those the action refuses, and while a round of the review is open the reason instead of the form."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from cases_cast import make_env, reach
from django.db import transaction

from sanxiang.cases.models import CaseStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.testing import submit_and_assign
from sanxiang.workflow import get_table

GENERAL = get_table("penalty_general")


@pytest.fixture(scope="module")
def world_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


@pytest.fixture
def env(world_module, db):
    return world_module


def concluded(env):
    case, day = reach(env, GENERAL, "concluded")
    assert case.status == CaseStatus.CONCLUDED and case.proposed_fine == Decimal("20000")
    return case, day


def html_of(client, user, case):
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def post(client, user, case, **data):
    client.force_login(user)
    form = {"state": case.status, "version": case.version, **data}
    return client.post(f"/cases/{case.pk}/proposal/", form)


def revisions(case):
    return LedgerEntry.objects.filter(action="revise_case_proposal", object_id=str(case.pk)).count()


def test_the_handler_revises_the_proposal_on_the_case_page(client, env):
    case, _ = concluded(env)
    html = html_of(client, env.officer, case)
    assert "修改拟处罚内容" in html and 'action="/cases/%d/proposal/"' % case.pk in html
    # Chinese labels and names, never codes; the case's own proposal filled in
    assert "罚款数额（元）" in html and "法制审核情形" in html and "拟不予行政处罚的情形" in html
    assert 'value="20000.00"' in html or 'value="20000"' in html
    for code in ('>warning<', '>fine<', '>public_interest<'):
        assert code not in html
    response = post(client, env.officer, case, penalties=["warning", "fine"], fine="15000")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.proposed_fine == Decimal("15000") and case.proposed_penalties == ["warning", "fine"]
    assert revisions(case) == 1
    entry = LedgerEntry.objects.get(action="revise_case_proposal", object_id=str(case.pk))
    payload = json.loads(entry.entry)["payload"]
    assert Decimal(payload["before"]["fine"]) == 20000 and Decimal(payload["after"]["fine"]) == 15000
    html = html_of(client, env.officer, case)
    assert "已修改拟处罚内容" in html


def test_a_refused_revision_is_shown_on_the_form_and_writes_nothing(client, env):
    case, _ = concluded(env)
    before, version = LedgerEntry.objects.count(), case.version
    response = post(client, env.officer, case, penalties=["warning", "fine"], fine="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "处罚种类含罚款的，须写明罚款数额。" in html and 'id="act-proposal" open' in html
    # 拟不予行政处罚 with a penalty at once
    response = post(client, env.officer, case, penalties=["warning"], no_penalty_ground="minor")
    assert response.status_code == 400
    assert "拟不予行政处罚的，不应同时拟定处罚种类、罚款或没收金额。" in response.content.decode()
    case.refresh_from_db()
    assert (LedgerEntry.objects.count(), case.version, case.proposed_fine) == (before, version, Decimal("20000"))


def test_a_stale_tab_is_refused_with_the_conflict(client, env):
    case, _ = concluded(env)
    stale = case.version
    assert post(client, env.officer, case, penalties=["warning", "fine"], fine="18000").status_code == 302
    case.refresh_from_db()
    response = client.post(f"/cases/{case.pk}/proposal/", {"state": case.status, "version": stale,
                                                            "penalties": ["warning", "fine"], "fine": "12000"})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    case.refresh_from_db()
    assert case.proposed_fine == Decimal("18000")


def test_no_penalty_proposed_on_the_page_opens_the_no_penalty_decision(client, env):
    case, _ = concluded(env)
    response = post(client, env.officer, case, no_penalty_ground="minor")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.no_penalty_ground == "minor" and case.proposed_penalties == [] and case.proposed_fine is None
    html = html_of(client, env.officer, case)
    assert "不予行政处罚：违法行为轻微并及时改正" in html


def test_not_offered_to_those_the_action_refuses(client, env):
    case, _ = concluded(env)
    # the unit head reads the case but does not handle it: no form, and a forged post is refused
    assert 'id="act-proposal"' not in html_of(client, env.head, case)
    before = LedgerEntry.objects.count()
    response = post(client, env.head, case, penalties=["warning", "fine"], fine="1000")
    assert response.status_code == 403 and "只有本案的承办人可以办理此事项" in response.content.decode()
    assert LedgerEntry.objects.count() == before
    # another agency's officer does not even see the case
    assert post(client, env.outsider, case, penalties=["warning"]).status_code == 404
    # before 调查终结 there is no proposal to revise
    filed, _ = reach(env, GENERAL, "investigating")
    assert 'id="act-proposal"' not in html_of(client, env.officer, filed)


def test_while_the_review_round_is_open_the_page_says_why_instead_of_the_form(client, env):
    case, day = concluded(env)
    submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day + dt.timedelta(days=1))
    case.refresh_from_db()
    html = html_of(client, env.officer, case)
    assert "暂不能修改：拟作出的决定正在法制审核中（第1轮，审核中）" in html
    assert 'action="/cases/%d/proposal/"' % case.pk not in html
    response = post(client, env.officer, case, penalties=["warning", "fine"], fine="1000")
    assert response.status_code == 400 and "正在法制审核中" in response.content.decode()
