"""Writes of 事前公开: each change publishes a new version of one section, with its reason, ledgered."""

from __future__ import annotations

import io
import re

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from .models import ChangeCause, DisclosureTrigger, DisclosureVersion, GuideFile, Section
from .schema import FILE_ROLES, clean_content, clean_record, fields_of, is_list

register_actions({
    "publish_disclosure": "发布事前公开信息新版本",
    "record_disclosure_trigger": "登记事前公开调整事由",
    "answer_disclosure_trigger": "事前公开调整事由已按新版本调整",
    "store_guide_file": "上传服务指南示范文本或常见错误示例文件",
})
UPDATE_DUTY = "事前公开动态调整期限"
UPDATE_RULE = "publicity.update_after_change"
TRIGGER_CAUSES = (ChangeCause.LAW, ChangeCause.FUNCTIONS)


_user = acting_user


def _reason(reason, agency) -> str:
    """The 调整原因 as the portal's 历史版本 page shows it: masked, no 公示查询码 (decision 0097, s25 defects10c #1)."""
    from sanxiang.publicity.public_text import agency_text

    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明本次调整的原因。", field="reason")
    if len(reason) > 300:
        raise RuleViolation("原因过长（最多 300 字）。", field="reason")
    return agency_text(reason, agency, what="调整原因", max_length=300)


def published_texts(section, content) -> list[tuple[str, str, str]]:
    """Every text of a section's content with where it is (「第 2 项（WIN-01）“岗位职责”」) and its field; a file's
    stored description (SHA-256, type, size) is not text the agency wrote, its name is."""
    from sanxiang.publicity.public_text import content_texts

    if not is_list(section):
        return [t for f in fields_of(section) for t in content_texts(content.get(f.name), f"“{f.label}”", f.name)]
    out = []
    for i, item in enumerate(content.get("items") or [], 1):
        where = f"第 {i} 项（{item.get('code', '')}）"
        out += [t for f in fields_of(section) for t in content_texts(
            item.get(f.name), f"{where}“{f.label}”", f.name, skip=("sha256", "media_type", "size"))]
    return out


def _guard_content(agency, section, content, before):
    """The section's content as the portal publishes it under the agency's name (decision 0101, s25 defects10d
    #3): no 公示查询码 in any written form, no 公民身份号码 or 银行卡号 — refused naming the field; the agency's own
    phones and addresses stay. Texts the version in force already has are not checked again."""
    from sanxiang.publicity.public_text import agency_published_content

    agency_published_content(published_texts(section, content), agency,
                             before=published_texts(section, before.content) if before is not None else ())


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
    reason = _reason(reason, agency)
    if cause not in ChangeCause.values:
        raise RuleViolation(f"未知的调整原因类别“{cause}”。", field="cause")
    content = clean_content(section, content, files=file_resolver(agency))
    before = latest(agency, section)
    _guard_content(agency, section, content, before)
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
        # Routed like every other duty: the profile's `duties.update_lists` names the units whose queue it
        # reaches and the leader it is escalated to (decision 0064 point 8); the note says which change it answers.
        do_open_obligation(object_type=row.ledger_type(), object_id=row.pk, agency=agency, kind=UPDATE_DUTY,
                           start=occurred_on, rule=UPDATE_RULE, duty="update_lists",
                           note=f"调整事由：{description}"[:300], actor=actor)
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
    item = clean_record(item, fields_of(section), files=file_resolver(agency))
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


# ---- 服务指南附件: 示范文本 and 常见错误示例 as files (issue 10 §1) -----------------------------------

def file_resolver(agency):
    """Resolves a 申请材料's file reference — the SHA-256 of a file the agency uploaded, as text or as
    {"sha256": …, "name": …} — to what the version records: {sha256, name, media_type, size} from the
    stored row (never the caller's name, type or size). The same bytes uploaded again under another name
    are one file with two names (s25 tester10 #6): a reference that carries one of the names the agency
    uploaded them under keeps it (a material already showing the file, or the upload just made), so one
    upload never renames the file on another material; a bare SHA-256 takes the latest upload's name."""
    def resolve(ref, what):
        sha = ref.get("sha256") if isinstance(ref, dict) else ref
        name = ref.get("name") if isinstance(ref, dict) else None
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise RuleViolation(f"{what}文件的标识不对（应为上传后返回的 SHA-256）。", field="materials")
        rows = GuideFile.objects.filter(agency=agency, sha256=sha)
        row = ((rows.filter(filename=name).order_by("-uploaded_at", "-id").first() if isinstance(name, str) else None)
               or rows.order_by("-uploaded_at", "-id").first())
        if row is None:
            raise RuleViolation(f"{what}文件未上传到本机关。", field="materials", code="guide_file_unknown")
        return {"sha256": row.sha256, "name": row.filename, "media_type": row.media_type, "size": row.size}
    return resolve


def _guard_file(agency, data: bytes, media_type: str, name: str) -> None:
    """A 示范文本 or 常见错误示例 is published under the agency's name as a download (s26 defects10e #4, decision
    0102): its shown name and the text that can be read of it (a .docx, a PDF's text layer: `files.text_of`) pass
    the guard of the agency's own content — a 公示查询码 in any written form, a 公民身份号码 or a 银行卡号 refused,
    naming the file; the agency's own phones and addresses stay (decision 0101). An image's words are not read."""
    from sanxiang.publicity.public_text import agency_published_content

    from .files import text_of

    agency_published_content([(f"文件名“{name}”", name, "file"),
                              (f"文件“{name}”的内容", text_of(data, media_type), "file")], agency)


@transaction.atomic
def do_store_guide_file(agency, data: bytes, filename, *, actor) -> GuideFile:
    """上传示范文本或常见错误示例文件: checked by its bytes (files.py), kept in the content-addressed store,
    ledgered with the file's digests. Not public until a version of the 服务指南 names it."""
    from sanxiang import storage

    from .files import clean_name, media_type_of

    _check(agency, actor)
    if not isinstance(data, (bytes, bytearray)):
        raise RuleViolation("请选择要上传的文件。", field="file")
    mime = media_type_of(bytes(data))
    name = clean_name(filename, mime)
    _guard_file(agency, bytes(data), mime, name)
    try:
        stored = storage.put(io.BytesIO(data))
    except storage.StorageError as exc:
        raise RuleViolation(f"文件保存失败：{exc}", field="file") from exc
    row = GuideFile.objects.create(
        agency=agency, filename=name, media_type=mime, size=stored.size, path=stored.path, sha256=stored.sha256,
        sm3=stored.sm3, uploaded_by=_user(actor), uploaded_by_name=actor.get_username(), uploaded_at=timezone.now())
    append_entry(action="store_guide_file", actor=actor, obj=row, files=[stored.record()], payload={
        "filename": name, "media_type": mime, "sha256": stored.sha256, "size": stored.size})
    return row


def _guide_material(agency, code, material):
    items = _items(agency, Section.GUIDES)
    item = next((i for i in items if i["code"] == code), None)
    if item is None:
        raise NotFound(f"服务指南中没有编码为“{code}”的事项。")
    try:
        index = int(material)
    except (TypeError, ValueError):
        index = 0
    if not 1 <= index <= len(item["materials"]):
        raise RuleViolation("请选择申请材料。", field="material")
    return item, index - 1


def _role(role) -> str:
    if role not in FILE_ROLES:
        raise RuleViolation("请选择作为示范文本还是常见错误示例。", field="role")
    return role


@transaction.atomic
def do_attach_guide_file(agency, code, material, role, data: bytes, filename, *, reason, actor,
                         cause=ChangeCause.ROUTINE, trigger=None) -> DisclosureVersion:
    """为申请材料上传示范文本或常见错误示例: the file stored (ledgered), then the 服务指南 published as a new
    version with the file on the material (`material`: its 1-based place) and the reason."""
    _check(agency, actor)
    role = _role(role)
    _reason(reason, agency)
    item, at = _guide_material(agency, code, material)
    row = do_store_guide_file(agency, data, filename, actor=actor)
    materials = [dict(m) for m in item["materials"]]
    materials[at][role] = {"sha256": row.sha256, "name": row.filename}  # this upload's name, on this material
    return do_save_disclosure_item(agency, Section.GUIDES, {**item, "materials": materials}, code=code,
                                   reason=reason, actor=actor, cause=cause, trigger=trigger)


@transaction.atomic
def do_detach_guide_file(agency, code, material, role, *, reason, actor, cause=ChangeCause.ROUTINE,
                         trigger=None) -> DisclosureVersion:
    """删除申请材料的示范文本或常见错误示例文件: a new version without it (earlier versions keep it)."""
    _check(agency, actor)
    role = _role(role)
    item, at = _guide_material(agency, code, material)
    materials = [dict(m) for m in item["materials"]]
    if not materials[at].get(role):
        raise RuleViolation(f"该申请材料没有{FILE_ROLES[role]}文件。", field="role")
    del materials[at][role]
    return do_save_disclosure_item(agency, Section.GUIDES, {**item, "materials": materials}, code=code,
                                   reason=reason, actor=actor, cause=cause, trigger=trigger)


def published_guide_file(agency, sha256: str, name: str | None = None) -> dict | None:
    """The description of a 服务指南附件 that a published version of the agency's 服务指南 names (the
    current one or an earlier one the portal's history shows), with its stored path; None otherwise.
    The same bytes may be offered under several names (one per material that shows them): `name`, the
    one the portal's link was shown with, is kept when a published version gives the file that name;
    otherwise the latest version's first."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        return None
    found = None
    for row in DisclosureVersion.objects.filter(agency=agency, section=Section.GUIDES).order_by("-version"):
        for item in row.content.get("items", []):
            for m in item.get("materials") or []:
                for key in FILE_ROLES:
                    desc = m.get(key)
                    if isinstance(desc, dict) and desc.get("sha256") == sha256:
                        found = found or desc
                        if name is None or desc.get("name") == name:
                            return _with_path(agency, desc)
    return _with_path(agency, found) if found else None


def _with_path(agency, desc: dict) -> dict | None:
    stored = GuideFile.objects.filter(agency=agency, sha256=desc["sha256"]).order_by("id").first()
    return None if stored is None else {**desc, "path": stored.path}
