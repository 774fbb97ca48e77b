"""Witnessing (见证): the logs this instance watches and co-signs, the alerts it raised, and — on
the log's side — the witnesses this deployment accepts and the cosignatures they sent."""

from django.db import models

from sanxiang.ledger.models import Ledgered


class WatchedLog(Ledgered):
    """见证的日志 — a transparency log (an agency's ledger) this instance fetches, checks and co-signs.

    Registering it is a legal record (ledgered); the latest co-signed checkpoint and the outcome
    of each run are routine state, kept here but outside the ledger digest (`ledger_exclude`).
    Removing it (停止见证) is ledgered too (`remove_watched_log`); the row stays, with its last
    co-signed checkpoint and its alerts, as evidence.
    """

    name = models.CharField("名称", max_length=100)
    url = models.CharField("地址", max_length=300)
    origin = models.CharField("日志来源标识", max_length=200)
    vkey = models.TextField("日志公钥")
    holder = models.ForeignKey("orgs.Agency", verbose_name="见证机构", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="watched_logs")
    witness_name = models.CharField("见证名称", max_length=200)
    witness_vkey = models.TextField("见证公钥")
    added_at = models.DateTimeField("登记时间")
    # Routine state: the latest checkpoint seen consistent and co-signed (with our line appended).
    tree_size = models.BigIntegerField("已联署的树大小", default=0)
    root_hash = models.CharField("已联署的根哈希", max_length=64, blank=True)
    checkpoint = models.TextField("已联署的检查点", blank=True)
    cosigned_at = models.DateTimeField("最近联署时间", null=True, blank=True)
    checked_at = models.DateTimeField("最近检查时间", null=True, blank=True)
    last_error = models.TextField("最近一次问题", blank=True)
    delivered = models.BooleanField("联署已送达", default=False)
    removed_at = models.DateTimeField("停止见证时间", null=True, blank=True)

    # `removed_at` is outside the digest so that rows registered before it existed keep theirs;
    # the removal itself is a ledger entry (remove_watched_log) with its time.
    ledger_exclude = ("tree_size", "root_hash", "checkpoint", "cosigned_at", "checked_at", "last_error",
                      "delivered", "removed_at")

    class Meta:
        verbose_name = "见证的日志"
        constraints = [models.UniqueConstraint(fields=["witness_name", "origin"], name="witness_one_log_per_identity",
                                               condition=models.Q(removed_at__isnull=True))]

    def __str__(self):
        return self.name


class AlertKind(models.TextChoices):
    ROLLBACK = "rollback", "日志回滚（树变小）"
    FORK = "fork", "日志分叉（同一大小、不同根哈希）"
    INCONSISTENT = "inconsistent", "一致性证明不成立（历史被改写）"
    BAD_SIGNATURE = "bad_signature", "检查点签名无效或不是登记的公钥所签"


class WitnessAlert(Ledgered):
    """见证告警 — the witness saw a checkpoint inconsistent with what it co-signed, and refused.

    Both signed checkpoints are kept as evidence: the one co-signed before and the offending one.
    """

    log = models.ForeignKey(WatchedLog, verbose_name="见证的日志", on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField("告警类型", max_length=20, choices=AlertKind.choices)
    message = models.TextField("说明")
    previous_checkpoint = models.TextField("此前已联署的检查点", blank=True)
    offending_checkpoint = models.TextField("收到的不一致检查点")
    proof = models.JSONField("收到的一致性证明", default=list, blank=True)
    raised_at = models.DateTimeField("告警时间")

    class Meta:
        verbose_name = "见证告警"
        ordering = ["-raised_at", "-id"]

    def __str__(self):
        return f"{self.log.name}：{self.get_kind_display()}"


class TrustedWitness(Ledgered):
    """受信见证方 — a witness whose cosignatures this deployment accepts and serves with its checkpoints."""

    label = models.CharField("见证方", max_length=100)
    name = models.CharField("见证名称", max_length=200)
    vkey = models.TextField("见证公钥", unique=True)
    added_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "受信见证方"

    def __str__(self):
        return self.label


class Cosignature(models.Model):
    """联署 — a trusted witness's cosignature on one of this deployment's checkpoints."""

    witness = models.ForeignKey(TrustedWitness, verbose_name="见证方", on_delete=models.PROTECT,
                                related_name="cosignatures")
    tree_size = models.BigIntegerField("树大小", db_index=True)
    root_hash = models.CharField("根哈希", max_length=64)
    line = models.TextField("签名行")
    timestamp = models.BigIntegerField("联署时间戳")
    received_at = models.DateTimeField("收到时间")

    class Meta:
        verbose_name = "联署"
        constraints = [models.UniqueConstraint(fields=["witness", "tree_size", "root_hash"],
                                               name="witness_one_cosignature_per_checkpoint")]
