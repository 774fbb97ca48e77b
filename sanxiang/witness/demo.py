"""Demo witnesses: each supervising 司法局 witnesses the ledger of the agencies it supervises.

The five demo agencies share one deployment and therefore one ledger (one origin), so each
supervisory body gets one witness identity (its own key and name) watching that ledger, and the
deployment trusts both. The worker's `witness_logs` job fetches the checkpoint over HTTP from
SANXIANG_PUBLIC_URL, co-signs and delivers. `make run` sets SANXIANG_PUBLIC_URL from the address it
serves (ADDR, default 127.0.0.1:8000) unless it is given; a re-run after the address changed moves
the demo's watched logs to it (the old ones are stopped, their cosignatures kept).
"""

from django.conf import settings

from sanxiang.access.actors import DEMO
from sanxiang.ledger import signing
from sanxiang.orgs.models import Agency, AgencyKind

from . import keys
from .actions import do_add_watched_log, do_remove_watched_log, do_trust_witness, normalise_url
from .models import TrustedWitness, WatchedLog


def follow_public_url(*, actor, holder=None) -> list[str]:
    """The demo's witnesses watch this deployment's own ledger (origin LEDGER_ORIGIN) at SANXIANG_PUBLIC_URL:
    when it is served elsewhere since (`sanxiang serve 127.0.0.1:8858` after `sanxiang demo`, s19 tester8
    #20), each such watched log is moved there — stopped (its cosignatures kept) and added again at the
    new address, ledgered. Returns the holders moved."""
    here = normalise_url(settings.PUBLIC_URL)
    logs = WatchedLog.objects.filter(origin=settings.LEDGER_ORIGIN, removed_at=None, holder__isnull=False)
    if holder is not None:
        logs = logs.filter(holder=holder)
    moved = []
    for watched in logs.select_related("holder").order_by("id"):
        if watched.url == here:
            continue
        do_remove_watched_log(watched, actor=actor)
        do_add_watched_log(url=here, vkey=watched.vkey, holder=watched.holder, actor=actor, name=watched.name)
        moved.append(watched.holder.name)
    return moved


def load(stdout) -> list[str]:
    log_vkey = signing.signer().ed25519.vkey
    holders = []
    for body in Agency.objects.filter(kind=AgencyKind.SUPERVISORY).order_by("code"):
        supervised = list(body.supervises.order_by("code").values_list("name", flat=True))
        if not supervised:
            continue
        holders.append(body.name)
        follow_public_url(actor=DEMO, holder=body)  # served at another address since (ADDR=…:9000 make run)
        watched = WatchedLog.objects.filter(holder=body, origin=settings.LEDGER_ORIGIN, removed_at=None).first()
        if watched is None:
            do_add_watched_log(url=settings.PUBLIC_URL, vkey=log_vkey, holder=body, actor=DEMO,
                               name=f"{'、'.join(supervised)}的留痕账本"[:100])
        witness_vkey = keys.cosigner(body.code).vkey
        if not TrustedWitness.objects.filter(vkey=witness_vkey).exists():
            do_trust_witness(vkey=witness_vkey, label=body.name, actor=DEMO)
    if not holders:
        return []
    return ["", f"见证：{'、'.join(holders)}各以自己的见证密钥见证本平台的留痕账本；服务启动后，"
                f"定时任务每 {settings.JOB_INTERVALS['witness_logs']} 秒从 {settings.PUBLIC_URL} 取回检查点并联署"
                "（sanxiang witness list 查看）。"]
