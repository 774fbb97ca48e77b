"""Who reads and moves the goods in custody (涉案财物).

Goods are read as their case is read, and also by the agency's 档案管理人员 (records keeper), who
keeps the 罚没物品仓库: the platform has no separate custodian role, and the records keeper is
already the agency's keeper of what a case leaves behind (the archive, the audio-video originals).
Hand-overs are recorded by those who work on the case (its unit's officers, its handlers, the
unit's head) and by the records keeper; a disposal (罚没财物处置) is approved and recorded by the
unit's head or the agency's leaders.
"""

from sanxiang.access.policy import AGENCY, UNIT, grant, register
from sanxiang.cases.models import Case
from sanxiang.cases.policies import VIEW, WORK
from sanxiang.orgs.models import Role

from .models import Goods, HandOver

KEEPER = {Role.RECORDS_KEEPER: AGENCY}
APPROVERS = {Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY}

register(Goods, agency="agency", unit="case__unit", assigned="case__accesses__user", mark="case__confidentiality",
         rules={"view": {**VIEW, **KEEPER}, "hand_over": {**WORK, **KEEPER}, "dispose": APPROVERS})
register(HandOver, agency="goods__agency", unit="goods__case__unit", assigned="goods__case__accesses__user",
         mark="goods__case__confidentiality", rules={"view": {**VIEW, **KEEPER}})
grant(Case, "register_goods", WORK)
