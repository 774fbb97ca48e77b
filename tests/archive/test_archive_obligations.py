"""The archive obligation (案卷归档期限) per profile with real dates, and the January transfer list
(移交清单) where the profile sets a transfer month (Zhuzhou) — issue 8 §5."""

import datetime as dt

import pytest
from cases_cast import make_env, new_case
from django.db import transaction
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.archive import actions as A
from sanxiang.archive.models import ArchivedCaseFile, TransferList
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def envs(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield {key: make_env(profile_key=key) for key in ("zhuzhou-amr", "urumqi-gxq-amr", "")}
        transaction.set_rollback(True)


@pytest.mark.parametrize("profile, ended_on, due", [
    # 株洲：办结后 1 个月内 (records.archive_limit = 1 month, trigger case_closed)
    ("zhuzhou-amr", dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
    ("zhuzhou-amr", dt.date(2026, 6, 10), dt.date(2026, 7, 10)),
    # 乌鲁木齐高新区市场监管：自行政执法行为终结之日起 30 日内 (30 days, trigger action_end)
    ("urumqi-gxq-amr", dt.date(2026, 6, 10), dt.date(2026, 7, 10)),
    ("urumqi-gxq-amr", dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
    ("urumqi-gxq-amr", dt.date(2026, 3, 2), dt.date(2026, 4, 1)),
])
def test_the_archive_limit_per_profile(envs, profile, ended_on, due):
    case = new_case(envs[profile])
    obligation = A.do_open_archive_obligation(case, ended_on=ended_on, actor=OPERATOR)
    assert (obligation.kind, obligation.start, obligation.due) == (A.ARCHIVE_LIMIT, ended_on, due)
    assert A.do_open_archive_obligation(case, ended_on=ended_on, actor=OPERATOR).pk == obligation.pk  # once


def test_no_obligation_where_the_profile_sets_no_limit(envs):
    case = new_case(envs[""])
    entries = LedgerEntry.objects.count()
    assert A.do_open_archive_obligation(case, ended_on=dt.date(2026, 6, 10), actor=OPERATOR) is None
    assert LedgerEntry.objects.count() == entries


def archived_in(env, year, n):
    """Archived files of an earlier year, written directly (archiving for real is in test_case_file)."""
    out = []
    for seq in range(1, n + 1):
        case = new_case(env)
        out.append(ArchivedCaseFile.objects.create(
            case=case, agency=env.agency, archive_number=f"{env.agency.code}-{year}-{seq:04d}", archive_year=year,
            archive_seq=seq, outcome="penalty", catalogue_sha256="0" * 64, items=3, pages=5, retention="定期30年",
            retention_basis="测试", archived_at=timezone.now(), archived_by_name="system:cli"))
    return out


def test_the_transfer_list_of_last_years_files(envs):
    env = envs["zhuzhou-amr"]
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    last_year = timezone.localdate().year - 1
    files = archived_in(env, last_year, 2)
    assert list(A.waiting_for_transfer(env.agency, last_year)) == files

    with pytest.raises(NotPermitted):
        A.do_make_transfer_list(env.agency, year=last_year, received_by="档案室张某", actor=env.officer)
    before = (TransferList.objects.count(), LedgerEntry.objects.count())
    for year, received_by, message in ((last_year + 1, "档案室张某", "尚未结束"), (last_year, " ", "接收人"),
                                       (last_year - 1, "档案室张某", "没有待移交")):
        with pytest.raises(RuleViolation, match=message):
            A.do_make_transfer_list(env.agency, year=year, received_by=received_by, actor=keeper)
    assert (TransferList.objects.count(), LedgerEntry.objects.count()) == before

    transfer = A.do_make_transfer_list(env.agency, year=last_year, received_by="档案室张某", actor=keeper)
    assert [i["archive_number"] for i in transfer.items] == [f.archive_number for f in files]
    assert list(A.waiting_for_transfer(env.agency, last_year)) == []
    assert {f.transfer_id for f in ArchivedCaseFile.objects.filter(pk__in=[f.pk for f in files])} == {transfer.pk}
    with pytest.raises(Conflict):
        A.do_make_transfer_list(env.agency, year=last_year, received_by="档案室张某", actor=keeper)


def test_no_transfer_where_the_profile_sets_no_month(envs):
    env = envs["urumqi-gxq-amr"]
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    with pytest.raises(RuleViolation, match="未规定按年集中移交"):
        A.do_make_transfer_list(env.agency, year=2025, received_by="档案室", actor=keeper)


def test_the_job_opens_it_for_an_ended_case_once(envs):
    from cases_cast import reach

    from sanxiang.archive.tasks import open_archive_obligations
    from sanxiang.deadlines.models import Obligation
    from sanxiang.workflow import get_table

    case, _ = reach(envs["urumqi-gxq-amr"], get_table("penalty_general"), "not_filed")
    assert open_archive_obligations.call()["done"] >= 1
    obligation = Obligation.objects.get(kind=A.ARCHIVE_LIMIT, object_id=str(case.pk))
    assert obligation.start == A.ended_on(case) and obligation.count == 30 and obligation.unit == "days"
    assert open_archive_obligations.call()["done"] == 0
