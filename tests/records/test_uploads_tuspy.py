"""An independent tus client (tuspy) against the live server; completion on SeaweedFS; the cleanup job."""

import datetime as dt
import hashlib
import io
import os
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from seaweedfs import BUCKET
from tusclient.client import TusClient

from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.accounts.actions import do_create_api_token
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.records import actions, limits
from sanxiang.records.models import Upload
from sanxiang.records.tasks import remove_abandoned_uploads

# A short video by its first bytes (an MP4 `ftyp` box), then 600 KB that differ from run to run.
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(600_000)


@pytest.fixture
def tus(transactional_db, live_server, settings, tmp_path):
    settings.DATA_DIR, settings.FILES_DIR = tmp_path, tmp_path / "files"
    user = T.member(T.agency("tus-a"))
    _, secret = do_create_api_token(user, label="执法记录仪底座", actor=OPERATOR)
    return TusClient(f"{live_server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {secret}"})


def uploader(client, **kw):
    return client.uploader(file_stream=io.BytesIO(VIDEO), chunk_size=64 * 1024, upload_checksum=True,
                           metadata={"filename": "执法记录仪视频.mp4"}, **kw)


def test_tuspy_uploads_a_video_that_becomes_a_stored_file(tus):
    sender = uploader(tus)
    sender.upload()
    info = requests.get(f"{sender.url}/info", headers=tus.headers, timeout=10).json()
    upload = Upload.objects.get()
    assert upload.complete and upload.media_type == "video/mp4" and upload.filename == "执法记录仪视频.mp4"
    assert (upload.sha256, upload.sm3) == (hashlib.sha256(VIDEO).hexdigest(), hashlib.new("sm3", VIDEO).hexdigest())
    with storage.open_file(upload.path) as fh:
        assert fh.read() == VIDEO
    assert info == {"size": len(VIDEO), "offset": len(VIDEO), "complete": True, "sha256": upload.sha256,
                    "sm3": upload.sm3}
    assert verify.run().ok


def test_an_upload_cut_off_half_way_resumes_where_it_stopped(tus):
    first = uploader(tus)
    first.upload(stop_at=len(VIDEO) // 2)
    upload = Upload.objects.get()
    assert 0 < upload.offset < len(VIDEO) and not upload.complete and list(storage.paths()) == []
    actions._DIGESTS.clear()  # the server restarted meanwhile: it re-reads the partial file once
    resumed = uploader(tus, url=first.url)
    assert resumed.get_offset() == upload.offset
    resumed.upload()
    upload.refresh_from_db()
    assert upload.complete and upload.sha256 == hashlib.sha256(VIDEO).hexdigest()
    assert urlsplit(first.url).path == f"/api/v1/uploads/{upload.pk}"


@pytest.mark.django_db
def test_completion_on_s3_puts_the_file_in_the_bucket(seaweedfs, client, tmp_path, django_capture_on_commit_callbacks):
    records = seaweedfs.storage_settings(BUCKET, location=f"t-{uuid.uuid4().hex[:12]}")
    with override_settings(DATA_DIR=tmp_path, FILES_DIR=tmp_path / "files", STORAGES={**settings.STORAGES, "records": records}):
        user = T.member(T.agency("tus-s3"))
        client.force_login(user)
        created = client.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH=str(len(VIDEO)), HTTP_TUS_RESUMABLE="1.0.0")
        url = urlsplit(created["Location"]).path
        with django_capture_on_commit_callbacks(execute=True):
            done = client.generic("PATCH", url, VIDEO, content_type="application/offset+octet-stream",
                                  HTTP_UPLOAD_OFFSET="0", HTTP_TUS_RESUMABLE="1.0.0")
        assert done.status_code == 204
        upload = Upload.objects.get()
        assert storage.rehash(upload.path) == {"sha256": upload.sha256, "sm3": upload.sm3, "size": len(VIDEO)}
        assert not (limits.partial_dir() / f"{upload.pk}.part").exists()
        assert verify.run().ok


@pytest.mark.django_db
def test_the_job_removes_abandoned_uploads_only(settings, tmp_path, client, django_capture_on_commit_callbacks):
    settings.DATA_DIR, settings.FILES_DIR = tmp_path, tmp_path / "files"
    user = T.member(T.agency("tus-job"))
    client.force_login(user)
    urls = [urlsplit(client.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH=str(len(VIDEO)),
                                 HTTP_TUS_RESUMABLE="1.0.0")["Location"]).path for _ in range(3)]
    for url, data in zip(urls, (VIDEO[:10000], VIDEO[:10000], VIDEO)):
        client.generic("PATCH", url, data, content_type="application/offset+octet-stream",
                       HTTP_UPLOAD_OFFSET="0", HTTP_TUS_RESUMABLE="1.0.0")
    abandoned, recent, complete = Upload.objects.order_by("pk")
    long_ago = timezone.now() - dt.timedelta(hours=25)
    Upload.objects.filter(pk__in=[abandoned.pk, complete.pk]).update(touched_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        result = remove_abandoned_uploads.call()
    assert result["done"] == 1
    assert set(Upload.objects.values_list("pk", flat=True)) == {recent.pk, complete.pk}
    assert not (limits.partial_dir() / f"{abandoned.pk}.part").exists()
    assert (limits.partial_dir() / f"{recent.pk}.part").stat().st_size == 10000
    assert LedgerEntry.objects.filter(action="remove_abandoned_upload", object_id=str(abandoned.pk),
                                      deleted=True).count() == 1
    assert remove_abandoned_uploads.call()["done"] == 0
    assert verify.run().ok
