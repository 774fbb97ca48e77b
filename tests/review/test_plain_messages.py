"""tester9 #4 and #6: refusals say in Chinese what is wrong — no English from the validator or the JSON
decoder, no view parameter names, no keys on a page, no doubled full stops."""

import io
import sys

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.review.actions import do_seed_catalogue
from sanxiang.review.catalogue_xlsx import export_rules, read_rules


@pytest.mark.parametrize("stdin,words,never", [
    ('{"kind": "penalty", "procedure": "general", "penalties": "fine"}', "格式不正确：应为列表", "Input should"),
    ("", "标准输入为空", "Expecting value"),
    ("{oops", "第 1 行第 2 列", "Expecting property"),
])
def test_the_cli_check_refuses_in_chinese(monkeypatch, capsys, stdin, words, never):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as ended:
        call_command("review", "check", "--profile", "zhuzhou-amr", "--on", "2026-03-02", "--json")
    err = capsys.readouterr().err
    assert ended.value.code == 2 and words in err and never not in err and "。。" not in err


def test_the_api_names_a_missing_body_not_the_views_parameter_and_the_page_says_words(db, client):
    agency = T.agency(profile_key="zhuzhou-amr")
    do_seed_catalogue(agency, actor=OPERATOR)
    client.force_login(T.member(agency, Role.REVIEWER))
    answer = client.post(f"/api/v1/review/catalogue/{agency.code}/check", data="", content_type="application/json")
    assert answer.status_code == 422 and "缺少请求体（应为 JSON 对象）" in answer.json()["message"]
    assert "data" not in answer.json()["message"]
    page = client.get(f"/review/catalogue/{agency.code}/check/", {"kind": "penalty", "procedure": "", "party_kind": "org",
                                                                   "penalties": "warning", "hearing": "none"})
    text = page.content.decode()
    assert page.status_code == 400 and "须写明程序（请选择普通程序或简易程序）" in text
    assert "procedure：general" not in text


RULE = {"key": "large_fine", "label": "大额罚款", "citation": "本局目录第三项",
        "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}}


def _edited(ref, value) -> bytes:
    book = load_workbook(io.BytesIO(export_rules([RULE], title="目录")))
    book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("ref,value,words", [
    ("C3", None, "规则缺少“依据”"),
    ("A3", "bad key!", "'bad key!' 不可用"),
    ("B3", "情" * 201, "过长（最多 200 字）"),
])
def test_a_workbook_refusal_ends_with_one_full_stop(ref, value, words):
    with pytest.raises(RuleViolation) as refused:
        read_rules(_edited(ref, value))
    assert words in refused.value.message and "。。" not in refused.value.message
    assert all("。。" not in r for r in refused.value.reasons)


@pytest.mark.parametrize("ref,value,words", [
    ("T3", "多余", "第 3 行第 T 列：该列没有表头，内容“多余”无法导入"),
    ("B3", "=1+1", "第 3 行第 B 列（情形）：单元格是公式“=1+1”"),
])
def test_a_value_under_no_header_or_a_formula_is_refused_not_ignored(ref, value, words):
    with pytest.raises(RuleViolation) as refused:
        read_rules(_edited(ref, value))
    assert words in refused.value.message
