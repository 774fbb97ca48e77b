"""Archive packages asked for from the browser or the API (归档信息包导出).

The package is the one `sanxiang archive export` writes (`package.export`): a request only records
the wish (`do_request_export`); the job runner builds it (`build_export`), signing the checkpoint
that covers the case's entries if the scheduled one has not yet — signing never happens in a
request. The file waits in `settings.ARCHIVE_EXPORT_DIR` until it expires (`expire_exports`);
every download is ledgered before the first byte (`do_record_download`).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.access.policy import can, is_person
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.lib.hashing import sha256_file

from .models import ArchivedCaseFile, ArchiveExport, ExportStatus
from .package import ArchiveError, changed_since, contents, export

log = logging.getLogger(__name__)
security_log = logging.getLogger("sanxiang.security")
# A build that has not finished after this long was killed: the next run takes it up again.
STALE_BUILD = dt.timedelta(hours=1)
OPEN = (ExportStatus.REQUESTED, ExportStatus.BUILDING)
# A ready package is offered again to a new request while it has this long left to live.
REUSE_MIN_LEFT = dt.timedelta(hours=1)


def export_dir() -> Path:
    return Path(settings.ARCHIVE_EXPORT_DIR)


def path_of(row: ArchiveExport) -> Path:
    return export_dir() / row.file_name


def _who(actor) -> str:
    """The name people read (the full name, else the user name; a system actor's own name)."""
    if is_person(actor):
        return actor.get_full_name() or actor.get_username()
    return str(actor)


def do_request_export(case, *, actor) -> ArchiveExport:
    """申请导出: by those who may archive the case (档案管理人员, the unit's head, the agency's leaders),
    for an archived case; one open request per case at a time. A ready package of the unchanged file
    is offered again (`reused`, ledgered as a request of that export) rather than built twice."""
    from sanxiang.cases.models import Case

    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("agency").get(pk=case.pk)
        if not can(actor, "export_archive", locked):
            raise NotPermitted("只有档案管理人员、承办机构负责人或机关负责人可以导出归档信息包。")
        if not ArchivedCaseFile.objects.filter(case=locked).exists():
            raise RuleViolation("本案尚未归档，归档后才能导出归档信息包。", field="case")
        if ArchiveExport.objects.filter(case=locked, status__in=OPEN).exists():
            raise Conflict("本案的归档信息包正在生成，请稍候刷新页面。", code="export_pending")
        ready = _reusable(locked)
        if ready is not None:  # the same file, already packed: no second copy of its recordings
            append_entry(action="request_archive_export", actor=actor, obj=ready,
                         payload={"case": locked.number, "reused": True})
            ready.reused = True
            return ready
        row = ArchiveExport.objects.create(
            case=locked, agency=locked.agency, requested_by=actor if is_person(actor) else None,
            requested_by_name=_who(actor), requested_at=timezone.now())
        append_entry(action="request_archive_export", actor=actor, obj=row, payload={"case": locked.number})
        transaction.on_commit(_queue_build)
        return row


def _reusable(case) -> ArchiveExport | None:
    """A ready package of the case that is still the package it would get now (nothing about the
    case, its archived file or its records ledgered since it was built), with at least
    REUSE_MIN_LEFT before it expires and its file in place; the download re-hashes it."""
    row = (ArchiveExport.objects.filter(case=case, status=ExportStatus.READY,
                                        expires_at__gt=timezone.now() + REUSE_MIN_LEFT)
           .order_by("-ready_at", "-id").first())
    if row is None or row.tree_size is None:
        return None
    path = path_of(row)
    if not path.is_file() or path.stat().st_size != row.size or changed_since(case, row.tree_size):
        return None
    return row


def _queue_build():
    from .tasks import build_archive_exports

    build_archive_exports.enqueue()


def _claim(pk) -> bool:
    """Take a request for this run (a killed build is taken up again after STALE_BUILD)."""
    now = timezone.now()
    waiting = Q(status=ExportStatus.REQUESTED) | Q(status=ExportStatus.BUILDING, started_at__lt=now - STALE_BUILD)
    return ArchiveExport.objects.filter(waiting, pk=pk).update(status=ExportStatus.BUILDING, started_at=now) == 1




def build_export(row: ArchiveExport, *, actor) -> ArchiveExport:
    """生成归档信息包 (the job runner): `package.export` into the export directory, then the row is
    ready (or failed, saying why in 中文) with its ledger entry."""
    if not _claim(row.pk):
        row.refresh_from_db()
        return row
    row.refresh_from_db()
    export_dir().mkdir(parents=True, exist_ok=True)
    name = f"archive-{row.pk}-{row.case_id}.zip"
    try:
        done = export(row.case, export_dir() / name, actor=actor)
    except ArchiveError as exc:
        return _finish(row, actor, failure=exc.message)
    except Exception:  # noqa: BLE001 — the row must not stay 正在生成; the log has the traceback
        log.exception("archive export %s failed", row.pk)
        return _finish(row, actor, failure="生成时发生系统错误，请联系管理员查看日志。")
    size, digest = done.path.stat().st_size, sha256_file(done.path)
    return _finish(row, actor, file_name=name, size=size, sha256=digest, records=done.records,
                   tree_size=done.tree_size)


def _finish(row, actor, *, failure: str = "", **ready) -> ArchiveExport:
    with transaction.atomic():
        locked = ArchiveExport.objects.select_for_update().get(pk=row.pk)
        now = timezone.now()
        if failure:
            locked.status, locked.failure = ExportStatus.FAILED, failure[:500]
        else:
            for key, value in ready.items():
                setattr(locked, key, value)
            locked.status, locked.ready_at = ExportStatus.READY, now
            locked.expires_at = now + dt.timedelta(hours=settings.ARCHIVE_EXPORT_KEEP_HOURS)
        locked.save()
        append_entry(action="archive_export_failed" if failure else "archive_export_ready", actor=actor,
                     obj=locked, payload={"case": locked.case.number, "failure": failure} if failure else {
                         "case": locked.case.number, "sha256": locked.sha256, "size": locked.size,
                         "tree_size": locked.tree_size})
        return locked


def waiting_exports():
    now = timezone.now()
    return (ArchiveExport.objects.filter(Q(status=ExportStatus.REQUESTED)
                                         | Q(status=ExportStatus.BUILDING, started_at__lt=now - STALE_BUILD))
            .select_related("case", "case__agency", "case__unit").order_by("id"))


class ExportModified(Conflict):
    code = "export_modified"
    default_message = "归档信息包与生成时记录的摘要不符，已停止提供；请重新申请导出，并请管理员检查。"


MODIFIED_FAILURE = "归档信息包文件在生成后被改动（与记录的摘要不符），已停止提供。"


def _requester(actor) -> str:
    from sanxiang.retrieval.serving import requester

    return requester(actor) if getattr(actor, "pk", None) else str(getattr(actor, "username", actor))


def _refuse_modified(row: ArchiveExport, actor, actual: str, size: int) -> ExportModified:
    """The file on disk is not the package that was built: nothing is served, the download is not
    ledgered; the row is marked failed (so it is neither offered nor reused again) with its entry,
    and the security log tells the administrators."""
    security_log.error("归档信息包与记录不符，已停止提供：导出 %s（案件 %s），文件 %s，记录的 SHA-256 %s（%s 字节），"
                       "实际 %s（%s 字节），请求人 %s", row.pk, row.case_id, row.file_name, row.sha256, row.size,
                       actual, size, _requester(actor))
    failure = MODIFIED_FAILURE
    with transaction.atomic():
        locked = ArchiveExport.objects.select_for_update().select_related("case").get(pk=row.pk)
        if locked.status == ExportStatus.READY:
            locked.status, locked.failure = ExportStatus.FAILED, failure
            locked.save(update_fields=["status", "failure"])
            append_entry(action="archive_export_failed", actor=actor, obj=locked,
                         payload={"case": locked.case.number, "failure": failure, "sha256": actual})
    return ExportModified()


def _expired(row: ArchiveExport) -> bool:
    return row.expires_at is not None and row.expires_at <= timezone.now()


def confidential_marks(case) -> list[str]:
    """The labels of the confidentiality marks (商业秘密, 个人隐私, …) among the package's records:
    a package holds every record unwatermarked (it must stay bit-exact), so its download asks why."""
    from sanxiang.orgs.marks import Confidentiality
    from sanxiang.retrieval.kinds import is_confidential

    _archived, records, supplements, _objects = contents(case)
    marks = {r.confidentiality or case.confidentiality for r in records + supplements} | {case.confidentiality}
    return [Confidentiality(m).label for m in Confidentiality.values if m in marks and is_confidential(m)]


def do_record_download(row: ArchiveExport, *, actor, purpose: str = "") -> ArchiveExport:
    """下载留痕: who took the package, when and why (用途, required when it holds records marked
    商业秘密, 个人隐私 or the like — issue 8 §4 "who, when, what, why"), written before the first byte
    is sent — after the file is re-hashed against the SHA-256 recorded when it was built (a changed
    file: 409, nothing served, nothing ledgered as downloaded) and only while it has not expired."""
    if not can(actor, "view", row):
        raise NotPermitted("您无权下载该归档信息包。")
    _check_ready(row)
    purpose = " ".join((purpose or "").split())
    marks = confidential_marks(row.case)
    if not purpose:  # every record of the case at once, unwatermarked: always asks why (s19 tester8 #27)
        held = f"含有{'、'.join(marks)}的记录，" if marks else ""
        raise RuleViolation(f"归档信息包包含本案全部记录的原件，{held}下载前请填写用途。", field="purpose",
                            code="purpose_required")
    if len(purpose) > 300:
        raise RuleViolation("用途不能超过 300 个字。", field="purpose")
    from sanxiang.core.text import check_purpose_text

    check_purpose_text(purpose)  # the one rule of a purpose (s21 tester8 #9)
    path = path_of(row)
    size = path.stat().st_size
    actual = sha256_file(path)
    if size != row.size or actual != row.sha256:
        raise _refuse_modified(row, actor, actual, size)
    with transaction.atomic():
        locked = ArchiveExport.objects.select_for_update().select_related("case").get(pk=row.pk)
        _check_ready(locked)
        append_entry(action="download_archive_export", actor=actor, obj=locked,
                     payload={"case": locked.case.number, "sha256": locked.sha256, "size": locked.size,
                              "records": locked.records, "confidentiality": marks, "purpose": purpose})
        # and in the case's 访问日志 (查阅留痕), where heads and supervisors read who took what and why
        from sanxiang.retrieval.actions import record_package_access

        record_package_access(case=locked.case, export=locked, purpose=purpose, mark=_highest_mark(locked.case),
                              actor=actor)
        return locked


def _highest_mark(case) -> str:
    """The highest confidentiality among the case and its records (what the 访问日志 row carries)."""
    from sanxiang.orgs.marks import Confidentiality

    _archived, records, supplements, _objects = contents(case)
    marks = {r.confidentiality or case.confidentiality for r in records + supplements} | {case.confidentiality}
    return next((m for m in reversed(Confidentiality.values) if m in marks), case.confidentiality)


def _check_ready(row: ArchiveExport) -> None:
    if row.status == ExportStatus.FAILED and row.failure == MODIFIED_FAILURE:  # not "expired": say what happened
        raise ExportModified()
    if row.status != ExportStatus.READY or not path_of(row).is_file():
        raise Conflict("该归档信息包已过期删除或尚未生成，请重新申请导出。", code="export_not_ready")
    if _expired(row):
        raise Conflict(f"该归档信息包已于 {timezone.localtime(row.expires_at):%Y-%m-%d %H:%M} 过期，请重新申请导出。",
                       code="export_expired")


def expire_export(row: ArchiveExport, *, actor) -> bool:
    """Delete an expired package's file and mark the row (idempotent)."""
    with transaction.atomic():
        locked = ArchiveExport.objects.select_for_update().select_related("case").get(pk=row.pk)
        if locked.status != ExportStatus.READY or locked.expires_at is None or locked.expires_at > timezone.now():
            return False
        path = path_of(locked)
        locked.status = ExportStatus.EXPIRED
        locked.save(update_fields=["status"])
        append_entry(action="expire_archive_export", actor=actor, obj=locked, payload={"case": locked.case.number})
    path.unlink(missing_ok=True)  # after the row says so: a killed run leaves a file no row offers
    return True


def exports_of(user, case) -> list[ArchiveExport]:
    rows = list(ArchiveExport.objects.restrict(user).filter(case=case).order_by("-requested_at", "-id")[:5])
    marks = confidential_marks(case) if any(r.status == ExportStatus.READY for r in rows) else []
    for row in rows:
        row.needs_purpose, row.marks = True, marks  # every package asks why; what the page shows: 已过期 and no link once expired, before the job deletes it
        row.label, row.downloadable = status_label(row), row.status == ExportStatus.READY and not _expired(row)
    return rows


def export_for(user, pk) -> ArchiveExport | None:
    """The export `pk` if `user` may see it (another agency's: None, answered 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return ArchiveExport.objects.restrict(user).select_related("case", "agency").filter(pk=pk).first()


def download_name(row: ArchiveExport) -> str:
    archived = ArchivedCaseFile.objects.filter(case=row.case).values_list("archive_number", flat=True).first()
    return f"归档信息包-{archived or row.case.number}.zip"


def stream(request, row: ArchiveExport):
    """The package as an attachment, streamed in 1 MiB chunks, after its download entry."""
    from urllib.parse import quote

    from django.http import FileResponse

    row = do_record_download(row, actor=request.user, purpose=request.GET.get("purpose", ""))
    response = FileResponse(open(path_of(row), "rb"), content_type="application/zip")  # noqa: SIM115 — closed by Django
    name = download_name(row)
    response["Content-Disposition"] = f"attachment; filename=\"archive-{row.pk}.zip\"; filename*=UTF-8''{quote(name)}"
    response["Content-Length"] = str(row.size)
    response["X-Content-SHA256"] = row.sha256
    response["Cache-Control"] = "private, no-store"
    return response


def status_label(row: ArchiveExport) -> str:
    """可以下载 until it expires, 已过期 after (before the hourly job has deleted the file)."""
    return "已过期" if row.status == ExportStatus.READY and _expired(row) else row.get_status_display()


def export_out(row: ArchiveExport) -> dict:
    downloadable = row.status == ExportStatus.READY and not _expired(row)
    return {"id": row.pk, "case_id": row.case_id, "case_number": row.case.number, "status": row.status,
            "status_label": status_label(row), "requested_by": row.requested_by_name,
            "requested_at": row.requested_at, "ready_at": row.ready_at, "expires_at": row.expires_at,
            "size": row.size, "sha256": row.sha256, "records": row.records, "tree_size": row.tree_size,
            "failure": row.failure,
            "download": f"/api/v1/archive/exports/{row.pk}/download" if downloadable else None}
