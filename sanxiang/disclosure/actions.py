"""Writes of 事前公开: each change publishes a new version of one section, with its reason, ledgered."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from .models import ChangeCause, DisclosureTrigger, DisclosureVersion, Section
from .schema import clean_content, clean_record, fields_of, is_list

register_actions({
    "publish_disclosure": "发布事前公开信息新版本",
    "record_disclosure_trigger": "登记事前公开调整事由",
    "answer_disclosure_trigger": "事前公开调整事由已按新版本调整",
})
UPDATE_DUTY = "事前公开动态调整期限"
UPDATE_RULE = "publicity.update_after_change"
TRIGGER_CAUSES = (ChangeCause.LAW, ChangeCause.FUNCTIONS)


_user = acting_user


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
                          change: dict | None = None, trigger=None) -> DisclosureVersion:
    """发布事前公开新版本: the whole section as it is from now on; earlier versions stay, with their reasons.
    With `trigger` (an open 调整事由 of the agency) the version answers it: its cause is the trigger's,
    and the update deadline it opened is met."""
    _check(agency, actor)
    if trigger is not None:
        trigger = DisclosureTrigger.objects.select_for_update().filter(pk=getattr(trigger, "pk", trigger)).first()
        if trigger is None or trigger.agency_id != agency.pk:
            raise NotFound("没有这项调整事由。")
        if trigger.answered_by_id is not None:
            raise RuleViolation(f"调整事由“{trigger.description}”已于第{trigger.answered_by.version}版调整完毕。",
                                field="trigger")
        cause = trigger.cause
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
    if trigger is not None:
        _answer(trigger, row, actor)
    return row


def _answer(trigger, row, actor):
    from sanxiang.deadlines.actions import meet_obligations_of

    trigger.answered_by = row
    trigger.save(update_fields=["answered_by"])
    append_entry(action="answer_disclosure_trigger", actor=actor, obj=trigger, payload={
        "section": row.section, "version": row.version, "description": trigger.description})
    meet_obligations_of(object_type=trigger.ledger_type(), object_id=trigger.pk, kinds=[UPDATE_DUTY], actor=actor)


def update_period(agency, on):
    """The profile's period for updating after a change ({count, unit}), or None ("及时")."""
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    try:
        return profile_value(profile_key_of(agency), UPDATE_RULE, on)
    except Exception:  # a profile without the value: no deadline
        return None


@transaction.atomic
def do_record_disclosure_trigger(agency, *, cause, description, occurred_on, actor) -> DisclosureTrigger:
    """登记调整事由: a law change or a change of functions; opens 事前公开动态调整期限 where the profile sets one."""
    import datetime as dt

    from sanxiang.deadlines.actions import do_open_obligation

    _check(agency, actor)
    if cause not in TRIGGER_CAUSES:
        raise RuleViolation("调整事由应为法律、法规、规章变化或机构职能变化。", field="cause")
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        raise RuleViolation("请写明变化的内容（如某法律的修订及其施行日期）。", field="description")
    if len(description) > 300:
        raise RuleViolation("变化的内容过长（最多 300 字）。", field="description")
    occurred_on = inputs.day(occurred_on, field="occurred_on", label="日期", empty=inputs.REQUIRED,
                             required="请填写生效、废止或职能调整的日期。")
    if occurred_on > timezone.localdate() + dt.timedelta(days=366):
        raise RuleViolation("日期不能晚于一年以后。", field="occurred_on")
    row = DisclosureTrigger.objects.create(
        agency=agency, cause=cause, description=description, occurred_on=occurred_on, recorded_by=_user(actor),
        recorded_by_name=actor.get_username(), recorded_at=timezone.now())
    append_entry(action="record_disclosure_trigger", actor=actor, obj=row, payload={
        "cause": cause, "description": description, "occurred_on": occurred_on.isoformat()})
    if update_period(agency, occurred_on):
        do_open_obligation(object_type=row.ledger_type(), object_id=row.pk, agency=agency, kind=UPDATE_DUTY,
                           start=occurred_on, rule=UPDATE_RULE, actor=actor)
    return row


def _items(agency, section) -> list[dict]:
    row = latest(agency, section)
    return list(row.content["items"]) if row is not None else []


@transaction.atomic
def do_save_disclosure_item(agency, section, item, *, reason, actor, code=None,
                            cause=ChangeCause.ROUTINE, trigger=None) -> DisclosureVersion:
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
                                 change=change, trigger=trigger)


@transaction.atomic
def do_remove_disclosure_item(agency, section, code, *, reason, actor, cause=ChangeCause.ROUTINE,
                              trigger=None) -> DisclosureVersion:
    """删除一项: published as a new version without it (the earlier versions keep it)."""
    _check(agency, actor)
    section = _section(section)
    items = _items(agency, section)
    if code not in [i["code"] for i in items]:
        raise NotFound(f"清单中没有编码为“{code}”的事项。")
    return do_publish_disclosure(agency, section, {"items": [i for i in items if i["code"] != code]},
                                 reason=reason, actor=actor, cause=cause, change={"kind": "remove", "code": code},
                                 trigger=trigger)
