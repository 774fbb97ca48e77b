"""Login throttling in the database: per account (5) and per address (50), counted by every worker alike."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from sanxiang.accounts import throttle
from sanxiang.accounts.models import LoginThrottle, SecurityEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # as in conftest.py
OFFICE = "10.1.1.1"  # the NAT address a whole office shares


def _login(username, password, address=OFFICE):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_limits_are_per_account_and_per_address_and_configurable():
    assert settings.LOGIN_THROTTLE_ACCOUNT_LIMIT == 5
    assert settings.LOGIN_THROTTLE_ADDRESS_LIMIT == 50
    assert settings.LOGIN_THROTTLE_WINDOW == 900


def test_many_wrong_names_from_one_address_do_not_lock_out_a_colleague(office, settings):
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 12  # 50 by default; fewer attempts keep the test quick
    for n in range(11):
        assert _login(f"typo-{n}", "whatever-password").status_code == 401
    assert _login("acct-officer", PASSWORD).status_code == 302
    # Her success gave her place back; the address reaches its own limit only with the 12th failure.
    assert _login("typo-11", "whatever-password").status_code == 401
    refused = _login("acct-officer", PASSWORD)
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    assert _login("acct-officer", PASSWORD, address="10.2.2.2").status_code == 302


def test_one_mistyped_name_does_not_lock_the_office(office):
    for _ in range(8):
        _login("acct-officr", "typo-of-a-name")
    assert _login("acct-officer", PASSWORD).status_code == 302


def test_an_account_locks_after_five_failures_from_any_address(office):
    for n in range(5):
        response = _login("acct-officer", "wrong-password", address=f"10.9.9.{n}")
        assert response.status_code == 401 and "用户名或密码错误" in response.content.decode()
    for address in (OFFICE, "10.3.3.3"):
        assert _login("acct-officer", PASSWORD, address=address).status_code == 429
    assert _login("ACCT-Officer", PASSWORD).status_code == 429  # the name is counted case-insensitively
    throttled = SecurityEvent.objects.get(kind="login_throttled", subject="account", key="acct-officer")
    assert throttled.count == 3
    # Colleagues on the same addresses are not affected.
    assert _login("acct-admin-less", "x" * 12).status_code == 401


def test_the_lock_is_in_the_database_not_in_a_cache(office):
    for _ in range(5):
        _login("acct-officer", "wrong-password")
    cache.clear()
    assert _login("acct-officer", PASSWORD).status_code == 429
    assert throttle.failures("account", "acct-officer") == 5


def test_the_lock_ends_with_its_window(office):
    for _ in range(5):
        _login("acct-officer", "wrong-password")
    past = LoginThrottle.objects.get(kind="account", key="acct-officer").window_started - dt.timedelta(
        seconds=settings.LOGIN_THROTTLE_WINDOW + 1)
    LoginThrottle.objects.update(window_started=past)
    assert _login("acct-officer", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(kind="account", key="acct-officer").exists()


def test_success_clears_the_accounts_failures(office):
    for _ in range(4):
        _login("acct-officer", "wrong-password")
    assert _login("acct-officer", PASSWORD).status_code == 302
    for _ in range(4):
        assert _login("acct-officer", "wrong-password").status_code == 401
    assert _login("acct-officer", PASSWORD).status_code == 302


def test_limits_follow_the_settings(office, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_LIMIT = 2
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 3
    _login("acct-officer", "wrong-password")
    _login("acct-officer", "wrong-password")
    assert _login("acct-officer", PASSWORD, address="10.4.4.4").status_code == 429
    _login("someone-else", "wrong-password")
    assert _login("third", "wrong-password").status_code == 429
