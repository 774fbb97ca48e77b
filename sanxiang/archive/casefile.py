"""The case file (案卷): 正卷 and 副卷 in the SAMR order, the catalogue and the notes, completeness.

《市场监督管理行政处罚程序规定》第七十八条 (legal-rules.md §3a):
* 正卷: 立案审批表 → 行政处罚决定书 and its 送达回证 → the other documents served on the party and
  their 送达回证 → evidence → 听证笔录 → 财物处理单据 → other;
* 副卷: 案源材料 → 调查终结报告 → 审核意见 → 听证报告 → 结案审批表 → other.

Records are placed by their title (题名 — the SAMR form's name, which every document kind carries as
its label) so that kinds the documents app adds later fall into place without a change here; evidence
and recordings by their kind prefix. A record whose title is not in the tables is an "other"
document of the 正卷 (served on the party) unless it is listed as internal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sanxiang import storage

from .sources import CaseRecord, known_titles, records_of

MAIN, SECONDARY = "main", "secondary"
# The volume's frame (卷宗封面, 卷内文件目录, 卷内备考表): made from the numbered items, not items themselves.
FRAME_TITLES = ("卷宗封面", "卷内文件目录", "卷内备考表")
VOLUME_LABELS = {MAIN: "正卷", SECONDARY: "副卷"}

# 正卷 (Art.78 ¶1), rank by title; 送达回证 follow the decisions (see docs/archive.md: a receipt
# does not yet name the document it serves, so all receipts follow the decision).
MAIN_ORDER = {
    "立案审批表": 10, "不予立案审批表": 10, "立案/不予立案审批表": 10,
    "行政处罚决定书": 20, "当场行政处罚决定书": 20, "不予行政处罚决定书": 20,
    "准予行政许可决定书": 20, "不予行政许可决定书": 20, "不予受理决定书": 20, "实施行政强制措施决定书": 20,
    "送达回证": 25,
    # 30: other documents served on the party (the default)
    "现场笔录": 40, "询问笔录": 40, "电子数据证据提取笔录": 40, "抽样记录": 40, "检查记录": 40,
    "证据提取单": 40, "陈述申辩笔录": 40, "整改复查记录": 40,
    "听证笔录": 50,
    "涉案物品处理记录": 60, "场所/设施/财物清单": 60, "先行处置物品确认书": 60,
}
EVIDENCE_RANK, OTHER_MAIN_RANK, SERVED_RANK = 40, 70, 30
# 副卷 (Art.78 ¶2)
SECONDARY_ORDER = {
    "案件来源登记表": 10, "案件交办通知书": 10, "案件移送函": 10,
    "案件调查终结报告": 20,
    "案件审核表": 30, "法制审核表": 30, "案件审核/法制审核表": 30, "重大行政执法决定法制审核表": 30,
    "听证报告": 40,
    "结案审批表": 50,
    "行政处罚案件有关事项审批表": 60, "行政处罚案件集体讨论记录": 60, "行政处理决定审批表": 60,
}

# What the file must hold, by outcome (any one title of a tuple will do). Sources: SAMR Art.19–20
# (立案/不予立案审批表), 48 (调查终结报告), 56 (告知), 60–62 (决定), 66–70 (当场处罚), 77 (结案审批表), 81–83
# (送达回证); 检查记录 and 许可决定 by the inspection and licence kinds' own rules (docs/archive.md).
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "penalty": (("立案审批表",), ("案件调查终结报告",), ("行政处罚告知书",), ("行政处罚决定书",), ("送达回证",),
                ("结案审批表",)),
    "onsite_penalty": (("当场行政处罚决定书",),),
    "no_penalty": (("立案审批表",), ("案件调查终结报告",), ("不予行政处罚决定书",), ("送达回证",), ("结案审批表",)),
    "terminated": (("立案审批表",), ("行政处罚案件有关事项审批表",), ("结案审批表",)),
    "transferred": (("立案审批表",), ("案件移送函", "涉嫌犯罪案件移送书"), ("结案审批表",)),
    "not_filed": (("不予立案审批表", "立案/不予立案审批表"),),
    "inspection": (("检查记录", "现场笔录"),),
    "licence": (("准予行政许可决定书", "不予行政许可决定书", "不予受理决定书"), ("送达回证",)),
    # 劳动保障监察: 责令改正 and corrected (劳动保障监察条例第十八条第一款第二项: 责令改正 is its own outcome beside the
    # penalty, legal-rules.md §5; 人社 文书: 限期整改指令书, and the
    # 复查 of the correction), then 结案. No decision on a penalty was taken: no 不予行政处罚决定书.
    "rectified": (("立案审批表",), ("劳动保障监察限期整改指令书", "责令改正通知书"), ("整改复查记录",), ("结案审批表",)),
    # 申请人撤回申请, 终止办理 (the licence table's 撤回; 行政许可法 names no decision for it): no decision to archive; the
    # application's materials and the withdrawal are what the file holds.
    "withdrawn": (),
}
# Decisions that cannot both stand in one file: a case is decided one way (行政处罚法第五十七条; 行政许可法
# 第三十八条). Documents replaced by a correction (更正) are not counted.
CONTRADICTORY: tuple[tuple[str, ...], ...] = (
    ("行政处罚决定书", "不予行政处罚决定书"), ("当场行政处罚决定书", "不予行政处罚决定书"),
    ("准予行政许可决定书", "不予行政许可决定书"), ("准予行政许可决定书", "不予受理决定书"),
)
OUTCOME_LABELS = {
    "penalty": "给予行政处罚", "onsite_penalty": "当场行政处罚", "no_penalty": "不予行政处罚",
    "terminated": "终止调查", "transferred": "移送", "not_filed": "不予立案", "inspection": "行政检查",
    "licence": "许可、确认、裁决", "rectified": "责令改正并已改正", "withdrawn": "申请人撤回申请（终止办理）",
}


def outcome_of(case) -> str:
    """The case's outcome for the completeness table."""
    status, kind = case.status, case.kind
    if status == "not_filed":
        return "not_filed"
    if status == "transferred":
        return "transferred"
    if kind == "inspection":
        return "inspection"
    if kind in ("licence", "confirmation", "adjudication"):
        return "withdrawn" if status == "withdrawn" else "licence"
    if (kind == "labour_inspection" and case.decision_outcome == "rectification" and status == "closed"
            and not case.decided_penalties and case.rectified_on is not None):
        return "rectified"
    if case.procedure == "simplified":
        return "onsite_penalty"
    if status == "cancelled" or (case.decided_on is None and case.end_reason):
        return "terminated"
    if case.decided_on is not None and not case.decided_penalties:
        return "no_penalty"
    return "penalty"


@dataclass
class Completeness:
    """完整性 by outcome: what is missing, and what cannot be checked yet (kinds not made here)."""

    outcome: str
    missing: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.contradictions

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def completeness(outcome: str, titles: set[str], known: set[str]) -> Completeness:
    """Table-driven: the required records of `outcome` against the titles present. A requirement no
    registered source can produce is reported as unchecked instead of blocking every archive."""
    result = Completeness(outcome)
    for alternatives in REQUIRED[outcome]:
        label = "或".join(alternatives)
        if titles & set(alternatives):
            continue
        if known & set(alternatives):
            result.missing.append(label)
        else:
            result.unchecked.append(label)
    result.contradictions = [f"{a}与{b}不能同时存在（案件只有一个决定）" for a, b in CONTRADICTORY
                             if a in titles and b in titles]
    return result


def document_titles(records: list[CaseRecord]) -> set[str]:
    """The titles that count for completeness: documents of that kind (执法文书), not evidence or a
    recording whatever its title says, and not one replaced by a correction."""
    return {r.title for r in records if r.kind.startswith("document:") and not r.metadata.get("superseded")}


def completeness_of(case, records: list[CaseRecord] | None = None) -> Completeness:
    records = records_of(case) if records is None else records
    result = completeness(outcome_of(case), document_titles(records), known_titles())
    _review_requirement(case, result)
    return result


def _review_requirement(case, result: Completeness) -> None:
    """A decision that needed a legal review (the catalogue's answer on the decision date, issue 9
    §1) needs its passed review. The 审核表 itself is not required here: it is made on request, and
    an agency may record a penalty's review in its internal approval form (docs/review.md)."""
    from sanxiang.cases.review_gate import proposal_of, review_problem, review_required
    from sanxiang.core.errors import RuleViolation

    if case.decided_on is None or result.outcome not in ("penalty", "no_penalty"):
        return
    proposal = proposal_of(case)
    try:
        required, rules = review_required(case, proposal, on=case.decided_on)
    except RuleViolation:
        return
    if required and review_problem(case, proposal, on=case.decided_on):
        named = "、".join(r["label"] for r in rules)
        result.missing.append(f"法制审核通过的记录（须审核：{named}）")


# ---- assembly ------------------------------------------------------------------------------

def placement(record: CaseRecord) -> tuple[str, int]:
    """Documents by their title; evidence and recordings are evidence of the 正卷 whatever their
    title (a photo titled 「结案审批表」 is not the form)."""
    if not record.kind.startswith("document:") and record.volume_hint not in (MAIN, SECONDARY):
        return MAIN, EVIDENCE_RANK
    if record.volume_hint in (MAIN, SECONDARY):
        rank = (MAIN_ORDER if record.volume_hint == MAIN else SECONDARY_ORDER).get(record.title, OTHER_MAIN_RANK)
        return record.volume_hint, rank
    if record.title in SECONDARY_ORDER:
        return SECONDARY, SECONDARY_ORDER[record.title]
    if record.title in MAIN_ORDER:
        return MAIN, MAIN_ORDER[record.title]
    if not record.kind.startswith("document:"):
        return MAIN, EVIDENCE_RANK
    return MAIN, SERVED_RANK


_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)


def pdf_pages(data: bytes) -> int | None:
    """Pages of a PDF (the root page tree's /Count), or None when it does not look like a whole PDF.

    A minimal structural check, not a full parser: header, end marker and a page tree."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return None
    counts = [int(a or b) for a, b in _PAGES.findall(data)]
    return max(counts) if counts and max(counts) > 0 else None


def stored_pdf_pages(path: str) -> int | None:
    try:
        with storage.open_file(path) as fh:
            return pdf_pages(fh.read())
    except storage.StorageError:
        return None


@dataclass
class CatalogueItem:
    volume: str
    seq: int
    record: CaseRecord
    pages: int | None
    start_page: int | None

    def as_dict(self, responsible: str) -> dict:
        return {
            "volume": self.volume, "seq": self.seq, "title": self.record.title, "number": self.record.number,
            "responsible": responsible, "made_on": self.record.made_on.isoformat() if self.record.made_on else "",
            "pages": self.pages, "start_page": self.start_page,
            "end_page": (self.start_page + self.pages - 1) if self.pages and self.start_page else None,
            "kind": self.record.kind, "object_type": self.record.object_type, "object_id": self.record.object_id,
            "confidentiality": self.record.confidentiality,
            "files": [{"role": f.role, "path": f.path, "sha256": f.sha256, "sm3": f.sm3, "size": f.size}
                      for f in self.record.files],
        }


def _pages_of(record: CaseRecord) -> int | None:
    pdf = next((f for f in record.files if f.role == "pdf"), None)
    if pdf is not None:
        return stored_pdf_pages(pdf.path)
    if record.files and (not record.kind.startswith("document:") or record.metadata.get("paper")):
        return 1  # a photo, a recording, a paper original scanned as one image: one sheet
    return None


def is_frame(record: CaseRecord) -> bool:
    """A 卷宗封面, 卷内文件目录 or 卷内备考表: a volume's frame, not one of its numbered items."""
    return record.kind.startswith("document:") and record.title in FRAME_TITLES


def assemble(case, records: list[CaseRecord] | None = None) -> dict[str, list[CatalogueItem]]:
    """正卷 and 副卷 with continuous item and page numbers per volume (卷内文件目录)."""
    records = records_of(case) if records is None else records
    placed = sorted(((placement(r), i, r) for i, r in enumerate(records)), key=lambda x: (x[0][0] != MAIN, x[0][1], x[1]))
    volumes: dict[str, list[CatalogueItem]] = {MAIN: [], SECONDARY: []}
    next_page = {MAIN: 1, SECONDARY: 1}
    for (volume, _rank), _i, record in placed:
        if is_frame(record):
            continue
        pages = _pages_of(record)
        start = next_page[volume] if pages else None
        if pages:
            next_page[volume] += pages
        volumes[volume].append(CatalogueItem(volume, len(volumes[volume]) + 1, record, pages, start))
    return volumes


def form_entries(case, volumes: dict[str, list[CatalogueItem]], volume: str = MAIN) -> list[dict]:
    """The entries of the 卷内文件目录 of one volume, as the documents' archive forms take them."""
    entries = []
    for item in volumes[volume]:
        pages = ""
        if item.pages and item.start_page:
            end = item.start_page + item.pages - 1
            pages = str(item.start_page) if end == item.start_page else f"{item.start_page}-{end}"
        entries.append({"seq": item.seq, "number": item.record.number, "responsible": case.agency.name,
                        "title": item.record.title, "date": item.record.made_on.isoformat() if item.record.made_on else "",
                        "pages": pages, "note": ""})
    return entries


FORM_KEYS = ("seq", "title", "number", "pages")


def form_keys(entries: list[dict]) -> list[list[str]]:
    """What a form's entries are compared by (not the dates: issuing a document later is no change)."""
    return [[str(e.get(k) or "") for k in FORM_KEYS] for e in entries]


def stale_forms(case, records: list[CaseRecord], volumes: dict[str, list[CatalogueItem]]) -> list[str]:
    """The volumes' forms (卷内文件目录, 卷内备考表, 卷宗封面) that no longer list the volume as it stands
    (items, titles, numbers, pages), each named; forms replaced by a correction are not counted."""
    labels = {label: volume for volume, label in VOLUME_LABELS.items()}
    stale = []
    for record in records:
        if not is_frame(record) or record.metadata.get("superseded") or "form_entries" not in record.metadata:
            continue
        label = record.metadata.get("form_volume") or VOLUME_LABELS[MAIN]
        listed = record.metadata["form_entries"]
        now = form_keys(form_entries(case, volumes, labels.get(label, MAIN)))
        if listed != now:
            stale.append(f"{label}{_form_name(record)}已过时：列有 {len(listed)} 件，卷内现有 {len(now)} 件"
                         + ("" if len(listed) != len(now) else "（题名、文号或页号已变）")
                         + "，请重新立卷（更正）")
    return stale


def _form_name(record: CaseRecord) -> str:
    return f"“{record.title}”" + (record.number or "")


def missing_forms(records: list[CaseRecord], volumes: dict[str, list[CatalogueItem]]) -> list[str]:
    """The volumes holding items that have no form of a kind yet (立卷 not done for them)."""
    made = {(r.title, r.metadata.get("form_volume") or VOLUME_LABELS[MAIN]) for r in records
            if is_frame(r) and not r.metadata.get("superseded")}
    return [f"{VOLUME_LABELS[v]}没有“{t}”" for v in (MAIN, SECONDARY) if volumes[v] for t in FRAME_TITLES
            if (t, VOLUME_LABELS[v]) not in made]


def catalogue(case, volumes: dict[str, list[CatalogueItem]]) -> list[dict]:
    return [item.as_dict(case.agency.name) for volume in (MAIN, SECONDARY) for item in volumes[volume]]


def notes(case, volumes: dict[str, list[CatalogueItem]], *, made_by: str, checked_by: str, made_on) -> dict:
    """卷内备考表: what the volume holds, who made it up and who checked it, when."""
    out = {}
    for volume in (MAIN, SECONDARY):
        items = volumes[volume]
        pages = sum(i.pages or 0 for i in items)
        out[volume] = {
            "label": VOLUME_LABELS[volume], "items": len(items), "pages": pages,
            "statement": f"本卷共有文件材料 {len(items)} 件，{pages} 页；电子文件 "
                         f"{sum(len(i.record.files) for i in items)} 个，摘要已记入留痕账本。",
            "made_by": made_by, "checked_by": checked_by, "made_on": made_on.isoformat(),
        }
    return out
