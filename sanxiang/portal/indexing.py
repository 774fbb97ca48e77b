"""What the portal and its search learn when a publication moves (decision 0070).

Registered with the workflow engine (`on_applied`), so it runs after every move of the
`publication` table inside that move's transaction — the publicity actions are not touched:
- 发布 (publish): the decision gets its public number within the agency (`DecisionNumber`), the day of
  the version is recorded, and the shown version is indexed for the public search;
- 发布更正 (publish_correction): the day is recorded and the corrected version replaces the old words;
- 撤下 / 公示满期撤下 / 公示期满 / 提前停止公示 (withdraw, take_down, expire, stop_early): the decision's words
  leave the index; its notice takes their place — the title marked ［已撤下］ or ［已停止公示］, the case number
  and the public reason — so a search by its number or title shows the notice, not silence (decision 0080).
A failure here refuses the move: the index never shows what the portal does not.

`reindex_all()` (`sanxiang search reindex`) rebuilds every decision's entry from the publications
and gives numbers to those published before the portal numbered them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from sanxiang.publicity.scope import KIND_LABELS, kind_name

from .models import DecisionNumber

# The public search's kind codes (SearchEntry.kind, the portal's ?kind=) for the publicity kind labels.
KIND_CODES = {label: code for code, label in KIND_LABELS.items()}
INDEXED_ACTIONS = ("publish", "publish_correction")
REMOVED_ACTIONS = ("withdraw", "take_down", "expire", "stop_early")
LIVE = ("published", "corrected", "draft", "submitted", "approved")  # with a public version: shown


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
    number = summary.get("决定书文号") or pub.obligation.case.number or ""
    return f"{pub.agency.name}{kind_name(pub.obligation.kind_label)}决定 {number}".strip()[:300]


def _words(version) -> str:
    """Everything the decision page shows of the version (all of it redacted, published text)."""
    parts = [str(v) for v in (version.summary or {}).values()] + [str(v) for v in (version.fields or {}).values()]
    return "\n".join(parts + [version.text])


def index_publication(pub, numbered: DecisionNumber) -> None:
    from sanxiang.search import engine

    version = pub.versions.get(number=pub.public_version)
    engine.index(agency=pub.agency, kind=KIND_CODES.get(pub.obligation.kind_label, "other"),
                 published_on=pub.published_on, ref=ref_of(pub.agency.code, numbered.number),
                 title=_title(pub, version), summary=_words(version))


def notice_words(pub) -> tuple[str, str]:
    """(title, summary) of a withdrawn or expired decision's entry: its notice only, never its words."""
    withdrawn = pub.status == "withdrawn"
    version = pub.versions.get(number=pub.public_version)
    label = "已撤下" if withdrawn else "已停止公示"
    day = pub.withdrawn_on or pub.expires_on
    notice = (f"{label}：{pub.withdrawal_reason}" if pub.withdrawal_reason else
              ("公示期满，已停止公示" if not withdrawn else label)) + (f"（{day:%Y-%m-%d}）" if day else "")
    number = pub.obligation.case.number or ""
    return f"［{label}］{_title(pub, version)}"[:300], notice + (f"\n案号：{number}" if number else "")


def index_notice(pub, numbered: DecisionNumber) -> None:
    from sanxiang.search import engine

    title, summary = notice_words(pub)
    engine.index(agency=pub.agency, kind=KIND_CODES.get(pub.obligation.kind_label, "other"),
                 published_on=pub.published_on, ref=ref_of(pub.agency.code, numbered.number), title=title,
                 summary=summary)


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
    elif transition.action in REMOVED_ACTIONS:
        numbered = DecisionNumber.objects.filter(publication=obj).first()
        if numbered is not None:
            index_notice(obj, numbered)  # replaces the words: only the notice stays findable
        else:
            remove_publication(obj)


def reindex_all(stdout=None) -> tuple[int, int]:
    """Rebuild the decisions' search entries from the publications: (indexed, removed). Numbers are given to
    publications published before the portal numbered them, in the order of publication."""
    from sanxiang.publicity.models import Publication
    from sanxiang.search import engine
    from sanxiang.search.models import SearchEntry

    indexed = removed = 0
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
            else:  # withdrawn or expired: its notice only
                index_notice(pub, numbered)
                removed += 1
        for entry in SearchEntry.objects.filter(ref__startswith="jueding:"):  # entries of no published decision
            parsed = parse_ref(entry.ref)
            live = parsed and DecisionNumber.objects.filter(
                agency__code=parsed[0], number=parsed[1], publication__public_version__isnull=False).exists()
            if not live:
                removed += engine.remove(entry.ref)
    return indexed, removed
