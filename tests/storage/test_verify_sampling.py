"""`sanxiang verify` on a large store: sampled and incremental re-hashing (--files), on the filesystem
and on S3 (SeaweedFS), and the daily job that re-hashes a share of the store and warns."""

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from seaweedfs import BUCKET

from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import verify
from sanxiang.ledger.actions import append_entry
from sanxiang.storage import checks
from sanxiang.storage.tasks import check_stored_files

pytestmark = pytest.mark.django_db

SIZE = 40_000


@pytest.fixture
def ten_files(store_backend):
    """Ten recorded files of SIZE bytes each."""
    stored = [storage.put(io.BytesIO(bytes([n]) * SIZE)) for n in range(10)]
    with transaction.atomic():
        append_entry(action="store_file", actor=OPERATOR, files=[s.record() for s in stored])
    return store_backend, stored


def tamper(store_backend, path, content):
    backend, server = store_backend
    if backend == "s3":
        key = f"{settings.STORAGES['records']['OPTIONS']['location']}/{path}"
        if content is None:
            server.client().delete_object(Bucket=BUCKET, Key=key)
        else:
            server.client().put_object(Bucket=BUCKET, Key=key, Body=content)
    else:
        target = Path(storage.backend().location) / path
        if content is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def test_a_sample_rehashes_its_share_and_still_finds_missing_resized_and_untracked_files(ten_files):
    store, stored = ten_files
    report = verify.check_files(checks.Selection("sample", percent=30))
    assert report.ok and (report.files, report.files_rehashed) == (10, 3)
    tamper(store, stored[0].path, None)
    tamper(store, stored[1].path, b"x" * (SIZE - 1))  # shorter: seen in the listing, unread
    tamper(store, "sha256/ff/stray", b"?")
    report = verify.check_files(checks.Selection("sample", percent=10))
    assert report.files_rehashed == 1
    found = {(f.code, f.detail.get("path")) for f in report.findings}
    assert found == {("file_missing", stored[0].path), ("file_modified", stored[1].path),
                     ("file_untracked", "sha256/ff/stray")}


def test_since_last_goes_through_the_store_within_a_byte_budget_then_starts_again(ten_files):
    store, stored = ten_files
    budget = checks.Selection("since-last", max_bytes=4 * SIZE)
    assert [verify.check_files(budget).files_rehashed for _ in range(4)] == [4, 4, 2, 0]  # never-checked ones
    newest = sorted(s.path for s in stored)[-1]  # in the last batch (ties are read in path order)
    tamper(store, newest, b"!" * SIZE)  # same size: only re-hashing tells
    later = timezone.now()
    first = verify.check_files(checks.Selection("since-last", checked_before=later, max_bytes=4 * SIZE))
    assert first.ok and first.files_rehashed == 4  # the four checked longest ago
    rest = verify.check_files(checks.Selection("since-last", checked_before=later))
    assert rest.files_rehashed == 6
    assert [(f.code, f.detail["path"]) for f in rest.findings] == [("file_modified", newest)]
    # A changed file never counts as intact: the next incremental run reads it again.
    again = verify.check_files(checks.Selection("since-last"))
    assert again.files_rehashed == 1 and again.codes() == {"file_modified"}


def test_the_command_takes_the_modes_and_refuses_bad_options_with_a_message(ten_files, capsys):
    call_command("verify", "--files=sample", "--sample-percent", "20")
    out = capsys.readouterr().out
    assert "文件抽检（随机抽检 20% 的文件）：重新计算摘要 2 个，其余 8 个只核对了存在与大小" in out
    assert "核验通过" in out
    call_command("verify", "--files=since-last", "--max-bytes", "1M")
    assert "重新计算摘要 8 个" in capsys.readouterr().out  # the 8 never checked: 8 × 40 KB fit in 1 MiB
    for args, message in [
        (["--files=sample"], "需要 --sample-percent"),
        (["--files=sample", "--sample-percent", "150"], "需要 --sample-percent"),
        (["--sample-percent", "5"], "只用于 --files=sample"),
        (["--files=since-last", "--checked-before", "昨天"], "应为日期"),
        (["--files=since-last", "--max-bytes", "lots"], "字节预算"),
        (["--max-bytes", "1G"], "只用于"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("verify", *args)


def test_the_daily_job_reads_a_share_of_the_store_and_warns_of_a_changed_file(ten_files, caplog):
    store, stored = ten_files
    with override_settings(FILE_CHECK_DAYS=5):
        assert check_stored_files.call()["done"] == 2  # 1/5 of the bytes a day
        tamper(store, stored[9].path, b"?" * SIZE)
        results = [check_stored_files.call() for _ in range(4)]
    assert [r["done"] for r in results] == [2, 2, 2, 2]  # the whole store in five days
    # Once found, the changed file is read first and warned of every day until someone acts.
    first = [r["ok"] for r in results].index(False)
    assert not any(r["ok"] for r in results[first:])
    assert results[first]["summary"].startswith("警告：") and stored[9].path in results[first]["summary"]
    assert any(r.levelno == logging.WARNING and stored[9].path in r.getMessage() for r in caplog.records)
