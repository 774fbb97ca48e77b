"""Every page's <title> is a short plain text, whoever looks at it."""

import re

import pytest
from django.urls import reverse

from sanxiang.orgs.models import Agency, Person, Unit

pytestmark = pytest.mark.django_db

USERS = ["zhuzhou-officer", "zhuzhou-reviewer", "zhuzhou-head", "zhuzhou-leader", "zhuzhou-admin",
         "zhuzhou-justice-supervisor", "zhuzhou-adviser", "sysadmin"]


def title_of(html: str) -> str:
    found = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert len(found) == 1, "exactly one <title>"
    return found[0]


def main_pages():
    zhuzhou = Agency.objects.get(code="zhuzhou-amr")
    person = Person.objects.filter(agency=zhuzhou, user__isnull=False).first()
    unit = Unit.objects.get(agency=zhuzhou, name="执法一大队")
    return [reverse("home"), reverse("agency-list"), reverse("agency-detail", args=[zhuzhou.code]),
            reverse("unit-detail", args=[unit.pk]), reverse("person-detail", args=[person.pk]),
            reverse("profiles:list"), reverse("profiles:detail", args=["zhuzhou-amr"]),
            reverse("deadline-calendar"), reverse("deadline-calculator"), reverse("public-certificate"),
            reverse("unit-create", args=[zhuzhou.code]), reverse("role-assign", args=[zhuzhou.code])]


def test_titles_are_short_plain_text_on_every_main_page(demo, login, client):
    pages = main_pages()
    checked = 0
    for username in [None, *USERS]:
        if username:
            login(username)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue  # 403/404 pages have their own titles, checked below
            title = title_of(response.content.decode())
            assert "<" not in title and ">" not in title, (username, url, title)
            assert len(title.strip()) <= 60 and "\n" not in title.strip(), (username, url, title)
            checked += 1
        client.logout()
    assert checked >= 40
    # The agency page used to carry the whole roles table in its title.
    admin_page = login("zhuzhou-admin").get(reverse("agency-detail", args=["zhuzhou-amr"])).content.decode()
    assert title_of(admin_page) == "株洲市市场监督管理局 · 三项行政执法平台"
    assert admin_page.count('id="roles"') == 1


def test_error_pages_have_plain_titles(demo, login):
    client = login("zhuzhou-officer")
    for response in (client.get("/agencies/no-such-agency/"), client.get("/people/999999/")):
        assert response.status_code == 404
        assert "<" not in title_of(response.content.decode())
