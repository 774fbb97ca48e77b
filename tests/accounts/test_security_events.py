"""安全事件: what anonymous visitors cause is counted outside the ledger, bounded, and shown to administrators."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.access.actors import OPERATOR, VISITOR
from sanxiang.accounts import security_events
from sanxiang.accounts.actions import do_create_api_token, do_disable_account, do_revoke_api_token
from sanxiang.accounts.models import SecurityEvent
from sanxiang.accounts.tasks import prune_security_events
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs.errors import OrgsPermissionDenied
from sanxiang.orgs.models import AccountEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # as in conftest.py
VISITOR_ADDRESS = "203.0.113.7"


def _post(username, password, address=VISITOR_ADDRESS, **extra):
    return Client().post("/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def test_a_hundred_failed_logins_add_no_ledger_entry_and_a_bounded_number_of_rows(office):
    entries = LedgerEntry.objects.count()
    statuses = set()
    for n in range(100):
        # Each post a new, long name of the visitor's choosing; past the address limit they are throttled.
        statuses.add(_post(f"{n}-" + "名" * 500, "wrong-password").status_code)
    assert statuses == {401, 429}
    assert LedgerEntry.objects.count() == entries
    rows = list(SecurityEvent.objects.all())
    assert {(r.kind, r.subject, r.key) for r in rows} == {("login_failed", "address", VISITOR_ADDRESS),
                                                          ("login_throttled", "address", VISITOR_ADDRESS)}
    assert sum(r.count for r in rows) == 100
    for row in rows:
        assert len(row.samples) <= security_events.SAMPLE_LIMIT
        assert all(len(s) <= security_events.SAMPLE_LENGTH for s in row.samples)


def test_failures_on_a_real_account_count_for_it_and_its_address(office):
    entries = LedgerEntry.objects.count()
    for n in range(100):
        _post("acct-officer", "wrong-password", address=f"10.9.{n // 50}.{n % 50}")
    assert LedgerEntry.objects.count() == entries
    account = {r.kind: r for r in SecurityEvent.objects.filter(subject="account")}
    assert set(account) == {"login_failed", "login_throttled"}
    assert (account["login_failed"].count, account["login_throttled"].count) == (5, 95)
    assert account["login_failed"].agency == office["agency"].code
    assert account["login_throttled"].samples == [f"10.9.0.{n}" for n in range(5, 10)]  # the first five seen
    assert SecurityEvent.objects.filter(subject="address").count() == 100  # one per address: 100 addresses
    assert not AccountEvent.objects.exists()


def test_each_hour_is_a_row_and_the_job_forgets_them_after_the_retention(settings):
    start = timezone.now().replace(minute=5, second=0, microsecond=0) - dt.timedelta(days=400)
    for hours in (0, 0, 1, 24 * 400):
        security_events.record("login_failed", username="nobody", address="198.51.100.1",
                               now=start + dt.timedelta(hours=hours))
    assert [r.count for r in SecurityEvent.objects.order_by("hour")] == [2, 1, 1]
    settings.SECURITY_EVENT_DAYS = 365
    result = prune_security_events.call()
    assert result["done"] == 2 and "清理了 2 条" in result["summary"]
    assert SecurityEvent.objects.count() == 1
    assert security_events.prune(days=0, now=timezone.now() + dt.timedelta(hours=2)) == 1


def test_wrong_codes_disabled_accounts_and_dead_tokens_are_counted_not_ledgered(office, client):
    A.do_create_administrator("sec-root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    officer = office["officer_user"]
    token, presented = do_create_api_token(officer, label="测试", actor=OPERATOR)
    do_revoke_api_token(token, reason="测试", actor=OPERATOR)
    other = A.do_create_user("sec-leaver", name="王离", password=PASSWORD, actor=OPERATOR)
    do_disable_account(other, reason="离职", actor=OPERATOR)
    entries = LedgerEntry.objects.count()

    assert _post("sec-root", "a-long-admin-password", totp="000000").status_code == 401
    assert _post("sec-leaver", PASSWORD).status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sx_" + "x" * 43,
                      REMOTE_ADDR=VISITOR_ADDRESS).status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {presented}",
                      REMOTE_ADDR=VISITOR_ADDRESS).status_code == 401
    assert LedgerEntry.objects.count() == entries
    account = set(SecurityEvent.objects.filter(subject="account").values_list("kind", "key", "count"))
    assert account == {("login_failed_totp", "sec-root", 1), ("login_disabled", "sec-leaver", 1),
                       ("token_invalid", "acct-officer", 1)}
    dead = SecurityEvent.objects.get(kind="token_invalid", subject="address")
    assert dead.count == 2 and dead.samples == ["acct-officer"]  # never the presented token itself
    assert not SecurityEvent.objects.filter(samples__icontains="sx_").exists()


def test_a_successful_login_stays_in_the_ledger_and_a_visitor_cannot_append(office):
    assert _post("acct-officer", PASSWORD).status_code == 302
    entry = LedgerEntry.objects.filter(action="account_event").latest("index")
    assert entry.actor == "acct-officer" and '"event":"login"' in entry.entry
    with pytest.raises(OrgsPermissionDenied):
        A.do_record_account_event("anyone", "login_failed", VISITOR_ADDRESS, actor=VISITOR)


def _page(user, query=""):
    client = Client()
    client.force_login(user)
    return client.get("/account/security-events/" + query)


def test_administrators_see_their_agencys_accounts_the_system_administrator_everything(office):
    _post("acct-officer", "wrong-password")
    _post("<script>alert('x')</script>\x00\u202e", "wrong-password")
    root, _ = A.do_create_administrator("sec-root", "a-long-admin-password", "系统管理员", actor=OPERATOR)

    own = _page(office["admin"])
    assert own.status_code == 200
    html = own.content.decode()
    assert "登录失败（用户名或密码错误）" in html and "账号：acct-officer" in html and VISITOR_ADDRESS in html
    assert f"地址：{VISITOR_ADDRESS}" not in html and "alert" not in html

    foreign = _page(office["foreign_admin"]).content.decode()
    assert "acct-officer" not in foreign and "暂无安全事件" in foreign

    everything = _page(root).content.decode()
    assert f"地址：{VISITOR_ADDRESS}" in everything and "账号：acct-officer" in everything
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in everything
    assert "<script>alert" not in everything and "\u202e" not in everything and "\x00" not in everything
    only_addresses = _page(root, "?subject=address").content.decode()
    assert "账号：acct-officer" not in only_addresses and f"地址：{VISITOR_ADDRESS}" in only_addresses

    refused = _page(office["officer_user"])
    assert refused.status_code == 403 and "只有系统管理员和本单位管理员" in refused.content.decode()
    assert Client().get("/account/security-events/").status_code == 302


def test_the_menu_offers_the_page_to_administrators_only(office):
    client = Client()
    client.force_login(office["admin"])
    assert "安全事件" in client.get("/").content.decode()
    client.force_login(office["officer_user"])
    assert "安全事件" not in client.get("/").content.decode()


def test_a_name_with_control_characters_is_an_ordinary_failure(office):
    # PostgreSQL refuses NUL in text: the name is cleaned before it is counted or looked up.
    response = _post("acct-\x00officer\u202e", "wrong-password")
    assert response.status_code == 401 and "用户名或密码错误" in response.content.decode()
    assert SecurityEvent.objects.get(subject="account", kind="login_failed").key == "acct-officer"
