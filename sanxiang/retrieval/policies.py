"""Who reads the access log (查阅留痕), who decides 调阅 requests and party copy requests.

- 查阅留痕: the case unit's heads and the agency's leaders (the 访问日志 of the case), supervisors of
  the agency, and each user their own looks.
- 调阅申请: the requester (their own, whatever agency they are of); the case unit's head and the
  agency's leaders read and decide them — for state secrets (国家秘密) only those named on the
  case (ASSIGNED: the mark clearance keeps UNIT and AGENCY away from state secrets).
- 当事人申请复制: read as the case is read — the agency's 档案管理人员 included, who reads every case
  of her agency (archive/policies.py); registered by those who work on the case; approved by the
  unit's head or the agency's leaders; answered by those who work on it or the heads — and, once the
  case is archived, by the 档案管理人员 (the one rule for that is `actions.keeps_archived`: it depends
  on the case being archived, which a role × scope table cannot say).
"""

from sanxiang.access.policy import AGENCY, ASSIGNED, OWN, SELF, SUPERVISED, UNIT, grant, register
from sanxiang.cases.models import Case
from sanxiang.cases.policies import VIEW, WORK
from sanxiang.orgs.models import Role

from .models import AccessRequest, PartyCopyRequest, RecordAccess

CASE_PATHS = dict(agency="case__agency", unit="case__unit", assigned="case__accesses__user",
                  mark="case__confidentiality")
HEADS = {Role.UNIT_HEAD: (UNIT, ASSIGNED), Role.AGENCY_LEADER: (AGENCY, ASSIGNED)}

register(RecordAccess, own="user", **CASE_PATHS, rules={
    "view": {**HEADS, Role.SUPERVISOR: SUPERVISED, SELF: OWN},
})
grant(Case, "view_access_log", {**HEADS, Role.SUPERVISOR: SUPERVISED})

register(AccessRequest, own="requester", **CASE_PATHS, rules={
    "view": {**HEADS, SELF: OWN},
    "decide": HEADS,
})

register(PartyCopyRequest, **CASE_PATHS, rules={
    "view": {**VIEW, Role.RECORDS_KEEPER: AGENCY},
    "decide": HEADS,
    "answer": {**WORK, **HEADS},
})
grant(Case, "register_party_copy", {**WORK, **HEADS})
