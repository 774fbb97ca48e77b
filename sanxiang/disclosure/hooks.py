"""事前公开 in the menu: for those who edit it (the legal office, the 公示编辑, the leaders; policies.py)."""

from sanxiang.access.policy import current_roles
from sanxiang.core.hooks import register_menu_item, signed_in
from sanxiang.orgs.models import Role

EDITOR_ROLES = (Role.REVIEWER, Role.PUBLICITY_EDITOR, Role.AGENCY_LEADER)


def edits(user) -> bool:
    return signed_in(user) and current_roles(user).filter(role__in=EDITOR_ROLES).exists()


register_menu_item("事前公开", "disclosure:index", order=58, visible=edits)
