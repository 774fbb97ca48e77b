"""One general-procedure penalty case from clue to closing through the case actions, for
`bench_cases.py` (and its smoke test): no Django set-up here, so a test can import it.

    cast = make_cast()              # an agency, its unit, two certified officers, a head, a reviewer, a party
    acts = run_case(cast)           # the actions taken (14, or 16 where the profile requires a legal review)

Dates are fixed 2026 days (the 2026 calendar is seeded): every window is over before the decision
because the party waives the right to state and be heard; the fine is paid within its limit.
"""

import datetime as dt
import time
from dataclasses import dataclass

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.cases.review_gate import proposal_of, review_required
from sanxiang.core.errors import Conflict
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.parties.actions import do_register_party

CLUE_ON = dt.date(2026, 9, 1)
FINE = "5000"
RETRIES = 20


@dataclass
class Cast:
    agency: object
    unit: object
    officer: object     # user of the lead handler
    first: object       # orgs.Person, lead handler
    second: object      # orgs.Person, second handler
    head: object        # user of the unit head (files, decides, closes; never a handler)
    reviewer: object    # user of the legal reviewer
    party: object


def make_cast(code=None) -> Cast:
    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency(code)
    unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
    officer, officer2 = T.member(agency, Role.OFFICER, unit=unit), T.member(agency, Role.OFFICER, unit=unit)
    first = T.person(agency, unit=unit, user_obj=officer, name="王执法")
    T.certificate(first)
    second = T.person(agency, unit=unit, user_obj=officer2, name="李执法")
    T.certificate(second)
    head = T.member(agency, Role.UNIT_HEAD, unit=unit)
    T.person(agency, unit=unit, user_obj=head, name="赵科长")
    reviewer = T.member(agency, Role.REVIEWER)
    T.person(agency, user_obj=reviewer, name="钱审核")
    party = do_register_party(agency, kind="org", name="某某食品有限公司", credit_code="91110105MA01ABCD13",
                              legal_representative="孙某", actor=OPERATOR)
    return Cast(agency, unit, officer, first, second, head, reviewer, party)


def day(n: int) -> dt.date:
    return CLUE_ON + dt.timedelta(days=n)


def _retrying(act, stats):
    """Concurrent filings in one agency race for the next case number: the loser gets a
    `Conflict` and nothing written, and retries as a user would."""
    for _ in range(RETRIES):
        try:
            return act()
        except Conflict:
            stats["conflicts"] = stats.get("conflicts", 0) + 1
    raise RuntimeError(f"still conflicting after {RETRIES} tries")


class _Clock:
    """Seconds spent in each action, summed into `stats["s_<action>"]`."""

    def __init__(self, stats):
        self.stats = stats

    def __call__(self, name, act):
        t = time.perf_counter()
        done = act()
        key = f"s_{name}"
        self.stats[key] = self.stats.get(key, 0.0) + time.perf_counter() - t
        return done


def run_case(cast: Cast, stats: dict | None = None) -> int:
    """Take one case from clue to closed; return the number of actions taken. `stats` collects
    file conflicts and the seconds spent in each action (`s_<action>`)."""
    stats = {} if stats is None else stats
    timed = _Clock(stats)
    officer, head = cast.officer, cast.head
    case = timed("create", lambda: C.do_create_case(cast.agency, unit=cast.unit, source="report",
                                                    cause="销售超过保质期的食品", category="行政处罚",
                                                    clue_on=CLUE_ON, actor=officer))
    timed("add_party", lambda: C.do_add_case_party(case, cast.party, actor=officer))
    timed("assign", lambda: C.do_assign_case_handler(case, cast.first, lead=True, on=CLUE_ON, actor=head))
    timed("assign", lambda: C.do_assign_case_handler(case, cast.second, on=CLUE_ON, actor=head))
    timed("verify", lambda: C.do_verify_case(case, actor=officer, on=day(1)))
    timed("file", lambda: _retrying(lambda: C.do_file_case(case, actor=head, on=day(2)), stats))
    timed("investigate", lambda: C.do_investigate_case(case, actor=officer, on=day(3)))
    timed("conclude", lambda: C.do_conclude_case(case, penalties=["warning", "fine"], fine=FINE, actor=officer,
                                                 on=day(6), facts="经查，当事人销售超过保质期的食品，货值金额 1200 元。",
                                                 discretion="当事人积极配合调查，首次违法，依法从轻处罚。"))
    acts = 8
    if review_required(case, proposal_of(case))[0]:
        review = timed("review", lambda: C.do_submit_case_review(case, reviewer=cast.reviewer, actor=officer,
                                                                 on=day(7)))
        timed("review", lambda: C.do_record_case_review(review, opinion="pass", actor=cast.reviewer, on=day(7),
                                                        note="事实清楚，证据确凿，适用依据正确，程序合法。"))
        acts += 2
    timed("notify", lambda: C.do_notify_case(case, actor=officer, on=day(7)))
    timed("waive", lambda: C.do_waive_case_rights(case, note="当事人书面放弃陈述、申辩", actor=officer, on=day(8)))
    timed("decide", lambda: C.do_decide_case(case, actor=head, on=day(9)))
    timed("serve", lambda: C.do_serve_case(case, method="direct", actor=officer, on=day(10)))
    timed("pay", lambda: C.do_record_case_payment(case, amount=FINE, receipt="缴款书 0001", actor=officer,
                                                  on=day(13)))
    timed("close", lambda: C.do_close_case(case, note="罚款已缴清，执行完毕", actor=head, on=day(14)))
    acts += 6
    case.refresh_from_db()
    if case.status != "closed":
        raise RuntimeError(f"case ended in {case.status}, not closed")
    return acts
