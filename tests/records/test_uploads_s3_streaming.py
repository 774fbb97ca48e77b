"""On SeaweedFS, a tus upload streams into an S3 multipart upload while its pieces arrive (tuspy as
the client): resumed after a restart, terminated, abandoned, the same bytes twice, a copy by parts."""

import base64
import datetime as dt
import hashlib
import os
import uuid

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
from sanxiang.orgs import testing as T
from sanxiang.records import actions
from sanxiang.records.models import Upload
from sanxiang.records.tasks import remove_abandoned_uploads
from sanxiang.storage import parts

MIB = 1 << 20
# An MP4 by its first bytes, then 11 MiB that differ from run to run: three parts of 5 MiB (S3's
# smallest allowed but the last) — 5, 5 and 1 MiB.
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(11 * MIB - 24)


@pytest.fixture
def s3(transactional_db, live_server, seaweedfs, tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "PART_BYTES", 5 * MIB)
    location = f"t-{uuid.uuid4().hex[:12]}"
    records = seaweedfs.storage_settings(BUCKET, location=location)
    with override_settings(DATA_DIR=tmp_path, FILES_DIR=tmp_path / "files",
                           STORAGES={**settings.STORAGES, "records": records}):
        user = T.member(T.agency("tus-s3-parts"))
        _, secret = do_create_api_token(user, label="执法记录仪底座", actor=OPERATOR)
        client = TusClient(f"{live_server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {secret}"})
        yield client, seaweedfs.client(), location


def sender(client, data=VIDEO, **kw):
    import io

    return client.uploader(file_stream=io.BytesIO(data), chunk_size=3 * MIB, upload_checksum=True,
                           metadata={"filename": "执法记录仪视频.mp4"}, **kw)


def objects(s3client, location):
    found = s3client.list_objects_v2(Bucket=BUCKET, Prefix=f"{location}/").get("Contents", [])
    return {item["Key"][len(location) + 1:]: item["Size"] for item in found}


def in_progress(s3client, location):
    answer = s3client.list_multipart_uploads(Bucket=BUCKET, Prefix=f"{location}/")
    return [item["Key"] for item in answer.get("Uploads", [])]


def test_pieces_go_to_s3_as_they_arrive_and_a_restart_continues_the_same_multipart_upload(s3):
    client, s3client, location = s3
    first = sender(client)
    first.upload(stop_at=7 * MIB)  # pieces of 3 MiB, the last cut to end at 7 MiB
    upload = Upload.objects.get()
    assert upload.offset == 7 * MIB and not upload.complete
    state = upload.multipart
    assert len(state["etags"]) == 1 and state["part_size"] == 5 * MIB  # the first 5 MiB are in S3
    listed = s3client.list_parts(Bucket=BUCKET, Key=state["key"], UploadId=state["id"])["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [(1, 5 * MIB)]
    assert objects(s3client, location) == {}  # nothing is a stored file before the last byte
    assert in_progress(s3client, location) == [state["key"]]

    actions._DIGESTS.clear()  # the server restarted: digests and the unsent 2 MiB come from the partial file
    resumed = sender(client, url=first.url)
    assert resumed.get_offset() == 7 * MIB
    resumed.upload()
    upload.refresh_from_db()
    assert upload.complete and upload.multipart == {}
    assert (upload.sha256, upload.sm3) == (hashlib.sha256(VIDEO).hexdigest(), hashlib.new("sm3", VIDEO).hexdigest())
    assert objects(s3client, location) == {upload.path: len(VIDEO)}  # the staging object is gone
    assert in_progress(s3client, location) == []
    with storage.open_file(upload.path) as fh:
        assert fh.read() == VIDEO
    assert verify.run().ok


def test_terminating_or_abandoning_an_upload_discards_what_s3_received(s3):
    client, s3client, location = s3
    cancelled, abandoned = sender(client), sender(client)
    cancelled.upload(stop_at=6 * MIB)
    abandoned.upload(stop_at=6 * MIB)
    assert len(in_progress(s3client, location)) == 2
    gone = requests.delete(cancelled.url, headers={**client.headers, "Tus-Resumable": "1.0.0"}, timeout=10)
    assert gone.status_code == 204
    assert len(in_progress(s3client, location)) == 1

    Upload.objects.update(touched_at=timezone.now() - dt.timedelta(hours=25))
    assert remove_abandoned_uploads.call()["done"] == 1
    assert not Upload.objects.exists()
    assert in_progress(s3client, location) == [] and objects(s3client, location) == {}
    assert verify.run().ok


def test_the_job_sweeps_a_multipart_upload_no_upload_names_and_keeps_a_live_one(s3, monkeypatch):
    client, s3client, location = s3
    live = sender(client)
    live.upload(stop_at=6 * MIB)
    stray = parts.start("killed-before-recording", len(VIDEO))
    assert remove_abandoned_uploads.call()["done"] == 0  # begun just now: it may be a live upload's
    now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now() + dt.timedelta(hours=25))
    Upload.objects.update(touched_at=timezone.now())  # the live one received a piece just now
    assert remove_abandoned_uploads.call()["done"] == 1
    assert in_progress(s3client, location) == [Upload.objects.get().multipart["key"]]
    assert stray["key"] not in in_progress(s3client, location)


def test_the_same_bytes_twice_are_one_object_copied_part_by_part_above_the_copy_limit(s3, monkeypatch):
    client, s3client, location = s3
    monkeypatch.setattr(parts, "COPY_IN_ONE_BYTES", 5 * MIB)  # as a file over 5 GiB: UploadPartCopy
    monkeypatch.setattr(parts, "COPY_PART_BYTES", 5 * MIB)
    sender(client).upload()
    sender(client).upload()
    first, second = Upload.objects.order_by("pk")
    assert first.complete and second.complete and first.path == second.path
    assert objects(s3client, location) == {first.path: len(VIDEO)}
    assert in_progress(s3client, location) == []
    assert storage.rehash(first.path) == {"sha256": first.sha256, "sm3": first.sm3, "size": len(VIDEO)}
    assert verify.run().ok


def test_a_refused_piece_leaves_no_part_in_the_stored_file(s3):
    client, s3client, location = s3
    started = sender(client)
    started.upload(stop_at=1)  # created, one byte in
    garbage = os.urandom(6 * MIB)  # a whole part's worth, then refused by its checksum
    refused = requests.patch(started.url, data=garbage, timeout=30, headers={
        **client.headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "1",
        "Content-Type": "application/offset+octet-stream",
        "Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode()})
    assert refused.status_code == 460
    upload = Upload.objects.get()
    state = upload.multipart
    got = s3client.list_parts(Bucket=BUCKET, Key=state["key"], UploadId=state["id"]).get("Parts", [])
    assert [p["PartNumber"] for p in got] == [1]  # S3 received a part of the refused piece…
    assert upload.offset == 1 and state["etags"] == []  # …which is not recorded: the next piece resends it
    sender(client, url=started.url).upload()
    upload.refresh_from_db()
    with storage.open_file(upload.path) as fh:
        assert fh.read() == VIDEO
    assert upload.sha256 == hashlib.sha256(VIDEO).hexdigest() and in_progress(s3client, location) == []
