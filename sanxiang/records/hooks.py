"""What records adds: the closing check of the audio-video list (结案), the menu items 我的音像记录 and
上传文件, the case's evidence and recordings in the 卷内文件目录, and the 音像记录台账."""

from sanxiang.cases.guards import register_closing_check
from sanxiang.core.hooks import register_menu_item, signed_in

from .catalogue import closing_problem


def records_recordings(user) -> bool:
    from sanxiang.access.policy import current_roles
    from sanxiang.orgs.models import Role

    return signed_in(user) and current_roles(user).filter(role__in=(Role.OFFICER, Role.UNIT_HEAD)).exists()


register_closing_check(closing_problem)
register_menu_item("我的音像记录", "records:mine", order=17, visible=records_recordings)
register_menu_item("上传文件", "uploads-page", order=18, visible=records_recordings)


def _evidence_and_recordings(case) -> list[dict]:
    """The case's evidence (in force, not corrected) and recordings as entries of the 卷内文件目录."""
    from django.utils import timezone

    from .models import AudioVideoRecord, EvidenceItem

    entries = [{"title": f"{item.get_kind_display()}：{item.title}", "number": "",
                "date": item.collected_on, "note": ""}  # 收集日期, as the archive's catalogue dates it
               for item in EvidenceItem.objects.filter(case=case, corrections__isnull=True).order_by("created_at", "id")]
    entries += [{"title": f"音像记录：{rec.title}", "number": "", "date": timezone.localtime(rec.started_at).date(),
                 "note": "光盘或存储介质另存" if rec.upload_id else "尚未存储"}
                for rec in AudioVideoRecord.objects.filter(case=case).order_by("started_at", "id")]
    return entries


def _media_register():
    from django.utils import timezone

    from sanxiang.access.policy import restrict
    from sanxiang.registers.registry import DATE, Column, Register, register

    from .catalogue import ACTS
    from .models import AudioVideoRecord

    def query(user):
        return restrict(AudioVideoRecord.objects.select_related("case", "upload").prefetch_related("handovers"), user)

    def withheld(rec) -> str:
        """「已隐去（商业秘密）」 for a guarded recording's withheld text (retrieval/content.py RECORDING_FIELDS:
        its 地点 among them), as the case page shows it — read on the record's page with a purpose and
        查阅留痕 (s21 tester8 #7); "" for any other."""
        from sanxiang.orgs.marks import Confidentiality
        from sanxiang.retrieval import kinds

        mark = rec.confidentiality or (rec.case.confidentiality if rec.case_id else "")
        return f"已隐去（{Confidentiality(mark).label}）" if mark and kinds.is_confidential(mark) else ""

    def handed(rec):
        last = list(rec.handovers.all())[-1:] if rec.pk else []
        return f"{last[0].received_by}（{last[0].handed_at:%Y-%m-%d}）" if last else ""

    register(Register(
        name="media", label="音像记录台账", query=query, date_field="started_at__date", date_label="录制日期",
        unit_field="case__unit", order_by=("started_at", "id"), position=40,
        columns=(
            Column("case", "案号", lambda r: r.case.number if r.case_id else "（待关联）", width=24),
            Column("title", "名称", lambda r: r.title, width=24),
            Column("act", "执法活动", lambda r: ACTS.get(r.act, "")),
            Column("recorded_on", "录制日期", lambda r: timezone.localtime(r.started_at).date(), DATE, 12),
            Column("place", "地点", lambda r: withheld(r) or r.place, width=24),
            Column("recorder", "记录人", lambda r: r.recorder),
            Column("device", "记录设备", lambda r: r.device),
            Column("stored", "存储情况", lambda r: ("逾期存储" if r.stored_late else "已存储") if r.upload_id else "待存储"),
            Column("late_reason", "逾期存储理由", lambda r: r.late_reason, width=24),
            Column("handed", "原件移交", handed, width=20),
        ),
    ))


def _wire():
    from sanxiang.documents.kinds import RECORD_SOURCES

    RECORD_SOURCES.append(_evidence_and_recordings)
    _media_register()


_wire()
