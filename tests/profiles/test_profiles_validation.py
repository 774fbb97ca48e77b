"""Broken profile files are refused with a Chinese message naming file, key and problem."""

import shutil

import pytest

from sanxiang.profiles.registry import DATA_DIR, ProfileError, validate_files

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

GOOD = '''key = "demo-agency"
name = "示例局"
extends = "national"

[publicity.decision_deadline_short]
value = { count = 7, unit = "workdays" }
citation = "示例方案 一、1"
'''


def write(tmp_path, text, name="demo-agency.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_agency_file_validates(tmp_path):
    (profile,) = validate_files([write(tmp_path, GOOD)])
    assert profile.value("publicity.decision_deadline_short") == {"count": 7, "unit": "workdays"}
    assert profile.entry("publicity.decision_deadline_short").citation == "示例方案 一、1"
    assert profile.entry("publicity.channels").source == "national"


ENTRY = "[publicity.decision_deadline_short]\n"


@pytest.mark.parametrize("text,key,problem", [
    (GOOD + '\n[publicity.nope]\nvalue = 1\ncitation = "x"\n', "publicity.nope", "未知的规则项"),
    (GOOD + '\n[nope]\nvalue = 1\n', "nope", "未知的规则项"),
    (GOOD.replace("value = { count = 7, unit = \"workdays\" }", 'value = "7天"'),
     "publicity.decision_deadline_short", "类型错误"),
    (GOOD + '\n[review.unit_reviewers_allowed]\nvalue = "是"\ncitation = "x"\n',
     "review.unit_reviewers_allowed", "类型错误"),
    (GOOD + '\n[deadlines.warning_lead_workdays]\nvalue = 2.5\ncitation = "x"\n',
     "deadlines.warning_lead_workdays", "类型错误"),
    (GOOD + '\n[publicity.channels]\nvalue = ["网站", 3]\ncitation = "x"\n', "publicity.channels", "类型错误"),
    (GOOD.replace("count = 7", "count = -7"), "publicity.decision_deadline_short", "负数"),
    (GOOD.replace("workdays", "weeks"), "publicity.decision_deadline_short", "未知的期限单位 'weeks'"),
    (GOOD.replace('citation = "示例方案 一、1"', ""), "publicity.decision_deadline_short", "缺少出处"),
    (GOOD.replace('citation = "示例方案 一、1"', 'citation = "  "'), "publicity.decision_deadline_short", "缺少出处"),
    (GOOD + "effective_from = 2020-01-01\neffective_to = 2019-01-01\n",
     "publicity.decision_deadline_short", "晚于失效日期"),
    (GOOD + 'effective_from = "2020年"\n', "publicity.decision_deadline_short", "effective_from 必须是日期"),
    (GOOD + "effective_from = 2020-01-01T10:00:00\n", "publicity.decision_deadline_short", "effective_from 必须是日期"),
    ('key = "demo-agency"\nname = "示例局"\nextends = "national"\n'
     '[[publicity.channels]]\nvalue = ["网站"]\ncitation = "a"\neffective_to = 2020-01-01\n'
     '[[publicity.channels]]\nvalue = ["窗口"]\ncitation = "b"\neffective_from = 2020-01-01\n',
     "publicity.channels", "重叠"),
    ('key = "demo-agency"\nname = "示例局"\nextends = "national"\n'
     '[[publicity.channels]]\nvalue = ["网站"]\ncitation = "a"\n'
     '[[publicity.channels]]\nvalue = ["窗口"]\ncitation = "b"\neffective_from = 2020-01-01\n',
     "publicity.channels", "重叠"),
    (GOOD.replace('extends = "national"', 'extends = "atlantis"'), "extends", "'atlantis' 不存在"),
    (GOOD.replace('extends = "national"\n', ""), "extends", "缺少 extends"),
    (GOOD.replace('key = "demo-agency"', 'key = "other"'), "key", "与文件名不一致"),
    (GOOD.replace('name = "示例局"\n', ""), "name", "缺少机关名称"),
    (GOOD + '\n[publicity.decision_deadline_other]\nnone = true\ncitation = "x"\n',
     "publicity.decision_deadline_other", "不允许为空"),
    (GOOD + '\n[publicity.decision_deadline_other]\nvalu = 3\ncitation = "x"\n',
     "publicity.decision_deadline_other", "未知的字段 valu"),
    (GOOD + '\n[publicity.full_text_penalty]\nvalue = "maybe"\ncitation = "x"\n',
     "publicity.full_text_penalty", "取值 'maybe' 无效"),
    (GOOD + '\n[publicity.annual_report.due]\nvalue = "02-30"\ncitation = "x"\n',
     "publicity.annual_report.due", "不存在"),
    (GOOD + '\n[equipment.minimums]\nvalue = [{ group = "局机关", scope = "all", camera = 5, body_camera = 0, recorder = 0 }]\ncitation = "x"\n',
     "equipment.minimums", "第 1 项的 scope 应为 'total' 或 'each'"),
    (GOOD + '\n[equipment.minimums]\nvalue = [{ group = "局机关", scope = "total", camera = -1, body_camera = 0, recorder = 0 }]\ncitation = "x"\n',
     "equipment.minimums", "第 1 项的 camera 不能小于 0"),
    (GOOD + '\n[cases.simplified_fine_max]\nvalue = { person = 200 }\ncitation = "x"\n',
     "cases.simplified_fine_max", "类型错误"),
    (GOOD + '\n[cases.simplified_fine_max]\nvalue = { person = 200, org = -1 }\ncitation = "x"\n',
     "cases.simplified_fine_max", "org 不能小于 0"),
    (GOOD + '\n[cases.closing_limit]\nnot_applicable = true\ncitation = "x"\n',
     "cases.closing_limit", "不允许为空（not_applicable）"),
    (GOOD + '\n[cases.seizure_extension]\nnot_applicable = true\nnone = true\ncitation = "x"\n',
     "cases.seizure_extension", "not_applicable 只能写"),
    (GOOD + '\n[duties.archive]\nvalue = { unit = "办公室" }\ncitation = "x"\n', "duties.archive", "类型错误"),
    (GOOD + '\n[duties.nope]\nvalue = { unit = "办公室", leader = "局长" }\ncitation = "x"\n', "duties.nope", "未知的规则项"),
])
def test_broken_files_are_refused(tmp_path, text, key, problem):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        validate_files([path])
    message = str(info.value)
    assert message.startswith("demo-agency.toml：")
    assert f"：{key}：" in message
    assert problem in message


def test_toml_syntax_error_names_the_file(tmp_path):
    with pytest.raises(ProfileError, match=r"demo-agency.toml：TOML 语法错误"):
        validate_files([write(tmp_path, GOOD + "\n[broken\n")])


def test_extends_cycle_is_refused(tmp_path):
    a = write(tmp_path, GOOD.replace('extends = "national"', 'extends = "demo-b"'))
    b = write(tmp_path, GOOD.replace('key = "demo-agency"', 'key = "demo-b"').replace(
        'extends = "national"', 'extends = "demo-agency"'), "demo-b.toml")
    with pytest.raises(ProfileError, match="继承关系成环"):
        validate_files([a, b])


def test_national_must_define_every_name_on_every_date(tmp_path):
    text = (DATA_DIR / "national.toml").read_text(encoding="utf-8")
    broken = text.replace("[deadlines.warning_lead_workdays]", "[deadlines.warning_lead_workdays]\neffective_from = 2020-01-01")
    with pytest.raises(ProfileError, match=r"national.toml：deadlines.warning_lead_workdays：国家默认值在 2020-01-01 之前没有值"):
        validate_files([write(tmp_path, broken, "national.toml")])
    start = text.index("[other.notes]")
    with pytest.raises(ProfileError, match=r"national.toml：other.notes：国家默认配置缺少此项"):
        validate_files([write(tmp_path, text[:start], "national.toml")])


def test_shipped_files_validate_when_copied(tmp_path):
    paths = []
    for src in DATA_DIR.glob("*.toml"):
        shutil.copy(src, tmp_path / src.name)
        paths.append(tmp_path / src.name)
    assert len(validate_files(paths)) == 6
