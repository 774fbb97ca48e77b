"""Backup and restore (备份与恢复) through the `sanxiang` command, as an operator runs it.

Each installation is a subprocess with its own SANXIANG_DATA_DIR and DATABASE_URL: SQLite files
in tmp_path, or — when the suite runs on PostgreSQL — fresh databases on the same server.
"""

import base64
import gzip
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SANXIANG = str(Path(sys.executable).parent / "sanxiang")
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))


class Installation:
    """One Sanxiang installation: a data directory and a database."""

    def __init__(self, data_dir: Path, database_url: str, extra_env=None):
        self.data_dir = data_dir
        self.database_url = database_url
        self.extra_env = extra_env or {}

    def run(self, *args, check=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_")}
        env.update(SANXIANG_DATA_DIR=str(self.data_dir), DATABASE_URL=self.database_url,
                   PYTHONIOENCODING="utf-8", **self.extra_env)
        result = subprocess.run([SANXIANG, *args], env=env, capture_output=True, text=True,
                                timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"sanxiang {' '.join(args)} → {result.returncode}\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def sql(self, query):
        """One scalar from this installation's database (read directly, not through Django)."""
        if ON_POSTGRES:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(query).fetchone()[0]
        path = urlsplit(self.database_url).path
        with sqlite3.connect(path) as conn:
            return conn.execute(query).fetchone()[0]

    def table_exists(self, table):
        if ON_POSTGRES:
            return self.sql(f"SELECT count(*) FROM pg_tables WHERE tablename = '{table}'") > 0
        return self.sql(f"SELECT count(*) FROM sqlite_master WHERE name = '{table}'") > 0


class Factory:
    """Makes empty installations under `base`; drops their PostgreSQL databases on close."""

    def __init__(self, base: Path):
        self.base = base
        self.created = []

    def __call__(self, name, **extra_env):
        data_dir = self.base / name
        if ON_POSTGRES:
            import psycopg

            db = f"sx_backup_{name}_{secrets.token_hex(4)}"
            with psycopg.connect(SERVER_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            self.created.append(db)
            parts = urlsplit(SERVER_URL)
            url = urlunsplit(parts._replace(path="/" + db))
        else:
            data_dir.mkdir()
            url = f"sqlite:///{data_dir / 'sanxiang.sqlite3'}"
        return Installation(data_dir, url, extra_env)

    def close(self):
        if ON_POSTGRES and self.created:
            import psycopg

            with psycopg.connect(SERVER_URL, autocommit=True) as conn:
                for db in self.created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture
def installation(tmp_path):
    factory = Factory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """One installation with the demo data and a recorded file, shared by the module (read only)."""
    factory = Factory(tmp_path_factory.mktemp("source"))
    inst = factory("source")
    inst.run("migrate", "--noinput", "-v0")
    inst.run("demo")
    # A stored file, recorded in the ledger as the records app will do (verify checks it).
    inst.run("shell", "-c", REGISTER_FILE)
    yield inst
    factory.close()


@pytest.fixture(scope="module")
def pristine_backup(source, tmp_path_factory):
    backup_dir = tmp_path_factory.mktemp("pristine") / "backup"
    source.run("backup", str(backup_dir))
    return backup_dir


@pytest.fixture
def backup_dir(pristine_backup, tmp_path):
    """A private copy of the source's backup, free to damage."""
    copy = tmp_path / "backup"
    shutil.copytree(pristine_backup, copy)
    os.chmod(copy, 0o700)
    return copy


REGISTER_FILE = """
from django.conf import settings
from django.db import transaction
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.actions import append_entry
from sanxiang.lib.hashing import digest_stream
path = settings.DATA_DIR / "files" / "evidence" / "现场照片.txt"
path.parent.mkdir(parents=True)
path.write_text("不是真正的证据，只用来检查文件被备份。", encoding="utf-8")
with transaction.atomic(), open(path, "rb") as fh:
    append_entry(action="store_file", actor=OPERATOR,
                 files=[{"path": "evidence/现场照片.txt", **digest_stream(fh)}])
"""


def manifest_of(backup_dir):
    return json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))


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
    target.run("checkpoint")
    assert target.sql("SELECT count(*) FROM ledger_checkpoint") == checkpoints + 1
    assert target.run("verify", check=False).returncode == 0
    users = target.sql("SELECT count(*) FROM auth_user")
    target.run("shell", "-c",
               "from django.contrib.auth.models import User; User.objects.create(username='新用户')")
    assert target.sql("SELECT count(*) FROM auth_user") == users + 1


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
    assert target.sql("SELECT count(*) FROM ledger_ledgerentry") == 0
    assert target.sql("SELECT count(*) FROM auth_user") == 0
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


def test_restore_with_another_key_configured_trusts_the_backup_key(installation, backup_dir):

    other_key = base64.b64encode(os.urandom(32)).decode()
    target = installation("target", SANXIANG_SIGNING_KEY=other_key)
    restored = target.run("restore", str(backup_dir))
    assert "公钥已加入" in restored.stdout
    assert not (target.data_dir / "signing_key").exists()
    trusted = (target.data_dir / "trusted_keys").read_text(encoding="utf-8")
    assert trusted.count("sanxiang.local/ledger+") == 2  # Ed25519 and SM2 verifier keys
    verify = target.run("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
