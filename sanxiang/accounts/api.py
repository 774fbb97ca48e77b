"""The API's view of the caller's own account (for programs holding a token, and for sessions)."""

from ninja import Router, Schema
from ninja.responses import Status

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotAuthenticated

from . import queries

router = Router(tags=["accounts"])


class RoleOut(Schema):
    agency: str
    agency_name: str
    role: str
    role_label: str
    unit: str | None
    valid_to: str | None


class MeOut(Schema):
    username: str
    name: str
    roles: list[RoleOut]
    system_administrator: bool


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="当前账号（用户名、姓名、角色）")
def me(request):
    """The account this request acts as (a session, or `Authorization: Bearer <访问令牌>`)."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    roles = [{"agency": r.agency.code, "agency_name": r.agency.name, "role": r.role, "role_label": r.get_role_display(),
              "unit": r.unit.name if r.unit else None, "valid_to": r.valid_to.isoformat() if r.valid_to else None}
             for r in queries.own_roles(user)]
    return Status(200, {"username": user.username, "name": user.get_full_name(), "roles": roles,
                        "system_administrator": bool(user.is_superuser)})
