"""Only valid checkpoints are served, listed and counted: a row in the table is only a claim.

Valid = signed by the deployment's (or a trusted) key, our origin, within the tree, and the
tree's root at that size. Forged rows are inserted as someone with database access would.
"""

import base64
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from tamper import SEED_A, SEED_B

from sanxiang.access.actors import OPERATOR
from sanxiang.jobs.tasks import sign_checkpoint
from sanxiang.ledger import checkpoints, signing, tree
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Checkpoint
from sanxiang.lib.merkle import leaf_hash

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"


@pytest.fixture(autouse=True)
def data_dir(tmp_path):
    with override_settings(DATA_DIR=tmp_path, SIGNING_KEY=SEED_A):
        yield tmp_path


@pytest.fixture
def user():
    return get_user_model().objects.create_user("validity-admin", password="x" * 12)


def post(user, count, start=0):
    for i in range(start, start + count):
        do_post_announcement(f"公告 {i}", actor=user)


def forge(size, root=None, *, seed=None, origin=None):
    """A checkpoint row as an intruder would insert it."""
    root = root or leaf_hash(f"forged {size}".encode())
    with override_settings(SIGNING_KEY=seed or SEED_A, **({"LEDGER_ORIGIN": origin} if origin else {})):
        note = signing.signer().sign(checkpoints.body(size, root, origin))
    signing._cache.clear()
    return Checkpoint.objects.create(tree_size=size, root_hash=root.hex(), note=note,
                                     created_at=timezone.now())


def served(client):
    response = client.get(f"{API}/checkpoint")
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_a_forged_row_with_a_huge_size_is_never_served_and_does_not_stop_signing(client, user):
    post(user, 3)
    sign_checkpoint.call()
    genuine = served(client)
    forged = Checkpoint.objects.create(
        tree_size=10**12, root_hash="00" * 32, created_at=timezone.now(),
        note=genuine.replace("\n3\n", f"\n{10**12}\n"))  # a real note, edited: signature fails
    assert checkpoints.latest() == forged  # the naive "latest row" would pick it
    assert served(client) == genuine
    post(user, 2, start=3)
    assert sign_checkpoint.call()["tree_size"] == 5  # signing goes on
    assert "\n5\n" in served(client)


@pytest.mark.parametrize("kind", ["other_key", "other_origin", "wrong_root", "columns_lie",
                                  "beyond_the_tree"])
def test_invalid_rows_are_skipped(client, user, kind):
    post(user, 4)
    good = do_take_checkpoint(actor=OPERATOR)
    post(user, 2, start=4)
    if kind == "other_key":
        forge(6, tree.root(6), seed=SEED_B)
    elif kind == "other_origin":
        forge(6, tree.root(6), origin="elsewhere.example/ledger")
    elif kind == "wrong_root":
        forge(6)  # signed with our key (a stolen key), but not this tree's history
    elif kind == "columns_lie":
        Checkpoint.objects.create(tree_size=6, root_hash=tree.root(6).hex(), note=good.note,
                                  created_at=timezone.now())  # a genuine note under other columns
    else:
        forge(7)
    assert checkpoints.latest_valid() == good
    assert served(client) == good.note
    assert [c["tree_size"] for c in client.get(f"{API}/checkpoints").json()["checkpoints"]] == [4]
    assert sign_checkpoint.call()["tree_size"] == 6


def test_validity_is_cached_per_row(user, django_assert_max_num_queries):
    post(user, 3)
    do_take_checkpoint(actor=OPERATOR)
    checkpoints.latest_valid()
    with django_assert_max_num_queries(2):  # the tree size and the newest rows: no re-check
        assert checkpoints.latest_valid().tree_size == 3


def test_a_checkpoint_signed_by_a_trusted_old_key_is_valid(user, data_dir):
    post(user, 2)
    with override_settings(SIGNING_KEY=SEED_B):
        old = do_take_checkpoint(actor=OPERATOR)
        old_vkey = signing.signer().ed25519.vkey
    signing._cache.clear()
    assert checkpoints.latest_valid() is None
    (data_dir / "trusted_keys").write_text(old_vkey + "\n")
    assert checkpoints.latest_valid() == old


def test_history_lists_valid_checkpoints_newest_first_in_pages(client, user):
    for round_ in range(5):
        post(user, 2, start=2 * round_)
        sign_checkpoint.call()
    do_take_checkpoint(actor=OPERATOR, force=True)  # same size twice: listed once
    forge(3)
    page = client.get(f"{API}/checkpoints", {"limit": 2}).json()
    assert [c["tree_size"] for c in page["checkpoints"]] == [10, 8]
    assert page["next_before"] == 8
    page = client.get(f"{API}/checkpoints", {"limit": 2, "before": 8}).json()
    assert [c["tree_size"] for c in page["checkpoints"]] == [6, 4]
    page = client.get(f"{API}/checkpoints", {"limit": 2, "before": 4}).json()
    assert [c["tree_size"] for c in page["checkpoints"]] == [2] and page["next_before"] is None
    for summary in client.get(f"{API}/checkpoints").json()["checkpoints"]:
        assert summary["root_hash"] == tree.root(summary["tree_size"]).hex()
        note = client.get(f"{API}/checkpoints/{summary['tree_size']}")
        assert note["Content-Type"].startswith("text/plain")
        text = note.content.decode()
        assert text.split("\n")[1] == str(summary["tree_size"])
        assert base64.b64decode(text.split("\n")[2]).hex() == summary["root_hash"]


def test_history_of_an_unknown_or_forged_size_is_a_404_in_chinese(client, user):
    post(user, 3)
    sign_checkpoint.call()
    forge(2)
    for size in (2, 7):
        response = client.get(f"{API}/checkpoints/{size}")
        assert response.status_code == 404
        assert response.json()["code"] == "no_checkpoint"
        assert f"树大小为 {size}" in response.json()["message"]
    assert client.get(f"{API}/checkpoints", {"limit": 0}).status_code == 422


def test_vkey_prints_the_c2sp_verifier_keys_and_public_key_is_an_alias():
    out, alias = io.StringIO(), io.StringIO()
    call_command("checkpoint", "--vkey", stdout=out)
    call_command("checkpoint", "--public-key", stdout=alias)
    assert out.getvalue() == alias.getvalue()
    ed25519, sm2 = out.getvalue().split()
    name, key_id, encoded = ed25519.split("+", 2)
    raw = base64.b64decode(encoded)
    assert name == "sanxiang.local/ledger" and len(key_id) == 8 and raw[0] == 1 and len(raw) == 33
    assert signing.parse_vkey(ed25519) == signing.signer().ed25519
    assert signing.parse_vkey(sm2).kind == "sm2"
    assert SEED_A not in out.getvalue()
