"""The log's side of witnessing (联署的接收与公开).

Decision (docs/decisions/0011-witness-cosignatures.md): witnesses push. A witness POSTs the
checkpoint it co-signed to `POST /api/v1/witness/cosignatures`; the deployment keeps the lines
that verify under a witness it registered (`sanxiang witness trust`) and refer to a checkpoint
it signed, and serves them after its own signature lines. The signature is the authentication:
no account, no token, and anyone may relay a cosignature.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.core.errors import NotFound, NotPermitted, RuleViolation
from sanxiang.ledger import checkpoints
from sanxiang.ledger.models import Checkpoint

from .cosign import CosignatureError, CosignerKey, cosignatures, parse_cosigner_vkey, split_note
from .models import Cosignature, TrustedWitness

MAX_NOTE = 64 * 1024
FUTURE_SLACK = dt.timedelta(minutes=10)


def trusted_keys() -> dict[tuple[str, bytes], tuple[TrustedWitness, CosignerKey]]:
    out = {}
    for witness in TrustedWitness.objects.all():
        key = parse_cosigner_vkey(witness.vkey)
        out[(key.name, key.key_id)] = (witness, key)
    return out


def accept(note: str) -> list[Cosignature]:
    """Keep the trusted witnesses' cosignatures on one of our checkpoints; refuse anything else."""
    if len(note) > MAX_NOTE:
        raise RuleViolation("联署内容过大", code="too_large")
    try:
        body, _ = split_note(note)
        parsed = checkpoints.parse_body(body)
    except (CosignatureError, ValueError) as exc:
        raise RuleViolation(f"联署格式错误：{exc}", code="bad_note") from None
    checkpoint = checkpoints.valid_at(parsed.size)
    if checkpoint is None or checkpoint.root_hash != parsed.root.hex() or not checkpoint.note.startswith(body):
        raise NotFound(f"本部署没有签发过树大小为 {parsed.size}、这个根哈希的检查点（来源 {parsed.origin}）",
                       code="unknown_checkpoint")
    known = trusted_keys()
    found, failed = cosignatures(note, [key for _, key in known.values()])
    if failed:
        raise NotPermitted("联署签名验证失败：" + "、".join(k.name for k in failed), code="bad_cosignature")
    if not found:
        raise NotPermitted("没有受信见证方的联署：请本部署的系统管理员先用 `sanxiang witness trust` 登记该见证方的公钥",
                           code="unknown_witness")
    now = timezone.now()
    kept = []
    with transaction.atomic():
        for cosig in found:
            if dt.datetime.fromtimestamp(cosig.timestamp, tz=dt.timezone.utc) > now + FUTURE_SLACK:
                raise RuleViolation(f"见证方 {cosig.key.name} 的联署时间在未来", code="future_cosignature")
            witness = known[(cosig.key.name, cosig.key.key_id)][0]
            row, _ = Cosignature.objects.update_or_create(
                witness=witness, tree_size=parsed.size, root_hash=parsed.root.hex(),
                defaults={"line": cosig.line, "timestamp": cosig.timestamp, "received_at": now})
            kept.append(row)
    return kept


def valid_lines(checkpoint: Checkpoint, *, check: bool = True) -> list[tuple[TrustedWitness, str]]:
    """The stored cosignatures of `checkpoint` that verify under a trusted witness's key now
    (`check=False` when serving: they were verified on receipt and every reader can verify them)."""
    rows = list(Cosignature.objects.filter(tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash)
                .select_related("witness").order_by("witness_id"))
    if not rows or not check:
        return [(row.witness, row.line) for row in rows]
    body = checkpoint.note[:checkpoint.note.index("\n\n") + 1]
    keys = {row.witness_id: parse_cosigner_vkey(row.witness.vkey) for row in rows}
    out = []
    for row in rows:
        found, _ = cosignatures(body + "\n" + row.line + "\n", [keys[row.witness_id]])
        if found:
            out.append((row.witness, row.line))
    return out


def with_cosignatures(note: str, checkpoint: Checkpoint | None = None) -> str:
    """The note with the witnesses' cosignature lines appended (ignored by plain signed-note verifiers)."""
    if checkpoint is None:
        try:
            parsed = checkpoints.parse_body(split_note(note)[0])
        except (CosignatureError, ValueError):
            return note
        checkpoint = Checkpoint.objects.filter(tree_size=parsed.size, root_hash=parsed.root.hex()).first()
        if checkpoint is None:
            return note
    lines = [line for _, line in valid_lines(checkpoint, check=False) if line not in note]
    return note + "".join(f"{line}\n" for line in lines)


def prune(now: dt.datetime | None = None) -> int:
    """清理联署: delete superseded cosignatures; return how many.

    Kept: each trusted witness's latest cosignature (the largest checkpoint it co-signed, served
    at /api/v1/witness/checkpoint and counted by `verify`), and every cosignature of a checkpoint
    signed in the last `COSIGNATURE_KEEP_DAYS` days (the served history a reader is likely to
    check). Older checkpoints stay served, without their witnesses' lines. A witness's alerts
    and the checkpoints it keeps as evidence (`WitnessAlert`, the witness's side) are other rows,
    never touched here."""
    from django.conf import settings
    from django.db.models import Min

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.COSIGNATURE_KEEP_DAYS)
    recent = Checkpoint.objects.filter(created_at__gte=cutoff).aggregate(size=Min("tree_size"))["size"]
    latest = [row for row in (Cosignature.objects.filter(witness=witness).order_by("-tree_size", "-id")
                              .values_list("id", flat=True).first()
                              for witness in TrustedWitness.objects.all()) if row is not None]
    stale = Cosignature.objects.exclude(pk__in=latest)
    if recent is not None:
        stale = stale.filter(tree_size__lt=recent)
    deleted, _ = stale.delete()
    return deleted


def latest_cosigned() -> Checkpoint | None:
    """The largest checkpoint some trusted witness co-signed."""
    top = Cosignature.objects.order_by("-tree_size", "-id").first()
    if top is None:
        return None
    return Checkpoint.objects.filter(tree_size=top.tree_size, root_hash=top.root_hash).first()


def summary() -> dict:
    """How many witnesses co-signed the latest checkpoint, and the latest co-signed one."""
    trusted = TrustedWitness.objects.count()
    latest = checkpoints.latest_valid()

    def describe(cp):
        if cp is None:
            return None
        signed = valid_lines(cp)
        return {"tree_size": cp.tree_size, "root_hash": cp.root_hash, "cosigners": len(signed),
                "witnesses": [w.label for w, _ in signed]}

    return {"trusted": trusted, "latest": describe(latest), "latest_cosigned": describe(latest_cosigned())}


def summary_line(info: dict | None = None) -> str:
    """One sentence for `sanxiang verify` and the public pages."""
    info = info if info is not None else summary()
    if not info["trusted"]:
        return "见证联署：尚未登记受信见证方（sanxiang witness trust）"
    latest, cosigned = info["latest"], info["latest_cosigned"]
    if latest is None:
        return f"见证联署：已登记 {info['trusted']} 个见证方，尚无检查点"
    text = (f"见证联署：最新检查点（树大小 {latest['tree_size']}）有 {latest['cosigners']}/{info['trusted']} "
            "个受信见证方联署")
    if cosigned is None:
        return text + "；尚无任何联署"
    if cosigned["tree_size"] != latest["tree_size"]:
        text += (f"；最近一个已联署的检查点为树大小 {cosigned['tree_size']}，"
                 f"{cosigned['cosigners']} 个见证方（{'、'.join(cosigned['witnesses'])}）")
    elif latest["witnesses"]:
        text += f"（{'、'.join(latest['witnesses'])}）"
    return text
