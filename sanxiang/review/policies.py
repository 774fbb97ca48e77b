"""Who reads and who changes an agency's 法制审核目录清单.

Everyone who proposes, reviews or decides in the agency reads it (officers, heads, leaders,
reviewers, administrators), supervisors the agencies they supervise; the legal office — the
agency's reviewers — and its leaders publish new versions.
"""

from sanxiang.access.policy import AGENCY, ASSIGNED, ENTRUSTED, SUPERVISED, UNIT, grant, register
from sanxiang.orgs.models import Agency, Role

from .models import CatalogueVersion, LegalReview, ReviewRound, ReviewSupplement

register(CatalogueVersion, agency="agency", rules={
    "view": {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY,
             Role.ADMINISTRATOR: AGENCY, Role.SUPERVISOR: SUPERVISED},
})
grant(Agency, "manage_review_catalogue", {Role.REVIEWER: AGENCY, Role.AGENCY_LEADER: AGENCY})
grant(Agency, "read_review_catalogue", {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY,
                                        Role.REVIEWER: AGENCY, Role.ADMINISTRATOR: AGENCY,
                                        Role.SUPERVISOR: SUPERVISED})

# 法制审核 and its rounds: read with the case, and by the agency's legal office (法制审核人员), which
# receives every submission of the agency and assigns it; state secrets only by those assigned.
REVIEW_VIEW = {Role.OFFICER: (UNIT, ASSIGNED), Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY,
               Role.REVIEWER: AGENCY, Role.SUPERVISOR: SUPERVISED, Role.ADVISER: ENTRUSTED}
register(LegalReview, agency="case__agency", unit="case__unit", assigned="case__accesses__user",
         mark="case__confidentiality", rules={"view": REVIEW_VIEW})
register(ReviewRound, agency="review__case__agency", unit="review__case__unit",
         assigned="review__case__accesses__user", mark="review__case__confidentiality", rules={
             "view": REVIEW_VIEW,
             # 延期: approved by a 单位领导 (the track's approver), recorded by the legal office or the leader
             "extend": {Role.REVIEWER: AGENCY, Role.AGENCY_LEADER: AGENCY},
             "record_checklist": {Role.REVIEWER: AGENCY},
         })
register(ReviewSupplement, agency="round__review__case__agency", unit="round__review__case__unit",
         assigned="round__review__case__accesses__user", mark="round__review__case__confidentiality",
         rules={"view": REVIEW_VIEW})

from . import policies_flow  # noqa: E402,F401  签批、分歧、征求意见、审核调查
