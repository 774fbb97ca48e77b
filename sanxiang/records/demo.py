"""Demo evidence and recordings (a few KB each, made in code by `samples`): on the closed penalty case of
乌鲁木齐高新区市场监管局 (its profile: 24-hour upload limit, 查封扣押 on the audio-video list) — a photo of
the invoices (书证), the party's recorded statement with its transcript (当事人的陈述), the on-site
recording stored and its evidence copy (视听资料, with the generated 文字说明), its original handed to the
archive — and one recording its officer made this morning before any case, waiting to be stored
and linked (我的音像记录). One agency only: every test module that loads the demo pays for it."""

import datetime as dt

DEMO_AGENCY = "urumqi-gxq-amr"


def load(stdout) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sanxiang.cases.models import Case
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    from . import evidence as E
    from . import samples
    from .models import AudioVideoRecord, EvidenceItem

    spec = next((s for s in AGENCIES if s["code"] == DEMO_AGENCY), None)
    agency = Agency.objects.filter(code=DEMO_AGENCY).first()
    if spec is None or agency is None:
        return []
    officer = get_user_model().objects.get(username=f"{spec['prefix']}-officer")
    case = Case.objects.filter(agency=agency, kind="penalty", procedure="general", status="closed").order_by("id").first()
    if case is None or EvidenceItem.objects.filter(case=case).exists():
        return []

    def upload(data, name):
        return samples.completed_upload(data, name, actor=officer, agency_code=agency.code)

    day = case.filed_on or case.clue_on
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    common = {"collected_on": day, "collected_by": "执法人员", "place": "当事人经营场所", "occurred_at": start,
              "officers": "执法人员二名", "recorder": "执法人员"}
    E.do_register_evidence(case, upload(samples.png(seed=1), "进货单据.png"), kind="documentary", title="进货单据照片",
                           source="当事人提供", content="当事人提供的进货单据 3 张（拍照留存）", purpose="证明进货数量和时间",
                           actor=officer, **common)
    E.do_register_evidence(case, upload(samples.mp3(seed=1), "询问录音.mp3"), kind="statement", title="当事人陈述录音",
                           source="询问当事人", content="询问当事人进货和销售情况的录音", purpose="证明当事人知晓食品已超过保质期", actor=officer,
                           transcript="问：这些牛奶是什么时候进的货？\n答：今年八月初，一共二十箱。\n问：你是否知道已经过期？\n答：知道。",
                           **common)
    recording = E.do_declare_recording(
        agency, case=case, upload=upload(samples.mp4(seed=1), "执法记录仪_现场检查.mp4"), act="onsite",
        title="现场检查录像", content="执法人员出示证件、检查冷柜、清点过期牛奶", party="、".join(
            cp.party.name for cp in case.case_parties.select_related("party")) or "当事人",
        officers="执法人员二名", recorder="执法人员", started_at=start, ended_at=start + dt.timedelta(minutes=40),
        place="当事人经营场所", device="执法记录仪", purpose="证明现场检查过程", party_informed=True,
        opening_statement="现在开始现场检查，执法人员已出示执法证件，本次检查全程录音录像。",
        late_reason="执法记录仪存储卡损坏，经送修恢复数据后存储", actor=officer)
    E.do_register_evidence(case, recording=recording, kind="audiovisual", title="现场检查录像（复制件）",
                           source="执法记录仪原始记录复制", actor=officer, **common)
    keeper = get_user_model().objects.get(username=f"{spec['prefix']}-records")  # 档案管理人员 (decision 0085)
    keeper_person = keeper.people.filter(agency=agency).first()
    E.do_hand_over_recording(recording, received_by=keeper_person.name if keeper_person else keeper.get_full_name(),
                             receiver=keeper, handed_at=start + dt.timedelta(days=1), medium="执法记录仪存储卡",
                             place="本局档案室", actor=officer)
    if not AudioVideoRecord.objects.filter(agency=agency, case__isnull=True).exists():
        ended = timezone.now() - dt.timedelta(hours=3)
        E.do_declare_recording(agency, title="巡查录像（尚未立案）", party="某商户", officers="执法人员二名",
                               recorder="执法人员", started_at=ended - dt.timedelta(minutes=20), ended_at=ended,
                               place="辖区农贸市场", device="执法记录仪", act="onsite", purpose="巡查中发现的疑似违法经营",
                               actor=officer)
    return [f"证据与音像记录：{agency.name}的已结案案件登记证据 3 项、音像记录 1 条（已存储、原件已移交）；"
            "执法人员另有 1 条待存储、待关联案件的巡查录像（我的音像记录）"]
