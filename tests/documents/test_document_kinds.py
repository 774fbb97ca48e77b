"""Every kind of 执法文书 fills from a case of its kind, in the state where the act is done, with the
values recorded by the moves (the measure's items, the hearing's place, the inspection's items…).
No LibreOffice here: the filled docx is read back with python-docx."""

import datetime as dt
import functools
import re
import sys
from pathlib import Path

import pytest
from documents_cast import REASONS, decided_case, docx_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
import coercion_cast as CC  # noqa: E402
import kinds_cast as KC  # noqa: E402
from cases_cast import D0, new_case, onsite_case, reach, settle, step  # noqa: E402

from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.cases.kinds import coercion as M  # noqa: E402
from sanxiang.cases.kinds import inspection as INS  # noqa: E402
from sanxiang.core.errors import Conflict, RuleViolation  # noqa: E402
from sanxiang.documents import actions as D  # noqa: E402
from sanxiang.documents import fill, kinds  # noqa: E402
from sanxiang.documents.models import Document, DocumentKind  # noqa: E402
from sanxiang.ledger.models import LedgerEntry, PendingEntry  # noqa: E402
from sanxiang.orgs import testing as T  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")
RECORD = {"place": "某某食品有限公司仓库", "content": "现场发现过期牛奶12箱。"}


@pytest.fixture(scope="module")
def kenv(blocker):
    with blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            yield KC.make_kinds_env()
            transaction.set_rollback(True)


def written():
    return Document.objects.count(), LedgerEntry.objects.count() + PendingEntry.objects.count()


@functools.cache  # one builder per state, so the module builds each case once (`built`)
def penalty(state):
    return lambda env, kenv: reach(env, GENERAL, state, party=env.org_party)[0]


def with_onsite_act(env, kenv):
    case = reach(env, GENERAL, "investigating", party=env.org_party)[0]
    C.do_record_onsite_act(case, place="某市场冷库", certificate_numbers=CC.certificates(case),
                           told_reason_basis_rights=True, video_recorded=True, date=case.filed_on, actor=env.officer)
    return case


@functools.cache
def measure(kind="seal", then=None):
    def build(env, kenv):
        m = CC.in_force(env, kind=kind)
        if then == "extend":
            M.do_extend_measure(m, reason="需要检测鉴定，情况复杂", party_told=True, actor=env.head,
                                on=CC.START + dt.timedelta(days=20))
        if then == "release":
            M.do_release_measure(m, release_reason="no_violation", actor=env.head, on=CC.START + dt.timedelta(days=3))
        return m.case
    return build


def hearing(env, kenv):
    """A case whose notice carried the right to a hearing (a large fine), the hearing asked for and notified."""
    case, day = new_case(env, party=env.org_party), D0
    for action in GENERAL.paths()["hearing"]:
        day += dt.timedelta(days=1)
        case = step(env, GENERAL, case, action, day, **({"fine": "200000"} if action == "conclude" else {}))
    step(env, GENERAL, case, "notify_hearing", day + dt.timedelta(days=1))
    return case


def closed(env, kenv):
    case = decided_case(env, "served")
    day = case.served_on + dt.timedelta(days=1)
    settle(env, GENERAL, case, day)
    return step(env, GENERAL, case, "close", day)


def served_unpaid(env, kenv):
    return decided_case(env, "served")


@functools.cache
def inspection(state):
    def build(env, kenv):
        for p in (env.p1, env.p2):
            T.certificate(p, categories=["行政检查"])
        case = INS.do_create_inspection(env.agency, unit=env.unit, source="planned", cause="食品经营日常检查",
                                        party=env.org_party, handlers=[env.p1, env.p2], planned_on=D0,
                                        actor=env.officer)
        if state == "planned":
            return case
        INS.do_start_inspection(case, actor=env.officer, on=D0)
        C.do_record_onsite_act(case, place="经营场所", certificate_numbers=CC.certificates(case),
                               told_reason_basis_rights=True, video_recorded=True, date=D0, actor=env.officer)
        INS.do_record_inspection_result(case, result="problems", items=["营业执照公示", "进货查验记录"],
                                        conclusion="发现问题", problems="进货查验记录不全", actor=env.officer, on=D0)
        return case
    return build


@functools.cache
def licence(*moves, kind="licence"):
    def build(env, kenv):
        table = get_table(f"{kind}_general")
        case, day = KC.new_kind_case(kenv, kind), KC.D0
        for action in moves:
            day += dt.timedelta(days=1)
            KC.prepare(kenv, table, case, action, day)
            case = KC.step(kenv, table, case, action, day)
        return case
    return build


def labour_decided(env, kenv):
    table = get_table("labour_inspection_general")
    case, day = KC.new_kind_case(kenv, "labour_inspection"), KC.D0
    for action in table.paths()["decided"]:
        day += dt.timedelta(days=1)
        KC.prepare(kenv, table, case, action, day)
        case = KC.step(kenv, table, case, action, day)
    C.do_update_case(case, version=case.version, discretion="首次违法，从轻处罚。", actor=kenv.officer)
    case.refresh_from_db()
    return case


@functools.cache
def labour_rectification(*after):
    """A labour case ordered to correct (限期整改中), then the moves `after` (确认已改正并结案)."""
    def build(env, kenv):
        table = get_table("labour_inspection_general")
        case, day = KC.new_kind_case(kenv, "labour_inspection"), KC.D0
        for action in (*table.paths()["rectifying"], *after):
            day += dt.timedelta(days=1)
            KC.prepare(kenv, table, case, action, day)
            case = KC.step(kenv, table, case, action, day, **({"note": "复查：已全额补发工资"}
                                                             if action == "confirm_rectified" else {}))
        return case
    return build


ENTRIES = [{"seq": 1, "number": "某局立审〔2026〕1号", "responsible": "某局", "title": "立案审批表",
            "date": "2026年9月2日", "pages": "1-2"},
           {"seq": 2, "number": "某局处罚〔2026〕1号", "responsible": "某局", "title": "行政处罚决定书",
            "date": "2026年9月20日", "pages": "3-6"}]

# (kind, case builder, inputs, what the filled document says)
CASES = [
    ("not_filing_approval", penalty("verifying"), {"reason": "违法行为轻微并及时改正，没有造成危害后果"},
     ["不予立案审批表", "违法行为轻微并及时改正", "某某食品有限公司"]),
    ("onsite_record", with_onsite_act, {"content": "现场发现过期牛奶12箱。"},
     ["现场笔录", "某市场冷库", "现场发现过期牛奶12箱", "全程音像记录", "出示了执法证件"]),
    ("inquiry_record", penalty("investigating"),
     {"interviewee": "孙某（法定代表人）", "place": "本局询问室", "content": "问：牛奶从何处进货？答：某批发市场。",
      "started_at": "2026-01-05 09:30", "ended_at": "2026-01-05 10:45"},
     ["询问笔录", "孙某（法定代表人）", "答：某批发市场", "申请执法人员回避", "王执法", "询问时间",
      "2026年1月5日9时30分至10时45分"]),
    ("edata_record", penalty("investigating"),
     {"source": "当事人收银电脑", "method": "使用只读拷贝工具复制", "content": "销售记录.xlsx 1个，12KB",
      "digest": "SHA-256 9f86d081884c7d65"},
     ["电子数据证据提取笔录", "当事人收银电脑", "SHA-256 9f86d081884c7d65"]),
    ("sampling_record", penalty("investigating"),
     {"sample": "纯牛奶 250ml", "quantity": "6 盒（基数 200 盒）", "method": "随机抽取，现场封样"},
     ["抽样记录", "纯牛奶 250ml", "随机抽取，现场封样"]),
    ("preservation_notice", measure("preservation"), {}, ["先行登记保存证据通知书", "过期牛奶1", "250ml×24", "当事人冷库"]),
    ("measure_decision", measure(), {}, ["实施行政强制措施决定书", "查封", "过期牛奶1", "食品安全法第一百一十条"]),
    ("measure_list", measure("seize"), {}, ["场所/设施/财物清单", "扣押", "过期牛奶1", "某市场冷库"]),
    ("measure_extension", measure(then="extend"), {}, ["延长行政强制措施期限决定书", "需要检测鉴定，情况复杂", "过期牛奶1"]),
    ("measure_release", measure(then="release"), {}, ["解除行政强制措施决定书", "当事人没有违法行为", "2026年3月5日"]),
    ("investigation_report", penalty("concluded"), {"evidence": "询问笔录、进货单据", "opinion": "建议罚款"},
     ["案件调查终结报告", "询问笔录、进货单据", "警告；罚款人民币 20,000.00 元"]),
    ("penalty_notice", penalty("notified"), {"basis": "《中华人民共和国食品安全法》第一百二十四条"},
     ["行政处罚告知书", "第一百二十四条", "警告；罚款人民币 20,000.00 元", "陈述、申辩的权利"]),
    ("penalty_notice", hearing, {"basis": "《中华人民共和国食品安全法》第一百二十四条"},
     ["罚款人民币 200,000.00 元", "五个工作日内要求听证"]),
    ("statement_record", penalty("notified"), {"content": "初次违法，请求从轻处罚。"},
     ["陈述申辩笔录", "初次违法，请求从轻处罚"]),
    ("hearing_notice", hearing, {}, ["听证通知书", "2026年12月30日", "本局听证室"]),
    ("hearing_record", hearing, {"host": "钱主持", "content": "当事人对事实无异议。"},
     ["听证笔录", "钱主持", "2026年12月30日", "当事人对事实无异议"]),
    ("hearing_report", hearing, {"host": "钱主持", "opinion": "建议维持处罚建议。"},
     ["听证报告", "建议维持处罚建议", "本局听证室"]),
    ("penalty_decision", lambda env, kenv: decided_case(env), REASONS, ["行政处罚决定书", "首次违法且积极配合"]),
    ("onsite_decision", lambda env, kenv: onsite_case(env), {"basis": "《城市市容和环境卫生管理条例》第三十六条",
                                                            "place": "某路口"},
     ["当场行政处罚决定书", "罚款人民币 150.00 元", "某路口", "张三"]),
    ("no_penalty_decision", penalty("concluded"),
     {"evidence": "现场笔录证明", "reason": "首次违法且危害后果轻微并及时改正（行政处罚法第三十三条第一款）"},
     ["不予行政处罚决定书", "行政处罚法第三十三条第一款", "现场笔录证明"]),
    ("service_address", penalty("filed"), {}, ["送达地址确认书", "某某食品有限公司", "如实提供送达地址"]),
    ("demand_notice", served_unpaid, {}, ["催告书", "20,000.00", "十日内履行"]),
    ("closing_approval", closed, {}, ["结案审批表", "警告；罚款人民币 20,000.00 元", "已缴纳人民币 20,000.00 元"]),
    ("inspection_notice", inspection("planned"), {"basis": "《食品安全法》第一百一十条"},
     ["检查通知书", "第一百一十条", "王执法"]),
    ("inspection_record", inspection("inspected"), {},
     ["检查记录", "进货查验记录不全", "营业执照公示", "计划检查", "全程音像记录"]),
    ("acceptance_notice", licence("accept"), {}, ["受理通知书", "食品经营许可", "予以受理"]),
    ("not_accepted_decision", licence("not_accept"), {}, ["不予受理决定书", "不属于本机关职权范围"]),
    ("licence_grant", licence("accept", "start_review", "grant", "issue_certificate"), {},
     ["准予行政许可决定书", "准予食品经营许可", "JY16501060000001", "2031年9月30日"]),
    ("licence_refusal", licence("accept", "start_review", "refuse"), {}, ["不予行政许可决定书", "经营场所不符合条件"]),
    ("case_decision", licence("accept", "start_review", "make_decision", kind="confirmation"),
     {"evidence": "劳动合同、考勤记录", "basis": "《工伤保险条例》第十四条"},
     ["行政确认决定书", "认定为工伤", "工伤保险条例"]),
    ("penalty_decision", labour_decided, REASONS, ["行政处罚决定书", "罚款人民币 200,000.00 元", "首次违法，从轻处罚"]),
    ("filing_approval", licence("file", kind="labour_inspection"), {}, ["立案审批表", "王审批"]),
    ("rectification_order", labour_rectification(), {},
     ["劳动保障监察限期整改指令书", "补发拖欠工资", "2026年12月31日", "第十八条第一款第（二）项", "本机关于2026年"]),
    ("rectification_recheck", labour_rectification(), {"content": "查看工资支付凭证，已补发。"},
     ["整改复查记录", "查看工资支付凭证，已补发", "补发拖欠工资", "2026年12月31日", "出示了执法证件"]),
    ("rectification_recheck", labour_rectification("confirm_rectified"), {},
     ["整改复查记录", "复查：已全额补发工资"]),
]


@pytest.fixture(scope="module")
def built(env, kenv, blocker):
    """Each distinct case of CASES, built once for the module (the documents of each test roll back)."""
    with blocker.unblock():
        return {build: build(env, kenv) for build in dict.fromkeys(c[1] for c in CASES)}


@pytest.mark.parametrize("kind, build, inputs, expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_kind_fills_from_a_case_of_its_kind(env, kenv, built, kind, build, inputs, expected):
    case = built[build]
    case.refresh_from_db()
    assert kind in [s.kind for s in kinds.available_kinds(case)], case.status
    actor = kenv.officer if case.agency_id == kenv.agency.pk else env.officer
    if kind == "rectification_recheck":  # a recheck rechecks the issued order (its 文号 is named)
        order = issue_directly(D.do_generate_document(case, "rectification_order", actor=actor))
        expected = [*expected, order.number]
    document = D.do_generate_document(case, kind, inputs=inputs, actor=actor)
    text = docx_text(document.docx_path)
    for wanted in expected:
        assert wanted in text, wanted
    assert document.number.startswith(case.agency.name + kinds.SPECS[kind].short + "〔")
    assert document.confidentiality == case.confidentiality


def issue_directly(document):
    """The document marked issued without LibreOffice or a seal (what the recheck asks is only that)."""
    from django.utils import timezone

    Document.objects.filter(pk=document.pk).update(status="issued", issued_at=timezone.now())
    document.refresh_from_db()
    return document


def test_a_recheck_needs_the_issued_order_and_names_its_number(kenv, built):
    """issue 8 (s19): a 整改复查记录 rechecks the 限期整改指令书 the party was given — refused before the
    order exists or while it is only generated, writing nothing; once issued, it names the order's 文号."""
    case = built[labour_rectification()]
    case.refresh_from_db()
    before = written()
    with pytest.raises(RuleViolation, match="限期整改指令书尚未签发") as caught:
        D.do_generate_document(case, "rectification_recheck", actor=kenv.officer)
    assert caught.value.code == "order_not_issued" and written() == before
    order = D.do_generate_document(case, "rectification_order", actor=kenv.officer)
    before = written()
    with pytest.raises(RuleViolation, match=f"尚未签发（.*{re.escape(order.number)}"):
        D.do_generate_document(case, "rectification_recheck", actor=kenv.officer)
    assert written() == before
    issue_directly(order)
    recheck = D.do_generate_document(case, "rectification_recheck", actor=kenv.officer)
    text = docx_text(recheck.docx_path)
    assert f"{order.number}：补发拖欠工资" in text or order.number in text
    assert recheck.fields["context"]["order_number"] == order.number


def test_a_recheck_of_a_corrected_order_says_so(kenv, built):
    """s20 (tester8 #26): a 整改复查记录 made while an order was in force keeps its text, but once an issued
    correction replaces that order it is marked (page and API `order_superseded`) — naming both 文号."""
    case = built[labour_rectification()]
    case.refresh_from_db()
    order = issue_directly(D.do_generate_document(case, "rectification_order", actor=kenv.officer))
    recheck = D.do_generate_document(case, "rectification_recheck", actor=kenv.officer)
    assert D.superseded_order(recheck) == ""
    corrected = issue_directly(D.do_generate_document(case, "rectification_order", replaces=order,
                                                      correction_reason="整改期限写错", actor=kenv.officer))
    note = D.superseded_order(recheck)
    assert f"所复查的{order.number}已由{corrected.number}更正（整改期限写错）" in note
    second = D.do_generate_document(case, "rectification_recheck", actor=kenv.officer)
    assert second.fields["context"]["order_number"] == corrected.number and D.superseded_order(second) == ""


def test_a_paper_original_passes_the_guard_of_its_generated_kind(kenv, built):
    """s20 (tester8 #4): registering a paper original of a kind goes through the guard of generating that
    kind — a 整改复查记录 before its order is issued, a 结案审批表 or 送达回证 the case's state does not offer
    are refused, writing nothing; the kinds list says why the 复查 is not yet possible (#17)."""
    from sanxiang.documents.paper import do_register_paper_original
    from sanxiang.records import samples

    case = built[labour_rectification()]
    case.refresh_from_db()
    recheck = kinds.SPECS["rectification_recheck"]
    assert "限期整改指令书尚未签发" in D.prerequisite_refusal(case, recheck)
    scans = iter([samples.completed_upload(samples.png(seed=seed), "扫描件.png", actor=kenv.officer)
                  for seed in range(700, 705)])

    def register(kind):
        upload = next(scans)
        return do_register_paper_original(case, upload, kind=kind, written_on=case.clue_on, signers="执法人员甲、当事人乙",
                                          kept_at="档案室", actor=kenv.officer)

    before = written()
    with pytest.raises(RuleViolation, match="限期整改指令书尚未签发") as caught:
        register("rectification_recheck")
    assert caught.value.code == "order_not_issued"
    for kind in ("closing_approval", "service_receipt"):
        if kinds.SPECS[kind] not in kinds.available_kinds(case):
            with pytest.raises(RuleViolation, match=f"不能登记{kinds.SPECS[kind].label}") as caught:
                register(kind)
            assert caught.value.code == "kind_not_available"
    assert written() == before
    issue_directly(D.do_generate_document(case, "rectification_order", actor=kenv.officer))
    assert D.prerequisite_refusal(case, recheck) == ""
    assert register("rectification_recheck").kind == "rectification_recheck"


def test_every_kind_has_a_template_that_fills_with_its_names():
    assert set(kinds.SPECS) == set(DocumentKind.values)
    for kind in kinds.SPECS:
        fill.fill(D.packaged_template(kind), kinds.sample_context(kind))


def test_the_archive_forms_take_the_file_entries(env):
    case = reach(env, GENERAL, "closed", party=env.org_party)[0]  # ended by 终止 (the shortest way)
    D.do_generate_document(case, "filing_approval", actor=env.officer)
    cover = D.do_generate_document(case, "file_cover", entries=ENTRIES, actor=env.officer)
    text = docx_text(cover.docx_path)
    assert "卷宗封面" in text and "某某食品有限公司" in text and "6" in text
    catalogue = D.do_generate_document(case, "file_catalogue", entries=ENTRIES, actor=env.officer)
    text = docx_text(catalogue.docx_path)
    for wanted in ("卷内文件目录", "某局立审〔2026〕1号", "行政处罚决定书", "3-6"):
        assert wanted in text, wanted
    notes = D.do_generate_document(case, "file_notes", actor=env.officer)  # no entries: the case's documents
    text = docx_text(notes.docx_path)
    assert "卷内备考表" in text and "本卷共有文件 1 件" in text  # the 立案审批表; the archive forms are not entries


def test_records_repeat_a_measure_has_one_document_of_each_kind_and_a_measure_of_another_case_is_refused(
        env, client):
    first = CC.in_force(env)
    other = CC.in_force(env)
    second = CC.in_force(env, case=first.case)
    client.force_login(env.officer)
    offered = {k["kind"]: k for k in client.get(f"/api/v1/documents/kinds?case_id={first.case.pk}").json()}
    assert {m["id"] for m in offered["measure_decision"]["measures"]} == {first.pk, second.pk}
    assert "过期牛奶1" in offered["measure_decision"]["measures"][0]["label"]
    assert offered["inquiry_record"]["signable"] and offered["inquiry_record"]["repeatable"]
    a = D.do_generate_document(first.case, "measure_decision", measure=first.pk, actor=env.officer)
    b = D.do_generate_document(first.case, "measure_decision", measure=second.pk, actor=env.officer)
    assert a.number_seq + 1 == b.number_seq and (a.fields["measure"], b.fields["measure"]) == (first.pk, second.pk)
    before = written()
    # s18 3.b: a second 实施行政强制措施决定书 (or 清单) of the same 查封 is refused naming the first…
    with pytest.raises(Conflict, match=f"该行政强制措施已有.*{re.escape(a.number)}") as caught:
        D.do_generate_document(first.case, "measure_decision", measure=first.pk, actor=env.officer)
    assert caught.value.code == "document_exists"
    the_list = D.do_generate_document(first.case, "measure_list", measure=first.pk, actor=env.officer)
    with pytest.raises(Conflict, match=re.escape(the_list.number)):
        D.do_generate_document(first.case, "measure_list", measure=first.pk, actor=env.officer)
    before = written()
    # …and once issued, only its correction follows, about the same measure.
    Document.objects.filter(pk=a.pk).update(status="issued")
    with pytest.raises(Conflict, match="已签发，不能再生成") as caught:
        D.do_generate_document(first.case, "measure_decision", measure=first.pk, actor=env.officer)
    assert caught.value.code == "document_already_issued"
    with pytest.raises(RuleViolation, match="同一项行政强制措施"):
        D.do_generate_document(first.case, "measure_decision", measure=second.pk, replaces=a, correction_reason="更正笔误", actor=env.officer)
    assert written() == before
    correction = D.do_generate_document(first.case, "measure_decision", replaces=a, correction_reason="更正笔误", actor=env.officer)
    assert correction.fields["measure"] == first.pk and correction.replaces == a
    before = Document.objects.count()
    with pytest.raises(RuleViolation, match="不属于本案"):
        D.do_generate_document(first.case, "measure_decision", measure=other.pk, actor=env.officer)
    assert Document.objects.count() == before
    inquiry = {"interviewee": "孙某", "place": "询问室", "content": "问：……答：……",
               "started_at": "2026-01-05 09:30", "ended_at": "2026-01-05 10:45"}
    D.do_generate_document(first.case, "inquiry_record", inputs=inquiry, actor=env.officer)
    D.do_generate_document(first.case, "inquiry_record", inputs=inquiry, actor=env.officer)
    assert Document.objects.filter(case=first.case, kind="inquiry_record").count() == 2


def test_a_kind_outside_its_state_or_case_kind_is_refused(env, kenv):
    case = reach(env, GENERAL, "investigating", party=env.org_party)[0]
    open_kinds = {s.kind for s in kinds.available_kinds(case)}
    assert {"inquiry_record", "onsite_record", "filing_approval"} <= open_kinds
    assert not open_kinds & {"penalty_notice", "licence_grant", "measure_decision", "file_cover", "hearing_notice"}
    with pytest.raises(RuleViolation, match="不能生成行政处罚告知书"):
        D.do_generate_document(case, "penalty_notice", inputs={"basis": "……"}, actor=env.officer)
    licence_case = licence("accept")(env, kenv)
    assert "penalty_decision" not in {s.kind for s in kinds.available_kinds(licence_case)}


def test_an_inquiry_record_states_its_start_and_end_time(env):
    """Defect #14e: 询问笔录 写明询问起止时间 (市场监管行政处罚程序规定 第二十八条)."""
    from sanxiang.documents import kinds as KINDS

    spec = KINDS.SPECS["inquiry_record"]
    base = {"interviewee": "孙某", "place": "询问室", "content": "问：……答：……"}
    for times, expected, field in (
        ({}, "询问开始时间", "started_at"),
        ({"started_at": "2026-01-05 09:30", "ended_at": "十点"}, "年-月-日 时:分", "ended_at"),
        ({"started_at": "2026-01-05 09:30", "ended_at": "2026-01-05 09:00"}, "晚于开始时间", "ended_at"),
        ({"started_at": "2099-01-05 09:30", "ended_at": "2099-01-05 10:00"}, "不能晚于现在", "ended_at"),
        ({"started_at": "2026-01-05 09:30", "ended_at": "2026-01-07 10:00"}, "24 小时", "ended_at"),
    ):
        with pytest.raises(RuleViolation) as caught:
            KINDS.clean_inputs(spec, {**base, **times})
        assert expected in caught.value.message and caught.value.field == field, caught.value.message
    cleaned = KINDS.clean_inputs(spec, {**base, "started_at": "2026-01-05T23:30", "ended_at": "2026-01-06 00:20"})
    assert cleaned["started_at"] == "2026-01-05 23:30"
    assert KINDS.inquiry_time(cleaned["started_at"], cleaned["ended_at"]) == "2026年1月5日23时30分至2026年1月6日0时20分"
    # s17 #21: real times — ISO 8601 with its offset is parsed (not refused as "too long"), and several
    # problems are joined by the one rule, never 「。；」
    iso = KINDS.clean_inputs(spec, {**base, "started_at": "2026-01-05T09:00+08:00", "ended_at": "2026-01-05T02:30Z"})
    assert (iso["started_at"], iso["ended_at"]) == ("2026-01-05 09:00", "2026-01-05 10:30")
    with pytest.raises(RuleViolation) as caught:
        KINDS.clean_inputs(spec, {"started_at": "x" * 30, "ended_at": "y"})
    assert "。；" not in caught.value.message and caught.value.message.count("；") >= 2


def test_decision_documents_follow_the_decision_taken(env, kenv):
    """Defect s17 #6 (行政处罚法第五十七条): a case decided with a penalty is offered no 不予行政处罚决定书,
    even closed, and generating or issuing one is refused naming why; before the decision it is offered."""
    concluded = reach(env, GENERAL, "concluded", party=env.org_party)[0]
    assert "no_penalty_decision" in {s.kind for s in kinds.available_kinds(concluded)}
    case = closed(env, kenv)
    assert case.decided_penalties
    open_kinds = {s.kind for s in kinds.available_kinds(case)}
    assert "no_penalty_decision" not in open_kinds
    before = Document.objects.filter(case=case).count()
    with pytest.raises(RuleViolation, match="本案已决定给予行政处罚，不能制作不予行政处罚决定书") as caught:
        D.do_generate_document(case, "no_penalty_decision", inputs={"evidence": "……", "reason": "……"},
                               actor=env.officer)
    assert caught.value.code == "decision_contradicts"
    assert Document.objects.filter(case=case).count() == before
    # One made before the decision (a draft) cannot be issued once a penalty is decided.
    draft = D.do_generate_document(concluded, "no_penalty_decision", inputs={"evidence": "……", "reason": "……"},
                                   actor=env.officer)
    Document.objects.filter(pk=draft.pk).update(case=case, status="generated")
    draft.refresh_from_db()
    with pytest.raises(RuleViolation, match="不能签发不予行政处罚决定书"):
        D.do_issue_document(draft, actor=env.head)
    assert Document.objects.get(pk=draft.pk).status == "generated"
    # A case decided without a penalty is offered no 行政处罚决定书.
    Case = type(case)
    Case.objects.filter(pk=case.pk).update(decided_penalties=[])
    case.refresh_from_db()
    assert "penalty_decision" not in {s.kind for s in kinds.available_kinds(case)}


@pytest.mark.parametrize("state", ["concluded", "notified"])
def test_a_no_penalty_decision_is_not_issued_before_the_case_decides_it(env, state):
    """Issue-9 re-test s20 #3 (decision 0067): before the case's decision — which runs the 法制审核 gate —
    a 不予行政处罚决定书 is a draft (决定书代拟稿): generated, never issued (sealed)."""
    case = reach(env, GENERAL, state, party=env.org_party)[0]
    draft = D.do_generate_document(case, "no_penalty_decision", inputs={"evidence": "……", "reason": "……"},
                                   actor=env.officer)
    Document.objects.filter(pk=draft.pk).update(status="generated")
    draft.refresh_from_db()
    with pytest.raises(RuleViolation, match="尚未作出不予行政处罚决定") as caught:
        D.do_issue_document(draft, actor=env.head)
    assert caught.value.code == "decision_not_made"
    assert Document.objects.get(pk=draft.pk).status == "generated"
    assert kinds.decision_pending(case, "penalty_decision") is None
