"""Who sees uploads, evidence items and audio-video records (and acts on them).

An upload is its uploader's own: nobody else sees it until it becomes a record of a case. Evidence
items and recordings attached to a case are read as their case is read, under their own
confidentiality mark; a recording held unattached (made before its case) is its declarer's (and
the agency's leaders'). Those who work on the case register evidence and recordings; heads of the
unit and the agency's leaders approve an exception to the audio-video list. Handing a recording's
original over (原件移交) is its own right, `hand_over`: those who may change the recording, and whom
another app grants it (the archive's 档案管理员), who may do nothing else with it. It is also who may
receive the original (decision 0085): a receiver must be able to hand it on in turn.
"""

from sanxiang.access.policy import AGENCY, OWN, SELF, UNIT, grant, register
from sanxiang.cases.models import Case
from sanxiang.cases.policies import VIEW, WORK
from sanxiang.orgs.models import Role

from .models import AudioVideoRecord, EvidenceItem, RecordingHandover, RecordingWaiver, Upload

register(Upload, agency="agency", own="owner", rules={"view": {SELF: OWN}})

register(EvidenceItem, agency="case__agency", unit="case__unit", assigned="case__accesses__user",
         mark="confidentiality", rules={"view": VIEW})
register(AudioVideoRecord, agency="agency", unit="case__unit", assigned="case__accesses__user", own="declared_by",
         mark="confidentiality", rules={"view": {**VIEW, SELF: OWN}, "change": {**WORK, SELF: OWN},
                                                   "hand_over": {**WORK, SELF: OWN}})
register(RecordingWaiver, agency="case__agency", unit="case__unit", assigned="case__accesses__user",
         mark="case__confidentiality", rules={"view": VIEW})
register(RecordingHandover, agency="recording__agency", unit="recording__case__unit",
         assigned="recording__case__accesses__user", own="recording__declared_by", mark="recording__confidentiality",
         rules={"view": {**VIEW, SELF: OWN}})

grant(Case, "record_evidence", WORK)
grant(Case, "approve_recording_exception", {Role.UNIT_HEAD: UNIT, Role.AGENCY_LEADER: AGENCY})
