"""The sequencer: entries committed pending and integrated later, in both modes, and bulk appends.

Inline (the default whenever the ledger lock is free) is what every other ledger test exercises;
here `LEDGER_SEQUENCING="deferred"` forces the pending path a contended PostgreSQL writer takes.
"""

import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import override_settings

from sanxiang.access.actors import MIGRATION, OPERATOR
from sanxiang.jobs.worker import Worker
from sanxiang.ledger import sequencer, tree, verify
from sanxiang.ledger.actions import append_entry, do_post_announcement
from sanxiang.ledger.bulk import append_many
from sanxiang.ledger.models import Announcement, LedgerEntry, MerkleNode, PendingEntry
from sanxiang.ledger.registry import register_actions
from sanxiang.lib import merkle
from sanxiang.lib.canonical import canonical_bytes

pytestmark = pytest.mark.django_db
register_actions({"import_record": "导入历史记录（测试）"})
deferred = override_settings(LEDGER_SEQUENCING="deferred")


def new_act():
    """In production each request commits on its own; inside the test's one transaction every act
    would share an operation (and follow its pending entries), so start a fresh one."""
    connection.ledger_operation = None


@pytest.fixture
def admin():
    return get_user_model().objects.create_user("sequencer-admin", password="x" * 12)


def assert_tree_is_the_reference_tree():
    rows = list(LedgerEntry.objects.order_by("index").values_list("index", "entry", "leaf_hash"))
    assert [row[0] for row in rows] == list(range(len(rows)))
    leaves = [row[1].encode() for row in rows]
    for (index, text, leaf), data in zip(rows, leaves):
        assert json.loads(text)["index"] == index
        assert leaf == merkle.leaf_hash(data).hex()
    reference = merkle.ListSource([merkle.leaf_hash(d) for d in leaves])
    stored = list(MerkleNode.objects.values_list("level", "index", "hash"))
    assert len(stored) == len(rows) - bin(len(rows)).count("1")  # every complete subtree, once
    for level, index, value in stored:
        assert reference(level, index).hex() == value
    assert tree.root(len(rows)) == merkle.mth(leaves)


@pytest.mark.parametrize("files,payload", [
    ([], {}),
    ([{"path": "a/b.pdf", "sha256": "0" * 64, "index": 3, "size": 1}], {"index": 9}),
    ([{"path": '"index":0,}{', "size": 2}], {"说明": "含\"引号\"与\\反斜杠", "n": [1, {"z": None}]}),
])
def test_entry_text_with_its_index_is_the_canonical_json(files, payload):
    body = {"time": "2026-11-23T13:00:00+00:00", "agency": "株洲", "actor": "张三",
            "action": "import_record", "operation": "ab" * 16, "object_type": "cases.case",
            "object_id": "42", "state_digest": "f" * 64, "deleted": False, "files": files,
            "payload": payload}
    text = sequencer.EntryText.of(body)
    for index in (0, 7, 123456789):
        assert text.with_index(index).encode() == canonical_bytes(body | {"index": index})


def test_a_deferred_entry_commits_pending_and_the_integrator_sequences_it(admin):
    do_post_announcement("第一条", actor=admin)
    with deferred:
        note = do_post_announcement("排队的一条", actor=admin)
    assert LedgerEntry.objects.count() == 1
    pending = PendingEntry.objects.get()
    assert (pending.action, pending.object_id, pending.state_digest) == (
        "post_announcement", str(note.pk), note.ledger_digest())
    report = verify.run()  # the object's last state is in the pending entry
    assert report.ok, report.findings
    assert report.pending == 1

    assert sequencer.integrate() == 1
    assert not PendingEntry.objects.exists()
    entry = LedgerEntry.objects.get(index=1)
    body = json.loads(entry.entry)
    assert body["index"] == 1 and body["object_id"] == str(note.pk)
    assert body["payload"] == {"text": "排队的一条"}
    assert entry.state_digest == note.ledger_digest()
    assert_tree_is_the_reference_tree()
    report = verify.run()
    assert report.ok and report.pending == 0


def test_an_acts_entries_stay_together_in_order_with_one_operation(admin):
    do_post_announcement("先有一条", actor=admin)
    with deferred, transaction.atomic():
        note = Announcement.objects.create(text="一次行为三条留痕", posted_at="2026-11-23T00:00Z")
        returned = [append_entry(action="post_announcement", actor=admin, obj=note,
                                 payload={"step": step}) for step in range(3)]
    assert all(entry.index is None for entry in returned)
    sequencer.integrate()
    bodies = [json.loads(e) for e in LedgerEntry.objects.filter(index__gte=1).order_by("index")
              .values_list("entry", flat=True)]
    assert [b["payload"]["step"] for b in bodies] == [0, 1, 2]
    assert len({b["operation"] for b in bodies}) == 1


def test_inline_and_pending_entries_build_one_tree_across_batches(admin):
    for i in range(13):
        do_post_announcement(f"直接 {i}", actor=admin)
    with deferred:
        for i in range(50):
            do_post_announcement(f"排队 {i}", actor=admin)
    assert sequencer.integrate(batch=7) == 50  # eight transactions, the last one short
    new_act()
    for i in range(5):
        do_post_announcement(f"又直接 {i}", actor=admin)
    assert not PendingEntry.objects.exists() and LedgerEntry.objects.count() == 68
    assert_tree_is_the_reference_tree()
    assert verify.run().ok


def test_an_inline_entry_never_overtakes_a_pending_entry_of_the_same_object(admin):
    # Under contention (PostgreSQL) an act's entry commits pending; the next act on the same
    # object may find the lock free before the integrator ran: its entry must still come after,
    # or the object's last entry would be the older state (found by bench/bench_cases.py).
    with deferred:
        note = do_post_announcement("先排队", actor=admin)
    new_act()
    with transaction.atomic():
        note.text = "随后修改"
        note.save()
        append_entry(action="post_announcement", actor=admin, obj=note, payload={"text": note.text})
    assert not PendingEntry.objects.exists()
    texts = [json.loads(e)["payload"]["text"] for e in LedgerEntry.objects.order_by("index")
             .values_list("entry", flat=True)]
    assert texts == ["先排队", "随后修改"]
    report = verify.run()
    assert report.ok, report.findings


def test_entries_are_sequenced_right_after_the_act_commits(admin, django_capture_on_commit_callbacks):
    with deferred, django_capture_on_commit_callbacks(execute=True):
        do_post_announcement("提交后即排序", actor=admin)
    assert not PendingEntry.objects.exists()
    assert json.loads(LedgerEntry.objects.get().entry)["payload"] == {"text": "提交后即排序"}


def test_pending_entries_left_by_a_crash_are_integrated_by_the_worker(admin):
    # The act committed; the process died before its after-commit integration ran.
    with deferred:
        do_post_announcement("进程在排序前退出", actor=admin)
    assert PendingEntry.objects.count() == 1
    Worker().run_once()
    assert not PendingEntry.objects.exists() and LedgerEntry.objects.count() == 1
    assert verify.run().ok


def test_verify_still_catches_an_edit_behind_a_pending_entry(admin):
    with deferred:
        note = do_post_announcement("待排序时被改", actor=admin)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_announcement SET text = %s WHERE id = %s", ["篡改", note.pk])
    report = verify.run()
    assert report.codes() == {"object_modified"}
    assert "待排序" in report.findings[0].message


def test_bulk_import_shares_one_operation_and_verifies(admin):
    do_post_announcement("导入前", actor=admin)
    with transaction.atomic():
        notes = Announcement.objects.bulk_create(
            [Announcement(text=f"历史 {i}", agency="zhuzhou-amr", posted_at="2020-01-01T00:00Z")
             for i in range(300)])
        stored = list(Announcement.objects.filter(pk__in=[n.pk for n in notes]).order_by("pk"))
        count = append_many(({"action": "import_record", "obj": note, "agency": "zhuzhou-amr",
                              "payload": {"n": i}} for i, note in enumerate(stored)),
                            actor=MIGRATION, batch=64)
    assert count == 300
    bodies = [json.loads(e) for e in LedgerEntry.objects.filter(index__gte=1).order_by("index")
              .values_list("entry", flat=True)]
    assert [b["payload"]["n"] for b in bodies] == list(range(300))
    assert {b["actor"] for b in bodies} == {"system:migrate"}
    assert len({b["operation"] for b in bodies}) == 1
    assert_tree_is_the_reference_tree()
    assert verify.run().ok


def test_bulk_import_refuses_an_unregistered_action_and_writes_nothing():
    with pytest.raises(RuntimeError, match="not registered"), transaction.atomic():
        append_many([{"action": "import_record", "object_type": "x", "object_id": "1"},
                     {"action": "never_registered"}], actor=OPERATOR)
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_writer_finding_the_lock_taken_does_not_wait_for_it():
    """PostgreSQL: while one act holds the ledger lock, another commits its entry pending and
    returns; it is sequenced once the lock is free. SQLite has one writer, whose IMMEDIATE
    transaction holds the lock: every entry is sequenced inline."""
    user = get_user_model().objects.create_user("lock-holder", password="x" * 12)
    if connection.vendor != "postgresql":
        do_post_announcement("唯一的写者", actor=user)
        assert not PendingEntry.objects.exists() and LedgerEntry.objects.count() == 1
        return
    holding, release = threading.Event(), threading.Event()

    def first_act():
        try:
            with transaction.atomic():
                do_post_announcement("先拿到锁", actor=user)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=first_act)
    holder.start()
    try:
        assert holding.wait(10)
        do_post_announcement("没等锁", actor=user)
        assert PendingEntry.objects.count() == 1 and LedgerEntry.objects.count() == 0
    finally:
        release.set()
        holder.join()
    # The holder's after-commit sweep, or this one, sequences the pending entry after its own.
    sequencer.integrate()
    texts = [json.loads(e)["payload"]["text"] for e in
             LedgerEntry.objects.order_by("index").values_list("entry", flat=True)]
    assert texts == ["先拿到锁", "没等锁"]
    assert not PendingEntry.objects.exists()
    assert_tree_is_the_reference_tree()


@pytest.mark.parametrize("mode", ["auto", "inline"])
def test_modes_that_take_the_lock_sequence_at_once(admin, mode):
    with override_settings(LEDGER_SEQUENCING=mode):
        note = do_post_announcement(f"{mode} 模式", actor=admin)
        with transaction.atomic():  # an objectless entry takes the lock without a reload
            entry = append_entry(action="post_announcement", actor=admin, agency="zhuzhou-amr")
    assert entry.index == 1 and not PendingEntry.objects.exists()
    assert LedgerEntry.objects.get(index=0).state_digest == note.ledger_digest()
    assert_tree_is_the_reference_tree()
