"""Reads for views and the API: every function takes the user and goes through `restrict`."""

from django.contrib.auth import get_user_model
from django.http import Http404

from .errors import OrgsPermissionDenied
from .models import Agency, Certificate, DeviceIssue, Person, RoleAssignment, Training, Unit
from .querysets import VIEW


def agencies(user, action=VIEW):
    return Agency.objects.restrict(user, action).order_by("kind", "code")


def agency(user, code, action=VIEW) -> Agency:
    found = Agency.objects.restrict(user, action).filter(code=code).first()
    if found is None:
        raise Http404("未找到该执法主体，或您无权查看。")
    return found


def units(user, agency_obj=None):
    qs = Unit.objects.restrict(user).select_related("agency", "parent")
    return qs.filter(agency=agency_obj) if agency_obj is not None else qs


def unit(user, pk) -> Unit:
    found = units(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该科室，或您无权查看。")
    return found


def unit_tree(user, agency_obj) -> list[tuple[int, Unit]]:
    """(depth, unit) in tree order, for indented display."""
    rows = list(units(user, agency_obj).order_by("id"))
    children = {}
    for u in rows:
        children.setdefault(u.parent_id, []).append(u)
    known = {u.pk for u in rows}
    out = []

    def walk(parent_id, depth):
        for u in children.get(parent_id, []):
            out.append((depth, u))
            walk(u.pk, depth + 1)

    for u in rows:
        if u.parent_id is None or u.parent_id not in known:
            out.append((0, u))
            walk(u.pk, 1)
    return out


def people(user, **filters):
    return Person.objects.restrict(user).filter(**filters).select_related("agency", "unit")


def own_people(user):
    """The person records linked to the user's own account (their own data is always theirs to see)."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return Person.objects.filter(user=user).select_related("agency", "unit")


def own_certificates(user):
    """The certificates of the user's own person records."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(person__user=user).select_related("person__agency")


def person(user, pk) -> Person:
    found = people(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该人员，或您无权查看。")
    return found


def certificates(user, **filters):
    return Certificate.objects.restrict(user).filter(**filters).select_related("person__agency")


def trainings(user, **filters):
    return Training.objects.restrict(user).filter(**filters)


def device_issues(user, **filters):
    return DeviceIssue.objects.restrict(user).filter(**filters).select_related("equipment")


def roles(user, **filters):
    return RoleAssignment.objects.restrict(user).filter(**filters).select_related("agency", "unit", "user")


def for_change(user, model, **lookup):
    """The row an admin form hands to an action (the action then checks the permission itself).

    A row the user may see is returned as usual. A row that exists but lies outside what the user
    may see gives 403 without naming anything (the action would refuse it anyway); no row: 404.
    """
    found = model.objects.restrict(user).filter(**lookup).first()
    if found is not None:
        return found
    if model.objects.filter(**lookup).exists():
        raise OrgsPermissionDenied()
    raise Http404("未找到该对象。")


def account(username: str):
    """The login account named `username` (exact match), for assigning a role; None if there is none."""
    username = (username or "").strip()
    if not username:
        return None
    return get_user_model().objects.filter(username=username, is_active=True).first()


def public_certificate(number: str) -> Certificate | None:
    """The public check (亮证) looks up one exact number; nothing else is reachable from it."""
    number = (number or "").strip()
    if not number or len(number) > 64:
        return None
    try:  # numbers are unique: get() spares first()'s ORDER BY, a third of this page's work
        return Certificate.objects.select_related("person__agency").get(number=number)
    except Certificate.DoesNotExist:
        return None
