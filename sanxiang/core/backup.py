"""Backup and restore (备份与恢复) of one installation: database, ledger, files, signing key and
the witness identities' keys.

The database is dumped engine-neutrally, table by table, as raw rows (column values with their
primary keys kept) so a restore reproduces every ledgered row bit for bit — the state digests in the
ledger cover primary keys, foreign-key ids and datetimes to the microsecond. Django's own
`dumpdata` is not used because its JSON encoder cuts datetimes to milliseconds and its `loaddata`
saves by UPDATE-then-INSERT, which the ledger's append-only triggers refuse.
See docs/decisions/0002-backup-format.md.

Both survive being killed at any point (docs/decisions/0012-kill-safe-backup-and-restore.md):
a backup reads one snapshot that never blocks writers, is written into a hidden directory beside
its target and renamed into place when whole; a restore builds the database aside (SQLite: a
staged file renamed over the empty one; PostgreSQL: one transaction, schema included) and leaves
a marker until files and key are in place, so an installation is either the old empty one or the
restored one, and every command refuses while a restore is unfinished.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import functools
import gzip
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from sanxiang.core import pause
from sanxiang.lib.hashing import sha256_file

FORMAT = "sanxiang-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILE = "database.jsonl.gz"
KEY_FILE = "signing_key"
FILES_DIR = "files"
TRUSTED_KEYS = "trusted_keys"
# The witness identities' seeds (sanxiang.witness.keys), at the same paths as in the data directory.
WITNESS_KEY = "witness_key"
WITNESS_KEYS_DIR = "witness_keys"
_WITNESS_KEY_PATH = re.compile(r"^(witness_key|witness_keys/[A-Za-z0-9][A-Za-z0-9._-]{0,63})$")
BATCH = 2000

# A backup is written into `.sanxiang-backup-incomplete-<name>-<random>` beside its target, with
# this note inside until it is whole; a restore stages inside the data directory. Each holds an
# exclusive flock on its directory while its process lives, so a leftover whose lock is free was
# abandoned (the process was killed) and is removed by the next run.
BACKUP_STAGING = ".sanxiang-backup-incomplete-"
RESTORE_STAGING = ".sanxiang-restore-incomplete-"
INCOMPLETE_NOTE = "INCOMPLETE"
# In the data directory from just before a restore's database commits until its files and key are
# in place: every command but `restore` refuses to run while it exists.
UNFINISHED_RESTORE = "restore_unfinished.json"

# Rebuilt by `migrate` on every installation, or transient (sessions, the job queue and its
# slots: a restored installation's worker starts afresh): never part of a backup.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry",
            "django_tasks_database.dbtaskresult", "jobs.scheduledrun"}


class BackupError(Exception):
    """A refusal with a message for the operator (简体中文)."""


# ---------------------------------------------------------------------------------------------
# Models and values


def backup_models() -> list[type[models.Model]]:
    """Every table that holds data of this installation, m2m tables included, in a stable order."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in EXCLUDED:
            continue
        found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def _natural_target(field) -> str | None:
    """Foreign keys into tables that `migrate` rebuilds are kept by natural key, not by id."""
    if field.is_relation and (field.many_to_one or field.one_to_one):
        label = field.related_model._meta.label_lower
        if label in ("contenttypes.contenttype", "auth.permission"):
            return label
    return None


def _encode(field, value):
    if value is None:
        return None
    kind = field.get_internal_type()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if kind == "DurationField":
        return value.days * 86_400_000_000 + value.seconds * 1_000_000 + value.microseconds
    if kind == "BinaryField":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind in ("DecimalField", "UUIDField"):
        return str(value)
    return value


def _decode(field, value):
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "JSONField":
        return value
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind in ("DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField"):
        return field.to_python(value)
    return value


@functools.lru_cache(maxsize=4096)
def _natural_key_of(label: str, pk):
    model = apps.get_model(label)
    return list(model._base_manager.get(pk=pk).natural_key())


def _pk_of_natural(label: str, key):
    model = apps.get_model(label)
    try:
        return model._default_manager.get_by_natural_key(*key).pk
    except model.DoesNotExist:
        raise BackupError(f"备份引用的 {label} {key} 在本安装中不存在：请用与备份相同版本的三项恢复。")


# ---------------------------------------------------------------------------------------------
# Digests, ledger root




def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def ledger_size_and_root() -> tuple[int, str]:
    """RFC 6962 §2.1 tree head over the stored entries, leaves recomputed from the entry bytes."""
    from sanxiang.ledger.models import LedgerEntry

    stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
    size = 0
    for entry in LedgerEntry.objects.order_by("index").values_list("entry", flat=True).iterator(5000):
        item = (1, hashlib.sha256(b"\x00" + entry.encode("utf-8")).digest())
        size += 1
        while stack and stack[-1][0] == item[0]:
            left = stack.pop()
            item = (left[0] * 2, _node(left[1], item[1]))
        stack.append(item)
    if not stack:
        return 0, hashlib.sha256(b"").hexdigest()
    root = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        root = _node(left, root)
    return size, root.hex()


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([list(key) for key in recorder.applied_migrations()])


# ---------------------------------------------------------------------------------------------
# Signing key


def configured_key() -> tuple[str, bytes] | None:
    """The deployment's signing key: ("env", value) or ("file", bytes), or None."""
    if settings.SIGNING_KEY:
        return "env", settings.SIGNING_KEY.encode("utf-8")
    path = Path(settings.SIGNING_KEY_FILE)
    if path.exists():
        return "file", path.read_bytes()
    return None


def public_key_lines(key: bytes, origin: str) -> list[str] | None:
    """The verifier keys (Go note vkey form) of a signing key, as `trusted_keys` lists them."""
    try:
        from sanxiang.ledger import signing

        signer = signing.Signer(base64.b64decode(key.strip(), validate=True), origin)
    except Exception:  # no ledger signing module yet, or a key in another form
        return None
    return [signer.ed25519.vkey, signer.sm2.vkey]


# ---------------------------------------------------------------------------------------------
# Witness keys


def witness_key_files() -> dict[str, bytes]:
    """The witness identities' seeds in the data directory, by their path relative to it."""
    data_dir = Path(settings.DATA_DIR)
    candidates = [data_dir / WITNESS_KEY]
    folder = data_dir / WITNESS_KEYS_DIR
    if folder.is_dir():
        candidates += sorted(folder.iterdir())
    found = {}
    for path in candidates:
        rel = path.relative_to(data_dir).as_posix()
        if _WITNESS_KEY_PATH.match(rel) and path.is_file() and not path.is_symlink():
            found[rel] = path.read_bytes()
    return found


def _witness_key_path_of(log) -> str:
    return f"{WITNESS_KEYS_DIR}/{log.holder.code}" if log.holder_id else WITNESS_KEY


def witness_key_problems(keys: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """(keys that are not the one a watched log registered, identities without a key), as phrases.

    Read from the current database, as `key_problem`: the snapshot during a backup, the rows not
    yet committed during a restore. A key is compared by the verifier key it gives under the
    identity's registered name."""
    from sanxiang.witness.cosign import Cosigner
    from sanxiang.witness.models import WatchedLog

    wrong, missing = [], []
    seen = set()
    for log in WatchedLog.objects.select_related("holder").order_by("pk"):
        rel = _witness_key_path_of(log)
        if (rel, log.witness_vkey) in seen:
            continue
        seen.add((rel, log.witness_vkey))
        if rel not in keys:
            missing.append(f"见证身份 {log.witness_name} 的见证密钥 {rel}")
            continue
        try:
            vkey = Cosigner(log.witness_name, base64.b64decode(keys[rel].strip(), validate=True)).vkey
        except Exception:  # not base64, or not 32 bytes
            vkey = None
        if vkey != log.witness_vkey:
            wrong.append(f"见证密钥 {rel} 不是见证的日志“{log.name}”登记的见证公钥 {log.witness_vkey} 所对应的密钥")
    return wrong, missing


def _witness_key_refusal(keys: dict[str, bytes]) -> str | None:
    """Why a restore must not put these witness keys in place, or None."""
    wrong, _ = witness_key_problems(keys)
    data_dir = Path(settings.DATA_DIR)
    for rel, data in sorted(keys.items()):
        present = data_dir / rel
        if present.exists() and present.read_bytes().strip() != data.strip():
            wrong.append(f"目标数据目录已有另一把见证密钥 {present}（不会覆盖它）")
    return "；".join(wrong) or None


def _restore_witness_keys(source: Path, manifest: dict) -> str:
    """Put the backup's witness keys in place (0600, `witness_keys/` 0700); idempotent."""
    from sanxiang.witness.models import WatchedLog

    names = manifest.get("witness_keys")
    if names is None:
        if not WatchedLog.objects.exists():
            return ""
        return ("这份备份早于见证密钥进入备份，其中没有见证密钥：请手工取回原安装数据目录中的 "
                "witness_key 和 witness_keys/，否则本实例不能再以原见证身份联署。")
    data_dir = Path(settings.DATA_DIR)
    for rel in names:
        target = data_dir / rel
        data = (source / rel).read_bytes()
        if target.exists() and target.read_bytes() == data:
            continue
        target.parent.mkdir(mode=0o700, exist_ok=True)
        _replace_secret(target, data)
    if not names:
        return ""
    return f"见证密钥已恢复：{'、'.join(names)}（权限 0600）。"


# ---------------------------------------------------------------------------------------------
# Staging directories, written whole or not at all


def _write_secret(path: Path, data: bytes):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _replace_secret(path: Path, data: bytes):
    """Write `path` (0600) whole: a reader, or a process killed meanwhile, sees old or new bytes."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    _write_secret(partial, data)
    _fsync(partial)
    os.replace(partial, path)
    _fsync(path.parent)


def _fsync(path: Path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path):
    """Flush every file and directory under `root` before it is renamed into place: a power cut
    after the rename must not leave a whole-looking backup with empty files."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            _fsync(Path(dirpath, name))
        _fsync(Path(dirpath))


class Staging:
    """A private (0700) directory named `<parent>/<prefix>…`, locked while this process lives."""

    def __init__(self, parent: Path, prefix: str):
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self.kept = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.kept:
            shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._fd)


def remove_abandoned(parent: Path, prefix: str) -> list[str]:
    """Delete the staging directories under `parent` that a killed process left; return them."""
    removed = []
    try:
        children = sorted(parent.iterdir())
    except FileNotFoundError:
        return removed
    for child in children:
        if not child.name.startswith(prefix) or child.is_symlink() or not child.is_dir():
            continue
        try:
            fd = os.open(child, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # another backup or restore is writing it right now
        try:
            shutil.rmtree(child)
            removed.append(str(child))
        finally:
            os.close(fd)
    return removed


# ---------------------------------------------------------------------------------------------
# Backup


@contextlib.contextmanager
def read_snapshot():
    """One consistent view of the whole database for as long as the dump takes, blocking no writer.

    PostgreSQL: a REPEATABLE READ READ ONLY transaction. SQLite: a read transaction (the
    installation runs in WAL mode, where readers never block writers) — not Django's `atomic()`,
    which here begins IMMEDIATE and would hold the write lock for the whole dump.
    """
    if connection.vendor != "sqlite":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("read_snapshot() cannot run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        cursor.execute("SELECT count(*) FROM sqlite_master")  # the snapshot starts at the first read
        cursor.fetchone()
    try:
        yield
        if not connection.connection.in_transaction:
            raise BackupError("读快照在备份过程中被提前结束，备份不一致：请重新运行 sanxiang backup。")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def _dump_database(path: Path, recorded_files: dict[str, dict]) -> dict[str, int]:
    """Write every table's rows; collect the files the dumped ledger records as present."""
    counts = {}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3) as out:
        for model in backup_models():
            fields = list(model._meta.local_concrete_fields)
            natural = {f.attname: _natural_target(f) for f in fields}
            label = model._meta.label_lower
            entry_column = [f.attname for f in fields].index("entry") if label == "ledger.ledgerentry" else None
            count = 0
            pause.point(f"backup:table:{label}")
            rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
            for row in rows.iterator(BATCH):
                values = {}
                for field, value in zip(fields, row):
                    target = natural[field.attname]
                    if target and value is not None:
                        values[field.attname] = {"natural_key": _natural_key_of(target, value)}
                    else:
                        values[field.attname] = _encode(field, value)
                out.write(json.dumps({"model": label, "row": values}, ensure_ascii=False).encode("utf-8"))
                out.write(b"\n")
                count += 1
                if entry_column is not None and '"files":[{' in row[entry_column]:
                    _note_files(row[entry_column], recorded_files)
            counts[label] = count
    return counts


def _note_files(entry: str, recorded_files: dict[str, dict]):
    """The latest mention of a path wins, as `verify` reads them."""
    try:
        body = json.loads(entry)
    except ValueError:
        return  # a damaged entry: `verify` names it; the backup keeps its bytes as they are
    for record in body.get("files") or ():
        if isinstance(record, dict) and isinstance(record.get("path"), str):
            recorded_files[record["path"]] = record


def _copy_recorded_files(recorded_files: dict[str, dict], target: Path) -> list[str]:
    """Copy the files the snapshot's ledger records (0600, directories 0700); return warnings.

    Files are copied after the snapshot closed, so a file stored while the backup ran, whose entry
    the snapshot does not hold, is not copied: the backup stays what its ledger says.
    """
    from sanxiang import storage

    if not storage.is_filesystem():
        return _copy_recorded_objects(recorded_files, target)
    source_root = (Path(settings.DATA_DIR) / FILES_DIR).resolve()
    warnings, missing = [], []
    for rel, record in sorted(recorded_files.items()):
        if record.get("deleted"):
            continue
        source = (source_root / rel).resolve()
        if source_root not in source.parents:
            continue  # a path outside the files directory: `verify` names it
        if not source.is_file():
            missing.append(rel)
            continue
        copy = target / FILES_DIR / Path(rel)
        for parent in reversed(copy.relative_to(target).parents):
            if parent != Path("."):
                (target / parent).mkdir(mode=0o700, exist_ok=True)
        shutil.copy2(source, copy)
        os.chmod(copy, 0o600)
    if missing:
        warnings.append(f"账本登记的 {len(missing)} 个文件在复制时已不存在，未备份："
                        + "、".join(missing[:5]) + ("…" if len(missing) > 5 else ""))
    if source_root.is_dir():
        recorded = {(source_root / rel).resolve() for rel in recorded_files}
        untracked = sum(1 for p in source_root.rglob("*") if p.is_file() and p.resolve() not in recorded)
        if untracked:
            warnings.append(f"文件目录中有 {untracked} 个账本未登记的文件，未备份（sanxiang verify 会在本安装上列出它们）。")
    return warnings


def _copy_recorded_objects(recorded_files: dict[str, dict], target: Path) -> list[str]:
    """The S3 store's counterpart of `_copy_recorded_files`: each recorded object is streamed into
    `files/<path>` of the backup (one chunk in memory at a time) while its SHA-256 is computed; an
    object whose bytes no longer match its ledger record is left out with a warning, so a restore
    never brings back a changed file as if it were the recorded one."""
    from sanxiang import storage

    warnings, missing, changed = [], [], []
    recorded = set()
    for rel, record in sorted(recorded_files.items()):
        if record.get("deleted"):
            continue
        try:
            rel = storage.checked_path(rel)
        except storage.StorageError:
            continue  # `verify` names it
        recorded.add(rel)
        copy = target / FILES_DIR / Path(rel)
        for parent in reversed(copy.relative_to(target).parents):
            if parent != Path("."):
                (target / parent).mkdir(mode=0o700, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with storage.open_file(rel) as fh, open(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                for chunk in storage.read_chunks(fh):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except storage.StorageError as exc:
            copy.unlink(missing_ok=True)
            if "缺失" not in str(exc):
                raise BackupError(f"无法从文件存储读取 {rel}，备份未完成：{exc}") from exc
            missing.append(rel)
            continue
        if (record.get("sha256") not in (None, digest.hexdigest())) or record.get("size") not in (None, size):
            copy.unlink()
            changed.append(rel)
    if missing:
        warnings.append(f"账本登记的 {len(missing)} 个文件在复制时已不存在，未备份："
                        + "、".join(missing[:5]) + ("…" if len(missing) > 5 else ""))
    if changed:
        warnings.append(f"{len(changed)} 个文件的内容与账本记录不符，未备份（sanxiang verify 会列出它们）："
                        + "、".join(changed[:5]) + ("…" if len(changed) > 5 else ""))
    try:
        untracked = sum(1 for rel, _ in storage.listing() if rel not in recorded)
    except storage.StorageError as exc:
        raise BackupError(f"无法列出文件存储中的文件，备份未完成：{exc}") from exc
    if untracked:
        warnings.append(f"文件存储中有 {untracked} 个账本未登记的文件，未备份（sanxiang verify 会在本安装上列出它们）。")
    return warnings


def _store_name() -> str:
    from sanxiang import storage

    return "filesystem" if storage.is_filesystem() else "s3"


KEY_CHECK_CHECKPOINTS = 1000


def key_problem(key: bytes | None, origin: str, trusted: str = "") -> str | None:
    """Why `key` cannot be this ledger's signing key, or None when it is.

    It is when its Ed25519 signature is on one of the latest checkpoints within the tree (a forged
    row beyond the tree or with a bad signature is passed over — `verify` names those), or, just
    after a key change before the new key signed anything, when a key listed in `trusted` (the
    `trusted_keys` text) signed one. Read from the current database: during a backup its
    snapshot, during a restore the rows not yet committed.
    """
    from sanxiang.ledger import signing
    from sanxiang.ledger.models import Checkpoint, LedgerEntry

    size = LedgerEntry.objects.count()
    notes = list(Checkpoint.objects.filter(tree_size__lte=size).order_by("-tree_size", "-pk")
                 .values_list("note", flat=True)[:KEY_CHECK_CHECKPOINTS])
    if not notes:
        return None
    if key is None:
        return "账本有已签名的检查点，备份中却没有签名密钥"
    try:
        signer = signing.Signer(base64.b64decode(key.strip(), validate=True), origin)
    except Exception:  # not base64, or not 32 bytes
        return "签名密钥格式不对（应为 base64 编码的 32 字节）"
    verifiers = [signer.ed25519]
    for line in trusted.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            with contextlib.suppress(signing.SigningKeyError):
                verifiers.append(signing.parse_vkey(line))
    verifiers = [v for v in verifiers if v.kind == "ed25519"]  # SM2 in pure Python is slow
    for note in notes:
        with contextlib.suppress(ValueError):
            if signing.open_note(note, verifiers).verified:
                return None
    return (f"签名密钥（公钥 {signer.ed25519.vkey}）没有签署账本最新的 {len(notes)} 个检查点中的任何一个："
            "这个密钥不属于这份账本")


def backup(target: Path) -> dict:
    """Write a backup of this installation into `target` (absent or empty); return the manifest.

    The manifest's `cleaned` lists abandoned staging directories removed beside the target.
    """
    target = Path(target).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"备份目录 {target} 已存在且不为空：请指定一个新的或空的目录。")
    target.parent.mkdir(parents=True, exist_ok=True)
    cleaned = remove_abandoned(target.parent, BACKUP_STAGING)
    with Staging(target.parent, f"{BACKUP_STAGING}{target.name}-") as staging:
        _write_secret(staging.path / INCOMPLETE_NOTE, (
            "这是一次没有完成的三项备份（sanxiang backup 被中断）：不能用于恢复。\n"
            "下一次 sanxiang backup 会删除它；它含签名密钥和口令散列，也可以立即删除。\n"
        ).encode("utf-8"))
        manifest = _backup_into(staging.path)
        (staging.path / INCOMPLETE_NOTE).unlink()
        _fsync_tree(staging.path)
        pause.point("backup:before-rename")
        try:
            os.replace(staging.path, target)  # rename(2) replaces an absent or empty directory
        except OSError:
            raise BackupError(f"备份目录 {target} 已存在且不为空（另一次备份刚刚写入？）：请指定一个新的目录。")
        staging.kept = True
        _fsync(target.parent)
    manifest["cleaned"] = cleaned
    return manifest


def _backup_into(target: Path) -> dict:
    recorded_files: dict[str, dict] = {}
    with read_snapshot():
        pause.point("backup:snapshot")
        counts = _dump_database(target / DATABASE_FILE, recorded_files)
        size, root = ledger_size_and_root()
        migrations = applied_migrations()
        key = configured_key()
        trusted = Path(settings.DATA_DIR) / TRUSTED_KEYS
        trusted_text = trusted.read_text("utf-8") if trusted.is_file() else ""
        wrong_key = key_problem(key[1] if key else None, settings.LEDGER_ORIGIN, trusted_text)
        witness_keys = witness_key_files()
        wrong_witness_keys, missing_witness_keys = witness_key_problems(witness_keys)
    pause.point("backup:files")
    warnings = _copy_recorded_files(recorded_files, target)
    if wrong_key:
        warnings.append(f"{wrong_key}。sanxiang restore 会拒绝这份备份：请配置正确的签名密钥再备份。")
    if key is not None:
        _write_secret(target / KEY_FILE, key[1])
    if trusted_text:
        _write_secret(target / TRUSTED_KEYS, trusted_text.encode("utf-8"))
    for rel, data in witness_keys.items():
        (target / rel).parent.mkdir(mode=0o700, exist_ok=True)
        _write_secret(target / rel, data)
    if wrong_witness_keys:
        warnings.append("；".join(wrong_witness_keys) + "。sanxiang restore 会拒绝这份备份：请找回原来的见证密钥再备份。")
    if missing_witness_keys:
        warnings.append("数据目录中缺少" + "、".join(missing_witness_keys)
                        + "：恢复后这些见证身份不能再联署，请从更早的备份取回密钥。")
    digests = {}
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        if path.name != INCOMPLETE_NOTE or path.parent != target:
            digests[path.relative_to(target).as_posix()] = sha256_file(path)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "version": _version(),
        "engine": connection.vendor,
        "counts": counts,
        "migrations": migrations,
        "ledger": {"size": size, "root": root},
        "signing_key": KEY_FILE if key is not None else None,
        "trusted_keys": TRUSTED_KEYS if trusted_text else None,
        "witness_keys": sorted(witness_keys),
        "ledger_origin": settings.LEDGER_ORIGIN,
        "files": digests,
        "store": _store_name(),  # where the installation kept the files under files/ (informational)
        "warnings": warnings,
    }
    _write_secret(target / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return manifest


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sanxiang")
    except PackageNotFoundError:
        return "0+unknown"


# ---------------------------------------------------------------------------------------------
# Restore


def read_manifest(source: Path) -> dict:
    """Load the manifest and check every file of the backup against it; raise when anything is off."""
    source = Path(source)
    if not source.is_dir():
        raise BackupError(f"备份目录 {source} 不存在。")
    if source.name.startswith(BACKUP_STAGING) or (source / INCOMPLETE_NOTE).exists():
        raise BackupError(f"{source} 是一次被中断的备份留下的未完成目录，不能用于恢复："
                          "请删除它，重新运行 sanxiang backup。")
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 中没有 {MANIFEST}：这不是完整的三项备份。")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} 已损坏，无法读取：{exc}")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} 的格式不是 {FORMAT}，拒绝恢复。")
    listed = manifest.get("files") or {}
    present = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    present.discard(MANIFEST)
    problems = []
    for name in sorted(set(listed) - present):
        problems.append(f"缺少文件 {name}")
    for name in sorted(present - set(listed)):
        problems.append(f"清单之外的文件 {name}")
    for name in sorted(set(listed) & present):
        if sha256_file(source / name) != listed[name]:
            problems.append(f"文件 {name} 的 SHA-256 与清单不符")
    if DATABASE_FILE not in listed:
        problems.append(f"清单中没有数据库文件 {DATABASE_FILE}")
    witness_keys = manifest.get("witness_keys")
    if witness_keys is not None and (not isinstance(witness_keys, list) or any(
            not isinstance(rel, str) or not _WITNESS_KEY_PATH.match(rel) or rel not in listed for rel in witness_keys)):
        problems.append("清单中的见证密钥列表不合法")
    if problems:
        raise BackupError("备份已损坏，拒绝恢复，未写入任何数据：" + "；".join(problems) + "。")
    return manifest


def _existing_tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _must_be_empty(model) -> bool:
    """Rows that only people or actions create: their presence means the installation is in use."""
    from django.contrib.auth import get_user_model

    from sanxiang.ledger.models import Ledgered

    return (
        model._meta.app_label == "ledger"
        or model is get_user_model()
        or issubclass(model, Ledgered)
    )


def occupied(tables: set[str] | None = None) -> list[str]:
    """What makes this installation non-empty, as phrases for the refusal message."""
    tables = _existing_tables() if tables is None else tables
    found = []
    for model in backup_models():
        if model._meta.db_table in tables and _must_be_empty(model):
            count = model._base_manager.count()
            if count:
                found.append(f"{model._meta.verbose_name}（{model._meta.label_lower}）{count} 行")
    files = Path(settings.DATA_DIR) / FILES_DIR
    if files.is_dir() and any(files.iterdir()):
        found.append(f"文件目录 {files} 不为空")
    if _store_name() == "s3":
        from sanxiang import storage

        try:
            if next(iter(storage.listing()), None) is not None:
                found.append(f"文件存储（S3 存储桶 {storage.backend().bucket_name}）不为空")
        except storage.StorageError as exc:
            found.append(str(exc))
    return found


def _check_migrations(manifest):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {tuple(key) for key in loader.graph.nodes}
    wanted = {tuple(key) for key in manifest.get("migrations", [])}
    if wanted != known:
        newer = sorted(wanted - known)
        older = sorted(known - wanted)
        detail = []
        if newer:
            detail.append("备份有本版本没有的迁移 " + ", ".join(".".join(k) for k in newer[:5]))
        if older:
            detail.append("本版本有备份之后的迁移 " + ", ".join(".".join(k) for k in older[:5]))
        raise BackupError(
            "备份的数据库结构与本版本三项不同（" + "；".join(detail) + "）："
            f"请用与备份相同的版本（{manifest.get('version')}）恢复，再升级。"
        )


def unfinished_restore() -> dict | None:
    """The marker of a restore that was interrupted after its database committed, or None."""
    path = Path(settings.DATA_DIR) / UNFINISHED_RESTORE
    try:
        marker = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError):
        marker = {}
    return marker if isinstance(marker, dict) else {}


def unfinished_restore_message() -> str | None:
    """The refusal every command but `restore` gives while a restore is unfinished."""
    marker = unfinished_restore()
    if marker is None:
        return None
    source = marker.get("source") or "（备份目录）"
    return (f"数据目录 {settings.DATA_DIR} 中有一次没有完成的恢复（来自备份 {source}，"
            f"标记文件 {UNFINISHED_RESTORE}）：数据库可能已恢复，但文件或签名密钥还没有就位。"
            f"请重新运行 `sanxiang restore {source}` 完成它；在此之前其它命令一律拒绝运行。")


class UnfinishedRestore(RuntimeError):
    """恢复未完成 — a server or worker refuses to start (简体中文 message)."""


def refuse_to_serve_if_restore_unfinished(what: str = "三项平台") -> None:
    """Servers and the job worker must not start on a half-restored installation: its database
    may be restored while its files or signing key are not in place yet (decision 0012)."""
    message = unfinished_restore_message()
    if message is not None:
        raise UnfinishedRestore(f"{what}拒绝启动：{message}")


def _write_marker(source: Path, manifest_digest: str):
    _replace_secret(Path(settings.DATA_DIR) / UNFINISHED_RESTORE, json.dumps({
        "source": str(source), "manifest_sha256": manifest_digest,
        "started_at": timezone.now().isoformat(), "pid": os.getpid(),
    }, ensure_ascii=False).encode("utf-8"))


def _database_matches(manifest: dict) -> bool:
    """True when this database holds exactly the backup's rows (a restore committed)."""
    tables = _existing_tables()
    by_label = {m._meta.label_lower: m for m in backup_models()}
    for label, count in (manifest.get("counts") or {}).items():
        model = by_label.get(label)
        if model is None or model._meta.db_table not in tables or model._base_manager.count() != count:
            return False
    ledger = manifest.get("ledger") or {}
    return ledger_size_and_root() == (ledger.get("size"), ledger.get("root"))


@contextlib.contextmanager
def _sqlite_database_at(path: Path):
    """Point the default connection at another SQLite file for a while."""
    conn = connections["default"]
    conn.close()
    original = conn.settings_dict["NAME"]
    conn.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        conn.close()  # the last connection to a WAL database folds its -wal file back in
        conn.settings_dict["NAME"] = original


def restore(source: Path, *, migrate=None) -> dict:
    """Restore the backup in `source` into this (empty) installation; return the manifest.

    `migrate` is called to create the schema (the management command passes `call_command`).
    Killed at any point, the installation is the old (empty) one — perhaps with an abandoned
    staging directory that the next restore removes — or the restored one; between the two, a
    marker makes every other command refuse until `restore` is run again with the same backup,
    which then finishes (files and key) instead of starting over.
    """
    source = Path(source).absolute()
    manifest = read_manifest(source)
    _check_migrations(manifest)
    digest = sha256_file(source / MANIFEST)
    data_dir = Path(settings.DATA_DIR)
    manifest["cleaned"] = remove_abandoned(data_dir, RESTORE_STAGING)
    marker = unfinished_restore()
    if marker is not None:
        if marker.get("manifest_sha256") != digest:
            raise BackupError(
                f"本安装有一次没有完成的恢复，来自另一个备份（{marker.get('source')}）："
                "请用那个备份重新运行 sanxiang restore 完成它。"
            )
        if _tables_exist() and _database_matches(manifest):
            manifest["resumed"] = True
            manifest["key_outcome"] = _finish(source, manifest, staged_files=None)
            return manifest
        (data_dir / UNFINISHED_RESTORE).unlink()  # killed before its database committed: start over
    found = occupied(_existing_tables())
    if found:
        raise BackupError(
            "目标安装不是空的，拒绝恢复（" + "；".join(found) + "）。"
            "请在新的数据目录和空数据库上恢复（restore 自己建立数据库结构，无需先运行 sanxiang migrate）。"
        )
    from sanxiang.core.datadir import DataDirError, prepare

    try:
        prepare(signing_key=False)  # the backup brings its own signing key
    except DataDirError as exc:
        raise BackupError(str(exc)) from exc
    key = (source / manifest["signing_key"]).read_bytes() if manifest.get("signing_key") else None
    trusted = (source / TRUSTED_KEYS).read_text("utf-8") if manifest.get("trusted_keys") else ""
    witness_keys = {rel: (source / rel).read_bytes() for rel in manifest.get("witness_keys") or ()}

    def build():
        pause.point("restore:schema")
        if migrate is not None:
            migrate()
        pause.point("restore:rows")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Django's migrations mark the foreign keys they create IMMEDIATE for the rest of
                # their transaction; rows arrive table by table, so check them at commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            _load_database(source / DATABASE_FILE, manifest)
            wrong_key = key_problem(key, manifest.get("ledger_origin") or settings.LEDGER_ORIGIN, trusted)
            if wrong_key:
                raise BackupError(f"{wrong_key}。拒绝恢复，未写入任何数据。")
            wrong_witness_key = _witness_key_refusal(witness_keys)
            if wrong_witness_key:
                raise BackupError(f"{wrong_witness_key}。拒绝恢复，未写入任何数据。")

    with Staging(data_dir, RESTORE_STAGING) as staging:
        staged_files = None
        if (source / FILES_DIR).is_dir() and _store_name() == "filesystem":
            staged_files = staging.path / FILES_DIR
            shutil.copytree(source / FILES_DIR, staged_files, copy_function=shutil.copy2)
        try:
            if connection.vendor == "sqlite":
                _restore_sqlite(staging.path, build, source, digest)
            else:
                # PostgreSQL's schema changes are transactional: schema and rows commit together.
                with transaction.atomic():
                    build()
                    _write_marker(source, digest)
                    pause.point("restore:commit")
        except DatabaseError as exc:
            (data_dir / UNFINISHED_RESTORE).unlink(missing_ok=True)
            raise BackupError(f"写入数据库失败，已回滚，未恢复任何数据：{exc}")
        except BaseException:
            (data_dir / UNFINISHED_RESTORE).unlink(missing_ok=True)
            raise
        manifest["key_outcome"] = _finish(source, manifest, staged_files)
    return manifest


def _tables_exist() -> bool:
    from sanxiang.ledger.models import LedgerEntry

    return LedgerEntry._meta.db_table in _existing_tables()


def _restore_sqlite(staging: Path, build, source: Path, digest: str):
    """Build the database in a file of its own, then rename it over the empty one."""
    target = Path(connection.settings_dict["NAME"]).absolute()
    _refuse_if_open(target)
    with contextlib.ExitStack() as stack:
        if target.parent.resolve() != staging.parent.resolve():
            # DATABASE_URL puts the database elsewhere: stage beside it, on its file system.
            remove_abandoned(target.parent, RESTORE_STAGING)
            staging = stack.enter_context(Staging(target.parent, RESTORE_STAGING)).path
        staged = staging / target.name
        os.close(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with _sqlite_database_at(staged):
            build()  # SQLite's schema editor refuses to run inside a transaction: rows commit on their own
            with connection.cursor() as cursor:
                # One self-contained file to rename: no -wal beside it to lose or to mismatch.
                cursor.execute("PRAGMA journal_mode=DELETE")
        _refuse_if_open(target)
        _fsync(staged)
        _write_marker(source, digest)
        pause.point("restore:commit")
        os.replace(staged, target)
        _fsync(target.parent)


def _refuse_if_open(target: Path):
    """Refuse while another process has the database open: the file is about to be replaced.

    The last connection to close folds the -wal file back and deletes it and the -shm file (a
    read-only one, as `datadir.prepare()` opens, leaves them): open and close one here, and what
    remains belongs to someone else's connection.
    """
    import sqlite3

    connection.close()
    raw = sqlite3.connect(target)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    busy = [p.name for p in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm"))
            if p.exists()]
    if busy:
        raise BackupError(f"数据库 {target} 正被其它进程使用（存在 {'、'.join(busy)}）："
                          "请先停止 sanxiang serve 和 worker，再恢复。未写入任何数据。")


def _finish(source: Path, manifest: dict, staged_files: Path | None) -> str:
    """After the database committed: put the files and the key in place, then drop the marker."""
    data_dir = Path(settings.DATA_DIR)
    pause.point("restore:files")
    files = data_dir / FILES_DIR
    placed = files.is_dir() and any(files.iterdir())
    if (source / FILES_DIR).is_dir() and _store_name() == "s3":
        manifest["files_outcome"] = _restore_objects(source, manifest)
    elif (source / FILES_DIR).is_dir() and not placed:
        with contextlib.ExitStack() as stack:
            if staged_files is None:  # resuming: the killed run's staging directory is gone
                staging = stack.enter_context(Staging(data_dir, RESTORE_STAGING))
                staged_files = staging.path / FILES_DIR
                shutil.copytree(source / FILES_DIR, staged_files, copy_function=shutil.copy2)
            if files.exists():
                files.rmdir()  # empty, checked above
            os.replace(staged_files, files)
            _fsync(data_dir)
    pause.point("restore:witness-keys")
    manifest["witness_key_outcome"] = _restore_witness_keys(source, manifest)
    pause.point("restore:key")
    outcome = _restore_key(source, manifest)
    (data_dir / UNFINISHED_RESTORE).unlink(missing_ok=True)
    _fsync(data_dir)
    return outcome


def _restore_objects(source: Path, manifest: dict) -> str:
    """Put the backup's files into the S3 store, streamed, then read each back and compare its
    SHA-256 with the manifest's. Idempotent: a resumed restore skips objects already whole."""
    from botocore.exceptions import BotoCoreError, ClientError
    from django.core.files import File

    from sanxiang import storage

    store = storage.backend()
    root = source / FILES_DIR
    count = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        expected = manifest["files"][f"{FILES_DIR}/{rel}"]
        try:
            if not (store.exists(rel) and store.size(rel) == path.stat().st_size):
                with open(path, "rb") as fh:
                    saved = store.save(rel, File(fh, name=rel))
                if saved != rel:
                    raise BackupError(f"文件存储把 {rel} 存成了 {saved}：请检查存储桶的设置后重新运行同一恢复。")
            actual = storage.rehash(rel)["sha256"]
        except (storage.StorageError, OSError, BotoCoreError, ClientError) as exc:
            raise BackupError(f"把文件恢复到 S3 存储时出错：{exc}。数据库已恢复；请排除故障后用同一备份重新运行 "
                              "sanxiang restore 完成恢复。") from exc
        if actual != expected:
            raise BackupError(f"恢复到 S3 存储的文件 {rel} 读回后摘要不符（{actual}，应为 {expected}）："
                              "请检查存储后用同一备份重新运行 sanxiang restore。")
        count += 1
    return f"已把 {count} 个文件恢复到 S3 存储桶 {store.bucket_name}，并逐一读回核对了 SHA-256。"


def _load_database(path: Path, manifest: dict):
    by_label = {m._meta.label_lower: m for m in backup_models()}
    expected = manifest.get("counts", {})
    unknown = sorted(set(expected) - set(by_label))
    if unknown:
        raise BackupError("备份中有本版本没有的表：" + ", ".join(unknown) + "。")
    # Tables that `migrate` filled (reference data) are replaced by the backup's rows, ids included.
    with connection.cursor() as cursor:
        for model in by_label.values():
            if model._base_manager.exists():
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    counts: dict[str, int] = {}
    pending: list[list] = []
    current = None
    fields: list = []
    with gzip.open(path, "rb") as fh:
        for line in fh:
            item = json.loads(line)
            label = item["model"]
            if label != current:
                _insert(by_label.get(current), fields, pending)
                pending = []
                if label not in by_label:
                    raise BackupError(f"备份中有本版本没有的表：{label}。")
                current = label
                fields = list(by_label[label]._meta.local_concrete_fields)
                natural = {f.attname: _natural_target(f) for f in fields}
            row = item["row"]
            values = []
            for field in fields:
                value = row.get(field.attname)
                if natural[field.attname] and isinstance(value, dict):
                    value = _pk_of_natural(natural[field.attname], value["natural_key"])
                else:
                    value = _decode(field, value)
                values.append(field.get_db_prep_save(value, connection))
            pending.append(values)
            counts[label] = counts.get(label, 0) + 1
            if len(pending) >= BATCH:
                _insert(by_label[label], fields, pending)
                pending = []
    _insert(by_label.get(current), fields, pending)
    _reset_sequences(list(by_label.values()))
    wrong = [
        f"{label}: 备份 {n}，恢复 {by_label[label]._base_manager.count()}"
        for label, n in sorted(expected.items())
        if by_label[label]._base_manager.count() != n or counts.get(label, 0) != n
    ]
    if wrong:
        raise BackupError("恢复后的行数与清单不符，已回滚：" + "；".join(wrong) + "。")
    size, root = ledger_size_and_root()
    ledger = manifest.get("ledger", {})
    if (size, root) != (ledger.get("size"), ledger.get("root")):
        raise BackupError(
            f"恢复后的留痕账本（{size} 条，根 {root}）与清单（{ledger.get('size')} 条，"
            f"根 {ledger.get('root')}）不符，已回滚。"
        )


def _insert(model, fields, rows):
    if model is None or not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _reset_sequences(model_list):
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _restore_key(source: Path, manifest: dict) -> str:
    """Put the backup's signing key back, or trust its public key when another key is configured.

    Run again after an interruption, it finds its own work done and changes nothing.
    """
    trusted = Path(settings.DATA_DIR) / TRUSTED_KEYS
    if manifest.get("trusted_keys"):
        _add_trusted(trusted, (source / TRUSTED_KEYS).read_text("utf-8").splitlines(),
                     "# 由 sanxiang restore 加入：备份中的 trusted_keys")
    name = manifest.get("signing_key")
    if not name:
        return "备份中没有签名密钥。"
    key = (source / name).read_bytes()
    current = configured_key()
    if current is None:
        _replace_secret(Path(settings.SIGNING_KEY_FILE), key)
        return f"签名密钥已恢复到 {settings.SIGNING_KEY_FILE}（权限 0600）。"
    if current[1].strip() == key.strip():
        if current[0] == "file" and manifest.get("resumed"):
            return f"签名密钥已恢复到 {settings.SIGNING_KEY_FILE}（权限 0600）。"
        return "已配置的签名密钥与备份中的相同。"
    lines = public_key_lines(key, manifest.get("ledger_origin") or settings.LEDGER_ORIGIN)
    if lines is None:
        # The public key cannot be derived here: keep the backup's key beside, for the operator.
        kept = Path(settings.DATA_DIR) / "restored_signing_key"
        if not kept.exists():
            _replace_secret(kept, key)
        return (f"已配置了另一个签名密钥；备份的密钥已保存为 {kept}（权限 0600），"
                f"请把它的公钥加入 {trusted}。")
    _add_trusted(trusted, lines, "# 由 sanxiang restore 加入：备份时的签名公钥")
    return f"已配置了另一个签名密钥；备份密钥的公钥已加入 {trusted}。"


def _add_trusted(path: Path, lines: list[str], comment: str):
    """Add the verifier keys not yet listed in `trusted_keys`, rewriting the file whole."""
    existing = path.read_text("utf-8") if path.exists() else ""
    have = {x.strip() for x in existing.splitlines()}
    new = [x.strip() for x in lines if x.strip() and not x.strip().startswith("#") and x.strip() not in have]
    if new:
        if existing and not existing.endswith("\n"):
            existing += "\n"
        text = existing + comment + "\n" + "".join(x + "\n" for x in new)
        _replace_secret(path, text.encode("utf-8"))


def is_secret_mode(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
