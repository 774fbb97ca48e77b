"""Agencies, units, people, certificates, equipment and roles (执法主体与人员)."""

import datetime as dt

from django.conf import settings
from django.db import models

from sanxiang.ledger.models import Ledgered

from .querysets import RestrictedManager


class OrgModel(Ledgered):
    """Common base: every orgs row is ledgered and read through `objects.restrict(user, action)`."""

    # Path from this model to its Agency (None: the row is the agency).
    agency_field: str | None = "agency"

    objects = RestrictedManager()

    class Meta:
        abstract = True

    @property
    def agency_code(self) -> str:
        agency = self
        for part in (self.agency_field or "").split("__"):
            if part:
                agency = getattr(agency, part)
        return agency.code


class AgencyKind(models.TextChoices):
    ENFORCEMENT = "enforcement", "行政执法主体"
    SUPERVISORY = "supervisory", "监督机关（司法局/上级机关）"


class Agency(OrgModel):
    """执法主体 — an enforcement agency, or a supervisory body (司法局, 上级机关)."""

    agency_field = None

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=AgencyKind.choices, default=AgencyKind.ENFORCEMENT)
    jurisdiction = models.TextField(blank=True)
    categories = models.JSONField(default=list, blank=True)
    profile_key = models.CharField(max_length=64, blank=True)
    supervised_by = models.ManyToManyField(
        "self", symmetrical=False, related_name="supervises", blank=True,
        limit_choices_to={"kind": AgencyKind.SUPERVISORY},
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "执法主体"

    def __str__(self):
        return self.name

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        state["supervised_by"] = sorted(self.supervised_by.values_list("code", flat=True))
        return state


class UnitKind(models.TextChoices):
    OFFICE = "office", "局机关"
    SECTION = "section", "科室"
    STATION = "station", "所"
    DETACHMENT = "detachment", "支队"
    BRIGADE = "brigade", "大队"
    OTHER = "other", "其他"


class Unit(OrgModel):
    """科室/所/大队/支队 — an organisational unit of an agency, in a tree."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(max_length=16, choices=UnitKind.choices, default=UnitKind.SECTION)
    name = models.CharField(max_length=200)
    # Matched against the `group` of the profile's equipment.minimums.
    equipment_group = models.CharField(max_length=64, blank=True)
    # 分管领导: the agency leader who oversees this unit (set by the agency's administrator); the
    # sign-off steps of a 分管领导 accept only that leader (sanxiang/review/flow.py).
    overseen_by = models.ForeignKey("Person", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="overseen_units")

    class Meta:
        ordering = ["agency_id", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="orgs_unit_unique_name")]
        verbose_name = "科室/所/大队/支队"

    def __str__(self):
        return self.name


class PersonKind(models.TextChoices):
    OFFICER = "officer", "执法人员"
    REVIEWER = "reviewer", "法制审核人员"
    AUXILIARY = "auxiliary", "辅助人员"
    HEAD = "head", "负责人"
    STAFF = "staff", "其他工作人员"


class Person(OrgModel):
    """人员 — 执法人员, 法制审核人员, 辅助人员, 负责人 or other staff of an agency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="people")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=PersonKind.choices, default=PersonKind.OFFICER)
    position = models.CharField(max_length=100, blank=True)
    remit = models.TextField(blank=True)

    class Meta:
        ordering = ["agency_id", "id"]
        verbose_name = "人员"

    def __str__(self):
        return self.name


class CertificateKind(models.TextChoices):
    ENFORCEMENT = "enforcement", "行政执法证"
    WORK = "work", "工作证（辅助人员）"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    SUSPENDED = "suspended", "已暂扣"
    REVOKED = "revoked", "已吊销"
    EXPIRED = "expired", "已过期"


class Certificate(OrgModel):
    """执法证 — an enforcement certificate (or the 工作证 of auxiliary staff)."""

    agency_field = "person__agency"

    number = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(max_length=16, choices=CertificateKind.choices, default=CertificateKind.ENFORCEMENT)
    categories = models.JSONField(default=list, blank=True)
    area = models.CharField(max_length=200, blank=True)
    issuing_authority = models.CharField(max_length=200, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField()
    status = models.CharField(max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID)

    class Meta:
        ordering = ["valid_to", "id"]
        verbose_name = "执法证"

    def __str__(self):
        return self.number

    def status_on(self, on_date: dt.date) -> str:
        """The status a reader should see on `on_date` (a valid certificate past valid_to is expired)."""
        if self.status == CertificateStatus.VALID and on_date > self.valid_to:
            return CertificateStatus.EXPIRED
        return self.status

    def status_label_on(self, on_date: dt.date) -> str:
        return CertificateStatus(self.status_on(on_date)).label


class LegalQualification(OrgModel):
    """法律职业资格 — the national legal professional qualification of a reviewer."""

    agency_field = "person__agency"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="qualifications")
    number = models.CharField(max_length=64)
    obtained_on = models.DateField()

    class Meta:
        verbose_name = "法律职业资格"


class TrainingKind(models.TextChoices):
    TRAINING = "training", "专题培训"
    EXAM = "exam", "考试"


class Training(OrgModel):
    """专题培训/考试 — a training course or exam taken by a person."""

    agency_field = "person__agency"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=TrainingKind.choices, default=TrainingKind.TRAINING)
    date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = "专题培训/考试"


class EquipmentKind(models.TextChoices):
    CAMERA = "camera", "照相机/摄像机"
    BODY_CAMERA = "body_camera", "执法记录仪"
    RECORDER = "recorder", "录音笔"
    OTHER = "other", "其他"


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", "在用"
    REPAIR = "repair", "维修中"
    RETIRED = "retired", "已报废"


class Equipment(OrgModel):
    """执法装备 — a camera, body camera, recorder or other device held by a unit."""

    agency_field = "unit__agency"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="equipment")
    kind = models.CharField(max_length=16, choices=EquipmentKind.choices)
    serial = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=16, choices=EquipmentStatus.choices, default=EquipmentStatus.IN_SERVICE)

    class Meta:
        ordering = ["unit_id", "kind", "serial"]
        verbose_name = "执法装备"


class DeviceIssue(OrgModel):
    """设备领用 — a device issued to a person from one date (until returned)."""

    agency_field = "equipment__unit__agency"

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="issues")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="device_issues")
    issued_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = "设备领用"


class Role(models.TextChoices):
    OFFICER = "officer", "执法人员"
    REVIEWER = "reviewer", "法制审核人员"
    UNIT_HEAD = "unit_head", "科室负责人"
    AGENCY_LEADER = "agency_leader", "单位领导"
    RECORDS_KEEPER = "records_keeper", "档案管理人员"
    PUBLICITY_EDITOR = "publicity_editor", "公示编辑"
    APPROVAL_STAFF = "approval_staff", "行政审批人员"
    ADMINISTRATOR = "administrator", "管理员"
    SUPERVISOR = "supervisor", "执法监督人员"
    ADVISER = "adviser", "法律顾问/公职律师/行业专家"


class RoleAssignment(OrgModel):
    """角色 — a user's role in an agency (optionally a unit), in force from valid_from to valid_to.

    For advisers `scope` lists the assigned objects ("orgs.person:12", "cases.case:7"); their
    access ends at valid_to. Revoking sets `active` false (the row stays for the record).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="role_assignments")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    scope = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency_id", "role", "id"]
        verbose_name = "角色分配"


class TotpDevice(Ledgered):
    """动态口令 — the TOTP secret of an account that must use two factors (administrators)."""

    # Moves at every login; what it guards (one use per code) needs no ledger entry per login.
    ledger_exclude = ("last_t",)

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # The last accepted time step (RFC 6238 T): a code of this step or an earlier one is refused.
    last_t = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "动态口令"


class AccountEvent(Ledgered):
    """账号安全事件 — login, failure, throttling, password change (never a password)."""

    username = models.CharField(max_length=150)
    event = models.CharField(max_length=32)
    address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "账号安全事件"
