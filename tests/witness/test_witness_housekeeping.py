"""Witness housekeeping: `sanxiang witness remove LOG` stops the rounds for a log but keeps what
it co-signed and its alerts as evidence; the prune job forgets superseded cosignatures of old
checkpoints on the log's side, keeping each witness's latest and the recent history's."""

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.core.errors import Conflict, NotPermitted
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.witness import served, witnessing
from sanxiang.witness.actions import do_add_watched_log, do_remove_watched_log, do_trust_witness
from sanxiang.witness.cosign import Cosigner
from sanxiang.witness.models import Cosignature, WatchedLog, WitnessAlert
from sanxiang.witness.tasks import prune_cosignatures

pytestmark = pytest.mark.django_db


def witness(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("witness", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def alerted(fake_log):
    """A watched log that was co-signed at 5, then rolled back to 3: one alert."""
    log = do_add_watched_log(url=fake_log.url, vkey=fake_log.vkey, name="某县留痕账本", actor=OPERATOR)
    fake_log.grow(5)
    assert witnessing.run([log], actor=JOBS)[0].status == "cosigned"
    fake_log.truncate(3)
    assert witnessing.run([WatchedLog.objects.get(pk=log.pk)], actor=JOBS)[0].status == "alert"
    return WatchedLog.objects.get(pk=log.pk)


def test_remove_stops_the_rounds_and_keeps_the_evidence(fake_log, alerted):
    evidence = WitnessAlert.objects.get(log=alerted)
    code, out, err = witness("remove", "某县留痕账本")
    assert code == 0, err
    assert "已停止见证“某县留痕账本”" in out and "树大小 5" in out and "1 条告警" in out
    log = WatchedLog.objects.get(pk=alerted.pk)
    assert log.removed_at is not None and log.checkpoint == alerted.checkpoint and log.tree_size == 5
    assert WitnessAlert.objects.get(log=log).offending_checkpoint == evidence.offending_checkpoint
    entry = LedgerEntry.objects.filter(action="remove_watched_log").get()
    assert entry.object_id == str(log.pk)

    assert witnessing.run(actor=JOBS) == []  # no more rounds for it
    assert WatchedLog.objects.get(pk=log.pk).checked_at == log.checked_at
    code, out, _ = witness("list")
    assert "停止见证" in out and "某县留痕账本" in out and "回滚" in out

    # Nothing more to remove; the same log can be watched again, afresh.
    code, _, err = witness("remove", fake_log.url)
    assert code == 2 and "没有正在见证的日志" in err and "Traceback" not in err
    with pytest.raises(Conflict):
        do_remove_watched_log(log, actor=OPERATOR)
    again = do_add_watched_log(url=fake_log.url, vkey=fake_log.vkey, name="某县留痕账本", actor=OPERATOR)
    assert again.witness_vkey == log.witness_vkey and again.tree_size == 0
    assert witnessing.run(actor=JOBS)[0].status == "cosigned"


def test_remove_is_for_operators_and_names_one_log(fake_log):
    first = T.agency("hk-justice-a", kind="supervisory")
    second = T.agency("hk-justice-b", kind="supervisory")
    for holder in (first, second):
        do_add_watched_log(url=fake_log.url, vkey=fake_log.vkey, name="同一个账本", holder=holder, actor=OPERATOR)
    supervisor = T.member(first, role="supervisor")
    entries = LedgerEntry.objects.count()
    code, _, err = witness("remove", fake_log.origin)
    assert code == 2 and "对应 2 个见证的日志" in err and "--holder" in err
    code, _, err = witness("remove", "没有这个账本")
    assert code == 2 and "没有正在见证的日志“没有这个账本”" in err
    with pytest.raises(NotPermitted):
        do_remove_watched_log(WatchedLog.objects.first(), actor=supervisor)
    assert LedgerEntry.objects.count() == entries and not WatchedLog.objects.exclude(removed_at=None).exists()
    code, out, err = witness("remove", fake_log.origin, "--holder", "hk-justice-b")
    assert code == 0, err
    assert list(WatchedLog.objects.filter(removed_at=None).values_list("holder__code", flat=True)) == ["hk-justice-a"]


def _cosign(witness_key, checkpoint):
    body = checkpoint.note[:checkpoint.note.index("\n\n") + 1]
    served.accept(checkpoint.note + witness_key.cosign(body, int(checkpoint.created_at.timestamp())) + "\n")


def _checkpoints(n):
    made = []
    for i in range(n):
        do_post_announcement(f"第 {i} 条", actor=OPERATOR)
        made.append(do_take_checkpoint(actor=OPERATOR))
    return made


def test_prune_keeps_each_witness_latest_and_the_recent_history(settings):
    settings.COSIGNATURE_KEEP_DAYS = 30
    keys = [Cosigner(f"justice{i}.example/witness", os.urandom(32)) for i in range(2)]
    for i, key in enumerate(keys):
        do_trust_witness(vkey=key.vkey, label=f"第{i + 1}司法局", actor=OPERATOR)
    made = _checkpoints(5)  # checkpoints are append-only: the prune's clock moves instead
    for checkpoint in made:
        _cosign(keys[0], checkpoint)
    # The second witness stopped co-signing after the second checkpoint: its latest is old, and kept.
    for checkpoint in made[:2]:
        _cosign(keys[1], checkpoint)
    alert_evidence = WitnessAlert.objects.count()
    # 30 days after the fourth checkpoint: the fourth and fifth are within the days kept.
    later = made[3].created_at + dt.timedelta(days=30)

    assert served.prune(now=later) == 4
    kept = set(Cosignature.objects.values_list("witness__name", "tree_size"))
    assert kept == {(keys[0].name, made[3].tree_size), (keys[0].name, made[4].tree_size),
                    (keys[1].name, made[1].tree_size)}
    assert WitnessAlert.objects.count() == alert_evidence
    # Still served: the latest checkpoint with its cosignature, the old ones without.
    assert served.summary()["latest"]["cosigners"] == 1
    assert served.latest_cosigned().tree_size == made[4].tree_size
    assert served.prune(now=later) == 0


def test_prune_with_no_recent_checkpoint_keeps_only_the_latest_and_runs_as_a_job(settings):
    settings.COSIGNATURE_KEEP_DAYS = 7
    key = Cosigner("justice.example/witness", os.urandom(32))
    do_trust_witness(vkey=key.vkey, label="某市司法局", actor=OPERATOR)
    made = _checkpoints(3)
    for checkpoint in made:
        _cosign(key, checkpoint)
    assert prune_cosignatures.call()["done"] == 0  # all signed just now
    assert served.prune(now=timezone.now() + dt.timedelta(days=8)) == 2
    assert list(Cosignature.objects.values_list("tree_size", flat=True)) == [made[-1].tree_size]
