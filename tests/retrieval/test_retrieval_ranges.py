"""The serving endpoint against the live server, with curl as the independent HTTP client, on the
filesystem store and on SeaweedFS (S3): whole files, byte ranges (first bytes, middle across the
1 MiB chunks, suffix, open end), 416, HEAD, several ranges; every GET that serves bytes ledgered once,
nothing else ledgered; another agency's user gets 404."""

import subprocess
import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from retrieval_cast import case_with_pdf, make_env
from seaweedfs import BUCKET

from sanxiang.access.actors import OPERATOR
from sanxiang.accounts.actions import do_create_api_token
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.retrieval.models import RecordAccess

pytestmark = pytest.mark.usefixtures("transactional_db")


def curl(url, token, *extra):
    """(status, headers, body) of one request made by curl."""
    done = subprocess.run(["curl", "-s", "-D", "-", "-H", f"Authorization: Bearer {token}", *extra, url],
                          capture_output=True, timeout=60, check=True)
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def token_of(user):
    return do_create_api_token(user, label="curl", actor=OPERATOR)[1]


def check_ranges(live_server, monkeypatch):
    env = make_env()
    case, document, data = case_with_pdf(env, monkeypatch, padding=2_500_000)
    size = len(data)
    url = f"{live_server.url}/api/v1/retrieval/files/document/{document.pk}/pdf"
    officer = token_of(env.officer)

    status, headers, body = curl(url, officer)
    assert (status, body) == (200, data)
    assert headers["accept-ranges"] == "bytes" and headers["content-length"] == str(size)
    assert headers["etag"] == f'"{document.pdf_sha256}"' and headers["content-type"] == "application/pdf"

    status, headers, body = curl(url, officer, "-H", "Range: bytes=0-99")
    assert (status, body, headers["content-range"]) == (206, data[:100], f"bytes 0-99/{size}")

    first, last = 1_000_000, 1_100_000  # across the first 1 MiB chunk's end
    status, headers, body = curl(url, officer, "-H", f"Range: bytes={first}-{last}")
    assert (status, body, headers["content-range"]) == (206, data[first:last + 1], f"bytes {first}-{last}/{size}")

    status, headers, body = curl(url, officer, "-H", "Range: bytes=-500")
    assert (status, body, headers["content-range"]) == (206, data[-500:], f"bytes {size - 500}-{size - 1}/{size}")

    status, headers, body = curl(url, officer, "-H", f"Range: bytes={size - 10}-")
    assert (status, body) == (206, data[-10:])

    status, headers, body = curl(url, officer, "-H", "Range: bytes=0-9,20-29")  # several: the whole file
    assert (status, body) == (200, data)

    served = RecordAccess.objects.count()
    assert served == 6 == LedgerEntry.objects.filter(action="view_record").count()

    status, headers, body = curl(url, officer, "-H", f"Range: bytes={size}-")
    assert status == 416 and headers["content-range"] == f"bytes */{size}"
    status, headers, _ = curl(url, officer, "-I", "-o", "/dev/null")  # HEAD: headers only
    assert (status, headers["content-length"], headers["accept-ranges"]) == (200, str(size), "bytes")
    status, _, body = curl(url, token_of(env.outsider))
    assert status == 404 and "未找到该记录" in body.decode()
    assert RecordAccess.objects.count() == served == LedgerEntry.objects.filter(action="view_record").count()

    access = RecordAccess.objects.filter(byte_range="bytes=0-99").get()
    assert (access.user, access.record_id, access.file, access.file_sha256) == (
        env.officer, document.pk, "pdf", document.pdf_sha256)
    assert verify.run().ok


def test_ranges_on_the_filesystem_store(live_server, monkeypatch, settings, tmp_path):
    settings.DATA_DIR, settings.FILES_DIR = tmp_path, tmp_path / "files"
    check_ranges(live_server, monkeypatch)


def test_ranges_on_seaweedfs(live_server, monkeypatch, seaweedfs, tmp_path):
    records = seaweedfs.storage_settings(BUCKET, location=f"r-{uuid.uuid4().hex[:12]}")
    with override_settings(DATA_DIR=tmp_path, FILES_DIR=tmp_path / "files",
                           STORAGES={**settings.STORAGES, "records": records}):
        check_ranges(live_server, monkeypatch)
