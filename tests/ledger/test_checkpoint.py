"""Checkpoints: C2SP tlog-checkpoint text, Ed25519 and SM2 signature lines, the signing key."""

import base64
import hashlib
import io
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from gmssl import sm2

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import signing, tree
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Checkpoint

pytestmark = pytest.mark.django_db

SEED = bytes(range(32))
SEED_B64 = base64.b64encode(SEED).decode()


@pytest.fixture
def entries():
    user = get_user_model().objects.create_user("cp-admin", password="x" * 12)
    for i in range(5):
        do_post_announcement(f"公告 {i}", actor=user)


def _split(note):
    text, sigs = note.split("\n\n")
    return text + "\n", sigs.splitlines()


@override_settings(SIGNING_KEY=SEED_B64, LEDGER_ORIGIN="example.gov.cn/zhuzhou/ledger")
def test_checkpoint_text_and_ed25519_signature(entries):
    out = io.StringIO()
    call_command("checkpoint", stdout=out)
    note = out.getvalue()
    text, sigs = _split(note)
    origin, size, root_b64, _ = text.split("\n")
    assert origin == "example.gov.cn/zhuzhou/ledger"
    assert size == "5"
    assert base64.b64decode(root_b64) == tree.root(5)
    assert len(sigs) == 2
    assert all(s.startswith("\u2014 example.gov.cn/zhuzhou/ledger ") for s in sigs)
    # Independent check with the key from the seed, per c2sp.org/signed-note.
    public = Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw()
    key_id = hashlib.sha256(b"example.gov.cn/zhuzhou/ledger\n\x01" + public).digest()[:4]
    raw = base64.b64decode(sigs[0].split(" ")[2])
    assert raw[:4] == key_id
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())
    stored = Checkpoint.objects.get()
    assert stored.note == note and stored.tree_size == 5 and stored.root_hash == tree.root(5).hex()


@override_settings(SIGNING_KEY=SEED_B64)
def test_sm2_signature_line_verifies_with_gmssl(entries):
    note = do_take_checkpoint(actor=OPERATOR).note
    text, sigs = _split(note)
    raw = base64.b64decode(sigs[1].split(" ")[2])
    own = signing.signer()
    assert raw[:4] == hashlib.sha256(b"sanxiang.local/ledger\n\xffsanxiang-sm2/v1"
                                     + own.sm2.public).digest()[:4]
    verifier = sm2.CryptSM2(private_key=None, public_key=own.sm2.public[1:].hex())
    assert verifier.verify_with_sm3(raw[4:].hex(), text.encode())
    assert not verifier.verify_with_sm3(raw[4:].hex(), text.replace("5", "6").encode())


@override_settings(SIGNING_KEY=SEED_B64)
def test_forged_note_is_rejected(entries):
    note = do_take_checkpoint(actor=OPERATOR).note
    forged = note.replace("\n5\n", "\n4\n")
    opened = signing.open_note(forged, signing.trusted_verifiers())
    assert opened.failed and not opened.verified
    opened = signing.open_note(note, signing.trusted_verifiers())
    assert len(opened.verified) == 2 and not opened.failed


def test_unchanged_tree_reuses_the_latest_checkpoint(entries):
    first = do_take_checkpoint(actor=OPERATOR)
    assert do_take_checkpoint(actor=OPERATOR) == first
    assert do_take_checkpoint(actor=OPERATOR, force=True) != first
    assert Checkpoint.objects.count() == 2


def test_empty_ledger_checkpoint_has_the_empty_root():
    checkpoint = do_take_checkpoint(actor=OPERATOR)
    assert checkpoint.tree_size == 0
    assert checkpoint.root_hash == hashlib.sha256(b"").hexdigest()


def test_a_missing_key_is_never_generated_on_use(tmp_path):
    """Only `sanxiang migrate` (datadir.prepare) creates keys: see tests/operations/test_datadir.py."""
    path = tmp_path / "signing_key"
    with override_settings(SIGNING_KEY="", SIGNING_KEY_FILE=path):
        os.environ.pop("SANXIANG_SIGNING_KEY", None)
        signing._cache.clear()
        with pytest.raises(signing.SigningKeyError, match="sanxiang migrate"):
            signing.signer()
        assert not path.exists()
        path.write_text(base64.b64encode(bytes(32)).decode() + "\n")
        first = signing.signer().ed25519.vkey
        signing._cache.clear()
        assert signing.signer().ed25519.vkey == first


@pytest.mark.parametrize("value", ["不是base64", base64.b64encode(b"short").decode()])
def test_bad_signing_key_is_refused_clearly(value):
    with override_settings(SIGNING_KEY=value):
        with pytest.raises(signing.SigningKeyError, match="32 字节"):
            signing.signer()


@override_settings(SIGNING_KEY=SEED_B64)
def test_public_keys_are_printed_in_vkey_form():
    out = io.StringIO()
    call_command("checkpoint", "--public-key", stdout=out)
    lines = out.getvalue().split()
    assert len(lines) == 2
    kinds = [signing.parse_vkey(line).kind for line in lines]
    assert kinds == ["ed25519", "sm2"]
    assert "signing" not in out.getvalue() and SEED_B64 not in out.getvalue()
