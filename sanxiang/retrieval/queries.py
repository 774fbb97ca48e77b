"""Reads of 查阅与调阅, filtered in SQL by the access policy."""

from __future__ import annotations

from sanxiang.access.policy import can, restrict
from sanxiang.orgs.marks import Confidentiality

from . import kinds
from .models import AccessRequest, AccessRequestStatus, RecordAccess


def records_of(user, case) -> list[dict]:
    """The case's records `user` reads, each with its files, for the case page and the API."""
    rows = []
    for kind in kinds.all_kinds():
        found = restrict(kind.model.objects.filter(**{kind.case_path: case}), user, "view")
        for record in found.order_by("pk"):
            mark = kinds.confidentiality(record, case)
            rows.append({"kind": kind, "record": record, "name": kind.name(record), "mark": mark,
                         "mark_label": Confidentiality(mark).label,
                         "confidential": kinds.is_confidential(mark), "files": kind.files(record)})
    return rows


def access_log(user, case):
    if not can(user, "view_access_log", case):
        return None
    return restrict(RecordAccess.objects.filter(case=case), user).select_related("user", "grant")


def my_requests(user):
    return restrict(AccessRequest.objects.filter(requester=user), user).select_related("case", "case__agency",
                                                                                       "decided_by")


def waiting_for(user):
    rows = restrict(AccessRequest.objects.filter(status=AccessRequestStatus.PENDING), user, "decide")
    return rows.exclude(requester=user).select_related("case", "case__agency", "requester")


def request_for(user, pk, action="view"):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return restrict(AccessRequest.objects.select_related("case", "case__agency", "requester"), user,
                    action).filter(pk=pk).first()
