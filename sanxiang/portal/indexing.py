"""What the portal and its search learn when a publication moves (decision 0070).

Registered with the workflow engine (`on_applied`), so it runs after every move of the
`publication` table inside that move's transaction — the publicity actions are not touched:
- 发布 (publish): the decision gets its public number within the agency (`DecisionNumber`), the day of
  the version is recorded, and the shown version is indexed for the public search;
- 发布更正 (publish_correction): the day is recorded and the corrected version replaces the old words;
- 撤下 (withdraw: the decision revoked, confirmed illegal, void or remade): its words replaced by the public
  withdrawal notice under the same title and address (`index_notice`), so a search by its number, title or
  the notice's words finds the notice, never the text — not a silent disappearance (decision 0078);
- 公示满期撤下 / 公示期满 / 提前停止 (take_down, expire, stop_early): out of the index (the display period is
  over; the portal's page still shows the notice).
A failure here refuses the move: the index never shows what the portal does not.

`reindex_all()` (`sanxiang search reindex`) rebuilds every decision's entry from the publications
and gives numbers to those published before the portal numbered them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from sanxiang.publicity.scope import KIND_LABELS, decision_name

from .models import DecisionNumber

# The public search's kind codes (SearchEntry.kind, the portal's ?kind=) for the publicity kind labels.
KIND_CODES = {label: code for code, label in KIND_LABELS.items()}
INDEXED_ACTIONS = ("publish", "publish_correction")
NOTICE_ACTIONS = ("withdraw",)
REMOVED_ACTIONS = ("take_down", "expire", "stop_early")
LIVE = ("published", "corrected", "draft", "submitted", "approved")  # with a public version: shown
NOTICED = ("withdrawn",)  # indexed as its withdrawal notice
NOTICE_MARK = "【已撤下】"  # how a notice entry's words begin (the search shows it as a withdrawal)


def ref_of(agency_code: str, number: int) -> str:
    """The search entry's reference of a published decision: also its portal address's parts."""
    return f"jueding:{agency_code}:{number}"


def parse_ref(ref: str) -> tuple[str, int] | None:
    parts = ref.split(":")
    if len(parts) != 3 or parts[0] != "jueding" or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def _day(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")[:10]


def number_for(pub, day: str | None = None) -> DecisionNumber:
    """The public number of `pub`, given now if it has none (the next of its agency, under the agency's lock)."""
    from sanxiang.orgs.models import Agency

    found = DecisionNumber.objects.filter(publication=pub).first()
    if found is not None:
        return found
    Agency.objects.select_for_update().filter(pk=pub.agency_id).first()  # one numbering at a time per agency
    last = DecisionNumber.objects.filter(agency_id=pub.agency_id).aggregate(n=Max("number"))["n"] or 0
    return DecisionNumber.objects.create(publication=pub, agency_id=pub.agency_id, number=last + 1,
                                         published={})


def _title(pub, version) -> str:
    summary = version.summary or {}
    number = (summary.get("决定书文号") or "").strip()
    if number in ("", "（未编号）"):  # no 文号 yet: the 案号, as for the decisions without a summary (s24 defects10 #3)
        number = pub.obligation.case.number or ""
    name = decision_name(pub.obligation.kind_label, pub.obligation.decision_label)
    return f"{pub.agency.name}{name} {number}".strip()[:300]


def _words(version) -> str:
    """Everything the decision page shows of the version (all of it redacted, published text)."""
    parts = [str(v) for v in (version.summary or {}).values()] + [str(v) for v in (version.fields or {}).values()]
    return "\n".join(parts + [version.text] + ([version.full_text] if version.full_text else []))


def index_publication(pub, numbered: DecisionNumber) -> None:
    from sanxiang.search import engine

    version = pub.versions.get(number=pub.public_version)
    engine.index(agency=pub.agency, kind=KIND_CODES.get(pub.obligation.kind_label, "other"),
                 published_on=pub.published_on, ref=ref_of(pub.agency.code, numbered.number),
                 title=_title(pub, version), summary=_words(version))


def notice_words(pub) -> str:
    """A withdrawn decision's entry: the public notice only (its reason is public, decision 0072)."""
    day = pub.withdrawn_on.isoformat() if pub.withdrawn_on else ""
    number = pub.obligation.case.number or ""
    shown = pub.versions.get(number=pub.public_version).text if number else ""
    case = f"（案号 {number}）" if number and number in shown else ""  # only as public as it was
    return f"{NOTICE_MARK}该行政执法决定{case}的公示信息已于{day}撤下。撤下说明：{pub.withdrawal_reason}"


def index_notice(pub, numbered: DecisionNumber) -> None:
    from sanxiang.search import engine

    version = pub.versions.get(number=pub.public_version)
    engine.index(agency=pub.agency, kind=KIND_CODES.get(pub.obligation.kind_label, "other"),
                 published_on=pub.published_on, ref=ref_of(pub.agency.code, numbered.number),
                 title=_title(pub, version), summary=notice_words(pub))


def remove_publication(pub) -> bool:
    from sanxiang.search import engine

    numbered = DecisionNumber.objects.filter(publication=pub).first()
    return numbered is not None and engine.remove(ref_of(pub.agency.code, numbered.number))


def on_publication_moved(table, transition, obj, actor, params):
    if table.name != "publication":
        return
    if transition.action in INDEXED_ACTIONS:
        numbered = number_for(obj)
        numbered.published = {**numbered.published, str(obj.public_version): _day(params.get("on"))
                              or _day(obj.published_on)}
        numbered.save(update_fields=["published"])
        index_publication(obj, numbered)
    elif transition.action in NOTICE_ACTIONS:
        numbered = DecisionNumber.objects.filter(publication=obj).first()
        if numbered is not None and obj.public_version:
            index_notice(obj, numbered)
        else:
            remove_publication(obj)
    elif transition.action in REMOVED_ACTIONS:
        remove_publication(obj)


def reindex_all(stdout=None) -> tuple[int, int, int]:
    """Rebuild the decisions' search entries from the publications: (indexed, noticed — withdrawn, kept as their
    notice only — and removed: expired, taken down, stopped early, stray). Numbers are given to
    publications published before the portal numbered them, in the order of publication."""
    from sanxiang.publicity.models import Publication
    from sanxiang.search import engine
    from sanxiang.search.models import SearchEntry

    indexed = noticed = removed = 0
    rows = (Publication.objects.filter(public_version__isnull=False).select_related("agency", "obligation__case")
            .order_by("published_on", "id"))
    with transaction.atomic():
        for pub in rows:
            numbered = number_for(pub)
            if not numbered.published:
                numbered.published = {"1": _day(pub.published_on)}
                numbered.save(update_fields=["published"])
            if pub.status in LIVE:
                index_publication(pub, numbered)
                indexed += 1
            elif pub.status in NOTICED:
                index_notice(pub, numbered)
                noticed += 1
            elif remove_publication(pub):
                removed += 1
        for entry in SearchEntry.objects.filter(ref__startswith="jueding:"):  # entries of no published decision
            parsed = parse_ref(entry.ref)
            live = parsed and DecisionNumber.objects.filter(
                agency__code=parsed[0], number=parsed[1], publication__status__in=LIVE + NOTICED).exists()
            if not live:
                removed += engine.remove(entry.ref)
    return indexed, noticed, removed
