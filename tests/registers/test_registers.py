"""执法台账: the rows of each register are the cases, documents and goods built; the page, the JSON and
the xlsx (read back with openpyxl) carry the same rows; filters; each role sees what it may, another
agency nothing; ids of another agency are 404."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook
from registers_cast import SIGNED, at, confiscating_case, investigating_case, seized_goods

from sanxiang.access.actors import OPERATOR
from sanxiang.documents import actions as DOC
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.registers.models import HandOver
from sanxiang.registers.registry import REGISTERS

pytestmark = pytest.mark.django_db
API = "/api/v1/registers/"
REASONS = {"evidence": "现场笔录、询问笔录及进货单据相互印证。", "basis": "依据《中华人民共和国食品安全法》第一百二十四条。",
           "statement_adoption": "当事人放弃陈述申辩。"}


@pytest.fixture(scope="module")
def built(env, blocker):
    """Two cases of the unit (one decided, served and confiscating; one under investigation with goods
    seized), two documents, and people of another unit and roles around them."""
    with blocker.unblock(), transaction.atomic():
        decided, decided_day = confiscating_case(env)
        open_case, day = investigating_case(env)
        goods = seized_goods(env, case=open_case, day=day)
        filing = DOC.do_generate_document(decided, "filing_approval", actor=env.officer)
        decision = DOC.do_generate_document(decided, "penalty_decision", inputs=REASONS, actor=env.officer)
        other_unit = A.do_create_unit(env.agency, "执法二队", actor=OPERATOR)
        return SimpleNamespace(decided=decided, open_case=open_case, goods=goods, filing=filing, decision=decision,
                               other_unit=other_unit, other_officer=T.member(env.agency, Role.OFFICER, unit=other_unit),
                               keeper=T.member(env.agency, Role.RECORDS_KEEPER))


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def rows(user, name, **params):
    r = client_for(user).get(f"{API}{name}", params)
    assert r.status_code == 200, r.content
    return r.json()["rows"]


def xlsx_rows(user, name, **params):
    r = client_for(user).get(f"{API}{name}", {**params, "format": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats"), r.content
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    return values[1], values[2:]


def test_the_case_register_holds_the_cases_in_json_xlsx_and_the_page(env, built):
    found = rows(env.leader, "cases")
    assert [r["number"] for r in found] == [built.decided.number, built.open_case.number]
    decided = found[0]
    assert decided == {
        "number": built.decided.number, "kind": "行政处罚", "party": "某某食品有限公司", "cause": "销售超过保质期的食品",
        "unit": "执法一队", "filed_on": "2026-09-03", "status": "已送达", "decision": "罚款、没收非法财物",
        "fine": "3000.00", "confiscation": "1200.00", "decided_on": "2026-09-08", "closed_on": None}

    headers, sheet_rows = xlsx_rows(env.leader, "cases")
    assert headers == tuple(c.label for c in REGISTERS["cases"].columns)
    assert headers[:6] == ("案号", "案件种类", "当事人", "案由", "承办机构", "立案日期")
    first = dict(zip([c.key for c in REGISTERS["cases"].columns], sheet_rows[0], strict=True))
    assert first["filed_on"] == dt.datetime(2026, 9, 3)  # a date cell, not text
    assert first["fine"] == 3000 and isinstance(first["fine"], (int, float))  # a number cell
    assert [r[0] for r in sheet_rows] == [built.decided.number, built.open_case.number]
    for json_row, sheet_row in zip(found, sheet_rows, strict=True):
        for key, cell in zip([c.key for c in REGISTERS["cases"].columns], sheet_row, strict=True):
            if isinstance(cell, dt.datetime):
                cell = cell.date().isoformat()
            elif isinstance(cell, (int, float)):
                cell = f"{cell:.2f}"
            assert cell == json_row[key], key

    page = client_for(env.leader).get("/registers/cases/").content.decode()
    for text in (built.decided.number, built.open_case.number, "罚款、没收非法财物", "3,000.00", "2026-09-03", "导出 Excel"):
        assert text in page


def test_filters_by_date_state_and_unit(env, built):
    leader = env.leader
    assert [r["number"] for r in rows(leader, "cases", **{"from": "2026-09-04"})] == []
    assert [r["number"] for r in rows(leader, "cases", **{"to": "2026-09-03"})] == [built.decided.number, built.open_case.number]
    assert [r["number"] for r in rows(leader, "cases", state="served")] == [built.decided.number]
    assert rows(leader, "cases", unit=str(built.other_unit.pk)) == []
    assert len(rows(leader, "cases", unit=str(env.unit.pk))) == 2
    _, sheet_rows = xlsx_rows(leader, "cases", state="served")
    assert [r[0] for r in sheet_rows] == [built.decided.number]

    c = client_for(leader)
    r = c.get(f"{API}cases", {"from": "2026-13-01"})
    assert r.status_code == 400 and r.json() == {"code": "rule_violation", "field": "from",
                                                 "message": "起始日期“2026-13-01”无效，应为 YYYY-MM-DD。",
                                                 "reasons": ["起始日期“2026-13-01”无效，应为 YYYY-MM-DD。"]}
    assert c.get(f"{API}cases", {"from": "2026-09-05", "to": "2026-09-01"}).json()["field"] == "from"
    assert c.get(f"{API}cases", {"state": "nonsense"}).status_code == 400
    assert c.get(f"{API}cases", {"format": "pdf"}).status_code == 400
    assert c.get(f"{API}nonsense").json()["code"] == "register_not_found"
    page = c.get("/registers/cases/", {"from": "2026-13-01"})
    assert page.status_code == 400 and "起始日期“2026-13-01”无效" in page.content.decode()


def test_each_role_sees_what_it_may_and_another_agency_nothing(env, built):
    everything = [built.decided.number, built.open_case.number]
    # The records keeper reads the agency's cases to archive them (archive/policies.py).
    for user in (env.officer, env.head, env.leader, built.keeper):
        assert [r["number"] for r in rows(user, "cases")] == everything
    for user in (built.other_officer, env.outsider, env.reviewer):
        assert rows(user, "cases") == [], user
        assert rows(user, "documents") == [], user
    # The records keeper keeps the goods: it sees them, as the case's people do.
    for user in (env.officer, env.leader, built.keeper):
        assert [r["name"] for r in rows(user, "goods")] == ["过期牛奶1"], user
    for user in (built.other_officer, env.outsider, env.reviewer):
        assert rows(user, "goods") == [], user
    # Another agency's unit is not a filter it may use; nor may anyone anonymous ask.
    outsider = client_for(env.outsider)
    r = outsider.get(f"{API}cases", {"unit": str(env.unit.pk)})
    assert r.status_code == 404 and r.json()["code"] == "unit_not_found"
    assert outsider.get(f"/api/v1/goods/{built.goods.pk}").status_code == 404
    assert outsider.get(f"/registers/goods/{built.goods.pk}/").status_code == 404
    assert Client().get(f"{API}cases").status_code == 401
    _, sheet_rows = xlsx_rows(env.outsider, "goods")
    assert sheet_rows == []


def test_the_documents_register_shows_service_from_the_case(env, built):
    found = rows(env.officer, "documents")
    assert [(r["kind"], r["number"], r["case"]) for r in found] == [
        ("立案审批表", built.filing.number, built.decided.number),
        ("行政处罚决定书", built.decision.number, built.decided.number)]
    filing, decision = found
    assert (filing["service_method"], filing["served_on"]) == (None, None)  # an internal form: not served
    assert (decision["service_method"], decision["served_on"]) == ("直接送达", "2026-09-09")
    assert decision["party"] == "某某食品有限公司" and decision["status"] == "待生成"
    headers, sheet_rows = xlsx_rows(env.officer, "documents")
    assert headers[-2:] == ("送达方式", "送达日期") and sheet_rows[1][-1] == dt.datetime(2026, 9, 9)


def test_the_goods_register_and_hand_overs_through_the_api(env, built):
    headers, sheet_rows = xlsx_rows(env.officer, "goods")
    row = dict(zip(headers, sheet_rows[0], strict=True))
    assert (row["财物名称"], row["数量"], row["单位"], row["当前保管人"], row["保管环节"], row["交接次数"]) == (
        "过期牛奶1", 10, "箱", "王执法", "现场查扣", 1)

    c = client_for(env.officer)
    url = f"/api/v1/goods/{built.goods.pk}/hand-over"
    data = {"from_holder": "李保管", "to_holder": "赵保管", "to_place": "保管室", "stage": "custody", "reason": "移交保管",
            "handed_at": at(dt.date(2026, 9, 5)), **SIGNED, "received_by": "赵保管", "receiver_outside": "某仓储公司"}
    counts = HandOver.objects.count(), LedgerEntry.objects.count()
    r = c.post(url, data, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "not_current_holder" and r.json()["field"] == "from_holder"
    assert (HandOver.objects.count(), LedgerEntry.objects.count()) == counts
    r = client_for(env.outsider).post(url, {**data, "from_holder": "王执法"}, content_type="application/json")
    assert r.status_code == 404
    r = c.post(url, {**data, "from_holder": "王执法"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert [h["to_holder"] for h in r.json()["hand_overs"]] == ["王执法", "赵保管"]
    assert rows(env.officer, "goods", state="custody")[0]["holder"] == "赵保管"

    page = c.get(f"/registers/goods/{built.goods.pk}/").content.decode()
    for text in ("交接记录", "某某食品有限公司", "赵保管", "移交人 王执法", "封条完好"):
        assert text in page

    r = c.post("/api/v1/goods/", {"case_id": built.decided.pk, "name": "假冒白酒", "quantity": "6", "unit": "瓶",
                                  "holder": "孙保管", "place": "罚没物品仓库", "handed_at": at(dt.date(2026, 9, 13)),
                                  **SIGNED}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["origin"] == "confiscated"
    r = client_for(env.outsider).post("/api/v1/goods/", {"case_id": built.decided.pk, "name": "白酒", "quantity": "1",
                                                          "unit": "瓶", "holder": "甲", "place": "乙", **SIGNED},
                                      content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "case_not_found"


def test_confiscated_goods_are_registered_on_their_page(env, built):
    officer = client_for(env.officer)
    page = officer.get("/registers/goods/").content.decode()
    assert "没收非法财物的案件" in page and built.decided.number in page
    assert built.open_case.number not in page.split("没收非法财物的案件")[1].split("</ul>")[0]
    url = f"/registers/goods/confiscated/{built.decided.pk}/"
    form = {"name": "假冒白酒", "quantity": "6", "unit": "瓶", "holder": "孙保管", "place": "罚没物品仓库",
            "location": "当事人仓库", "condition": "外包装完好", "handed_by": "孙某", "received_by": "孙保管",
            "reason": "执行没收决定", "handed_at": "2026-09-10T09:30"}
    r = officer.post(url, {**form, "handed_at": "2026-09-01T09:30"})  # before the decision: refused, shown
    assert r.status_code == 400 and "早于处罚决定之日 2026-09-08" in r.content.decode()
    r = officer.post(url, form)
    assert r.status_code == 302, r.content.decode()
    goods = rows(env.officer, "goods", **{"from": "2026-09-10", "to": "2026-09-10"})
    assert [(g["name"], g["origin"], g["holder"], g["stage"]) for g in goods] == [
        ("假冒白酒", "没收（行政处罚决定）", "孙保管", "保管场所")]
    assert client_for(env.outsider).get(url).status_code == 404
    assert officer.get(f"/registers/goods/confiscated/{built.open_case.pk}/").status_code == 404  # nothing confiscated


def test_text_starting_with_equals_is_written_as_text_not_a_formula(env, built):
    """A title typed as `=HYPERLINK(…)` is text in the register's workbook, not a live link or a computed
    cell when Excel or WPS opens it (s22 tester8 #4)."""
    from sanxiang.records import evidence as E

    with transaction.atomic():
        E.do_declare_recording(env.agency, case=built.open_case, title='=HYPERLINK("http://evil.example/x","点击查看")',
                               officers="王执法、李执法", recorder="李执法", started_at="2026-03-02T09:00",
                               ended_at="2026-03-02T09:30", place="=1+1", device="执法记录仪", actor=env.officer)
        r = client_for(env.officer).get(f"{API}media", {"format": "xlsx"})
        transaction.set_rollback(True)
    sheet = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://evil.example/x","点击查看")', "=1+1"}, cells
    assert {c.data_type for c in cells} == {"s"}, [(c.coordinate, c.data_type) for c in cells]


def test_a_goods_hand_over_is_recorded_by_its_holder_to_an_account_or_a_marked_outsider(env):
    """s24 tester8 #1 (decision 0092): the officer 李执法 wrote a hand-over of goods another person held, in that
    holder's name, to 「赵六」 who is nobody, for the reason 「x」 — each refused in the JSON shape, nothing written;
    the holder's own hand-over to a keeper account, or to a receiver marked as outside the agency, goes through."""
    goods = seized_goods(env)  # held by 王执法 (env.officer)
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="吴保管")
    url = f"/api/v1/goods/{goods.pk}/hand-over"
    data = {"from_holder": "王执法", "to_holder": "本局涉案财物保管室 吴保管", "to_place": "本局涉案财物保管室",
            "stage": "custody", "reason": "扣押后移交保管场所", "handed_at": at(dt.date(2026, 9, 5)), **SIGNED,
            "received_by": "吴保管"}

    def refused(user, code, **change):
        counts = HandOver.objects.count(), LedgerEntry.objects.count()
        r = client_for(user).post(url, {**data, **change}, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == code, r.content
        assert (HandOver.objects.count(), LedgerEntry.objects.count()) == counts
        return r.json()["message"]

    other = env.officer2  # 李执法 works on the case but does not hold the goods
    assert "请由王执法本人登记" in refused(other, "handover_not_caller")
    assert "交接须由保管人本人登记" in refused(other, "handover_not_holder", handed_by="李执法")
    assert "不是本机关的用户" in refused(env.officer, "handover_receiver_unknown", to_holder="路边 赵六",
                                     received_by="赵六")
    assert "过于简单" in refused(env.officer, "reason_too_short", reason="x")
    r = client_for(env.officer).post(url, data, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["hand_overs"][-1]["received_by"] == "吴保管"
    # Onwards to someone outside the agency: only when marked as such, with the ID or unit.
    later = {**data, "from_holder": "本局涉案财物保管室 吴保管", "to_holder": "某冷链仓储有限公司 赵六",
             "to_place": "某冷链仓储有限公司冷库", "handed_by": "吴保管", "received_by": "赵六",
             "reason": "需冷藏保存，委托第三方保管", "handed_at": at(dt.date(2026, 9, 6))}
    data = later
    assert "请注明其身份证件号码或单位" in refused(keeper, "handover_receiver_unknown")
    r = client_for(keeper).post(url, {**later, "receiver_outside": "某冷链仓储有限公司（统一社会信用代码略）"},
                                content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["hand_overs"][-1]["receiver_outside"] == "某冷链仓储有限公司（统一社会信用代码略）"
    # Back from the outside holder, who has no account: the keeper who takes them records it, as the receiver.
    back = {**data, "from_holder": "某冷链仓储有限公司 赵六", "to_holder": "本局涉案财物保管室 吴保管",
            "to_place": "本局涉案财物保管室", "handed_by": "赵六", "received_by": "吴保管",
            "reason": "冷藏期满，取回保管", "handed_at": at(dt.date(2026, 9, 8))}
    data = back
    assert "交回须由接收的您本人" in refused(other, "handover_not_caller")  # 李执法 writing the keeper's receipt
    r = client_for(keeper).post(url, back, content_type="application/json")
    assert r.status_code == 201, r.content
    assert [h["received_by"] for h in r.json()["hand_overs"][-2:]] == ["赵六", "吴保管"]
    # Someone else posing as the outside holder after the return is the ordinary rule again.
    assert "请由吴保管本人登记" in refused(env.officer, "handover_not_caller", handed_by="吴保管",
                                       from_holder="本局涉案财物保管室 吴保管", to_holder="某冷链仓储有限公司 赵六",
                                       received_by="赵六", handed_at=at(dt.date(2026, 9, 9)))
