"""The acts on evidence items (证据) and audio-video records (音像记录), made from completed uploads.

Each checks permission and the law before writing, then writes its rows and appends its ledger
entry — with the stored file (`files=`), so `sanxiang verify` re-hashes it — in one transaction:
a refusal writes nothing (no row, no entry, no obligation).
"""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can, current_roles
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.core.text import check_reason_text
from sanxiang.deadlines.actions import do_open_obligation, meet_obligations_of
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.queries import profile_key_of, profile_value
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.marks import Confidentiality

from . import catalogue
from . import content as file_types
from .models import AudioVideoRecord, EvidenceItem, EvidenceKind, RecordingHandover, RecordingWaiver, Upload

register_actions({
    "register_evidence": "登记证据",
    "correct_evidence": "更正证据",
    "declare_recording": "登记音像记录",
    "store_recording": "音像记录存储",
    "link_recording": "音像记录关联案件",
    "confirm_record_by_party": "当事人签名确认",
    "approve_recording_exception": "批准未音像记录的例外",
    "explain_missing_recording": "说明未音像记录的理由",
    "hand_over_recording": "移交音像记录原件",
})

UPLOAD_DUTY = "音像记录存储"  # the obligation's kind, as people see it

# The words of `records.av_metadata_fields` → the recording's field that holds it. Case-derived
# words (案号) are met once the recording is linked to its case.
METADATA_FIELDS = {
    "案号": "case", "案件编号": "case", "执法案卷编号": "case",
    "当事人姓名或者名称": "party", "当事人": "party",
    "承办人姓名": "officers", "执法人员": "officers",
    "采集时间": "started_at", "记录时间": "started_at", "制作时间": "started_at",
    "采集地点": "place", "地点": "place",
    "采集人": "recorder", "记录人员": "recorder", "制作人": "recorder",
    "证明对象": "purpose", "拟证明目的": "purpose",
    "记录内容": "content",
    "制作方法": "device",
}


def _text(value, label: str, field: str, *, required=False, max_length=300) -> str:
    return inputs.text(value, label=label, field=field, max_length=max_length, required=required)


def _moment(value, label: str, field: str, *, required=False) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            raise RuleViolation(f"请填写{label}。", field=field)
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleViolation(f"{label}“{value}”不是有效的时间（例如 2026-03-02T09:30）。", field=field) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise RuleViolation(f"{label}不能晚于现在。", field=field)
    return moment


def _day(value, label: str, field: str) -> dt.date:
    return inputs.day(value, label=label, field=field, empty=inputs.REQUIRED, not_after_today=True)


def _confidentiality(value, default) -> str:
    if value in (None, ""):
        return default
    if value not in Confidentiality.values:
        raise RuleViolation(f"没有“{value}”这种保密标识。", field="confidentiality")
    return value


def _floor_mark(upload: Upload, replaces, recording, kept: set, agency) -> tuple[str, str] | None:
    """(mark, whose) the lowest mark an item of this file may carry (decision 0076): an evidence copy is
    at least as confidential as its recording, a correction as the item it corrects, and any item as
    every other record **of the same agency** holding the same bytes — else the file would be served to
    more people, less guarded, through the copy (s21 tester8 #1). Another agency's records neither set
    the floor nor are named: a mark belongs to the agency's own record, and a refusal naming another
    agency's evidence would tell who holds a file (decision 0081, s22 tester8 #1). None when nothing
    sets a floor."""
    from sanxiang.orgs.marks import lower_than

    sources = []
    if recording is not None:
        sources.append((recording.confidentiality, f"音像记录“{recording.title}”"))
    if replaces is not None:
        sources.append((replaces.confidentiality, f"所更正的证据“{replaces.title}”"))
    if upload.sha256:
        from sanxiang.documents.models import PaperOriginal

        for model, label in ((EvidenceItem, "证据"), (AudioVideoRecord, "音像记录"), (PaperOriginal, "纸质原件")):
            rows = model.objects.filter(upload__sha256=upload.sha256)
            if model is EvidenceItem:
                rows = rows.filter(case__agency_id=agency.pk).exclude(pk__in=kept)
            elif model is PaperOriginal:  # a scan takes part too (s23 tester8 #9, decision 0088)
                rows = rows.filter(case__agency_id=agency.pk)
            else:
                rows = rows.filter(agency_id=agency.pk)
            named = "number" if model is PaperOriginal else "title"
            for title, mark in rows.values_list(named, "confidentiality"):
                # a 国家秘密 record's title may itself be secret: not named (s23 tester8 #6)
                title = "国家秘密记录" if mark == Confidentiality.STATE_SECRET else title
                sources.append((mark, f"内容相同的{label}“{title}”" if title else f"内容相同的{label}"))
    best = None
    for mark, whose in sources:
        if best is None or lower_than(best[0], mark):
            best = (mark, whose)
    return best


def _mark_for_copy(value, default, floor) -> str:
    """The item's mark: the one given, else `default` (the case's) — never below `floor` (decision 0076:
    lowering a copy's mark is a declassification, which this system does not do on the officer's word)."""
    from sanxiang.orgs.marks import lower_than

    mark = _confidentiality(value, default)
    if floor is None or not lower_than(mark, floor[0]):
        return mark
    if value in (None, ""):
        return floor[0]  # not chosen: the source's mark
    raise RuleViolation(f"保密标识不能低于{floor[1]}的“{Confidentiality(floor[0]).label}”：复制件、更正和内容相同的"
                        "文件沿用原记录的保密标识，或选择更高的标识。", field="confidentiality", code="confidentiality_below_source")


_user = acting_user


def file_record(upload: Upload) -> dict:
    return {"path": upload.path, "sha256": upload.sha256, "sm3": upload.sm3, "size": upload.length}


MEDIA_DESCRIPTION = (("content", "内容说明"), ("occurred_at", "形成时间"), ("place", "地点"), ("officers", "执法人员"),
                     ("recorder", "记录人（拍摄人、录制人）"), ("purpose", "证明对象"))


def _describe_media(row: EvidenceItem, upload: Upload) -> None:
    """Photos, audio and video registered as evidence carry their description — content, time,
    place, officers, recorder, purpose (issue 8 §2) — every missing one named at once (s18 tester 13).
    A copy of a recording has the recording's; 电子数据 its 提取笔录."""
    if not (upload.media_type or "").startswith(("image/", "audio/", "video/")):
        return
    missing = [(field, label) for field, label in MEDIA_DESCRIPTION if not getattr(row, field)]
    if missing:
        what = {"image": "照片（图片）", "audio": "录音", "video": "录像"}[upload.media_type.split("/")[0]]
        raise RuleViolation(f"{what}作为证据须写明：{'、'.join(label for _, label in missing)}。",
                            field=missing[0][0], code="media_description_missing")


def _not_electronic_data(upload: Upload) -> None:
    """An 音像记录's file is a sound or video recording, judged by its bytes (the type found at upload),
    never a document, photo or 电子数据 (s21 tester8 #5: a PDF cleared a mandatory 全程音像记录 act)."""
    from .catalogue import is_audio_video

    if file_types.is_electronic_data(upload.media_type):
        raise RuleViolation(f"{file_types.type_label(upload.media_type)}不是音像记录，只能作为电子数据登记为证据。",
                            field="upload", code="electronic_data_only")
    if not is_audio_video(upload):
        raise RuleViolation(f"{file_types.type_label(upload.media_type)}不是录音或录像：音像记录的文件应当是音频或视频"
                            "（按文件内容判断）。照片、文书等请登记为证据。", field="upload", code="not_audio_video")
    problem = media_problem(upload)
    if problem:  # a header alone is no recording (s22 tester8 #5)
        raise RuleViolation(f"文件“{upload}”不是可播放的录音或录像：{problem}。请上传完整的原始文件。", field="upload",
                            code="media_unplayable")


def media_problem(upload: Upload) -> str | None:
    """Why the stored MP4/MOV/M4A/3GP, WAV, MP3 or WebM/Matroska file holds nothing playable
    (`content.media_checker`; s22 and s23 tester8 #5/#1), else None; other formats are judged by their
    type alone."""
    from sanxiang import storage

    with storage.open_file(upload.path) as fh:
        check = file_types.media_checker(fh.read(16))
    if check is None:
        return None
    with storage.open_file(upload.path) as fh:
        return check(fh)


def own_upload(upload: Upload | None, agency, actor, *, field="upload") -> Upload:
    """The upload, checked: the actor's own, of `agency`, complete (else refused, nothing written)."""
    if upload is None:
        raise RuleViolation("请选择一个已上传完成的文件。", field=field)
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.owner_id != getattr(actor, "pk", None):
        raise NotFound("未找到该上传，或您无权查看。", code="upload_not_found")
    if upload.agency_id != agency.pk:
        raise RuleViolation(f"该文件是为{upload.agency.name}上传的，不能用于{agency.name}的记录。", field=field)
    if not upload.complete and upload.offset == 0:  # nothing kept: cut off at once, or refused (its type, s18 U1)
        raise RuleViolation(f"文件“{upload}”没有收到任何数据：上传被中断，或文件被拒绝（例如不允许的文件类型），"
                            "不能登记；请重新上传。", field=field)
    if not upload.complete:
        raise RuleViolation(f"文件“{upload}”尚未上传完成（已接收 {upload.offset}/{upload.length} 字节）。", field=field)
    return upload


def _chain(item: EvidenceItem | None) -> set[int]:
    """The item and those it corrects, back to the first."""
    seen = set()
    while item is not None and item.pk not in seen:
        seen.add(item.pk)
        item = item.replaces
    return seen


def _in_force(item: EvidenceItem) -> EvidenceItem:
    """The item in force of `item`'s chain of corrections: the newest correction, followed forward."""
    seen = {item.pk}
    while True:
        nxt = item.corrections.order_by("-created_at", "-id").first()
        if nxt is None or nxt.pk in seen:
            return item
        seen.add(nxt.pk)
        item = nxt


# ---- 证据 -------------------------------------------------------------------------------------

@transaction.atomic
def do_register_evidence(case, upload: Upload | None = None, *, kind, title, source, collected_on, collected_by,
                         content="", occurred_at=None, place="", officers="", recorder="", purpose="",
                         transcript="", confidentiality=None, extraction: dict | None = None, recording=None,
                         replaces: EvidenceItem | None = None, supplement_reason="", correction_reason="",
                         actor) -> EvidenceItem:
    """登记证据 (or, with `replaces`, 更正证据): an item of the case made from a completed upload of the
    actor's own — or, for an evidence copy of an audio-video record of the case, from its file. On an
    archived case only as 归档后补充 with its `supplement_reason`, never a correction (the documents' rule).
    A correction states why (`correction_reason`, the documents' rule and function; s20 tester8 #9)."""
    from sanxiang.cases.models import Case
    from sanxiang.documents.actions import _correction_reason, _supplement_reason

    case = Case.objects.select_related("agency").select_for_update(of=("self",)).get(pk=case.pk)
    if not can(actor, "record_evidence", case):
        raise NotPermitted(f"您无权登记案件{case.title}的证据。")
    supplement_reason = _supplement_reason(case, supplement_reason, replaces, act="登记证据")
    if kind not in EvidenceKind.values:
        raise RuleViolation(f"没有“{kind}”这种证据（行政处罚法第四十六条列举的八种）。", field="kind")
    if replaces is not None:
        replaces = EvidenceItem.objects.select_for_update(of=("self",)).select_related("replaces").get(pk=replaces.pk)
        if replaces.case_id != case.pk:
            raise RuleViolation("更正的证据须属于同一案件。", field="replaces")
        if replaces.corrections.exists():
            raise Conflict(f"{replaces}已被更正，请更正其最新的一条。", code="evidence_already_corrected",
                           field="replaces")
        correction_reason = _correction_reason(correction_reason, replaces)
    else:
        correction_reason = ""
    if recording is not None:
        recording = AudioVideoRecord.objects.select_for_update(of=("self",)).select_related("upload").get(pk=recording.pk)
        if recording.case_id != case.pk:
            raise RuleViolation("复制件须来自本案的音像记录。", field="recording")
        if recording.upload is None:
            raise RuleViolation(f"{recording}尚未存储文件，不能制作复制件。", field="recording")
        if kind != EvidenceKind.AUDIOVISUAL:
            raise RuleViolation("音像记录的复制件属于视听资料。", field="kind")
        upload = upload or recording.upload
        if upload.pk != recording.upload_id:
            upload = own_upload(upload, case.agency, actor)
    elif replaces is not None and upload is not None and upload.pk == replaces.upload_id:
        upload = replaces.upload  # a correction of the text keeps the item's file, whoever uploaded it
    else:
        upload = own_upload(upload, case.agency, actor)
    kept = _chain(replaces)
    others = EvidenceItem.objects.filter(upload=upload).exclude(pk__in=kept).first() or _paper_use(upload)
    if others is not None:
        raise Conflict(f"该文件已登记为{others}，不能再登记为另一项证据；如需更正，请更正该项证据。",
                       code="upload_already_used", field="upload")
    # The same bytes uploaded again are the same evidence: one item, not two 件 of the file (s18 tester U2).
    same = (EvidenceItem.objects.filter(case=case, upload__sha256=upload.sha256).exclude(pk__in=kept)
            .exclude(upload=upload).first()) if recording is None else None
    if same is not None:
        raise Conflict(f"内容相同的文件已登记为本案证据“{same.title}”，不能重复登记；如需更正，请更正该项证据。",
                       code="evidence_duplicate", field="upload")
    if file_types.is_electronic_data(upload.media_type) and kind != EvidenceKind.ELECTRONIC:
        raise RuleViolation(f"{file_types.type_label(upload.media_type)}只能作为电子数据登记（行政处罚法第四十六条），"
                            "不能作为其他种类的证据。", field="kind", code="electronic_data_only")
    on = timezone.localdate()
    profile = profile_key_of(case.agency)
    transcript = _text(transcript, "文字记录", "transcript", max_length=20000)
    if (upload.media_type.startswith("audio/") and not transcript
            and profile_value(profile, "records.av_print_and_sign", on)):
        raise RuleViolation("按本机关规定，录音资料应当整理成文字（文字记录）并经当事人签名确认。", field="transcript")
    row = EvidenceItem(
        case=case, upload=upload, kind=kind, title=_text(title, "证据名称", "title", required=True, max_length=200),
        content=_text(content, "内容说明", "content", max_length=5000), place=_text(place, "地点", "place"),
        occurred_at=_moment(occurred_at, "形成时间", "occurred_at"), officers=_text(officers, "执法人员", "officers"),
        recorder=_text(recorder, "记录人", "recorder", max_length=100),
        purpose=_text(purpose, "证明对象", "purpose", max_length=500),
        source=_text(source, "证据来源", "source", required=True),
        collected_on=_day(collected_on, "收集日期", "collected_on"),
        collected_by=_text(collected_by, "收集人", "collected_by", required=True, max_length=200),
        transcript=transcript,
        confidentiality=_mark_for_copy(confidentiality, case.confidentiality,
                                       _floor_mark(upload, replaces, recording, kept, case.agency)),
        recording=recording, replaces=replaces, correction_reason=correction_reason, created_by=_user(actor),
        created_at=timezone.now())
    if recording is None and kind != EvidenceKind.ELECTRONIC:
        _describe_media(row, upload)
    if kind == EvidenceKind.ELECTRONIC:
        _extraction(row, extraction or {}, upload)
    elif extraction:
        raise RuleViolation("提取笔录只用于电子数据。", field="extraction")
    if recording is not None:
        row.copy_note = copy_note(recording, upload, actor, row.created_at)
    row.save()
    append_entry(action="correct_evidence" if replaces else "register_evidence", actor=actor, obj=row,
                 files=[file_record(upload)], payload={
                     "case": case.number, "kind": kind, "title": row.title, "filename": upload.filename,
                     "replaces": replaces.pk if replaces else None, "recording": recording.pk if recording else None,
                     **({"supplement_reason": supplement_reason} if supplement_reason else {}),
                     **({"correction_reason": correction_reason} if replaces is not None else {})})
    return row


def do_correct_evidence(item: EvidenceItem, upload: Upload | None = None, *, actor, **fields) -> EvidenceItem:
    """更正证据: a new item replacing `item` (which stays, shown as corrected); the same file unless another is given."""
    item = EvidenceItem.objects.select_related("upload", "case").get(pk=item.pk)
    if item.recording_id is not None and upload is None:
        fields.setdefault("recording", item.recording)
    return do_register_evidence(item.case, upload or item.upload, replaces=item, actor=actor, **fields)


def _extraction(row: EvidenceItem, extraction: dict, upload: Upload) -> None:
    """电子数据的提取笔录: method, original medium, time, the digest computed at extraction, officers."""
    row.extraction_method = _text(extraction.get("method"), "提取方法", "extraction.method", required=True)
    row.extraction_medium = _text(extraction.get("medium"), "原始存储介质或设备", "extraction.medium", required=True)
    row.extracted_at = _moment(extraction.get("extracted_at"), "提取时间", "extraction.extracted_at", required=True)
    row.extraction_officers = _text(extraction.get("officers"), "提取人员", "extraction.officers", required=True,
                                    max_length=200)
    digest = _text(extraction.get("digest"), "提取时计算的校验值", "extraction.digest", required=True, max_length=128)
    if digest.lower() not in (upload.sha256, upload.sm3):
        raise RuleViolation("提取时计算的校验值与上传文件的 SHA-256、SM3 均不一致：文件可能不是提取时的数据。",
                            field="extraction.digest")
    row.extraction_digest = digest.lower()


def copy_note(recording: AudioVideoRecord, upload: Upload, actor, at) -> str:
    """The 文字说明 of an evidence copy of a recording: maker, time, the source and its digests."""
    maker = (actor.get_full_name() or actor.get_username()) if _user(actor) else str(actor)
    source = recording.upload
    # The note is the copy's own text, shown wherever the copy is: it prints nothing its source withholds
    # (retrieval/content.py RECORDING_FIELDS — the 地点 of a guarded recording; s21 tester8 #1).
    from sanxiang.retrieval.content import RECORDING_FIELDS
    from sanxiang.retrieval.kinds import is_confidential

    guarded = is_confidential(recording.confidentiality or recording.case.confidentiality)
    place = "" if (guarded and "place" in RECORDING_FIELDS) or not recording.place else f"{recording.place}，"
    text = (f"本视听资料复制件由{maker}于{timezone.localtime(at):%Y年%m月%d日 %H:%M}制作，复制自音像记录“{recording.title}”"
            f"（{timezone.localtime(recording.started_at):%Y-%m-%d %H:%M}至{timezone.localtime(recording.ended_at):%H:%M}，"
            f"{place}记录人{recording.recorder}，记录设备{recording.device}）。"
            f"原始文件 SHA-256：{source.sha256}；SM3：{source.sm3}。")
    if upload.pk != source.pk:
        text += f"复制件文件 SHA-256：{upload.sha256}。"
    return text


# ---- 音像记录 -----------------------------------------------------------------------------------

def _agency_of_actor(actor, agency):
    if not current_roles(actor).filter(agency_id=agency.pk).exists() and _user(actor):
        raise NotPermitted(f"只有{agency.name}的在职工作人员可以登记其音像记录。")


def missing_metadata(recording: AudioVideoRecord) -> list[str]:
    """The words of the agency's `records.av_metadata_fields` this recording does not state yet."""
    on = timezone.localtime(recording.started_at).date()
    wanted = profile_value(profile_key_of(recording.agency), "records.av_metadata_fields", on) or []
    missing = []
    for word in wanted:
        name = METADATA_FIELDS.get(word)
        if name == "case":
            if recording.case_id is None:
                missing.append(word)
        elif name and not getattr(recording, name):
            missing.append(word)
    return missing


def upload_rule(recording: AudioVideoRecord) -> tuple[str, dt.datetime] | None:
    """The profile rule of the upload obligation and the instant it runs from, or None when the
    agency's profile sets no time limit. Remote work (异地执法、连续工作) counts from the return when
    the profile says so (`records.av_upload_after_return`), else from the end of recording."""
    profile = profile_key_of(recording.agency)
    on = timezone.localtime(recording.ended_at).date()
    if recording.remote_work and recording.returned_at and profile_value(profile, "records.av_upload_after_return", on):
        return "records.av_upload_after_return", recording.returned_at
    if profile_value(profile, "records.av_upload_limit", on):
        return "records.av_upload_limit", recording.ended_at
    return None


def upload_obligation(recording: AudioVideoRecord) -> Obligation | None:
    return (Obligation.objects.filter(object_type=AudioVideoRecord.ledger_type(), object_id=str(recording.pk),
                                      kind=UPLOAD_DUTY).order_by("-id").first())


def upload_obligations(recordings) -> dict:
    """recording pk → its newest upload obligation, in one query (for pages listing many)."""
    found = {}
    ids = [str(r.pk) for r in recordings]
    for ob in Obligation.objects.filter(object_type=AudioVideoRecord.ledger_type(), object_id__in=ids,
                                        kind=UPLOAD_DUTY).order_by("id"):
        found[int(ob.object_id)] = ob
    return found


def is_late(ob: Obligation, at: dt.datetime) -> bool:
    if ob.due_at is not None:
        return at > ob.due_at
    return timezone.localtime(at).date() > ob.due


@transaction.atomic
def do_declare_recording(agency, *, title, officers, recorder, started_at, ended_at, place, device, act="",
                         case=None, upload: Upload | None = None, content="", party="", purpose="",
                         opening_statement="", party_informed=False, interruptions="", remote_work=False,
                         returned_at=None, transcript="", confidentiality=None, late_reason="", return_reason="",
                         actor) -> AudioVideoRecord:
    """登记音像记录: the officer declares a recording that ended; the upload obligation opens (from the
    end of recording, or from the return for remote work). With `upload` the file is stored at once
    (the obligation opened and met; late, with `late_reason`)."""
    from sanxiang.cases.models import Case

    _agency_of_actor(actor, agency)
    if case is not None:
        case = Case.objects.select_related("agency").get(pk=case.pk)
        if case.agency_id != agency.pk or not can(actor, "record_evidence", case):
            raise NotFound("未找到该案件，或您无权查看。", code="case_not_found")
    if act and act not in catalogue.ACTS:
        raise RuleViolation(f"没有“{act}”这项执法活动。", field="act")
    given = {"title": title, "officers": officers, "recorder": recorder, "started_at": started_at,
             "ended_at": ended_at, "place": place, "device": device}
    blank = [name for name, _label in DECLARATION_REQUIRED if _blank(given[name])]
    if blank:  # everything missing in one answer, the profile's words too (s17 #22d)
        raise RuleViolation(_missing_declaration(agency, case, blank, given, purpose=purpose, party=party,
                                                 content=content, opening_statement=opening_statement),
                            field=blank[0])
    started = _moment(started_at, "开始时间", "started_at", required=True)
    ended = _moment(ended_at, "结束时间", "ended_at", required=True)
    if ended <= started:  # a recording lasts (s22 tester8 #5: start = end had covered a 查封)
        raise RuleViolation("结束时间早于开始时间。" if ended < started else "结束时间与开始时间相同：录音录像应有时长。",
                            field="ended_at")
    remote = bool(remote_work)
    returned = _moment(returned_at, "返回单位时间", "returned_at")
    if returned is not None and not remote:
        raise RuleViolation("只有异地执法或连续工作才填写返回单位时间。", field="returned_at")
    if returned is not None and returned < ended:
        raise RuleViolation("返回单位时间早于记录结束时间。", field="returned_at")
    if remote and returned is None:
        raise RuleViolation("异地执法或连续工作须填写返回单位时间（存储时限自返回起算）。", field="returned_at")
    return_reason = _return_reason(agency, ended, returned, return_reason) if remote else ""
    default_mark = case.confidentiality if case is not None else Confidentiality.INTERNAL
    row = AudioVideoRecord(
        agency=agency, case=case, declared_by=actor, act=act,
        title=_text(title, "名称", "title", required=True, max_length=200),
        content=_text(content, "记录内容", "content", max_length=5000), party=_text(party, "当事人", "party", max_length=200),
        officers=_text(officers, "执法人员", "officers", required=True),
        recorder=_text(recorder, "记录人", "recorder", required=True, max_length=100),
        started_at=started, ended_at=ended, place=_text(place, "地点", "place", required=True),
        device=_text(device, "记录设备", "device", required=True, max_length=200),
        purpose=_text(purpose, "证明对象", "purpose", max_length=500),
        opening_statement=_text(opening_statement, "开始时的语音说明", "opening_statement", max_length=2000),
        party_informed=bool(party_informed), interruptions=_text(interruptions, "中断情况及理由", "interruptions",
                                                                 max_length=2000),
        remote_work=remote, returned_at=returned, late_reason=return_reason, transcript=_text(transcript, "文字记录", "transcript", max_length=20000),
        confidentiality=_confidentiality(confidentiality, default_mark), created_at=timezone.now(),
        linked_at=timezone.now() if case is not None else None)
    missing = [w for w in missing_metadata(row) if METADATA_FIELDS.get(w) != "case"]
    on = timezone.localtime(started).date()
    voice = not row.opening_statement and profile_value(profile_key_of(agency), "records.av_voice_announcement", on)
    if missing:  # everything missing in one answer, not one field per call (s17 #22d)
        also = "；开始时应语音说明时间、地点、执法人员和执法行为，请填写该说明" if voice else ""
        raise RuleViolation(f"按本机关规定，音像记录须标明：{'、'.join(missing)}{also}。", field=METADATA_FIELDS[missing[0]])
    if voice:
        raise RuleViolation("按本机关规定，音像记录开始时应语音说明时间、地点、执法人员和执法行为，请填写该说明。",
                            field="opening_statement")
    if upload is not None:
        upload = own_upload(upload, agency, actor)
        _check_unused(upload)
        _not_electronic_data(upload)
        # the same floor as evidence: the agency's own records of the same bytes (decision 0081)
        row.confidentiality = _mark_for_copy(confidentiality, default_mark, _floor_mark(upload, None, None, set(), agency))
    row.save()
    append_entry(action="declare_recording", actor=actor, obj=row, payload={
        "title": row.title, "act": act, "case": case.number if case else None,
        "ended_at": row.ended_at.isoformat(), "remote_work": remote,
        **({"returned_at": returned.isoformat(), "return_reason": return_reason} if remote else {})})
    rule = upload_rule(row)
    if rule is not None:
        units = _units_of(actor, agency)
        do_open_obligation(object_type=row.ledger_type(), object_id=row.pk, agency=agency, kind=UPLOAD_DUTY,
                           start=timezone.localtime(rule[1]), rule=rule[0], units=units, actor=actor,
                           note=f"音像记录“{row.title}”")
    if upload is not None:
        _store(row, upload, actor, late_reason)
    return row


RETURN_RULE = "records.remote_return_reason_after"


def return_bound(agency, ended: dt.datetime):
    """The latest return to the unit after a recording of 异地执法/连续工作 that needs no reason, by the
    agency's profile (`records.remote_return_reason_after`: the platform's marked default 7 days where no
    plan names a bound; decision 0089) — a moment for a period in hours, else a day — with the period's
    words (「7日」); None when the profile sets none."""
    from sanxiang.deadlines.engine import add_months, compute_due
    from sanxiang.lib.periods import UNITS

    period = profile_value(profile_key_of(agency), RETURN_RULE, timezone.localtime(ended).date())
    if not period:
        return None
    count, unit = period["count"], period["unit"]
    words = f"{count}{UNITS[unit]}"
    if unit == "hours":
        return ended + dt.timedelta(hours=count), words
    day = timezone.localtime(ended).date()
    if unit == "days":
        return day + dt.timedelta(days=count), words
    if unit == "months":
        return add_months(day, count), words
    return compute_due(day, count, unit).due, words


def _return_reason(agency, ended, returned, reason) -> str:
    """Why the officers returned to the unit only days after the recording (s23 tester8 #11: a return typed
    85 days later moved the storage deadline with nothing asked): after the agency's bound (`return_bound`),
    the reason is required — kept on the recording (its `late_reason`, shown in the register) and in the
    ledger entry."""
    reason = _text(reason, "返回单位较晚的理由", "return_reason", max_length=500)
    bound = return_bound(agency, ended)
    if bound is None:
        return ""
    limit, words = bound
    late = returned > limit if isinstance(limit, dt.datetime) else timezone.localtime(returned).date() > limit
    if not late:
        return ""
    if not reason:
        gap = (timezone.localtime(returned).date() - timezone.localtime(ended).date()).days
        raise RuleViolation(f"返回单位时间在记录结束后 {gap} 日，超过本机关规定的{words}：存储时限自返回起算，"
                            "请说明为何此时才返回单位（如连续在外执法的任务和日期）。", field="return_reason",
                            code="return_reason_missing")
    return check_reason_text(reason, label="返回单位较晚的理由", field="return_reason")


DECLARATION_REQUIRED = (("title", "名称"), ("officers", "执法人员"), ("recorder", "记录人"), ("started_at", "开始时间"),
                        ("ended_at", "结束时间"), ("place", "地点"), ("device", "记录设备"))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_declaration(agency, case, blank: list[str], given: dict, **optional) -> str:
    """One message naming every field a declaration lacks: the platform's required ones, then the words
    of the agency's `records.av_metadata_fields` and its opening statement (语音说明) not given either."""
    labels = dict(DECLARATION_REQUIRED)
    try:
        started = _moment(given["started_at"], "开始时间", "started_at") or timezone.now()
    except RuleViolation:
        started = timezone.now()
    draft = AudioVideoRecord(agency=agency, case=case, started_at=started,
                             **{k: v for k, v in given.items() if k not in ("started_at", "ended_at")}, **optional)
    words = [w for w in missing_metadata(draft) if METADATA_FIELDS.get(w) not in ("case", *blank)]
    on = timezone.localtime(started).date()
    voice = _blank(optional.get("opening_statement")) and profile_value(
        profile_key_of(agency), "records.av_voice_announcement", on)
    message = f"请填写{'、'.join(labels[name] for name in blank)}"
    if words:
        message += f"；按本机关规定，音像记录还须标明：{'、'.join(words)}"
    if voice:
        message += "；开始时应语音说明时间、地点、执法人员和执法行为，请填写该说明"
    return message + "。"


def _units_of(actor, agency) -> list:
    from sanxiang.orgs.models import Person

    person = Person.objects.filter(user_id=getattr(actor, "pk", None), agency=agency, unit__isnull=False).first()
    return [person.unit] if person else []


def _paper_use(upload: Upload):
    from sanxiang.documents.models import PaperOriginal

    return PaperOriginal.objects.filter(upload=upload).first()


def _check_unused(upload: Upload) -> None:
    paper = _paper_use(upload)
    if paper is not None:
        raise Conflict(f"该文件已登记为{paper}。", code="upload_already_used", field="upload")
    used = AudioVideoRecord.objects.filter(upload=upload).first()
    if used is not None:
        raise Conflict(f"该文件已存储为{used}。", code="upload_already_used", field="upload")
    item = EvidenceItem.objects.filter(upload=upload).first()
    if item is not None:
        raise Conflict(f"该文件已登记为{item}，不能再作为音像记录。", code="upload_already_used", field="upload")


def _store(row: AudioVideoRecord, upload: Upload, actor, late_reason="") -> None:
    """The file is stored: the obligation is met at the upload's completion, late if beyond its due —
    then only with the reason of the delay (逾期存储的理由), kept on the recording."""
    ob = upload_obligation(row)
    late = bool(ob is not None and ob.status in (Obligation.OPEN, Obligation.OVERDUE)
                and is_late(ob, upload.completed_at))
    reason = ""
    if late:
        due = f"{timezone.localtime(ob.due_at):%Y-%m-%d %H:%M}" if ob.due_at else f"{ob.due:%Y-%m-%d}"
        reason = check_reason_text(_text(late_reason, "逾期存储的理由", "late_reason", max_length=500),
                                   label="逾期存储的理由", field="late_reason")
        if not reason:
            raise RuleViolation(f"{row}的存储时限为 {due}，该文件 {timezone.localtime(upload.completed_at):%Y-%m-%d %H:%M} "
                                "才上传完成，属逾期存储，请说明逾期的理由。", field="late_reason")
    # on time, a remote return's reason (declared) stays on the recording (s23 tester8 #11)
    reason = reason or (row.late_reason if row.remote_work else "")
    row.upload, row.stored_at, row.stored_late, row.late_reason = upload, upload.completed_at, late, reason
    row.save(update_fields=["upload", "stored_at", "stored_late", "late_reason"])
    meet_obligations_of(object_type=row.ledger_type(), object_id=row.pk, kinds=[UPLOAD_DUTY], actor=actor,
                        at=upload.completed_at)
    append_entry(action="store_recording", actor=actor, obj=row, files=[file_record(upload)], payload={
        "title": row.title, "filename": upload.filename, "late": row.stored_late, "late_reason": row.late_reason})


@transaction.atomic
def do_attach_recording_upload(recording: AudioVideoRecord, upload: Upload, *, late_reason="",
                               actor) -> AudioVideoRecord:
    """音像记录存储: attach the completed upload of the declared recording (meets the obligation; when
    late, `late_reason` — the reason of the delay — is required)."""
    row = AudioVideoRecord.objects.select_for_update(of=("self",)).select_related("agency").get(pk=recording.pk)
    if not can(actor, "change", row):
        raise NotPermitted(f"您无权存储{row}。")
    if row.upload_id is not None:
        raise Conflict(f"{row}已存储文件，不能更换；如需更正，请登记新的音像记录。", code="recording_stored")
    upload = own_upload(upload, row.agency, actor)
    _check_unused(upload)
    _not_electronic_data(upload)
    # the mark was chosen at declaration: a file the agency holds under a stricter mark is refused
    # (declare a recording with that mark), never served less guarded through this one (decision 0081)
    _mark_for_copy(row.confidentiality, row.confidentiality, _floor_mark(upload, None, None, set(), row.agency))
    _store(row, upload, actor, late_reason)
    return row


def _check_linkable(recording: AudioVideoRecord, case) -> None:
    """An archived file is closed to new records (issue 8 §5: immutable), and a recording made after
    the case was closed is no record of it (s18 R2)."""
    from sanxiang.archive.models import ArchivedCaseFile

    if ArchivedCaseFile.objects.filter(case=case).exists():
        raise Conflict(f"案件{case.title}已归档，归档案卷不能再加入音像记录。", code="case_archived", field="case")
    made = timezone.localtime(recording.started_at).date()
    if case.closed_on is not None and made > case.closed_on:
        raise RuleViolation(f"{recording}录制于 {made:%Y-%m-%d}，晚于案件{case.title}结案（{case.closed_on:%Y-%m-%d}），"
                            "不是本案的音像记录。", field="case")


@transaction.atomic
def do_link_recording(recording: AudioVideoRecord, case, *, actor) -> AudioVideoRecord:
    """音像记录关联案件: a recording held unattached (made before the case existed) joins its case."""
    from sanxiang.cases.models import Case

    row = AudioVideoRecord.objects.select_for_update().get(pk=recording.pk)
    case = Case.objects.get(pk=case.pk)
    if case.agency_id != row.agency_id or not can(actor, "record_evidence", case):
        raise NotFound("未找到该案件，或您无权查看。", code="case_not_found")
    if not can(actor, "change", row):
        raise NotPermitted(f"您无权关联{row}。")
    if row.case_id is not None:
        raise Conflict(f"{row}已关联案件，不能改关联。", code="recording_linked")
    _check_linkable(row, case)
    row.case, row.linked_at = case, timezone.now()
    row.save(update_fields=["case", "linked_at"])
    append_entry(action="link_recording", actor=actor, obj=row, payload={"title": row.title, "case": case.number})
    return row


def _signatures_of_others(case, signer: str):
    """(who, where, png) of every signature captured for `case` but by someone else than `signer`: the officers'
    and other parties' on its 笔录 and 送达回证, and other parties' on the confirmations of its records."""
    from sanxiang import storage
    from sanxiang.documents.models import DocumentSignature, SignatureRole

    rows = (DocumentSignature.objects.filter(document__case=case).select_related("document")
            .exclude(role=SignatureRole.PARTY, signer_name=signer))
    for row in rows:
        who = f"{'执法人员' if row.role == SignatureRole.OFFICER else '当事人'}{row.signer_name}在{row.document}上"
        with storage.open_file(row.png_path) as fh:
            yield who, fh.read()
    for model in (EvidenceItem, AudioVideoRecord):
        for row in (model.objects.filter(case=case).exclude(party_signature_path="")
                    .exclude(party_signer=signer)):
            with storage.open_file(row.party_signature_path) as fh:
                yield f"当事人{row.party_signer}在{row}的确认上", fh.read()


def _party_signature(case, signer: str, png) -> bytes:
    """The party's handwritten signature: a PNG drawn on the pad with ink, checked as the 笔录's
    (`documents.actions._check_png`), and not the image of another signer of the case — an officer's or
    another party's (decision 0085: one image per signer, compared by the normalised image)."""
    from sanxiang.documents.actions import _check_png, ink_digest

    png = _check_png(png, f"当事人{signer}", "party_png")
    digest = ink_digest(png)
    for who, other in _signatures_of_others(case, signer):
        if digest is not None and ink_digest(other) == digest:
            raise RuleViolation(f"当事人{signer}的签名和{who}的签名是同一幅图像：每位签名人应在签名板上亲笔签名，"
                                "不能复用他人的签名。", field="party_png", code="signature_duplicate")
    return png


@transaction.atomic
def do_confirm_by_party(record, *, on, party_name="", party_png: bytes | None = None, refusal_reason="", note="",
                        actor):
    """当事人签名确认: the party signed the printed photos or the transcript (株洲: `records.av_print_and_sign`) — their
    handwritten signature drawn on the signature pad of the 笔录 (`party_png`), stored by its digest and listed in
    the ledger entry — or the officer notes that the party refused to sign and why (`refusal_reason`, as on a
    笔录: 市场监管行政处罚程序规定第二十八条). One of the two, with the party's name (decision 0089)."""
    from sanxiang import storage

    model = type(record)
    row = model.objects.select_for_update().get(pk=record.pk)
    case = row.case
    if case is None:  # an unattached recording (its declarer sees it): the party confirms a case's record
        raise Conflict(f"{row}尚未关联案件：请先关联案件，再请当事人签名确认。", code="recording_not_linked")
    if not can(actor, "record_evidence", case):
        raise NotPermitted("只有本案的承办人员可以登记当事人的确认。")
    if isinstance(row, EvidenceItem):
        latest = _in_force(row)
        if latest.pk != row.pk:
            raise Conflict(f"{row}已被更正，请对最新的一条（{latest}，{timezone.localtime(latest.created_at):%Y-%m-%d %H:%M}"
                           "登记）确认。", code="evidence_already_corrected")
    from sanxiang.archive.models import ArchivedCaseFile

    if ArchivedCaseFile.objects.filter(case=case).exists():  # the archived file is immutable (s23 tester8 #5)
        raise Conflict(f"案件{case.title}已归档，归档案卷不可更改：不能再登记当事人的确认。", code="case_archived")
    if row.party_confirmed_on is not None:
        raise Conflict(f"{row}已于 {row.party_confirmed_on:%Y-%m-%d} 经当事人签名确认。", code="already_confirmed")
    if not row.transcript and not (isinstance(row, EvidenceItem) and row.upload.media_type.startswith("image/")):
        raise RuleViolation("请先整理文字记录，再请当事人签名确认。", field="transcript")
    confirmed = _day(on, "确认日期", "on")
    # not before the record existed (s23 tester8 #5: a confirmation dated six years before the evidence)
    since = (row.collected_on if isinstance(row, EvidenceItem)
             else timezone.localtime(row.started_at).date() if row.started_at else None)
    if since is not None and confirmed < since:
        what = "取证日期" if isinstance(row, EvidenceItem) else "录制日期"
        raise RuleViolation(f"确认日期 {confirmed:%Y-%m-%d} 早于{what}（{since:%Y-%m-%d}）：当事人只能确认已有的记录。",
                            field="on")
    signer = _text(party_name, "当事人姓名", "party_name", required=True, max_length=100)
    refusal = _text(refusal_reason, "当事人拒绝签名的理由", "refusal_reason", max_length=500)
    note = _text(note, "确认情况", "note", max_length=200)
    files = []
    if refusal and party_png:
        raise RuleViolation("当事人已签名的，不能同时登记拒绝签名。", field="refusal_reason")
    if refusal:
        refusal = check_reason_text(refusal, label="当事人拒绝签名的理由", field="refusal_reason")  # not 「x」
        row.party_refusal_reason = refusal
        row.party_confirmation = (f"当事人{signer}拒绝签名，理由：{refusal}（执法人员{_caller_name(case.agency_id, actor)}"
                                  "注明）")[:300]
    else:
        if not party_png:
            raise RuleViolation(f"缺少当事人{signer}的签名：请当事人在签名板上签名；当事人拒绝签名的，请登记拒签及其理由。",
                                field="party_png", code="party_signature_missing")
        png = _party_signature(case, signer, party_png)
        try:
            stored = storage.put(io.BytesIO(png))
        except storage.StorageError as exc:
            raise RuleViolation(f"签名未能保存：{exc}") from None
        row.party_signature_path, row.party_signature_sha256 = stored.path, stored.sha256
        row.party_signature_sm3, row.party_signature_size = stored.sm3, stored.size
        row.party_confirmation = f"当事人{signer}已签名确认" + (f"：{note}" if note else "")
        files = [row.party_signature_record()]
    row.party_signer, row.party_confirmed_on = signer, confirmed
    row.save(update_fields=["party_confirmed_on", "party_confirmation", "party_signer", "party_signature_path",
                            "party_signature_sha256", "party_signature_sm3", "party_signature_size",
                            "party_refusal_reason"])
    append_entry(action="confirm_record_by_party", actor=actor, obj=row, files=files, payload={
        "on": row.party_confirmed_on.isoformat(), "note": row.party_confirmation, "party": signer,
        **({"refusal_reason": refusal} if refusal else {"png_sha256": row.party_signature_sha256})})
    return row


# ---- acts done without their recording ---------------------------------------------------------

def _missing_of(case, occurrence: str) -> catalogue.Missing:
    for m in catalogue.missing_recordings(case):
        if m.occurrence.ref == occurrence:
            return m
    raise RuleViolation("本案没有这项未音像记录的执法活动（可能已关联其音像记录）。", field="occurrence")


def _waive(case, occurrence, reason, *, kind, tier, actor) -> RecordingWaiver:
    from sanxiang.cases.models import Case

    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = check_reason_text(_text(reason, "理由", "reason", required=True, max_length=500))  # s22 tester8 #8
    missing = _missing_of(case, str(occurrence))
    if missing.waiver is not None:
        raise Conflict(f"{missing.occurrence.description}已有{missing.waiver.get_kind_display()}。",
                       code="waiver_exists", field="occurrence")
    if missing.tier != tier:
        if tier == catalogue.MANDATORY:
            raise RuleViolation("这项执法活动属宜音像记录的事项，由承办人说明理由即可，无需负责人批准例外。",
                                field="occurrence")
        raise RuleViolation("这项执法活动按清单应全程音像记录，须由负责人批准例外。", field="occurrence")
    row = RecordingWaiver.objects.create(case=case, occurrence=missing.occurrence.ref, act=missing.occurrence.act,
                                         kind=kind, reason=reason, given_by=actor, given_at=timezone.now())
    append_entry(action="approve_recording_exception" if kind == RecordingWaiver.APPROVED_EXCEPTION
                 else "explain_missing_recording", actor=actor, obj=row,
                 payload={"case": case.number, "act": row.act, "occurrence": missing.occurrence.description,
                          "reason": reason})
    return row


@transaction.atomic
def do_approve_recording_exception(case, occurrence: str, *, reason, actor) -> RecordingWaiver:
    """批准例外: a head approves, with reasons, that a mandatory act stays without its recording."""
    from sanxiang.cases.guards import actor_not_handler

    if not can(actor, "approve_recording_exception", case):
        raise NotPermitted("只有承办机构负责人或单位领导可以批准未音像记录的例外。")
    problem = actor_not_handler(case, actor)
    if problem:
        raise NotPermitted(problem)
    return _waive(case, occurrence, reason, kind=RecordingWaiver.APPROVED_EXCEPTION, tier=catalogue.MANDATORY,
                  actor=actor)


@transaction.atomic
def do_explain_missing_recording(case, occurrence: str, *, reason, actor) -> RecordingWaiver:
    """说明理由: the handler says why a recommended act was not recorded."""
    if not can(actor, "record_evidence", case):
        raise NotPermitted(f"您无权为案件{case.title}说明未音像记录的理由。")
    return _waive(case, occurrence, reason, kind=RecordingWaiver.EXPLANATION, tier=catalogue.RECOMMENDED, actor=actor)


# ---- 音像记录原件移交 ------------------------------------------------------------------------------

def _caller_name(agency_id, actor) -> str:
    """The name the caller is known by in the agency: their person's, else the account's full name."""
    from sanxiang.orgs.models import Person

    person = Person.objects.filter(agency_id=agency_id, user=actor).first()
    return person.name if person else (actor.get_full_name() or actor.get_username())


def _holds_original(row: AudioVideoRecord, last, actor, name: str) -> bool:
    """Whether the caller holds the recording's original now: before its first hand-over its declarer or
    its recorder (by name), after it the previous receiver (by account; a row recorded before receivers
    were accounts, by name)."""
    if last is None:
        return actor.pk == row.declared_by_id or name == row.recorder
    if last.received_by_user_id is not None:
        return actor.pk == last.received_by_user_id
    return name == last.received_by


def receiver_user(agency, name: str, actor, receiver=None):
    """The account of a hand-over's receiver: the one named (`receiver`, a user of the agency), else the
    one recording it when the name is theirs, else the only user of the agency whose person has that name
    — None when no user of the agency has the name (「档案室」, someone outside) or the name is ambiguous."""
    from django.contrib.auth import get_user_model

    from sanxiang.orgs.models import Person

    people = Person.objects.filter(agency=agency, user__isnull=False)
    if receiver is not None:
        pk = getattr(receiver, "pk", receiver)
        person = people.filter(user_id=pk).select_related("user").first()
        if person is None:
            raise RuleViolation("接收人须是本机关的用户。", field="receiver", code="handover_receiver_unknown")
        if person.name not in name:  # 「档案室吴档案」 names 吴档案; another person's account does not
            raise RuleViolation(f"接收人账号是{person.name}的，与填写的接收人“{name}”不一致。", field="receiver")
        return person.user
    if getattr(actor, "pk", None) is not None and (
            people.filter(user=actor, name=name).exists() or actor.get_full_name() == name):
        return actor
    users = set(people.filter(name=name).values_list("user", flat=True))
    if len(users) == 1:
        return get_user_model().objects.get(pk=users.pop())
    return None


@transaction.atomic
def do_hand_over_recording(recording: AudioVideoRecord, *, received_by, handed_at, medium, place, note="", actor,
                           receiver=None, handed_by=None) -> RecordingHandover:
    """移交音像记录原件: one hand-over of the original medium (e.g. to the archive) by its current holder,
    who records it: the caller is the 移交人 (`handed_by`, if given, must be the caller's name) — the
    first from the declarer or the recorder, each next from the previous receiver — to a user of the agency
    who may hold it and hand it on (`hand_over` on the recording: the officers and the head who work on
    its case, the agency's 档案管理人员; decision 0085), not dated before the previous one (the custody
    chain of sanxiang/registers' goods)."""
    row = AudioVideoRecord.objects.select_for_update().get(pk=recording.pk)
    if not can(actor, "hand_over", row):
        raise NotPermitted(f"您无权登记{row}的原件移交。")
    giver = _caller_name(row.agency_id, actor)
    named = _text(handed_by, "移交人", "handed_by", max_length=100)
    if named and named != giver:  # s22 tester8 #11: 孙伟 was written as 移交人 by 艾力·买买提
        raise RuleViolation(f"移交人是登记移交的您本人（{giver}），不能登记“{named}”的移交：请由{named}本人登记。",
                            field="handed_by", code="handover_not_caller")
    handover = RecordingHandover(
        recording=row, handed_by=giver,
        received_by=_text(received_by, "接收人", "received_by", required=True, max_length=100),
        handed_at=_moment(handed_at, "移交时间", "handed_at", required=True),
        medium=_text(medium, "载体", "medium", required=True, max_length=200),
        place=_text(place, "地点", "place", required=True), note=_text(note, "备注", "note"),
        recorded_by=actor, recorded_at=timezone.now())
    if handover.handed_at < row.ended_at:
        raise RuleViolation("移交时间早于记录结束时间。", field="handed_at")
    last = row.handovers.order_by("-handed_at", "-id").first()
    if not _holds_original(row, last, actor, giver):
        holder = last.received_by if last is not None else "或".join(dict.fromkeys(
            [row.recorder, _caller_name(row.agency_id, row.declared_by)]))
        raise RuleViolation(f"原件现由{holder}持有，移交须由其本人登记"
                            f"（{'上一次移交的接收人' if last is not None else '音像记录的记录人或登记人'}）。",
                            field="handed_by", code="handover_not_holder")
    user = receiver_user(row.agency_id, handover.received_by, actor, receiver)
    if user is None:  # s22 tester8 #11: 「王档案」 was nobody in the system
        raise RuleViolation(f"接收人“{handover.received_by}”不是本机关的用户（或有同名用户，请指定接收人账号）："
                            "原件须移交本机关的档案管理人员或承办本案的执法人员。", field="received_by",
                            code="handover_receiver_unknown")
    if user.pk == actor.pk:
        raise RuleViolation("移交人和接收人是同一人，无需移交。", field="received_by")
    if not can(user, "hand_over", row):
        raise RuleViolation(f"{handover.received_by}无权接收{row}的原件：原件须移交本机关的档案管理人员或承办本案的"
                            "执法人员。", field="received_by", code="handover_receiver_not_entitled")
    handover.received_by_user = user
    if last is not None and handover.handed_at < last.handed_at:
        raise RuleViolation(f"移交时间 {timezone.localtime(handover.handed_at):%Y-%m-%d %H:%M} 早于上一次移交"
                            f"（{timezone.localtime(last.handed_at):%Y-%m-%d %H:%M}），移交须按时间先后登记。",
                            field="handed_at")
    handover.save()
    append_entry(action="hand_over_recording", actor=actor, obj=handover, payload={
        "recording": row.title, "from": handover.handed_by, "from_user": actor.get_username(),
        "to": handover.received_by, "to_user": user.get_username(), "medium": handover.medium})
    return handover
