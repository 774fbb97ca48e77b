"""Who may read obligations (时限) and the calendar.

The calendar is public (the deadline calculator uses it). An obligation is read by the staff of
its agency and by the supervisors of that agency.
"""

from sanxiang.access.policy import AGENCY, SUPERVISED, register, register_public
from sanxiang.orgs.models import Role

from .models import CalendarDay, CalendarYear, Obligation

register(Obligation, agency=None, agency_code="agency", rules={
    "view": {**{r: AGENCY for r in Role if r not in (Role.ADVISER, Role.SUPERVISOR)},
             Role.SUPERVISOR: SUPERVISED},
})
register_public(CalendarYear)
register_public(CalendarDay)
