from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class CatalogueVersion(Ledgered):
    """法制审核目录清单版本 — one version of an agency's 重大执法决定法制审核目录清单.

    A version is never changed: a new one, in force from its date, supersedes it for decisions
    made from that date on. `rules` is the validated list of `conditions.Rule` (key, label,
    citation, condition). Version 1 of an agency is usually seeded from its rule profile.
    """

    SEEDED, ADOPTED = "profile", "adopted"
    ORIGINS = [(SEEDED, "由规则配置生成"), (ADOPTED, "本机关发布")]

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="review_catalogues")
    version = models.PositiveIntegerField()
    effective_from = models.DateField(null=True, blank=True)  # empty: in force from the start
    reason = models.CharField(max_length=300)
    origin = models.CharField(max_length=16, choices=ORIGINS)
    profile_key = models.CharField(max_length=64, blank=True)  # the profile a seeded version came from
    rules = models.JSONField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    made_by_name = models.CharField(max_length=150)
    made_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "-version"]
        verbose_name = "法制审核目录清单版本"
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="review_catalogue_version"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.name}法制审核目录清单（第{self.version}版）"


class ReviewStatus(models.TextChoices):
    """法制审核状态 — where a case decision's review stands (its latest round's outcome)."""

    OPEN = "open", "审核中"
    AGREED = "agreed", "审核通过"
    RETURNED = "returned", "已退回承办机构"
    WITHDRAWN = "withdrawn", "已撤回"


class RoundStatus(models.TextChoices):
    """审核轮次状态 — the states of the `review_round` transition table (workflows.py)."""

    SUBMITTED = "submitted", "待确定审核人员"
    IN_REVIEW = "in_review", "审核中"
    SUPPLEMENTING = "supplementing", "退回补充材料"
    AGREED = "agreed", "同意"
    RETURNED = "returned", "退回承办机构"
    WITHDRAWN = "withdrawn", "已撤回"


class LegalReview(Ledgered):
    """法制审核 — the legal review of one decision of a case (its kind), through its rounds.

    `track` is the key of the profile's `review.tracks` entry the review follows (the body, time
    limit, materials and opinion kinds); `rules` the catalogue rules that required it when first
    submitted. `status` follows the latest round; the gate reads the rounds themselves.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_reviews")
    decision_kind = models.CharField(max_length=32)  # the proposal's kind (penalty, licence, coercion …)
    track = models.CharField(max_length=64)
    track_label = models.CharField(max_length=200)
    rules = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    opened_at = models.DateTimeField()

    ledger_exclude = ("status",)  # follows the rounds, which are ledgered themselves
    objects = RestrictedManager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "法制审核"
        constraints = [models.UniqueConstraint(fields=["case", "decision_kind"], name="review_one_per_decision")]

    def __str__(self) -> str:
        return f"{self.case.number} 法制审核"

    def latest_round(self):
        return self.rounds.order_by("-number").first()


class ReviewRound(Ledgered):
    """审核轮次 — one submission of a proposed decision to the legal review and what became of it.

    `materials`: the track's checklist `[{code, label, provided, note}]`; `materials_complete_on`
    starts the clock (审核时限, an obligation on this round), paused while the round is returned
    for supplement (`ReviewSupplement`). `checklist`: the seven points `{point: {finding, note}}`.
    The opinion: `opinion_kind` (a code of the track's opinion kinds), `opinion_text`,
    `return_grounds` (typed, e.g. 乌鲁木齐人社), `opinion_on`.
    """

    review = models.ForeignKey(LegalReview, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField()
    proposal = models.JSONField()  # PROPOSAL.json of the decision reviewed (cases.review_gate.proposal_of)
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_by_name = models.CharField(max_length=150)
    submitted_on = models.DateField()
    note = models.CharField(max_length=1000, blank=True)  # 送审说明
    materials = models.JSONField(default=list)
    materials_complete_on = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="review_rounds")
    assigned_on = models.DateField(null=True, blank=True)
    assigned_by_name = models.CharField(max_length=150, blank=True)
    due = models.DateField(null=True, blank=True)  # the clock's due date (none: the track sets no limit)
    extension_approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    extension_reason = models.CharField(max_length=300, blank=True)
    extended_on = models.DateField(null=True, blank=True)
    checklist = models.JSONField(default=dict)
    opinion_kind = models.CharField(max_length=32, blank=True)
    opinion_label = models.CharField(max_length=100, blank=True)
    opinion_text = models.CharField(max_length=4000, blank=True)
    return_grounds = models.JSONField(default=list)
    opinion_on = models.DateField(null=True, blank=True)
    # 预警 set by the job (review/jobs.py) from the clock: "yellow" 临期, "red" 已超期, "" none.
    warning = models.CharField(max_length=8, blank=True, default="")

    ledger_exclude = ("warning",)  # derived from the clock (an obligation, ledgered itself)
    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "number"]
        verbose_name = "审核轮次"
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="review_round_number")]

    def __str__(self) -> str:
        return f"{self.review.case.number} 法制审核第{self.number}轮"

    @property
    def extension_history(self) -> list[dict]:
        """Every extension of the round's clock, in order, each with its date, length, approver and
        reason (`extension_*` fields keep only the last one)."""
        from .queries import extensions_of

        return extensions_of(self)


class ReviewSupplement(Ledgered):
    """补充材料 — the reviewer's request to supplement a round's materials within a time, and when
    they were supplied (the review clock pauses from the request to the supply)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="supplements")
    items = models.JSONField(default=list)  # material codes asked for
    note = models.CharField(max_length=1000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    requested_by_name = models.CharField(max_length=150)
    requested_on = models.DateField()
    supplement_by = models.DateField()  # the time the handling unit has to supplement
    supplied_on = models.DateField(null=True, blank=True)
    # 补交期限的预警 (yellow / red / ""): set by the job `review_supplement_warnings` from the deadline
    # 法制审核补充材料期限 the handling unit owes; not ledgered (it follows the obligation, ledgered itself).
    warning = models.CharField(max_length=8, blank=True, default="")

    ledger_exclude = ("warning",)
    objects = RestrictedManager()

    class Meta:
        ordering = ["round", "requested_on", "id"]
        verbose_name = "补充材料"


from .models_flow import (  # noqa: E402,F401  签批、分歧、征求意见、审核调查 (issue 9 §2–§4)
    CollectiveDiscussion,
    Consultation,
    LeadershipDecision,
    Negotiation,
    ReviewInquiry,
    SignOff,
)
