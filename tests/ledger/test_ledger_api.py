"""Public ledger API: checkpoint, proofs checked by an independent RFC 9162 verifier, entries."""

import base64
import hashlib

import pytest
from django.contrib.auth import get_user_model

from sanxiang.access.actors import OPERATOR
from sanxiang.jobs.tasks import sign_checkpoint
from sanxiang.ledger.actions import do_post_announcement
from sanxiang.ledger.models import Checkpoint

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"


# --- an independent verifier, written from RFC 9162 §2.1.3.2 / §2.1.4.2 for this test ---

def _h(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def check_inclusion(leaf_hash, index, size, path, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = _h(b"\x01", p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = _h(b"\x01", r, p)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and r == root


def check_consistency(m, n, old_root, new_root, path):
    if m == n:
        return not path and old_root == new_root
    if not path:
        return False
    if m & (m - 1) == 0:
        path = [old_root] + path
    fn, sn = m - 1, n - 1
    while fn % 2 == 1:
        fn, sn = fn // 2, sn // 2
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = _h(b"\x01", c, fr), _h(b"\x01", c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            sr = _h(b"\x01", sr, c)
        fn, sn = fn // 2, sn // 2
    return fr == old_root and sr == new_root and sn == 0


@pytest.fixture
def user():
    # Entries without an agency (system-wide announcements) are the system administrator's to read.
    return get_user_model().objects.create_superuser("api-reader", password="x" * 12)


@pytest.fixture
def ledger(user):
    for i in range(11):
        do_post_announcement(f"公告 {i}", actor=user)
    sign_checkpoint.call()  # what the job runner does seconds later


def _checkpoint(client):
    response = client.get(f"{API}/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    origin, size, root, blank = response.content.decode().split("\n")[:4]
    assert blank == ""
    return int(size), base64.b64decode(root)


def test_inclusion_proofs_verify_against_the_signed_root(client, ledger):
    size, root = _checkpoint(client)
    assert size == 11
    client.force_login(get_user_model().objects.get(username="api-reader"))
    for index in range(size):
        proof = client.get(f"{API}/proofs/inclusion", {"index": index, "size": size}).json()
        entry = client.get(f"{API}/entries/{index}").json()
        leaf = hashlib.sha256(b"\x00" + base64.b64decode(entry["entry"])).digest()
        assert leaf.hex() == entry["leaf_hash"]
        hashes = [bytes.fromhex(h) for h in proof["hashes"]]
        assert check_inclusion(leaf, index, size, hashes, root)
        assert not check_inclusion(leaf, (index + 1) % size, size, hashes, root)


def test_consistency_proof_between_two_checkpoints(client, ledger, user):
    old_size, old_root = _checkpoint(client)
    for i in range(6):
        do_post_announcement(f"后续 {i}", actor=user)
    from sanxiang.ledger.actions import do_take_checkpoint
    do_take_checkpoint(actor=OPERATOR)
    new_size, new_root = _checkpoint(client)
    assert (old_size, new_size) == (11, 17)
    proof = client.get(f"{API}/proofs/consistency", {"first": old_size, "second": new_size}).json()
    hashes = [bytes.fromhex(h) for h in proof["hashes"]]
    assert check_consistency(old_size, new_size, old_root, new_root, hashes)
    assert not check_consistency(old_size, new_size, new_root, new_root, hashes)


def test_before_the_first_checkpoint_the_api_answers_503_in_chinese(client, user):
    do_post_announcement("尚未签发", actor=user)
    response = client.get(f"{API}/checkpoint")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "no_checkpoint" and "尚未签发检查点" in body["message"]
    assert "尚未签发检查点" in response.content.decode("utf-8")  # readable, not \u-escaped
    assert int(response["Retry-After"]) > 0
    assert not Checkpoint.objects.exists()  # a public GET never signs


def test_the_api_serves_the_latest_stored_checkpoint_and_never_signs(client, ledger, user):
    for i in range(3):
        do_post_announcement(f"检查点之后 {i}", actor=user)
    assert _checkpoint(client)[0] == 11
    assert Checkpoint.objects.count() == 1
    sign_checkpoint.call()
    assert _checkpoint(client)[0] == 14


@pytest.mark.parametrize("url,params,code", [
    ("inclusion", {}, "invalid_request"),
    ("inclusion", {"index": "a", "size": "3"}, "invalid_request"),
    ("inclusion", {"index": "-1", "size": "3"}, "invalid_request"),
    ("inclusion", {"index": "3", "size": "3"}, "bad_index"),
    ("inclusion", {"index": "0", "size": "0"}, "bad_size"),
    ("inclusion", {"index": "0", "size": "12"}, "bad_size"),
    ("inclusion", {"index": "0", "size": "99999999999999999999999"}, "invalid_request"),
    ("consistency", {"first": "0", "second": "5"}, "bad_size"),
    ("consistency", {"first": "6", "second": "5"}, "bad_size"),
    ("consistency", {"first": "1", "second": "12"}, "bad_size"),
    ("consistency", {"first": "x"}, "invalid_request"),
])
def test_bad_parameters_get_400_or_422_in_chinese(client, ledger, url, params, code):
    response = client.get(f"{API}/proofs/{url}", params)
    assert response.status_code == (422 if code == "invalid_request" else 400)
    body = response.json()
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_entries_need_login(client, ledger, user):
    response = client.get(f"{API}/entries/0")
    assert response.status_code == 401
    assert response.json()["code"] == "login_required"
    client.force_login(user)
    assert client.get(f"{API}/entries/99").status_code == 404
    assert client.get(f"{API}/entries/0").json()["index"] == 0


def test_entries_are_read_by_the_agencys_administrators_and_supervisors_only(client):
    """An entry may name people and addresses: staff, other agencies and strangers get 404."""
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    justice = T.agency("entries-justice", kind="supervisory")
    a = T.agency("entries-a", supervised_by=["entries-justice"])
    b = T.agency("entries-b")
    do_post_announcement("甲局公告", actor=T.member(a, Role.ADMINISTRATOR), agency=a.code)
    url = f"{API}/entries/{_index_of(a.code)}"
    readers = {"admin-a": T.member(a, Role.ADMINISTRATOR), "supervisor": T.member(justice, Role.SUPERVISOR)}
    others = {"officer-a": T.member(a, Role.OFFICER), "leader-a": T.member(a, Role.AGENCY_LEADER),
              "admin-b": T.member(b, Role.ADMINISTRATOR), "no-role": T.user()}
    for name, who in readers.items():
        client.force_login(who)
        assert client.get(url).status_code == 200, name
    for name, who in others.items():
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 404, name
        assert "甲局公告" not in response.content.decode()


def _index_of(agency_code):
    from sanxiang.ledger.models import LedgerEntry

    return LedgerEntry.objects.filter(agency=agency_code, action="post_announcement").latest("index").index


def test_openapi_lists_the_ledger_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/ledger/checkpoint", "/api/v1/ledger/proofs/inclusion",
                 "/api/v1/ledger/proofs/consistency", "/api/v1/ledger/entries/{index}"]:
        assert path in paths
