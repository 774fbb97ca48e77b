"""The party's side of a publication (issue 10 §3, §5; decision 0072): the code printed on the written
notice (公示告知书), the party's correction requests (更正申请) and applications to stop publication early
(提前停止公示申请, 总局令第45号第14条 as amended by 第101号).

- `PartyCode` 公示查询码 — one per publication: a short secret printed on the notice, stored hashed
  (Django's password hasher); with the case number (案号 or 决定书文号) it identifies the party on the
  portal, without an account. Issuing a new notice replaces the code.
- `CorrectionRequest` 更正申请 — what the party says is wrong and how to reach them; a deadline from
  the profile (`publicity.correction_answer`); answered by the agency's publicity editor or a head
  with reasons — accepted (a correction of the publication is opened, `do_correct_publication`) or
  refused (with the remedies, 救济途径).
- `EarlyStopRequest` 提前停止公示申请 — the conditions of the profile (`publicity.early_stop`), checked
  as data and confirmed one by one by the staff; a head decides; approved, the publication is taken
  down early with a public notice (transition `stop_early`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class Channel(models.TextChoices):
    PORTAL = "portal", "公开门户"
    PAPER = "paper", "书面（工作人员登记）"


class PartyCode(Ledgered):
    """公示查询码 — the hash of the code printed on the 公示告知书 of one publication."""

    publication = models.OneToOneField("publicity.Publication", on_delete=models.PROTECT, related_name="party_code")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    issued_by_name = models.CharField(max_length=150)

    objects = RestrictedManager()

    class Meta:
        verbose_name = "公示查询码"

    def __str__(self):
        return f"公示查询码（{self.publication.obligation.subject}）"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待答复"
    ACCEPTED = "accepted", "已更正"
    REFUSED = "refused", "不予更正"


class CorrectionRequest(Ledgered):
    """更正申请 — the party says the published information is inaccurate (总局令第45号第12条)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    publication = models.ForeignKey("publicity.Publication", on_delete=models.PROTECT,
                                    related_name="correction_requests")
    number = models.CharField(max_length=40)  # 受理编号 per agency and year (更〔2026〕1号), shown to the party
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PORTAL)
    content = models.TextField()  # what is wrong, and what it should say
    contact = models.CharField(max_length=200)
    received_on = models.DateField()
    due = models.DateField()
    rule = models.CharField(max_length=120)
    citation = models.TextField()
    obligation = models.ForeignKey("deadlines.Obligation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING,
                              db_index=True)
    answer = models.TextField(blank=True)  # reasons (更正或不予更正的理由)
    remedies = models.TextField(blank=True)  # 救济途径 (refused)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    correction_version = models.PositiveIntegerField(null=True, blank=True)  # the version opened for it
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # a paper request: who recorded it
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = "更正申请"
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="publicity_correction_number")]

    def __str__(self):
        return f"更正申请 {self.number}"


class EarlyStopStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准（已提前停止公示）"
    REFUSED = "refused", "不予批准"


class EarlyStopRequest(Ledgered):
    """提前停止公示申请 (总局令第45号第14条，经总局令第101号修改)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    publication = models.ForeignKey("publicity.Publication", on_delete=models.PROTECT,
                                    related_name="early_stop_requests")
    number = models.CharField(max_length=40)  # 停〔2026〕1号
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PORTAL)
    statement = models.TextField()  # the party's statement on each condition
    contact = models.CharField(max_length=200)
    received_on = models.DateField()
    due = models.DateField()
    obligation = models.ForeignKey("deadlines.Obligation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checks = models.JSONField(default=list)  # [{"code", "label", "met": bool|None, "note"}], the profile's
    status = models.CharField(max_length=12, choices=EarlyStopStatus.choices, default=EarlyStopStatus.PENDING,
                              db_index=True)
    reasons = models.TextField(blank=True)  # the decision's reasons; the public notice when approved
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = "提前停止公示申请"
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="publicity_earlystop_number")]

    def __str__(self):
        return f"提前停止公示申请 {self.number}"
