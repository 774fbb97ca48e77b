"""分段存储 — streaming a file into the S3 store while its bytes arrive (a multipart upload).

    state = start(hint)                       # {"id", "key", "part_size", "etags": []}: keep it
    sender = PartSender(state)                # parts of `part_size` bytes, one in flight at a time
    sender.feed(chunk); ...; sender.wait()    # state["etags"] lists the parts sent so far
    sender.finish(); stored = place(state, digest)   # the last part, then the object at its digest's name
    abort(state)                              # the bytes sent are discarded

The multipart upload is made under a staging key (`uploading/…`), since the digest that names a
stored file is known only after its last byte. `place` completes it, copies the object to its
content address on the server (no byte passes through this process; `UploadPartCopy` above 5 GiB)
unless an intact copy is there already, and deletes the staging object: an unfinished upload never
becomes a stored file, and the same bytes are stored once. The state is plain JSON, so the caller
keeps it in its database row and another process (after a restart) continues with it: part `n`
holds bytes `(n-1)·part_size … n·part_size` of the file, so the bytes not yet sent are those from
`len(etags)·part_size` on. Only for the S3 back end (`streams_parts()`); the filesystem keeps
moving a finished spool into place (`put_spooled`).
"""

from __future__ import annotations

import logging
import secrets
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from django.core.files.storage import FileSystemStorage

from . import StorageError, StoredFile, _intact, backend, path_for, s3_key

logger = logging.getLogger("sanxiang.storage")

MIB = 1 << 20
PART_BYTES = 8 * MIB  # S3's minimum is 5 MiB (all parts but the last)
IN_FLIGHT = 2  # parts sent at once, while the next one fills: at most 3 parts in memory
MAX_PARTS = 10_000  # S3's limit
COPY_IN_ONE_BYTES = 5 << 30  # CopyObject's limit; larger objects are copied part by part
COPY_PART_BYTES = 1 << 30
STAGING = "uploading"


def streams_parts() -> bool:
    """True when the store is S3 (a bucket): uploads then stream there as they arrive."""
    store = backend()
    return getattr(store, "bucket", None) is not None and not isinstance(store, FileSystemStorage)


def part_size_for(length: int) -> int:
    """8 MiB, or more (whole MiB) when a file that large would need more than S3's 10 000 parts."""
    needed = -(-length // MAX_PARTS)
    return max(PART_BYTES, -(-needed // MIB) * MIB)


def _client():
    return backend().bucket.meta.client


def _bucket() -> str:
    return backend().bucket_name


def _failed(what: str, exc: Exception) -> StorageError:
    return StorageError(f"{what}失败：{exc}")


def start(hint: str, length: int) -> dict:
    """A new multipart upload under a staging key named after `hint` (e.g. the upload's id)."""
    key = s3_key(f"{STAGING}/{hint}-{secrets.token_hex(8)}")
    try:
        answer = _client().create_multipart_upload(Bucket=_bucket(), Key=key)
    except Exception as exc:  # botocore's errors: the store is unreachable or refuses
        raise _failed("开始分段存储", exc) from exc
    return {"id": answer["UploadId"], "key": key, "part_size": part_size_for(length), "etags": []}


def sent_bytes(state: dict) -> int:
    """How many bytes of the file the recorded parts hold (the full parts, from the start)."""
    return len(state["etags"]) * state["part_size"]


class PartSender:
    """Sends the bytes fed to it as the parts of `state`'s multipart upload, one part being filled
    while up to `IN_FLIGHT` earlier ones are sent (helper threads): memory stays a few parts.

    A part that fails to send stops the sending, not the receiving: the bytes stay in the caller's
    partial file and the next piece's sender sends them (`etags` lists the parts that arrived);
    only `finish` raises, since the file cannot be completed without them."""

    def __init__(self, state: dict):
        self.state = state
        self.etags = list(state["etags"])
        self.buffer = bytearray()
        self.sending = deque()
        self.failure: StorageError | None = None
        self.pool = ThreadPoolExecutor(max_workers=IN_FLIGHT)

    def feed(self, chunk) -> None:
        if self.failure is not None:
            return
        self.buffer += chunk
        size = self.state["part_size"]
        while len(self.buffer) >= size and self.failure is None:
            if len(self.buffer) == size:  # the usual case: pieces of whole MiB
                part, self.buffer = self.buffer, bytearray()
            else:
                part = self.buffer[:size]
                del self.buffer[:size]
            self._send(part)

    def _send(self, part) -> None:
        while len(self.sending) >= IN_FLIGHT and self.failure is None:
            self._collect()
        if self.failure is None:
            number = len(self.etags) + len(self.sending) + 1
            self.sending.append(self.pool.submit(self._put, number, part))

    def _put(self, number: int, part) -> str:
        try:
            return _client().upload_part(Bucket=_bucket(), Key=self.state["key"], UploadId=self.state["id"],
                                         PartNumber=number, Body=part)["ETag"]
        except Exception as exc:
            raise _failed(f"存储第 {number} 段数据", exc) from exc

    def _collect(self) -> None:
        """Wait for the oldest part being sent; after a failure the later ones do not count."""
        future = self.sending.popleft()
        try:
            etag = future.result()
        except StorageError as exc:
            if self.failure is None:
                logger.warning("%s；数据保留在本地，下一段续传时重新发送", exc)
                self.failure, self.buffer = exc, bytearray()
            return
        if self.failure is None:
            self.etags.append(etag)

    def wait(self) -> list[str]:
        """Wait for the parts being sent; the etags of the parts that arrived, in order from the first."""
        while self.sending:
            self._collect()
        return self.etags

    def finish(self) -> list[str]:
        """Send what is buffered as the last part (it may be under 5 MiB); every part's etag."""
        if self.failure is None and (self.buffer or not self.etags):
            part, self.buffer = self.buffer, bytearray()
            self._send(part)
        self.close()
        if self.failure is not None:
            raise self.failure
        return self.etags

    def close(self) -> list[str]:
        try:
            return self.wait()
        finally:
            self.pool.shutdown(wait=True)


def recorded(state: dict, etags: list[str]) -> dict:
    return {**state, "etags": list(etags)}


def place(state: dict, digest: StoredFile) -> StoredFile:
    """Complete the multipart upload (every byte sent: `state["etags"]` lists all parts) and put the
    object at its content address; the staging object is removed. Idempotent: a retry after a
    failure half-way (the upload already completed, the copy made) finishes the same way."""
    stored = StoredFile(path_for(digest.sha256), digest.sha256, digest.sm3, digest.size)
    client, bucket, staging = _client(), _bucket(), state["key"]
    parts = [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(state["etags"], start=1)]
    try:
        try:
            client.complete_multipart_upload(Bucket=bucket, Key=staging, UploadId=state["id"],
                                             MultipartUpload={"Parts": parts})
        except Exception as exc:
            if _size(staging) != digest.size:  # not a retry of a completion that went through
                raise _failed("合并分段数据", exc) from exc
        if _size(staging) != digest.size:
            raise StorageError(f"分段存储的文件大小不符：应为 {digest.size} 字节")
        store = backend()
        present = store.exists(stored.path)
        if present and not _intact(stored):
            logger.warning("存储中的文件 %s 与其摘要不符，已用新收到的完好内容替换", stored.path)
            present = False
        if not present:
            _copy(staging, s3_key(stored.path), digest.size)
        client.delete_object(Bucket=bucket, Key=staging)
    except StorageError:
        raise
    except Exception as exc:
        raise _failed("文件存储", exc) from exc
    return stored


def _size(key: str) -> int | None:
    try:
        return _client().head_object(Bucket=_bucket(), Key=key)["ContentLength"]
    except Exception:
        return None


def _copy(source: str, target: str, size: int) -> None:
    """A copy made by the S3 server: CopyObject up to 5 GiB, UploadPartCopy beyond."""
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(multipart_threshold=COPY_IN_ONE_BYTES, multipart_chunksize=COPY_PART_BYTES,
                            max_concurrency=2)
    _client().copy({"Bucket": _bucket(), "Key": source}, _bucket(), target, Config=config)


def abort(state: dict) -> None:
    """Discard the bytes sent (the multipart upload, and a staging object a failed finish left)."""
    if not state:
        return
    client, bucket = _client(), _bucket()
    try:
        client.abort_multipart_upload(Bucket=bucket, Key=state["key"], UploadId=state["id"])
    except Exception as exc:  # already aborted or completed: the staging object is what may remain
        logger.info("分段存储 %s 已不存在：%s", state["key"], exc)
    try:
        client.delete_object(Bucket=bucket, Key=state["key"])
    except Exception as exc:
        raise _failed("删除分段存储", exc) from exc


def staged(older_than) -> list[dict]:
    """The multipart uploads under the staging prefix begun before `older_than` (an aware datetime):
    {"id", "key"} each, for the clean-up of ones no upload names."""
    prefix = s3_key(STAGING) + "/"
    found, kwargs = [], {"Bucket": _bucket(), "Prefix": prefix}
    try:
        while True:
            page = _client().list_multipart_uploads(**kwargs)
            for item in page.get("Uploads", []):
                if item["Initiated"] < older_than:
                    found.append({"id": item["UploadId"], "key": item["Key"]})
            if not page.get("IsTruncated"):
                return found
            kwargs.update(KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"])
    except Exception as exc:
        raise _failed("列出分段存储", exc) from exc
