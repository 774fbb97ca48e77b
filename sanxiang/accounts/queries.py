"""Reads about accounts and tokens; each function takes the user asking."""

from django.contrib.auth import get_user_model
from django.db.models import Q

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
        return ApiToken.objects.select_related("user").filter(pk=int(reference)).first()
    if len(reference) < 6:
        return None
    found = list(ApiToken.objects.select_related("user").filter(prefix__startswith=reference[:16])[:2])
    return found[0] if len(found) == 1 else None
