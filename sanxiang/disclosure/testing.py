"""Test helpers of 事前公开: a valid content for every section, published through the actions."""

from __future__ import annotations

from .models import Section

MATTER = {"code": "JC-001", "name": "食品经营者监督检查", "category": "行政检查",
          "basis": "《中华人民共和国食品安全法》第一百一十条", "unit": "执法一队"}
GUIDE = {
    "code": "XK-001", "name": "食品经营许可", "basis": "《中华人民共和国食品安全法》第三十五条",
    "accepting_body": "政务服务窗口", "approving_body": "测试主体", "conditions": "有相适应的经营场所",
    "materials": [{"name": "申请书", "sample": "填写示范", "common_errors": "未签字"}],
    "process": "申请→受理→审查→决定", "time_limit": "10 个工作日", "remedies": "行政复议或行政诉讼",
    "supervision": "12345", "accountability": "依法追究", "office_hours": "工作日 9:00—17:00",
    "address": "某路 1 号", "phone": "0000-1234567",
}
CONTENT = {
    Section.AGENCY: {"functions": "负责市场监督管理。", "structure": [{"name": "执法一队", "duties": "行政执法"}],
                     "address": "某路 1 号", "office_hours": "工作日 9:00—17:00", "phone": "0000-1234567",
                     "complaint": "12315", "supervision": "", "website": ""},
    Section.MATTERS: {"items": [MATTER]},
    Section.GUIDES: {"items": [GUIDE]},
    Section.RANDOM_ITEMS: {"items": [{"code": "SJ-001", "subject": "测试主体", "basis": "《食品安全法》第一百一十条",
                                      "objects": "食品经营者", "content": "进货查验情况", "ratio": "5%",
                                      "method": "双随机", "frequency": "每年一次"}]},
    Section.BENCHMARKS: {"items": [{"code": "JZ-001", "name": "经营超过保质期的食品",
                                    "violated": "《食品安全法》第三十四条第（十）项", "basis": "《食品安全法》第一百二十四条",
                                    "level": "一般处罚", "circumstances": "货值金额一万元以上不足五万元",
                                    "standard": "没收违法所得和食品，并处货值金额十倍以上十五倍以下罚款",
                                    "source": "国市监法规〔2022〕2号"}]},
    Section.WINDOWS: {"items": [{"code": "CK-01", "window": "综合受理窗口", "person": "王执法", "certificate": "",
                                 "duties": "受理申请", "on_duty": "on", "progress": "电话查询", "consultation": "现场咨询",
                                 "complaint": "12315"}]},
}


def publish_all(agency, *, actor, reason="首次发布") -> dict:
    from .actions import do_publish_disclosure

    return {s: do_publish_disclosure(agency, s, CONTENT[s], reason=reason, actor=actor) for s in Section}
