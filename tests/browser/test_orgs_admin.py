"""Journey: the Zhuzhou administrator issues a certificate and revokes it; the public check follows (管理员发证、吊销)."""

import pyotp
import pytest
from journeys import DEMO_PASSWORD, follow, log_in, log_out, submit

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = "sanxiang-admin-2025"

NUMBER = "430200TEST01"


def admin_logs_in(page, username="zhuzhou-admin"):
    """Administrators give the dynamic code on a second step; they land on the home page."""
    from sanxiang.orgs.models import TotpDevice

    secret = TotpDevice.objects.get(user__username=username).secret
    log_in(page, username, ADMIN_PASSWORD, totp=pyotp.TOTP(secret).now())


def public_status(page, number):
    page.goto(f"{page.base}/public/certificate/{number}/")
    return page.locator("#status").inner_text()


def test_admin_issues_then_revokes_a_certificate(demo, page, shoot):
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.orgs.models import Certificate, Person

    officer = Person.objects.get(user__username="zhuzhou-officer")
    admin_logs_in(page)
    page.goto(page.base + "/agencies/zhuzhou-amr/")
    follow(page, f"a[href='/people/{officer.pk}/']")
    follow(page, "#manage >> text=发放证件")
    page.fill("#id_number", NUMBER)
    page.check("input[name=categories] >> nth=0")
    page.fill("#id_area", "株洲市")
    page.fill("#id_issuing_authority", "湖南省人民政府")
    page.fill("#id_valid_from", "2025-01-01")
    page.fill("#id_valid_to", "2030-12-31")
    submit(page, "#action-form button[type=submit]", url=f"{page.base}/people/{officer.pk}/")
    assert f"已发放行政执法证 {NUMBER}" in page.inner_text("main")
    cert = Certificate.objects.get(number=NUMBER)
    assert LedgerEntry.objects.filter(action="issue_certificate", object_id=str(cert.pk),
                                      actor="zhuzhou-admin").exists()
    assert public_status(page, NUMBER) == "有效"
    assert "证件有效" in page.inner_text("#verdict")

    page.goto(f"{page.base}/people/{officer.pk}/")
    follow(page, f"a[href='/certificates/{cert.pk}/revoke/']")
    page.fill("#id_reason", "违法执法，依法吊销")
    submit(page, "#action-form button[type=submit]", url=f"{page.base}/people/{officer.pk}/")
    assert "已吊销" in page.inner_text("main")
    assert public_status(page, NUMBER) == "已吊销"
    shoot(page, "certificate-revoked-by-admin")


def test_duplicate_number_is_refused_in_the_form(demo, page):
    from sanxiang.orgs.models import Certificate, Person

    officer = Person.objects.get(user__username="zhuzhou-officer")
    admin_logs_in(page)
    page.goto(f"{page.base}/people/{officer.pk}/certificates/new/")
    page.fill("#id_number", "43020000001")
    page.check("input[name=categories] >> nth=0")
    page.fill("#id_valid_from", "2025-01-01")
    page.fill("#id_valid_to", "2030-12-31")
    before = Certificate.objects.count()
    submit(page, "#action-form button[type=submit]", refused=True)
    assert "证号 43020000001 已存在" in page.locator("[role=alert]").inner_text()
    assert Certificate.objects.count() == before


def test_certificate_form_on_a_phone(demo, phone_page, shoot):
    from sanxiang.orgs.models import Person

    officer = Person.objects.get(user__username="zhuzhou-officer")
    admin_logs_in(phone_page)
    phone_page.goto(f"{phone_page.base}/people/{officer.pk}/certificates/new/")
    phone_page.wait_for_selector("#action-form")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shoot(phone_page, "certificate-issue-form-phone")


def test_officer_sees_no_admin_links(demo, page):
    from sanxiang.orgs.models import Person

    officer = Person.objects.get(user__username="zhuzhou-officer")
    log_in(page, "zhuzhou-officer", DEMO_PASSWORD)
    page.goto(f"{page.base}/people/{officer.pk}/")
    assert page.locator("#manage").count() == 0
    response = page.goto(f"{page.base}/people/{officer.pk}/certificates/new/")
    assert response.status == 403
    assert "无权" in page.inner_text("main") or "管理员" in page.inner_text("main")


def test_admin_opens_an_account_for_a_new_officer_who_then_logs_in(demo, page, shoot):
    """管理员为新执法人员开通账号、分配角色；本人用临时密码登录，先设置自己的密码，再进入工作台。"""
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.orgs.models import Person

    admin_logs_in(page)
    page.goto(page.base + "/agencies/zhuzhou-amr/people/new/")
    page.fill("#id_name", "韩新锐")
    page.select_option("#id_kind", "officer")
    submit(page, "#action-form button[type=submit]", url="**/people/*/")
    person = Person.objects.get(name="韩新锐", agency__code="zhuzhou-amr")
    assert page.url == f"{page.base}/people/{person.pk}/"
    follow(page, "#login-account >> text=开通账号")
    page.fill("#id_username", "zhuzhou-hanxr")
    submit(page, "#action-form button[type=submit]")
    temporary = page.locator("#shown-once").inner_text().strip()
    assert len(temporary) >= 12
    shoot(page, "account-opened-temporary-password")
    follow(page, "text=我已记下，返回")
    follow(page, "#manage >> text=分配角色")
    assert "韩新锐（zhuzhou-hanxr）" in page.locator("#id_account option:checked").inner_text()
    page.select_option("#id_role", "officer")
    submit(page, "#action-form button[type=submit]", url=page.base + "/agencies/zhuzhou-amr/#roles")
    log_out(page)

    log_in(page, "zhuzhou-hanxr", temporary, lands="/account/password/")
    assert "请先设置自己的新密码" in page.inner_text("main")
    page.fill("#id_current_password", temporary)
    page.fill("#id_new_password", "hanxr-own-password-1")
    page.fill("#id_new_password2", "hanxr-own-password-1")
    submit(page, "#action-form button[type=submit]", url=page.base + "/account/")
    assert "执法人员" in page.inner_text("#account")
    page.goto(page.base + "/")
    assert "韩新锐，您好" in page.inner_text("main")
    assert LedgerEntry.objects.filter(action="create_account", actor="zhuzhou-admin").exists()
    assert not LedgerEntry.objects.filter(entry__contains=temporary).exists()
