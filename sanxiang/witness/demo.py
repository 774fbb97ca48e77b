"""Demo witnesses: each supervising 司法局 witnesses the ledger of the agencies it supervises.

The five demo agencies share one deployment and therefore one ledger (one origin), so each
supervisory body gets one witness identity (its own key and name) watching that ledger, and the
deployment trusts both. The worker's `witness_logs` job fetches the checkpoint over HTTP from
SANXIANG_PUBLIC_URL (http://127.0.0.1:8000 under `make run`), co-signs and delivers.
"""

from django.conf import settings

from sanxiang.access.actors import DEMO
from sanxiang.ledger import signing
from sanxiang.orgs.models import Agency, AgencyKind

from . import keys
from .actions import do_add_watched_log, do_trust_witness
from .models import TrustedWitness, WatchedLog


def load(stdout) -> list[str]:
    log_vkey = signing.signer().ed25519.vkey
    holders = []
    for body in Agency.objects.filter(kind=AgencyKind.SUPERVISORY).order_by("code"):
        supervised = list(body.supervises.order_by("code").values_list("name", flat=True))
        if not supervised:
            continue
        holders.append(body.name)
        identity = keys.identity_name(body.code)
        if not WatchedLog.objects.filter(witness_name=identity, origin=settings.LEDGER_ORIGIN).exists():
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
