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
