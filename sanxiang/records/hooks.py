"""What records adds: the closing check of the audio-video list (结案), and the menu item 我的音像记录."""

from sanxiang.cases.guards import register_closing_check
from sanxiang.core.hooks import register_menu_item, signed_in

from .catalogue import closing_problem


def records_recordings(user) -> bool:
    from sanxiang.access.policy import current_roles
    from sanxiang.orgs.models import Role

    return signed_in(user) and current_roles(user).filter(role__in=(Role.OFFICER, Role.UNIT_HEAD)).exists()


register_closing_check(closing_problem)
register_menu_item("我的音像记录", "records:mine", order=17, visible=records_recordings)
