"""Reads of the review procedure for pages and desks, each within the reader's reach (`restrict`):
one rule in one place, the pages only render what these return (the reviewer desk, a round's page,
the case page's section, the workbench panels, the statistics)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from sanxiang.core.errors import RuleViolation

from .models import LegalReview, ReviewRound, RoundStatus


def reviews_of_case(user, case):
    """The case's reviews the user may read, newest first, each with all its rounds (`rounds_prefetched`)."""
    from django.db.models import Prefetch

    rounds = ReviewRound.objects.restrict(user).select_related("reviewer").order_by("number")
    return (LegalReview.objects.restrict(user).filter(case=case)
            .prefetch_related(Prefetch("rounds", queryset=rounds, to_attr="rounds_prefetched")).order_by("-id"))


def review_queue(user):
    """审核工作台: rounds waiting on this reviewer (审核中 assigned to them) and rounds of their agency
    waiting for a reviewer (待确定审核人员), the nearest due date first (no limit last)."""
    from django.db.models import Q

    return (ReviewRound.objects.restrict(user)
            .filter(Q(status=RoundStatus.IN_REVIEW, reviewer=user) | Q(status=RoundStatus.SUBMITTED))
            .select_related("review__case", "review__case__unit", "reviewer")
            .order_by(F("due").asc(nulls_last=True), "submitted_on", "id"))


def returned_rounds(user):
    """承办机构: the latest rounds returned to the handling unit (退回承办机构) or asked to supplement
    (退回补充材料) that the user may read, oldest first."""
    return (ReviewRound.objects.restrict(user)
            .filter(status__in=(RoundStatus.RETURNED, RoundStatus.SUPPLEMENTING))
            .exclude(review__rounds__number__gt=F("number"))
            .select_related("review__case", "review__case__unit").order_by("opinion_on", "id"))


def shown_code(code: str) -> str:
    """A material's code as the seed prints it (株洲's A–G), or nothing for the platform's own keys
    (report, draft …), which people never see."""
    return code if len(code) <= 2 and not code.islower() else ""


def names_of(users) -> dict:
    """Display names by user id: the person's name, else the account's full name (never a login)."""
    from sanxiang.orgs.models import Person

    users = [u for u in users if u is not None]
    names = dict(Person.objects.filter(user__in=users).values_list("user_id", "name"))
    return {u.pk: names.get(u.pk) or u.get_full_name() or "（未登记姓名）" for u in users}


def extensions_of(rnd) -> list[dict]:
    """延长审核期限, every one of the round's clock in order: {date, count, unit (个工作日/日), approver
    (the person's name), reason} — the clock's extensions keep each one (decision 0082)."""
    from .forms import _extensions

    rows = _extensions(rnd)
    names = names_of([e.approver for e in rows])
    return [{"date": e.date, "count": e.count, "unit": "个工作日" if e.unit == "workdays" else "日",
             "approver": names.get(e.approver_id, ""), "reason": e.reason} for e in rows]


def requirement(case) -> dict:
    """Whether the case's proposed decision needs a passed 法制审核 and the rules that say so (with
    their citations): `review_required` on today's catalogue, for the proposal as the case holds it."""
    from sanxiang.cases.review_gate import proposal_of, review_required

    try:
        required, rules = review_required(case, proposal_of(case), on=timezone.localdate())
    except RuleViolation as exc:  # a proposal the catalogue cannot read yet (no penalty proposed…)
        return {"required": None, "rules": [], "problem": exc.message}
    return {"required": required, "rules": rules, "problem": ""}


# ---- rounds as the pages read them --------------------------------------------------------------

def rounds(user, action: str = "view"):
    from sanxiang.access.policy import restrict

    from .models import ReviewRound

    return restrict(ReviewRound.objects.select_related("review", "review__case", "review__case__unit",
                                                       "review__case__agency", "reviewer"), user, action)


def round_for(user, pk):
    """The round if the user may read it, or must sign its next step or signed one (the chain names a
    legal office's head who does not otherwise read the handling unit's cases); else None (404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    found = rounds(user).filter(pk=pk).first()
    if found is None:
        found = next((r for r in awaiting_signoff(user, pk=pk)), None)
    if found is None:
        from .models_flow import SignOff

        signed = SignOff.objects.filter(round_id=pk, signer_id=getattr(user, "pk", None)).select_related(
            "round__review__case__agency", "round__review__case__unit").first()
        found = signed.round if signed is not None else None
    return found


def awaiting_signoff(user, *, pk=None, limit=100) -> list:
    """Rounds of the user's agencies whose next sign-off step (签批) the chain gives to this user
    (`flow.signer_problem`), oldest first: undecided cases, rounds not returned or withdrawn."""
    from sanxiang.access.policy import current_roles

    from .flow import ENDED_BADLY, chain_state, signer_problem
    from .models import ReviewRound, RoundStatus

    agencies = current_roles(user).values_list("agency_id", flat=True)
    found = (ReviewRound.objects.filter(review__case__agency_id__in=agencies, review__case__decided_on__isnull=True)
             .exclude(status__in=ENDED_BADLY).select_related("review", "review__case", "review__case__agency",
                                                              "review__case__unit", "reviewer").order_by("id"))
    if pk is not None:
        found = found.filter(pk=pk)
    today, waiting = timezone.localdate(), []
    for rnd in found[:limit]:
        nxt = next((s for s in chain_state(rnd) if s["signoff"] is None), None)
        if nxt is None or (nxt.get("review") and rnd.status != RoundStatus.AGREED):
            continue
        if signer_problem(nxt, rnd, user, today) is None:
            rnd.next_step_label = nxt["label"]
            waiting.append(rnd)
    return waiting


def clocks(found) -> dict:
    """Each round's review clock (its obligation), by round id, in one query."""
    from sanxiang.deadlines.models import Obligation

    from .models import ReviewRound
    from .workflows import CLOCK

    ids = [str(r.pk) for r in found]
    obligations = Obligation.objects.filter(object_type=ReviewRound.ledger_type(), object_id__in=ids,
                                            kind=CLOCK).select_related("agency").prefetch_related("pauses")
    return {int(ob.object_id): ob for ob in obligations}


def with_levels(found, today=None) -> list[dict]:
    """Rounds with their clock's warning level (yellow 临期 / red 逾期, the deadlines app's rule)."""
    from sanxiang.deadlines.queries import get_calendar, warning_level

    today = today or timezone.localdate()
    found = list(found)
    by_round, calendar = clocks(found), get_calendar()
    rows = []
    for rnd in found:
        ob = by_round.get(rnd.pk)
        level = warning_level(ob, today, calendar=calendar) if ob is not None else None
        rows.append({"round": rnd, "case": rnd.review.case, "clock": ob, "level": level,
                     "paused": bool(ob and ob.paused)})
    return rows


def desk_queue(user, today=None) -> list[dict]:
    """审核工作台: the open rounds the user may read — for a reviewer those assigned to them and those
    still waiting for a reviewer — soonest due first (rounds without a time limit last)."""
    from django.db.models import F, Q

    from sanxiang.access.policy import current_roles
    from sanxiang.orgs.models import Role

    from .procedure import OPEN_ROUND

    roles = set(current_roles(user).values_list("role", flat=True))
    if not roles & {Role.REVIEWER, Role.AGENCY_LEADER, Role.UNIT_HEAD} and not user.is_superuser:
        return []  # the desk is the legal office's and the leaders' (an officer follows his cases on their pages)
    found = rounds(user).filter(status__in=OPEN_ROUND).select_related("reviewer")
    if roles <= {Role.REVIEWER}:
        found = found.filter(Q(reviewer=user) | Q(reviewer__isnull=True))
    rows = with_levels(found.order_by(F("due").asc(nulls_last=True), "submitted_on", "id"), today)
    names = names_of([r["round"].reviewer for r in rows])
    for row in rows:
        row["reviewer_name"] = names.get(row["round"].reviewer_id, "")
    return rows


def _decided(rnd) -> bool:
    """The decision the round reviewed has been made (the case's own decision of the review's kind)."""
    case = rnd.review.case
    return rnd.review.decision_kind == case.kind and "decision" not in (rnd.proposal or {}) and bool(case.decided_on)


def returned_to_unit(user, limit=50) -> list[dict]:
    """What came back to the handling unit, for its workbench: `returned_rounds` (the latest rounds
    returned with an opinion or for supplement) with the clock's level, of the reviews the user may
    resubmit, newest first. `awaiting`: the unit's move is next — to supplement, or to revise and resubmit
    (or take the disagreement further); not when the leaders decided the round as proposed (集体讨论 or
    局领导研究决定: the decision may be made, shown as `resolved`) nor while a failed 协商 waits for the
    leaders (`with_leaders`). A round whose decision has since been made is left out."""
    from sanxiang.access.policy import can

    from .flow import _failed_negotiation, _last_resolution, round_decided_by_disagreement

    found = (returned_rounds(user).select_related("review__case__agency", "reviewer")
             .prefetch_related("discussions", "leadership_decisions").order_by("-opinion_on", "-id"))
    rows = [r for r in with_levels(found[:limit]) if can(user, "submit_review", r["case"]) and not _decided(r["round"])]
    for row in rows:  # a returned round the disagreement procedure decided as proposed: the decision may be made
        rnd = row["round"]
        row["resolved"], row["with_leaders"] = "", False
        if round_decided_by_disagreement(rnd):
            last = _last_resolution(rnd)
            what = "集体讨论" if hasattr(last, "attendees") else "局领导研究决定"
            row["resolved"] = f"{last.held_on if hasattr(last, 'held_on') else last.decided_on:%Y-%m-%d} {what}：按拟作出的决定作出"
        elif rnd.status == RoundStatus.RETURNED and _last_resolution(rnd) is None and _failed_negotiation(rnd):
            row["with_leaders"] = True  # 协商未达成一致: both opinions are before the leaders
        row["awaiting"] = not row["resolved"] and not row["with_leaders"]
    return rows


def case_reviews(user, case) -> list[dict]:
    """The case's reviews, each with its rounds (all of them, oldest first), as the user may read them."""
    from sanxiang.access.policy import restrict

    from .models import LegalReview

    found = list(restrict(LegalReview.objects.filter(case=case), user).order_by("id"))
    by_review = {}
    for rnd in rounds(user).filter(review__case=case).order_by("number"):
        by_review.setdefault(rnd.review_id, []).append(rnd)
    return [{"review": r, "rounds": by_review.get(r.pk, [])} for r in found]


# ---- statistics ---------------------------------------------------------------------------------

def review_workdays(rnd, calendar, *, until=None) -> int:
    """审核用时: working days of the round from its submission to `until` (its opinion), without the
    days it waited for supplemented materials — counted as the review clock counts (a pause from the
    day the materials were asked, never the submission day, to the day before they came)."""
    import datetime as dt

    from sanxiang.deadlines.engine import working_days_between

    until = until or rnd.opinion_on
    total = working_days_between(rnd.submitted_on, until, calendar)
    paused = set()
    for sup in rnd.supplements.all():
        first = max(sup.requested_on, rnd.submitted_on + dt.timedelta(days=1))
        last = (max(sup.supplied_on, first) if sup.supplied_on else until + dt.timedelta(days=1))
        day = first
        while day < last and day <= until:
            if calendar.is_working(day):
                paused.add(day)
            day += dt.timedelta(days=1)
    return total - len(paused)


def _outcome_label(rnd) -> str:
    """The opinion as the statistics count it: every track's agreeing opinion is 同意 (a track's
    "同意案件处理意见" is the same outcome); the others keep their track's label."""
    from sanxiang.core.errors import RuleViolation

    from .procedure import track_of_round

    try:
        agrees = rnd.opinion_kind == track_of_round(rnd).agree
    except RuleViolation:  # a track no longer in the profile: keep the label it was given
        agrees = False
    return "同意" if agrees else rnd.opinion_label


def statistics(user, *, start=None, end=None, today=None) -> list[dict]:
    """法制审核统计 by agency and handling unit, of the rounds the user may read submitted in
    [start, end]: reviews, rounds, outcomes (by the opinion's label), rounds per review, duration in
    working days from submission to opinion without the supplement pause (average and longest,
    `review_workdays`), overdue rounds (the opinion after the due date, or still open past it)."""
    from sanxiang.deadlines.queries import get_calendar

    from .models import RoundStatus

    today = today or timezone.localdate()
    found = rounds(user)
    if start:
        found = found.filter(submitted_on__gte=start)
    if end:
        found = found.filter(submitted_on__lte=end)
    calendar = get_calendar()
    groups: dict = {}
    for rnd in found.order_by("review__case__agency__name", "review__case__unit__name", "id").prefetch_related(
            "supplements"):
        case = rnd.review.case
        key = (case.agency_id, case.unit_id)
        g = groups.setdefault(key, {"agency": case.agency.name, "unit": case.unit.name if case.unit_id else "",
                                    "reviews": set(), "rounds": 0, "outcomes": {}, "open": 0, "withdrawn": 0,
                                    "durations": [], "overdue": 0})
        g["reviews"].add(rnd.review_id)
        g["rounds"] += 1
        if rnd.opinion_on:
            label = _outcome_label(rnd)
            g["outcomes"][label] = g["outcomes"].get(label, 0) + 1
            g["durations"].append(review_workdays(rnd, calendar))
        elif rnd.status == RoundStatus.WITHDRAWN:
            g["withdrawn"] += 1
        else:
            g["open"] += 1
        if rnd.due and ((rnd.opinion_on and rnd.opinion_on > rnd.due) or (not rnd.opinion_on and today > rnd.due
                                                                         and rnd.status != RoundStatus.WITHDRAWN)):
            g["overdue"] += 1
    rows = []
    for g in groups.values():
        durations = g.pop("durations")
        reviews = len(g.pop("reviews"))
        rows.append({**g, "reviews": reviews, "rounds_per_review": round(g["rounds"] / reviews, 2) if reviews else 0,
                     "outcomes": [{"label": k, "count": v} for k, v in sorted(g["outcomes"].items())],
                     "average_workdays": round(sum(durations) / len(durations), 1) if durations else None,
                     "longest_workdays": max(durations) if durations else None})
    return rows


def may_see_statistics(user) -> bool:
    """Heads, leaders, the legal office and supervisors (法制审核统计)."""
    from sanxiang.access.policy import current_roles
    from sanxiang.orgs.models import Role

    if not getattr(user, "is_authenticated", False):
        return False
    return current_roles(user).filter(role__in=(Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.REVIEWER,
                                                Role.SUPERVISOR)).exists()
