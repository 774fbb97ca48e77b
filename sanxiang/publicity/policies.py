"""Who reads and who acts on 公示义务 and 公示信息.

The agency's publicity editors (公示编辑), its heads (科室负责人, the 发布部门负责人 who approve) and
leaders read every obligation and publication of the agency; officers those of their unit's cases;
supervisors those of the agencies they supervise. The original (unredacted) text is in the version
rows: read by the same people, never by the public (the portal reads `queries.published_decisions`).
Acting is granted by the transition tables (workflows.py); approving a 不予公开/暂缓公开 by
`approve_withholding` (发布部门负责人).
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, UNIT, register
from sanxiang.orgs.models import Role

from .models import Publication, PublicationObligation, PublicationVersion, WithdrawalProposal

VIEW = {Role.PUBLICITY_EDITOR: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.OFFICER: UNIT,
        Role.SUPERVISOR: SUPERVISED}
HEADS = {Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY}

register(PublicationObligation, agency="agency", unit="case__unit", mark="case__confidentiality",
         rules={"view": VIEW, "approve_withholding": HEADS})
register(Publication, agency="agency", unit="obligation__case__unit", mark="obligation__case__confidentiality",
         rules={"view": VIEW})
# 撤下申请 (decision 0090): read like the publication; acted on through its actions (withdrawals.py)
register(WithdrawalProposal, agency="agency", unit="publication__obligation__case__unit",
         mark="publication__obligation__case__confidentiality", rules={"view": VIEW})
register(PublicationVersion, agency="publication__agency", unit="publication__obligation__case__unit",
         mark="publication__obligation__case__confidentiality", rules={"view": VIEW})

# 公示查询码, 更正申请, 提前停止公示申请 (decision 0072): read like the publication; answered by the
# editors and heads (`answer_correction`), early stops decided by the heads (`decide_early_stop`).
from .party_models import CorrectionRequest, EarlyStopRequest, PartyCode  # noqa: E402

PARTY_ACT = {Role.PUBLICITY_EDITOR: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY}
register(PartyCode, agency="agency", unit="publication__obligation__case__unit",
         mark="publication__obligation__case__confidentiality", rules={"view": VIEW, "issue_code": PARTY_ACT})
register(CorrectionRequest, agency="agency", unit="publication__obligation__case__unit",
         mark="publication__obligation__case__confidentiality",
         rules={"view": VIEW, "answer_correction": PARTY_ACT, "record_request": PARTY_ACT})
register(EarlyStopRequest, agency="agency", unit="publication__obligation__case__unit",
         mark="publication__obligation__case__confidentiality",
         rules={"view": VIEW, "check_early_stop": PARTY_ACT, "decide_early_stop": HEADS, "record_request": PARTY_ACT})
