"""Who may read the ledger's payloads.

The public gets checkpoints and proofs (no payloads); an entry's content — which may name people
and addresses — is for the agency's administrators, its supervisors and the system administrator.
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, register, register_public
from sanxiang.orgs.models import Role

from .models import Announcement, Checkpoint, LedgerEntry, MerkleNode, PendingEntry

register(LedgerEntry, agency=None, agency_code="agency",
         rules={"view": {Role.ADMINISTRATOR: AGENCY, Role.SUPERVISOR: SUPERVISED}})
register(PendingEntry, agency=None, agency_code="agency",  # an entry waiting for its index
         rules={"view": {Role.ADMINISTRATOR: AGENCY, Role.SUPERVISOR: SUPERVISED}})
register(Announcement, agency=None, agency_code="agency",
         rules={"view": {r: AGENCY for r in Role if r != Role.ADVISER} | {Role.SUPERVISOR: SUPERVISED}})
register_public(Checkpoint)
register_public(MerkleNode)
