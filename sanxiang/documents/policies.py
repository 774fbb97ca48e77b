"""Who reads, makes and issues documents (执法文书) and who replaces an agency's templates.

Documents are read as their case is read (its unit's officers and handlers, heads, leaders,
reviewers submitted to, supervisors, advisers entrusted with it); those who work on the case
generate them; heads of the unit and the agency's leaders issue (签发) them. An agency's own
template versions are uploaded by its administrator or leaders.
"""

from sanxiang.access.policy import AGENCY, UNIT, grant, register
from sanxiang.cases.models import Case
from sanxiang.cases.policies import VIEW, WORK
from sanxiang.orgs.models import Agency, Role

from .models import Document, DocumentSignature, DocumentTemplate, PaperOriginal

register(Document, agency="case__agency", unit="case__unit", assigned="case__accesses__user",
         mark="case__confidentiality", rules={
             "view": VIEW,
             "issue": {Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY},
         })
register(DocumentSignature, agency="document__case__agency", unit="document__case__unit",
         assigned="document__case__accesses__user", mark="document__case__confidentiality", rules={"view": VIEW})
# A paper original (纸质原件) is read like the documents of its case, by its own mark (chosen at registration,
# never below its case's nor its bytes' strictest holder: s23 tester8 #9, decision 0088); registered by
# those who generate them.
register(PaperOriginal, agency="case__agency", unit="case__unit", assigned="case__accesses__user",
         mark="confidentiality", rules={"view": VIEW})
grant(Case, "generate_documents", WORK)  # also: signing 笔录 and 送达回证 on a tablet

TEMPLATE_MANAGERS = {Role.ADMINISTRATOR: AGENCY, Role.AGENCY_LEADER: AGENCY}
register(DocumentTemplate, agency="agency", rules={
    "view": {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.REVIEWER: AGENCY,
             Role.ADMINISTRATOR: AGENCY},
})
grant(Agency, "manage_document_templates", TEMPLATE_MANAGERS)
