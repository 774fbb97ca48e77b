"""Backup and restore that survive being killed (可中断的备份与恢复), and a backup that blocks no one.

Real `sanxiang` processes, stopped at a pause point (sanxiang/core/pause.py) or after a random
delay, then SIGKILLed: afterwards the installation (or the backup directory) is either the old
state or the new, `sanxiang verify` says which honestly, and running the command again finishes
the job. On SQLite, and on PostgreSQL when the suite runs there (DATABASE_URL), where restore
takes another path (one transaction instead of a staged file).
"""

import random
import stat
import time

import pytest
from installations import kill, manifest_of, wait_until_paused

NOT_MIGRATED = "数据库尚未初始化"
UNFINISHED = "有一次没有完成的恢复"
POST = """
from django.contrib.auth import get_user_model
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.actions import do_post_announcement
for n in range(3):
    do_post_announcement(f"备份进行中写入的公告 {n}", actor=OPERATOR)
print("用户", get_user_model().objects.count())
"""


@pytest.fixture(scope="module")
def factory(installations):
    return installations


@pytest.fixture(scope="module")
def source(factory, small_installation):
    """A copy of the small installation (tests/core/conftest.py: the demo's agencies, people and
    witnesses, a recorded file and a signed checkpoint); tests that write to it say so."""
    return factory.copy_of(small_installation, "kill-source")


@pytest.fixture(scope="module")
def pristine_backup(small_backup):
    return small_backup


@pytest.fixture
def fresh(factory):
    names = iter(range(1000))
    return lambda: factory(f"t{time.monotonic_ns()}{next(names)}")


def entries(inst):
    return inst.sql("SELECT count(*) FROM ledger_ledgerentry")


def staging_left(directory, prefix):
    return sorted(p for p in directory.iterdir() if p.name.startswith(prefix))


# ---------------------------------------------------------------------------------------------
# A backup blocks no writer


def test_writes_commit_and_reads_succeed_while_a_backup_holds_its_snapshot(source, fresh, tmp_path):
    """The backup is held mid-dump (its snapshot open, the ledger table next): an action that
    appends three entries commits and a read answers — before the backup goes on. (Before, on
    SQLite, the backup held the write lock: the action waited out the 20 s busy timeout and failed.)"""
    before = entries(source)
    flag = tmp_path / "paused"
    backup_dir = tmp_path / "backup"
    process = source.start("backup", str(backup_dir), pause_at="backup:table:ledger.ledgerentry", flag=flag)
    try:
        wait_until_paused(process, flag)
        wrote = source.run("shell", "-c", POST, check=False)
        assert wrote.returncode == 0, wrote.stderr
        assert "用户" in wrote.stdout
        assert entries(source) == before + 3
        assert not backup_dir.exists()  # still paused, nothing in place yet
    finally:
        flag.unlink(missing_ok=True)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    # The backup is the snapshot taken before the writes, whole and consistent.
    assert manifest_of(backup_dir)["ledger"]["size"] == before
    target = fresh()
    target.run("restore", str(backup_dir))
    assert entries(target) == before
    verify = target.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr


# ---------------------------------------------------------------------------------------------
# Backup killed


@pytest.mark.parametrize("point", [
    "backup:snapshot",                       # snapshot open, nothing written yet
    "backup:table:ledger.ledgerentry",       # half the tables dumped
    "backup:files",                          # database dumped, files not copied
    "backup:before-rename",                  # whole, not yet in place
])
def test_a_killed_backup_leaves_no_backup_and_the_next_one_cleans_up(source, fresh, tmp_path, point):
    flag = tmp_path / "paused"
    target = tmp_path / "backups" / "sanxiang-today"
    process = source.start("backup", str(target), pause_at=point, flag=flag)
    wait_until_paused(process, flag)
    kill(process)

    assert not target.exists()
    [leftover] = staging_left(target.parent, ".sanxiang-backup-incomplete-")
    # What was written holds the signing key and password hashes: private, like a backup.
    assert stat.S_IMODE(leftover.stat().st_mode) == 0o700
    for path in leftover.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    if point != "backup:before-rename":
        assert "没有完成的三项备份" in (leftover / "INCOMPLETE").read_text(encoding="utf-8")
    refused = fresh().run("restore", str(leftover), check=False)
    assert refused.returncode == 1
    assert "被中断的备份留下的未完成目录" in refused.stderr

    again = source.run("backup", str(target))
    assert f"已删除上次被中断的备份留下的未完成目录：{leftover}" in again.stdout
    assert staging_left(target.parent, ".sanxiang-backup-incomplete-") == []
    assert not (target / "INCOMPLETE").exists()
    if point == "backup:table:ledger.ledgerentry":
        restored = fresh()
        restored.run("restore", str(target))
        verify = restored.run("verify", check=False)
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_running_backup_is_not_mistaken_for_an_abandoned_one(source, tmp_path):
    flag = tmp_path / "paused"
    backups = tmp_path / "backups"
    first = source.start("backup", str(backups / "first"), pause_at="backup:files", flag=flag)
    try:
        wait_until_paused(first, flag)
        [running] = staging_left(backups, ".sanxiang-backup-incomplete-")
        second = source.run("backup", str(backups / "second"))
        assert "已删除" not in second.stdout
        assert running.exists()  # its process holds the lock: left alone
    finally:
        flag.unlink(missing_ok=True)
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert sorted(p.name for p in backups.iterdir()) == ["first", "second"]


# ---------------------------------------------------------------------------------------------
# Restore killed


def assert_old_state(target):
    """The empty installation: nothing to verify, no key, no files, no marker."""
    verify = target.run("verify", check=False)
    assert verify.returncode == 1
    assert NOT_MIGRATED in verify.stderr, verify.stderr
    assert not target.table_exists("ledger_ledgerentry")
    assert not (target.data_dir / "signing_key").exists()
    assert not (target.data_dir / "files").exists()
    assert not (target.data_dir / "restore_unfinished.json").exists()


EVERY_KIND_OF_COMMAND = (["verify"], ["checkpoint"], ["serve", "127.0.0.1:0"], ["migrate"])


def assert_refuses_until_finished(target, commands=(["verify"],)):
    """Every command refuses through one check (sanxiang/cli.py, and the server's own): one kill point
    tries a command of each kind, the others `verify` (each is a process start)."""
    for args in commands:
        refused = target.run(*args, check=False)
        assert refused.returncode == 1, args
        assert UNFINISHED in refused.stderr, (args, refused.stderr)
        assert "sanxiang restore" in refused.stderr
        assert "Traceback" not in refused.stderr


def assert_new_state(target, backup_dir):
    manifest = manifest_of(backup_dir)
    assert entries(target) == manifest["ledger"]["size"]
    assert (target.data_dir / "files" / "evidence" / "现场照片.txt").is_file()
    key = target.data_dir / "signing_key"
    assert key.read_bytes() == (backup_dir / "signing_key").read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    witness_keys = manifest["witness_keys"]
    assert witness_keys, "the demo's supervising bodies witness the ledger with keys of their own"
    for rel in witness_keys:
        restored = target.data_dir / rel
        assert restored.read_bytes() == (backup_dir / rel).read_bytes()
        assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    assert not (target.data_dir / "restore_unfinished.json").exists()
    assert staging_left(target.data_dir, ".sanxiang-restore-incomplete-") == []
    verify = target.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.parametrize("point, committed", [
    ("restore:schema", False),     # data directory prepared, schema not yet built
    ("restore:rows", False),       # schema built (aside, or in the open transaction), no rows
    ("restore:commit", False),     # rows loaded and checked, marker written, not committed
    ("restore:files", True),       # database committed, files not in place
    ("restore:witness-keys", True),  # files in place, witness keys and signing key not
    ("restore:key", True),         # files and witness keys in place, signing key not
])
def test_a_killed_restore_leaves_the_old_installation_or_one_that_refuses_until_finished(
        pristine_backup, fresh, tmp_path, point, committed):
    target = fresh()
    flag = tmp_path / "paused"
    process = target.start("restore", str(pristine_backup), pause_at=point, flag=flag)
    wait_until_paused(process, flag)
    kill(process)

    if point == "restore:commit":
        # The marker is written just before the commit: the installation is still the old one,
        # but every command refuses until `restore` is run again.
        assert not target.table_exists("ledger_ledgerentry")
        assert_refuses_until_finished(target, EVERY_KIND_OF_COMMAND)
    elif committed:
        assert entries(target) == manifest_of(pristine_backup)["ledger"]["size"]
        assert_refuses_until_finished(target)
    else:
        assert_old_state(target)

    again = target.run("restore", str(pristine_backup))
    assert "恢复完成" in again.stdout
    if committed:
        assert "上次的恢复在数据库提交之后被中断" in again.stdout
    assert_new_state(target, pristine_backup)


def test_an_unfinished_restore_is_finished_only_with_its_own_backup(pristine_backup, fresh, source, tmp_path):
    other = tmp_path / "other"
    source.run("backup", str(other))
    target = fresh()
    flag = tmp_path / "paused"
    process = target.start("restore", str(pristine_backup), pause_at="restore:files", flag=flag)
    wait_until_paused(process, flag)
    kill(process)
    refused = target.run("restore", str(other), check=False)
    assert refused.returncode == 1
    assert "来自另一个备份" in refused.stderr
    assert str(pristine_backup) in refused.stderr
    target.run("restore", str(pristine_backup))
    assert_new_state(target, pristine_backup)


# ---------------------------------------------------------------------------------------------
# Killed at random moments


def test_backup_and_restore_killed_after_random_delays(source, pristine_backup, fresh, tmp_path):
    """No pause points: SIGKILL after a random share of each command's measured duration."""
    rng = random.Random(20261123)
    started = time.monotonic()
    source.run("backup", str(tmp_path / "timed"))
    backup_seconds = time.monotonic() - started
    timed = fresh()
    started = time.monotonic()
    timed.run("restore", str(pristine_backup))
    restore_seconds = time.monotonic() - started

    for round_ in range(2):
        target = tmp_path / f"backup-{round_}"
        process = source.start("backup", str(target))
        time.sleep(rng.uniform(0.1, 1.0) * backup_seconds)
        process.kill()
        process.communicate(timeout=60)
        # Whole and in place, or absent: never a partial directory under the target's name.
        if target.exists():
            assert manifest_of(target)["ledger"]["size"] > 0
            assert not (target / "INCOMPLETE").exists()
        source.run("backup", str(tmp_path / f"after-{round_}"))
        assert staging_left(tmp_path, ".sanxiang-backup-incomplete-") == []

    for round_ in range(2):
        inst = fresh()
        process = inst.start("restore", str(pristine_backup))
        time.sleep(rng.uniform(0.1, 1.0) * restore_seconds)
        process.kill()
        process.communicate(timeout=60)
        verify = inst.run("verify", check=False)
        if verify.returncode == 0:
            assert_new_state(inst, pristine_backup)  # it had finished
        else:
            # Honest: an empty installation, or one that says its restore is unfinished.
            assert NOT_MIGRATED in verify.stderr or UNFINISHED in verify.stderr, verify.stdout + verify.stderr
            inst.run("restore", str(pristine_backup))
            assert_new_state(inst, pristine_backup)


def test_stale_restore_staging_is_removed_by_the_next_restore(pristine_backup, fresh, tmp_path):
    target = fresh()
    flag = tmp_path / "paused"
    process = target.start("restore", str(pristine_backup), pause_at="restore:rows", flag=flag)
    wait_until_paused(process, flag)
    kill(process)
    [leftover] = staging_left(target.data_dir, ".sanxiang-restore-incomplete-")
    again = target.run("restore", str(pristine_backup))
    assert f"已删除上次被中断的恢复留下的未完成目录：{leftover}" in again.stdout
    assert_new_state(target, pristine_backup)
