"""`sanxiang verify` on the demo data of the five agencies: passes, then names each tampering.

Tampering goes around the actions with raw SQL, as someone with database access would; the
append-only triggers are dropped first (rolled back with the test's transaction).
"""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from tamper import SEED_A, drop_triggers, sql

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import verify
from sanxiang.ledger.actions import do_take_checkpoint
from sanxiang.orgs.models import Certificate, CertificateStatus, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpointed_demo(demo, tmp_path):
    """The demo (built once per process, tests/demo_snapshot.py) under a checkpoint of this test's key."""
    with override_settings(DATA_DIR=tmp_path, SIGNING_KEY=SEED_A):
        do_take_checkpoint(actor=OPERATOR, force=True)
        yield


def findings():
    return {(f.code, f.detail.get("object_type", "")) for f in verify.run().findings}


def test_demo_data_verifies():
    report = verify.run()
    assert report.ok, report.findings
    assert report.entries > 300 and report.objects > 300


def test_revoked_certificate_made_valid_behind_the_actions_back_is_named():
    cert = Certificate.objects.filter(status=CertificateStatus.REVOKED).first()
    sql("UPDATE orgs_certificate SET status = %s WHERE id = %s", [CertificateStatus.VALID, cert.pk])
    assert ("object_modified", "orgs.certificate") in findings()


def test_a_holiday_turned_into_a_working_day_is_named():
    sql("UPDATE deadlines_calendarday SET kind = %s WHERE date = %s",
        ["workday", "2025-10-01"])
    assert ("object_modified", "deadlines.calendaryear") in findings()


def test_a_role_granted_by_raw_insert_is_named():
    role = RoleAssignment.objects.first()
    cols = [f.column for f in RoleAssignment._meta.concrete_fields if not f.primary_key]
    sql(f"INSERT INTO orgs_roleassignment ({', '.join(cols)}) SELECT {', '.join(cols)} "
        f"FROM orgs_roleassignment WHERE id = %s", [role.pk])
    assert ("object_unrecorded", "orgs.roleassignment") in findings()


def test_an_edited_ledger_entry_about_the_demo_is_named():
    drop_triggers()
    sql("UPDATE ledger_ledgerentry SET entry = replace(entry, 'zhuzhou', 'zhuzhoU') "
        "WHERE \"index\" = (SELECT min(\"index\") FROM ledger_ledgerentry WHERE agency = 'zhuzhou-amr')")
    assert "entry_modified" in {code for code, _ in findings()}


def test_a_deleted_ledger_entry_is_named():
    drop_triggers()
    sql("DELETE FROM ledger_ledgerentry WHERE \"index\" = 100")
    codes = {code for code, _ in findings()}
    assert codes & {"entry_missing", "entry_reordered"}, codes


def test_verify_command_exits_1_and_names_the_finding():
    cert = Certificate.objects.filter(status=CertificateStatus.REVOKED).first()
    sql("UPDATE orgs_certificate SET valid_to = '2099-12-31' WHERE id = %s", [cert.pk])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify", stdout=out, stderr=out)
    assert exit_info.value.code == 1
    assert "orgs.certificate" in out.getvalue()
