"""Small things people read: full-width colons after Chinese labels, hours without a trailing .0,
names instead of keys and codes."""

import re

import pytest
from django.urls import reverse

from sanxiang.orgs.models import Person

pytestmark = pytest.mark.django_db


def test_training_hours_read_as_people_write_them(demo, login, visible):
    from sanxiang.orgs import actions as A

    person = Person.objects.get(user__username="zhuzhou-officer")
    A.do_add_training(person, "执法文书制作培训", kind="training", date="2025-05-01", hours="1.5", actor=None)
    client = login("zhuzhou-officer")
    home = visible(client.get(reverse("home")).content.decode())
    detail = visible(client.get(reverse("person-detail", args=[person.pk])).content.decode())
    assert "2 学时" in home and "1.5 学时" in home and "8 学时" in home
    assert ".0 学时" not in home and not re.search(r"\d\.0 ", detail)


def test_labels_use_full_width_colons(client, demo, login, visible):
    pages = [client.get(reverse("deadline-calculator")).content.decode()]
    client = login("zhuzhou-head")
    for url in (reverse("home"), reverse("agency-detail", args=["zhuzhou-amr"]),
                reverse("profiles:detail", args=["zhuzhou-amr"])):
        pages.append(client.get(url).content.decode())
    for page in pages:
        text = visible(page)
        assert not re.search(r"[\u4e00-\u9fff）]:", text), re.search(r".{20}[\u4e00-\u9fff）]:.{20}", text)
    assert "起算日：" in visible(pages[0])


def test_people_read_names_not_keys_or_codes(demo, login, visible):
    client = login("zhuzhou-admin")
    agency = visible(client.get(reverse("agency-detail", args=["zhuzhou-amr"])).content.decode())
    assert "zhuzhou-amr" not in agency
    profiles = visible(client.get(reverse("profiles:list")).content.decode())
    assert "national" not in profiles and "zhuzhou-amr" not in profiles
    assert "《全面推行行政执法“三项制度”有关工作的安排》" in profiles
