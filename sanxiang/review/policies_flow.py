"""Who reads and records the review's sign-offs, disagreement procedures, consultations and inquiries.

All are read as the review is read (`REVIEW_VIEW`: the case's officers and heads, the agency's
leaders and legal office, supervisors; an adviser the cases entrusted to him). Recording:
a disagreement's outcome by the legal office or the leaders; a negotiation by either side;
consultations and inquiries by the round's reviewer (a consulted person reads his own request) (the action also checks it is his round).
Who may sign each step of the chain is the profile's (`review.signoff_chain`), checked in flow.py.
Imported by policies.py.
"""

from sanxiang.access.policy import AGENCY, ASSIGNED, OWN, SELF, UNIT, grant, register
from sanxiang.orgs.models import Role

from .models import LegalReview, ReviewRound
from .models_flow import (
    CollectiveDiscussion,
    Consultation,
    LeadershipDecision,
    Negotiation,
    ReviewInquiry,
    SignOff,
)
from .policies import REVIEW_VIEW

ON_ROUND = dict(agency="round__review__case__agency", unit="round__review__case__unit",
                assigned="round__review__case__accesses__user", mark="round__review__case__confidentiality",
                rules={"view": REVIEW_VIEW})
ON_REVIEW = dict(agency="review__case__agency", unit="review__case__unit", assigned="review__case__accesses__user",
                 mark="review__case__confidentiality", rules={"view": REVIEW_VIEW})

for model in (SignOff, Negotiation, ReviewInquiry):
    register(model, **ON_ROUND)
register(Consultation, **{**ON_ROUND, "own": "user", "rules": {"view": {**REVIEW_VIEW, SELF: OWN}}})
for model in (CollectiveDiscussion, LeadershipDecision):
    register(model, **ON_REVIEW)

grant(LegalReview, "record_disagreement", {Role.REVIEWER: AGENCY, Role.AGENCY_LEADER: AGENCY})
grant(ReviewRound, "negotiate", {Role.OFFICER: (UNIT, ASSIGNED), Role.UNIT_HEAD: UNIT, Role.REVIEWER: AGENCY})
grant(ReviewRound, "consult", {Role.REVIEWER: AGENCY})
