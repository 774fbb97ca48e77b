"""Witnessing acts (见证).

Legal records — registering a watched log, trusting a witness, an alert — are ledgered. Routine
cosigning is not: the witness's latest co-signed checkpoint is state kept outside the ledger
digest, and received cosignatures are public rows that anyone can re-verify.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.access.policy import is_system
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger import signing
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from . import keys
from .cosign import CosignatureError, parse_cosigner_vkey
from .models import TrustedWitness, WatchedLog, WitnessAlert

register_actions({
    "add_watched_log": "登记见证的日志",
    "remove_watched_log": "停止见证日志",
    "raise_witness_alert": "见证告警",
    "trust_witness": "登记受信见证方",
})

CHECKPOINT_PATH = "/api/v1/ledger/checkpoint"


def normalise_url(url: str) -> str:
    """The log's base address: http(s)://host[:port][/prefix], without the checkpoint path."""
    text = (url or "").strip().rstrip("/")
    if text.endswith(CHECKPOINT_PATH):
        text = text[: -len(CHECKPOINT_PATH)]
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RuleViolation(f"地址不合法：“{url}”。应为 http(s)://主机[:端口]，例如 http://127.0.0.1:8000",
                            field="url", code="bad_url")
    try:
        parts.port  # noqa: B018 — raises on a malformed port
    except ValueError:
        raise RuleViolation(f"地址的端口不合法：“{url}”", field="url", code="bad_url") from None
    return text


def log_verifier(vkey: str) -> signing.Verifier:
    try:
        return signing.parse_vkey(vkey)
    except signing.SigningKeyError as exc:
        raise RuleViolation(f"日志公钥不合法：{exc}（应为 sanxiang checkpoint --public-key 打印的那一行）",
                            field="vkey", code="bad_vkey") from None


def _require_operator(actor) -> None:
    if not is_system(actor):
        raise NotPermitted("只有系统管理员或运维命令可以登记见证。")


@transaction.atomic
def do_add_watched_log(*, url: str, vkey: str, name: str = "", holder=None, actor) -> WatchedLog:
    """登记见证的日志: watch the log at `url` whose checkpoints `vkey` signs; its origin is the key's name."""
    _require_operator(actor)
    verifier = log_verifier(vkey)
    base = normalise_url(url)
    cosigner = keys.cosigner(holder.code if holder else None, create=True)
    name = (name or "").strip() or f"{verifier.name} 的留痕账本"
    if len(name) > 100:
        raise RuleViolation("名称不能超过 100 个字", field="name")
    if WatchedLog.objects.filter(witness_name=cosigner.name, origin=verifier.name, removed_at=None).exists():
        raise Conflict(f"见证“{cosigner.name}”已在见证来源为“{verifier.name}”的日志。", code="already_watched")
    try:
        with transaction.atomic():
            log = WatchedLog.objects.create(
                name=name, url=base, origin=verifier.name, vkey=verifier.vkey, holder=holder,
                witness_name=cosigner.name, witness_vkey=cosigner.vkey, added_at=timezone.now())
    except IntegrityError:
        raise Conflict(f"见证“{cosigner.name}”已在见证来源为“{verifier.name}”的日志。",
                       code="already_watched") from None
    append_entry(action="add_watched_log", actor=actor, obj=log,
                 payload={"url": base, "origin": verifier.name, "witness": cosigner.name})
    return log


@transaction.atomic
def do_remove_watched_log(log: WatchedLog, *, actor) -> WatchedLog:
    """停止见证日志: no more rounds for `log`. Its last co-signed checkpoint and its alerts stay
    (evidence); the identity's key stays (its past cosignatures must remain verifiable). The
    same log can be added again later, starting afresh (trust on first use)."""
    _require_operator(actor)
    log = WatchedLog.objects.select_for_update().get(pk=log.pk)
    if log.removed_at is not None:
        raise Conflict(f"已于 {timezone.localtime(log.removed_at):%Y-%m-%d %H:%M} 停止见证“{log.name}”。",
                       code="already_removed")
    log.removed_at = timezone.now()
    log.save(update_fields=["removed_at"])
    append_entry(action="remove_watched_log", actor=actor, obj=log,
                 payload={"url": log.url, "origin": log.origin, "witness": log.witness_name,
                          "tree_size": log.tree_size, "alerts": log.alerts.count()})
    return log


@transaction.atomic
def do_raise_witness_alert(log: WatchedLog, *, kind: str, message: str, offending: str, proof=(),
                           actor) -> WitnessAlert | None:
    """见证告警: keep both signed checkpoints as evidence. The same inconsistency (same kind against
    the same co-signed checkpoint) is reported once, however often the job sees it again."""
    previous = log.checkpoint
    if WitnessAlert.objects.filter(log=log, kind=kind, previous_checkpoint=previous).exists():
        return None
    alert = WitnessAlert.objects.create(log=log, kind=kind, message=message, previous_checkpoint=previous,
                                        offending_checkpoint=offending, proof=list(proof),
                                        raised_at=timezone.now())
    append_entry(action="raise_witness_alert", actor=actor, obj=alert,
                 payload={"log": log.name, "origin": log.origin, "kind": kind, "message": message})
    return alert


@transaction.atomic
def do_trust_witness(*, vkey: str, label: str, actor) -> TrustedWitness:
    """登记受信见证方: this deployment accepts and serves cosignatures from the witness with `vkey`."""
    _require_operator(actor)
    try:
        key = parse_cosigner_vkey(vkey)
    except CosignatureError as exc:
        raise RuleViolation(str(exc), field="vkey", code="bad_vkey") from None
    label = (label or "").strip() or key.name
    if len(label) > 100:
        raise RuleViolation("见证方名称不能超过 100 个字", field="label")
    if TrustedWitness.objects.filter(vkey=key.vkey).exists():
        raise Conflict(f"见证方“{key.name}”已登记。", code="already_trusted")
    witness = TrustedWitness.objects.create(label=label, name=key.name, vkey=key.vkey, added_at=timezone.now())
    append_entry(action="trust_witness", actor=actor, obj=witness, payload={"name": key.name, "label": label})
    return witness


def utc_timestamp(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp())
