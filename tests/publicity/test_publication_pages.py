"""The internal pages: the obligations list with 临期/超期, the editor's preview (highlighted spans,
add or remove a span with a reason), approval, withdrawal — refused forms keep what was typed."""

import pytest
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity.models import PublicationStatus
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency(profile_key="pingluo-commerce")
    ob = opened(agency, on="2026-03-05")
    editor, head, _ = staff(agency)
    return client, ob, ob.publication, editor, head


def url(pub, act=""):
    return f"/publicity/publications/{pub.pk}/" + (f"{act}/" if act else "")


def test_the_list_marks_overdue_obligations(setting, monkeypatch):
    client, ob, pub, editor, head = setting
    monkeypatch.setattr(timezone, "localdate", lambda: ob.due.replace(day=ob.due.day + 1))
    client.force_login(editor)
    page = client.get("/publicity/").content.decode()
    assert ob.subject in page and "超期" in page and "2026-03-16" in page


def test_the_editor_previews_adds_and_removes_spans(setting):
    client, ob, pub, editor, head = setting
    client.force_login(editor)
    page = client.get(url(pub)).content.decode()
    assert "<mark" in page and "脱敏预览" in page and "张三丰" in page  # the original, internal
    refused = client.post(url(pub, "add-span"), {"fragment": "过期食品", "kind": "other", "reason": ""})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "须写明理由" in body and 'value="过期食品"' in body  # the input is kept
    assert client.post(url(pub, "add-span"), {"fragment": "过期食品", "kind": "other", "reason": "商业秘密"}).status_code == 302
    pub.refresh_from_db()
    version = pub.current()
    assert "过期食品" not in version.text
    span = next(s for s in version.spans if s["origin"] == "editor")
    assert client.post(url(pub, "dismiss-span"), {"start": span["start"], "end": span["end"],
                                                   "reason": "可以公开"}).status_code == 302
    assert "过期食品" in pub.current().text


def test_approval_and_withdrawal_forms(setting):
    client, ob, pub, editor, head = setting
    client.force_login(editor)
    assert client.post(url(pub, "submit")).status_code == 302
    assert "审核同意发布" not in client.get(url(pub)).content.decode()  # not the editor's act
    refused = client.post(url(pub, "approve"))
    assert refused.status_code == 403
    client.force_login(head)
    assert client.post(url(pub, "approve")).status_code == 302
    assert client.post(url(pub, "publish")).status_code == 302  # dated today
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED
    day = timezone.localdate().isoformat()
    refused = client.post(url(pub, "withdraw"), {"reason": "", "on": day, "ground": "revoked"})
    assert refused.status_code == 400 and "撤下须写明理由" in refused.content.decode()
    assert f'value="{day}"' in refused.content.decode()
    assert client.post(url(pub, "withdraw"), {"reason": "复议撤销原决定", "ground": "revoked"}).status_code == 302
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN and pub.withdrawal_reason == "复议撤销原决定"


def test_withholding_without_a_ground_keeps_the_form(setting):
    client, ob, pub, editor, head = setting
    client.force_login(editor)
    refused = client.post(url(pub, "propose"), {"proposal": "withhold", "ground": "", "note": "涉及未成年人",
                                                "approver": head.username})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "法定事由" in body and 'value="涉及未成年人"' in body


def test_another_agency_gets_404(setting):
    client, ob, pub, editor, head = setting
    outsider, _, _ = staff(T.agency(profile_key="pingluo-commerce"))
    client.force_login(outsider)
    assert client.get(url(pub)).status_code == 404
    assert client.post(url(pub, "submit")).status_code == 404
