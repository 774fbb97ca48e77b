"""Appending: entries, stored Merkle nodes, announcements; no checkpoint signed on commit."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import tree
from sanxiang.ledger.actions import append_entry, do_post_announcement
from sanxiang.ledger.models import Announcement, Checkpoint, LedgerEntry, MerkleNode
from sanxiang.lib import merkle

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return get_user_model().objects.create_user("ledger-admin", password="x" * 12)


def test_announcement_is_recorded_with_its_state(admin):
    note = do_post_announcement("  2026 年日历已复核  ", actor=admin, agency="zhuzhou-amr")
    entry = LedgerEntry.objects.get()
    body = json.loads(entry.entry)
    assert note.text == "2026 年日历已复核"
    assert body["index"] == 0 and entry.index == 0
    assert body["actor"] == "ledger-admin" and body["agency"] == "zhuzhou-amr"
    assert body["action"] == "post_announcement"
    assert body["object_type"] == "ledger.announcement" and body["object_id"] == str(note.pk)
    assert body["state_digest"] == note.ledger_digest()
    assert entry.leaf_hash == merkle.leaf_hash(entry.entry.encode()).hex()


@pytest.mark.parametrize("text,message", [("", "不能为空"), ("   ", "不能为空"),
                                          ("长" * 2001, "不能超过")])
def test_bad_announcement_is_refused_and_writes_nothing(admin, text, message):
    with pytest.raises(ValidationError, match=message):
        do_post_announcement(text, actor=admin)
    assert not Announcement.objects.exists()
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        append_entry(action="stray_write", actor=OPERATOR)
    assert not LedgerEntry.objects.exists()


def test_stored_nodes_match_the_reference_tree(admin):
    for i in range(37):
        do_post_announcement(f"公告 {i}", actor=admin)
    leaves = [e.encode() for e in LedgerEntry.objects.order_by("index").values_list("entry", flat=True)]
    assert [e for e in LedgerEntry.objects.order_by("index").values_list("index", flat=True)] == list(range(37))
    # One stored node per complete aligned subtree above the leaves: 18+9+4+2+1 = 34 for 37 leaves.
    assert MerkleNode.objects.count() == 34
    reference = merkle.ListSource([merkle.leaf_hash(d) for d in leaves])
    for level, index, value in MerkleNode.objects.values_list("level", "index", "hash"):
        assert reference(level, index).hex() == value
    for n in range(1, 38):
        assert tree.root(n) == merkle.mth(leaves[:n])
    for m in range(37):
        assert tree.inclusion_proof(m, 37) == merkle.path(m, leaves)
    for m in range(1, 38):
        assert tree.consistency_proof(m, 37) == merkle.proof(m, leaves)


def test_deletion_entry_records_deleted(admin):
    note = do_post_announcement("将撤回", actor=admin)
    with transaction.atomic():
        append_entry(action="delete_announcement", actor=admin, obj=note, deleted=True)
        note.delete()
    last = LedgerEntry.objects.order_by("-index").first()
    assert last.deleted and json.loads(last.entry)["deleted"] is True
    assert last.state_digest == ""


@pytest.mark.django_db(transaction=True)
def test_commits_never_sign_a_checkpoint(admin):
    # Real commits. Signing happens in the job runner (tests/jobs/), never inside a request.
    for i in range(6):
        do_post_announcement(f"公告 {i}", actor=admin)
    assert not Checkpoint.objects.exists()


def test_the_after_commit_callback_signs_nothing(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for i in range(5):
                do_post_announcement(f"批量 {i}", actor=admin)
    assert len(callbacks) == 1  # the operation's marker, one per transaction
    assert not Checkpoint.objects.exists()
