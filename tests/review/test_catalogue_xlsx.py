"""The catalogue as xlsx: an exported version imports back to the same rules; a workbook with a bad
row or column is refused whole, naming row and column in Chinese, and nothing is written; the CLI
exports and imports with a message and exit code on error."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.review.actions import do_import_catalogue_version, do_seed_catalogue
from sanxiang.review.catalogue_xlsx import HEADERS, export_rules, export_version, read_rules
from sanxiang.review.models import CatalogueVersion

RICH = [
    {"key": "large_fine", "label": "对公民处1万元以上、对法人或者其他组织处10万元以上罚款",
     "citation": "本局重大执法决定法制审核目录清单（2026年修订）第三项",
     "condition": {"kinds": ["penalty", "labour_inspection"], "procedures": ["general"],
                   "fine_at_least": {"person": 10000, "org": 100000}}},
    {"key": "confiscation_county_market", "label": "县级市场监管没收5万元以上", "citation": "第四项",
     "condition": {"penalties_any": ["confiscation", "revocation"], "party_kinds": ["org", "individual_business"],
                   "confiscation_at_least": {"person": 0, "org": 50000}, "levels": ["county"],
                   "fields": ["市场监督管理", "食品安全"]}},
    {"key": "hearing_or_flags", "label": "听证或重大影响", "citation": "第五项",
     "condition": {"hearing_in": ["requested", "held"], "flags_any": ["social_risk", "changes_decision"]}},
]


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        agency = T.agency(profile_key="zhuzhou-amr")
        seeded = do_seed_catalogue(agency, actor=OPERATOR)
        yield {"agency": agency, "seeded": seeded, "reviewer": T.member(agency, Role.REVIEWER),
               "officer": T.member(agency, Role.OFFICER)}
        transaction.set_rollback(True)


def written():
    return CatalogueVersion.objects.count(), LedgerEntry.objects.count() + PendingEntry.objects.count()


def test_an_exported_version_imports_to_the_same_rules(zz, db):
    seeded = zz["seeded"]
    data = export_version(seeded)
    sheet = load_workbook(io.BytesIO(data)).active
    assert "法制审核目录清单（第1版，自2021年07月15日起施行）" in sheet["A1"].value  # 第五十八条's date (0082)
    assert [c.value for c in sheet[2]] == HEADERS
    # people read words, not keys: 株洲's all-general-procedure rule
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "all_general_procedure_penalties")
    assert row[3] == "行政处罚" and row[4] == "普通程序"
    assert read_rules(data) == seeded.rules

    version = do_import_catalogue_version(zz["agency"], export_rules(RICH, title="修订"), effective_from="2026-12-01",
                                          reason="按数额、层级和领域修订", actor=zz["reviewer"])
    assert version.rules == RICH
    assert read_rules(export_version(version)) == RICH
    entry = LedgerEntry.objects.filter(action="adopt_review_catalogue", object_id=str(version.pk)).get()
    assert "按数额、层级和领域修订" in entry.entry and "confiscation_county_market" in entry.entry


def workbook(edit) -> bytes:
    """The RICH workbook with `edit(sheet)` applied."""
    book = load_workbook(io.BytesIO(export_rules(RICH, title="目录")))
    edit(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell(ref, value):
    def edit(sheet):
        sheet[ref] = value
    return edit


BAD = [
    (cell("G3", "罚钱"), "第 3 行第 G 列（处罚种类）：“罚钱”不是可用的取值"),
    (cell("H3", "一万"), "第 3 行第 H 列（罚款数额（自然人））：“一万”不是金额"),
    (cell("H3", -5), "第 3 行第 H 列（罚款数额（自然人））：“-5”不能为负数"),
    (cell("H3", 10000.5), "不是整数元"),
    (cell("I3", None), "第 3 行第 I 列（罚款数额（组织））：自然人与组织的数额须同时填写"),
    (cell("A4", "Large Fine"), "第 4 行：规则中“规则代码”（规则编号列）'Large Fine' 不可用"),
    (cell("A5", "large_fine"), "第 5 行第 A 列（规则编号）：“large_fine”与第 3 行重复"),
    (cell("C4", None), "第 4 行：规则缺少“依据”"),
    (cell("N5", "地市级"), "第 5 行第 N 列（执法层级）：“地市级”不是可用的取值"),
    (lambda s: [setattr(s.cell(row=5, column=c), "value", None) for c in range(4, 16)],
     "第 5 行：规则不正确：条件不能为空"),
    (cell("P2", "备注"), "第 2 行第 P 列：未知的列“备注”"),
    (cell("M2", "情形"), "第 2 行第 M 列：列“情形”重复"),
    (cell("A2", "编号"), "找不到表头"),
    (lambda s: s.delete_rows(3, 3), "工作簿中没有规则"),
]


@pytest.mark.parametrize("edit,words", BAD)
def test_a_bad_row_or_column_refuses_the_whole_workbook(zz, db, edit, words):
    before = written()
    with pytest.raises(RuleViolation) as refused:
        do_import_catalogue_version(zz["agency"], workbook(edit), effective_from="2027-01-01", reason="导入",
                                    actor=zz["reviewer"])
    assert words in refused.value.message or any(words in r for r in refused.value.reasons)
    assert refused.value.field == "file"
    assert written() == before


def test_every_bad_row_is_named_at_once(zz, db):
    def two(sheet):
        sheet["G3"] = "罚钱"
        sheet["N4"] = "地市级"
    with pytest.raises(RuleViolation) as refused:
        read_rules(workbook(two))
    assert refused.value.message.startswith("工作簿未导入（共 2 处问题）")
    assert [r[:10] for r in refused.value.reasons] == ["第 3 行第 G 列", "第 4 行第 N 列"]


def test_a_repeated_key_is_named_beside_the_other_problems_of_the_rows_it_repeats(zz, db):
    """s19 tester #15: a key repeating a row that had another problem was said only once that was fixed."""
    def three(sheet):
        sheet["G3"] = "罚钱"
        sheet["H4"] = "一万"
        sheet["A5"] = sheet["A3"].value
    with pytest.raises(RuleViolation) as refused:
        read_rules(workbook(three))
    assert refused.value.message.startswith("工作簿未导入（共 3 处问题）")
    assert [r[:10] for r in refused.value.reasons] == ["第 3 行第 G 列", "第 4 行第 H 列", "第 5 行第 A 列"]


def test_not_a_workbook_and_not_permitted_write_nothing(zz, db):
    before = written()
    with pytest.raises(RuleViolation) as refused:
        do_import_catalogue_version(zz["agency"], b"PK\x03\x04 not really", effective_from="2027-01-01",
                                    reason="导入", actor=zz["reviewer"])
    assert "不是有效的 Excel 工作簿" in refused.value.message
    with pytest.raises(NotPermitted):
        do_import_catalogue_version(zz["agency"], export_rules(RICH, title="目录"), effective_from="2027-01-01",
                                    reason="导入", actor=zz["officer"])
    with pytest.raises(RuleViolation) as refused:
        do_import_catalogue_version(zz["agency"], export_rules(RICH, title="目录"), effective_from="2027-01-01",
                                    reason=" ", actor=zz["reviewer"])
    assert "原因" in refused.value.message
    assert written() == before


def test_the_cli_exports_and_imports(zz, db, tmp_path, capsys):
    code = zz["agency"].code
    path = tmp_path / "目录.xlsx"
    call_command("review", "catalogue", "export", "--agency", code, "--version", "1", str(path))
    assert "第1版" in capsys.readouterr().out
    assert read_rules(path.read_bytes()) == zz["seeded"].rules

    call_command("review", "catalogue", "import", "--agency", code, "--reason", "命令行导入", "--from", "2027-06-01",
                 str(path))
    assert "自 2027-06-01 起施行" in capsys.readouterr().out
    latest = CatalogueVersion.objects.filter(agency=zz["agency"]).order_by("-version").first()
    assert latest.rules == zz["seeded"].rules and latest.reason == "命令行导入"

    path.write_bytes(workbook(cell("G3", "罚钱")))
    before = written()
    for args, words in (
        (["import", "--agency", code, "--reason", "导入", "--from", "2027-07-01", str(path)], "第 3 行第 G 列"),
        (["import", "--agency", code, "--reason", "导入", "--from", "2027-05-01", str(tmp_path / "无.xlsx")], "无法读取"),
        (["export", "--agency", "no-such-agency", str(path)], "没有代码为"),
        (["export", "--agency", code, "--version", "99", str(path)], "没有第99版"),
    ):
        with pytest.raises(SystemExit) as ended:
            call_command("review", "catalogue", *args)
        assert ended.value.code == 2 and words in capsys.readouterr().err
    assert written() == before
    assert dt.date(2027, 6, 1) == latest.effective_from


def test_the_decision_column_round_trips_and_an_older_workbook_without_it_imports(zz, db):
    """决定事项 (变更、延续、撤销、注销许可; 查封扣押财物的处理决定) is the last column; a workbook exported
    before it existed has no such column and still imports (its rules name no decision)."""
    later = [{"key": "licence_revocation", "label": "撤销、注销行政许可", "citation": "目录 第二条",
              "condition": {"kinds": ["licence"], "decisions": ["revocation", "deregistration"]}}]
    data = export_rules(later, title="修订")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(2, len(HEADERS)).value == "决定事项" and sheet.cell(3, len(HEADERS)).value == "撤销许可；注销许可"
    assert read_rules(data) == later
    book = load_workbook(io.BytesIO(export_rules(RICH, title="旧模板")))
    book.active.delete_cols(len(HEADERS))
    out = io.BytesIO()
    book.save(out)
    assert read_rules(out.getvalue()) == RICH


def test_another_agencys_workbook_is_refused_and_an_import_says_what_it_removes(zz, db, tmp_path, capsys):
    """tester9 #2: the title row names the agency; another agency's exported workbook is refused whole,
    naming both; an import of the agency's own that drops rules says which, against the version before."""
    agency = zz["agency"]
    other = T.agency("pingluo-like", profile_key="pingluo-commerce")
    foreign = export_version(do_seed_catalogue(other, actor=OPERATOR))
    before = written()
    with pytest.raises(RuleViolation) as refused:
        do_import_catalogue_version(agency, foreign, effective_from="2027-08-01", reason="跨机关", actor=zz["reviewer"])
    assert refused.value.code == "catalogue_of_another_agency"
    assert "这是“测试主体pingluo-like”的审核目录清单，不是“测试主体" in refused.value.message
    assert written() == before
    path = tmp_path / "他局.xlsx"
    path.write_bytes(foreign)
    with pytest.raises(SystemExit) as ended:
        call_command("review", "catalogue", "import", "--agency", agency.code, "--reason", "跨机关", "--from",
                     "2027-08-01", str(path))
    assert ended.value.code == 2 and "不是“测试主体" in capsys.readouterr().err and written() == before

    latest = CatalogueVersion.objects.filter(agency=agency).order_by("-version").first()
    kept = latest.rules[:2]
    path.write_bytes(export_rules(kept, title=f"{agency.name}重大执法决定法制审核目录清单（第{latest.version}版）"))
    call_command("review", "catalogue", "import", "--agency", agency.code, "--reason", "精简", "--from", "2027-08-01",
                 str(path))
    out = capsys.readouterr().out
    dropped = latest.rules[2:]
    assert f"与第{latest.version}版相比：删除 {len(dropped)} 条（{dropped[0]['label']}、" in out
