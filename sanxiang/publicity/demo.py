"""公示's demo (issue 10 §3, §5): the cases demo's decisions have opened their publication obligations
(with redacted drafts) as they were made; here each seed agency's editor (`*-publicity`) and
responsible head (`*-head`, `*-leader`) move them through the states — 待审核, 已审核待发布, 已公示,
已更正, 已撤下 (with its public reason), 不予公开 and 暂缓公开 with their grounds — through the `do_*`
actions, so the guards run and the ledger is complete. Dates are those of the decisions (never after
today). Safe to re-run: an agency whose obligations were already worked on is left alone."""

import datetime as dt

STATES = ["published", "submitted", "corrected", "approved", "withdrawn", "withheld", "deferred"]


def load(stdout):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    from .models import ObligationStatus, PublicationObligation, PublicationStatus

    users = get_user_model().objects
    today, counts = timezone.localdate(), {}
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None:
            continue
        rows = list(PublicationObligation.objects.filter(agency=agency).select_related("publication").order_by("id"))
        worked = any(ob.status != ObligationStatus.OPEN or ob.publication.status != PublicationStatus.DRAFT
                     or ob.deferred_until for ob in rows)
        if worked or not rows:
            continue
        prefix = spec["prefix"]
        cast = {role: users.filter(username=f"{prefix}-{role}").first() for role in ("publicity", "head", "leader")}
        if None in cast.values():
            continue
        for ob, state in zip(rows, STATES):
            _move(ob, state, cast, today)
            counts[state] = counts.get(state, 0) + 1
        if spec["code"] == RANDOM_AGENCY:  # a 双随机 result on show: the open data and credit export have a row
            drawn = next((ob for ob in rows[len(STATES):] if _random_result(ob)), None)
            if drawn is not None:
                _move(drawn, "published", cast, today)
                counts["random"] = counts.get("random", 0) + 1
    if not counts:
        return []
    labels = {"published": "已公示", "submitted": "待审核", "corrected": "已更正", "approved": "已审核待发布",
              "withdrawn": "已撤下", "withheld": "不予公开", "deferred": "暂缓公开"}
    made = "、".join(f"{labels[s]} {counts[s]}" for s in STATES if s in counts)
    if counts.get("random"):
        made += f"（另有双随机抽查结果已公示 {counts['random']}）"
    return [f"公示：各机关的执法决定已开启公示义务（待公示的附脱敏草稿）；演示状态 {made}"]


# 乌鲁木齐高新区市场监管局 publishes a normal 双随机 result under the entity's name within 20 working days of the
# inspection's end (profile publicity.random_inspection.normal_result_deadline): the demo carries its drawn
# inspection through to 已公示 (audit10 observation 5, decision 0103).
RANDOM_AGENCY = "urumqi-gxq-amr"


def _random_result(ob) -> bool:
    from .models import ObligationStatus, PublicationStatus

    inspection = getattr(ob.case, "inspection", None)
    return (ob.kind_label == "检查" and inspection is not None and inspection.source == "random"
            and ob.status == ObligationStatus.OPEN and ob.publication.status == PublicationStatus.DRAFT)


def _move(ob, state, cast, today):
    from . import actions as P

    editor, head, leader = cast["publicity"], cast["head"], cast["leader"]
    pub = ob.publication
    day = min(ob.decided_on + dt.timedelta(days=3), today)
    if state == "withheld":  # the editor proposes, the leader asked approves as their own act
        P.do_propose_withholding(ob, proposal="withhold", ground="privacy", note="决定涉及未成年人个人隐私，经审查不予公开",
                                 approver=leader, actor=editor, on=day)
        P.do_approve_withholding(ob, actor=leader, on=day)
        return
    if state == "deferred":
        from sanxiang.deadlines.queries import get_calendar

        from .deferral import next_working_day

        until = next_working_day(max(ob.due, today) + dt.timedelta(days=30), get_calendar())
        P.do_propose_withholding(ob, proposal="defer", ground="other_law", note="关联刑事案件尚在侦查，公开可能妨碍侦查",
                                 approver=leader, until=until, actor=editor, on=day)
        P.do_approve_withholding(ob, actor=leader, on=day)
        return
    version = pub.current()
    start = version.original.find("货值金额")
    end = version.original.find("元", start) + 1 if start >= 0 else 0
    goods = ob.kind_label == "处罚" and not pub.agency.code.endswith("-hrss")  # goods are sold: not a labour case
    if 0 <= start < end <= start + 20 and state in ("published", "corrected") and goods:  # (s24 defects10 #4)
        # the editor's own span in the preview, with its reason: masked wherever the words occur. Only the party's
        # own business figure — never the 案由, which is the published 违法行为类型 (audit10 observation 1)
        P.do_prepare_publication(pub, edits=[{"op": "add", "start": start, "end": end, "kind": "other",
                                              "reason": "货值金额属当事人的经营信息（演示）"}], actor=editor)
    elif (state in ("published", "corrected") and P.full_text_rule(ob) == "required" and not version.full_text
          and P.decision_document(ob.case) is not None):
        # the 决定书 issued after the draft was made (documents/demo.py): saving again loads its redacted full text
        P.do_prepare_publication(pub, actor=editor)
    P.do_submit_publication(pub, actor=editor)
    if state == "submitted":
        return
    P.do_approve_publication(pub, actor=head, on=day)
    if state == "approved":
        return
    P.do_publish_publication(pub, actor=editor, on=day)
    if state == "corrected":
        P.do_correct_publication(pub, reason="当事人申请更正：决定日期书写有误", actor=editor)
        P.do_submit_publication(pub, actor=editor)
        P.do_approve_publication(pub, actor=leader, on=day)
        P.do_publish_publication(pub, actor=editor, on=day)
    elif state == "withdrawn":
        from .scope import kind_name

        P.do_withdraw_publication(pub, reason=f"该{kind_name(ob.kind_label)}决定已被行政复议机关撤销，原公示信息撤下",
                                  ground="revoked", actor=head, on=day)


_load_publications = load


def load(stdout):  # noqa: F811 — then the party's requests (party_demo.py, decision 0072)
    from .party_demo import load as load_party

    return (_load_publications(stdout) or []) + (load_party(stdout) or [])
