"""The review's sign-off chain, disagreement procedures, consultations and inquiries (issue 9 §2–§4).

Imported by models.py (Django finds models there); written only through `review/flow.py`.
"""

from django.conf import settings
from django.db import models

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered


class SignOff(Ledgered):
    """签批 — one step of the review's sign-off chain (审核表的一栏), signed in order with an opinion.

    `position` and `step` are the step's place and code in the profile's `review.signoff_chain`
    for the decision's kind; a refused step (`approved` false) returns the round.
    """

    round = models.ForeignKey("review.ReviewRound", on_delete=models.PROTECT, related_name="signoffs")
    position = models.PositiveIntegerField()
    step = models.CharField(max_length=64)
    step_label = models.CharField(max_length=200)
    approved = models.BooleanField()
    opinion = models.CharField(max_length=2000)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=150)
    signed_on = models.DateField()
    signed_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["round", "position"]
        verbose_name = "签批"
        constraints = [models.UniqueConstraint(fields=["round", "step"], name="review_signoff_step_once")]


class Outcome(models.TextChoices):
    """讨论或研究决定的结果 — what the leaders decided about the proposed decision."""

    AS_PROPOSED = "as_proposed", "按承办机构拟作出的决定作出"
    AS_REVIEWER = "as_reviewer", "按法制审核意见处理（承办机构修改后重新送审）"
    NO_DECISION = "no_decision", "不予作出决定"


class Position(models.TextChoices):
    AGREE = "agree", "同意拟作出的决定"
    DISAGREE = "disagree", "不同意拟作出的决定"
    ABSTAIN = "abstain", "弃权"


class CollectiveDiscussion(Ledgered):
    """集体讨论 — the agency's leaders decide a reviewed decision together.

    行政处罚法 第五十七条第二款 (情节复杂或者重大违法行为), and 株洲 二（三）4.6) (a major
    disagreement between the legal office and the handling unit). `grounds` say why it was held
    (`[{key, label, citation}]`); `attendees` `[{user, name, position, text}]`, every one a leader of
    the agency on `held_on`, more than the profile's quorum share of them; `proposal` is the
    proposed decision discussed — an `as_proposed` outcome lets exactly that decision through.
    """

    review = models.ForeignKey("review.LegalReview", on_delete=models.PROTECT, related_name="discussions")
    round = models.ForeignKey("review.ReviewRound", on_delete=models.PROTECT, related_name="discussions")
    grounds = models.JSONField(default=list)
    held_on = models.DateField()
    attendees = models.JSONField(default=list)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    minutes = models.TextField()
    proposal = models.JSONField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # none: a system actor (an import, the CLI)
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "held_on", "id"]
        verbose_name = "集体讨论"


class Negotiation(Ledgered):
    """协商沟通 — the handling unit and the legal office talk over a review opinion the unit
    disputes (乌鲁木齐人社 三（三）4.(3)); if they still disagree, both opinions go to the leaders."""

    round = models.ForeignKey("review.ReviewRound", on_delete=models.PROTECT, related_name="negotiations")
    held_on = models.DateField()
    participants = models.JSONField(default=list)  # names, both sides
    agreed = models.BooleanField()
    text = models.CharField(max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # none: a system actor (an import, the CLI)
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["round", "held_on", "id"]
        verbose_name = "协商沟通"


class LeadershipDecision(Ledgered):
    """局领导研究决定 — both opinions (the handling unit's and the legal office's) reported to the
    leaders after a failed negotiation; the leaders' decision counts for the gate."""

    review = models.ForeignKey("review.LegalReview", on_delete=models.PROTECT, related_name="leadership_decisions")
    round = models.ForeignKey("review.ReviewRound", on_delete=models.PROTECT, related_name="leadership_decisions")
    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="+")
    handling_opinion = models.CharField(max_length=4000)
    review_opinion = models.CharField(max_length=4000)
    decided_on = models.DateField()
    deciders = models.JSONField(default=list)  # [{user, name}]: leaders of the agency
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    text = models.CharField(max_length=4000)
    proposal = models.JSONField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # none: a system actor (an import, the CLI)
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["review", "decided_on", "id"]
        verbose_name = "局领导研究决定"


class Consultation(Ledgered):
    """征求意见 — a 公职律师, 法律顾问 or 行业专家 consulted in a review round.

    `user` is the person's account (of the agency, or an outside account); when the account could
    not read the case, `grant` is the time-limited 法律顾问 role scoped to the case's records,
    ending on `access_until` (never after the round's due date) — the job ends it then.
    """

    round = models.ForeignKey("review.ReviewRound", on_delete=models.PROTECT, related_name="consultations")
    expertise = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    organisation = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="review_consultations")
    grant = models.ForeignKey("orgs.RoleAssignment", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    access_until = models.DateField(null=True, blank=True)
    question = models.CharField(max_length=2000)
    asked_on = models.DateField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    opinion = models.CharField(max_length=4000, blank=True)
    opinion_on = models.DateField(null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["round", "asked_on", "id"]
        verbose_name = "征求意见"

    @property
    def outside_agency(self) -> str:
        """How the consulted account stands outside the case's agency ("" when it is the agency's own or
        there is no account): shown wherever the grant is (decision 0082)."""
        if self.user_id is None:
            return ""
        from .flow import outside_agency_text

        return outside_agency_text(self.user, self.round.review.case.agency, self.asked_on, grant=self.grant_id)


class InquiryKind(models.TextChoices):
    INQUIRY = "inquiry", "向当事人了解情况、听取陈述申辩"
    JOINT = "joint_investigation", "会同承办机构调查取证"


class ReviewInquiry(Ledgered):
    """审核调查 — the reviewer's inquiry of the party or joint investigation with the handling unit
    (株洲 二（三）4.4)), where the profile's `review.reviewer_may_inquire_party` allows it."""

    round = models.ForeignKey("review.ReviewRound", on_delete=models.PROTECT, related_name="inquiries")
    kind = models.CharField(max_length=24, choices=InquiryKind.choices)
    held_on = models.DateField()
    persons = models.CharField(max_length=500)  # who was asked / who took part
    content = models.CharField(max_length=4000)
    record = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")  # the 笔录, if one was made
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # none: a system actor (an import, the CLI)
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    objects = RestrictedManager()

    class Meta:
        ordering = ["round", "held_on", "id"]
        verbose_name = "审核调查"
