"""法制审核统计 API (`GET /api/v1/review-statistics/`): the statistics page's rows as JSON, for the
same readers (heads, leaders, the legal office, supervisors of the agencies they supervise)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.responses import Status

from sanxiang.api.errors import error_responses
from sanxiang.core import inputs
from sanxiang.core.errors import NotAuthenticated, NotPermitted

from . import queries

router = Router(tags=["review"])


class OutcomeOut(Schema):
    label: str
    count: int


class StatisticsRow(Schema):
    agency: str
    unit: str
    reviews: int
    rounds: int
    rounds_per_review: float
    outcomes: list[OutcomeOut]
    open: int
    withdrawn: int
    average_workdays: float | None
    longest_workdays: int | None
    overdue: int


class StatisticsOut(Schema):
    start: dt.date | None
    end: dt.date | None
    rows: list[StatisticsRow]


def _day(value: str, field: str) -> dt.date | None:
    return inputs.day(value, field=field, empty=None)


@router.get("/", response={200: StatisticsOut, **error_responses(400, 401, 403)},
            summary="法制审核统计（按执法主体和承办机构）")
def review_statistics(request, start: str = "", end: str = ""):
    """Reviews, rounds, outcomes, duration in working days (the supplement pause not counted, as the
    review clock) and overdue rounds, by agency and handling
    unit, of the rounds submitted between `start` and `end` (YYYY-MM-DD, both optional)."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    if not (user.is_superuser or queries.may_see_statistics(user)):
        raise NotPermitted("法制审核统计供科室负责人、单位领导、法制审核人员和执法监督人员查看。")
    first, last = _day(start, "start"), _day(end, "end")
    return Status(200, {"start": first, "end": last, "rows": queries.statistics(user, start=first, end=last)})
