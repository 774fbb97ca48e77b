"""Reads of 公示: the obligations list (with deadlines), a publication, and what the portal may show.

`published_decisions(agency=None)` is the one function the public portal reads (docs/publicity.md,
"What the portal shows"): only versions a responsible head approved and that were published, the
redacted text and fields — never the original — and withdrawal notices instead of silence.
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.access.policy import restrict

from .models import ObligationStatus, Publication, PublicationObligation, PublicationStatus


def obligations(user, *, agency=None, status=None):
    rows = restrict(PublicationObligation.objects.select_related("agency", "case", "publication", "obligation"), user,
                    "view")
    if agency is not None:
        rows = rows.filter(agency=agency)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "due", "id")


def obligation(user, pk):
    return obligations(user).filter(pk=pk).first()


def publication(user, pk):
    rows = restrict(Publication.objects.select_related("agency", "obligation__case"), user, "view")
    return rows.filter(pk=pk).first()


def provisional(ob) -> bool:
    """暂定: the due date was counted over a year without an official holiday calendar (weekends only);
    it is recalculated when the State Council's notice is entered (finding 11, decision 0073)."""
    return bool(ob.obligation_id) and bool(ob.obligation.provisional)


def level(ob, today=None) -> str:
    """临期 (yellow) / 超期 (red) of an open obligation, as the job last set it or computed now."""
    if ob.status != ObligationStatus.OPEN:
        return ""
    today = today or timezone.localdate()
    if today > ob.due:
        return "red"
    return ob.warning or ""


def _version_dict(v) -> dict:
    return {"number": v.number, "text": v.text, "fields": v.fields_in_order, "summary": v.summary_in_order,
            "disclosure": v.disclosure, "ground": v.get_ground_display() if v.ground else "",
            "correction_reason": v.correction_reason, "made_at": v.made_at.isoformat()}


def published_decisions(agency=None) -> list[dict]:
    """What the portal may show: every publication ever published (public_version set), newest first.

    Each: {"id", "agency" (code), "agency_name", "case" (案号), "kind" (处罚…), "decision", "decided_on",
    "published_on", "status", "version" (shown), "text", "fields", "summary", "disclosure", "ground",
    "withdrawn" (bool), "withdrawal_reason", "withdrawn_on", "expired" (bool), "expires_on",
    "history": [{"number", "text", "fields", "summary", "correction_reason", …} of published versions]}.
    Withdrawn and expired ones stay with their notice (the portal shows the notice, not the text, for
    withdrawn ones); drafts and unapproved versions never appear."""
    rows = (Publication.objects.filter(public_version__isnull=False)
            .select_related("agency", "obligation__case").prefetch_related("versions").order_by("-published_on", "-id"))
    if agency is not None:
        rows = rows.filter(agency__code=getattr(agency, "code", agency))
    out = []
    for pub in rows:
        versions = [v for v in pub.versions.all() if v.number <= pub.public_version]
        shown = next(v for v in versions if v.number == pub.public_version)
        # published versions: the first, each correction published since (approved and public once)
        history = [_version_dict(v) for v in versions]
        out.append({
            "id": pub.pk, "agency": pub.agency.code, "agency_name": pub.agency.name,
            "case": pub.obligation.case.number, "kind": pub.obligation.kind_label,
            "decision": pub.obligation.decision_label, "decided_on": pub.obligation.decided_on.isoformat(),
            "published_on": pub.published_on.isoformat() if pub.published_on else None,
            "status": pub.status, "version": shown.number, "text": shown.text, "fields": shown.fields_in_order,
            "summary": shown.summary_in_order, "disclosure": shown.disclosure,
            "ground": shown.get_ground_display() if shown.ground else "",
            "withdrawn": pub.status == PublicationStatus.WITHDRAWN, "withdrawal_reason": pub.withdrawal_reason,
            "withdrawn_on": pub.withdrawn_on.isoformat() if pub.withdrawn_on else None,
            "expired": pub.status == PublicationStatus.EXPIRED,
            "expires_on": pub.expires_on.isoformat() if pub.expires_on else None,
            "history": history,
        })
    return out
