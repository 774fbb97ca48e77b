"""The log's side: it accepts cosignatures only from witnesses it registered, on checkpoints it
signed, and serves them beside its checkpoint; `verify` and the public status count them."""

import base64
import io
import json
import os

import pytest
from django.core.management import call_command

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import signing
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.witness.actions import do_trust_witness
from sanxiang.witness.cosign import Cosigner

pytestmark = pytest.mark.django_db

URL = "/api/v1/witness/cosignatures"


@pytest.fixture
def checkpoint():
    do_post_announcement("见证测试", actor=OPERATOR)
    return do_take_checkpoint(actor=OPERATOR)


def _body(note):
    return note[:note.index("\n\n") + 1]


def _cosigned(note, witness, timestamp=1_700_000_000):
    return note + witness.cosign(_body(note), timestamp) + "\n"


def _post(client, text):
    return client.post(URL, data=text.encode(), content_type="text/plain")


def test_a_registered_witness_cosignature_is_kept_and_served(client, checkpoint):
    witness = Cosigner("justice.example/witness", os.urandom(32))
    do_trust_witness(vkey=witness.vkey, label="某市司法局", actor=OPERATOR)
    response = _post(client, _cosigned(checkpoint.note, witness))
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "tree_size": checkpoint.tree_size, "witnesses": ["某市司法局"]}
    served = client.get("/api/v1/ledger/checkpoint").content.decode()
    assert served.startswith(checkpoint.note) and served.count("\n\u2014 ") == 3
    assert "justice.example/witness " in served
    # Plain signed-note verification of the served note still passes; the line is an unknown key.
    opened = signing.open_note(served, signing.trusted_verifiers())
    assert len(opened.verified) == 2 and not opened.failed and opened.unknown == 1
    assert client.get("/api/v1/witness/checkpoint").content.decode() == served
    status = client.get("/api/v1/witness/status").json()
    assert status["latest"]["cosigners"] == 1 and status["trusted"] == 1
    assert "1/1 个受信见证方联署（某市司法局）" in status["summary"]


def test_unregistered_forged_or_foreign_cosignatures_are_refused(client, checkpoint):
    stranger = Cosigner("stranger.example/witness", os.urandom(32))
    response = _post(client, _cosigned(checkpoint.note, stranger))
    assert response.status_code == 403
    assert response.json()["code"] == "unknown_witness" and "sanxiang witness trust" in response.json()["message"]
    witness = Cosigner("justice.example/witness", os.urandom(32))
    do_trust_witness(vkey=witness.vkey, label="某市司法局", actor=OPERATOR)
    line = witness.cosign(_body(checkpoint.note), 1_700_000_000)
    name, blob = line[2:].split(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1  # one bit of the signature
    forged = checkpoint.note + f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}\n"
    response = _post(client, forged)
    assert response.status_code == 403 and response.json()["code"] == "bad_cosignature"
    # A checkpoint this deployment never signed (another size), cosigned by a registered witness.
    other = signing.signer().sign(_body(checkpoint.note).replace(f"\n{checkpoint.tree_size}\n", "\n99999\n"))
    response = _post(client, _cosigned(other, witness))
    assert response.status_code == 404 and response.json()["code"] == "unknown_checkpoint"
    response = _post(client, "not a note")
    assert response.status_code == 400 and response.json()["message"].startswith("联署格式错误")
    future = _cosigned(checkpoint.note, witness, timestamp=4_000_000_000)
    assert _post(client, future).json()["code"] == "future_cosignature"
    assert client.get("/api/v1/witness/status").json()["latest"]["cosigners"] == 0


def test_verify_reports_how_many_witnesses_cosigned(client, checkpoint):
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "尚未登记受信见证方" in out.getvalue()
    witnesses = [Cosigner(f"justice{i}.example/witness", os.urandom(32)) for i in range(2)]
    for i, witness in enumerate(witnesses):
        do_trust_witness(vkey=witness.vkey, label=f"第{i + 1}司法局", actor=OPERATOR)
    assert _post(client, _cosigned(checkpoint.note, witnesses[0])).status_code == 200
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "最新检查点（树大小" in out.getvalue() and "有 1/2 个受信见证方联署（第1司法局）" in out.getvalue()
    # A newer checkpoint not yet co-signed: both the latest and the latest co-signed are named.
    do_post_announcement("又一条", actor=OPERATOR)
    do_take_checkpoint(actor=OPERATOR)
    out = io.StringIO()
    call_command("verify", "--json", stdout=out)
    witnessed = json.loads(out.getvalue())["witnesses"]
    assert witnessed["latest"]["cosigners"] == 0
    assert witnessed["latest_cosigned"]["tree_size"] == checkpoint.tree_size
