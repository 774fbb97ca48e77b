"""Who sees the case file and archives it (案卷与归档).

An archived file is read as its case is read, and by the agency's 档案管理人员; the case is archived
by the 档案管理人员, the unit's head or the agency's leaders (归档); transfer lists are the 档案管理人员's
and the leaders'.

The archivist reads the files she archives: the agency's cases and their records — documents and
their signatures, evidence items, audio-video records with their hand-overs and exceptions — and
she holds the recordings' originals handed to the archive (`hand_over` on the recording: whom
`do_hand_over_recording` lets receive an original and, holding it, hand it on — decision 0085; not
`change`, which would let her store, link or correct it). Confidentiality marks still apply (state secrets: only those
named on the case).
"""

from sanxiang.access.policy import AGENCY, UNIT, grant, register
from sanxiang.cases.models import Case
from sanxiang.cases.policies import VIEW
from sanxiang.documents.models import Document, DocumentSignature
from sanxiang.orgs.models import Agency, Role
from sanxiang.records.models import AudioVideoRecord, EvidenceItem, RecordingHandover, RecordingWaiver

from .models import ArchivedCaseFile, ArchiveExport, TransferList

ARCHIVISTS = {Role.RECORDS_KEEPER: AGENCY, Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY}

register(ArchivedCaseFile, agency="agency", unit="case__unit", assigned="case__accesses__user",
         mark="case__confidentiality", rules={
             "view": {**VIEW, Role.RECORDS_KEEPER: AGENCY},
             "hold": {Role.RECORDS_KEEPER: AGENCY, Role.AGENCY_LEADER: AGENCY},
             # 重新检测 (the four checks again, recorded): those who archive
             "recheck": {Role.RECORDS_KEEPER: AGENCY, Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY},
         })
register(TransferList, agency="agency", rules={
    "view": {Role.RECORDS_KEEPER: AGENCY, Role.AGENCY_LEADER: AGENCY},
})
grant(Case, "archive_case", ARCHIVISTS)
# 归档信息包: asked for and downloaded by those who archive (the package holds every record of the case)
grant(Case, "export_archive", ARCHIVISTS)
# 存储文件不符已查明处理: recorded by those who archive (they may not archive a flagged file)
grant(Case, "resolve_modified_files", ARCHIVISTS)
register(ArchiveExport, agency="agency", unit="case__unit", mark="case__confidentiality",
         rules={"view": ARCHIVISTS})
# the archivist reads the files she archives (one rule, here)
KEEPER = {Role.RECORDS_KEEPER: AGENCY}
for model in (Case, Document, DocumentSignature, EvidenceItem, AudioVideoRecord, RecordingHandover, RecordingWaiver):
    grant(model, "view", KEEPER)
grant(AudioVideoRecord, "hand_over", KEEPER)  # 原件移交: she receives the originals handed to the archive
grant(Agency, "transfer_case_files", {Role.RECORDS_KEEPER: AGENCY, Role.AGENCY_LEADER: AGENCY})
