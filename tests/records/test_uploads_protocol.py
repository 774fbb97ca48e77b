"""The tus endpoint through the Django client: each bad input of issue 8 §8 that applies to uploads."""

import base64
import datetime as dt
import hashlib
import os
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.accounts.actions import do_create_api_token, do_revoke_api_token
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.records import actions
from sanxiang.records.models import Upload

pytestmark = pytest.mark.django_db

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 200  # ~50 KB, a PNG by its first bytes


@pytest.fixture
def officer(settings, tmp_path):
    settings.DATA_DIR, settings.FILES_DIR = tmp_path, tmp_path / "files"
    user = T.member(T.agency("up-a"))
    client = Client()
    client.force_login(user)
    return client


def metadata(**values):
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client, length, **meta):
    response = client.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH=str(length),
                           HTTP_UPLOAD_METADATA=metadata(filename="现场照片.png", **meta), **TUS)
    assert response.status_code == 201, response.content
    return urlsplit(response["Location"]).path


def patch(client, url, data, offset, **headers):
    return client.generic("PATCH", url, data, content_type="application/offset+octet-stream",
                          HTTP_UPLOAD_OFFSET=str(offset), **TUS, **headers)


def checksum(data, algorithm="sha256"):
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def stored_paths():
    return list(storage.paths())


def test_options_advertise_the_protocol_and_its_extensions(client):
    response = client.options("/api/v1/uploads/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "checksum"}
    assert int(response["Tus-Max-Size"]) >= 4 * 10**9
    assert "sha256" in response["Tus-Checksum-Algorithm"].split(",")


def test_pieces_with_checksums_become_one_stored_file_with_its_ledger_entry(officer):
    url = create(officer, len(PNG))
    first = patch(officer, url, PNG[:20000], 0, HTTP_UPLOAD_CHECKSUM=checksum(PNG[:20000]))
    assert first.status_code == 204 and first["Upload-Offset"] == "20000"
    head = officer.head(url, **TUS)
    assert (head["Upload-Offset"], head["Upload-Length"]) == ("20000", str(len(PNG)))
    assert officer.get(f"{url}/info").json() == {
        "size": len(PNG), "offset": 20000, "complete": False, "sha256": None, "sm3": None}
    last = patch(officer, url, PNG[20000:], 20000, HTTP_UPLOAD_CHECKSUM=checksum(PNG[20000:], "sm3"))
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(PNG))
    sha, sm3 = hashlib.sha256(PNG).hexdigest(), hashlib.new("sm3", PNG).hexdigest()
    assert officer.get(f"{url}/info").json() == {
        "size": len(PNG), "offset": len(PNG), "complete": True, "sha256": sha, "sm3": sm3}
    upload = Upload.objects.get()
    assert (upload.path, upload.media_type, upload.filename) == (storage.path_for(sha), "image/png", "现场照片.png")
    with storage.open_file(upload.path) as fh:
        assert fh.read() == PNG
    entry = LedgerEntry.objects.filter(action="complete_upload").get()
    assert f'"sha256":"{sha}"' in entry.entry
    assert verify.run().ok


def test_a_wrong_checksum_is_460_and_the_piece_is_discarded(officer):
    url = create(officer, len(PNG))
    response = patch(officer, url, PNG[:1000], 0, HTTP_UPLOAD_CHECKSUM=checksum(b"other bytes"))
    assert response.status_code == 460
    assert response.json()["code"] == "checksum_mismatch" and "校验和不符" in response.json()["message"]
    assert officer.head(url, **TUS)["Upload-Offset"] == "0"
    assert patch(officer, url, PNG, 0, HTTP_UPLOAD_CHECKSUM=checksum(PNG)).status_code == 204
    assert Upload.objects.get().sha256 == hashlib.sha256(PNG).hexdigest()


def test_an_offset_that_does_not_match_is_409(officer):
    url = create(officer, len(PNG))
    patch(officer, url, PNG[:100], 0)
    response = patch(officer, url, PNG[50:200], 50)
    assert response.status_code == 409 and response.json()["code"] == "offset_mismatch"
    assert "已接收 100 字节" in response.json()["message"]


class CutOff:
    """A request body whose connection drops after `keep` bytes (what a WSGI server's read then does)."""

    def __init__(self, data, keep):
        self.data, self.keep, self.pos = data, keep, 0

    def read(self, n):
        if self.pos >= self.keep:
            raise OSError("connection reset by peer")
        chunk = self.data[self.pos:min(self.pos + n, self.keep)]
        self.pos += len(chunk)
        return chunk


def test_a_truncated_piece_keeps_what_arrived_and_never_becomes_a_stored_file(officer):
    url = create(officer, len(PNG))
    upload = Upload.objects.get()
    # The client announced the whole file but the connection ended after 30 000 bytes.
    actions.do_append_upload(upload, CutOff(PNG, 30000), offset=0, content_length=len(PNG), actor=upload.owner)
    assert officer.head(url, **TUS)["Upload-Offset"] == "30000"
    assert stored_paths() == [] and not Upload.objects.get().complete
    # With a checksum, a cut-off piece is discarded whole.
    with pytest.raises(actions.ChecksumMismatch):
        actions.do_append_upload(upload, CutOff(PNG[30000:], 10000), offset=30000, content_length=len(PNG) - 30000,
                                 checksum_header=checksum(PNG[30000:]), actor=upload.owner)
    assert officer.head(url, **TUS)["Upload-Offset"] == "30000" and stored_paths() == []
    assert patch(officer, url, PNG[30000:], 30000).status_code == 204
    assert stored_paths() == [Upload.objects.get().path]


def test_bytes_beyond_the_declared_length_are_refused(officer):
    url = create(officer, 1000)
    response = patch(officer, url, PNG[:1500], 0)
    assert response.status_code == 413 and "超出声明的文件大小" in response.json()["message"]
    assert officer.head(url, **TUS)["Upload-Offset"] == "0" and stored_paths() == []


def test_a_file_larger_than_allowed_is_refused_at_creation_and_nothing_is_written(officer, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    before = LedgerEntry.objects.count()
    response = officer.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH="10001", **TUS)
    assert response.status_code == 413 and "文件过大" in response.json()["message"]
    assert not Upload.objects.exists() and LedgerEntry.objects.count() == before


def test_a_disallowed_type_is_refused_by_its_content_not_its_name(officer):
    script = b"#!/bin/sh\nrm -rf /\n" * 600
    url = create(officer, len(script))  # named 现场照片.png
    response = patch(officer, url, script, 0)
    assert response.status_code == 415
    assert "不允许上传此类文件" in response.json()["message"] and "PDF" in response.json()["message"]
    assert officer.head(url, **TUS)["Upload-Offset"] == "0" and stored_paths() == []


def test_concurrent_appends_one_wins_the_other_gets_409(officer):
    url = create(officer, len(PNG))
    upload = Upload.objects.get()
    seen = {}

    class SlowClient:
        """A client whose first bytes arrive while a second request tries to append to the same upload."""

        def __init__(self):
            self.sent = False

        def read(self, n):
            if self.sent:
                return b""
            self.sent = True
            seen["second"] = patch(officer, url, PNG[:5000], 0)
            return PNG[:5000]

    first = actions.do_append_upload(upload, SlowClient(), offset=0, content_length=None, actor=upload.owner)
    assert seen["second"].status_code == 409 and seen["second"].json()["code"] == "upload_busy"
    assert first.offset == 5000 and officer.head(url, **TUS)["Upload-Offset"] == "5000"


def test_another_agencys_upload_is_not_found(officer):
    url = create(officer, len(PNG))
    stranger = Client()
    stranger.force_login(T.member(T.agency("up-b")))
    colleague = Client()
    colleague.force_login(T.member(Upload.objects.get().agency))
    for client in (stranger, colleague):
        assert client.head(url, **TUS).status_code == 404
        assert patch(client, url, PNG, 0).status_code == 404
        assert client.get(f"{url}/info").json()["code"] == "upload_not_found"
        assert client.delete(url, **TUS).status_code == 404
    assert officer.head(url, **TUS)["Upload-Offset"] == "0"


def test_a_revoked_token_is_401_and_appends_nothing(officer):
    url = create(officer, len(PNG))
    upload = Upload.objects.get()
    token, secret = do_create_api_token(upload.owner, label="执法记录仪", actor=OPERATOR)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client(enforce_csrf_checks=True)
    assert client.head(url, **TUS, **bearer)["Upload-Offset"] == "0"
    do_revoke_api_token(token, actor=OPERATOR)
    response = patch(client, url, PNG[:100], 0, **bearer)
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"
    assert officer.head(url, **TUS)["Upload-Offset"] == "0"


def test_the_session_needs_its_csrf_token_anonymous_visitors_their_login(officer):
    anonymous = Client()
    assert anonymous.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH="10", **TUS).status_code == 401
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(T.member(T.agency("up-csrf")))
    response = browser.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH="10", **TUS)
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    secret = "a" * 32  # the CSRF cookie's value, sent back in X-CSRFToken as tus-js-client is told to
    browser.cookies["csrftoken"] = secret
    assert browser.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_X_CSRFTOKEN=secret,
                        **TUS).status_code == 201


def test_a_wrong_protocol_version_is_412(officer):
    response = officer.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_TUS_RESUMABLE="0.2.2")
    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
    assert not Upload.objects.exists()


def test_termination_discards_the_bytes_and_is_ledgered(officer):
    url = create(officer, len(PNG))
    patch(officer, url, PNG[:1000], 0)
    assert officer.delete(url, **TUS).status_code == 204
    assert officer.head(url, **TUS).status_code == 404
    assert not Upload.objects.exists() and stored_paths() == []
    assert LedgerEntry.objects.filter(action="terminate_upload", deleted=True).count() == 1
    assert verify.run().ok


def test_the_same_bytes_uploaded_twice_are_stored_once(officer):
    for _ in range(2):
        patch(officer, create(officer, len(PNG)), PNG, 0)
    first, second = Upload.objects.order_by("pk")
    assert first.path == second.path and stored_paths() == [first.path]
    assert verify.run().ok


def test_a_resume_in_a_fresh_process_rehashes_the_partial_file_once(officer):
    url = create(officer, len(PNG))
    patch(officer, url, PNG[:25000], 0)
    actions._DIGESTS.clear()  # what a restart (or another server process) starts with
    assert patch(officer, url, PNG[25000:], 25000).status_code == 204
    assert Upload.objects.get().sm3 == hashlib.new("sm3", PNG).hexdigest()


def test_a_request_that_stalled_past_its_lease_is_overtaken_and_writes_no_more(officer, monkeypatch):
    url = create(officer, len(PNG))
    upload = Upload.objects.get()
    monkeypatch.setattr(actions, "LEASE_SECONDS", 0)  # every chunk renews; a stalled request's lease has lapsed

    class StalledClient:
        """Sends a first chunk, stalls; meanwhile the client's retry takes over and sends everything."""

        def __init__(self):
            self.calls = 0

        def read(self, n):
            self.calls += 1
            if self.calls == 1:
                return PNG[:10000]
            if self.calls == 2:
                Upload.objects.filter(pk=upload.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
                assert patch(officer, url, PNG, 0).status_code == 204
                return PNG[10000:20000]
            return b""

    with pytest.raises(actions.LeaseLost):
        actions.do_append_upload(upload, StalledClient(), offset=0, content_length=None, actor=upload.owner)
    upload.refresh_from_db()
    assert upload.complete and upload.sha256 == hashlib.sha256(PNG).hexdigest()
    with storage.open_file(upload.path) as fh:
        assert fh.read() == PNG


def test_a_finish_the_store_refused_is_completed_by_an_empty_patch(officer, monkeypatch):
    url = create(officer, len(PNG))
    real_put = storage.put_spooled

    def unreachable(spool, digest):
        os.unlink(spool)
        raise storage.StorageError("文件存储失败：连接被拒绝")

    monkeypatch.setattr(storage, "put_spooled", unreachable)
    response = patch(officer, url, PNG, 0)
    assert response.status_code == 503 and "以空请求体续传" in response.json()["message"]
    assert officer.head(url, **TUS)["Upload-Offset"] == str(len(PNG)) and stored_paths() == []
    assert not Upload.objects.get().complete
    monkeypatch.setattr(storage, "put_spooled", real_put)
    empty = officer.generic("PATCH", url, b"", CONTENT_TYPE="application/offset+octet-stream",
                            HTTP_UPLOAD_OFFSET=str(len(PNG)), **TUS)
    assert empty.status_code == 204
    assert Upload.objects.get().sha256 == hashlib.sha256(PNG).hexdigest() and verify.run().ok


def test_an_upload_refused_for_its_type_is_listed_as_refused_with_the_reason_not_as_resumable(officer):
    """s18: a refused upload showed as 待续传 — it can never be resumed."""
    script = b"#!/bin/sh\nrm -rf /\n" * 600
    url = create(officer, len(script))
    assert patch(officer, url, script, 0).status_code == 415
    upload = Upload.objects.get()
    assert upload.refused_at is not None and "不允许上传此类文件" in upload.refused_reason
    assert LedgerEntry.objects.filter(action="refuse_upload", object_id=str(upload.pk)).count() == 1
    page = officer.get("/records/uploads/").content.decode()
    assert "已拒收" in page and "待续传" not in page and "不允许上传此类文件" in page
    again = patch(officer, url, script, 0)  # a client resuming it is told why, nothing written
    assert again.status_code == 409 and again.json()["code"] == "upload_refused"
    assert "不允许上传此类文件" in again.json()["message"] and stored_paths() == []
    assert LedgerEntry.objects.filter(action="refuse_upload").count() == 1
    assert officer.get(f"{url}/info").json()["complete"] is False  # /info keeps the shape
