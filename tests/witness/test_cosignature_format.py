"""Cosignatures checked from the byte layout of c2sp.org/tlog-cosignature, with `cryptography`'s
Ed25519 directly — not through our helpers — and against plain signed-note verification."""

import base64
import hashlib
import struct

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sanxiang.ledger import checkpoints, signing
from sanxiang.witness.cosign import CosignatureError, Cosigner, cosignatures, parse_cosigner_vkey

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

SEED = bytes(range(32))
BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def _independent_verify(vkey: str, body: str, line: str) -> int:
    """The spec, by hand: returns the timestamp, raises InvalidSignature on a bad signature."""
    name, key_id_hex, key_b64 = vkey.split("+", 2)
    raw_key = base64.b64decode(key_b64)
    assert raw_key[0] == 0x04 and len(raw_key) == 33  # vkey: signature type 0x04 ‖ public key
    public = raw_key[1:]
    assert bytes.fromhex(key_id_hex) == hashlib.sha256(name.encode() + b"\n" + b"\x04" + public).digest()[:4]
    assert line.startswith("\u2014 ")  # "— " EM DASH, space
    line_name, blob_b64 = line[2:].split(" ")
    assert line_name == name
    blob = base64.b64decode(blob_b64)
    assert len(blob) == 4 + 8 + 64  # key ID ‖ u64 timestamp ‖ Ed25519 signature
    assert blob[:4] == bytes.fromhex(key_id_hex)
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    message = b"cosignature/v1\n" + f"time {timestamp}\n".encode() + body.encode()
    Ed25519PublicKey.from_public_bytes(public).verify(blob[12:], message)
    return timestamp


def test_a_cosignature_matches_the_spec_byte_for_byte():
    witness = Cosigner("witness.example.com/w1", SEED)
    line = witness.cosign(BODY, 1679315147)
    assert _independent_verify(witness.vkey, BODY, line) == 1679315147
    # Ed25519 is deterministic: the same key, time and body give the same line.
    assert witness.cosign(BODY, 1679315147) == line
    with pytest.raises(InvalidSignature):
        _independent_verify(witness.vkey, BODY.replace("20852163", "20852164"), line)
    # Another time line is another message (the timestamp is signed).
    name, blob = line[2:].split(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[4:12] = struct.pack(">Q", 1679315148)
    with pytest.raises(InvalidSignature):
        _independent_verify(witness.vkey, BODY, f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}")


def test_cosignature_lines_are_ignored_by_plain_signed_note_verifiers():
    log = signing.Signer(bytes(32), "sanxiang.local/ledger")
    note = log.sign(checkpoints.body(3, hashlib.sha256(b"root").digest()))
    body = note[:note.index("\n\n") + 1]
    witness = Cosigner("justice.example/witness", SEED)
    cosigned = note + witness.cosign(body, 1700000000) + "\n"
    opened = signing.open_note(cosigned, [log.ed25519, log.sm2])
    assert len(opened.verified) == 2 and not opened.failed and opened.unknown == 1
    found, failed = cosignatures(cosigned, [parse_cosigner_vkey(witness.vkey)])
    assert [f.timestamp for f in found] == [1700000000] and not failed
    # The witness key cannot pass for a log key (type 0x01): the key IDs differ by the type byte.
    as_log_key = signing.Verifier(witness.name, hashlib.sha256(
        witness.name.encode() + b"\n\x01" + witness.public.public).digest()[:4], "ed25519", witness.public.public)
    assert not signing.open_note(cosigned, [as_log_key]).verified


def test_bad_witness_keys_are_refused_in_plain_words():
    good = Cosigner("justice.example/witness", SEED).vkey
    name, key_id, key = good.split("+", 2)
    for bad, words in [("garbage", "无法解析"), (f"{name}+{key_id}+" + base64.b64encode(b"\x01" + b"0" * 32).decode(),
                                                   "类型 0x04"), (f"{name}+00000000+{key}", "标识与公钥不符")]:
        with pytest.raises(CosignatureError, match=words):
            parse_cosigner_vkey(bad)
