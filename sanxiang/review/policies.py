"""Who reads and who changes an agency's 法制审核目录清单.

Everyone who proposes, reviews or decides in the agency reads it (officers, heads, leaders,
reviewers, administrators), supervisors the agencies they supervise; the legal office — the
agency's reviewers — and its leaders publish new versions.
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, grant, register
from sanxiang.orgs.models import Agency, Role

from .models import CatalogueVersion

register(CatalogueVersion, agency="agency", rules={
    "view": {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY,
             Role.ADMINISTRATOR: AGENCY, Role.SUPERVISOR: SUPERVISED},
})
grant(Agency, "manage_review_catalogue", {Role.REVIEWER: AGENCY, Role.AGENCY_LEADER: AGENCY})
grant(Agency, "read_review_catalogue", {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY,
                                        Role.REVIEWER: AGENCY, Role.ADMINISTRATOR: AGENCY,
                                        Role.SUPERVISOR: SUPERVISED})
