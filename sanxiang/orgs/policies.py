"""Who may read and manage the rows of orgs (the role × action table of `sanxiang.access`).

Staff of an agency read its organisation (units, people, certificates, equipment); a supervisory
body's supervisors read the agencies it supervises; an adviser reads only the people and units an
administrator entrusted to them, until the assignment ends. Everyone reads their own person record,
certificates, trainings, devices and roles. Only the agency's administrators manage.
"""

from sanxiang.access.policy import AGENCY, ENTRUSTED, OWN, SELF, SUPERVISED, grant, register

from .models import (
    AccountEvent,
    Agency,
    Certificate,
    DeviceIssue,
    Equipment,
    LegalQualification,
    Person,
    Role,
    RoleAssignment,
    TotpDevice,
    Training,
    Unit,
)

STAFF = [r for r in Role if r not in (Role.ADVISER, Role.SUPERVISOR)]
STAFF_VIEW = {**{r: AGENCY for r in STAFF}, Role.SUPERVISOR: (AGENCY, SUPERVISED)}
MANAGE = {Role.ADMINISTRATOR: AGENCY}

register(Agency, agency="self", rules={"view": STAFF_VIEW, "change": MANAGE})
register(Unit, unit="pk", rules={"view": {**STAFF_VIEW, Role.ADVISER: ENTRUSTED}, "change": MANAGE})
register(Person, unit="unit", own="user",
         rules={"view": {**STAFF_VIEW, Role.ADVISER: ENTRUSTED, SELF: OWN}, "change": MANAGE})
for model in (Certificate, LegalQualification, Training):
    register(model, agency="person__agency", unit="person__unit", own="person__user",
             rules={"view": {**STAFF_VIEW, SELF: OWN}, "change": MANAGE})
register(Equipment, agency="unit__agency", unit="unit", rules={"view": STAFF_VIEW, "change": MANAGE})
register(DeviceIssue, agency="equipment__unit__agency", unit="equipment__unit", own="person__user",
         rules={"view": {**STAFF_VIEW, SELF: OWN}, "change": MANAGE})
# Who holds which role is the administrators' and leaders' business (and each user's own).
register(RoleAssignment, own="user", rules={
    "view": {Role.ADMINISTRATOR: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.SUPERVISOR: SUPERVISED, SELF: OWN},
    "change": MANAGE,
})
# Secrets and security events: the system administrator only (their own device for the user).
register(TotpDevice, agency=None, own="user", rules={"view": {SELF: OWN}})
register(AccountEvent, agency=None, rules={})

# Entrusting objects to an adviser: only these models may be named in an adviser's scope.
ENTRUSTABLE = (Person, Unit)


def make_entrustable(model) -> None:
    """Let administrators entrust `model`'s rows to an adviser (from the model's app's policies.py)."""
    global ENTRUSTABLE
    if model not in ENTRUSTABLE:
        ENTRUSTABLE = (*ENTRUSTABLE, model)


grant(Agency, "entrust", MANAGE)
