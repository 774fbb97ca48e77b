"""Who may read and change parties (当事人).

A party's record holds personal data of the agency that registered it: its staff read it, its
officers, unit heads, leaders and approval staff register and update it; supervisors read the
parties of the agencies they supervise; an adviser only the parties entrusted to them.
"""

from sanxiang.access.policy import AGENCY, ENTRUSTED, SUPERVISED, grant, register
from sanxiang.orgs.models import Agency, Role
from sanxiang.orgs.policies import make_entrustable

from .models import Party

EDITORS = {Role.OFFICER: AGENCY, Role.UNIT_HEAD: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.APPROVAL_STAFF: AGENCY}
STAFF = [r for r in Role if r not in (Role.ADVISER, Role.SUPERVISOR)]

register(Party, rules={
    "view": {**{r: AGENCY for r in STAFF}, Role.SUPERVISOR: SUPERVISED, Role.ADVISER: ENTRUSTED},
    "change": EDITORS,
})
grant(Agency, "register_party", EDITORS)
make_entrustable(Party)
