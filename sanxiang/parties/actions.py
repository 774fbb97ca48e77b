"""Registering and updating parties (登记当事人, 修改当事人信息): the only writes of this app."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.access.policy import VIEW, can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.actions import changes as changed_fields
from sanxiang.ledger.registry import register_actions

from . import identity
from .models import IdKind, Party, PartyKind

register_actions({
    "register_party": "登记当事人",
    "update_party": "修改当事人信息",
})

# The fields a caller gives (register) or changes (update); agency and created_at are fixed.
FIELDS = ("kind", "name", "id_kind", "id_number", "no_id_reason", "credit_code", "no_credit_code_reason",
          "legal_representative", "operator", "address", "phone")
LABELS = {
    "kind": "当事人类型", "name": "名称（姓名）", "id_kind": "证件种类", "id_number": "证件号码",
    "no_id_reason": "无证件说明", "credit_code": "统一社会信用代码", "no_credit_code_reason": "无统一社会信用代码说明",
    "legal_representative": "法定代表人（负责人）", "operator": "经营者", "address": "住所（地址）", "phone": "联系电话",
}
_MAX = {f.name: f.max_length for f in Party._meta.concrete_fields if f.name in FIELDS}


class PartyExists(Conflict):
    """The agency already has this party: `party` is the one to reuse."""

    code = "party_exists"

    def __init__(self, party: Party, field: str):
        number = party.credit_code if field == "credit_code" else party.id_number
        what = LABELS[field] if field == "credit_code" else IdKind(party.id_kind).label + "号码"
        super().__init__(f"本单位已登记当事人“{party.name}”（{what} {number}），请直接选用，不要重复登记。",
                         field=field)
        self.party = party


def _text(data, key) -> str:
    return inputs.text(" ".join(str(data.get(key) or "").split()), label=LABELS[key], field=key,
                       max_length=_MAX[key], required=False, too_long="{label}过长：最多{max_length}个字。")


def clean_party(data: dict) -> dict:
    """The party's fields, normalised and checked together; `RuleViolation` names the first fault.

    自然人: a 公民身份号码, another document's number, or 无证件 with a reason. 个体工商户: its
    经营者 and a credit code beginning with 92 (or why it has none); the operator's document is
    optional. 法人或其他组织: a credit code (or why none) and its 法定代表人（负责人）.
    """
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise RuleViolation(f"不能修改这些字段：{'、'.join(sorted(unknown))}。", field=sorted(unknown)[0])
    clean = {key: _text(data, key) for key in FIELDS}
    kind = clean["kind"]
    if kind not in PartyKind.values:
        raise RuleViolation("请选择当事人类型：自然人、个体工商户或法人或其他组织。", field="kind")
    if not clean["name"]:
        label = "姓名" if kind == PartyKind.PERSON else "名称"
        raise RuleViolation(f"当事人{label}不能为空。", field="name")
    clean["id_number"] = identity.normalise(clean["id_number"])
    clean["credit_code"] = identity.normalise(clean["credit_code"])
    if kind == PartyKind.ORG:
        for key in ("id_kind", "id_number", "no_id_reason", "operator"):
            if clean[key]:
                raise RuleViolation(f"法人或其他组织不填{LABELS[key]}；法定代表人（负责人）填在其栏目中。", field=key)
    else:
        _check_document(clean, kind)
    if kind == PartyKind.PERSON:
        for key in ("credit_code", "no_credit_code_reason", "legal_representative", "operator"):
            if clean[key]:
                raise RuleViolation(f"自然人不填{LABELS[key]}。", field=key)
    else:
        _check_credit_code(clean, kind)
    if kind == PartyKind.ORG and not clean["legal_representative"]:
        raise RuleViolation("法人或其他组织须填写法定代表人（负责人）。", field="legal_representative")
    if kind == PartyKind.INDIVIDUAL_BUSINESS:
        if not clean["operator"]:
            raise RuleViolation("个体工商户须填写经营者姓名。", field="operator")
        if clean["legal_representative"]:
            raise RuleViolation("个体工商户不填法定代表人，请填写经营者。", field="legal_representative")
    if clean["phone"] and not _phone_ok(clean["phone"]):
        raise RuleViolation("联系电话格式错误：只能包含数字、空格、“-”和“+”，7至20位。", field="phone")
    return clean


def _check_document(clean, kind):
    person = kind == PartyKind.PERSON
    who = "当事人" if person else "经营者"
    if not clean["id_kind"] and clean["id_number"]:
        clean["id_kind"] = IdKind.RIC
    if not clean["id_kind"]:
        if person:
            raise RuleViolation("自然人须填写公民身份号码；没有居民身份证的，选择其他证件种类或“无证件”并说明原因。",
                                field="id_number")
        if clean["no_id_reason"]:
            raise RuleViolation("没有选择“无证件”时不填无证件说明。", field="no_id_reason")
        return
    if clean["id_kind"] not in IdKind.values:
        raise RuleViolation("证件种类不正确。", field="id_kind")
    if clean["id_kind"] == IdKind.NONE:
        if clean["id_number"]:
            raise RuleViolation("选择“无证件”时不填证件号码。", field="id_number")
        if not clean["no_id_reason"]:
            raise RuleViolation(f"{who}无证件时须说明原因（如：拒绝出示、身份待查）。", field="no_id_reason")
        return
    if clean["no_id_reason"]:
        raise RuleViolation("有证件时不填无证件说明。", field="no_id_reason")
    if clean["id_kind"] == IdKind.RIC:
        clean["id_number"] = identity.check_id_number(clean["id_number"], label=f"{who}公民身份号码")
    elif not clean["id_number"]:
        raise RuleViolation(f"请填写{who}的{IdKind(clean['id_kind']).label}号码。", field="id_number")


def _check_credit_code(clean, kind):
    if clean["credit_code"]:
        if clean["no_credit_code_reason"]:
            raise RuleViolation("已填写统一社会信用代码时不填无代码说明。", field="no_credit_code_reason")
        clean["credit_code"] = identity.check_credit_code(clean["credit_code"])
        if kind == PartyKind.INDIVIDUAL_BUSINESS and not clean["credit_code"].startswith(
                identity.INDIVIDUAL_BUSINESS_PREFIX):
            raise RuleViolation("个体工商户的统一社会信用代码以“92”开头，请核对当事人类型或代码。", field="credit_code")
    elif not clean["no_credit_code_reason"]:
        raise RuleViolation("请填写统一社会信用代码；确实没有的，说明原因（如：未办理登记）。", field="credit_code")


def _phone_ok(phone: str) -> bool:
    digits = phone.replace(" ", "").replace("-", "").lstrip("+")
    return digits.isdigit() and 7 <= len(digits) <= 20


def _existing(agency_id, clean, exclude_pk=None) -> None:
    """Refuse a second party with the same credit code, or a second person with the same document."""
    found = Party.objects.filter(agency_id=agency_id).exclude(pk=exclude_pk)
    if clean["credit_code"]:
        same = found.filter(credit_code=clean["credit_code"]).first()
        if same is not None:
            raise PartyExists(same, "credit_code")
    if clean["kind"] == PartyKind.PERSON and clean["id_number"]:
        same = found.filter(kind=PartyKind.PERSON, id_kind=clean["id_kind"], id_number=clean["id_number"]).first()
        if same is not None:
            raise PartyExists(same, "id_number")


def _save(party, clean, *, creating):
    """Insert or update in a savepoint: a concurrent duplicate hits the unique constraints."""
    try:
        with transaction.atomic():
            if creating:
                party.save(force_insert=True)
            else:
                party.save()
    except IntegrityError:
        _existing(party.agency_id, clean, exclude_pk=party.pk)
        raise Conflict("另一用户刚刚登记了相同证件号码的当事人，请刷新后选用。") from None


@transaction.atomic
def do_register_party(agency, *, kind, name, id_kind="", id_number="", no_id_reason="", credit_code="",
                      no_credit_code_reason="", legal_representative="", operator="", address="", phone="",
                      actor) -> Party:
    """登记当事人: a party of `agency`; one with the same number already there is a `PartyExists`."""
    if not can(actor, "register_party", agency):
        raise NotPermitted(f"只有“{agency.name}”的执法人员、科室负责人、单位领导和行政审批人员可以登记当事人。")
    clean = clean_party(dict(kind=kind, name=name, id_kind=id_kind, id_number=id_number, no_id_reason=no_id_reason,
                             credit_code=credit_code, no_credit_code_reason=no_credit_code_reason,
                             legal_representative=legal_representative, operator=operator, address=address,
                             phone=phone))
    _existing(agency.pk, clean)
    party = Party(agency=agency, created_at=timezone.now(), **clean)
    _save(party, clean, creating=True)
    append_entry(action="register_party", actor=actor, obj=party, payload=clean)
    return party


def version(party: Party) -> str:
    """What an editor read (the row's ledger digest): pass it back as `expected` when updating."""
    return party.ledger_digest()


@transaction.atomic
def do_update_party(party, *, changes: dict, expected: str, actor) -> Party:
    """修改当事人信息: apply `changes` to the party as read at `expected` (`version(party)`).

    A party changed by someone else since (another digest) is a `Conflict`: never a lost update.
    """
    current = Party.objects.select_for_update().select_related("agency").filter(pk=party.pk).first()
    if current is None or not can(actor, VIEW, current):
        raise NotFound("未找到该当事人，或您无权查看。", code="party_not_found")
    if not can(actor, "change", current):
        raise NotPermitted(f"只有“{current.agency.name}”的执法人员、科室负责人、单位领导和行政审批人员可以修改当事人信息。")
    if not expected or expected != version(current):
        raise Conflict(f"当事人“{current.name}”的信息已被他人修改，请刷新页面，在最新信息上重新修改。",
                       code="stale_party")
    before = {key: getattr(current, key) for key in FIELDS}
    clean = clean_party({**before, **dict(changes)})
    diff = changed_fields(before, clean)
    if not diff:
        return current
    _existing(current.agency_id, clean, exclude_pk=current.pk)
    for key, value in clean.items():
        setattr(current, key, value)
    _save(current, clean, creating=False)
    append_entry(action="update_party", actor=actor, obj=current, payload={"changes": diff})
    return current


