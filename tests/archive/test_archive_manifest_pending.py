"""The 归档清单 lists every ledger entry of the case and its records by index on both databases: entries
still pending at archiving (a contended PostgreSQL writer; forced here by deferred sequencing) are
sequenced first, not merely counted (s17 "not done": verify could not name one removed)."""

import pytest
from archive_cast import archive_as_is
from django.test import override_settings
from documents_cast import REASONS, decided_case

from sanxiang.documents import actions as D
from sanxiang.ledger.models import LedgerEntry, PendingEntry

pytestmark = pytest.mark.django_db


def test_entries_pending_at_archiving_are_listed_by_index(env):
    with override_settings(LEDGER_SEQUENCING="deferred"):
        case = decided_case(env)
        document = D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        about = {("cases.case", str(case.pk)), ("documents.document", str(document.pk))}
        waiting = [(p.object_type, p.object_id) for p in PendingEntry.objects.all()]
        assert about <= set(waiting)  # the act's entries are pending, as a contended writer's are
        archived = archive_as_is(case, env.officer)
    manifest = archived.manifest
    assert "pending_entries" not in manifest
    listed = set(manifest["entries"])
    sequenced = {e.index for e in LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))}
    sequenced |= {e.index for e in LedgerEntry.objects.filter(object_type="documents.document",
                                                              object_id=str(document.pk))}
    assert sequenced and sequenced <= listed
    assert None not in listed
    assert not PendingEntry.objects.filter(object_type="documents.document", object_id=str(document.pk)).exists()


def test_while_the_ledger_lock_is_busy_pending_entries_are_listed_by_digest_and_verified(env, tmp_path, monkeypatch):
    """Archiving never waits for the ledger lock (it holds the case's row lock): an entry it cannot
    sequence is listed by the SHA-256 of its text without its index, and verify names it if removed."""
    import json

    from archive_cast import members, rebag, run, write

    from sanxiang.archive.package import verification_keys
    from sanxiang.archive.verify import verify_package
    from sanxiang.ledger import sequencer

    with override_settings(LEDGER_SEQUENCING="deferred"):
        case = decided_case(env)
        document = D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        monkeypatch.setattr(sequencer, "try_lock", lambda: False)  # another writer holds it
        archived = archive_as_is(case, env.officer)
        monkeypatch.undo()
    digests = archived.manifest["pending_entry_digests"]
    assert len(digests) >= 2  # the case's moves and the document's generation, at least
    sequencer.integrate()
    path = tmp_path / "案卷.zip"
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
    assert code == 0, err
    keys = verification_keys()
    result = verify_package(path, pinned_keys=keys)
    assert result.ok, result.findings
    files = members(path)
    root = next(iter(files)).split("/", 1)[0]
    ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
    ledger["entries"] = [e for e in ledger["entries"] if not (
        json.loads(e["entry"])["action"] == "generate_document"
        and json.loads(e["entry"])["object_id"] == str(document.pk))]
    files[f"{root}/data/ledger/entries.json"] = json.dumps(ledger).encode()
    tampered = tmp_path / "tampered.zip"
    write(tampered, rebag(files))
    found = verify_package(tampered, pinned_keys=keys)
    assert any(f.code == "entry_missing" and "尚待排序" in f.message for f in found.findings), found.findings
