"""Rule profiles (规则配置): shipped data against PROFILES.md, versions in time, registry API."""

import datetime as dt

import pytest

from sanxiang.profiles.registry import ProfileError, get_profile, list_profiles
from sanxiang.profiles.schema import SCHEMA

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

AGENCIES = ["urumqi-gxq-amr", "zhuzhou-amr", "pingluo-commerce", "urumqi-gxq-hrss", "quanzhou-licheng-amr"]
ON = dt.date(2024, 6, 1)


def wd(n):
    return {"count": n, "unit": "workdays"}


def test_six_profiles_all_validate():
    assert sorted(list_profiles()) == sorted(["national", *AGENCIES])
    for key in list_profiles():
        profile = get_profile(key)
        assert profile.key == key
        assert profile.name
        assert profile.extends == (None if key == "national" else "national")


@pytest.mark.parametrize("key", ["national", *AGENCIES])
@pytest.mark.parametrize("on", [dt.date(2019, 10, 31), dt.date(2019, 11, 1), ON])
def test_every_name_resolves_with_a_citation(key, on):
    profile = get_profile(key)
    assert profile.names() == list(SCHEMA)
    for name in profile.names():
        entry = profile.entry(name, on=on)
        assert entry.citation.strip(), name
        assert entry.source in (key, "national")


# (profile, value name, expected value) — one row per cell of PROFILES.md "Where the seeds differ".
TABLE = [
    # decisions published within 7 working days: which kinds
    ("urumqi-gxq-amr", "publicity.short_deadline_kinds", ["许可", "处罚"]),
    ("zhuzhou-amr", "publicity.short_deadline_kinds", ["许可", "处罚"]),
    ("pingluo-commerce", "publicity.short_deadline_kinds", ["许可", "处罚"]),
    ("urumqi-gxq-hrss", "publicity.short_deadline_kinds", ["许可", "处罚"]),  # national default
    ("quanzhou-licheng-amr", "publicity.short_deadline_kinds", ["许可", "强制"]),
    ("quanzhou-licheng-amr", "publicity.decision_deadline_short", wd(7)),
    ("urumqi-gxq-hrss", "publicity.decision_deadline_short", wd(7)),
    # other decisions
    ("urumqi-gxq-amr", "publicity.decision_deadline_other", wd(20)),
    ("quanzhou-licheng-amr", "publicity.decision_deadline_other", wd(20)),
    ("urumqi-gxq-hrss", "publicity.decision_deadline_other", wd(20)),
    # published fields
    ("zhuzhou-amr", "publicity.decision_fields", ["执法机关", "执法对象", "执法类别", "执法结论"]),
    ("urumqi-gxq-hrss", "publicity.decision_fields", ["执法机关", "执法对象", "案件事实", "执法类别", "执法结论"]),
    ("urumqi-gxq-amr", "publicity.full_text_penalty", "encouraged"),
    ("urumqi-gxq-hrss", "publicity.full_text_penalty", "required_general_procedure"),
    ("zhuzhou-amr", "publicity.full_text_penalty", "not_required"),
    # random inspection
    ("urumqi-gxq-amr", "publicity.random_inspection.normal_result_deadline", wd(20)),
    ("zhuzhou-amr", "publicity.random_inspection.plan_publish_before_month", 3),
    ("zhuzhou-amr", "publicity.random_inspection.normal_result_deadline", None),
    ("pingluo-commerce", "publicity.random_inspection.published_items", ["随机抽查事项清单", "市场主体名录库", "行政执法检查人员名录库"]),
    ("urumqi-gxq-hrss", "publicity.random_inspection.published_items", ["随机抽查事项清单"]),
    # take-down
    ("urumqi-gxq-amr", "publicity.takedown.after", {"count": 12, "unit": "months"}),
    ("urumqi-gxq-amr", "publicity.takedown.serious_dishonesty_after", {"count": 36, "unit": "months"}),
    ("urumqi-gxq-amr", "publicity.takedown.mandatory", False),
    ("zhuzhou-amr", "publicity.takedown.on_revocation", True),
    ("quanzhou-licheng-amr", "publicity.takedown.after", None),
    # withdrawal deadline
    ("urumqi-gxq-amr", "publicity.withdrawal_deadline", wd(3)),
    ("urumqi-gxq-hrss", "publicity.withdrawal_deadline", wd(3)),
    # update after change
    ("urumqi-gxq-amr", "publicity.update_after_change", wd(60)),
    ("zhuzhou-amr", "publicity.update_after_change", None),
    # annual report
    ("urumqi-gxq-amr", "publicity.annual_report.due", "01-30"),
    ("urumqi-gxq-amr", "publicity.annual_report.recipients", ["区政府"]),
    ("zhuzhou-amr", "publicity.annual_report.due", "01-31"),  # the plan is silent: national applies
    ("zhuzhou-amr", "publicity.annual_report.unit_submission_due", "01-15"),
    ("zhuzhou-amr", "publicity.annual_report.recipients", ["市政府", "省市场监督管理局"]),
    ("quanzhou-licheng-amr", "publicity.annual_report.due", "01-31"),
    ("quanzhou-licheng-amr", "publicity.annual_report.recipients", ["上级主管部门", "本级司法行政部门"]),
    # channels
    ("pingluo-commerce", "publicity.channels", ["互联网门户网站", "微信", "微博", "手机客户端", "办事大厅", "服务窗口"]),
    ("urumqi-gxq-hrss", "publicity.channels", ["网站"]),
    # approval before publishing
    ("urumqi-gxq-amr", "publicity.approval_scope", "all"),
    ("zhuzhou-amr", "publicity.approval_scope", "sensitive_only"),
    # AV upload
    ("urumqi-gxq-amr", "records.av_upload_limit", {"count": 24, "unit": "hours"}),
    ("urumqi-gxq-amr", "records.av_upload_after_return", {"count": 24, "unit": "hours"}),
    ("zhuzhou-amr", "records.av_upload_mode", "with_case_file"),
    ("pingluo-commerce", "records.av_upload_mode", "centralized"),
    ("urumqi-gxq-hrss", "records.av_upload_limit", wd(3)),
    ("quanzhou-licheng-amr", "records.av_upload_mode", "instant_encouraged"),
    ("quanzhou-licheng-amr", "records.av_upload_limit", None),
    # AV metadata
    ("urumqi-gxq-amr", "records.av_metadata_fields", ["案号", "当事人姓名或者名称", "承办人姓名"]),
    ("urumqi-gxq-hrss", "records.av_metadata_fields", ["案件编号", "采集时间", "采集地点", "采集人", "证明对象"]),
    # archive
    ("urumqi-gxq-amr", "records.archive_limit", {"count": 30, "unit": "days"}),
    ("urumqi-gxq-amr", "records.archive_trigger", "action_end"),
    ("zhuzhou-amr", "records.archive_limit", {"count": 1, "unit": "months"}),
    ("zhuzhou-amr", "records.archive_transfer_month", 1),
    ("urumqi-gxq-hrss", "records.archive_limit", None),
    # legal review
    ("urumqi-gxq-amr", "review.unit_reviewers_allowed", True),
    ("zhuzhou-amr", "review.unit_reviewers_allowed", False),
    ("urumqi-gxq-amr", "review.all_general_procedure_penalties", True),
    ("zhuzhou-amr", "review.all_general_procedure_penalties", True),
    ("pingluo-commerce", "review.all_general_procedure_penalties", False),
    ("zhuzhou-amr", "review.time_limit", wd(10)),
    ("zhuzhou-amr", "review.time_limit_max", wd(20)),
    ("zhuzhou-amr", "review.extension_approver", "分管局领导"),
    ("zhuzhou-amr", "review.penalty_time_limit", wd(10)),
    ("pingluo-commerce", "review.time_limit", None),
    ("urumqi-gxq-amr", "review.time_limit", None),
    ("zhuzhou-amr", "review.disagreement", "collective_discussion"),
    ("urumqi-gxq-hrss", "review.disagreement", "leadership_decision"),
    ("quanzhou-licheng-amr", "review.disagreement", "coordination"),
    ("zhuzhou-amr", "review.outside_expertise", ["公职律师", "法律顾问", "行业专家"]),
    ("quanzhou-licheng-amr", "review.outside_expertise", ["法律顾问", "公职律师"]),
    ("zhuzhou-amr", "review.reviewer_may_inquire_party", True),
    ("urumqi-gxq-hrss", "review.return_grounds", ["超越权限", "事实认定不清", "证据不足", "适用依据错误", "违反法定程序", "执法决定明显不当", "法律文书不规范"]),
    # reviewers
    ("urumqi-gxq-amr", "staffing.reviewer_ratio_min", 0.05),
    ("zhuzhou-amr", "staffing.reviewer_ratio_min", 0.05),
    ("quanzhou-licheng-amr", "staffing.reviewer_ratio_min", 0.05),
    ("pingluo-commerce", "staffing.reviewer_ratio_min", None),
    ("urumqi-gxq-hrss", "staffing.reviewer_ratio_min", None),
    ("urumqi-gxq-hrss", "staffing.reviewer_dedicated", True),
    # equipment
    ("urumqi-gxq-amr", "equipment.minimums", []),
    ("quanzhou-licheng-amr", "equipment.minimums", []),
    # other
    ("urumqi-gxq-amr", "records.party_copy_requires_approval", True),
    ("zhuzhou-amr", "records.av_print_and_sign", True),
    ("urumqi-gxq-hrss", "records.av_voice_announcement", True),
    ("quanzhou-licheng-amr", "publicity.reasoned_decisions", True),
    # case handling: national law and SAMR rules; agencies the SAMR rules do not bind
    ("zhuzhou-amr", "cases.verification_limit", wd(15)),
    ("zhuzhou-amr", "cases.penalty_time_limit", {"count": 90, "unit": "days"}),
    ("zhuzhou-amr", "cases.penalty_time_extension", {"count": 30, "unit": "days"}),
    ("pingluo-commerce", "cases.penalty_time_limit", {"count": 90, "unit": "days"}),
    ("pingluo-commerce", "cases.penalty_time_extension", None),
    ("pingluo-commerce", "cases.verification_extension", None),
    ("urumqi-gxq-hrss", "cases.penalty_time_extension", None),
    ("urumqi-gxq-hrss", "cases.labour_inspection_time_limit", wd(60)),
    ("urumqi-gxq-hrss", "cases.labour_inspection_extension", wd(30)),
    ("quanzhou-licheng-amr", "cases.simplified_fine_max", {"person": 200, "org": 3000}),
    ("urumqi-gxq-amr", "cases.hearing_fine_threshold", {"person": 10000, "org": 100000}),
    ("national", "cases.statement_window", wd(5)),
    ("national", "cases.hearing_request_window", wd(5)),
    ("national", "cases.service_limit", wd(7)),
    ("national", "cases.payment_limit", {"count": 15, "unit": "days"}),
    ("national", "cases.late_surcharge_percent_per_day", 3),
    ("national", "cases.seizure_limit", {"count": 30, "unit": "days"}),
    # names other apps consume
    ("national", "deadlines.warning_lead_workdays", 3),
    ("zhuzhou-amr", "certificates.expiry_warning_days", 30),
]


@pytest.mark.parametrize("key,name,expected", TABLE)
def test_profile_values_match_profiles_md(key, name, expected):
    assert get_profile(key).value(name, on=ON) == expected


def test_zhuzhou_opinion_kinds_a_to_g_and_packages():
    zz = get_profile("zhuzhou-amr")
    kinds = zz.value("review.opinion_kinds")
    assert [k["code"] for k in kinds] == list("ABCDEFG")
    assert kinds[0]["label"] == "同意" and kinds[1]["label"] == "补充调查"
    package = zz.value("review.submission_package")
    assert [p["code"] for p in package] == list("ABCDEFG")
    assert package[2]["label"] == "决定书代拟稿"
    assert zz.value("review.form_fields") == [
        "编号", "事由", "申请部门", "申请时间", "基本情况、证据材料、拟处建议及法律依据",
        "承办部门负责人意见", "承办部门分管领导意见", "法制审核意见", "法制部门负责人意见",
        "分管法制的局领导意见", "局长审批",
    ]
    assert "行政处罚以外" in zz.value("review.form")


def test_hrss_submission_package_has_eight_items():
    labels = [p["label"] for p in get_profile("urumqi-gxq-hrss").value("review.submission_package")]
    assert len(labels) == 8
    assert labels[0] == "案件来源情况" and labels[-1].startswith("事实认定、证据采信")


def test_zhuzhou_equipment_table_row_by_row():
    rows = {(r["group"], r["scope"]): (r["camera"], r["body_camera"], r["recorder"])
            for r in get_profile("zhuzhou-amr").value("equipment.minimums")}
    assert rows == {
        ("局机关", "total"): (5, 0, 0),
        ("业务科室", "each"): (0, 1, 0),
        ("政策法规科", "each"): (0, 1, 0),
        ("执法支队", "total"): (10, 20, 10),
        ("大队", "each"): (0, 2, 0),
        ("食药检所", "each"): (2, 3, 0),
        ("计量所", "each"): (2, 3, 0),
        ("质检所", "each"): (2, 3, 0),
    }


@pytest.mark.parametrize("key,duty,unit_part,leader", [
    ("pingluo-commerce", "publish_decisions", "市场建设运行室", "陈富忠"),
    ("pingluo-commerce", "av_upload", "综合管理室", "李建江"),
    ("zhuzhou-amr", "annual_report", "政策法规科", "分管领导"),
    ("zhuzhou-amr", "legal_review", "政策法规科", "分管法制的局领导"),
    ("urumqi-gxq-amr", "update_lists", "注册登记备案科", "分管领导"),
    ("quanzhou-licheng-amr", "annual_report", "特种设备安全监察股", "本局主要负责人"),
    ("national", "legal_review", "法制审核机构", "分管领导"),
    ("urumqi-gxq-hrss", "update_lists", "行政执法科", "局领导小组"),  # 局行政执法部门 (003 三（一）)
])
def test_duties_route_to_unit_and_leader(key, duty, unit_part, leader):
    value = get_profile(key).value(f"duties.{duty}")
    assert unit_part in value["unit"]
    assert value["leader"] == leader


@pytest.mark.parametrize("on,expected_platform,in_portal", [
    (dt.date(2019, 10, 31), None, False),
    (dt.date(2019, 11, 1), "市政府门户网站行政执法公示专栏", True),
    (dt.date(2025, 1, 1), "市政府门户网站行政执法公示专栏", True),
])
def test_urumqi_channel_rule_changes_on_2019_11_01(on, expected_platform, in_portal):
    profile = get_profile("urumqi-gxq-amr")
    assert profile.value("publicity.unified_platform", on=on) == expected_platform
    assert ("市政府门户网站行政执法公示专栏" in profile.value("publicity.channels", on=on)) is in_portal
    entry = profile.entry("publicity.channels", on=on)
    if in_portal:
        assert entry.source == "urumqi-gxq-amr"
        assert entry.effective_from == dt.date(2019, 11, 1)
        assert "000_3d49f006c57ee1f8.txt" in entry.citation
    else:
        assert entry.source == "national"


def test_urumqi_full_av_acts_from_2019_11_01():
    profile = get_profile("urumqi-gxq-amr")
    assert "执法办案场所" not in profile.value("records.av_full_recording_acts", on="2019-10-31")
    assert "执法办案场所" in profile.value("records.av_full_recording_acts", on="2019-11-01")


def test_value_defaults_to_today():
    profile = get_profile("urumqi-gxq-amr")
    assert profile.value("publicity.unified_platform") == "市政府门户网站行政执法公示专栏"


def test_entry_names_source_and_citation():
    entry = get_profile("zhuzhou-amr").entry("review.time_limit_max", on=ON)
    assert entry.value == wd(20)
    assert entry.source == "zhuzhou-amr"
    assert "001_e535f9fa007604fa.txt" in entry.citation and "20个工作日" in entry.citation
    assert entry.effective_from == dt.date(2021, 4, 19) and entry.effective_to is None  # the plan's date
    inherited = get_profile("urumqi-gxq-hrss").entry("publicity.decision_deadline_short", on=ON)
    assert inherited.source == "national"
    assert "118号" in inherited.citation


def test_unknown_profile_and_name_are_refused():
    with pytest.raises(ProfileError, match="未知的规则配置：nope"):
        get_profile("nope")
    with pytest.raises(ProfileError, match="未知的规则项：publicity.nope"):
        get_profile("national").value("publicity.nope")
    with pytest.raises(ProfileError, match="日期格式错误"):
        get_profile("national").value("publicity.channels", on="2019-13-01")


def test_get_profile_is_cached():
    assert get_profile("zhuzhou-amr") is get_profile("zhuzhou-amr")


def test_diff_names_differing_values_with_both_entries():
    a, b = get_profile("urumqi-gxq-amr"), get_profile("quanzhou-licheng-amr")
    diffs = {d.name: d for d in a.diff(b, on=ON)}
    assert "publicity.short_deadline_kinds" in diffs
    assert diffs["publicity.short_deadline_kinds"].left.value == ["许可", "处罚"]
    assert diffs["publicity.short_deadline_kinds"].right.value == ["许可", "强制"]
    assert "publicity.decision_deadline_short" not in diffs  # both 7 working days
    assert get_profile("national").diff(get_profile("national")) == []


def test_diff_depends_on_the_date():
    a, n = get_profile("urumqi-gxq-amr"), get_profile("national")
    before = {d.name for d in a.diff(n, on="2019-10-31")}
    after = {d.name for d in a.diff(n, on="2019-11-01")}
    assert "publicity.unified_platform" not in before
    assert "publicity.unified_platform" in after


def test_consumer_names_have_the_agreed_types():
    for key in list_profiles():
        p = get_profile(key)
        assert isinstance(p.value("deadlines.warning_lead_workdays"), int)
        assert isinstance(p.value("certificates.expiry_warning_days"), int)
        ratio = p.value("staffing.reviewer_ratio_min")
        assert ratio is None or 0 < ratio < 1
        assert isinstance(p.value("review.unit_reviewers_allowed"), bool)
        assert isinstance(p.value("equipment.minimums"), list)
        for duty in ("publish_decisions", "update_lists", "annual_report", "av_upload", "archive", "legal_review"):
            assert set(p.value(f"duties.{duty}")) == {"unit", "leader"}


def test_a_national_rule_that_does_not_bind_the_agency_applies_on_no_date():
    """SAMR's +30 days binds market regulators only: a commerce bureau has no extension (silence, by
    contrast, keeps the national value). Like every agency value it applies from the agency's
    document; before it, the platform knows only the national rules."""
    pingluo = get_profile("pingluo-commerce")
    for on in ("2020-01-01", "2026-11-23"):
        assert pingluo.value("cases.penalty_time_extension", on=on) is None
    assert pingluo.value("cases.penalty_time_extension", on="2019-12-31") == {"count": 30, "unit": "days"}
    assert pingluo.entry("cases.penalty_time_extension").source == "pingluo-commerce"
    assert "第六十条未规定延长" in pingluo.entry("cases.penalty_time_extension").citation
    # A platform default says so in its citation.
    assert pingluo.entry("cases.closing_limit").citation.startswith("平台默认值")


def test_demo_validates_profiles():
    from sanxiang.profiles import demo

    assert demo.load(None) == []
