"""公示 (issue 10 §3, §5): what a decision owes the public, and what is published.

- `PublicationObligation` 公示义务 — opened by every decision the agency's profile puts in scope
  (`scope.py`), with the profile's deadline (7 or 20 working days, a 双随机 result's 20 working days
  from the inspection's end). It closes only by publication or by an approved 不予公开 with a legal
  ground; 暂缓公开 (deferral) keeps it open with a later due date, ground and approver.
- `Publication` 公示信息 — the publication of one obligation: states draft → submitted → approved →
  published → (corrected) → withdrawn / expired (the `publication` transition table, workflows.py).
- `PublicationVersion` 公示信息版本 — one version's fields per profile, the SAMR summary, the internal
  original text and the redacted text with its spans (the preview), never edited once submitted; a
  correction is a new version, the earlier ones stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class ObligationStatus(models.TextChoices):
    """公示义务状态 — the states of the `publication_obligation` table."""

    OPEN = "open", "待公示"
    PUBLISHED = "published", "已公示"
    WITHHELD = "withheld", "不予公开"
    VOIDED = "voided", "决定已撤销，不再公示"  # revoked, void or remade before publication (decision 0069)


class Ground(models.TextChoices):
    """不予公开、部分公开、暂缓公开的法定事由 (国办发〔2018〕118号; 总局令第45号第5—6条)."""

    STATE_SECRET = "state_secret", "涉及国家秘密"
    BUSINESS_SECRET = "business_secret", "涉及商业秘密"
    PRIVACY = "privacy", "涉及个人隐私"
    OTHER_LAW = "other_law", "法律、行政法规另有规定"


class Disclosure(models.TextChoices):
    """公开方式 of a version: in full (after redaction) or in part (部分公开, with a ground)."""

    FULL = "full", "公开"
    PARTIAL = "partial", "部分公开"


NO_PENALTY_DECISION = "penalty_general.decide_no_penalty"  # the move of a 不予行政处罚决定 (cases.decisions)


class PublicationObligation(Ledgered):
    """公示义务 — the duty to publish one decision (执法决定) by its profile's deadline.

    `decision` names the move that made it ("penalty_general.decide"); `rule` the profile value
    that gave the period, with its citation; `obligation` the deadline (时限) in `deadlines`, which
    the job runner marks late. `subject` is whose name it is published under (the entity for a
    双随机 result)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="publication_obligations")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="publication_obligations")
    decision = models.CharField(max_length=64)  # "<table>.<action>" of the deciding move
    decision_key = models.CharField(max_length=96)  # unique per decision (a measure's id for 强制)
    kind_label = models.CharField(max_length=16)  # 处罚 / 许可 / 强制 / 检查 / 确认 / 裁决 / 监察
    decision_label = models.CharField(max_length=120)  # 作出处罚决定 …
    decided_on = models.DateField()
    subject = models.CharField(max_length=200)  # 公示对象 (the entity's name for a 双随机 result)
    rule = models.CharField(max_length=120)
    citation = models.TextField()
    count = models.PositiveIntegerField()
    unit = models.CharField(max_length=8)
    due = models.DateField()
    scope_note = models.CharField(max_length=300, blank=True)  # why in scope, and the display period chosen
    low_display = models.BooleanField(default=False)  # 仅通报批评或较低数额罚款: the short display period
    status = models.CharField(max_length=16, choices=ObligationStatus.choices, default=ObligationStatus.OPEN,
                              db_index=True)
    ground = models.CharField(max_length=24, choices=Ground.choices, blank=True)  # 不予公开 / 暂缓公开
    ground_note = models.CharField(max_length=500, blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    deferred_until = models.DateField(null=True, blank=True)  # 暂缓公开 to this day
    # 不予公开/暂缓公开 proposed by the editor, awaiting the named head's own approval (decision 0069)
    proposal = models.CharField(max_length=8, choices=[("withhold", "不予公开"), ("defer", "暂缓公开")], blank=True)
    proposal_ground = models.CharField(max_length=24, choices=Ground.choices, blank=True)
    proposal_note = models.CharField(max_length=500, blank=True)
    proposal_until = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    obligation = models.ForeignKey("deadlines.Obligation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    warning = models.CharField(max_length=8, blank=True)  # "", yellow 临期, red 超期 (the job's)
    created_at = models.DateTimeField()

    ledger_exclude = ("warning",)
    objects = RestrictedManager()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = "公示义务"
        constraints = [models.UniqueConstraint(fields=["decision_key"], name="publicity_obligation_unique_decision")]

    def __str__(self):
        return f"公示义务：{self.subject}（{self.decision_label}，{self.decided_on:%Y-%m-%d}）"

    @property
    def no_penalty(self) -> bool:
        """A 不予行政处罚决定 (decision 0075): of the 处罚 kind, but no penalty was imposed (行政处罚法第二条) —
        not 行政处罚信息: no SAMR summary, no 45号 display period, no credit 行政处罚 row (decision 0098)."""
        return self.decision == NO_PENALTY_DECISION

    @property
    def penalty_information(self) -> bool:
        """行政处罚信息 (总局令第45号): a penalty decided — the 处罚 kind, not a 不予行政处罚决定."""
        return self.kind_label == "处罚" and not self.no_penalty


class PublicationStatus(models.TextChoices):
    """公示信息状态 — the states of the `publication` table (workflows.py)."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核待发布"
    PUBLISHED = "published", "已公示"
    CORRECTED = "corrected", "已更正"
    WITHDRAWN = "withdrawn", "已撤下"
    EXPIRED = "expired", "公示期满已撤下"


class Publication(Ledgered):
    """公示信息 — what is published for one obligation: versions, approval, withdrawal, expiry.

    `public_version` is the version the portal shows (None until first published); a correction
    works on a new version while the old one stays shown. Withdrawn, the portal shows the
    withdrawal notice (`withdrawal_reason`), never a silent disappearance."""

    obligation = models.OneToOneField(PublicationObligation, on_delete=models.PROTECT, related_name="publication")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="publications")
    status = models.CharField(max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT,
                              db_index=True)
    version = models.PositiveIntegerField(default=1)  # the version being worked on (the latest)
    public_version = models.PositiveIntegerField(null=True, blank=True)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField(null=True, blank=True)  # the day the head approved the version
    published_on = models.DateField(null=True, blank=True)  # first publication (the display period runs from it)
    expires_on = models.DateField(null=True, blank=True)  # 公示期满 (profile), None: no end
    takedown_prompt_on = models.DateField(null=True, blank=True)  # "may take down" from this day (prompt)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=500, blank=True)  # shown publicly
    revoked = models.BooleanField(default=False)  # the decision was revoked, confirmed illegal or remade
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "公示信息"

    def __str__(self):
        return f"公示信息：{self.obligation.subject}（{self.get_status_display()}）"

    @property
    def case(self):
        return self.obligation.case

    def current(self) -> PublicationVersion:
        return self.versions.get(number=self.version)

    def status_label(self) -> str:
        """The state as people read it — an ended one says how it ended (queries.status_label, decision 0094)."""
        from .queries import status_label

        return status_label(self)

    def shown(self) -> PublicationVersion | None:
        return self.versions.filter(number=self.public_version).first() if self.public_version else None


# 行政处罚信息摘要 (总局令第45号第4条), in this order.
SUMMARY_LABELS = ("决定书文号", "当事人基本情况", "违法行为类型", "处罚内容", "作出决定的机关名称和日期")


def in_order(values: dict, order) -> dict:
    """`values` with the keys of `order` first, in that order: PostgreSQL's jsonb keeps keys in an order of
    its own (shortest first), not the one they were written in."""
    return {k: values[k] for k in order if k in values} | {k: v for k, v in values.items() if k not in order}


class PublicationVersion(Ledgered):
    """公示信息版本 — one version: the fields per profile, the SAMR summary, the original (internal)
    and redacted texts with their spans and the editor's changes (each with a reason)."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    fields = models.JSONField(default=dict)  # {"执法机关": …, "执法对象": …} per publicity.decision_fields
    summary = models.JSONField(default=dict, blank=True)  # SAMR 摘要 (总局令第45号第4条), {} outside it
    original = models.TextField()  # the decision text as recorded — internal, never published
    text = models.TextField()  # the redacted text — what is published
    spans = models.JSONField(default=list)  # the redaction's spans (offsets, kinds, reasons, origins)
    kept = models.JSONField(default=list)
    dismissed = models.JSONField(default=list)
    edits = models.JSONField(default=list)  # [{"op": "add"|"dismiss", "start", "end", "kind", "reason", "text"}]
    # the editor's changes of a published field or summary entry: [{"part": "fields"|"summary", "name", "value",
    # "reason"}] — the value is redacted like the rest (decision 0069)
    field_edits = models.JSONField(default=list, blank=True)
    # the editor's spans a correction's new text no longer holds: [{"text", "kind", "reason"}] (shown, not dropped)
    unplaced = models.JSONField(default=list, blank=True)
    context = models.JSONField(default=dict)  # the party context used (internal: names and numbers)
    disclosure = models.CharField(max_length=8, choices=Disclosure.choices, default=Disclosure.FULL)
    ground = models.CharField(max_length=24, choices=Ground.choices, blank=True)  # 部分公开's ground
    # 涉及严重失信行为 (penalties only): the editor's choice, approved with the version; the take-down prompt then
    # counts the profile's publicity.takedown.serious_dishonesty_after (乌鲁木齐: 3 years; decision 0087)
    serious_dishonesty = models.BooleanField(default=False)
    # 行政处罚决定书全文 (publicity.full_text_penalty): the issued 决定书's text, redacted like the rest (the case's
    # persons and the editor's words), published below the SAMR summary; "" where none (decision 0087).
    # `full_text_wanted`: the editor's choice where the profile only encourages it (required: always)
    full_text = models.TextField(blank=True)
    full_text_from = models.CharField(max_length=100, blank=True)  # the 决定书's 文号
    full_text_wanted = models.BooleanField(default=False)
    # the staff preview of the full text (decision 0094): the 决定书's words as loaded (internal, never published, like
    # `original`) and the spans masked in them [{"start", "end", "kind", "label", "replacement", "reason", "origin"}],
    # and the automatic ones the editor lifted there (with `dismissal_reason`)
    full_text_original = models.TextField(blank=True)
    full_text_spans = models.JSONField(default=list, blank=True)
    full_text_dismissed = models.JSONField(default=list, blank=True)
    correction_reason = models.CharField(max_length=500, blank=True)  # version > 1: why corrected
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    made_by_name = models.CharField(max_length=150)
    made_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["publication_id", "number"]
        verbose_name = "公示信息版本"
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="publicity_version_unique")]

    def __str__(self):
        return f"公示信息第{self.number}版"

    @property
    def fields_in_order(self) -> dict:
        """The fields in the profile's order (publicity.decision_fields on the decision's date)."""
        from sanxiang.deadlines.queries import profile_key_of
        from sanxiang.profiles.registry import get_profile

        ob = self.publication.obligation
        order = get_profile(profile_key_of(ob.case.agency)).value("publicity.decision_fields", on=ob.decided_on)
        return in_order(self.fields, order)

    @property
    def summary_in_order(self) -> dict:
        return in_order(self.summary, SUMMARY_LABELS)


from .party_models import CorrectionRequest, EarlyStopRequest, PartyCode  # noqa: E402, F401  (decision 0072)


class WithdrawalProposalStatus(models.TextChoices):
    PENDING = "pending", "待批准"
    APPROVED = "approved", "已批准撤下"
    REFUSED = "refused", "不予批准"
    # the publication left show otherwise (a head's own withdrawal, take-down, expiry, early stop; decision 0097)
    CLOSED = "closed", "终结（公示信息已不在公示中）"


class WithdrawalProposal(Ledgered):
    """撤下申请 — the 公示编辑's proposal to take down a decision still in force (the case does not record it
    revoked): the ground (workflows.WITHDRAWAL_GROUNDS), the public reason and the 发布部门负责人 asked.
    That head approves — the withdrawal is then the head's act, with the proposed ground and reason — or
    refuses with a reason (decision 0090). At most one is pending per publication."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="withdrawal_proposals")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(max_length=24)
    reason = models.CharField(max_length=500)  # the public reason (撤下说明) when approved
    status = models.CharField(max_length=12, choices=WithdrawalProposalStatus.choices,
                              default=WithdrawalProposalStatus.PENDING, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_by_name = models.CharField(max_length=150)
    proposed_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "撤下申请"
        constraints = [models.UniqueConstraint(fields=["publication"], condition=models.Q(status="pending"),
                                               name="publicity_one_pending_withdrawal_proposal")]

    def __str__(self):
        return f"撤下申请（{self.get_status_display()}）"

    @property
    def ground_label(self) -> str:
        from .workflows import WITHDRAWAL_GROUNDS

        return WITHDRAWAL_GROUNDS.get(self.ground, self.ground)
