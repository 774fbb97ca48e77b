"""Menus and home panels that each app registers for itself (as Wagtail's hooks do).

core is the bottom layer: it knows no app. An app adds what it offers in its own `hooks.py`,
which `CoreConfig.ready()` imports:

    from sanxiang.core.hooks import register_home_panel, register_menu_item

    register_menu_item("规则配置", "profiles:list", order=30, visible=lambda user: user.is_authenticated)
    register_home_panel("deadlines", "deadlines/_panel.html", context=deadline_panel, order=20)

A panel's `context(request)` returns the dict its template renders, or None to hide the panel for
this request. Two keys of that dict feed the workbench header (工作台) that sums up every panel:
`counts` — [{"label", "count", "level"}] with level "todo" (待办), "yellow" (临期) or "red" (逾期) —
and `shortcuts` — [{"label", "url"}].
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import Callable

from django.urls import reverse


def _always(user) -> bool:
    return True


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def anonymous(user) -> bool:
    return not signed_in(user)


@dataclass(frozen=True)
class MenuItem:
    """菜单项: one entry of the top navigation."""

    label: str
    url_name: str
    order: int = 100
    visible: Callable = _always


@dataclass(frozen=True)
class HomePanel:
    """工作台面板: one card of the signed-in home page."""

    name: str
    template: str
    context: Callable | None = None
    order: int = 100
    visible: Callable = signed_in


@dataclass
class _Registry:
    menu: dict[str, MenuItem] = field(default_factory=dict)
    panels: dict[str, HomePanel] = field(default_factory=dict)


_registry = _Registry()


def register_menu_item(label: str, url_name: str, *, order: int = 100, visible: Callable = _always) -> MenuItem:
    """Add (or replace, keyed by url_name) an entry of the top navigation."""
    item = MenuItem(label, url_name, order, visible)
    _registry.menu[url_name] = item
    return item


def register_home_panel(name: str, template: str, *, context: Callable | None = None, order: int = 100,
                        visible: Callable = signed_in) -> HomePanel:
    """Add (or replace, keyed by name) a panel of the home page."""
    panel = HomePanel(name, template, context, order, visible)
    _registry.panels[name] = panel
    return panel


def menu_items(user) -> list[dict]:
    """The navigation the user may see, in order, with resolved URLs."""
    items = sorted(_registry.menu.values(), key=lambda i: (i.order, i.label))
    return [{"label": i.label, "url": reverse(i.url_name)} for i in items if i.visible(user)]


def home_panels(request) -> list[dict]:
    """The panels the user may see, each with its rendered context (None-context panels dropped)."""
    shown = []
    for panel in sorted(_registry.panels.values(), key=lambda p: (p.order, p.name)):
        if not panel.visible(request.user):
            continue
        context = panel.context(request) if panel.context else {}
        if context is None:
            continue
        shown.append({"name": panel.name, "template": panel.template, "context": context})
    return shown


def autodiscover() -> None:
    """Import `<app>.hooks` for every installed app that has one."""
    from django.apps import apps

    for config in apps.get_app_configs():
        module = f"{config.name}.hooks"
        if module == __name__:
            continue
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
