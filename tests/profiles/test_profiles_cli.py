"""`sanxiang profiles list | show | diff | validate`."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

# The subject is text and profile files, no database: run once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

SANXIANG = Path(sys.executable).with_name("sanxiang")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("profiles", *args, stdout=out, stderr=err)
    return out.getvalue()


def cli(*args):
    return subprocess.run([str(SANXIANG), "profiles", *args], capture_output=True, text=True, timeout=60)


def test_list_prints_six_profiles_with_names():
    out = run("list")
    lines = out.strip().splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("national")
    assert "株洲市市场监督管理局（继承 national）" in out


def test_show_prints_each_value_with_its_citation():
    out = run("show", "zhuzhou-amr", "--on", "2024-06-01")
    assert "株洲市市场监督管理局（zhuzhou-amr）  日期：2024-06-01" in out
    assert "review.time_limit_max  延期后审核时限上限：20个工作日" in out
    assert "出处：001_e535f9fa007604fa.txt 二（三）4.明确审核程序 3）：情况复杂需要延期的" in out
    assert "【法制审核】" in out and "【职责分工】" in out
    assert "（沿用 national）" in out


def test_show_on_a_date_before_a_version_starts():
    before = run("show", "urumqi-gxq-amr", "--on", "2019-10-31")
    after = run("show", "urumqi-gxq-amr", "--on", "2019-11-01")
    assert "统一公示平台：未规定" in before
    assert "统一公示平台：市政府门户网站行政执法公示专栏［2019-11-01 ～ 今］" in after


def test_show_json_is_machine_readable():
    data = json.loads(run("show", "urumqi-gxq-hrss", "--on", "2024-06-01", "--json"))
    assert data["key"] == "urumqi-gxq-hrss" and data["on"] == "2024-06-01"
    upload = data["values"]["records.av_upload_limit"]
    assert upload["value"] == {"count": 3, "unit": "workdays"}
    assert upload["source"] == "urumqi-gxq-hrss"
    assert "003_1cffb2161c9decd7.txt" in upload["citation"]


def test_diff_prints_both_values_and_citations():
    out = run("diff", "urumqi-gxq-amr", "quanzhou-licheng-amr", "--on", "2024-06-01")
    assert "publicity.short_deadline_kinds" in out
    assert "urumqi-gxq-amr：许可、处罚" in out
    assert "quanzhou-licheng-amr：许可、强制" in out
    assert "出处：004_e258a4b80021283f.txt 二、全面推行行政执法公示制度 10" in out
    assert "publicity.decision_deadline_short " not in out


def test_diff_json():
    data = json.loads(run("diff", "national", "zhuzhou-amr", "--json"))
    names = {d["name"] for d in data}
    assert "equipment.minimums" in names
    row = next(d for d in data if d["name"] == "review.time_limit")
    assert row["national"]["value"] is None and row["zhuzhou-amr"]["value"] == {"count": 10, "unit": "workdays"}


def test_validate_all_shipped():
    out = run("validate")
    assert out.count("通过：") == 6


def test_validate_a_broken_file_exits_2_with_chinese_message(tmp_path):
    bad = tmp_path / "demo-agency.toml"
    bad.write_text('key = "demo-agency"\nname = "示例局"\nextends = "national"\n'
                   '[records.archive_limit]\nvalue = { count = -30, unit = "days" }\ncitation = "x"\n',
                   encoding="utf-8")
    result = cli("validate", str(bad))
    assert result.returncode == 2
    assert "错误：demo-agency.toml：records.archive_limit：期限不能为负数或零：-30" in result.stderr
    good = tmp_path / "good-agency.toml"
    good.write_text('key = "good-agency"\nname = "示例局"\nextends = "national"\n', encoding="utf-8")
    result = cli("validate", str(good))
    assert result.returncode == 0, result.stderr
    assert "通过：good-agency.toml" in result.stdout


@pytest.mark.parametrize("args,message", [
    (("show", "nope"), "错误：未知的规则配置：nope"),
    (("show", "national", "--on", "2019-02-30"), "错误：日期格式错误：'2019-02-30'"),
    (("diff", "national", "nope"), "错误：未知的规则配置：nope"),
])
def test_errors_exit_2(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
