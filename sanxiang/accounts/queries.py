"""Reads about accounts and tokens; each function takes the user asking."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from sanxiang.core.ids import row_by_id
from sanxiang.orgs.querysets import current_roles

from .models import ApiToken, TemporaryPassword


def assignable_accounts(agency):
    """Accounts an administrator of `agency` may give a role: its people's, and those already holding one there."""
    User = get_user_model()
    linked = Q(people__agency=agency) | Q(role_assignments__agency=agency, role_assignments__active=True)
    ids = User.objects.filter(linked, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).prefetch_related("people").order_by("username")


def account_label(user) -> str:
    """How people see an account: the person's name (or the account's name) and the login name."""
    people = list(user.people.all())
    name = people[0].name if people else (user.get_full_name() or "")
    return f"{name}（{user.username}）" if name else user.username


def own_tokens(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def own_roles(user):
    return current_roles(user).select_related("agency", "unit").order_by("agency__code", "role")


def has_temporary_password(user) -> bool:
    return TemporaryPassword.objects.filter(user=user).exists()


def token_by_reference(reference: str):
    """A token by its id or by the beginning of its visible prefix (CLI); None if none or ambiguous."""
    reference = (reference or "").strip().rstrip("…")
    if reference.isdigit():
        return row_by_id(ApiToken.objects.select_related("user"), reference)
    if len(reference) < 6:
        return None
    found = list(ApiToken.objects.select_related("user").filter(prefix__startswith=reference[:16])[:2])
    return found[0] if len(found) == 1 else None


SECURITY_EVENT_ROWS = 300


def may_see_security_events(user) -> bool:
    """System administrators, and administrators of an agency (for its accounts)."""
    from sanxiang.access.policy import is_system
    from sanxiang.orgs.models import Role

    return is_system(user) or current_roles(user).filter(role=Role.ADMINISTRATOR).exists()


def security_events(user, *, subject="", kind=""):
    """The latest security events `user` may see, newest hour first (at most SECURITY_EVENT_ROWS)."""
    from sanxiang.access.policy import restrict

    from .models import SecurityEvent, SecurityEventKind, SecuritySubject

    rows = restrict(SecurityEvent.objects.all(), user).select_related("user")
    if subject in SecuritySubject.values:
        rows = rows.filter(subject=subject)
    if kind in SecurityEventKind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("-hour", "-last_at", "pk")[:SECURITY_EVENT_ROWS]
