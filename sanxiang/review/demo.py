"""The legal review's demo (issue 9 §6): each agency's catalogue, and reviews in every state of the
round table (`workflows.REVIEW_ROUND`) for the agencies whose profiles have them — made through the
`do_*` actions by the agencies' own people (so the guards run and the ledger is complete), with dates
relative to the day of the first load. Safe to re-run: a case already under review is left alone."""

import datetime as dt

# Each agency's extra demo case (cause, facts, flags) and what its review shows (`_STORIES`).
# 乌鲁木齐人社, 平罗 and 泉州 require review of penalties only in the Art.58 cases: their cases are
# flagged 涉及重大公共利益.
CASES = {
    "zhuzhou-amr": ("涉嫌经营未按规定检验的食用农产品", "经查，当事人经营未经检验的食用农产品 820 千克，货值金额 9600 元。", []),
    "urumqi-gxq-amr": ("涉嫌经营无中文标签的进口预包装食品", "经查，当事人经营无中文标签的进口预包装食品 146 件，货值金额 8760 元。",
                       []),
    "quanzhou-licheng-amr": ("涉嫌销售掺杂掺假的食用植物油", "经查，当事人向辖区 23 家餐饮单位销售掺杂掺假的食用植物油 1.2 吨。",
                             ["public_interest"]),
    "pingluo-commerce": ("涉嫌超限额发行不记名单用途商业预付卡（涉及众多消费者）",
                         "经查，当事人超出规定限额发行不记名预付卡 1260 张，涉及消费者 900 余人。", ["public_interest"]),
    "urumqi-gxq-hrss": ("涉嫌拖欠众多农民工工资", "经查，当事人拖欠 86 名农民工工资共计 73 万元。", ["public_interest"]),
}


def load(stdout):
    from sanxiang.access.actors import DEMO
    from sanxiang.review.actions import seed_catalogues

    made = seed_catalogues(actor=DEMO)
    first = sum(1 for row in made if row.version == 1)
    lines = [f"法制审核目录清单：已按规则配置为 {first} 个机关生成第1版"] if first else []
    if len(made) > first:
        lines.append(f"法制审核目录清单：已按更正后的规则配置为 {len(made) - first} 个机关发布新版本")
    rounds = _demo_reviews()
    stories = _demo_stories()
    rounds += _every_state()
    materials = _demo_materials()
    if materials:
        lines.append(f"法制审核材料：{materials} 件送审案件登记了证据和音像资料（审核人员在审核页查看，查看留痕）")
    if rounds or stories:
        lines.append(f"法制审核：{rounds + stories} 件案件已送审（待确定审核人员、审核中、退回补充材料、审核同意、"
                     "退回承办机构、撤回送审；签批、集体讨论、局领导研究决定、征求意见、审核调查、延期、超期预警）")
    return lines


def _demo_reviews() -> int:
    """Each seed agency's case waiting for the head's decision that needs a review and has none goes to
    review, in a different state per agency: 审核中, 退回补充材料, 待确定审核人员 (the agreed ones are the
    closed cases of the cases demo). Under review, the reviewer consults the 公职律师 or 法律顾问 and
    asks the party where the profile allows it. Safe to re-run: a case already under review is left alone."""
    from django.utils import timezone

    from sanxiang.cases.models import Case, CaseStatus
    from sanxiang.cases.review_gate import proposal_of, review_required
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency, Person

    from .models import LegalReview
    from .procedure import do_assign_reviewer, do_request_supplement, do_submit_review, track_of_case

    today, made = timezone.localdate(), 0
    for index, spec in enumerate(AGENCIES):
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None:
            continue
        waiting = (Case.objects.filter(agency=agency, status__in=(CaseStatus.CONCLUDED, CaseStatus.NOTIFIED),
                                       kind="penalty").exclude(pk__in=LegalReview.objects.values("case_id"))
                   .order_by("id"))
        case = next((c for c in waiting if review_required(c, proposal_of(c))[0]), None)
        if case is None:
            continue
        officer = case.handlers.filter(until__isnull=True).select_related("person__user").first().person.user
        reviewer = Person.objects.get(user__username=f"{spec['prefix']}-reviewer").user
        track = track_of_case(case, case.kind)
        day = today - dt.timedelta(days=3)
        rnd = do_submit_review(case, materials=_required(track), actor=officer, on=day,
                               note="调查终结，拟作出行政处罚决定，请予审核。")
        made += 1
        if index % 3 == 2:
            continue  # 待确定审核人员
        rnd = do_assign_reviewer(rnd, reviewer=reviewer, actor=reviewer, on=day)
        _consult_and_inquire(rnd, reviewer, today - dt.timedelta(days=2))
        if index % 3 == 1:
            needed = next((m.code for m in track.materials if not m.optional), None)
            do_request_supplement(rnd, items=[needed], supplement_by=today + dt.timedelta(days=5),
                                  note="请补充当事人营业执照复印件及进货凭证。", actor=reviewer, on=today - dt.timedelta(days=1))
    return made


def _required(track) -> list[str]:
    return [m.code for m in track.materials if not m.optional]


def _profile(agency, name):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key_of(agency)).value(name)


def _consult_and_inquire(rnd, reviewer, day) -> None:
    """征求意见 of the profile's 公职律师 or 法律顾问 (a person without an account: no access grant) with
    the opinion received, and 审核调查 of the party where the reviewer may inquire."""
    from .flow import do_consult, do_record_consultation_opinion, do_record_inquiry

    agency = rnd.review.case.agency
    expertise = next((e for e in ("法律顾问", "公职律师") if e in (_profile(agency, "review.outside_expertise") or [])),
                     None)
    if expertise is not None:
        asked = do_consult(rnd, expertise=expertise, name="唐明远", organisation=f"{agency.name}{expertise}",
                           question="当事人主张涉案食品系赠送而非销售，能否认定为经营行为？", on=day, actor=reviewer)
        do_record_consultation_opinion(asked, opinion="涉案食品随商品一并提供给消费者，属于经营行为的组成部分，可以认定为经营。",
                                       on=day, actor=reviewer)
    if _profile(agency, "review.reviewer_may_inquire_party"):
        link = rnd.review.case.case_parties.select_related("party").first()
        do_record_inquiry(rnd, kind="inquiry", held_on=day, persons=link.party.name if link else "当事人",
                          content="向当事人核实进货渠道和销售数量，当事人对认定的事实无异议。", actor=reviewer)


def _demo_stories() -> int:
    """The rest of the round table and of review/flow.py, one story per agency whose profile has it:
    株洲 — the whole 签批 chain of the closed case's agreed round (the decision was made after it), a
    returned opinion resolved by 集体讨论, and a 行政强制 decision's review extended within the maximum;
    乌鲁木齐人社 — a returned opinion, 协商 that failed, then 局领导研究决定; 泉州 — a returned opinion and
    the changed proposal resubmitted (two rounds, the second 待确定审核人员); 平罗 — a review withdrawn;
    乌鲁木齐市场监管 — a review past its time limit (the job marks it red). Returns the cases sent."""
    from sanxiang.cases.demo import Loader
    from sanxiang.cases.models import Case
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    made = 0
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None or spec["code"] not in _STORIES:
            continue
        loader = Loader(agency, spec["prefix"], spec["region"])
        if spec["code"] == "zhuzhou-amr":
            _sign_closed_case(loader)
            made += _extend_coercion_review(loader)
        cause, facts, flags = CASES[spec["code"]]
        if Case.objects.filter(agency=agency, cause=cause).exists():
            continue
        case = loader.run(loader.clue(cause, 70, loader.org), [
            ("verify", 69, {}), ("file", 68, {}), ("investigate", 67, {}),
            ("conclude", 45, {"penalties": ["warning", "fine"], "fine": "20000", "facts": facts, "flags": flags,
                              "discretion": "当事人违法行为持续时间较长，依法从重处罚。"}),
            ("notify", 40, {})])
        _STORIES[spec["code"]](loader, case)
        made += 1
    if made:
        from .tasks import review_clock_warnings

        review_clock_warnings.call()  # 法制审核时限预警 as the job gives it (yellow 临期, red 已超期)
    return made


def _submitted(loader, case, ago, *, assign=True, kind=None, note="调查终结，拟作出行政处罚决定，请予审核。"):
    from .procedure import do_assign_reviewer, do_record_checklist, do_submit_review, track_of_case
    from .testing import all_points

    track = track_of_case(case, kind or case.kind, loader.day(ago))
    rnd = do_submit_review(case, materials=_required(track), kind=kind, note=note, actor=loader.officer_user,
                           on=loader.day(ago))
    if assign:
        rnd = do_assign_reviewer(rnd, reviewer=loader.reviewer_user, actor=loader.reviewer_user, on=loader.day(ago))
        do_record_checklist(rnd, points=all_points(), actor=loader.reviewer_user)
    return rnd


def _returned(loader, case, ago, kind, text, grounds=()):
    from .procedure import do_record_checklist, do_record_opinion

    rnd = _submitted(loader, case, ago + 5)
    do_record_checklist(rnd, points={"facts": {"finding": "problem", "note": text}}, actor=loader.reviewer_user)
    return do_record_opinion(rnd, kind=kind, text=text, return_grounds=list(grounds), actor=loader.reviewer_user,
                             on=loader.day(ago))


def _leaders(agency) -> list:
    from sanxiang.orgs.models import Role, RoleAssignment

    return [ra.user for ra in RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_LEADER, active=True)
            .select_related("user").order_by("id")]


def _zhuzhou(loader, case):
    """株洲: 应当予以纠正, then (its profile: 报局领导集体讨论决定) the leaders decide as proposed."""
    from .flow import do_record_collective_discussion

    _returned(loader, case, 25, "correct", "涉案食用农产品已由第三方检测机构出具合格报告，认定“未经检验”的证据不足，建议不予处罚。")
    leaders = _leaders(loader.agency)
    said = ["检测报告出具于查获之后，不能证明经营时已经检验，同意按拟作出的决定作出。", "同意。承办机构已补强进货查验证据。"]
    attendees = [{"user": leader, "position": "agree", "text": said[min(n, 1)]} for n, leader in enumerate(leaders)]
    do_record_collective_discussion(case.legal_reviews.get(), held_on=loader.day(20), attendees=attendees,
                                    outcome="as_proposed", minutes="局务会议集体讨论本案。法制审核机构认为“未经检验”证据不足；承办机构说明"
                                    "检测报告系查获后委托作出。经讨论，出席的负责人一致同意按承办机构拟作出的决定作出。",
                                    actor=leaders[0])


def _hrss(loader, case):
    """乌鲁木齐人社: 退回 (证据不足), 协商 without agreement, then 局领导研究决定."""
    from .flow import do_record_leadership_decision, do_record_negotiation

    rnd = _returned(loader, case, 25, "return", "拖欠工资的数额仅有部分劳动者的证言，工资支付台账未调取，证据不足。",
                    grounds=["证据不足"])
    officer, reviewer = loader.officer_user, loader.reviewer_user
    do_record_negotiation(rnd, held_on=loader.day(22), participants=[loader.officer.name, _person_name(reviewer)], agreed=False,
                          text="承办机构认为劳动者证言与银行流水相互印证，数额可以认定；法制审核机构坚持应调取工资支付台账。未达成一致。",
                          actor=officer)
    leader = _leaders(loader.agency)[0]
    do_record_leadership_decision(case.legal_reviews.get(), handling_opinion="证言与银行流水相互印证，拖欠数额可以认定。",
                                  review_opinion="未调取工资支付台账，拖欠数额证据不足。", decided_on=loader.day(18),
                                  deciders=[{"user": leader.pk, "position": "agree",
                                             "text": "银行流水与证言相互印证，同意按拟作出的决定作出。"}],
                                  outcome="as_proposed",
                                  text="经局领导研究，拖欠数额有银行流水佐证，按承办机构拟作出的决定作出。", actor=leader)


def _person_name(user) -> str:
    from sanxiang.orgs.models import Person

    return Person.objects.get(user=user).name


def _quanzhou(loader, case):
    """泉州: 应当予以纠正 (the fine), the proposal revised and resubmitted: round 2 待确定审核人员."""
    from sanxiang.cases.actions import do_revise_case_proposal
    from sanxiang.deadlines.engine import subtract_workdays
    from sanxiang.deadlines.queries import get_calendar

    from .procedure import do_resubmit_review, track_of_case

    _returned(loader, case, 26, "correct", "当事人系初次违法且主动召回，罚款数额未体现从轻情节，应当予以纠正。")
    case.refresh_from_db()
    do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="10000",
                            flags=case.review_flags, actor=loader.officer_user)
    track = track_of_case(case, case.kind)
    # Resubmitted so that its 10 working days end on the next working day (临期 whatever the holidays).
    day = subtract_workdays(loader.today, track.time_limit.count - 1, get_calendar())
    do_resubmit_review(case, materials=_required(track), actor=loader.officer_user, on=day,
                       note="已按审核意见调整罚款数额，重新提交审核。")


def _pingluo(loader, case):
    """平罗: submitted and assigned, then withdrawn by the handling unit's head (a handler cannot
    withdraw alone: the submitted review binds the decision, decision 0056)."""
    from .procedure import do_withdraw_review

    rnd = _submitted(loader, case, 10)
    do_withdraw_review(rnd, reason="发现新的违法事实，需补充调查后重新送审。", actor=loader.head_user, on=loader.day(6))


def _urumqi(loader, case):
    """乌鲁木齐市场监管: under review for 30 days, past its 10 working days (red)."""
    _submitted(loader, case, 30)


_STORIES = {"zhuzhou-amr": _zhuzhou, "urumqi-gxq-hrss": _hrss, "quanzhou-licheng-amr": _quanzhou,
            "pingluo-commerce": _pingluo, "urumqi-gxq-amr": _urumqi}


def _sign_closed_case(loader) -> None:
    """株洲's closed case: the whole 签批 chain of its agreed round, signed before the decision."""
    from sanxiang.cases.models import CaseStatus
    from sanxiang.orgs.models import Person

    from .flow import chain_state, do_sign_off
    from .models import ReviewRound, RoundStatus

    rnd = (ReviewRound.objects.filter(review__case__agency=loader.agency, review__case__status=CaseStatus.CLOSED,
                                      status=RoundStatus.AGREED).order_by("id").first())
    if rnd is None:
        return
    legal_head = Person.objects.filter(user__username="zhuzhou-legal-head").first()
    signers = {"handling": loader.head_user, "review_body": legal_head.user if legal_head else None}
    for n, step in enumerate(chain_state(rnd)):
        who = rnd.reviewer if step["review"] else signers.get(step["unit"])
        if step["signoff"] is not None or who is None:
            continue
        do_sign_off(rnd, step["code"], approved=True, on=rnd.opinion_on + dt.timedelta(days=min(n, 2)),
                    opinion="同意。" if not step["review"] else "同意，事实清楚，证据确凿，适用依据正确，程序合法。",
                    actor=who)


def _extend_coercion_review(loader) -> int:
    """株洲: the 扣押 waiting for the head goes to review as a 行政强制 decision (its 重大行政执法决定 track,
    10 working days, at most 20) and the time is extended by 5, approved by the leader."""
    from sanxiang.cases.models import MeasureStatus

    from .models import LegalReview
    from .procedure import do_extend_review

    case = (loader.agency.cases.filter(measures__status=MeasureStatus.PROPOSED)
            .exclude(pk__in=LegalReview.objects.filter(decision_kind="coercion").values("case_id")).first())
    if case is None:
        return 0
    rnd = _submitted(loader, case, 1, kind="coercion", note="拟扣押库存头盔，请予审核。")
    do_extend_review(rnd, count=5, approver=_leaders(loader.agency)[0], reason="需等待产品质量检验报告。", actor=loader.reviewer_user,
                     on=loader.day(0))
    return 1


# The cases that complete each agency's reviews in every state (`_every_state`): (cause, facts) per
# agency, one taken for each state its reviews lack.
MORE_CASES = {
    "市场监管": [("涉嫌销售超过保质期的食品", "经查，当事人销售超过保质期的预包装食品 38 件，货值金额 1140 元。"),
             ("涉嫌发布虚假广告", "经查，当事人在店招及宣传单上宣称其保健食品“治疗高血压”，广告费用 6000 元。"),
             ("涉嫌使用未经检定的计量器具", "经查，当事人使用未经检定的电子计价秤 3 台从事贸易结算。"),
             ("涉嫌销售不合格电动自行车头盔", "经查，当事人销售经抽检不合格的电动自行车头盔 210 顶，货值金额 12600 元。"),
             ("涉嫌未明码标价", "经查，当事人经营的 46 种商品未标明价格。"),
             ("涉嫌销售无中文标签的进口化妆品", "经查，当事人销售无中文标签的进口化妆品 64 件，货值金额 9300 元。")],
    "pingluo-commerce": [("涉嫌未按规定备案发行单用途商业预付卡", "经查，当事人发行单用途商业预付卡未向商务主管部门备案，涉及消费者 300 余人。"),
                         ("涉嫌报废机动车回收拆解不规范", "经查，当事人拆解报废机动车未按规定登记，涉及车辆 42 辆。"),
                         ("涉嫌成品油零售经营不规范", "经查，当事人成品油零售未按规定建立购销台账，涉及周边群众用油安全。"),
                         ("涉嫌再生资源回收未备案", "经查，当事人从事再生资源回收经营活动未按规定备案。"),
                         ("涉嫌拍卖活动未按规定备案", "经查，当事人举办拍卖会未按规定备案，竞买人 120 余人。"),
                         ("涉嫌预付卡资金未按规定存管", "经查，当事人预付卡预收资金未按规定存管，涉及消费者 500 余人。")],
    "urumqi-gxq-hrss": [("涉嫌未依法签订书面劳动合同", "经查，当事人与 54 名劳动者未依法签订书面劳动合同。"),
                        ("涉嫌违法延长劳动者工作时间", "经查，当事人安排 37 名劳动者每月加班超过 36 小时。"),
                        ("涉嫌克扣劳动者工资", "经查，当事人克扣 61 名劳动者工资共计 18 万元。"),
                        ("涉嫌未按规定参加社会保险", "经查，当事人未为 73 名职工参加社会保险。"),
                        ("涉嫌未按规定建立职工名册", "经查，当事人未按规定建立职工名册，涉及劳动者 80 余人。"),
                        ("涉嫌未足额支付加班工资", "经查，当事人未足额支付 45 名劳动者加班工资共计 9 万元。")],
}
STATE_ORDER = ("submitted", "in_review", "supplementing", "agreed", "returned", "withdrawn")


def _latest_states(agency) -> set[str]:
    """The states of the agency's reviews: each review's latest round's."""
    from .models import ReviewRound

    latest = {}
    for review_id, number, status in (ReviewRound.objects.filter(review__case__agency=agency)
                                      .values_list("review_id", "number", "status")):
        if number >= latest.get(review_id, (0, ""))[0]:
            latest[review_id] = (number, status)
    return {status for _, status in latest.values()}


def _every_state() -> int:
    """Every agency that has reviews gets one in each state of the round table (issue 9 §6 "reviews in
    every state for the agencies that have them"): for each state none of its reviews is in (their latest
    round's), a case of its own taken to 已告知 and its review taken to that state by the agency's officer,
    reviewer and head — submitted today, so no warning is due yet. Returns the reviews made; a re-run
    finds no state missing and makes none."""
    from sanxiang.cases.demo import Loader
    from sanxiang.cases.models import Case
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.orgs.models import Agency

    from .models import LegalReview
    from .procedure import (
        do_record_checklist,
        do_record_opinion,
        do_request_supplement,
        do_withdraw_review,
        track_of_round,
    )

    made = 0
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None or not LegalReview.objects.filter(case__agency=agency).exists():
            continue
        missing = [s for s in STATE_ORDER if s not in _latest_states(agency)]
        if not missing:
            continue
        loader = Loader(agency, spec["prefix"], spec["region"])
        causes = [c for c in MORE_CASES.get(spec["code"], MORE_CASES["市场监管"])
                  if not Case.objects.filter(agency=agency, cause=c[0]).exists()]
        flags = CASES[spec["code"]][2]
        for state, (cause, facts) in zip(missing, causes):
            case = loader.run(loader.clue(cause, 40, loader.org), [
                ("verify", 39, {}), ("file", 38, {}), ("investigate", 37, {}),
                ("conclude", 20, {"penalties": ["warning", "fine"], "fine": "8000", "facts": facts, "flags": flags}),
                ("notify", 15, {})])
            rnd = _submitted(loader, case, 0, assign=state not in ("submitted", "withdrawn"))
            track = track_of_round(rnd)
            if state == "supplementing":
                needed = next(m.code for m in track.materials if not m.optional)
                do_request_supplement(rnd, items=[needed], supplement_by=loader.day(-5), note="请补充当事人的进货凭证。",
                                      actor=loader.reviewer_user, on=loader.day(0))
            elif state == "agreed":
                do_record_opinion(rnd, kind=track.agree, text="事实清楚，证据确凿，适用依据正确，程序合法。",
                                  actor=loader.reviewer_user, on=loader.day(0))
            elif state == "returned":
                text = "货值金额的计算依据不足，请补充调查后重新提交。"
                do_record_checklist(rnd, points={"facts": {"finding": "problem", "note": text}}, actor=loader.reviewer_user)
                kind = next(o.code for o in track.opinion_kinds if o.code != track.agree)
                do_record_opinion(rnd, kind=kind, text=text, return_grounds=track.return_grounds[:1],
                                  actor=loader.reviewer_user, on=loader.day(0))
            elif state == "withdrawn":
                do_withdraw_review(rnd, reason="当事人提出新的证据，需补充调查后重新送审。", actor=loader.head_user,
                                   on=loader.day(0))
            made += 1
    return made


def _demo_materials() -> int:
    """The records a reviewer reads (issue 9 §3 "sees every record of the case, audio-video included", s20
    tester9 #8): each case the demo sent to review that has no evidence yet gets, from its handling officer, a
    photo of the on-site check (书证) and the party's recorded statement with its transcript (当事人的陈述) —
    a few KB each (`records.samples`). Viewing them from the round page is ledgered (retrieval)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sanxiang.cases.models import Case
    from sanxiang.orgs.demo import AGENCIES
    from sanxiang.records import evidence as E
    from sanxiang.records import samples
    from sanxiang.records.models import EvidenceItem

    from .models import LegalReview

    users = get_user_model().objects
    made = 0
    for spec in AGENCIES:
        officer = users.filter(username=f"{spec['prefix']}-officer").first()
        if officer is None:
            continue
        cases = (Case.objects.filter(agency__code=spec["code"], pk__in=LegalReview.objects.values("case_id"))
                 .exclude(pk__in=EvidenceItem.objects.values("case_id")).exclude(status="closed").order_by("id"))
        for n, case in enumerate(cases, start=1):
            if not case.handlers.filter(person__user=officer, until__isnull=True).exists():
                continue
            day = case.filed_on or case.clue_on
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
            common = {"collected_on": day, "collected_by": "执法人员", "place": "当事人经营场所", "occurred_at": start,
                      "officers": "执法人员二名", "recorder": "执法人员", "actor": officer}

            def upload(data, name):
                return samples.completed_upload(data, name, actor=officer, agency_code=spec["code"])

            E.do_register_evidence(case, upload(samples.png(seed=10 + n), "现场检查照片.png"), kind="documentary",
                                   title="现场检查照片", source="执法人员现场拍摄", content="涉案物品及其标签、存放现场",
                                   purpose="证明涉案物品的数量和存放情况", **common)
            E.do_register_evidence(case, upload(samples.mp3(seed=10 + n), "询问录音.mp3"), kind="statement",
                                   title="当事人陈述录音", source="询问当事人", content="询问当事人经营情况的录音",
                                   purpose="证明违法事实和当事人的陈述",
                                   transcript="问：涉案物品是从哪里进货的？\n答：从批发市场进的，有进货单。\n"
                                              "问：你是否知道需要检验（标注）？\n答：知道，但没有做。", **common)
            made += 1
    return made
