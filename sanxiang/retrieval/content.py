"""A record's text under the same guard as its file (s19 tester8 #2, decision 0059).

What a record *says* — an evidence item's 内容说明, 地点, 证明对象, 文字记录 and 文字说明; a recording's
记录内容, 当事人, 地点, 证明对象, 语音说明, 中断情况 and 文字记录; a document's filled inputs (`fields`) — is as
confidential as its file. Where a look at the file asks a purpose (`serving.purpose_asked`: a record
marked above 内部, or any record a supervisor reaches), the case page and the API show that the text
exists (the record's title, kind and mark), not what it says; it is read through
`/retrieval/records/<kind>/<id>/content/` (page) or `GET /api/v1/retrieval/records/<kind>/<id>/content`
(API), with the purpose, one 查阅留痕 row (file 「内容」) and its ledger entry — as a file is.

    withheld = content.withholder(user, case)   # one query per case, not per record
    if withheld(item): ...                      # the list shows title and mark only
"""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

CONTENT_FILE = "content"
CONTENT_LABEL = "内容"

EVIDENCE_FIELDS = ("content", "occurred_at", "place", "purpose", "transcript", "copy_note")
RECORDING_FIELDS = ("content", "party", "place", "purpose", "opening_statement", "interruptions", "transcript")
# the API's blanks for a withheld record: the field keeps its type (text "", a time null)
BLANK = {"occurred_at": None}


def _model_fields(record, names) -> list[dict]:
    out = []
    for name in names:
        value = getattr(record, name)
        if value in ("", None):
            continue
        if hasattr(value, "tzinfo"):
            value = f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        out.append({"name": name, "label": str(record._meta.get_field(name).verbose_name), "value": str(value)})
    return out


def _document_fields(document) -> list[dict]:
    from sanxiang.documents.kinds import SPECS

    spec = SPECS.get(document.kind)
    labels = {i.name: i.label for i in spec.inputs} if spec else {}
    inputs = (document.fields or {}).get("inputs", {}) or {}
    return [{"name": name, "label": labels.get(name, name), "value": str(value)}
            for name, value in inputs.items() if value not in ("", None)]


def fields_of(kind_key: str, record) -> list[dict]:
    """The text of a record that goes with its file: [{name, label, value}], empty values left out."""
    if kind_key == "evidence":
        return _model_fields(record, EVIDENCE_FIELDS)
    if kind_key == "recording":
        return _model_fields(record, RECORDING_FIELDS)
    if kind_key == "document":
        return _document_fields(record)
    return []


def digest(fields: list[dict]) -> str:
    """The SHA-256 of what was shown (canonical JSON): the 查阅留痕 row's digest of the 「内容」 read."""
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def withholder(user, case):
    """`f(record) -> bool`: the record's text is withheld from `user` on lists (the case page, the API)
    — exactly where a look at its file asks a purpose (serving.purpose_asked), computed once per case."""
    from sanxiang.access.policy import current_roles

    from . import kinds

    if case is None:
        return lambda record: False
    supervising = not current_roles(user).filter(agency_id=case.agency_id).exists()
    shared = None

    def withheld(record) -> bool:
        nonlocal shared
        if supervising:
            return True
        if shared is None:  # the marks of every record holding one of the case's files, read once
            from sanxiang.records.models import AudioVideoRecord, EvidenceItem

            digests = [*EvidenceItem.objects.filter(case=case).values_list("upload__sha256", flat=True),
                       *AudioVideoRecord.objects.filter(case=case).values_list("upload__sha256", flat=True)]
            shared = kinds.file_marks(digests, case.agency_id)
        return kinds.is_confidential(kinds.confidentiality(record, case, shared))

    return withheld


def withheld_unattached(user, record) -> bool:
    """A recording not yet linked to a case: its text is its declarer's; others (the agency's leaders)
    see it once it is linked, through the case's 查阅留痕 (a confidential one)."""
    from . import kinds

    return record.declared_by_id != getattr(user, "pk", None) and kinds.is_confidential(record.confidentiality)


def read(request, kind_key: str, pk, purpose: str):
    """留痕查看内容: the record within reach, its purpose asked where a look at its file asks one (the
    same messages), the 档案管理人员's rule (serving.keeper_problem), then one 查阅留痕 row (file 「内容」,
    mode 查看) and its ledger entry, before the text is returned. Returns (found, fields, access)."""
    from .actions import do_record_access
    from .models import AccessMode
    from .serving import check_purpose, find, keeper_problem

    user = request.user
    found = find(user, kind_key, pk)
    purpose = check_purpose(user, found, purpose)
    problem = keeper_problem(user, found)
    if problem is not None:
        raise problem
    fields = fields_of(kind_key, found.record)
    sha = digest(fields)
    access = do_record_access(record=found.record, kind=found.kind, case=found.case, file_key=CONTENT_FILE,
                              file_sha256=sha, served_sha256=sha, mode=AccessMode.VIEW, purpose=purpose,
                              grant=found.grant, mark=found.mark, watermarked=False, byte_range="", actor=user)
    return found, fields, access
