"""The pages: an administrator opens, resets, disables and enables a person's account; 我的账号 lets
everyone change their password, set up a dynamic code and manage their tokens."""

import re

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sanxiang.accounts.models import ApiToken, TemporaryPassword
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs.models import Person, TotpDevice

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # as in conftest.py


def _shown_once(response) -> str:
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return re.search(r'id="shown-once"[^>]*>([^<]+)<', response.content.decode()).group(1)


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_admin_opens_an_account_and_the_newcomer_must_choose_a_password(office):
    admin = _signed_in(office["admin"])
    person_page = admin.get(f"/people/{office['newcomer'].pk}/").content.decode()
    assert f"/people/{office['newcomer'].pk}/account/new/" in person_page and "未开通" in person_page
    response = admin.post(f"/people/{office['newcomer'].pk}/account/new/", {"username": "li-xin", "password": ""})
    temporary = _shown_once(response)
    assert "li-xin" in response.content.decode()
    assert Person.objects.get(pk=office["newcomer"].pk).user.username == "li-xin"
    assert temporary not in admin.get(f"/people/{office['newcomer'].pk}/").content.decode()

    newcomer = Client()
    login = newcomer.post("/login/", {"username": "li-xin", "password": temporary})
    assert login["Location"] == "/account/password/"
    assert newcomer.get("/")["Location"] == "/account/password/"
    form = newcomer.get("/account/password/").content.decode()
    assert "请先设置自己的新密码" in form
    mismatch = newcomer.post("/account/password/", {"current_password": temporary, "new_password": "my-own-secret-1",
                                                    "new_password2": "my-own-secret-2"})
    assert mismatch.status_code == 400 and "两次输入的新密码不一致" in mismatch.content.decode()
    done = newcomer.post("/account/password/", {"current_password": temporary, "new_password": "my-own-secret-1",
                                                "new_password2": "my-own-secret-1"})
    assert done["Location"] == "/account/"
    assert newcomer.get("/").status_code == 200  # still logged in, free to go anywhere
    assert not TemporaryPassword.objects.filter(user__username="li-xin").exists()
    assert not LedgerEntry.objects.filter(entry__contains="my-own-secret-1").exists()


def test_admin_resets_disables_and_enables_through_the_person_page(office):
    admin = _signed_in(office["admin"])
    pk = office["officer"].pk
    page = admin.get(f"/people/{pk}/").content.decode()
    for link in ("/account/password/", "/account/disable/"):
        assert f"/people/{pk}{link}" in page
    temporary = _shown_once(admin.post(f"/people/{pk}/account/password/", {"password": ""}))
    assert get_user_model().objects.get(username="acct-officer").check_password(temporary)
    response = admin.post(f"/people/{pk}/account/disable/", {"reason": "调离执法岗位"})
    assert response.status_code == 302
    assert "已停用账号 acct-officer" in admin.get(response["Location"]).content.decode()
    assert f"/people/{pk}/account/enable/" in admin.get(f"/people/{pk}/").content.decode()
    again = admin.post(f"/people/{pk}/account/disable/", {"reason": ""})
    assert again.status_code == 400 and "已是停用状态" in again.content.decode()
    assert admin.post(f"/people/{pk}/account/enable/", {"reason": ""}).status_code == 302
    assert get_user_model().objects.get(username="acct-officer").is_active


@pytest.mark.parametrize("who", ["foreign_admin", "officer_user"])
def test_others_get_403_and_no_links(office, who):
    client = _signed_in(office[who])
    before = LedgerEntry.objects.count()
    pk, new = office["officer"].pk, office["newcomer"].pk
    for url, data in ((f"/people/{new}/account/new/", {"username": "x-user"}),
                      (f"/people/{pk}/account/password/", {"password": ""}),
                      (f"/people/{pk}/account/disable/", {"reason": ""})):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert LedgerEntry.objects.count() == before
    if who == "officer_user":
        own = client.get(f"/people/{pk}/").content.decode()
        assert "/account/disable/" not in own and "/account/password/" not in own


def test_revoking_the_last_admin_role_in_the_form_says_why(office):
    from sanxiang.orgs.models import RoleAssignment

    role = RoleAssignment.objects.get(user=office["admin"], role="administrator")
    response = _signed_in(office["admin"]).post(f"/roles/{role.pk}/revoke/", {"reason": "离岗"})
    assert response.status_code == 400 and "至少要有一名管理员" in response.content.decode()
    assert RoleAssignment.objects.get(pk=role.pk).active


def test_my_account_page_shows_roles_and_links(office):
    client = _signed_in(office["officer_user"])
    page = client.get("/account/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    for part in ("我的账号", "acct-officer", "执法人员", "修改密码", "启用动态口令", "创建访问令牌"):
        assert part in text
    assert 'href="/account/"' in client.get("/").content.decode()
    assert Client().get("/account/")["Location"].startswith("/login/")


def test_wrong_current_password_is_refused(office):
    client = _signed_in(office["officer_user"])
    response = client.post("/account/password/", {"current_password": "not-it", "new_password": "another-long-1",
                                                  "new_password2": "another-long-1"})
    assert response.status_code == 400 and "当前密码不正确" in response.content.decode()
    assert get_user_model().objects.get(username="acct-officer").check_password(PASSWORD)


def test_user_enrols_totp_with_a_qr_code_and_then_needs_it_to_log_in(office):
    client = _signed_in(office["officer_user"])
    page = client.get("/account/totp/").content.decode()
    assert "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/account/totp/", {"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 400 and "动态口令不正确" in wrong.content.decode()
    assert not TotpDevice.objects.filter(user=office["officer_user"]).exists()
    code = pyotp.TOTP(secret).now()
    assert client.post("/account/totp/", {"password": PASSWORD, "code": code})["Location"] == "/account/"
    assert TotpDevice.objects.get(user=office["officer_user"]).secret == secret
    assert not LedgerEntry.objects.filter(entry__contains=secret).exists()
    # The code that confirmed the enrolment is spent; and the account now asks for a code at login.
    replay = Client().post("/login/", {"username": "acct-officer", "password": PASSWORD, "totp": code})
    assert replay.status_code == 401
    assert "已启用" in client.get("/account/").content.decode()


def test_user_creates_a_token_shown_once_then_revokes_it(office):
    client = _signed_in(office["officer_user"])
    token = _shown_once(client.post("/account/tokens/new/", {"label": "执法记录仪工作站", "days": "90"}))
    assert token.startswith("sx_")
    page = client.get("/account/").content.decode()
    stored = ApiToken.objects.get(user=office["officer_user"])
    assert "执法记录仪工作站" in page and stored.prefix in page and token not in page
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.post(f"/account/tokens/{stored.pk}/revoke/")["Location"] == "/account/"
    assert "已撤销" in client.get("/account/").content.decode()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    # Someone else's token cannot be revoked from one's own page.
    other = _signed_in(office["admin"])
    assert other.post(f"/account/tokens/{stored.pk}/revoke/").status_code == 404
