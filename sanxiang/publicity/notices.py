"""执法决定信息公示告知书 (issue 10 §3; 总局令第45号第8条: when the decision is served, the party is told in
writing that it will be published; decision 0072).

A document kind of the documents app (`publicity_notice`, not offered on the case page: made from a
publication, `do_make_publicity_notice`). Making it issues a new 公示查询码 (`requests.issue_party_code`,
the previous code stops working) and prints it on the notice with the case number — the pair the party
types on the portal to ask for a correction or an early stop. The notice is a **required document to
issue with the decision**: `notice_state(pub)` says whether it is made and issued, and the publication's
party page (/publicity/party/<id>/, linked from the publication's page) shows 公示告知书未制作 / 未签发 /
已签发; the officers hand it over with the decision when they serve it (the 送达 move does not make it:
decision 0072).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.core.public import public_url
from sanxiang.ledger.registry import register_actions

from .models import Publication

KIND = "publicity_notice"
register_actions({"serve_publicity_notice": "公示告知书随决定书送达",
                  "publicity_notice_failed": "公示告知书未能自动生成"})
FAILED_ACTION = "publicity_notice_failed"
NO_PENALTY_DISPLAY = "publicity.no_penalty_display_period"


def _profile(agency):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key_of(agency))


def _period_text(value) -> str:
    from sanxiang.lib.periods import UNITS

    return f"{value['count']}{UNITS.get(value['unit'], value['unit'])}" if value else ""


def notice_values(case, pub) -> dict:
    """The notice's own names (kinds.Spec.values): filled from the publication and the profile."""
    from .actions import _decision_number
    from .requests import format_code

    ob = pub.obligation
    profile = _profile(pub.agency)
    on = ob.decided_on
    # 总局令第45号 governs 行政处罚信息 only: a 不予行政处罚决定 is told its own period and basis (decision 0098)
    samr = ob.penalty_information and profile.value("publicity.penalty_scope", on=on) == "samr_general_procedure"
    display = None
    if ob.no_penalty:
        display = profile.value(NO_PENALTY_DISPLAY, on=on)
    elif samr:
        display = profile.value("publicity.display_period_low" if ob.low_display else "publicity.display_period", on=on)
    channels = profile.value("publicity.channels", on=on) or []
    early = profile.value("publicity.early_stop.after", on=on) if samr else None
    conditions = profile.value("publicity.early_stop.conditions", on=on) if early else []
    code = _notice_code(pub)
    agency_code = pub.agency.code
    return {
        "decision_number": (_decision_number(case, ("no_penalty_decision",)) if ob.no_penalty else
                            _decision_number(case)) or case.number,
        "decision_label": ob.decision_label,
        "notice_subject": notice_subject(case, ob),
        "published_items": ("行政处罚决定书及行政处罚信息摘要" if samr else
                            "、".join(profile.value("publicity.decision_fields", on=on))),
        "channel": "、".join(channels) or "本机关公开门户",
        "portal_url": public_url(reverse("portal:home", args=[agency_code])),
        "correction_url": public_url(reverse("portal:party", args=[agency_code])),
        "period": f"自公示之日起{_period_text(display)}" if display else "依照有关规定确定",
        "publish_by": _publish_when(pub, ob),
        "query_code": format_code(code) if code else "（未生成）",
        "correction_answer": _period_text(profile.value("publicity.correction_answer", on=on)) or "规定期限",
        "early_stop": (f"公示满{_period_text(early)}后，同时符合{'；'.join(conditions)}等条件的，"
                       "可以凭案号和公示查询码申请提前停止公示（受到责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、"
                       "吊销许可证件、吊销营业执照等处罚的除外）。" if early else "公示期满后停止公示。"),
        "basis": _basis(profile, ob, on) + ("、《市场监督管理行政处罚信息公示规定》" if samr else ""),
    }


# What a case's 案由 may carry about where it came from — 「转办交办：涉嫌…」, 「涉嫌…（投诉）」 (the clue's or the
# inspection's source, cases.models.Source / InspectionSource): not part of the matter the notice names.
SOURCE_WORDS = ("转办交办", "双随机抽查", "年度计划检查", "计划检查", "投诉举报核查", "投诉举报", "投诉", "举报", "检查发现",
                "监督检查", "移送", "交办", "申请")
_PREFIX = re.compile(r"^\s*(?:" + "|".join(SOURCE_WORDS) + r")\s*[：:]\s*")
_SUFFIX = re.compile(r"\s*[（(]\s*(?:" + "|".join(SOURCE_WORDS) + r")\s*[）)]\s*$")

# The deciding move (cases.decisions.DECISION_MOVES, the end of the obligation's decision_key) → how the notice
# names the decision after 「本机关对你（单位）」: {matter} is the 案由 without its source words
SUBJECTS = {
    "penalty_general.decide": "{matter}一案作出行政处罚决定",
    "penalty_general.decide_no_penalty": "{matter}一案作出不予行政处罚决定",
    "penalty_simplified.decide_on_site": "{matter}一案当场作出行政处罚决定",
    "licence_general.grant": "申请的{matter}作出准予行政许可决定",
    "licence_general.refuse": "申请的{matter}作出不予行政许可决定",
    "licence_general.decide_on_the_spot": "申请的{matter}当场作出准予行政许可决定",
    "coercive_measure.approve": "{matter}一案作出实施行政强制措施决定",
    "coercive_measure.approve_afterwards": "{matter}一案作出实施行政强制措施决定",
    "coercive_measure.seal_or_seize": "{matter}一案作出实施行政强制措施决定",
    "inspection_general.record_inspection_result": "实施的行政检查（{source}检查事项：{matter}）作出检查结论",
    "confirmation_general.make_decision": "申请的{matter}作出行政确认决定",
    "adjudication_general.make_decision": "申请的{matter}作出行政裁决决定",
    "labour_inspection_general.order_correction": "{matter}一案作出责令改正决定",
}


def bare_matter(cause: str) -> str:
    """The case's 案由 without the words naming its source (「转办交办：」, 「（投诉）」) and a doubled 「一案」."""
    matter = _SUFFIX.sub("", _PREFIX.sub("", cause or "")).strip()
    matter = re.sub(r"(?:一案|案件)$", "", matter).strip()
    return matter or (cause or "").strip()


def notice_subject(case, ob) -> str:
    """The notice's first sentence after 「本机关对你（单位）」: the matter and the decision in plain Chinese for each
    kind of decision (a penalty's 一案, a licence the party applied for, an inspection with its source) —
    never the case's internal wording glued together (「转办交办：涉嫌…一案登记检查结果」)."""
    move = ob.decision_key.rsplit(":", 1)[-1]
    source, matter = "", bare_matter(case.cause)
    if move.startswith("inspection_general."):
        inspection = getattr(case, "inspection", None)
        if inspection is not None and inspection.source and inspection.source != "other":
            source = f"{inspection.get_source_display()}，"
        from .public_text import from_complaint, published_items

        if inspection is not None and from_complaint(inspection):  # the party must not learn who complained
            # (s26 defects10h #1): the item names its 扫码入企 page shows, never the typed cause
            matter = "、".join(published_items(inspection)) or "依法保密的投诉举报事项"
    shape = SUBJECTS.get(move, "{matter}一案" + (ob.decision_label or "作出决定"))
    return shape.format(matter=matter, source=source)


def _basis(profile, ob, on) -> str:
    """The rule the decision is published under: the period its obligation was opened with (a 不予行政处罚决定's
    own, `ob.rule`), else the kind's period in the profile."""
    if ob.no_penalty and ob.rule:
        name = ob.rule
    else:
        kinds = profile.value("publicity.short_deadline_kinds", on=on) or []
        name = "publicity.decision_deadline_short" if ob.kind_label in kinds else "publicity.decision_deadline_other"
    return profile.cite(profile.entry(name, on=on)).split("：")[0]


def do_make_publicity_notice(pub, *, actor, replaces=None, correction_reason: str = "", keep_code: bool = False,
                             supplement_reason: str = ""):
    """公示告知书 (by those who make the case's documents — its handlers, its unit's head — or the job runner):
    a new 公示查询码 (the earlier one stops working) printed on a new notice of the publication's case (a
    correction of an issued notice names it and its reason); `keep_code`: the code already printed on a
    document of the case (the decision) if it still works (the job's way). Returns the document.

    Not a transaction of its own: the documents app runs the checks, the code and the document in one,
    filling the template before it (`documents.actions._fills_before_its_transaction`) — so the code is
    drawn here, once, and issued inside that transaction (`_notice_code`), the same on its retry."""
    import secrets

    from sanxiang.access.policy import can
    from sanxiang.documents.actions import do_generate_document

    from .requests import ALPHABET, CODE_LENGTH

    pub = Publication.objects.select_related("obligation__case", "agency").get(pk=pub.pk)
    if not can(actor, "generate_documents", pub.obligation.case):
        raise NotPermitted("公示告知书由制作本案执法文书的人员（承办人员或负责人）制作，随决定书送达。")
    # the first notice keeps the code printed on the decision document; a re-made notice issues a new one
    pub._code_plan = {"keep": keep_code or replaces is None, "actor": actor,
                      "drawn": "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))}
    return do_generate_document(pub.obligation.case, KIND, actor=actor, subject=pub, replaces=replaces,
                                correction_reason=correction_reason, supplement_reason=supplement_reason)


def _publish_when(pub, ob) -> str:
    """三、公示时间 as true on the day the notice is made (s24 defects10 #7): published already — the day; the
    due day still ahead — 「将于…前公示」; reached or passed — the due day said as the duty, and 「将尽快公示」."""
    from django.utils import timezone

    if pub.published_on:
        return f"本机关已于{pub.published_on:%Y年%-m月%-d日}公示"
    if ob.due and timezone.localdate() >= ob.due:
        return f"本机关应于{ob.due:%Y年%-m月%-d日}前公示，将尽快公示"
    return f"本机关将于{ob.due:%Y年%-m月%-d日}前公示" if ob.due else "本机关将依法及时公示"


def _notice_code(pub) -> str:
    """Inside the document's transaction: the 公示查询码 the notice prints (see `do_make_publicity_notice`)."""
    from .requests import new_code

    plan = getattr(pub, "_code_plan", None)
    if plan is None:  # values read without making the notice
        return ""
    if Publication.objects.filter(pk=pub.pk, obligation__status="withheld").exists():
        raise RuleViolation("已决定不予公开，无需告知公示。", field="status")
    return (printed_code(pub) if plan["keep"] else "") or new_code(pub, actor=plan["actor"], code=plan["drawn"])


def printed_code(pub) -> str:
    """The 公示查询码 of `pub` as printed on a document of its case (its notice or its decision) and still
    valid — "" when none is (never printed, or replaced by a newer one)."""
    from django.contrib.auth.hashers import check_password

    from sanxiang.documents.models import Document, DocumentStatus

    from .party_models import PartyCode
    from .requests import normalize_code

    row = PartyCode.objects.filter(publication_id=pub.pk).first()
    if row is None:
        return ""
    docs = (Document.objects.filter(case_id=pub.obligation.case_id, fields__context__has_key="query_code")
            .exclude(status=DocumentStatus.FAILED).order_by("-id")[:10])
    for doc in docs:
        code = normalize_code(str((doc.fields.get("context") or {}).get("query_code") or ""))
        if code and check_password(code, row.code_hash):
            return code
    return ""


def code_to_print(pub, *, actor, codes: dict) -> str:
    """For a decision document of `pub`'s case: the code already printed (its notice), else a new one (the
    notice the job makes afterwards keeps it). Inside the document's transaction; `codes` keeps the one drawn
    across the documents app's fill-and-retry attempts (a retry must fill the very same values)."""
    import secrets

    from .requests import ALPHABET, CODE_LENGTH, new_code

    printed = printed_code(pub)
    if printed:
        return printed
    drawn = codes.setdefault(pub.pk, "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
    return new_code(pub, actor=actor, code=drawn)


def decision_code_values(case, *, measure=None, actor, codes: dict) -> dict:
    """The names a decision document prints (documents.kinds.CODED_DECISIONS): the 公示查询码 of the
    publication its decision opened and the portal page where the party uses it; empty when the decision
    opens none (out of scope, 不予公开, a draft made before the decision)."""
    from .models import ObligationStatus, PublicationObligation
    from .requests import format_code

    obs = PublicationObligation.objects.filter(case=case).exclude(
        status__in=(ObligationStatus.WITHHELD, ObligationStatus.VOIDED))
    if measure is not None:
        obs = obs.filter(decision_key__startswith=f"{measure.ledger_type()}:{measure.pk}:")
    else:
        obs = obs.filter(decision_key__startswith=f"{case.ledger_type()}:{case.pk}:")
    ob = obs.select_related("publication").order_by("-id").first()
    pub = getattr(ob, "publication", None) if ob is not None else None
    if pub is None or pub.status in ("withdrawn", "expired") or actor is None:
        return {"query_code": "", "query_url": ""}
    code = code_to_print(pub, actor=actor, codes=codes)
    return {"query_code": format_code(code),
            "query_url": public_url(reverse("portal:party", args=[case.agency.code]))}


def _subject(pub) -> str:
    return f"{pub._meta.label_lower}:{pub.pk}"


def missing_notices(limit: int = 20, *, case=None) -> list:
    """The publications whose decision needs its notice and has none (nor one being made): obligation open or
    fulfilled (not 不予公开, not voided), not withdrawn or ended, oldest first."""
    from sanxiang.documents.models import Document, DocumentStatus

    from .models import ObligationStatus, PublicationStatus

    made = set(Document.objects.filter(kind=KIND).exclude(status=DocumentStatus.FAILED)
               .values_list("fields__subject", flat=True))
    failed = set(_failure_entries().values_list("object_id", flat=True))  # left to a person: not retried
    rows = (Publication.objects.filter(obligation__status__in=(ObligationStatus.OPEN, ObligationStatus.PUBLISHED))
            .exclude(status__in=(PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED))
            .select_related("obligation__case", "agency").order_by("id"))
    if case is not None:
        rows = rows.filter(obligation__case=case)
    out = []
    for pub in rows.iterator():
        if _subject(pub) not in made and str(pub.pk) not in failed:
            out.append(pub)
            if len(out) >= limit:
                break
    return out


def _failure_entries(pub=None):
    from sanxiang.ledger.models import LedgerEntry

    rows = LedgerEntry.objects.filter(action=FAILED_ACTION, object_type=Publication.ledger_type())
    return rows.filter(object_id=str(pub.pk)) if pub is not None else rows


@transaction.atomic
def record_notice_failure(pub, *, reason: str, actor) -> None:
    """The job could not make the notice (decision 0078): the reason is ledgered on the publication, the job
    does not try it again, and the case's staff read the reason on the party page and make the notice
    themselves (after mending what stopped it: an agency's template, an 归档后补充 reason)."""
    from sanxiang.ledger.actions import append_entry

    append_entry(action=FAILED_ACTION, actor=actor, obj=pub,
                 payload={"case": pub.obligation.case.number, "reason": reason})


def notice_failure(pub) -> dict | None:
    """The job's latest refusal to make `pub`'s notice: {"reason", "at"}; None if it never failed."""
    import json

    entry = _failure_entries(pub).order_by("-index").first()
    if entry is None:
        return None
    return {"reason": (json.loads(entry.entry).get("payload") or {}).get("reason") or "", "at": entry.created_at}


def record_service(case, *, actor, on, method: str = "") -> int:
    """送达: each issued notice of the case's publications is served with the decision (ledgered with the
    serve move, in its transaction). Returns how many."""
    from sanxiang.documents.models import Document, DocumentStatus
    from sanxiang.ledger.actions import append_entry

    served = 0
    for doc in Document.objects.filter(case=case, kind=KIND, status=DocumentStatus.ISSUED).order_by("id"):
        if doc.corrections.exclude(status=DocumentStatus.FAILED).exists():
            continue  # corrected: its correction is the one served
        append_entry(action="serve_publicity_notice", actor=actor, obj=doc,
                     payload={"case": case.number, "number": doc.number, "served_on": on, "method": method})
        served += 1
    return served


def notice_state(pub) -> dict:
    """Whether the publication's notice is made and issued (the required document of its decision)."""
    from sanxiang.documents.models import Document, DocumentStatus

    doc = (Document.objects.filter(case=pub.obligation.case, kind=KIND,
                                   fields__subject=f"{pub._meta.label_lower}:{pub.pk}")
           .exclude(status=DocumentStatus.FAILED).order_by("-id").first())
    code = getattr(pub, "party_code", None) if hasattr(pub, "party_code") else None
    issued = doc is not None and doc.status == DocumentStatus.ISSUED
    served_on = _served_on(doc) if issued else None
    failure = notice_failure(pub) if doc is None else None
    archived = doc is None and _archived(pub.obligation.case)
    return {"document": doc, "issued": issued, "served_on": served_on, "failure": failure, "archived": archived,
            "label": (("公示告知书未能自动生成（" + f"{timezone.localtime(failure['at']):%Y-%m-%d %H:%M}）："
                       + failure["reason"] + "请承办人员在本页制作。") if failure else
                      "公示告知书未制作（系统将自动生成）" if doc is None else
                      (f"公示告知书已随决定书送达（{served_on:%Y-%m-%d}）" if served_on else
                       "公示告知书已签发" if issued else "公示告知书未签发")),
            "code_issued_at": code.issued_at if code is not None else None}


def _archived(case) -> bool:
    from sanxiang.documents.actions import _archived as archived

    return archived(case)


def _served_on(doc):
    """The day the case was served, if the notice was recorded as served with it (the ledger says so)."""
    from sanxiang.ledger.models import LedgerEntry

    served = LedgerEntry.objects.filter(action="serve_publicity_notice", object_type=doc.ledger_type(),
                                        object_id=str(doc.pk)).exists()
    return doc.case.served_on if served else None
