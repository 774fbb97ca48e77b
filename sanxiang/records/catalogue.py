"""音像记录事项清单 — the agency's audio-video list, read from its profile, and the acts of a case done
without their recording.

The list is not copied into rows: it is read from the agency's profile each time
(`records.av_full_recording_acts` → 应全程音像记录, mandatory; `records.av_dispute_prone_acts` and
`records.av_gradual_acts` → 根据实际或逐步实现, recommended), on the date of each act, so a profile
value's effective date and citation stay the one source (decision 0032). The profile's words are
matched to the acts this platform knows (`ACTS`); words naming no act of a case (执法办案场所,
直接涉及人身自由……的现场执法活动) are shown as principles.

An act of a case (an `Occurrence`) is covered by a recording of the case naming the same act, whose
file is stored and which was made at the act (its time span overlapping the act's day, or the act's
time when known); a declared recording not stored yet shows the act as 待存储 and covers nothing. A
mandatory act without one blocks closing (`closing_problem`, a closing check of sanxiang/cases)
unless a head approved a reasoned exception; a recommended one blocks it too until the handler
has recorded a reason (说明理由).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from sanxiang.deadlines.queries import profile_key_of, profile_value

MANDATORY = "mandatory"
RECOMMENDED = "recommended"
TIER_LABELS = {MANDATORY: "应全程音像记录", RECOMMENDED: "宜音像记录"}

# The acts the platform knows: key → name. Each is matched in the profile's words by `WORDS`.
ACTS = {
    "seal": "查封",
    "seize": "扣押",
    "preservation": "先行登记保存（证据保全）",
    "sealing_up": "封存",
    "disposal": "罚没财物处置",
    "demolition": "强制拆除",
    "onsite": "现场执法（现场检查）",
    "investigation": "调查取证",
    "sampling": "抽样（抽样场所、贮存环境、样品信息）",
    "lab_intake": "承检机构接收样品",
    "hearing": "举行听证",
    "service_left": "留置送达",
    "service_public": "公告送达",
}

# Words of the profiles' lists → the acts they name (in this order; one phrase may name several).
WORDS = [
    ("查封", ("seal",)), ("扣押", ("seize",)), ("登记保存", ("preservation",)), ("证据保全", ("preservation",)),
    ("行政强制", ("seal", "seize", "preservation")), ("封存", ("sealing_up",)), ("罚没财物处置", ("disposal",)),
    ("强制拆除", ("demolition",)), ("现场检查", ("onsite",)), ("现场执法", ("onsite",)),
    ("调查取证", ("investigation",)), ("接收样品", ("lab_intake",)), ("抽样", ("sampling",)),
    ("听证", ("hearing",)), ("留置送达", ("service_left",)), ("公告送达", ("service_public",)),
]
# A phrase that names the principle (人身自由、生命健康、重大财产权益) names no single act.
PRINCIPLE_MARK = "涉及"
# A phrase that names a kind of case binds only cases of that kind: 株洲's 行政处罚现场检查 is the on-site
# check of a penalty case (and of a labour case, which ends in a penalty), not of a 行政检查. ("行政强制" is
# not here: the lists use it for the measures themselves, `WORDS`.)
KIND_WORDS = {"行政处罚": ("penalty", "labour_inspection"), "行政检查": ("inspection",), "行政许可": ("licence",),
              "行政确认": ("confirmation",), "行政裁决": ("adjudication",)}


def binds_kind(phrase: str, kind: str | None) -> bool:
    """Whether a phrase of the list binds a case of `kind` (None: any case, e.g. the list as shown)."""
    named = [kinds for word, kinds in KIND_WORDS.items() if word in phrase.split(PRINCIPLE_MARK)[0]]
    return kind is None or not named or any(kind in kinds for kinds in named)


def acts_named(phrase: str) -> tuple[str, ...]:
    """The acts a phrase of a profile's list names: "查封扣押财产等直接涉及……的现场执法活动" names 查封 and
    扣押 (the words before 涉及), "直接涉及……的现场执法活动" none."""
    phrase = phrase.split(PRINCIPLE_MARK)[0]
    found: list[str] = []
    for word, keys in WORDS:
        if word in phrase:
            found += [k for k in keys if k not in found]
    return tuple(found)


@dataclass
class Entry:
    """One line of the 音像记录事项清单: an act and its tier, with the profile's words and citation."""

    act: str
    label: str
    tier: str
    phrases: list[str] = field(default_factory=list)

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.tier]


@dataclass
class Catalogue:
    entries: dict[str, Entry]
    principles: list[str]  # the profile's words that name no single act (执法办案场所, …)

    def tier(self, act: str) -> str | None:
        entry = self.entries.get(act)
        return entry.tier if entry else None


def _list(profile: str, name: str, on: dt.date) -> list[str]:
    try:
        value = profile_value(profile, name, on)
    except Exception:  # a profile without the value: nothing listed
        return []
    return [str(v) for v in value or []]


def catalogue(agency, on: dt.date | None = None, kind: str | None = None) -> Catalogue:
    """The agency's 音像记录事项清单 on `on` (default today), from its profile; for a case of `kind`, without
    the phrases that name another kind of case (`binds_kind`)."""
    on = on or timezone.localdate()
    profile = profile_key_of(agency)
    entries: dict[str, Entry] = {}
    principles: list[str] = []
    for name, tier in (("records.av_full_recording_acts", MANDATORY), ("records.av_dispute_prone_acts", RECOMMENDED),
                       ("records.av_gradual_acts", RECOMMENDED)):
        for phrase in _list(profile, name, on):
            if not binds_kind(phrase, kind):
                continue
            keys = acts_named(phrase)
            if not keys and tier == MANDATORY and phrase not in principles:
                principles.append(phrase)
            for key in keys:
                entry = entries.get(key)
                if entry is None:
                    entries[key] = Entry(key, ACTS[key], tier, [phrase])
                else:
                    if tier == MANDATORY:
                        entry.tier = MANDATORY
                    if phrase not in entry.phrases:
                        entry.phrases.append(phrase)
    ordered = {k: entries[k] for k in ACTS if k in entries}
    return Catalogue(ordered, principles)


def act_choices(agency, on=None) -> list[tuple[str, str]]:
    """The acts an officer may name on a recording: the agency's list first, then the others."""
    listed = catalogue(agency, on).entries
    return ([(k, f"{e.label}（{e.tier_label}）") for k, e in listed.items()]
            + [(k, label) for k, label in ACTS.items() if k not in listed])


# ---- the acts of a case ------------------------------------------------------------------------

@dataclass
class Occurrence:
    """One act done in a case that the list may ask to be recorded: `ref` names it for good."""

    ref: str
    act: str
    on: dt.date
    description: str
    at: dt.datetime | None = None  # the act's time, when known (else its day `on` counts)


def occurrences(case) -> list[Occurrence]:
    """The acts of `case` that a 音像记录事项清单 can name, in date order."""
    from sanxiang.cases.models import CoerciveMeasure, MeasureKind, MeasureOutcome, OnSiteAct, OnSiteActKind, SeizedItem

    found: list[Occurrence] = []
    kinds = {MeasureKind.SEAL: "seal", MeasureKind.SEIZE: "seize", MeasureKind.PRESERVATION: "preservation"}
    for m in CoerciveMeasure.objects.filter(case_id=case.pk, implemented_on__isnull=False).order_by("id"):
        found.append(Occurrence(f"measure:{m.pk}", kinds[m.kind], m.implemented_on,
                                f"{m.get_kind_display()}（{m.implemented_on:%Y-%m-%d} 实施，{m.place or '现场'}）"))
    disposed = (SeizedItem.objects.filter(measure__case_id=case.pk, disposed_on__isnull=False,
                                          disposal__in=(MeasureOutcome.CONFISCATE, MeasureOutcome.DESTROY))
                .order_by("disposed_on", "id"))
    for item in disposed:
        found.append(Occurrence(f"item:{item.pk}", "disposal", item.disposed_on,
                                f"罚没财物处置：{item.name}（{item.disposal_label}，{item.disposed_on:%Y-%m-%d}）"))
    for act in OnSiteAct.objects.filter(case_id=case.pk).order_by("date", "id"):
        label = "现场执法" if act.act == OnSiteActKind.INSPECTION else act.get_act_display()
        found.append(Occurrence(f"onsite:{act.pk}", act.act, act.date, f"{label}（{act.date:%Y-%m-%d}，{act.place}）"))
    found += document_occurrences(case)
    if case.hearing_held_on:
        found.append(Occurrence("hearing", "hearing", case.hearing_held_on, f"举行听证（{case.hearing_held_on:%Y-%m-%d}）"))
    service = {"left": "service_left", "public": "service_public"}.get(case.service_method)
    if service and case.served_on:
        found.append(Occurrence("service", service, case.served_on,
                                f"{ACTS[service]}（{case.served_on:%Y-%m-%d}）"))
    return sorted(found, key=lambda o: (o.on, o.ref))


# The 笔录 that record an act on the list: 抽样记录 is the sampling on site; 询问笔录 and 电子数据证据提取笔录
# are 调查取证 (a 现场笔录 goes with its 现场执法 record, counted there).
DOCUMENT_ACTS = {"sampling_record": "sampling", "inquiry_record": "investigation", "edata_record": "investigation"}


def document_occurrences(case) -> list[Occurrence]:
    """The acts the case's 笔录 record, one per document in force (a corrected one counts once, by its
    newest correction), dated by the inquiry's start when written, else by the day it was made.
    Only an issued 笔录 records an act: a draft (generated, not issued) may be discarded or regenerated,
    and must not block closing for an act that was never done (s19, issue 8 item 18); an unissued
    correction leaves the issued document it would replace in force."""
    from sanxiang.documents.models import Document, DocumentStatus

    docs = list(Document.objects.filter(case_id=case.pk, kind__in=DOCUMENT_ACTS, status=DocumentStatus.ISSUED)
                .order_by("created_at", "id"))
    replaced = {doc.pk: doc.replaces_id for doc in docs}

    def first(pk):  # the chain's first document names the act for good (a waiver names it)
        while replaced.get(pk):
            pk = replaced[pk]
        return pk

    superseded = {doc.replaces_id for doc in docs if doc.replaces_id}
    # The newest in force of a chain names its act once (two corrections of one 笔录: s18 U4).
    newest = {first(doc.pk): doc.pk for doc in docs if doc.pk not in superseded}
    found = []
    for doc in docs:
        if doc.pk in superseded or newest[first(doc.pk)] != doc.pk:
            continue
        act = DOCUMENT_ACTS[doc.kind]
        on, at = timezone.localtime(doc.created_at).date(), None
        started = ((doc.fields or {}).get("inputs") or {}).get("started_at")
        if started:
            try:
                at = timezone.make_aware(dt.datetime.fromisoformat(str(started)))
                on = at.date()
            except ValueError:
                pass
        found.append(Occurrence(f"document:{first(doc.pk)}", act, on,
                                f"{ACTS[act].split('（')[0]}：{doc.get_kind_display()}（{on:%Y-%m-%d}）", at))
    # A 笔录 made on paper and registered by its scan records its act as a generated one does.
    from sanxiang.documents.models import PaperOriginal

    for paper in PaperOriginal.objects.filter(case_id=case.pk, kind__in=DOCUMENT_ACTS).order_by("written_on", "id"):
        act = DOCUMENT_ACTS[paper.kind]
        found.append(Occurrence(f"paper:{paper.pk}", act, paper.written_on,
                                f"{ACTS[act].split('（')[0]}：{paper.get_kind_display()}（纸质原件，{paper.written_on:%Y-%m-%d}）"))
    return found


@dataclass
class Missing:
    """An act of the case the list names, done without its recording."""

    occurrence: Occurrence
    tier: str
    phrases: list[str]
    waiver: object = None  # the RecordingWaiver given for it, if any
    pending: object = None  # a recording declared at the act whose file is not stored yet (待存储)

    @property
    def status_label(self) -> str:
        return f"音像记录“{self.pending.title}”待存储" if self.pending is not None else "尚无其音像记录"

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.tier]

    @property
    def blocks_closing(self) -> bool:
        return self.tier == MANDATORY and self.waiver is None

    @property
    def needs_reason(self) -> bool:
        return self.tier == RECOMMENDED and self.waiver is None


def _span(rec) -> tuple[dt.date, dt.date]:
    return timezone.localtime(rec.started_at).date(), timezone.localtime(rec.ended_at).date()


def made_at(rec, occ: Occurrence) -> bool:
    """Whether recording `rec` was made at the act `occ`: its time span overlaps the act's time when
    known, else the act's day."""
    if occ.at is not None:
        return rec.started_at <= occ.at <= rec.ended_at
    first, last = _span(rec)
    return first <= occ.on <= last


def _take(pool: list, occ: Occurrence):
    """The recording of `pool` (same act) made at `occ` that ends first, removed from the pool."""
    fits = [r for r in pool if made_at(r, occ)]
    if not fits:
        return None
    chosen = min(fits, key=lambda r: (r.ended_at, r.pk))
    pool.remove(chosen)
    return chosen


def is_audio_video(upload) -> bool:
    """The stored file is a sound or moving-picture recording, by the type its bytes showed at upload
    (records/content.py `media_type`), not by its name: only that covers an act (s21 tester8 #5 — a PDF
    or a photo had cleared a mandatory 全程音像记录 act)."""
    return upload is not None and (upload.media_type or "").startswith(("audio/", "video/"))


def missing_recordings(case) -> list[Missing]:
    """The acts of `case` its agency's list names (tier on the act's date) that no recording of the
    case covers. A recording covers an act when it names the act, its file is stored and it was made
    at the act (`made_at`); each covers one act, matched in date order. A recording declared at the
    act but not stored yet does not cover it: the act is listed with it as 待存储 (`pending`)."""
    from .models import AudioVideoRecord, RecordingWaiver

    stored: dict[str, list] = {}
    declared: dict[str, list] = {}
    for rec in (AudioVideoRecord.objects.filter(case_id=case.pk).exclude(act="").select_related("upload")
                .order_by("started_at", "id")):
        (stored if rec.upload_id is not None and rec.stored_at is not None and is_audio_video(rec.upload)
         else declared).setdefault(rec.act, []).append(rec)
    waivers = {w.occurrence: w for w in RecordingWaiver.objects.filter(case_id=case.pk).select_related("given_by")}
    lists: dict[dt.date, Catalogue] = {}
    missing = []
    for occ in occurrences(case):
        if _take(stored.get(occ.act, []), occ) is not None:
            continue
        listed = lists.setdefault(occ.on, catalogue(case.agency, occ.on, case.kind)).entries.get(occ.act)
        if listed is None:
            continue
        missing.append(Missing(occ, listed.tier, listed.phrases, waivers.get(occ.ref),
                               _take(declared.get(occ.act, []), occ)))
    return missing


def covered_refs(case) -> set[str]:
    """The refs of the acts of `case` a stored recording made at the act covers (matched as
    `missing_recordings` does): what the case page shows next to an officer's 「已全程音像记录」
    declaration, which alone proves nothing."""
    from .models import AudioVideoRecord

    stored: dict[str, list] = {}
    for rec in (AudioVideoRecord.objects.filter(case_id=case.pk, upload__isnull=False, stored_at__isnull=False)
                .exclude(act="").select_related("upload").order_by("started_at", "id")):
        if is_audio_video(rec.upload):
            stored.setdefault(rec.act, []).append(rec)
    return {occ.ref for occ in occurrences(case) if _take(stored.get(occ.act, []), occ) is not None}


def uncovered_act(rec, occurrences_of_case: list[Occurrence] | None = None) -> str:
    """What the officer is told when recording `rec` names an act (封存…) its case has not done at the
    time it was made: the recording then covers no act (`made_at`) — "" when it does, names no act, or
    has no case yet. The recording is kept, not refused: it may be declared before the act is entered,
    or before its case exists (issue 8 §2, held unattached), and it stays evidence of what it shows;
    the officer is told so as to correct the time or the act, or enter the act (docs/records.md)."""
    if not rec.act or rec.case_id is None:
        return ""
    found = occurrences(rec.case) if occurrences_of_case is None else occurrences_of_case
    same = [occ for occ in found if occ.act == rec.act]
    if any(made_at(rec, occ) for occ in same):
        return ""
    label = ACTS.get(rec.act, rec.act).split("（")[0]
    first, last = _span(rec)
    when = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
    if not same:
        return (f"本案尚无“{label}”的记录，此音像记录（{when}）暂不对应本案任何执法活动；"
                f"请登记该执法活动，或核对所记录的执法活动。")
    days = "、".join(dict.fromkeys(f"{occ.on:%Y-%m-%d}" for occ in same))
    return (f"本案的“{label}”在 {days}，此音像记录（{when}）不是当时所录，不对应该执法活动；"
            f"请核对记录时间或所记录的执法活动。")


def closing_problem(case) -> str | None:
    """Why `case` may not close for want of recordings (None: it may): a mandatory act without its
    stored recording and no head's exception; a recommended one (宜音像记录) without the handler's
    reason — issue §2 "a recommended act not recorded asks for a reason", asked at closing so that it
    is never forgotten (the reason is a RecordingWaiver of kind 说明理由, recorded and ledgered)."""
    missing = missing_recordings(case)
    blocking = [m for m in missing if m.blocks_closing]
    unexplained = [m for m in missing if m.needs_reason]
    problems = []
    if blocking:
        names = "；".join(m.occurrence.description + (f"（{m.status_label}）" if m.pending is not None else "")
                         for m in blocking)
        problems.append(f"以下执法活动按本机关音像记录事项清单应全程音像记录，但本案没有其已存储的音像记录：{names}。"
                        "请存储或关联当时的音像记录，或由负责人批准例外并说明理由。")
    if unexplained:
        names = "；".join(m.occurrence.description for m in unexplained)
        problems.append(f"以下执法活动按本机关音像记录事项清单宜音像记录，但本案没有其音像记录：{names}。"
                        "请关联当时的音像记录，或由承办人说明未音像记录的理由。")
    return "".join(problems) or None
