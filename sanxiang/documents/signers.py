"""Who signs a 笔录 or a 送达回证 beside the officers, as the signing page, the refusal and the template
name them: the person asked in an 询问笔录 (被询问人), the addressee of a 送达回证 (受送达人), else the party
(当事人) — never 「被询问人」 on a sampling or inspection record, where nobody was asked (s18 D8)."""

from __future__ import annotations

import re

from .models import DocumentKind

SIGNER_LABELS = {DocumentKind.INQUIRY_RECORD: "当事人（被询问人）", DocumentKind.SERVICE_RECEIPT: "受送达人"}


def signer_label(kind: str) -> str:
    return SIGNER_LABELS.get(kind, "当事人")


def signer_name(document) -> str:
    """The name to pre-fill: the person asked (the name part of 「王某（当事人法定代表人）」), else a natural
    person party's name, else an organisation's legal representative — an organisation signs by a person."""
    if document.kind == DocumentKind.INQUIRY_RECORD:
        asked = ((document.fields or {}).get("inputs") or {}).get("interviewee") or ""
        name = re.split(r"[（(，,、\s]", asked.strip(), maxsplit=1)[0]
        if name:
            return name
    first = document.case.case_parties.select_related("party").order_by("id").first()
    if first is None:
        return ""
    party = first.party
    return party.name if party.kind == "person" else (party.legal_representative or "")
