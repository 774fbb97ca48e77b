"""End to end over real HTTP: the demo's two 司法局 witnesses fetch this deployment's checkpoint
from the running server, co-sign it, deliver their cosignatures, and the server serves them;
an alert shows on the workbench of the holder's supervisors and the system administrator only."""

import urllib.request

import pytest
from demo_snapshot import load_demo_of
from django.contrib.auth import get_user_model

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.ledger import signing, verify
from sanxiang.ledger.actions import do_take_checkpoint
from sanxiang.orgs.models import Agency
from sanxiang.witness import served
from sanxiang.witness.actions import do_raise_witness_alert
from sanxiang.witness.cosign import cosignatures, parse_cosigner_vkey
from sanxiang.witness.models import AlertKind, TrustedWitness, WatchedLog
from sanxiang.witness.tasks import witness_logs

WITNESS_DEMO = ("profiles", "orgs", "witness")  # the agencies, their people and the witnesses, not the cases


@pytest.fixture
def demo(transactional_db):
    load_demo_of(*WITNESS_DEMO)


def test_each_supervising_justice_bureau_witnesses_the_demo_ledger(live_server, settings):
    # `make run` serves at SANXIANG_PUBLIC_URL, which the demo registers; here that is the live server.
    settings.PUBLIC_URL = live_server.url
    load_demo_of(*WITNESS_DEMO)
    logs = list(WatchedLog.objects.select_related("holder").order_by("holder__code"))
    assert [log.holder.code for log in logs] == ["urumqi-gxq-justice", "zhuzhou-justice"]
    assert {log.url for log in logs} == {live_server.url}
    assert "株洲市市场监督管理局" in logs[1].name
    assert sorted(TrustedWitness.objects.values_list("label", flat=True)) == sorted(log.holder.name for log in logs)
    load_demo_of(*WITNESS_DEMO)  # re-running adds nothing
    assert WatchedLog.objects.count() == 2 and TrustedWitness.objects.count() == 2

    checkpoint = do_take_checkpoint(actor=OPERATOR)
    result = witness_logs.call()
    assert result["cosigned"] == 2 and not result["errors"], result
    assert WatchedLog.objects.filter(delivered=True, tree_size=checkpoint.tree_size).count() == 2

    with urllib.request.urlopen(live_server.url + "/api/v1/ledger/checkpoint") as response:
        note = response.read().decode()
    keys = [parse_cosigner_vkey(w.vkey) for w in TrustedWitness.objects.all()]
    found, failed = cosignatures(note, keys)
    assert len(found) == 2 and not failed
    assert signing.open_note(note, signing.trusted_verifiers()).verified
    info = served.summary()
    assert info["latest"]["cosigners"] == 2
    assert "2/2 个受信见证方联署" in served.summary_line(info)
    # Routine cosigning changed the witnesses' state, not their ledgered registration.
    assert verify.run().ok


def _home(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client.get("/").content.decode()


def test_an_alert_shows_on_the_holders_workbench(demo, client):
    zhuzhou = WatchedLog.objects.get(holder__code="zhuzhou-justice")
    do_raise_witness_alert(zhuzhou, kind=AlertKind.FORK, message="树大小同为 9，根哈希却不同，日志分叉，拒绝联署",
                           offending="…", actor=JOBS)
    page = _home(client, "zhuzhou-justice-supervisor")
    assert "见证告警" in page and "日志分叉" in page and zhuzhou.name in page
    assert Agency.objects.get(code="zhuzhou-justice").name in page
    page = _home(client, "urumqi-justice-supervisor")
    assert "见证（联署检查点）" in page and "日志分叉" not in page  # its own witness, no alert
    assert "日志分叉" in _home(client, "sysadmin")
    assert "见证（联署检查点）" not in _home(client, "zhuzhou-officer")
