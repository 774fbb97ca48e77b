"""One builder per model with an access policy: a row in agency A, made through the actions.

Each builder returns `Built(obj, agency, unit, owner)` — what the row belongs to, stated here
independently of the policy's paths, so the permission tests can tell what each member should
reach. A new model registers its policy and adds its builder here; `test_permissions` fails for
a model without one. (`tests/access/access_builders.py`: test folders are not packages, so
module names are unique across them.)
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines import actions as D
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Checkpoint, LedgerEntry, MerkleNode, PendingEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs.models import TotpDevice


@dataclass
class Built:
    obj: object
    agency: object = None   # the orgs.Agency the row belongs to (None: system-wide)
    unit: object = None     # the unit it belongs to, if any
    owner: object = None    # the user whose own row it is, if any


def _obligation(cast):
    return D.do_open_obligation(object_type="demo", object_id="1", agency=cast.a.code, kind="公示（权限测试）",
                                start="2026-03-02", count=7, unit="workdays", actor=OPERATOR)


def _scheduled_run(cast):
    from django.utils import timezone

    from sanxiang.jobs.models import ScheduledRun

    now = timezone.now()
    return ScheduledRun.objects.create(schedule="sign_checkpoint", slot=now, enqueued_at=now)


def _build(cast, label):
    a, unit, person = cast.a, cast.unit_a, cast.owned_person
    if label == "orgs.agency":
        return Built(a, a)
    if label == "orgs.unit":
        return Built(unit, a, unit)
    if label == "orgs.person":
        return Built(person, a, unit, cast.owner)
    if label == "orgs.certificate":
        return Built(cast.certificate, a, unit, cast.owner)
    if label == "orgs.legalqualification":
        return Built(A.do_add_qualification(person, "A20240001", "2020-09-01", actor=OPERATOR), a, unit, cast.owner)
    if label == "orgs.training":
        return Built(A.do_add_training(person, "行政处罚法专题", date="2025-05-06", hours=2, actor=OPERATOR),
                     a, unit, cast.owner)
    if label == "orgs.equipment":
        return Built(cast.equipment, a, unit)
    if label == "orgs.deviceissue":
        return Built(A.do_issue_device(cast.equipment, person, "2025-01-06", actor=OPERATOR), a, unit, cast.owner)
    if label == "orgs.roleassignment":
        return Built(cast.owner_role, a, None, cast.owner)
    if label == "orgs.totpdevice":
        A.do_enrol_totp(cast.owner, actor=OPERATOR)
        return Built(TotpDevice.objects.get(user=cast.owner), None, None, cast.owner)
    if label == "search.searchentry":
        from sanxiang.search import engine

        return Built(engine.index(agency=a, kind="penalty", published_on=dt.date(2026, 3, 2), ref="权限测试-1",
                                  title="行政处罚决定", summary="罚款一千元"), a)
    if label == "orgs.accountevent":
        return Built(A.do_record_account_event("someone", "login_failed", "10.0.0.9", actor=OPERATOR))
    if label == "ledger.ledgerentry":
        return Built(LedgerEntry.objects.filter(agency=a.code).latest("index"), a)
    if label == "ledger.pendingentry":
        entry = LedgerEntry.objects.filter(agency=a.code).latest("index")
        return Built(PendingEntry.objects.create(
            created_at=entry.created_at, agency=a.code, actor=entry.actor, action=entry.action,
            object_type=entry.object_type, object_id=entry.object_id, deleted=False,
            state_digest=entry.state_digest, body=entry.entry.replace(f',"index":{entry.index}', ""),
            split=entry.entry.index(f',"index":{entry.index}')), a)
    if label == "ledger.announcement":
        return Built(do_post_announcement("甲局公告", agency=a.code, actor=OPERATOR), a)
    if label == "ledger.checkpoint":
        do_take_checkpoint(actor=OPERATOR, force=True)
        return Built(Checkpoint.objects.latest("id"))
    if label == "ledger.merklenode":
        return Built(MerkleNode.objects.first())
    if label == "deadlines.obligation":
        return Built(_obligation(cast), a)
    if label == "deadlines.obligationpause":
        ob = _obligation(cast)
        return Built(D.do_pause_obligation(ob, start="2026-03-04", reason="听证", actor=OPERATOR), a)
    if label == "deadlines.obligationextension":
        ob = _obligation(cast)
        D.do_extend_obligation(ob, count=3, unit="workdays", approver=cast.members["leader-a"].user,
                               reason="案情复杂", date="2026-03-05", actor=OPERATOR)
        return Built(ob.extensions.get(), a)
    if label == "deadlines.calendaryear":
        from sanxiang.deadlines.models import CalendarYear
        return Built(CalendarYear.objects.order_by("year").first() or _seed_year())
    if label == "deadlines.calendarday":
        from sanxiang.deadlines.models import CalendarDay
        if not CalendarDay.objects.exists():
            _seed_year()
        return Built(CalendarDay.objects.first())
    if label == "jobs.scheduledrun":
        return Built(_scheduled_run(cast))
    if label == "accounts.apitoken":
        from sanxiang.accounts.actions import do_create_api_token
        return Built(do_create_api_token(cast.owner, label="权限测试", actor=OPERATOR)[0], None, None, cast.owner)
    if label == "accounts.loginthrottle":
        from sanxiang.accounts import throttle
        from sanxiang.accounts.models import LoginThrottle
        throttle.begin_attempt("someone", "10.0.0.9")
        return Built(LoginThrottle.objects.get(kind="account", key="someone"))
    if label == "accounts.securityevent":
        from sanxiang.accounts import security_events
        from sanxiang.accounts.models import SecurityEvent
        security_events.record("login_failed", username=cast.owner.username, address="10.0.0.9")
        return Built(SecurityEvent.objects.get(subject="account", key=cast.owner.username), a)
    if label == "accounts.temporarypassword":
        from sanxiang.accounts.actions import do_reset_password
        from sanxiang.accounts.models import TemporaryPassword
        do_reset_password(cast.owner, actor=OPERATOR)
        return Built(TemporaryPassword.objects.get(user=cast.owner), None, None, cast.owner)
    if label.startswith("witness."):
        return _witness(cast, label)
    if label == "parties.party":
        return Built(party_of_a(cast), a)
    if label.startswith("cases."):
        return _cases(cast, label)
    if label == "records.upload":
        from sanxiang.records.actions import do_create_upload
        officer = cast.members["officer-a"].user
        return Built(do_create_upload(length=1000, metadata={"filename": "现场照片.jpg"}, actor=officer), a, None, officer)
    if label.startswith("documents."):
        return _documents(cast, label)
    if label.startswith("registers."):
        return _registers(cast, label)
    if label.startswith("retrieval."):
        return _retrieval(cast, label)
    if label.startswith("records."):
        return _records(cast, label)
    if label.startswith("archive."):
        return _archive(cast, label)
    if label in REVIEW_FLOW:
        return _review_flow(cast, label)
    if label == "review.catalogueversion":  # 法制审核目录清单, seeded from agency A's profile
        from sanxiang.review.actions import do_seed_catalogue
        return Built(do_seed_catalogue(a, actor=OPERATOR), a)
    if label == "disclosure.disclosureversion":  # 事前公开 of agency A, published by the operator
        from sanxiang.disclosure.actions import do_publish_disclosure
        from sanxiang.disclosure.testing import CONTENT
        return Built(do_publish_disclosure(a, "matters", CONTENT["matters"], reason="首次发布", actor=OPERATOR), a)
    if label == "disclosure.guidefile":  # 服务指南的示范文本 of agency A, uploaded by the operator
        import io

        from PIL import Image

        from sanxiang.disclosure.actions import do_store_guide_file
        out = io.BytesIO()
        Image.new("RGB", (4, 4), "white").save(out, "PNG")
        return Built(do_store_guide_file(a, out.getvalue(), "示范.png", actor=OPERATOR), a)
    if label == "disclosure.disclosuretrigger":  # 调整事由 of agency A (a law change)
        from sanxiang.disclosure.actions import do_record_disclosure_trigger
        return Built(do_record_disclosure_trigger(a, cause="law", description="某法修订", occurred_on="2026-03-02",
                                                  actor=OPERATOR), a)
    if label.startswith("annual."):
        return _annual(cast, label)
    if label in ("review.legalreview", "review.reviewround", "review.reviewsupplement"):
        return _cases(cast, label)  # 法制审核 of a case of agency A, its round, a supplement request
    if label.startswith("publicity."):
        return _publicity(cast, label)
    if label == "portal.decisionnumber":  # the public number of a published decision (public, decision 0070)
        from sanxiang.portal.indexing import number_for

        return Built(number_for(_publicity(cast, "publicity.publication").obj), cast.a)
    return None


def _annual(cast, label):
    """行政执法统计年报 of agency A on 2025: the report, its unit's submission, a recorded figure, a delivery."""
    from sanxiang.annual import actions as AA

    a, unit = cast.a, cast.unit_a
    report = AA.do_open_annual_report(a, 2025, actor=OPERATOR)
    if label == "annual.annualreport":
        return Built(report, a)
    if label == "annual.unitsubmission":
        return Built(report.submissions.get(unit=unit), a, unit)
    if label == "annual.recordedfigure":
        return Built(AA.do_record_figure(report, item="litigation", count=1, source="法院来函", actor=OPERATOR), a)
    for sub in report.submissions.all():
        AA.do_submit_unit_figures(sub, actor=OPERATOR, on="2026-01-10")
    AA.do_approve_annual_report(report, actor=OPERATOR, on="2026-01-20")
    AA.do_publish_annual_report(report, actor=OPERATOR, on="2026-01-25")
    return Built(AA.do_deliver_annual_report(report, recipient="上级主管部门", actor=OPERATOR, on="2026-01-26"), a)


def _publicity(cast, label):
    """公示义务, 公示信息 and its version: opened by the decision of a case of agency A's unit."""
    from sanxiang.publicity.models import PublicationObligation

    payment = _cases(cast, "cases.casepayment")  # decided on 2026-03-05, served, paid
    ob = PublicationObligation.objects.get(case=payment.obj.case)
    rows = {"publicity.publicationobligation": ob, "publicity.publication": ob.publication,
            "publicity.publicationversion": ob.publication.current()}
    if label in rows:
        return Built(rows[label], cast.a, cast.unit_a)
    # the party's rows (decision 0072): the publication published by the operator, then its code, a
    # correction request from the portal, an early-stop application
    import datetime as dt

    from django.utils import timezone

    from sanxiang.publicity import actions as PA
    from sanxiang.publicity import requests as PR
    from sanxiang.publicity.party_models import EarlyStopRequest

    pub = ob.publication
    for act in (PA.do_submit_publication, PA.do_approve_publication, PA.do_publish_publication):
        act(pub, actor=OPERATOR)
    pub.refresh_from_db()
    if label == "publicity.partycode":
        PR.issue_party_code(pub, actor=OPERATOR)
        return Built(pub.party_code, cast.a, cast.unit_a)
    if label == "publicity.correctionrequest":
        return Built(PR.do_request_correction(pub, content="罚款数额有误", contact="13900000000"), cast.a, cast.unit_a)
    # agency A's profile sets no early stop (national): the row is written as the action would leave it
    day = dt.date(2026, 9, 15)
    if label == "publicity.withdrawalproposal":  # 撤下申请 (decision 0090), as the editor's action leaves it
        from django.contrib.auth import get_user_model

        from sanxiang.publicity.models import WithdrawalProposal
        head = get_user_model().objects.order_by("pk").first()
        return Built(WithdrawalProposal.objects.create(
            publication=pub, agency=cast.a, ground="void", reason="决定被确认无效", proposed_by_name="editor",
            proposed_to=head, proposed_on=day, created_at=timezone.now()), cast.a, cast.unit_a)
    row = EarlyStopRequest.objects.create(agency=cast.a, publication=pub, number="停〔2026〕1号", statement="均符合",
                                          contact="x", received_on=day, due=day, created_at=timezone.now())
    return Built(row, cast.a, cast.unit_a)


def _records(cast, label):
    """证据 of a case of agency A, or a recording held unattached (the declarer's own) and its hand-over,
    or the reason given for an on-site act not recorded — made by an officer of A's unit."""
    from sanxiang.cases import actions as C
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role
    from sanxiang.records import evidence as E
    from sanxiang.records import samples

    a, unit = cast.a, cast.unit_a
    recorder = T.member(a, Role.OFFICER, unit=unit)
    case = C.do_create_case(a, unit=unit, source="report", cause="权限测试案件", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    if label == "records.evidenceitem":
        upload = samples.completed_upload(samples.png(), "现场照片.png", actor=recorder)
        return Built(E.do_register_evidence(case, upload, kind="documentary", title="现场照片", source="现场拍摄",
                                            collected_on="2026-03-02", collected_by="周执法", content="现场照片 1 张",
                                            occurred_at="2026-03-02T10:00", place="某市场", officers="周执法",
                                            recorder="周执法", purpose="证明现场情况", actor=recorder), a, unit)
    if label == "records.recordingwaiver":
        second = T.person(a, unit=unit, name="周执法")
        numbers = [cast.certificate.number, T.certificate(second).number]
        for person in (cast.owned_person, second):
            C.do_assign_case_handler(case, person, actor=OPERATOR, on="2026-03-02")
        C.do_record_onsite_act(case, date="2026-03-02", place="某市场", certificate_numbers=numbers,
                               told_reason_basis_rights=True, video_recorded=False, actor=OPERATOR)
        from sanxiang.records.catalogue import missing_recordings

        ref = missing_recordings(case)[0].occurrence.ref
        return Built(E.do_explain_missing_recording(case, ref, reason="设备故障", actor=recorder), a, unit)
    recording = E.do_declare_recording(a, title="现场录像", officers="周执法", recorder="周执法",
                                       started_at="2026-03-02T09:00", ended_at="2026-03-02T10:00", place="某市场",
                                       device="执法记录仪", actor=recorder)
    if label == "records.audiovideorecord":
        return Built(recording, a, None, recorder)
    if label == "records.recordinghandover":
        keeper = T.member(a, Role.RECORDS_KEEPER)  # the original goes to the archive (decision 0085)
        T.person(a, user_obj=keeper, name="吴某")
        return Built(E.do_hand_over_recording(recording, received_by="档案室吴某", receiver=keeper,
                                              handed_at="2026-03-03T09:00", medium="SD 卡", place="档案室",
                                              actor=recorder), a, None, recorder)
    return None


def _registers(cast, label):
    """涉案财物: goods a decision of agency A confiscates, registered with their first hand-over."""
    from sanxiang.cases import actions as C
    from sanxiang.orgs import testing as T
    from sanxiang.registers.actions import do_register_confiscated_goods

    a, unit = cast.a, cast.unit_a
    case = C.do_create_case(a, unit=unit, source="report", cause="权限测试案件", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    C.do_add_case_party(case, party_of_a(cast), actor=OPERATOR)
    second = T.person(a, unit=unit, name="王五")
    T.certificate(second)
    C.do_assign_case_handler(case, cast.owned_person, actor=OPERATOR, on="2026-03-02")
    C.do_assign_case_handler(case, second, actor=OPERATOR, on="2026-03-02")
    for action, params in (("verify", {}), ("file", {}), ("investigate", {}),
                           ("conclude", {"penalties": ["fine", "confiscate_property"], "fine": "1000",
                                         "confiscation": "500"}),
                           ("notify", {}), ("waive_rights", {}), ("decide", {})):
        C.move_case(case, action, actor=OPERATOR, on="2026-03-04", **params)
    goods = do_register_confiscated_goods(case, name="冷柜", quantity="1", unit="台", holder="李保管", place="罚没物品仓库",
                                          handed_by="王五", received_by="李保管", condition="完好", location="本局仓库",
                                          handed_at="2026-03-05 10:00", actor=OPERATOR)
    return Built(goods if label == "registers.goods" else goods.hand_overs.get(), a, unit)


def _retrieval(cast, label):
    """查阅留痕 (the owner's look), 调阅申请 (a reviewer's, who does not read the case) and 当事人申请复制,
    on a 立案审批表 of a case of agency A."""
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role
    from sanxiang.retrieval import actions as RET
    from sanxiang.retrieval import kinds

    document = _documents(cast, "documents.document").obj
    case = document.case
    if label == "retrieval.recordaccess":
        access = RET.do_record_access(record=document, kind=kinds.get("document"), case=case, file_key="docx",
                                      file_sha256=document.docx_sha256, served_sha256=document.docx_sha256,
                                      mode="view", purpose="权限测试", grant=None, mark=case.confidentiality,
                                      watermarked=False, byte_range="", actor=cast.owner)
        return Built(access, cast.a, cast.unit_a, cast.owner)
    if label == "retrieval.accessrequest":
        requester = T.member(cast.a, Role.REVIEWER)
        return Built(RET.do_request_access(case, reason="权限测试", actor=requester), cast.a, cast.unit_a, requester)
    from sanxiang.retrieval.queries import party_copy_candidates

    head = cast.members["unit-head-a"].user
    asked = [item["key"] for item in sum(party_copy_candidates(head, case, asking=True), [])]
    return Built(RET.do_register_party_copy(case, party=party_of_a(cast), records="立案审批表", asked=asked,
                                            actor=head),
                 cast.a, cast.unit_a)


def _archive(cast, label):
    """归档案卷 / 移交清单 of agency A. Rows written directly: archiving for real needs rendered, issued
    documents and a signed checkpoint (tests/archive/test_case_file.py does that); who reads the rows
    depends on nothing of it."""
    from django.utils import timezone

    from sanxiang.archive.models import ArchivedCaseFile, ArchiveExport, TransferList
    from sanxiang.cases import actions as C

    now = timezone.now()
    if label == "archive.archiveexport":  # a package asked for (the job builds it; who reads it needs no file)
        case = C.do_create_case(cast.a, unit=cast.unit_a, source="report", cause="权限测试案件", category="行政处罚",
                                clue_on="2026-03-02", actor=OPERATOR)
        return Built(ArchiveExport.objects.create(case=case, agency=cast.a, requested_by_name="system:cli",
                                                  requested_at=now), cast.a, cast.unit_a)
    if label == "archive.transferlist":
        return Built(TransferList.objects.create(agency=cast.a, year=2025, made_at=now, made_by_name="system:cli",
                                                 received_by="档案室"), cast.a)
    case = C.do_create_case(cast.a, unit=cast.unit_a, source="report", cause="权限测试案件", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    return Built(ArchivedCaseFile.objects.create(
        case=case, agency=cast.a, archive_number="A-2026-0001", archive_year=2026, archive_seq=1, outcome="penalty",
        catalogue_sha256="0" * 64, items=0, pages=0, retention="定期30年", retention_basis="权限测试",
        archived_at=now, archived_by_name="system:cli"), cast.a, cast.unit_a)


def _documents(cast, label):
    """执法文书: a 立案审批表 of a case of agency A, or agency A's own template version."""
    from sanxiang.cases import actions as C
    from sanxiang.documents import actions as DOC

    if label == "documents.documenttemplate":
        return Built(DOC.do_upload_document_template(cast.a, "filing_approval", DOC.packaged_template("filing_approval"),
                                                     reason="权限测试", actor=OPERATOR), cast.a)
    case = C.do_create_case(cast.a, unit=cast.unit_a, source="report", cause="权限测试案件", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    C.do_add_case_party(case, party_of_a(cast), actor=OPERATOR)
    C.move_case(case, "verify", actor=OPERATOR, on="2026-03-04")
    if label == "documents.paperoriginal":  # a 询问笔录 signed on paper, registered by its scan
        from sanxiang.documents.paper import do_register_paper_original
        from sanxiang.orgs import testing as T
        from sanxiang.orgs.models import Role
        from sanxiang.records import samples

        handler = T.member(cast.a, Role.OFFICER, unit=cast.unit_a)
        upload = samples.completed_upload(samples.png(seed=7), "询问笔录.png", actor=handler)
        return Built(do_register_paper_original(case, upload, kind="inquiry_record", written_on="2026-03-04",
                                                signers="被询问人", kept_at="档案柜", actor=handler), cast.a, cast.unit_a)
    if label == "documents.documentsignature":  # a signature row of a 询问笔录 (the PNG's bytes are not read)
        from django.utils import timezone

        from sanxiang.documents.models import DocumentSignature

        record = DOC.do_generate_document(case, "inquiry_record", actor=OPERATOR,
                                          inputs={"interviewee": "张三", "place": "询问室", "content": "问答",
                                                  "started_at": "2026-03-04 09:00", "ended_at": "2026-03-04 10:00"})
        return Built(DocumentSignature.objects.create(
            document=record, role="party", signer_name="张三", png_path="00/none.png", png_sha256="0" * 64,
            png_sm3="0" * 64, png_size=1, captured_by=cast.members["officer-a"].user, signed_at=timezone.now()),
            cast.a, cast.unit_a)
    return Built(DOC.do_generate_document(case, "filing_approval", actor=OPERATOR), cast.a, cast.unit_a)


def _cases(cast, label):
    """A case of agency A handled by its unit, with its rows, made through the cases actions."""
    from sanxiang.cases import actions as C
    from sanxiang.cases.models import CaseAccess
    from sanxiang.orgs import testing as T

    a, unit = cast.a, cast.unit_a
    case = C.do_create_case(a, unit=unit, source="report", cause="权限测试案件", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    if label == "cases.case":
        return Built(case, a, unit)
    if label == "cases.inspection":
        from sanxiang.cases.kinds.inspection import do_create_inspection

        inspector = T.person(a, unit=unit, name="周检查")
        for person in (cast.owned_person, inspector):
            T.certificate(person, categories=["行政检查"])
        found = do_create_inspection(a, unit=unit, source="random", cause="权限测试检查", party=party_of_a(cast),
                                     handlers=[cast.owned_person, inspector], planned_on="2026-03-02", actor=OPERATOR)
        return Built(found.inspection, a, unit)
    if label == "cases.inspectionplan":
        from sanxiang.cases.kinds.inspection_plan import do_create_inspection_plan

        item = {"subject": "本局", "basis": "产品质量法第十五条", "objects": "辖区生产企业", "content": "产品质量",
                "ratio": "5%", "method": "现场检查", "frequency": "每年一次"}
        return Built(do_create_inspection_plan(a, unit=unit, year=dt.date.today().year, items=[item], actor=OPERATOR), a, unit)
    if label == "cases.randomdraw":
        from sanxiang.cases.kinds.inspection import do_draw_random_inspections

        inspector = T.person(a, unit=unit, name="周检查")
        for person in (cast.owned_person, inspector):
            T.certificate(person, categories=["行政检查"])
        return Built(do_draw_random_inspections(a, unit=unit, cause="权限测试抽查", parties=[party_of_a(cast)], objects=1,
                                                people=[cast.owned_person, inspector], planned_on="2026-03-02",
                                                seed="test", actor=OPERATOR), a, unit)
    C.do_add_case_party(case, party_of_a(cast), actor=OPERATOR)
    second = T.person(a, unit=unit, name="王五")
    T.certificate(second)
    first = C.do_assign_case_handler(case, cast.owned_person, actor=OPERATOR, on="2026-03-02")
    C.do_assign_case_handler(case, second, actor=OPERATOR, on="2026-03-02")
    rows = {
        "cases.casehandler": lambda: first,
        "cases.caseparty": lambda: case.case_parties.get(),
        "cases.caseaccess": lambda: CaseAccess.objects.get(case=case),
        "cases.caseparticipant": lambda: C.do_add_case_participant(case, role="witness", name="赵六", actor=OPERATOR),
        "cases.recusal": lambda: C.do_request_recusal(case, first, requested_by="当事人", reason="利害关系",
                                                      on="2026-03-03", actor=OPERATOR),
        "cases.onsiteact": lambda: C.do_record_onsite_act(
            case, place="某市场", certificate_numbers=[h.certificate.number for h in case.handlers.all()],
            told_reason_basis_rights=True, video_recorded=True, date="2026-03-03", actor=OPERATOR),
    }
    if label in rows:
        return Built(rows[label](), a, unit)
    if label in ("cases.coercivemeasure", "cases.seizeditem"):
        from sanxiang.cases.kinds import coercion as K

        C.move_case(case, "verify", actor=OPERATOR, on="2026-03-04")
        measure = K.do_propose_measure(case, kind="preservation", reason="权限测试", on="2026-03-04", actor=OPERATOR)
        if label == "cases.coercivemeasure":
            return Built(measure, a, unit)
        return Built(K.do_add_seized_item(measure, name="冷柜", quantity="1", unit="台", place="当事人仓库",
                                          actor=OPERATOR), a, unit)
    for action, params in (("verify", {}), ("file", {}), ("investigate", {}),
                           ("conclude", {"penalties": ["fine"], "fine": "1000"}), ("notify", {})):
        C.move_case(case, action, actor=OPERATOR, on="2026-03-04", **params)
    if label == "cases.casereview":  # the minimal record of before the review procedure: written directly
        from sanxiang.cases.models import CaseReview
        from sanxiang.cases.review_gate import proposal_of

        reviewer = T.member(a, "reviewer")  # not a member of the cast: the assignment is not theirs
        return Built(CaseReview.objects.create(case=case, reviewer=reviewer, proposal=proposal_of(case),
                                               submitted_on="2026-03-05"), a, unit)
    if label.startswith("review."):
        from sanxiang.review import procedure as P
        from sanxiang.review.testing import qualify

        rnd = P.do_submit_review(case, materials=["report", "draft", "evidence"], on="2026-03-05", actor=OPERATOR)
        if label == "review.legalreview":
            return Built(rnd.review, a, unit)
        if label == "review.reviewround":
            return Built(rnd, a, unit)
        reviewer = T.member(a, "reviewer")  # not a member of the cast: the assignment is not theirs
        T.person(a, user_obj=reviewer, name="钱审核")
        qualify(reviewer)
        rnd = P.do_assign_reviewer(rnd, reviewer=reviewer, on="2026-03-05", actor=OPERATOR)
        return Built(P.do_request_supplement(rnd, items=["evidence"], supplement_by="2026-03-20", on="2026-03-05",
                                             actor=OPERATOR), a, unit)
    for action, params in (("waive_rights", {}), ("decide", {}), ("serve", {"method": "direct"}),
                           ("record_payment", {"amount": "1000"})):
        C.move_case(case, action, actor=OPERATOR, on="2026-03-05", **params)
    if label == "cases.casepayment":
        return Built(case.payments.get(), a, unit)
    if label == "cases.caseappeal":
        return Built(C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on="2026-03-06",
                                             actor=OPERATOR), a, unit)
    return None


def party_of_a(cast):
    """A person party of agency A named like the owned person (test_endpoints looks for the name)."""
    from sanxiang.parties.actions import do_register_party
    from sanxiang.parties.models import Party

    found = Party.objects.filter(agency=cast.a, id_number="11010519491231002X").first()
    return found or do_register_party(cast.a, kind="person", name="张三", id_number="11010519491231002X",
                                      actor=OPERATOR)


def _witness(cast, label):
    import os

    from django.utils import timezone

    from sanxiang.ledger.signing import signer
    from sanxiang.witness.actions import do_add_watched_log, do_raise_witness_alert, do_trust_witness
    from sanxiang.witness.cosign import Cosigner
    from sanxiang.witness.models import Cosignature

    if label in ("witness.watchedlog", "witness.witnessalert"):
        log = do_add_watched_log(url="http://127.0.0.1:8000", vkey=signer().ed25519.vkey, holder=cast.a,
                                 actor=OPERATOR)
        if label == "witness.watchedlog":
            return Built(log, cast.a)
        return Built(do_raise_witness_alert(log, kind="fork", message="分叉", offending="…", actor=OPERATOR), cast.a)
    witness = do_trust_witness(vkey=Cosigner("perm.example/witness", os.urandom(32)).vkey, label="权限测试见证方",
                               actor=OPERATOR)
    if label == "witness.trustedwitness":
        return Built(witness)
    return Built(Cosignature.objects.create(witness=witness, tree_size=1, root_hash="00" * 32, line="—",
                                            timestamp=1, received_at=timezone.now()))


def _seed_year():
    D.seed_calendar(actor=OPERATOR, years=[2026])
    from sanxiang.deadlines.models import CalendarYear
    return CalendarYear.objects.get(year=2026)


def build(cast, label) -> Built | None:
    with transaction.atomic():
        return _build(cast, label)


TODAY = dt.date.today()


# ---- 签批、分歧、征求意见、审核调查 (sanxiang/review/flow.py) -----------------------------------------------
# Agency A follows the profile whose procedure the row needs (人社: negotiate, then the leaders;
# 株洲: consultation and inquiries); people acting are fresh, so no member of the cast is assigned.
REVIEW_FLOW = {"review.signoff": "national", "review.negotiation": "national",
               "review.collectivediscussion": "national", "review.leadershipdecision": "urumqi-gxq-hrss",
               "review.consultation": "zhuzhou-amr", "review.reviewinquiry": "zhuzhou-amr"}


def _review_flow(cast, label):
    from sanxiang.cases import actions as C
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Agency, RoleAssignment
    from sanxiang.review import flow as F
    from sanxiang.review import procedure as P
    from sanxiang.review.testing import all_points, qualify, submit_and_assign
    from sanxiang.review.tracks import track_for

    a, unit = cast.a, cast.unit_a
    Agency.objects.filter(pk=a.pk).update(profile_key=REVIEW_FLOW[label])
    a.refresh_from_db()
    case = C.do_create_case(a, unit=unit, source="report", cause="权限测试审核", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    C.do_add_case_party(case, party_of_a(cast), actor=OPERATOR)
    for name in ("王五", "赵六"):
        handler = T.person(a, unit=unit, name=name)
        T.certificate(handler)
        C.do_assign_case_handler(case, handler, actor=OPERATOR, on="2026-03-02")
    for action, params in (("verify", {}), ("file", {}), ("investigate", {}),
                           ("conclude", {"penalties": ["fine"], "fine": "1000"}), ("notify", {}),
                           ("waive_rights", {})):
        C.move_case(case, action, actor=OPERATOR, on="2026-03-04", **params)
    reviewer = T.member(a, "reviewer")
    T.person(a, user_obj=reviewer, name="审核员")
    qualify(reviewer)
    rnd = submit_and_assign(case, officer=OPERATOR, reviewer=reviewer, assigner=OPERATOR, on="2026-03-05")
    if label == "review.consultation":
        return Built(F.do_consult(rnd, expertise="行业专家", name="吴工程师", question="检测结论可否采信？",
                                  on="2026-03-05", actor=reviewer), a, unit)
    if label == "review.reviewinquiry":
        return Built(F.do_record_inquiry(rnd, kind="inquiry", held_on="2026-03-05", persons="当事人",
                                         content="了解情况", actor=reviewer), a, unit)
    P.do_record_checklist(rnd, points=all_points(), actor=reviewer)
    track = track_for(a.profile_key, "penalty")
    if label == "review.signoff":
        P.do_record_opinion(rnd, kind=track.agree, text="同意。", actor=reviewer, on="2026-03-05")
        head = T.member(a, "unit_head", unit=unit)
        return Built(F.do_sign_off(rnd, "handling_head", approved=True, opinion="同意。", on="2026-03-05",
                                   actor=head), a, unit)
    other = next(o.code for o in track.opinion_kinds if o.code != track.agree)
    P.do_record_opinion(rnd, kind=other, text="证据不足。", return_grounds=track.return_grounds[:1], actor=reviewer,
                        on="2026-03-05")
    negotiation = F.do_record_negotiation(rnd, held_on="2026-03-06", participants=["承办人", "审核员"], agreed=False,
                                          text="未达成一致。", actor=OPERATOR)
    if label == "review.negotiation":
        return Built(negotiation, a, unit)
    leaders = list(RoleAssignment.objects.filter(agency=a, role="agency_leader").values_list("user_id", flat=True))
    leaders += [T.member(a, "agency_leader").pk for _ in range(2)]
    if label == "review.leadershipdecision":
        return Built(F.do_record_leadership_decision(
            rnd.review, handling_opinion="甲", review_opinion="乙", decided_on="2026-03-06",
            deciders=[{"user": leaders[-1], "position": "agree"}],
            outcome="as_proposed", text="按拟作出的决定作出。", actor=OPERATOR), a, unit)
    return Built(F.do_record_collective_discussion(
        rnd.review, held_on="2026-03-06", attendees=[{"user": pk, "position": "agree"} for pk in leaders],
        outcome="as_proposed", minutes="纪要。", actor=OPERATOR), a, unit)
