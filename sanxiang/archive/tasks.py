"""The archive's scheduled work: open the archive obligation (案卷归档期限) of every case that has
ended and is not archived yet."""

from __future__ import annotations

from django_tasks import task

from sanxiang.access.actors import JOBS

BATCH = 500


@task()
def open_archive_obligations() -> dict:
    """案卷归档期限: each ended case without the obligation gets it, from its end (idempotent; each
    case in its own transaction, so a killed run leaves each case done or still to do)."""
    from sanxiang.cases.models import Case
    from sanxiang.deadlines.models import Obligation

    from .actions import ARCHIVE_LIMIT, all_ended_states, do_open_archive_obligation, ended_on, is_ended
    from .models import ArchivedCaseFile

    ended = all_ended_states()
    opened = Obligation.objects.filter(kind=ARCHIVE_LIMIT, object_type=Case._meta.label_lower).values("object_id")
    archived = ArchivedCaseFile.objects.values("case_id")
    done = 0
    for case in (Case.objects.filter(status__in=ended).exclude(pk__in=archived)
                 .exclude(pk__in=[int(o["object_id"]) for o in opened]).select_related("agency")
                 .order_by("id")[:BATCH]):
        if not is_ended(case):  # an annual plan waits for its year's end
            continue
        if do_open_archive_obligation(case, ended_on=ended_on(case), actor=JOBS) is not None:
            done += 1
    return {"done": done, "summary": f"开始计算 {done} 个案卷的归档期限" if done else ""}


@task()
def build_archive_exports() -> dict:
    """生成归档信息包: every export asked for, oldest first, each built on its own (a killed run
    leaves each request built, or waiting to be taken up again)."""
    from .exports import build_export, waiting_exports
    from .models import ExportStatus

    done = failed = 0
    for row in waiting_exports()[:BATCH]:
        built = build_export(row, actor=JOBS)
        done += built.status == ExportStatus.READY
        failed += built.status == ExportStatus.FAILED
    summary = (f"生成 {done} 个归档信息包" + (f"，{failed} 个失败" if failed else "")) if done or failed else ""
    return {"done": done + failed, "summary": summary, "failed": failed}


@task()
def expire_archive_exports() -> dict:
    """删除过期的归档信息包 (settings.ARCHIVE_EXPORT_KEEP_HOURS after each was ready)."""
    from django.utils import timezone

    from .exports import expire_export
    from .models import ArchiveExport, ExportStatus

    done = sum(expire_export(row, actor=JOBS) for row in ArchiveExport.objects.filter(
        status=ExportStatus.READY, expires_at__lte=timezone.now()).order_by("id")[:BATCH])
    return {"done": done, "summary": f"删除 {done} 个过期的归档信息包" if done else ""}


@task()
def recheck_archived_files_holding(paths: list[str]) -> dict:
    """重新检测 of every archived file holding one of these stored files (and the flag of a case not
    archived that holds one), which a read or the daily
    抽检 found changed or missing: the failed check, with the record named, is then what the archive's
    list and the file's page show (「重新检测未通过」) to its keepers, heads and leaders — not only a
    line in the server's log (s18 tester 4)."""
    from .actions import archived_files_holding, cases_holding, do_flag_modified_files, do_recheck_archived_file

    done = failed = 0
    for archived in archived_files_holding(paths):
        result = do_recheck_archived_file(archived, actor=JOBS)
        done += 1
        failed += not result["ok"]
    # A case not archived yet holding one is flagged on its page and the archivists' list (s19, issue 8).
    flagged = sum(do_flag_modified_files(case, paths, actor=JOBS) is not None for case in cases_holding(paths))
    parts = ([f"重新检测 {done} 个归档案卷，{failed} 个未通过"] if done else []) + (
        [f"{flagged} 个未归档案件的存储文件与留痕记录不符，已在案件页标示"] if flagged else [])
    return {"done": done + flagged, "summary": "；".join(parts)}
