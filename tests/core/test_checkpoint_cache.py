"""The public checkpoint answers in the public page cache (sanxiang.core.public_cache): the
second anonymous request is served with one query, and the next request after a checkpoint is
signed, a cosignature arrives or a forged row is inserted shows the change — none of which
appends a ledger entry."""

import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Checkpoint
from sanxiang.witness.actions import do_trust_witness
from sanxiang.witness.cosign import Cosigner

pytestmark = pytest.mark.django_db
URL = "/api/v1/ledger/checkpoint"


def fetch(url=URL, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, **headers)
    assert response.status_code == 200, response.content
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def signed():
    do_post_announcement("检查点缓存", actor=OPERATOR)
    return do_take_checkpoint(actor=OPERATOR)


def test_a_second_anonymous_request_is_one_query(signed):
    first, first_queries = fetch()
    second, second_queries = fetch()
    assert first == second and first.startswith(signed.note)
    assert len(first_queries) > 1
    assert len(second_queries) == 1 and "ledger_checkpoint" in second_queries[0]
    # With a cookie (a signed-in browser) it is computed every time.
    _, with_cookie = fetch(HTTP_COOKIE="sessionid=x")
    assert len(with_cookie) > 1


def test_a_new_checkpoint_shows_on_the_next_request(signed):
    before, _ = fetch()
    history, _ = fetch("/api/v1/ledger/checkpoints")
    do_post_announcement("又一条", actor=OPERATOR)
    fetch()  # the entry is appended, no checkpoint yet: still the old one
    newer = do_take_checkpoint(actor=OPERATOR)
    after, _ = fetch()
    assert after.startswith(newer.note) and after != before
    assert f'"tree_size":{newer.tree_size}' in fetch("/api/v1/ledger/checkpoints")[0].replace(" ", "")
    assert history != fetch("/api/v1/ledger/checkpoints")[0]


def test_a_cosignature_shows_on_the_next_request(signed):
    witness = Cosigner("justice.example/witness", os.urandom(32))
    do_trust_witness(vkey=witness.vkey, label="某市司法局", actor=OPERATOR)
    checkpoint = do_take_checkpoint(actor=OPERATOR)  # trusting appended an entry
    plain, _ = fetch()
    assert "justice.example/witness" not in plain
    assert Client().get("/api/v1/witness/status").json()["latest"]["cosigners"] == 0
    body = checkpoint.note[:checkpoint.note.index("\n\n") + 1]
    posted = Client().post("/api/v1/witness/cosignatures", content_type="text/plain",
                           data=(checkpoint.note + witness.cosign(body, 1_700_000_000) + "\n").encode())
    assert posted.status_code == 200, posted.content
    cosigned, _ = fetch()
    assert cosigned.startswith(plain) and "— justice.example/witness " in cosigned
    assert fetch("/api/v1/witness/checkpoint")[0] == cosigned
    assert Client().get("/api/v1/witness/status").json()["latest"]["cosigners"] == 1


def test_a_forged_row_after_the_served_one_is_never_served(signed):
    genuine, _ = fetch()
    # Newer than the genuine row, its root column not the one its note signs.
    forged = Checkpoint.objects.create(tree_size=signed.tree_size, root_hash="00" * 32, note=signed.note,
                                       created_at=signed.created_at)
    served, queries = fetch()
    assert served == genuine and len(queries) > 1  # computed afresh, the forged row skipped
    assert forged.pk > signed.pk
