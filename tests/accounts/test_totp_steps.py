"""One-use TOTP codes: the last accepted time step is kept in the database, per device."""

import datetime as dt
import threading

import pyotp
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs.models import TotpDevice
from sanxiang.orgs.security import totp_valid


def _in_another_connection(fn):
    """Run `fn` in a thread, which Django gives its own database connection."""
    result = {}

    def run():
        try:
            result["value"] = fn()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


@pytest.mark.django_db(transaction=True)
def test_a_code_accepted_by_one_connection_is_refused_by_another_even_after_clearing_the_cache():
    user, secret = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    code = pyotp.TOTP(secret).now()
    assert totp_valid(user, code)
    cache.clear()
    assert _in_another_connection(lambda: totp_valid(user, code)) is False
    assert TotpDevice.objects.get(user=user).last_t == pyotp.TOTP(secret).timecode(dt.datetime.now(dt.timezone.utc))


@pytest.mark.django_db(transaction=True)
def test_a_code_is_spent_across_two_login_requests_after_clearing_the_cache():
    user, secret = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    code = pyotp.TOTP(secret).now()
    data = {"username": "root", "password": "a-long-admin-password", "totp": code}
    assert Client().post("/login/", data).status_code == 302
    cache.clear()
    replay = _in_another_connection(lambda: Client().post("/login/", data))
    assert replay.status_code == 401 and "已使用过" in replay.content.decode()


@pytest.mark.django_db
def test_a_code_of_an_earlier_step_than_the_last_accepted_is_refused():
    user, secret = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    totp = pyotp.TOTP(secret)
    now = dt.datetime.now(dt.timezone.utc)
    previous = totp.at(now - dt.timedelta(seconds=30))
    current = totp.now()
    if previous == current:  # one chance in a million
        pytest.skip("two steps happen to share a code")
    assert totp_valid(user, current)
    assert not totp_valid(user, previous)  # within the drift window, but older than the accepted step


@pytest.mark.django_db
def test_the_last_step_is_not_part_of_the_ledgered_state():
    from sanxiang.ledger.verify import run

    user, secret = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    assert totp_valid(user, pyotp.TOTP(secret).now())
    report = run()
    assert report.ok, report.findings


@pytest.mark.django_db
def test_codes_must_be_six_digits():
    user, _ = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    for code in ("", "12345", "1234567", "abcdef", None):
        assert not totp_valid(user, code)
