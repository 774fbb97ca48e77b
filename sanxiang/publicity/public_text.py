"""公开说明 — the one guard on every free text the portal shows besides a version (decision 0097).

A version's text, fields, summary and full text are redacted and checked for the party's 公示查询码 when they are
saved (actions._fill_version, decisions 0069, 0093). The other words a person types that reach the public went
round both (s25 defects10 #3, #5): the 更正原因 (and the answer to a party's correction request that becomes it),
the 撤下说明 of a withdrawal — proposed, approved, or the head's own —, the take-down's 撤下说明 and the
提前停止公示 说明. Each now passes `public_text` when it is saved and again when it is made public:

- **masked** as a published field is (`actions.mask_value`): the persons the case knows, the detectors (phones,
  ID numbers …) and every word an editor masked in any version of the publication;
- **no 公示查询码** (`code_spans(..., any_form=True)`): the codes printed on any case's documents in any written
  form (another case's too: s26 defects10e #3) — compared by
  their letters and digits only, whatever stands between them (「2AUD/ZFYE」「2AUD、ZFYE」「2AUD−ZFYE」) —
  and any token shaped as a code (4 + 4 characters of the code alphabet) that is a code printed on any case's
  document. Typed anew the text is refused (`party_code_public`, in Chinese); a stored text made public later
  (a proposal approved, a correction published) has the code replaced by 「［查询码已隐去］」.

The version's own code check (`actions.party_code_problem`) uses `code_spans` too. The texts of no case the portal
shows (the 年报's 数据来源, the 事前公开 and 法制审核目录 reasons) pass `agency_text` (s25 defects10c #1; a code
in any written form, the length after masking: defects10d #2, #5). The 检查事由 on the public 扫码入企 page passes
`inspection_cause` at display (defects10d #1), its 检查内容 `inspection_items` (decision 0101; in a 投诉举报
inspection nothing of the complainant, s26 defects10e #1); a complainant's name after a label is masked in both
(`mask_complainant_names`, #5). What the agency
publishes in its own name — the 事前公开 sections' content, the 审核目录's rules, the 抽查计划 — passes
`agency_published_content` at save: nothing masked (the agency's own phones stay), a printed code, an ID number or a
bank card refused naming the field (decision 0101, defects10d #3).
"""

from __future__ import annotations

import re

from sanxiang.core.errors import RuleViolation

CODE_REPLACEMENT = "［查询码已隐去］"
CODE_MESSAGE = ("{what}中含有当事人的公示查询码（印在文书上的秘密代码），不能公开：请删去查询码后再提交。")
_CODE_CHARS = "A-HJKMNP-Z2-9"  # requests.ALPHABET: no 0/O, 1/I/L
# 4 + 4 characters of the code alphabet (any case), between them at most three characters that are neither a
# letter, a digit nor a Chinese character (spaces, dashes, slashes, 、，～ −, line breaks, invisible characters)
CODE_SHAPE = re.compile(rf"(?<![A-Za-z0-9])([{_CODE_CHARS}]{{4}})[^A-Za-z0-9\u4e00-\u9fff]{{0,3}}"
                        rf"([{_CODE_CHARS}]{{4}})(?![A-Za-z0-9])", re.I)


def code_key(text: str) -> tuple[str, list[int]]:
    """`text` as compared for a code: its ASCII letters and digits only (folded from full width), upper case,
    with each key character's offset in `text`."""
    from .redaction import fold

    key, where = [], []
    for i, ch in enumerate(fold(text or "")):
        if ch.isascii() and ch.isalnum():
            key.append(ch.upper())
            where.append(i)
    return "".join(key), where


def _printed_anywhere(candidates: set[str]) -> set[str]:
    """Which of `candidates` (8 characters, upper case) are printed on some case's document."""
    from sanxiang.documents.models import Document

    from .requests import format_code

    if not candidates:
        return set()
    codes, found = sorted(format_code(c) for c in candidates), set()
    for at in range(0, len(codes), 500):  # a long text (a 决定书's full text): within any database's limit
        found |= {str(c).replace("-", "") for c in Document.objects.filter(
            fields__context__query_code__in=codes[at:at + 500]).values_list("fields__context__query_code", flat=True)}
    return found


def code_spans(text: str, case=None, *, any_form: bool = False) -> list[tuple[int, int]]:
    """Where `text` holds a 公示查询码: one printed on a document of `case` in any written form, or a code-shaped
    token printed on any case's document. `any_form` (every public free text and version: s25 defects10d #2,
    s26 defects10e #3): a code printed on any case's document in any written form too — every 8-character window
    of the text's letters and digits that could be a code (made only of the code alphabet, which has no 0/1/I/L/O),
    looked up in one query (in blocks of 500 for a long text)."""
    from .actions import printed_codes

    if not text:
        return []
    key, where = code_key(text)
    spans = []
    if any_form:
        alphabet = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        printed = _printed_anywhere({key[i:i + 8] for i in range(len(key) - 7) if set(key[i:i + 8]) <= alphabet})
        for i in range(len(key) - 7):
            if key[i:i + 8] in printed:
                spans.append((where[i], where[i + 7] + 1))
    for code in (printed_codes(case) if case is not None else []):
        needle = code_key(code)[0]
        at = key.find(needle) if len(needle) >= 8 else -1
        while at >= 0:
            spans.append((where[at], where[at + len(needle) - 1] + 1))
            at = key.find(needle, at + len(needle))
    from .redaction import fold

    shaped = {(m.start(), m.end(), (m.group(1) + m.group(2)).upper()) for m in CODE_SHAPE.finditer(fold(text))}
    printed = _printed_anywhere({c for _, _, c in shaped})
    spans += [(s, e) for s, e, c in shaped if c in printed]
    merged = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def code_across(texts) -> bool:
    """A 公示查询码 printed on any case's document split across two of `texts`, in either order (s26 defects10h #3:
    「XZHF 台账」「核查 NBYU」): each pair's windows that cross the joint — the end of one text's letters and digits
    then the start of another's — looked up at once (in blocks of 500). A code within one text is `code_spans`'s."""
    alphabet = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    keys = [code_key(t)[0] for t in texts if t]
    windows = set()
    for i, left in enumerate(keys):
        for j, right in enumerate(keys):
            if i == j:
                continue
            joined = left[-7:] + right[:7]
            cut = len(left[-7:])
            windows |= {joined[k:k + 8] for k in range(max(0, cut - 7), cut) if len(joined[k:k + 8]) == 8
                        and k + 8 > cut and set(joined[k:k + 8]) <= alphabet}
    return bool(_printed_anywhere(windows))


def holds_code(texts, case=None) -> bool:
    """A 公示查询码 in any of `texts`: the case's own or another case's, in any written form (s26 defects10e #3)."""
    return any(code_spans(t or "", case, any_form=True) for t in texts)


def editor_words(pub, extra=()) -> list[dict]:
    """Every word an editor masked in any version of `pub` (added spans, placed or not), and `extra`."""
    out, seen = [], set()
    rows = list(pub.versions.values_list("edits", "unplaced")) if pub is not None and pub.pk else []
    for edits, unplaced in rows:
        for e in [*(edits or []), *(unplaced or [])]:
            if e.get("op") == "add" and e.get("text") and e["text"] not in seen:
                seen.add(e["text"])
                out.append({"op": "add", "text": e["text"], "kind": e.get("kind") or "other",
                            "reason": e.get("reason") or "编辑隐去的文字", "start": None, "end": None})
    for e in extra:
        if e.get("op") == "add" and e.get("text") and e["text"] not in seen:
            seen.add(e["text"])
            out.append({"op": "add", "text": e["text"], "kind": e.get("kind") or "other",
                        "reason": e.get("reason") or "编辑隐去的文字", "start": None, "end": None})
    return out


def public_text(text: str, pub, *, what: str, field: str = "reason", refuse_codes: bool = True,
                extra_words=()) -> str:
    """The free text `text` as it may be shown publicly for `pub` (module doc): masked; with a 公示查询码 refused
    (`refuse_codes`, a text typed now) or replaced (a stored text made public later)."""
    from .actions import _policy, case_context, mask_value

    text = (text or "").strip()
    if not text:
        return text
    ob = pub.obligation
    masked = mask_value(text, case_context(ob.case), _policy(ob), editor_words(pub, extra_words))
    spans = code_spans(masked, ob.case, any_form=True)  # another case's code in any form too (s26 defects10e #3)
    if spans and refuse_codes:
        raise RuleViolation(CODE_MESSAGE.format(what=what), field=field, code="party_code_public")
    for start, end in reversed(spans):
        masked = masked[:start] + CODE_REPLACEMENT + masked[end:]
    return masked


def agency_text(text: str, agency, *, what: str, field: str = "reason", on=None,
                max_length: int | None = None) -> str:
    """A free text with no case that the portal shows as typed — the 统计年报's 录入数字 来源, the 事前公开 and
    法制审核目录 调整原因 (s25 defects10c #1): the same guard with what is known without a case. Masked by the
    detectors of the agency's profile policy (phones, ID numbers, bank cards, e-mail, addresses — no known
    persons, no editor's words); a code printed on any case's document, in any written form, refused
    (`party_code_public`, s25 defects10d #2); `max_length` checked on the masked text (#5). Called when the text
    is saved, in the service layer (page, API and CLI alike)."""
    from sanxiang.deadlines.queries import profile_key_of

    from .policy import policy_for
    from .redaction import redact

    text = (text or "").strip()
    if not text:
        return text
    if code_spans(text, any_form=True):  # in any written form (s25 defects10d #2)
        raise RuleViolation(CODE_MESSAGE.format(what=what), field=field, code="party_code_public")
    masked = redact(text, None, policy_for(profile_key_of(agency), on=on)).text
    if max_length is not None and len(masked) > max_length:  # a mask may be longer than what it hides (#5)
        raise RuleViolation(f"{what}隐去个人信息后超过{max_length}字，请精简后再提交。", field=field)
    return masked


def inspection_cause(inspection) -> str:
    """The 检查事由 as the public 扫码入企 page shows it (s25 defects10d #1); the staff keep the typed cause.
    An inspection from a complaint or report (投诉举报) shows only its label — the enterprise must not learn who
    complained; the items are shown apart. Any other cause is masked as a published field is (the persons the
    case knows, the detectors of the agency's profile policy) with any printed 公示查询码, in any written form,
    replaced by 「［查询码已隐去］」."""
    if from_complaint(inspection):
        return hidden_cause(inspection)
    return _inspection_text(inspection.case.cause, inspection)


def hidden_cause(inspection) -> str:
    """The 检查事由 of a 投诉举报 or 转办交办 inspection wherever it is public (扫码入企, the 检查结果's 案由 and
    案件事实: s26 defects10h #1): its source's label only."""
    from sanxiang.cases.models import InspectionSource

    label = (InspectionSource.REFERRAL.label if inspection.source == InspectionSource.REFERRAL
             else InspectionSource.COMPLAINT.label)
    return f"{label}核查（具体事由依法对投诉举报人保密，不予公开）"


def published_items(inspection) -> list[str]:
    """The items of a 投诉举报/转办交办 inspection that are the agency's published 事项 names (as `inspection_items`
    shows them), without the standard sentence: what its 检查结果 publication may name (s26 defects10h #1)."""
    return [i for i in inspection_items(inspection) if i != ITEM_HIDDEN]


ITEM_HIDDEN = "核查投诉举报反映的问题（投诉举报人的信息依法保密，不予公开）"
# the words by which a text speaks of a complainant or informant (s26 defects10e #1)
COMPLAINANT_LABEL = re.compile(r"(?:投诉举报人|举报人|投诉人|举报者|投诉者|反映人|来电人|来信人|信访人)")


# what follows a complainant's label and is no name: a verb, a preposition, a particle (「举报人称」「投诉人反映」)
_NOT_A_NAME = re.compile(r"^(?:称|反映|举报|投诉|来电|来信|表示|提出|要求|陈述|说|于|在|向|对|的|等|与|和|及|已|未|均|并|经|"
                         r"所|系|为|是|信息|身份|姓名|电话|联系|住|某)")
_NAME_STOP = re.compile(r"称|反映|举报|投诉|来电|来信|表示|提出|要求|陈述|说|于|在|向|对|的|等|与|和|及|已|未|均|并|经|所|系|为|是")


def mask_complainant_names(text: str) -> str:
    """A name right after a complainant's label (举报人王秀英, 投诉人：张三) masked as a known person's is — the
    surname kept, the given name 某 (s26 defects10e #5): the case does not know a complainant, so `mask_value` does
    not find them. The name is the Chinese characters after the label up to a verb or particle (称, 反映, 的 …) or
    anything else, two to three of them (four for a compound surname); a label followed by a verb is left alone."""
    from .redaction import COMPOUND_SURNAMES, masked_name

    def one(m):
        run = m.group(2)
        if _NOT_A_NAME.match(run):
            return m.group(0)
        stop = _NAME_STOP.search(run, 2)
        name = run[:stop.start()] if stop else run
        name = name[:4 if name[:2] in COMPOUND_SURNAMES else 3]
        if len(name) < 2:
            return m.group(0)
        return m.group(1) + masked_name(name) + run[len(name):]

    return re.sub(rf"({COMPLAINANT_LABEL.pattern}[\s:：]*)([\u4e00-\u9fff]+)", one, text or "")


def from_complaint(inspection) -> bool:
    """An inspection that may carry a complainant (decision 0102, amended for s26 defects10h #2): its source 投诉举报
    or 转办交办 (how a 12345-hotline 工单 or a complaint another agency received arrives), or its case's source
    投诉, 举报 or 交办 (a 转办交办 inspection's case is 交办: `cases.kinds.inspection.CASE_SOURCE`). Not 移送 (another
    agency hands over its own findings; no inspection is registered with it), 计划, 双随机 or 其他."""
    from sanxiang.cases.models import InspectionSource, Source

    return inspection.source in (InspectionSource.COMPLAINT, InspectionSource.REFERRAL) or \
        inspection.case.source in (Source.COMPLAINT, Source.REPORT, Source.ASSIGNED)


def inspection_items(inspection) -> list[str]:
    """The 检查内容 (the items checked) as the public 扫码入企 page shows them (decision 0101): typed by the officer
    when the inspection is made, drawn or its result recorded, so each is masked as the cause is, with any printed
    公示查询码 replaced; the staff keep the typed items. In a 投诉举报 inspection an item is shown only when it is
    one of the agency's published 执法事项/随机抽查事项 names (`published_item_names`, 事前公开); every other item —
    whatever its wording (「消费者王秀英反映…」「王女士投诉…」「王秀英等3名会员…」) — is shown, once, as 「核查投诉
    举报反映的问题（…不予公开）」: the enterprise learns what is checked, never who complained (s26 defects10e #1,
    defects10g #8, decision 0102). A printed code is refused when the items are typed
    (`cases.kinds.inspection.as_items`, each item and the items as the page joins them)."""
    complaint = from_complaint(inspection)
    names = published_item_names(inspection.case.agency) if complaint and inspection.items else set()
    out = []
    for item in inspection.items or []:
        if not isinstance(item, str):
            continue
        shown = (ITEM_HIDDEN if complaint and _normal(item) not in names
                 else _inspection_text(item, inspection))
        if shown and shown not in out:
            out.append(shown)
    return out


def _normal(text: str) -> str:
    """`text` compared as a published item name: folded from full width, without whitespace and punctuation."""
    from .redaction import fold

    return re.sub(r"[\W_]+", "", fold(text or ""))


_PIECES = re.compile(r"[；;。\n]+")


def published_item_names(agency) -> set[str]:
    """The names of the agency's published (事前公开) 行政执法事项 (事项名称) and 随机抽查事项 (抽查内容, whole and
    each of its 「；」「。」-separated parts), as `_normal` compares them: the items an officer may show on a
    投诉举报 inspection's public page, since they are public before any complaint (decision 0102)."""
    from sanxiang.disclosure.actions import latest
    from sanxiang.disclosure.models import Section

    names = set()
    for section, key in ((Section.MATTERS, "name"), (Section.RANDOM_ITEMS, "content")):
        version = latest(agency, section)
        for row in ((version.content or {}).get("items") or []) if version else []:
            text = row.get(key) if isinstance(row, dict) else None
            if isinstance(text, str):
                names.update(_normal(t) for t in [text, *_PIECES.split(text)])
    names.discard("")
    return names


def _inspection_text(text, inspection) -> str:
    """A text of an inspection masked as a published field is (the persons the case knows, the detectors of the
    agency's profile policy on the planned date), a printed code in any written form replaced."""
    from sanxiang.deadlines.queries import profile_key_of

    from .actions import case_context, mask_result
    from .policy import policy_for

    case = inspection.case
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        return text
    policy = policy_for(profile_key_of(case.agency), on=inspection.planned_on)
    result = mask_result(text, case_context(case), policy, [])
    for span in result.spans:  # an unlabelled Luhn number is the agency's 批次/编号, not a card (s26 defects10g #4)
        if span.kind == "bank_card" and span.origin == "detector" and not _card_labelled(text, span, policy):
            result = result.dismiss(span.start, span.end, "未标明为银行卡号的编号")
    masked = mask_complainant_names(result.text)
    for start, end in reversed(code_spans(masked, case, any_form=True)):
        masked = masked[:start] + CODE_REPLACEMENT + masked[end:]
    return masked

ID_OR_CARD = {"id_number": "公民身份号码", "bank_card": "银行卡号"}


def content_texts(value, what: str = "", field: str = "content", skip=()) -> list[tuple[str, str, str]]:
    """Every text in a published value (dicts, lists, strings; a dict's keys in `skip` left out), each with
    where it is: (what, text, field)."""
    if isinstance(value, str):
        return [(what, value, field)] if value.strip() else []
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in skip for t in content_texts(v, what, field, skip)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in content_texts(v, what, field, skip)]
    return []


def agency_published_content(texts, agency, *, field: str = "content", on=None, before=()) -> None:
    """The published content the agency writes in its own name — the 事前公开 sections (公示牌, 机构, 办事指南,
    执法事项 …), the 法制审核目录's rule labels and citations, the 抽查计划's title and items (s25 defects10d #3):
    `texts` as (what, text) or (what, text, field) tuples, `what` naming the field in Chinese. Unlike `agency_text` nothing is masked —
    the agency's own phones, addresses and e-mail are meant to be public, and a section must say what the agency
    decided —, so what must not be published is **refused**, naming the field: a 公示查询码 printed on any case's
    document, in any written form (`party_code_public`), and a 公民身份号码 (a real birth date and the GB 11643 check
    digit; 15 digits after an ID label) or a 银行卡号 (labelled as one right before it: `_personal_number`, s26
    defects10g #4) (`personal_number_public`); the profile policy's
    `keep` strings (the agency's own account) pass. A text already in `before` (the version in force) is not
    checked again: removing or editing another item is not blocked by a text published earlier. Called when the
    content is saved, in the service layer (page, API, CLI and import alike)."""
    from sanxiang.deadlines.queries import profile_key_of

    from .policy import policy_for
    from .redaction import redact

    old = {t[1] for t in before}
    texts = [(t[0], t[1], t[2] if len(t) > 2 else field) for t in texts
             if isinstance(t[1], str) and t[1].strip() and t[1] not in old]
    if not texts:
        return
    policy = policy_for(profile_key_of(agency), on=on).model_copy(update={"mask": list(ID_OR_CARD)})
    for what, text, field in texts:
        if code_spans(text, any_form=True):
            raise RuleViolation(CODE_MESSAGE.format(what=what), field=field, code="party_code_public")
        for hit in redact(text, None, policy).spans:
            why = _personal_number(text, hit, policy)
            if why:
                name = ID_OR_CARD[hit.kind]
                raise RuleViolation(f"{what}中的“{text[hit.start:hit.end]}”{why}，不能公开：公开的内容以本机关名义发布，"
                                    f"不能含有个人的{name}，请删去后再提交。{KEEP_HINT[hit.kind]}", field=field,
                                    code="personal_number_public")


# What a number in the agency's own content must look like to be refused as personal (s26 defects10g #4, decision
# 0101): an agency publishes its 对公账号 for fees, its 受理编号, 流水号 and 批次 numbers, none of them Luhn-free —
# so a 16–19-digit number is a 银行卡号 only when labelled as one right before it, and an 18-digit one a 公民身份号码
# only when it is one (a real birth date and the right check digit), a label alone not making it so.
CARD_RIGHT_BEFORE = re.compile(r"(?:银行卡号|银行卡|信用卡号|信用卡|借记卡号|借记卡|卡号|卡)[\s:：]*$")
ACCOUNT_RIGHT_BEFORE = re.compile(r"(?:账号|帐号|账户|帐户)[\s:：]*$")
KEEP_HINT = {
    "bank_card": "如为本机关对公账号，请在号码前注明“账号”而非“卡号”。",
    "id_number": "如确为其他编号而非身份证号，请联系管理员在本机关的脱敏规则中列明保留。",
}


def _card_labelled(text: str, span, policy) -> bool:
    """A card span labelled as a card: 卡/卡号/银行卡/信用卡 right before it, or a card label within the policy's
    window (银行卡号：…) — the one rule of the agency's own content and the 检查内容 shown on 扫码入企."""
    from .redaction import CARD_LABEL, _label_before, fold

    folded = fold(text)
    before = folded[max(0, span.start - 8):span.start]
    if ACCOUNT_RIGHT_BEFORE.search(before):
        return False
    return bool(CARD_RIGHT_BEFORE.search(before)) or _label_before(CARD_LABEL, folded, span.start,
                                                                    policy.id_label_window)


def _personal_number(text: str, span, policy) -> str:
    """Why a detector's ID-number or card span in the agency's own content is personal, or "" when it is not."""
    from .redaction import fold, normalise, valid_id_number

    number = normalise(fold(text[span.start:span.end]))
    if span.kind == "id_number":
        if len(number) == 18:
            return "是公民身份号码（出生日期和校验位均正确）" if valid_id_number(number) else ""
        return "是身份证号标签后的号码" if span.reason.startswith("身份证号标签") else ""
    if span.kind == "bank_card" and _card_labelled(text, span, policy):
        return "标明为银行卡号"
    return ""
