"""The review demo (issue 9 §6, sanxiang/review/demo.py): rounds in every state of the round table,
and the procedures of review/flow.py for the agencies whose profiles have them. Its idempotence is
tests/core/test_demo.py's (the review models are among the rows a re-run must not add)."""

import pytest
from django.utils import timezone

from sanxiang.cases.models import CaseStatus
from sanxiang.cases.review_gate import passed_review, proposal_of
from sanxiang.deadlines.models import Obligation
from sanxiang.review.flow import chain_complete, chain_state
from sanxiang.review.models import LegalReview, ReviewRound, RoundStatus
from sanxiang.review.models_flow import (
    CollectiveDiscussion,
    Consultation,
    LeadershipDecision,
    Negotiation,
    Outcome,
    ReviewInquiry,
)
from sanxiang.review.procedure import track_of_round
from sanxiang.review.workflows import CLOCK, REVIEW_ROUND

pytestmark = pytest.mark.django_db


def test_every_state_of_the_round_table_is_in_the_demo(demo):
    shown = set(ReviewRound.objects.values_list("status", flat=True))
    missing = {REVIEW_ROUND.states[s] for s in REVIEW_ROUND.states if s not in shown}
    assert not missing, f"演示数据中没有处于这些状态的审核轮次（在 sanxiang/review/demo.py 中补上）：{missing}"


SEED_AGENCIES = ("urumqi-gxq-amr", "zhuzhou-amr", "pingluo-commerce", "urumqi-gxq-hrss", "quanzhou-licheng-amr")


@pytest.mark.parametrize("state", list(REVIEW_ROUND.states))
@pytest.mark.parametrize("agency", SEED_AGENCIES)
def test_every_agency_with_reviews_has_one_in_each_state(demo, agency, state):
    """issue 9 §6 "reviews in every state for the agencies that have them" (s21 leftover: 乌鲁木齐人社 had
    one): per agency, a review whose latest round is in the state, made by the agency's own people."""
    assert LegalReview.objects.filter(case__agency__code=agency).exists()  # every seed agency has reviews
    found = [r for r in LegalReview.objects.filter(case__agency__code=agency).prefetch_related("rounds")
             if max(r.rounds.all(), key=lambda x: x.number).status == state]
    assert found, f"{agency} 没有处于“{REVIEW_ROUND.states[state]}”的法制审核"
    from sanxiang.orgs.demo import AGENCIES

    prefix = next(a["prefix"] for a in AGENCIES if a["code"] == agency)
    rnd = max(found[0].rounds.all(), key=lambda x: x.number)
    assert rnd.submitted_by.username == f"{prefix}-officer"
    if state in ("in_review", "supplementing", "agreed", "returned"):
        assert rnd.reviewer.username == f"{prefix}-reviewer"


def test_zhuzhou_signs_its_whole_chain_before_the_decision(demo):
    rnd = ReviewRound.objects.get(review__case__agency__code="zhuzhou-amr", review__case__status=CaseStatus.CLOSED)
    steps = chain_state(rnd)
    assert [s["code"] for s in steps] == ["handling_head", "legal_review", "legal_head"] and chain_complete(rnd)
    signers = [s["signoff"].signer.username for s in steps]
    assert signers == ["zhuzhou-head", "zhuzhou-reviewer", "zhuzhou-legal-head"]
    assert max(s["signoff"].signed_on for s in steps) <= rnd.review.case.decided_on


def test_a_returned_opinion_resolved_by_collective_discussion_opens_the_gate(demo):
    discussion = CollectiveDiscussion.objects.get(review__case__agency__code="zhuzhou-amr")
    assert discussion.round.status == RoundStatus.RETURNED and discussion.outcome == Outcome.AS_PROPOSED
    assert len(discussion.attendees) == 2 and all(a["position"] and a["text"] for a in discussion.attendees)
    assert discussion.minutes and discussion.grounds[-1]["key"] == "disagreement"
    case = discussion.review.case
    assert passed_review(case, proposal_of(case)) == discussion.round


def test_hrss_negotiates_then_its_leaders_decide(demo):
    decision = LeadershipDecision.objects.get(review__case__agency__code="urumqi-gxq-hrss")
    negotiation = Negotiation.objects.get(round=decision.round)
    assert not negotiation.agreed and negotiation.held_on <= decision.decided_on
    assert decision.round.return_grounds == ["证据不足"] and decision.handling_opinion and decision.review_opinion
    assert LeadershipDecision.objects.count() == 1  # 局领导研究决定 is 乌鲁木齐人社's procedure only


def test_a_returned_opinion_resubmitted_shows_two_rounds(demo):
    # 泉州's general-procedure penalties all need review (SAMR 第四十九条): the story is its two-round one
    [review] = [r for r in LegalReview.objects.filter(case__agency__code="quanzhou-licheng-amr")
                if r.rounds.count() == 2]
    first, second = review.rounds.order_by("number")
    assert (first.status, second.status) == (RoundStatus.RETURNED, RoundStatus.SUBMITTED)
    assert first.opinion_text and first.proposal["fine"] != second.proposal["fine"]


def test_consultation_inquiry_extension_withdrawal_and_warnings(demo, client):
    asked = Consultation.objects.filter(expertise__in=("公职律师", "法律顾问"))
    assert asked.exists() and all(c.opinion and c.opinion_on for c in asked)
    assert ReviewInquiry.objects.filter(round__review__case__agency__code="zhuzhou-amr", kind="inquiry").exists()
    assert set(ReviewInquiry.objects.values_list("round__review__case__agency__code", flat=True)) == {"zhuzhou-amr"}

    extended = ReviewRound.objects.get(extended_on__isnull=False)
    clock = Obligation.objects.get(object_type=extended.ledger_type(), object_id=str(extended.pk), kind=CLOCK)
    limit = track_of_round(extended).time_limit_max
    assert extended.extension_approver.username == "zhuzhou-leader"
    assert clock.count < clock.count + sum(e.count for e in clock.extensions.all()) <= limit.count

    withdrawn = ReviewRound.objects.get(status=RoundStatus.WITHDRAWN, review__case__agency__code="pingluo-commerce")
    assert withdrawn.review.case.agency.code == "pingluo-commerce"

    red = ReviewRound.objects.get(warning="red")
    assert red.status == RoundStatus.IN_REVIEW and red.due < timezone.localdate()
    yellow = ReviewRound.objects.get(warning="yellow")
    for rnd, shown in ((red, "法制审核逾期"), (yellow, "法制审核临期")):  # the reviewer's workbench shows them
        client.force_login(rnd.reviewer or reviewer_of(rnd))
        assert shown in client.get("/").content.decode(), shown


def reviewer_of(rnd):
    from django.contrib.auth import get_user_model

    prefix = {"urumqi-gxq-amr": "urumqi-amr", "quanzhou-licheng-amr": "quanzhou"}[rnd.review.case.agency.code]
    return get_user_model().objects.get(username=f"{prefix}-reviewer")


def test_the_reviewer_reads_the_records_of_a_reviewed_case_and_the_reading_is_ledgered(demo, client):
    """s20 tester9 #8 (decision 0075): the demo's reviewed cases carry evidence, audio included."""
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.records.models import EvidenceItem

    for agency in ("zhuzhou-amr", "urumqi-gxq-hrss"):
        rnd = (ReviewRound.objects.filter(review__case__agency__code=agency, reviewer__isnull=False)
               .exclude(status=RoundStatus.WITHDRAWN).order_by("-id").first())
        client.force_login(rnd.reviewer)
        html = client.get(f"/review/rounds/{rnd.pk}/").content.decode()
        assert "现场检查照片" in html and "当事人陈述录音" in html, agency
        item = EvidenceItem.objects.get(case=rnd.review.case, title="当事人陈述录音")
        before = LedgerEntry.objects.filter(action="view_record").count()
        assert client.get(f"/retrieval/records/evidence/{item.pk}/file/").status_code == 200
        assert LedgerEntry.objects.filter(action="view_record").count() == before + 1


def test_zhuzhou_plan_is_reviewed_signed_to_the_director_and_adopted(demo):
    """株洲's 双随机 annual plan (its 审核表: six steps, three leaders' steps, one person one step) is adopted
    in the demo, and the demo's draw carries it out (decision 0075)."""
    from sanxiang.cases.models import InspectionPlan, RandomDraw

    plan = InspectionPlan.objects.get(case__agency__code="zhuzhou-amr")
    assert plan.case.status == CaseStatus.PLAN_ADOPTED
    rnd = ReviewRound.objects.get(review__case=plan.case)
    steps = chain_state(rnd)
    assert rnd.status == RoundStatus.AGREED and chain_complete(rnd) and len(steps) == 6
    signers = {s["code"]: s["signoff"].signer.username for s in steps}
    assert signers["director"] not in {signers["handling_leader"], signers["legal_leader"]}
    assert plan.adopted_by_name and RandomDraw.objects.filter(agency__code="zhuzhou-amr", plan=plan).exists()


@pytest.mark.parametrize("head, words", [("zhuzhou-head", "集体讨论：按拟作出的决定作出"),
                                         ("urumqi-hrss-head", "局领导研究决定：按拟作出的决定作出")])
def test_a_returned_round_the_leaders_decided_is_shown_as_decidable_not_to_resubmit(demo, client, head, words):
    """Found walking the desk as 株洲's and 乌鲁木齐人社's heads (decision 0075): the returned case whose
    disagreement the leaders decided as proposed said "修改后重新提交"; it may be decided."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=head))
    html = client.get("/review/").content.decode()
    row = html[html.index('id="review-returned"'):]
    assert words in row and "作出决定</a>" in row
