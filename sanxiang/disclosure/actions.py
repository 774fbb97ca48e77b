"""Writes of 事前公开: each change publishes a new version of one section, with its reason, ledgered."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from .models import ChangeCause, DisclosureVersion, Section
from .schema import clean_content, clean_record, fields_of, is_list

register_actions({
    "publish_disclosure": "发布事前公开信息新版本",
})


def _user(actor):
    return actor if getattr(actor, "pk", None) is not None else None


def _reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明本次调整的原因。", field="reason")
    if len(reason) > 300:
        raise RuleViolation("原因过长（最多 300 字）。", field="reason")
    return reason


def _section(section) -> Section:
    try:
        return Section(section)
    except ValueError:
        raise RuleViolation(f"未知的事前公开栏目“{section}”。", field="section") from None


def _check(agency, actor):
    if not can(actor, "manage_disclosure", agency):
        raise NotPermitted(f"只有“{agency.name}”的法制审核人员、公示编辑或单位领导可以调整事前公开信息。")


def latest(agency, section) -> DisclosureVersion | None:
    return DisclosureVersion.objects.filter(agency=agency, section=section).order_by("-version").first()


@transaction.atomic
def do_publish_disclosure(agency, section, content, *, reason, actor, cause=ChangeCause.ROUTINE,
                          change: dict | None = None) -> DisclosureVersion:
    """发布事前公开新版本: the whole section as it is from now on; earlier versions stay, with their reasons."""
    _check(agency, actor)
    section = _section(section)
    reason = _reason(reason)
    if cause not in ChangeCause.values:
        raise RuleViolation(f"未知的调整原因类别“{cause}”。", field="cause")
    content = clean_content(section, content)
    before = latest(agency, section)
    if before is not None and before.content == content:
        raise RuleViolation("内容与现行版本相同，无需发布新版本。", field="content", code="disclosure_unchanged")
    last = DisclosureVersion.objects.filter(agency=agency, section=section).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            row = DisclosureVersion.objects.create(
                agency=agency, section=section, version=last + 1, cause=cause, reason=reason, content=content,
                made_by=_user(actor), made_by_name=actor.get_username(), made_at=timezone.now())
    except IntegrityError:
        raise Conflict("另一用户刚刚发布了新版本，请刷新后重试。", code="disclosure_version_taken") from None
    append_entry(action="publish_disclosure", actor=actor, obj=row, payload={
        "section": section.value, "version": row.version, "cause": cause, "reason": reason,
        "change": change or {"kind": "replace"}, "content": content})
    return row


def _items(agency, section) -> list[dict]:
    row = latest(agency, section)
    return list(row.content["items"]) if row is not None else []


@transaction.atomic
def do_save_disclosure_item(agency, section, item, *, reason, actor, code=None,
                            cause=ChangeCause.ROUTINE) -> DisclosureVersion:
    """增改一项: the item `code` (None: a new item) replaced by `item`, published as a new version."""
    _check(agency, actor)
    section = _section(section)
    if not is_list(section):
        raise RuleViolation("该栏目不是清单。", field="section")
    item = clean_record(item, fields_of(section))
    items = _items(agency, section)
    codes = [i["code"] for i in items]
    if code is None:
        if item["code"] in codes:
            raise RuleViolation(f"编码“{item['code']}”已被使用。", field="code")
        items.append(item)
        change = {"kind": "add", "code": item["code"]}
    else:
        if code not in codes:
            raise NotFound(f"清单中没有编码为“{code}”的事项。")
        if item["code"] != code and item["code"] in codes:
            raise RuleViolation(f"编码“{item['code']}”已被使用。", field="code")
        items[codes.index(code)] = item
        change = {"kind": "edit", "code": code}
    return do_publish_disclosure(agency, section, {"items": items}, reason=reason, actor=actor, cause=cause,
                                 change=change)


@transaction.atomic
def do_remove_disclosure_item(agency, section, code, *, reason, actor, cause=ChangeCause.ROUTINE) -> DisclosureVersion:
    """删除一项: published as a new version without it (the earlier versions keep it)."""
    _check(agency, actor)
    section = _section(section)
    items = _items(agency, section)
    if code not in [i["code"] for i in items]:
        raise NotFound(f"清单中没有编码为“{code}”的事项。")
    return do_publish_disclosure(agency, section, {"items": [i for i in items if i["code"] != code]},
                                 reason=reason, actor=actor, cause=cause, change={"kind": "remove", "code": code})
