"""脱敏 (redaction) of a decision's text before publication — issue 10 §4, pure functions.

`redact(text, context, policy)` returns a `Redaction`: the masked spans (start, end, kind,
replacement, reason, origin) over the original text, the spans deliberately kept (registered
facts, document numbers, laws, amounts, dates) and the redacted text. In this order:

1. **Registered facts kept**: the organisation's name and 统一社会信用代码, the names of the roles
   the policy keeps when the party's kind makes them registered facts (法定代表人/负责人 of an
   organisation, 经营者 of an individual business), the policy's `keep` strings.
2. **The persons the case knows** (context `persons`): every occurrence of the name, with any
   spacing and any name separator or none (买买提·艾力 as 买买提.艾力, 买买提・艾力, 买买提-艾力, 买买提艾力), becomes surname + 某 (compound surnames 欧阳/司马… kept whole; two persons whose
   masked names would coincide become 张某甲, 张某乙); their ID number, phone and address from
   the context in any written form (spaces, dashes, full-width digits).
3. **Kept verbatim** before the detectors look: 文号 (株市监罚〔2026〕12号), 《laws》 and 第…条,
   amounts (…元), dates, and valid 统一社会信用代码 (GB 32100) that are not also valid ID numbers.
4. **Detectors**: GB 11643 ID numbers (check digit by python-stdnum; an 18- or 15-digit number
   right after an ID label even with a wrong check digit), mobile and landline numbers, bank
   cards (Luhn), vehicle plates (new-energy too), e-mail addresses, home addresses after
   住址/家住/现住 …, a bare 住 followed by an address and, for a natural person, 住所/地址： (the
   省/市/县 part kept when the policy says so), QQ numbers and WeChat ids next to their label.

Every match is made on a "folded" copy of the text (full-width ASCII → ASCII, ideographic space
→ space: one character for one, so offsets are the original's). The original stays with the
caller; the published text is `Redaction.text`, which never contains a masked value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from .context import PARTY_KINDS, ROLES, PartyContext, parse_context
from .policy import KEEP_ROLE_KINDS, KEEP_ROLES, MASK_KINDS, RedactionPolicy

REPLACEMENTS = {
    "id_number": "［身份证号已隐去］",
    "phone": "［电话已隐去］",
    "bank_card": "［银行卡号已隐去］",
    "plate": "［车牌号已隐去］",
    "email": "［邮箱已隐去］",
    "address": "［详细地址已隐去］",
    "im_account": "［账号已隐去］",
}
KEPT_KINDS = {
    "organization": "单位名称（登记事项）",
    "uscc": "统一社会信用代码（登记事项）",
    "registered_person": "登记的法定代表人、负责人或经营者姓名",
    "policy_keep": "脱敏规则列明不隐去",
    "document_number": "文书文号",
    "law": "法律法规名称或条款",
    "amount": "金额",
    "date": "日期",
}
ORIGINS = ("context", "detector", "editor")

COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 "
    "太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 "
    "漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 "
    "公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 "
    "褚师".split()
)
DISAMBIGUATORS = "甲乙丙丁戊己庚辛壬癸"

_FOLD = str.maketrans({**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " "})
_SEP_CHARS = " \t\u00a0-‐–—"
SEP = r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]*[ \t\u00a0\-‐–—]?[\u200b\u200c\u200d\u2060\ufeff\u00ad]*"
# at most one separator between two digits (spaces, dashes), invisible format characters ignored


def fold(text: str) -> str:
    """Full-width ASCII → ASCII and U+3000 → space; same length, so offsets carry over."""
    return text.translate(_FOLD)


# Format characters that render as nothing (zero-width space/joiners, BOM, soft hyphen, word joiner): text pasted
# from web pages and word processors carries them inside words; every match ignores them (defects10 s23 #15).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_GAP = r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]*"  # any spacing, invisible characters too


def words_key(text: str) -> tuple[str, list[int]]:
    """`text` as compared for an editor's masked words (decision 0086): folded (full-width ASCII → ASCII),
    lower case, without whitespace, invisible format characters and the name separators; with, for each
    character of the key, its offset in `text`."""
    key, where = [], []
    for i, ch in enumerate(fold(text)):
        if ch.isspace() or ch in INVISIBLE or ch in NAME_SEPS:
            continue
        key.append(ch.lower())
        where.append(i)
    return "".join(key), where


def find_words(text: str, words: str) -> list[tuple[int, int]]:
    """Every place [start, end) of `text` that holds `words` in any spacing, width or separator (words_key):
    an editor's span masks 「销售超过保质期的食品」 typed as 「销售超过保质期的食 品」 too."""
    needle, _ = words_key(words or "")
    if not needle:
        return []
    hay, where = words_key(text)
    found, at = [], hay.find(needle)
    while at >= 0:
        found.append((where[at], where[at + len(needle) - 1] + 1))
        at = hay.find(needle, at + len(needle))
    return found


def holds_words(text: str, words: str) -> bool:
    """`text` holds `words` in some written form (find_words)."""
    needle = words_key(words or "")[0]
    return bool(needle) and needle in words_key(text or "")[0]


def normalise(value: str) -> str:
    """A value in its bare form: folded, separators and whitespace removed, upper case."""
    folded = fold(value)
    return "".join(ch for ch in folded if ch not in _SEP_CHARS and ch not in INVISIBLE and not ch.isspace()).upper()


OTHER_LABEL = "其他应隐去的信息"  # an editor's span of no listed kind ("other")


def kind_label(kind: str) -> str:
    """The Chinese name of a span's kind — never the key (an editor's "other" too)."""
    return MASK_KINDS.get(kind) or (OTHER_LABEL if kind == "other" else kind)


@dataclass(frozen=True)
class Span:
    """A masked span of the original text (片段): [start, end) → replacement, with its reason.

    `origin`: "context" (a person the case knows), "detector" (a pattern with its check), or
    "editor" (added by hand in the preview — a later step, with the editor's reason).
    """

    start: int
    end: int
    kind: str
    replacement: str
    reason: str
    origin: str = "detector"

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "label": kind_label(self.kind),
                "replacement": self.replacement, "reason": self.reason, "origin": self.origin}


@dataclass(frozen=True)
class Kept:
    """A span deliberately left visible, with why (the preview shows it; nothing is replaced)."""

    start: int
    end: int
    kind: str
    reason: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "label": KEPT_KINDS[self.kind],
                "reason": self.reason}


@dataclass(frozen=True)
class Dismissal:
    """An automatic span the editor removed, with the editor's reason (kept for the record)."""

    span: Span
    reason: str


@dataclass(frozen=True)
class Redaction:
    """脱敏结果: the original (internal), the spans, what was kept, and the text to publish."""

    original: str = field(repr=False)
    spans: tuple[Span, ...]
    kept: tuple[Kept, ...] = ()
    dismissed: tuple[Dismissal, ...] = ()
    text: str = ""

    def __post_init__(self):
        object.__setattr__(self, "text", apply_spans(self.original, self.spans))

    def add(self, span: Span) -> Redaction:
        """The same redaction with one more span (an editor's, with its reason)."""
        if not span.reason.strip():
            raise ValueError("增加隐去片段须写明理由。")
        if not (0 <= span.start < span.end <= len(self.original)):
            raise ValueError("片段超出原文范围。")
        spans = [s for s in self.spans if s.end <= span.start or s.start >= span.end]
        return replace(self, spans=tuple(sorted([*spans, span], key=lambda s: s.start)))

    def dismiss(self, start: int, end: int, reason: str) -> Redaction:
        """The same redaction without the span at [start, end), the editor's reason recorded."""
        if not reason.strip():
            raise ValueError("取消隐去须写明理由。")
        span = next((s for s in self.spans if (s.start, s.end) == (start, end)), None)
        if span is None:
            raise ValueError("没有这个隐去片段。")
        return replace(self, spans=tuple(s for s in self.spans if s is not span),
                       dismissed=(*self.dismissed, Dismissal(span, reason.strip())))

    def as_dict(self) -> dict:
        """Spans and text for the CLI and a preview; the masked originals are not included."""
        return {"text": self.text, "spans": [s.as_dict() for s in self.spans],
                "kept": [k.as_dict() for k in self.kept],
                "dismissed": [{**d.span.as_dict(), "dismissal_reason": d.reason} for d in self.dismissed]}


def apply_spans(original: str, spans) -> str:
    """The text with each (non-overlapping, sorted) span replaced."""
    out, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < at:
            raise ValueError("隐去片段重叠。")
        out += [original[at:span.start], span.replacement]
        at = span.end
    out.append(original[at:])
    return "".join(out)


# ───────────── names ─────────────

# The separators a minority or foreign name is written with (买买提·艾力, 买买提.艾力, 买买提・艾力, 买买提-艾力 …),
# in the folded text (full-width ．－ are . - there): any of them, a space or none matches the name's own.
NAME_SEPS = "·•・‧∙⋅.-‐–—"
_NAME_SEP = r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]*[" + "".join(re.escape(ch) for ch in NAME_SEPS) + \
    r"]?[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]*"


def surname(name: str) -> str:
    if any(ch in NAME_SEPS for ch in fold(name)):  # 买买提·艾力: the first character only
        return name[:1]
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def masked_name(name: str, mark: str = "某") -> str:
    """张三 → 张某, 欧阳娜娜 → 欧阳某, 司马光 → 司马某 (法释〔2016〕19号: the surname stays)."""
    if len(name) < 2:
        return mark
    return surname(name) + mark


def _spaced(value: str) -> str:
    """A regex for `value` with any whitespace between its characters."""
    return _GAP.join(re.escape(ch) for ch in value if ch not in INVISIBLE)


def _name_pattern(name: str) -> str:
    """A regex for a person's name in any written form: any spacing, and between two characters a name
    separator or none — 买买提·艾力 is found as 买买提.艾力, 买买提・艾力, 买买提-艾力, 买买提 艾力 and 买买提艾力."""
    chars = [ch for ch in fold(name) if ch not in NAME_SEPS and not ch.isspace() and ch not in INVISIBLE]
    return _NAME_SEP.join(re.escape(ch) for ch in chars)


def _digits_pattern(value: str) -> str:
    """A regex for a number written with at most one separator between characters (folded text)."""
    return SEP.join(re.escape(ch) if not ch.isalpha() else f"[{ch.upper()}{ch.lower()}]" for ch in value)


# ───────────── the engine ─────────────

ID_LABEL = re.compile(r"(?:公民身份号码|身份证号码|身份证号|身份证|证件号码|身份号码|证件号)")
CARD_LABEL = re.compile(r"(?:银行卡号|银行卡|卡号)")
CARD_RIGHT_AFTER = re.compile(r"卡[\s:：]*$")  # 「卡6222…」「会员卡：…」: a number right after 卡 (s26 defects10e #5)
PHONE_LABEL = re.compile(r"(?:联系电话|电话号码|电话|手机号码|手机号|手机|联系方式|座机|tel|TEL|Tel)")
HOME_LABELS = ["家庭住址", "现住址", "户籍地址", "居住地址", "户籍地", "居住地", "住址", "家住", "现住"]
# a company's 住所 / 地址 is registered: only for natural persons (and 地址 only with its colon, "地址：")
PERSON_ONLY_LABELS = ["住所地", "住所", "联系地址", r"地址(?=\s*[:：])"]
# A bare 住 (张三，男，住湖南省…; 当事人住…), the usual form in decisions and judgments: not a word with 住
# (入住、记住、住宿、住房、住院、住所 …; 居住、暂住 are residences), and followed by something that reads as an address (two place
# words such as 省/市/区/路/号) — "住在老地方" or "住了三天" are not one.
BARE_ZHU_RE = re.compile(r"(?<![入记留停抓站挡保拦围顶止忍守靠接稳包盖锁握困卡咬揪扶托按压罩])住(?:在)?"
                         r"(?![所址宿房院建户宅处持口手嘴])")
ADDRESS_HINT_RE = re.compile(r"省|自治区|市|区|县|旗|镇|乡|村|街道|路|街|巷|弄|小区|\d+\s*(?:号|栋|幢|单元|室|组)")
# QQ numbers and WeChat ids next to their label (法释〔2016〕19号's 通讯方式): "QQ：12345678", "微信nana_oy88".
QQ_RE = re.compile(r"(?:QQ|qq|Qq|扣扣)\s*(?:号码|号)?\s*[:：]?\s*([1-9]\d{4,11})(?!\d)")
WECHAT_RE = re.compile(r"(?:微信|WeChat|wechat|weixin|vx|VX|wx|WX)\s*(?:账号|帐号|号码|号|ID|id)?\s*[:：]?\s*"
                       r"(?!公众号|小程序|群|支付|搜索|扫码)([A-Za-z][A-Za-z0-9_\-]{5,19}|1[3-9]\d{9})(?![A-Za-z0-9_\-])")

NUM = r"[0-9０-９]"
CN_NUM = r"[一二三四五六七八九十百千零〇两\d]+"
# not glued to a longer number (an ID written "4302 0219 9001-2-15…" is no date)
_ALONE = r"(?<!\d)(?<!\d[ \t\-])"
KEEP_PATTERNS = [
    ("document_number", re.compile(r"[\u4e00-\u9fff]{1,16}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d{1,6}\s*号")),
    ("law", re.compile(r"《[^《》\n]{1,80}》")),
    ("law", re.compile(rf"第{CN_NUM}条(?:第{CN_NUM}款)?(?:第{CN_NUM}项)?")),
    ("amount", re.compile(rf"{_ALONE}\d[\d,]*(?:\.\d+)?\s*(?:万|亿)?元")),
    ("date", re.compile(rf"{_ALONE}\d{{4}}\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?")),
    ("date", re.compile(rf"{_ALONE}\d{{4}}([-/.])\d{{1,2}}\1\d{{1,2}}(?![ \t\-]?\d)")),
]
ID_RE = re.compile(rf"(?<![0-9A-Za-z])(\d(?:{SEP}\d){{16}}{SEP}[\dXx]|\d(?:{SEP}\d){{14}})(?![0-9A-Za-z])")
USCC_RE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Z]{18}(?![0-9A-Za-z])")
MOBILE_RE = re.compile(rf"(?<![\d+])(?:(?:\+|00)?\(?86\)?{SEP})?1{SEP}[3-9](?:{SEP}\d){{9}}(?!{SEP}\d)")
AREA = r"0(?:10|2\d|[3-9]\d{2})"  # 区号: 010, 02x, 0xxx (no area code starts 01 but Beijing's)
LANDLINE_RE = re.compile(
    rf"(?<![\d+])(?:(?:(?:\+|00)?\(?86\)?{SEP}\(?[1-9]\d{{1,2}}\)?)|(?:\({AREA}\)|{AREA}))"
    rf"{SEP}[2-9](?:{SEP}\d){{6,7}}(?!{SEP}\d)")
LOCAL_PHONE_RE = re.compile(rf"(?<!\d)[2-9](?:{SEP}\d){{6,7}}(?!{SEP}\d)")
CARD_RE = re.compile(rf"(?<![0-9A-Za-z])[1-9](?:{SEP}\d){{15,18}}(?![0-9A-Za-z])")
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(
    rf"(?<![A-Za-z0-9])[{PROVINCES}][A-HJ-NP-Z][ ·•.\-]?"
    r"(?:[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])(?![A-Za-z0-9])")
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
ADDRESS_STOP = "，,。;；\n\r)）"
# 省 / 市 / 县(区) at the start of an address: what stays when the policy keeps the division
# (法释〔2016〕19号: home addresses are removed below the county level). A heuristic: the editor
# sees the kept part in the preview.
_NOT_DIVISION = r"\d\s路街道巷号村镇乡弄栋幢室楼组小园苑庭院厦座社坊屯湾场，,。;；:"
DIVISION_RE = re.compile(
    rf"(?:[^{_NOT_DIVISION}]{{1,10}}?(?:省|自治区))?(?:[^{_NOT_DIVISION}]{{1,8}}?(?:市|自治州|地区|盟))?"
    rf"(?:[^{_NOT_DIVISION}]{{1,6}}?(?:区|县|旗)|[^{_NOT_DIVISION}]{{1,6}}?市)?")


class _Board:
    """Which characters are already masked or kept (spans never overlap)."""

    def __init__(self, size: int):
        self.taken = bytearray(size)
        self.spans: list[Span] = []
        self.kept: list[Kept] = []

    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.taken[start:end])

    def mask(self, start, end, kind, replacement, reason, origin) -> bool:
        if not self.free(start, end):
            return False
        self.taken[start:end] = b"\x01" * (end - start)
        self.spans.append(Span(start, end, kind, replacement, reason, origin))
        return True

    def keep(self, start, end, kind, reason) -> bool:
        if not self.free(start, end):
            return False
        self.taken[start:end] = b"\x01" * (end - start)
        self.kept.append(Kept(start, end, kind, reason))
        return True


def redact(text: str, context=None, policy: RedactionPolicy | None = None) -> Redaction:
    """脱敏: the decision text with the case's persons and personal data masked (see module doc).

    `context`: a PartyContext or PARTY.json data (None: no known persons); `policy`: the
    profile's `publicity.redaction` (None: the national profile's, today).
    """
    if policy is None:
        from .policy import policy_for

        policy = policy_for("national")
    ctx = parse_context(context) if context is not None else PartyContext(kind="person")
    folded = fold(text)
    board = _Board(len(text))
    _keep_registered_facts(folded, ctx, policy, board)
    _mask_known_persons(folded, ctx, policy, board)
    _keep_verbatim(folded, board)
    _detect(folded, ctx, policy, board)
    return Redaction(original=text, spans=tuple(sorted(board.spans, key=lambda s: s.start)),
                     kept=tuple(sorted(board.kept, key=lambda k: k.start)))


def _finditer(pattern: str, folded: str):
    return re.finditer(pattern, folded)


def _kept_roles(ctx: PartyContext, policy: RedactionPolicy) -> set[str]:
    return {r for r in policy.keep_roles if ctx.kind in KEEP_ROLE_KINDS[r]}


def _keep_registered_facts(folded, ctx, policy, board):
    kept_roles = _kept_roles(ctx, policy)
    masked_names = {p.name for p in ctx.persons if p.role not in kept_roles} if policy.masks("person") else set()
    candidates = []  # (start, end, kind, reason)
    if ctx.organization is not None:
        org = ctx.organization
        for m in _finditer(_spaced(fold(org.name)), folded):
            candidates.append((m.start(), m.end(), "organization", f"{PARTY_KINDS[ctx.kind]}的登记名称"))
        if org.uscc:
            for m in _finditer(_digits_pattern(org.uscc), folded):
                candidates.append((m.start(), m.end(), "uscc", "当事人的统一社会信用代码（GB 32100）"))
    for person in ctx.persons:
        # a name both kept and masked (the same name in two roles) is masked: privacy first
        if person.role in kept_roles and person.name not in masked_names:
            for m in _finditer(_name_pattern(person.name), folded):
                candidates.append((m.start(), m.end(), "registered_person", f"{KEEP_ROLES[person.role]}姓名属登记事项"))
    for value in policy.keep:
        for m in _finditer(_spaced(fold(value)), folded):
            candidates.append((m.start(), m.end(), "policy_keep", "脱敏规则列明不隐去"))
    # longest first: the organisation's name wins over a witness's name inside it; a masked
    # person's longer name (李四明) wins over a kept shorter one (李四) at the same place
    longer_masked = [(m.start(), m.end()) for n in masked_names for m in _finditer(_name_pattern(n), folded)]
    for start, end, kind, reason in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if any(s <= start and end <= e and (e - s) > (end - start) for s, e in longer_masked):
            continue
        board.keep(start, end, kind, reason)


def _person_labels(ctx: PartyContext, policy: RedactionPolicy) -> dict[str, str]:
    """Each masked person's name → its masked form, colliding forms told apart (张某甲, 张某乙)."""
    kept_roles = _kept_roles(ctx, policy)
    names = []
    for p in ctx.persons:
        if p.role not in kept_roles and p.name not in names:
            names.append(p.name)
    forms = {n: masked_name(n, policy.name_mark) for n in names}
    out = {}
    for name in names:
        same = [n for n in names if forms[n] == forms[name]]
        out[name] = forms[name] + (DISAMBIGUATORS[same.index(name) % 10] if len(same) > 1 else "")
    return out


def _mask_known_persons(folded, ctx, policy, board):
    labels = _person_labels(ctx, policy) if policy.masks("person") else {}
    for name in sorted(labels, key=len, reverse=True):
        roles = "、".join(dict.fromkeys(ROLES[p.role] for p in ctx.persons if p.name == name))
        for m in _finditer(_name_pattern(name), folded):
            board.mask(m.start(), m.end(), "person", labels[name], f"案件已知的{roles}姓名", "context")
    # the given name alone (小明称…, 娜娜说…), two characters or more, as the courts mask it (decision 0086);
    # not a name written with separators (买买提·艾力: which part is the given name is not known)
    for name in sorted(labels, key=lambda n: len(n) - len(surname(n)), reverse=True):
        given = name[len(surname(name)):]
        if any(ch in NAME_SEPS for ch in fold(name)) or len(given) < 2:
            continue
        roles = "、".join(dict.fromkeys(ROLES[p.role] for p in ctx.persons if p.name == name))
        for m in _finditer(_name_pattern(given), folded):
            board.mask(m.start(), m.end(), "person", labels[name], f"案件已知的{roles}的名字（单独出现）", "context")
    for person in ctx.persons:
        role = ROLES[person.role]
        if person.id_number and policy.masks("id_number"):
            for m in _finditer(_digits_pattern(normalise(person.id_number)), folded):
                board.mask(m.start(), m.end(), "id_number", REPLACEMENTS["id_number"],
                           f"案件已知的{role}身份证号", "context")
        if person.phone and policy.masks("phone"):
            number = normalise(person.phone)
            number = re.sub(r"^(?:\+?86|0086)(?=1[3-9]\d{9}$)", "", number)
            for m in _finditer(rf"(?:(?:\+|00)?\(?86\)?{SEP})?" + _digits_pattern(number), folded):
                board.mask(m.start(), m.end(), "phone", REPLACEMENTS["phone"], f"案件已知的{role}电话", "context")
        # a kept role's name is registered, not the person's home address, ID or phone
        if person.address and policy.masks("address"):
            for m in _finditer(_spaced(fold(person.address)), folded):
                _mask_address(folded, m.start(), m.end(), policy, board, f"案件已知的{role}住址", "context")


def _mask_address(folded, start, end, policy, board, reason, origin):
    if policy.address_keeps_division:
        start += len(DIVISION_RE.match(folded, start, end).group(0))
    while start < end and folded[start].isspace():
        start += 1
    if start < end:
        board.mask(start, end, "address", REPLACEMENTS["address"], reason, origin)


def _keep_verbatim(folded, board):
    for kind, pattern in KEEP_PATTERNS:
        for m in pattern.finditer(folded):
            board.keep(m.start(), m.end(), kind, KEPT_KINDS[kind])
    for m in USCC_RE.finditer(folded):
        code = m.group(0)
        if uscc.is_valid(code) and not valid_id_number(code):
            board.keep(m.start(), m.end(), "uscc", "统一社会信用代码（GB 32100 校验正确）")


def valid_id_number(number: str) -> bool:
    """GB 11643: 18 characters, the check digit right (python-stdnum) and a real birth date.

    Not stdnum's `is_valid`, which also wants the division code to have existed in the birth year:
    real numbers carry the code of the place of registration (decision 0017), and masking more is
    the safe side here.
    """
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    if ric.calc_check_digit(number) != number[17]:
        return False
    try:
        ric.get_birth_date(number)
    except StdnumError:
        return False
    return True


def _label_before(label: re.Pattern, folded: str, start: int, window: int) -> bool:
    """An ID/card/phone label ends within `window` characters before `start`, with no digit between."""
    before = folded[max(0, start - window - 8):start]
    hits = list(label.finditer(before))
    if not hits:
        return False
    gap = before[hits[-1].end():]
    return len(gap) <= window and not any(ch.isdigit() for ch in gap)


def _detect(folded, ctx, policy, board):
    if policy.masks("id_number"):
        for m in ID_RE.finditer(folded):
            number = normalise(m.group(0))
            labelled = _label_before(ID_LABEL, folded, m.start(), policy.id_label_window)
            if valid_id_number(number):
                reason = "公民身份号码（GB 11643 校验位正确）"
            elif labelled:
                reason = "身份证号标签后的号码（校验位不符，仍予隐去）"
            else:
                continue
            board.mask(m.start(), m.end(), "id_number", REPLACEMENTS["id_number"], reason, "detector")
    if policy.masks("bank_card"):
        for m in CARD_RE.finditer(folded):
            number = normalise(m.group(0))
            if luhn.is_valid(number):
                reason = "银行卡号（Luhn 校验正确）"
            elif _label_before(CARD_LABEL, folded, m.start(), policy.id_label_window):
                reason = "银行卡号标签后的号码"
            elif CARD_RIGHT_AFTER.search(folded[max(0, m.start() - 4):m.start()]):
                reason = "紧跟在“卡”字后的卡号"
            else:
                continue
            board.mask(m.start(), m.end(), "bank_card", REPLACEMENTS["bank_card"], reason, "detector")
    if policy.masks("phone"):
        for pattern, reason in ((MOBILE_RE, "手机号码"), (LANDLINE_RE, "固定电话号码（含区号）")):
            for m in pattern.finditer(folded):
                board.mask(m.start(), m.end(), "phone", REPLACEMENTS["phone"], reason, "detector")
        for m in LOCAL_PHONE_RE.finditer(folded):
            if _label_before(PHONE_LABEL, folded, m.start(), policy.id_label_window):
                board.mask(m.start(), m.end(), "phone", REPLACEMENTS["phone"], "电话标签后的号码（无区号）", "detector")
    if policy.masks("plate"):
        for m in PLATE_RE.finditer(folded):
            board.mask(m.start(), m.end(), "plate", REPLACEMENTS["plate"], "机动车号牌", "detector")
    if policy.masks("email"):
        for m in EMAIL_RE.finditer(folded):
            board.mask(m.start(), m.end(), "email", REPLACEMENTS["email"], "电子邮箱地址", "detector")
    if policy.masks("address"):
        labels = HOME_LABELS + (PERSON_ONLY_LABELS if ctx.kind == "person" else [])
        label_re = re.compile("(?:" + "|".join(sorted(labels, key=len, reverse=True)) + r")\s*[:：]?\s*")
        for m in label_re.finditer(folded):
            start = m.end()
            end = start
            limit = min(len(folded), start + policy.address_max_chars)
            while end < limit and folded[end] not in ADDRESS_STOP:
                end += 1
            while end > start and folded[end - 1].isspace():
                end -= 1
            if end - start < 2:
                continue
            # only what is still free: a known person's address may already be masked
            if any(board.taken[start:end]):
                continue
            _mask_address(folded, start, end, policy, board, f"“{m.group(0).strip(' :：')}”后的详细住址", "detector")
        for m in BARE_ZHU_RE.finditer(folded):
            start = m.end()
            while start < len(folded) and folded[start] in " :：":
                start += 1
            end, limit = start, min(len(folded), start + policy.address_max_chars)
            while end < limit and folded[end] not in ADDRESS_STOP:
                end += 1
            while end > start and folded[end - 1].isspace():
                end -= 1
            if end - start < 4 or len(ADDRESS_HINT_RE.findall(folded[start:end])) < 2:
                continue
            if any(board.taken[start:end]):
                continue
            _mask_address(folded, start, end, policy, board, "“住”后的详细住址", "detector")
    if policy.masks("im_account"):
        for pattern, reason in ((QQ_RE, "QQ号（QQ标签后）"), (WECHAT_RE, "微信号（微信标签后）")):
            for m in pattern.finditer(folded):
                board.mask(m.start(1), m.end(1), "im_account", REPLACEMENTS["im_account"], reason, "detector")
