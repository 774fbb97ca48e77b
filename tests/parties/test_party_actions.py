"""登记当事人 and 修改当事人信息: who may, what each kind needs, duplicates, stale edits, the ledger."""

import pytest
from party_numbers import COMPANY_CODE, LI_ID, SHOP_CODE, ZHANG_ID

from sanxiang.access.policy import can
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.parties.actions import PartyExists, do_register_party, do_update_party, version
from sanxiang.parties.models import Party


def _counts():
    return Party.objects.count(), LedgerEntry.objects.count()


def _entries(party):
    return list(LedgerEntry.objects.filter(object_type="parties.party", object_id=str(party.pk)).order_by("index"))


def test_an_officer_registers_a_person_and_the_ledger_records_it(world):
    party = do_register_party(world.a, kind="person", name=" 李 明辉 ", id_number=" 650104 19870315 2317",
                              address="乌鲁木齐市新市区安居南路70号", actor=world.officer)
    party.refresh_from_db()
    assert (party.name, party.id_kind, party.id_number) == ("李 明辉", "ric", LI_ID)
    [entry] = _entries(party)
    assert entry.action == "register_party" and entry.agency == world.a.code
    assert entry.actor == world.officer.username and entry.state_digest == party.ledger_digest()


def test_approval_staff_register_an_individual_business(world):
    shop = do_register_party(world.a, kind="individual_business", name="新市区阿依夏木干果店", credit_code=SHOP_CODE,
                             operator="阿依夏木·吐尔逊", actor=world.approval)
    assert shop.credit_code == SHOP_CODE and len(_entries(shop)) == 1


@pytest.mark.parametrize("fields, field, message", [
    (dict(kind="person", name=""), "name", "当事人姓名不能为空。"),
    (dict(kind="robot", name="某某"), "kind", "请选择当事人类型：自然人、个体工商户或法人或其他组织。"),
    (dict(kind="person", name="王五"), "id_number",
     "自然人须填写公民身份号码；没有居民身份证的，选择其他证件种类或“无证件”并说明原因。"),
    (dict(kind="person", name="王五", id_number="650104198703152318"), "id_number",
     "当事人公民身份号码校验位错误：请逐位核对号码是否抄错。"),
    (dict(kind="person", name="王五", id_kind="none"), "no_id_reason", "当事人无证件时须说明原因（如：拒绝出示、身份待查）。"),
    (dict(kind="person", name="王五", id_kind="none", id_number="X1", no_id_reason="拒绝出示"), "id_number",
     "选择“无证件”时不填证件号码。"),
    (dict(kind="person", name="JOHN SMITH", id_kind="passport"), "id_number", "请填写当事人的护照号码。"),
    (dict(kind="person", name="王五", id_number=LI_ID, credit_code=COMPANY_CODE), "credit_code",
     "自然人不填统一社会信用代码。"),
    (dict(kind="org", name="某公司", legal_representative="甲"), "credit_code",
     "请填写统一社会信用代码；确实没有的，说明原因（如：未办理登记）。"),
    (dict(kind="org", name="某公司", credit_code="91110000600037341M", legal_representative="甲"), "credit_code",
     "统一社会信用代码校验位错误：请逐位核对代码是否抄错。"),
    (dict(kind="org", name="某公司", no_credit_code_reason="未办理登记"), "legal_representative",
     "法人或其他组织须填写法定代表人（负责人）。"),
    (dict(kind="org", name="某公司", no_credit_code_reason="未办理登记", legal_representative="甲", id_number=LI_ID),
     "id_number", "法人或其他组织不填证件号码；法定代表人（负责人）填在其栏目中。"),
    (dict(kind="individual_business", name="某店", credit_code=SHOP_CODE), "operator", "个体工商户须填写经营者姓名。"),
    (dict(kind="individual_business", name="某店", credit_code="91650104MA77R3K84P", operator="甲"), "credit_code",
     "个体工商户的统一社会信用代码以“92”开头，请核对当事人类型或代码。"),
    (dict(kind="individual_business", name="某店", credit_code=SHOP_CODE, operator="甲", id_number="650104198703152318"),
     "id_number", "经营者公民身份号码校验位错误：请逐位核对号码是否抄错。"),
    (dict(kind="person", name="王五", id_number=LI_ID, phone="电话13899"), "phone",
     "联系电话格式错误：只能包含数字、空格、“-”和“+”，7至20位。"),
    (dict(kind="person", name="王" * 201, id_number=LI_ID), "name", "名称（姓名）过长：最多200个字。"),
])
def test_each_refusal_names_its_field_and_writes_nothing(world, fields, field, message):
    before = _counts()
    with pytest.raises(RuleViolation) as refused:
        do_register_party(world.a, **fields, actor=world.officer)
    assert (refused.value.message, refused.value.field) == (message, field)
    assert _counts() == before


def test_the_explicit_paths_without_a_number(world):
    nobody = do_register_party(world.a, kind="person", name="无名氏", id_kind="none", no_id_reason="拒绝出示证件",
                               actor=world.officer)
    foreigner = do_register_party(world.a, kind="person", name="NGUYEN VAN AN", id_kind="passport",
                                  id_number="c479 1035", actor=world.officer)
    club = do_register_party(world.a, kind="org", name="某某村篮球协会", no_credit_code_reason="未办理登记",
                             legal_representative="赵六", actor=world.officer)
    assert (nobody.id_number, foreigner.id_number, club.credit_code) == ("", "C4791035", "")


def test_the_same_number_twice_names_the_party_to_reuse(world):
    before = _counts()
    with pytest.raises(PartyExists) as refused:
        do_register_party(world.a, kind="org", name="鸿源餐饮", credit_code=COMPANY_CODE.lower(),
                          legal_representative="王", actor=world.officer)
    assert refused.value.party == world.company and refused.value.status == 409
    assert "甲市鸿源餐饮管理有限公司" in refused.value.message and refused.value.field == "credit_code"
    with pytest.raises(PartyExists) as refused:
        do_register_party(world.a, kind="person", name="张三丰", id_number=ZHANG_ID.lower(), actor=world.officer)
    assert refused.value.party == world.person and "张三" in refused.value.message
    assert _counts() == before


def test_another_agency_registers_its_own_record_of_the_same_company(world):
    own = do_register_party(world.b, kind="org", name="甲市鸿源餐饮管理有限公司", credit_code=COMPANY_CODE,
                            legal_representative="王振华", actor=world.officer_b)
    assert own != world.company and own.agency == world.b
    assert not can(world.officer_b, "view", world.company) and not can(world.officer, "view", own)


@pytest.mark.parametrize("who", ["reviewer", "administrator", "supervisor", "adviser", "officer_b"])
def test_who_may_not_register(world, who):
    before = _counts()
    with pytest.raises(NotPermitted):
        do_register_party(world.a, kind="person", name="王五", id_number=LI_ID, actor=getattr(world, who))
    assert _counts() == before


def test_an_update_records_old_and_new_values(world):
    party = world.person
    updated = do_update_party(party, changes={"address": "北京市朝阳区建国路1号", "phone": "010-65001234"},
                              expected=version(party), actor=world.approval)
    assert (updated.address, updated.phone) == ("北京市朝阳区建国路1号", "010-65001234")
    entry = _entries(party)[-1]
    assert entry.action == "update_party" and entry.state_digest == Party.objects.get(pk=party.pk).ledger_digest()
    assert '"phone":{"new":"010-65001234","old":"13899821456"}' in entry.entry
    assert '"name"' not in entry.entry.split('"payload"')[1]  # unchanged fields are not listed


def test_a_stale_edit_is_a_conflict_not_a_lost_update(world):
    party = world.person
    read_by_both = version(party)
    do_update_party(party, changes={"address": "甲"}, expected=read_by_both, actor=world.officer)
    before = _counts()
    with pytest.raises(Conflict) as refused:
        do_update_party(party, changes={"phone": "13800000000"}, expected=read_by_both, actor=world.approval)
    assert refused.value.code == "stale_party" and "已被他人修改" in refused.value.message
    party.refresh_from_db()
    assert (party.address, party.phone) == ("甲", "13899821456") and _counts() == before


def test_an_update_may_not_take_another_partys_number_or_break_the_rules(world):
    other = do_register_party(world.a, kind="person", name="李明辉", id_number=LI_ID, actor=world.officer)
    before = _counts()
    with pytest.raises(PartyExists):
        do_update_party(other, changes={"id_number": ZHANG_ID}, expected=version(other), actor=world.officer)
    with pytest.raises(RuleViolation) as refused:
        do_update_party(other, changes={"id_number": ""}, expected=version(other), actor=world.officer)
    assert refused.value.field == "id_number"
    with pytest.raises(RuleViolation) as refused:
        do_update_party(other, changes={"agency": world.b}, expected=version(other), actor=world.officer)
    assert refused.value.message == "不能修改这些字段：agency。"
    assert _counts() == before


def test_an_update_without_a_change_writes_nothing(world):
    before = _counts()
    do_update_party(world.company, changes={"name": "甲市鸿源餐饮管理有限公司 "}, expected=version(world.company),
                    actor=world.officer)
    assert _counts() == before


@pytest.mark.parametrize("who, error", [
    ("reviewer", NotPermitted), ("supervisor", NotPermitted), ("officer_b", NotFound), ("other_supervisor", NotFound),
])
def test_who_may_not_update(world, who, error):
    before = _counts()
    with pytest.raises(error):
        do_update_party(world.company, changes={"address": "乙"}, expected=version(world.company),
                        actor=getattr(world, who))
    assert _counts() == before


def test_an_adviser_reads_only_the_party_entrusted_to_them(world):
    assert can(world.adviser, "view", world.company)
    assert not can(world.adviser, "view", world.person)
    assert not can(world.adviser, "change", world.company)


def test_a_duplicate_registered_meanwhile_hits_the_constraint_and_is_named(world, monkeypatch):
    """Two officers registering the same company at once: the second's check ran before the first
    committed, so the unique constraint refuses the row and the party is named all the same."""
    from sanxiang.parties import actions

    real, calls = actions._existing, []

    def too_early(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            return real(*args, **kwargs)

    monkeypatch.setattr(actions, "_existing", too_early)
    before = _counts()
    with pytest.raises(PartyExists) as refused:
        do_register_party(world.a, kind="org", name="鸿源", credit_code=COMPANY_CODE, legal_representative="王",
                          actor=world.officer)
    assert refused.value.party == world.company and _counts() == before
