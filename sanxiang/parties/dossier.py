"""一户式档案 — the dossier page of one party, with sections other apps contribute.

An app adds a section from its own `hooks.py` (parties does not know the apps that use it):

    from sanxiang.parties.dossier import register_dossier_section

    register_dossier_section("cases", "案件", "cases/_dossier.html", context=cases_of_party, order=10)

`context(party, user)` returns the template's dict, or None to leave the section out for this
reader (nothing of theirs to show, or nothing they may see). Reads in it go through the app's
own queries, restricted to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class DossierSection:
    """档案栏目 — one section of a party's dossier page."""

    key: str
    title: str
    template: str
    context: Callable | None = None
    order: int = 100


_sections: dict[str, DossierSection] = {}


def register_dossier_section(key: str, title: str, template: str, *, context: Callable | None = None,
                             order: int = 100) -> DossierSection:
    """Add (or replace, keyed by `key`) a section of every party's dossier."""
    section = DossierSection(key, title, template, context, order)
    _sections[key] = section
    return section


def sections() -> list[DossierSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def rendered_sections(party, request) -> list[dict]:
    """[{key, title, html}] of the sections this reader gets, in order."""
    shown = []
    for section in sections():
        context = section.context(party, request.user) if section.context else {}
        if context is None:
            continue
        html = render_to_string(section.template, {"party": party, **context}, request=request)
        shown.append({"key": section.key, "title": section.title, "html": mark_safe(html)})
    return shown
