"""The data directory (数据目录): the SQLite database, the keys and the stored files.

Resolved once, when the settings are imported, without writing anything: `SANXIANG_DATA_DIR` if
set, else `var/` next to the installation (the repository root), whatever the current directory.

`prepare()` creates what is missing — the directory (0700), `static/`, the Django secret and the
ledger signing key (0600), an empty SQLite file (0600) — and is called by `sanxiang migrate`,
`serve` and `demo`, by `restore` (without the signing key, which comes from the backup) and by
the WSGI entry point. It refuses to create
a key next to existing data: there a missing key means a wrong directory or a lost key, and a new
signing key would silently orphan every signed checkpoint.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import sqlite3
from pathlib import Path

import sanxiang

SECRET_KEY_FILE = "secret_key"
SIGNING_KEY_FILE = "signing_key"
DATABASE_FILE = "sanxiang.sqlite3"
FILES_DIR = "files"
PRIVATE = 0o600


class DataDirError(Exception):
    """数据目录错误 — a refusal with a message for the operator (简体中文)."""


def resolve_data_dir(environ=os.environ) -> Path:
    configured = environ.get("SANXIANG_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(sanxiang.__file__).resolve().parent.parent / "var"


def read_key(path: Path) -> str:
    """The key kept in `path`, or "" when there is none yet."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _sqlite_path(settings) -> Path | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(db["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return None
    return Path(name)


def _sqlite_has_tables(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        # closing(): sqlite3's own `with` only commits; the connection would stay open until
        # garbage collection, keeping the -wal and -shm files that `restore` reads as "in use".
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
    except sqlite3.DatabaseError:
        return True  # unreadable or not SQLite: treat as someone's data, never overwrite keys for it


def existing_data(settings=None) -> list[str]:
    """What already lives in this installation (database tables, stored files), as phrases."""
    if settings is None:
        from django.conf import settings
    found = []
    sqlite_path = _sqlite_path(settings)
    if sqlite_path is not None:
        if _sqlite_has_tables(sqlite_path):
            found.append(f"SQLite 数据库 {sqlite_path}")
    else:
        from django.db import connection
        from django.db.utils import Error

        try:
            tables = connection.introspection.table_names()
        except Error as exc:
            raise DataDirError(f"无法连接数据库：{exc}".strip()) from exc
        if tables:
            found.append(f"数据库 {settings.DATABASES['default'].get('NAME')}（{len(tables)} 张表）")
    files = Path(settings.DATA_DIR) / FILES_DIR
    if files.is_dir() and any(files.iterdir()):
        found.append(f"文件目录 {files}")
    return found


def _write_private(path: Path, text: str) -> bool:
    """Create `path` (0600) holding `text`, whole or not at all; False when another process
    (a second server or test worker starting at the same moment) created it first."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.link(tmp, path)  # atomic: fails if the file exists
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def secure_sqlite_files(path: Path) -> None:
    """Make the SQLite database and its -wal/-shm/-journal files readable by the owner only.

    SQLite creates the -wal and -shm files with the database file's mode, so a 0600 database
    keeps its companions private too.
    """
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            mode = candidate.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(candidate, PRIVATE)


def make_directory(settings=None) -> bool:
    """Create the data directory (0700) if it is missing; True when it was created."""
    if settings is None:
        from django.conf import settings
    data_dir = Path(settings.DATA_DIR)
    try:
        data_dir.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        return False
    return True


def prepare(*, signing_key: bool = True, refuse_beside_data: bool = True, settings=None) -> list[str]:
    """Create the data directory and its keys where missing; return what was created.

    `signing_key=False` (restore) leaves the signing key to the backup being restored.
    `refuse_beside_data=False` only for the test suite, whose database is not the installation's.
    """
    if settings is None:
        from django.conf import settings
    data_dir = Path(settings.DATA_DIR)
    secret_path = data_dir / SECRET_KEY_FILE
    signing_path = Path(settings.SIGNING_KEY_FILE)
    wanted = []
    if not os.environ.get("SANXIANG_SECRET_KEY") and not secret_path.exists():
        wanted.append(secret_path)
    if signing_key and not settings.SIGNING_KEY and not signing_path.exists():
        wanted.append(signing_path)
    if wanted and refuse_beside_data:
        found = existing_data(settings)
        if found:
            names = "、".join(p.name for p in wanted)
            raise DataDirError(
                f"数据目录 {data_dir} 中已有数据（{'；'.join(found)}），但缺少密钥 {names}。"
                "拒绝生成新密钥：请确认 SANXIANG_DATA_DIR 指向正确的数据目录，"
                "或从备份中取回密钥文件（也可以用环境变量 SANXIANG_SECRET_KEY / SANXIANG_SIGNING_KEY 提供）。"
            )
    created = [str(data_dir)] if make_directory(settings) else []
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    if secret_path in wanted:
        if _write_private(secret_path, secrets.token_urlsafe(50)):
            created.append(str(secret_path))
        # This process loaded its settings before the file existed.
        settings.SECRET_KEY = secret_path.read_text(encoding="utf-8").strip()
    if signing_path in wanted and _write_private(signing_path, base64.b64encode(os.urandom(32)).decode()):
        created.append(str(signing_path))
    sqlite_path = _sqlite_path(settings)
    if sqlite_path is not None:
        if not sqlite_path.exists():
            sqlite_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.close(os.open(sqlite_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
        secure_sqlite_files(sqlite_path)
    return created
