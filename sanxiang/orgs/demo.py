"""Demo data: the five seed agencies, two supervisory bodies, people, certificates, equipment, logins.

Idempotent: every object is looked up by its natural key first and only missing ones are created,
always through the actions (so the ledger covers all of it). Dates that must look "soon" are
relative to the first load; re-running never changes an existing row.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from sanxiang.access.actors import DEMO

from . import actions as A
from .actions import duty_unit_names
from .models import (
    Agency,
    AgencyKind,
    Certificate,
    CertificateKind,
    CertificateStatus,
    DeviceIssue,
    Equipment,
    LegalQualification,
    Person,
    PersonKind,
    Role,
    RoleAssignment,
    TotpDevice,
    Training,
    TrainingKind,
    Unit,
)

DEMO_PASSWORD = "sanxiang-demo-2025"
ADMIN_PASSWORD = "sanxiang-admin-2025"
SYSADMIN = "sysadmin"
ROLE_FROM = dt.date(2024, 1, 1)

AMR = ["行政处罚", "行政许可", "行政强制", "行政检查", "市场监督管理"]

# Units: (name, parent name or None, equipment group), from each seed's own structure (never from
# the text of a duty). Groups match profile equipment.minimums. Every unit a profile's duties name
# is one of these (tests/ui/test_demo_units.py).
AGENCIES = [
    {
        "code": "urumqi-gxq-amr", "prefix": "urumqi-amr", "region": "650106",
        "name": "乌鲁木齐高新区（新市区）市场监督管理局",
        "jurisdiction": "乌鲁木齐高新技术产业开发区（新市区）行政区域", "categories": AMR,
        "issuer": "新疆维吾尔自治区人民政府", "supervisors": ["urumqi-gxq-justice"],
        "units": [("政策法规科", None, "局机关"), ("机关执法科", None, "局机关"), ("注册登记备案科", None, "局机关"),
                  ("信用监督管理科", None, "局机关"), ("办公室", None, ""),
                  ("北京路市场监督管理所", None, "市场监督管理所"), ("二工市场监督管理所", None, "市场监督管理所")],
        "officer_unit": "机关执法科", "review_unit": "政策法规科",
        "names": ["艾力·买买提", "王建新", "古丽娜尔", "刘海涛", "陈晓燕", "马俊", "赵丽", "孙伟", "周敏", "阿依古丽"],
    },
    {
        "code": "zhuzhou-amr", "prefix": "zhuzhou", "region": "430200",
        "name": "株洲市市场监督管理局",
        "jurisdiction": "株洲市行政区域", "categories": AMR,
        "issuer": "湖南省人民政府", "supervisors": ["zhuzhou-justice"],
        "units": [("局机关", None, "局机关"), ("政策法规科", "局机关", "政策法规科"),
                  ("行政审批科", "局机关", "业务科室"), ("信用监管科", "局机关", "业务科室"),
                  ("抽检管理科", "局机关", "业务科室"), ("知识产权保护科", "局机关", "业务科室"),
                  ("人事科", "局机关", ""), ("办公室", "局机关", ""),
                  ("市市场监管执法支队", None, "执法支队"), ("法制大队", "市市场监管执法支队", "大队"),
                  ("执法一大队", "市市场监管执法支队", "大队"), ("执法二大队", "市市场监管执法支队", "大队"),
                  ("市食药检所", None, "食药检所"), ("市计量所", None, "计量所"), ("市质检所", None, "质检所"),
                  ("市市场监管事务中心", None, ""), ("国检中心", None, ""), ("市ADR中心", None, "")],
        "officer_unit": "执法一大队", "review_unit": "政策法规科",
        "names": ["李卫东", "张红梅", "彭志刚", "谭丽华", "刘振宇", "邓美玲", "罗建军", "胡晓峰", "曾庆林", "易小兰",
                  "贺文斌", "周建华"],
    },
    {
        "code": "pingluo-commerce", "prefix": "pingluo", "region": "640221",
        "name": "平罗县商务和投资促进局",
        "jurisdiction": "平罗县行政区域", "categories": ["行政处罚", "行政许可", "行政检查", "商务执法"],
        "issuer": "宁夏回族自治区人民政府", "supervisors": [],
        "units": [("综合管理室", None, ""), ("市场建设运行室", None, ""), ("经济贸易管理室", None, ""),
                  ("经济技术合作室", None, "")],
        "officer_unit": "市场建设运行室", "review_unit": "综合管理室",
        "names": ["马丽萍", "杨建国", "丁晓军", "田志强", "虎彩霞", "纳文华", "王海燕", "李春生", "白玉兰", "郭志远"],
    },
    {
        "code": "urumqi-gxq-hrss", "prefix": "urumqi-hrss", "region": "650104",
        "name": "高新区（新市区）人力资源和社会保障局",
        "jurisdiction": "乌鲁木齐高新技术产业开发区（新市区）行政区域",
        "categories": ["行政处罚", "行政检查", "劳动保障监察"],
        "issuer": "新疆维吾尔自治区人民政府", "supervisors": ["urumqi-gxq-justice"],
        # 003 names the 局行政执法部门 and, for legal review, members of the 三项制度 leading group.
        "units": [("行政执法科", None, ""), ("办公室", None, ""), ("三项制度工作领导小组", None, "")],
        "officer_unit": "行政执法科", "review_unit": "三项制度工作领导小组",
        "names": ["买买提·吐尔逊", "张晓琳", "李国庆", "努尔古丽", "韩建平", "吴晓东", "郑美华", "高志明", "徐静", "迪丽拜尔"],
    },
    {
        "code": "quanzhou-licheng-amr", "prefix": "quanzhou", "region": "350502",
        "name": "泉州市鲤城区市场监督管理局",
        "jurisdiction": "泉州市鲤城区行政区域", "categories": AMR,
        "issuer": "福建省人民政府", "supervisors": [],
        "units": [("综合股", None, "局机关"), ("登记注册与行政审批股", None, "局机关"), ("信用监督管理股", None, "局机关"),
                  ("特种设备安全监察股", None, "局机关"), ("海滨市场监管所", None, "市场监管所"),
                  ("开元市场监管所", None, "市场监管所")],
        "officer_unit": "海滨市场监管所", "review_unit": "特种设备安全监察股",
        "names": ["林志强", "黄丽珍", "陈建成", "蔡雅琴", "王福生", "吴秀英", "许振华", "洪美玲", "庄文杰", "苏雅婷"],
    },
]

SUPERVISORY = [
    {"code": "urumqi-gxq-justice", "prefix": "urumqi-justice", "name": "乌鲁木齐高新区（新市区）司法局",
     "jurisdiction": "乌鲁木齐高新技术产业开发区（新市区）", "person": "热依拉·艾买提"},
    {"code": "zhuzhou-justice", "prefix": "zhuzhou-justice", "name": "株洲市司法局",
     "jurisdiction": "株洲市", "person": "唐国华"},
]

# Zhuzhou's table (001): enough devices to meet it (the 支队 total includes its 大队), except 市质检所,
# which is one body camera short so that the indicator has something to show.
ZHUZHOU_EQUIPMENT = {
    "政策法规科": {"camera": 2, "body_camera": 1}, "行政审批科": {"camera": 2, "body_camera": 1},
    "信用监管科": {"camera": 1, "body_camera": 1}, "抽检管理科": {"body_camera": 1},
    "知识产权保护科": {"body_camera": 1},
    "市市场监管执法支队": {"camera": 10, "recorder": 10, "body_camera": 14},
    "法制大队": {"body_camera": 2}, "执法一大队": {"body_camera": 2}, "执法二大队": {"body_camera": 2},
    "市食药检所": {"camera": 2, "body_camera": 3}, "市计量所": {"camera": 2, "body_camera": 3},
    "市质检所": {"camera": 2, "body_camera": 2},
}


# Serial numbers as printed on the devices: a model prefix (执法记录仪 models are commonly named
# DSJ-…), the year of purchase, the agency's region code and a running number per unit.
SERIAL_PREFIX = {"camera": "XJ-D750", "body_camera": "DSJ-V7", "recorder": "LYB-X3"}


def serial_number(region: str, unit_no: int, kind: str, n: int) -> str:
    return f"{SERIAL_PREFIX[kind]}-2024{region}{unit_no:02d}{n:03d}"


def duty_unit(agency, duty: str, units: dict):
    """The first unit of the org chart that the profile's `duties.<duty>` names, if any."""
    from sanxiang.profiles.registry import get_profile

    value = get_profile(agency.profile_key).value(f"duties.{duty}") or {}
    for name in duty_unit_names(value.get("unit", "")):
        if name in units:
            return units[name]
    return None


# The second 单位领导 of the agencies whose seed names one (株洲's is in `zhuzhou_extras`).
SECOND_LEADERS = {"urumqi-gxq-amr": "热合曼·艾买提", "pingluo-commerce": "马志宏", "urumqi-gxq-hrss": "阿不都热依木",
                  "quanzhou-licheng-amr": "陈国梁"}


class _Loader:
    def __init__(self):
        self.today = timezone.localdate()
        self.logins: list[tuple[str, str, str]] = []
        self._hash = self._admin_hash = None
        User = get_user_model()
        self.User = User

    def password_hash(self):
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)  # argon2 once, reused for every demo account
        return self._hash

    def admin_hash(self):
        if self._admin_hash is None:
            self._admin_hash = make_password(ADMIN_PASSWORD)
        return self._admin_hash

    def user(self, username, name, agency_code, role_label):
        user = self.User.objects.filter(username=username).first()
        if user is None:
            user = A.do_create_user(username, name=name, password_hash=self.password_hash(), actor=DEMO,
                                    agency_code=agency_code)
        self.logins.append((role_label, username, agency_code))
        return user

    def agency(self, code, name, **kw):
        return Agency.objects.filter(code=code).first() or A.do_create_agency(code, name, actor=DEMO, **kw)

    def unit(self, agency, name, parent=None, group=""):
        return Unit.objects.filter(agency=agency, name=name).first() or A.do_create_unit(
            agency, name, parent=parent, equipment_group=group, actor=DEMO)

    def person(self, agency, name, kind, unit=None, user=None, position="", remit=""):
        return Person.objects.filter(agency=agency, name=name).first() or A.do_create_person(
            agency, name, kind=kind, unit=unit, user=user, position=position, remit=remit, actor=DEMO)

    def certificate(self, person, number, **kw):
        return Certificate.objects.filter(number=number).first() or A.do_issue_certificate(
            person, number, actor=DEMO, **kw)

    def role(self, user, agency, role, unit=None, valid_to=None, scope=()):
        found = RoleAssignment.objects.filter(user=user, agency=agency, role=role, active=True).first()
        return found or A.do_assign_role(user, agency, role, unit=unit, valid_from=ROLE_FROM, valid_to=valid_to,
                                         scope=scope, actor=DEMO)

    def training(self, person, title, **kw):
        if not Training.objects.filter(person=person, title=title).exists():
            A.do_add_training(person, title, actor=DEMO, **kw)

    def equipment(self, unit, kind, serial):
        return Equipment.objects.filter(serial=serial).first() or A.do_register_equipment(unit, kind, serial,
                                                                                            actor=DEMO)

    def totp_secret(self, user):
        device = TotpDevice.objects.filter(user=user).first()
        return device.secret if device else A.do_enrol_totp(user, actor=DEMO)

    # ---------------------------------------------------------------------------------------------

    def supervisory(self):
        for spec in SUPERVISORY:
            body = self.agency(spec["code"], spec["name"], kind=AgencyKind.SUPERVISORY,
                               jurisdiction=spec["jurisdiction"], categories=["行政执法监督"])
            user = self.user(f"{spec['prefix']}-supervisor", spec["person"], body.code, "执法监督人员")
            self.person(body, spec["person"], PersonKind.STAFF, user=user, position="执法监督科科员")
            self.role(user, body, Role.SUPERVISOR)

    def obligations(self, agency, officer_unit):
        """Legal deadlines routed by the profile's duties, so queues and escalation have content."""
        code = agency.code
        _demo_obligation(f"{code}-1", agency=agency, kind="公示行政处罚决定（演示）",
                         start=self.today - dt.timedelta(days=3), rule="publicity.decision_deadline_short",
                         units=[officer_unit], duty="publish_decisions")
        _demo_obligation(f"{code}-2", agency=agency, kind="公示其他执法决定（演示）",
                         start=self.today - dt.timedelta(days=40), rule="publicity.decision_deadline_other",
                         units=[officer_unit], duty="publish_decisions")
        _demo_obligation(f"{code}-3", agency=agency, kind="重大执法决定法制审核（演示）",
                         start=self.today - dt.timedelta(days=2), count=10, unit="workdays",
                         duty="legal_review")

    def enforcement_agency(self, spec):
        code, prefix, region = spec["code"], spec["prefix"], spec["region"]
        agency = self.agency(code, spec["name"], jurisdiction=spec["jurisdiction"], categories=spec["categories"],
                             profile_key=code, supervised_by=spec["supervisors"])
        units = {}
        for name, parent, group in spec["units"]:
            units[name] = self.unit(agency, name, units.get(parent), group)
        names = iter(spec["names"])
        officer_unit, review_unit = units[spec["officer_unit"]], units[spec["review_unit"]]
        cats = list(spec["categories"])  # 行政许可 too: the licence demo cases are handled under it
        cert = dict(area=spec["jurisdiction"], issuing_authority=spec["issuer"])
        far = dt.date(2029, 12, 31)

        def login_person(suffix, label, kind, unit, position, remit=""):
            name = next(names)
            user = self.user(f"{prefix}-{suffix}", name, code, label)
            return user, self.person(agency, name, kind, unit, user, position, remit)

        officer_user, officer = login_person("officer", "执法人员", PersonKind.OFFICER, officer_unit, "执法队员")
        self.certificate(officer, f"{region}{1:05d}", categories=cats, valid_from=dt.date(2024, 1, 1),
                         valid_to=far, **cert)
        self.role(officer_user, agency, Role.OFFICER, officer_unit)
        reviewer_user, reviewer = login_person("reviewer", "法制审核人员", PersonKind.REVIEWER, review_unit,
                                               "法制审核员")
        self.certificate(reviewer, f"{region}{2:05d}", categories=cats, valid_from=dt.date(2023, 6, 1),
                         valid_to=dt.date(2028, 5, 31), **cert)
        if not LegalQualification.objects.filter(person=reviewer).exists():
            A.do_add_qualification(reviewer, f"A2019{region}{3:04d}", dt.date(2019, 12, 20), actor=DEMO)
        self.role(reviewer_user, agency, Role.REVIEWER, review_unit)
        head_user, head = login_person("head", "科室负责人", PersonKind.HEAD, officer_unit,
                                       f"{officer_unit.name}负责人", f"负责{officer_unit.name}执法办案和执法装备管理")
        self.certificate(head, f"{region}{3:05d}", categories=cats, valid_from=dt.date(2022, 1, 1),
                         valid_to=far, **cert)
        self.role(head_user, agency, Role.UNIT_HEAD, officer_unit)
        leader_user, leader = login_person("leader", "单位领导", PersonKind.HEAD, None, "副局长",
                                           "分管法制、行政执法三项制度和执法监督工作")
        self.role(leader_user, agency, Role.AGENCY_LEADER)
        for overseen in dict.fromkeys((review_unit, officer_unit)):  # 分管领导 (the review's 分管领导 sign-off steps)
            overseen.refresh_from_db()
            if overseen.overseen_by_id is None:
                A.do_set_unit_overseer(overseen, leader, actor=DEMO)
        records_unit = duty_unit(agency, "archive", units) or review_unit
        publicity_unit = duty_unit(agency, "publicity_review", units) or review_unit
        for suffix, label, role, unit in (("records", "档案管理人员", Role.RECORDS_KEEPER, records_unit),
                                          ("publicity", "公示编辑", Role.PUBLICITY_EDITOR, publicity_unit),
                                          ("approval", "行政审批人员", Role.APPROVAL_STAFF, None)):
            user, _ = login_person(suffix, label, PersonKind.STAFF, unit, label)
            self.role(user, agency, role, unit)
        # A second officer whose certificate expires within the warning window (relative to first load).
        soon_name = next(names)
        soon = self.person(agency, soon_name, PersonKind.OFFICER, officer_unit, position="执法队员")
        self.certificate(soon, f"{region}{4:05d}", categories=cats, valid_from=dt.date(2021, 1, 1),
                         valid_to=self.today + dt.timedelta(days=20), **cert)
        aux = self.person(agency, next(names), PersonKind.AUXILIARY, officer_unit, position="协管员")
        self.certificate(aux, f"{region}FZ{1:04d}", kind=CertificateKind.WORK, categories=[],
                         valid_from=dt.date(2024, 1, 1), valid_to=far, area=spec["jurisdiction"],
                         issuing_authority=spec["name"])
        for p in (officer, reviewer, head, soon):
            self.training(p, "行政执法三项制度专题培训", kind=TrainingKind.TRAINING, date=dt.date(2025, 3, 14), hours=8)
            self.training(p, "2025年度行政执法人员法律知识考试", kind=TrainingKind.EXAM, date=dt.date(2025, 6, 20),
                          hours=2, score=86, passed=True)
        self.training(reviewer, "重大执法决定法制审核业务培训", date=dt.date(2025, 4, 18), hours=16)
        admin = self.User.objects.filter(username=f"{prefix}-admin").first()
        if admin is None:
            admin = A.do_create_user(f"{prefix}-admin", name=f"{spec['name']}管理员", password_hash=self.admin_hash(),
                                     actor=DEMO, agency_code=code)
        self.logins.append(("管理员（需动态口令）", admin.username, code))
        self.role(admin, agency, Role.ADMINISTRATOR)
        self.admin_secrets.append((admin.username, self.totp_secret(admin)))
        adviser = self.user(f"{prefix}-adviser", f"{spec['names'][-1]}律师", code, "法律顾问")
        self.role(adviser, agency, Role.ADVISER, valid_to=self.today + dt.timedelta(days=180),
                  scope=[f"orgs.person:{officer.pk}", f"orgs.unit:{officer_unit.pk}"])
        self.equip(agency, spec, units, officer)
        self.obligations(agency, officer_unit)
        return agency, cats, cert, units

    def equip(self, agency, spec, units, officer):
        if agency.code == "zhuzhou-amr":
            plan = ZHUZHOU_EQUIPMENT
        else:
            plan = {officer.unit.name: {"camera": 1, "body_camera": 2, "recorder": 1}}
        order = [name for name, _, _ in spec["units"]]
        for name, kinds in plan.items():
            unit = units[name]
            for kind, count in kinds.items():
                have = Equipment.objects.filter(unit=unit, kind=kind).count()
                for n in range(have + 1, count + 1):
                    self.equipment(unit, kind, serial_number(spec["region"], order.index(name) + 1, kind, n))
        first_body = Equipment.objects.filter(unit=officer.unit, kind="body_camera").order_by("id").first()
        if first_body is None:
            first_body = self.equipment(officer.unit, "body_camera",
                                        serial_number(spec["region"], order.index(officer.unit.name) + 1,
                                                      "body_camera", 1))
        if not DeviceIssue.objects.filter(equipment=first_body).exists():
            A.do_issue_device(first_body, officer, dt.date(2025, 1, 6), actor=DEMO)

    def zhuzhou_extras(self, agency, cats, cert, units):
        """One revoked and one expired certificate (seed 001 is the most detailed plan)."""
        officer_unit = units["执法二大队"]
        revoked = self.person(agency, "钟国强", PersonKind.OFFICER, officer_unit, position="执法队员")
        c = self.certificate(revoked, "43020000005", categories=cats, valid_from=dt.date(2022, 1, 1),
                             valid_to=dt.date(2027, 12, 31), **cert)
        if c.status == CertificateStatus.VALID:
            A.do_revoke_certificate(c, reason="因违法执法被依法吊销执法证", actor=DEMO)
        expired = self.person(agency, "肖雅琴", PersonKind.OFFICER, officer_unit, position="执法队员")
        self.certificate(expired, "43020000006", categories=cats, valid_from=dt.date(2019, 1, 1),
                         valid_to=dt.date(2024, 12, 31), **cert)
        # Issue 9 (review/demo.py): its penalty chain's third step is the 政策法规科 head's (法制审核机构负责人
        # 意见), and a collective discussion needs more than half of the agency's leaders, at least two.
        legal_user = self.user("zhuzhou-legal-head", "易小兰", agency.code, "法制审核机构负责人")
        self.person(agency, "易小兰", PersonKind.HEAD, units["政策法规科"], legal_user, "政策法规科科长",
                    "负责重大执法决定法制审核和签批")
        self.role(legal_user, agency, Role.UNIT_HEAD, units["政策法规科"])
        second_user = self.user("zhuzhou-leader2", "贺文斌", agency.code, "单位领导（集体讨论）")
        self.person(agency, "贺文斌", PersonKind.HEAD, None, second_user, "局长", "主持局务会议和重大执法决定集体讨论")
        self.role(second_user, agency, Role.AGENCY_LEADER)

    def second_leader(self, agency, spec, name):
        """A 负责人集体讨论 needs more than half of the agency's leaders and at least two (行政处罚法第五十七条,
        review.collective_discussion_quorum): with one leader the demo's discussions could never be held."""
        user = self.user(f"{spec['prefix']}-leader2", name, agency.code, "单位领导（集体讨论）")
        self.person(agency, name, PersonKind.HEAD, None, user, "局长", "主持局务会议和重大执法决定集体讨论")
        self.role(user, agency, Role.AGENCY_LEADER)

    def load(self):
        self.admin_secrets = []
        self.supervisory()
        for spec in AGENCIES:
            agency, cats, cert, units = self.enforcement_agency(spec)
            if agency.code == "zhuzhou-amr":
                self.zhuzhou_extras(agency, cats, cert, units)
            elif agency.code in SECOND_LEADERS:
                self.second_leader(agency, spec, SECOND_LEADERS[agency.code])
        sysadmin = self.User.objects.filter(username=SYSADMIN).first()
        if sysadmin is None:
            sysadmin, secret = A.do_create_administrator(SYSADMIN, None, "系统管理员", actor=DEMO,
                                                        password_hash=self.admin_hash())
        self.logins.append(("系统管理员（需动态口令）", SYSADMIN, ""))
        self.admin_secrets.append((SYSADMIN, self.totp_secret(sysadmin)))


def load(stdout) -> list[str]:
    loader = _Loader()
    loader.load()
    lines = ["", "演示账号（角色 · 用户名 · 执法主体）："]
    width = max(len(u) for _, u, _ in loader.logins)
    for label, username, code in loader.logins:
        lines.append(f"  {username.ljust(width)}  {label}  {code}")
    lines += [
        f"除管理员外，所有演示账号的密码：{DEMO_PASSWORD}",
        f"管理员账号（*-admin 与 {SYSADMIN}）的密码：{ADMIN_PASSWORD}，登录时还需输入动态口令（TOTP）。",
        "管理员的 TOTP 密钥（录入身份验证器，或用 pyotp.TOTP(密钥).now() 计算口令）：",
    ]
    lines += [f"  {username}: {secret}" for username, secret in loader.admin_secrets]
    return lines


def _demo_obligation(number, **kw):
    from sanxiang.deadlines.actions import do_open_obligation
    from sanxiang.deadlines.models import Obligation

    found = Obligation.objects.filter(object_type="demo", object_id=number).first()
    return found or do_open_obligation(object_type="demo", object_id=number, actor=DEMO, **kw)
