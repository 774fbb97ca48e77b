"""Signing checkpoints as C2SP signed notes (签名): Ed25519, plus an SM2 line (Sanxiang extension).

The deployment's secret is one 32-byte seed, given as standard base64 in the environment variable
`SANXIANG_SIGNING_KEY`, or kept in `settings.SIGNING_KEY_FILE` (mode 0600), which
`sanxiang.core.datadir.prepare()` generates for a new installation (never next to existing data).
The Ed25519 key is that seed (RFC 8032); the SM2 private key is derived from it as
d = 1 + (SHA-256("sanxiang-sm2-key" ‖ seed) mod (n − 2)).

Signature lines (c2sp.org/signed-note): `— <name> base64(key ID ‖ signature)`, key name =
`settings.LEDGER_ORIGIN`.
* Ed25519: type byte 0x01, key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4].
* SM2 (GB/T 32918 with SM3, user ID "1234567812345678"): type byte 0xff (reserved for types
  without an assigned byte) followed by the identifier `sanxiang-sm2/v1`; public key encoding
  0x04 ‖ X ‖ Y (65 bytes); key ID = SHA-256(name ‖ 0x0A ‖ 0xff ‖ "sanxiang-sm2/v1" ‖ pubkey)[:4];
  signature = r ‖ s (64 bytes). Standard verifiers ignore this line as an unknown key.

Verifier keys are written in the Go `note` vkey form `<name>+<hex key ID>+<base64(type ‖ key)>`;
`DATA_DIR/trusted_keys` lists extra ones (one per line, `#` comments), e.g. after key rotation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from gmssl import sm2

SIG_PREFIX = "\u2014 "
ED25519 = b"\x01"
SM2_TYPE = b"\xff" + b"sanxiang-sm2/v1"
_SM2_N = int(sm2.default_ecc_table["n"], 16)


class SigningKeyError(Exception):
    pass


def _key_id(name: str, type_and_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + type_and_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """验签公钥 — one trusted public key of a given signature type."""

    name: str
    key_id: bytes
    kind: str  # "ed25519" | "sm2"
    public: bytes

    @property
    def vkey(self) -> str:
        typ = ED25519 if self.kind == "ed25519" else SM2_TYPE
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(typ + self.public).decode()}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        if self.kind == "ed25519":
            try:
                Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text)
                return True
            except (InvalidSignature, ValueError):
                return False
        if len(signature) != 64:
            return False
        try:
            crypt = sm2.CryptSM2(private_key=None, public_key=self.public[1:].hex())
            return bool(crypt.verify_with_sm3(signature.hex(), text))
        except Exception:  # gmssl raises assorted errors on malformed input
            return False


def parse_vkey(vkey: str) -> Verifier:
    try:
        name, key_id_hex, encoded = vkey.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
        key_id = bytes.fromhex(key_id_hex)
    except (ValueError, binascii.Error) as exc:
        raise SigningKeyError(f"无法解析公钥：{vkey[:60]}") from exc
    if raw[:1] == ED25519 and len(raw) == 33:
        kind, public = "ed25519", raw[1:]
    elif raw.startswith(SM2_TYPE) and len(raw) == len(SM2_TYPE) + 65:
        kind, public = "sm2", raw[len(SM2_TYPE):]
    else:
        raise SigningKeyError(f"不支持的公钥类型：{vkey[:60]}")
    if len(key_id) != 4 or key_id != _key_id(name, raw):
        raise SigningKeyError(f"公钥标识与公钥不符：{vkey[:60]}")
    return Verifier(name, key_id, kind, public)


class Signer:
    """签名密钥 — the deployment's checkpoint signing keys (Ed25519 and SM2)."""

    def __init__(self, seed: bytes, name: str):
        if len(seed) != 32:
            raise SigningKeyError("签名密钥必须是 32 字节（base64 编码）")
        self.name = name
        self._ed = Ed25519PrivateKey.from_private_bytes(seed)
        ed_public = self._ed.public_key().public_bytes_raw()
        d = 1 + int.from_bytes(hashlib.sha256(b"sanxiang-sm2-key" + seed).digest(), "big") % (_SM2_N - 2)
        probe = sm2.CryptSM2(private_key="%064x" % d, public_key="")
        xy = probe._kg(d, sm2.default_ecc_table["g"])
        self._sm2 = sm2.CryptSM2(private_key="%064x" % d, public_key=xy)
        sm2_public = b"\x04" + bytes.fromhex(xy)
        self.ed25519 = Verifier(name, _key_id(name, ED25519 + ed_public), "ed25519", ed_public)
        self.sm2 = Verifier(name, _key_id(name, SM2_TYPE + sm2_public), "sm2", sm2_public)

    def sign(self, text: str) -> str:
        """Return the signed note: text, blank line, the Ed25519 and SM2 signature lines."""
        if not text.endswith("\n"):
            raise ValueError("note text must end with a newline")
        data = text.encode("utf-8")
        ed_sig = self._ed.sign(data)
        sm2_sig = bytes.fromhex(self._sm2.sign_with_sm3(data).rjust(128, "0"))
        lines = [
            f"{SIG_PREFIX}{self.name} {base64.b64encode(self.ed25519.key_id + ed_sig).decode()}",
            f"{SIG_PREFIX}{self.name} {base64.b64encode(self.sm2.key_id + sm2_sig).decode()}",
        ]
        return text + "\n" + "\n".join(lines) + "\n"


def _load_seed() -> bytes:
    value = (getattr(settings, "SIGNING_KEY", "") or os.environ.get("SANXIANG_SIGNING_KEY", "")).strip()
    if not value:
        path = Path(settings.SIGNING_KEY_FILE)
        try:
            value = path.read_text().strip()
        except FileNotFoundError:
            # Never generated here: a new key beside existing checkpoints would orphan them all.
            raise SigningKeyError(
                f"未找到签名密钥 {path}（也未设置 SANXIANG_SIGNING_KEY）。新安装请先运行 "
                "`sanxiang migrate`；已有数据的安装请确认 SANXIANG_DATA_DIR，或从备份中取回密钥。"
            ) from None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise SigningKeyError("签名密钥必须是 base64 编码的 32 字节") from exc


_cache: dict[tuple, Signer] = {}


def signer() -> Signer:
    """The deployment's signer (cached per key source and origin)."""
    cache_key = (getattr(settings, "SIGNING_KEY", ""), str(settings.SIGNING_KEY_FILE),
                 settings.LEDGER_ORIGIN)
    if cache_key not in _cache:
        _cache.clear()
        _cache[cache_key] = Signer(_load_seed(), settings.LEDGER_ORIGIN)
    return _cache[cache_key]


def parse_vkeys(text: str) -> list[Verifier]:
    """Verifier keys one per line (`#` comments and blank lines allowed)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(parse_vkey(line))
    return out


_trusted_cache: dict[tuple, list[Verifier]] = {}


def trusted_verifiers() -> list[Verifier]:
    """The deployment's own public keys plus those listed in DATA_DIR/trusted_keys."""
    own = signer()
    path = Path(settings.DATA_DIR) / "trusted_keys"
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        version = None
    # Read on every public checkpoint request: cached until the file changes.
    cache_key = (own.ed25519.vkey, str(path), version)
    if cache_key not in _trusted_cache:
        listed = parse_vkeys(path.read_text(encoding="utf-8")) if version else []
        _trusted_cache.clear()
        _trusted_cache[cache_key] = [own.ed25519, own.sm2, *listed]
    return list(_trusted_cache[cache_key])


@dataclass
class OpenedNote:
    text: str
    verified: list[Verifier]
    failed: list[Verifier]
    unknown: int


def open_note(note: str, verifiers: list[Verifier]) -> OpenedNote:
    """Split a signed note and check every signature line from a known key.

    Raises ValueError when the note is malformed. The note is acceptable when `verified` is
    non-empty and `failed` is empty.
    """
    if "\n\n" not in note or not note.endswith("\n"):
        raise ValueError("签名笔记格式错误：缺少空行或结尾换行")
    split = note.rindex("\n\n")
    text, sig_block = note[:split + 1], note[split + 2:]
    data = text.encode("utf-8")
    known = {(v.name, v.key_id): v for v in verifiers}
    verified, failed, unknown = [], [], 0
    lines = sig_block.splitlines()
    if not lines:
        raise ValueError("签名笔记没有签名行")
    for line in lines:
        if not line.startswith(SIG_PREFIX):
            raise ValueError("签名行格式错误")
        try:
            name, encoded = line[len(SIG_PREFIX):].split(" ")
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error) as exc:
            raise ValueError("签名行格式错误") from exc
        if len(raw) < 5:
            raise ValueError("签名行格式错误")
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            unknown += 1
        elif verifier.verify(data, raw[4:]):
            verified.append(verifier)
        else:
            failed.append(verifier)
    return OpenedNote(text, verified, failed, unknown)
