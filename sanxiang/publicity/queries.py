"""Reads of 公示: the obligations list (with deadlines), a publication, and what the portal may show.

`published_decisions(agency=None)` and `published_decision(agency, number)` are what the public portal reads (docs/publicity.md,
"What the portal shows"): only versions a responsible head approved and that were published, the
redacted text and fields — never the original — and withdrawal notices instead of silence.
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.access.policy import restrict

from .models import (
    SUMMARY_LABELS,
    ObligationStatus,
    Publication,
    PublicationObligation,
    PublicationStatus,
    in_order,
)


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


def _history(pub, versions, published: dict) -> list[dict]:
    """The published versions by number, day and correction reason — never their text (a correction
    made because a version leaked a name must not keep the leak public)."""
    out = []
    for v in versions:
        day = published.get(str(v.number))
        if day is None:  # published before the portal recorded the days: the first's day, a correction's draft day
            day = pub.published_on.isoformat() if v.number == 1 and pub.published_on else v.made_at.date().isoformat()
        out.append({"number": v.number, "published_on": day, "correction_reason": v.correction_reason})
    return out


# Only the columns the public rows read (the case, the versions' originals and contexts are large and
# internal): the portal's decision page is measured against the minimal view (bench/bench_portal.py).
_PUBLIC_COLUMNS = ("status", "public_version", "published_on", "expires_on", "withdrawn_on", "withdrawal_reason",
                   "agency__code", "agency__name", "agency__profile_key", "obligation__kind_label",
                   "obligation__decision_label", "obligation__decided_on", "obligation__case__number",
                   "public_number__number", "public_number__published")
_VERSION_COLUMNS = ("publication_id", "number", "text", "fields", "summary", "disclosure", "ground",
                    "correction_reason", "made_at", "serious_dishonesty", "full_text", "full_text_from")
# what a list of decisions reads of the versions (the history and the notice; no text, field or summary)
_HISTORY_COLUMNS = ("publication_id", "number", "correction_reason", "made_at", "serious_dishonesty")


def _public_rows(content: bool = True):
    """The published publications with what their public dicts read, in three queries whatever their number:
    the rows (joined), the versions (prefetched: their public columns — `content` False: only what the history
    and the notice need, for a list) and, annotated, whether an early stop was approved (`_stopped`). Every
    column a dict reads is loaded here: a deferred one would be a query per row (the 决定书's full text was,
    s25 left10d)."""
    from django.db.models import Exists, OuterRef, Prefetch

    from .models import PublicationVersion
    from .party_models import EarlyStopRequest, EarlyStopStatus

    columns = _VERSION_COLUMNS if content else _HISTORY_COLUMNS
    versions = Prefetch("versions", queryset=PublicationVersion.objects.only(*columns).order_by("number"))
    stopped = EarlyStopRequest.objects.filter(publication_id=OuterRef("pk"), status=EarlyStopStatus.APPROVED)
    return (Publication.objects.filter(public_version__isnull=False)
            .select_related("agency", "obligation__case", "public_number").only(*_PUBLIC_COLUMNS)
            .annotate(_stopped=Exists(stopped))
            .prefetch_related(versions).order_by("-published_on", "-id"))


def _field_order(pub) -> list[str]:
    """The profile's order of the published fields on the decision's date (as `fields_in_order`)."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key_of(pub.agency)).value("publicity.decision_fields", on=pub.obligation.decided_on)


STOPPED_EARLY = "经当事人申请，已提前停止公示"
EXPIRED_LABEL = "公示期满，已停止公示"


def period_words(value) -> str:
    """A profile period as words: 12 months → 1年, 36 months → 3年, 3 months → 3个月 ("" for none)."""
    if not value:
        return ""
    count, unit = int(value["count"]), value["unit"]
    if unit == "months" and count % 12 == 0:
        return f"{count // 12}年"
    units = {"months": "个月", "days": "日", "workdays": "个工作日", "years": "年"}
    return f"{count}{units.get(unit, unit)}"


def takedown_label(pub, serious: bool | None = None) -> str:
    """A head's 公示满期撤下 after the profile's "may take down" period, in the seed's words (乌鲁木齐 000
    二（一）6.（3）「公示满1年的，可以从有关公示载体上撤下」; 3 years for 严重失信): not 公示期满 — the display
    period did not end, a responsible head chose to take it down (decision 0094)."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    if serious is None:
        shown = next((v for v in pub.versions.all() if v.number == pub.public_version), None)
        serious = bool(shown is not None and shown.serious_dishonesty)
    profile = get_profile(profile_key_of(pub.agency))
    on = pub.obligation.decided_on
    value = (profile.value("publicity.takedown.serious_dishonesty_after", on=on) if serious else None) \
        or profile.value("publicity.takedown.after", on=on)
    words = period_words(value)
    return f"已公示满{words}，经发布部门负责人决定从公示载体上撤下" if words else "经发布部门负责人决定从公示载体上撤下"


def ending(pub) -> str:
    """How a publication no longer shown ended: "withdrawn" (撤下, the decision revoked …), "stopped_early"
    (the party's application, 令101), "taken_down" (a head's take-down after the "may take down" period —
    `take_down` records its reason and day in withdrawal_reason / withdrawn_on), "expired" (the display
    period's end, by the job runner: no reason, no day of its own); "" while shown."""
    if pub.status == PublicationStatus.WITHDRAWN:
        return "withdrawn"
    if pub.status != PublicationStatus.EXPIRED:
        return ""
    if _stopped_early(pub):
        return "stopped_early"
    return "taken_down" if pub.withdrawn_on is not None else "expired"


def status_label(pub) -> str:
    """The publication's state as people read it: an ended one says how it ended (a head's take-down is not
    公示期满, decision 0094); else the state's name."""
    how = ending(pub)
    if how == "taken_down":
        return takedown_label(pub)
    if how == "stopped_early":
        return STOPPED_EARLY
    if how == "expired":
        return EXPIRED_LABEL
    return pub.get_status_display()


def _stopped_early(pub) -> bool:
    from .party_models import EarlyStopRequest, EarlyStopStatus

    known = getattr(pub, "_stopped", None)  # annotated by _public_rows(): no query per row
    if known is not None:
        return bool(known)
    return EarlyStopRequest.objects.filter(publication_id=pub.pk, status=EarlyStopStatus.APPROVED).exists()


def _public_dict(pub, content: bool = True) -> dict:
    versions = [v for v in pub.versions.all() if v.number <= pub.public_version]
    shown = next(v for v in versions if v.number == pub.public_version)
    numbered = getattr(pub, "public_number", None)
    how = ending(pub)
    withdrawn, ended = how == "withdrawn", how in ("stopped_early", "taken_down", "expired")
    # 提前停止公示 on the party's application (令101) is not 公示期满 (s24 defects10 #5), nor is a head's take-down
    # after the "may take down" period (decision 0094): each its own notice and flag
    stopped, taken_down, expired = how == "stopped_early", how == "taken_down", how == "expired"
    row = {
        "number": numbered.number if numbered else None, "agency": pub.agency.code, "agency_name": pub.agency.name,
        "case": pub.obligation.case.number, "kind": pub.obligation.kind_label,
        "decision": pub.obligation.decision_label, "decided_on": pub.obligation.decided_on.isoformat(),
        "published_on": pub.published_on.isoformat() if pub.published_on else None,
        "status": pub.status, "version": shown.number,
        "text": "", "fields": {}, "summary": {}, "full_text": "", "full_text_from": "", "disclosure": "", "ground": "",
        "withdrawn": withdrawn, "withdrawal_reason": pub.withdrawal_reason if withdrawn else "",
        "withdrawn_on": pub.withdrawn_on.isoformat() if withdrawn and pub.withdrawn_on else None,
        "expired": expired, "stopped_early": stopped, "taken_down": taken_down,
        "expires_on": pub.expires_on.isoformat() if pub.expires_on else None,
        "notice": None,
        "history": _history(pub, versions, numbered.published if numbered else {}),
    }
    if withdrawn or ended:
        # 总局令第45号第13条: stop showing — the notice only (reason and day), no text, field or summary.
        # take_down keeps its reason and day in withdrawal_reason / withdrawn_on (workflows.withdraw_effect).
        row["notice"] = {"kind": how,
                         "label": "已撤下" if withdrawn else STOPPED_EARLY if stopped else
                         takedown_label(pub, shown.serious_dishonesty) if taken_down else EXPIRED_LABEL,
                         "reason": pub.withdrawal_reason, "on": pub.withdrawn_on.isoformat() if pub.withdrawn_on
                         else (pub.expires_on.isoformat() if pub.expires_on else None)}
        return row
    if not content:  # a list: the title, the state and the history only (_public_rows(content=False))
        return row
    row.update({"text": shown.text, "fields": in_order(shown.fields, _field_order(pub)),
                "summary": in_order(shown.summary, SUMMARY_LABELS), "full_text": shown.full_text,
                "full_text_from": shown.full_text_from,
                "disclosure": shown.disclosure, "ground": shown.get_ground_display() if shown.ground else ""})
    return row


def published_decisions(agency=None, *, kind: str | None = None, since=None, until=None, offset: int = 0,
                        limit: int | None = None, content: bool = True) -> list[dict]:
    """What the portal may show: every publication ever published (public_version set), newest first.

    Each: {"number" (the public number within the agency, decision 0070), "agency" (code), "agency_name",
    "case" (案号), "kind" (处罚…), "decision", "decided_on", "published_on", "status", "version" (shown),
    "text", "fields", "summary", "full_text" (the 决定书's redacted text, "" where not published), "full_text_from"
    (its 文号), "disclosure", "ground", "withdrawn" (bool), "withdrawal_reason",
    "withdrawn_on", "expired" (bool: the display period ended), "stopped_early" (bool: the party's application),
    "taken_down" (bool: a head took it down after the "may take down" period, decision 0094), "expires_on", "notice",
    "history": [{"number", "published_on", "correction_reason"} of the published versions]}.

    Withdrawn, expired or taken down: the notice only — `notice` {"kind", "label", "reason", "on"} and
    empty `text`, `fields`, `summary`. The history never carries a version's text. Drafts and
    unapproved versions never appear; no database id does either. `kind` (处罚…), `since`/`until` (first
    publication day) filter; `offset`/`limit` page (the portal asks one more to know whether there are more).
    `content` False (the portal's list, which shows none of them): `text`, `fields`, `summary`, `full_text`,
    `disclosure` and `ground` are left empty and not read. Three queries whatever the number of rows."""
    rows = _public_rows(content)
    if agency is not None:
        rows = rows.filter(agency__code=getattr(agency, "code", agency))
    if kind:
        rows = rows.filter(obligation__kind_label=kind)
    if since is not None:
        rows = rows.filter(published_on__gte=since)
    if until is not None:
        rows = rows.filter(published_on__lte=until)
    if limit is not None:
        rows = rows[offset:offset + limit]
    return [_public_dict(pub, content) for pub in rows]


def published_decision(agency, number: int) -> dict | None:
    """One published decision of `agency` (an object or code) by its public number, as in
    `published_decisions()`; None when there is none (never published, or another agency's)."""
    code = getattr(agency, "code", agency)
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    pub = _public_rows().filter(agency__code=code, public_number__number=number).first()
    return _public_dict(pub) if pub is not None else None
