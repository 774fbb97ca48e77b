"""Every write to orgs goes through these `do_<verb>_<noun>(..., *, actor)` actions.

Each runs in one transaction, checks who may do it, validates, writes, and appends its ledger
entry. Bad input raises OrgsError (nothing written); a refused actor raises OrgsPermissionDenied.
"""

import datetime as dt
import re

import pyotp
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.access.policy import can, is_system
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.core.ids import row_by_id
from sanxiang.ledger.actions import append_entry, changes
from sanxiang.ledger.registry import register_actions

from .errors import OrgsError, OrgsPermissionDenied
from .models import (
    AccountEvent,
    Agency,
    AgencyKind,
    Certificate,
    CertificateKind,
    DeviceIssue,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    LegalQualification,
    Person,
    PersonKind,
    Role,
    RoleAssignment,
    TotpDevice,
    Training,
    TrainingKind,
    Unit,
    UnitKind,
)
from .workflows import CERTIFICATE

register_actions({
    "set_unit_overseer": "设置科室的分管领导",
    "create_agency": "设立执法主体",
    "update_agency": "修改执法主体",
    "assign_profile": "指定规则配置",
    "create_unit": "设立科室",
    "create_person": "登记人员",
    "update_person": "修改人员信息",
    "issue_certificate": "发放执法证",
    "suspend_certificate": "暂扣执法证",
    "reinstate_certificate": "恢复执法证",
    "revoke_certificate": "吊销执法证",
    "expire_certificate": "执法证到期失效",
    "add_qualification": "登记法律职业资格",
    "add_training": "登记培训考试",
    "register_equipment": "登记执法装备",
    "issue_device": "领用设备",
    "return_device": "归还设备",
    "create_user": "开设账号",
    "enrol_totp": "设置动态口令",
    "grant_superuser": "设立系统管理员",
    "account_event": "账号安全事件",
    "assign_role": "分配角色",
    "revoke_role": "撤销角色",
})

# Used only when the profiles registry cannot be imported (e.g. a partial checkout).
SEED_PROFILE_KEYS = ("national", "urumqi-gxq-amr", "zhuzhou-amr", "pingluo-commerce", "urumqi-gxq-hrss",
                     "quanzhou-licheng-amr")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


# ---- checks -------------------------------------------------------------------------------------

def is_system_admin(actor) -> bool:
    return is_system(actor)


def is_agency_admin(actor, agency: Agency) -> bool:
    """管理员: may `actor` manage `agency`'s organisation (the access policy's "change")."""
    return is_system_admin(actor) or can(actor, "change", agency)


def _require_system_admin(actor):
    if not is_system_admin(actor):
        raise OrgsPermissionDenied("只有系统管理员可以执行此操作。")


def _require_agency_admin(actor, agency: Agency):
    if not is_agency_admin(actor, agency):
        raise OrgsPermissionDenied(f"只有“{agency.name}”的管理员或系统管理员可以管理其人员、证件和角色。")


def _text(value, label, *, required=True, max_length=200) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise OrgsError(f"{label}必须是文字。")
    if required and not value:
        raise OrgsError(f"{label}不能为空。")
    if len(value) > max_length:
        raise OrgsError(f"{label}过长（最多 {max_length} 字）。")
    return value


def _date(value, label) -> dt.date:
    if isinstance(value, dt.datetime):
        raise OrgsError(f"{label}应为日期，不含时间。")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise OrgsError(f"{label}不是有效日期（应为 YYYY-MM-DD）：{value}") from None


def _string_list(values, label) -> list[str]:
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in values):
        raise OrgsError(f"{label}必须是非空文字的列表。")
    return [v.strip() for v in values]


def _choice(value, choices, label):
    if value not in choices.values:
        raise OrgsError(f"未知的{label}：{value}")
    return value


def check_profile_key(key: str) -> str:
    """Validate a profile key with the profiles registry (refuse unknown keys)."""
    key = _text(key, "规则配置", max_length=64)
    try:
        from sanxiang.profiles.registry import get_profile
    except ImportError:
        if key in SEED_PROFILE_KEYS:
            return key
        raise OrgsError(f"未知的规则配置：{key}") from None
    try:
        get_profile(key)
    except Exception:
        raise OrgsError(f"未知的规则配置：{key}") from None
    return key


def _supervisors(codes) -> list[Agency]:
    codes = _string_list(list(codes), "监督机关")
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            raise OrgsError(f"未知的监督机关：{code}")
        if found[code].kind != AgencyKind.SUPERVISORY:
            raise OrgsError(f"“{found[code].name}”不是监督机关。")
    return [found[c] for c in codes]


def guess_unit_kind(name: str) -> str:
    for suffix, kind in (("支队", UnitKind.DETACHMENT), ("大队", UnitKind.BRIGADE), ("所", UnitKind.STATION),
                         ("科", UnitKind.SECTION), ("股", UnitKind.SECTION), ("室", UnitKind.SECTION),
                         ("局机关", UnitKind.OFFICE)):
        if name.endswith(suffix):
            return kind
    return UnitKind.OTHER


def duty_unit_names(text: str) -> list[str]:
    """The single units named in a duty's free text ("政策法规科（牵头），各业务科室等配合" → 政策法规科).

    Collective phrases (各业务科室, 其他执法业务科室) name no single unit and are skipped.
    """
    names = []
    for part in re.split(r"[、，,；;]", re.sub(r"（[^）]*）|\([^)]*\)", "", text or "")):
        part = part.strip()
        for suffix in ("等配合", "等负责", "配合", "负责", "等"):
            part = part.removesuffix(suffix)
        if part and not part.startswith(("各", "其他", "相关")):
            names.append(part)
    return list(dict.fromkeys(names))



def legal_review_units(agency: Agency) -> list[str] | None:
    """Units where the profile lets reviewers sit, or None when any unit may have its own 法制审核员."""
    from .indicators import profile_value

    if profile_value(agency, "review.unit_reviewers_allowed", True):
        return None
    duty = profile_value(agency, "duties.legal_review", {}) or {}
    return duty_unit_names(duty.get("unit", "") if isinstance(duty, dict) else "") or None


# ---- agencies and units -------------------------------------------------------------------------

@transaction.atomic
def do_create_agency(code, name, *, kind=AgencyKind.ENFORCEMENT, jurisdiction="", categories=(),
                     profile_key="", supervised_by=(), actor) -> Agency:
    _require_system_admin(actor)
    code = _text(code, "执法主体代码", max_length=64)
    if not CODE_RE.match(code):
        raise OrgsError(f"执法主体代码只能由小写字母、数字和连字符组成：{code}")
    if Agency.objects.filter(code=code).exists():
        raise OrgsError(f"执法主体代码已存在：{code}")
    agency = Agency.objects.create(
        code=code, name=_text(name, "执法主体名称"), kind=_choice(kind, AgencyKind, "主体类型"),
        jurisdiction=_text(jurisdiction, "管辖范围", required=False, max_length=2000),
        categories=_string_list(list(categories), "执法类别"),
        profile_key=check_profile_key(profile_key) if profile_key else "",
    )
    agency.supervised_by.set(_supervisors(supervised_by))
    append_entry(action="create_agency", actor=actor, obj=agency, agency=code,
                 payload={"name": agency.name, "kind": agency.kind, "profile_key": agency.profile_key,
                          "supervised_by": list(supervised_by)})
    return agency


@transaction.atomic
def do_update_agency(agency: Agency, *, actor, name=None, jurisdiction=None, categories=None,
                     supervised_by=None) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _require_agency_admin(actor, agency)
    before = {"name": agency.name, "jurisdiction": agency.jurisdiction, "categories": agency.categories,
              "supervised_by": sorted(agency.supervised_by.values_list("code", flat=True))}
    new = {}
    if name is not None:
        agency.name = new["name"] = _text(name, "执法主体名称")
    if jurisdiction is not None:
        agency.jurisdiction = new["jurisdiction"] = _text(jurisdiction, "管辖范围", required=False, max_length=2000)
    if categories is not None:
        agency.categories = new["categories"] = _string_list(list(categories), "执法类别")
    if supervised_by is not None:
        if not is_system_admin(actor):
            raise OrgsPermissionDenied("只有系统管理员可以调整监督关系。")
        agency.supervised_by.set(_supervisors(supervised_by))
        new["supervised_by"] = sorted(supervised_by)
    agency.save()
    append_entry(action="update_agency", actor=actor, obj=agency, payload=changes(before, new))
    return agency


@transaction.atomic
def do_assign_profile(agency: Agency, profile_key: str, *, actor) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _require_agency_admin(actor, agency)
    agency.profile_key = check_profile_key(profile_key)
    agency.save(update_fields=["profile_key"])
    append_entry(action="assign_profile", actor=actor, obj=agency,
                 payload={"profile_key": agency.profile_key})
    return agency


@transaction.atomic
def do_create_unit(agency: Agency, name, *, kind=None, parent: Unit | None = None, equipment_group="",
                   actor) -> Unit:
    _require_agency_admin(actor, agency)
    name = _text(name, "科室名称")
    if parent is not None and parent.agency_id != agency.pk:
        raise OrgsError("上级科室必须属于同一执法主体。")
    if Unit.objects.filter(agency=agency, name=name).exists():
        raise OrgsError(f"“{agency.name}”已有名为“{name}”的科室。")
    unit = Unit.objects.create(agency=agency, name=name, parent=parent,
                               kind=_choice(kind or guess_unit_kind(name), UnitKind, "科室类型"),
                               equipment_group=_text(equipment_group, "装备分组", required=False, max_length=64))
    append_entry(action="create_unit", actor=actor, obj=unit,
                 payload={"name": name, "parent": parent.pk if parent else None, "kind": unit.kind})
    return unit


@transaction.atomic
def do_set_unit_overseer(unit: Unit, leader: Person | None, *, actor) -> Unit:
    """设置分管领导: the agency's administrator records which leader oversees the unit (None: clears it).
    The leader is a person of the agency holding the 单位领导 role today."""
    from sanxiang.access.policy import current_roles

    _require_agency_admin(actor, unit.agency)
    if leader is not None:
        if leader.agency_id != unit.agency_id:
            raise OrgsError("分管领导必须是本执法主体的人员。")
        if leader.user_id is None or not current_roles(leader.user).filter(
                agency=unit.agency, role=Role.AGENCY_LEADER).exists():
            raise OrgsError(f"“{leader.name}”不是{unit.agency.name}现任的单位领导，不能设为分管领导。")
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    before = locked.overseen_by.name if locked.overseen_by_id else None
    locked.overseen_by = leader
    locked.save(update_fields=["overseen_by"])
    append_entry(action="set_unit_overseer", actor=actor, obj=locked,
                 payload={"unit": locked.name, "before": before, "after": leader.name if leader else None})
    unit.overseen_by = leader
    return locked


# ---- people, certificates, qualifications, trainings --------------------------------------------

@transaction.atomic
def do_create_person(agency: Agency, name, *, kind=PersonKind.OFFICER, unit: Unit | None = None, user=None,
                     position="", remit="", actor) -> Person:
    _require_agency_admin(actor, agency)
    if unit is not None and unit.agency_id != agency.pk:
        raise OrgsError("所在科室必须属于同一执法主体。")
    person = Person.objects.create(
        agency=agency, unit=unit, user=user, name=_text(name, "姓名", max_length=100),
        kind=_choice(kind, PersonKind, "人员类别"), position=_text(position, "职务", required=False, max_length=100),
        remit=_text(remit, "分工", required=False, max_length=2000),
    )
    append_entry(action="create_person", actor=actor, obj=person,
                 payload={"name": person.name, "kind": person.kind, "unit": unit.pk if unit else None,
                          "user": user.username if user else None})
    return person


@transaction.atomic
def do_update_person(person: Person, *, actor, unit=None, position=None, remit=None, user=None) -> Person:
    person = Person.objects.select_for_update().select_related("agency").get(pk=person.pk)
    _require_agency_admin(actor, person.agency)
    before = {"unit": person.unit_id, "position": person.position, "remit": person.remit,
              "user": person.user.username if person.user_id else None}
    new = {}
    if unit is not None:
        if unit.agency_id != person.agency_id:
            raise OrgsError("所在科室必须属于同一执法主体。")
        person.unit, new["unit"] = unit, unit.pk
    if position is not None:
        person.position = new["position"] = _text(position, "职务", required=False, max_length=100)
    if remit is not None:
        person.remit = new["remit"] = _text(remit, "分工", required=False, max_length=2000)
    if user is not None:
        person.user, new["user"] = user, user.username
    person.save()
    append_entry(action="update_person", actor=actor, obj=person, payload=changes(before, new))
    return person


@transaction.atomic
def do_issue_certificate(person: Person, number, *, categories, valid_from, valid_to, area="",
                         issuing_authority="", kind=None, actor) -> Certificate:
    _require_agency_admin(actor, person.agency)
    number = _text(number, "证号", max_length=64)
    kind = kind or (CertificateKind.WORK if person.kind == PersonKind.AUXILIARY else CertificateKind.ENFORCEMENT)
    _choice(kind, CertificateKind, "证件类型")
    if person.kind == PersonKind.AUXILIARY and kind == CertificateKind.ENFORCEMENT:
        raise OrgsError(f"{person.name}为辅助人员，不能领取行政执法证，只能发放工作证。")
    valid_from, valid_to = _date(valid_from, "有效期起"), _date(valid_to, "有效期止")
    if valid_to < valid_from:
        raise OrgsError(f"有效期止（{valid_to}）早于有效期起（{valid_from}）。")
    categories = _string_list(list(categories), "执法类别") if kind == CertificateKind.ENFORCEMENT else list(categories)
    if kind == CertificateKind.ENFORCEMENT and not categories:
        raise OrgsError("行政执法证至少需要一个执法类别。")
    if Certificate.objects.filter(number=number).exists():
        raise OrgsError(f"证号 {number} 已存在，不能重复发证。")
    try:
        with transaction.atomic():
            cert = Certificate.objects.create(
                number=number, person=person, kind=kind, categories=categories,
                area=_text(area, "执法区域", required=False), valid_from=valid_from, valid_to=valid_to,
                issuing_authority=_text(issuing_authority, "发证机关", required=False),
            )
    except IntegrityError:
        raise OrgsError(f"证号 {number} 已存在，不能重复发证。") from None
    append_entry(action="issue_certificate", actor=actor, obj=cert,
                 payload={"number": number, "person": person.pk, "kind": kind, "categories": categories,
                          "valid_from": valid_from, "valid_to": valid_to})
    return cert


def _change_certificate_status(cert, action, reason, actor):
    """One move of the certificate table (orgs/workflows.py), its refusals worded as orgs errors."""
    try:
        return CERTIFICATE.apply(cert, action, actor=actor, reason=reason)
    except NotPermitted as exc:
        raise OrgsPermissionDenied(exc.message) from None
    except RuleViolation as exc:
        raise OrgsError(exc.message, exc.reasons) from None


@transaction.atomic
def do_suspend_certificate(cert: Certificate, *, reason, actor) -> Certificate:
    return _change_certificate_status(cert, "suspend", reason, actor)


@transaction.atomic
def do_reinstate_certificate(cert: Certificate, *, reason, actor) -> Certificate:
    return _change_certificate_status(cert, "reinstate", reason, actor)


@transaction.atomic
def do_revoke_certificate(cert: Certificate, *, reason, actor) -> Certificate:
    return _change_certificate_status(cert, "revoke", reason, actor)


@transaction.atomic
def do_expire_certificate(cert: Certificate, *, reason="有效期届满", actor) -> Certificate:
    return _change_certificate_status(cert, "expire", reason, actor)


@transaction.atomic
def do_add_qualification(person: Person, number, obtained_on, *, actor) -> LegalQualification:
    _require_agency_admin(actor, person.agency)
    qualification = LegalQualification.objects.create(
        person=person, number=_text(number, "法律职业资格证书编号", max_length=64),
        obtained_on=_date(obtained_on, "取得日期"),
    )
    append_entry(action="add_qualification", actor=actor, obj=qualification,
                 payload={"person": person.pk, "number": qualification.number})
    return qualification


@transaction.atomic
def do_add_training(person: Person, title, *, date, kind=TrainingKind.TRAINING, hours=0, score=None,
                    passed=None, actor) -> Training:
    _require_agency_admin(actor, person.agency)
    try:
        hours = float(hours)
        score = None if score is None else float(score)
    except (TypeError, ValueError):
        raise OrgsError("学时和成绩必须是数字。") from None
    if not 0 <= hours <= 1000 or (score is not None and not 0 <= score <= 1000):
        raise OrgsError("学时或成绩超出合理范围。")
    training = Training.objects.create(
        person=person, title=_text(title, "培训名称"), kind=_choice(kind, TrainingKind, "培训类型"),
        date=_date(date, "培训日期"), hours=round(hours, 1), score=None if score is None else round(score, 1),
        passed=passed,
    )
    append_entry(action="add_training", actor=actor, obj=training,
                 payload={"person": person.pk, "title": training.title, "kind": training.kind})
    return training


# ---- equipment ----------------------------------------------------------------------------------

@transaction.atomic
def do_register_equipment(unit: Unit, kind, serial, *, actor) -> Equipment:
    _require_agency_admin(actor, unit.agency)
    serial = _text(serial, "设备编号", max_length=100)
    if Equipment.objects.filter(serial=serial).exists():
        raise OrgsError(f"设备编号 {serial} 已登记。")
    equipment = Equipment.objects.create(unit=unit, kind=_choice(kind, EquipmentKind, "设备类型"), serial=serial)
    append_entry(action="register_equipment", actor=actor, obj=equipment,
                 payload={"unit": unit.pk, "kind": kind, "serial": serial})
    return equipment


@transaction.atomic
def do_issue_device(equipment: Equipment, person: Person, issued_on, *, actor) -> DeviceIssue:
    equipment = Equipment.objects.select_for_update().select_related("unit__agency").get(pk=equipment.pk)
    _require_agency_admin(actor, equipment.unit.agency)
    if person.agency_id != equipment.unit.agency_id:
        raise OrgsError("设备只能发给本执法主体的人员。")
    if equipment.status != EquipmentStatus.IN_SERVICE:
        raise OrgsError(f"设备 {equipment.serial} 当前不在用，不能领用。")
    if equipment.issues.filter(returned_on__isnull=True).exists():
        raise OrgsError(f"设备 {equipment.serial} 尚未归还，不能再次领用。")
    issue = DeviceIssue.objects.create(equipment=equipment, person=person, issued_on=_date(issued_on, "领用日期"))
    append_entry(action="issue_device", actor=actor, obj=issue,
                 payload={"equipment": equipment.serial, "person": person.pk})
    return issue


@transaction.atomic
def do_return_device(issue: DeviceIssue, returned_on, *, actor) -> DeviceIssue:
    issue = DeviceIssue.objects.select_for_update().select_related("equipment__unit__agency").get(pk=issue.pk)
    _require_agency_admin(actor, issue.equipment.unit.agency)
    returned_on = _date(returned_on, "归还日期")
    if issue.returned_on is not None:
        raise OrgsError("该设备已归还。")
    if returned_on < issue.issued_on:
        raise OrgsError("归还日期早于领用日期。")
    issue.returned_on = returned_on
    issue.save(update_fields=["returned_on"])
    append_entry(action="return_device", actor=actor, obj=issue,
                 payload={"equipment": issue.equipment.serial})
    return issue


# ---- accounts and roles -------------------------------------------------------------------------

def _set_name(user, name):
    name = (name or "").strip()
    # Chinese names are not split into given/family name.
    user.first_name, user.last_name = name[:150], ""


@transaction.atomic
def do_create_user(username, *, name="", password=None, password_hash=None, actor, agency_code="") -> object:
    """Create a login account. `password_hash` (already hashed) lets the demo hash once."""
    User = get_user_model()
    username = _text(username, "用户名", max_length=150)
    if User.objects.filter(username__iexact=username).exists():
        raise OrgsError(f"用户名已存在：{username}")
    user = User(username=username)
    _set_name(user, name)
    if password_hash:
        user.password = password_hash
    else:
        try:
            validate_password(password or "", user)
        except ValidationError as exc:
            raise OrgsError("密码不符合要求：" + "；".join(exc.messages)) from None
        user.set_password(password)
    user.save()
    append_entry(action="create_user", actor=actor, object_type="auth.user", object_id=str(user.pk),
                 agency=agency_code, payload={"username": username, "name": user.first_name})
    return user


def _new_totp(user, actor) -> str:
    secret = pyotp.random_base32()
    device, _ = TotpDevice.objects.update_or_create(user=user, defaults={"secret": secret,
                                                                         "created_at": timezone.now(),
                                                                         "last_t": None})
    append_entry(action="enrol_totp", actor=actor, obj=device, payload={"username": user.username})
    return secret


@transaction.atomic
def do_enrol_totp(user, *, actor) -> str:
    """Give `user` a new TOTP secret (returned once, for the authenticator app)."""
    if actor is not None and actor != user and not is_system_admin(actor):
        raise OrgsPermissionDenied("只有本人或系统管理员可以重置动态口令。")
    return _new_totp(user, actor)


@transaction.atomic
def do_create_administrator(username, password, name, *, actor, password_hash=None):
    """Create a system administrator (系统管理员, superuser) with TOTP; returns (user, totp secret)."""
    _require_system_admin(actor)
    user = do_create_user(username, name=name, password=password, password_hash=password_hash, actor=actor)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    append_entry(action="grant_superuser", actor=actor, object_type="auth.user", object_id=str(user.pk),
                 payload={"username": user.username})
    return user, _new_totp(user, actor)


@transaction.atomic
def do_change_password(user, new_password, *, actor):
    if actor is not None and actor != user and not is_system_admin(actor):
        raise OrgsPermissionDenied("只有本人或系统管理员可以修改密码。")
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        raise OrgsError("密码不符合要求：" + "；".join(exc.messages)) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    do_record_account_event(user.username, "password_change", "", actor=actor)
    return user


@transaction.atomic
def do_record_account_event(username, event, address, *, actor) -> AccountEvent:
    """账号安全事件 of an identified person (a login, a password change): a legal record.

    Visitors who are nobody yet cannot append here — what they cause is a security event
    (sanxiang.accounts.security_events), aggregated outside the ledger.
    """
    if not getattr(actor, "is_authenticated", False):
        raise OrgsPermissionDenied("未登录的访问者不能写入账本；登录失败等记入安全事件。")
    row = AccountEvent.objects.create(username=(username or "")[:150], event=event, address=(address or "")[:64],
                                      created_at=timezone.now())
    append_entry(action="account_event", actor=actor, obj=row,
                 payload={"username": row.username, "event": event, "address": row.address})
    return row


def entrusted_ref(ref: str, agency: Agency) -> str:
    """An adviser's scope entry ("orgs.person:12"), checked: an entrustable object of `agency`."""
    from sanxiang.access.policy import agency_of

    from .policies import ENTRUSTABLE

    kind, _, pk = str(ref).rpartition(":")
    models = {m._meta.label_lower: m for m in ENTRUSTABLE}
    if kind not in models:
        names = "、".join(m._meta.verbose_name for m in ENTRUSTABLE)
        raise OrgsError(f"只能把{names}授权给法律顾问查看：{ref}")
    obj = row_by_id(models[kind].objects.all(), pk)
    if obj is None or agency_of(obj) != agency:
        raise OrgsError(f"授权对象不存在或不属于“{agency.name}”：{ref}")
    return f"{kind}:{obj.pk}"


@transaction.atomic
def do_assign_role(user, agency: Agency, role, *, unit: Unit | None = None, valid_from=None, valid_to=None,
                   scope=(), actor) -> RoleAssignment:
    _require_agency_admin(actor, agency)
    _choice(role, Role, "角色")
    if unit is not None and unit.agency_id != agency.pk:
        raise OrgsError("角色所在科室必须属于同一执法主体。")
    valid_from = _date(valid_from, "生效日期") if valid_from else timezone.localdate()
    valid_to = _date(valid_to, "失效日期") if valid_to else None
    if valid_to and valid_to < valid_from:
        raise OrgsError(f"失效日期（{valid_to}）早于生效日期（{valid_from}）。")
    scope = _string_list(list(scope or ()), "授权对象")
    if role == Role.ADVISER:
        if valid_to is None:
            raise OrgsError("法律顾问、公职律师和行业专家的授权必须有失效日期。")
        if not scope:
            raise OrgsError("法律顾问、公职律师和行业专家必须指定授权查看的对象。")
        scope = [entrusted_ref(ref, agency) for ref in scope]
    elif scope:
        raise OrgsError("只有法律顾问、公职律师和行业专家的角色可以限定授权对象。")
    if role == Role.REVIEWER and unit is not None:
        allowed = legal_review_units(agency)
        if allowed is not None and unit.name not in allowed:
            raise OrgsError(f"按“{agency.name}”的规则配置，业务科室不得自设法制审核员；法制审核人员应设在"
                            f"{'、'.join(allowed)}。")
    if role == Role.SUPERVISOR and agency.kind != AgencyKind.SUPERVISORY:
        raise OrgsError("执法监督角色只能设在监督机关。")
    assignment = RoleAssignment.objects.create(user=user, agency=agency, unit=unit, role=role,
                                               valid_from=valid_from, valid_to=valid_to, scope=scope)
    append_entry(action="assign_role", actor=actor, obj=assignment,
                 payload={"username": user.username, "role": role, "unit": unit.pk if unit else None,
                          "valid_from": valid_from, "valid_to": valid_to, "scope": scope})
    return assignment


@transaction.atomic
def do_revoke_role(assignment: RoleAssignment, *, reason="", actor) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().select_related("agency", "user").get(pk=assignment.pk)
    _require_agency_admin(actor, assignment.agency)
    if not assignment.active:
        raise OrgsError("该角色已撤销。")
    if assignment.role == Role.ADMINISTRATOR:
        from sanxiang.accounts.actions import check_keeps_an_administrator

        check_keeps_an_administrator(assignment.agency, leaving_assignment=assignment)
    assignment.active = False
    assignment.save(update_fields=["active"])
    append_entry(action="revoke_role", actor=actor, obj=assignment,
                 payload={"username": assignment.user.username, "role": assignment.role, "reason": reason or ""})
    return assignment
