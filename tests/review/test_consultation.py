"""征求意见 and 审核调查 (issue 9 §3): the reviewer of a round consults a 公职律师、法律顾问 or 行业专家 of
the profile; an outside account reads the case's records only until the round's due date, and the
job ends the grant; 株洲 reviewers record inquiries of the party, 乌鲁木齐市场监管's may not."""

import datetime as dt

import pytest
from django.db import transaction
from flow_cast import make_flow_env, submitted_round

from sanxiang.access.policy import can
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs.models import RoleAssignment
from sanxiang.review.flow import do_consult, do_record_consultation_opinion, do_record_inquiry
from sanxiang.review.flow_tasks import end_consultation_access
from sanxiang.review.models_flow import Consultation, ReviewInquiry


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env("zhuzhou-amr")
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def amr(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env("urumqi-gxq-amr")
        transaction.set_rollback(True)


def _nothing_written(fn, exc=RuleViolation, **kw):
    before = (LedgerEntry.objects.count(), Consultation.objects.count(), ReviewInquiry.objects.count(),
              RoleAssignment.objects.count())
    with pytest.raises(exc) as err:
        fn(**kw)
    assert (LedgerEntry.objects.count(), Consultation.objects.count(), ReviewInquiry.objects.count(),
            RoleAssignment.objects.count()) == before
    return err.value.message


def test_another_agencys_account_is_granted_only_as_its_registered_consultant_and_marked_outside(zz, db, client):
    """Decision 0082 (tester9 #9): another agency's officer is refused with a message naming the account's
    agency and role; that agency's registered 法律顾问 is granted time-limited access, and the granter sees
    on the round page, the consultation page and the API that the account is outside the agency."""
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    rnd, day = submitted_round(zz, today=True)
    case = rnd.review.case
    other = T.agency("wlmq-other")
    officer = T.member(other, Role.OFFICER, valid_from=day - dt.timedelta(days=30))
    adviser = T.member(other, Role.ADVISER, valid_from=day - dt.timedelta(days=30), valid_to=day + dt.timedelta(days=180),
                       scope=[f"orgs.person:{T.person(other).pk}"])  # its own agency's registered 法律顾问
    ask = dict(rnd=rnd, expertise="法律顾问", name="顾问", question="扣押是否适当？", on=day, actor=zz.env.reviewer)
    message = _nothing_written(do_consult, **{**ask, "user": officer})
    assert "测试主体wlmq-other的执法人员" in message and "不是登记的公职律师、法律顾问或专家" in message
    assert not can(officer, "view", case)

    row = do_consult(**{**ask, "user": adviser})
    assert row.grant.valid_to == rnd.due and can(adviser, "view", case)
    assert row.outside_agency == "本机关以外的账号（测试主体wlmq-other 法律顾问/公职律师/行业专家）"
    entry = LedgerEntry.objects.filter(action="consult_on_review", object_id=str(row.pk)).get()
    assert "本机关以外的账号" in entry.entry
    # an account with no role anywhere (an outside lawyer's own) and the agency's own staff are not marked
    own = do_consult(**{**ask, "user": zz.env.leader})
    assert own.outside_agency == "" and own.grant is None
    client.force_login(zz.env.reviewer)
    page = client.get(f"/review/rounds/{rnd.pk}/").content.decode()
    assert "本机关以外的账号（测试主体wlmq-other 法律顾问/公职律师/行业专家）" in page
    consultation_page = client.get(f"/review/consultations/{row.pk}/").content.decode()
    assert "本机关以外的账号（测试主体wlmq-other" in consultation_page
    listed = client.get(f"/api/v1/reviews/rounds/{rnd.pk}/consultations").json()
    assert [c["outside_agency"] for c in listed if c["id"] in (row.pk, own.pk)] == [
        "本机关以外的账号（测试主体wlmq-other 法律顾问/公职律师/行业专家）", ""]


def test_an_outside_lawyer_reads_the_case_until_the_rounds_end_and_the_job_ends_it(zz, db):
    rnd, day = submitted_round(zz, today=True)
    case = rnd.review.case
    lawyer = zz.outsider_user
    assert not can(lawyer, "view", case)
    ask = dict(rnd=rnd, expertise="法律顾问", name="周律师", organisation="某某律师事务所", user=lawyer,
               question="本案裁量是否适当？", on=day, actor=zz.env.reviewer)
    assert "不能超过本轮审核的期限" in _nothing_written(do_consult, **{**ask, "access_until": rnd.due + dt.timedelta(days=1)})
    assert "可征求意见的只有：公职律师、法律顾问、行业专家" in _nothing_written(do_consult, **{**ask, "expertise": "会计师"})
    assert "只有本轮的审核人员" in _nothing_written(do_consult, NotPermitted, **{**ask, "actor": zz.env.leader})
    assert "请填写征求意见的问题" in _nothing_written(do_consult, **{**ask, "question": ""})

    row = do_consult(**ask)
    assert row.access_until == rnd.due and row.grant.valid_to == rnd.due
    assert row.grant.scope[0] == f"cases.case:{case.pk}"
    assert can(lawyer, "view", case) and can(lawyer, "view", row)
    assert not can(lawyer, "view", rnd.review)  # the review's own rows stay the legal office's

    assert "不能早于征求意见日期" in _nothing_written(do_record_consultation_opinion, consultation=row, opinion="意见",
                                              on=day - dt.timedelta(days=1), actor=lawyer)
    do_record_consultation_opinion(row, opinion="裁量适当，建议维持。", on=day, actor=lawyer)
    assert "已经记录" in _nothing_written(do_record_consultation_opinion, consultation=row, opinion="再议",
                                      on=day, actor=zz.env.reviewer)

    # the access filter stops after the due date; the job makes the end final and ledgered
    assert not can(lawyer, "view", case, on_date=rnd.due + dt.timedelta(days=1))
    result = end_consultation_access.call()
    row.grant.refresh_from_db()
    assert row.grant.active and result["done"] == 0  # today is before the due date of a round still open
    type(rnd).objects.filter(pk=rnd.pk).update(status="withdrawn")  # the round ended
    assert end_consultation_access.call()["done"] == 1
    row.grant.refresh_from_db()
    assert not row.grant.active and not can(lawyer, "view", case)
    assert LedgerEntry.objects.filter(action="end_consultation_access").count() == 1
    assert end_consultation_access.call()["done"] == 0  # idempotent


def test_an_agency_colleague_needs_no_grant_and_a_person_without_account_none(zz, db):
    rnd, day = submitted_round(zz, today=True)
    row = do_consult(rnd, expertise="公职律师", name="孙律师", user=zz.leaders[1], question="是否涉嫌犯罪？", on=day,
                     actor=zz.env.reviewer)
    assert row.grant is None and row.access_until == rnd.due
    row = do_consult(rnd, expertise="行业专家", name="吴工程师", organisation="市质检所", question="检测结论可否采信？",
                     on=day, actor=zz.env.reviewer)
    assert row.user is None and row.grant is None and row.access_until is None
    do_record_consultation_opinion(row, opinion="检测结论可以采信。", on=day, actor=zz.env.reviewer)
    assert "不授予查阅权限" in _nothing_written(do_consult, rnd=rnd, expertise="行业专家", name="郑工程师",
                                          question="？", access_until=rnd.due, on=day, actor=zz.env.reviewer)


def test_no_consultation_where_the_profile_lists_nobody(db, django_db_blocker):
    fe = make_flow_env("pingluo-commerce")
    rnd, day = submitted_round(fe, conclude={"penalties": ["warning", "fine"], "fine": "20000",
                                             "flags": ["public_interest"]})
    assert "本机关的规定未列外部专业人员" in _nothing_written(do_consult, rnd=rnd, expertise="法律顾问", name="周律师",
                                                  question="？", on=day, actor=fe.env.reviewer)


def test_zhuzhou_reviewer_records_an_inquiry_of_the_party(zz, db):
    rnd, day = submitted_round(zz)
    ok = dict(rnd=rnd, kind="inquiry", held_on=day, persons="当事人张三", content="当事人称已下架全部过期食品。",
              actor=zz.env.reviewer)
    assert "请选择调查方式" in _nothing_written(do_record_inquiry, **{**ok, "kind": "phone"})
    assert "不能早于送审日期" in _nothing_written(do_record_inquiry, **{**ok, "held_on": day - dt.timedelta(days=5)})
    assert "只有本轮的审核人员" in _nothing_written(do_record_inquiry, NotPermitted, **{**ok, "actor": zz.env.head})
    row = do_record_inquiry(**ok)
    assert row.kind == "inquiry" and row.record is None
    do_record_inquiry(**{**ok, "kind": "joint_investigation", "persons": "钱审核、王执法", "content": "会同承办机构复核库存。"})
    assert ReviewInquiry.objects.filter(round=rnd).count() == 2


def test_urumqi_amr_reviewers_review_in_writing_only(amr, db):
    rnd, day = submitted_round(amr)
    message = _nothing_written(do_record_inquiry, rnd=rnd, kind="inquiry", held_on=day, persons="当事人",
                               content="了解情况", actor=amr.env.reviewer)
    assert "以书面审核为主，不向当事人调查" in message
