"""A witness co-signs a log that only grows, and refuses — keeping both signed checkpoints and
raising an alert — when the log rolls back, forks, rewrites its history or changes its key."""

import os

import pytest

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.ledger import signing
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.registry import action_label
from sanxiang.orgs import testing as T
from sanxiang.witness import witnessing
from sanxiang.witness.actions import do_add_watched_log
from sanxiang.witness.cosign import cosignatures, parse_cosigner_vkey
from sanxiang.witness.models import AlertKind, WatchedLog, WitnessAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(fake_log):
    justice = T.agency("test-justice", kind="supervisory")
    log = do_add_watched_log(url=fake_log.url, vkey=fake_log.vkey, name="某县市场监管局留痕账本",
                             holder=justice, actor=OPERATOR)
    return log


def _round(log):
    [outcome] = witnessing.run([WatchedLog.objects.get(pk=log.pk)], actor=JOBS)
    return outcome


def _cosigned(fake_log, watched):
    fake_log.grow(5)
    first = _round(watched)
    assert first.status == "cosigned", first.message
    return WatchedLog.objects.get(pk=watched.pk)


def test_a_growing_log_is_cosigned_after_its_consistency_proof_verifies(fake_log, watched):
    log = _cosigned(fake_log, watched)
    assert (log.tree_size, log.delivered) == (5, True)
    fake_log.grow(8)
    outcome = _round(log)
    assert outcome.status == "cosigned" and outcome.tree_size == 13
    log.refresh_from_db()
    assert log.tree_size == 13 and log.root_hash
    # What reached the log: its checkpoint with its own signatures and the witness's cosignature.
    delivered = fake_log.delivered[-1]
    found, failed = cosignatures(delivered, [parse_cosigner_vkey(log.witness_vkey)])
    assert len(found) == 1 and not failed
    assert signing.open_note(delivered, [fake_log.signer.ed25519]).verified
    # Nothing new: nothing to sign again, and routine cosigning did not grow the ledger.
    entries = LedgerEntry.objects.count()
    assert _round(log).status == "unchanged"
    fake_log.grow(1)
    assert _round(log).status == "cosigned"
    assert LedgerEntry.objects.count() == entries
    assert not WitnessAlert.objects.exists()


def _alert_of(log, kind):
    alerts = list(WitnessAlert.objects.filter(log=log))
    assert [a.kind for a in alerts] == [kind]
    return alerts[0]


def test_a_rolled_back_log_is_refused_and_both_checkpoints_are_kept(fake_log, watched):
    log = _cosigned(fake_log, watched)
    before = log.checkpoint
    delivered = len(fake_log.delivered)
    fake_log.truncate(3)  # e.g. an old backup restored: 2 entries gone
    outcome = _round(log)
    assert outcome.status == "alert"
    assert "回滚" in outcome.message and "拒绝联署" in outcome.message
    alert = _alert_of(log, AlertKind.ROLLBACK)
    # The evidence: both checkpoints, each verifiable under the log's key.
    assert alert.previous_checkpoint == before
    assert "\n3\n" in alert.offending_checkpoint
    for note in (alert.previous_checkpoint, alert.offending_checkpoint):
        assert signing.open_note(note, [fake_log.signer.ed25519]).verified
    log.refresh_from_db()
    assert log.tree_size == 5 and log.checkpoint == before  # not co-signed, state kept
    assert len(fake_log.delivered) == delivered
    entry = LedgerEntry.objects.get(action="raise_witness_alert")
    assert action_label(entry.action) == "见证告警" and entry.agency == "test-justice"
    # Seen again: still refused, but reported once.
    assert _round(log).status == "alert"
    assert WitnessAlert.objects.filter(log=log).count() == 1


def test_a_fork_at_the_same_size_is_refused(fake_log, watched):
    log = _cosigned(fake_log, watched)
    fake_log.rewrite(2)  # same size, another history: a split view
    outcome = _round(log)
    assert outcome.status == "alert" and "分叉" in outcome.message
    alert = _alert_of(log, AlertKind.FORK)
    assert alert.previous_checkpoint.split("\n")[:2] == alert.offending_checkpoint.split("\n")[:2]
    assert alert.previous_checkpoint.split("\n")[2] != alert.offending_checkpoint.split("\n")[2]


def test_a_rewritten_history_that_grew_fails_its_consistency_proof(fake_log, watched):
    log = _cosigned(fake_log, watched)
    fake_log.rewrite(1)
    fake_log.grow(4)  # bigger, but entry 1 was changed: no proof can link the two trees
    outcome = _round(log)
    assert outcome.status == "alert" and "一致性证明不成立" in outcome.message
    alert = _alert_of(log, AlertKind.INCONSISTENT)
    assert alert.proof == fake_log.consistency(5, 9)
    log.refresh_from_db()
    assert log.tree_size == 5


def test_a_checkpoint_signed_by_another_key_is_refused(fake_log, watched):
    log = _cosigned(fake_log, watched)
    fake_log.grow(2)
    # The agency replaced its key and re-signed: the witness knows the registered key only.
    fake_log.note_override = fake_log.note(signing.Signer(os.urandom(32), fake_log.origin))
    outcome = _round(log)
    assert outcome.status == "alert" and "签名" in outcome.message
    _alert_of(log, AlertKind.BAD_SIGNATURE)
    log.refresh_from_db()
    assert log.tree_size == 5


def test_a_forged_signature_under_the_registered_key_is_refused(fake_log, watched):
    log = _cosigned(fake_log, watched)
    fake_log.grow(2)
    honest = fake_log.note()
    fake_log.note_override = honest.replace("\n7\n", "\n8\n")  # body changed after signing
    assert _round(log).status == "alert"
    _alert_of(log, AlertKind.BAD_SIGNATURE)


def test_an_unreachable_or_failing_log_is_a_message_not_an_alert(fake_log, watched, closed_port):
    log = _cosigned(fake_log, watched)
    fake_log.status = 500
    outcome = _round(log)
    assert outcome.status == "error" and "HTTP 500" in outcome.message
    WatchedLog.objects.filter(pk=log.pk).update(url=closed_port)
    outcome = _round(log)
    assert outcome.status == "error" and "无法访问" in outcome.message
    assert WatchedLog.objects.get(pk=log.pk).last_error == outcome.message
    assert not WitnessAlert.objects.exists()
    fake_log.status = 200
    WatchedLog.objects.filter(pk=log.pk).update(url=fake_log.url)
    fake_log.grow(1)
    assert _round(log).status == "cosigned"


def test_the_job_survives_any_one_log(fake_log, watched, closed_port):
    from sanxiang.witness.tasks import witness_logs

    fake_log.grow(3)
    broken = do_add_watched_log(url=closed_port, vkey=fake_log.vkey, name="坏地址", actor=OPERATOR)
    WatchedLog.objects.filter(pk=broken.pk).update(vkey="not a key")  # even a corrupted row
    result = witness_logs.call()
    assert result["cosigned"] == 1 and len(result["errors"]) == 1
    assert "见证时出错" in result["errors"][0] or "公钥" in result["errors"][0]
    assert WatchedLog.objects.get(pk=watched.pk).tree_size == 3


def test_an_empty_log_is_cosigned_then_followed_as_it_grows(fake_log, watched):
    assert _round(watched).status == "cosigned"  # size 0, the empty tree's hash
    fake_log.grow(3)
    assert _round(watched).status == "cosigned"
    assert WatchedLog.objects.get(pk=watched.pk).tree_size == 3
    assert not WitnessAlert.objects.exists()
