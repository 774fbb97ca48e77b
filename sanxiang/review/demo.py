def load(stdout):
    from sanxiang.access.actors import DEMO
    from sanxiang.review.actions import seed_catalogues

    made = seed_catalogues(actor=DEMO)
    lines = [f"法制审核目录清单：已按规则配置为 {len(made)} 个机关生成第1版"] if made else []
    rounds = _demo_reviews()
    if rounds:
        lines.append(f"法制审核：{rounds} 件待决定的案件已送审（待确定审核人员、审核中、退回补充材料）")
    return lines


def _demo_reviews() -> int:
    """Each seed agency's case waiting for the head's decision that needs a review and has none goes to
    review, in a different state per agency: 审核中, 退回补充材料, 待确定审核人员 (the agreed ones are the
    closed cases of the cases demo). Safe to re-run: a case already under review is left alone."""
    import datetime as dt

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
        rnd = do_submit_review(case, materials=[m.code for m in track.materials if not m.optional], actor=officer,
                               on=day, note="调查终结，拟作出行政处罚决定，请予审核。")
        made += 1
        if index % 3 == 2:
            continue  # 待确定审核人员
        rnd = do_assign_reviewer(rnd, reviewer=reviewer, actor=reviewer, on=day)
        if index % 3 == 1:
            needed = next((m.code for m in track.materials if not m.optional), None)
            do_request_supplement(rnd, items=[needed], supplement_by=today + dt.timedelta(days=5),
                                  note="请补充当事人营业执照复印件及进货凭证。", actor=reviewer, on=today - dt.timedelta(days=1))
    return made
