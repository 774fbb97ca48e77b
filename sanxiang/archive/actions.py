"""The acts of archiving (归档): the DA/T 70 checks, archiving a case, legal holds, the archive
obligation and the January transfer list.

`check_case_file(case)` runs the four checks of DA/T 70-2018 (legal-rules.md §6a) and writes nothing;
`do_archive_case` runs them again under the case's lock and either refuses, naming every failed
item and writing nothing, or records the archived file with the result, in one transaction with
its ledger entry (which lists every file's digests again) and the archive obligation met.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io

import filetype
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang import storage
from sanxiang.access.policy import can, is_person
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.core.text import check_reason_text
from sanxiang.deadlines.queries import get_profile, profile_key_of
from sanxiang.ledger import checkpoints
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import action_label, register_actions
from sanxiang.lib.canonical import canonical_bytes
from sanxiang.records import content

from . import casefile
from .models import ArchivedCaseFile, TransferList
from .package import entries_of, ledger_objects
from .sources import CaseRecord, records_of

register_actions({
    "archive_case": "案卷归档",
    "refuse_archive_case": "归档检测未通过（未归档）",
    "recheck_archived_file": "归档案卷重新四性检测",
    "flag_modified_file": "发现案件存储文件与留痕记录不符",
    "resolve_modified_file": "案件存储文件不符已查明处理",
    "set_archive_legal_hold": "设置案卷保全",
    "make_archive_transfer_list": "制作案卷移交清单",
    "transfer_archived_file": "案卷移交档案部门",
    # the package asked for from the page or the API (exports.py); here, where a fresh process looks
    "request_archive_export": "申请导出归档信息包",
    "archive_export_ready": "归档信息包已生成",
    "archive_export_failed": "归档信息包生成失败",
    "download_archive_export": "下载归档信息包",
    "expire_archive_export": "删除过期的归档信息包",
})
# 卷宗封面, 卷内文件目录, 卷内备考表 (documents.kinds.ARCHIVE_KINDS), in the order they are bound.
FRAME_KINDS = ("file_cover", "file_catalogue", "file_notes")

ARCHIVE_LIMIT = "案卷归档期限"
MARKS = ("public", "internal", "work_secret", "business_secret", "personal_privacy", "state_secret")
# 版式文件 for documents; the media formats an evidence item or a recording may take.
DOCUMENT_FORMATS = {"pdf", "ofd"}
MEDIA_FORMATS = {"jpg", "jpeg", "png", "tif", "tiff", "mp3", "wav", "m4a", "mp4", "mov", "avi", "pdf", "ofd"}
SOURCE_FORMATS = {"docx"}  # kept beside the 版式 file as the document's source
SCAN_FORMATS = {"jpg", "jpeg", "png", "tif", "tiff"}  # a paper original's scan, beside PDF/OFD
CATEGORIES = (("authenticity", "真实性"), ("integrity", "完整性"), ("usability", "可用性"), ("security", "安全性"))


def _who(actor) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


_user = acting_user


# States in which a case's file is complete though its table goes on: a licence granted and its
# certificate issued (已发证), or revoked; a later 变更, 延续 or 注销 is an act of its own
# (行政许可法第四十九条、第五十条、第七十条).
ENDED_BEFORE_TERMINAL = {"licence_general": ("licensed", "revoked")}


def table_ended_states(table) -> list[str]:
    return [*table.terminal_states(), *ENDED_BEFORE_TERMINAL.get(table.name, ())]


def ended_states(case) -> list[str]:
    from sanxiang.workflow.tables import table_for

    return table_ended_states(table_for(case))


def plan_year_end(case) -> dt.date | None:
    """The last day of an annual 抽查计划's year (its case's kind `inspection_plan`), else None. A plan is
    a document of the year's work, not the file of one act: adopting it opens the year's inspections, and
    it is archived once that year has ended — not from its adoption (s21 tester8 #11)."""
    if case.kind != "inspection_plan":
        return None
    from sanxiang.cases.models import InspectionPlan

    year = InspectionPlan.objects.filter(case_id=case.pk).values_list("year", flat=True).first()
    return dt.date(year, 12, 31) if year else None


def is_ended(case, today: dt.date | None = None) -> bool:
    """The case has ended for archiving: in an ended state, and — an annual plan — its year is over."""
    if case.status not in ended_states(case):
        return False
    end = plan_year_end(case)
    return end is None or (today or timezone.localdate()) > end


def all_ended_states() -> set[str]:
    """Every state in which some case kind has ended (for listing cases waiting to be archived)."""
    from sanxiang.cases.models import Case
    from sanxiang.workflow.tables import all_tables

    return {s for t in all_tables() if t.model_class is Case for s in table_ended_states(t)}


# ---- the four checks ------------------------------------------------------------------------

class _Report:
    def __init__(self):
        self.categories = {code: {"code": code, "label": label, "items": []} for code, label in CATEGORIES}

    def item(self, category: str, code: str, label: str, failed: list[str], detail: str = "") -> None:
        self.categories[category]["items"].append(
            {"code": code, "label": label, "ok": not failed, "failed": failed, "detail": detail})

    def as_dict(self, **extra) -> dict:
        categories = []
        for category in self.categories.values():
            categories.append({**category, "ok": all(i["ok"] for i in category["items"])})
        return {"ok": all(c["ok"] for c in categories), "categories": categories, **extra}


def failed_items(result: dict) -> list[str]:
    return [f"{c['label']}·{i['label']}：{f}" for c in result["categories"] for i in c["items"] if not i["ok"]
            for f in i["failed"]]


class _NoKind:
    mime = ""


def _name(record: CaseRecord, role: str = "") -> str:
    if record.confidentiality == "state_secret":  # its title may itself be secret (s23 tester8 #6)
        return f"（第 {record.object_id} 号，国家秘密记录，题名不予显示）" + (f"（{role}）" if role else "")
    return f"“{record.title}”" + (f"（{role}）" if role else "")


def _kind_word(record: CaseRecord) -> str:
    """执法文书 / 证据 / 音像记录 — what a record is, before its title in a finding."""
    return {"document": "执法文书", "evidence": "证据", "av": "音像记录"}.get(record.kind.split(":", 1)[0], "记录")


def check_case_file(case, records: list[CaseRecord] | None = None) -> dict:
    """四性检测 (DA/T 70-2018) of the case's file as it stands; writes nothing."""
    records = records_of(case) if records is None else records
    volumes = casefile.assemble(case, records)
    items = [i for v in (casefile.MAIN, casefile.SECONDARY) for i in volumes[v]]
    report = _Report()
    heads = _authenticity(case, records, report)
    _integrity(case, records, volumes, report)
    _usability(records, items, heads, report)
    _security(case, records, heads, report)
    done = casefile.completeness_of(case, records)
    return report.as_dict(checked_at=timezone.localtime().isoformat(timespec="seconds"),
                          outcome=done.outcome, outcome_label=done.outcome_label, unchecked=done.unchecked)


def _authenticity(case, records, report) -> dict[str, bytes]:
    changed, heads = [], {}
    for record in records:
        for file in record.files:
            try:
                again = storage.rehash(file.path)
                with storage.open_file(file.path) as fh:
                    heads[file.path] = fh.read(8192)
            except storage.StorageError:
                changed.append(f"{_name(record, file.role)}的文件缺失")
                continue
            if (again["sha256"], again["sm3"], again["size"]) != (file.sha256, file.sm3, file.size):
                changed.append(f"{_name(record, file.role)}的文件与记录的摘要不符")
    report.item("authenticity", "digests", "固化信息（SHA-256、SM3 摘要）重新计算一致", changed)

    entries = entries_of(ledger_objects(case, records))
    recorded_by_object: dict[tuple[str, str], set[str]] = {}
    import json

    for entry in entries:
        body = json.loads(entry.entry)
        found = recorded_by_object.setdefault((entry.object_type, entry.object_id), set())
        found.update(f.get("sha256", "") for f in body.get("files") or ())
    def recorded_for(r: CaseRecord) -> set[str]:
        return set().union(*(recorded_by_object.get(o, set()) for o in ((r.object_type, r.object_id), *r.also)))

    unledgered = [f"{_name(r, f.role)}的摘要未记入留痕账本" for r in records for f in r.files
                  if f.sha256 not in recorded_for(r)]
    report.item("authenticity", "ledger", "每个文件的摘要都记入了该记录的留痕条目", unledgered)

    checkpoint = checkpoints.latest_valid()
    signed = checkpoint.tree_size if checkpoint else 0
    unsigned = [f"第 {e.index} 条留痕（{action_label(e.action)}）尚未被已签名的检查点覆盖（检查点每几秒签发一次，请稍后再试）"
                for e in entries if e.index >= signed]
    report.item("authenticity", "checkpoint", "本案全部留痕条目都在已签名的检查点之内", unsigned[:20],
                detail=f"已签名的检查点覆盖账本前 {signed} 条留痕" if checkpoint else "尚无已签名的检查点")

    unissued = [f"{_name(r)}尚未签发" for r in records
                if r.kind.startswith("document:") and not r.metadata.get("issued")]
    report.item("authenticity", "signatures", "文书均已签发（签发人、签发时间记入账本）", unissued)
    report.item("authenticity", "seals", "签发文书的电子印章有效（以本机关的印章证书验证，且覆盖整个文件）",
                _seal_failures(case, records))
    return heads


def _seal_failures(case, records) -> list[str]:
    """Each issued document sealed when issued (it names the seal's certificate) is validated with
    pyHanko against the agency's certificate as stored (seals.py)."""
    from sanxiang.documents import signing

    from .seals import seal_problem

    sealed = [r for r in records if r.metadata.get("issued") and r.metadata.get("seal_certificate_sha256")]
    if not sealed:
        return []
    chosen = signing.signer()
    stored = getattr(chosen, "stored_certificate", None)
    certificate = stored(case.agency) if stored else chosen.certificate(case.agency)
    failed = []
    for record in sealed:
        name = f"“{record.title}”{record.number}"
        if certificate is None:
            failed.append(f"{name}的电子印章无法验证：本机关的印章证书缺失")
            continue
        if signing.certificate_sha256(certificate) != record.metadata["seal_certificate_sha256"]:
            failed.append(f"{name}的电子印章不是用本机关现存的印章证书所盖")
            continue
        pdf = next((f for f in record.files if f.role == "pdf"), None)
        if pdf is None:
            failed.append(f"{name}没有盖章的 PDF")
            continue
        try:
            with storage.open_file(pdf.path) as fh:
                problem = seal_problem(fh.read(), certificate)
        except storage.StorageError:
            continue  # a missing file is already named by the digests item
        if problem:
            failed.append(f"{name}{problem}")
    return failed


def originals_not_handed_over(case) -> list[str] | None:
    """Where the profile's `records.av_upload_mode` is `with_case_file` (株洲: 执法人员应在移交执法案卷的
    同时，将音像记录的原件一并移交给档案保管部门), each recording of the case names, as the receiver of its
    latest 原件移交, one of the agency's 档案管理人员; the recordings whose original the archive does not
    hold are named. None where the profile does not ask (the item is then not shown)."""
    from sanxiang.orgs.models import Role, RoleAssignment
    from sanxiang.records.models import AudioVideoRecord

    try:
        mode = get_profile(profile_key_of(case.agency)).value("records.av_upload_mode")
    except KeyError:
        return None
    if mode != "with_case_file":
        return None
    today = timezone.localdate()
    keepers = (RoleAssignment.objects.filter(agency=case.agency_id, role=Role.RECORDS_KEEPER, active=True,
                                             valid_from__lte=today)
               .exclude(valid_to__lt=today).values_list("user", flat=True))
    keepers = set(keepers)  # by account, not by name: a namesake is not the keeper (s19, issue 8)
    missing = []
    for recording in AudioVideoRecord.objects.filter(case=case).prefetch_related("handovers").order_by("started_at", "id"):
        last = max(recording.handovers.all(), key=lambda h: (h.handed_at, h.pk), default=None)
        when = timezone.localtime(recording.started_at).strftime("%Y-%m-%d %H:%M")
        if last is None:
            missing.append(f"音像记录“{recording.title}”（{when}）的原件尚未移交档案管理部门")
        elif last.received_by_user_id not in keepers:
            missing.append(f"音像记录“{recording.title}”（{when}）的原件现由{last.received_by}持有，"
                           "尚未移交本机关档案管理人员")
    return missing


def _integrity(case, records, volumes, report) -> None:
    done = casefile.completeness_of(case, records)
    report.item("integrity", "completeness", f"按办理结果（{done.outcome_label}）应归档的材料齐全",
                [f"缺少{m}" for m in done.missing] + done.contradictions,
                detail=("尚不能检查：" + "、".join(done.unchecked)) if done.unchecked else "")

    originals = originals_not_handed_over(case)
    if originals is not None:
        report.item("integrity", "av_originals", "音像记录原件已随案卷移交档案管理部门（本机关规定）", originals)

    placed = sum(len(v) for v in volumes.values())
    items = [r for r in records if not casefile.is_frame(r)]  # the volumes' own forms are not items
    counts = [] if placed == len(items) and items else (
        ["案卷中没有任何材料"] if not items else [f"材料 {len(items)} 件，编入目录 {placed} 件"])
    files = sum(len(r.files) for r in records)
    size = sum(f.size for r in records for f in r.files)
    report.item("integrity", "counts", "材料件数、文件数与目录一致", counts,
                detail=f"{placed} 件，{files} 个文件，{size} 字节")

    gaps = []
    for volume, items in volumes.items():
        label = casefile.VOLUME_LABELS[volume]
        expected_page = 1
        for n, item in enumerate(items, start=1):
            if item.seq != n:
                gaps.append(f"{label}件号 {item.seq} 应为 {n}")
            if not item.pages:
                gaps.append(f"{label}{_name(item.record)}页数无法确定（没有可读的 PDF）")
                continue
            if item.start_page != expected_page:
                gaps.append(f"{label}{_name(item.record)}起始页号 {item.start_page} 应为 {expected_page}")
            expected_page += item.pages
    report.item("integrity", "numbering", "件号、页号连续无缺", gaps)

    forms = casefile.stale_forms(case, records, volumes)
    if any(casefile.is_frame(r) for r in records):  # 立卷 begun: every volume holding items has its forms
        forms += casefile.missing_forms(records, volumes)
    report.item("integrity", "forms", "卷宗封面、卷内文件目录和备考表与卷内材料一致", forms)

    missing = []
    if not case.number:
        missing.append("案件没有案号")
    if not case.cause:
        missing.append("案件没有案由")
    if case.kind != "inspection" and not case.case_parties.exists():
        missing.append("案件没有当事人")
    if not case.handlers.exists():
        missing.append("案件没有承办人")
    for record in records:
        if not record.title:
            missing.append(f"记录 {record.object_type}:{record.object_id} 没有题名")
        if record.made_on is None:
            missing.append(f"{_name(record)}没有形成日期")
        if record.kind.startswith("document:") and not record.number and not record.metadata.get("paper"):
            missing.append(f"{_name(record)}没有文号")
        if not record.files:
            missing.append(f"{_name(record)}没有电子文件")
    report.item("integrity", "metadata", "必要元数据齐全（案号、案由、当事人、承办人、题名、日期、文号）", missing)


def _usability(records, items, heads, report) -> None:
    unreadable = [f"{_name(i.record)}的 PDF 无法解析" for i in items
                  if any(f.role == "pdf" for f in i.record.files) and not i.pages]
    for record in records:
        for file in record.files:
            head = heads.get(file.path)
            if head is None or file.role == "pdf":
                continue
            if filetype.guess(head) is None and file.size and not _native_data(record, head):
                unreadable.append(f"{_name(record, file.role)}的格式无法识别")
            elif (content.is_iso_media(head) or (filetype.guess(head) or _NoKind).mime.startswith(("audio/", "video/"))) \
                    and content.media_checker(head):
                # a header alone plays nothing (s22 tester8 #5; WAV, MP3, WebM too: s23 #1)
                with storage.open_file(file.path) as fh:
                    problem = content.media_checker(head)(fh)
                if problem:
                    unreadable.append(f"{_name(record, file.role)}无法播放：{problem}")
    report.item("usability", "opens", "文件可以打开（PDF 可解析，媒体可解析且有时长）", unreadable)

    formats = []
    for record in records:
        roles = {f.role for f in record.files}
        if record.kind.startswith("document:") and record.metadata.get("paper"):
            allowed = DOCUMENT_FORMATS | SCAN_FORMATS  # a paper original's scan: an image or PDF
        elif record.kind.startswith("document:"):
            if not roles & DOCUMENT_FORMATS:
                formats.append(f"{_name(record)}没有版式文件（PDF 或 OFD）")
            allowed = DOCUMENT_FORMATS | SOURCE_FORMATS
        else:
            allowed = MEDIA_FORMATS
        for file in record.files:
            head = heads.get(file.path) or b""
            kind = filetype.guess(head)
            actual = kind.extension if kind else ""
            if file.extension not in allowed and actual not in allowed and not _native_data(record, head):
                formats.append(f"{_name(record, file.role)}不是归档格式")
    report.item("usability", "formats", "文书为版式文件（PDF/OFD），音像为通用格式；无加密或私有压缩", formats)


def _native_data(record, head: bytes) -> bool:
    """电子数据 in its original format: text (txt, csv, html, eml) or a zip, of evidence of that kind."""
    return record.kind == "evidence:electronic" and content.is_electronic_data(content.media_type(head))


def _zip_programs(file) -> list[str]:
    try:
        with storage.open_file(file.path) as fh:
            return content.programs_in_zip(fh if fh.seekable() else io.BytesIO(fh.read()))
    except storage.StorageError:
        return []  # a missing file is the authenticity check's finding


def _security(case, records, heads, report) -> None:
    marks = []
    if case.confidentiality not in MARKS:
        marks.append("案件没有密级或敏感标识")
    elif case.confidentiality == "state_secret":
        marks.append("涉及国家秘密的案卷不得在本系统归档，应按保密规定在涉密系统中管理")
    from sanxiang.orgs.marks import strictest
    from sanxiang.retrieval.kinds import file_marks

    # a record holding the bytes of one of the agency's 国家秘密 records — a paper original's scan among
    # them — is one too (the serving mark, decisions 0076/0081/0088; s23 tester8 #9)
    shared = file_marks((f.sha256 for r in records for f in r.files), case.agency_id)
    for record in records:
        if record.confidentiality and record.confidentiality not in MARKS:
            marks.append(f"{_name(record)}的敏感标识无效")
            continue
        mark = strictest(record.confidentiality, [m for f in record.files for m in shared.get(f.sha256, [])])
        if mark == "state_secret":  # any record, not only the case (s22 tester8 #2, 0081)
            own = record.confidentiality == mark
            named = record if own else dataclasses.replace(record, confidentiality=mark)
            what = "标为国家秘密" if own else "的文件与本机关的国家秘密记录相同"
            marks.append(f"{_kind_word(record)}{_name(named)}{what}：涉及国家秘密的案卷不得在本系统归档，"
                         "应按保密规定在涉密系统中管理")
    report.item("security", "marks", "密级和敏感标识明确，且不含国家秘密", marks)

    unexpected = []
    for record in records:
        for file in record.files:
            head = heads.get(file.path) or b""
            kind = filetype.guess(head)
            if content.is_program(head):
                unexpected.append(f"{_name(record, file.role)}是可执行程序")
            elif kind is not None and kind.mime == content.ZIP and _zip_programs(file):
                unexpected.append(f"{_name(record, file.role)}的压缩包中含可执行程序或无法检查的内容："
                                  f"{'、'.join(_zip_programs(file)[:3])}")
            elif kind is not None and file.role in ("pdf", "docx") and kind.extension != file.role:
                unexpected.append(f"{_name(record, file.role)}的实际格式是 {kind.extension}，与记录不符")
    report.item("security", "content", "文件内容与登记的格式一致，无可执行程序等异常文件", unexpected)


# ---- archiving ---------------------------------------------------------------------------------

def retention_of(case) -> tuple[str, str]:
    profile = get_profile(profile_key_of(case.agency))
    entry = profile.entry("records.retention_period")
    return entry.value, profile.cite(entry)


# 保管期限代码 of the 档号 (DA/T 22-2015 usage: 永久 Y, 定期30年 D30, 定期10年 D10); another period as written.
RETENTION_CODES = {"永久": "Y", "定期30年": "D30", "定期10年": "D10"}


def fonds_number_of(agency, on: dt.date) -> str:
    """全宗号: the agency's, from its profile (`records.fonds_number`, given by the archive office); until
    one is set, a provisional 「QZ」 + the agency's serial number — never the platform's internal key."""
    fonds = get_profile(profile_key_of(agency)).value("records.fonds_number", on=on)
    return (fonds or "").strip() or f"QZ{agency.pk:04d}"


def archive_number_of(agency, *, year: int, retention: str, seq: int, on: dt.date) -> str:
    """档号 as DA/T 13 composes it: 全宗号-年度-保管期限代码-件号."""
    return f"{fonds_number_of(agency, on)}-{year}-{RETENTION_CODES.get(retention, retention)}-{seq:04d}"


def do_archive_case(case, *, actor) -> ArchivedCaseFile:
    """归档: run the four checks under the case's lock; refuse naming every failed item, or record
    the archived file (catalogue, notes, result, retention) and meet the archive obligation."""
    from sanxiang.cases.models import Case

    failed = None
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("agency", "unit").get(pk=case.pk)
        if not can(actor, "archive_case", locked):
            raise NotPermitted("只有档案管理人员、承办机构负责人或机关负责人可以归档。")
        if ArchivedCaseFile.objects.filter(case=locked).exists():
            raise Conflict("本案已经归档，归档案卷不可更改。")
        if not is_ended(locked):
            raise RuleViolation("案件尚未办结，不能归档。" if plan_year_end(locked) is None else
                                f"抽查计划所属年度（{plan_year_end(locked).year} 年）尚未结束，年度结束后归档。", field="case")
        records = records_of(locked)
        result = check_case_file(locked, records)
        if result["ok"]:
            return _archive(locked, records, result, actor)
        # A refused attempt is recorded — who tried and which items failed (s21 tester8 #13, decision 0079):
        # the entry commits with this block, then the refusal is raised; nothing else is written.
        failed = failed_items(result)
        append_entry(action="refuse_archive_case", actor=actor, obj=locked,
                     payload={"outcome": result.get("outcome", ""), "failed": failed})
    raise RuleViolation("案卷未通过归档检测：" + "；".join(failed), reasons=failed, code="archive_checks_failed")


def _archive(locked, records, result, actor) -> ArchivedCaseFile:
    """The archived file of a case whose checks passed, under the caller's lock and transaction."""
    volumes = casefile.assemble(locked, records)
    catalogue = casefile.catalogue(locked, volumes)
    today = timezone.localdate()
    seq = (ArchivedCaseFile.objects.filter(agency=locked.agency, archive_year=today.year)
           .aggregate(m=Max("archive_seq"))["m"] or 0) + 1
    retention, basis = retention_of(locked)
    archived = ArchivedCaseFile.objects.create(
        case=locked, agency=locked.agency,
        archive_number=archive_number_of(locked.agency, year=today.year, retention=retention, seq=seq, on=today),
        archive_year=today.year, archive_seq=seq, outcome=result["outcome"], catalogue=catalogue,
        notes=casefile.notes(locked, volumes, made_by=_who(actor), checked_by=_who(actor), made_on=today),
        checks=result, catalogue_sha256=hashlib.sha256(canonical_bytes(catalogue)).hexdigest(),
        items=len(catalogue), pages=sum(i["pages"] or 0 for i in catalogue), retention=retention,
        retention_basis=basis[:300], archived_at=timezone.now(), archived_by=_user(actor),
        archived_by_name=_who(actor))
    from .package import fix_manifest

    bound = fix_manifest(archived, records)  # the manifest every package of the file carries
    append_entry(action="archive_case", actor=actor, obj=archived,
                 payload={"case": locked.pk, "catalogue_sha256": archived.catalogue_sha256,
                          "items": archived.items, "pages": archived.pages, **bound},
                 files=[{"path": f["path"], "sha256": f["sha256"], "sm3": f["sm3"], "size": f["size"]}
                        for item in catalogue for f in item["files"]])
    from sanxiang.deadlines.actions import meet_obligations_of

    meet_obligations_of(object_type=locked.ledger_type(), object_id=locked.pk, kinds=[ARCHIVE_LIMIT], actor=actor)
    return archived


@transaction.atomic
def do_prepare_file_forms(case, *, actor) -> list:
    """立卷: generate each volume's 卷宗封面, 卷内文件目录 and 卷内备考表 from the file as assembled now
    (items and pages numbered within the volume) — the 正卷's, then the 副卷's when it holds anything
    (Art.78: each volume is bound on its own) — as documents of the case, by those who generate its
    documents (the handlers 立卷; the archivist then checks and archives). A form that still lists its
    volume stays; an issued one that no longer does is corrected (更正: a new form replacing it); an
    unissued stale one is named (issue it, then 立卷 again). Refused, writing nothing, while the file
    is incomplete for its outcome (naming what is missing) or empty, before the case has ended, once
    archived, while a document's PDF is still being made (its pages are not known), or when there is
    nothing to make."""
    from sanxiang.documents.actions import do_generate_document
    from sanxiang.documents.models import Document, DocumentStatus

    if ArchivedCaseFile.objects.filter(case=case).exists():
        raise Conflict("本案已归档，案卷不能再变更。", code="case_archived")
    if not is_ended(case):
        raise RuleViolation(f"案件{case.title}尚未办结，不能立卷。", field="case")
    if Document.objects.filter(case=case, status=DocumentStatus.PENDING).exclude(kind__in=FRAME_KINDS).exists():
        raise Conflict("本案还有文书正在生成 PDF，页数未定；请稍后再立卷。", code="documents_pending")
    records = records_of(case)
    volumes = casefile.assemble(case, records)
    if not any(volumes.values()):
        raise RuleViolation("案卷中没有任何材料，不能立卷。", code="file_incomplete")
    done = casefile.completeness_of(case, records)
    if not done.complete:
        failed = [f"缺少{m}" for m in done.missing] + done.contradictions
        raise RuleViolation(f"案卷材料不全，不能立卷（{done.outcome_label}）：" + "；".join(failed), reasons=failed,
                            code="file_incomplete")
    forms = Document.objects.filter(case=case, kind__in=FRAME_KINDS).exclude(status=DocumentStatus.FAILED)
    replaced = {d.replaces_id for d in forms if d.replaces_id}
    current = {(d.kind, (d.fields.get("context") or {}).get("volume") or casefile.VOLUME_LABELS[casefile.MAIN]): d
               for d in forms.order_by("id") if d.pk not in replaced}
    plan, unissued = [], []
    for volume in (casefile.MAIN, casefile.SECONDARY):
        if not volumes[volume]:
            continue
        label = casefile.VOLUME_LABELS[volume]
        entries = casefile.form_entries(case, volumes, volume)
        for kind in FRAME_KINDS:
            form = current.get((kind, label))
            if form is None:
                plan.append((kind, label, entries, None))
            elif casefile.form_keys((form.fields.get("context") or {}).get("entries") or []) != casefile.form_keys(entries):
                if form.status == DocumentStatus.ISSUED:
                    plan.append((kind, label, entries, form))  # 更正: a new form replacing the stale one
                else:
                    unissued.append(f"{label}“{form.get_kind_display()}”{form.number}")
    if unissued:
        raise Conflict("以下表格已与卷内材料不符，但尚未签发，不能更正："
                       f"{'、'.join(unissued)}。请先签发，再立卷生成更正。", code="forms_stale")
    if not plan:
        raise Conflict("各卷的卷宗封面、卷内文件目录和备考表均已生成，且与卷内材料一致。", code="forms_exist")
    return [do_generate_document(case, kind, entries=entries, volume=label, replaces=form, actor=actor,
                                 correction_reason=(f"立卷：卷内材料已变化，{label}{form.get_kind_display()}按现有材料重新生成"
                                                    if form is not None else ""))
            for kind, label, entries, form in plan]


def _in_archived_file(archived: ArchivedCaseFile, inside: set, record: CaseRecord) -> bool:
    """A numbered item of the catalogue, or one of the volumes' own forms (卷宗封面, 卷内文件目录, 卷内备考表)
    made before archiving: the frame of the archived volumes, not an item of the catalogue."""
    if (record.object_type, record.object_id) in inside:
        return True
    made = record.metadata.get("created_at")
    return casefile.is_frame(record) and bool(made) and dt.datetime.fromisoformat(made) <= archived.archived_at


def archived_records(archived: ArchivedCaseFile) -> list[CaseRecord]:
    """The records of the archived file: its catalogue's items and its forms — judged as archived: one
    counts as replaced only by a correction inside the file, never by one made after archiving (s18 D5:
    a correction made later made the archived file fail its own 重新检测)."""
    from dataclasses import replace

    inside = {(i["object_type"], i["object_id"]) for i in archived.catalogue}
    records = [r for r in records_of(archived.case) if _in_archived_file(archived, inside, r)]
    replaced = {(r.object_type, r.metadata["replaces"]) for r in records if r.metadata.get("replaces")}
    return [replace(r, metadata={**r.metadata, "superseded": (r.object_type, r.object_id) in replaced})
            if r.metadata.get("superseded") else r for r in records]


def supplements_of(archived: ArchivedCaseFile) -> list[CaseRecord]:
    """补充材料: records of the case made after it was archived (outside the archived file); the
    volumes' forms made before archiving are the file's frame, not supplements."""
    inside = {(i["object_type"], i["object_id"]) for i in archived.catalogue}
    return [r for r in records_of(archived.case) if not _in_archived_file(archived, inside, r)]


def do_recheck_archived_file(archived: ArchivedCaseFile, *, actor) -> dict:
    """重新检测: the four checks run again on the archived file as archived (its items and forms; a
    supplement is not part of it). Writes only the ledger entry recording the result, which the
    archived file's page then shows beside the archiving one (`latest_recheck`)."""
    if not can(actor, "recheck", archived):
        raise NotPermitted("只有档案管理人员、承办机构负责人或机关负责人可以重新检测归档案卷。")
    with transaction.atomic():
        locked = ArchivedCaseFile.objects.select_for_update().select_related("case", "case__agency").get(pk=archived.pk)
        result = check_case_file(locked.case, archived_records(locked))
        failed = failed_items(result)
        append_entry(action="recheck_archived_file", actor=actor, obj=locked, payload={
            "case": locked.case_id, "ok": result["ok"], "failed": failed, "checked_at": result["checked_at"],
            "result": result})
    return {**result, "failed": failed, "checked_by": _who(actor)}


def archived_files_holding(paths) -> list[ArchivedCaseFile]:
    """The archived files whose catalogue lists one of these stored files (by storage path)."""
    wanted = set(paths)
    if not wanted:
        return []
    return [a for a in ArchivedCaseFile.objects.select_related("case", "case__agency").order_by("id")
            if any(f.get("path") in wanted for item in a.catalogue or () for f in item.get("files") or ())]


def cases_holding(paths) -> list:
    """The cases not archived whose records (documents, paper originals, evidence, recordings) hold one
    of these stored files (by storage path); an archived one is rechecked instead."""
    from django.db.models import Q

    from sanxiang.cases.models import Case
    from sanxiang.documents.models import Document, PaperOriginal
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem

    wanted = list(set(paths))
    if not wanted:
        return []
    ids = set(Document.objects.filter(Q(docx_path__in=wanted) | Q(pdf_path__in=wanted)).values_list("case_id", flat=True))
    for model in (PaperOriginal, EvidenceItem, AudioVideoRecord):
        ids |= set(model.objects.filter(upload__path__in=wanted, case__isnull=False).values_list("case_id", flat=True))
    return list(Case.objects.filter(pk__in=ids).exclude(pk__in=ArchivedCaseFile.objects.values("case_id"))
                .select_related("agency").order_by("id"))


def do_flag_modified_files(case, paths, *, actor) -> dict | None:
    """发现存储文件与留痕记录不符 of a case not archived (a read refused it, or the daily 抽检 found it):
    the case's page and the archivists' list then show it to those who work on it — not only the security
    log (s19, issue 8). One ledger entry per newly found file of the case (a file under an open flag is
    not flagged again; once the flag is resolved, a new change flags it anew); returns the flag, or None
    when nothing new."""
    wanted = set(paths)
    held = [(r.title, r.number, f.path) for r in records_of(case) for f in r.files if f.path in wanted]
    known = {p for flag in modified_file_flags(case) for p in flag["paths"]}
    new = [(t, n, p) for t, n, p in held if p not in known]
    if not new:
        return None
    payload = {"found_at": timezone.now().isoformat(timespec="seconds"), "paths": sorted({p for _, _, p in new}),
               "records": sorted({f"{t}{(' ' + n) if n else ''}" for t, n, _ in new})}
    with transaction.atomic():
        append_entry(action="flag_modified_file", actor=actor, obj=case, payload=payload)
    return payload


def _still_changed(case, paths) -> list[str]:
    """Of these stored files of the case, the records whose file is still missing or differs from the
    digests its ledger entry lists (read again)."""
    out = []
    for record in records_of(case):
        for f in record.files:
            if f.path not in paths:
                continue
            try:
                digest = storage.rehash(f.path)
            except (storage.StorageError, OSError):
                digest = None
            if digest is None or digest["sha256"] != f.sha256 or (f.size and digest["size"] != f.size):
                out.append(f"{record.title}{(' ' + record.number) if record.number else ''}")
    return sorted(set(out))


def do_resolve_modified_files(case, *, reason: str, actor) -> dict:
    """已查明处理: those who archive record that the case's stored files flagged as changed or missing have
    been looked into and put right (who, when, why — one ledger entry). Refused while a flagged file
    still differs from its ledger entry, or without a reason. The flags before it are then closed: the
    page no longer shows them, and a later change of the same file is flagged anew (s20, defects8c #8)."""
    if not can(actor, "resolve_modified_files", case):
        raise NotPermitted("只有档案管理人员、承办机构负责人或机关负责人可以登记存储文件不符已查明处理。")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("请写明查明的情况和处理结果。", field="reason", code="resolution_reason_missing")
    if len(reason) > 500:
        raise RuleViolation("查明情况过长（最多 500 字）。", field="reason")
    with transaction.atomic():
        from sanxiang.cases.models import Case

        Case.objects.select_for_update().filter(pk=case.pk).first()
        flags = modified_file_flags(case)
        if not flags:
            raise Conflict("本案没有待查明的存储文件不符。", code="nothing_flagged")
        paths = sorted({p for flag in flags for p in flag["paths"]})
        still = _still_changed(case, set(paths))
        if still:
            raise Conflict(f"以下记录的存储文件仍与留痕记录不符，请先恢复原文件（sanxiang verify 可查明）："
                           f"{'、'.join(still)}", code="file_still_modified")
        payload = {"resolved_at": timezone.now().isoformat(timespec="seconds"), "paths": paths,
                   "records": sorted({r for flag in flags for r in flag["records"]}), "reason": reason}
        append_entry(action="resolve_modified_file", actor=actor, obj=case, payload=payload)
    from sanxiang.review.queries import names_of

    return {**payload, "resolved_by": names_of([actor])[actor.pk] if is_person(actor) else _who(actor)}


def _flag_entries(case) -> list[tuple[str, str, dict]]:
    """The case's flag and resolution entries in ledger order: (action, actor, payload)."""
    import json

    from sanxiang.ledger.models import LedgerEntry, PendingEntry

    actions = ("flag_modified_file", "resolve_modified_file")
    out = []
    for action, actor, text in (LedgerEntry.objects.filter(action__in=actions, object_type=case.ledger_type(),
                                                           object_id=str(case.pk))
                                .order_by("index").values_list("action", "actor", "entry")):
        out.append((action, actor, json.loads(text).get("payload") or {}))
    for action, actor, text in (PendingEntry.objects.filter(action__in=actions, object_type=case.ledger_type(),
                                                            object_id=str(case.pk))
                                .order_by("id").values_list("action", "actor", "body")):
        out.append((action, actor, json.loads(text).get("payload") or {}))
    return out


def modified_file_flags(case) -> list[dict]:
    """The case's open flags of stored files found changed or missing (those after its last 已查明处理),
    oldest first (from the ledger)."""
    out = []
    for action, _actor, f in _flag_entries(case):
        if action == "resolve_modified_file":
            out = []
        else:
            out.append({"paths": f.get("paths") or [], "records": f.get("records") or [],
                        "found_at": f.get("found_at") or ""})
    return out


def modified_file_resolutions(case) -> list[dict]:
    """The case's 已查明处理 entries, oldest first: when, by whom (the person's name), why, which records."""
    from django.contrib.auth import get_user_model

    from sanxiang.review.queries import names_of

    rows = [(actor, f) for action, actor, f in _flag_entries(case) if action == "resolve_modified_file"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in={a for a, _ in rows})}
    names = names_of(list(users.values()))  # people see names, not logins
    return [{"resolved_at": f.get("resolved_at") or "",
             "resolved_by": names[users[actor].pk] if actor in users else actor,
             "reason": f.get("reason") or "", "records": f.get("records") or []} for actor, f in rows]


def flagged_cases(case_ids) -> set[int]:
    """Of these cases, those with an open flag of a stored file found changed or missing."""
    from sanxiang.ledger.models import LedgerEntry, PendingEntry

    ids = [str(pk) for pk in case_ids]
    actions = ("flag_modified_file", "resolve_modified_file")
    state: dict[str, bool] = {}
    for object_id, action in (LedgerEntry.objects.filter(action__in=actions, object_type="cases.case",
                                                         object_id__in=ids)
                              .order_by("index").values_list("object_id", "action")):
        state[object_id] = action == "flag_modified_file"
    for object_id, action in (PendingEntry.objects.filter(action__in=actions, object_type="cases.case",
                                                          object_id__in=ids)
                              .order_by("id").values_list("object_id", "action")):
        state[object_id] = action == "flag_modified_file"
    return {int(pk) for pk, open_ in state.items() if open_}


def latest_recheck(archived: ArchivedCaseFile) -> dict | None:
    """The latest 重新检测 of the archived file (from its ledger entry), with who ran it; None if never."""
    import json

    from sanxiang.ledger.models import LedgerEntry

    entry = (LedgerEntry.objects.filter(action="recheck_archived_file", object_type=archived.ledger_type(),
                                        object_id=str(archived.pk)).order_by("-index").first())
    if entry is None:
        return None
    from django.contrib.auth import get_user_model

    payload = json.loads(entry.entry).get("payload") or {}
    checked_at = payload.get("checked_at") or ""
    user = get_user_model().objects.filter(username=entry.actor).first()  # people see names, not logins (s18 T2)
    who = (user.get_full_name() if user is not None else "") or entry.actor
    return {**(payload.get("result") or {}), "failed": payload.get("failed") or [], "checked_by": who,
            "checked_at_text": checked_at[:16].replace("T", " ")}


def failing_rechecks(archived_ids: list[int]) -> set[int]:
    """Of these archived files, those whose latest 重新检测 did not pass (one query)."""
    import json

    from sanxiang.ledger.models import LedgerEntry

    latest: dict[int, bool] = {}
    for entry in (LedgerEntry.objects.filter(action="recheck_archived_file", object_type=ArchivedCaseFile.ledger_type(),
                                             object_id__in=[str(i) for i in archived_ids]).order_by("index")):
        latest[int(entry.object_id)] = bool((json.loads(entry.entry).get("payload") or {}).get("ok"))
    return {pk for pk, ok in latest.items() if not ok}


HOLD_REASON_MAX = ArchivedCaseFile._meta.get_field("legal_hold_reason").max_length


def do_set_legal_hold(archived: ArchivedCaseFile, *, hold: bool, reason: str, actor) -> ArchivedCaseFile:
    """保全 (legal hold): the file is kept whatever its retention period, e.g. during litigation. Setting
    and lifting both need a reason (lifting lets the file be destroyed when its retention ends), kept in
    the ledger entry; an over-long reason is refused, not cut."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("设置保全须写明理由。" if hold else "解除保全须写明理由（解除后案卷可按保管期限到期处理）。",
                            field="reason")
    if len(reason) > HOLD_REASON_MAX:
        raise RuleViolation(f"理由过长（最多 {HOLD_REASON_MAX} 字）。", field="reason")
    check_reason_text(reason, label="设置保全的理由" if hold else "解除保全的理由")  # not 「x」 (s22 tester8 #8)
    with transaction.atomic():
        locked = ArchivedCaseFile.objects.select_for_update().select_related("case").get(pk=archived.pk)
        if not can(actor, "hold", locked):
            raise NotPermitted("只有档案管理人员或机关负责人可以设置保全。")
        before = {"legal_hold": locked.legal_hold, "legal_hold_reason": locked.legal_hold_reason}
        locked.legal_hold, locked.legal_hold_reason = hold, reason if hold else ""
        locked.save(update_fields=["legal_hold", "legal_hold_reason"])
        append_entry(action="set_archive_legal_hold", actor=actor, obj=locked, payload={
            **{k: {"old": before[k], "new": getattr(locked, k)} for k in before}, "reason": reason})
        return locked


# ---- the archive obligation and the January transfer ----------------------------------------

def archive_limit_of(agency, on: dt.date):
    profile = get_profile(profile_key_of(agency))
    return profile.value("records.archive_limit", on=on)


def ended_on(case) -> dt.date:
    """When the act ended: the closing date, else the day of the case's last ledger entry (the move
    into its final state, e.g. 不予立案)."""
    from sanxiang.ledger.models import LedgerEntry

    if plan_year_end(case) is not None:
        return plan_year_end(case)
    if case.closed_on:
        return case.closed_on
    last = (LedgerEntry.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk))
            .order_by("-index").first())
    return timezone.localdate(last.created_at) if last else timezone.localdate()


def do_open_archive_obligation(case, *, ended_on: dt.date, actor):
    """案卷归档期限: from the end of the act or the closing (records.archive_trigger) for the period of
    records.archive_limit; none where the profile sets no limit. Idempotent."""
    from sanxiang.deadlines.actions import do_open_obligation
    from sanxiang.deadlines.models import Obligation

    if archive_limit_of(case.agency, ended_on) is None:
        return None
    with transaction.atomic():
        existing = Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk),
                                             kind=ARCHIVE_LIMIT).first()
        if existing is not None:
            return existing
        return do_open_obligation(object_type=case.ledger_type(), object_id=case.pk, agency=case.agency,
                                  kind=ARCHIVE_LIMIT, start=ended_on, rule="records.archive_limit",
                                  duty="archive", note=f"{case.number} 归档", actor=actor)


def transfer_month_of(agency, on: dt.date):
    return get_profile(profile_key_of(agency)).value("records.archive_transfer_month", on=on)


def waiting_for_transfer(agency, year: int):
    return (ArchivedCaseFile.objects.filter(agency=agency, archive_year=year, transfer__isnull=True)
            .select_related("case").order_by("archive_seq"))


def do_make_transfer_list(agency, *, year: int, received_by: str, actor) -> TransferList:
    """移交清单: last year's archived files handed to the archive office in one act (where the profile
    sets a transfer month, e.g. Zhuzhou: January)."""
    received_by = (received_by or "").strip()
    if not can(actor, "transfer_case_files", agency):
        raise NotPermitted("只有档案管理人员或机关负责人可以移交案卷。")
    today = timezone.localdate()
    if transfer_month_of(agency, today) is None:
        raise RuleViolation("本机关的规则配置未规定按年集中移交案卷。")
    if year >= today.year:
        raise RuleViolation(f"只能移交以前年度的案卷（{year} 年尚未结束）。", field="year")
    if not received_by:
        raise RuleViolation("请填写档案部门的接收人。", field="received_by")
    with transaction.atomic():
        if TransferList.objects.filter(agency=agency, year=year).exists():
            raise Conflict(f"{year} 年度的移交清单已经制作。")
        files = list(waiting_for_transfer(agency, year).select_for_update(of=("self",)))
        if not files:
            raise RuleViolation(f"{year} 年度没有待移交的归档案卷。", field="year")
        items = [{"archive_number": f.archive_number, "case_number": f.case.number, "cause": f.case.cause,
                  "items": f.items, "pages": f.pages, "retention": f.retention, "legal_hold": f.legal_hold}
                 for f in files]
        transfer = TransferList.objects.create(agency=agency, year=year, items=items, made_at=timezone.now(),
                                               made_by=_user(actor), made_by_name=_who(actor),
                                               received_by=received_by[:100])
        append_entry(action="make_archive_transfer_list", actor=actor, obj=transfer,
                     payload={"year": year, "files": len(items)})
        for f in files:
            f.transfer = transfer
            f.save(update_fields=["transfer"])
            append_entry(action="transfer_archived_file", actor=actor, obj=f,
                         payload={"transfer": {"old": None, "new": transfer.pk}})
        return transfer
