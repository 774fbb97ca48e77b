"""API tokens (访问令牌): created once on the CLI or the account page, only a hash stored, the API acting
as exactly the token's user, refused with a 401 JSON error when unknown, expired, revoked or disabled."""

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.accounts import actions as AA
from sanxiang.accounts.models import ApiToken
from sanxiang.cli import OPERATOR_COMMANDS
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A

pytestmark = pytest.mark.django_db


def _cli(*args):
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _api(path, token=None, address="192.0.2.10", method="get", **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return getattr(Client(), method)(path, REMOTE_ADDR=address, **headers)


def _no_token_anywhere(token):
    assert not LedgerEntry.objects.filter(entry__contains=token).exists()
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert not ApiToken.objects.filter(prefix=token).exists()


def test_cli_creates_a_token_printed_once_and_lists_without_it(office):
    assert "token" in OPERATOR_COMMANDS
    out, err = _cli("create", "acct-officer", "--days", "30", "--label", "执法记录仪工作站")
    token = out.strip()
    assert token.startswith("sx_") and len(token) > 40 and "只显示这一次" in err
    stored = ApiToken.objects.get(user=office["officer_user"])
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(stored.prefix) and len(stored.prefix) < 16
    assert dt.timedelta(days=29, hours=23) < stored.expires_at - stored.created_at <= dt.timedelta(days=30)
    listing, _ = _cli("list")
    assert "acct-officer" in listing and "执法记录仪工作站" in listing and stored.prefix in listing
    assert token not in listing and token[len(stored.prefix):][:10] not in listing
    listing, _ = _cli("list", "acct-officer")
    assert stored.prefix in listing
    entry = LedgerEntry.objects.get(action="create_api_token")
    assert entry.actor == "system:cli" and entry.agency == "acct-amr"
    _no_token_anywhere(token)


def test_cli_refuses_bad_input_with_a_message(office):
    with pytest.raises(CommandError, match="没有用户名为“nobody”的账号"):
        _cli("create", "nobody")
    with pytest.raises(CommandError, match="有效天数"):
        _cli("create", "acct-officer", "--days", "0")
    with pytest.raises(CommandError, match="找不到唯一对应"):
        _cli("revoke", "sx_nothing")
    assert not ApiToken.objects.exists()


def test_cli_revokes_by_id_or_prefix(office):
    first, _ = _cli("create", "acct-officer")
    second, _ = _cli("create", "acct-officer")
    one, two = ApiToken.objects.order_by("pk")
    out, _ = _cli("revoke", str(one.pk))
    assert "已撤销" in out
    _cli("revoke", two.prefix)
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2
    assert LedgerEntry.objects.filter(action="revoke_api_token", actor="system:cli").count() == 2
    with pytest.raises(CommandError, match="已撤销"):
        _cli("revoke", str(one.pk))
    for token in (first.strip(), second.strip()):
        assert _api("/api/v1/me", token).status_code == 401


def test_the_api_reads_with_the_tokens_user_and_no_more(office):
    _, officer_token = AA.do_create_api_token(office["officer_user"], label="手机", actor=office["officer_user"])
    me = _api("/api/v1/me", officer_token)
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "acct-officer" and body["name"] == "张执法"
    assert [(r["agency"], r["role"]) for r in body["roles"]] == [("acct-amr", "officer")]
    assert body["system_administrator"] is False
    # The token decides who is asking, even beside another account's session.
    browser = Client()
    browser.force_login(office["admin"])
    both = browser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {officer_token}", REMOTE_ADDR="192.0.2.10")
    assert both.json()["username"] == "acct-officer"
    # A token opens the API only: pages still need a login.
    page = _api("/agencies/", officer_token)
    assert page.status_code == 302 and page["Location"].startswith("/login/")


def test_a_login_only_endpoint_reads_with_a_token(office):
    _, token = AA.do_create_api_token(office["admin"], actor=office["admin"])
    entry = LedgerEntry.objects.filter(agency="acct-amr").order_by("index").first()
    assert _api(f"/api/v1/ledger/entries/{entry.index}").status_code == 401
    response = _api(f"/api/v1/ledger/entries/{entry.index}", token)
    assert response.status_code == 200 and response.json()["index"] == entry.index
    # An officer's token reads only what the officer may: the agency's payloads are for its administrators.
    _, officer_token = AA.do_create_api_token(office["officer_user"], actor=office["officer_user"])
    assert _api(f"/api/v1/ledger/entries/{entry.index}", officer_token).status_code == 404
    # Nor another agency's administrator's token.
    _, foreign_token = AA.do_create_api_token(office["foreign_admin"], actor=office["foreign_admin"])
    assert _api(f"/api/v1/ledger/entries/{entry.index}", foreign_token).status_code == 404


def _is_token_error(response, message):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = json.loads(response.content.decode("utf-8"))
    assert set(body) == {"code", "message", "field", "reasons"}
    assert body["code"] == "token_invalid" and body["field"] is None and message in body["message"]
    assert body["reasons"] and "访问令牌" in "".join(body["reasons"]) + body["message"]


def test_unknown_revoked_expired_or_disabled_tokens_get_401_json(office):
    user = office["officer_user"]
    _is_token_error(_api("/api/v1/me", "sx_" + "x" * 43), "无效")
    _is_token_error(_api("/api/v1/me", "not-even-a-token"), "无效")
    _is_token_error(Client().get("/api/v1/me", HTTP_AUTHORIZATION="Basic YWJjOmRlZg=="), "Bearer")
    stored, revoked = AA.do_create_api_token(user, actor=user)
    AA.do_revoke_api_token(stored, actor=user)
    _is_token_error(_api("/api/v1/me", revoked), "已撤销")
    stored, expired = AA.do_create_api_token(user, days=1, actor=user)
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _is_token_error(_api("/api/v1/me", expired), "已过期")
    _, live = AA.do_create_api_token(user, actor=user)
    assert _api("/api/v1/me", live).status_code == 200
    AA.do_disable_account(user, actor=office["admin"])
    _is_token_error(_api("/api/v1/me", live), "已停用")
    # Even a public endpoint refuses a dead token, so a program learns at once.
    _is_token_error(_api("/api/v1/ledger/checkpoint", revoked), "已撤销")
    assert _api("/api/v1/me").status_code == 401  # no token, no session: the endpoint's own answer


def test_first_use_from_a_new_address_is_ledgered_once(office):
    user = office["officer_user"]
    _, token = AA.do_create_api_token(user, actor=user)
    for _ in range(3):
        assert _api("/api/v1/me", token, address="198.51.100.7").status_code == 200
    assert _api("/api/v1/me", token, address="203.0.113.9").status_code == 200
    uses = LedgerEntry.objects.filter(action="use_api_token_new_address").order_by("index")
    assert [json.loads(e.entry)["payload"]["address"] for e in uses] == ["198.51.100.7", "203.0.113.9"]
    assert all(e.actor == "acct-officer" for e in uses)
    stored = ApiToken.objects.get(user=user)
    assert stored.addresses == ["198.51.100.7", "203.0.113.9"] and stored.last_used_at is not None
    _no_token_anywhere(token)


def test_who_may_create_and_revoke_tokens(office):
    officer, admin, foreign = office["officer_user"], office["admin"], office["foreign_admin"]
    from sanxiang.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        AA.do_create_api_token(officer, actor=admin)  # a token is its user's (or the operator's) to make
    stored, _ = AA.do_create_api_token(officer, actor=officer)
    with pytest.raises(NotPermitted):
        AA.do_revoke_api_token(stored, actor=foreign)
    AA.do_revoke_api_token(stored, reason="手机遗失", actor=admin)  # the agency's admin may stop it


def test_token_use_keeps_the_ledger_verifiable(office):
    from sanxiang.ledger.verify import run

    user = office["officer_user"]
    stored, token = AA.do_create_api_token(user, actor=user)
    _api("/api/v1/me", token)
    _api("/api/v1/me", token, address="198.51.100.8")
    AA.do_revoke_api_token(stored, actor=user)
    AA.do_create_account(office["newcomer"], "li-xin", actor=office["admin"])
    report = run()
    assert report.ok, report.findings


def test_bearer_requests_need_no_csrf_token(office):
    _, token = AA.do_create_api_token(office["officer_user"], actor=office["officer_user"])
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 405  # the method, not a CSRF refusal


def test_system_administrators_token_carries_its_rights(office):
    root, _ = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    out, _ = _cli("create", "root", "--label", "省级平台")
    assert _api("/api/v1/me", out.strip()).json()["system_administrator"] is True
