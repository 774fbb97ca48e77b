"""Who sees what of witnessing.

A witness is held by an organisation (a 司法局 in the demo; anyone may hold one): its watched
logs and alerts are read by that organisation's supervisors, leaders and administrators, and by
the system administrator (who also reads the deployment's own witness, held by nobody). The
witnesses this deployment trusts are the system administrator's; cosignatures are public, as
the checkpoints they sign.
"""

from sanxiang.access.policy import AGENCY, register, register_public
from sanxiang.orgs.models import Role

from .models import Cosignature, TrustedWitness, WatchedLog, WitnessAlert

_HOLDER = {Role.SUPERVISOR: AGENCY, Role.AGENCY_LEADER: AGENCY, Role.ADMINISTRATOR: AGENCY}

register(WatchedLog, agency="holder", rules={"view": _HOLDER})
register(WitnessAlert, agency="log__holder", rules={"view": _HOLDER})
register(TrustedWitness, agency=None, rules={})
register_public(Cosignature)
