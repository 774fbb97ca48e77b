"""Backup and restore (备份与恢复) through the `sanxiang` command, as an operator runs it.

Each installation is a subprocess with its own SANXIANG_DATA_DIR and DATABASE_URL: SQLite files
in tmp_path, or — when the suite runs on PostgreSQL — fresh databases on the same server.
"""

import base64
import gzip
import hashlib
import json
import os
import shutil
import stat

import pytest
from installations import ON_POSTGRES, REGISTER_FILE, Factory, manifest_of


@pytest.fixture
def installation(tmp_path):
    factory = Factory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def source(installations, small_installation):
    """A copy of the small installation (tests/core/conftest.py), shared by the module (read only)."""
    return installations.copy_of(small_installation, "backup-source")


@pytest.fixture(scope="module")
def pristine_backup(small_backup):
    return small_backup


@pytest.fixture
def backup_dir(pristine_backup, tmp_path):
    """A private copy of the source's backup, free to damage."""
    copy = tmp_path / "backup"
    shutil.copytree(pristine_backup, copy)
    os.chmod(copy, 0o700)
    return copy


def test_backup_then_restore_into_fresh_installation_verifies(source, installation, tmp_path):
    assert source.run("verify").returncode == 0
    backup_dir = tmp_path / "backup"
    out = source.run("backup", str(backup_dir)).stdout
    assert "备份完成" in out

    manifest = manifest_of(backup_dir)
    assert manifest["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert manifest["ledger"]["size"] == source.sql("SELECT count(*) FROM ledger_ledgerentry") > 0
    assert manifest["counts"]["auth.user"] == source.sql("SELECT count(*) FROM auth_user") > 0
    assert "files/evidence/现场照片.txt" in manifest["files"]
    assert {"created_at", "version", "engine", "counts", "ledger", "files"} <= set(manifest)
    # Backups hold the signing key and password hashes: only the owner may read them.
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    for path in backup_dir.rglob("*"):
        if path.name in ("signing_key", "manifest.json", "database.jsonl.gz"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    target = installation("target")
    restored = target.run("restore", str(backup_dir))
    assert "恢复完成" in restored.stdout
    assert "签名密钥已恢复" in restored.stdout
    verify = target.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # Same rows and the same ledger: a backup of the restored installation says so.
    again = tmp_path / "again"
    target.run("backup", str(again))
    second = manifest_of(again)
    assert second["counts"] == manifest["counts"]
    assert second["ledger"] == manifest["ledger"]
    copied = target.data_dir / "files" / "evidence" / "现场照片.txt"
    assert copied.read_text(encoding="utf-8").startswith("不是真正的证据")
    key = target.data_dir / "signing_key"
    assert key.read_bytes() == (backup_dir / "signing_key").read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600

    # The restored installation keeps working: new ids do not collide with restored ones.
    checkpoints = target.sql("SELECT count(*) FROM ledger_checkpoint")
    target.run("checkpoint", "--force")
    assert target.sql("SELECT count(*) FROM ledger_checkpoint") == checkpoints + 1
    assert target.run("verify", check=False).returncode == 0
    users = target.sql("SELECT count(*) FROM auth_user")
    target.run("shell", "-c",
               "from django.contrib.auth.models import User; User.objects.create(username='新用户')")
    assert target.sql("SELECT count(*) FROM auth_user") == users + 1


def test_the_whole_demo_backs_up_and_restores_row_for_row(demo_installation, demo_backup, installation, tmp_path):
    """Every table the demo fills — cases, moves, deadlines, documents, parties — through one backup."""
    manifest = manifest_of(demo_backup)
    assert manifest["counts"]["cases.case"] == demo_installation.sql("SELECT count(*) FROM cases_case") > 0
    assert manifest["counts"]["documents.document"] > 0
    target = installation("whole-demo")
    target.run("restore", str(demo_backup))
    verify = target.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    again = tmp_path / "again"
    target.run("backup", str(again))
    assert manifest_of(again)["counts"] == manifest["counts"]
    assert manifest_of(again)["ledger"] == manifest["ledger"]


def test_restore_into_non_empty_installation_is_refused(source, backup_dir):

    entries = source.sql("SELECT count(*) FROM ledger_ledgerentry")
    users = source.sql("SELECT count(*) FROM auth_user")
    refused = source.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "目标安装不是空的，拒绝恢复" in refused.stderr
    assert "留痕条目" in refused.stderr
    assert source.sql("SELECT count(*) FROM ledger_ledgerentry") == entries
    assert source.sql("SELECT count(*) FROM auth_user") == users


def test_restore_refused_when_only_one_user_exists(installation, backup_dir):

    target = installation("target")
    target.run("migrate", "--noinput", "-v0")
    target.run("shell", "-c",
               "from django.contrib.auth.models import User; User.objects.create(username='张三')")
    entries = target.sql("SELECT count(*) FROM ledger_ledgerentry")  # the calendar migrate seeded
    refused = target.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "目标安装不是空的" in refused.stderr
    assert target.sql("SELECT count(*) FROM auth_user") == 1
    assert target.sql("SELECT count(*) FROM ledger_ledgerentry") == entries


@pytest.mark.parametrize("damage, message", [
    ("flip_database", "database.jsonl.gz 的 SHA-256 与清单不符"),
    ("remove_file", "缺少文件 files/evidence/现场照片.txt"),
    ("extra_file", "清单之外的文件 evil.json"),
    ("truncate_database", "database.jsonl.gz 的 SHA-256 与清单不符"),
    ("no_manifest", "没有 manifest.json"),
    ("broken_manifest", "manifest.json 已损坏"),
])
def test_corrupted_backup_is_refused_and_nothing_is_written(installation, backup_dir, damage, message):

    if damage == "flip_database":
        path = backup_dir / "database.jsonl.gz"
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif damage == "remove_file":
        (backup_dir / "files" / "evidence" / "现场照片.txt").unlink()
    elif damage == "extra_file":
        (backup_dir / "evil.json").write_text("{}")
    elif damage == "truncate_database":
        path = backup_dir / "database.jsonl.gz"
        lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
        path.write_bytes(gzip.compress(b"".join(lines[:-1])))
    elif damage == "no_manifest":
        (backup_dir / "manifest.json").unlink()
    elif damage == "broken_manifest":
        (backup_dir / "manifest.json").write_text("{不是 JSON", encoding="utf-8")

    target = installation("target")
    refused = target.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert message in refused.stderr
    assert "Traceback" not in refused.stderr
    # Nothing written: not even the schema, no files, no key.
    assert not target.table_exists("ledger_ledgerentry")
    assert not (target.data_dir / "files").exists()
    assert not (target.data_dir / "signing_key").exists()


def test_rows_that_do_not_add_up_roll_back_everything(installation, backup_dir):
    """A backup whose digests are consistent but whose data disagree with its counts is refused."""
    manifest = manifest_of(backup_dir)
    path = backup_dir / "database.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    # Drop the last ledger entry and re-seal the manifest, as a careless tool might.
    last_entry = max(i for i, line in enumerate(lines) if b'"ledger.ledgerentry"' in line)
    del lines[last_entry]
    path.write_bytes(gzip.compress(b"".join(lines)))
    manifest["files"]["database.jsonl.gz"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    target = installation("target")
    refused = target.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "已回滚" in refused.stderr
    # Not even the schema stays: it was built aside (SQLite) or in the same transaction (PostgreSQL).
    assert not target.table_exists("ledger_ledgerentry")
    assert not target.table_exists("auth_user")
    assert not (target.data_dir / "files").exists()
    assert not (target.data_dir / "signing_key").exists()
    assert [p.name for p in target.data_dir.iterdir() if p.name.startswith(".")] == []


def test_a_backup_whose_key_did_not_sign_its_checkpoints_is_refused(installation, backup_dir):
    """A key file swapped in a backup (digest re-sealed) would sign new checkpoints in the
    deployment's name while matching none of the old ones: refused before anything commits."""
    manifest = manifest_of(backup_dir)
    key = backup_dir / "signing_key"
    key.write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    manifest["files"]["signing_key"] = hashlib.sha256(key.read_bytes()).hexdigest()
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    target = installation("target")
    refused = target.run("restore", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "没有签署账本最新的" in refused.stderr
    assert "这个密钥不属于这份账本" in refused.stderr
    assert "拒绝恢复，未写入任何数据" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not target.table_exists("ledger_ledgerentry")
    assert not (target.data_dir / "signing_key").exists()
    assert not (target.data_dir / "files").exists()


def test_backup_refuses_a_directory_that_is_not_empty(source, tmp_path):
    backup_dir = tmp_path / "backup"
    backup_dir.mkdir()
    (backup_dir / "old.txt").write_text("旧文件")
    refused = source.run("backup", str(backup_dir), check=False)
    assert refused.returncode == 1
    assert "已存在且不为空" in refused.stderr
    assert sorted(p.name for p in backup_dir.iterdir()) == ["old.txt"]

    empty = tmp_path / "empty"
    empty.mkdir()
    assert source.run("backup", str(empty)).returncode == 0
    assert (empty / "manifest.json").exists()


def test_restore_with_another_key_configured_trusts_the_backup_key(installation, backup_dir, tmp_path):

    other_key = base64.b64encode(os.urandom(32)).decode()
    target = installation("target", SANXIANG_SIGNING_KEY=other_key)
    restored = target.run("restore", str(backup_dir))
    assert "公钥已加入" in restored.stdout
    assert not (target.data_dir / "signing_key").exists()
    trusted = (target.data_dir / "trusted_keys").read_text(encoding="utf-8")
    assert trusted.count("sanxiang.local/ledger+") == 2  # Ed25519 and SM2 verifier keys
    verify = target.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # Backed up again before its own key signed anything: the backup carries `trusted_keys`, so
    # its key is accepted (the latest checkpoint is signed by a key it lists) and the third
    # installation verifies the old checkpoints too.
    second = tmp_path / "second"
    made = target.run("backup", str(second))
    assert "注意" not in made.stderr
    assert manifest_of(second)["trusted_keys"] == "trusted_keys"
    third = installation("third")
    third.run("restore", str(second))
    assert (third.data_dir / "signing_key").read_text().strip() == other_key
    assert "由 sanxiang restore 加入" in (third.data_dir / "trusted_keys").read_text(encoding="utf-8")
    verify = third.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_files_the_ledger_does_not_record_are_left_out_with_a_warning(installation, tmp_path):
    inst = installation("plain")
    inst.run("migrate", "--noinput", "-v0")
    inst.run("shell", "-c", REGISTER_FILE)
    stray = inst.data_dir / "files" / "tmp" / "半截上传.part"
    stray.parent.mkdir()
    stray.write_text("未登记")
    made = inst.run("backup", str(tmp_path / "backup"))
    assert "1 个账本未登记的文件，未备份" in made.stderr
    listed = manifest_of(tmp_path / "backup")["files"]
    assert "files/evidence/现场照片.txt" in listed
    assert not any("半截上传" in name for name in listed)
    copied = tmp_path / "backup" / "files" / "evidence" / "现场照片.txt"
    assert stat.S_IMODE(copied.stat().st_mode) == 0o600
