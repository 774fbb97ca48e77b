"""Cosignatures (联署) per C2SP tlog-cosignature v1, Ed25519 (signature type 0x04).

A cosignature is a signed-note signature line `— <cosigner name> base64(key ID ‖ timestamp ‖ sig)`:
* key ID = SHA-256(name ‖ "\\n" ‖ 0x04 ‖ 32-byte Ed25519 public key)[:4];
* timestamp = u64 big-endian POSIX seconds;
* sig = Ed25519 over "cosignature/v1\\ntime <timestamp>\\n" ‖ the checkpoint body (the note text
  up to and including its final newline, without any signature line).
Verifier keys (vkeys) are `<name>+<hex key ID>+base64(0x04 ‖ public key)`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sanxiang.ledger.signing import SIG_PREFIX

COSIGNATURE_V1 = b"\x04"
MAX_TIMESTAMP = (1 << 63) - 1


class CosignatureError(ValueError):
    """联署格式错误 — a malformed key, note or signature line (message in 简体中文)."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + COSIGNATURE_V1 + public).digest()[:4]


def signed_message(body: str, timestamp: int) -> bytes:
    """What a cosigner signs: the header line, the time line, then the checkpoint body."""
    if not body.endswith("\n"):
        raise CosignatureError("检查点正文必须以换行结尾")
    return b"cosignature/v1\ntime %d\n" % timestamp + body.encode("utf-8")


@dataclass(frozen=True)
class CosignerKey:
    """见证公钥 — a cosigner's name and Ed25519 public key (from its vkey)."""

    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(COSIGNATURE_V1 + self.public).decode()}"

    def verify(self, body: str, blob: bytes) -> int | None:
        """The timestamp of a valid cosignature `blob` (timestamp ‖ signature) on `body`, else None."""
        if len(blob) != 8 + 64:
            return None
        (timestamp,) = struct.unpack(">Q", blob[:8])
        if timestamp > MAX_TIMESTAMP:
            return None
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(blob[8:], signed_message(body, timestamp))
        except (InvalidSignature, ValueError):
            return None
        return timestamp


def parse_cosigner_vkey(vkey: str) -> CosignerKey:
    """A cosigner vkey (type 0x04); CosignatureError in 简体中文 otherwise."""
    text = (vkey or "").strip()
    try:
        name, key_id_hex, encoded = text.split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
        wanted_id = bytes.fromhex(key_id_hex)
    except (ValueError, binascii.Error):
        raise CosignatureError(f"无法解析见证公钥：{text[:60]}") from None
    if not name or raw[:1] != COSIGNATURE_V1 or len(raw) != 33:
        raise CosignatureError(f"不是 cosignature/v1（类型 0x04）的 Ed25519 见证公钥：{text[:60]}")
    key = CosignerKey(name, raw[1:])
    if wanted_id != key.key_id:
        raise CosignatureError(f"见证公钥的标识与公钥不符：{text[:60]}")
    return key


class Cosigner:
    """见证签名密钥 — a witness identity: a name and an Ed25519 private key."""

    def __init__(self, name: str, seed: bytes):
        if not name or " " in name or "+" in name or "\n" in name:
            raise CosignatureError(f"见证名称不合法：{name!r}（不能含空格或加号）")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public = CosignerKey(name, self._key.public_key().public_bytes_raw())
        self.name = name

    @property
    def vkey(self) -> str:
        return self.public.vkey

    def cosign(self, body: str, timestamp: int) -> str:
        """The signature line (without its newline) cosigning `body` at `timestamp`."""
        if not 0 < timestamp <= MAX_TIMESTAMP:
            raise CosignatureError("联署时间戳不合法")
        signature = self._key.sign(signed_message(body, timestamp))
        blob = self.public.key_id + struct.pack(">Q", timestamp) + signature
        return f"{SIG_PREFIX}{self.name} {base64.b64encode(blob).decode()}"


def split_note(note: str) -> tuple[str, list[str]]:
    """(body, signature lines) of a signed note; CosignatureError when malformed."""
    if "\n\n" not in note or not note.endswith("\n"):
        raise CosignatureError("签名笔记格式错误：缺少空行或结尾换行")
    split = note.index("\n\n")
    body, block = note[:split + 1], note[split + 2:]
    lines = block.splitlines()
    if not lines or any(not line.startswith(SIG_PREFIX) for line in lines):
        raise CosignatureError("签名笔记格式错误：签名行必须以“— ”开头")
    return body, lines


def line_parts(line: str) -> tuple[str, bytes]:
    """(key name, decoded key ID ‖ signature) of one signature line."""
    try:
        name, encoded = line[len(SIG_PREFIX):].split(" ")
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise CosignatureError("签名行格式错误") from None
    if len(raw) < 5:
        raise CosignatureError("签名行格式错误")
    return name, raw


@dataclass(frozen=True)
class Found:
    key: CosignerKey
    timestamp: int
    line: str


def cosignatures(note: str, keys: list[CosignerKey]) -> tuple[list[Found], list[CosignerKey]]:
    """(valid cosignatures, keys whose line failed) on a signed note; other lines are ignored,
    as c2sp.org/signed-note requires of unknown keys."""
    body, lines = split_note(note)
    known = {(k.name, k.key_id): k for k in keys}
    found, failed = [], []
    for line in lines:
        name, raw = line_parts(line)
        key = known.get((name, raw[:4]))
        if key is None:
            continue
        timestamp = key.verify(body, raw[4:])
        if timestamp is None:
            failed.append(key)
        else:
            found.append(Found(key, timestamp, line))
    return found, failed
