"""`sanxiang verify --key VKEY --checkpoint CHECKPOINT`: trust pinned outside the server.

Each audit finding of issue 6 §1, done as the agency's own database administrator would do it —
carefully, recomputing leaf hashes and tree nodes and removing the checkpoint rows that would
betray the change — passes a plain `verify` (shown) and is caught and named once the verifier
holds the deployment's key and a checkpoint fetched earlier from the public API.
"""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from tamper import SEED_A, SEED_B, drop_triggers, sql

from sanxiang.jobs.tasks import sign_checkpoint
from sanxiang.ledger import checkpoints, signing, tree, verify
from sanxiang.ledger.actions import do_post_announcement
from sanxiang.ledger.models import Checkpoint, LedgerEntry, MerkleNode
from sanxiang.lib import merkle
from sanxiang.lib.canonical import canonical_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(tmp_path):
    with override_settings(DATA_DIR=tmp_path / "data", SIGNING_KEY=SEED_A):
        (tmp_path / "data").mkdir()
        signing._cache.clear()
        yield tmp_path / "data"
    signing._cache.clear()


@pytest.fixture
def pinned(client, tmp_path):
    """12 entries, each checkpointed by the job within seconds; the auditor keeps the key and
    the checkpoint of 12 (fetched from the public API) outside the server."""
    user = get_user_model().objects.create_user("pin-admin", password="x" * 12)
    for i in range(12):
        do_post_announcement(f"公告 {i}", actor=user)
        if i in (5, 11):
            sign_checkpoint.call()
    key = tmp_path / "ledger.vkey"
    out = io.StringIO()
    call_command("checkpoint", "--vkey", stdout=out)
    key.write_text(out.getvalue())
    note = tmp_path / "checkpoint.txt"
    note.write_text(client.get("/api/v1/ledger/checkpoint").content.decode())
    return {"key": key, "checkpoint": note, "user": user}


def run_pinned(pinned, *extra):
    out = io.StringIO()
    try:
        call_command("verify", "--json", "--key", str(pinned["key"]), "--checkpoint",
                     str(pinned["checkpoint"]), *extra, stdout=out)
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    return code, json.loads(out.getvalue())


def codes_of(result):
    return {f["code"] for f in result["findings"]}


# --- what the administrator does ------------------------------------------------------------

def rebuild_tree_and_hide_checkpoints(keep_up_to=6):
    """Recompute every leaf hash and node from the (edited) entries, as a careful intruder
    would, and delete the checkpoints that cover the edit."""
    rows = list(LedgerEntry.objects.order_by("index").values_list("index", "entry"))
    sql("DELETE FROM ledger_merklenode")
    stack, nodes = [], []
    for index, text in rows:
        node = merkle.leaf_hash(text.encode())
        sql('UPDATE ledger_ledgerentry SET leaf_hash = %s WHERE "index" = %s', [node.hex(), index])
        level = 0
        while stack and stack[-1][0] == level:
            node = merkle.node_hash(stack.pop()[1], node)
            level += 1
            nodes.append(MerkleNode(level=level, index=((index + 1) >> level) - 1, hash=node.hex()))
        stack.append((level, node))
    MerkleNode.objects.bulk_create(nodes)
    sql("DELETE FROM ledger_checkpoint WHERE tree_size > %s", [keep_up_to])


def edit_entry(index, change):
    text = LedgerEntry.objects.get(index=index).entry
    body = json.loads(text)
    change(body)
    sql('UPDATE ledger_ledgerentry SET entry = %s WHERE "index" = %s',
        [canonical_bytes(body).decode(), index])


def rewrite(index=9):
    drop_triggers()
    edit_entry(index, lambda body: body["payload"].update(text="篡改后的公告"))
    rebuild_tree_and_hide_checkpoints()


def reorder(first=8, second=10):
    drop_triggers()
    texts = {i: json.loads(LedgerEntry.objects.get(index=i).entry) for i in (first, second)}
    for here, there in ((first, second), (second, first)):
        body = dict(texts[there], index=here)  # the index fixed up, so no entry_reordered
        sql('UPDATE ledger_ledgerentry SET entry = %s, object_id = %s, state_digest = %s '
            'WHERE "index" = %s', [canonical_bytes(body).decode(), body["object_id"],
                                   body["state_digest"], here])
    rebuild_tree_and_hide_checkpoints()


def truncate(keep=9):
    drop_triggers()
    sql('DELETE FROM ledger_ledgerentry WHERE "index" >= %s', [keep])
    rebuild_tree_and_hide_checkpoints()
    # Objects of the removed entries go too, or verify's object check would notice them.
    from sanxiang.ledger.models import Announcement
    Announcement.objects.filter(text__in=[f"公告 {i}" for i in range(keep, 12)]).delete()


# --- the findings -----------------------------------------------------------------------------

def test_an_honest_ledger_passes_against_the_pinned_key_and_checkpoint(pinned):
    do_post_announcement("固定之后的公告", actor=pinned["user"])
    sign_checkpoint.call()
    code, result = run_pinned(pinned)
    assert code == 0, result["findings"]
    assert result["ok"] and result["pinned_size"] == 12 and result["entries"] == 13


@pytest.mark.parametrize("tamper", [rewrite, reorder, truncate], ids=["rewritten", "reordered",
                                                                     "truncated"])
def test_a_careful_rewrite_passes_plain_verify_but_not_the_pinned_checkpoint(pinned, tamper):
    tamper()
    assert verify.run(full=True).ok  # the audit's finding: nothing in the database betrays it
    code, result = run_pinned(pinned)
    assert code == 1
    assert codes_of(result) == {"pinned_checkpoint_inconsistent"}
    messages = " ".join(f["message"] for f in result["findings"])
    if tamper is truncate:
        assert "账本只有 9 条，少于固定的检查点记录的 12 条" in messages
    else:
        assert "由条目重算的前 12 条的根哈希与固定的检查点不一致" in messages
        assert "一致性证明不成立" in messages


def test_a_replaced_key_with_resigned_checkpoints_is_named(pinned):
    rewrite()
    with override_settings(SIGNING_KEY=SEED_B):  # the data directory's key, replaced
        signing._cache.clear()
        sql("DELETE FROM ledger_checkpoint")
        for size in (6, 12):  # every checkpoint re-signed over the rewritten history
            Checkpoint.objects.create(tree_size=size, root_hash=tree.root(size).hex(),
                                      note=signing.signer().sign(checkpoints.body(size, tree.root(size))),
                                      created_at=timezone.now())
        assert verify.run(full=True).ok  # trusting the data directory, all looks well
        code, result = run_pinned(pinned)
    assert code == 1
    assert codes_of(result) == {"key_not_pinned", "checkpoint_bad_signature",
                                "pinned_checkpoint_inconsistent"}
    named = next(f for f in result["findings"] if f["code"] == "key_not_pinned")
    assert "不是您固定的公钥" in named["message"]


def test_a_forged_checkpoint_row_is_named(pinned, client):
    genuine = client.get("/api/v1/ledger/checkpoint").content.decode()
    Checkpoint.objects.create(tree_size=10**9, root_hash="00" * 32, created_at=timezone.now(),
                              note=genuine.replace("\n12\n", f"\n{10**9}\n"))
    code, result = run_pinned(pinned)
    assert code == 1
    assert codes_of(result) == {"checkpoint_bad_signature"}
    assert client.get("/api/v1/ledger/checkpoint").content.decode() == genuine


def test_a_checkpoint_not_signed_by_the_pinned_key_is_refused(pinned, tmp_path):
    with override_settings(SIGNING_KEY=SEED_B):
        signing._cache.clear()
        other = signing.signer().sign(checkpoints.body(12, tree.root(12)))
    signing._cache.clear()
    pinned["checkpoint"].write_text(other)
    code, result = run_pinned(pinned)
    assert code == 1 and codes_of(result) == {"pinned_checkpoint_invalid"}


def test_unreadable_pinned_files_are_an_error_in_chinese(pinned, tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "bad.vkey").write_text("不是公钥\n")
    with pytest.raises(CommandError, match="公钥文件"):
        call_command("verify", "--key", str(tmp_path / "bad.vkey"), "--checkpoint",
                     str(pinned["checkpoint"]))
    with pytest.raises(CommandError, match="无法读取检查点文件 .*missing.txt：文件不存在") as refused:
        call_command("verify", "--key", str(pinned["key"]), "--checkpoint",
                     str(tmp_path / "missing.txt"))
    assert "Errno" not in str(refused.value) and refused.value.returncode == 2  # s19 tester8 #16
    with pytest.raises(CommandError, match="同时给出"):
        call_command("verify", "--key", str(pinned["key"]))


# --- incremental ----------------------------------------------------------------------------

def test_an_incremental_run_checks_only_new_checkpoints(pinned, data_dir):
    first = verify.run()
    assert first.ok and first.mode == "full" and first.checkpoints == 2
    assert (data_dir / verify.STATE_FILE).exists()
    do_post_announcement("新公告", actor=pinned["user"])
    sign_checkpoint.call()
    again = verify.run()
    assert again.ok and again.mode == "incremental"
    assert (again.checkpoints, again.checkpoints_verified_before) == (1, 2)
    assert verify.run(full=True).checkpoints == 3


def test_an_incremental_run_still_catches_new_forgeries_and_rewritten_entries(pinned):
    assert verify.run().ok
    Checkpoint.objects.create(tree_size=3, root_hash="11" * 32, created_at=timezone.now(),
                              note=checkpoints.body(3, bytes(32)) + "\n\u2014 x AAAAAAA=\n")
    assert verify.run().codes() == {"checkpoint_bad_signature"}


def test_an_incremental_run_catches_entries_rewritten_under_a_verified_checkpoint(pinned):
    assert verify.run().ok
    drop_triggers()
    edit_entry(3, lambda body: body["payload"].update(text="篡改"))
    rebuild_tree_and_hide_checkpoints(keep_up_to=10**6)  # keep the checkpoints: they betray it
    report = verify.run()
    assert report.mode == "full"  # the remembered root no longer matches the stored tree
    assert "checkpoint_inconsistent" in report.codes()


def test_what_an_incremental_run_cannot_catch_an_old_checkpoint_row_edited(pinned):
    """Documented limit: rows verified before are not re-read; --full (and the pinned checkpoint
    and witnesses, which do not live in the database) are what catch it."""
    assert verify.run().ok
    drop_triggers()
    row = Checkpoint.objects.order_by("id").first()
    sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s",
        [row.note.replace("\n6\n", "\n5\n"), row.pk])
    assert verify.run().ok
    assert "checkpoint_bad_signature" in verify.run(full=True).codes()


@pytest.mark.parametrize("state", ["not json", '{"checkpoint_id": 1, "note": "forged"}'])
def test_a_damaged_state_file_means_a_full_run(pinned, data_dir, state):
    assert verify.run().ok
    (data_dir / verify.STATE_FILE).write_text(state)
    report = verify.run()
    assert report.ok and report.mode == "full" and report.checkpoints == 2
