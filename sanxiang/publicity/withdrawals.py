"""撤下申请 (decision 0090): a decision still in force — the case does not record it revoked — is taken down
only by a 发布部门负责人 (decision 0086). Besides the head's own act, the 公示编辑 may propose it: the
ground, the public reason and the head asked; that head approves (the withdrawal is then the head's
act, with the proposed ground and reason, ledgered as any withdrawal) or refuses with a reason. Every
step is ledgered; the publication page and the obligation list show a pending proposal."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.access.actors import is_system_actor
from sanxiang.access.policy import can
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions

from .models import Publication, PublicationStatus, WithdrawalProposal, WithdrawalProposalStatus
from .workflows import WITHDRAWAL_GROUNDS

register_actions({
    "propose_withdrawal": "申请撤下仍有效决定的公示信息",
    "approve_withdrawal": "批准撤下申请",
    "refuse_withdrawal": "不批准撤下申请",
    "close_withdrawal": "撤下申请终结（公示信息已不在公示中）",
})
SHOWN = (PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def pending(pub) -> WithdrawalProposal | None:
    return (WithdrawalProposal.objects.filter(publication=pub, status=WithdrawalProposalStatus.PENDING)
            .select_related("proposed_to", "proposed_by").first())


def state_words(pub) -> str:
    """Why `pub` is not on show, in plain words for a refusal (s25 defects10 #8: not 「已已撤下」, and an early
    stop is not 「公示期满」)."""
    if pub.status == PublicationStatus.WITHDRAWN:
        return "已撤下"
    if pub.status == PublicationStatus.EXPIRED:
        from .queries import _stopped_early

        return "经当事人申请已提前停止公示" if pub.pk and _stopped_early(pub) else "公示期满已停止公示"
    return f"现为“{pub.get_status_display()}”"


def close_overtaken(pub, *, actor) -> int:
    """The pending proposal of `pub`, no longer on show (withdrawn by a head's own act, taken down, expired,
    stopped early), is closed — 终结, ledgered — so it leaves the asked head's 待我批准 (s25 defects10 #7)."""
    closed = 0
    for row in WithdrawalProposal.objects.select_for_update().filter(publication=pub,
                                                                     status=WithdrawalProposalStatus.PENDING):
        row.status, row.decided_on = WithdrawalProposalStatus.CLOSED, timezone.localdate()
        row.save(update_fields=["status", "decided_on"])
        append_entry(action="close_withdrawal", actor=actor, obj=row, payload={
            "publication": pub.pk, "publication_status": pub.status, "proposed_by": row.proposed_by_name})
        closed += 1
    return closed


def on_publication_moved(table, transition, obj, actor, params):
    """A move of the `publication` table that takes it off show closes its pending proposal (engine listener)."""
    if table.name == "publication" and transition.target in (PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED):
        close_overtaken(obj, actor=actor)


def _head(agency, user) -> bool:
    from sanxiang.orgs.models import Role, RoleAssignment

    return user is not None and getattr(user, "is_active", False) and RoleAssignment.objects.filter(
        agency=agency, user=user, active=True, role__in=(Role.UNIT_HEAD, Role.AGENCY_LEADER)).exists()


@transaction.atomic
def do_propose_withdrawal(pub, *, ground: str, reason: str, approver, actor, on=None) -> WithdrawalProposal:
    """申请撤下: the editor (or a head) asks a named 发布部门负责人 to take down a decision on show."""
    from .actions import _lock, act_day

    locked = _lock(pub)
    if is_system_actor(actor) or not can(actor, "withdraw", locked):
        raise NotPermitted("只有本机关的公示编辑或发布部门负责人可以申请撤下公示信息。")
    if locked.status not in SHOWN:
        raise Conflict(f"该公示信息{state_words(locked)}，不在公示中。", field="status")
    if locked.revoked:
        raise RuleViolation("本案已记录该决定被撤销，可以直接撤下，无需申请。", field="ground")
    if pending(locked) is not None:
        raise Conflict("已有待批准的撤下申请。", field="status", code="withdrawal_pending")
    if ground not in WITHDRAWAL_GROUNDS:
        listed = "、".join(f"{k}（{v}）" for k, v in WITHDRAWAL_GROUNDS.items())
        raise RuleViolation(f"请选择撤下事由 —— {listed}。", field="ground", code="ground_required")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("撤下须写明理由（公开说明）。", field="reason")
    if len(reason) > 500:
        raise RuleViolation("撤下理由过长（最多 500 字）。", field="reason")
    if not _head(locked.agency, approver) or not can(approver, "approve", locked):
        raise RuleViolation("请选择本机关的发布部门负责人（科室负责人或单位领导）批准。", field="approver")
    if approver.pk == getattr(acting_user(actor), "pk", None):
        raise RuleViolation("申请人不能请自己批准，请选择另一位负责人。", field="approver")
    day = act_day(on, what="申请", floors=((locked.published_on, "首次公示之日"),))
    from .public_text import public_text

    reason = public_text(reason, locked, what="撤下说明")  # the public notice once approved (decision 0097)
    try:
        with transaction.atomic():
            row = WithdrawalProposal.objects.create(
                publication=locked, agency=locked.agency, ground=ground, reason=reason,
                proposed_by=acting_user(actor), proposed_by_name=actor.get_username(), proposed_to=approver,
                proposed_on=day, created_at=timezone.now())
    except IntegrityError:
        raise Conflict("已有待批准的撤下申请。", field="status", code="withdrawal_pending") from None
    append_entry(action="propose_withdrawal", actor=actor, obj=row, payload={
        "publication": locked.pk, "case": locked.obligation.case.number, "ground": ground, "reason": reason,
        "approver": approver.get_username(), "on": day.isoformat()})
    return row


def _proposal(proposal) -> WithdrawalProposal:
    row = WithdrawalProposal.objects.select_for_update().filter(pk=getattr(proposal, "pk", proposal)).first()
    if row is None:
        raise NotFound("没有这项撤下申请。", code="withdrawal_proposal_not_found")
    return row


def _asked(row: WithdrawalProposal, actor, what: str) -> None:
    if is_system_actor(actor):
        raise NotPermitted(f"撤下申请须由所请负责人本人{what}。")
    user = acting_user(actor)
    if row.status != WithdrawalProposalStatus.PENDING:
        label = row.get_status_display()
        raise Conflict(f"该撤下申请{'' if label.startswith('已') else '已'}{label}。", field="status")
    if row.publication.status not in SHOWN:  # taken down meanwhile (the head's own act, expiry)
        raise Conflict(f"该公示信息{state_words(row.publication)}，撤下申请无需再{what}。", field="status")
    if getattr(user, "pk", None) == row.proposed_by_id:
        raise NotPermitted(f"申请人不能{what}自己的撤下申请。")
    if getattr(user, "pk", None) != row.proposed_to_id or not can(actor, "approve", row.publication):
        raise NotPermitted(f"该申请请{_name(row.proposed_to)}{what}，其他人不能代为{what}。")


@transaction.atomic
def do_approve_withdrawal(proposal, *, actor, on=None) -> Publication:
    """批准撤下: the head asked takes the decision down with the proposed ground and public reason."""
    from .actions import do_withdraw_publication

    row = _proposal(proposal)
    _asked(row, actor, "批准")
    from .public_text import public_text

    # a proposal saved before decision 0097: masked now, a code replaced (the head is not sent back for it)
    reason = public_text(row.reason, row.publication, what="撤下说明", refuse_codes=False)
    row.status = WithdrawalProposalStatus.APPROVED  # before the withdrawal, which closes a proposal still pending
    row.save(update_fields=["status"])
    done = do_withdraw_publication(row.publication, reason=reason, ground=row.ground, on=on, actor=actor)
    row.decided_by, row.decided_on = acting_user(actor), done.withdrawn_on
    row.save(update_fields=["decided_by", "decided_on"])
    append_entry(action="approve_withdrawal", actor=actor, obj=row, payload={
        "publication": row.publication_id, "ground": row.ground, "reason": row.reason,
        "proposed_by": row.proposed_by_name, "on": row.decided_on.isoformat() if row.decided_on else None})
    return done


@transaction.atomic
def do_refuse_withdrawal(proposal, *, reason: str, actor) -> WithdrawalProposal:
    """不批准撤下, with the reason: the decision stays on show."""
    row = _proposal(proposal)
    _asked(row, actor, "决定")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise RuleViolation("请写明不批准的理由。", field="reason")
    if len(reason) > 500:
        raise RuleViolation("理由过长（最多 500 字）。", field="reason")
    row.status, row.decided_by, row.decided_on = (WithdrawalProposalStatus.REFUSED, acting_user(actor),
                                                  timezone.localdate())
    row.refusal_reason = reason
    row.save(update_fields=["status", "decided_by", "decided_on", "refusal_reason"])
    append_entry(action="refuse_withdrawal", actor=actor, obj=row, payload={
        "publication": row.publication_id, "reason": reason, "proposed_by": row.proposed_by_name})
    return row
