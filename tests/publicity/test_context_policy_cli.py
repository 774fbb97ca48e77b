"""PARTY.json validation, the profile value publicity.redaction, and `sanxiang redact`."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from sanxiang.profiles.registry import get_profile, list_profiles, validate_files
from sanxiang.profiles.schema import ProfileError
from sanxiang.publicity.context import ContextError, parse_context
from sanxiang.publicity.policy import RedactionPolicy, parse_policy, policy_for

# The subject is text and profile files, no database: run once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

USCC = "91430200MA4L0Q0X39"


@pytest.mark.parametrize("data,words", [
    ({"kind": "person", "persons": [{"role": "party", "name": "张三", "gender": "男"}]},
     ["未知字段“gender”", "字段 persons.0.gender"]),
    ({"kind": "person", "colour": "red"}, ["未知字段“colour”", "字段 colour"]),
    ({"kind": "company"}, ["当事人类别", "person（自然人）、individual_business（个体工商户）、org（法人或其他组织）"]),
    ({"kind": "person", "persons": [{"role": "neighbour", "name": "张三"}]}, ["身份", "persons.0.role", "witness（证人）"]),
    ({"kind": "person", "persons": [{"role": "party"}]}, ["缺少“姓名”", "字段 persons.0.name"]),
    ({"kind": "person", "persons": [{"role": "party", "name": " "}]}, ["不能为空"]),
    ({"kind": "person", "persons": [{"role": "party", "name": "张"}]}, ["至少两个字"]),
    ({"kind": "org", "organization": None}, ["须填写“单位”（字段 organization）"]),
    ({"kind": "person", "organization": {"name": "某公司"}}, ["应为 null"]),
    ({"kind": "org", "organization": {"name": "某公司", "uscc": "91430200MA4L0Q0X38"}}, ["校验位错误"]),
    ({"kind": "person", "persons": "张三"}, ["应为列表"]),
    ([], ["应为 JSON 对象"]),
])
def test_context_refusals_name_the_field_in_chinese_and_english(data, words):
    """In Chinese only, the JSON key named (s25 defects10 #9: no English sentence in parentheses)."""
    import re

    with pytest.raises(ContextError) as refused:
        parse_context(data)
    for word in words:
        assert word in refused.value.message
    message = refused.value.message
    assert not re.search(r"[A-Za-z]+ [A-Za-z]+", message) and "。。" not in message, message


def test_context_accepts_the_issue_shape():
    ctx = parse_context({"kind": "org", "organization": {"name": "某公司", "uscc": USCC.lower()},
                         "persons": [{"role": "legal_representative", "name": "李 四", "phone": "13800138000"}]})
    assert ctx.organization.uscc == USCC and ctx.persons[0].name == "李四"


def test_every_profile_has_a_cited_redaction_policy():
    assert len(list_profiles()) == 6
    for key in list_profiles():
        entry = get_profile(key).entry("publicity.redaction")
        assert entry.citation and entry.source == key
        policy = policy_for(key)
        assert isinstance(policy, RedactionPolicy) and "id_number" in policy.mask


@pytest.mark.parametrize("value,words", [
    ({"mask": ["id_number", "dna"]}, "mask"),
    ({"mask": []}, "mask"),
    ({"mask": ["phone", "phone"]}, "重复"),
    ({"mask": ["phone"], "keep_roles": ["witness"]}, "keep_roles"),
    ({"mask": ["phone"], "colour": 1}, "未知字段"),
    ({"mask": ["phone"], "id_label_window": -1}, "id_label_window"),
])
def test_bad_policies_are_refused(value, words):
    with pytest.raises(ValueError, match=words):
        parse_policy(value)


def test_a_profile_file_with_a_bad_policy_does_not_validate(tmp_path):
    path = tmp_path / "bad-agency.toml"
    path.write_text('key = "bad-agency"\nname = "测试"\nextends = "national"\n'
                    '[publicity.redaction]\ncitation = "测试"\nvalue = { mask = ["fingerprint"] }\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="publicity.redaction"):
        validate_files([path])


def test_cli_prints_the_redacted_text_offline(tmp_path):
    party = tmp_path / "PARTY.json"
    party.write_text(json.dumps({"kind": "org", "organization": {"name": "株洲市某某食品有限公司", "uscc": USCC},
                                 "persons": [{"role": "legal_representative", "name": "李四"},
                                             {"role": "witness", "name": "王五", "phone": "13800138000"}]}),
                     encoding="utf-8")
    text = f"当事人：株洲市某某食品有限公司（{USCC}），法定代表人李四。证人王五，电话138 0013 8000。\n"
    # an empty data directory: redaction needs no database
    env = {**os.environ, "SANXIANG_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "sanxiang.settings"}
    env.pop("DATABASE_URL", None)
    cmd = [str(Path(sys.executable).parent / "sanxiang"), "redact", "--context", str(party), "--profile", "zhuzhou-amr"]
    done = subprocess.run([*cmd, "--json"], input=text, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["text"] == f"当事人：株洲市某某食品有限公司（{USCC}），法定代表人李四。证人王某，电话［电话已隐去］。\n"
    assert [(s["kind"], s["origin"]) for s in answer["spans"]] == [("person", "context"), ("phone", "context")]
    assert "138 0013 8000" not in done.stdout and "王五" not in done.stdout


def test_cli_prints_the_text_alone(tmp_path, monkeypatch, capsys):
    party = tmp_path / "PARTY.json"
    party.write_text('{"kind": "person", "persons": [{"role": "party", "name": "张三"}]}', encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("当事人张三，电话0731-28888888。"))
    call_command("redact", "--context", str(party))
    assert capsys.readouterr().out == "当事人张某，电话［电话已隐去］。\n"


@pytest.mark.parametrize("party,argv,stdin,words", [
    ('{"kind": "person", "pets": []}', [], "张三", "未知字段“pets”"),
    ("not json", [], "张三", "不是有效的 JSON"),
    ('{"kind": "person"}', ["--profile", "nowhere"], "张三", "未知的规则配置"),
    ('{"kind": "person"}', ["--on", "2026-13-01"], "张三", "日期"),
    ('{"kind": "person"}', [], "  \n", "标准输入为空"),
    (None, [], "张三", "无法读取"),
])
def test_cli_refuses_with_a_message_and_exit_code(tmp_path, monkeypatch, capsys, party, argv, stdin, words):
    path = tmp_path / "PARTY.json"
    if party is not None:
        path.write_text(party, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as ended:
        call_command("redact", "--context", str(path), *argv)
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_cli_refuses_text_that_is_not_utf8_in_chinese(tmp_path, monkeypatch, capsys):
    """s25 defects10 #9: the message is Chinese only."""
    path = tmp_path / "PARTY.json"
    path.write_text('{"kind": "person"}', encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("张三".encode("gbk") + b"\xff")))
    with pytest.raises(SystemExit) as ended:
        call_command("redact", "--context", str(path))
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "标准输入不是 UTF-8 文本" in err and "must" not in err
