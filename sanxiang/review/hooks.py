"""The menu item of the 法制审核目录清单."""

from sanxiang.core.hooks import register_menu_item, signed_in

register_menu_item("审核目录", "review-catalogue:index", order=57, visible=signed_in)
