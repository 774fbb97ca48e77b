"""Registered ledger actions (留痕动作): every entry's action is a registered name with a Chinese
label, which the case timeline and supervision show. `append_entry` refuses an unregistered name
and `sanxiang verify` names entries whose action is unknown.

Each app registers its actions next to them:

    register_actions({"issue_certificate": "发放执法证", ...})
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerAction:
    """留痕动作 — a kind of act that the ledger records."""

    name: str
    label: str


_actions: dict[str, LedgerAction] = {}


def register_actions(labels: dict[str, str]) -> dict[str, str]:
    for name, label in labels.items():
        known = _actions.get(name)
        if known is not None and known.label != label:
            raise ValueError(f"ledger action {name!r} registered twice with different labels")
        _actions[name] = LedgerAction(name, label)
    return labels


def is_registered(name: str) -> bool:
    _load()
    return name in _actions


def action_label(name: str) -> str:
    """The Chinese label of an action ("发放执法证"), or the name marked unknown."""
    _load()
    found = _actions.get(name)
    return found.label if found else f"未登记的动作（{name}）"


def registered() -> dict[str, str]:
    _load()
    return {name: a.label for name, a in sorted(_actions.items())}


def _load() -> None:
    # Actions register when their app's actions module is imported; make sure all are.
    if not _loaded:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("actions")
        _loaded.append(True)


_loaded: list = []

register_actions({
    "post_announcement": "发布账本公告",
    # A stored file (its digests in the entry's `files`); the records app attaches it to a case.
    "store_file": "存储文件",
})
