"""Who reads and who changes an agency's 事前公开.

Everything in it is public once published: the portal (sanxiang/portal) reads the latest versions
through `queries.public_*`, without a user. Inside, the agency's people read the history; the legal
office (法制审核人员, the 政策法规科 the seeds name as lead), the 公示编辑 and the agency's leaders
publish new versions; supervisors read the agencies they supervise.
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, grant, register
from sanxiang.orgs.models import Agency, Role

from .models import DisclosureTrigger, DisclosureVersion, GuideFile

EDITORS = {Role.REVIEWER: AGENCY, Role.PUBLICITY_EDITOR: AGENCY, Role.AGENCY_LEADER: AGENCY}

VIEW = {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY,
        Role.PUBLICITY_EDITOR: AGENCY, Role.ADMINISTRATOR: AGENCY, Role.SUPERVISOR: SUPERVISED}
register(DisclosureVersion, agency="agency", rules={"view": VIEW})
register(DisclosureTrigger, agency="agency", rules={"view": VIEW})
grant(Agency, "manage_disclosure", EDITORS)
grant(Agency, "read_disclosure", VIEW)
register(GuideFile, agency="agency", rules={"view": VIEW})
