"""The content-addressed file store (存储): where documents, evidence and recordings keep their bytes.

    stored = put(stream)            # one pass: SHA-256 and SM3 computed as the bytes are written
    stored.record()                 # {"path", "sha256", "sm3", "size"}: what a ledger entry lists
    with open_file(stored.path) as fh: ...
    rehash(path) / paths() / exists(path)     # what `sanxiang verify` asks of the store

A file's path is its SHA-256 (`sha256/ab/abcdef…`), so the same bytes are stored once, a stored
file is never overwritten with other bytes, and a changed file no longer matches its name. When
the same bytes are put again and the copy already stored no longer matches its name (damaged or
tampered with), it is re-hashed and replaced with the good bytes (a warning on the storage log). The
back end is Django's `STORAGES["records"]`: the filesystem under DATA_DIR/files by default, or S3
(django-storages + boto3; tested against SeaweedFS) when `SANXIANG_S3_BUCKET` is set — see
docs/operations.md "File storage". Nothing here knows about cases: records and documents build on it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages

CHUNK = 1 << 20
PREFIX = "sha256"
logger = logging.getLogger("sanxiang.storage")


class StorageError(Exception):
    """A stored file cannot be read or written (the message is for people, in 中文)."""


@dataclass(frozen=True)
class StoredFile:
    """存储文件 — bytes in the store, named by their SHA-256."""

    path: str
    sha256: str
    sm3: str
    size: int

    def record(self) -> dict:
        return asdict(self)


class DataDirFileStorage(FileSystemStorage):
    """The filesystem back end: DATA_DIR/files, read at each use (tests, restores and
    `SANXIANG_DATA_DIR` move the data directory; a path fixed at start-up would not follow).
    `settings.FILES_DIR`, when set, is used instead (the tests give each module its own)."""

    @property
    def base_location(self):
        return str(getattr(settings, "FILES_DIR", None) or settings.DATA_DIR / "files")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def backend():
    return storages["records"]


def path_for(sha256: str) -> str:
    return f"{PREFIX}/{sha256[:2]}/{sha256}"


def checked_path(path: str) -> str:
    """`path` if it names a place inside the store (relative, no `..`), else StorageError."""
    text = str(path)
    if not text or "\\" in text or any(part in ("", ".", "..") for part in text.split("/")):
        raise StorageError(f"文件路径不合法：{path}")
    return text


class _Spooled(File):
    """A finished temporary file: the filesystem back end moves it into place instead of copying."""

    def temporary_file_path(self):
        return self.name


def put(stream, *, limit: int | None = None) -> StoredFile:
    """Store the bytes read from `stream` (a binary file object) and return where they are.

    The bytes go to a temporary file under DATA_DIR/tmp while both digests are computed (constant
    memory, one pass), then into the store under their SHA-256 unless already there. `limit`:
    refuse (StorageError, nothing stored) a stream longer than this many bytes.
    """
    spool_dir = settings.DATA_DIR / "tmp"
    spool_dir.mkdir(parents=True, exist_ok=True)
    sha, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    fd, spool = tempfile.mkstemp(dir=spool_dir, prefix="put-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if limit is not None and size > limit:
                    raise StorageError(f"文件超过允许的大小（{limit} 字节）")
                sha.update(chunk)
                sm3.update(chunk)
                out.write(chunk)
        return put_spooled(spool, StoredFile("", sha.hexdigest(), sm3.hexdigest(), size))
    finally:
        if os.path.exists(spool):
            os.unlink(spool)


def put_spooled(spool: str | os.PathLike, digest: StoredFile) -> StoredFile:
    """Move a local file whose digests are already known (e.g. a finished upload) into the store.
    The caller computed `digest` while writing it; the file is consumed (moved or deleted)."""
    stored = StoredFile(path_for(digest.sha256), digest.sha256, digest.sm3, digest.size)
    store = backend()
    try:
        present = store.exists(stored.path)
        if present and not _intact(stored):
            # The copy under this digest's name no longer holds these bytes (damaged or tampered
            # with): the good bytes just received replace it.
            logger.warning("存储中的文件 %s 与其摘要不符，已用新收到的完好内容替换", stored.path)
            store.delete(stored.path)
            present = False
        if not present:
            with open(spool, "rb") as fh:
                saved = store.save(stored.path, _Spooled(fh, name=str(spool)))
            if saved != stored.path:
                # Two writers stored the same bytes at once: keep one copy under the digest's name.
                store.delete(saved)
    except OSError as exc:
        raise StorageError(f"文件存储失败：{exc}") from exc
    finally:
        if os.path.exists(spool):
            os.unlink(spool)
    return stored


def _intact(stored: StoredFile) -> bool:
    """Whether the file already stored under `stored.path` still holds the bytes its name says."""
    try:
        found = rehash(stored.path)
    except StorageError:
        return False
    return found["sha256"] == stored.sha256 and found["size"] == stored.size


def is_filesystem() -> bool:
    """True when the store is a directory on this machine (not S3)."""
    return isinstance(backend(), FileSystemStorage)


def s3_key(path: str) -> str:
    """The object key of `path` in the S3 store (its `location` prefix included)."""
    return backend()._normalize_name(checked_path(path))


def open_file(path: str):
    """The stored file at `path`, opened for binary reading (stream it; it may be large).

    On S3 the object's body is streamed as it is read (django-storages' own `open` first copies
    the whole object into a temporary file, in memory unless AWS_S3_MAX_MEMORY_SIZE is set)."""
    store = backend()
    if getattr(store, "bucket", None) is not None and not isinstance(store, FileSystemStorage):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return store.bucket.Object(s3_key(path)).get()["Body"]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise StorageError(f"文件缺失：{path}") from exc
            raise StorageError(f"无法读取文件 {path}：{exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"无法读取文件 {path}：{exc}") from exc
    try:
        return store.open(checked_path(path), "rb")
    except (FileNotFoundError, OSError) as exc:
        raise StorageError(f"文件缺失：{path}") from exc


def read_chunks(fh):
    """The chunks of an open stored file; a read that fails half-way is a StorageError."""
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    except StorageError:
        raise
    except Exception as exc:  # OSError, botocore's read timeouts and checksum errors
        raise StorageError(f"读取文件中断：{exc}") from exc


def exists(path: str) -> bool:
    return backend().exists(checked_path(path))


def rehash(path: str) -> dict:
    """{"sha256", "sm3", "size"} of the stored bytes at `path`, read again in one pass."""
    sha, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    with open_file(path) as fh:
        for chunk in read_chunks(fh):
            sha.update(chunk)
            sm3.update(chunk)
            size += len(chunk)
    return {"sha256": sha.hexdigest(), "sm3": sm3.hexdigest(), "size": size}


def paths(top: str = ""):
    """Every stored path (relative to the store), walking the back end's listing."""
    try:
        dirs, files = backend().listdir(top)
    except FileNotFoundError:  # the filesystem store's directory before its first file
        return
    for name in files:
        yield f"{top}/{name}" if top else name
    for name in dirs:
        yield from paths(f"{top}/{name}" if top else name)


def listing():
    """(path, size) of every stored file, from the back end's listing: one paginated pass on S3
    (sizes come with it), a directory walk on the filesystem. Sizes are None where the back end
    lists names only."""
    store = backend()
    bucket = getattr(store, "bucket", None)
    if bucket is not None:  # django-storages' S3Storage: list objects with their sizes
        prefix = store.location.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        try:
            for item in bucket.objects.filter(Prefix=prefix):
                yield item.key[len(prefix):], item.size
        except Exception as exc:  # botocore's errors: the store is unreachable or refuses
            raise StorageError(f"无法列出存储中的文件：{exc}") from exc
        return
    if isinstance(store, FileSystemStorage):
        root = store.location
        for folder, _dirs, names in os.walk(root):
            for name in names:
                full = os.path.join(folder, name)
                try:
                    size = os.stat(full).st_size
                except FileNotFoundError:
                    continue
                yield os.path.relpath(full, root).replace(os.sep, "/"), size
        return
    for path in paths():
        yield path, None
