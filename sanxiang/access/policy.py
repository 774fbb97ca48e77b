"""The access policy (访问控制策略): one role × action table, as data, for every model.

Each app registers its models in `<app>/policies.py` (autodiscovered): the path from the model to
its agency, the assignment that grants access (a case's handlers, a review's reviewer), the row's
own user, its confidentiality mark — and, per action, which role reaches which rows:

    register(Person, agency="agency", own="user", rules={
        "view": {Role.OFFICER: AGENCY, Role.SUPERVISOR: SUPERVISED, Role.ADVISER: ENTRUSTED, SELF: OWN},
        "manage": {Role.ADMINISTRATOR: AGENCY},
    })

The same table drives `restrict(queryset, user, action)` (every read, filtered in SQL with a
`pk__in` subquery) and `can(user, action, obj)` (actions, views, templates). Deny by default: a
model without a policy, an action without a rule, an anonymous or inactive user get nothing.
System administrators and system actors (jobs, the operator's console) get everything.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone

from .actors import is_system_actor

# Scopes: which rows a role assignment reaches.
AGENCY = "agency"          # every row of the assignment's agency
UNIT = "unit"              # rows of the assignment's unit (and its sub-units)
ASSIGNED = "assigned"      # rows the user is assigned to (the model's `assigned` path)
SUPERVISED = "supervised"  # rows of the agencies the assignment's body supervises
ENTRUSTED = "entrusted"    # rows named in an adviser assignment's scope, within its agency
OWN = "own"                # rows that are the user's own (the model's `own` path)
SCOPES = (AGENCY, UNIT, ASSIGNED, SUPERVISED, ENTRUSTED, OWN)

# Pseudo-role: any logged-in user, for their own rows.
SELF = "self"

VIEW = "view"

# Who may read rows of each confidentiality mark, by scope (state secrets: the people named only).
_ALL_MARKS = ("public", "internal", "work_secret", "business_secret", "personal_privacy", "state_secret")
MARK_CLEARANCE = {scope: _ALL_MARKS[:-1] for scope in SCOPES} | {ASSIGNED: _ALL_MARKS, OWN: _ALL_MARKS}


@dataclass
class Policy:
    """访问策略 — how one model's rows relate to agencies and users, and its rules."""

    model: type[models.Model]
    agency: str | None = "agency"  # path to orgs.Agency; "self": the row is the agency; None: no agency
    agency_code: str | None = None  # or: a field holding the agency's code
    unit: str | None = None         # path to orgs.Unit, for UNIT scope
    assigned: str | None = None     # path to the assigned user, for ASSIGNED scope
    own: str | None = None          # path to the owning user, for OWN scope
    mark: str | None = None         # field holding a Confidentiality value
    public: bool = False            # anyone, even anonymous, may view every row
    rules: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_registry: dict[type, Policy] = {}


def _scopes(value) -> tuple[str, ...]:
    scopes = (value,) if isinstance(value, str) else tuple(value)
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"unknown access scope {scope!r}")
    return scopes


def register(model, *, agency="agency", agency_code=None, unit=None, assigned=None, own=None, mark=None,
             rules=None) -> Policy:
    """Register `model`'s policy (once, from its app's policies.py)."""
    if model in _registry:
        raise ValueError(f"{model._meta.label} already has an access policy")
    policy = Policy(model, agency=agency, agency_code=agency_code, unit=unit, assigned=assigned, own=own,
                    mark=mark)
    _registry[model] = policy
    for action, grants in (rules or {}).items():
        grant(model, action, grants)
    return policy


def register_public(model) -> Policy:
    """Register a model whose rows anyone may read (checkpoints, the holiday calendar)."""
    policy = register(model, agency=None)
    policy.public = True
    return policy


def grant(model, action: str, grants: dict) -> None:
    """Add rules `{role: scope or scopes}` for `action` on `model` (e.g. from a transition table)."""
    policy = policy_for(model)
    if policy is None:
        raise ValueError(f"{model._meta.label} has no access policy: register it first")
    rules = policy.rules.setdefault(action, {})
    for role, scopes in grants.items():
        rules[str(role)] = tuple(dict.fromkeys(rules.get(str(role), ()) + _scopes(scopes)))


def policy_for(model) -> Policy | None:
    model = model if isinstance(model, type) else type(model)
    return _registry.get(model) or _registry.get(getattr(model._meta, "concrete_model", model))


def registered_models() -> list[type]:
    return list(_registry)


def rules_table() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(model, action, role, scopes) rows, for the docs and the permission tests."""
    return [(p.label, action, role, scopes)
            for p in _registry.values() for action, grants in sorted(p.rules.items())
            for role, scopes in sorted(grants.items())]


# ---- the user's roles -----------------------------------------------------------------------------

def today() -> dt.date:
    return timezone.localdate()


def current_roles(user, on_date=None):
    """The user's role assignments in force on `on_date` (a queryset, not evaluated)."""
    from sanxiang.orgs.models import RoleAssignment

    if not is_person(user):
        return RoleAssignment.objects.none()
    on_date = on_date or today()
    return RoleAssignment.objects.filter(user=user, active=True, valid_from__lte=on_date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))


# The roles `access_q` reads, once per (user, date) while a page is read (`roles_read_once`): a case
# page asked the access table about 35 times, and each time read the same role assignments again —
# a fifth of its queries (docs/access.md "Read once per request").
_roles_read = contextvars.ContextVar("sanxiang_roles_read", default=None)


@contextmanager
def roles_read_once():
    """While this lasts (a GET or HEAD request, `RolesReadOncePerRequest`), `access_q` reads each user's
    role assignments in force on a date once; any role assignment saved or deleted meanwhile forgets
    what was read (`forget_roles_read`)."""
    token = _roles_read.set({})
    try:
        yield
    finally:
        _roles_read.reset(token)


def forget_roles_read(**kwargs) -> None:
    """A role assignment was saved or deleted: read the roles again (post_save / post_delete)."""
    read = _roles_read.get()
    if read:
        read.clear()


def _roles_in_force(user, on_date) -> list:
    """The user's role assignments in force on `on_date` (agency, unit, role and scope only), read once
    per (user, date) inside `roles_read_once`, else every time."""
    read = _roles_read.get()
    if read is None:
        return list(current_roles(user, on_date).only("agency_id", "unit_id", "role", "scope"))
    key = (user.pk, on_date or today())
    if key not in read:
        read[key] = list(current_roles(user, key[1]).only("agency_id", "unit_id", "role", "scope"))
    return read[key]


def is_person(user) -> bool:
    """A logged-in, active account of a person (not anonymous, not a system actor)."""
    return (user is not None and not is_system_actor(user) and getattr(user, "is_authenticated", False)
            and getattr(user, "is_active", False) and getattr(user, "pk", None) is not None)


def is_system(user) -> bool:
    """System administrators and system actors pass every check."""
    if is_system_actor(user):
        return True
    return is_person(user) and bool(getattr(user, "is_superuser", False))


def entrusted_ids(ref_scope, object_type: str) -> list[int]:
    """Primary keys of `object_type` named in an adviser assignment's scope ("orgs.person:12")."""
    ids = []
    for ref in ref_scope or []:
        kind, _, pk = str(ref).rpartition(":")
        if kind == object_type and pk.isdigit():
            ids.append(int(pk))
    return ids


# ---- the filter ------------------------------------------------------------------------------------

def _agency_q(policy: Policy, agency_ids) -> Q:
    if policy.agency_code:
        from sanxiang.orgs.models import Agency

        return Q(**{f"{policy.agency_code}__in": Agency.objects.filter(pk__in=agency_ids).values("code")})
    if policy.agency is None:
        return Q(pk__in=[])
    return Q(**{"pk__in" if policy.agency == "self" else f"{policy.agency}__in": agency_ids})


def _supervised_q(policy: Policy, body_ids) -> Q:
    from sanxiang.orgs.models import Agency

    supervised = Agency.objects.filter(supervised_by__in=body_ids).values("pk")
    return _agency_q(policy, supervised)


def _unit_q(policy: Policy, unit_ids) -> Q:
    if not policy.unit:
        return Q(pk__in=[])
    from sanxiang.orgs.models import Unit

    # A head of a unit also reaches its sub-units (two levels cover the seeds' org charts).
    units = Unit.objects.filter(Q(pk__in=unit_ids) | Q(parent__in=unit_ids) | Q(parent__parent__in=unit_ids))
    return Q(**{f"{policy.unit}__in": units.values("pk")})


def _mark_q(policy: Policy, scope: str) -> Q:
    if not policy.mark:
        return Q()
    return Q(**{f"{policy.mark}__in": MARK_CLEARANCE[scope]})


def access_q(policy: Policy, user, action: str, on_date=None, exclude_roles=()) -> Q | None:
    """The rows of `policy.model` `user` may `action`, as a Q (None: all rows; Q(pk__in=[]): none).
    `exclude_roles`: as if the user did not hold those roles (does one reach a row otherwise?)."""
    if is_system(user) or (policy.public and action == VIEW):
        return None
    nothing = Q(pk__in=[])
    if not is_person(user):
        return nothing
    grants = policy.rules.get(action)
    if not grants:
        return nothing
    q = nothing
    self_scopes = grants.get(SELF, ())
    if OWN in self_scopes and policy.own:
        q |= Q(**{policy.own: user.pk}) & _mark_q(policy, OWN)
    excluded = {str(role) for role in exclude_roles}
    for ra in _roles_in_force(user, on_date):
        if ra.role in excluded:
            continue
        for scope in grants.get(ra.role, ()):
            if scope == AGENCY:
                part = _agency_q(policy, [ra.agency_id])
            elif scope == UNIT and ra.unit_id:
                part = _unit_q(policy, [ra.unit_id]) & _agency_q(policy, [ra.agency_id])
            elif scope == SUPERVISED:
                part = _supervised_q(policy, [ra.agency_id])
            elif scope == ENTRUSTED:
                ids = entrusted_ids(ra.scope, policy.label)
                if not ids:
                    continue
                # Only objects of the granting agency, whatever the scope names.
                part = Q(pk__in=ids) & _agency_q(policy, [ra.agency_id])
            elif scope == ASSIGNED and policy.assigned:
                part = Q(**{policy.assigned: user.pk}) & _agency_q(policy, [ra.agency_id])
            elif scope == OWN and policy.own:
                part = Q(**{policy.own: user.pk})
            else:
                continue
            q |= part & _mark_q(policy, scope)
    return q


def restrict(queryset, user, action: str = VIEW, on_date=None):
    """`queryset` narrowed to the rows `user` may `action` (deny by default)."""
    policy = policy_for(queryset.model)
    if policy is None:
        return queryset.none()
    q = access_q(policy, user, action, on_date)
    if q is None:
        return queryset
    if q == Q(pk__in=[]):
        return queryset.none()
    allowed = policy.model._base_manager.filter(q).values("pk")
    return queryset.filter(pk__in=allowed)


def can(user, action: str, obj, on_date=None, exclude_roles=()) -> bool:
    """May `user` `action` this object? The same table as `restrict`, asked of one row (`exclude_roles`:
    through another role than these — e.g. does the 档案管理人员 reach it otherwise)."""
    if is_system(user):
        return True
    policy = policy_for(obj)
    if policy is None or obj.pk is None:
        return False
    if policy.public and action == VIEW:
        return True
    q = access_q(policy, user, action, on_date, exclude_roles)
    if q is None:
        return True
    return policy.model._base_manager.filter(q, pk=obj.pk).exists()


def permitted_pks(user, action: str, objs, on_date=None) -> set:
    """The pks of those of `objs` (rows of one model) that `user` may `action`: `can` asked of many rows in
    one query — a page that lists rows with their moves asks the policy once per action, not per row."""
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs:
        return set()
    if len({type(obj) for obj in objs}) > 1:
        raise ValueError("permitted_pks: rows of one model")
    every = {obj.pk for obj in objs}
    if is_system(user):
        return every
    policy = policy_for(objs[0])
    if policy is None:
        return set()
    if policy.public and action == VIEW:
        return every
    q = access_q(policy, user, action, on_date)
    if q is None:
        return every
    return set(policy.model._base_manager.filter(q, pk__in=every).values_list("pk", flat=True))


def restricted_prefetch(lookup: str, user, queryset, action: str = VIEW) -> Prefetch:
    """A Prefetch whose related rows pass the same filter (reverse relations never escape it)."""
    return Prefetch(lookup, queryset=restrict(queryset, user, action))


def agency_of(obj):
    """The orgs.Agency an object belongs to, following its policy (None when it has none)."""
    policy = policy_for(obj)
    if policy is None or (policy.agency is None and not policy.agency_code):
        return None
    if policy.agency == "self":
        return obj
    if policy.agency_code:
        from sanxiang.orgs.models import Agency

        return Agency.objects.filter(code=_follow(obj, policy.agency_code)).first()
    return _follow(obj, policy.agency)


def _follow(obj, path: str):
    """The value at a Django lookup path ("person__agency") from an object, or None."""
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def agency_code_of(obj) -> str:
    policy = policy_for(obj)
    if policy is not None and policy.agency_code:
        return _follow(obj, policy.agency_code) or ""
    agency = agency_of(obj)
    return agency.code if agency is not None else ""


class RestrictedQuerySet(models.QuerySet):
    """`Model.objects.restrict(user, action)` — NetBox's RestrictedQuerySet, driven by the policy."""

    def restrict(self, user, action: str = VIEW, on_date=None):
        return restrict(self, user, action, on_date)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
