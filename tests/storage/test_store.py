"""The content-addressed store on the filesystem and on S3 (SeaweedFS): the same tests on both."""

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from seaweedfs import BUCKET
from tamper import SEED_A

from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import verify
from sanxiang.ledger.actions import append_entry

pytestmark = pytest.mark.django_db

PHOTO = "现场照片".encode() * 50_000  # ~600 KB: several chunks


def test_put_names_the_bytes_by_their_digest_and_reads_them_back(store_backend):
    stored = storage.put(io.BytesIO(PHOTO))
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert stored.path == f"sha256/{sha[:2]}/{sha}"
    assert (stored.sha256, stored.sm3, stored.size) == (sha, hashlib.new("sm3", PHOTO).hexdigest(), len(PHOTO))
    with storage.open_file(stored.path) as fh:
        assert fh.read() == PHOTO
    assert storage.rehash(stored.path) == {"sha256": stored.sha256, "sm3": stored.sm3, "size": stored.size}


def test_the_same_bytes_are_stored_once(store_backend):
    first = storage.put(io.BytesIO(PHOTO))
    again = storage.put(io.BytesIO(PHOTO))
    other = storage.put(io.BytesIO("询问笔录".encode()))
    assert first == again
    assert sorted(storage.paths()) == sorted([first.path, other.path])


def test_an_oversize_stream_is_refused_and_nothing_is_kept(store_backend):
    with pytest.raises(storage.StorageError, match="超过允许的大小"):
        storage.put(io.BytesIO(PHOTO), limit=len(PHOTO) - 1)
    assert list(storage.paths()) == []
    assert list((settings.DATA_DIR / "tmp").iterdir()) == []  # no spooled remains


def test_a_missing_file_is_a_clear_error(store_backend):
    with pytest.raises(storage.StorageError, match="文件缺失"):
        storage.rehash(storage.path_for("0" * 64))


@pytest.mark.parametrize("path", ["../secret_key", "/etc/passwd", "sha256/./x", "sha256//x", "a\\b", ""])
def test_paths_outside_the_store_are_refused(path):
    with pytest.raises(storage.StorageError, match="不合法"):
        storage.checked_path(path)


def test_s3_objects_are_plain_objects_any_s3_client_reads(seaweedfs, tmp_path):
    with override_settings(DATA_DIR=tmp_path, STORAGES={**settings.STORAGES,
                                                        "records": seaweedfs.storage_settings(BUCKET)}):
        stored = storage.put(io.BytesIO(PHOTO))
    body = seaweedfs.client().get_object(Bucket=BUCKET, Key=stored.path)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == stored.sha256


def _tamper(store_backend, path, content):
    backend, server = store_backend
    if backend == "s3":
        options = settings.STORAGES["records"]["OPTIONS"]
        key, client = f"{options['location']}/{path}", server.client()
        if content is None:
            client.delete_object(Bucket=BUCKET, Key=key)
        else:
            client.put_object(Bucket=BUCKET, Key=key, Body=content)
    else:
        target = Path(storage.backend().location) / path
        if content is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def test_putting_the_same_bytes_again_replaces_a_damaged_copy(store_backend, caplog):
    first = storage.put(io.BytesIO(PHOTO))
    damaged = bytearray(PHOTO)
    damaged[1000] ^= 0xFF
    _tamper(store_backend, first.path, bytes(damaged))
    assert storage.rehash(first.path)["sha256"] != first.sha256
    again = storage.put(io.BytesIO(PHOTO))
    assert again == first
    with storage.open_file(first.path) as fh:
        assert fh.read() == PHOTO  # the good bytes are back under their name
    assert "已用新收到的完好内容替换" in caplog.text
    assert sorted(storage.paths()) == [first.path]


def test_verify_rehashes_the_store_and_names_changed_missing_and_untracked_files(store_backend):
    with override_settings(SIGNING_KEY=SEED_A):
        kept = storage.put(io.BytesIO(PHOTO))
        gone = storage.put(io.BytesIO("询问笔录 PDF".encode()))
        with transaction.atomic():
            append_entry(action="store_file", actor=OPERATOR, files=[kept.record(), gone.record()])
        assert verify.run().ok
        _tamper(store_backend, kept.path, PHOTO[:-1] + b"!")
        _tamper(store_backend, gone.path, None)
        _tamper(store_backend, "sha256/ff/stray", b"?")
        report = verify.run()
    assert report.codes() == {"file_modified", "file_missing", "file_untracked"}
    messages = " ".join(f.message for f in report.findings)
    assert kept.path in messages and gone.path in messages and "sha256/ff/stray" in messages
