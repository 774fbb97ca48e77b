"""Journey: staff log in, see their own home page, log out (登录、工作台、退出)."""

import journeys
import pyotp
import pytest
from journeys import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = "sanxiang-admin-2025"

# Zhuzhou (seed 001) for every agency role, and the supervising 司法局. Each role must see what is
# specific to it on the home page: (username, role label in the badge, selector, text in it).
ROLES = [
    ("zhuzhou-officer", "执法人员", "#my-person", "43020000001"),
    ("zhuzhou-reviewer", "法制审核人员", "#my-person", "法律职业资格"),
    ("zhuzhou-head", "科室负责人", "#unit-people", "本科室人员"),
    ("zhuzhou-leader", "单位领导", "#admin-warnings", "指标"),
    ("zhuzhou-records", "档案管理人员", "main", "档案管理人员"),
    ("zhuzhou-publicity", "公示编辑", "main", "公示编辑"),
    ("zhuzhou-approval", "行政审批人员", "main", "行政审批人员"),
    ("zhuzhou-adviser", "法律顾问", "#adviser", "受托事项"),
    ("zhuzhou-justice-supervisor", "执法监督人员", "#supervised", "株洲市市场监督管理局"),
]


def full_name(username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    return user.get_full_name() or user.username


def log_out(page):
    journeys.log_out(page)
    assert "工作人员登录" in page.inner_text("main")


@pytest.mark.parametrize("username, role, selector, text", ROLES, ids=[r[0] for r in ROLES])
def test_each_role_logs_in_sees_its_home_and_logs_out(demo, page, shoot, username, role, selector, text):
    log_in(page, username, DEMO_PASSWORD)  # lands on the home page
    main = page.inner_text("main")
    assert f"{full_name(username)}，您好" in main
    assert role in main
    assert text in page.inner_text(selector)
    if username == "zhuzhou-justice-supervisor":
        shoot(page, f"home-{username}")
    log_out(page)


def test_home_pages_differ_between_roles(demo, page):
    log_in(page, "zhuzhou-officer", DEMO_PASSWORD)
    assert page.locator("#admin-warnings").count() == 0
    assert page.locator("#supervised").count() == 0
    log_out(page)
    log_in(page, "zhuzhou-leader", DEMO_PASSWORD)
    assert page.locator("#admin-warnings").count() == 1
    assert page.locator("#my-person .status-ok").count() == 0


def test_home_page_on_a_phone(demo, phone_page, shoot):
    log_in(phone_page, "zhuzhou-officer", DEMO_PASSWORD)
    assert "43020000001" in phone_page.inner_text("#my-person")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shoot(phone_page, "home-officer-phone")


def test_wrong_password_is_refused(demo, phone_page, shoot):
    page = phone_page
    log_in(page, "zhuzhou-officer", "not-the-password", lands=None)
    error = page.locator("[role=alert]")
    assert "用户名或密码错误" in error.inner_text()
    assert page.url.startswith(page.base + "/login/")
    shoot(page, "login-wrong-password")


@pytest.mark.parametrize("username", ["zhuzhou-admin", "sysadmin"])
def test_administrator_logs_in_with_totp(demo, page, username):
    from sanxiang.orgs.models import TotpDevice

    secret = TotpDevice.objects.get(user__username=username).secret
    log_in(page, username, ADMIN_PASSWORD, totp=pyotp.TOTP(secret).now())  # the code on a second step
    assert f"{full_name(username)}，您好" in page.inner_text("main")
    assert "管理员" in page.inner_text("main")
    log_out(page)


def test_administrator_without_correct_totp_stays_out(demo, page):
    log_in(page, "zhuzhou-admin", ADMIN_PASSWORD, totp="000000", lands=None)
    assert "动态口令错误" in page.locator("[role=alert]").inner_text()
    page.goto(page.base + "/agencies/")
    assert "/login/" in page.url
