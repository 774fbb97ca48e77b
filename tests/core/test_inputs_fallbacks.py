"""The silent fallbacks core/inputs.py replaced: a bad date given to a workflow step or guard was
quietly today (cases/guards.py) or a bare ValueError (annual and publicity workflows, a 500 on the
API and a traceback on the CLI); each is now a 400 `RuleViolation` naming the field. The date is read
before the object is touched, so no rows are needed."""

import datetime as dt
from types import SimpleNamespace

import pytest

from sanxiang.annual import workflows as annual_workflows
from sanxiang.cases import guards
from sanxiang.core.errors import RuleViolation
from sanxiang.publicity import workflows as publicity_workflows

BAD = ["2026-02-30", "soon", "2026/03/02"]


def _refused(call):
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.field == "on"
    assert "YYYY-MM-DD" in caught.value.message
    return caught.value


@pytest.mark.parametrize("bad", BAD)
def test_a_case_guard_refuses_a_bad_date_instead_of_using_today(bad):
    _refused(lambda: guards.two_qualified_handlers(None, None, on=bad))


@pytest.mark.parametrize("bad", BAD)
def test_an_annual_step_refuses_a_bad_date(bad):
    report = SimpleNamespace(approved_on=None, published_on=None)
    _refused(lambda: annual_workflows.published(report, None, on=bad))
    assert report.published_on is None
    annual_workflows.published(report, None, on="2026-03-02")
    assert report.published_on == dt.date(2026, 3, 2)


@pytest.mark.parametrize("bad", BAD)
def test_a_publicity_guard_and_step_refuse_a_bad_date(bad):
    _refused(lambda: publicity_workflows.display_over(None, None, on=bad))
    _refused(lambda: publicity_workflows.takedown_allowed(None, None, on=bad))
    ob = SimpleNamespace(closed_on=None)
    _refused(lambda: publicity_workflows.fulfil_effect(ob, None, on=bad))
    assert ob.closed_on is None


def test_the_decision_day_of_a_listener_refuses_a_bad_date_instead_of_the_decision_day():
    from sanxiang.cases.decisions import _decision_day

    case = SimpleNamespace(decided_on=dt.date(2026, 3, 1))
    assert _decision_day(case, None, {"on": "2026-03-02"}) == dt.date(2026, 3, 2)
    assert _decision_day(case, None, {}) == dt.date(2026, 3, 1)
    _refused(lambda: _decision_day(case, None, {"on": "2026-02-30"}))
