"""Account actions (开通、停用、启用、重置密码) and who may do them; an agency keeps its last administrator."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from sanxiang.access.actors import OPERATOR
from sanxiang.accounts import actions as AA
from sanxiang.accounts.models import TemporaryPassword
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Person, Role, RoleAssignment

PASSWORD = "correct-horse-battery"  # as in conftest.py

pytestmark = pytest.mark.django_db


def _entries(action):
    return list(LedgerEntry.objects.filter(action=action).order_by("index"))


def test_admin_creates_an_account_linked_to_the_person(office):
    user, temporary = AA.do_create_account(office["newcomer"], "li-xin", actor=office["admin"])
    person = Person.objects.get(pk=office["newcomer"].pk)
    assert person.user == user and user.first_name == "李新" and user.is_active
    assert user.check_password(temporary) and len(temporary) >= 12
    assert TemporaryPassword.objects.filter(user=user).exists()
    entry = _entries("create_account")[-1]
    assert entry.actor == office["admin"].username and entry.agency == "acct-amr"
    assert entry.object_type == "orgs.person" and "li-xin" in entry.entry
    assert not LedgerEntry.objects.filter(entry__contains=temporary).exists()


def test_admin_may_set_the_first_password_which_is_still_temporary(office):
    user, temporary = AA.do_create_account(office["newcomer"], "li-xin", password="chosen-by-admin-1",
                                           actor=office["admin"])
    assert temporary is None and user.check_password("chosen-by-admin-1")
    assert TemporaryPassword.objects.filter(user=user).exists()
    assert not LedgerEntry.objects.filter(entry__contains="chosen-by-admin-1").exists()


@pytest.mark.parametrize("who", ["foreign_admin", "officer_user"])
def test_another_agencys_admin_and_an_officer_cannot_open_an_account(office, who):
    before = get_user_model().objects.count(), LedgerEntry.objects.count()
    with pytest.raises(NotPermitted):
        AA.do_create_account(office["newcomer"], "li-xin", actor=office[who])
    assert (get_user_model().objects.count(), LedgerEntry.objects.count()) == before


def test_another_agencys_admin_cannot_manage_the_account(office):
    officer, foreign = office["officer_user"], office["foreign_admin"]
    for act in (AA.do_disable_account, AA.do_enable_account, AA.do_reset_password):
        with pytest.raises(NotPermitted):
            act(officer, actor=foreign)
    assert get_user_model().objects.get(pk=officer.pk).check_password(PASSWORD)


def test_an_officer_cannot_manage_a_colleagues_account(office):
    colleague, _ = AA.do_create_account(office["newcomer"], "li-xin", actor=office["admin"])
    with pytest.raises(NotPermitted):
        AA.do_disable_account(colleague, actor=office["officer_user"])
    with pytest.raises(NotPermitted):
        AA.do_reset_password(colleague, actor=office["officer_user"])
    assert get_user_model().objects.get(pk=colleague.pk).is_active


def test_bad_input_is_refused_with_a_reason_and_nothing_written(office):
    before = get_user_model().objects.count(), LedgerEntry.objects.count()
    for username, password, message in (("", None, "用户名不能为空"), ("有 空格", None, "用户名只能"),
                                        ("acct-officer", None, "用户名已存在"), ("li-xin", "short", "密码不符合要求")):
        with pytest.raises(RuleViolation, match=message):
            AA.do_create_account(office["newcomer"], username, password=password, actor=office["admin"])
    with pytest.raises(RuleViolation, match="已有登录账号"):
        AA.do_create_account(office["officer"], "zhang2", actor=office["admin"])
    assert (get_user_model().objects.count(), LedgerEntry.objects.count()) == before


def test_system_administrator_and_operator_manage_any_account(office):
    root, _ = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    AA.do_disable_account(office["officer_user"], reason="离职", actor=root)
    AA.do_enable_account(office["officer_user"], reason="返岗", actor=OPERATOR)
    assert [e.actor for e in _entries("disable_account") + _entries("enable_account")] == ["root", "system:cli"]


def test_agency_admin_cannot_touch_a_system_administrators_account(office):
    root, _ = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    T.person(office["agency"], name="系统管理员本人", user_obj=root)
    with pytest.raises(NotPermitted):
        AA.do_reset_password(root, actor=office["admin"])


def test_disabled_account_cannot_log_in_and_its_sessions_end(office):
    browser = Client()
    assert browser.post("/login/", {"username": "acct-officer", "password": PASSWORD}).status_code == 302
    assert browser.get("/agencies/").status_code == 200
    officer_id = str(office["officer_user"].pk)
    assert any(s.get_decoded().get("_auth_user_id") == officer_id for s in Session.objects.all())
    AA.do_disable_account(office["officer_user"], reason="调离", actor=office["admin"])
    assert not any(s.get_decoded().get("_auth_user_id") == officer_id for s in Session.objects.all())
    assert browser.get("/agencies/").status_code == 302
    again = Client().post("/login/", {"username": "acct-officer", "password": PASSWORD})
    assert again.status_code == 401 and "该账号已停用" in again.content.decode()
    wrong = Client().post("/login/", {"username": "acct-officer", "password": "not-the-password"})
    assert "用户名或密码错误" in wrong.content.decode()  # the state is told only to who knows the password
    with pytest.raises(RuleViolation, match="已是停用状态"):
        AA.do_disable_account(office["officer_user"], actor=office["admin"])
    AA.do_enable_account(office["officer_user"], actor=office["admin"])
    assert Client().post("/login/", {"username": "acct-officer", "password": PASSWORD}).status_code == 302


def test_reset_password_ends_sessions_and_requires_a_change(office):
    browser = Client()
    browser.post("/login/", {"username": "acct-officer", "password": PASSWORD})
    temporary = AA.do_reset_password(office["officer_user"], actor=office["admin"])
    assert browser.get("/agencies/").status_code == 302
    assert not LedgerEntry.objects.filter(entry__contains=temporary).exists()
    response = browser.post("/login/", {"username": "acct-officer", "password": temporary})
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    assert browser.get("/agencies/")["Location"] == "/account/password/"
    with pytest.raises(RuleViolation, match="自己的密码"):
        AA.do_reset_password(office["admin"], actor=office["admin"])


def test_the_last_administrator_cannot_revoke_their_own_role(office):
    admin = office["admin"]
    role = RoleAssignment.objects.get(user=admin, role=Role.ADMINISTRATOR)
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match="至少要有一名管理员"):
        A.do_revoke_role(role, reason="离岗", actor=admin)
    with pytest.raises(RuleViolation, match="至少要有一名管理员"):
        A.do_revoke_role(role, reason="离岗", actor=OPERATOR)  # not even the system
    assert RoleAssignment.objects.get(pk=role.pk).active and LedgerEntry.objects.count() == before
    successor = T.member(office["agency"], Role.ADMINISTRATOR)
    A.do_revoke_role(role, reason="离岗", actor=admin)
    last = RoleAssignment.objects.get(user=successor, role=Role.ADMINISTRATOR)
    with pytest.raises(RuleViolation, match="至少要有一名管理员"):
        A.do_revoke_role(last, actor=successor)


def test_disabling_the_last_administrators_account_is_refused(office):
    admin = office["admin"]
    T.person(office["agency"], name="管理员本人", user_obj=admin)
    root, _ = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    with pytest.raises(RuleViolation, match="至少要有一名管理员"):
        AA.do_disable_account(admin, actor=root)
    # A second administrator whose account is disabled does not count.
    deputy = T.member(office["agency"], Role.ADMINISTRATOR)
    T.person(office["agency"], name="副管理员", user_obj=deputy)
    AA.do_disable_account(deputy, actor=admin)
    with pytest.raises(RuleViolation, match="至少要有一名管理员"):
        AA.do_disable_account(admin, actor=root)
    AA.do_enable_account(deputy, actor=admin)
    AA.do_disable_account(admin, actor=deputy)
    assert not get_user_model().objects.get(pk=admin.pk).is_active


def test_an_expired_administrator_role_does_not_count(office):
    T.member(office["agency"], Role.ADMINISTRATOR, valid_to="2021-01-01")
    role = RoleAssignment.objects.get(user=office["admin"], role=Role.ADMINISTRATOR)
    with pytest.raises(RuleViolation, match="至少要有一名管理员"):
        A.do_revoke_role(role, actor=office["admin"])


def test_revoking_an_adviser_or_officer_role_is_not_affected(office):
    role = RoleAssignment.objects.get(user=office["officer_user"], role=Role.OFFICER)
    A.do_revoke_role(role, actor=office["admin"])
    assert not RoleAssignment.objects.get(pk=role.pk).active
