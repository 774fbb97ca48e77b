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
