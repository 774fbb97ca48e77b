"""The menu item of the 调阅 page (my requests, those waiting for my decision)."""

from sanxiang.core.hooks import register_menu_item, signed_in

register_menu_item("调阅", "retrieval:requests", order=65, visible=signed_in)
