"""What the profiles app adds to the menu."""

from sanxiang.core.hooks import register_menu_item, signed_in

register_menu_item("规则配置", "profiles:list", order=30, visible=signed_in)
