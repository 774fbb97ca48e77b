"""The menu item of the template page, for those who may replace their agency's templates."""

from sanxiang.core.hooks import register_menu_item, signed_in


def manages_templates(user) -> bool:
    from .views import managed_agencies

    return signed_in(user) and bool(managed_agencies(user))


register_menu_item("文书模板", "documents:templates", order=60, visible=manages_templates)
