"""The menu item of the registers (执法台账)."""

from sanxiang.core.hooks import register_menu_item, signed_in

register_menu_item("执法台账", "registers:index", order=55, visible=signed_in)
