"""株洲's rule that the audio-video originals go to the archive with the case file (records.av_upload_mode =
with_case_file, 株洲 plan 二（二）3.严格记录归档 3）): the 四性检测 — and so 归档 — names every recording whose
original the agency's 档案管理人员 does not hold; a profile without the rule shows no such item (s18 tester 5)."""

import datetime as dt

import pytest
from cases_cast import make_env, new_case
from django.db import transaction
from django.utils import timezone

from sanxiang.archive import actions as A
from sanxiang.core.errors import RuleViolation
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.records import evidence as E
from sanxiang.records import samples

pytestmark = pytest.mark.django_db
ITEM = "av_originals"


@pytest.fixture(scope="module")
def envs(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield {key: make_env(profile_key=key) for key in ("zhuzhou-amr", "")}
        transaction.set_rollback(True)


def recorded_case(env, title):
    case = new_case(env)
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    E.do_declare_recording(
        env.agency, case=case, upload=samples.completed_upload(samples.mp4(seed=case.pk), "执法记录仪.mp4",
                                                               actor=env.officer, agency_code=env.agency.code),
        act="onsite", title=title, content="执法人员出示证件、现场检查", party="张三", officers="王执法、李执法",
        recorder="王执法", started_at=start, ended_at=start + dt.timedelta(minutes=30), place="当事人经营场所",
        device="执法记录仪", purpose="证明现场检查过程", party_informed=True,
        opening_statement="现在开始现场检查，执法人员已出示执法证件，本次检查全程录音录像。",
        late_reason="测试：录像补录入系统", actor=env.officer)
    return case


def item(case):
    found = [i for c in A.check_case_file(case)["categories"] for i in c["items"] if i["code"] == ITEM]
    return found[0] if found else None


def hand_over(recording, to, actor, minutes):
    """`actor`, who holds the original, records handing it to `to` (decision 0085: the 移交人 is the caller)."""
    E.do_hand_over_recording(recording, received_by=to, actor=actor, medium="SD 卡",
                             place="档案室", handed_at=recording.ended_at + dt.timedelta(minutes=minutes))


def test_a_recording_not_handed_to_the_archive_fails_the_check_by_name_until_the_keeper_holds_it(envs):
    from sanxiang.records.models import AudioVideoRecord

    env = envs["zhuzhou-amr"]
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="周档案")
    case = recorded_case(env, "现场检查录像")
    recording = AudioVideoRecord.objects.get(case=case)
    found = item(case)
    assert not found["ok"] and len(found["failed"]) == 1
    assert "“现场检查录像”（2026-03-02 10:00）的原件尚未移交档案管理部门" in found["failed"][0]
    assert any("现场检查录像" in f for f in A.failed_items(A.check_case_file(case)))  # what 归档 refuses with
    hand_over(recording, "李执法", env.officer, 10)  # handed on, but not to the archive
    assert item(case)["failed"] == ["音像记录“现场检查录像”（2026-03-02 10:00）的原件现由李执法持有，尚未移交本机关档案管理人员"]
    hand_over(recording, "周档案", env.officer2, 20)  # 李执法 hands it to the keeper
    assert item(case)["ok"]


def test_a_profile_without_the_rule_has_no_such_item(envs):
    case = recorded_case(envs[""], "现场检查录像")
    assert item(case) is None


def test_the_keeper_is_matched_by_account_not_by_name(envs):
    """s19 (issue 8): the receiver of the latest hand-over is the keeper's account, not a name — a namesake
    who is no records keeper does not count, and the keeper still counts once their name is changed."""
    from sanxiang.orgs.models import Person
    from sanxiang.records.models import AudioVideoRecord

    env = envs["zhuzhou-amr"]
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="吴档案")
    namesake = T.member(env.agency, Role.OFFICER, unit=env.unit)
    T.person(env.agency, user_obj=namesake, name="吴档案")  # same name, an officer
    case = recorded_case(env, "扣押现场录像")
    recording = AudioVideoRecord.objects.get(case=case)
    E.do_hand_over_recording(recording, received_by="吴档案", receiver=namesake, actor=env.officer,
                             medium="SD 卡", place="执法科", handed_at=recording.ended_at + dt.timedelta(minutes=10))
    assert recording.handovers.get().received_by_user == namesake
    assert item(case)["failed"] == ["音像记录“扣押现场录像”（2026-03-02 10:00）的原件现由吴档案持有，尚未移交本机关档案管理人员"]
    # the namesake who holds it hands it to the keeper: linked to her account, and the check passes
    E.do_hand_over_recording(recording, received_by="档案室吴档案", receiver=keeper, actor=namesake,
                             medium="SD 卡", place="档案室", handed_at=recording.ended_at + dt.timedelta(minutes=20))
    assert item(case)["ok"]
    Person.objects.filter(user=keeper).update(name="吴某某")  # renamed: still the keeper who holds it
    assert item(case)["ok"]
    # an ambiguous name and no account named: refused (decision 0085; before, a hand-over to nobody)
    Person.objects.filter(user=keeper).update(name="吴档案")
    other = recorded_case(env, "抽样录像")
    rec = AudioVideoRecord.objects.get(case=other)
    with pytest.raises(RuleViolation, match="接收人“吴档案”不是本机关的用户（或有同名用户，请指定接收人账号）"):
        E.do_hand_over_recording(rec, received_by="吴档案", actor=env.officer, medium="SD 卡", place="档案室",
                                 handed_at=rec.ended_at + dt.timedelta(minutes=10))
    assert not rec.handovers.exists() and not item(other)["ok"]
    with pytest.raises(RuleViolation, match="接收人须是本机关的用户"):
        E.do_hand_over_recording(rec, received_by="档案室", receiver=T.user(), actor=env.officer,
                                 medium="SD 卡", place="档案室", handed_at=rec.ended_at + dt.timedelta(minutes=30))
    with pytest.raises(RuleViolation, match="接收人账号是吴档案的，与填写的接收人“刘某”不一致"):  # s19 tester8 #5
        E.do_hand_over_recording(rec, received_by="刘某", receiver=keeper, actor=env.officer,
                                 medium="SD 卡", place="档案室", handed_at=rec.ended_at + dt.timedelta(minutes=30))


def test_the_migration_links_the_receivers_recorded_before_by_the_same_rule(envs):
    """records 0005 fills `received_by_user` of the rows recorded by name before (the keeper's own
    hand-over: to her account; a name no user has: left empty)."""
    import importlib

    from django.apps import apps

    from sanxiang.records.models import AudioVideoRecord

    migration = importlib.import_module("sanxiang.records.migrations.0005_handover_receiver_user")
    env = envs["zhuzhou-amr"]
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="郑档案")
    case = recorded_case(env, "先行登记保存录像")
    recording = AudioVideoRecord.objects.get(case=case)
    from sanxiang.records.models import RecordingHandover

    for by, to, minutes in (("王执法", "档案室", 10), ("档案室", "郑档案", 20)):  # as recorded before the field
        RecordingHandover.objects.create(recording=recording, handed_by=by, received_by=to, medium="SD 卡",
                                         place="档案室", handed_at=recording.ended_at + dt.timedelta(minutes=minutes),
                                         recorded_by=env.officer, recorded_at=timezone.now())
    assert not item(case)["ok"]
    migration.link_receivers(apps, None)
    assert [h.received_by_user for h in recording.handovers.order_by("handed_at")] == [None, keeper]
    assert item(case)["ok"]
