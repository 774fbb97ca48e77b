"""Builders for the sign-off, disagreement and consultation tests: an agency of a profile with its
legal office (政策法规科 or the unit the profile names: a reviewer with the 法律职业资格 and the office's head), three leaders, and
penalty cases brought through the real actions to a round submitted, agreed or returned."""

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach, step  # noqa: E402

from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.orgs import actions as A  # noqa: E402
from sanxiang.orgs import testing as T  # noqa: E402
from sanxiang.orgs.models import Person, Role  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.tracks import CHECKLIST_POINTS  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

GENERAL = get_table("penalty_general")
ALL_LAWFUL = {code: {"finding": "lawful", "note": ""} for code, _ in CHECKLIST_POINTS}


@dataclass
class FlowEnv:
    env: object
    legal_unit: object
    legal_head: object    # 政策法规科负责人
    leaders: list         # three 单位领导 (env.leader first)
    outsider_user: object  # an account with no role in the agency (an outside 法律顾问)


def make_flow_env(profile_key: str) -> FlowEnv:
    env = make_env(profile_key=profile_key)
    legal = A.do_create_unit(env.agency, (A.legal_review_units(env.agency) or ["政策法规科"])[0], actor=OPERATOR)
    A.do_assign_role(env.reviewer, env.agency, Role.REVIEWER, unit=legal, valid_from=dt.date(2020, 1, 1),
                     actor=OPERATOR)
    person = Person.objects.get(user=env.reviewer)
    A.do_add_qualification(person, "A20190001", dt.date(2019, 6, 1), actor=OPERATOR)
    legal_head = T.member(env.agency, Role.UNIT_HEAD, unit=legal)
    leaders = [env.leader, T.member(env.agency, Role.AGENCY_LEADER), T.member(env.agency, Role.AGENCY_LEADER)]
    return FlowEnv(env, legal, legal_head, leaders, T.user())


def materials(rnd_or_case=None) -> dict:
    return {"report": "provided", "draft": "provided", "evidence": "provided", "hearing": "not_applicable",
            "source": "provided", "qualification": "provided", "procedure": "provided", "explanation": "provided"}


def submitted_round(fe: FlowEnv, *, conclude=None, today=False):
    """A penalty case concluded and notified (rights waived), submitted and assigned: 审核中 (from
    the day after the rights were waived, or today — so its due date is still ahead)."""
    env = fe.env
    case, day = reach(env, GENERAL, "notified")
    if conclude:
        from sanxiang.cases import actions as C

        C.do_revise_case_proposal(case, version=case.version, actor=env.officer, **conclude)
    day += dt.timedelta(days=1)
    step(env, GENERAL, case, "waive_rights", day)
    from sanxiang.review.tracks import track_for

    track = track_for(env.agency.profile_key, "penalty")
    given = {m.code: ("not_applicable" if m.optional else "provided") for m in track.materials}
    if today:
        from django.utils import timezone

        day = timezone.localdate()
    rnd = P.do_submit_review(case, materials=given, actor=env.officer, on=day)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.leader, on=day)
    return rnd, day


def opinion(fe: FlowEnv, rnd, *, agree: bool, day):
    from sanxiang.review.tracks import track_for

    track = track_for(fe.env.agency.profile_key, "penalty")
    P.do_record_checklist(rnd, points=ALL_LAWFUL, actor=fe.env.reviewer)
    kind = track.agree if agree else next(o.code for o in track.opinion_kinds if o.code != track.agree)
    grounds = [] if agree or not track.return_grounds else [track.return_grounds[0]]
    return P.do_record_opinion(rnd, kind=kind, text="审核意见：" + ("同意。" if agree else "事实不清，建议补充调查。"),
                               return_grounds=grounds, actor=fe.env.reviewer, on=day)


def module_flow_env(profile, django_db_blocker):
    """A module's flow environment, built once in a transaction rolled back at the module's end (yield from it)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env(profile)
        transaction.set_rollback(True)
