"""What the accounts app adds to the menu."""

from sanxiang.core.hooks import register_menu_item, signed_in

register_menu_item("我的账号", "my-account", order=90, visible=signed_in)


def _administers(user) -> bool:
    from .queries import may_see_security_events

    return signed_in(user) and may_see_security_events(user)


register_menu_item("安全事件", "security-events", order=95, visible=_administers)
