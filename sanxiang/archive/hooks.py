"""The 档案管理 menu item, for records keepers, heads and leaders."""

from sanxiang.core.hooks import register_menu_item, signed_in


def keeps_records(user) -> bool:
    from .views import archivist_agencies

    return signed_in(user) and bool(archivist_agencies(user))


register_menu_item("档案管理", "archive:index", order=65, visible=keeps_records)
