"""Accounts: Argon2, login throttling, session expiry, TOTP for administrators, ledgered events."""

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from sanxiang.access.actors import OPERATOR
from sanxiang.accounts.models import SecurityEvent
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.errors import OrgsError, OrgsPermissionDenied
from sanxiang.orgs.models import AccountEvent, Role, TotpDevice
from sanxiang.orgs.security import totp_required, totp_valid

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer():
    agency = T.agency("acc-amr")
    user = A.do_create_user("acc-officer", name="张三", password=PASSWORD, actor=OPERATOR)
    A.do_assign_role(user, agency, Role.OFFICER, valid_from="2020-01-01", actor=OPERATOR)
    return user


def _login(client, username, password, totp=None):
    data = {"username": username, "password": password}
    if totp is not None:
        data["totp"] = totp
    return client.post("/login/", data)


def test_passwords_are_hashed_with_argon2(production_password_hashing, officer):
    assert officer.password.startswith("argon2")


def test_login_works_and_is_ledgered_without_password(client, officer):
    response = _login(client, "acc-officer", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    event = AccountEvent.objects.get(event="login")
    assert event.username == "acc-officer"
    assert not LedgerEntry.objects.filter(entry__contains=PASSWORD).exists()


def test_sixth_attempt_is_throttled_even_with_right_password(client, officer):
    assert settings.LOGIN_THROTTLE_ACCOUNT_LIMIT == 5
    for _ in range(5):
        response = _login(client, "acc-officer", "wrong-password")
        assert response.status_code == 401
        assert "用户名或密码错误" in response.content.decode()
    response = _login(client, "acc-officer", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Counted as security events of the account, not ledgered (a visitor cannot grow the ledger).
    counted = dict(SecurityEvent.objects.filter(subject="account", key="acc-officer").values_list("kind", "count"))
    assert counted == {"login_failed": 5, "login_throttled": 1}
    assert not AccountEvent.objects.exists()
    assert not LedgerEntry.objects.filter(entry__contains="wrong-password").exists()


def test_session_expires_after_configured_age(client, officer):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    _login(client, "acc-officer", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_expired_session_is_logged_out(client, officer, settings):
    _login(client, "acc-officer", PASSWORD)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/agencies/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_system_administrator_needs_totp(client):
    user, secret = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    assert user.is_superuser and totp_required(user)
    response = _login(client, "root", "a-long-admin-password")
    assert response.status_code == 401 and "动态口令" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = _login(client, "root", "a-long-admin-password", totp="000000")
    assert response.status_code == 401 and "动态口令错误" in response.content.decode()
    response = _login(client, "root", "a-long-admin-password", totp=pyotp.TOTP(secret).now())
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not LedgerEntry.objects.filter(entry__contains=secret).exists()


def test_agency_administrator_needs_totp_others_do_not(officer):
    agency = T.agency("tot-amr")
    admin = T.member(agency, Role.ADMINISTRATOR)
    assert totp_required(admin) and not totp_required(officer)
    assert not totp_valid(admin, "123456")  # no device yet
    secret = A.do_enrol_totp(admin, actor=admin)
    assert totp_valid(admin, pyotp.TOTP(secret).now())
    assert not totp_valid(admin, "abc")
    assert TotpDevice.objects.get(user=admin).secret == secret


def test_password_change_is_validated_and_ledgered(officer):
    with pytest.raises(OrgsError, match="密码不符合要求"):
        A.do_change_password(officer, "short", actor=officer)
    other = T.user()
    with pytest.raises(OrgsPermissionDenied):
        A.do_change_password(officer, "another-long-password", actor=other)
    A.do_change_password(officer, "another-long-password", actor=officer)
    officer.refresh_from_db()
    assert officer.check_password("another-long-password")
    assert AccountEvent.objects.filter(event="password_change", username="acc-officer").exists()
    assert not LedgerEntry.objects.filter(entry__contains="another-long-password").exists()


def test_role_changes_are_ledgered(officer):
    agency = T.agency("role-amr")
    assignment = A.do_assign_role(officer, agency, Role.REVIEWER, actor=OPERATOR)
    A.do_revoke_role(assignment, reason="岗位调整", actor=OPERATOR)
    actions = list(LedgerEntry.objects.filter(object_id=str(assignment.pk), object_type="orgs.roleassignment")
                   .order_by("index").values_list("action", flat=True))
    assert actions == ["assign_role", "revoke_role"]


def test_duplicate_username_is_refused(officer):
    count = get_user_model().objects.count()
    with pytest.raises(OrgsError, match="用户名已存在"):
        A.do_create_user("ACC-officer", password=PASSWORD, actor=OPERATOR)
    assert get_user_model().objects.count() == count


def test_createadmin_command_prints_totp_secret(capsys):
    from django.core.management import call_command

    call_command("createadmin", "ops", "--password", "a-long-admin-password")
    out = capsys.readouterr().out
    secret = out.strip().rsplit("：", 1)[1]
    user = get_user_model().objects.get(username="ops")
    assert user.is_superuser and totp_valid(user, pyotp.TOTP(secret).now())


def test_a_totp_code_works_once(client):
    from django.test import Client

    A.do_create_administrator("root2", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    code = pyotp.TOTP(TotpDevice.objects.get(user__username="root2").secret).now()
    assert _login(client, "root2", "a-long-admin-password", totp=code).status_code == 302
    replay = _login(Client(), "root2", "a-long-admin-password", totp=code)
    assert replay.status_code == 401 and "已使用过" in replay.content.decode()


def test_not_found_and_forbidden_pages_speak_chinese(client, officer):
    _login(client, "acc-officer", PASSWORD)
    page = client.get("/people/999999/")
    assert page.status_code == 404 and "未找到或无权查看" in page.content.decode()
