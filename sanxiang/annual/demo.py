"""The annual report's demo (issue 10 §6): each seed agency's 2025 report, in a different state, made
through the `do_*` actions by the demo actor (so the guards run and the ledger is complete), with the
real dates of January 2026 the profiles name. Safe to re-run: an agency's 2025 report is made once.

- 乌鲁木齐市场监管: every unit submitted, approved, published on 2026-01-28 and reported to 区政府;
- 株洲: every unit submitted by 2026-01-15, a litigation number recorded with its source, approved;
- 泉州鲤城: half the units submitted, one returned with its reason (汇总中);
- 平罗: a recorded 复议 number, nothing submitted yet (汇总中);
- 乌鲁木齐人社: opened only (汇总中).
"""

YEAR = 2025


def load(stdout):
    from sanxiang.annual.models import AnnualReport
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    made = []
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None or AnnualReport.objects.filter(agency=agency, year=YEAR).exists():
            continue
        STORIES.get(spec["code"], _opened)(agency)
        made.append(agency.name)
    return [f"行政执法统计年报：{len(made)} 个机关的2025年度年报（汇总中、已审核、已公开并报送）"] if made else []


def _open(agency):
    from sanxiang.access.actors import DEMO
    from sanxiang.annual.actions import do_open_annual_report

    return do_open_annual_report(agency, YEAR, actor=DEMO)


def _submit_all(report, on):
    from sanxiang.access.actors import DEMO
    from sanxiang.annual.actions import do_submit_unit_figures

    for sub in report.submissions.order_by("id"):
        do_submit_unit_figures(sub, actor=DEMO, on=on)


def _opened(agency):
    _open(agency)


def _published(agency):
    from sanxiang.access.actors import DEMO
    from sanxiang.annual import actions as AA

    report = _open(agency)
    _submit_all(report, "2026-01-16")
    report = AA.do_approve_annual_report(report, actor=DEMO, on="2026-01-26")
    report = AA.do_publish_annual_report(report, actor=DEMO, on="2026-01-28")
    AA.do_deliver_annual_report(report, recipient="区政府", actor=DEMO, on="2026-01-29")


def _approved(agency):
    from sanxiang.access.actors import DEMO
    from sanxiang.annual import actions as AA

    report = _open(agency)
    _submit_all(report, "2026-01-14")
    AA.do_record_figure(report, item="litigation", count=1, source="株洲市中级人民法院行政审判庭 2026-01-08 函告",
                        actor=DEMO, on="2026-01-19")
    AA.do_approve_annual_report(report, actor=DEMO, on="2026-01-23")


def _returned(agency):
    from sanxiang.access.actors import DEMO
    from sanxiang.annual import actions as AA

    report = _open(agency)
    subs = list(report.submissions.order_by("id"))
    for sub in subs[: max(1, len(subs) // 2)]:
        AA.do_submit_unit_figures(sub, actor=DEMO, on="2026-01-20")
    AA.do_return_unit_figures(subs[0], reason="检查件数与双随机抽查台账不一致，请核对后重新报送", actor=DEMO,
                              on="2026-01-21")


def _recorded(agency):
    from sanxiang.access.actors import DEMO
    from sanxiang.annual import actions as AA

    report = _open(agency)
    AA.do_record_figure(report, item="reconsideration", count=2, source="平罗县人民政府行政复议办公室 2026-01-12 统计表",
                        actor=DEMO, on="2026-01-13")


STORIES = {"urumqi-gxq-amr": _published, "zhuzhou-amr": _approved, "quanzhou-licheng-amr": _returned,
           "pingluo-commerce": _recorded, "urumqi-gxq-hrss": _opened}
