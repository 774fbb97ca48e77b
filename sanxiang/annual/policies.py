"""Who reads and who writes the annual report (行政执法统计年报).

The agency's leaders, legal office (法制审核人员) and administrators read every report of the agency,
supervisors the agencies they supervise, anyone once it is published (the figures are public data);
a unit's head and officers read their unit's submissions. The legal office and leaders compile
(`compile_annual_report` on the agency); the tables grant submit, return, approve and publish.
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, UNIT, grant, register
from sanxiang.orgs.models import Agency, Role

from .models import AnnualReport, RecordedFigure, ReportDelivery, UnitSubmission

READ = {Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY, Role.ADMINISTRATOR: AGENCY, Role.UNIT_HEAD: AGENCY,
        Role.SUPERVISOR: SUPERVISED}
register(AnnualReport, agency="agency", rules={"view": READ})
register(UnitSubmission, agency="report__agency", unit="unit", rules={
    "view": {**READ, Role.UNIT_HEAD: (AGENCY, UNIT), Role.OFFICER: UNIT}})
register(RecordedFigure, agency="report__agency", rules={"view": READ})
register(ReportDelivery, agency="report__agency", rules={"view": READ})
grant(Agency, "compile_annual_report", {Role.REVIEWER: AGENCY, Role.AGENCY_LEADER: AGENCY})
