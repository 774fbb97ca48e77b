"""Backup and restore (备份与恢复) of one installation: database, ledger, files and signing key.

The database is dumped engine-neutrally, table by table, as raw rows (column values with their
primary keys kept) so a restore reproduces every ledgered row bit for bit — the state digests in the
ledger cover primary keys, foreign-key ids and datetimes to the microsecond. Django's own
`dumpdata` is not used because its JSON encoder cuts datetimes to milliseconds and its `loaddata`
saves by UPDATE-then-INSERT, which the ledger's append-only triggers refuse.
See docs/decisions/0004-backup-format.md.
"""

from __future__ import annotations

import base64
import functools
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "sanxiang-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILE = "database.jsonl.gz"
KEY_FILE = "signing_key"
FILES_DIR = "files"
TRUSTED_KEYS = "trusted_keys"
BATCH = 2000

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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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
# Backup


def _write_secret(path: Path, data: bytes):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _dump_database(path: Path) -> dict[str, int]:
    counts = {}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3) as out:
        for model in backup_models():
            fields = list(model._meta.local_concrete_fields)
            natural = {f.attname: _natural_target(f) for f in fields}
            label = model._meta.label_lower
            count = 0
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
            counts[label] = count
    return counts


def backup(target: Path) -> dict:
    """Write a backup of this installation into `target` (absent or empty); return the manifest."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"备份目录 {target} 已存在且不为空：请指定一个新的或空的目录。")
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    try:
        return _backup_into(target)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in target.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise


def _backup_into(target: Path) -> dict:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for every table: rows written meanwhile are either all in or all out.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = _dump_database(target / DATABASE_FILE)
        size, root = ledger_size_and_root()
        migrations = applied_migrations()
        source_files = Path(settings.DATA_DIR) / FILES_DIR
        if source_files.is_dir():
            shutil.copytree(source_files, target / FILES_DIR, copy_function=shutil.copy2)
    key = configured_key()
    if key is not None:
        _write_secret(target / KEY_FILE, key[1])
    digests = {}
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
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
        "ledger_origin": settings.LEDGER_ORIGIN,
        "files": digests,
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


def restore(source: Path, *, migrate=None) -> dict:
    """Restore the backup in `source` into this (empty) installation; return the manifest.

    `migrate` is called to create the schema (the management command passes `call_command`).
    """
    source = Path(source)
    manifest = read_manifest(source)
    _check_migrations(manifest)
    tables = _existing_tables()
    found = occupied(tables)
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
    if migrate is not None:
        migrate()
    data_dir = Path(settings.DATA_DIR)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        if (source / FILES_DIR).is_dir():
            shutil.copytree(source / FILES_DIR, staging / FILES_DIR, copy_function=shutil.copy2)
        try:
            with transaction.atomic():
                _load_database(source / DATABASE_FILE, manifest)
        except DatabaseError as exc:
            raise BackupError(f"写入数据库失败，已回滚，未恢复任何数据：{exc}")
        files = data_dir / FILES_DIR
        if (staging / FILES_DIR).is_dir():
            if files.exists():
                files.rmdir()  # checked empty above
            os.replace(staging / FILES_DIR, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest["key_outcome"] = _restore_key(source, manifest)
    return manifest


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
    """Put the backup's signing key back, or trust its public key when another key is configured."""
    name = manifest.get("signing_key")
    if not name:
        return "备份中没有签名密钥。"
    key = (source / name).read_bytes()
    current = configured_key()
    if current is None:
        _write_secret(Path(settings.SIGNING_KEY_FILE), key)
        return f"签名密钥已恢复到 {settings.SIGNING_KEY_FILE}（权限 0600）。"
    if current[1].strip() == key.strip():
        return "已配置的签名密钥与备份中的相同。"
    trusted = Path(settings.DATA_DIR) / TRUSTED_KEYS
    lines = public_key_lines(key, manifest.get("ledger_origin") or settings.LEDGER_ORIGIN)
    if lines is None:
        # The public key cannot be derived here: keep the backup's key beside, for the operator.
        kept = Path(settings.DATA_DIR) / "restored_signing_key"
        if not kept.exists():
            _write_secret(kept, key)
        return (f"已配置了另一个签名密钥；备份的密钥已保存为 {kept}（权限 0600），"
                f"请把它的公钥加入 {trusted}。")
    existing = trusted.read_text("utf-8").splitlines() if trusted.exists() else []
    new = [line for line in lines if line not in (x.strip() for x in existing)]
    if new:
        with open(trusted, "a", encoding="utf-8") as fh:
            fh.write("# 由 sanxiang restore 加入：备份时的签名公钥\n")
            fh.write("".join(line + "\n" for line in new))
    return f"已配置了另一个签名密钥；备份密钥的公钥已加入 {trusted}。"


def is_secret_mode(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
