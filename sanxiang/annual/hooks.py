"""The annual report's menu item (年度统计年报), for those who read or compile a report."""

from sanxiang.core.hooks import register_menu_item

from .queries import sees_annual

register_menu_item("统计年报", "annual:index", order=58, visible=sees_annual)
