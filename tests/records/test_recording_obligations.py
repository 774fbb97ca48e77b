"""音像记录存储时限: the upload obligation runs from the end of recording, per profile (24 hours for the
Urumqi AMR, never rolled over; 3 working days for the Urumqi HRSS, across weekends and holidays;
after the return for remote work where the profile says so), met when the file is attached."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from records_cast import counts, video

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.actions import do_mark_overdue_obligations, seed_calendar
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.records import evidence as E
from sanxiang.records.models import AudioVideoRecord

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture(scope="module")
def officers(django_db_setup, django_db_blocker):
    """An officer (with a unit) in an agency of each profile that differs."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_calendar(actor=OPERATOR, years=[2026])
        found = {}
        for key in ("urumqi-gxq-amr", "urumqi-gxq-hrss", ""):
            agency = T.agency(profile_key=key)
            unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
            user = T.member(agency, Role.OFFICER, unit=unit)
            T.person(agency, unit=unit, user_obj=user, name="王执法")
            found[key or "national"] = user
        yield found
        transaction.set_rollback(True)


def agency_of(user):
    from sanxiang.access.policy import current_roles

    return current_roles(user).first().agency


META = {"title": "查封现场录像", "officers": "王执法、李执法", "recorder": "李执法", "place": "某市场冷库",
        "device": "执法记录仪 DSJ-01", "party": "某某食品有限公司", "purpose": "证明查封过程合法",
        "opening_statement": "现在是2026年10月30日15时，执法人员王执法、李执法在某市场冷库实施查封，正在录音录像。",
        "party_informed": True}


def declare(user, ended, *, started=None, **extra):
    ended_at = at(ended)
    started_at = started or (ended_at - dt.timedelta(hours=1)).isoformat()
    return E.do_declare_recording(agency_of(user), started_at=started_at, ended_at=ended_at.isoformat(),
                                  actor=user, **{**META, **extra})


CASES = [
    # profile, ended, remote return, due day, due instant (hours only)
    ("urumqi-gxq-amr", "2026-10-30T17:00", None, dt.date(2026, 10, 31), "2026-10-31T17:00"),  # Friday → Saturday: not rolled over
    ("urumqi-gxq-amr", "2026-09-30T20:30", None, dt.date(2026, 10, 1), "2026-10-01T20:30"),  # into National Day
    ("urumqi-gxq-amr", "2026-10-26T10:00", "2026-10-28T09:00", dt.date(2026, 10, 29), "2026-10-29T09:00"),  # after return
    ("urumqi-gxq-hrss", "2026-10-30T17:00", None, dt.date(2026, 11, 4), None),  # Fri → Mon, Tue, Wed
    ("urumqi-gxq-hrss", "2026-09-30T17:00", None, dt.date(2026, 10, 10), None),  # Oct 8, 9 and the make-up Saturday 10
    ("urumqi-gxq-hrss", "2026-10-30T17:00", "2026-11-03T18:00", dt.date(2026, 11, 4), None),  # no after-return rule: from the end
]


@pytest.mark.parametrize("profile,ended,returned,due,due_at", CASES)
def test_the_obligation_runs_from_the_end_of_recording_per_profile(officers, profile, ended, returned, due, due_at):
    extra = {"remote_work": True, "returned_at": at(returned).isoformat()} if returned else {}
    rec = declare(officers[profile], ended, **extra)
    ob = E.upload_obligation(rec)
    assert ob.kind == "音像记录存储" and ob.status == Obligation.OPEN and ob.due == due
    assert (ob.due_at and timezone.localtime(ob.due_at, TZ).isoformat()[:16]) == (due_at and due_at[:16])


def test_no_obligation_where_the_profile_sets_no_limit(officers):
    rec = declare(officers["national"], "2026-10-30T17:00", title="现场检查录像",
                  **{k: "" for k in ("party", "purpose")})
    assert E.upload_obligation(rec) is None


def test_attaching_late_is_shown_late_and_meets_the_obligation(officers):
    user = officers["urumqi-gxq-amr"]
    rec = declare(user, "2026-10-30T17:00")
    do_mark_overdue_obligations(today=dt.date(2026, 11, 2), actor=JOBS)  # the job runner's sweep flags it
    assert E.upload_obligation(rec).status == Obligation.OVERDUE
    # defect #14f: stored late, the reason of the delay is required (a refusal writes nothing), then kept
    upload = video(user)
    before = counts()
    with pytest.raises(RuleViolation) as caught:
        E.do_attach_recording_upload(rec, upload, late_reason="  ", actor=user)
    assert caught.value.field == "late_reason" and "逾期的理由" in caught.value.message and counts() == before
    with pytest.raises(RuleViolation) as caught:  # nor 「x」 (s22 tester8 #8)
        E.do_attach_recording_upload(rec, upload, late_reason="x", actor=user)
    assert caught.value.code == "reason_too_short" and caught.value.field == "late_reason" and counts() == before
    rec.refresh_from_db()
    assert rec.upload is None and E.upload_obligation(rec).status == Obligation.OVERDUE
    rec = E.do_attach_recording_upload(rec, upload, late_reason="执法记录仪故障，送修后导出", actor=user)
    ob = E.upload_obligation(rec)
    assert rec.stored_late and ob.status == Obligation.MET and rec.stored_at == rec.upload.completed_at
    assert AudioVideoRecord.objects.get(pk=rec.pk).late_reason == "执法记录仪故障，送修后导出"
    entry = LedgerEntry.objects.filter(action="store_recording", object_id=str(rec.pk)).get()
    assert json.loads(entry.entry)["payload"]["late_reason"] == "执法记录仪故障，送修后导出"


def test_attaching_within_the_limit_is_on_time(officers):
    user = officers["urumqi-gxq-amr"]
    ended = timezone.localtime(timezone.now() - dt.timedelta(hours=2), TZ)
    rec = E.do_declare_recording(agency_of(user), started_at=(ended - dt.timedelta(hours=1)).isoformat(),
                                 ended_at=ended.isoformat(), actor=user, **META)
    rec = E.do_attach_recording_upload(rec, video(user), actor=user)
    assert not rec.stored_late and E.upload_obligation(rec).status == Obligation.MET


def test_registered_with_its_upload_the_obligation_opens_and_is_met(officers):
    user = officers["urumqi-gxq-hrss"]
    ended = timezone.localtime(timezone.now() - dt.timedelta(hours=2), TZ)
    rec = E.do_declare_recording(agency_of(user), started_at=(ended - dt.timedelta(hours=1)).isoformat(),
                                 ended_at=ended.isoformat(), upload=video(user), actor=user, **META)
    assert E.upload_obligation(rec).status == Obligation.MET and rec.upload is not None and not rec.stored_late


@pytest.mark.parametrize("profile,changes,words", [
    ("urumqi-gxq-hrss", {"purpose": ""}, "证明对象"),  # 采集时间、采集地点、采集人、证明对象
    ("urumqi-gxq-hrss", {"opening_statement": ""}, "语音说明"),  # av_voice_announcement
    ("urumqi-gxq-hrss", {"purpose": "", "opening_statement": ""}, "证明对象；开始时应语音说明"),  # s17 #22d: at once
    ("urumqi-gxq-hrss", {"title": "", "recorder": " ", "place": "", "purpose": "", "opening_statement": ""},
     "请填写名称、记录人、地点；按本机关规定，音像记录还须标明：证明对象；开始时应语音说明"),  # all at once, s18
    ("urumqi-gxq-amr", {"party": ""}, "当事人姓名或者名称"),
    ("urumqi-gxq-amr", {"remote_work": True}, "返回单位时间"),
    ("urumqi-gxq-amr", {"returned_at": "2026-10-31T09:00"}, "只有异地执法"),
    ("urumqi-gxq-amr", {"started": "2026-10-30T18:00"}, "结束时间早于开始时间"),
    ("urumqi-gxq-amr", {"act": "dance"}, "执法活动"),
])
def test_a_refused_declaration_writes_nothing(officers, profile, changes, words):
    before = counts()
    with pytest.raises(RuleViolation) as caught:
        declare(officers[profile], "2026-10-30T17:00", **changes)
    assert words in caught.value.message
    assert counts() == before


def test_an_upload_cannot_be_attached_twice(officers):
    user = officers["urumqi-gxq-amr"]
    upload = video(user)
    first = declare(user, "2026-10-30T17:00", upload=upload, late_reason="存储卡损坏，送修后导出")
    second = declare(user, "2026-10-30T19:00")
    before = counts()
    with pytest.raises(Exception) as caught:
        E.do_attach_recording_upload(second, upload, actor=user)
    assert "已存储为" in caught.value.message and str(first.title) in caught.value.message
    assert counts() == before


def test_a_return_days_after_the_recording_is_explained_and_shown(officers, client):
    """s23 tester8 #11: ticking 异地执法 and typing a return 85 days after the recording moved the storage
    deadline with nothing asked and the register showed it stored on time. After the profile's bound (7
    days, the platform's marked default) the reason is required (a refusal writes nothing), kept and shown."""
    user = officers["urumqi-gxq-amr"]
    far = {"remote_work": True, "returned_at": at("2026-11-24T08:00").isoformat()}
    before = counts()
    with pytest.raises(RuleViolation) as caught:
        declare(user, "2026-09-01T09:40", **far)
    assert caught.value.code == "return_reason_missing" and "记录结束后 84 日" in caught.value.message
    with pytest.raises(RuleViolation) as caught:
        declare(user, "2026-09-01T09:40", return_reason="x", **far)
    assert caught.value.code == "reason_too_short" and counts() == before
    rec = declare(user, "2026-09-01T09:40", return_reason="在南疆连续执法检查，11 月 24 日返回", **far)
    assert rec.late_reason == "在南疆连续执法检查，11 月 24 日返回" and rec.return_days == 84
    entry = LedgerEntry.objects.filter(action="declare_recording", object_id=str(rec.pk)).get()
    assert json.loads(entry.entry)["payload"]["return_reason"] == "在南疆连续执法检查，11 月 24 日返回"
    near = declare(user, "2026-10-26T10:00", remote_work=True, returned_at=at("2026-10-28T09:00").isoformat())
    assert near.late_reason == ""


RETURNS = [
    # profile, ended, returned, reason asked — the bound is the profile's records.remote_return_reason_after
    ("urumqi-gxq-amr", "2026-10-30T17:00", "2026-11-06T23:00", False),  # 7 days (platform default): 11-06 is day 7
    ("urumqi-gxq-amr", "2026-10-30T17:00", "2026-11-07T08:00", True),  # day 8
    ("urumqi-gxq-hrss", "2026-09-30T17:00", "2026-10-07T18:00", False),  # through National Day, calendar days
    ("urumqi-gxq-hrss", "2026-09-30T17:00", "2026-10-08T08:30", True),
    ("remote-3-workdays", "2026-10-30T17:00", "2026-11-04T20:00", False),  # Fri → Mon, Tue, Wed
    ("remote-3-workdays", "2026-10-30T17:00", "2026-11-05T08:00", True),
    ("remote-36-hours", "2026-10-30T17:00", "2026-11-01T05:00", False),  # to the hour
    ("remote-36-hours", "2026-10-30T17:00", "2026-11-01T05:01", True),
    ("remote-no-bound", "2026-09-01T09:40", "2026-11-24T08:00", False),  # an agency setting none asks nothing
]


@pytest.fixture
def remote_profiles(tmp_path, monkeypatch):
    """Agencies whose own profile sets another bound than the platform's default (a file beside the shipped
    ones, as an agency's would be)."""
    from sanxiang.profiles import registry

    files = []
    for key, value in (("remote-3-workdays", '{ count = 3, unit = "workdays" }'),
                       ("remote-36-hours", '{ count = 36, unit = "hours" }'), ("remote-no-bound", None)):
        body = f"value = {value}" if value else "not_applicable = true"
        path = tmp_path / f"{key}.toml"
        path.write_text(f'key = "{key}"\nname = "测试机关"\nextends = "urumqi-gxq-amr"\n\n'
                        f'[records.remote_return_reason_after]\n{body}\ncitation = "测试机关方案：返回单位的期限"\n',
                        encoding="utf-8")
        files.append(path)
    monkeypatch.setattr(registry, "_default", lambda: registry.Registry(registry.DATA_DIR, extra_files=files))
    found = {}
    for key in ("remote-3-workdays", "remote-36-hours", "remote-no-bound"):
        agency = T.agency(profile_key=key)
        user = T.member(agency, Role.OFFICER, unit=A.do_create_unit(agency, "执法一队", actor=OPERATOR))
        T.person(agency, user_obj=user, name="王执法")
        found[key] = user
    return found


@pytest.mark.parametrize("profile,ended,returned,asked", RETURNS)
def test_the_return_bound_is_the_agencys_profile_value(officers, remote_profiles, profile, ended, returned, asked):
    """The bound after which a late return needs its reason is a profile value (decision 0089), not a
    constant: the shipped agencies inherit the platform's marked default of 7 days; an agency's own value
    (3 working days, 36 hours) or none replaces it. The storage deadline itself still runs from the return
    (乌鲁木齐市场监管 返回单位后24小时内, unchanged)."""
    user = {**officers, **remote_profiles}[profile]
    far = {"remote_work": True, "returned_at": at(returned).isoformat()}
    if asked:
        before = counts()
        with pytest.raises(RuleViolation) as caught:
            declare(user, ended, **far)
        assert caught.value.code == "return_reason_missing" and "超过本机关规定的" in caught.value.message
        assert counts() == before
        rec = declare(user, ended, return_reason="连续在外执法检查，任务结束后返回", **far)
        assert rec.late_reason == "连续在外执法检查，任务结束后返回"
    else:
        rec = declare(user, ended, **far)
        assert rec.late_reason == ""
    if profile == "urumqi-gxq-amr":
        assert timezone.localtime(E.upload_obligation(rec).due_at, TZ) == at(returned) + dt.timedelta(hours=24)


def test_the_default_is_marked_as_the_platforms():
    from sanxiang.profiles.registry import get_profile

    for key in ("national", "urumqi-gxq-amr", "zhuzhou-amr"):
        entry = get_profile(key).entry("records.remote_return_reason_after", on="2026-10-30")
        assert entry.value == {"count": 7, "unit": "days"} and entry.citation.startswith("平台默认值")
    assert get_profile("urumqi-gxq-amr").value("records.av_upload_after_return") == {"count": 24, "unit": "hours"}
