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
                review = C.do_submit_case_review(case, reviewer=self.reviewer_user, on=self.day(ago),
                                                 actor=self.officer_user)
                C.do_record_case_review(review, opinion="pass", note="事实清楚，证据确凿，适用依据正确，程序合法。",
                                        on=self.day(ago), actor=self.reviewer_user)
                continue
            roles = table_of(case).roles(action)
            actor = self.officer_user if "officer" in roles else self.head_user
            C.move_case(case, action, actor=actor, on=self.day(ago), **params)
        return case

    def load(self) -> int:
        from . import actions as C
        from .review_gate import proposal_of, review_required

        conclude = ("conclude", 0, {"penalties": ["warning", "fine"], "fine": "5000",
                                    "facts": "经查，当事人销售超过保质期的食品，货值金额 1200 元。",
                                    "discretion": "当事人积极配合调查，首次违法，依法从轻处罚。"})
        # 核查中: a fresh complaint.
        self.run(self.clue("涉嫌销售过期食品（投诉）", 2, self.person, source="complaint"), [("verify", 2, {})])
        # 待负责人立案审批.
        self.run(self.clue("涉嫌无照经营", 6, self.org, source="inspection"), [("verify", 6, {})])
        # 超期: filed 100 days ago and still being investigated.
        self.run(self.clue("涉嫌虚假宣传", 105, self.org), [("verify", 104, {}), ("file", 100, {}),
                                                        ("investigate", 99, {})])
        # 已告知, windows over: waiting for the head's decision (after review where the profile requires it).
        case = self.run(self.clue("涉嫌生产不符合食品安全标准的食品", 60, self.org),
                        [("verify", 59, {}), ("file", 57, {}), ("investigate", 56, {}),
                         (conclude[0], 30, conclude[2]), ("notify", 25, {})])
        # 已结案: a fine paid in time.
        steps = [("verify", 89, {}), ("file", 88, {}), ("investigate", 87, {}), (conclude[0], 70, conclude[2]),
                 ("notify", 68, {}), ("waive_rights", 67, {}), ("decide", 60, {}),
                 ("serve", 59, {"method": "direct"}), ("record_payment", 50, {"amount": "5000"}),
                 ("close", 45, {"note": "罚款已缴清，执行完毕"})]
        case = self.clue("销售超过保质期的食品", 90, self.org)
        self.run(case, steps[:5])
        if review_required(case, proposal_of(case))[0]:
            self.run(case, [("review", 66, {})])
        self.run(case, steps[5:])
        # 当场处罚 (简易程序): a ¥100 fine decided on site, served and paid.
        onsite = C.do_create_onsite_case(self.agency, unit=self.unit, cause="占道经营", category="行政处罚",
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
