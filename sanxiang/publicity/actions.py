"""Writes of 公示 (issue 10 §3, §5): obligations opened by decisions, publications prepared, approved,
published, corrected, withdrawn, taken down, expired, and 不予公开/暂缓公开 decided.

Each `do_*` has its check beside it (`*_problem`, used by the pages to explain a refusal before the
act) and acts through the transition tables of `workflows.py` (permission, state, guards, the ledger
entry) in one transaction. Nothing unapproved is published: `publish_problem` is asked here, and the
table's guard `version_approved` again.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.workflow import apply
from sanxiang.workflow.engine import apply_consequence

from .models import (
    SUMMARY_LABELS,
    Disclosure,
    Ground,
    ObligationStatus,
    Publication,
    PublicationObligation,
    PublicationStatus,
    PublicationVersion,
)
from .proofs import attest_publication, content_digest
from .workflows import PUBLICATION, PUBLICATION_OBLIGATION

register_actions({
    "open_publicationobligation": "开启公示义务",
    "fulfil_publicationobligation": "公示义务已履行",
    "propose_publicationobligation": "申请不予公开或暂缓公开",
    "withhold_publicationobligation": "批准不予公开",
    "defer_publicationobligation": "批准暂缓公开",
    "refuse_publicationobligation": "不批准不予公开或暂缓公开",
    "void_publicationobligation": "决定已撤销，不再公示",
    "create_publication": "生成公示信息草稿",
    "prepare_publicationversion": "编辑公示信息版本（脱敏预览）",
    "prepare_publication": "编辑公示信息",
    "submit_publication": "提交公示信息审核",
    "send_back_publication": "退回公示信息修改",
    "approve_publication": "审核同意发布公示信息",
    "publish_publication": "发布公示信息",
    "publish_correction_publication": "发布更正后的公示信息",
    "correct_publication": "更正公示信息",
    "withdraw_publication": "撤下公示信息",
    "take_down_publication": "公示满可撤下期限，经负责人决定撤下",  # not 公示期满 (decision 0094)
    "expire_publication": "公示期满停止公示",
    "mark_publication_revoked": "决定被撤销，公示信息待撤下",
})

DEADLINE_KIND = "公开执法决定"  # the deadlines app's obligation kind (时限种类)
WITHDRAWAL = "撤下已公开决定"  # opened by the cases app when a decision is revoked (cases/actions.py)
EDITOR_REPLACEMENT = "［已隐去］"


_user = acting_user


def _name(actor) -> str:
    user = _user(actor)
    if user is None:
        return getattr(actor, "get_username", lambda: "系统")()
    return user.get_full_name() or user.get_username()


def _day(value, field="on") -> dt.date:
    return inputs.day(value, field=field)


def act_day(value, *, floors=(), field="on", what="该操作") -> dt.date:
    """The date of an act (发布、撤下、不予公开…): today when not given; a recorded past date only if not
    before any of `floors` ((date, "label") pairs: the decision, the approval, the first publication);
    never a future date (decision 0069)."""
    today = timezone.localdate()
    day = _day(value, field)
    if day > today:
        raise RuleViolation(f"{what}的日期不能晚于今天（{today:%Y-%m-%d}）。", field=field, code="date_in_future")
    for floor, label in floors:
        if floor is not None and day < floor:
            raise RuleViolation(f"{what}的日期不能早于{label}（{floor:%Y-%m-%d}）。", field=field,
                                code="date_before_allowed")
    return day


# ---- what the case knows: the party context, the decision's text and fields ----------------------

def case_context(case) -> dict:
    """PARTY.json data of the case (docs/publicity.md): its parties, their representatives and the
    participants — the persons the case knows, masked first."""
    from .scope import parties_of

    parties = parties_of(case)
    kinds = {p.kind for p in parties}
    kind = "org" if kinds == {"org"} else ("individual_business" if "individual_business" in kinds else
                                           ("person" if "person" in kinds or not parties else "org"))
    org = next((p for p in parties if p.kind in ("org", "individual_business")), None)
    persons = []

    def person(role, name, **more):
        name = "".join((name or "").split())
        if len(name) >= 2:
            persons.append({"role": role, "name": name, **{k: v for k, v in more.items() if v}})

    for p in parties:
        if p.kind == "person":
            person("party", p.name, id_number=p.id_number or None, address=p.address or None,
                   phone=p.phone or None)
        elif p.kind == "individual_business":
            person("operator", p.operator, id_number=p.id_number or None)
        elif p.legal_representative:
            person("legal_representative", p.legal_representative)
    roles = {"agent": "agent", "witness": "witness"}
    for part in case.participants.all():
        person(roles.get(part.role, "other"), part.name, id_number=part.id_number or None, phone=part.phone or None)
    organization = None
    if kind != "person" and org is not None:
        organization = {"name": org.name, **({"uscc": org.credit_code} if org.credit_code else {})}
    return {"kind": kind, "organization": organization, "persons": persons}


def _measure_of(obligation):
    """The coercive measure a 强制 obligation was opened for (its decision key names it)."""
    from sanxiang.cases.models import CoerciveMeasure

    prefix = CoerciveMeasure.ledger_type() + ":"
    if not obligation.decision_key.startswith(prefix):
        return None
    pk = obligation.decision_key[len(prefix):].split(":", 1)[0]
    return CoerciveMeasure.objects.filter(pk=pk).first() if pk.isdigit() else None


def _quantity(value) -> str:
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return text


def _conclusion(case, obligation) -> str:
    """执法结论 / 决定内容 in Chinese, from the decision's own record — never an internal state key."""
    from sanxiang.cases.models import PenaltyType

    label = obligation.kind_label
    if getattr(obligation, "no_penalty", False):  # 不予行政处罚决定: no penalty imposed, and on which ground (decision 0098)
        return no_penalty_conclusion(case)
    if label == "处罚":
        labels = dict(PenaltyType.choices)
        parts = [labels.get(p, p) for p in case.decided_penalties or []]
        if case.decided_fine:
            parts = [f"罚款{case.decided_fine:,.2f}元" if p == "罚款" else p for p in parts]
        if case.decided_confiscation:
            parts = [f"没收非法财物（价值{case.decided_confiscation:,.2f}元）" if p == "没收非法财物" else p for p in parts]
        return "、".join(parts) or "已作出行政处罚决定"
    if label == "强制":
        measure = _measure_of(obligation)
        if measure is None:
            return "实施行政强制措施"
        items = "、".join(f"{i.name}{_quantity(i.quantity)}{i.unit}" for i in measure.items.order_by("id"))
        return f"{measure.get_kind_display()}" + (f"：{items}" if items else "")
    if label == "检查":
        inspection = getattr(case, "inspection", None)
        if inspection is not None and inspection.result:
            result = inspection.get_result_display()
            from .public_text import from_complaint, published_items

            if from_complaint(inspection):  # the typed conclusion may name the complainant (s26 defects10h #1)
                names = published_items(inspection)
                return result + (f"（检查事项：{'、'.join(names)}）" if names else "")
            said = (inspection.conclusion or "").strip()
            if not said or said.rstrip("。.") == result:
                return result
            return said if said.startswith(result) else f"{result}：{said}"
        return "已作出检查结论"
    from sanxiang.cases.models import DecisionOutcome

    code = getattr(case, "decision_outcome", "") or ""
    outcome = dict(DecisionOutcome.choices).get(code, "") if code else ""
    content = (getattr(case, "decision_content", "") or "").strip()
    if content and outcome and not content.startswith(("准予", "不予", "责令", outcome)):
        return f"{outcome}：{content}"
    return content or outcome or obligation.decision_label


def no_penalty_conclusion(case) -> str:
    """执法结论 of a 不予行政处罚决定: 「不予行政处罚（<情形>，<条款>）」 from the case's recorded ground."""
    from sanxiang.cases.models import NoPenaltyGround

    code = case.no_penalty_ground or ""
    label = dict(NoPenaltyGround.choices).get(code, "") if code else ""
    if not label:
        return "不予行政处罚"
    ground, _, article = label.partition("（")
    return f"不予行政处罚（{ground}，{article.rstrip('）')}）" if article else f"不予行政处罚（{ground}）"


def facts_not_established(case, obligation) -> bool:
    """A 不予行政处罚决定 because 违法事实不能成立 (行政处罚法第四十条): the case's recorded facts are not 违法事实."""
    return getattr(obligation, "no_penalty", False) and getattr(case, "no_penalty_ground", "") == "not_established"


def kind_field(obligation, case) -> str:
    """执法类别 as published: 劳动保障监察 for a labour inspection, 行政许可/处罚/… otherwise."""
    if obligation.kind_label == "监察":
        return "劳动保障监察"
    base = f"行政{obligation.kind_label}"  # 监察 returned above (scope.kind_name)
    category = (case.category or "").strip()
    return base + (f"（{category}）" if category and category not in (base, "劳动保障监察") else "")


def decision_text(case, obligation) -> str:
    """The decision as recorded, in prose — the original the editor starts from (internal)."""
    lines = [f"{case.agency.name}{obligation.decision_label}",
             f"案号：{case.number or '（未编号）'}",
             f"当事人：{obligation.subject}",
             f"案由：{public_cause(case)}"]
    if facts_not_established(case, obligation):  # what the agency found not established is no 违法事实 (decision 0098)
        lines.append("调查结论：违法事实不能成立")
    elif case.facts:
        lines.append(f"违法事实：{case.facts}")
    lines.append(f"决定内容：{_conclusion(case, obligation)}")
    lines.append(f"决定日期：{obligation.decided_on:%Y年%-m月%-d日}")
    return "\n".join(lines)


def _raw_fields(case, obligation) -> dict:
    """The fields the profile publishes (publicity.decision_fields), before redaction."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    names = get_profile(profile_key_of(case.agency)).value("publicity.decision_fields", on=obligation.decided_on)
    values = {
        "执法机关": case.agency.name,
        "执法对象": obligation.subject,
        "执法类别": kind_field(obligation, case),
        "执法结论": _conclusion(case, obligation),
        # the facts the case established; a decision reached without a 违法事实 record (a labour inspection's
        # 责令改正, a cancelled case) has its facts in the cause, as its 公示告知书 says (decision 0087)
        "案件事实": ("违法事实不能成立" if facts_not_established(case, obligation) else
                 (case.facts or "").strip() or public_cause(case)),
    }
    return {name: values.get(name, "") for name in names}


def _raw_summary(case, obligation) -> dict:
    """行政处罚信息摘要 (总局令第45号第4条), in front of the decision — for SAMR-scope penalties only (a
    不予行政处罚决定 is no 行政处罚信息: none; decision 0098)."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key_of(case.agency))
    if not obligation.penalty_information or profile.value("publicity.penalty_scope", on=obligation.decided_on) \
            != "samr_general_procedure":
        return {}
    return dict(zip(SUMMARY_LABELS, (
        _decision_number(case) or UNNUMBERED,  # the 决定书's number, never the 立案 number
        obligation.subject,
        violation_type(case.cause),
        _conclusion(case, obligation),
        f"{case.agency.name}，{obligation.decided_on:%Y年%-m月%-d日}")))


UNNUMBERED = "（未编号）"


def violation_type(cause: str) -> str:
    """违法行为类型 of a penalty's summary (总局令第45号第4条): the violation the decision established — the
    filing cause without its 「涉嫌」 (written before the facts were; s23 defects10 #8) and its source marker."""
    cause = published_cause(cause)
    return cause[2:].lstrip() if cause.startswith("涉嫌") and len(cause) > 2 else cause


def published_cause(cause: str) -> str:
    """A case's 案由 where it is published as a fact: without the words naming where the case came from
    (「（投诉）」, 「转办交办：」 — notices.bare_matter, as the 公示告知书 says it since decision 0094; audit10 observation 4,
    decision 0103)."""
    from .notices import bare_matter

    return bare_matter((cause or "").strip())


def public_cause(case) -> str:
    """A case's 案由 in its publication draft: `published_cause` (no 「（投诉）」 marker, s26 defects10h #1), and for
    a 投诉举报/转办交办 inspection only its source's label (`public_text.hidden_cause`), as its 扫码入企 page shows it."""
    from .public_text import from_complaint, hidden_cause

    inspection = getattr(case, "inspection", None) if case.kind == "inspection" else None
    if inspection is not None and from_complaint(inspection):
        return hidden_cause(inspection)
    return published_cause(case.cause)


def summary_warnings(version) -> list[str]:
    """What the approving head is told about a version's SAMR summary before approving it (decision 0080):
    a summary without the 决定书文号 (总局令第45号第4条 requires it). A warning, not a refusal: the number
    comes with the 决定书, which the system may not have made (a paper one), and the editor may write it in.
    Likewise a field of `publicity.decision_fields` left empty, and a required full text missing (decision 0087)."""
    summary = version.summary or {}
    out = []
    if "决定书文号" in summary and (summary["决定书文号"] or "").strip() in ("", UNNUMBERED):
        out.append("行政处罚信息摘要未载明决定书文号（总局令第45号第4条）：请先为行政处罚决定书编号后再保存一次公示信息"
                   "（摘要自动载明文号），或在摘要中修改“决定书文号”并写明理由。")
    fields = version.fields or {}
    for name, value in fields.items():
        if not (value or "").strip():
            out.append(f"公开字段“{name}”为空（本机关规则要求公开该项）：请以“修改公开字段”填写（写明理由）后再提交、审核。")
    return out + full_text_warnings(version)


def _decision_number(case, kinds=("penalty_decision", "onsite_decision")) -> str:
    """The 文号 of the case's 行政处罚决定书 once generated ("" before: the summary says （未编号）); `kinds`:
    another decision document's (the 不予行政处罚决定书 of a 不予行政处罚决定)."""
    from sanxiang.documents.models import Document

    doc = (Document.objects.filter(case=case, kind__in=kinds).exclude(number="")
           .order_by("-id").first())
    return doc.number if doc is not None else ""


def full_text_rule(ob) -> str:
    """The profile's `publicity.full_text_penalty` for this decision: "required" (一般程序的处罚决定书应当全文
    公示, 乌鲁木齐人社), "encouraged" (the editor may add it, 乌鲁木齐市场监管) or "" (not for this decision)."""
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    if not ob.penalty_information:  # the 行政处罚决定书's full text: a 不予行政处罚决定 has none (decision 0098)
        return ""
    value = get_profile(profile_key_of(ob.agency)).value("publicity.full_text_penalty", on=ob.decided_on)
    if value == "required_general_procedure":
        return "required" if ob.case.procedure == "general" else ""
    return "encouraged" if value == "encouraged" else ""


def decision_document(case):
    """The case's issued 行政处罚决定书 (the last one), or None."""
    from sanxiang.documents.models import Document, DocumentStatus

    return (Document.objects.filter(case=case, kind__in=("penalty_decision", "onsite_decision"),
                                    status=DocumentStatus.ISSUED).order_by("-id").first())


def document_text(doc) -> str:
    """The words of an issued document as it reads: its paragraphs and table rows in order (from its DOCX)."""
    import io

    from docx import Document as Docx

    from sanxiang import storage

    with storage.open_file(doc.docx_path) as fh:
        word = Docx(io.BytesIO(fh.read()))
    lines = []
    for block in word.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")).strip())
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row:
                        if cell.tag.endswith("}tc"):
                            words = "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip()
                            if words and words not in cells:
                                cells.append(words)
                    lines.append("　".join(cells))
    out, blank = [], False
    for line in lines:
        if line or not blank:
            out.append(line)
        blank = not line
    return "\n".join(out).strip()


def full_text_warnings(version) -> list[str]:
    """The approver's warning where the profile requires the 决定书's full text and the version has none."""
    ob = version.publication.obligation
    rule = full_text_rule(ob)
    if version.full_text or rule == "":
        return []
    if rule == "encouraged":  # the editor asked for it and nothing was loaded (s24 defects10 #2)
        return ["已选择附行政处罚决定书全文，但本案尚无已签发的行政处罚决定书，本版本未载有全文：请先签发决定书，"
                "再保存一次公示信息（自动载入脱敏后的全文）。"] if version.full_text_wanted else []
    doc = decision_document(ob.case)
    if doc is not None:  # issued after this version was saved (decision 0103)
        again = "以“更正”保存新版本" if version.publication.public_version else "再保存一次公示信息"
        return [f"本机关规则要求一般程序的行政处罚决定书全文公示：行政处罚决定书（{doc.number}）已签发，本版本尚未载有全文，"
                f"请{again}（自动载入脱敏后的全文）。"]
    return ["本机关规则要求一般程序的行政处罚决定书全文公示，本版本尚未载有决定书全文：请先签发行政处罚决定书，"
            "再保存一次公示信息（自动载入脱敏后的全文）。"]


def full_text_late(pub) -> str:
    """A publication on show without the 决定书's full text its profile requires, though the 决定书 has been issued
    since it was published (decision 0103): the 文号 of that 决定书 — the 公示编辑 should correct the publication,
    which loads the full text — or ""."""
    from .models import PublicationStatus

    if pub.status not in (PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED):
        return ""
    shown = pub.shown()
    if shown is None or shown.full_text or full_text_rule(pub.obligation) != "required":
        return ""
    doc = decision_document(pub.obligation.case)
    return doc.number if doc is not None else ""


def _policy(obligation):
    from sanxiang.deadlines.queries import profile_key_of

    from .policy import policy_for

    return policy_for(profile_key_of(obligation.agency), on=obligation.decided_on)


def _clean_edits(edits, original: str | None = None, elsewhere: list[str] | None = None,
                 full_original: str | None = None) -> list[dict]:
    """The editor's changes to the automatic spans: add a span (kind, reason) or dismiss one (reason).
    Each keeps the words it covers (`text`): an added span masks every occurrence of them — in the text,
    every field and the summary — and a correction's new text gets them again (decision 0069). An edit
    may give `text` instead of `start`/`end` (its first occurrence). A dismissal with `"in": "full_text"`
    lifts a span of the 决定书's full text at its place there (`full_original`, decision 0094)."""
    from .policy import MASK_KINDS
    from .redaction import holds_words

    if edits in (None, ""):
        return []
    if not isinstance(edits, list):
        raise RuleViolation("脱敏调整应为列表。", field="edits")
    clean = []
    for i, edit in enumerate(edits, 1):
        if not isinstance(edit, dict) or set(edit) - {"op", "start", "end", "kind", "reason", "text", "outside", "in"}:
            raise RuleViolation(f"第{i}项脱敏调整格式不对（op、start、end、kind、reason、text、in）。", field="edits")
        op, reason = edit.get("op"), str(edit.get("reason") or "").strip()
        if op not in ("add", "dismiss"):
            raise RuleViolation(f"第{i}项脱敏调整：操作应为增加隐去（add）或取消隐去（dismiss）。", field="edits")
        if not reason:
            raise RuleViolation(f"第{i}项脱敏调整须写明理由。", field="edits")
        if len(reason) > 300:
            raise RuleViolation(f"第{i}项脱敏调整的理由过长（最多 300 字）。", field="edits")
        if edit.get("in") not in (None, "", "text", "full_text"):
            raise RuleViolation(f"第{i}项脱敏调整：in 应为 text（原文）或 full_text（决定书全文）。", field="edits")
        if edit.get("in") == "full_text":
            clean.append(_full_text_dismissal(i, edit, op, reason, full_original))
            continue
        start, end, words = edit.get("start"), edit.get("end"), edit.get("text")
        if words is not None and (not isinstance(words, str) or not words.strip() or len(words) > 200):
            raise RuleViolation(f"第{i}项脱敏调整的文字不对（1 至 200 字）。", field="edits")
        if start is None and end is None and words and original is not None:
            start = original.find(words)
            if start < 0 and op == "add" and any(holds_words(v, words) for v in elsewhere or []):
                # words only in another published part — the 决定书's full text, a field (decision 0093): masked
                # there by their words; no place in the 原文
                kind = edit.get("kind") or "other"
                if kind not in (*MASK_KINDS, "other"):
                    raise RuleViolation(f"第{i}项脱敏调整：未知的隐去类别“{kind}”。", field="edits")
                clean.append({"op": op, "start": None, "end": None, "kind": kind, "reason": reason, "text": words,
                              "outside": True})
                continue
            if start < 0:
                raise RuleViolation(f"第{i}项脱敏调整：原文和其他公开内容（决定书全文、字段）中都没有“{words}”，请照原文填写。",
                                    field="edits")
            end = start + len(words)
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or start >= end \
                or start < 0:
            raise RuleViolation(f"第{i}项脱敏调整的起止位置不对。", field="edits")
        if original is not None:
            if end > len(original):
                raise RuleViolation(f"第{i}项脱敏调整：片段超出原文范围。", field="edits")
            if words is None:
                words = original[start:end]
            elif original[start:end] != words:
                raise RuleViolation(f"第{i}项脱敏调整：起止位置上的文字不是“{words}”。", field="edits")
        kind = edit.get("kind") or ("other" if op == "add" else "")
        if op == "add" and kind not in (*MASK_KINDS, "other"):
            raise RuleViolation(f"第{i}项脱敏调整：未知的隐去类别“{kind}”。", field="edits")
        row = {"op": op, "start": start, "end": end, "kind": kind, "reason": reason}
        if words is not None:
            row["text"] = words
        clean.append(row)
    return clean


def _full_text_dismissal(i: int, edit: dict, op: str, reason: str, full_original: str | None) -> dict:
    """取消隐去 at one place of the 决定书's full text (decision 0094): a dismissal by its position there, checked
    against the words loaded; an added span goes by its words (every occurrence, everywhere) — no `in`."""
    if op != "dismiss":
        raise RuleViolation(f"第{i}项脱敏调整：决定书全文中增加隐去请按文字增加（不写 in），将隐去每一处。", field="edits")
    if not full_original:
        raise RuleViolation(f"第{i}项脱敏调整：本版本没有载入决定书全文。", field="edits")
    start, end, words = edit.get("start"), edit.get("end"), edit.get("text")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool) \
            or not 0 <= start < end <= len(full_original):
        raise RuleViolation(f"第{i}项脱敏调整：决定书全文中的起止位置不对。", field="edits")
    if words is None:
        words = full_original[start:end]
    elif full_original[start:end] != words:
        raise RuleViolation(f"第{i}项脱敏调整：决定书全文起止位置上的文字不是“{words}”。", field="edits")
    return {"op": "dismiss", "in": "full_text", "start": start, "end": end, "kind": "", "reason": reason, "text": words}


def _editor_span(original: str, start: int, end: int, edit: dict, policy, spans):
    """The editor's span over [start, end), widened to cover every span it overlaps (so no part of an
    automatic span it cuts is left visible)."""
    from .redaction import REPLACEMENTS, Span

    for s in spans:
        if s.start < end and s.end > start:
            start, end = min(start, s.start), max(end, s.end)
    kind = edit["kind"]
    replacement = (REPLACEMENTS.get(kind) or EDITOR_REPLACEMENT) if kind != "person" else \
        original[start] + policy.name_mark
    return Span(start, end, kind, replacement, edit["reason"], origin="editor")


def _add_by_words(result, original, edit, policy):
    """Every occurrence of the edit's words masked, in any spacing, width or separator (find_words,
    decision 0086: a correction typed anew writes 「销售超过保质期的食 品」); (result, placed?)."""
    from .redaction import find_words

    places = find_words(original, edit.get("text") or "")
    for start, end in places:
        if any(s.start <= start and end <= s.end and s.origin == "editor" for s in result.spans):
            continue  # already inside an editor's span
        result = result.add(_editor_span(original, start, end, edit, policy, result.spans))
    return result, bool(places)


def redaction_of(original: str, context: dict, policy, edits: list[dict], *, unplaced: list | None = None):
    """The redaction of `original` with the editor's edits applied in order (ValueError → RuleViolation).
    An added span masks every occurrence of its words; a dismissal lifts the automatic span at its place
    (when the same words are there). Edits whose words are not in `original` are appended to `unplaced`
    (a correction's new text: reported to the editor, never dropped silently)."""
    from .redaction import redact

    result = redact(original, context, policy)
    for i, edit in enumerate(edits, 1):
        words = edit.get("text")
        if words is None and edit["end"] <= len(original):
            words = original[edit["start"]:edit["end"]]
            edit = {**edit, "text": words}
        try:
            if edit["op"] == "add":
                result, placed = _add_by_words(result, original, edit, policy)
                if not placed:
                    if unplaced is None:
                        raise ValueError("原文中没有这段文字。")
                    unplaced.append({"op": "add", "text": words, "kind": edit["kind"], "reason": edit["reason"]})
            else:
                at = next((s for s in result.spans if (s.start, s.end) == (edit["start"], edit["end"])
                           and original[s.start:s.end] == words), None)
                if at is None:
                    if unplaced is None:
                        raise ValueError("没有这个隐去片段。")
                    unplaced.append({"op": "dismiss", "text": words, "kind": "", "reason": edit["reason"]})
                    continue
                result = result.dismiss(edit["start"], edit["end"], edit["reason"])
        except ValueError as exc:
            raise RuleViolation(f"第{i}项脱敏调整：{exc}", field="edits") from None
    return result


def mask_value(value: str, context: dict, policy, edits: list[dict]) -> str:
    """A published field or summary entry: redacted with the case's context, then every word the editor
    masked in the text masked here too (dismissals are not carried into fields: the safe side)."""
    if not value:
        return value
    return mask_result(value, context, policy, edits).text


def mask_result(value: str, context: dict, policy, edits: list[dict]):
    """`mask_value` as the redaction (spans over `value`, for a preview): the case's context, then the editor's
    words."""
    from .redaction import redact

    result = redact(value, context, policy)
    for edit in edits:
        if edit["op"] == "add" and edit.get("text"):
            result, _ = _add_by_words(result, value, edit, policy)
    return result


def _full_text_redaction(source: str, context: dict, policy, masking: list[dict], dismissals: list[dict],
                         strict: bool = False):
    """The 决定书's full text redacted as the fields are, then the editor's dismissals at their places there (a
    dismissal whose words are no longer at its place — a re-issued 决定书 — lifts nothing: the safe side).
    `strict` (the editor's new dismissals): one that is not exactly one masked span there is refused
    (s25 defects10c #4), as a dismissal in the 原文 is."""
    result = mask_result(source, context, policy, masking)
    for edit in dismissals:
        at = next((s for s in result.spans if (s.start, s.end) == (edit["start"], edit["end"])
                   and source[s.start:s.end] == edit.get("text")), None)
        if at is not None:
            result = result.dismiss(at.start, at.end, edit["reason"])
        elif strict:
            raise RuleViolation(f"取消隐去“{edit.get('text')}”：决定书全文该位置没有隐去的内容（须正好选中一处隐去的文字）。",
                                field="edits")
    return result


def mask_words(value: str, policy, edits: list[dict]) -> str:
    """Only the editor's masked words, every occurrence (for registered facts the context leaves alone)."""
    from .redaction import Redaction

    if not value:
        return value
    result = Redaction(original=value, spans=())
    for edit in edits:
        if edit["op"] == "add" and edit.get("text"):
            result, _ = _add_by_words(result, value, edit, policy)
    return result.text


FIELD_PARTS = {"fields": "公开字段", "summary": "处罚信息摘要"}


def _clean_field_edits(field_edits, *, fields: dict, summary: dict) -> list[dict]:
    """The editor's changes of published field values and summary entries, each with a reason."""
    if field_edits in (None, ""):
        return []
    if not isinstance(field_edits, list):
        raise RuleViolation("字段修改应为列表。", field="field_edits")
    clean, seen = [], set()
    for i, edit in enumerate(field_edits, 1):
        if not isinstance(edit, dict) or set(edit) - {"part", "name", "value", "reason"}:
            raise RuleViolation(f"第{i}项字段修改格式不对（part、name、value、reason）。", field="field_edits")
        part, name = edit.get("part") or "fields", str(edit.get("name") or "")
        value, reason = str(edit.get("value") or "").strip(), str(edit.get("reason") or "").strip()
        names = fields if part == "fields" else summary if part == "summary" else None
        if names is None:
            raise RuleViolation(f"第{i}项字段修改：part 应为 fields 或 summary。", field="field_edits")
        if name not in names:
            raise RuleViolation(f"第{i}项字段修改：{FIELD_PARTS[part]}中没有“{name}”。", field="field_edits")
        if not value or len(value) > 2000:
            raise RuleViolation(f"第{i}项字段修改：“{name}”的内容不能为空，最多 2000 字。", field="field_edits")
        if not reason or len(reason) > 300:
            raise RuleViolation(f"第{i}项字段修改：修改“{name}”须写明理由（最多 300 字）。", field="field_edits")
        if (part, name) in seen:
            clean = [e for e in clean if (e["part"], e["name"]) != (part, name)]
        seen.add((part, name))
        clean.append({"part": part, "name": name, "value": value, "reason": reason})
    return clean


def without_party_code(text: str) -> str:
    """A decision document's words without the sentence that prints the party's 公示查询码 (documents'
    QUERY_CODE; decision 0093): the code is the party's secret (issue 10 §5) — the published full text keeps
    only 「本决定将依法向社会公示。」."""
    return PARTY_CODE_SENTENCE.sub("", text)


PARTY_CODE_SENTENCE = re.compile(r"当事人可以凭案号和公示查询码.*?(?:申请更正。|$)", re.M)


def printed_codes(case) -> list[str]:
    """Every 公示查询码 printed on a document of `case` (the live one among them), formatted as printed."""
    from sanxiang.documents.models import Document

    out = []
    for fields in Document.objects.filter(case=case, fields__context__has_key="query_code").values_list(
            "fields", flat=True):
        code = str(((fields or {}).get("context") or {}).get("query_code") or "").strip()
        if code and code not in out:
            out.append(code)
    return out


def party_code_problem(version, ob) -> str | None:
    """Why `version` may not be public: it holds a 公示查询码 printed on a document of the case (in any written
    form), the secret by which the party is known on the portal (decision 0093)."""
    from .public_text import holds_code

    public = [version.text, *(version.fields or {}).values(), *(version.summary or {}).values(), version.full_text]
    # by letters and digits only, whatever stands between them; another case's printed code too (decision 0097)
    if holds_code(public, ob.case):
        return ("公示内容中含有当事人的公示查询码（印在本案文书上的秘密代码），不能公开：请删去含查询码的文字"
                "（更正文本或修改字段）后再保存。")
    return None


def refuse_party_code(version, ob):
    problem = party_code_problem(version, ob)
    if problem:
        raise RuleViolation(problem, field="edits", code="party_code_public")


def _fill_version(row: PublicationVersion, ob: PublicationObligation, *, original: str, edits: list[dict],
                  field_edits: list[dict] | None = None, report_unplaced: bool = False,
                  carried: list[dict] | None = None, strict_full_text: bool = False):
    """The version's redacted text, fields and summary: the case context and the editor's spans applied to
    every one of them; the editor's field changes (also redacted) in place of the generated values.

    An editor's span whose words the (corrected) text no longer holds — `unplaced`, or `carried` from the
    correction before — keeps masking those words in the fields and the summary, which are generated
    from the case, not from the text (decision 0080)."""
    case = ob.case
    context = case_context(case)
    policy = _policy(ob)
    unplaced = [] if report_unplaced else None
    in_full_text = [e for e in edits if e.get("in") == "full_text"]  # dismissals at a place of the full text
    edits = _with_words([e for e in edits if e.get("in") != "full_text"], original)
    from .redaction import find_words

    # an editor's words found only outside the 原文 (the 决定书's full text, a field; decision 0093) mask there
    outside = [e for e in edits if e.get("outside") and e["op"] == "add" and not find_words(original, e["text"])]
    edits = [e for e in edits if not any(e is o for o in outside)]
    result = redaction_of(original, context, policy, edits, unplaced=unplaced)
    placed = [e for e in edits if not any(u["text"] == e.get("text") and u["op"] == e["op"] for u in unplaced or [])]
    placed += outside + in_full_text
    lost = [{"op": "add", "text": u["text"], "kind": u.get("kind") or "other", "reason": u.get("reason") or ""}
            for u in [*(unplaced or []), *(carried or [])] if u.get("op") == "add" and u.get("text")]
    masking = placed + [u for u in lost if not any(e.get("text") == u["text"] and e["op"] == "add" for e in placed)]
    data = result.as_dict()
    raw_fields, raw_summary = _raw_fields(case, ob), _raw_summary(case, ob)
    field_edits = _clean_field_edits(field_edits, fields=raw_fields, summary=raw_summary)
    for edit in field_edits:
        (raw_fields if edit["part"] == "fields" else raw_summary)[edit["name"]] = edit["value"]
    # the agency's name, the 文号 and the date are registered facts: only the editor's words apply to them
    masked = {k: (mask_words(v, policy, masking) if k == "执法机关" and not _edited(field_edits, "fields", k) else
                  mask_value(v, context, policy, masking)) for k, v in raw_fields.items()}
    summary = {k: (mask_words(v, policy, masking) if k in ("决定书文号", "作出决定的机关名称和日期")
                   and not _edited(field_edits, "summary", k) else mask_value(v, context, policy, masking))
               for k, v in raw_summary.items()}
    row.original, row.text, row.context, row.edits = original, result.text, context, placed
    row.spans, row.kept, row.dismissed = data["spans"], data["kept"], data.get("dismissed", [])
    row.fields, row.summary, row.field_edits = masked, summary, field_edits
    row.unplaced = unplaced or []
    rule = full_text_rule(ob)
    doc = decision_document(case) if rule == "required" or (rule == "encouraged" and row.full_text_wanted) else None
    if doc is not None:  # the 决定书's words, redacted as the fields are (decision 0087), the spans kept (0094)
        source = without_party_code(document_text(doc))
        masked_full = _full_text_redaction(source, context, policy, masking, in_full_text,
                                           strict=strict_full_text).as_dict()
        row.full_text, row.full_text_from, row.full_text_original = masked_full["text"], doc.number, source
        row.full_text_spans, row.full_text_dismissed = masked_full["spans"], masked_full["dismissed"]
    else:
        row.full_text, row.full_text_from, row.full_text_original = "", "", ""
        row.full_text_spans, row.full_text_dismissed = [], []
    _editor_words_gone(row, masking)
    refuse_party_code(row, ob)
    if row.correction_reason:  # the public 更正原因, masked with this save's words too (decision 0097)
        from .public_text import public_text

        row.correction_reason = public_text(row.correction_reason, row.publication, what="更正原因",
                                            refuse_codes=False, extra_words=masking)[:500]


def _edited(field_edits, part, name) -> bool:
    return any(e["part"] == part and e["name"] == name for e in field_edits)


def _editor_words_gone(row, edits):
    """The editor's masked words appear nowhere in what is published (text, fields, summary) — else refuse."""
    from .redaction import holds_words

    public = [row.text, *row.fields.values(), *row.summary.values(), row.full_text]
    lifted = {e.get("text") for e in edits if e["op"] == "dismiss"}  # the editor unmasked one place, with a reason
    for edit in edits:
        words = edit.get("text")
        # compared folded (spaces, widths, separators, invisible characters: decision 0086)
        if edit["op"] == "add" and words and words not in lifted and any(holds_words(v, words) for v in public):
            raise RuleViolation(f"隐去的文字“{words[:20]}”仍出现在公开内容中，请检查字段修改。", field="edits")


def _version_entry(row, actor, what: str):
    append_entry(action="prepare_publicationversion", actor=actor, obj=row,
                 payload={"version": row.number, "what": what, "spans": len(row.spans),
                          "edits": [{k: e[k] for k in ("op", "start", "end", "kind", "reason")} for e in row.edits],
                          "field_edits": [{k: e[k] for k in ("part", "name", "reason")} for e in row.field_edits],
                          "unplaced": len(row.unplaced), "disclosure": row.disclosure, "ground": row.ground,
                          "serious_dishonesty": row.serious_dishonesty, "full_text_from": row.full_text_from,
                          "correction_reason": row.correction_reason, "content_sha256": content_digest(row)})


# ---- 开启公示义务 (a decision was made) ------------------------------------------------------------

def open_for_decision(decision, *, actor) -> PublicationObligation | None:
    """公示义务: opened inside the deciding move's transaction when the profile puts the decision in
    scope (scope.py), with its deadline (deadlines app) and a draft publication generated from the
    case (the editor's starting point). Idempotent per decision."""
    from sanxiang.deadlines.actions import do_open_obligation

    from .scope import scope_of

    scope = scope_of(decision)
    if scope is None:
        return None
    found = PublicationObligation.objects.filter(decision_key=decision.key).first()
    if found is not None:
        return found
    case = decision.case
    ob = PublicationObligation(
        agency=case.agency, case=case, decision=f"{decision.table}.{decision.action}", decision_key=decision.key,
        kind_label=_kind_label(decision), decision_label=decision.label, decided_on=decision.on,
        subject=scope.subject[:200], rule=scope.rule, citation=scope.citation, count=scope.count, unit=scope.unit,
        due=scope.start, scope_note=scope.note[:300], low_display=scope.low_display, created_at=timezone.now())
    ob.save()
    deadline = do_open_obligation(object_type=ob.ledger_type(), object_id=ob.pk, agency=case.agency,
                                  kind=DEADLINE_KIND, start=scope.start, count=scope.count, unit=scope.unit,
                                  duty="publish_decisions", note=f"{case.number} {decision.label}"[:300], actor=actor)
    ob.obligation, ob.due = deadline, deadline.due
    ob.save(update_fields=["obligation", "due"])
    append_entry(action="open_publicationobligation", actor=actor, obj=ob,
                 payload={"case": case.number, "decision": ob.decision, "rule": ob.rule, "count": ob.count,
                          "unit": ob.unit, "due": ob.due, "low_display": ob.low_display})
    pub = Publication.objects.create(obligation=ob, agency=case.agency, created_at=timezone.now())
    append_entry(action="create_publication", actor=actor, obj=pub, payload={"case": case.number})
    # generated by the system from the case (the decider prepared nothing: they may still approve it)
    row = PublicationVersion(publication=pub, number=1, made_by=None, made_by_name="系统（作出决定时生成）",
                             made_at=timezone.now())
    _fill_version(row, ob, original=decision_text(case, ob), edits=[])
    row.save()
    _version_entry(row, actor, "生成草稿")
    return ob


def _kind_label(decision) -> str:
    from .scope import KIND_LABELS

    return KIND_LABELS.get(decision.kind, decision.kind)


def on_decision(decision, *, actor):
    ob = open_for_decision(decision, actor=actor)
    if ob is not None:  # its 公示告知书, made by the job runner once the decision is committed (decision 0078)
        transaction.on_commit(_queue_notices)


def _queue_notices():
    from .party_tasks import make_publicity_notices

    make_publicity_notices.enqueue()


def on_case_moved(table, transition, obj, actor, params):
    """送达: the case's issued 公示告知书 are recorded as served with the decision (decision 0078)."""
    if transition.action != "serve" or not hasattr(obj, "publication_obligations"):
        return
    from .notices import record_service

    record_service(obj, actor=actor, on=obj.served_on, method=params.get("method", ""))


# ---- 编辑、提交、审核、发布 ------------------------------------------------------------------------

def _lock(pub) -> Publication:
    found = Publication.objects.select_for_update().filter(pk=getattr(pub, "pk", pub)).first()
    if found is None:
        raise NotFound("该公示信息不存在。", code="publication_not_found")
    return found


def _seen(pub, locked):
    """The caller's copy may be stale: the engine compares its state with the locked row's."""
    return pub if isinstance(pub, Publication) else locked


def prepare_problem(pub, *, disclosure: str, ground: str, serious_dishonesty=None) -> str | None:
    if serious_dishonesty and not pub.obligation.penalty_information:
        return "只有行政处罚信息才有“涉及严重失信行为”的撤下期限。"
    if disclosure not in Disclosure.values:
        return f"未知的公开方式“{disclosure}”（公开或部分公开）。"
    if disclosure == Disclosure.PARTIAL and ground not in Ground.values:
        return "部分公开须写明法定事由：涉及国家秘密、商业秘密、个人隐私，或法律、行政法规另有规定。"
    return None


@transaction.atomic
def do_prepare_publication(pub, *, edits=None, field_edits=None, replace_field_edits: bool = False,
                           disclosure: str = Disclosure.FULL, ground: str = "", serious_dishonesty: bool | None = None,
                           full_text: bool | None = None, actor) -> PublicationVersion:
    """编辑公示信息 (公示编辑): the editor's changes to the spans (each with a reason; an added span masks
    every occurrence of its words in the text, the fields and the summary), the changes of field values
    and summary entries (each with a reason), the way of disclosure and, for a penalty, whether it
    concerns 严重失信行为 (None: unchanged; approved with the version — the take-down prompt counts the
    profile's longer period, decision 0087). Field changes accumulate, as on the page: each given one
    replaces the version's change of the same field and the others stay (`replace_field_edits`: the given
    list is the whole set, [] back to the generated values; decision 0086). The original — the decision as
    recorded — is not the editor's to rewrite (decision 0069); a correction may change it, shown as a diff."""
    locked = _lock(pub)
    disclosure = disclosure or Disclosure.FULL
    ground = ground or ""
    row = locked.current()
    original = row.original
    problem = prepare_problem(locked, disclosure=disclosure, ground=ground, serious_dishonesty=serious_dishonesty)
    seen = _seen(pub, locked)
    if full_text and not problem and full_text_rule(locked.obligation) == "":
        problem = "本机关规则配置未规定公示该决定的行政处罚决定书全文。"
    if problem or edits or field_edits or serious_dishonesty or full_text:  # permission first: who may not act learns nothing of the input's fault
        if not can(actor, "prepare", locked):
            raise NotPermitted("只有本机关的公示编辑可以编辑公示信息。")
    if problem:
        raise RuleViolation(problem, field="serious_dishonesty" if serious_dishonesty and "严重失信" in problem else
                            "full_text" if "全文" in problem else
                            "ground" if disclosure == Disclosure.PARTIAL else "disclosure")
    clean = list(row.edits) if edits is None else _clean_edits(edits, original, _elsewhere(row, locked.obligation),
                                                               full_original=row.full_text_original)
    serious = row.serious_dishonesty if serious_dishonesty is None else bool(serious_dishonesty)
    params = {"edits": clean, "field_edits": field_edits or [], "disclosure": disclosure, "ground": ground,
              "serious_dishonesty": serious}
    apply(seen, "prepare", actor=actor, table=PUBLICATION, locked=locked, **params)
    keep = list(row.unplaced or [])
    if field_edits is None:
        field_edits = row.field_edits
    elif not replace_field_edits and isinstance(field_edits, list):
        field_edits = [*row.field_edits, *field_edits]  # the same field's later change wins (_clean_field_edits)
    if full_text is not None:
        row.full_text_wanted = bool(full_text)
    _fill_version(row, locked.obligation, original=original, edits=clean, field_edits=field_edits, carried=keep,
                  strict_full_text=edits is not None)
    row.unplaced = keep  # a correction's spans not re-placed stay reported until the next correction
    row.disclosure, row.ground = disclosure, (ground if disclosure == Disclosure.PARTIAL else "")
    row.serious_dishonesty = serious
    row.made_by, row.made_by_name, row.made_at = _user(actor), _name(actor)[:150], timezone.now()
    row.save()
    _version_entry(row, actor, "编辑")
    return row


@transaction.atomic
def do_submit_publication(pub, *, actor) -> Publication:
    """提交审核 (公示编辑): the draft goes to the responsible head."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "submit", actor=actor, table=PUBLICATION, locked=locked)


@transaction.atomic
def do_send_back_publication(pub, *, reason: str, actor) -> Publication:
    """退回修改 (发布部门负责人), with the reason."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "send_back", actor=actor, table=PUBLICATION, locked=locked, reason=reason)


@transaction.atomic
def do_approve_publication(pub, *, actor, on=None) -> Publication:
    """审核同意发布 (发布部门负责人 — 科室负责人或单位领导, not the editor who prepared or submitted it);
    dated today, or a recorded past date not before the decision."""
    locked = _lock(pub)
    if not can(actor, "approve", locked):
        raise NotPermitted("只有本机关的发布部门负责人可以审核公示信息。")
    day = act_day(on, what="审核", floors=((locked.obligation.decided_on, "决定日期"),))
    return apply(_seen(pub, locked), "approve", actor=actor, table=PUBLICATION, locked=locked, on=day)


def publish_problem(pub) -> str | None:
    """Why `pub` may not be published now (None: it may): only the version the head approved."""
    if pub.status != PublicationStatus.APPROVED or pub.approved_version != pub.version:
        return "未经审核的公示信息不能发布：请先提交发布部门负责人审核同意。"
    if pub.obligation.status == ObligationStatus.WITHHELD:
        return "已决定不予公开，不能发布。"
    if pub.obligation.status == ObligationStatus.VOIDED:
        return "该决定已被撤销、确认无效或须重新作出，不再公示。"
    return None


@transaction.atomic
def do_publish_publication(pub, *, actor, on=None) -> Publication:
    """发布: the approved version becomes public (a correction: 发布更正); the first publication meets
    the obligation and its deadline, and starts the display period."""
    from sanxiang.deadlines.actions import meet_obligations_of

    locked = _lock(pub)
    if not can(actor, "publish", locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以发布公示信息。")
    problem = publish_problem(locked)
    if problem:
        raise RuleViolation(problem, field="status", code="not_approved")
    refuse_party_code(locked.current(), locked.obligation)  # a version saved before decision 0093 too
    _guard_correction_reason(locked.current())  # saved before decision 0097 too
    ob = locked.obligation
    day = act_day(on, what="发布", floors=((ob.decided_on, "决定日期"), (locked.approved_on, "审核同意之日"),
                                          (locked.published_on, "首次公示之日")))
    first = locked.public_version is None
    action = "publish" if first else "publish_correction"
    done = apply(_seen(pub, locked), action, actor=actor, table=PUBLICATION, locked=locked, on=day)
    attest_publication(done, on=day)  # the public attestation the portal's proof rests on (proofs.py)
    ob = PublicationObligation.objects.select_for_update().get(pk=locked.obligation_id)
    if ob.status == ObligationStatus.OPEN:
        apply_consequence(ob, "fulfil", actor=actor, table=PUBLICATION_OBLIGATION, locked=ob, on=day)
        meet_obligations_of(object_type=ob.ledger_type(), object_id=ob.pk, kinds=[DEADLINE_KIND], actor=actor)
    return done


def _guard_correction_reason(row):
    """The version's public 更正原因 masked again as it is published (decision 0097; a row saved before)."""
    from .public_text import public_text

    if row.correction_reason:
        guarded = public_text(row.correction_reason, row.publication, what="更正原因", refuse_codes=False)[:500]
        if guarded != row.correction_reason:
            row.correction_reason = guarded
            row.save(update_fields=["correction_reason"])


@transaction.atomic
def do_correct_publication(pub, *, reason: str, text: str | None = None, actor) -> PublicationVersion:
    """更正 (公示编辑): a new version (the published one stays shown until the correction, approved
    again, is published); the history of versions is kept. With a corrected decision text the editor's
    spans are applied again by their words; those no longer found are listed on the draft (`unplaced`)."""
    locked = _lock(pub)
    reason = (reason or "").strip()
    if not reason and can(actor, "correct", locked):
        raise RuleViolation("更正须写明理由。", field="reason")
    if reason and can(actor, "correct", locked):  # shown publicly in 版本记录: one guard (decision 0097)
        from .public_text import public_text

        reason = public_text(reason, locked, what="更正原因")
    previous = locked.current()
    params = {"reason": reason}
    apply(_seen(pub, locked), "correct", actor=actor, table=PUBLICATION, locked=locked, **params)
    original = previous.original if text in (None, "") else text.strip()
    row = PublicationVersion(publication=locked, number=locked.version, made_by=_user(actor),
                             made_by_name=_name(actor)[:150], made_at=timezone.now(),
                             disclosure=previous.disclosure, ground=previous.ground, correction_reason=reason[:500],
                             serious_dishonesty=previous.serious_dishonesty,
                             full_text_wanted=previous.full_text_wanted)
    _fill_version(row, locked.obligation, original=original,
                  edits=_with_words(previous.edits, previous.original) + _lost_adds(previous.unplaced, original),
                  field_edits=previous.field_edits, report_unplaced=True)
    row.save()
    _version_entry(row, actor, "更正")
    return row


def _lost_adds(unplaced, original: str) -> list[dict]:
    """The added spans an earlier correction could not place, tried again on the new text (decision 0080):
    found, they mask it again; not found, they stay reported and keep masking the fields and summary."""
    from .redaction import find_words

    out = []
    for u in unplaced or []:
        if u.get("op") == "add" and u.get("text"):
            found = find_words(original, u["text"])
            start, end = found[0] if found else (0, len(u["text"]))
            out.append({"op": "add", "start": start, "end": end,
                        "kind": u.get("kind") or "other", "reason": u.get("reason") or "", "text": u["text"]})
    return out


def _elsewhere(row, ob) -> list[str]:
    """The published parts besides the 原文, unredacted: the fields, the summary and the 决定书's full text where
    it is (to be) published — where an editor's words may be found (decision 0093)."""
    parts = [*_raw_fields(ob.case, ob).values(), *_raw_summary(ob.case, ob).values()]
    rule = full_text_rule(ob)
    doc = decision_document(ob.case) if rule == "required" or (rule == "encouraged" and row.full_text_wanted) else None
    if doc is not None:
        parts.append(without_party_code(document_text(doc)))
    return [str(v or "") for v in parts]


def _with_words(edits, original: str) -> list[dict]:
    """Each edit with the words it covered in `original` (rows saved before the words were kept)."""
    return [e if e.get("text") else {**e, "text": original[e["start"]:e["end"]]} for e in edits]


def withdrawal_problem(pub, reason: str) -> str | None:
    if not (reason or "").strip():
        return "撤下须写明理由（公开说明）。"
    if pub.public_version is None:
        return "该信息尚未公示，无需撤下。"
    return None


@transaction.atomic
def do_withdraw_publication(pub, *, reason: str, actor, on=None, ground: str = "") -> Publication:
    """撤下 (决定被撤销、确认违法、确认无效或重新作出; 行政处罚法第四十八条): with the reason, shown publicly
    as the withdrawal notice; meets the case's 撤下已公开决定 deadline. A decision the case has not recorded
    as revoked (`revoked`) is taken down only with a ground (workflows.WITHDRAWAL_GROUNDS) by a responsible
    head — ending the duty to keep it public needs an approver as 不予公开 does (decision 0086)."""
    from sanxiang.deadlines.actions import meet_obligations_of

    locked = _lock(pub)
    if not can(actor, "withdraw", locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以撤下公示信息。")
    problem = withdrawal_problem(locked, reason)
    if problem:
        raise RuleViolation(problem, field="reason")
    from .public_text import public_text

    reason = public_text(reason, locked, what="撤下说明")  # the public notice: one guard (decision 0097)
    day = act_day(on, what="撤下", floors=((locked.published_on, "首次公示之日"),))
    done = apply(_seen(pub, locked), "withdraw", actor=actor, table=PUBLICATION, locked=locked,
                 reason=reason.strip(), on=day, ground=(ground or "").strip() or ("revoked" if locked.revoked else ""))
    case = locked.obligation.case
    meet_obligations_of(object_type=case.ledger_type(), object_id=case.pk, kinds=[WITHDRAWAL], actor=actor)
    return done


@transaction.atomic
def do_take_down_publication(pub, *, reason: str, actor, on=None) -> Publication:
    """公示满期撤下 (the profile's "may take down after", e.g. Urumqi's 1 year): by a responsible head."""
    locked = _lock(pub)
    if not can(actor, "take_down", locked):
        raise NotPermitted("只有本机关的发布部门负责人可以撤下期满的公示信息。")
    from .public_text import public_text

    reason = public_text(reason, locked, what="撤下说明")  # the public notice: one guard (decision 0097)
    day = act_day(on, what="撤下", floors=((locked.published_on, "首次公示之日"),))
    return apply(_seen(pub, locked), "take_down", actor=actor, table=PUBLICATION, locked=locked,
                 reason=reason, on=day)


@transaction.atomic
def do_expire_publication(pub, *, actor, on=None) -> Publication:
    """公示期满停止公示 (总局令第45号第13条): by the job runner."""
    locked = _lock(pub)
    return apply(_seen(pub, locked), "expire", actor=actor, table=PUBLICATION, locked=locked, on=_day(on))


def mark_revoked(case, appeal, *, actor) -> None:
    """The decision was revoked, confirmed illegal, void or remade (cases/revocation.py), in the
    transaction recording the outcome:
    - each public publication of the case is marked to be withdrawn (待撤下; the case's deadline
      撤下已公开决定 runs);
    - each obligation still 待公示 closes as 决定已撤销，不再公示 (its deadline waived as not due), and its
      publication can no longer be submitted, approved or published (decision 0069);
    - when nothing of the case is public, the case's 撤下已公开决定 deadline just opened is waived: there
      is nothing to take down."""
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.workflows import OBLIGATION

    outcome = appeal.get_outcome_display()
    # an appeal against a 行政强制措施 (decision 0083) takes down that measure's publication only
    mine = {"obligation__decision_key__startswith": f"{appeal.measure.ledger_type()}:{appeal.measure_id}:"} \
        if appeal.measure_id else {}
    for pub in Publication.objects.select_for_update().filter(obligation__case=case, public_version__isnull=False,
                                                              revoked=False, **mine).exclude(
            status__in=(PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED)):
        pub.revoked = True
        pub.save(update_fields=["revoked"])
        append_entry(action="mark_publication_revoked", actor=actor, obj=pub,
                     payload={"case": case.number, "outcome": outcome})
    reason = f"决定已被{appeal.get_kind_display()}{outcome}（{appeal.body}，{appeal.decided_on:%Y-%m-%d}），不再公示"
    mine_ob = {k.removeprefix("obligation__"): v for k, v in mine.items()}
    for ob in PublicationObligation.objects.select_for_update().filter(case=case, status=ObligationStatus.OPEN,
                                                                       **mine_ob):
        apply_consequence(ob, "void", actor=actor, table=PUBLICATION_OBLIGATION, locked=ob, reason=reason[:500],
                          on=appeal.decided_on)
        if ob.obligation_id:
            deadline = Obligation.objects.get(pk=ob.obligation_id)
            if deadline.status in (Obligation.OPEN, Obligation.OVERDUE):
                apply_consequence(deadline, "waive", actor=actor, table=OBLIGATION,
                                  reason=f"决定已被{outcome}，不再公示")
    public = Publication.objects.filter(obligation__case=case, public_version__isnull=False, revoked=True).exclude(
        status__in=(PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED)).exists()
    if not public:
        for deadline in Obligation.objects.filter(object_type=case.ledger_type(), object_id=case.pk, kind=WITHDRAWAL,
                                                  status__in=(Obligation.OPEN, Obligation.OVERDUE)):
            apply_consequence(deadline, "waive", actor=actor, table=OBLIGATION,
                              reason="该决定未曾公示或已撤下，无需撤下")


# ---- 不予公开、暂缓公开: the editor proposes, the head named approves or refuses -------------------------

def _lock_obligation(ob) -> PublicationObligation:
    found = PublicationObligation.objects.select_for_update().filter(pk=getattr(ob, "pk", ob)).first()
    if found is None:
        raise NotFound("该公示义务不存在。", code="obligation_not_found")
    return found


PROPOSALS = {"withhold": "不予公开", "defer": "暂缓公开"}


def withholding_problem(ob, *, ground: str, note: str, approver, actor=None) -> str | None:
    """Why 不予公开/暂缓公开 may not be proposed so (None: it may): a legal ground, the facts, and a head
    to approve who is entitled to approve in the agency (as for approving a publication) and is not
    the one proposing."""
    if ground not in Ground.values:
        return "不予公开或暂缓公开须有法定事由：涉及国家秘密、商业秘密、个人隐私，或法律、行政法规另有规定。"
    if not (note or "").strip():
        return "请说明适用该法定事由的具体情况。"
    if approver is None or not can(approver, "approve_withholding", ob):
        return "须请本机关的发布部门负责人（科室负责人或单位领导）批准。"
    if actor is not None and getattr(approver, "pk", None) == getattr(actor, "pk", None):
        return "不能请自己批准自己的申请，请另选发布部门负责人。"
    return None


@transaction.atomic
def do_propose_withholding(ob, *, proposal: str, ground: str, note: str, approver, actor, until=None,
                           on=None) -> PublicationObligation:
    """申请不予公开或暂缓公开 (公示编辑, or a head): the ground, the facts and the head asked to approve.
    The obligation stays 待公示 until that head approves (`do_approve_withholding`)."""
    locked = _lock_obligation(ob)
    if not can(actor, "propose", locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以申请不予公开或暂缓公开。")
    if locked.status != ObligationStatus.OPEN:
        raise Conflict(f"该公示义务已{locked.get_status_display()}。", field="status")
    if proposal not in PROPOSALS:
        raise RuleViolation("申请事项应为不予公开（withhold）或暂缓公开（defer）。", field="proposal")
    problem = withholding_problem(locked, ground=ground, note=note, approver=approver, actor=actor)
    if problem:
        field = "ground" if ground not in Ground.values else ("note" if not (note or "").strip() else "approver")
        raise RuleViolation(problem, field=field, code="ground_required" if field == "ground" else "invalid")
    day = act_day(on, what="申请", floors=((locked.decided_on, "决定日期"),))
    until_day = None
    if proposal == "defer":
        if until in (None, ""):
            raise RuleViolation("暂缓公开须写明暂缓至的日期。", field="until")
        until_day = _day(until, "until")
        if until_day <= locked.due:
            raise RuleViolation(f"暂缓至的日期应晚于现在的公示期限（{locked.due:%Y-%m-%d}）。", field="until")
        if until_day <= timezone.localdate():
            raise RuleViolation("暂缓至的日期应晚于今天。", field="until")
        if until_day > locked.due + dt.timedelta(days=366):
            raise RuleViolation("暂缓公开一次最长一年，期满再行决定。", field="until")
        from .deferral import check_until

        until_day = check_until(until_day, locked.due, today=day)  # a working day (deferral.py)
    return apply(ob if isinstance(ob, PublicationObligation) else locked, "propose", actor=actor,
                 table=PUBLICATION_OBLIGATION, locked=locked, proposal=proposal, ground=ground, note=note.strip(),
                 approver=approver, until=until_day, on=day)


@transaction.atomic
def do_approve_withholding(ob, *, actor, on=None) -> PublicationObligation:
    """批准 (the head asked, as their own act — never the proposer): 不予公开 closes the obligation and
    waives its deadline with the ground; 暂缓公开 moves its due date (the deadline extended, approver
    the head)."""
    from sanxiang.deadlines.actions import do_extend_obligation
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.workflows import OBLIGATION

    locked = _lock_obligation(ob)
    proposal = locked.proposal
    if not proposal:
        if not can(actor, "withhold", locked):
            raise NotPermitted("只有本机关的发布部门负责人可以批准不予公开或暂缓公开。")
        raise Conflict("没有待批准的不予公开或暂缓公开申请。", field="proposal")
    day = act_day(on, what="批准", floors=((locked.proposed_on, "申请之日"),))
    ground, old_due, until = locked.proposal_ground, locked.due, locked.proposal_until
    done = apply(ob if isinstance(ob, PublicationObligation) else locked, proposal, actor=actor,
                 table=PUBLICATION_OBLIGATION, locked=locked, on=day)
    if locked.obligation_id:
        deadline = Obligation.objects.get(pk=locked.obligation_id)
        if deadline.status in (Obligation.OPEN, Obligation.OVERDUE):
            if proposal == "withhold":
                apply_consequence(deadline, "waive", actor=actor, table=OBLIGATION,
                                  reason=f"不予公开：{Ground(ground).label}")
            else:
                do_extend_obligation(deadline, count=(until - old_due).days, unit="days", approver=_user(actor),
                                     reason=f"暂缓公开：{Ground(ground).label}", actor=actor)
    return done


@transaction.atomic
def do_refuse_withholding(ob, *, reason: str, actor) -> PublicationObligation:
    """不批准 (the head asked), with the reason: the proposal ends, the obligation stays 待公示."""
    locked = _lock_obligation(ob)
    return apply(ob if isinstance(ob, PublicationObligation) else locked, "refuse", actor=actor,
                 table=PUBLICATION_OBLIGATION, locked=locked, reason=reason)
