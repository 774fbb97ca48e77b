"""Reads of the annual report: every queryset narrowed by the access policy for the user."""

from __future__ import annotations

from django.http import Http404

from sanxiang.access.policy import current_roles, restrict

from .models import AnnualReport, UnitSubmission


def reports(user):
    return restrict(AnnualReport.objects.select_related("agency"), user).order_by("-year", "agency__name")


def report_for(user, pk) -> AnnualReport:
    found = reports(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有这份年报，或您无权查看。")
    return found


def submissions(user, report):
    return restrict(UnitSubmission.objects.filter(report=report).select_related("unit"), user).order_by("unit__name")


def may_open(user):
    """The agencies where the user may start a report (the legal office and leaders)."""
    from sanxiang.access.policy import can
    from sanxiang.orgs.models import Agency

    if not getattr(user, "is_authenticated", False):
        return []
    ids = set(current_roles(user).values_list("agency_id", flat=True))
    return [a for a in Agency.objects.filter(pk__in=ids).order_by("name") if can(user, "compile_annual_report", a)]


def sees_annual(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_superuser or reports(user).exists()
                                                         or bool(may_open(user)))
