"""事前公开 editing pages: the legal office adds, changes and removes items with a reason, each a new
version; officers read but get no editing; another agency's people and anonymous visitors get nothing."""

import pytest
from django.test import Client

from sanxiang.access.actors import OPERATOR
from sanxiang.disclosure.models import DisclosureVersion, Section
from sanxiang.disclosure.testing import MATTER, publish_all
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def counts():
    return DisclosureVersion.objects.count(), LedgerEntry.objects.count()


def test_the_legal_office_adds_changes_and_removes_an_item_with_a_reason(cast):
    c, code = client_for(cast.reviewer), cast.a.code
    base = f"/disclosure/{code}/matters/"
    assert c.get(f"/disclosure/{code}/").status_code == 200
    form = {**MATTER, "cause": "routine", "reason": ""}
    before = counts()
    r = c.post(base + "new/", form)
    assert r.status_code == 400 and "调整原因" in r.content.decode() and counts() == before
    r = c.post(base + "new/", {**form, "reason": "首次发布"})
    assert r.status_code == 302
    r = c.post(base + "JC-001/edit/", {**form, "basis": "《食品安全法》第一百一十条（修订）", "cause": "law",
                                       "reason": "法律修订"})
    assert r.status_code == 302
    page = c.get(base).content.decode()
    assert "（修订）" in page and "法律修订" in page and "首次发布" in page
    r = c.post(base + "JC-001/remove/", {"cause": "functions", "reason": "职能划出"})
    assert r.status_code == 302
    rows = DisclosureVersion.objects.filter(agency=cast.a, section=Section.MATTERS).order_by("version")
    assert [(v.version, v.cause, v.reason, len(v.content["items"])) for v in rows] == [
        (1, "routine", "首次发布", 1), (2, "law", "法律修订", 1), (3, "functions", "职能划出", 0)]


def test_the_agency_record_is_edited_as_a_whole(cast):
    c = client_for(cast.editor)
    r = c.post(f"/disclosure/{cast.a.code}/agency/edit/", {
        "functions": "负责执法。", "structure": "执法一队｜行政执法\n办公室｜综合", "address": "某路 1 号",
        "office_hours": "工作日", "phone": "12345", "complaint": "12315", "cause": "routine", "reason": "首次发布"})
    assert r.status_code == 302
    row = DisclosureVersion.objects.get(agency=cast.a, section=Section.AGENCY)
    assert row.content["structure"] == [{"name": "执法一队", "duties": "行政执法"}, {"name": "办公室", "duties": "综合"}]


def test_an_officer_reads_but_cannot_edit(cast):
    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.officer)
    page = c.get(f"/disclosure/{cast.a.code}/matters/").content.decode()
    assert MATTER["name"] in page and "新增一项" not in page
    before = counts()
    assert c.get(f"/disclosure/{cast.a.code}/matters/new/").status_code == 404
    assert c.post(f"/disclosure/{cast.a.code}/matters/new/", {**MATTER, "reason": "x", "cause": "routine"}
                  ).status_code == 404
    r = c.post(f"/disclosure/{cast.a.code}/matters/JC-001/remove/", {"reason": "x", "cause": "routine"})
    assert r.status_code == 302 and counts() == before


def test_another_agency_and_anonymous_visitors_get_nothing(cast):
    publish_all(cast.a, actor=OPERATOR)
    other = client_for(cast.other)
    for path in ("", "matters/", "matters/new/"):
        assert other.get(f"/disclosure/{cast.a.code}/{path}").status_code == 404
    anonymous = Client().get(f"/disclosure/{cast.a.code}/matters/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_change_is_recorded_and_answered_through_the_pages(cast):
    from sanxiang.disclosure.models import DisclosureTrigger

    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.reviewer)
    r = c.post(f"/disclosure/{cast.a.code}/triggers/new/", {"cause": "law", "description": "某法修订",
                                                              "occurred_on": "2026-03-02"})
    assert r.status_code == 302
    trigger = DisclosureTrigger.objects.get(agency=cast.a)
    page = c.get(f"/disclosure/{cast.a.code}/").content.decode()
    assert "某法修订" in page and "待调整" in page
    form = c.get(f"/disclosure/{cast.a.code}/matters/JC-001/edit/").content.decode()
    assert "所答复的调整事由" in form
    r = c.post(f"/disclosure/{cast.a.code}/matters/JC-001/edit/", {
        **MATTER, "basis": "某法（修订）", "cause": "routine", "reason": "按修订调整", "trigger": str(trigger.pk)})
    assert r.status_code == 302
    trigger.refresh_from_db()
    assert trigger.answered_by.version == 2 and trigger.answered_by.cause == "law"
    assert "已调整" in c.get(f"/disclosure/{cast.a.code}/").content.decode()
    assert client_for(cast.officer).post(f"/disclosure/{cast.a.code}/triggers/new/", {
        "cause": "law", "description": "x", "occurred_on": "2026-03-02"}).status_code == 302
    assert DisclosureTrigger.objects.filter(agency=cast.a).count() == 1  # the officer's was refused
