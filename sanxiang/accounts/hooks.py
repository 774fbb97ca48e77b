"""What the accounts app adds to the menu."""

from sanxiang.core.hooks import register_menu_item, signed_in

register_menu_item("我的账号", "my-account", order=90, visible=signed_in)
