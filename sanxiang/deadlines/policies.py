"""Who may read obligations (时限) and the calendar.

The calendar is public (the deadline calculator uses it). An obligation is read by the staff of
its agency and by the supervisors of that agency.
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, register, register_public
from sanxiang.orgs.models import Role

from .models import CalendarDay, CalendarYear, Obligation, ObligationExtension, ObligationPause

OBLIGATION_RULES = {
    "view": {**{r: AGENCY for r in Role if r not in (Role.ADVISER, Role.SUPERVISOR)},
             Role.SUPERVISOR: SUPERVISED},
}
register(Obligation, agency=None, agency_code="agency_id", rules=OBLIGATION_RULES)
# Pauses and extensions are read with their obligation, by the same people.
register(ObligationPause, agency=None, agency_code="obligation__agency_id", rules=OBLIGATION_RULES)
register(ObligationExtension, agency=None, agency_code="obligation__agency_id", rules=OBLIGATION_RULES)
register_public(CalendarYear)
register_public(CalendarDay)
