"""SHA-256 and SM3 (OpenSSL via hashlib) computed in one streaming pass."""

import hashlib

CHUNK = 1 << 20


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def digest_stream(stream) -> dict:
    """Read a binary stream once; return {"sha256": hex, "sm3": hex, "size": n}."""
    sha, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
        sm3.update(chunk)
        size += len(chunk)
    return {"sha256": sha.hexdigest(), "sm3": sm3.hexdigest(), "size": size}


def sha256_file(path) -> str:
    """The SHA-256 of a file on local disk (a backup's files, an export package)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
