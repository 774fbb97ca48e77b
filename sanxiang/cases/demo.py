"""Demo cases of the five seed agencies, made through the actions by the agencies' own officers
and heads (so the guards run and `sanxiang verify` passes). Dates are relative to the day of the
first load: one case is overdue, some wait for the head, one is closed, one was decided on site.
Safe to re-run: an agency that already has cases is left alone."""

import datetime as dt

from django.utils import timezone

from sanxiang.access.actors import DEMO

# Each agency's demo parties: an organisation and a natural person.
PARTIES = {
    "urumqi-gxq-amr": ("乌鲁木齐天山雪食品有限公司", "阿不都"),
    "zhuzhou-amr": ("株洲湘江源餐饮管理有限公司", "刘建"),
    "pingluo-commerce": ("平罗县鑫达商贸有限公司", "马福"),
    "urumqi-gxq-hrss": ("新疆北庭建筑劳务有限公司", "李强"),
    "quanzhou-licheng-amr": ("泉州鲤城宏发贸易有限公司", "陈阿水"),
}


# What each agency's demo cases are about: matters within its competence (市场监管: food safety and business
# registration; 商务: 单用途商业预付卡, 成品油, 报废机动车, 二手车; 人社: 劳动保障监察), never another bureau's.
MATTERS = {
    "market": {
        "complaint": "涉嫌销售过期食品（投诉）", "inspection": "涉嫌无照经营", "overdue": "涉嫌虚假宣传",
        "notified": "涉嫌生产不符合食品安全标准的食品", "closed": "销售超过保质期的食品",
        "facts": "经查，当事人销售超过保质期的食品，货值金额 1200 元。", "onsite": "未按规定公示营业执照",
        "items": ["营业执照公示情况", "食品经营许可证", "进货查验记录"],
        "draw": "双随机抽查：食品经营者日常监督检查", "planned": "年度计划检查：经营场所卫生和台账",
        "random": "双随机抽查：登记事项和公示信息", "complained": "投诉举报核查：后厨卫生",
        "problems": "进货查验记录不全。", "requirement": "补全近三个月进货查验记录。",
        "referral": "转办交办：涉嫌销售过期食品", "found": "货架上有超过保质期的食品。",
        "clue": "涉嫌销售超过保质期的食品（检查发现）",
    },
    "commerce": {
        "complaint": "涉嫌预付卡经营者拒不退卡（投诉）", "inspection": "涉嫌未按规定办理单用途商业预付卡备案",
        "overdue": "涉嫌无证从事成品油零售经营", "notified": "涉嫌违规回收拆解报废机动车",
        "closed": "二手车经营主体未按规定备案",
        "facts": "经查，当事人从事二手车经销业务，未按规定向商务主管部门备案。",
        "onsite": "再生资源回收经营者未按规定登记废旧金属",
        "items": ["营业执照公示情况", "单用途商业预付卡备案", "预付卡发行与兑付台账"],
        "draw": "双随机抽查：单用途商业预付卡发卡企业", "planned": "年度计划检查：成品油零售经营台账",
        "random": "双随机抽查：商务领域备案和公示信息", "complained": "投诉举报核查：预付卡退卡纠纷",
        "problems": "预付卡发行与兑付台账不全。", "requirement": "补全近三个月预付卡发行与兑付台账。",
        "referral": "转办交办：涉嫌违规发行预付卡", "found": "超出规定限额发行不记名预付卡。",
        "clue": "涉嫌超限额发行不记名单用途商业预付卡（检查发现）",
    },
    "labour": {
        "complaint": "涉嫌克扣劳动者工资（投诉）", "inspection": "涉嫌未按规定办理劳动用工备案",
        "overdue": "涉嫌违法延长劳动者工作时间", "notified": "涉嫌非法使用童工", "closed": "未按规定建立职工名册",
        "facts": "经查，当事人用工 35 人，未按规定建立职工名册。", "onsite": "职业中介机构未按规定公示收费标准",
        "items": ["劳动合同签订情况", "工资支付台账", "社会保险参保情况"],
        "draw": "双随机抽查：用人单位遵守劳动保障法律法规情况", "planned": "年度计划检查：工资支付和工时台账",
        "random": "双随机抽查：劳动用工备案和公示信息", "complained": "投诉举报核查：拖欠工资",
        "problems": "工资支付台账不全。", "requirement": "补全近三个月工资支付台账。",
        "referral": "转办交办：涉嫌违法延长工作时间", "found": "考勤记录显示劳动者每月加班超过三十六小时。",
        "clue": "涉嫌违法延长劳动者工作时间（检查发现）",
    },
}


def matters(agency) -> dict:
    """The demo matters within `agency`'s competence, by the field its 执法类别 name."""
    categories = set(agency.categories or [])
    if "劳动保障监察" in categories:
        return MATTERS["labour"]
    if "商务执法" in categories:
        return MATTERS["commerce"]
    return MATTERS["market"]


def _check_char(base: str, valid) -> str:
    for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if valid(base + c):
            return base + c
    raise ValueError(base)


def _parties(agency, region):
    from stdnum.cn import ric, uscc

    from sanxiang.parties.actions import do_register_party
    from sanxiang.parties.models import Party

    org_name, person_name = PARTIES[agency.code]
    code = _check_char(f"91{region}MA7DEM1H0", uscc.is_valid)
    org = Party.objects.filter(agency=agency, credit_code=code).first() or do_register_party(
        agency, kind="org", name=org_name, credit_code=code, legal_representative=f"{person_name[0]}某",
        address="演示地址", actor=DEMO)
    number = _check_char("11010519800101123", ric.is_valid)
    person = Party.objects.filter(agency=agency, id_number=number).first() or do_register_party(
        agency, kind="person", name=person_name, id_kind="ric", id_number=number, actor=DEMO)
    return org, person


class Loader:
    def __init__(self, agency, prefix, region):
        from sanxiang.orgs.models import Certificate, Person

        self.agency, self.today = agency, timezone.localdate()
        self.officer = Person.objects.get(user__username=f"{prefix}-officer")
        self.second = Certificate.objects.get(number=f"{region}{4:05d}").person
        self.head_user = Person.objects.get(user__username=f"{prefix}-head").user
        self.reviewer_user = Person.objects.get(user__username=f"{prefix}-reviewer").user
        self.officer_user, self.unit = self.officer.user, self.officer.unit
        self.org, self.person = _parties(agency, region)

    def day(self, ago: int) -> dt.date:
        return self.today - dt.timedelta(days=ago)

    def clue(self, cause, ago, party, source="report"):
        from . import actions as C

        case = C.do_create_case(self.agency, unit=self.unit, source=source, cause=cause, category="行政处罚",
                                clue_on=self.day(ago), actor=self.officer_user)
        C.do_add_case_party(case, party, actor=self.officer_user)
        C.do_assign_case_handler(case, self.officer, lead=True, on=self.day(ago), actor=self.head_user)
        C.do_assign_case_handler(case, self.second, on=self.day(ago), actor=self.head_user)
        return case

    def run(self, case, steps):
        """Steps of (action, days ago, inputs); the head's and the reviewer's are taken by them."""
        from . import actions as C
        from .workflows import table_of

        for action, ago, params in steps:
            if action == "review":
                from sanxiang.review.procedure import do_assign_reviewer, do_record_checklist, track_of_case
                from sanxiang.review.tracks import CHECKLIST_POINTS, NOT_APPLICABLE, PROVIDED

                track = track_of_case(case, case.kind, self.day(ago))
                review = C.do_submit_case_review(
                    case, materials={m.code: NOT_APPLICABLE if m.optional else PROVIDED for m in track.materials},
                    on=self.day(ago), actor=self.officer_user)
                # 确定审核人员 is the legal office's act: the reviewer (法制审核人员) takes the round
                review = do_assign_reviewer(review, reviewer=self.reviewer_user, on=self.day(ago),
                                            actor=self.reviewer_user)
                do_record_checklist(review, points={code: {"finding": "lawful", "note": ""}
                                                    for code, _ in CHECKLIST_POINTS}, actor=self.reviewer_user)
                C.do_record_case_review(review, opinion="pass", note="事实清楚，证据确凿，适用依据正确，程序合法。",
                                        on=self.day(ago), actor=self.reviewer_user)
                continue
            roles = table_of(case).roles(action)
            actor = self.officer_user if "officer" in roles else self.head_user
            C.move_case(case, action, actor=actor, on=self.day(ago), **params)
        return case

    def closed_penalty(self, cause, facts, *, fine="5000", while_notified=None, ending_today=False):
        """已结案: a warning and a fine paid in time. `while_notified(case)` runs while the party is
        told (the 行政处罚告知书 is made then; the archive's demo step needs it). `ending_today`: filed a
        week ago, concluded, told, decided, served, paid and closed today — the archive's demo makes its
        documents now, so the 告知书, 终结报告 and 结案审批表 it makes are not dated after the decision and
        the closing they precede (s19 tester8 #18)."""
        from .review_gate import proposal_of, review_required

        conclude = {"penalties": ["warning", "fine"], "fine": fine, "facts": facts,
                    "discretion": "当事人积极配合调查，首次违法，依法从轻处罚。"}
        steps = [("verify", 89, {}), ("file", 88, {}), ("investigate", 87, {}), ("conclude", 70, conclude),
                 ("notify", 68, {}), ("review", 66, {}), ("waive_rights", 67, {}), ("decide", 60, {}),
                 ("serve", 59, {"method": "direct"}), ("record_payment", 50, {"amount": fine}),
                 ("close", 45, {"note": "罚款已缴清，执行完毕"})]
        clue_ago = 90
        if ending_today:
            clue_ago = 10
            steps = [(action, {"verify": 9, "file": 8, "investigate": 7}.get(action, 0), inputs)
                     for action, _ago, inputs in steps]
        review = next(step for step in steps if step[0] == "review")
        steps.remove(review)
        case = self.clue(cause, clue_ago, self.org)
        self.run(case, steps[:5])
        if while_notified is not None:
            while_notified(case)
        if review_required(case, proposal_of(case))[0]:
            self.run(case, [review])
        return self.run(case, steps[5:])

    def load(self) -> int:
        from . import actions as C

        about = matters(self.agency)
        conclude = ("conclude", 0, {"penalties": ["warning", "fine"], "fine": "5000", "facts": about["facts"],
                                    "discretion": "当事人积极配合调查，首次违法，依法从轻处罚。"})
        # 核查中: a fresh complaint.
        self.run(self.clue(about["complaint"], 2, self.person, source="complaint"), [("verify", 2, {})])
        # 待负责人立案审批.
        self.run(self.clue(about["inspection"], 6, self.org, source="inspection"), [("verify", 6, {})])
        # 超期: filed 100 days ago and still being investigated.
        self.run(self.clue(about["overdue"], 105, self.org), [("verify", 104, {}), ("file", 100, {}),
                                                          ("investigate", 99, {})])
        # 已告知, windows over: waiting for the head's decision (after review where the profile requires it).
        self.run(self.clue(about["notified"], 60, self.org),
                 [("verify", 59, {}), ("file", 57, {}), ("investigate", 56, {}),
                  (conclude[0], 30, conclude[2]), ("notify", 25, {})])
        self.closed_penalty(about["closed"], about["facts"])
        # 当场处罚 (简易程序): a ¥100 fine decided on site, served and paid.
        onsite = C.do_create_onsite_case(self.agency, unit=self.unit, cause=about["onsite"], category="行政处罚",
                                         party=self.person, handlers=[self.officer, self.second],
                                         penalties=["fine"], fine="100", on=self.day(3), actor=self.officer_user)
        self.run(onsite, [("decide_on_site", 3, {}), ("serve", 3, {"method": "direct"}),
                          ("record_payment", 3, {"amount": "100"}), ("hand_in_materials", 1, {})])
        from .kinds.coercion import demo_coercion  # 行政强制: measures in several states (SAMR agencies)

        return 6 + demo_coercion(self)


def load(stdout) -> list[str]:
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    from .kinds.inspection import demo_inspection
    from .kinds.labour import demo_labour
    from .kinds.licence import demo_licence
    from .models import Case

    made = 0
    for spec in AGENCIES:
        agency = Agency.objects.get(code=spec["code"])
        if Case.objects.filter(agency=agency).exists():
            continue
        loader = Loader(agency, spec["prefix"], spec["region"])
        made += loader.load() + demo_licence(loader) + demo_labour(loader)  # kinds/: 行政许可, 劳动保障监察
        made += demo_inspection(Loader(agency, spec["prefix"], spec["region"]))  # 行政检查
    return [f"案件：每个执法主体的演示案件、行政强制措施和行政检查（本次新建 {made} 件）"]
