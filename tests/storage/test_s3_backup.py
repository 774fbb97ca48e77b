"""`sanxiang backup` and `restore` of an installation whose files are on S3 (SeaweedFS): the objects
the ledger names are in the backup (an untracked or changed one is left out, with a warning), and
they come back into another bucket — or onto the filesystem — read back and verified."""

import hashlib
import uuid

import pytest
from installations import Factory, manifest_of
from seaweedfs import ACCESS_KEY, SECRET_KEY

STORE_FILES = """
import io
from django.db import transaction
from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.actions import append_entry
photo = storage.put(io.BytesIO("现场照片".encode() * 300_000))   # ~3.6 MB: several chunks and parts
note = storage.put(io.BytesIO("询问笔录".encode()))
changed = storage.put(io.BytesIO(b"A" * 5000))
with transaction.atomic():
    append_entry(action="store_file", actor=OPERATOR, files=[photo.record(), note.record(), changed.record()])
backend = storage.backend()
backend.save("sha256/ff/stray", io.BytesIO(b"?"))            # in the bucket, named by no entry
backend.save(changed.path, io.BytesIO(b"B" * 5000))           # changed behind the ledger's back
print(photo.path, note.path, changed.path)
"""


def s3_env(server, bucket):
    return {"SANXIANG_S3_BUCKET": bucket, "SANXIANG_S3_ENDPOINT": server.endpoint,
            "SANXIANG_S3_ACCESS_KEY": ACCESS_KEY, "SANXIANG_S3_SECRET_KEY": SECRET_KEY}


@pytest.fixture(scope="module")
def made(seaweedfs, tmp_path_factory):
    """A small installation on S3 with three recorded objects (one changed since) and a stray one, and its backup."""
    factory = Factory(tmp_path_factory.mktemp("s3-installations"))
    source = factory("s3src", **s3_env(seaweedfs, seaweedfs.make_bucket(f"src-{uuid.uuid4().hex[:8]}")))
    source.run("migrate", "--noinput", "-v0")
    paths = source.run("shell", "-c", STORE_FILES).stdout.strip().splitlines()[-1].split()
    backup_dir = factory.base / "backup"
    result = source.run("backup", str(backup_dir))
    yield factory, source, paths, backup_dir, result
    factory.close()


def test_the_backup_holds_the_recorded_objects_and_warns_of_the_others(made, seaweedfs):
    _, source, (photo, note, changed), backup_dir, result = made
    assert "备份完成" in result.stdout
    assert "1 个文件的内容与账本记录不符，未备份" in result.stderr and changed in result.stderr
    assert "文件存储中有 1 个账本未登记的文件，未备份" in result.stderr
    manifest = manifest_of(backup_dir)
    assert manifest["store"] == "s3"
    assert {f"files/{photo}", f"files/{note}"} <= set(manifest["files"])
    assert not any(changed in name or "stray" in name for name in manifest["files"])
    bucket = source.extra_env["SANXIANG_S3_BUCKET"]
    body = seaweedfs.client().get_object(Bucket=bucket, Key=photo)["Body"].read()
    assert (backup_dir / "files" / photo).read_bytes() == body
    assert manifest["files"][f"files/{photo}"] == hashlib.sha256(body).hexdigest() == photo.rsplit("/", 1)[1]


def test_restore_into_another_bucket_reads_every_object_back_and_verify_agrees(made, seaweedfs):
    factory, _, (photo, note, changed), backup_dir, _ = made
    bucket = seaweedfs.make_bucket(f"dst-{uuid.uuid4().hex[:8]}")
    target = factory("s3dst", **s3_env(seaweedfs, bucket))
    out = target.run("restore", str(backup_dir)).stdout
    assert f"已把 2 个文件恢复到 S3 存储桶 {bucket}，并逐一读回核对了 SHA-256" in out
    keys = {o["Key"] for o in seaweedfs.client().list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert keys == {photo, note}
    verified = target.run("verify", check=False)
    # The changed object was left out of the backup: the restored installation names it missing.
    assert verified.returncode == 1 and f"文件缺失：{changed}" in verified.stdout
    assert "文件被修改" not in verified.stdout and "未登记的文件" not in verified.stdout
    # Restoring again into the now non-empty bucket is refused, nothing written.
    again = factory("s3dst2", **s3_env(seaweedfs, bucket))
    refused = again.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1 and f"S3 存储桶 {bucket}）不为空" in refused.stderr


def test_restore_of_an_s3_backup_onto_the_filesystem(made):
    factory, _, (photo, note, changed), backup_dir, _ = made
    target = factory("fsdst")
    target.run("restore", str(backup_dir))
    assert (target.data_dir / "files" / photo).is_file() and (target.data_dir / "files" / note).is_file()
    verified = target.run("verify", check=False)
    assert f"文件缺失：{changed}" in verified.stdout and "文件被修改" not in verified.stdout
