"""Verifiers we did not write accept what the public API serves (decision 0010).

* sigstore (the Sigstore project's Python client): its Merkle inclusion verification and its
  signed-note checkpoint verification (C2SP signed-note, Ed25519), run on a transparency-log
  entry made of our entry bytes, our inclusion proof and our checkpoint note.
* tamperlog: an RFC 6962 implementation that verifies inclusion with the iterative algorithm
  and consistency by replaying the RFC's SUBPROOF recursion — not the algorithm we use.
"""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.contrib.auth import get_user_model
from sigstore._internal.merkle import verify_merkle_inclusion
from sigstore._internal.rekor.checkpoint import verify_checkpoint
from sigstore._internal.trust import Keyring
from sigstore.errors import VerificationError
from sigstore.models import TransparencyLogEntry
from sigstore_models.common.v1 import LogId, PublicKey, PublicKeyDetails
from sigstore_models.rekor.v1 import Checkpoint as NoteEnvelope
from sigstore_models.rekor.v1 import InclusionProof, KindVersion
from sigstore_models.rekor.v1 import TransparencyLogEntry as LogEntry
from tamperlog import merkle as tamperlog
from tamperlog.errors import ProofError

from sanxiang.jobs.tasks import sign_checkpoint
from sanxiang.ledger import signing
from sanxiang.ledger.actions import do_post_announcement
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.fixture
def history(client):
    """Entries appended in rounds, the job signing after each: the served checkpoint history."""
    user = get_user_model().objects.create_user("independent-admin", password="x" * 12)
    for size in (1, 2, 3, 5, 8, 13):
        while LedgerEntry.objects.count() < size:
            do_post_announcement(f"公告 {LedgerEntry.objects.count()}", actor=user)
        sign_checkpoint.call()
    listed = client.get(f"{API}/checkpoints").json()["checkpoints"]
    notes = {c["tree_size"]: client.get(f"{API}/checkpoints/{c['tree_size']}").content.decode()
             for c in listed}
    assert sorted(notes) == [1, 2, 3, 5, 8, 13]
    return notes


def keyring() -> Keyring:
    own = signing.signer().ed25519
    der = Ed25519PublicKey.from_public_bytes(own.public).public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return Keyring([PublicKey(raw_bytes=b64(der), key_details=PublicKeyDetails.PKIX_ED25519)])


def log_entry(index, size, note, client) -> TransparencyLogEntry:
    proof = client.get(f"{API}/proofs/inclusion", {"index": index, "size": size}).json()
    root = base64.b64decode(note.split("\n")[2])
    return TransparencyLogEntry(LogEntry(
        log_index=str(index),
        log_id=LogId(key_id=b64(signing.signer().ed25519.key_id)),
        kind_version=KindVersion(kind="sanxiang-ledger", version="1"),
        canonicalized_body=b64(LedgerEntry.objects.get(index=index).entry.encode("utf-8")),
        inclusion_proof=InclusionProof(
            log_index=str(index), tree_size=str(size), root_hash=b64(root),
            hashes=[b64(bytes.fromhex(h)) for h in proof["hashes"]],
            checkpoint=NoteEnvelope(envelope=note))))


def test_sigstore_accepts_every_inclusion_proof_and_checkpoint_signature(client, history):
    ring = keyring()
    checked = 0
    for size, note in history.items():
        for index in range(size):
            entry = log_entry(index, size, note, client)
            verify_merkle_inclusion(entry)
            verify_checkpoint(ring, entry)
            checked += 1
    assert checked == 1 + 2 + 3 + 5 + 8 + 13


def test_sigstore_refuses_a_forged_checkpoint_and_a_wrong_entry(client, history):
    forged = history[13].replace("\n13\n", "\n14\n")
    with pytest.raises(VerificationError):
        verify_checkpoint(keyring(), log_entry(0, 13, forged, client))
    entry = log_entry(4, 13, history[13], client)
    entry._inner.canonicalized_body = b"{}"
    with pytest.raises(VerificationError):
        verify_merkle_inclusion(entry)


def test_tamperlog_accepts_every_consistency_and_inclusion_proof(client, history):
    roots = {size: base64.b64decode(note.split("\n")[2]) for size, note in history.items()}
    sizes = sorted(roots)
    pairs = 0
    for i, first in enumerate(sizes):
        for second in sizes[i:]:
            proof = client.get(f"{API}/proofs/consistency", {"first": first, "second": second}).json()
            tamperlog.verify_consistency(first, roots[first], second, roots[second],
                                         [bytes.fromhex(h) for h in proof["hashes"]])
            pairs += 1
    assert pairs == 21
    for index in range(13):
        proof = client.get(f"{API}/proofs/inclusion", {"index": index, "size": 13}).json()
        leaf = tamperlog.hash_leaf(LedgerEntry.objects.get(index=index).entry.encode("utf-8"))
        tamperlog.verify_inclusion(index, 13, leaf, [bytes.fromhex(h) for h in proof["hashes"]],
                                   roots[13])
    with pytest.raises(ProofError):
        tamperlog.verify_consistency(5, roots[3], 13, roots[13], [bytes.fromhex(h) for h in
                                     client.get(f"{API}/proofs/consistency",
                                                {"first": 5, "second": 13}).json()["hashes"]])
