"""Small builders for tests of orgs and of later apps (everything through the actions)."""

import datetime as dt
import itertools

from django.contrib.auth.hashers import make_password

from sanxiang.access.actors import OPERATOR

from . import actions as A
from .models import AgencyKind, PersonKind, Role

_seq = itertools.count(1)
_hash = None


def password_hash():
    global _hash
    if _hash is None:
        _hash = make_password("test-password-123")
    return _hash


def agency(code=None, *, kind=AgencyKind.ENFORCEMENT, supervised_by=(), profile_key="", categories=("行政处罚", "行政检查")):
    code = code or f"agency-{next(_seq)}"
    return A.do_create_agency(code, f"测试主体{code}", kind=kind, categories=list(categories),
                              supervised_by=supervised_by, profile_key=profile_key, actor=OPERATOR)


def user(username=None, name="测试用户"):
    return A.do_create_user(username or f"user{next(_seq)}", name=name, password_hash=password_hash(), actor=OPERATOR)


def person(agency_obj, *, kind=PersonKind.OFFICER, name=None, unit=None, user_obj=None):
    return A.do_create_person(agency_obj, name or f"人员{next(_seq)}", kind=kind, unit=unit, user=user_obj, actor=OPERATOR)


def certificate(person_obj, number=None, *, categories=("行政处罚",), valid_from=dt.date(2024, 1, 1),
                valid_to=dt.date(2028, 12, 31), **kw):
    return A.do_issue_certificate(person_obj, number or f"NO{next(_seq):06d}", categories=list(categories),
                                  valid_from=valid_from, valid_to=valid_to, actor=OPERATOR, **kw)


def member(agency_obj, role=Role.OFFICER, **kw):
    """A user holding `role` in `agency_obj`."""
    u = user()
    A.do_assign_role(u, agency_obj, role, valid_from=kw.pop("valid_from", dt.date(2020, 1, 1)), actor=OPERATOR, **kw)
    return u
