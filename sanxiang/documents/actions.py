"""The acts on documents (执法文书): generate, render (the job runner), issue, upload a template.

Each checks permission and the law, writes its rows and appends its ledger entry — with the
stored files' digests (`files=`), so `sanxiang verify` re-hashes them — in one transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
from importlib import resources

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang import storage
from sanxiang.access.actors import JOBS, MIGRATION, is_system_actor
from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.core.text import check_reason_text
from sanxiang.deadlines.queries import profile_key_of, profile_value
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from . import fill, kinds, render, required, signing
from .models import Document, DocumentKind, DocumentSignature, DocumentStatus, DocumentTemplate, SignatureRole
from .signers import signer_label

register_actions({
    "install_document_template": "登记国家默认文书模板",
    "register_paper_original": "登记纸质文书原件扫描件",  # documents/paper.py; registered where the registry looks
    "upload_document_template": "上传文书模板",
    "generate_document": "生成执法文书",
    "render_document": "生成执法文书 PDF",
    "fail_document_render": "执法文书 PDF 生成失败",
    "issue_document": "签发执法文书",
    "sign_document": "执法文书手写签名",
    "note_signature_refusal": "注明当事人拒绝签名",
    "deactivate_document_template": "停用文书模板",
})

NUMBER_ATTEMPTS = 8
FILL_ATTEMPTS = 3
S = DocumentStatus


def _kind(kind) -> kinds.Spec:
    spec = kinds.SPECS.get(kind)
    if spec is None:
        raise RuleViolation(f"没有“{kind}”这种执法文书。", field="kind")
    return spec


def _archived(case) -> bool:
    from sanxiang.archive.models import ArchivedCaseFile

    return ArchivedCaseFile.objects.filter(case=case).exists()


def _supplement_reason(case, reason, replaces, act="生成执法文书") -> str:
    """The reason of an 归档后补充, required on an archived case and refused on any other. A supplement
    is new material beside the archived file; a correction would change the file, so none is made.
    One rule for every record added to a case (documents, paper originals, evidence: `act` names it)."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not _archived(case):
        if reason:
            raise RuleViolation(f"本案尚未归档，{act}无需写明归档后补充原因。", field="supplement_reason")
        return ""
    if replaces is not None:
        raise Conflict(f"本案已归档，归档案卷不可更改：{replaces}不能再更正。", field="replaces", code="case_archived")
    if not reason:
        raise Conflict(f"本案已归档，归档案卷不可更改，不能再{act}；确需在归档后补充的，请写明补充原因"
                       "（作为归档后补充材料，另附于归档案卷之外）。", field="supplement_reason", code="case_archived")
    if len(reason) > 300:
        raise RuleViolation("归档后补充原因过长（最多 300 字）。", field="supplement_reason")
    return check_reason_text(reason, label="归档后补充原因", field="supplement_reason")


def _correction_reason(reason, replaces) -> str:
    """Why an issued document is corrected (更正原因): required, so the file says what was wrong."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation(f"请写明更正原因：{replaces}哪里有误、如何更正。", field="correction_reason",
                            code="correction_reason_missing")
    if len(reason) > 300:
        raise RuleViolation("更正原因过长（最多 300 字）。", field="correction_reason")
    return check_reason_text(reason, label="更正原因", field="correction_reason")


def ended_refusal(case, spec, replaces) -> str | None:
    """Why a correction of a served decision is refused on an ended case: a decision served on the
    party is changed only by its own procedure (撤销、变更 — with review, a new decision and a new
    service), not by a "corrected" copy; the law the platform carries names no 笔误补正, so none is made."""
    from sanxiang.workflow import get_table

    if (replaces is None or spec.kind not in kinds.SERVED_KINDS
            or case.status not in get_table(case.workflow_table()).terminal_states()):
        return None
    return (f"本案已结案：{replaces}已送达当事人，不能以更正文书改变；确有错误的，应依法定程序撤销或变更原决定，"
            "重新作出决定并送达。")


_user = acting_user


def _store(data: bytes) -> storage.StoredFile:
    try:
        return storage.put(io.BytesIO(data))
    except storage.StorageError as exc:
        raise RuleViolation(f"文件未能保存：{exc}") from None


# ---- templates ---------------------------------------------------------------------------------

def packaged_template(kind: str) -> bytes:
    """The national template shipped with the platform (authoring.py writes it)."""
    return resources.files("sanxiang.documents").joinpath(f"templates/docx/{kind}.docx").read_bytes()


def _national_template(kind: str) -> DocumentTemplate:
    """The newest national version, registered from the shipped file the first time it is needed
    (and again as a new version when a release ships a changed file)."""
    data = packaged_template(kind)
    digest = hashlib.sha256(data).hexdigest()
    newest = DocumentTemplate.objects.filter(agency=None, kind=kind).order_by("-version").first()
    if newest is not None and newest.sha256 == digest:
        return newest
    stored = _store(data)
    try:
        with transaction.atomic():
            row = DocumentTemplate.objects.create(
                agency=None, kind=kind, version=(newest.version + 1) if newest else 1, file_path=stored.path,
                sha256=stored.sha256, sm3=stored.sm3, size=stored.size, uploaded_at=timezone.now(),
                reason="随平台发布的国家默认模板")
            append_entry(action="install_document_template", actor=MIGRATION, obj=row,
                         payload={"kind": kind, "version": row.version}, files=[stored.record()])
    except IntegrityError:  # another request registered it at the same moment
        return DocumentTemplate.objects.filter(agency=None, kind=kind).order_by("-version").first()
    return row


def current_template(agency, kind: str) -> DocumentTemplate:
    """The newest active version of the agency's own, else the national one."""
    own = DocumentTemplate.objects.filter(agency=agency, kind=kind, active=True).order_by("-version").first()
    return own or _national_template(kind)


def template_bytes(template: DocumentTemplate) -> bytes:
    try:
        with storage.open_file(template.file_path) as fh:
            return fh.read()
    except storage.StorageError as exc:
        raise RuleViolation(f"{template}的文件缺失，无法生成文书：{exc}") from None


# ---- filling outside the transaction -----------------------------------------------------------
# A filling takes up to `DOCUMENT_FILL_SECONDS` (fill.py), and a transaction holds the database's write
# lock (SQLite: BEGIN IMMEDIATE) — the whole platform would wait for one agency's template (s20, tester8
# #3). So an action that fills runs its checks in its transaction up to the filling, where `_filled`
# asks for the filled document: the first time it is not there, the transaction is rolled back, the
# template filled with no transaction open, and the action run again, now finding the document filled
# from exactly the template and values it computes (else, the case changed meanwhile, once more).

class _NeedsFill(Exception):
    def __init__(self, key: str, template, context: dict, images: dict | None, failure: str):
        super().__init__(key)
        self.key, self.template, self.context, self.images, self.failure = key, template, context, images, failure


def _fill_key(template, context: dict, images: dict | None) -> str:
    text = json.dumps([template.sha256, context, {name: hashlib.sha256(png).hexdigest()
                                                  for name, png in (images or {}).items()}],
                      sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _filled(prefilled: dict | None, template, context: dict, *, images: dict | None = None, failure: str) -> bytes:
    """The docx filled from `template` with `context` (and `images`), filled before this transaction."""
    key = _fill_key(template, context, images)
    if prefilled is None or key not in prefilled:
        raise _NeedsFill(key, template, context, images, failure)
    return prefilled[key]


def _fill_outside(need: _NeedsFill) -> bytes:
    if transaction.get_connection().in_atomic_block:  # a caller's own transaction (an app making its forms)
        import logging
        logging.getLogger(__name__).warning("template filled inside a caller's transaction: %s", need.template)
    try:
        return fill.fill(template_bytes(need.template), need.context, images=need.images)
    except RuleViolation:
        raise
    except Exception as exc:  # an agency's template that passed the sample may still fail on a real case
        raise RuleViolation(f"{need.failure}：{getattr(exc, 'kind', type(exc).__name__)}：{exc}", field="kind") from None


def _fills_before_its_transaction(action):
    """`action` runs in its own transaction (as `@transaction.atomic`), filling before it (above)."""
    @functools.wraps(action)
    def run(*args, **kwargs):
        prefilled: dict[str, bytes] = {}
        for _attempt in range(FILL_ATTEMPTS):
            try:
                with transaction.atomic():
                    return action(*args, _prefilled=prefilled, **kwargs)
            except _NeedsFill as need:
                prefilled[need.key] = _fill_outside(need)
        raise Conflict("案件信息在生成文书期间一再变化，请稍后重试。", code="case_changed")
    return run


def do_upload_document_template(agency, kind: str, data: bytes, *, reason: str, actor) -> DocumentTemplate:
    """上传文书模板: the agency's own version of a kind; checked by filling it with a sample case —
    before the transaction opens (the check fills, up to its time bound; no lock is held meanwhile)."""
    if not can(actor, "manage_document_templates", agency):
        raise NotPermitted(f"只有“{agency.name}”的管理员或单位领导可以上传文书模板。")
    spec = _kind(kind)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明上传模板的原因。", field="reason")
    if len(reason) > 300:
        raise RuleViolation("上传原因过长（最多 300 字）。", field="reason")
    sample = kinds.sample_context(spec.kind)
    fill.check_template(data, sample)
    lacking = required.missing(spec.kind, data, sample)
    if lacking:
        raise RuleViolation(f"模板缺少{spec.label}必须载明的内容：" + "；".join(lacking)
                            + "。请保留国家模板中的这些填充标记和文字后重新上传。", field="file", code="template_incomplete")
    stored = _store(data)
    with transaction.atomic():
        if not can(actor, "manage_document_templates", agency):  # again, in the transaction that writes
            raise NotPermitted(f"只有“{agency.name}”的管理员或单位领导可以上传文书模板。")
        last = DocumentTemplate.objects.filter(agency=agency, kind=kind).aggregate(v=Max("version"))["v"] or 0
        try:
            with transaction.atomic():
                row = DocumentTemplate.objects.create(
                    agency=agency, kind=kind, version=last + 1, file_path=stored.path, sha256=stored.sha256,
                    sm3=stored.sm3, size=stored.size, uploaded_by=_user(actor),
                    uploaded_at=timezone.now(), reason=reason)
        except IntegrityError:
            raise Conflict("另一用户刚刚上传了同类模板，请刷新后重试。", field="file") from None
        append_entry(action="upload_document_template", actor=actor, obj=row,
                     payload={"kind": kind, "version": row.version, "reason": reason}, files=[stored.record()])
    return row


@transaction.atomic
def do_deactivate_document_template(template, *, reason: str, actor) -> DocumentTemplate:
    """停用文书模板: an agency's version is no longer used for new documents (the documents filled
    from it keep naming it); the agency's next newest active version, else the national one, is used."""
    locked = DocumentTemplate.objects.select_related("agency").select_for_update(of=("self",)).get(pk=template.pk)
    if locked.agency_id is None or not can(actor, "manage_document_templates", locked.agency):
        raise NotPermitted("只有本机关的管理员或单位领导可以停用本机关的文书模板。")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明停用模板的原因。", field="reason")
    if len(reason) > 300:
        raise RuleViolation("停用原因过长（最多 300 字）。", field="reason")
    if not locked.active:
        raise Conflict(f"{locked}已于 {timezone.localtime(locked.deactivated_at):%Y-%m-%d %H:%M} 停用。",
                       code="template_inactive")
    locked.active, locked.deactivated_by, locked.deactivated_at = False, _user(actor), timezone.now()
    locked.deactivation_reason = reason
    locked.save(update_fields=["active", "deactivated_by", "deactivated_at", "deactivation_reason"])
    append_entry(action="deactivate_document_template", actor=actor, obj=locked,
                 payload={"kind": locked.kind, "version": locked.version, "reason": reason})
    return locked


class TemplateUnreadable(Exception):
    """The stored file of a template could not be read now (storage fault, restore in progress): not a
    verdict on the template."""


def do_recheck_agency_templates(*, actor) -> tuple[int, list[tuple[DocumentTemplate, str]],
                                                    list[tuple[DocumentTemplate, str]]]:
    """重新检查机关文书模板 (`sanxiang documents recheck`, operators): every active agency version is
    checked again with the checks of an upload today (the sandbox's reach, the time bound, what the
    kind requires). One that fails is deactivated — its agency needs a new version; the national one
    is used meanwhile — with the reason, in its own transaction and ledger entry
    (`deactivate_document_template`, `recheck: true`). Versions uploaded before a check existed are
    so caught before a document is made from them. A version whose file cannot be read now is not
    judged (a storage fault is not the template's failing, s20 tester8 #23): it is reported and left as
    it is. Returns (checked, [(deactivated template, why)], [(unread template, why)])."""
    if not is_system_actor(actor):
        raise NotPermitted("重新检查文书模板由运维命令执行（sanxiang documents recheck）。")
    failed, unreadable, checked = [], [], 0
    for template in DocumentTemplate.objects.filter(agency__isnull=False, active=True).select_related("agency") \
            .order_by("agency__code", "kind", "version"):
        checked += 1
        try:
            problem = template_problem(template)
        except TemplateUnreadable as exc:
            unreadable.append((template, str(exc)))
            continue
        if not problem:
            continue
        reason = f"重新检查未通过（{timezone.localdate():%Y-%m-%d}）：{problem}"[:300]
        with transaction.atomic():
            locked = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
            if not locked.active:
                continue
            locked.active, locked.deactivated_by, locked.deactivated_at = False, _user(actor), timezone.now()
            locked.deactivation_reason = reason
            locked.save(update_fields=["active", "deactivated_by", "deactivated_at", "deactivation_reason"])
            append_entry(action="deactivate_document_template", actor=actor, obj=locked,
                         payload={"kind": locked.kind, "version": locked.version, "reason": reason, "recheck": True})
        failed.append((locked, problem))
    return checked, failed, unreadable


def template_problem(template: DocumentTemplate) -> str:
    """Why a stored version would be refused if uploaded today ("" when it passes);
    TemplateUnreadable when its file cannot be read now."""
    try:
        with storage.open_file(template.file_path) as fh:
            data = fh.read()
    except (storage.StorageError, OSError) as exc:
        raise TemplateUnreadable(f"文件暂时无法读取（{exc}）") from None
    try:
        spec = _kind(template.kind)
        sample = kinds.sample_context(spec.kind)
        fill.check_template(data, sample)
        lacking = required.missing(spec.kind, data, sample)
    except RuleViolation as exc:
        return exc.message
    if lacking:
        return f"模板缺少{spec.label}必须载明的内容：" + "；".join(lacking)
    return ""


# ---- numbering ---------------------------------------------------------------------------------

def number_text(agency, spec: kinds.Spec, year: int, seq: int, on) -> str:
    """文号 by the agency's rule (profile `documents.number_format`, `documents.agency_short`)."""
    key = profile_key_of(agency)
    pattern = profile_value(key, "documents.number_format", on)
    short = profile_value(key, "documents.agency_short", on) or agency.name
    try:
        return pattern.format(agency_short=short, kind_short=spec.short, year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise RuleViolation(f"{agency.name}的规则配置“documents.number_format”无效（{pattern}）：{exc}",
                            code="profile_value") from None


def _allot(case, spec, template, *, actor, on, replaces) -> Document:
    """A new document row with the next 文号 of (agency, kind, year): the highest plus one, as case
    numbers are allotted; the unique constraint catches a concurrent allotment, which then takes
    the next number (a savepoint per attempt), so numbers have neither gaps nor duplicates."""
    for _attempt in range(NUMBER_ATTEMPTS):
        last = (Document.objects.filter(agency_id=case.agency_id, kind=spec.kind, number_year=on.year)
                .aggregate(seq=Max("number_seq"))["seq"]) or 0
        try:
            with transaction.atomic():
                return Document.objects.create(
                    case=case, agency_id=case.agency_id, kind=spec.kind, template=template,
                    number=number_text(case.agency, spec, on.year, last + 1, on), number_year=on.year,
                    number_seq=last + 1, docx_path="", docx_sha256="", docx_sm3="", docx_size=0,
                    replaces=replaces, created_by=_user(actor), created_at=timezone.now())
        except IntegrityError:
            continue
    raise Conflict("文号分配冲突（多人同时生成），请重试。", field="kind")


# ---- documents ---------------------------------------------------------------------------------

def _open_of_kind(case, kind, exclude=None):
    found = Document.objects.filter(case=case, kind=kind).exclude(status=S.FAILED)
    return found.exclude(pk=exclude.pk) if exclude is not None else found


def _refuse_another(existing, replaces, already: str):
    """A kind made once (per case, volume or measure): a second is refused naming the first; once
    the first is issued, only its correction may follow."""
    if replaces is None and existing is not None and existing.status == S.ISSUED:
        raise Conflict(f"{existing}已签发，不能再生成；如需更正，请生成更正文书。", field="kind",
                       code="document_already_issued")
    if existing is not None and existing != replaces:
        raise Conflict(already.format(status=existing.get_status_display(), existing=existing)
                       + "，请先签发或等待生成完成。", field="kind", code="document_exists")


def _measure_of(case, spec: kinds.Spec, measure):
    """The coercive measure a measure kind is about: the one named (of this case, in a fitting
    state), else the case's newest that fits."""
    if spec.measure is None:
        return None
    fitting = kinds.measures_for(case, spec)
    if measure is None:
        return fitting[0] if fitting else None
    pk = getattr(measure, "pk", measure)
    chosen = next((m for m in fitting if str(m.pk) == str(pk)), None)
    if chosen is None:
        raise RuleViolation(f"本案没有可制作{spec.label}的行政强制措施（所选措施不属于本案或状态不符）。", field="measure")
    return chosen


@_fills_before_its_transaction
def do_generate_document(case, kind: str, *, actor, inputs: dict | None = None, replaces=None, measure=None,
                         entries: list[dict] | None = None, volume: str | None = None, subject=None,
                         supplement_reason: str = "", correction_reason: str = "", _prefilled=None) -> Document:
    """生成执法文书: fill the template from the case, number it and queue its PDF (待生成).

    A kind is generated once per case, unless it is repeatable (笔录, the documents of each
    measure); once issued, a correction names the document it replaces. `measure` picks the
    coercive measure of a measure kind; `entries` are the file entries of the archive forms, which
    are made once per `volume` (正卷, 副卷; a correction keeps the volume of the form it replaces).
    A kind not offered on the case page (the 审核表) is made from its `subject` (a review round),
    once per subject; the calling app's action checks the subject belongs to the case.

    An archived file does not change (issue §5): on an archived case a document is made only as an
    归档后补充 with its `supplement_reason`, never a correction; on an ended case a served decision is
    not "corrected" (`ended_refusal`). A correction states why (`correction_reason`): kept in the
    document's fields, the ledger entry and the archive's metadata, shown on the case page."""
    from sanxiang.cases.models import Case

    case = Case.objects.select_related("agency", "unit").select_for_update(of=("self",)).get(pk=case.pk)
    if not can(actor, "generate_documents", case):
        raise NotPermitted(f"您无权为案件{case.title}生成执法文书。")
    spec = _kind(kind)
    if spec.kind in kinds.ARCHIVE_KINDS and _archived(case):
        raise Conflict("本案已归档：卷宗封面、卷内文件目录和卷内备考表是归档案卷的一部分，不能再生成或更正。",
                       field="kind", code="case_archived")
    supplement_reason = _supplement_reason(case, supplement_reason, replaces)
    refusal = ended_refusal(case, spec, replaces)
    if refusal:
        raise Conflict(refusal, field="replaces", code="decision_served")
    if not spec.offered and subject is None:
        raise RuleViolation(f"{spec.label}须从其所记录的事项生成（如法制审核的审核轮次），不能单独生成。", field="kind")
    order = making_guard(case, spec)
    subject_key = f"{subject._meta.label_lower}:{subject.pk}" if subject is not None else None
    if replaces is not None:
        replaces = Document.objects.select_for_update().get(pk=replaces.pk)
        if replaces.case_id != case.pk or replaces.kind != spec.kind:
            raise RuleViolation(f"更正文书须与被更正的文书（{replaces}）属同一案件、同一种类。", field="replaces")
        if replaces.status != S.ISSUED:
            raise RuleViolation(f"{replaces}尚未签发，无需更正：直接签发或重新生成即可。", field="replaces")
        correction_reason = _correction_reason(correction_reason, replaces)
        corrected = replaces.corrections.exclude(status=S.FAILED).order_by("-id").first()
        if corrected is not None:  # one correction per document: a chain, never two rivals (s18 D1)
            raise Conflict(f"{replaces}已由{corrected}更正，不能再次更正；如需更正，请更正{corrected}。",
                           field="replaces", code="document_already_corrected")
    if spec.kind in kinds.ARCHIVE_KINDS and volume is None:
        volume = ((replaces.fields.get("context") or {}).get("volume") if replaces is not None else None) or "正卷"
    if not spec.repeatable:
        existing = _open_of_kind(case, spec.kind)
        if spec.kind in kinds.ARCHIVE_KINDS:
            existing = existing.filter(fields__context__volume=volume)
        if subject_key is not None:
            existing = existing.filter(fields__subject=subject_key)
        _refuse_another(existing.order_by("-id").first(), replaces, "本案已有{status}的{existing}")
    if replaces is not None and measure is None:
        measure = replaces.fields.get("measure")  # a correction is about the measure of the one it corrects
    chosen_measure = _measure_of(case, spec, measure)
    if chosen_measure is not None:  # one document of each measure kind per measure (行政强制法 第二十四条)
        if replaces is not None and replaces.fields.get("measure") != chosen_measure.pk:
            raise RuleViolation(f"更正文书须与被更正的{replaces}针对同一项行政强制措施。", field="measure")
        existing = _open_of_kind(case, spec.kind).filter(fields__measure=chosen_measure.pk).order_by("-id").first()
        _refuse_another(existing, replaces, "该行政强制措施已有{status}的{existing}（一项措施只制作一份）")
    cleaned = kinds.clean_inputs(spec, inputs)
    given = kinds.Given(measure=chosen_measure, entries=entries, volume=volume or "正卷", replaces=replaces,
                        subject=subject, actor=actor,
                        codes=_prefilled.setdefault("party_codes", {}) if _prefilled is not None else {})
    if order is not None:
        given.order = order
    if spec.kind == DocumentKind.FILE_NOTES:
        given.compiled_by, given.checked_by = file_people(case, actor)
    if spec.kind == DocumentKind.SERVICE_RECEIPT:
        given.served = (Document.objects.filter(case=case, kind__in=kinds.SERVED_KINDS).exclude(status=S.FAILED)
                        .order_by("-id").first())
    template = current_template(case.agency, spec.kind)
    on = timezone.localdate()
    document = _allot(case, spec, template, actor=actor, on=on, replaces=replaces)
    context = kinds.context(case, spec, cleaned, number=document.number, on=on, given=given)
    docx = _filled(_prefilled, template, context, failure=f"{template}无法填充本案")
    stored = _store(docx)
    document.fields = {"inputs": cleaned, "context": context}
    if supplement_reason:
        document.fields["supplement_reason"] = supplement_reason
    if replaces is not None:
        document.fields["correction_reason"] = correction_reason
    if given.measure is not None:
        document.fields["measure"] = given.measure.pk
    if subject_key is not None:
        document.fields["subject"] = subject_key
    document.confidentiality = case.confidentiality
    document.docx_path, document.docx_sha256, document.docx_sm3, document.docx_size = (
        stored.path, stored.sha256, stored.sm3, stored.size)
    document.save()
    append_entry(action="generate_document", actor=actor, obj=document, files=[stored.record()], payload={
        "case": case.number, "kind": spec.kind, "number": document.number, "template_version": template.version,
        "national_template": template.agency_id is None, "replaces": replaces.number if replaces else None,
        "measure": given.measure.pk if given.measure is not None else None,
        **({"supplement_reason": supplement_reason} if supplement_reason else {}),
        **({"correction_reason": correction_reason} if replaces is not None else {})})
    transaction.on_commit(_queue_rendering)
    return document


def making_guard(case, spec: kinds.Spec, act: str = "生成"):
    """Whether a document of `spec` may be made in `case` now — one guard for a generated document
    and a paper original of the kind (paper.py; s20, tester8 #4): it does not contradict the case's
    decision, the case's state offers the kind (a kind made from its subject, e.g. the 审核表: whenever
    its subject's app makes it, which checks the subject), and what it presupposes exists (a 整改复查记录:
    the issued order, returned)."""
    conflict = kinds.decision_conflict(case, spec.kind)
    if conflict:
        raise RuleViolation(conflict, field="kind", code="decision_contradicts")
    if spec.offered and spec not in kinds.available_kinds(case):
        raise RuleViolation(f"案件{case.title}处于“{case.status_label}”，不能{act}{spec.label}。", field="kind",
                            code="kind_not_available")
    if spec.kind == DocumentKind.RECTIFICATION_RECHECK:
        return issued_order(case, act)
    return None


def superseded_order(document) -> str:
    """For a 整改复查记录 naming an order that a later issued correction replaced: what to say of it (s20,
    tester8 #26: it kept naming the corrected order, unmarked); "" otherwise. The record is not changed
    (a made record stays as made); the note is shown with it (case page, API `order_superseded`)."""
    if document.kind != DocumentKind.RECTIFICATION_RECHECK or document.status == S.FAILED:
        return ""
    named = (document.fields.get("context") or {}).get("order_number") or ""
    try:
        current = issued_order(document.case)
    except RuleViolation:
        return ""
    if not named or current.number == named:
        return ""
    reason = current.fields.get("correction_reason") or ""
    return (f"所复查的{named}已由{current.number}更正" + (f"（{reason}）" if reason else "")
            + "；本记录复查的是更正前的指令书，应按更正后的指令书复查。")


def prerequisite_refusal(case, spec: kinds.Spec) -> str:
    """Why a kind the case's state offers cannot be made yet ("" if it can): shown with the offer
    (kinds list, case page) instead of a refusal after the form is filled (s20, tester8 #17)."""
    try:
        if spec.kind == DocumentKind.RECTIFICATION_RECHECK:
            issued_order(case)
    except RuleViolation as exc:
        return exc.message
    return ""


def issued_order(case, act: str = "生成") -> Document:
    """The 限期整改指令书 a 整改复查记录 rechecks: the case's newest issued one (a correction, once issued,
    in place of the one it corrects). A recheck checks an order the party was given, so none is made
    before the order is issued (劳动保障监察条例 第十八条: 责令改正 — then the 复查 of that order)."""
    order = (Document.objects.filter(case=case, kind=DocumentKind.RECTIFICATION_ORDER, status=S.ISSUED)
             .order_by("-issued_at", "-id").first())
    if order is None:
        pending = _open_of_kind(case, DocumentKind.RECTIFICATION_ORDER).order_by("-id").first()
        state = f"（{pending}{pending.get_status_display()}）" if pending is not None else ""
        made = "制作" if act == "生成" else act
        raise RuleViolation(f"劳动保障监察限期整改指令书尚未签发{state}，不能{made}整改复查记录：请先生成并签发指令书。",
                            field="kind", code="order_not_issued")
    return order


def _queue_rendering():
    """The PDF is made by the job runner (`sanxiang worker`), never in the request: LibreOffice
    takes seconds. The task renders every pending document, so a lost enqueue is caught up by the next."""
    from .tasks import render_documents

    render_documents.enqueue()


def do_render_document(document, *, actor=JOBS) -> Document:
    """生成 PDF (the job runner): convert the filled docx with LibreOffice, outside any transaction
    (seconds), then store the PDF and mark the document 已生成 — unless someone else did first."""
    if document.status != S.PENDING:
        return document
    pdf, failure = None, ""
    try:
        with storage.open_file(document.docx_path) as fh:
            pdf = render.to_pdf(fh.read())
    except (render.RenderError, storage.StorageError) as exc:
        failure = str(exc)[:500]
    return _store_render(document, pdf, failure, actor)


def do_render_documents(documents, *, actor=JOBS) -> list[Document]:
    """生成 PDF of several documents with one LibreOffice start (the job's batch, the demo's archive
    step); each is then stored in its own transaction, as `do_render_document` does."""
    pending = [d for d in documents if d.status == S.PENDING]
    docxs, unreadable = {}, {}
    for document in pending:
        try:
            with storage.open_file(document.docx_path) as fh:
                docxs[document.pk] = fh.read()
        except storage.StorageError as exc:
            unreadable[document.pk] = str(exc)[:500]
    converted = dict(zip(docxs, render.to_pdfs(list(docxs.values())), strict=True))
    results = {}
    for document in pending:
        outcome = converted.get(document.pk)
        failure = unreadable.get(document.pk, "")
        if isinstance(outcome, render.RenderError):
            outcome, failure = None, str(outcome)[:500]
        results[document.pk] = _store_render(document, outcome, failure, actor)
    return [results.get(d.pk, d) for d in documents]


def _store_render(document, pdf: bytes | None, failure: str, actor) -> Document:
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != S.PENDING:
            return locked
        stored = None
        if pdf is not None:
            try:  # stored only now: a PDF another worker already delivered is not left behind untracked
                stored = storage.put(io.BytesIO(pdf))
            except storage.StorageError as exc:
                failure = str(exc)[:500]
        if stored is None:
            locked.status, locked.failure = S.FAILED, failure
            locked.save(update_fields=["status", "failure"])
            append_entry(action="fail_document_render", actor=actor, obj=locked,
                         payload={"number": locked.number, "failure": failure})
            return locked
        locked.status, locked.generated_at = S.GENERATED, timezone.now()
        locked.pdf_path, locked.pdf_sha256, locked.pdf_sm3, locked.pdf_size = (
            stored.path, stored.sha256, stored.sm3, stored.size)
        locked.save()
        append_entry(action="render_document", actor=actor, obj=locked, files=[stored.record()],
                     payload={"number": locked.number})
    return locked


@transaction.atomic
def do_issue_document(document, *, actor) -> Document:
    """签发: freeze the document — its docx and PDF digests go into the ledger; never again changed."""
    locked = Document.objects.select_related("case").select_for_update(of=("self",)).get(pk=document.pk)
    if not can(actor, "issue", locked):
        raise NotPermitted("只有承办机构负责人或单位领导可以签发执法文书。")
    if locked.status == S.ISSUED:
        raise Conflict(f"{locked}已于 {timezone.localtime(locked.issued_at):%Y-%m-%d %H:%M} 签发，不能重复签发；"
                       "如需更正，请生成更正文书。", code="document_already_issued")
    if locked.status != S.GENERATED:
        raise RuleViolation(f"{locked}{locked.get_status_display()}，PDF 生成后才能签发。", code="document_not_ready")
    conflict = kinds.decision_conflict(locked.case, locked.kind)
    if conflict:
        raise RuleViolation(conflict.replace("制作", "签发"), code="decision_contradicts")
    pending = kinds.decision_pending(locked.case, locked.kind)
    if pending:
        raise RuleViolation(pending, code="decision_not_made")
    problem = signature_problem(locked)
    if problem:
        raise RuleViolation(problem, code="document_not_signed")
    for label, record in (("Word 文件", locked.docx_record()), ("PDF 文件", locked.pdf_record())):
        try:
            found = storage.rehash(record["path"])
        except storage.StorageError:
            found = None
        if found is None or found["sha256"] != record["sha256"]:
            raise RuleViolation(f"{locked}的{label}与生成时不一致（已缺失或被改动），不能签发，请重新生成。")
    sealed, seal = _seal(locked)
    locked.status, locked.issued_by, locked.issued_at = S.ISSUED, _user(actor), timezone.now()
    locked.unsealed_pdf_sha256 = locked.pdf_sha256
    locked.pdf_path, locked.pdf_sha256, locked.pdf_sm3, locked.pdf_size = (
        sealed.path, sealed.sha256, sealed.sm3, sealed.size)
    locked.seal_certificate_sha256 = seal["certificate_sha256"]
    locked.save(update_fields=["status", "issued_by", "issued_at", "pdf_path", "pdf_sha256", "pdf_sm3", "pdf_size",
                               "unsealed_pdf_sha256", "seal_certificate_sha256"])
    append_entry(action="issue_document", actor=actor, obj=locked,
                 files=[locked.docx_record(), locked.pdf_record()],
                 payload={"case": locked.case.number, "kind": locked.kind, "number": locked.number,
                          "replaces": locked.replaces.number if locked.replaces_id else None, "seal": seal,
                          "unsealed_pdf_sha256": locked.unsealed_pdf_sha256})
    document.__dict__.update({k: getattr(locked, k) for k in (
        "status", "issued_by_id", "issued_at", "pdf_path", "pdf_sha256", "pdf_sm3", "pdf_size",
        "unsealed_pdf_sha256", "seal_certificate_sha256")})
    return locked


def _seal(document) -> tuple[storage.StoredFile, dict]:
    """The rendered PDF with the agency seal (signing.py), stored: what issuing freezes."""
    chosen = signing.signer()
    with storage.open_file(document.pdf_path) as fh:
        pdf = fh.read()
    agency = document.case.agency
    try:
        sealed = chosen.seal(pdf, agency=agency, reason=f"{agency.name}签发{document.get_kind_display()}{document.number}")
        certificate = chosen.certificate(agency)
    except signing.SealError as exc:
        raise RuleViolation(f"{document}未能加盖电子印章，未签发：{exc}", code="seal_failed") from None
    return _store(sealed), {"signer": chosen.name, "certificate_sha256": signing.certificate_sha256(certificate)}


# ---- handwritten signatures --------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 512 << 10
MAX_SIGNATURE_SIDE = 4000


def _check_png(data, label: str, field: str) -> bytes:
    """A real PNG of a sensible size (by its bytes, not its name): its IHDR width and height.
    `field` is the request's field (`officer_png`, `party_png`), `label` who signs."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise RuleViolation(f"缺少{label}的签名。", field=field)
    if len(data) > MAX_SIGNATURE_BYTES:
        raise RuleViolation(f"{label}的签名图片过大（最多 {MAX_SIGNATURE_BYTES >> 10} KB）。", field=field)
    if not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR" or len(data) < 33:
        raise RuleViolation(f"{label}的签名不是 PNG 图片。", field=field)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if not (0 < width <= MAX_SIGNATURE_SIDE and 0 < height <= MAX_SIGNATURE_SIDE):
        raise RuleViolation(f"{label}的签名图片尺寸不对（{width}×{height}）。", field=field)
    ink = ink_pixels(data)
    if ink is None:
        raise RuleViolation(f"{label}的签名图片无法读取（PNG 已损坏）。", field=field)
    if ink < max(MIN_INK_PIXELS, width * height * MIN_INK_SHARE):
        # s21 tester8 #4: a transparent or one-colour image made a 笔录 已签名 with nobody's signature; the
        # pads' own check (signature.js `inked`) binds only the browser. A party who will not sign: 拒签.
        raise RuleViolation(f"{label}的签名是空白的（图片上几乎没有笔迹）：请在签名板上签名；当事人拒绝签名的，"
                            "请登记拒签。", field=field, code="signature_blank")
    return bytes(data)


# A drawn signature's ink: at least this many pixels, and this share of the image (a stroke of the pad's
# 2.5-pixel pen some 30 pixels long; a 400×150 pad needs 60) — a dot or an empty pad is refused.
MIN_INK_PIXELS = 50
MIN_INK_SHARE = 0.001


def _ink_mask(data: bytes):
    """A signature image's ink as a black-and-white image (255 ink, 0 not): laid on white (a transparent pad counts as white),
    in grey, the pixels that differ clearly (by more than 48 levels) from the commonest level, its
    background. None if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    grey = flat.convert("L")
    counts = grey.histogram()  # 256 luminance levels
    background = max(range(256), key=counts.__getitem__)
    return grey.point([255 if abs(level - background) > 48 else 0 for level in range(256)])


def ink_pixels(data: bytes) -> int | None:
    """How many pixels of a signature image are ink (`_ink_mask`). None if unreadable."""
    mask = _ink_mask(data)
    return None if mask is None else mask.histogram()[255]


def ink_digest(data: bytes) -> str | None:
    """The digest of a signature's normalised image (decision 0085): its ink mask cropped to the ink's
    bounding box, with that box's size — the same drawing gives the same digest whatever its PNG
    encoding, metadata, colour, transparency or margins. None if unreadable or without ink."""
    mask = _ink_mask(data)
    box = mask.getbbox() if mask is not None else None
    if not box:
        return None
    ink = mask.crop(box)
    return hashlib.sha256(f"{ink.width}x{ink.height}:".encode() + ink.tobytes()).hexdigest()


def _distinct_signatures(signers: list[tuple[str, str, bytes]]) -> None:
    """Refuse the same signature image for two signers of one document (s22 tester8 #7: one image
    signed as the officer, the second officer and the party — one hand signed for all). `signers` are
    (who, request field, png), already checked; compared by `ink_digest`."""
    seen: dict[str, str] = {}
    for who, field, png in signers:
        digest = ink_digest(png)
        if digest is None:
            continue
        if digest in seen:
            raise RuleViolation(f"{seen[digest]}和{who}的签名是同一幅图像：每位签名人应在签名板上亲笔签名，"
                                "不能复用他人的签名。", field=field, code="signature_duplicate")
        seen[digest] = who


def named_officers(document) -> list[str]:
    """The officers a 笔录 names (its 执法人员 line: the case's handlers when it was made): each signs
    it (行政处罚法 第四十二条: 执法人员不得少于两人; 市场监管行政处罚程序规定 on 笔录). A 送达回证 is
    signed by the one who served it."""
    if document.kind == DocumentKind.SERVICE_RECEIPT:
        return []
    handlers = ((document.fields or {}).get("context") or {}).get("handlers") or []
    return list(dict.fromkeys(h.get("name", "") for h in handlers if h.get("name")))


def _officer_signatures(locked, actor, officer_png, officer_pngs) -> list[tuple[str, bytes]]:
    """(name, png) of every officer who signs: the one at the device, and each other officer the
    document names — all of them, or refused naming who is missing (nothing written)."""
    mine = _officer_name(locked, actor)
    named = named_officers(locked)
    if named and mine not in named and not is_system_actor(actor):  # the pads are signed at a named officer's device
        raise NotPermitted(f"您不是{locked}记载的执法人员（记载：{'、'.join(named)}），不能在本设备上收集执法人员签名。")
    signers = [(mine, _check_png(officer_png, "执法人员", "officer_png"))]
    others = dict(officer_pngs or {})
    if mine in others:  # the officer at the device signs in officer_png, once (s19 tester8 #13)
        raise RuleViolation(f"{mine}本人已在执法人员签名处（officer_png）签名，不必在其他执法人员（officers）中重复；"
                            f"其他执法人员只列记载的另外几位（{'、'.join(n for n in named if n != mine) or '无'}）。",
                            field="officer_pngs", code="officer_signed_twice")
    strangers = [name for name in others if name not in named]
    if strangers:
        raise RuleViolation(f"{'、'.join(strangers)}不是{locked}记载的其他执法人员"
                            f"（记载：{'、'.join(named) or '无'}）。", field="officer_pngs")
    missing = [name for name in named if name != mine and name not in others]
    if missing:
        raise RuleViolation(f"{locked}记载的执法人员都应签名（行政处罚法第四十二条）：尚缺{'、'.join(missing)}的签名。",
                            field="officer_pngs", code="officer_signature_missing")
    for name in named:
        if name in others:
            signers.append((name, _check_png(others[name], f"执法人员{name}", "officer_pngs")))
    return signers


def _officers_as_signers(officers: list[tuple[str, bytes]]) -> list[tuple[str, str, bytes]]:
    """`_officer_signatures`' (name, png) as `_distinct_signatures` names them: the first is the officer
    at the device (`officer_png`), the others come in `officers`."""
    return [(f"执法人员{name}", "officer_png" if i == 0 else "officer_pngs", png)
            for i, (name, png) in enumerate(officers)]


def _side_by_side(pngs: list[bytes]) -> bytes:
    """The officers' signatures in one image for the template's one 执法人员签名 place."""
    if len(pngs) == 1:
        return pngs[0]
    from PIL import Image

    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    gap = 24
    out = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) - 1), max(i.height for i in images)),
                    "white")
    x = 0
    for image in images:
        out.paste(image, (x, 0))
        x += image.width + gap
    buffer = io.BytesIO()
    out.save(buffer, format="PNG")
    return buffer.getvalue()


@_fills_before_its_transaction
def do_sign_document(document, *, officer_png: bytes, party_png: bytes, party_name: str, actor,
                     officer_pngs: dict[str, bytes] | None = None, _prefilled=None) -> Document:
    """手写签名: the officer's and the party's signatures, drawn on a phone or tablet, are stored by
    digest, ledgered (who signed as whom, on whose device, when) and placed into the docx, which is
    filled again from the same template and values and queued for its PDF. Once only."""
    locked = _signing_checks(document, actor)
    party_name = _bound_party_name(locked, _party_name(party_name, locked.kind))
    officer = _check_png(officer_png, "执法人员", "officer_png")
    party = _check_png(party_png, "当事人", "party_png")
    officers = _officer_signatures(locked, actor, officer, officer_pngs)
    _distinct_signatures([*_officers_as_signers(officers), (f"{signer_label(locked.kind)}{party_name}", "party_png",
                                                            party)])
    now = timezone.now()
    context = {**locked.fields.get("context", {}), "signed_on": kinds.chinese_date(timezone.localdate(now))}
    stored_docx = _refill(locked, context, {"officer_signature": _side_by_side([png for _, png in officers]),
                                            "party_signature": party}, _prefilled)
    rows = _signature_rows(locked, actor, now, (*((SignatureRole.OFFICER, name, png) for name, png in officers),
                                                (SignatureRole.PARTY, party_name, party)))
    _requeue(locked, context, stored_docx)
    append_entry(action="sign_document", actor=actor, obj=locked,
                 files=[stored_docx.record()] + [row.png_record() for row in rows],
                 payload={"number": locked.number, "signatures": [
                     {"role": row.role, "name": row.signer_name, "png_sha256": row.png_sha256} for row in rows]})
    for row in rows:
        append_entry(action="sign_document", actor=actor, obj=row, files=[row.png_record()],
                     payload={"number": locked.number, "role": row.role, "name": row.signer_name})
    transaction.on_commit(_queue_rendering)
    document.__dict__.update({k: getattr(locked, k) for k in ("status", "docx_path", "docx_sha256", "pdf_path")})
    return locked


def file_people(case, actor) -> tuple[str, str]:
    """卷内备考表's 立卷人 and 检查人 (GB/T 9705: who made up the volume, who checked its quality): the one
    who 立卷s (their name in the case's agency), and the head(s) of the case's unit in force today — who
    check the volume and issue (签发) its forms before the archivist archives it (s19 tester8 #19)."""
    from sanxiang.access.policy import is_person
    from sanxiang.orgs.models import Person, Role, RoleAssignment

    compiled = ""
    if is_person(actor):
        person = actor.people.filter(agency_id=case.agency_id).first()
        compiled = person.name if person else (actor.get_full_name() or "")
    today = timezone.localdate()
    heads = (RoleAssignment.objects.filter(agency_id=case.agency_id, unit_id=case.unit_id, role=Role.UNIT_HEAD,
                                           active=True, valid_from__lte=today)
             .exclude(valid_to__lt=today).values_list("user_id", flat=True))
    names = Person.objects.filter(agency_id=case.agency_id, user_id__in=list(heads)).order_by("id").values_list(
        "name", flat=True)
    return compiled, "、".join(dict.fromkeys(names))


def officer_name(document, actor) -> str:
    """The name the document's officers are known by for this user (their person in the case's agency)."""
    return _officer_name(document, actor) if hasattr(actor, "people") else ""


def _officer_name(locked, actor) -> str:
    person = actor.people.filter(agency_id=locked.case.agency_id).first()
    return person.name if person else (actor.get_full_name() or actor.username)


def _refill(locked, context: dict, images: dict, prefilled):
    """The docx filled again from the same template version and values, with the signature images."""
    return _store(_filled(prefilled, locked.template, context, images=images, failure=f"签名未能放入{locked}"))


def _signature_rows(locked, actor, now, signers) -> list:
    rows = []
    for role, name, png in signers:
        stored = _store(png)
        rows.append(DocumentSignature.objects.create(
            document=locked, role=role, signer_name=name, png_path=stored.path, png_sha256=stored.sha256,
            png_sm3=stored.sm3, png_size=stored.size, captured_by=actor, signed_at=now))
    return rows


def _requeue(locked, context: dict, stored_docx, **fields) -> None:
    locked.fields = {**locked.fields, **fields, "context": context}
    locked.docx_path, locked.docx_sha256, locked.docx_sm3, locked.docx_size = (
        stored_docx.path, stored_docx.sha256, stored_docx.sm3, stored_docx.size)
    locked.status, locked.generated_at, locked.failure = S.PENDING, None, ""
    locked.pdf_path, locked.pdf_sha256, locked.pdf_sm3, locked.pdf_size = "", "", "", None
    locked.save()



def _signing_checks(document, actor):
    """The document, locked, that `actor` may sign: a signable kind, not yet signed, not issued."""
    locked = Document.objects.select_related("case", "case__agency", "template").select_for_update(
        of=("self",)).get(pk=document.pk)
    if not can(actor, "generate_documents", locked.case):
        raise NotPermitted(f"您无权为{locked}签名。")
    spec = _kind(locked.kind)
    if not spec.signable:
        raise RuleViolation(f"{spec.label}不需要当事人手写签名。", code="not_signable")
    if locked.signatures.exists():
        first = locked.signatures.order_by("signed_at").first()
        raise Conflict(f"{locked}已于 {timezone.localtime(first.signed_at):%Y-%m-%d %H:%M} 签名，不能再次签名；"
                       "如需更正，请生成新的文书。", code="document_already_signed")
    if locked.status not in (S.PENDING, S.GENERATED):
        raise RuleViolation(f"{locked}{locked.get_status_display()}，不能签名。", code="document_not_signable")
    return locked


def _party_name(party_name, kind: str = "") -> str:
    from .signers import signer_label

    party_name = (party_name or "").strip() if isinstance(party_name, str) else ""
    if not party_name:
        raise RuleViolation(f"请写明签名的{signer_label(kind)}姓名。", field="party_name")
    if len(party_name) > 100:
        raise RuleViolation("当事人姓名过长（最多 100 字）。", field="party_name")
    return party_name


def _bound_party_name(locked, party_name: str) -> str:
    """The one who signs an 询问笔录 beside the officers is the person it records as asked (被询问人):
    the name given must be that name (s21 tester8 #4: any free text was accepted). Other 笔录 are signed
    by whoever was present for the party, and a 送达回证 by the addressee or who received it for them —
    their names are not recorded beforehand, so they are taken as given (and ledgered)."""
    from .signers import signer_name

    if locked.kind != DocumentKind.INQUIRY_RECORD:
        return party_name
    asked = ((locked.fields or {}).get("inputs") or {}).get("interviewee") or ""
    expected = signer_name(locked) if asked.strip() else ""
    if expected and party_name != expected:
        raise RuleViolation(f"{locked}记载的被询问人是{expected}：签名的当事人（被询问人）应为{expected}，"
                            f"不能是“{party_name}”。", field="party_name", code="party_name_mismatch")
    return party_name


def refusal_text(refusal: dict, kind: str) -> str:
    """What the document says in the party's signature box when the party refused (注明)."""
    verb = "拒绝签收" if kind == DocumentKind.SERVICE_RECEIPT else "拒绝签名"
    on = kinds.chinese_date(dt.date.fromisoformat(refusal["refused_on"]))
    text = f"当事人{refusal['party_name']}于{on}{verb}，理由：{refusal['reason']}。"
    if refusal.get("witnesses"):
        text += f"见证人：{refusal['witnesses']}。"
    if refusal.get("recorded"):
        text += "已以拍照、录像等方式记录。"
    return text + f"（执法人员{refusal['noted_by']}注明）"


@_fills_before_its_transaction
def do_note_signature_refusal(document, *, officer_png: bytes, party_name: str, reason: str, refused_on,
                              witnesses: str = "", recorded: bool = False, actor,
                              officer_pngs: dict[str, bytes] | None = None, _prefilled=None) -> Document:
    """当事人拒绝签名（送达回证：拒绝签收）: the officer signs and notes on the document that the party
    refused, why and when — 市场监管行政处罚程序规定 第二十八、二十九条（笔录：当事人拒绝签名的，执法人员
    应当在笔录上注明）, 第八十二条（留置送达：载明拒收事由和日期，由送达人、见证人签名，或以拍照、录像记录）.
    The note takes the party's signature box; the docx is filled again and its PDF queued. Ledgered."""
    locked = _signing_checks(document, actor)
    party_name = _bound_party_name(locked, _party_name(party_name, locked.kind))
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明当事人拒绝签名的理由（或情况）。", field="reason")
    if len(reason) > 500:
        raise RuleViolation("拒绝签名的理由过长（最多 500 字）。", field="reason")
    reason = check_reason_text(reason, label="拒绝签名的理由")  # not 「x」 (s23 tester8 #8)
    refused_on = inputs.day(refused_on, field="refused_on", label="当事人拒绝签名的日期", empty=inputs.REQUIRED)
    today = timezone.localdate()
    if refused_on > today:
        raise RuleViolation("拒绝签名的日期不能晚于今天。", field="refused_on")
    if refused_on < timezone.localdate(locked.created_at):
        raise RuleViolation(f"拒绝签名的日期不能早于{locked}的制作日期。", field="refused_on")
    witnesses = (witnesses or "").strip() if isinstance(witnesses, str) else ""
    if len(witnesses) > 200:
        raise RuleViolation("见证人过长（最多 200 字）。", field="witnesses")
    if locked.kind == DocumentKind.SERVICE_RECEIPT and not (witnesses or recorded):
        raise RuleViolation("受送达人拒绝签收的，须写明到场见证人，或以拍照、录像等方式记录送达过程"
                            "（市场监管行政处罚程序规定第八十二条）。", field="witnesses")
    officers = _officer_signatures(locked, actor, officer_png, officer_pngs)
    _distinct_signatures(_officers_as_signers(officers))
    now = timezone.now()
    refusal = {"party_name": party_name, "reason": reason, "refused_on": refused_on.isoformat(),
               "witnesses": witnesses, "recorded": bool(recorded), "noted_by": _officer_name(locked, actor),
               "noted_at": now.isoformat()}
    context = {**locked.fields.get("context", {}), "signed_on": kinds.chinese_date(timezone.localdate(now)),
               "party_signature": refusal_text(refusal, locked.kind)}
    stored_docx = _refill(locked, context, {"officer_signature": _side_by_side([png for _, png in officers])},
                          _prefilled)
    rows = _signature_rows(locked, actor, now, [(SignatureRole.OFFICER, name, png) for name, png in officers])
    _requeue(locked, context, stored_docx, party_refusal=refusal)
    append_entry(action="note_signature_refusal", actor=actor, obj=locked,
                 files=[stored_docx.record()] + [row.png_record() for row in rows],
                 payload={"number": locked.number, "officer_png_sha256": rows[0].png_sha256,
                          "officers": [{"name": row.signer_name, "png_sha256": row.png_sha256} for row in rows],
                          **refusal})
    for row in rows:
        append_entry(action="sign_document", actor=actor, obj=row, files=[row.png_record()],
                     payload={"number": locked.number, "role": row.role, "name": row.signer_name})
    transaction.on_commit(_queue_rendering)
    document.__dict__.update({k: getattr(locked, k) for k in ("status", "docx_path", "docx_sha256", "pdf_path",
                                                              "fields")})
    return locked


def signature_problem(document) -> str:
    """Why a signable document cannot be issued yet: the officer's and the party's signatures, or the
    officer's with the party's refusal noted; "" when complete (or the kind is not signed)."""
    if not kinds.SPECS[document.kind].signable:
        return ""
    roles = set(document.signatures.values_list("role", flat=True))
    if SignatureRole.OFFICER in roles and (SignatureRole.PARTY in roles or document.fields.get("party_refusal")):
        return ""
    from .signers import signer_label

    who = "受送达人签收" if document.kind == DocumentKind.SERVICE_RECEIPT else f"{signer_label(document.kind)}签名"
    return (f"{document}尚未由执法人员和{who}，不能签发：请先手写签名，"
            "或由执法人员签名并注明当事人拒绝签名的理由和日期。")
