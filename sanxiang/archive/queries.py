"""Reads of the case file and the archivist's lists, filtered in SQL by the access policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from sanxiang.access.policy import restrict

from . import actions, casefile
from .models import ArchivedCaseFile, TransferList
from .sources import CaseRecord, records_of


@dataclass
class CaseFileView:
    ended: bool
    completeness: casefile.Completeness
    catalogue: list[dict]
    archived: ArchivedCaseFile | None
    supplements: list[CaseRecord]
    may_archive: bool
    may_prepare_forms: bool = False
    stale_forms: list[str] = field(default_factory=list)  # forms that no longer list their volume
    modified_files: list[dict] = field(default_factory=list)  # stored files found changed (not archived yet)
    resolutions: list[dict] = field(default_factory=list)  # their 已查明处理, oldest first
    may_resolve: bool = False


def case_file_view(user, case) -> CaseFileView:
    from sanxiang.access.policy import can

    archived = restrict(ArchivedCaseFile.objects.filter(case=case), user).select_related("case").first()
    records = records_of(case)
    if archived is not None:
        catalogue = archived.catalogue
        supplements = actions.supplements_of(archived)
        stale = []
    else:
        volumes = casefile.assemble(case, records)
        catalogue = casefile.catalogue(case, volumes)
        supplements = []
        stale = casefile.stale_forms(case, records, volumes)
    ended = actions.is_ended(case)
    flags = actions.modified_file_flags(case) if archived is None else []
    return CaseFileView(ended, casefile.completeness_of(case, records), catalogue, archived, supplements,
                        may_archive=ended and archived is None and can(user, "archive_case", case),
                        may_prepare_forms=ended and archived is None and can(user, "generate_documents", case),
                        stale_forms=stale, modified_files=flags, resolutions=actions.modified_file_resolutions(case),
                        may_resolve=bool(flags) and can(user, "resolve_modified_files", case))


def archived_for(user, pk) -> ArchivedCaseFile | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return restrict(ArchivedCaseFile.objects.select_related("case", "agency"), user).filter(pk=pk).first()


@dataclass
class Waiting:
    case: object
    status_label: str
    ended_on: dt.date
    due: dt.date | None

    @property
    def overdue(self) -> bool:
        """Past its 案卷归档期限 (the due day itself is still in time)."""
        return self.due is not None and self.due < timezone.localdate()


@dataclass
class ArchivistLists:
    waiting: list[Waiting]
    archived: list[ArchivedCaseFile]
    transfer_month: int | None
    transfers: list[TransferList]
    recheck_failed: set[int] = field(default_factory=set)  # archived files whose latest 重新检测 failed
    modified: set[int] = field(default_factory=set)  # waiting cases with a stored file found changed


def archivist_lists(user, agency, limit: int = 500) -> ArchivistLists:
    """待归档 (ended cases the user may archive, not archived yet, with the archive obligation's due
    date), 已归档 and 移交清单 of one agency."""
    from sanxiang.cases.models import Case
    from sanxiang.deadlines.models import Obligation
    from sanxiang.workflow.tables import all_tables

    ended = actions.all_ended_states()
    cases = list(restrict(Case.objects.filter(agency=agency, status__in=ended), user, "archive_case")
                 .exclude(pk__in=ArchivedCaseFile.objects.values("case_id")).order_by("closed_on", "id")[:limit])
    cases = [c for c in cases if actions.is_ended(c)]  # an annual plan once its year is over
    dues = dict(Obligation.objects.filter(kind=actions.ARCHIVE_LIMIT, object_type="cases.case",
                                          object_id__in=[str(c.pk) for c in cases]).values_list("object_id", "due"))
    labels = {}
    for table in all_tables():
        if table.model_class is Case:
            labels.update({s: table.state_label(s) for s in actions.table_ended_states(table)})
    waiting = [Waiting(c, labels.get(c.status, c.status), actions.ended_on(c), dues.get(str(c.pk))) for c in cases]
    archived = list(restrict(ArchivedCaseFile.objects.filter(agency=agency), user).select_related("case")
                    .order_by("-archive_year", "-archive_seq")[:limit])
    transfers = list(restrict(TransferList.objects.filter(agency=agency), user).order_by("-year"))
    return ArchivistLists(waiting, archived, actions.transfer_month_of(agency, timezone.localdate()), transfers,
                          actions.failing_rechecks([a.pk for a in archived]),
                          actions.flagged_cases([w.case.pk for w in waiting]))
