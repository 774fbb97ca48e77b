"""当事人申请的答复期限预警 (decision 0072): pending correction requests and early-stop applications near
(临期) or past (超期) their answer deadline, counted for the job runner's summary (the queue page
computes the same levels)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def party_request_warnings() -> dict:
    from .party_models import CorrectionRequest, EarlyStopRequest
    from .party_pages import level

    today = timezone.localdate()
    yellow = red = 0
    for model in (CorrectionRequest, EarlyStopRequest):
        for req in model.objects.filter(status="pending").select_related("obligation", "agency").order_by("id")[:1000]:
            lv = level(req, today)
            yellow += lv == "yellow"
            red += lv == "red"
    summary = f"当事人申请：{yellow} 件临期，{red} 件已超期未答复" if (yellow or red) else ""
    return {"done": 0, "summary": summary, "yellow": yellow, "red": red}


@task()
def make_publicity_notices() -> dict:
    """执法决定信息公示告知书 (decision 0078): the notice of every decision whose obligation has none, made by
    `JOBS` (each in its own transaction, the template filled outside it), its PDF queued as every
    document's. Enqueued when a decision opens an obligation; scheduled too, so a lost enqueue is caught up.
    A notice the documents app refuses (an agency's template that cannot be filled, an archived case) is
    not tried again: the refusal is ledgered on the publication (`notices.record_notice_failure`), named
    with its case and reason in the summary, and shown to the case's staff on the party page, who make the
    notice themselves."""
    from sanxiang.access.actors import JOBS
    from sanxiang.core.errors import SanxiangError

    from .notices import do_make_publicity_notice, missing_notices, record_notice_failure

    made = 0
    failures = []
    for pub in missing_notices(limit=20):
        try:
            do_make_publicity_notice(pub, actor=JOBS, keep_code=True)
            made += 1
        except SanxiangError as exc:
            if getattr(exc, "code", "") == "case_changed":  # changed while filled: the next run tries again
                continue
            reason = str(getattr(exc, "message", "") or exc)
            record_notice_failure(pub, reason=reason, actor=JOBS)
            failures.append(f"{pub.agency.name} 案件 {pub.obligation.case.number}（{pub.obligation.decision_label}）：{reason}")
    parts = [f"生成 {made} 份公示告知书"] if made else []
    if failures:
        parts.append(f"{len(failures)} 份未能生成，不再自动重试，请承办人员在公示告知页处理——" + "；".join(failures))
    return {"done": made, "summary": "，".join(parts), "failed": len(failures), "failures": failures}
