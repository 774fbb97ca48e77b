"""The page 上传文件 (/records/uploads/): the widget and the list of the user's own uploads only."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.orgs import testing as T
from sanxiang.records.models import Upload

pytestmark = pytest.mark.django_db


def upload(owner, agency, name, *, length=2_000_000, offset=0, sha256=""):
    now = timezone.now()
    done = now if sha256 else None
    return Upload.objects.create(agency=agency, owner=owner, length=length, filename=name, created_at=now,
                                 touched_at=now, offset=offset, completed_at=done, sha256=sha256,
                                 path=f"sha256/{sha256[:2]}/{sha256}" if sha256 else "")


@pytest.fixture
def people():
    agency = T.agency("up-page")
    me, colleague = T.member(agency), T.member(agency)
    digest = "ab" * 32
    upload(me, agency, "现场照片.jpg", length=4096, offset=4096, sha256=digest)
    upload(me, agency, "执法录像.mp4", offset=500_000)
    upload(colleague, agency, "同事的录音.m4a")
    client = Client()
    client.force_login(me)
    return client, digest


def test_the_page_lists_my_uploads_with_progress_state_and_a_short_digest(people):
    client, digest = people
    page = client.get("/records/uploads/").content.decode()
    assert "data-upload-widget" in page and "tus.min.js" in page and "upload_widget.js" in page
    assert 'data-endpoint="/api/v1/uploads/"' in page
    assert "现场照片.jpg" in page and "执法录像.mp4" in page
    assert "同事的录音.m4a" not in page  # a colleague's upload is theirs alone
    assert "已完成" in page and "待续传" in page and "25%" in page and "100%" in page
    assert f"{digest[:12]}…" in page
    assert timezone.localtime().strftime("%Y-%m-%d") in page  # 完成时间


def test_the_list_alone_for_htmx_and_a_stranger_is_sent_to_log_in(people):
    client, _ = people
    part = client.get("/records/uploads/", HTTP_HX_REQUEST="true").content.decode()
    assert "执法录像.mp4" in part and "<html" not in part and "data-upload-widget" not in part
    assert Client().get("/records/uploads/").status_code == 302


def test_an_upload_being_received_shows_as_such(people, settings):
    client, _ = people
    Upload.objects.filter(filename="执法录像.mp4").update(
        lease="x" * 32, lease_until=timezone.now() + dt.timedelta(seconds=30))
    assert "上传中" in client.get("/records/uploads/").content.decode()
