"""Reads for the case pages (案件页面): each takes the user and goes through the access policy.

The list and the workbench read a page of cases in a fixed number of queries whatever its length
(parties, lead handlers and open deadlines of all its cases at once); the case page reads one case
and everything around it, also in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from sanxiang.access.actors import DEMO, JOBS, MIGRATION, OPERATOR
from sanxiang.access.policy import current_roles, restrict
from sanxiang.core.errors import NotFound
from sanxiang.deadlines.actions import OPEN_STATES, compute_obligation
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.queries import EXPIRED, RED, YELLOW, get_calendar, profile_key_of, warning_lead, warning_level
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.registry import action_label
from sanxiang.orgs.models import Role
from sanxiang.workflow import available, permitted_for, table_for

from . import guards as G
from .models import (
    Case,
    CaseAppeal,
    CaseHandler,
    CaseParticipant,
    CaseParty,
    CasePayment,
    CaseReview,
    CaseStatus,
    CoerciveMeasure,
    OnSiteAct,
    PenaltyType,
    Procedure,
    Recusal,
    ReviewFlag,
    SeizedItem,
    ServiceMethod,
)

CASE_TYPE = "cases.case"
LEVEL_ORDER = {RED: 0, YELLOW: 1, EXPIRED: 2, None: 2}


class CaseNotFound(NotFound, Http404):
    """404 on a page and in the API: absent, or not the user's to see."""

    code = "case_not_found"
    default_message = "未找到该案件，或您无权查看。"


# ---- the list ---------------------------------------------------------------------------------

def cases_for(user, *, state: str = "", procedure: str = "", overdue: bool = False, mine: bool = False,
              action: str = "view"):
    """The cases `user` may see, filtered by state, procedure, whether a deadline is overdue and
    whether the user handles them."""
    rows = restrict(Case.objects.select_related("agency", "unit"), user, action)
    if mine:
        rows = rows.filter(pk__in=CaseHandler.objects.filter(person__user=user, until__isnull=True).values("case_id"))
    if state:
        rows = rows.filter(status=state)
    if procedure:
        rows = rows.filter(procedure=procedure)
    if overdue:
        late = Obligation.objects.filter(object_type=CASE_TYPE, status__in=OPEN_STATES, bearer=Obligation.AGENCY,
                                         due__lt=timezone.localdate()).values("object_id")
        rows = rows.filter(pk__in=_ids_as_int(late))
    return rows.order_by("-created_at", "-id")


def _ids_as_int(object_ids):
    """Obligation.object_id is text; compared as text to the case's primary key (portable)."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    return Case.objects.annotate(pk_text=Cast("pk", CharField())).filter(pk_text__in=object_ids).values("pk")


def roles_by_agency(user) -> dict[int, set[str]]:
    """{agency id: roles in force} of `user` (one query), to name a case's next steps on a list."""
    found = defaultdict(set)
    for agency_id, role in current_roles(user).values_list("agency_id", "role"):
        found[agency_id].add(role)
    return found


# The guards a list asks of each row: they read the case row and its handlers with their
# certificates, read once for the whole page (`case_rows`), so a list never names a step the
# service would refuse for who acts (承办人, 两名持证执法人员) or what was told (听证权利). The
# case page asks every guard before offering a form.
LIST_GUARDS = frozenset({G.actor_handles, G.actor_not_handler, G.two_qualified_handlers, G.has_proposal,
                         G.hearing_may_be_requested})


def next_steps(case, roles: set[str], superuser: bool = False, user=None) -> list[str]:
    """Labels of the case's next moves that `roles` may take in its state and that the list's
    guards (`LIST_GUARDS`, asked when `user` is given) allow, once each."""
    labels = []
    for t in table_for(case).from_state(case.status):
        if not (superuser or roles & set(t.roles)) or t.label in labels:
            continue
        if user is not None and any(guard(case, user) for guard in t.guards if guard in LIST_GUARDS):
            continue
        labels.append(t.label)
    return labels


def open_obligations(cases) -> dict[int, list[dict]]:
    """{case id: [{ob, level}]} of the open deadlines of `cases` (two queries for any number)."""
    ids = [str(c.pk) for c in cases]
    if not ids:
        return {}
    today, calendar = timezone.localdate(), get_calendar()
    leads, found = {}, defaultdict(list)
    obs = (Obligation.objects.filter(object_type=CASE_TYPE, object_id__in=ids, status__in=OPEN_STATES)
           .select_related("agency").prefetch_related("pauses").order_by("due", "id"))
    for ob in obs:
        key = profile_key_of(ob.agency)
        if key not in leads:
            leads[key] = warning_lead(key, today)
        level = warning_level(ob, today, lead=leads[key], calendar=calendar)
        found[int(ob.object_id)].append({"ob": ob, "level": level})
    return found


def case_rows(user, cases) -> list[dict]:
    """What a list or a panel shows of each case: parties, lead handler, deadlines, next steps."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    parties, handlers = defaultdict(list), defaultdict(list)
    for link in CaseParty.objects.filter(case_id__in=ids).select_related("party").order_by("id"):
        parties[link.case_id].append(link.party.name)
    # Every handler (past ones too) with person and certificates, as the list's guards read them.
    prefetch_related_objects(cases, Prefetch("handlers", queryset=CaseHandler.objects.select_related(
        "person", "certificate").prefetch_related("person__certificates").order_by("-lead", "id")))
    for case in cases:
        handlers[case.pk] = [h.person.name for h in case.handlers.all() if h.until is None]
    deadlines = open_obligations(cases)
    roles = roles_by_agency(user)
    superuser = bool(getattr(user, "is_superuser", False))
    rows = []
    for case in cases:
        obs = deadlines.get(case.pk, [])
        worst = min((o["level"] for o in obs), key=lambda lv: LEVEL_ORDER[lv], default=None)
        rows.append({"case": case, "parties": parties[case.pk], "handlers": handlers[case.pk], "deadlines": obs,
                     "level": worst, "steps": next_steps(case, roles.get(case.agency_id, set()), superuser, user)})
    return rows


def state_choices(user) -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in CaseStatus]


# ---- the workbench ----------------------------------------------------------------------------

def my_cases(user):
    """案件 the user handles now (open ones)."""
    return (Case.objects.filter(handlers__person__user=user, handlers__until__isnull=True)
            .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.NOT_FILED]).select_related("agency", "unit")
            .distinct().order_by("-created_at", "-id"))


def awaiting_head(user, limit: int = 50) -> list:
    """待我审批: open cases of the head's units in a state where an approval move of any case table
    (`Transition.approval`: 立案, 决定, 结案 …) waits, and that the head may take now (the guards
    asked; the head never handles the case). Other moves of a head (中止, 延长期限) are not waiting."""
    from .queries import waiting_for_head
    from .workflows import approval_moves

    moves = approval_moves()
    rows = list(waiting_for_head(user).select_related("agency", "unit").order_by("created_at", "id")[:limit])
    # only the approval moves are asked, the policy once per move for all the rows (not per case and move)
    permitted = permitted_for(rows, user, {action for case in rows for action in moves.get(case.status, ())})
    waiting = []
    for case in rows:
        options = [o for o in available(case, user, actions=moves.get(case.status, ()), permitted=permitted,
                                        reasons=False) if o.allowed]
        if options:
            waiting.append({"case": case, "actions": [o.label for o in options]})
    # 法制审核 submitted to this user (not a move of the table: the review's own record)
    from sanxiang.review.models import ReviewRound, RoundStatus

    reviews = (ReviewRound.objects.filter(reviewer=user, status=RoundStatus.IN_REVIEW)
               .select_related("review__case__agency", "review__case__unit").order_by("submitted_on", "id")[:limit])
    waiting += [{"case": r.review.case, "actions": ["法制审核"]} for r in reviews if r.review.case.pk not in
                {w["case"].pk for w in waiting}]
    # 行政强制措施 waiting for the head's approval before, or within 24 hours after, being implemented
    from .kinds.coercion import measures_awaiting

    for row in measures_awaiting(user, limit):
        same = next((w for w in waiting if w["case"].pk == row["case"].pk), None)
        if same is None:
            waiting.append(row)
        else:
            same["actions"] = same["actions"] + row["actions"]
    return waiting


def escalations(user, limit: int = 50) -> dict | None:
    """领导督办: overdue deadlines of the leader's agencies' open cases, and the cases whose time limit
    was extended — both in SQL, at most `limit` rows each."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    agency_ids = list(current_roles(user).filter(role=Role.AGENCY_LEADER).values_list("agency_id", flat=True))
    if not agency_ids:
        return None
    open_cases = (restrict(Case.objects.all(), user).filter(agency_id__in=agency_ids)
                  .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.NOT_FILED]))
    ids_text = open_cases.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    obs = list(Obligation.objects.filter(object_type=CASE_TYPE, object_id__in=ids_text, status__in=OPEN_STATES,
                                         bearer=Obligation.AGENCY, due__lt=timezone.localdate())
               .order_by("due", "id")[:limit])
    cases = Case.objects.select_related("unit").in_bulk([int(ob.object_id) for ob in obs])
    rows = [{"case": cases[int(ob.object_id)], "ob": ob, "level": RED} for ob in obs]
    from .kinds.coercion import overdue_measure_deadlines  # 行政强制: the measures' own deadlines

    rows = sorted(rows + overdue_measure_deadlines(open_cases, limit), key=lambda r: (r["ob"].due, r["ob"].pk))[:limit]
    extended = list(open_cases.filter(time_limit_extensions__gt=0).order_by("-created_at", "-id")[:limit])
    return {"overdue": rows, "extended": extended}


# ---- the case page ----------------------------------------------------------------------------

def case_for(user, pk, action: str = "view") -> Case:
    found = restrict(Case.objects.select_related("agency", "unit", "decided_by"), user, action).filter(pk=pk).first()
    if found is None:
        raise CaseNotFound()
    return found


def _names(usernames) -> dict[str, str]:
    names = {a.username: a.label for a in (JOBS, OPERATOR, DEMO, MIGRATION)}
    users = get_user_model().objects.filter(username__in=set(usernames))
    names |= {u.username: u.get_full_name() or u.username for u in users}
    return names


def _money(value) -> str:
    return "" if value in (None, "") else f"{value:,.2f} 元"


def penalties_text(penalties, fine=None, confiscation=None) -> str:
    labels = []
    for p in penalties or []:
        label = PenaltyType(p).label if p in PenaltyType.values else p
        if p == PenaltyType.FINE and fine:
            label += f" {_money(fine)}"
        if p in (PenaltyType.CONFISCATE_INCOME, PenaltyType.CONFISCATE_PROPERTY) and confiscation:
            label += f" {_money(confiscation)}"
        labels.append(label)
    return "、".join(labels)


def timeline(case, related: dict[str, list[int]], deadline_kinds: dict[int, str] | None = None) -> list[dict]:
    """Every ledger entry of the case and of the rows around it, oldest first (one query + names):
    when it was recorded, the day the act says it happened (its `on` input), what (the registry's
    Chinese label, with the deadline's name for a deadline's entries), who, and the entry's index."""
    import json

    from django.db.models import Q

    q = Q(object_type=CASE_TYPE, object_id=str(case.pk))
    for object_type, ids in related.items():
        if ids:
            q |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    entries = list(LedgerEntry.objects.filter(q, deleted=False).order_by("index")
                   .only("index", "created_at", "actor", "action", "object_type", "object_id", "entry"))
    names = _names(e.actor for e in entries)
    kinds = deadline_kinds or {}
    rows = []
    for e in entries:
        label = action_label(e.action)
        if e.object_type == Obligation._meta.label_lower and e.object_id.isdigit() and int(e.object_id) in kinds:
            label = f"{label}（{kinds[int(e.object_id)]}）"
        try:
            on = json.loads(e.entry).get("payload", {}).get("on") or ""
        except (ValueError, AttributeError):
            on = ""
        rows.append({"index": e.index, "time": e.created_at, "on": str(on)[:10], "actor": names.get(e.actor, "系统"),
                     "label": label})
    return rows


def surcharge_owed(case, on: dt.date | None = None):
    """加处罚款 owed on `on` (today) while the fine is unpaid after its payment period (3 % a day of the
    fine from the profile, capped at the fine, not during 复议/诉讼: `guards.late_surcharge`)."""
    from decimal import Decimal

    from . import guards

    unpaid = (case.decided_fine or 0) - (case.paid_total or 0)
    if unpaid <= 0 or case.status not in (CaseStatus.SERVED, CaseStatus.EXECUTING, CaseStatus.COURT):
        return Decimal(0)
    return guards.late_surcharge(case, on or timezone.localdate())


def case_page(user, case) -> dict:
    """Everything the case page shows, in a fixed number of queries."""
    handlers = list(case.handlers.select_related("person", "certificate"))
    parties = list(case.case_parties.select_related("party"))
    participants = list(case.participants.select_related("for_party__party"))
    recusals = list(case.recusals.select_related("handler__person"))
    onsite = list(case.onsite_acts.all())
    if onsite:
        from sanxiang.records.catalogue import covered_refs

        covered = covered_refs(case)
        for act in onsite:
            act.recording_attached = f"onsite:{act.pk}" in covered
    from sanxiang.review.models import ReviewRound

    reviews = list(case.reviews.select_related("reviewer"))  # 法制审核 recorded before the review procedure
    review_rounds = list(ReviewRound.objects.filter(review__case=case).select_related("review", "reviewer")
                         .order_by("review_id", "number"))
    payments = list(case.payments.all())
    appeals = list(case.appeals.select_related("measure"))
    obligations = list(Obligation.objects.filter(object_type=CASE_TYPE, object_id=str(case.pk))
                       .select_related("agency").prefetch_related("pauses", "extensions").order_by("start", "id"))
    today, calendar = timezone.localdate(), get_calendar()
    lead = warning_lead(profile_key_of(case.agency), today)
    deadline_rows = [{"ob": ob, "level": warning_level(ob, today, lead=lead, calendar=calendar),
                      "explanation": compute_obligation(ob).explanation if ob.status in OPEN_STATES else []}
                     for ob in obligations]
    related = {
        CaseHandler._meta.label_lower: [h.pk for h in handlers],
        CaseParty._meta.label_lower: [p.pk for p in parties],
        CaseParticipant._meta.label_lower: [p.pk for p in participants],
        Recusal._meta.label_lower: [r.pk for r in recusals],
        OnSiteAct._meta.label_lower: [a.pk for a in onsite],
        CaseReview._meta.label_lower: [r.pk for r in reviews],
        ReviewRound._meta.label_lower: [r.pk for r in review_rounds],
        CasePayment._meta.label_lower: [p.pk for p in payments],
        CaseAppeal._meta.label_lower: [a.pk for a in appeals],
        Obligation._meta.label_lower: [o.pk for o in obligations],
        # 行政强制措施 and their 清单 (their deadlines are shown in the section of the measures)
        CoerciveMeasure._meta.label_lower: list(CoerciveMeasure.objects.filter(case=case).values_list("pk", flat=True)),
        SeizedItem._meta.label_lower: list(SeizedItem.objects.filter(measure__case=case).values_list("pk", flat=True)),
    }
    options = available(case, user)
    return {
        "case": case, "handlers": handlers, "active_handlers": [h for h in handlers if h.until is None],
        "parties": parties, "participants": participants, "recusals": recusals, "onsite_acts": onsite,
        "reviews": reviews, "review_rounds": review_rounds, "payments": payments, "appeals": appeals, "deadlines": deadline_rows, "timeline": timeline(case, related, {o.pk: o.kind for o in obligations}),
        "options": options,
        "proposed": (f"不予行政处罚：{case.get_no_penalty_ground_display()}" if case.no_penalty_ground else
                     penalties_text(case.proposed_penalties, case.proposed_fine, case.proposed_confiscation)),
        "notified": penalties_text(case.notified_penalties, case.notified_fine, case.notified_confiscation),
        "decided": penalties_text(case.decided_penalties, case.decided_fine, case.decided_confiscation),
        "flags": "、".join(ReviewFlag(f).label for f in case.review_flags if f in ReviewFlag.values),
        "service_method": ServiceMethod(case.service_method).label if case.service_method else "",
        "simplified": case.procedure == Procedure.SIMPLIFIED,
        "surcharge": surcharge_owed(case, today),
        "remade_by": list(case.remade_by.all()),
    }


def enforcement_staff(agency_ids, on: dt.date | None = None):
    """People of the agencies who may enforce on `on` (today): not 辅助人员, with a 行政执法证 in
    force. Only they are offered as handlers; the action still checks the case's category."""
    from sanxiang.orgs.models import Certificate, CertificateKind, CertificateStatus, Person, PersonKind

    on = on or timezone.localdate()
    certified = Certificate.objects.filter(kind=CertificateKind.ENFORCEMENT, status=CertificateStatus.VALID,
                                           valid_from__lte=on, valid_to__gte=on).values("person_id")
    return (Person.objects.filter(agency_id__in=list(agency_ids), pk__in=certified)
            .exclude(kind=PersonKind.AUXILIARY).order_by("name", "id"))


def handler_candidates(case):
    """People of the case's agency who may enforce today and do not handle the case yet."""
    taken = case.handlers.filter(until__isnull=True).values("person_id")
    return enforcement_staff([case.agency_id]).exclude(pk__in=taken)


def party_candidates(user, case, search: str = ""):
    """Parties of the case's agency the user may see, matching `search` (the parties app's query)."""
    from sanxiang.parties.queries import parties_for

    taken = case.case_parties.values("party_id")
    return parties_for(user, search).filter(agency_id=case.agency_id).exclude(pk__in=taken)


def reviewers_of(case):
    """法制审核人员 of the case's agency in force today, who do not handle the case."""
    from sanxiang.orgs.models import RoleAssignment

    today = timezone.localdate()
    # Handlers without a login account have no user: a NULL in `NOT IN (…)` would exclude everyone.
    handling = case.handlers.filter(person__user__isnull=False).values("person__user_id")
    users = (RoleAssignment.objects.filter(agency_id=case.agency_id, role=Role.REVIEWER, active=True,
                                           valid_from__lte=today)
             .exclude(valid_to__lt=today).exclude(user_id__in=handling).values("user_id"))
    return get_user_model().objects.filter(pk__in=users).order_by("username")


def units_to_open_in(user):
    """(agency, unit) pairs where `user` may register a clue: the units of the agencies granting it."""
    from sanxiang.orgs.models import Agency, Unit

    agencies = restrict(Agency.objects.all(), user, "open_case")
    return list(Unit.objects.filter(agency__in=agencies).select_related("agency").order_by("agency__code", "name"))


def dossier_cases(party, user):
    """The 案件 section of a party's dossier: the cases of that party the reader may see."""
    cases = list(restrict(Case.objects.select_related("unit"), user).filter(case_parties__party=party)
                 .exclude(kind="inspection")  # their own section (行政检查)
                 .order_by("-created_at", "-id")[:100])
    if not cases:
        return None
    return {"cases": [{"case": c, "decided": penalties_text(c.decided_penalties, c.decided_fine,
                                                            c.decided_confiscation)} for c in cases]}


def today() -> dt.date:
    return timezone.localdate()
