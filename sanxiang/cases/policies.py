"""Who reads which cases (in SQL, through `restrict`).

Officers see their unit's cases and those they handle; heads their unit (and those below); the
agency's leaders all of it; supervisors the agencies they supervise; advisers the cases entrusted
to them; reviewers the cases submitted to them. State secrets only to those assigned. The moves
of the tables grant their own roles (workflows.py); creating a clue and editing are here.
"""

from sanxiang.access.policy import AGENCY, ASSIGNED, ENTRUSTED, SUPERVISED, UNIT, grant, register
from sanxiang.orgs.models import Agency, Role

from .models import (
    Case,
    CaseAccess,
    CaseAppeal,
    CaseHandler,
    CaseParticipant,
    CaseParty,
    CasePayment,
    CaseReview,
    CoerciveMeasure,
    OnSiteAct,
    Recusal,
    SeizedItem,
)

VIEW = {Role.OFFICER: (UNIT, ASSIGNED), Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY,
        Role.SUPERVISOR: SUPERVISED, Role.ADVISER: ENTRUSTED, Role.REVIEWER: ASSIGNED}
WORK = {Role.OFFICER: (UNIT, ASSIGNED), Role.UNIT_HEAD: UNIT}

register(Case, agency="agency", unit="unit", assigned="accesses__user", mark="confidentiality", rules={
    "view": VIEW,
    "change": WORK,  # 案由、事实、裁量理由、当事人、参与人、现场执法记录
    "assign": {Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY},  # 指定/更换承办人, 回避决定
    "submit_review": WORK,
})

CHILD = dict(agency="case__agency", unit="case__unit", assigned="case__accesses__user",
             mark="case__confidentiality", rules={"view": VIEW})
for model in (CaseHandler, CaseParty, CaseParticipant, Recusal, OnSiteAct, CaseReview, CasePayment, CaseAppeal):
    register(model, **CHILD)
register(CaseAccess, agency="case__agency", unit="case__unit", assigned="case__accesses__user",
         mark="case__confidentiality", rules={"view": {Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY}})

# 行政强制措施: read with the case; proposed and listed (清单) by those who work on the case.
register(CoerciveMeasure, **{**CHILD, "rules": {"view": VIEW, "change": WORK}})
register(SeizedItem, agency="measure__case__agency", unit="measure__case__unit",
         assigned="measure__case__accesses__user", mark="measure__case__confidentiality", rules={"view": VIEW})

# 登记线索 / 当场处罚: officers and heads of the agency (into a unit of it).
grant(Agency, "open_case", {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY})

from .models import Inspection, RandomDraw  # noqa: E402  行政检查

register(Inspection, **CHILD)
register(RandomDraw, agency="agency", unit="unit", rules={"view": {
    Role.OFFICER: UNIT, Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY, Role.SUPERVISOR: SUPERVISED}})
# 双随机抽取: organised by heads, leaders or the legal office (法制审核人员), apart from the inspectors drawn.
grant(Agency, "draw_random_inspections", {Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY})

from .models import InspectionPlan  # noqa: E402  年度抽查计划 (kinds/inspection_plan.py)

# Read across the agency (the plan is published later); drafted and changed by the unit that makes it;
# submitted, revised and adopted through the plan's table (its roles are granted by the table).
register(InspectionPlan, agency="case__agency", unit="case__unit", rules={
    "view": {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY,
             Role.SUPERVISOR: SUPERVISED},
    "change": {Role.OFFICER: UNIT, Role.UNIT_HEAD: UNIT},
})
grant(Agency, "manage_inspection_plans", {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY})
