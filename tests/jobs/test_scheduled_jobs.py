"""The scheduled jobs, run by a worker with no click: overdue obligations, certificate expiry,
checkpoint signing, history pruning — each idempotent, and whole again after being killed."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sanxiang.access.actors import OPERATOR
from sanxiang.core import backup
from sanxiang.deadlines import actions as deadline_actions
from sanxiang.deadlines.models import Obligation
from sanxiang.jobs import tasks
from sanxiang.jobs.models import ScheduledRun
from sanxiang.jobs.worker import Worker
from sanxiang.ledger import verify
from sanxiang.ledger.actions import do_post_announcement
from sanxiang.ledger.models import Checkpoint, LedgerEntry
from sanxiang.orgs import testing
from sanxiang.orgs.actions import do_suspend_certificate
from sanxiang.orgs.models import Certificate, CertificateStatus

pytestmark = pytest.mark.django_db


def entries_for(obj, action):
    return [json.loads(e.entry) for e in LedgerEntry.objects.filter(
        object_type=obj.ledger_type(), object_id=str(obj.pk), action=action).order_by("index")]


def test_a_worker_iteration_marks_a_past_due_obligation_overdue(obligation):
    late, current = obligation(started=10, days=1), obligation(started=1, days=30)
    iteration = Worker().run_once()
    assert "mark_overdue_obligations" in iteration.enqueued and iteration.ran >= 1
    late.refresh_from_db()
    current.refresh_from_db()
    assert late.status == Obligation.OVERDUE and late.get_status_display() == "已超期"
    assert current.status == Obligation.OPEN
    [entry] = entries_for(late, "mark_overdue_obligation")
    assert entry["actor"] == "system:jobs" and entry["payload"]["status"] == "overdue"
    assert not entries_for(current, "mark_overdue_obligation")
    result = DBTaskResult.objects.get(task_path=tasks.mark_overdue_obligations.module_path)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["done"] == 1 and "已标记为超期" in result.return_value["summary"]
    assert verify.run().ok


def test_marking_overdue_again_changes_nothing(obligation):
    late = obligation(started=10, days=1)
    assert tasks.mark_overdue_obligations.call()["done"] == 1
    assert tasks.mark_overdue_obligations.call() == {"done": 0, "summary": ""}
    assert len(entries_for(late, "mark_overdue_obligation")) == 1


def test_a_paused_obligation_is_not_marked(obligation):
    paused = obligation(started=10, days=5)
    deadline_actions.do_pause_obligation(paused, start=paused.start + dt.timedelta(days=1),
                                         reason="听证", actor=OPERATOR)
    tasks.mark_overdue_obligations.call()
    paused.refresh_from_db()
    assert paused.status == Obligation.OPEN


def test_a_sweep_killed_half_way_leaves_a_consistent_state_and_the_next_run_completes(
        obligation, monkeypatch):
    obligations = [obligation(started=10 + i, days=1) for i in range(3)]
    real_transition, calls = deadline_actions._transition, []

    def dies_on_the_second(ob, action, actor, **params):
        calls.append(ob.pk)
        if len(calls) == 2:  # the process dies while the second obligation is being written
            raise SystemExit("killed")
        return real_transition(ob, action, actor, **params)

    monkeypatch.setattr(deadline_actions, "_transition", dies_on_the_second)
    Worker().run_once()
    failed = DBTaskResult.objects.get(task_path=tasks.mark_overdue_obligations.module_path)
    assert failed.status == TaskResultStatus.FAILED and "killed" in failed.traceback
    statuses = {}
    for ob in obligations:
        ob.refresh_from_db()
        statuses[ob.pk] = ob.status
        # Each obligation is whole: overdue with exactly its entry, or open with none.
        assert len(entries_for(ob, "mark_overdue_obligation")) == (ob.status == Obligation.OVERDUE)
    assert sorted(statuses.values()) == ["open", "open", "overdue"]
    assert verify.run().ok

    monkeypatch.setattr(deadline_actions, "_transition", real_transition)
    assert tasks.mark_overdue_obligations.call()["done"] == 2  # what the next slot's run does
    for ob in obligations:
        ob.refresh_from_db()
        assert ob.status == Obligation.OVERDUE
        assert len(entries_for(ob, "mark_overdue_obligation")) == 1
    assert verify.run().ok


def test_certificates_past_their_validity_expire_by_themselves(agency):
    today = timezone.localdate()
    officer = testing.person(agency)
    lapsed = testing.certificate(officer, valid_to=today - dt.timedelta(days=1))
    last_day = testing.certificate(officer, valid_to=today)
    suspended = testing.certificate(officer, valid_to=today - dt.timedelta(days=3))
    do_suspend_certificate(suspended, reason="停职调查", actor=OPERATOR)
    Worker().run_once()
    assert Certificate.objects.get(pk=lapsed.pk).status == CertificateStatus.EXPIRED
    assert Certificate.objects.get(pk=last_day.pk).status == CertificateStatus.VALID
    assert Certificate.objects.get(pk=suspended.pk).status == CertificateStatus.SUSPENDED
    [entry] = entries_for(lapsed, "expire_certificate")
    assert entry["actor"] == "system:jobs" and "届满" in entry["payload"]["reason"]
    assert tasks.expire_certificates.call()["done"] == 0
    assert len(entries_for(lapsed, "expire_certificate")) == 1


def test_the_checkpoint_job_signs_after_appends_and_does_nothing_otherwise():
    assert tasks.sign_checkpoint.call()["done"] == 0  # an empty ledger has nothing to attest
    assert not Checkpoint.objects.exists()
    for i in range(3):
        do_post_announcement(f"公告 {i}", actor=OPERATOR)
    assert tasks.sign_checkpoint.call() == {"done": 1, "summary": "已签发检查点（树大小 3）",
                                            "tree_size": 3}
    assert tasks.sign_checkpoint.call()["done"] == 0
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [3]
    do_post_announcement("又一条", actor=OPERATOR)
    assert tasks.sign_checkpoint.call()["tree_size"] == 4
    assert verify.run().ok


def test_pruning_forgets_old_history_and_keeps_queued_and_recent_work():
    old = timezone.now() - dt.timedelta(days=30)
    Worker().run_once()  # some finished results and recent slots
    recent_runs, recent_results = ScheduledRun.objects.count(), DBTaskResult.objects.count()
    ScheduledRun.objects.create(schedule="sign_checkpoint", slot=old, enqueued_at=old)
    finished = tasks.sign_checkpoint.enqueue().db_result
    waiting = tasks.sign_checkpoint.enqueue().db_result
    DBTaskResult.objects.filter(pk=finished.pk).update(status="SUCCESSFUL", enqueued_at=old)
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=old)
    assert tasks.prune_job_history.call()["done"] == 2
    assert ScheduledRun.objects.count() == recent_runs
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) >= {waiting.pk}
    assert DBTaskResult.objects.count() == recent_results + 1


def test_a_fresh_installation_stays_restorable_while_its_worker_runs():
    # The worker of an empty installation writes job history only: `sanxiang restore` still
    # finds the installation empty (a checkpoint of the empty ledger would make it "in use").
    Worker().run_once()
    assert ScheduledRun.objects.exists() and DBTaskResult.objects.exists()
    assert backup.occupied() == []


@pytest.mark.django_db(transaction=True)  # a backup opens its own snapshot transaction
def test_backups_leave_the_job_queue_out(tmp_path):
    do_post_announcement("备份前", actor=OPERATOR)
    Worker().run_once()
    manifest = backup.backup(tmp_path / "backup")
    assert "ledger.checkpoint" in manifest["counts"]
    assert not {"jobs.scheduledrun", "django_tasks_database.dbtaskresult"} & set(manifest["counts"])
