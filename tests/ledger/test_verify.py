"""`sanxiang verify`: passes on an honest ledger; fails, naming the cause, after each tampering.

Every tampering test first drops the append-only triggers, as an attacker with database access
would (the drop is rolled back with the test's transaction).
"""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from tamper import SEED_A, SEED_B, drop_triggers, sql

from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import checkpoints, signing, verify
from sanxiang.ledger.actions import append_entry, do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Announcement, Checkpoint, LedgerEntry
from sanxiang.lib.hashing import digest_stream
from sanxiang.lib.merkle import leaf_hash

pytestmark = pytest.mark.django_db
@pytest.fixture(autouse=True)
def data_dir(tmp_path):
    with override_settings(DATA_DIR=tmp_path, SIGNING_KEY=SEED_A):
        yield tmp_path


@pytest.fixture
def ledger():
    user = get_user_model().objects.create_user("verify-admin", password="x" * 12)
    notes = [do_post_announcement(f"公告 {i}", actor=user) for i in range(8)]
    do_take_checkpoint(actor=user)
    for i in range(8, 13):
        notes.append(do_post_announcement(f"公告 {i}", actor=user))
    do_take_checkpoint(actor=user)
    return notes


def codes():
    report = verify.run(chunk=4)  # small chunks exercise the streaming
    return report.codes()


def test_honest_ledger_passes(ledger):
    report = verify.run(chunk=4)
    assert report.ok, report.findings
    assert (report.entries, report.checkpoints) == (13, 2)
    assert report.objects >= 13
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "核验通过" in out.getvalue()
    out = io.StringIO()
    call_command("verify", "--json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True


def test_exit_code_and_json_name_the_finding(ledger):
    drop_triggers()
    sql("UPDATE ledger_ledgerentry SET entry = REPLACE(entry, '公告 2', '公告 X') WHERE \"index\" = 2")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify", "--json", stdout=out)
    assert exit_info.value.code == 1
    result = json.loads(out.getvalue())
    assert result["ok"] is False
    finding = next(f for f in result["findings"] if f["code"] == "entry_modified")
    assert "第 2 条" in finding["message"] and finding["detail"]["index"] == 2


def test_edited_entry(ledger):
    drop_triggers()
    sql("UPDATE ledger_ledgerentry SET entry = REPLACE(entry, '公告 2', '公告 X') WHERE \"index\" = 2")
    assert "entry_modified" in codes()


def test_edited_entry_with_recomputed_leaf_hash(ledger):
    drop_triggers()
    entry = LedgerEntry.objects.get(index=2)
    forged = entry.entry.replace("公告 2", "公告 X")
    sql("UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE \"index\" = 2",
        [forged, leaf_hash(forged.encode()).hex()])
    found = codes()
    assert {"node_mismatch", "checkpoint_inconsistent"} <= found


def test_edited_entry_column(ledger):
    drop_triggers()
    sql("UPDATE ledger_ledgerentry SET actor = 'someone-else' WHERE \"index\" = 4")
    assert "entry_modified" in codes()


def test_deleted_entry(ledger):
    drop_triggers()
    sql("DELETE FROM ledger_ledgerentry WHERE \"index\" = 5")
    assert "entry_missing" in codes()


def test_deleted_last_entry(ledger):
    drop_triggers()
    sql("DELETE FROM ledger_ledgerentry WHERE \"index\" = 12")
    report = verify.run()
    assert "entry_missing" in report.codes()
    assert any("只有 12 条" in f.message for f in report.findings)


def test_reordered_entries(ledger):
    drop_triggers()
    one, three = LedgerEntry.objects.get(index=1), LedgerEntry.objects.get(index=3)
    for target, source in ((1, three), (3, one)):
        sql("UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s, object_id = %s "
            "WHERE \"index\" = %s", [source.entry, source.leaf_hash, source.object_id, target])
    assert "entry_reordered" in codes()


def test_domain_row_edited_by_raw_sql(ledger):
    sql("UPDATE ledger_announcement SET text = '已被改写' WHERE id = %s", [ledger[3].pk])
    report = verify.run()
    assert report.codes() == {"object_modified"}
    assert str(ledger[3].pk) in report.findings[0].message


def test_domain_row_deleted_behind_the_actions_back(ledger):
    sql("DELETE FROM ledger_announcement WHERE id = %s", [ledger[0].pk])
    assert codes() == {"object_deleted"}


def test_domain_row_without_entry(ledger):
    sql("INSERT INTO ledger_announcement (text, agency, posted_at) VALUES (%s, '', %s)",
        ["偷偷插入", timezone.now()])
    assert codes() == {"object_unrecorded"}


def test_recorded_deletion_passes(ledger):
    with transaction.atomic():
        append_entry(action="delete_announcement", actor=OPERATOR, obj=ledger[1], deleted=True)
        Announcement.objects.filter(pk=ledger[1].pk).delete()
    assert verify.run().ok


def test_forged_checkpoint(ledger):
    drop_triggers()
    checkpoint = Checkpoint.objects.order_by("id").first()
    forged = checkpoint.note.replace("\n8\n", "\n9\n")
    sql("UPDATE ledger_checkpoint SET note = %s, tree_size = 9 WHERE id = %s", [forged, checkpoint.pk])
    assert "checkpoint_bad_signature" in codes()


def test_checkpoint_signed_by_an_unknown_key(ledger):
    with override_settings(SIGNING_KEY=SEED_B):
        do_take_checkpoint(actor=OPERATOR, force=True)
    assert codes() == {"checkpoint_bad_signature"}


def test_inconsistent_checkpoint(ledger):
    # Correctly signed, but over a root for a different history of the same size.
    wrong_root = leaf_hash(b"another history")
    note = signing.signer().sign(checkpoints.body(8, wrong_root))
    Checkpoint.objects.create(tree_size=8, root_hash=wrong_root.hex(), note=note,
                              created_at=timezone.now())
    assert "checkpoint_inconsistent" in codes()


def test_edited_node(ledger):
    drop_triggers()
    sql("UPDATE ledger_merklenode SET hash = %s WHERE level = 2 AND \"index\" = 1", ["00" * 32])
    assert "node_mismatch" in codes()


def test_rotated_key_is_accepted_when_listed_in_trusted_keys(ledger, data_dir):
    old = signing.signer()
    with override_settings(SIGNING_KEY=SEED_B):
        assert verify.run().codes() == {"checkpoint_bad_signature"}
        (data_dir / "trusted_keys").write_text(f"# 旧密钥\n{old.ed25519.vkey}\n{old.sm2.vkey}\n")
        assert verify.run().ok


def _record_file(data_dir, rel, content):
    path = Path(storage.backend().location) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with path.open("rb") as fh:
        digest = digest_stream(fh)
    with transaction.atomic():
        append_entry(action="store_file", actor=OPERATOR, files=[{"path": rel, **digest}])
    return path


def test_files_checked(ledger, data_dir):
    kept = _record_file(data_dir, "zhuzhou-amr/2026/证据1.jpg", b"photo")
    gone = _record_file(data_dir, "zhuzhou-amr/2026/笔录.pdf", b"record")
    assert verify.run().ok
    kept.write_bytes(b"photoshopped")
    gone.unlink()
    (Path(storage.backend().location) / "stray.bin").write_bytes(b"?")
    report = verify.run()
    assert report.codes() == {"file_modified", "file_missing", "file_untracked"}
    messages = " ".join(f.message for f in report.findings)
    assert "证据1.jpg" in messages and "笔录.pdf" in messages and "stray.bin" in messages


def test_a_file_whose_entry_commits_during_the_check_is_not_untracked(ledger, data_dir, monkeypatch):
    """s24 tester8 #5: the running server stores a file (a generated notice) a moment before the entry that
    lists it commits; `verify --files` looks for an unlisted file once more after a pause, so that file is
    not 「未登记的文件」 — a file nobody records stays one."""
    root = Path(storage.backend().location)
    (root / "sha256/85/fresh.docx").parent.mkdir(parents=True, exist_ok=True)
    (root / "sha256/85/fresh.docx").write_bytes(b"notice")
    (root / "stray.bin").write_bytes(b"?")

    def commit_meanwhile(seconds):  # the server's transaction commits while verify waits
        assert seconds == verify.UNTRACKED_RECHECK_SECONDS
        with (root / "sha256/85/fresh.docx").open("rb") as fh:
            digest = digest_stream(fh)
        with transaction.atomic():
            append_entry(action="store_file", actor=OPERATOR, files=[{"path": "sha256/85/fresh.docx", **digest}])

    monkeypatch.setattr(verify.time, "sleep", commit_meanwhile)
    report = verify.run()
    mine = [(f.code, f.message) for f in report.findings if f.message.endswith(("stray.bin", "fresh.docx"))]
    assert mine == [("file_untracked", "未登记的文件：stray.bin")]
    (root / "stray.bin").unlink()
