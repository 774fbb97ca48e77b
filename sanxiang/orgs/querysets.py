"""`restrict(user, action)` on every orgs model (NetBox's RestrictedQuerySet, adapted).

Deny by default. The filter runs in SQL: a user sees the agencies where they hold a current role,
a supervisor also the agencies its body supervises, an adviser only the objects listed in the
scope of a current adviser assignment, a superuser everything. Only "view" is granted to
supervisors and advisers; any other action needs a current administrator role in that agency.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

VIEW = "view"


def today():
    return timezone.localdate()


def current_roles(user, on_date=None):
    """The user's role assignments in force on `on_date` (a queryset, not evaluated)."""
    from .models import RoleAssignment

    on_date = on_date or today()
    return RoleAssignment.objects.filter(user=user, active=True, valid_from__lte=on_date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
    )


def adviser_object_ids(user, object_type: str, on_date=None) -> list[str]:
    """Primary keys (as strings) of objects of `object_type` assigned to the adviser `user`.

    A scope entry is "<object_type>:<pk>", e.g. "orgs.person:12" or, later, "cases.case:7".
    Assignments past their valid_to give nothing: adviser access expires by itself.
    """
    from .models import Role

    ids = []
    for scope in current_roles(user, on_date).filter(role=Role.ADVISER).values_list("scope", flat=True):
        for ref in scope or []:
            kind, _, pk = str(ref).rpartition(":")
            if kind == object_type and pk:
                ids.append(pk)
    return ids


def visible_agency_ids(user, action=VIEW, on_date=None):
    """A subquery of Agency ids `user` may `action` through agency-wide roles (not adviser scopes)."""
    from .models import Agency, Role

    roles = current_roles(user, on_date)
    if action != VIEW:
        return Agency.objects.filter(pk__in=roles.filter(role=Role.ADMINISTRATOR).values("agency_id")).values("id")
    own = roles.exclude(role=Role.ADVISER).values("agency_id")
    supervisors = roles.filter(role=Role.SUPERVISOR).values("agency_id")
    return Agency.objects.filter(Q(pk__in=own) | Q(supervised_by__in=supervisors)).values("id").distinct()


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW, on_date=None):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        field = self.model.agency_field
        agency_q = Q(**{f"{field}__in" if field else "pk__in": visible_agency_ids(user, action, on_date)})
        if action == VIEW:
            assigned = [pk for pk in adviser_object_ids(user, self.model.ledger_type(), on_date) if pk.isdigit()]
            if assigned:
                agency_q |= Q(pk__in=assigned)
        return self.filter(agency_q).distinct()


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
