"""Who sees the case file and archives it (案卷与归档).

An archived file is read as its case is read, and by the agency's 档案管理人员; the case is archived
by the 档案管理人员, the unit's head or the agency's leaders (归档); transfer lists are the 档案管理人员's
and the leaders'.
"""

from sanxiang.access.policy import AGENCY, UNIT, grant, register
from sanxiang.cases.models import Case
from sanxiang.cases.policies import VIEW
from sanxiang.orgs.models import Agency, Role

from .models import ArchivedCaseFile, TransferList

ARCHIVISTS = {Role.RECORDS_KEEPER: AGENCY, Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY}

register(ArchivedCaseFile, agency="agency", unit="case__unit", assigned="case__accesses__user",
         mark="case__confidentiality", rules={
             "view": {**VIEW, Role.RECORDS_KEEPER: AGENCY},
             "hold": {Role.RECORDS_KEEPER: AGENCY, Role.AGENCY_LEADER: AGENCY},
         })
register(TransferList, agency="agency", rules={
    "view": {Role.RECORDS_KEEPER: AGENCY, Role.AGENCY_LEADER: AGENCY},
})
grant(Case, "archive_case", ARCHIVISTS)
grant(Case, "view", {Role.RECORDS_KEEPER: AGENCY})  # the archivist reads the files she archives
grant(Agency, "transfer_case_files", {Role.RECORDS_KEEPER: AGENCY, Role.AGENCY_LEADER: AGENCY})
